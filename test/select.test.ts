// Model selection (selectModel, selectModelAsync): the same numbers as a hand loop over
// GaussianMixture fits, ICL against an independent computation, the K that BIC picks on
// separated blobs and on Old Faithful (scikit-learn and mclust), validation before any
// fit, failed candidates, and the asynchronous run over one WorkerPool, bit for bit.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import type * as Lib from '../src/entry-node.js';
import { GaussianMixture, GmmError, selectModel } from '../src/index.js';
import type { CovarianceType, Matrix, ModelSelection, SelectionResult } from '../src/index.js';
import { blobs, dataset, expectSameFit, loadCore, overlapping, rng, root } from './helpers.js';
import { kernels } from '../src/core/core.js';
import { scoreInto } from '../src/model/score.js';

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

beforeAll(loadCore);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof GmmError) return e.code;
    throw e;
  }
  return undefined;
}

/** The rank rule: criterion ascending, then fewer parameters, then the order tried. */
function expectRanked(sel: ModelSelection, tried: SelectionResult[]): void {
  const key = sel.criterion;
  for (let i = 1; i < sel.results.length; i++) {
    const a = sel.results[i - 1], b = sel.results[i];
    const ok = a[key] < b[key] || (a[key] === b[key] && (a.nParameters < b.nParameters ||
      (a.nParameters === b.nParameters && tried.indexOf(a) < tried.indexOf(b))));
    expect(ok, `${a.nComponents} ${a.covarianceType} before ${b.nComponents} ${b.covarianceType}`).toBe(true);
  }
  expect(sel.best).toBe(sel.results[0].model);
}

/** Σᵢ wᵢ log maxₖ rᵢₖ from predictProba, with the host's Math.log (an independent check). */
function hardTerm(gm: GaussianMixture, X: Matrix, w?: ArrayLike<number>): number {
  const P = gm.predictProba(X);
  let s = 0;
  for (let i = 0; i < X.rows; i++) {
    const row = P.data.subarray(i * P.cols, (i + 1) * P.cols);
    s += (w ? w[i] : 1) * Math.log(Math.max(...row));
  }
  return s;
}

