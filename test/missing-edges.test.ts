// Missing values (missingValues: 'marginalize') at the edges: where the only NaN is the last
// entry of X, more than 30 features (patterns of several words), one complete row among
// incomplete ones, labels of mixed rows, impute leaving its input alone and naming the right
// row, sample weights of 0 in the checks before a fit, rows with nothing observed ahead of
// weighted or labelled rows, weights far from 1, and scoring of more rows than one chunk.
// Written from a mutation audit of src/model/missing.ts, src/fit/missing-fit.ts and
// src/model/score.ts: each test fails on a deliberately broken copy that the rest of the
// suite let through.
import { beforeAll, describe, expect, it } from 'vitest';
import { GaussianMixture, selectModel, type Matrix } from '../src/index.js';
import { blobs, expectSameFit, loadCore, matrix, maxRelDiff, rng, sameBits } from './helpers.js';

beforeAll(loadCore);

const CENTRES = [[0, 0, 0], [5, 1, -2], [-3, 5, 2]];
const DATA = blobs(11, CENTRES, 60, [1, 0.8, 1.2]).X;

function rowsOf(X: Matrix): number[][] {
  return Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
}

/** X with each entry set to NaN where a seeded uniform falls below `rate`. */
function mcar(X: Matrix, rate: number, seed = 5): Matrix {
  const u = rng(seed);
  return { data: X.data.map((v) => (u() < rate ? NaN : v)), rows: X.rows, cols: X.cols };
}

const start = { weightsInit: [1 / 3, 1 / 3, 1 / 3], meansInit: CENTRES, precisionsInit: [1, 1, 1] };

describe('missing values: which rows and fits take the incomplete-data path', () => {
  it('a NaN only in the very last entry of X still takes the missing-value fit', () => {
    const rows = rowsOf(DATA);
    rows[rows.length - 1][2] = NaN;
    const o = { nComponents: 3, covarianceType: 'spherical' as const, tol: 0, maxIter: 5, missingValues: 'marginalize' as const, ...start };
    const a = new GaussianMixture(o).fit(rows);
    // the same rows in reverse order: EM does not depend on the order of the rows (up to rounding)
    const b = new GaussianMixture(o).fit([...rows].reverse());
    expect(Number.isFinite(a.lowerBound)).toBe(true);
    expect(maxRelDiff(a.means.data, b.means.data)).toBeLessThan(1e-10);
    expect(maxRelDiff(a.covariances, b.covariances)).toBeLessThan(1e-10);
    expect(maxRelDiff(a.weights, b.weights)).toBeLessThan(1e-10);
  });

  it('rows with nothing observed ahead of weighted rows: the ordinary weighted fit of the others, bit for bit', () => {
    const rows = rowsOf(DATA);
    const w = rows.map((_, i) => 1 + (i % 4));
    const blank = [NaN, NaN, NaN];
    const o = { nComponents: 3, seed: 2, missingValues: 'marginalize' as const };
    const a = new GaussianMixture(o).fit([blank, blank, ...rows], { sampleWeight: [5, 7, ...w] });
    const b = new GaussianMixture({ ...o, missingValues: 'error' }).fit(rows, { sampleWeight: w });
    expectSameFit(a, b);
  });

  it('rows with nothing observed ahead of labelled rows: the ordinary fit of the others from their labels, bit for bit', () => {
    const { X, labels } = blobs(11, CENTRES, 60, [1, 0.8, 1.2]);
    const rows = rowsOf(X);
    const blank = [NaN, NaN, NaN];
    const o = { nComponents: 3, tol: 0, maxIter: 2, missingValues: 'marginalize' as const };
    // labels shifted by one: a label lost or moved to the wrong row changes the start
    const lab = Array.from(labels, (l) => (l + 1) % 3);
    const a = new GaussianMixture(o).fit([blank, blank, ...rows], { initLabels: [0, 1, ...lab] });
    const b = new GaussianMixture({ ...o, missingValues: 'error' }).fit(rows, { initLabels: lab });
    expectSameFit(a, b);
  });

  it('initLabels with integer weights start as the repeated rows do', () => {
    const { X: full, labels } = blobs(11, CENTRES, 60, [1, 0.8, 1.2]);
    const X = mcar(full, 0.2);
    const d = X.cols;
    const w = Array.from({ length: X.rows }, (_, i) => (i % 3 === 0 ? 3 : 1));
    const rep: number[][] = [], repLabels: number[] = [];
    for (let r = 0; r < X.rows; r++) {
      for (let t = 0; t < w[r]; t++) {
        rep.push(Array.from(X.data.subarray(r * d, r * d + d)));
        repLabels.push(labels[r]);
      }
    }
    const o = { nComponents: 3, covarianceType: 'diag' as const, tol: 0, maxIter: 1, missingValues: 'marginalize' as const };
    const a = new GaussianMixture(o).fit(X, { sampleWeight: w, initLabels: labels });
    const b = new GaussianMixture(o).fit(rep, { initLabels: repLabels });
    expect(maxRelDiff(a.means.data, b.means.data)).toBeLessThan(1e-10);
    expect(maxRelDiff(a.covariances, b.covariances)).toBeLessThan(1e-10);
    expect(maxRelDiff(a.weights, b.weights)).toBeLessThan(1e-10);
  });

  it('weights scaled by a power of two far below 1 give the same fit as the weights themselves', () => {
    const X = mcar(DATA, 0.2);
    const w = Array.from({ length: X.rows }, (_, i) => 1 + (i % 3) / 4); // largest 1.5, in [1, 2)
    const tiny = w.map((v) => v * 2 ** -1000);
    const o = { nComponents: 3, covarianceType: 'spherical' as const, tol: 0, maxIter: 10, missingValues: 'marginalize' as const, ...start };
    const a = new GaussianMixture(o).fit(X, { sampleWeight: w });
    const b = new GaussianMixture(o).fit(X, { sampleWeight: tiny });
    expect(sameBits(a.means.data, b.means.data)).toBe(true);
    expect(sameBits(a.covariances, b.covariances)).toBe(true);
    expect(sameBits(a.weights, b.weights)).toBe(true);
  });
});

