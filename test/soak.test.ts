// Long-running use: repeated fits, predictions and samplings of mixed sizes must not grow
// WebAssembly memory for a job that fits it, nor beyond the growth policy's bound on the
// largest single job's working set; a job too large for the
// 4 GiB address space is refused before allocation; models used interleaved (even from
// inside another fit's onIteration) give the same results as used one at a time.
// 300 cycles in CI; GMM_SOAK=1 runs 10,000.
import { beforeAll, describe, expect, it } from 'vitest';
import { GaussianMixture, GmmError, type CovarianceType, type Matrix } from '../src/index.js';
import { Arena, memoryStats } from '../src/core/arena.js';
import type { CoreExports } from '../src/core/core.js';
import { blobs, loadCore, rng, sameBits } from './helpers.js';

const SOAK = process.env.GMM_SOAK === '1';
const CYCLES = SOAK ? 10_000 : 300;
const PAGE = 65536;
const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

beforeAll(loadCore);

function randomData(u: () => number, n: number, d: number, K: number): Matrix {
  const centers = Array.from({ length: K }, () => Array.from({ length: d }, () => 10 * u()));
  const { X } = blobs(Math.floor(u() * 2 ** 31), centers, Math.ceil(n / K));
  return { data: X.data.subarray(0, n * d), rows: n, cols: d };
}

/** Fingerprint of everything a model computes on X. */
function results(gm: GaussianMixture, X: Matrix): Float64Array[] {
  return [gm.weights, gm.means.data, gm.covariances, gm.precisionsCholesky, gm.scoreSamples(X), gm.predictProba(X).data,
    Float64Array.from(gm.predict(X)), gm.sample(64, { seed: 5 }).X.data, Float64Array.of(gm.lowerBound, gm.bic(X))];
}
function same(a: Float64Array[], b: Float64Array[]): boolean {
  return a.length === b.length && a.every((x, i) => sameBits(x, b[i]));
}

describe('how memory grows (src/core/arena.ts)', () => {
  /** A core whose memory refuses to grow past `cap` pages, as a runtime short of memory may. */
  const capped = (cap: number): { core: CoreExports; grows: number[] } => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const grows: number[] = [];
    const fake = {
      get buffer() { return memory.buffer; },
      grow(n: number): number {
        if (memory.buffer.byteLength / PAGE + n > cap) throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
        grows.push(n);
        return memory.grow(n);
      },
    };
    return { core: { memory: fake, heapBase: () => 1024 } as unknown as CoreExports, grows };
  };

  it('by half its size, 16 MiB at most, so that many small allocations grow it a few times', () => {
    const { core, grows } = capped(1 << 16);
    const arena = new Arena(core);
    for (let i = 0; i < 1000; i++) arena.alloc(128 * 1024); // 1000 chunk-sized buffers: 125 MiB
    // from 2 pages, × 1.5 a step up to 512 pages (14 steps), then 256 pages a step up to
    // 2,001 (6 more): about 20, where growing by the need took 1,000
    expect(grows.length).toBeLessThanOrEqual(22);
    expect(Math.max(...grows)).toBeLessThanOrEqual(256);
    expect(core.memory.buffer.byteLength).toBeLessThanOrEqual(1024 + 1000 * 128 * 1024 + 256 * PAGE);
  });

  it('by exactly what is needed where the runtime refuses more, and TOO_LARGE where it refuses that', () => {
    const { core, grows } = capped(40);
    const arena = new Arena(core);
    arena.alloc(30 * PAGE); // 2 pages → 31: half of 2 is less than the need
    arena.alloc(8 * PAGE); // 31 + 15 would pass 40: the exact 8 instead
    expect(grows).toEqual([29, 8]);
    expect(core.memory.buffer.byteLength).toBe(39 * PAGE);
    expect(() => arena.alloc(2 * PAGE)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });
});