describe('selectModel equals a hand loop over GaussianMixture fits', () => {
  const X = overlapping(3, 700, 2, 3);
  const common = { seed: 4, nInit: 2, maxIter: 60, initParams: 'k-means++' as const };

  it('every covariance type, K 1..4: same models, same BIC/AIC bits, same best; log-likelihood is the total', () => {
    const tried: SelectionResult[] = [];
    const sel = selectModel(X, { ...common, nComponents: [1, 4], covarianceTypes: TYPES, onFit: (r) => tried.push(r as SelectionResult) });
    expect(sel.results).toHaveLength(16);
    expect(sel.failed).toEqual([]);
    expect(tried.map((r) => `${r.covarianceType}${r.nComponents}`)).toEqual(TYPES.flatMap((t) => [1, 2, 3, 4].map((k) => `${t}${k}`)));
    let bestBic = Infinity, best: GaussianMixture | null = null;
    for (const r of tried) {
      const gm = new GaussianMixture({ ...common, nComponents: r.nComponents, covarianceType: r.covarianceType }).fit(X);
      expectSameFit(r.model, gm);
      expect(Object.is(r.bic, gm.bic(X))).toBe(true);
      expect(Object.is(r.aic, gm.aic(X))).toBe(true);
      expect(r.nParameters).toBe(gm.nParameters());
      expect(r.nIter).toBe(gm.nIter);
      expect(r.converged).toBe(gm.converged);
      const lse = gm.scoreSamples(X);
      expect(Object.is(r.logLikelihood, lse.reduce((s, v) => s + v, 0))).toBe(true);
      if (gm.bic(X) < bestBic) {
        bestBic = gm.bic(X);
        best = gm;
      }
    }
    expectRanked(sel, tried);
    expect(sel.results[0].bic).toBe(bestBic);
    expectSameFit(sel.best, best!);
    expect(new Set(sel.results.map((r) => r.covarianceType))).toEqual(new Set(TYPES));
  });

  it('criterion aic and icl rank by that criterion over the same fits', () => {
    const bic = selectModel(X, { ...common, nComponents: [1, 4], covarianceTypes: ['full', 'diag'] });
    for (const criterion of ['aic', 'icl'] as const) {
      const tried: SelectionResult[] = [];
      const sel = selectModel(X, { ...common, nComponents: [1, 4], covarianceTypes: ['full', 'diag'], criterion, onFit: (r) => tried.push(r as SelectionResult) });
      expect(sel.criterion).toBe(criterion);
      expectRanked(sel, tried);
      const min = Math.min(...tried.map((r) => r[criterion]));
      expect(sel.results[0][criterion]).toBe(min);
      // the same fits whatever the criterion
      for (const r of sel.results) {
        const twin = bic.results.find((b) => b.nComponents === r.nComponents && b.covarianceType === r.covarianceType)!;
        expect(Object.is(twin.bic, r.bic) && Object.is(twin.icl, r.icl) && Object.is(twin.aic, r.aic)).toBe(true);
      }
    }
  });

  it('a list of K ({ values }) in the order given, and a single K', () => {
    const tried: number[] = [];
    const sel = selectModel(X, { ...common, nComponents: { values: [3, 1, 2] }, covarianceTypes: ['tied'], onFit: (r) => tried.push(r.nComponents) });
    expect(tried).toEqual([3, 1, 2]);
    expect(sel.results.map((r) => r.nComponents).sort()).toEqual([1, 2, 3]);
    const one = selectModel(X, { ...common, nComponents: 2, covarianceTypes: ['spherical'] });
    expect(one.results).toHaveLength(1);
    expectSameFit(one.best, new GaussianMixture({ ...common, nComponents: 2, covarianceType: 'spherical' }).fit(X));
  });

  it('sample weights: the same fits as fit(X, { sampleWeight }); weights of 1 give the bits of none; integer weights ≈ repeated rows', () => {
    const n = 300;
    const Y = overlapping(8, n, 2, 2);
    const w = Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const sel = selectModel(Y, { seed: 1, nComponents: [1, 3], covarianceTypes: ['full', 'diag'], sampleWeight: w });
    const total = w.reduce((s, v) => s + v, 0);
    for (const r of sel.results) {
      const gm = new GaussianMixture({ seed: 1, nComponents: r.nComponents, covarianceType: r.covarianceType }).fit(Y, { sampleWeight: w });
      expectSameFit(r.model, gm);
      const lse = gm.scoreSamples(Y);
      let ll = 0;
      for (let i = 0; i < n; i++) ll += w[i] * lse[i];
      expect(r.logLikelihood).toBe(ll);
      expect(r.bic).toBeCloseTo(-2 * ll + gm.nParameters() * Math.log(total), 8);
      expect(r.aic).toBeCloseTo(-2 * ll + 2 * gm.nParameters(), 8);
      expect(r.icl).toBeCloseTo(r.bic - 2 * hardTerm(gm, Y, w), 8);
    }
    const ones = selectModel(Y, { seed: 1, nComponents: [1, 3], covarianceTypes: ['full'], sampleWeight: new Float64Array(n).fill(1) });
    const none = selectModel(Y, { seed: 1, nComponents: [1, 3], covarianceTypes: ['full'] });
    ones.results.forEach((r, i) => {
      expect([Object.is(r.bic, none.results[i].bic), Object.is(r.aic, none.results[i].aic), Object.is(r.icl, none.results[i].icl)]).toEqual([true, true, true]);
    });
    // integer weights count as repeated rows
    const rep: number[][] = [];
    for (let i = 0; i < n; i++) for (let c = 0; c < w[i]; c++) rep.push([Y.data[2 * i], Y.data[2 * i + 1]]);
    const repeated = selectModel(rep, { seed: 1, nComponents: [1, 3], covarianceTypes: ['full', 'diag'], tol: 1e-10, maxIter: 500 });
    const weighted = selectModel(Y, { seed: 1, nComponents: [1, 3], covarianceTypes: ['full', 'diag'], tol: 1e-10, maxIter: 500, sampleWeight: w });
    for (const r of weighted.results) {
      const twin = repeated.results.find((b) => b.nComponents === r.nComponents && b.covarianceType === r.covarianceType)!;
      expect(Math.abs(r.bic - twin.bic) / Math.abs(twin.bic)).toBeLessThan(1e-6);
    }
  });

  it('bic, aic and score take the same sampleWeight: the selection\'s bits, rows repeated, weight 0 not counted', () => {
    const n = 240;
    const Y = overlapping(10, n, 2, 2);
    const w = Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : 1 + (i % 3)));
    // a row of weight 0 far from everything: it must not count (its log-density is −∞)
    Y.data[2 * 3] = 1e200;
    for (const type of TYPES) {
      const sel = selectModel(Y, { seed: 2, nComponents: [1, 3], covarianceTypes: [type], sampleWeight: w });
      for (const r of sel.results) {
        expect(Object.is(r.model.bic(Y, { sampleWeight: w }), r.bic)).toBe(true);
        expect(Object.is(r.model.aic(Y, { sampleWeight: w }), r.aic)).toBe(true);
        expect(r.model.score(Y, { sampleWeight: w })).toBe(r.logLikelihood / w.reduce((a, v) => a + v, 0));
      }
      // integer weights: the rows repeated (the same model, so only the summation order differs)
      const gm = sel.results[0].model;
      const rep: number[][] = [];
      for (let i = 0; i < n; i++) for (let c = 0; c < w[i]; c++) rep.push([Y.data[2 * i], Y.data[2 * i + 1]]);
      for (const [a, b] of [[gm.bic(Y, { sampleWeight: w }), gm.bic(rep)], [gm.aic(Y, { sampleWeight: w }), gm.aic(rep)],
        [gm.score(Y, { sampleWeight: w }), gm.score(rep)]]) {
        expect(Math.abs(a - b) / Math.abs(b)).toBeLessThan(1e-13);
      }
    }
    // no weights and weights of 1: the same bits
    const gm = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(X);
    const ones = new Float64Array(X.rows).fill(1);
    expect([gm.bic(X, { sampleWeight: ones }), gm.aic(X, { sampleWeight: ones }), gm.score(X, { sampleWeight: ones })])
      .toEqual([gm.bic(X), gm.aic(X), gm.score(X)]);
    // bad weights and options: typed errors
    expect(codeOf(() => gm.bic(X, { sampleWeight: [1, 2] }))).toBe('INVALID_SAMPLE_WEIGHT');
    expect(codeOf(() => gm.score(X, { sampleWeight: new Float64Array(X.rows).fill(-1) }))).toBe('INVALID_SAMPLE_WEIGHT');
    expect(codeOf(() => gm.aic(X, { sampleWeight: new Float64Array(X.rows).fill(1e308) }))).toBe('INVALID_SAMPLE_WEIGHT');
    expect(codeOf(() => gm.score(X, { weights: ones } as never))).toBe('INVALID_OPTION');
    expect(codeOf(() => gm.bic(X, 3 as never))).toBe('INVALID_TYPE');
    expect(codeOf(() => new GaussianMixture().score(X, { weights: ones } as never))).toBe('NOT_FITTED');
  });

  it('rows of weight 0 do not count', () => {
    const Y = overlapping(9, 200, 2, 2);
    const w = Float64Array.from({ length: 200 }, (_, i) => (i < 150 ? 1 : 0));
    const head = { data: Y.data.slice(0, 300), rows: 150, cols: 2 };
    const a = selectModel(Y, { nComponents: [1, 2], covarianceTypes: ['diag'], sampleWeight: w, tol: 1e-10 });
    const b = selectModel(head, { nComponents: [1, 2], covarianceTypes: ['diag'], tol: 1e-10 });
    a.results.forEach((r, i) => {
      expect(r.nComponents).toBe(b.results[i].nComponents);
      expect(Math.abs(r.bic - b.results[i].bic)).toBeLessThan(1e-6 * Math.abs(r.bic));
    });
  });
});