describe('missing values: the checks before a fit', () => {
  it('a feature observed only in rows of weight 0 is refused as never observed', () => {
    const N = NaN;
    const X = [[1, N], [2, N], [3, N], [4, 5], [5, 6]];
    const gm = new GaussianMixture({ nComponents: 2, missingValues: 'marginalize' });
    expect(() => gm.fit(X, { sampleWeight: [1, 1, 1, 0, 0] })).toThrow(expect.objectContaining({
      code: 'EMPTY_INPUT', message: expect.stringMatching(/feature 1 of X is missing \(NaN\) in every row of positive weight/),
    }));
  });

  it('rows of positive weight with nothing observed and observed rows of weight 0 do not make up nComponents', () => {
    const N = NaN;
    const X = [[1, 2], [N, N], [3, 4], [2, N]];
    const gm = new GaussianMixture({ nComponents: 2, missingValues: 'marginalize' });
    expect(() => gm.fit(X, { sampleWeight: [1, 1, 0, 0] })).toThrow(expect.objectContaining({
      code: 'TOO_FEW_SAMPLES', message: expect.stringContaining('X has 1'),
    }));
  });

  it('of two features never observed, the first is named', () => {
    const N = NaN;
    const gm = new GaussianMixture({ nComponents: 1, missingValues: 'marginalize' });
    expect(() => gm.fit([[N, 1, N], [N, 2, N], [N, 3, N]])).toThrow(expect.objectContaining({
      code: 'EMPTY_INPUT', message: expect.stringMatching(/^feature 0 of X is missing \(NaN\) in every row: /),
    }));
  });

  it('X with every entry missing says so (not that one feature is never observed)', () => {
    const gm = new GaussianMixture({ nComponents: 1, missingValues: 'marginalize' });
    expect(() => gm.fit([[NaN, NaN], [NaN, NaN]])).toThrow(expect.objectContaining({
      code: 'EMPTY_INPUT', message: expect.stringContaining('every entry of X is missing'),
    }));
  });
});

