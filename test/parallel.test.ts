// The determinism guarantee across splits: fit(), fitAsync() with any number of workers
// (and in-process), fitStream() over any chunking, all bit-identical, for every covariance
// type and initialisation; abort, worker failure, and a process that exits with a pool
// left open. Runs the built package (dist/), whose workers are real worker_threads.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type * as Lib from '../src/entry-node.js';
import type { CovarianceType, InitParams, Matrix } from '../src/index.js';
import { overlapping, expectSameFit, rng, loadCore, pieces } from './helpers.js';
import { CHUNK_ROWS } from '../src/fit/chunks.js';
import { Shard } from '../src/fit/shard.js';
import { Arena } from '../src/core/arena.js';
import { core } from '../src/core/core.js';
import { checkShards } from '../src/parallel/workers.js';
import { packUpper, unpackUpper, packedLength } from '../src/fit/packing.js';
import fc from 'fast-check';

let lib: typeof Lib;
beforeAll(async () => {
  lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
  await lib.init();
  await loadCore(); // the sources' own core, for the Shard tests
});

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];
const INITS: InitParams[] = ['kmeans', 'k-means++', 'random', 'random_from_data'];

describe('the same bits however the work is split', () => {
  const n = 3 * CHUNK_ROWS + 1234; // four chunks, the last short
  const X = overlapping(11, n, 3, 3);
  const weights = Float64Array.from({ length: n }, (_, i) => 1 + (i % 4));
  // mclust's constrained models too: their M-step pools over components (assembly/mstep.ts)
  for (const type of [...TYPES, 'EII', 'EEI', 'EVI', 'VEI', 'EVV', 'VEE', 'EEV', 'VEV', 'EVE', 'VVE'] as const) {
    it(`${type}: fit = fitAsync (0, 1, 2, 3 workers) = fitStream (three chunkings), every initialisation`, async () => {
      for (const initParams of INITS) {
        const o = { nComponents: 3, covarianceType: type, initParams, seed: 5, nInit: 2, maxIter: 30 };
        const ref = new lib.GaussianMixture(o).fit(X);
        for (const workers of [0, 1, 2, 3]) expectSameFit(await new lib.GaussianMixture(o).fitAsync(X, { workers }), ref);
        for (const size of [999, CHUNK_ROWS, 10000]) expectSameFit(await new lib.GaussianMixture(o).fitStream(pieces(X, size)), ref);
        expect(Array.from(ref.predict(X))).toEqual(Array.from((await new lib.GaussianMixture(o).fitAsync(X, { workers: 2 })).predict(X)));
      }
    });
  }

  it('a start far from the data (statistics taken again about a shift): fit = fitAsync = fitStream, every type, Bayesian too', async () => {
    const eye = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const prec = { full: [eye, eye, eye], tied: eye, diag: [[1, 1, 1], [1, 1, 1], [1, 1, 1]], spherical: [1, 1, 1] };
    // the Bayesian mixture has no explicit start: a warm start fitted on the data moved 300 away
    const moved = { data: X.data.map((v) => v + 300), rows: X.rows, cols: X.cols };
    for (const type of TYPES) {
      const start = { weightsInit: [0.2, 0.3, 0.5], meansInit: [[300, 0, 0], [0, 300, 0], [0, 0, 300]], precisionsInit: prec[type] };
      const o = { nComponents: 3, covarianceType: type, ...start, maxIter: 8, tol: 0 };
      const warm = new lib.BayesianGaussianMixture({ nComponents: 3, covarianceType: type, maxIter: 3, tol: 0, seed: 2, warmStart: true })
        .fit(moved).toJSON();
      const cases = [
        { make: () => new lib.GaussianMixture(o) },
        { make: () => lib.BayesianGaussianMixture.fromJSON(warm) },
      ];
      for (const { make } of cases) {
        // the first iteration's statistics need the shift: the public check says so
        const first = make();
        expect(first.recentreShift(first.computeStatistics(X))).not.toBeNull();
        const ref = make().fit(X);
        for (const workers of [0, 1, 2, 3]) expectSameFit(await make().fitAsync(X, { workers }), ref);
        for (const size of [999, 10000]) expectSameFit(await make().fitStream(pieces(X, size)), ref);
      }
    }
  });

  it('full and tied at d = 9 (the wire form keeps upper triangles only: src/fit/packing.ts)', async () => {
    const X9 = overlapping(13, 2 * CHUNK_ROWS + 500, 9, 3);
    for (const type of ['full', 'tied'] as const) {
      const o = { nComponents: 3, covarianceType: type, seed: 4, maxIter: 12, tol: 0 };
      const ref = new lib.GaussianMixture(o).fit(X9);
      for (const workers of [0, 2, 3]) expectSameFit(await new lib.GaussianMixture(o).fitAsync(X9, { workers }), ref);
    }
  });

  it('the workers use the kernels this thread uses (the scalar reference path and pruning: switches for tests)', async () => {
    const distKernels = ((await import('../dist/core/core.js' as string)) as typeof import('../src/core/core.js')).kernels;
    const X9 = overlapping(14, CHUNK_ROWS + 700, 9, 3);
    const o = { nComponents: 3, covarianceType: 'full' as const, seed: 6, maxIter: 6, tol: 0 };
    const simd = new lib.GaussianMixture(o).fit(X9);
    try {
      distKernels.simd = false;
      distKernels.prune = false;
      distKernels.certify = false;
      distKernels.normalizeSoft = false;
      distKernels.lloydBound = false;
      distKernels.tiedTotals = false;
      distKernels.sharedBoard = false;
      const scalar = new lib.GaussianMixture(o).fit(X9);
      // the scalar path rounds differently, so a worker left on SIMD would be caught
      expect(scalar.toJSON()).not.toEqual(simd.toJSON());
      // pruning, certifying, the component-major normalisation, Lloyd's bound and the kept tied
      // totals keep every bit, so their switches show only in what each worker is told
      const told: unknown[] = [];
      const createWorker = () => {
        const w = new Worker(new URL('../dist/parallel/worker-node.js', import.meta.url));
        const post = w.postMessage.bind(w);
        w.postMessage = (m: { type?: string; kernels?: Record<string, boolean> }, t?: readonly Transferable[]) => {
          if (m?.type === 'init') told.push(m.kernels);
          post(m, t as never);
        };
        return w;
      };
      expectSameFit(await new lib.GaussianMixture(o).fitAsync(X9, { workers: 2, createWorker }), scalar);
      const off = { simd: false, prune: false, certify: false, normalizeSoft: false, lloydBound: false, tiedTotals: false, sharedBoard: false };
      expect(told).toEqual([off, off]);
    } finally {
      distKernels.simd = true;
      distKernels.prune = true;
      distKernels.certify = true;
      distKernels.normalizeSoft = true;
      distKernels.lloydBound = true;
      distKernels.tiedTotals = true;
      distKernels.sharedBoard = true;
    }
  });

  it('diag with d ≥ 4 and overlapping clusters (the M-step about a block centre, sums.ts diagBlock)', async () => {
    const Y = overlapping(12, n, 6, 4);
    const o = { nComponents: 4, covarianceType: 'diag' as const, tol: 0, maxIter: 6, seed: 3 };
    for (const sampleWeight of [undefined, weights]) {
      const ref = new lib.GaussianMixture(o).fit(Y, { sampleWeight });
      for (const workers of [0, 3]) expectSameFit(await new lib.GaussianMixture(o).fitAsync(Y, { workers, sampleWeight }), ref);
      if (!sampleWeight) for (const size of [999, 10000]) expectSameFit(await new lib.GaussianMixture(o).fitStream(pieces(Y, size)), ref);
    }
  });

  it('many chunks in unaligned shards (a worker\'s tree stack holds more nodes than log₂ of its chunks)', async () => {
    // 27 chunks over 2 workers: [0, 13) and [13, 27); the second keeps nodes (0,13), (1,7)
    // while it builds (3,2) and (2,6): 7 slots, where log₂ of its 14 chunks suggests 5
    const big = overlapping(21, 26 * CHUNK_ROWS + 100, 2, 2);
    const o = { nComponents: 2, covarianceType: 'full' as const, tol: 0, maxIter: 4, seed: 1 };
    const ref = new lib.GaussianMixture(o).fit(big);
    for (const workers of [2, 3, 5]) expectSameFit(await new lib.GaussianMixture(o).fitAsync(big, { workers }), ref);
  });

  it('a pool sends each shard in pieces (8 MiB of rows, whole chunks): several pieces a worker, weighted, the last short', async () => {
    // d = 520: one chunk is 8.1 MiB, so every piece is one chunk and each of the two workers
    // gets two or three of them; weights travel in pieces beside the rows
    const d = 520, rows = 5 * CHUNK_ROWS + 100;
    const wide = overlapping(21, rows, d, 2);
    const sampleWeight = Float64Array.from({ length: rows }, (_, i) => 0.5 + ((i * 7) % 5));
    const o = { nComponents: 2, covarianceType: 'diag' as const, seed: 3, maxIter: 3, tol: 0 };
    const ref = new lib.GaussianMixture(o).fit(wide, { sampleWeight });
    const pool = await lib.WorkerPool.create(wide, { workers: 2, sampleWeight });
    try {
      expectSameFit(await new lib.GaussianMixture(o).fitAsync(pool), ref);
    } finally {
      pool.close();
    }
  });

  it('a Shard takes rows in whole chunks only, before prepare(), with or without weights throughout', () => {
    const c = core(), arena = new Arena(c), d = 2;
    const rows = (n: number): Float64Array => Float64Array.from({ length: n * d }, (_, i) => (i * 37) % 11);
    const shard = new Shard(c, arena, 0, d).add(rows(CHUNK_ROWS), CHUNK_ROWS, null);
    expect(() => shard.add(rows(10), 10, new Float64Array(10).fill(1))).toThrow(/weights unlike/);
    shard.add(rows(100), 100, null); // a short last chunk
    expect(() => shard.add(rows(10), 10, null)).toThrow(/partial chunk/);
    expect(Array.from(shard.totals)).toEqual([CHUNK_ROWS, CHUNK_ROWS, 100, 100]);
    const other = new Shard(c, arena, 0, d).add(rows(CHUNK_ROWS), CHUNK_ROWS, null);
    other.prepare(2, 0);
    expect(() => other.add(rows(10), 10, null)).toThrow(/after prepare/);
  });

  it('a pool refuses, before reading any entry, a split that leaves a worker more than its 4 GiB', async () => {
    // 60 M rows × 8: about 4.3 GiB in one worker, 2.2 GiB in each of two
    let reads = 0;
    const rows = 60_000_000, cols = 8;
    const data = new Proxy({ length: rows * cols }, { get: (t, k) => (k === 'length' ? t.length : (reads++, 0)) }) as unknown as ArrayLike<number>;
    await expect(lib.WorkerPool.create({ data, rows, cols }, { workers: 1 })).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('use workers: 2 or more') });
    expect(reads).toBe(0);
    // the rule itself: ⌈C/W⌉ chunks a worker, the fewest W that fit; or none at all
    const need = (perRow: number) => (n: number): number => n * perRow;
    expect(() => checkShards(10 * CHUNK_ROWS, 1, need(1e6), 'x')).toThrow(/use workers: 5 or more/);
    expect(() => checkShards(10 * CHUNK_ROWS, 5, need(1e6), 'x')).not.toThrow();
    expect(() => checkShards(10 * CHUNK_ROWS, 4, need(3e6), 'x')).toThrow(/even one chunk/);
    // the split WorkerPool.start makes: 17 chunks, the last short, over 16 workers leave one
    // worker 2 chunks of which one is the short one (3,451 rows), not 2 full ones
    const rows17 = 16 * CHUNK_ROWS + 1403;
    expect(() => checkShards(rows17, 16, (n) => (n > 3451 ? Infinity : 0), 'x')).not.toThrow();
    expect(() => checkShards(rows17, 16, (n) => (n > 3450 ? Infinity : 0), 'x')).toThrow(/use workers: 17 or more/);
  });

  it('a fit whose working memory leaves a worker more than its 4 GiB is refused before any work', async () => {
    // 200 full 1000×1000 components: far more than 4 GiB of statistics in any one worker
    const wide = { data: Float64Array.from({ length: 200 * 1000 }, (_, i) => Math.sin(i)), rows: 200, cols: 1000 };
    const big = { nComponents: 200, covarianceType: 'full' as const };
    await expect(new lib.GaussianMixture(big).fitAsync(wide, { workers: 2 })).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('even one chunk') });
    const pool = await lib.WorkerPool.create(wide, { workers: 1 });
    try {
      const gm = new lib.GaussianMixture(big);
      await expect(gm.fitAsync(pool)).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('even one chunk') });
      expect(gm.isFitted).toBe(false);
      // the pool is still usable
      expectSameFit(await new lib.GaussianMixture({ nComponents: 2, seed: 1, maxIter: 5 }).fitAsync(pool),
        new lib.GaussianMixture({ nComponents: 2, seed: 1, maxIter: 5 }).fit(wide));
    } finally {
      pool.close();
    }
  });

  it('with sample weights, warm starts and one pool for several K', async () => {
    const pool = await lib.WorkerPool.create(X, { workers: 3, sampleWeight: weights });
    try {
      for (const K of [2, 4]) {
        const o = { nComponents: K, covarianceType: 'full' as const, seed: 2 };
        const ref = new lib.GaussianMixture(o).fit(X, { sampleWeight: weights });
        expectSameFit(await new lib.GaussianMixture(o).fitAsync(pool), ref);
        // a warm start continues from there, the same on both paths
        const warmRef = new lib.GaussianMixture({ ...o, warmStart: true, maxIter: 3, tol: 0 });
        warmRef.fit(X, { sampleWeight: weights });
        warmRef.fit(X, { sampleWeight: weights });
        const warmPool = new lib.GaussianMixture({ ...o, warmStart: true, maxIter: 3, tol: 0 });
        await warmPool.fitAsync(pool);
        await warmPool.fitAsync(pool);
        expectSameFit(warmPool, warmRef);
      }
    } finally {
      pool.close();
    }
  });

  it('Apache Arrow tables and record batches (recognised by shape) stream like matrices', async () => {
    // a minimal stand-in for apache-arrow's Table / RecordBatch: numRows, numCols, getChildAt(j).toArray()
    const arrow = (M: Matrix, big: boolean) => ({
      numRows: M.rows, numCols: M.cols, schema: { fields: Array.from({ length: M.cols }, (_, j) => ({ name: `x${j}` })) },
      getChildAt: (j: number) => {
        const col = Float64Array.from({ length: M.rows }, (_, i) => M.data[i * M.cols + j]);
        return big ? { length: M.rows, get: (i: number) => col[i] } : { length: M.rows, toArray: () => col };
      },
    });
    const o = { nComponents: 3, covarianceType: 'diag' as const, seed: 8, maxIter: 15 };
    const ref = new lib.GaussianMixture(o).fit(X);
    let k = 0;
    const viaArrow = await new lib.GaussianMixture(o).fitStream(() => (function* () {
      for (const p of pieces(X, 3000)()) yield arrow(p, (k++ & 1) === 1) as never;
    })());
    expectSameFit(viaArrow, ref);
    const bad = arrow({ data: Float64Array.from([1, 2, NaN, 4]), rows: 2, cols: 2 }, false);
    await expect(new lib.GaussianMixture({ nComponents: 1 }).fitStream(() => [bad as never])).rejects.toMatchObject({ code: 'NON_FINITE' });
  });

  it('a stream sampled for its initialisation still converges to a fit of the whole data', async () => {
    const o = { nComponents: 3, covarianceType: 'diag' as const, seed: 3, tol: 1e-8, maxIter: 500 };
    const full = new lib.GaussianMixture(o).fit(X);
    const sampled = await new lib.GaussianMixture(o).fitStream(pieces(X, 3000), { initSampleSize: 2000 });
    expect(Math.abs(sampled.lowerBound - full.lowerBound)).toBeLessThan(1e-3);
    // the same seed draws the same sample
    const again = await new lib.GaussianMixture(o).fitStream(pieces(X, 777), { initSampleSize: 2000 });
    expectSameFit(again, sampled);
    // and the sample is what the start was drawn from: one iteration from it is not the
    // whole data's (a stream that ignored initSampleSize would give fit()'s bits)
    const one = { ...o, maxIter: 1 };
    const sampledOne = await new lib.GaussianMixture(one).fitStream(pieces(X, 3000), { initSampleSize: 2000 });
    const fullOne = new lib.GaussianMixture(one).fit(X);
    expect(Array.from(sampledOne.means.data)).not.toEqual(Array.from(fullOne.means.data));
    const wholeOne = await new lib.GaussianMixture(one).fitStream(pieces(X, 3000), { initSampleSize: X.rows });
    expectSameFit(wholeOne, fullOne);
  });
});