describe(`soak: ${CYCLES} cycles of mixed jobs`, () => {
  it('WebAssembly memory never grows for a job that fits it, nor past 1.5× the largest job\'s working set; results stay exact', () => {
    const u = rng(2024);
    const start = memoryStats(true);
    // the largest working set of any single job so far (bytes from the job's start to its
    // highest allocation). Memory grows only when a job needs more than it has, and then by
    // at most half its size or the need (src/core/arena.ts): so it never grows for a job
    // that fits, and stays within 1.5× the largest need, page-rounded — anything more
    // would be left over from earlier jobs
    let maxJob = 0;
    const expectMemory = (before: number): void => {
      const now = memoryStats().memoryBytes;
      const needPages = Math.ceil((start.heapBase + maxJob) / PAGE);
      if (memoryStats().peak <= before) expect(now).toBe(before);
      expect(now).toBeGreaterThanOrEqual(needPages * PAGE);
      expect(now).toBeLessThanOrEqual(Math.max(start.memoryBytes, Math.ceil(1.5 * needPages) * PAGE));
    };
    /** Runs one job (one or more public calls), measuring its own working set. */
    const job = <T>(fn: () => T): T => {
      memoryStats(true);
      const before = memoryStats().memoryBytes;
      try {
        return fn();
      } finally {
        maxJob = Math.max(maxJob, memoryStats().peakJob);
        expectMemory(before);
      }
    };
    // a reference fit, repeated now and then: memory reuse must never change a result
    const ref = randomData(rng(1), 500, 3, 3);
    const refModel = () => new GaussianMixture({ nComponents: 3, covarianceType: 'full', seed: 3 }).fit(ref);
    const reference = results(refModel(), ref);
    let models: GaussianMixture[] = [];
    let errors = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const d = 1 + Math.floor(u() * 6), K = 1 + Math.floor(u() * 4);
      const type = TYPES[Math.floor(u() * 4)];
      const n = Math.max(K, Math.floor(20 + u() ** 2 * 2000));
      const X = randomData(u, n, d, K);
      const gm = job(() => new GaussianMixture({ nComponents: K, covarianceType: type, seed: cycle, maxIter: 30, initParams: (['kmeans', 'k-means++', 'random', 'random_from_data'] as const)[cycle % 4] })
        .fit(X, cycle % 3 === 0 ? { sampleWeight: Float64Array.from({ length: n }, () => u()) } : {}));
      models.push(gm);
      if (models.length > 8) models = models.slice(-8);
      // use some earlier model on fresh data of its own width
      const m = models[Math.floor(u() * models.length)];
      const Y = randomData(u, 1 + Math.floor(u() ** 2 * 5000), m.nFeatures, 2);
      const p = job(() => m.predictProba(Y));
      expect(p.data.every(Number.isFinite)).toBe(true);
      job(() => m.scoreSamples(Y));
      job(() => m.predict(Y));
      const s = job(() => m.sample(1 + Math.floor(u() * 3000), { seed: cycle }));
      expect(s.X.data.every(Number.isFinite)).toBe(true);
      // failures must not leak either: a bad input, and a fit that fails inside EM
      for (const bad of [(): unknown => m.predict([[NaN]]), (): unknown => new GaussianMixture({ regCovar: 0 }).fit([[1, 1], [1, 1]])]) {
        try {
          job(bad);
        } catch (e) {
          expect(e).toBeInstanceOf(GmmError);
          errors++;
        }
      }
      if (cycle % 50 === 0) expect(same(job(() => results(refModel(), ref)), reference)).toBe(true);
    }
    expect(errors).toBe(2 * CYCLES);
    expect(same(results(refModel(), ref), reference)).toBe(true);
    // sanity of the bound itself: the largest job needed well under 64 MiB here
    expect(maxJob).toBeGreaterThan(0);
    expect(maxJob).toBeLessThan(64 * 2 ** 20);
  });

  it('scoring streams in chunks: 200k rows need no more WebAssembly memory than 100k rows', () => {
    const gm = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(randomData(rng(3), 300, 2, 2));
    const peakOf = (rows: number): number => {
      const X = randomData(rng(rows), rows, 2, 2);
      memoryStats(true);
      gm.predictProba(X);
      return memoryStats().peak;
    };
    const p100k = peakOf(100_000), p200k = peakOf(200_000);
    expect(p200k).toBe(p100k);
    expect(p100k - memoryStats().heapBase).toBeLessThan(8 * 2 ** 20);
  });

  it('a fit too large for the 4 GiB address space is refused with TOO_LARGE before any allocation', () => {
    const X = randomData(rng(4), 50, 2, 2);
    const gm = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(X);
    const before = results(gm, X);
    // a fitted model of the big fit's K, for the refusal below to leave unchanged
    const warm = new GaussianMixture({ nComponents: 200, seed: 2 }).fit(randomData(rng(5), 400, 2, 2));
    const warmBefore = JSON.stringify(warm);
    const mem = memoryStats(true);
    // 1.6 MB of data, but 200 full 1000×1000 covariances, precision factors and scatter
    // statistics (≈ 4.8 GB) in WebAssembly
    const big = { data: Float64Array.from({ length: 200 * 1000 }, (_, i) => Math.sin(i)), rows: 200, cols: 1000 };
    expect(() => new GaussianMixture({ nComponents: 200 }).fit(big)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    // the same on a fitted model: it keeps its parameters
    expect(() => warm.fit(big)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    expect(JSON.stringify(warm)).toBe(warmBefore);
    // sampling 2^31 rows would need 24 GiB
    expect(() => gm.sample(2 ** 31)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    const after = memoryStats();
    expect(after.memoryBytes).toBe(mem.memoryBytes);
    expect(after.peak).toBe(mem.heapBase);
    // and everything still works, with the same results
    expect(same(results(gm, X), before)).toBe(true);
  });

  it('models used interleaved give the same results as used one at a time', () => {
    const specs = TYPES.map((type, i) => ({
      opts: { nComponents: 2 + i, covarianceType: type, seed: 10 + i, nInit: 2, initParams: 'random_from_data' as const },
      X: randomData(rng(100 + i), 300 + 200 * i, 2 + i, 2 + i),
    }));
    // one at a time
    const alone = specs.map((s) => {
      const gm = new GaussianMixture(s.opts).fit(s.X);
      return results(gm, s.X);
    });
    // interleaved: each fit's onIteration scores, predicts and serialises the other models
    const models = specs.map((s) => new GaussianMixture(s.opts));
    const order = [3, 1, 0, 2];
    for (const i of order) {
      let calls = 0;
      models[i].fit(specs[i].X, {
        onIteration: () => {
          calls++;
          for (let j = 0; j < models.length; j++) {
            if (j === i || !models[j].isFitted) continue;
            models[j].predictProba(specs[j].X);
            models[j].scoreSamples(specs[j].X);
            GaussianMixture.fromJSON(JSON.stringify(models[j])).predict(specs[j].X);
          }
        },
      });
      expect(calls).toBeGreaterThan(0);
    }
    const rounds = models.map(() => [] as Float64Array[][]);
    for (let r = 0; r < 3; r++) for (const i of order) rounds[i].push(results(models[i], specs[i].X));
    for (let i = 0; i < models.length; i++) for (const got of rounds[i]) expect(same(got, alone[i])).toBe(true);
  });
});