describe('missing values: scoring mixed rows', () => {
  let gm: GaussianMixture, plain: GaussianMixture;
  beforeAll(() => {
    gm = new GaussianMixture({ nComponents: 3, seed: 1, missingValues: 'marginalize' }).fit(DATA);
    plain = GaussianMixture.fromJSON({ ...gm.toJSON(), options: { ...gm.toJSON().options, missingValues: 'error' } });
  });

  it('a single complete row among incomplete ones scores as the ordinary path, bit for bit', () => {
    const row = rowsOf(DATA)[7];
    const X = [[NaN, 1, 2], row, [0.5, NaN, NaN]];
    const s = gm.scoreSamples(X);
    expect(Object.is(s[1], plain.scoreSamples([row])[0])).toBe(true);
    const p = gm.predictProba(X).data;
    expect(sameBits(p.slice(3, 6), plain.predictProba([row]).data)).toBe(true);
  });

  it('predict on mixed rows: complete rows as the ordinary path, incomplete ones by their largest responsibility', () => {
    const X = mcar(DATA, 0.15, 3);
    const labels = gm.predict(X);
    const proba = gm.predictProba(X).data;
    const rows = rowsOf(X);
    const complete = rows.map((r, i) => (r.every((v) => v === v) ? i : -1)).filter((i) => i >= 0);
    expect(complete.length).toBeGreaterThan(20);
    const ref = plain.predict(complete.map((i) => rows[i]));
    expect(new Set(ref).size).toBe(3);
    complete.forEach((i, t) => expect(labels[i]).toBe(ref[t]));
    for (let i = 0; i < X.rows; i++) {
      const p = Array.from(proba.subarray(i * 3, i * 3 + 3));
      expect(labels[i]).toBe(p.indexOf(Math.max(...p)));
    }
  });

  it('more than 30 features: rows missing feature 0 and feature 30 are different patterns (marginal densities)', () => {
    const d = 31, n = 200;
    const u = rng(3);
    const data = new Float64Array(n * d);
    for (let r = 0; r < n; r++) {
      const z = u();
      for (let j = 0; j < d; j++) data[r * d + j] = z * (1 + j / 10) + u();
    }
    const model = new GaussianMixture({ nComponents: 1, missingValues: 'marginalize' }).fit(matrix(data, n, d));
    const a = Array.from({ length: d }, (_, j) => 0.5 + j / 40), b = a.slice();
    a[0] = NaN;
    b[30] = NaN;
    const s = model.scoreSamples([a, b]);
    const all = Array.from({ length: d }, (_, j) => j);
    const ea = model.marginal(all.slice(1)).scoreSamples([a.slice(1)])[0];
    const eb = model.marginal(all.slice(0, 30)).scoreSamples([b.slice(0, 30)])[0];
    expect(Math.abs(s[0] - ea)).toBeLessThan(1e-9 * Math.abs(ea));
    expect(Math.abs(s[1] - eb)).toBeLessThan(1e-9 * Math.abs(eb));
  });
});

describe('missing values: impute', () => {
  it('leaves the caller\'s Float64Array as it was', () => {
    const gm = new GaussianMixture({ nComponents: 3, seed: 1 }).fit(DATA);
    const X = mcar(DATA, 0.25, 3);
    const before = X.data.slice();
    const out = gm.impute(X);
    expect(sameBits(X.data, before)).toBe(true);
    expect(out.data.every(Number.isFinite)).toBe(true);
  });

  it('names the row of X whose filled-in values fail, when missingness patterns reorder the rows', () => {
    const X = Array.from({ length: 30 }, (_, i) => {
      const a = Math.sin(i * 1.7) * 3 + (i % 3) * 4;
      return [a, 0.5 * a + Math.cos(i * 2.3)];
    });
    const gm = new GaussianMixture({ nComponents: 3 }).fit(X);
    // row 1 misses feature 1, rows 2 and 3 feature 0: their pattern comes first
    expect(() => gm.impute([[2, 1], [1e160, NaN], [NaN, 1], [NaN, 2]])).toThrow(expect.objectContaining({
      code: 'NUMERICAL', message: expect.stringContaining('row 1\'s'),
    }));
  });
});

