// The relay's exchange through shared memory, where the runtime has it (Node; browsers on
// cross-origin-isolated pages): each worker writes its tree nodes of an iteration once into
// a slot of its own on a SharedArrayBuffer, arrives at a barrier (Atomics), and reads every
// peer's nodes in place. Messages (relay-worker.ts Peers, the fallback) cost a worker a
// copy, a transfer and a receive per peer, 11–14 µs each on Node 20 (162–212 µs an
// iteration at 16 workers with o16d's or o8's nodes, bench/exchange.js), and a wake-up per
// message that finds it asleep; the board costs one copy and at most one wake-up, none
// when the worker spins.
//
// Layout: Int32 [ARRIVED, CANCELLED, …] in the first 16 bytes, then two slots per worker
// (by the parity of the iteration), each f64 [count, (level, index, length) × maxNodes,
// node data …]. A worker writes iteration t + 2's slot only after every peer has arrived at
// t + 1, that is after each has read t's, so two slots suffice. The barrier counts
// arrivals over the whole relay (iteration t is complete at t · W); a cancel adds
// CANCEL_BUMP, which releases every wait at once and makes later ones return at once.
import { GmmError } from '../core/errors.js';
import type { TreeNode } from '../fit/tree.js';

/** What a worker needs to join a board (sent with the relay's arguments). */
export interface BoardSpec {
  sab: SharedArrayBuffer;
  workers: number;
  maxNodes: number;
  /** f64 values of one slot. */
  slotLength: number;
  /** How long a worker polls the barrier before it sleeps (0: sleeps at once). */
  spinMs: number;
}

const ARRIVED = 0, CANCELLED = 1, HEADER_BYTES = 16;
const CANCEL_BUMP = 1 << 30;

/** Whether this runtime can share memory with its workers: SharedArrayBuffer exists, and
 *  (browsers) the page is cross-origin isolated. */
export function canShareMemory(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object' && g.crossOriginIsolated !== false;
}

/** Above this a relay exchanges by messages: the board is one allocation on the caller's
 *  side, outside the 4 GiB each worker's own memory is checked against. */
const MAX_BOARD_BYTES = 2 ** 28;

/** A board for W workers sending at most maxNodes nodes of nodeLength values each
 *  exchange, or null (messages, then) where its barrier count could overflow in maxIter
 *  iterations (two exchanges each at most: the E-step and one about the new means), where
 *  it would take more than MAX_BOARD_BYTES, or where the runtime refuses the memory. */
export function createBoard(W: number, maxNodes: number, nodeLength: number, maxIter: number, spinMs: number): BoardSpec | null {
  if ((2 * maxIter + 2) * W >= CANCEL_BUMP) return null;
  const slotLength = 1 + 3 * maxNodes + maxNodes * nodeLength;
  const bytes = HEADER_BYTES + 2 * W * slotLength * 8;
  if (bytes > MAX_BOARD_BYTES) return null;
  try {
    return { sab: new SharedArrayBuffer(bytes), workers: W, maxNodes, slotLength, spinMs };
  } catch {
    return null;
  }
}

/** Stops every worker of the board where it waits, and at its next arrival. */
export function cancelBoard(spec: BoardSpec): void {
  const ctrl = new Int32Array(spec.sab, 0, 4);
  if (Atomics.compareExchange(ctrl, CANCELLED, 0, 1) !== 0) return;
  Atomics.add(ctrl, ARRIVED, CANCEL_BUMP);
  Atomics.notify(ctrl, ARRIVED);
}

/** One worker's side of a board. */
export class Board {
  private readonly ctrl: Int32Array;

  constructor(private readonly spec: BoardSpec, private readonly index: number) {
    this.ctrl = new Int32Array(spec.sab, 0, 4);
  }

  private slot(worker: number, parity: number): Float64Array {
    const { sab, slotLength } = this.spec;
    return new Float64Array(sab, HEADER_BYTES + (2 * worker + parity) * slotLength * 8, slotLength);
  }

  /** Posts this worker's nodes of iteration `iter` (1, 2, … within the relay), waits for
   *  every peer's, and returns all of them: this worker's own arrays and views of the
   *  peers' slots, valid until the next exchange (read them, do not change them). */
  exchange(iter: number, own: readonly TreeNode[]): TreeNode[] {
    const { workers: W, maxNodes } = this.spec, parity = iter & 1;
    if (own.length > maxNodes) throw new Error(`Board: ${own.length} nodes for ${maxNodes} places`);
    const mine = this.slot(this.index, parity);
    mine[0] = own.length;
    let at = 1 + 3 * maxNodes;
    own.forEach((n, i) => {
      mine.set([n.level, n.index, n.data.length], 1 + 3 * i);
      mine.set(n.data, at);
      at += n.data.length;
    });
    const target = iter * W;
    if (Atomics.add(this.ctrl, ARRIVED, 1) + 1 === target) Atomics.notify(this.ctrl, ARRIVED);
    else this.waitFor(target);
    if (Atomics.load(this.ctrl, CANCELLED) !== 0) throw cancelledError();
    const all: TreeNode[] = own.slice();
    for (let w = 0; w < W; w++) {
      if (w === this.index) continue;
      const s = this.slot(w, parity);
      for (let i = 0, off = 1 + 3 * maxNodes; i < s[0]; i++) {
        const len = s[3 + 3 * i];
        all.push({ level: s[1 + 3 * i], index: s[2 + 3 * i], data: s.subarray(off, off + len) });
        off += len;
      }
    }
    return all;
  }

  private waitFor(target: number): void {
    const until = this.spec.spinMs > 0 ? performance.now() + this.spec.spinMs : 0;
    for (let v = Atomics.load(this.ctrl, ARRIVED); v < target && Atomics.load(this.ctrl, CANCELLED) === 0;
      v = Atomics.load(this.ctrl, ARRIVED)) {
      if (until && performance.now() < until) continue;
      Atomics.wait(this.ctrl, ARRIVED, v);
    }
  }
}

export function cancelledError(): GmmError {
  return new GmmError('ABORTED', 'the relay was cancelled: another worker failed or the fit was stopped.');
}