describe('ICL', () => {
  it('equals BIC − 2·Σ log maxₖ rᵢₖ computed from predictProba, and exceeds BIC on overlapping clusters', () => {
    const X = overlapping(5, 500, 3, 3);
    const sel = selectModel(X, { nComponents: [1, 4], covarianceTypes: TYPES, criterion: 'icl' });
    for (const r of sel.results) {
      const ref = r.bic - 2 * hardTerm(r.model, X);
      expect(Math.abs(r.icl - ref)).toBeLessThan(1e-9 * Math.abs(ref));
      if (r.nComponents === 1) expect(r.icl).toBe(r.bic);
      else expect(r.icl - r.bic).toBeGreaterThan(1);
    }
  });

  it('equals BIC when the clusters are far apart (every responsibility 1)', () => {
    const { X } = blobs(2, [[0, 0], [60, 0], [0, 60]], 80, 1);
    const sel = selectModel(X, { nComponents: [1, 3], covarianceTypes: ['full'], criterion: 'icl' });
    expect(sel.results[0].nComponents).toBe(3);
    for (const r of sel.results) expect(r.icl).toBe(r.bic);
  });

  it('is never below BIC (property over random data, weights and types)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 5, max: 80 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1e6 }), fc.boolean(),
      fc.constantFrom(...TYPES),
      (n, d, seed, weighted, type) => {
        const u = rng(seed);
        const X = { data: Float64Array.from({ length: n * d }, () => 10 * u()), rows: n, cols: d };
        const w = weighted ? Float64Array.from({ length: n }, () => 0.1 + u()) : undefined;
        const sel = selectModel(X, { nComponents: [1, Math.min(4, n)], covarianceTypes: [type], sampleWeight: w, seed, regCovar: 1e-3 });
        for (const r of sel.results) expect(r.icl).toBeGreaterThanOrEqual(r.bic);
      },
    ), { numRuns: 40 });
  });
});

