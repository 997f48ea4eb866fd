// Edges of the parallel layer (src/parallel/workers.ts, fit-async.ts, worker-core.ts,
// relay-worker.ts, protocol.ts, spawn.ts) that the other tests left open, found by a
// mutation audit: workers a fit or a pool starts and must end (a temporary pool, a pool
// whose fit was aborted, a pool whose start failed), signals already aborted (no worker is
// started), signals that must stop mattering once a call is over (the listeners are
// removed), a temporary pool's start that must answer its signal, an idle pool that must
// not keep the process alive, no more workers than chunks, the error a stopped pool
// gives and the rows of positive weight a pool counts (a worker's Peers ignoring the cancel
// of a relay already over is in test/parallel/relay.test.ts). Runs the built package (dist/), whose workers are real
// worker_threads; every worker a test starts is tracked and terminated at its end.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type * as Lib from '../src/entry-node.js';
import type { Matrix } from '../src/index.js';
import { overlapping, expectSameFit, rng, runNode, within } from './helpers.js';
import { CHUNK_ROWS } from '../src/fit/chunks.js';

let lib: typeof Lib;
beforeAll(async () => {
  lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
  await lib.init();
});

const ENTRY = new URL('../dist/parallel/worker-node.js', import.meta.url);
const CRASHING = new URL('./parallel/crashing-worker.mjs', import.meta.url);

/** Every Worker the tests start, with a promise of its exit; all terminated after each test. */
const started: { worker: Worker; exited: Promise<unknown> }[] = [];
afterEach(async () => {
  const all = started.splice(0);
  await Promise.all(all.map(async (s) => { await s.worker.terminate(); }));
});

/** A createWorker that records what it starts (gmm-wasm's own worker unless `make` says). */
function tracked(make: () => Worker = () => new Worker(ENTRY)): { createWorker: () => Worker; count: () => number; exited: () => Promise<unknown> } {
  const mine: Promise<unknown>[] = [];
  return {
    createWorker: () => {
      const worker = make();
      const exited = new Promise((r) => worker.once('exit', r));
      started.push({ worker, exited });
      mine.push(exited);
      return worker;
    },
    count: () => mine.length,
    exited: () => Promise.all(mine),
  };
}

/** Workers that start but never answer (the pool waits on their 'ready'). */
const silent = (): Worker => new Worker('setInterval(() => {}, 1000)', { eval: true });

const X = overlapping(21, 3 * CHUNK_ROWS + 77, 2, 2); // four chunks
const quick = { nComponents: 2, seed: 1, maxIter: 8, tol: 0 };
const slow = { nComponents: 2, seed: 1, maxIter: 100000, tol: 0 };

/** A fit that fails in its first M-step (a constant feature, regCovar 0): NOT_POSITIVE_DEFINITE. */
function singular(): { data: Matrix; o: object } {
  const u = rng(3), n = 3 * CHUNK_ROWS, flat = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) flat[2 * i] = u() * 4 + (i % 2) * 6;
  return {
    data: { data: flat, rows: n, cols: 2 },
    o: {
      nComponents: 2, covarianceType: 'full' as const, regCovar: 0,
      weightsInit: [0.5, 0.5], meansInit: [[2, 0], [8, 0]], precisionsInit: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]],
    },
  };
}

describe('workers a fit or a pool starts are ended', () => {
  it('fitAsync over workers of its own ends them once it resolves, and once it rejects', async () => {
    const ok = tracked();
    expectSameFit(await new lib.GaussianMixture(quick).fitAsync(X, { workers: 2, createWorker: ok.createWorker }),
      new lib.GaussianMixture(quick).fit(X));
    expect(ok.count()).toBe(2);
    await within(ok.exited(), 5000, 'the workers of a resolved fitAsync exit');
    const { data, o } = singular();
    const bad = tracked();
    await expect(new lib.GaussianMixture(o).fitAsync(data, { workers: 2, createWorker: bad.createWorker }))
      .rejects.toMatchObject({ code: 'NOT_POSITIVE_DEFINITE' });
    expect(bad.count()).toBe(2);
    await within(bad.exited(), 5000, 'the workers of a rejected fitAsync exit');
  });

  it('an aborted fit on a WorkerPool ends its workers without close(); the pool then says it was stopped', async () => {
    const t = tracked();
    const pool = await lib.WorkerPool.create(X, { workers: 2, createWorker: t.createWorker });
    try {
      // a fitted model (with the slow options) whose refit is aborted: it stays as it was
      const json = new lib.GaussianMixture(quick).fit(X).toJSON();
      const gm = lib.GaussianMixture.fromJSON({ ...json, options: { ...json.options, maxIter: slow.maxIter } });
      const before = JSON.stringify(gm.toJSON());
      const ac = new AbortController();
      let iters = 0;
      await expect(within(gm.fitAsync(pool, { signal: ac.signal, onIteration: () => { if (++iters === 3) ac.abort(); } }), 5000, 'abort'))
        .rejects.toMatchObject({ code: 'ABORTED' });
      expect(JSON.stringify(gm.toJSON())).toBe(before);
      await within(t.exited(), 5000, 'the workers of an aborted pool exit');
      // not WORKER_FAILED: nothing failed, the caller stopped it
      await expect(new lib.GaussianMixture(quick).fitAsync(pool))
        .rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('was stopped') });
    } finally {
      pool.close();
    }
  });

  it('WorkerPool.create whose workers cannot take their rows rejects with their error and ends every worker', async () => {
    const t = tracked(() => new Worker(CRASHING, { workerData: { loadCols: 2 ** 24 } }));
    await expect(lib.WorkerPool.create(X, { workers: 3, createWorker: t.createWorker }))
      .rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(t.count()).toBe(3);
    await within(t.exited(), 5000, 'the workers of a failed WorkerPool.create exit');
  });

  it('no more workers than chunks: 5 asked over 2 chunks start 2, with fit()\'s bits', async () => {
    const two = overlapping(22, CHUNK_ROWS + 100, 2, 2);
    const t = tracked();
    const pool = await lib.WorkerPool.create(two, { workers: 5, createWorker: t.createWorker });
    try {
      expect(t.count()).toBe(2);
      expect(pool.workerTime('em')).toHaveLength(2);
      expectSameFit(await new lib.GaussianMixture(quick).fitAsync(pool), new lib.GaussianMixture(quick).fit(two));
    } finally {
      pool.close();
    }
  });

  it('workers: 0 fits in this thread and starts no worker', async () => {
    const t = tracked();
    expectSameFit(await new lib.GaussianMixture(quick).fitAsync(X, { workers: 0, createWorker: t.createWorker }),
      new lib.GaussianMixture(quick).fit(X));
    expect(t.count()).toBe(0);
  });

  it('a WorkerPool never used for a fit, and never closed, lets the process exit (a script read from stdin as a module)', async () => {
    const entry = new URL('../dist/entry-node.js', import.meta.url).href;
    const script = `import * as lib from ${JSON.stringify(entry)};
      await lib.init();
      const n = 5000, X = { data: Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(i * 12.9898) * 3), rows: n, cols: 2 };
      const pool = await lib.WorkerPool.create(X, { workers: 2 });
      console.log('made', pool.rows);`;
    // --input-type is the caller's flag, which the workers must not inherit (they load a file)
    for (const flags of [['--input-type=module'], ['--input-type', 'module']]) {
      const r = await runNode(flags, { input: script, timeoutMs: 15_000 });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('made 5000');
      expect(r.code).toBe(0);
    }
  });
});

