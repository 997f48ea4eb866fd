// What runs inside each worker of fitAsync (Node worker_threads or a module Web Worker):
// its own instance of the core, one shard of whole chunks, and answers to the
// coordinator's requests (protocol.ts). Requests and answers are messages; a relay's
// exchange between workers goes through shared memory where the runtime has it (board.ts)
// and by messages elsewhere, so cross-origin isolation is optional: it only speeds the relay.
import { initCore, core, kernels } from '../core/core.js';
import { Arena } from '../core/arena.js';
import { Shard } from '../fit/shard.js';
import { GmmError } from '../core/errors.js';
import { answer, type FromWorker, type ToWorker } from './protocol.js';
import { Peers, relay, type TryReceive } from './relay-worker.js';
import { lrtDraws } from '../model/bootstrap-lrt.js';
import { bootstrapReplicates } from '../model/bootstrap-parameters.js';

/** The buffers of the typed arrays in an answer, moved rather than copied. */
function transferables(v: unknown, out: ArrayBuffer[] = []): ArrayBuffer[] {
  if (v instanceof Float64Array) {
    if (v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && !out.includes(v.buffer)) out.push(v.buffer);
  } else if (Array.isArray(v)) {
    for (const e of v) transferables(e, out);
  } else if (v !== null && typeof v === 'object') {
    for (const e of Object.values(v)) transferables(e, out);
  }
  return out;
}

/** What a worker posts when a message to it could not be read ('messageerror': say, shared
 *  memory outside its agent cluster): id −1 fails the worker (WorkerShard), as a crash does. */
export const UNREADABLE: FromWorker = { type: 'error', id: -1, message: 'the worker could not read a message sent to it.' };

/** Returns the message handler of a worker that posts its answers with `post`; tryReceive:
 *  the runtime's synchronous receive on a port, where it has one (Node). */
export function serve(post: (m: FromWorker, transfer?: ArrayBuffer[]) => void,
  tryReceive: TryReceive | null = null): (m: ToWorker) => Promise<void> {
  let shard: Shard | null = null;
  let arena: Arena | null = null;
  let peers: Peers | null = null;
  const failed = (id: number, e: unknown): void =>
    post({ type: 'error', id, message: (e as Error)?.message ?? String(e), code: e instanceof GmmError ? e.code : undefined });
  return async (m: ToWorker) => {
    if (m.type === 'init') {
      try {
        await initCore(m.module);
      } catch (e) {
        return failed(0, e); // id 0: the answer to a control message
      }
      Object.assign(kernels, m.kernels);
      post({ type: 'ready' });
    } else if (m.type === 'load') {
      const c = core();
      try {
        if (m.chunk0 !== null) {
          arena = new Arena(c);
          shard = new Shard(c, arena, m.chunk0, m.cols);
        }
        shard!.add(m.data, m.rows, m.w, m.raw);
      } catch (e) {
        return failed(0, e);
      }
      // the piece's buffers go back for the next piece (no fresh pages on the sender's side)
      post({ type: 'loaded', totals: m.last ? shard!.totals : null, data: m.data, w: m.w, raw: m.raw },
        [m.data, m.w, m.raw].filter((a) => a !== null).map((a) => a.buffer as ArrayBuffer));
    } else if (m.type === 'peers') {
      peers = new Peers(m.index, m.ports, tryReceive);
    } else if (m.type === 'cancel') {
      peers?.cancel(m.run);
    } else if (m.type === 'task') {
      try {
        const t0 = performance.now();
        const value = m.args.kind === 'lrt' ? lrtDraws(m.args) : bootstrapReplicates(m.args);
        post({ type: 'result', id: m.id, value, ms: performance.now() - t0 }, transferables(value));
      } catch (e) {
        failed(m.id, e);
      }
    } else if (m.type === 'relay') {
      try {
        const t0 = performance.now();
        const value = await relay(core(), arena!, shard!, peers!, m.args, (info) => post({ type: 'progress', id: m.id, info }));
        post({ type: 'result', id: m.id, value, ms: performance.now() - t0 });
      } catch (e) {
        failed(m.id, e);
      }
    } else {
      try {
        const t0 = performance.now();
        const value = answer(shard!, m.name, m.args as never);
        const ms = performance.now() - t0;
        post({ type: 'result', id: m.id, value, ms }, transferables(value));
      } catch (e) {
        failed(m.id, e);
      }
    }
  };
}