describe('the core\'s log of the largest responsibility (scoreRows logMax)', () => {
  function logMax(gm: GaussianMixture, X: Matrix, simd: boolean): { lse: Float64Array; lm: Float64Array } {
    const params = {
      covarianceType: gm.covarianceType, K: gm.nComponents, d: gm.nFeatures, weights: gm.weights, means: gm.means.data,
      covariances: gm.covariances, precisionsCholesky: gm.precisionsCholesky,
    };
    const lse = new Float64Array(X.rows), lm = new Float64Array(X.rows);
    kernels.simd = simd;
    try {
      scoreInto(params, X, { lse, logMaxResp: lm });
    } finally {
      kernels.simd = true;
    }
    return { lse, lm };
  }

  for (const type of TYPES) {
    it(`${type}: SIMD = scalar path = log max predictProba; ≤ 0; lse unchanged; −log K past overflow`, () => {
      const X = overlapping(6, 1001, 3, 4);            // odd rows: a padded lane
      const gm = new GaussianMixture({ nComponents: 4, covarianceType: type, seed: 1 }).fit(X);
      const a = logMax(gm, X, true), b = logMax(gm, X, false);
      const P = gm.predictProba(X);
      const ss = gm.scoreSamples(X);
      for (let i = 0; i < X.rows; i++) {
        expect(Math.abs(a.lm[i] - b.lm[i])).toBeLessThan(1e-12);
        expect(Math.abs(a.lm[i] - Math.log(Math.max(...P.data.subarray(4 * i, 4 * i + 4))))).toBeLessThan(1e-12);
        expect(a.lm[i]).toBeLessThanOrEqual(0);
        expect(a.lm[i]).toBeGreaterThanOrEqual(-Math.log(4) - 1e-12);
      }
      expect(Buffer.from(a.lse.buffer).equals(Buffer.from(ss.buffer))).toBe(true);
      const far = { data: Float64Array.from([1e200, 0, 0, 0, 0, 0]), rows: 2, cols: 3 };
      for (const simd of [true, false]) {
        const f = logMax(gm, far, simd);
        expect(f.lse[0]).toBe(-Infinity);
        expect(f.lm[0]).toBe(-Math.log(4));
      }
    });
  }

  it('exactly 0 for rows far from every other component', () => {
    const { X } = blobs(3, [[0, 0], [80, 0], [0, 80]], 50, 1);
    const gm = new GaussianMixture({ nComponents: 3 }).fit(X);
    for (const simd of [true, false]) expect(logMax(gm, X, simd).lm.every((v) => v === 0)).toBe(true);
  });
});

