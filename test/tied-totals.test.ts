// Tied fits keep each pair block's total weight, mean and scatter from pass to pass
// (assembly/scatter.ts tiedBlock, fit/shard.ts keepsTiedTotals): the same bits as computing
// them every pass, on every path that fits, and read only while the rows are the ones they
// came from.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GaussianMixture, BayesianGaussianMixture } from '../src/index.js';
import { core, kernels, TYPE_CODE } from '../src/core/core.js';
import { Arena } from '../src/core/arena.js';
import { Shard, keepsTiedTotals } from '../src/fit/shard.js';
import { blockRows } from '../src/model/params.js';
import { CHUNK_ROWS } from '../src/fit/chunks.js';
import { loadCore, overlapping, expectSameFit, matrix, rng, pieces } from './helpers.js';

beforeAll(loadCore);
afterEach(() => {
  kernels.tiedTotals = true;
});

describe('which tied fits keep the totals', () => {
  it('tied only, and only where a block\'s d·d scatter is at most an eighth of its rows (8d ≤ B)', () => {
    expect(keepsTiedTotals('tied', 8, blockRows(8, 8))).toBe(true);
    expect(keepsTiedTotals('tied', 16, blockRows(26, 16))).toBe(true);
    expect(keepsTiedTotals('tied', 64, blockRows(8, 64))).toBe(false);
    expect(keepsTiedTotals('tied', 32, blockRows(8, 32))).toBe(false); // B = 128 < 8d
    kernels.tiedTotals = false;
    expect(keepsTiedTotals('tied', 8, blockRows(8, 8))).toBe(false);
    for (const type of ['full', 'diag', 'spherical']) expect(keepsTiedTotals(type, 8, blockRows(8, 8))).toBe(false);
  });
});

describe('a shard\'s kept totals', () => {
  // overlapping rows, so that every block goes through tiedBlock (two kept components a pair)
  const n = 3000, d = 4, K = 3;
  const X = overlapping(3, n, d, K);
  const w = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : 1 + (i % 3)));
  const gm = new GaussianMixture({ nComponents: K, covarianceType: 'tied', seed: 1, maxIter: 2 });

  function pass(shard: Shard, arena: Arena): Float64Array {
    const c = core();
    const chol = gm.precisionsCholesky, logConst = arena.allocF64(K);
    c.logConstants(arena.put(gm.weights), arena.put(chol), logConst, TYPE_CODE.tied, K, d);
    const p = shard.setParams({ means: gm.means.data, chol, logConst: arena.f64(logConst, K).slice() });
    const S = c.statsSize(TYPE_CODE.tied, K, d), into = arena.allocF64(S);
    shard.em(p, into);
    return arena.f64(into, S).slice();
  }

  it('are not kept by a shard whose rows see one pass each (a stream\'s buffer, computeStatistics)', () => {
    const c = core(), arena = new Arena(c);
    arena.reset();
    const once = new Shard(c, arena, 0, d, false).add(X.data, n, w);
    once.prepare(K, TYPE_CODE.tied);
    expect(once.chunks.every((ch) => ch.tied === 0)).toBe(true);
  });

  it('are filled by the first pass, give the same bits as none, and are what later passes read', () => {
    gm.fit(X);
    const c = core(), arena = new Arena(c);
    arena.reset();
    const shard = new Shard(c, arena, 0, d).add(X.data, n, w);
    shard.prepare(K, TYPE_CODE.tied);
    const chunks = shard.chunks.map((ch) => ({ ptr: ch.tied, len: c.tiedCacheSize(ch.rows, d, blockRows(K, d)) }));
    expect(chunks.every((ch) => ch.ptr > 0)).toBe(true);
    expect(chunks.every((ch) => arena.f64(ch.ptr, ch.len).every(Number.isNaN))).toBe(true);
    const top = arena.mark();
    const first = pass(shard, arena);
    arena.release(top);
    // every block stored W, g and T (W is the block's weight: never NaN)
    const stride = 1 + d + d * d;
    for (const ch of chunks) {
      const v = arena.f64(ch.ptr, ch.len);
      for (let b = 0; b < ch.len; b += stride) expect(v[b]).toBeGreaterThan(0);
    }
    const second = pass(shard, arena);
    arena.release(top);
    kernels.tiedTotals = false; // a shard prepared without them computes every pass
    const plain = new Shard(c, arena, 0, d).add(X.data, n, w);
    plain.prepare(K, TYPE_CODE.tied);
    expect(plain.chunks.every((ch) => ch.tied === 0)).toBe(true);
    const none = pass(plain, arena);
    expect(Array.from(first)).toEqual(Array.from(none));
    expect(Array.from(second)).toEqual(Array.from(none));
    // a kept scatter changed by hand changes the next pass: the pass reads it
    arena.f64(chunks[0].ptr + 8 * (1 + d), 1)[0] *= 2;
    arena.release(top);
    expect(Array.from(pass(shard, arena))).not.toEqual(Array.from(none));
  });
});

