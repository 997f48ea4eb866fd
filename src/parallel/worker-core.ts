// What runs inside each worker of fitAsync (Node worker_threads or a module Web Worker):
// its own instance of the core, one shard of whole chunks, and answers to the
// coordinator's requests (protocol.ts). Nothing is shared with the coordinator but
// messages, so no SharedArrayBuffer or cross-origin isolation is needed.
import { initCore, core, kernels } from '../core/core.js';
import { Arena } from '../core/arena.js';
import { Shard } from '../fit/shard.js';
import { GmmError } from '../core/errors.js';
import { answer, type FromWorker, type ToWorker } from './protocol.js';

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

/** Returns the message handler of a worker that posts its answers with `post`. */
export function serve(post: (m: FromWorker, transfer?: ArrayBuffer[]) => void): (m: ToWorker) => Promise<void> {
  let shard: Shard | null = null;
  return async (m: ToWorker) => {
    if (m.type === 'init') {
      await initCore(m.module);
      kernels.simd = m.simd;
      post({ type: 'ready' });
    } else if (m.type === 'load') {
      const c = core();
      shard = new Shard(c, new Arena(c), m.chunk0, m.data, m.rows, m.cols, m.w);
      post({ type: 'loaded', totals: shard.totals });
    } else {
      try {
        const t0 = performance.now();
        const value = answer(shard!, m.name, m.args as never);
        const ms = performance.now() - t0;
        post({ type: 'result', id: m.id, value, ms }, transferables(value));
      } catch (e) {
        post({ type: 'error', id: m.id, message: (e as Error)?.message ?? String(e), code: e instanceof GmmError ? e.code : undefined });
      }
    }
  };
}