describe('the K that BIC picks', () => {
  it('three separated blobs: K = 3, for every covariance type', () => {
    const { X } = blobs(7, [[0, 0, 0], [8, 1, 0], [2, 9, 3]], 120);
    for (const type of TYPES) {
      const sel = selectModel(X, { nComponents: [1, 6], covarianceTypes: [type], nInit: 3 });
      expect(sel.best.nComponents, type).toBe(3);
    }
    const all = selectModel(X, { nComponents: [1, 6], nInit: 3 });
    expect(all.best.nComponents).toBe(3);
  });

  it('Old Faithful, full, K 1..6: K = 2, as scikit-learn and mclust; their BIC where the optimum is unique', () => {
    const ref = JSON.parse(readFileSync(new URL('test/fixtures/select.json', root), 'utf8'));
    const X = dataset('faithful');
    const sel = selectModel(X, { nComponents: [1, 6], covarianceTypes: ['full'], nInit: 10, tol: 1e-10, maxIter: 1000 });
    const argmin = (a: number[]): number => ref.ks[a.indexOf(Math.min(...a))];
    expect(argmin(ref.sklearnBic.full)).toBe(2);
    expect(argmin(ref.mclustBic.full)).toBe(2);
    expect(sel.best.nComponents).toBe(2);
    for (const k of [1, 2]) {
      const r = sel.results.find((x) => x.nComponents === k)!;
      expect(Math.abs(r.bic - ref.sklearnBic.full[k - 1])).toBeLessThan(1e-6);
      expect(Math.abs(r.bic - ref.mclustBic.full[k - 1])).toBeLessThan(1e-3);
    }
    // tied: K = 3 for all three
    const tied = selectModel(X, { nComponents: [1, 6], covarianceTypes: ['tied'], nInit: 10, tol: 1e-10, maxIter: 1000 });
    expect([tied.best.nComponents, argmin(ref.sklearnBic.tied), argmin(ref.mclustBic.tied)]).toEqual([3, 3, 3]);
  });

  it('Old Faithful, mclust\'s ten constrained models, K 1..4: mclust\'s BIC where its optimum is unique (K 1, 2), else never worse', () => {
    const ref = JSON.parse(readFileSync(new URL('test/fixtures/select.json', root), 'utf8'));
    const X = dataset('faithful');
    const sel = selectModel(X, { nComponents: [1, 4], covarianceTypes: ['EII', 'EEI', 'EVI', 'VEI', 'EVV', 'VEE', 'EEV', 'VEV', 'EVE', 'VVE'], nInit: 10, tol: 1e-10, maxIter: 1000 });
    for (const r of sel.results) {
      const mc = ref.mclustBic[r.covarianceType][r.nComponents - 1] as number;
      // mclust starts from hierarchical clustering; ten k-means starts find its optimum or a
      // better one (VVE at K = 2 too: mclust's VVE M-step is not its maximum, README)
      if (r.nComponents === 1 || (r.nComponents === 2 && r.covarianceType !== 'VVE')) {
        expect(Math.abs(r.bic - mc), `${r.covarianceType} ${r.nComponents}`).toBeLessThan(1e-3);
      } else expect(r.bic, `${r.covarianceType} ${r.nComponents}`).toBeLessThan(mc + 1e-6);
    }
    expect(sel.results).toHaveLength(40);
  });
});