describe('fits are the same bits with kept totals and without', () => {
  const n = 2 * CHUNK_ROWS + 777; // three chunks, the last short
  const X = overlapping(21, n, 5, 4);
  const w = Float64Array.from({ length: n }, (_, i) => (i % 13 === 0 ? 0 : 0.5 + (i % 5)));
  const both = async (f: () => unknown): Promise<[unknown, unknown]> => {
    kernels.tiedTotals = true;
    const on = await f();
    kernels.tiedTotals = false;
    const off = await f();
    kernels.tiedTotals = true;
    return [on, off];
  };

  it('fit with restarts and weights, a Bayesian mixture, and a warm start', async () => {
    const o = { nComponents: 4, covarianceType: 'tied' as const, nInit: 2, seed: 7, maxIter: 20, tol: 0 };
    const [a, b] = await both(() => new GaussianMixture(o).fit(X, { sampleWeight: w }));
    expectSameFit(a as GaussianMixture, b as GaussianMixture);
    const [c, e] = await both(() => new BayesianGaussianMixture({ ...o, nInit: 1 }).fit(X).toJSON());
    expect(JSON.stringify(c)).toBe(JSON.stringify(e));
    const [f, g] = await both(() => new GaussianMixture({ ...o, warmStart: true, maxIter: 3 }).fit(X).fit(X).toJSON());
    expect(JSON.stringify(f)).toBe(JSON.stringify(g));
  });

  it('fitStream, whose buffer sees each chunk once a pass and so keeps none', async () => {
    const o = { nComponents: 4, covarianceType: 'tied' as const, seed: 3, maxIter: 15, tol: 0 };
    const ref = new GaussianMixture(o).fit(X);
    for (const size of [1000, CHUNK_ROWS]) {
      const [a, b] = await both(() => new GaussianMixture(o).fitStream(pieces(X, size)));
      expectSameFit(a as GaussianMixture, ref);
      expectSameFit(b as GaussianMixture, ref);
    }
  });

  it('fitAsync in this thread, and computeStatistics', async () => {
    const o = { nComponents: 4, covarianceType: 'tied' as const, seed: 9, maxIter: 10, tol: 0 };
    const ref = new GaussianMixture(o).fit(X, { sampleWeight: w });
    const [a, b] = await both(() => new GaussianMixture(o).fitAsync(X, { workers: 0, sampleWeight: w }));
    expectSameFit(a as GaussianMixture, ref);
    expectSameFit(b as GaussianMixture, ref);
  });

  it('rows far from 0 in two far groups (where the subtraction would cancel, per-component sums beside kept totals)', async () => {
    // two far groups: blocks inside one group keep the subtraction, blocks that straddle both fall back
    const u = rng(5), m = 4000, d = 3;
    const Y = matrix(Float64Array.from({ length: m * d }, (_, i) => 1e6 + (Math.floor(i / d) % 2 ? 1e3 : 0) + u() * (1 + (i % d))), m, d);
    const o = { nComponents: 3, covarianceType: 'tied' as const, seed: 2, maxIter: 10, tol: 0 };
    const [a, b] = await both(() => new GaussianMixture(o).fit(Y));
    expectSameFit(a as GaussianMixture, b as GaussianMixture);
  });
});
