// The worker layer's answers while a pool starts, from a mutation audit of the mutants that
// could hang the suite (workers.ts receive(), spawn.ts failureHub): an error answering a
// request the pool never made does not end the start (only id 0 answers a control message),
// and the exits of workers a failed start has ended are not failures to report again. Runs the
// built package (dist/) with real worker_threads; every worker a test starts is terminated at
// its end, and every wait is bounded (within()), so a hang shows as a failure.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import type * as Lib from '../src/entry-node.js';
import { overlapping, expectSameFit, within } from './helpers.js';
import { CHUNK_ROWS } from '../src/fit/chunks.js';

let lib: typeof Lib;
beforeAll(async () => {
  lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
  await lib.init();
});

const CORE = new URL('../dist/parallel/worker-core.js', import.meta.url).href;
const CRASHING = new URL('./parallel/crashing-worker.mjs', import.meta.url);

const started: Worker[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.terminate()));
});

/** gmm-wasm's own worker (worker-core's serve), which also answers init and every load with
 *  an error for request 7, a request the pool never made. */
function strayErrors(): Worker {
  const w = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const post = (m, t) => parentPort.postMessage(m, t ?? []);
    const handle = import(workerData.core).then(({ serve }) => serve(post));
    parentPort.on('message', (m) => {
      void handle.then((h) => {
        if (m.type === 'init' || m.type === 'load') post({ type: 'error', id: 7, message: 'an answer to no request' });
        void h(m);
      });
    });`, { eval: true, workerData: { core: CORE } });
  started.push(w);
  return w;
}

const X = overlapping(31, 2 * CHUNK_ROWS + 55, 2, 2); // three chunks
const quick = { nComponents: 2, seed: 1, maxIter: 8, tol: 0 };

describe('a pool\'s start: which answers end it', () => {
  it('an error answering no request the pool made (id ≠ 0) does not end WorkerPool.create; the pool fits with fit()\'s bits', async () => {
    const pool = await within(lib.WorkerPool.create(X, { workers: 2, createWorker: strayErrors }), 5000, 'create over stray errors');
    try {
      expect(pool.rows).toBe(X.rows);
      expectSameFit(await within(new lib.GaussianMixture(quick).fitAsync(pool), 5000, 'fit over stray errors'),
        new lib.GaussianMixture(quick).fit(X));
    } finally {
      pool.close();
    }
  });

  it('a failed WorkerPool.create ends each worker once: the exits it caused are not failures (terminate() once a worker)', async () => {
    const terminated: number[] = [];
    const exits: Promise<unknown>[] = [];
    const make = (): Worker => {
      const w = new Worker(CRASHING, { workerData: { loadCols: 2 ** 24 } });
      started.push(w);
      exits.push(new Promise((r) => w.once('exit', r)));
      const i = terminated.push(0) - 1;
      const terminate = w.terminate.bind(w);
      w.terminate = () => { terminated[i]++; return terminate(); };
      return w;
    };
    await expect(within(lib.WorkerPool.create(X, { workers: 2, createWorker: make }), 5000, 'failed create'))
      .rejects.toMatchObject({ code: 'TOO_LARGE' });
    await within(Promise.all(exits), 5000, 'the workers of a failed create exit');
    // the exit events have been delivered; give any listener they woke a few turns more
    await new Promise((r) => setTimeout(r, 100));
    expect(terminated).toEqual([1, 1]);
  });
});

describe('a worker that never answers', () => {
  it('fails the start after workerStart.timeoutMs (WORKER_FAILED naming the worker entry), where it waited for ever', async () => {
    const { workerStart } = (await import('../dist/parallel/workers.js' as string)) as { workerStart: { timeoutMs: number } };
    const before = workerStart.timeoutMs;
    workerStart.timeoutMs = 300;
    try {
      const silent = (): Worker => {
        const w = new Worker('setInterval(() => {}, 1000);', { eval: true });
        started.push(w);
        return w;
      };
      const X = overlapping(2, 500, 2, 2);
      const e = await within(lib.WorkerPool.create(X, { workers: 2, createWorker: silent }).then(() => null, (err) => err), 10_000, 'the start');
      expect(e).toMatchObject({ code: 'WORKER_FAILED' });
      expect((e as Error).message).toMatch(/did not answer within 0.3 s of starting: check that workerUrl or createWorker runs gmm-wasm's worker entry/);
    } finally {
      workerStart.timeoutMs = before;
    }
  });
});