describe('validation: every bad option is a GmmError before any fit', () => {
  const X = overlapping(1, 40, 2, 2);
  const cases: [string, Record<string, unknown>, string][] = [
    ['range max < min', { nComponents: [5, 2] }, 'INVALID_OPTION'],
    ['range from 0', { nComponents: [0, 3] }, 'INVALID_OPTION'],
    ['range of non-integers', { nComponents: [1, 2.5] }, 'INVALID_OPTION'],
    ['an array of 3 (a list needs { values })', { nComponents: [1, 2, 3] }, 'INVALID_OPTION'],
    ['an array of 1', { nComponents: [3] }, 'INVALID_OPTION'],
    ['an empty list', { nComponents: { values: [] } }, 'INVALID_OPTION'],
    ['a repeated K', { nComponents: { values: [2, 2] } }, 'INVALID_OPTION'],
    ['a K of 0', { nComponents: 0 }, 'INVALID_OPTION'],
    ['a string', { nComponents: '1..3' }, 'INVALID_OPTION'],
    ['K beyond the rows', { nComponents: [1, 41] }, 'TOO_FEW_SAMPLES'],
    ['a huge range', { nComponents: [1, 2 ** 40] }, 'TOO_FEW_SAMPLES'],
    ['a listed K beyond the rows', { nComponents: { values: [2, 50, 3] } }, 'TOO_FEW_SAMPLES'],
    ['K beyond the rows of positive weight', { nComponents: [1, 39], sampleWeight: Array.from({ length: 40 }, (_, i) => (i < 3 ? 0 : 1)) }, 'TOO_FEW_SAMPLES'],
    ['unknown criterion', { criterion: 'bicc' }, 'INVALID_OPTION'],
    ['criterion null (not a default)', { criterion: null }, 'INVALID_OPTION'],
    ['unknown covariance type', { covarianceTypes: ['ful'] }, 'INVALID_OPTION'],
    ['a repeated covariance type', { covarianceTypes: ['full', 'full'] }, 'INVALID_OPTION'],
    ['covarianceTypes not an array', { covarianceTypes: 'full' }, 'INVALID_OPTION'],
    ['covarianceType (singular)', { covarianceType: 'full' }, 'INVALID_OPTION'],
    ['unknown option', { nInits: 3 }, 'INVALID_OPTION'],
    ['a bad GaussianMixture option', { tol: -1 }, 'INVALID_OPTION'],
    ['onFit not a function', { onFit: 1 }, 'INVALID_OPTION'],
    ['bad sample weights', { sampleWeight: [1, 2] }, 'INVALID_SAMPLE_WEIGHT'],
    ['weightsInit for another K', { nComponents: [2, 3], weightsInit: [0.5, 0.5] }, 'SHAPE_MISMATCH'],
    ['meansInit of other width', { nComponents: 1, meansInit: [[1, 2, 3]] }, 'SHAPE_MISMATCH'],
  ];
  it.each(cases)('%s', (_, o, code) => {
    let fits = 0;
    expect(codeOf(() => selectModel(X, { ...o, onIteration: () => { fits++; } } as never))).toBe(code);
    expect(fits).toBe(0);
  });
  it('an unknown option is named with selectModel\'s own options (not a candidate model\'s)', () => {
    expect(() => selectModel(X, { wrkers: 2 } as never)).toThrow(expect.objectContaining({
      code: 'INVALID_OPTION', message: expect.stringMatching(/^unknown option "wrkers"; the options are nComponents, covarianceTypes, criterion/),
    }));
  });

  it('bad data and options types', () => {
    expect(codeOf(() => selectModel([], {}))).toBe('EMPTY_INPUT');
    expect(codeOf(() => selectModel(X, null as never))).toBe('INVALID_TYPE');
    expect(codeOf(() => selectModel([[1, 2], [3]], {}))).toBe('RAGGED_ROWS');
  });

  it('the default grid is K 1..min(10, rows) over every type', () => {
    const tried: string[] = [];
    selectModel({ data: X.data.slice(0, 8), rows: 4, cols: 2 }, { onFit: (r) => tried.push(`${r.covarianceType}${r.nComponents}`), regCovar: 1e-2 });
    expect(tried).toEqual(TYPES.flatMap((t) => [1, 2, 3, 4].map((k) => `${t}${k}`)));
  });
});