describe('signals: already aborted, answered while workers start, and let go afterwards', () => {
  it('a signal already aborted rejects with ABORTED before any worker starts (fitAsync and WorkerPool.create)', async () => {
    const ac = new AbortController();
    ac.abort();
    const t = tracked();
    await expect(within(new lib.GaussianMixture(quick).fitAsync(X, { workers: 2, createWorker: t.createWorker, signal: ac.signal }), 5000, 'fitAsync'))
      .rejects.toMatchObject({ code: 'ABORTED' });
    await expect(within(lib.WorkerPool.create(X, { workers: 2, createWorker: t.createWorker, signal: ac.signal }), 5000, 'create'))
      .rejects.toMatchObject({ code: 'ABORTED' });
    expect(t.count()).toBe(0);
  });

  it('fitAsync\'s signal reaches the start of its own workers: workers that never answer cannot hold it', async () => {
    const t = tracked(silent);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 100);
    try {
      const gm = new lib.GaussianMixture(quick);
      await expect(within(gm.fitAsync(X, { workers: 2, createWorker: t.createWorker, signal: ac.signal }), 5000, 'fitAsync over silent workers'))
        .rejects.toMatchObject({ code: 'ABORTED' });
      expect(gm.isFitted).toBe(false);
      await within(t.exited(), 5000, 'the silent workers exit');
    } finally {
      clearTimeout(timer);
    }
  });

  it('WorkerPool.create\'s signal, aborted after the pool is made, leaves the pool working', async () => {
    const ac = new AbortController();
    const pool = await lib.WorkerPool.create(X, { workers: 2, signal: ac.signal });
    try {
      ac.abort();
      expectSameFit(await within(new lib.GaussianMixture(quick).fitAsync(pool), 5000, 'fit'), new lib.GaussianMixture(quick).fit(X));
    } finally {
      pool.close();
    }
  });

  it('a fit\'s signal, aborted after the fit resolved, leaves its WorkerPool working', async () => {
    const pool = await lib.WorkerPool.create(X, { workers: 2 });
    try {
      const ac = new AbortController();
      const ref = new lib.GaussianMixture(quick).fit(X);
      expectSameFit(await new lib.GaussianMixture(quick).fitAsync(pool, { signal: ac.signal }), ref);
      ac.abort(); // e.g. a page's controller, aborted when the user leaves
      expectSameFit(await within(new lib.GaussianMixture(quick).fitAsync(pool), 5000, 'the next fit'), ref);
    } finally {
      pool.close();
    }
  });
});

describe('what a pool records of its weights', () => {
  it('positiveRows counts rows of positive weight only; a fit over the pool refuses too few of them as fit() does', async () => {
    const n = 2 * CHUNK_ROWS + 5;
    const sampleWeight = Float64Array.from({ length: n }, (_, i) => (i === 7 ? 2 : 0));
    const pool = await lib.WorkerPool.create(overlapping(23, n, 2, 2), { workers: 2, sampleWeight });
    try {
      expect(pool.positiveRows).toBe(1);
      await expect(new lib.GaussianMixture(quick).fitAsync(pool)).rejects.toMatchObject({ code: 'TOO_FEW_SAMPLES' });
    } finally {
      pool.close();
    }
  });
});

describe('workerUrl', () => {
  it('a file: URL given as a string starts the worker, as a URL object does (Node reads bare strings as paths)', async () => {
    const url = new URL('../dist/parallel/worker-node.js', import.meta.url);
    const X = [[0], [1], [5], [6]];
    const o = { nComponents: 2, seed: 1, maxIter: 5 };
    const ref = new lib.GaussianMixture(o).fit(X);
    for (const workerUrl of [url.href, url, fileURLToPath(url)]) {
      const gm = await new lib.GaussianMixture(o).fitAsync(X, { workers: 1, workerUrl });
      expect(gm.lowerBound).toBe(ref.lowerBound);
    }
  });
});