describe('stopping and failing', () => {
  const X = overlapping(5, 60000, 8, 8);
  const slow = { nComponents: 8, tol: 0, maxIter: 10000, seed: 1 };

  it('an abort rejects with ABORTED within a moment, ends the workers and leaves the model unchanged', async () => {
    for (const workers of [2, 0]) {
      const gm = new lib.GaussianMixture(slow);
      const ac = new AbortController();
      let iters = 0;
      const p = gm.fitAsync(X, { workers, signal: ac.signal, onIteration: () => { if (++iters === 3) ac.abort(); } });
      await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
      expect(gm.isFitted).toBe(false);
    }
    const ac = new AbortController();
    ac.abort();
    await expect(new lib.GaussianMixture(slow).fitAsync(X, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('an abort from the last onIteration: ABORTED and the model unchanged on every path (in-process, workers, stream)', async () => {
    const small = overlapping(6, 3000, 3, 3);
    const quick = { nComponents: 3, seed: 1, maxIter: 4, tol: 0 };
    const runs: [string, (gm: Lib.GaussianMixture, o: { signal: AbortSignal; onIteration: () => void }) => Promise<unknown>][] = [
      ['in-process', (gm, o) => gm.fitAsync(small, { workers: 0, ...o })],
      ['1 worker', (gm, o) => gm.fitAsync(small, { workers: 1, ...o })],
      ['2 workers', (gm, o) => gm.fitAsync(small, { workers: 2, ...o })],
      ['stream', (gm, o) => gm.fitStream(pieces(small, 1000), o)],
    ];
    for (const [name, run] of runs) {
      const gm = new lib.GaussianMixture(quick).fit(overlapping(7, 500, 3, 3));
      const before = JSON.stringify(gm.toJSON());
      const ac = new AbortController();
      let iters = 0;
      await expect(run(gm, { signal: ac.signal, onIteration: () => { if (++iters === quick.maxIter) ac.abort(); } }), name)
        .rejects.toMatchObject({ code: 'ABORTED' });
      expect(iters, name).toBe(quick.maxIter);
      expect(JSON.stringify(gm.toJSON()), name).toBe(before);
    }
  });

  it('a stream aborted between chunks rejects with ABORTED', async () => {
    const ac = new AbortController();
    let served = 0;
    const source = function* (): Generator<Matrix> {
      for (const p of pieces(X, 1000)()) {
        if (++served === 20) ac.abort();
        yield p;
      }
    };
    await expect(new lib.GaussianMixture(slow).fitStream(source, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('a sync stream of short passes still answers its signal: the event loop gets a turn across passes', async () => {
    // each pass of 300 rows takes far less than the 10 ms after which a pass gives a turn
    // itself; without turns between passes the timeout could not fire until all 50,000 ran
    const small = overlapping(5, 300, 2, 2);
    const source = (): Matrix[] => [small];
    const gm = new lib.GaussianMixture({ nComponents: 2, seed: 3, tol: 0, maxIter: 50000 });
    await expect(gm.fitStream(source, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(gm.isFitted).toBe(false);
  });

  it('a worker that dies mid-fit gives WORKER_FAILED, not a hang; the model is unchanged', async () => {
    const url = new URL('./parallel/crashing-worker.mjs', import.meta.url);
    const gm = new lib.GaussianMixture({ nComponents: 3, seed: 1 }).fit(overlapping(1, 500, 8, 3));
    const before = JSON.stringify(gm.toJSON());
    await expect(gm.fitAsync(X, { workers: 2, createWorker: () => new Worker(url, { workerData: { after: 6 } }) }))
      .rejects.toMatchObject({ code: 'WORKER_FAILED' });
    expect(JSON.stringify(gm.toJSON())).toBe(before);
    // and one that cannot start at all
    await expect(new lib.GaussianMixture(slow).fitAsync(X, {
      workers: 2, createWorker: () => new Worker('throw new Error("no such thing")', { eval: true }),
    })).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    // and one whose memory cannot take its rows: its own typed error, answered, not a crash
    await expect(lib.WorkerPool.create(X, { workers: 2, createWorker: () => new Worker(url, { workerData: { loadCols: 2 ** 24 } }) }))
      .rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('WebAssembly memory') });
  });

  it('a pool runs one fit at a time; a pool needs a worker', async () => {
    const small = overlapping(2, 5 * 2048, 2, 2);
    const pool = await lib.WorkerPool.create(small, { workers: 2 });
    try {
      const first = new lib.GaussianMixture({ nComponents: 2, seed: 1 }).fitAsync(pool);
      await expect(new lib.GaussianMixture({ nComponents: 3, seed: 1 }).fitAsync(pool)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      const done = await first;
      expectSameFit(done, new lib.GaussianMixture({ nComponents: 2, seed: 1 }).fit(small));
      expectSameFit(await new lib.GaussianMixture({ nComponents: 3, seed: 1 }).fitAsync(pool), new lib.GaussianMixture({ nComponents: 3, seed: 1 }).fit(small));
    } finally {
      pool.close();
    }
    await expect(lib.WorkerPool.create(small, { workers: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('each worker reports its own time per request: one E-step answer per iteration, > 0 ms (the bench\'s diagnostic)', async () => {
    const X = overlapping(4, 5 * CHUNK_ROWS, 4, 3);
    const pool = await lib.WorkerPool.create(X, { workers: 2 });
    try {
      expect(pool.workerTime('em')).toEqual([{ ms: 0, calls: 0 }, { ms: 0, calls: 0 }]);
      const o = { nComponents: 3, covarianceType: 'full' as const, seed: 3, nInit: 2, tol: 0, maxIter: 7 };
      const ref = new lib.GaussianMixture(o).fit(X);
      for (const run of [1, 2]) {
        const before = pool.workerTime('em');
        const prepared = pool.workerTime('prepare');
        let iterations = 0;
        const gm = await new lib.GaussianMixture(o).fitAsync(pool, { onIteration: () => { iterations++; } });
        expectSameFit(gm, ref);
        expect(iterations).toBe(14);
        const em = pool.workerTime('em', before);
        expect(em).toHaveLength(2);
        for (const t of em) {
          expect(t.calls).toBe(iterations);
          expect(t.ms).toBeGreaterThan(0);
        }
        // the difference is this fit's alone: totals grow with each run
        expect(pool.workerTime('em').map((t) => t.calls)).toEqual([14 * run, 14 * run]);
        expect(pool.workerTime('prepare', prepared).map((t) => t.calls)).toEqual([1, 1]);
      }
      expect(pool.workerTime('dataKeys')).toEqual([{ ms: 0, calls: 0 }, { ms: 0, calls: 0 }]);
    } finally {
      pool.close();
    }
  });

  it('a process whose pool was never closed still exits', () => {
    const child = fileURLToPath(new URL('./parallel/exit-child.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [child], { timeout: 30_000, encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).nIter).toBeGreaterThan(0);
  });

  it('the worker entry imported outside a worker says what it is for', () => {
    const entry = fileURLToPath(new URL('../dist/parallel/worker-node.js', import.meta.url));
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`], { timeout: 30_000, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('gmm-wasm/worker is the entry of fitAsync');
  });

  it('bad options are typed errors before any work', async () => {
    const gm = new lib.GaussianMixture({ nComponents: 2 });
    await expect(gm.fitAsync(X, { workers: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(gm.fitAsync(X, { wrokers: 2 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(gm.fitAsync(X, { signal: 'stop' } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(gm.fitStream('big.csv' as never)).rejects.toMatchObject({ code: 'INVALID_TYPE' });
    await expect(gm.fitStream(() => 42 as never)).rejects.toMatchObject({ code: 'SOURCE_FAILED' });
    await expect(gm.fitStream(() => [[[1, 2]], [[1, 2, 3]]])).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
    await expect(gm.fitStream(() => [[[1, 2]], [['a', 2]]] as never)).rejects.toMatchObject({ code: 'NOT_NUMERIC' });
    await expect(gm.fitStream(() => [[[1, 2]], [[1, NaN]]])).rejects.toMatchObject({ code: 'NON_FINITE' });
    await expect(gm.fitStream(() => [{ numRows: 2, getChildAt: () => null }] as never)).rejects.toMatchObject({ code: 'EMPTY_INPUT' });
    await expect(gm.fitStream(() => [[[1, 2]]], { initSampleSize: 2 ** 40 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(gm.fitStream(function* () { yield [[1, 2], [3, 4], [5, 6]]; throw new Error('disk gone'); }))
      .rejects.toMatchObject({ code: 'SOURCE_FAILED', message: expect.stringContaining('disk gone') });
    let calls = 0;
    await expect(new lib.GaussianMixture({ nComponents: 2, tol: 0, maxIter: 5 }).fitStream(() =>
      (++calls === 1 ? [[[1, 2], [3, 4], [5, 7]]] : [[[1, 2], [3, 4]]]))).rejects.toMatchObject({ code: 'SOURCE_FAILED' });
    expect(gm.isFitted).toBe(false);
  });

  it('the E-step passes check each chunk in the core: a non-finite value is named by pass, piece, row and column', async () => {
    // an explicit start reads no sample: pass 1 is the first to see the rows. 7,000 rows
    // in pieces of 3,000: chunk 1 (rows 2,048–4,095) is cut from pieces 0 and 1, chunk 0
    // lies inside piece 0 (handed over as a view)
    const d = 3, n = 7000, data = new Float64Array(n * d);
    const u = rng(11);
    for (let i = 0; i < n * d; i++) data[i] = u() * 4;
    const start = { nComponents: 2, tol: 0, maxIter: 3, weightsInit: [0.5, 0.5], meansInit: [[1, 1, 1], [3, 3, 3]],
      precisionsInit: [[[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]] };
    const pieces = (bad: { row: number; col: number; value: number; pass: number } | null) => {
      let pass = 0;
      return () => {
        pass++;
        const x = data.slice();
        if (bad && pass === bad.pass) x[bad.row * d + bad.col] = bad.value;
        return [0, 3000, 6000].map((r) => ({ data: x.subarray(r * d, Math.min(n, r + 3000) * d), rows: Math.min(n, r + 3000) - r, cols: d }));
      };
    };
    for (const [bad, where] of [
      [{ row: 100, col: 2, value: NaN, pass: 1 }, 'fitStream pass 1, chunk 0: chunk[100][2] is NaN'],           // a whole chunk in a piece
      [{ row: 2999, col: 0, value: Infinity, pass: 1 }, 'fitStream pass 1, chunk 0: chunk[2999][0] is Infinity'], // a cut chunk, from piece 0
      [{ row: 3001, col: 1, value: -Infinity, pass: 2 }, 'fitStream pass 2, chunk 1: chunk[1][1] is -Infinity'],  // from piece 1, a later pass
      [{ row: 6999, col: 2, value: NaN, pass: 3 }, 'fitStream pass 3, chunk 2: chunk[999][2] is NaN'],           // the short last chunk
    ] as const) {
      const gm = new lib.GaussianMixture(start);
      await expect(gm.fitStream(pieces(bad))).rejects.toMatchObject({ code: 'NON_FINITE', message: expect.stringContaining(where) });
      expect(gm.isFitted).toBe(false);
    }
    // the same source without the bad value fits, and equals fit()
    const ok = await new lib.GaussianMixture(start).fitStream(pieces(null));
    expectSameFit(ok, new lib.GaussianMixture(start).fit({ data, rows: n, cols: d }));
  });
});

describe("fitStream's sources as users write them", () => {
  const X = overlapping(21, 3000, 2, 3);
  const o = { nComponents: 3, covarianceType: 'full' as const, seed: 2, maxIter: 10 };
  const column = (M: Matrix, j: number) => Float64Array.from({ length: M.rows }, (_, i) => M.data[i * M.cols + j]);

  it('a Bayesian prior of the wrong width is refused at the first chunk, not after a pass', async () => {
    let pieces = 0;
    const source = () => (function* () {
      for (let i = 0; i < 5; i++) {
        pieces++;
        yield X; // 3000 rows of 2 features: a chunk of 2048 is complete within the first piece
      }
    })();
    const gm = new lib.BayesianGaussianMixture({ nComponents: 2, meanPrior: [0, 0, 0] });
    await expect(gm.fitStream(source)).rejects.toMatchObject({ code: 'SHAPE_MISMATCH', message: expect.stringContaining('meanPrior has 3') });
    expect(pieces).toBe(1);
    expect(gm.isFitted).toBe(false);
  });
  // an Arrow table as apache-arrow 21 gives it: each column's type (typeId, precision),
  // nullCount, isValid and get, and toArray() giving the storage
  const table = (cols: { type: { typeId: number; precision?: number; toString(): string }; nullCount?: number;
    storage: ArrayLike<unknown>; get: (i: number) => unknown; isValid?: (i: number) => boolean; length?: number }[], rows: number) => ({
    numRows: rows, numCols: cols.length,
    getChildAt: (j: number) => ({ length: rows, nullCount: 0, ...cols[j], toArray: () => cols[j].storage }),
  });
  const float64 = { typeId: 3, precision: 2, toString: () => 'Float64' };

  it('Arrow: half floats are read as values, nulls and dates are refused, a broken column is a typed error', async () => {
    const [a, b] = [column(X, 0), column(X, 1)];
    const ref = new lib.GaussianMixture(o).fit(X);
    // a half-float column's storage is its 16 bits; the values must come from get(i)
    const half = { type: { typeId: 3, precision: 0, toString: () => 'Float16' }, storage: new Uint16Array(X.rows).fill(17879), get: (i: number) => a[i] };
    expectSameFit(await new lib.GaussianMixture(o).fitStream(() => [table([half, { type: float64, storage: b, get: (i) => b[i] }], X.rows) as never]), ref);
    // a null reads as 0 in the storage: refused by name
    const nulls = { type: float64, nullCount: 1, storage: a, get: (i: number) => (i === 7 ? null : a[i]), isValid: (i: number) => i !== 7 };
    await expect(new lib.GaussianMixture(o).fitStream(() => [table([nulls, nulls], X.rows) as never]))
      .rejects.toMatchObject({ code: 'NOT_NUMERIC', message: expect.stringContaining('column 0 (0-based), row 7 is null') });
    const date = { type: { typeId: 8, toString: () => 'Date<MILLISECOND>' }, storage: a, get: (i: number) => a[i] };
    await expect(new lib.GaussianMixture(o).fitStream(() => [table([date, date], X.rows) as never]))
      .rejects.toMatchObject({ code: 'NOT_NUMERIC', message: expect.stringContaining('Date<MILLISECOND>') });
    const long = { type: float64, storage: a, get: (i: number) => a[i], length: X.rows }; // a row more than the table
    await expect(new lib.GaussianMixture(o).fitStream(() => [table([long, long], X.rows - 1) as never]))
      .rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
    const throwing = { numRows: 3, numCols: 2, getChildAt: () => { throw new Error('IPC body truncated'); } };
    await expect(new lib.GaussianMixture(o).fitStream(() => [throwing as never]))
      .rejects.toMatchObject({ code: 'SOURCE_FAILED', message: expect.stringContaining('IPC body truncated') });
  });

  it('the signal stops a pass that waits on the source; the source is closed without waiting for it', async () => {
    let closed = 0;
    const stalled = (pass: number) => ({
      [Symbol.asyncIterator]: () => {
        let i = 0;
        return {
          next: () => (pass > 1 && i > 0 ? new Promise<IteratorResult<Matrix>>(() => {}) // never settles
            : Promise.resolve(i++ === 0 ? { done: false as const, value: X } : { done: true as const, value: undefined })),
          return: () => { closed++; return new Promise<IteratorResult<Matrix>>(() => {}); },
        };
      },
    });
    let pass = 0;
    const gm = new lib.GaussianMixture(o);
    const ctl = new AbortController();
    const t0 = Date.now();
    const fit = gm.fitStream(() => stalled(++pass), { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 300);
    await expect(fit).rejects.toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(closed).toBe(1);
    expect(gm.isFitted).toBe(false);
    // a source function whose promise never settles is stopped too
    const ctl2 = new AbortController();
    const never = gm.fitStream(() => new Promise<never>(() => {}), { signal: ctl2.signal });
    setTimeout(() => ctl2.abort(), 50);
    await expect(never).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it("return() is owed only to a source left early, and its failure hides no error", async () => {
    const strict = (chunks: Matrix[]) => () => {
      let i = 0, done = false;
      return {
        [Symbol.iterator]() { return this; },
        next: () => (i < chunks.length ? { done: false, value: chunks[i++] } : ((done = true), { done: true, value: undefined })),
        return: () => { throw new Error(done ? 'return() called after done' : 'close failed'); },
      };
    };
    expectSameFit(await new lib.GaussianMixture(o).fitStream(strict([X]) as never), new lib.GaussianMixture(o).fit(X));
    const bad = { data: Float64Array.from([1, NaN]), rows: 1, cols: 2 };
    await expect(new lib.GaussianMixture(o).fitStream(strict([X, bad]) as never)).rejects.toMatchObject({ code: 'NON_FINITE' });
  });

  it('other rows on a later pass, an empty stream, a row-less piece with values, a width change: typed errors', async () => {
    const start = { nComponents: 2, tol: 0, maxIter: 4, weightsInit: [0.5, 0.5], meansInit: [[0, 0], [3, 3]],
      precisionsInit: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] };
    const small = { data: X.data.subarray(0, 200), rows: 100, cols: 2 };
    let pass = 0;
    const gm = new lib.GaussianMixture(start);
    await expect(gm.fitStream(() => (++pass < 3 ? [small] : [X])))
      .rejects.toMatchObject({ code: 'SOURCE_FAILED', message: expect.stringContaining('pass 3') });
    expect(gm.isFitted).toBe(false);
    await expect(new lib.GaussianMixture(o).fitStream(() => [])).rejects.toMatchObject({ code: 'EMPTY_INPUT' });
    await expect(new lib.GaussianMixture(start).fitStream(() => [])).rejects.toMatchObject({ code: 'EMPTY_INPUT' });
    // a row-less piece ahead of the rows is held to no width the stream has not shown yet, on any pass
    expectSameFit(await new lib.GaussianMixture(o).fitStream(() => [{ data: [], rows: 0, cols: 3 }, X]), new lib.GaussianMixture(o).fit(X));
    await expect(new lib.GaussianMixture(o).fitStream(() => [X, { data: new Float64Array(6), rows: 0, cols: 2 }]))
      .rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
    let p2 = 0;
    const wide = { data: new Float64Array(3000 * 3), rows: 3000, cols: 3 };
    await expect(new lib.GaussianMixture(o).fitStream(() => (++p2 === 1 ? [X] : [wide])))
      .rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });

  it('the initialisation sample grows with the rows read, up to initSampleSize', async () => {
    const ten = overlapping(4, 10, 64, 2);
    const gm = await new lib.GaussianMixture({ nComponents: 2, covarianceType: 'diag', maxIter: 3 }).fitStream(() => [ten], { initSampleSize: 2 ** 26 });
    expectSameFit(gm, new lib.GaussianMixture({ nComponents: 2, covarianceType: 'diag', maxIter: 3 }).fit(ten));
  });

  it('one fit at a time per model: a second fit while fitAsync or fitStream runs is REENTRANT, the first completes', async () => {
    const gm = new lib.GaussianMixture(o);
    const running = gm.fitStream(() => [X]);
    await expect(gm.fitStream(() => [X])).rejects.toMatchObject({ code: 'REENTRANT' });
    expect(() => gm.fit(X)).toThrow(expect.objectContaining({ code: 'REENTRANT' }));
    await running;
    expectSameFit(gm, new lib.GaussianMixture(o).fit(X));
    const again = gm.fitAsync(X, { workers: 0 });
    await expect(gm.fitAsync(X, { workers: 0 })).rejects.toMatchObject({ code: 'REENTRANT' });
    await again;
    gm.fit(X); // free again once it has ended
  });
});

describe('the wire form of statistics and factors (src/fit/packing.ts)', () => {
  it('packing keeps the head and every upper triangle bit for bit; unpacking zeroes the lower triangles', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.integer(),
      (head, m, d, seed) => {
        const r = rng(seed);
        const whole = Float64Array.from({ length: head + m * d * d }, () => (r() - 0.5) * 1e6);
        const packed = packUpper(whole, head, m, d);
        expect(packed.length).toBe(packedLength(whole.length, m, d));
        const back = new Float64Array(whole.length).fill(NaN);
        unpackUpper(packed, back, head, m, d);
        for (let i = 0; i < head; i++) expect(Object.is(back[i], whole[i])).toBe(true);
        for (let k = 0; k < m; k++) {
          for (let i = 0; i < d; i++) {
            for (let j = 0; j < d; j++) {
              const at = head + k * d * d + i * d + j;
              expect(Object.is(back[at], j >= i ? whole[at] : 0)).toBe(true);
            }
          }
        }
      }), { numRuns: 200 });
  });

  it('refuses a packed block of the wrong length', () => {
    expect(() => unpackUpper(new Float64Array(5), new Float64Array(2 + 9), 2, 1, 3)).toThrow(/expected 8/);
  });
});