describe('what a review of selection found', () => {
  const X = dataset('faithful');
  it('rows with nothing observed count in neither n nor ICL, as the fit skips them', () => {
    const holes = { data: Float64Array.from([...X.data, ...new Array(2 * 60).fill(NaN)]), rows: X.rows + 60, cols: 2 };
    const o = { nComponents: [1, 3] as [number, number], missingValues: 'marginalize' as const };
    const a = selectModel(X, o), b = selectModel(holes, o);
    // before, each such row added 1 to n (BIC's ln n) and −2 log maxₖ wₖ to ICL
    expect(b.results.map((r) => [r.bic, r.aic, r.icl])).toEqual(a.results.map((r) => [r.bic, r.aic, r.icl]));
    // the default grid counts rows with an observed value: 4 of them, K = 1 … 4, no fit refused midway
    const few = [[1, 2], [2, 3], [8, 9], [9, 9.5], [NaN, NaN], [NaN, NaN], [NaN, NaN]];
    const sel = selectModel(few, { missingValues: 'marginalize', covarianceTypes: ['spherical'] });
    expect([...sel.results, ...sel.failed].map((r) => r.nComponents).sort()).toEqual([1, 2, 3, 4]);
  });
  it('an error thrown by onIteration is the caller\'s, whatever its code; weights past double range are refused', () => {
    const mine = new GmmError('NUMERICAL', 'thrown by my callback');
    expect(() => selectModel(X, { nComponents: [1, 2], onIteration: () => { throw mine; } })).toThrow(mine);
    expect(() => selectModel(X, { sampleWeight: new Float64Array(X.rows).fill(1e307) }))
      .toThrow(expect.objectContaining({ code: 'INVALID_SAMPLE_WEIGHT' }));
  });
});

describe('failed candidates', () => {
  // three distinct points: with regCovar 0 every K ≥ 2 collapses a component
  const X: number[][] = Array.from({ length: 30 }, (_, i) => [i % 3, (i % 3) * 2 + (i % 3 === 1 ? 0.5 : 0)]);

  it('are listed in failed with their GmmError, the others ranked', () => {
    const seen: string[] = [];
    const sel = selectModel(X, { nComponents: [1, 4], covarianceTypes: ['full', 'diag'], regCovar: 0, onFit: (r) => seen.push('error' in r ? 'failed' : 'ok') });
    expect(seen).toHaveLength(8);
    expect(sel.results.length + sel.failed.length).toBe(8);
    expect(sel.results.map((r) => r.nComponents)).toEqual([1, 1]);
    expect(sel.failed.map((f) => `${f.covarianceType}${f.nComponents}`)).toEqual(['full2', 'full3', 'full4', 'diag2', 'diag3', 'diag4']);
    for (const f of sel.failed) {
      expect(f.error).toBeInstanceOf(GmmError);
      expect(f.error.code).toBe('NOT_POSITIVE_DEFINITE');
      expect(codeOf(() => new GaussianMixture({ nComponents: f.nComponents, covarianceType: f.covarianceType, regCovar: 0 }).fit(X))).toBe('NOT_POSITIVE_DEFINITE');
    }
    expect(sel.results.every((r) => Number.isFinite(r.bic))).toBe(true);
  });

  it('every fit failing throws the first failure', () => {
    expect(codeOf(() => selectModel(X, { nComponents: [3, 4], covarianceTypes: ['spherical'], regCovar: 0 }))).toBe('NOT_POSITIVE_DEFINITE');
  });
});