describe('scoring more rows than one chunk', () => {
  // spherical, 100 features and 2 components: a chunk holds about 5,000 rows
  const d = 100, n = 5300;
  const u = rng(17);
  const big = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) big[r * d + j] = (r % 2) * 0.05 + u();
  const half = 2600;
  const first = matrix(big.subarray(0, half * d), half, d), second = matrix(big.subarray(half * d), n - half, d);

  it('scoreSamples and predictProba over many chunks equal those of the rows in parts, bit for bit', () => {
    const gm = new GaussianMixture({ nComponents: 2, covarianceType: 'spherical', seed: 1, maxIter: 5 }).fit(matrix(big.subarray(0, 400 * d), 400, d));
    const all = matrix(big, n, d);
    const s = gm.scoreSamples(all);
    expect(sameBits(s, Float64Array.from([...gm.scoreSamples(first), ...gm.scoreSamples(second)]))).toBe(true);
    const p = gm.predictProba(all).data;
    expect(sameBits(p, Float64Array.from([...gm.predictProba(first).data, ...gm.predictProba(second).data]))).toBe(true);
  });

  it('selectModel\'s ICL over many chunks counts every row\'s largest responsibility', () => {
    const X = matrix(big, n, d);
    const r = selectModel(X, { nComponents: [2, 2], covarianceTypes: ['spherical'], seed: 1, maxIter: 3 }).results[0];
    const p = [...r.model.predictProba(first).data, ...r.model.predictProba(second).data];
    let hard = 0;
    for (let i = 0; i < n; i++) hard += Math.log(Math.max(p[2 * i], p[2 * i + 1]));
    expect(hard).toBeLessThan(-100); // soft responsibilities: every row adds to the sum
    expect(Math.abs((r.bic - r.icl) / 2 - hard)).toBeLessThan(1e-8 * Math.abs(hard));
  });
});

