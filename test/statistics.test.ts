// The map-reduce API: statistics of chunk-aligned pieces, merged in any order, give the
// M-step fit() takes, bit for bit; the byte format round-trips; bad pieces are refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { runInNewContext } from 'node:vm';
import { BayesianGaussianMixture, GaussianMixture, SufficientStatistics, CHUNK_ROWS } from '../src/index.js';
import type { CovarianceType, Matrix } from '../src/index.js';
import { loadCore, overlapping, expectSameFit, errorCode, maxRelDiff as maxRel, normal, rng } from './helpers.js';

beforeAll(loadCore);

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

function matrixOf(r: number[][]): Matrix {
  return { data: Float64Array.from(r.flat()), rows: r.length, cols: r[0].length };
}

function rows(X: Matrix, r0: number, r1: number): Matrix {
  return { data: X.data.slice(r0 * X.cols, r1 * X.cols), rows: r1 - r0, cols: X.cols };
}

/** An explicit start near the data: means from rows, unit precisions, equal weights. */
function start(X: Matrix, K: number, type: CovarianceType) {
  const d = X.cols;
  const meansInit = Array.from({ length: K }, (_, k) => Array.from(X.data.subarray(k * 7 * d, k * 7 * d + d)));
  const eye = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
  const precisionsInit = type === 'full' ? Array.from({ length: K }, () => eye) : type === 'tied' ? eye
    : type === 'diag' ? Array.from({ length: K }, () => new Array(d).fill(1)) : new Array(K).fill(1);
  return { weightsInit: new Array(K).fill(1 / K), meansInit, precisionsInit };
}

const n = Math.floor(4.5 * CHUNK_ROWS) + 3; // five chunks, the last short
const X = overlapping(3, n, 3, 3);
const w = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 5) * 0.5);

describe('map-reduce over chunk-aligned pieces equals fit()', () => {
  for (const type of TYPES) {
    it(`${type}: pieces in any order, three M-steps, with and without weights`, () => {
      for (const weighted of [false, true]) {
        const opts = { nComponents: 3, covarianceType: type, ...start(X, 3, type), tol: 0 };
        const ref = new GaussianMixture({ ...opts, maxIter: 3 }).fit(X, weighted ? { sampleWeight: w } : {});
        const gm = new GaussianMixture(opts);
        // pieces of 2, 1 and 2 chunks (the last short), merged in scrambled orders
        const cuts = [0, 2 * CHUNK_ROWS, 3 * CHUNK_ROWS, n];
        for (let it = 0; it < 3; it++) {
          const pieces = [0, 1, 2].map((i) => gm.computeStatistics(rows(X, cuts[i], cuts[i + 1]), {
            rowOffset: cuts[i], sampleWeight: weighted ? w.subarray(cuts[i], cuts[i + 1]) : undefined,
          }));
          const merged = it === 0 ? GaussianMixture.mergeStatistics([pieces[2], pieces[0], pieces[1]])
            : it === 1 ? GaussianMixture.mergeStatistics([GaussianMixture.mergeStatistics([pieces[2], pieces[1]]), pieces[0]])
              : GaussianMixture.mergeStatistics(pieces.map((p) => SufficientStatistics.fromBytes(p.toBytes())));
          gm.applyStatistics(merged);
        }
        expectSameFit(gm, ref);
      }
    });
  }

  it('the whole data in one piece equals the merged pieces, and bytes round-trip', () => {
    const gm = new GaussianMixture({ nComponents: 3, ...start(X, 3, 'full') });
    const whole = gm.computeStatistics(X);
    const parts = GaussianMixture.mergeStatistics([
      gm.computeStatistics(rows(X, CHUNK_ROWS, n), { rowOffset: CHUNK_ROWS }),
      gm.computeStatistics(rows(X, 0, CHUNK_ROWS)),
    ]);
    expect(Buffer.from(parts.toBytes()).equals(Buffer.from(whole.toBytes()))).toBe(true);
    const again = SufficientStatistics.fromBytes(whole.toBytes());
    expect(again.rows).toBe(n);
    expect(again.chunkRange).toEqual([0, 5]);
    expect(Buffer.from(again.toBytes()).equals(Buffer.from(whole.toBytes()))).toBe(true);
  });
});

