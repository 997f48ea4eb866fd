// A worker's side of a relay: the EM iterations of one initialisation run by the workers
// among themselves, with no coordinator in between. Each iteration every worker runs its
// E-step, hands its tree nodes to every peer (through shared memory, board.ts, where the
// coordinator made a board; else over a MessageChannel per pair, Peers below), combines
// all nodes in the fixed tree as the coordinator would (rootInto) and runs the same M-step
// on its own Coordinator (variational or not, as the options say): the same operands in the
// same order, so every worker ends each
// iteration with the coordinator's bits and only statistics travel, one wake-up an
// iteration instead of two. The loop itself is the driver's (emIterations).
import type { CoreExports } from '../core/core.js';
import type { Arena } from '../core/arena.js';
import type { Coordinator } from '../fit/coordinator.js';
import { createCoordinator } from '../fit/variational.js';
import { emIterations, runAsync, type IterationInfo } from '../fit/driver.js';
import type { Shard } from '../fit/shard.js';
import type { TreeNode } from '../fit/tree.js';
import type { PeerNodes, RelayArgs, RelayResult } from './protocol.js';
import { rootInto } from './shard-cluster.js';
import { nextTurn } from './next-turn.js';
import { Board, cancelledError } from './board.js';

/** This worker's ports to the others and the nodes they have sent, by relay and iteration. */
export class Peers {
  private readonly inbox = new Map<string, TreeNode[][]>();
  private waiting: { key: string; resolve: () => void; reject: (e: unknown) => void } | null = null;
  /** The relay running (nodes of earlier ones are dropped; later ones' are kept: a peer may
   *  start the next relay before this worker has its message). */
  private run = 0;
  private cancelled = 0;

  /** ports: by peer index (null at this worker's own). tryReceive: the runtime's
   *  synchronous receive (Node), or null. */
  constructor(readonly index: number, private readonly ports: (MessagePort | null)[],
    private readonly tryReceive: TryReceive | null = null) {
    for (const p of ports) if (p) p.onmessage = (e: MessageEvent) => this.receive(e.data as PeerNodes);
  }

  private receive(m: PeerNodes): void {
    if (m.run < this.run) return;
    const key = `${m.run}:${m.iter}`;
    const got = this.inbox.get(key);
    if (got) got.push(m.nodes);
    else this.inbox.set(key, [m.nodes]);
    if (this.waiting?.key === key && !this.missing(key)) this.waiting.resolve();
  }

  begin(run: number): void {
    this.run = run;
    for (const key of this.inbox.keys()) if (Number(key.split(':')[0]) < run) this.inbox.delete(key);
  }

  /** Stops relay `run` (now or when it next waits). */
  cancel(run: number): void {
    this.cancelled = Math.max(this.cancelled, run);
    if (this.run === run && this.waiting) {
      this.waiting.reject(cancelledError());
      this.waiting = null;
    }
  }

  /** Sends this worker's nodes of iteration `iter` to every peer and returns all workers'. */
  async exchange(iter: number, own: TreeNode[]): Promise<TreeNode[]> {
    const run = this.run, key = `${run}:${iter}`;
    if (this.cancelled >= run) throw cancelledError();
    // Each peer gets its own copy, moved: Node's structured clone of an array of objects
    // holding typed arrays costs about 50 µs a message where a transfer costs 2 (measured
    // on Node 20), and the nodes stay this worker's to sum into.
    for (const p of this.ports) {
      if (!p) continue;
      const nodes = own.map((n) => ({ level: n.level, index: n.index, data: n.data.slice() }));
      p.postMessage({ run, iter, nodes } satisfies PeerNodes, nodes.map((n) => n.data.buffer));
    }
    // nodes already queued (the peers finished first) are taken at once, without a turn of
    // the event loop. (Waiting awake for the rest, polling this, was tried: no gain that
    // this 2-core VM could resolve, and it takes a core a peer may share.)
    if (this.tryReceive) this.drain();
    if (this.missing(key)) {
      await new Promise<void>((resolve, reject) => { this.waiting = { key, resolve, reject }; });
      this.waiting = null;
    }
    const theirs = this.inbox.get(key) ?? []; // none for a lone worker
    this.inbox.delete(key);
    return own.concat(...theirs);
  }

  /** No peers: exchange() never waits, so messages to this worker (a cancel) wait for the relay's end. */
  get alone(): boolean {
    return this.ports.every((p) => !p);
  }

  private missing(key: string): boolean {
    return (this.inbox.get(key)?.length ?? 0) < this.ports.length - 1;
  }

  /** Takes the messages queued on the ports now. */
  private drain(): void {
    for (const p of this.ports) {
      if (!p) continue;
      for (let m = this.tryReceive!(p); m !== undefined; m = this.tryReceive!(p)) this.receive(m as PeerNodes);
    }
  }
}

/** Takes one message queued on a port now, or gives undefined (Node: receiveMessageOnPort). */
export type TryReceive = (port: MessagePort) => unknown;

/**
 * Runs one relay on this worker's prepared shard. The Coordinator's buffers go above the
 * shard in its arena and are freed on the way out, so Shard.prepare's check still holds.
 */
export async function relay(c: CoreExports, arena: Arena, shard: Shard, peers: Peers, a: RelayArgs,
  progress: (info: IterationInfo) => void): Promise<RelayResult> {
  const top = arena.mark();
  try {
    peers.begin(a.run);
    const co = createCoordinator(c, arena, a.o, shard.d);
    // shared memory where the coordinator made a board (board.ts), messages otherwise
    const board = a.board ? new Board(a.board, peers.index) : null;
    co.write(a.params);
    let emMs = 0, emCalls = 0, stepMs = 0;
    // the M-step's time, reported as the coordinator's step is timed by bench/scaling.js
    // (serial work of EM, not an overhead of the relay); diagnostic only
    const update = co.update.bind(co);
    co.update = (root, shifted) => {
      const t0 = performance.now();
      try {
        return update(root, shifted);
      } finally {
        stepMs += performance.now() - t0;
      }
    };
    const source = {
      em: async (co: Coordinator, shifted: boolean): Promise<null> => {
        const t0 = performance.now();
        // the E-step reads the Coordinator's buffers in place (same instance), as LocalCluster's does
        const own = shard.em(co.eStepPtrs(shifted), 0, true);
        emMs += performance.now() - t0;
        ++emCalls;
        // a board's nodes are views of the peers' slots: summed into copies, not in place
        if (board) rootInto(co, 'stats', board.exchange(emCalls, own), a.chunkCount, false);
        else rootInto(co, 'stats', await peers.exchange(emCalls, own), a.chunkCount);
        // a lone worker reporting progress lets a cancel in (an onIteration that threw)
        if (a.progress && peers.alone) await nextTurn();
        return null;
      },
    };
    const out = await runAsync(emIterations(co, a.init, a.lower, { onIteration: a.progress && peers.index === 0 ? progress : undefined }), source);
    return { ...out, params: peers.index === 0 ? co.read() : null, emMs, emCalls, stepMs };
  } finally {
    arena.release(top);
  }
}