describe('patternOrder: rows grouped by missingness pattern (fast-check)', () => {
  it('groups by key ascending, rows in their given order within a group; the one-sort path for d ≤ 30 as the general one', async () => {
    const fc = (await import('fast-check')).default;
    const { patternOrder, patternKey, byPattern } = await import('../src/model/missing.js');
    // the definition: a stable sort of the given rows by their pattern's key
    const reference = (X: Matrix, rows: Int32Array) => {
      const keyed = Array.from(rows, (r, i) => ({ r, i, k: patternKey(X.data, r * X.cols, X.cols) }));
      keyed.sort((x, y) => byPattern(x.k, y.k) || x.i - y.i);
      const starts = keyed.flatMap((e, i) => (i === 0 || e.k !== keyed[i - 1].k ? [i] : []));
      return { order: keyed.map((e) => e.r), groups: rows.length ? [...starts, rows.length] : [0] };
    };
    fc.assert(fc.property(fc.integer({ min: 1, max: 34 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      (d, n, seed) => {
        const u = rng(seed);
        const X = matrix(Float64Array.from({ length: 3 * n * d }, () => (u() < 0.3 ? NaN : u())), 3 * n, d);
        // a subset of the rows in a shuffled order, as a caller may pass
        const rows = Int32Array.from({ length: n }, () => Math.floor(u() * 3 * n));
        const got = patternOrder(X, rows), want = reference(X, rows);
        expect(Array.from(got.order)).toEqual(want.order);
        expect(Array.from(got.groups)).toEqual(want.groups);
      }), { numRuns: 150 });
  });
});

describe('complete rows of data with missing entries take the ordinary E-step (Shard.completeRows)', () => {
  beforeAll(loadCore);

  it('a fit whose rows with NaN all have weight 0 agrees with the ordinary fit of the other rows (to rounding), for every type', () => {
    const u = rng(41), n = 6000, d = 4;
    const data = Float64Array.from({ length: n * d }, (_, i) => (u() - 0.5) * 2 + (Math.floor(i / d) % 3) * 2.5);
    const holes = Int32Array.from({ length: n }, () => (u() < 0.2 ? 1 : 0));
    for (let r = 0; r < n; r++) if (holes[r]) data[r * d + Math.floor(u() * d)] = NaN;
    const X = matrix(data, n, d);
    const kept = Array.from({ length: n }, (_, r) => r).filter((r) => !holes[r]);
    const complete = matrix(Float64Array.from(kept.flatMap((r) => Array.from(data.subarray(r * d, r * d + d)))), kept.length, d);
    const w = Array.from(holes, (h) => (h ? 0 : 1));
    for (const covarianceType of ['full', 'tied', 'diag', 'spherical', 'VEV'] as const) {
      // an explicit start: k-means would draw from other rows (the weight-0 ones are there)
      const o = { nComponents: 3, covarianceType, maxIter: 8, tol: 0, missingValues: 'marginalize' as const,
        meansInit: [[0, 0, 0, 0], [2.5, 2.5, 2.5, 2.5], [5, 5, 5, 5]] };
      const a = new GaussianMixture(o).fit(X, { sampleWeight: w });
      const b = new GaussianMixture(o).fit(complete);
      expect(Math.abs(a.lowerBound - b.lowerBound), covarianceType).toBeLessThan(1e-12);
      expect(maxRelDiff(a.means.data, b.means.data), covarianceType).toBeLessThan(1e-9);
      expect(maxRelDiff(a.covariances, b.covariances), covarianceType).toBeLessThan(1e-9);
    }
  });
});

describe('a map-reduce over pieces with and without NaN gives fit()\'s bits (chunks without NaN take the ordinary E-step in both)', () => {
  beforeAll(loadCore);

  it('every type, a piece with NaN and one without, rounds recentred as fit() does', () => {
    const u = rng(9), n = 10000, d = 3;
    const data = Float64Array.from({ length: n * d }, (_, i) => u() * 3 + (Math.floor(i / d) % 3) * 2);
    for (let r = 0; r < 3000; r += 7) data[r * d + (r % d)] = NaN;
    const X = matrix(data, n, d);
    const eye = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const pieces = [[0, 4096], [4096, n]];
    for (const covarianceType of ['full', 'tied', 'diag', 'spherical', 'EVI'] as const) {
      const precisionsInit = covarianceType === 'full' ? [eye, eye, eye] : covarianceType === 'tied' ? eye
        : covarianceType === 'spherical' ? [1, 1, 1] : [[1, 1, 1], [1, 1, 1], [1, 1, 1]];
      const o = { nComponents: 3, covarianceType, tol: 0, maxIter: 5, missingValues: 'marginalize' as const,
        weightsInit: [1 / 3, 1 / 3, 1 / 3], meansInit: [[1, 1, 1], [3, 3, 3], [5, 5, 5]], precisionsInit };
      const ref = new GaussianMixture(o).fit(X);
      const gm = new GaussianMixture(o);
      const stats = (shift?: Float64Array) => GaussianMixture.mergeStatistics(pieces.map(([a, b]) =>
        gm.computeStatistics(matrix(data.subarray(a * d, b * d), b - a, d), { rowOffset: a, ...(shift ? { shift } : {}) })));
      for (let it = 0; it < 5; it++) {
        let merged = stats();
        const shift = gm.recentreShift(merged, { rows: n });
        if (shift) merged = stats(shift);
        gm.applyStatistics(merged, { rows: n });
      }
      expectSameFit(gm, ref);
    }
  });
});