describe('statistics about a shift: when a mean moves far, the map-reduce recentres as fit() does', () => {
  // a start 200 units off the data (scale about 1): the first M-step would lose most digits
  const far = (type: CovarianceType) => {
    const s = start(X, 3, type);
    return { ...s, meansInit: s.meansInit.map((m) => m.map((v) => v + 200)) };
  };
  for (const type of TYPES) {
    it(`${type}: recentreShift, computeStatistics with the shift, applyStatistics: fit()'s bits, pieces and bytes`, () => {
      const opts = { nComponents: 3, covarianceType: type, ...far(type), tol: 0 };
      const ref = new GaussianMixture({ ...opts, maxIter: 4 }).fit(X);
      const gm = new GaussianMixture(opts);
      const cuts = [0, 2 * CHUNK_ROWS, 3 * CHUNK_ROWS, n];
      const pass = (shift: Float64Array | null) => GaussianMixture.mergeStatistics([2, 0, 1].map((i) =>
        SufficientStatistics.fromBytes(gm.computeStatistics(rows(X, cuts[i], cuts[i + 1]), { rowOffset: cuts[i], shift }).toBytes())));
      let recentred = 0;
      for (let it = 0; it < 4; it++) {
        let t = pass(null);
        const shift = gm.recentreShift(t, { rows: n });
        if (shift) {
          recentred++;
          const about = pass(shift);
          expect(about.shift).toEqual(shift);
          expect(gm.recentreShift(about)).toBeNull(); // once per M-step
          // the same E-step: the same lower-bound terms, other statistics
          t = about;
        }
        gm.applyStatistics(t, { rows: n });
      }
      expect(recentred).toBeGreaterThan(0);
      expectSameFit(gm, ref);
    });
  }

  it('the shift keeps the digits the means lose: a tight cluster far from the start', () => {
    // 3000 rows at (1, 1) with spread 1e-6, one component starting at the origin: about the
    // start, Σ r(x − c)² is 1e12 times the variance; about the new mean it is the variance
    const m = 3000, Y = new Float64Array(2 * m);
    for (let i = 0; i < 2 * m; i++) Y[i] = 1 + 1e-6 * Math.sin(i * 12.9898 + 78.233);
    const data = { data: Y, rows: m, cols: 2 };
    let mean0 = 0, mean1 = 0;
    for (let i = 0; i < m; i++) mean0 += Y[2 * i] / m, mean1 += Y[2 * i + 1] / m;
    let v0 = 0, v1 = 0;
    for (let i = 0; i < m; i++) v0 += (Y[2 * i] - mean0) ** 2 / m, v1 += (Y[2 * i + 1] - mean1) ** 2 / m;
    for (const type of TYPES) {
      const eye = [[1, 0], [0, 1]];
      const precisionsInit = type === 'full' ? [eye] : type === 'tied' ? eye : type === 'diag' ? [[1, 1]] : [1];
      const gm = new GaussianMixture({ nComponents: 1, covarianceType: type, regCovar: 1e-15, maxIter: 1, tol: 0,
        weightsInit: [1], meansInit: [[0, 0]], precisionsInit }).fit(data);
      // the first feature's variance: within 1e-10 relative of the centred two-pass value
      // (without the shift it was off by about 1e-4, or not positive definite)
      const [got, want] = type === 'spherical' ? [gm.covariances[0], (v0 + v1) / 2] : [gm.covariances[0], v0];
      expect(Math.abs(got - 1e-15 - want) / want).toBeLessThan(1e-10);
      expect(gm.means.data[1]).toBeCloseTo(mean1, 14);
    }
  });

  it('a Bayesian mixture: the same E-step about the means and about the shift gives the same lower bound', () => {
    for (const type of TYPES) {
      const warm = new BayesianGaussianMixture({ nComponents: 3, covarianceType: type, maxIter: 3, tol: 0, seed: 2 }).fit(X).toJSON();
      // the data moved 50 away from the fitted means: the first step's means move far
      const moved = { data: X.data.map((v) => v + 50), rows: X.rows, cols: X.cols };
      const about = (shifted: boolean) => {
        const gm = BayesianGaussianMixture.fromJSON(warm);
        const t = gm.computeStatistics(moved);
        const shift = gm.recentreShift(t);
        expect(shift).not.toBeNull();
        return gm.applyStatistics(shifted ? gm.computeStatistics(moved, { shift: shift! }) : t);
      };
      const a = about(true), b = about(false);
      // the lower bound's entropy term reads the scatter about the E-step's means
      expect(Math.abs(a.lowerBound - b.lowerBound) / Math.abs(b.lowerBound)).toBeLessThan(1e-10);
      expect(maxRel(a.means.data, b.means.data)).toBeLessThan(1e-8);
    }
  });

  it('a component collapsing onto copies of a point: the map-reduce fails as fit() does (NOT_POSITIVE_DEFINITE), Bayesian too', () => {
    // the review's cases: 30 copies of one point, no regularisation; the shift recentreShift
    // gives is the copies' point to an ulp, so the loss about it is infinite yet the shift right
    let shifted = 0;
    // the copies' point with a coordinate 0 too: its mean's rounding is then relative to the
    // previous mean and the spread, not to itself
    for (const [point, type] of TYPES.flatMap((t) => [[[0.1, 0.7], t], [[0, 0.7], t], [[0, 0], t]] as const)) {
      const Y = matrixOf(Array.from({ length: 60 }, (_, i) => (i < 30 ? [...point] : [3 + Math.sin(i), 3 + Math.cos(i * 1.7)])));
      for (const seed of [0, 1, 2, 3]) {
        const opts = { nComponents: 3, covarianceType: type, regCovar: 0, seed, initParams: 'random' as const, maxIter: 200 };
        let it = 0;
        try { new GaussianMixture(opts).fit(Y); } catch (e) { it = Number(/at EM iteration (\d+)/.exec((e as Error).message)?.[1] ?? 0); }
        if (it < 2) continue;
        const gm = GaussianMixture.fromJSON(new GaussianMixture({ ...opts, maxIter: it - 1 }).fit(Y).toJSON());
        const t = gm.computeStatistics(Y), shift = gm.recentreShift(t);
        if (shift) shifted++;
        expect(errorCode(() => gm.applyStatistics(shift ? gm.computeStatistics(Y, { shift }) : t))).toBe('NOT_POSITIVE_DEFINITE');
      }
    }
    expect(shifted).toBeGreaterThan(0);
    // a Bayesian mixture's collapse reports the component, not a NaN bound
    const Z = matrixOf(Array.from({ length: 60 }, (_, i) => (i < 30 ? [1, 2] : [3 + Math.sin(i), 3 + Math.cos(i * 1.7)])));
    const bopts = { nComponents: 3, regCovar: 0, seed: 0, initParams: 'random' as const, maxIter: 200, covariancePrior: [[1e-300, 0], [0, 1e-300]] };
    let at = 0;
    try { new BayesianGaussianMixture(bopts).fit(Z); } catch (e) { at = Number(/at EM iteration (\d+)/.exec((e as Error).message)?.[1] ?? 0); }
    expect(at).toBeGreaterThan(1);
    const b = BayesianGaussianMixture.fromJSON(new BayesianGaussianMixture({ ...bopts, maxIter: at - 1 }).fit(Z).toJSON());
    expect(() => b.applyStatistics(b.computeStatistics(Z))).toThrow(expect.objectContaining({ code: 'NOT_POSITIVE_DEFINITE',
      message: expect.stringContaining('or covariancePrior') }));
  });

  it('a nearly empty component keeps its shift: its mean follows the kept-mean rule about its previous mean', () => {
    // 2000 rows about the origin (d = 2). Component 0 starts 200 away but broad (σ = 100), so
    // it takes a share of the rows and its mean moves 200: the statistics are taken twice.
    // Component 2 starts 9 away with σ = 1: only rows' tails reach it, above the e⁻⁴⁰ cutoff,
    // for a mass far below 2^20·10·eps; it must move exactly as the M-step about its
    // previous mean moves it
    const z = normal(rng(17));
    const Y = { data: Float64Array.from({ length: 4000 }, () => z()), rows: 2000, cols: 2 };
    // component 2 at height a: a row at height y is within e⁻⁴⁰ of component 1 (about) when
    // y ≥ (a²/2 − 40)/a; a puts that just below the highest row's y, so a few rows reach it
    let top = -Infinity;
    for (let i = 1; i < 4000; i += 2) top = Math.max(top, Y.data[i]);
    const y = top - 0.3, a = y + Math.sqrt(y * y + 80);
    const opts = { nComponents: 3, covarianceType: 'diag' as const, weightsInit: [0.3, 0.5, 0.2], tol: 0,
      meansInit: [[200, 0], [0, 0], [0, a]], precisionsInit: [[1e-4, 1e-4], [1, 1], [1, 1]] };
    const gm = new GaussianMixture(opts);
    const t = gm.computeStatistics(Y);
    const once = new GaussianMixture(opts).applyStatistics(t); // the M-step about the previous means
    expect(once.weights[2] * 2000).toBeGreaterThan(0);
    expect(once.weights[2] * 2000).toBeLessThan(1e-12);
    expect(once.means.data[5]).not.toBe(a); // it moved, a little
    const shift = gm.recentreShift(t)!;
    expect(shift).not.toBeNull();
    expect(Array.from(shift.subarray(4, 6))).toEqual([0, a]); // unmoved
    const fitted = new GaussianMixture({ ...opts, maxIter: 1 }).fit(Y);
    expect(Array.from(fitted.means.data.subarray(4, 6))).toEqual(Array.from(once.means.data.subarray(4, 6)));
    // the map-reduce gives the same bits; any other shift, for the nearly empty component
    // or a heavy one, gives the same M-step up to rounding (assembly/mstep.ts)
    const good = new GaussianMixture(opts).applyStatistics(gm.computeStatistics(Y, { shift }));
    expectSameFit(good, fitted);
    const other = shift.slice();
    other[0] += 5;
    const m = new GaussianMixture(opts).applyStatistics(gm.computeStatistics(Y, { shift: other }));
    expect(maxRel(m.means.data, fitted.means.data)).toBeLessThan(1e-12);
    expect(maxRel(m.covariances, fitted.covariances)).toBeLessThan(1e-9);
    expect(maxRel(m.weights, fitted.weights)).toBeLessThan(1e-12);
    // the nearly empty component's shift is held to its mean (the loss does not weigh it)
    const moved = shift.slice();
    moved[5] += 1e3;
    expect(() => new GaussianMixture(opts).applyStatistics(gm.computeStatistics(Y, { shift: moved })))
      .toThrow(expect.objectContaining({ code: 'INVALID_STATISTICS', message: expect.stringContaining('component 2 is nearly empty') }));
  });

  it('tiny sample weights (1e-12): a component holding the data is not nearly empty, is recentred, and fits as unit weights do', () => {
    const z = normal(rng(23));
    const Y = { data: Float64Array.from({ length: 2000 }, () => z()), rows: 1000, cols: 2 };
    const w = new Float64Array(1000).fill(1e-12);
    const opts = { nComponents: 1, covarianceType: 'diag' as const, tol: 0, maxIter: 1, regCovar: 1e-6,
      weightsInit: [1], meansInit: [[1e4, 1e4]], precisionsInit: [[1e-8, 1e-8]] };
    const gm = new GaussianMixture(opts);
    expect(gm.recentreShift(gm.computeStatistics(Y, { sampleWeight: w }))).not.toBeNull();
    // statistics of rows weighing less than 1 in all are scaled by a power of two before the
    // M-step (2^30 here), exactly, so the 10·eps of every component's mass is as negligible
    // as with unit weights: the mean is the data's (before, it fell 2.2e-6 of its 1e4 move short)
    const fitted = new GaussianMixture(opts).fit(Y, { sampleWeight: w });
    const ones = new GaussianMixture(opts).fit(Y);
    let xbar = 0;
    for (let i = 0; i < 1000; i++) xbar += Y.data[2 * i] / 1000;
    expect(Math.abs(fitted.means.data[0] - xbar)).toBeLessThan(1e-9);
    expect(maxRel(fitted.covariances, ones.covariances)).toBeLessThan(1e-12);
    // the map-reduce scales the same merged statistics the same way (recentred, as fit() is): fit()'s bits
    let st = gm.computeStatistics(Y, { sampleWeight: w });
    const shift = gm.recentreShift(st);
    if (shift) st = gm.computeStatistics(Y, { sampleWeight: w, shift });
    expect(new GaussianMixture(opts).applyStatistics(st).toJSON()).toEqual({ ...fitted.toJSON(), converged: false });
  });

  it('a light component started 1e12 away, and copies of a point at regCovar 1e-40: the protocol equals fit() (a review\'s cases)', () => {
    // the component starting far is light: its new mean falls short of its rows by the
    // kept-mean rule's 10·eps/(mass + 10·eps) of a 1e12 move, far from them in spreads, yet
    // right; and copies of a point carry a few ulps of first-pass rounding in the shift
    const z = normal(rng(7));
    const n = 5000, K = 3;
    const Y = { data: Float64Array.from({ length: 2 * n }, (_, i) => z() + 4 * ((i >> 1) % K)), rows: n, cols: 2 };
    const protocol = (opts: object, data: Matrix, k: number) => {
      const gm = new GaussianMixture(opts);
      for (let it = 0; it < k; it++) {
        let t = gm.computeStatistics(data);
        const shift = gm.recentreShift(t);
        if (shift) t = gm.computeStatistics(data, { shift });
        gm.applyStatistics(t);
      }
      return gm;
    };
    for (const type of ['spherical', 'diag'] as const) {
      const D = 1e12;
      const opts = { nComponents: K, covarianceType: type, tol: 0, weightsInit: [0.3, 0.3, 0.4], regCovar: 1e-6,
        meansInit: [[D, D], [Y.data[2], Y.data[3]], [Y.data[4] + 1, Y.data[5]]],
        precisionsInit: type === 'diag' ? [[1 / (D * D), 1 / (D * D)], [1, 1], [1, 1]] : [1 / (D * D), 1, 1] };
      expectSameFit(protocol(opts, Y, 4), new GaussianMixture({ ...opts, maxIter: 4 }).fit(Y));
    }
    const copies = matrixOf(Array.from({ length: 300 }, (_, i) => (i % 3 ? [4 / 3, 0] : [3 + Math.sin(i), 3 + Math.cos(i)])));
    for (const type of ['diag', 'spherical'] as const) {
      const opts = { nComponents: 2, covarianceType: type, tol: 0, regCovar: 1e-40, weightsInit: [0.5, 0.5],
        meansInit: [[0, 0], [3, 3]], precisionsInit: type === 'diag' ? [[1, 1], [1, 1]] : [1, 1] };
      expectSameFit(protocol(opts, copies, 3), new GaussianMixture({ ...opts, maxIter: 3 }).fit(copies));
    }
  });

  it('tied: a far nearly empty component takes no second pass, and the map-reduce equals fit()', () => {
    // 1000 rows about 0; component 1 starts at 1e8 with a tied variance of 1e16/60, so its
    // mass is about 1e-10: its share of the shared scatter would never leave the loss
    const Y = { data: Float64Array.from({ length: 1000 }, (_, i) => ((i % 2 ? 1 : -1) * (1 + (i % 7))) / 7), rows: 1000, cols: 1 };
    const opts = { nComponents: 2, covarianceType: 'tied' as const, tol: 0, weightsInit: [0.5, 0.5], meansInit: [[0], [1e8]],
      precisionsInit: [[60 / 1e16]] };
    const gm = new GaussianMixture(opts);
    const t = gm.computeStatistics(Y);
    expect(gm.recentreShift(t)).toBeNull();
    const fitted = new GaussianMixture({ ...opts, maxIter: 1 }).fit(Y);
    expect(fitted.weights[1] * 1000).toBeLessThan(2e-9);
    expectSameFit(new GaussianMixture(opts).applyStatistics(t), fitted);
  });

  it('bad shifts, and shifted pieces mixed with pieces about the means, are refused', () => {
    const gm = new GaussianMixture({ nComponents: 3, covarianceType: 'diag', ...far('diag') });
    const t = gm.computeStatistics(X);
    const shift = gm.recentreShift(t)!;
    expect(shift).toBeInstanceOf(Float64Array);
    expect(shift).toHaveLength(9);
    expect(errorCode(() => gm.computeStatistics(X, { shift: shift.subarray(1) }))).toBe('INVALID_OPTION');
    expect(errorCode(() => gm.computeStatistics(X, { shift: [...shift.subarray(1), NaN] }))).toBe('INVALID_OPTION');
    expect(errorCode(() => gm.computeStatistics(X, { shift: 'x' as unknown as number[] }))).toBe('INVALID_OPTION');
    expect(() => gm.computeStatistics(X, { shift: [...shift.subarray(1), NaN] })).toThrow(/shift\[8\] is NaN/);
    // a Float64Array of another realm (a vm context) is a Float64Array
    const foreign = runInNewContext('new Float64Array(9)') as Float64Array;
    foreign.set(shift);
    expect(gm.computeStatistics(X, { shift: foreign }).shift).toEqual(shift);
    const a = gm.computeStatistics(rows(X, 0, CHUNK_ROWS), { shift });
    const b = gm.computeStatistics(rows(X, CHUNK_ROWS, n), { rowOffset: CHUNK_ROWS });
    expect(errorCode(() => GaussianMixture.mergeStatistics([a, b]))).toBe('STATISTICS_MISMATCH');
    const other = gm.computeStatistics(rows(X, CHUNK_ROWS, n), { rowOffset: CHUNK_ROWS, shift: shift.map((v) => v + 1) });
    expect(errorCode(() => GaussianMixture.mergeStatistics([a, other]))).toBe('STATISTICS_MISMATCH');
    // a plain array (JSON) is the same shift; the bytes carry it; a damaged shift is refused
    const viaJson = gm.computeStatistics(X, { shift: JSON.parse(JSON.stringify(Array.from(shift))) });
    const bytes = viaJson.toBytes();
    expect(Buffer.from(bytes).equals(Buffer.from(gm.computeStatistics(X, { shift }).toBytes()))).toBe(true);
    const bad = bytes.slice();
    new DataView(bad.buffer).setFloat64(56, NaN, true);
    expect(errorCode(() => SufficientStatistics.fromBytes(bad))).toBe('INVALID_STATISTICS');
    // without a shift the bytes are version 1 (older readers read them), with one version 2
    expect(t.toBytes()[4]).toBe(1);
    expect(bytes[4]).toBe(2);
    expect(Buffer.from(SufficientStatistics.fromBytes(t.toBytes()).toBytes()).equals(Buffer.from(t.toBytes()))).toBe(true);
    // other typed arrays would round the shift
    expect(errorCode(() => gm.computeStatistics(X, { shift: Float32Array.from(shift) as unknown as number[] }))).toBe('INVALID_OPTION');
    // a shift far from the means would cost the M-step its digits: refused, model unchanged
    const offset = { data: X.data.map((v) => v + 1e7), rows: X.rows, cols: X.cols };
    const atFar = GaussianMixture.fromJSON(new GaussianMixture({ nComponents: 3, covarianceType: 'diag', maxIter: 2, tol: 0 }).fit(offset).toJSON());
    const before = JSON.stringify(atFar.toJSON());
    for (const sh of [new Float64Array(9), Float64Array.from(atFar.means.data, (v) => v + 1e8)]) {
      expect(() => atFar.applyStatistics(atFar.computeStatistics(offset, { shift: sh })))
        .toThrow(expect.objectContaining({ code: 'INVALID_STATISTICS', message: expect.stringContaining('far from the means') }));
    }
    expect(JSON.stringify(atFar.toJSON())).toBe(before);
    // a nearly empty component's shift, which the loss does not weigh, is held to its mean
    const U = { data: Float64Array.from({ length: 1000 }, (_, i) => -1 + (2 * i) / 999), rows: 1000, cols: 1 };
    const light = new GaussianMixture({ nComponents: 2, covarianceType: 'diag', tol: 0, meansInit: [[0], [8]], precisionsInit: [[1], [1]],
      weightsInit: [0.5, 0.5] });
    expect(() => light.applyStatistics(light.computeStatistics(U, { shift: [0, 8 + 1e6] })))
      .toThrow(expect.objectContaining({ code: 'INVALID_STATISTICS' }));
    expect(light.isFitted).toBe(false);
    const v1shifted = bytes.slice();
    v1shifted[4] = 1;
    expect(errorCode(() => SufficientStatistics.fromBytes(v1shifted))).toBe('INVALID_STATISTICS');
    // applied, the shifted statistics give what the recentred fit() iteration gives
    const ref = new GaussianMixture({ nComponents: 3, covarianceType: 'diag', ...far('diag'), maxIter: 1, tol: 0 }).fit(X);
    expectSameFit(gm.applyStatistics(viaJson), ref);
  });
});