describe('selectModelAsync', () => {
  let lib: typeof Lib;
  beforeAll(async () => {
    lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
    await lib.init();
  });
  // five chunks of 2,048 rows, so both workers hold data
  const X = overlapping(12, 9000, 2, 3);
  const w = Float64Array.from({ length: 9000 }, (_, i) => 0.5 + (i % 5));
  const grid = { nComponents: [1, 3] as [number, number], covarianceTypes: TYPES, seed: 2, maxIter: 40 };

  function expectSameSelection(a: ModelSelection, b: ModelSelection): void {
    expect(a.results.map((r) => [r.nComponents, r.covarianceType])).toEqual(b.results.map((r) => [r.nComponents, r.covarianceType]));
    a.results.forEach((r, i) => {
      const s = b.results[i];
      expect([r.bic, r.aic, r.icl, r.logLikelihood].every((v, j) => Object.is(v, [s.bic, s.aic, s.icl, s.logLikelihood][j]))).toBe(true);
      expectSameFit(r.model, s.model);
    });
  }

  it('2 workers and in-process: the same bits as selectModel (every type, with and without weights)', async () => {
    const sync = lib.selectModel(X, grid);
    const progress: number[] = [];
    // the package's own worker, counted: two must start
    let started = 0;
    const createWorker = () => { started++; return new Worker(new URL('dist/parallel/worker-node.js', root)); };
    const two = await lib.selectModelAsync(X, { ...grid, workers: 2, createWorker, onFit: (_r, p) => progress.push(p.done) });
    expect(started).toBe(2);
    expectSameSelection(two, sync);
    expect(progress).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expectSameSelection(await lib.selectModelAsync(X, { ...grid, workers: 0 }), sync);
    const syncW = lib.selectModel(X, { ...grid, covarianceTypes: ['full', 'diag'], sampleWeight: w, criterion: 'icl' });
    expectSameSelection(await lib.selectModelAsync(X, { ...grid, covarianceTypes: ['full', 'diag'], sampleWeight: w, criterion: 'icl', workers: 2 }), syncW);
  });

  it('abort rejects with ABORTED (before the start, and between fits); bad options before any work', async () => {
    const before = new AbortController();
    before.abort();
    await expect(lib.selectModelAsync(X, { ...grid, workers: 2, signal: before.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    const ac = new AbortController();
    let fitted = 0;
    await expect(lib.selectModelAsync(X, { ...grid, workers: 2, signal: ac.signal, onFit: () => { fitted++; ac.abort(); } }))
      .rejects.toMatchObject({ code: 'ABORTED' });
    expect(fitted).toBe(1);
    const mid = new AbortController();
    await expect(lib.selectModelAsync(X, { ...grid, workers: 2, signal: mid.signal, onIteration: (i) => { if (i.iter === 2) mid.abort(); } }))
      .rejects.toMatchObject({ code: 'ABORTED' });
    await expect(lib.selectModelAsync(X, { ...grid, workers: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(lib.selectModelAsync(X, { ...grid, signal: 'stop' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(lib.selectModelAsync(X, { ...grid, criterion: 'x' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(lib.selectModelAsync(X, { ...grid, workers: '2' as never })).rejects.toThrow(/got the string "2"/);
  });

  it('a WorkerPool in place of X: INVALID_ARGUMENT saying selection takes X (it starts its own pool)', async () => {
    const pool = await lib.WorkerPool.create(X, { workers: 1 });
    try {
      await expect(lib.selectModelAsync(pool as never, grid)).rejects.toMatchObject({ code: 'INVALID_TYPE', message: /not a WorkerPool/ });
      expect(() => lib.selectModel(pool as never, grid)).toThrow(/not a WorkerPool/);
    } finally {
      pool.close();
    }
  });

  it('memory is checked per worker on workers (data past 4 GiB may be spread), for the whole data in this thread', async () => {
    // 200 full 1000×1000 components need far more than 4 GiB of statistics in any one memory
    const wide = { data: Float64Array.from({ length: 200 * 1000 }, (_, i) => Math.sin(i)), rows: 200, cols: 1000 };
    const o = { nComponents: { values: [200] }, covarianceTypes: ['full' as const] };
    await expect(lib.selectModelAsync(wide, { ...o, workers: 2 })).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('a worker\'s 4 GiB') });
    await expect(lib.selectModelAsync(wide, { ...o, workers: 0 })).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('subsample') });
  });
});