describe('bad statistics are refused before any change', () => {
  const gm = (): GaussianMixture => new GaussianMixture({ nComponents: 3, ...start(X, 3, 'diag'), covarianceType: 'diag' });
  const code = errorCode;
  it('a rowOffset off the chunk grid', () => {
    expect(code(() => gm().computeStatistics(rows(X, 5, 100), { rowOffset: 5 }))).toBe('INVALID_ARGUMENT');
    // a string is named as one; 2^53 is a multiple of CHUNK_ROWS but not a safe integer
    expect(() => gm().computeStatistics(rows(X, 0, 100), { rowOffset: '0' as never })).toThrow(/got the string "0"/);
    expect(() => gm().computeStatistics(rows(X, 0, 100), { rowOffset: 2 ** 53 })).toThrow(/an integer from 0 to 2\^53 − 1/);
    // values JSON cannot print are named by their type, still as a GmmError
    expect(code(() => gm().computeStatistics(rows(X, 0, 100), { rowOffset: 0n as never }))).toBe('INVALID_ARGUMENT');
    const self: Record<string, unknown> = {};
    self.self = self;
    expect(code(() => gm().computeStatistics(rows(X, 0, 100), { rowOffset: self as never }))).toBe('INVALID_ARGUMENT');
  });
  it('overlapping pieces, a short chunk in the middle, gaps', () => {
    const m = gm();
    const a = m.computeStatistics(rows(X, 0, 2 * CHUNK_ROWS));
    const b = m.computeStatistics(rows(X, CHUNK_ROWS, 2 * CHUNK_ROWS), { rowOffset: CHUNK_ROWS });
    expect(code(() => GaussianMixture.mergeStatistics([a, b]))).toBe('INVALID_STATISTICS');
    const short = m.computeStatistics(rows(X, 0, 100));
    const after = m.computeStatistics(rows(X, CHUNK_ROWS, 2 * CHUNK_ROWS), { rowOffset: CHUNK_ROWS });
    expect(code(() => GaussianMixture.mergeStatistics([short, after]))).toBe('INVALID_STATISTICS');
    const far = m.computeStatistics(rows(X, 3 * CHUNK_ROWS, 4 * CHUNK_ROWS), { rowOffset: 3 * CHUNK_ROWS });
    const gap = GaussianMixture.mergeStatistics([a, far]);
    expect(code(() => m.applyStatistics(gap))).toBe('INVALID_STATISTICS');
    // a missing first piece, and (given the row count) a missing last one
    expect(code(() => m.applyStatistics(far))).toBe('INVALID_STATISTICS');
    expect(code(() => m.applyStatistics(a, { rows: n }))).toBe('INVALID_STATISTICS');
    expect(m.isFitted).toBe(false);
    m.applyStatistics(a, { rows: 2 * CHUNK_ROWS });
    expect(m.nIter).toBe(1);
  });
  it('statistics of other parameters, another shape, or bad bytes', () => {
    const m = gm();
    const s = m.computeStatistics(X);
    m.applyStatistics(s);
    const snapshot = JSON.stringify(m.toJSON());
    expect(code(() => m.applyStatistics(s))).toBe('STATISTICS_MISMATCH'); // stale: an M-step happened
    expect(JSON.stringify(m.toJSON())).toBe(snapshot);
    const other = new GaussianMixture({ nComponents: 3, ...start(X, 3, 'full') }).computeStatistics(X);
    expect(code(() => GaussianMixture.mergeStatistics([m.computeStatistics(X), other]))).toBe('STATISTICS_MISMATCH');
    expect(code(() => m.applyStatistics(other))).toBe('STATISTICS_MISMATCH');
    const bytes = m.computeStatistics(X).toBytes();
    expect(code(() => SufficientStatistics.fromBytes(bytes.subarray(0, bytes.length - 8)))).toBe('INVALID_STATISTICS');
    const v2 = bytes.slice();
    v2[4] = 3; // a format version this gmm-wasm does not read
    expect(code(() => SufficientStatistics.fromBytes(v2))).toBe('STATISTICS_MISMATCH');
    expect(code(() => SufficientStatistics.fromBytes(new Uint8Array(10)))).toBe('INVALID_STATISTICS');
    expect(JSON.stringify(m.toJSON())).toBe(snapshot);
  });
  it('crafted bytes (a node twice, a node past the end, a wrong row count), an offset past 2^31 chunks', () => {
    const m = gm();
    const two = m.computeStatistics(rows(X, 0, 2 * CHUNK_ROWS)); // one node (1, 0)
    const b = two.toBytes();
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const S = (b.length - 56 - 8) / 8;
    // the same node twice, with the header saying so
    const dup = new Uint8Array(56 + 2 * (8 + 8 * S));
    dup.set(b.subarray(0, 56 + 8 + 8 * S));
    dup.set(b.subarray(56, 56 + 8 + 8 * S), 56 + 8 + 8 * S);
    new DataView(dup.buffer).setUint32(44, 2, true);
    expect(code(() => SufficientStatistics.fromBytes(dup))).toBe('INVALID_STATISTICS');
    // a node (level 1) wider than the one chunk the header names
    const wide = b.slice();
    new DataView(wide.buffer).setUint32(28, 1, true);
    new DataView(wide.buffer).setFloat64(32, CHUNK_ROWS, true);
    expect(code(() => SufficientStatistics.fromBytes(wide))).toBe('INVALID_STATISTICS');
    const badRows = b.slice();
    new DataView(badRows.buffer).setFloat64(32, NaN, true);
    expect(code(() => SufficientStatistics.fromBytes(badRows))).toBe('INVALID_STATISTICS');
    expect(dv.getUint32(44, true)).toBe(1);
    expect(code(() => m.computeStatistics(rows(X, 0, 10), { rowOffset: 2 ** 31 * CHUNK_ROWS }))).toBe('INVALID_ARGUMENT');
  });

  it('bytes whose values no rows can give are refused, for every covariance type', () => {
    for (const type of TYPES) {
      const m = new GaussianMixture({ nComponents: 3, covarianceType: type, ...start(X, 3, type) });
      const b = m.computeStatistics(rows(X, 0, CHUNK_ROWS)).toBytes();
      const S = (b.length - 56 - 8) / 8, K = 3, d = 3, head = 2 + K + K * d;
      expect(SufficientStatistics.fromBytes(b).rows).toBe(CHUNK_ROWS); // as computed: accepted
      const at = (j: number) => 56 + 8 + 8 * j;
      const changed = (j: number, f: (v: number) => number) => {
        const c = b.slice();
        const v = new DataView(c.buffer);
        v.setFloat64(at(j), f(v.getFloat64(at(j), true)), true);
        return c;
      };
      const firstSquare = head; // the first diagonal entry of the scatter, for every type
      for (const [j, f] of [
        [1, (v: number) => -v],                   // a negative total weight
        [2, (v: number) => -v],                   // a negative mass
        [2, () => 2 * CHUNK_ROWS],                // a mass above the total weight
        [0, () => NaN],                           // Σ w·lse NaN
        [head - 1, () => Infinity],               // a sum infinite
        [firstSquare, (v: number) => -v - 1],     // a negative sum of squares
        [S - 1, (v: number) => -v - 1],           // the last one (the last component's last diagonal entry)
      ] as const) {
        expect(j).toBeLessThan(S);
        expect(code(() => SufficientStatistics.fromBytes(changed(j, f)))).toBe('INVALID_STATISTICS');
      }
      // Σ w·lse of −∞ (rows every component rules out) is a value rows can give
      expect(SufficientStatistics.fromBytes(changed(0, () => -Infinity)).rows).toBe(CHUNK_ROWS);
    }
  });

  it('a piece whose weights are all zero is a piece like any other', () => {
    const m = gm();
    const zero = new Float64Array(CHUNK_ROWS);
    const a = m.computeStatistics(rows(X, 0, CHUNK_ROWS), { sampleWeight: zero });
    const b = m.computeStatistics(rows(X, CHUNK_ROWS, n), { rowOffset: CHUNK_ROWS });
    m.applyStatistics(GaussianMixture.mergeStatistics([a, b]), { rows: n });
    const r = new GaussianMixture({ nComponents: 3, ...start(X, 3, 'diag'), covarianceType: 'diag', maxIter: 1 })
      .fit(X, { sampleWeight: Float64Array.from({ length: n }, (_, i) => (i < CHUNK_ROWS ? 0 : 1)) });
    expectSameFit(m, r);
    expect(code(() => gm().applyStatistics(a))).toBe('NUMERICAL'); // no weight at all
  });

  it('an unfitted model without an explicit start has no parameters', () => {
    expect(code(() => new GaussianMixture({ nComponents: 2 }).computeStatistics(X))).toBe('NOT_FITTED');
  });
});
