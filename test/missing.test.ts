// Missing values (missingValues: 'marginalize'): incomplete-data EM against an independent
// NumPy implementation (test/fixtures/generate_missing.py), marginal scoring, imputation
// and their properties.
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { readFileSync } from 'node:fs';
import { BayesianGaussianMixture, GaussianMixture, WorkerPool, selectModel, selectModelAsync, type Matrix } from '../src/index.js';
import { blobs, expectSameFit, loadCore, matrix, maxRelDiff, normal, parkMillerNormal, rng, root, sameBits } from './helpers.js';
import { missingRoute } from '../src/model/missing.js';
import type * as Lib from '../src/entry-node.js';

type Type = 'full' | 'tied' | 'diag' | 'spherical';
const TYPES: Type[] = ['full', 'tied', 'diag', 'spherical'];

interface Case {
  name: string; dataset: string; covarianceType: Type; nComponents: number; regCovar: number; maxIter: number; tol: number;
  weightsInit: number[]; meansInit: number[][]; precisionsInit: number[];
  expected: { lowerBound: number; weights: number[]; means: number[][]; covariances: number[]; scoreSamples?: number[]; imputeMean?: number[] };
}
const fx = JSON.parse(readFileSync(new URL('test/fixtures/missing.json', root), 'utf8')) as {
  generator: string; datasets: Record<string, { rows: number; cols: number; data: (number | null)[] }>; cases: Case[];
};

function dataset(name: string): Matrix {
  const ds = fx.datasets[name];
  return matrix(ds.data.map((v) => (v === null ? NaN : v)), ds.rows, ds.cols);
}

/** X with each entry set to NaN where a seeded uniform falls below `rate` (the same draws for
 *  every rate, so masks of growing rates are nested). */
function mcar(X: Matrix, rate: number, seed = 5): Matrix {
  const u = rng(seed);
  const data = X.data.map((v) => (u() < rate ? NaN : v));
  return { data, rows: X.rows, cols: X.cols };
}

const CENTRES = [[0, 0, 0], [5, 1, -2], [-3, 5, 2]];
const DATA = blobs(11, CENTRES, 150, [1, 0.8, 1.2]).X;

// the built package, whose fitAsync and WorkerPool run on real worker threads (the sources
// have no worker entry: their fitAsync runs in this thread)
let lib: typeof Lib;
beforeAll(async () => {
  await loadCore();
  lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
  await lib.init();
});

describe(`incomplete-data EM matches ${fx.generator}`, () => {
  it('has every covariance type, both missing rates and 1, 5 and 50 iterations', () => {
    expect(new Set(fx.cases.map((c) => c.covarianceType))).toEqual(new Set(TYPES));
    expect(new Set(fx.cases.map((c) => c.dataset))).toEqual(new Set(['mcar10', 'mcar30']));
    expect(new Set(fx.cases.map((c) => c.maxIter))).toEqual(new Set([1, 5, 50]));
  });
  // full and tied: each route of the core (from the covariance, from the precision factor),
  // and the automatic choice per pattern
  const runs = fx.cases.flatMap((c) => (c.covarianceType === 'full' || c.covarianceType === 'tied' ? [0, 1, 2] : [0])
    .map((route) => ({ c, route })));
  for (const { c, route } of runs) {
    it(`${c.name}${route ? ` (route ${route === 1 ? 'covariance' : 'precision'})` : ''}`, () => {
      missingRoute.route = route;
      onTestFinished(() => { missingRoute.route = 0; });
      const X = dataset(c.dataset);
      const gm = new GaussianMixture({
        nComponents: c.nComponents, covarianceType: c.covarianceType, tol: c.tol, regCovar: c.regCovar, maxIter: c.maxIter,
        weightsInit: c.weightsInit, meansInit: c.meansInit, precisionsInit: c.precisionsInit, missingValues: 'marginalize',
      }).fit(X);
      const e = c.expected;
      expect(gm.nIter).toBe(c.maxIter);
      expect(Math.abs(gm.lowerBound - e.lowerBound) / Math.abs(e.lowerBound)).toBeLessThan(1e-8);
      expect(maxRelDiff(gm.weights, e.weights)).toBeLessThan(1e-8);
      expect(maxRelDiff(gm.means.data, e.means.flat())).toBeLessThan(1e-8);
      expect(maxRelDiff(gm.covariances, e.covariances)).toBeLessThan(1e-8);
      if (e.scoreSamples) {
        expect(maxRelDiff(gm.scoreSamples(X), e.scoreSamples)).toBeLessThan(1e-8);
        expect(maxRelDiff(gm.impute(X).data, e.imputeMean!)).toBeLessThan(1e-8);
      }
    });
  }
});

function matrixRows(X: Matrix): number[][] {
  return Array.from({ length: X.rows }, (_, i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
}

describe('properties of the missing-value fit', () => {
  for (const type of TYPES) {
    it(`${type}: with no NaN in X, a 'marginalize' model equals the ordinary one bit for bit`, () => {
      const w = Array.from({ length: DATA.rows }, (_, i) => 1 + (i % 3));
      for (const fitOpts of [{}, { sampleWeight: w }]) {
        const a = new GaussianMixture({ nComponents: 3, covarianceType: type, seed: 2 }).fit(DATA, fitOpts);
        const b = new GaussianMixture({ nComponents: 3, covarianceType: type, seed: 2, missingValues: 'marginalize' }).fit(DATA, fitOpts);
        expectSameFit(a, b);
        expect(sameBits(a.scoreSamples(DATA), b.scoreSamples(DATA))).toBe(true);
        expect(sameBits(a.predictProba(DATA).data, b.predictProba(DATA).data)).toBe(true);
        expect(Array.from(b.predict(DATA))).toEqual(Array.from(a.predict(DATA)));
      }
    });

    it(`${type}: the lower bound never decreases over 50 iterations (30% missing)`, () => {
      const trace: number[] = [];
      new GaussianMixture({ nComponents: 3, covarianceType: type, tol: 0, maxIter: 50, seed: 1, missingValues: 'marginalize' })
        .fit(mcar(DATA, 0.3), { onIteration: (i) => trace.push(i.lowerBound) });
      expect(trace.length).toBe(50);
      for (let i = 1; i < trace.length; i++) expect(trace[i]).toBeGreaterThanOrEqual(trace[i - 1] - 1e-12 * Math.abs(trace[i - 1]));
    });

    it(`${type}: parameters move away from the complete-data fit as nested masks grow (0, 5, 10, 20%)`, () => {
      const full = new GaussianMixture({ nComponents: 3, covarianceType: type, seed: 0, tol: 1e-10, maxIter: 500 }).fit(DATA);
      const start = {
        weightsInit: full.weights, meansInit: full.means,
        precisionsInit: type === 'full' || type === 'tied' ? undefined : Array.from(full.covariances, (v) => 1 / v),
      };
      const dist = [0, 0.05, 0.1, 0.2].map((rate) => {
        const gm = new GaussianMixture({ nComponents: 3, covarianceType: type, tol: 1e-10, maxIter: 500, missingValues: 'marginalize', ...start })
          .fit(mcar(DATA, rate));
        let s = 0;
        for (let i = 0; i < gm.means.data.length; i++) s += (gm.means.data[i] - full.means.data[i]) ** 2;
        return Math.sqrt(s);
      });
      expect(dist[0]).toBeLessThan(1e-6);
      expect(dist[1]).toBeGreaterThan(dist[0]);
      expect(dist[3]).toBeGreaterThan(dist[1]);
      expect(dist[3]).toBeGreaterThan(dist[2]);
      expect(dist[3]).toBeLessThan(1); // continuous: 20% missing moves the means by little
    });

    it(`${type}: rows with every feature missing are skipped (the fit equals the fit without them)`, () => {
      const X = mcar(DATA, 0.1, 9);
      const d = X.cols;
      const blank = new Array<number>(d).fill(NaN);
      const rows: number[][] = [];
      for (let r = 0; r < X.rows; r++) {
        if (r % 97 === 3) rows.push(blank);
        rows.push(Array.from(X.data.subarray(r * d, r * d + d)));
      }
      rows.push(blank);
      const o = { nComponents: 3, covarianceType: type, seed: 4, missingValues: 'marginalize' as const };
      const a = new GaussianMixture(o).fit(X);
      const b = new GaussianMixture(o).fit(rows);
      expectSameFit(a, b);
      // with no other NaN, the ordinary fit of the other rows
      const plain = [blank, ...Array.from({ length: DATA.rows }, (_, r) => Array.from(DATA.data.subarray(r * d, r * d + d))), blank];
      expectSameFit(new GaussianMixture(o).fit(plain), new GaussianMixture({ ...o, missingValues: 'error' }).fit(DATA));
      // scored: log-density 0 (the marginal over no features) and the weights as responsibilities
      const s = b.scoreSamples([blank, blank]);
      expect(Array.from(s)).toEqual([0, 0]);
      expect(Array.from(b.predictProba([blank]).data)).toEqual(Array.from(b.weights));
    });
  }

  it('refuses data where no row has an observed value, and a feature never observed; the model is unchanged', () => {
    const gm = new GaussianMixture({ nComponents: 2, missingValues: 'marginalize' }).fit(mcar(DATA, 0.1));
    const before = gm.toJSON();
    expect(() => gm.fit([[NaN, NaN], [NaN, NaN]])).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => gm.fit([[1, NaN, 2], [3, NaN, 1], [2, NaN, 0]])).toThrow(/feature 1 .*missing/);
    expect(() => gm.fit([[1, 2], [NaN, NaN], [NaN, NaN]])).toThrow(expect.objectContaining({ code: 'TOO_FEW_SAMPLES' }));
    expect(gm.toJSON()).toEqual(before);
  });

  it('is seeded: the same seed gives the same bits; every initialisation and an explicit start work', () => {
    const X = mcar(DATA, 0.2);
    for (const initParams of ['kmeans', 'k-means++', 'random', 'random_from_data'] as const) {
      const o = { nComponents: 3, seed: 3, initParams, missingValues: 'marginalize' as const };
      const a = new GaussianMixture(o).fit(X);
      expectSameFit(a, new GaussianMixture(o).fit(X));
      expect(Number.isFinite(a.lowerBound)).toBe(true);
    }
    // initLabels: one M-step from the labels' statistics (on the mean-imputed rows)
    const truth = blobs(11, CENTRES, 150, [1, 0.8, 1.2]).labels;
    const byLabels = new GaussianMixture({ nComponents: 3, missingValues: 'marginalize', tol: 0, maxIter: 1 }).fit(X, { initLabels: truth });
    for (let k = 0; k < 3; k++) for (let j = 0; j < 3; j++) expect(Math.abs(byLabels.means.data[k * 3 + j] - CENTRES[k][j])).toBeLessThan(0.4);
    const gm = new GaussianMixture({ nComponents: 3, meansInit: CENTRES, missingValues: 'marginalize' }).fit(X);
    const m = gm.means.data;
    for (let k = 0; k < 3; k++) for (let j = 0; j < 3; j++) expect(Math.abs(m[k * 3 + j] - CENTRES[k][j])).toBeLessThan(0.4);
  });

  it('warm starts and sample weights: integer weights equal repeated rows', () => {
    const X = mcar(DATA, 0.2);
    const d = X.cols;
    const w = Array.from({ length: X.rows }, (_, i) => (i % 4 === 0 ? 2 : 1));
    const rep: number[][] = [];
    for (let r = 0; r < X.rows; r++) for (let t = 0; t < w[r]; t++) rep.push(Array.from(X.data.subarray(r * d, r * d + d)));
    const o = { nComponents: 3, covarianceType: 'full' as const, tol: 0, maxIter: 20, meansInit: CENTRES, missingValues: 'marginalize' as const };
    const a = new GaussianMixture(o).fit(X, { sampleWeight: w });
    const b = new GaussianMixture(o).fit(rep);
    expect(maxRelDiff(a.means.data, b.means.data)).toBeLessThan(1e-10);
    expect(maxRelDiff(a.covariances, b.covariances)).toBeLessThan(1e-10);
    // rows of weight 0 count for nothing: the fit equals the fit without them, bit for bit
    const w0 = Array.from({ length: X.rows }, (_, i) => (i % 5 === 2 ? 0 : 1));
    const kept = Array.from({ length: X.rows }, (_, i) => i).filter((i) => w0[i] > 0);
    const sub = { data: Float64Array.from(kept.flatMap((i) => Array.from(X.data.subarray(i * d, i * d + d)))), rows: kept.length, cols: d };
    const ok = { nComponents: 3, seed: 5, missingValues: 'marginalize' as const };
    expectSameFit(new GaussianMixture(ok).fit(X, { sampleWeight: w0 }), new GaussianMixture(ok).fit(sub));
    const warm = new GaussianMixture({ ...o, maxIter: 10, warmStart: true });
    warm.fit(X);
    warm.fit(X);
    const once = new GaussianMixture(o).fit(X);
    expect(maxRelDiff(warm.means.data, once.means.data)).toBeLessThan(1e-12);
  });

  it('selectModel fits and ranks with missing values (criteria from the marginal scores); selectModelAsync, the same bits', async () => {
    const X = mcar(DATA, 0.15);
    const sel = selectModel(X, { nComponents: [2, 4], covarianceTypes: ['full', 'diag'], missingValues: 'marginalize', seed: 2 });
    expect(sel.results.length).toBe(6);
    for (const r of sel.results) {
      expect(r.model.options.missingValues).toBe('marginalize');
      expect(Math.abs(r.bic - r.model.bic(X)) / Math.abs(r.bic)).toBeLessThan(1e-12);
      expect(r.icl).toBeGreaterThanOrEqual(r.bic);
    }
    expect(sel.best.nComponents).toBe(3);
    // bic(X) and aic(X) count the rows the fit uses too: rows with nothing observed add nothing
    const m = sel.results[0].model, empty = Array.from({ length: 40 }, () => [NaN, NaN, NaN]);
    expect(m.bic([...matrixRows(X), ...empty])).toBe(m.bic(X));
    expect(m.aic([...matrixRows(X), ...empty])).toBe(m.aic(X));
    expect(() => m.bic(empty)).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    // on workers and in this thread alike; the large K fails alike (too few rows)
    const small = { nComponents: [2, 3], covarianceTypes: ['full', 'VEV'], missingValues: 'marginalize', seed: 2 } as const;
    const ref = selectModel(X, small);
    for (const workers of [0, 2]) {
      const got = await lib.selectModelAsync(X, { ...small, workers });
      expect(got.results.map((r) => [r.covarianceType, r.nComponents, r.bic])).toEqual(ref.results.map((r) => [r.covarianceType, r.nComponents, r.bic]));
      for (let i = 0; i < ref.results.length; i++) expectSameFit(got.results[i].model, ref.results[i].model);
    }
  });

  it('keeps missingValues through toJSON / fromJSON, and scores NaN rows after loading', () => {
    const X = mcar(DATA, 0.2);
    const gm = new GaussianMixture({ nComponents: 3, missingValues: 'marginalize' }).fit(X);
    const json = JSON.parse(JSON.stringify(gm));
    expect(json.options.missingValues).toBe('marginalize');
    const back = GaussianMixture.fromJSON(json);
    expect(sameBits(back.scoreSamples(X), gm.scoreSamples(X))).toBe(true);
    expect(new GaussianMixture({ nComponents: 2 }).fit(DATA).toJSON().options).not.toHaveProperty('missingValues');
  });
});

describe('a mean that moves far in one step (the statistics taken again about the new means)', () => {
  it('keeps the digits of an always-observed feature of a tight cluster far from the start, every type', () => {
    // 3000 rows at (1, 1) with spread 1e-6, the second feature missing in every tenth row,
    // one component starting at the origin: feature 0's variance is its plain variance
    const m = 3000, Y = new Float64Array(2 * m);
    for (let i = 0; i < 2 * m; i++) Y[i] = 1 + 1e-6 * Math.sin(i * 12.9898 + 78.233);
    for (let i = 0; i < m; i += 10) Y[2 * i + 1] = NaN;
    let mean = 0, v = 0;
    for (let i = 0; i < m; i++) mean += Y[2 * i] / m;
    for (let i = 0; i < m; i++) v += (Y[2 * i] - mean) ** 2 / m;
    for (const type of ['full', 'tied', 'diag'] as const) {
      const eye = [[1, 0], [0, 1]];
      const precisionsInit = type === 'full' ? [eye] : type === 'tied' ? eye : [[1, 1]];
      const gm = new GaussianMixture({ nComponents: 1, covarianceType: type, regCovar: 1e-15, maxIter: 1, tol: 0,
        missingValues: 'marginalize', weightsInit: [1], meansInit: [[0, 0]], precisionsInit }).fit(matrix(Array.from(Y), m, 2));
      expect(Math.abs(gm.covariances[0] - 1e-15 - v) / v).toBeLessThan(1e-10);
    }
  });
});

describe('errors', () => {
  it('refuses NaN without the option, naming it; Infinity always; a bad option value', () => {
    expect(() => new GaussianMixture().fit([[1, NaN], [2, 3]])).toThrow(/missingValues: 'marginalize'/);
    const gm = new GaussianMixture({ missingValues: 'marginalize' });
    expect(() => gm.fit([[1, Infinity], [2, 3]])).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
    expect(() => new GaussianMixture({ missingValues: 'drop' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    const fitted = new GaussianMixture({ nComponents: 2 }).fit(DATA);
    expect(() => fitted.predict([[NaN, 1, 2]])).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
  });

  it('impute checks its arguments', () => {
    const gm = new GaussianMixture({ nComponents: 2 }).fit(DATA);
    expect(() => new GaussianMixture().impute([[NaN, 1]])).toThrow(expect.objectContaining({ code: 'NOT_FITTED' }));
    expect(() => gm.impute([[NaN, 1]])).toThrow(expect.objectContaining({ code: 'FEATURE_MISMATCH' }));
    expect(() => gm.impute([[NaN, 1, 2]], { method: 'median' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => gm.impute([[NaN, 1, 2]], { seed: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => gm.impute([[NaN, 1, 2]], { what: 1 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    // a variational mixture scores with its posterior terms: its point estimates' conditionals are refused
    const bgm = new BayesianGaussianMixture({ nComponents: 2, seed: 0 }).fit(DATA);
    expect(() => bgm.impute([[NaN, 1, 2]])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new BayesianGaussianMixture({ missingValues: 'marginalize' } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('observed values so far out that the filled-in ones overflow are NUMERICAL, not ±Infinity', () => {
    const X = Array.from({ length: 30 }, (_, i) => {
      const a = Math.sin(i * 1.7) * 3 + (i % 3) * 4;
      return [a, 0.5 * a + Math.cos(i * 2.3)];
    });
    const gm = new GaussianMixture({ nComponents: 3 }).fit(X);
    expect(() => gm.impute([[2, 1], [1.7e308, NaN]])).toThrow(expect.objectContaining({ code: 'NUMERICAL', message: expect.stringContaining('row 1') }));
    expect(gm.impute([[1, NaN]]).data.every(Number.isFinite)).toBe(true);
    // so far out that every component's density underflows: the weights are undefined, and
    // a uniform 1/K (as before) would have filled in a plausible-looking value; both methods
    for (const method of ['mean', 'sample'] as const) {
      expect(() => gm.impute([[2, 1], [1e160, NaN]], { method })).toThrow(expect.objectContaining({ code: 'NUMERICAL',
        message: expect.stringMatching(/row 1.*density underflows/) }));
    }
  });
});

describe('the precision route (full, tied: a row alone in its pattern)', () => {
  it('scores a row alone, beside a twin (the covariance route) and through marginal() alike, however correlated', () => {
    // x₂ is x₀ measured twice: P_oo is ~1e8 times Σ_oo⁻¹, and ‖y‖² − ‖t‖² lost up to 4e-3
    // nats here (141 at regCovar 0); ‖Uᵀδ*‖² loses nothing that shows
    const g = parkMillerNormal(7);
    const X = Array.from({ length: 200 }, () => {
      const a = 1000 * g(), b = 1000 * g();
      return [a, b, a + 1e-4 * g()];
    });
    for (const covarianceType of ['full', 'tied'] as const) {
      const gm = new GaussianMixture({ nComponents: 2, covarianceType, missingValues: 'marginalize' }).fit(X);
      for (const a of [3000, 30000]) {
        const row = [a, 1000, NaN];
        const alone = gm.scoreSamples([row])[0], twin = gm.scoreSamples([row, row])[0];
        const exact = gm.marginal([0, 1]).scoreSamples([[a, 1000]])[0];
        expect(Math.abs(alone - exact)).toBeLessThan(1e-12 * Math.abs(exact));
        expect(Math.abs(twin - exact)).toBeLessThan(1e-12 * Math.abs(exact));
      }
    }
  });
  it('a row too far for double range scores -Infinity, never NaN', () => {
    const N = NaN;
    const X = [[1, 2, N], [2, N, 3], [N, 1, 1], [4, 5, 6], [5, N, 7], [6, 7, N], [0, 1, 2], [N, N, 1]];
    for (const covarianceType of ['full', 'tied', 'diag'] as const) {
      const gm = new GaussianMixture({ nComponents: 2, covarianceType, missingValues: 'marginalize' }).fit(X);
      expect(gm.scoreSamples([[1e300, -1e300, N]])[0]).toBe(-Infinity);
      expect(gm.score([[1e300, -1e300, N]])).toBe(-Infinity);
    }
    // farther still, Uᵀδ itself overflows (∞ − ∞ in the precision route's update)
    const Y = Array.from({ length: 60 }, (_, i) => {
      const a = Math.sin(i * 0.7) * 3, b = Math.cos(i * 1.9);
      return [a, a * 0.999 + 0.01 * b, b + (i % 3), ((i * 7) % 11) / 5];
    });
    const gm = new GaussianMixture({ nComponents: 2, seed: 1, missingValues: 'marginalize' }).fit(Y);
    for (const v of [1e306, 1.7e308]) expect(gm.scoreSamples([[v, N, v, -v]])[0]).toBe(-Infinity);
  });
});

describe('impute', () => {
  const model = new Map<Type, GaussianMixture>();
  beforeAll(() => {
    for (const type of TYPES) model.set(type, new GaussianMixture({ nComponents: 3, covarianceType: type, seed: 1 }).fit(DATA));
  });

  for (const type of TYPES) {
    it(`${type}: fills only the NaN, on a model fitted without the option; rows without NaN unchanged`, () => {
      const gm = model.get(type)!;
      const X = mcar(DATA, 0.25, 3);
      for (const method of ['mean', 'sample'] as const) {
        const out = gm.impute(X, { method, seed: 1 });
        expect(out.rows).toBe(X.rows);
        for (let i = 0; i < X.data.length; i++) {
          if (X.data[i] === X.data[i]) expect(Object.is(out.data[i], X.data[i])).toBe(true);
          else expect(Number.isFinite(out.data[i])).toBe(true);
        }
      }
      expect(Array.from(gm.impute(DATA).data)).toEqual(Array.from(DATA.data));
    });

    it(`${type}: 'sample' is seeded, and its draws average to the 'mean' imputation`, () => {
      const gm = model.get(type)!;
      const row = [2.5, NaN, NaN];
      const X = Array.from({ length: 4000 }, () => row);
      const a = gm.impute(X, { method: 'sample', seed: 7 });
      expect(sameBits(a.data, gm.impute(X, { method: 'sample', seed: 7 }).data)).toBe(true);
      expect(sameBits(a.data, gm.impute(X, { method: 'sample', seed: 8 }).data)).toBe(false);
      const mean = gm.impute([row]).data;
      for (const j of [1, 2]) {
        let s = 0, s2 = 0;
        for (let r = 0; r < X.length; r++) {
          s += a.data[r * 3 + j];
          s2 += a.data[r * 3 + j] ** 2;
        }
        const m = s / X.length, sd = Math.sqrt(s2 / X.length - m * m);
        expect(Math.abs(m - mean[j])).toBeLessThan(5 * sd / Math.sqrt(X.length));
      }
    });
  }

  for (const [type, route] of TYPES.flatMap((t) => (t === 'full' || t === 'tied' ? [1, 2] : [0]).map((r) => [t, r] as const))) {
    it(`${type}${route ? ` (route ${route === 1 ? 'covariance' : 'precision'})` : ''}: 'sample' draws have the conditional covariance Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om (one component)`, () => {
      missingRoute.route = route;
      onTestFinished(() => { missingRoute.route = 0; });
      // correlated features, so that the regression on the observed one matters (full, tied)
      const z = blobs(3, [[0, 0, 0]], 600, 1).X.data;
      const X = Array.from({ length: 600 }, (_, r) => {
        const [a, b, e] = [z[r * 3], z[r * 3 + 1], z[r * 3 + 2]];
        return [a, 0.8 * a + 0.6 * b, 0.5 * a - 0.3 * b + e];
      });
      const gm = new GaussianMixture({ nComponents: 1, covarianceType: type }).fit(X);
      // the model's full covariance, whatever the type
      const c = gm.covariances;
      const S = (i: number, j: number): number => type === 'full' || type === 'tied' ? c[i * 3 + j]
        : i !== j ? 0 : type === 'diag' ? c[i] : c[0];
      // feature 0 observed, 1 and 2 missing: C = S_mm − S_m0 S_0m / S_00
      const C = [[1, 1], [1, 2], [2, 2]].map(([i, j]) => S(i, j) - (S(i, 0) * S(0, j)) / S(0, 0));
      const n = 20000;
      const a = gm.impute(Array.from({ length: n }, () => [0.7, NaN, NaN]), { method: 'sample', seed: 11 }).data;
      const mean = gm.impute([[0.7, NaN, NaN]]).data;
      const cov = (i: number, j: number): number => {
        let s = 0;
        for (let r = 0; r < n; r++) s += (a[r * 3 + i] - mean[i]) * (a[r * 3 + j] - mean[j]);
        return s / n;
      };
      const got = [cov(1, 1), cov(1, 2), cov(2, 2)];
      // a sample (co)variance of 20,000 draws is within 4% of the truth here (sd ≈ 1%·scale)
      const scale = Math.sqrt(C[0] * C[2]);
      for (let i = 0; i < 3; i++) expect(Math.abs(got[i] - C[i])).toBeLessThan(0.04 * scale);
    });
  }

  it('an all-missing row is filled with the mixture mean Σ wₖ μₖ', () => {
    const gm = model.get('full')!;
    const out = gm.impute([[NaN, NaN, NaN]]).data;
    const w = gm.weights, mu = gm.means.data;
    for (let j = 0; j < 3; j++) expect(out[j]).toBeCloseTo(w[0] * mu[j] + w[1] * mu[3 + j] + w[2] * mu[6 + j], 12);
  });
});

describe("fitAsync on data with missing entries: fit()'s bits on any number of workers", () => {
  // 9,000 rows: five chunks, so two and three workers split them differently
  const big = (() => {
    const { X } = blobs(23, [[0, 0, 0, 0], [3, 1, -2, 1], [-2, 3, 1, 2]], 3000, [1, 0.8, 1.2]);
    const M = mcar(X, 0.15, 9);
    const data = new Float64Array((M.rows + 1) * M.cols);
    data.set(M.data);
    data.fill(NaN, M.rows * M.cols); // a last row with nothing observed: dropped by both
    return { data, rows: M.rows + 1, cols: M.cols } as Matrix;
  })();
  const u = rng(4);
  const w = Float64Array.from({ length: big.rows }, () => 0.25 + u());

  for (const covarianceType of ['full', 'tied', 'diag', 'spherical', 'VEV', 'EII'] as const) {
    it(`${covarianceType}: 0–3 workers, weighted`, async () => {
      const o = { nComponents: 3, covarianceType, missingValues: 'marginalize' as const, seed: 3, maxIter: 15 };
      const ref = new lib.GaussianMixture(o).fit(big, { sampleWeight: w });
      expect(ref.nIter).toBeGreaterThan(2);
      for (const workers of [0, 1, 2, 3]) expectSameFit(await new lib.GaussianMixture(o).fitAsync(big, { workers, sampleWeight: w }), ref);
    });
  }

  it('over many chunks, the E-step\'s log-likelihood is the marginal score (patterns shared across chunks, each chunk its own sums)', () => {
    for (const covarianceType of ['full', 'diag'] as const) {
      const o = { nComponents: 3, covarianceType, missingValues: 'marginalize' as const, seed: 3, maxIter: 5 };
      const gm = new lib.GaussianMixture(o).fit(big, { sampleWeight: w });
      // one iteration from the fitted parameters: its lowerBound is the E-step's
      // Σ w·log p(x_o) / Σ w there, which scoring (missingScore, its own code) gives row by row
      const scores = gm.scoreSamples(big);
      let ll = 0, ws = 0;
      for (let i = 0; i < big.rows; i++) {
        // rows with nothing observed (the last, and a few drawn so) are left out, as the fit leaves them
        if (!big.data.subarray(i * big.cols, (i + 1) * big.cols).some((v) => v === v)) continue;
        ll += w[i] * scores[i];
        ws += w[i];
      }
      const once = new lib.GaussianMixture({ ...o, maxIter: 1, weightsInit: gm.weights, meansInit: gm.means, precisionsInit: gm.precisions })
        .fit(big, { sampleWeight: w });
      expect(Math.abs(once.lowerBound - ll / ws)).toBeLessThan(1e-12 * Math.abs(ll / ws));
    }
  });

  it('initLabels, a warm start and nInit restarts take the same path', async () => {
    const labels = Int32Array.from({ length: big.rows }, (_, i) => i % 3);
    const o = { nComponents: 3, missingValues: 'marginalize' as const, seed: 8, maxIter: 6 };
    expectSameFit(await new lib.GaussianMixture(o).fitAsync(big, { workers: 2, initLabels: labels }), new lib.GaussianMixture(o).fit(big, { initLabels: labels }));
    const a = new lib.GaussianMixture({ ...o, warmStart: true }).fit(big);
    const b = await new lib.GaussianMixture({ ...o, warmStart: true }).fitAsync(big, { workers: 3 });
    expectSameFit(await b.fitAsync(big, { workers: 2 }), a.fit(big));
    const r = { ...o, nInit: 3, initParams: 'random' as const };
    expectSameFit(await new lib.GaussianMixture(r).fitAsync(big, { workers: 2 }), new lib.GaussianMixture(r).fit(big));
  });

  it('only rows with nothing observed have NaN: the ordinary fit of the others', async () => {
    const X = { data: Float64Array.from([...DATA.data, NaN, NaN, NaN]), rows: DATA.rows + 1, cols: 3 };
    const o = { nComponents: 3, missingValues: 'marginalize' as const, seed: 1 };
    expectSameFit(await new lib.GaussianMixture(o).fitAsync(X, { workers: 2 }), new lib.GaussianMixture({ nComponents: 3, seed: 1 }).fit(DATA));
  });

  it("a worker's NOT_POSITIVE_DEFINITE and the checks before any work are fit()'s; the model is unchanged", async () => {
    // the third feature is observed in one row only: its variance collapses to regCovar 0
    const X = { data: Float64Array.from(DATA.data, (v, i) => (i % 3 === 2 && i > 2 ? NaN : v)), rows: DATA.rows, cols: 3 };
    const o = { nComponents: 2, missingValues: 'marginalize' as const, regCovar: 0, seed: 2 };
    const code = (f: () => unknown) => { try { f(); } catch (e) { return (e as { code: string }).code; } return 'none'; };
    const syncCode = code(() => new lib.GaussianMixture(o).fit(X));
    const gm = new lib.GaussianMixture(o);
    await expect(gm.fitAsync(X, { workers: 2 })).rejects.toThrow(expect.objectContaining({ code: syncCode }));
    expect(syncCode).not.toBe('none');
    expect(() => gm.means).toThrow(expect.objectContaining({ code: 'NOT_FITTED' }));
    const empty = { data: new Float64Array(6).fill(NaN), rows: 2, cols: 3 };
    await expect(new lib.GaussianMixture({ nComponents: 1, missingValues: 'marginalize' }).fitAsync(empty, { workers: 2 }))
      .rejects.toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
  });
});

describe("fitStream on data with missing entries: fit()'s bits over any chunking", () => {
  const X = (() => {
    const { X: B } = blobs(31, [[0, 0, 0, 0], [3, 1, -2, 1], [-2, 3, 1, 2]], 2400, [1, 0.8, 1.2]);
    const M = mcar(B, 0.2, 13);
    // rows with nothing observed, left out by both (also where a piece would start)
    for (const r of [0, 100, 2047, 2048, 5000]) M.data.fill(NaN, r * M.cols, (r + 1) * M.cols);
    return M;
  })();
  const pieces = (size: number) => () => {
    const out: Matrix[] = [];
    for (let r = 0; r < X.rows; r += size) {
      const m = Math.min(size, X.rows - r);
      out.push({ data: X.data.subarray(r * X.cols, (r + m) * X.cols), rows: m, cols: X.cols });
    }
    return out;
  };

  for (const covarianceType of ['full', 'diag', 'VEV'] as const) {
    it(`${covarianceType}: pieces of 7,200, 2,048, 1,000 and 333 rows`, async () => {
      const o = { nComponents: 3, covarianceType, missingValues: 'marginalize' as const, seed: 4, maxIter: 8 };
      const ref = new GaussianMixture(o).fit(X);
      expect(ref.nIter).toBeGreaterThan(2);
      for (const size of [7200, 2048, 1000, 333]) expectSameFit(await new GaussianMixture(o).fitStream(pieces(size)), ref);
    });
  }

  it('more chunks than a batch (ten, taken eight and two at a time) and patterns shared across them', async () => {
    const { X: B } = blobs(51, [[0, 0, 0], [4, 1, -2], [-2, 4, 1]], 7000, [1, 0.8, 1.2]);
    const Y = mcar(B, 0.25, 19);
    const o = { nComponents: 3, covarianceType: 'tied' as const, missingValues: 'marginalize' as const, seed: 6, maxIter: 5 };
    const ref = new GaussianMixture(o).fit(Y);
    const src = () => Array.from({ length: Math.ceil(Y.rows / 5000) }, (_, i) => {
      const r = i * 5000, m = Math.min(5000, Y.rows - r);
      return { data: Y.data.subarray(r * 3, (r + m) * 3), rows: m, cols: 3 };
    });
    expectSameFit(await new GaussianMixture(o).fitStream(src), ref);
  });

  it('Arrow-like batches whose nulls are the missing entries; an explicit start', async () => {
    const o = { nComponents: 3, missingValues: 'marginalize' as const, seed: 4, maxIter: 5 };
    const ref = new GaussianMixture(o).fit(X);
    const d = X.cols;
    const batch = (r0: number, r1: number) => ({
      numRows: r1 - r0, numCols: d,
      getChildAt: (j: number) => ({
        length: r1 - r0, nullCount: 1,
        isValid: (i: number) => X.data[(r0 + i) * d + j] === X.data[(r0 + i) * d + j],
        get: (i: number) => X.data[(r0 + i) * d + j],
      }),
    });
    expectSameFit(await new GaussianMixture(o).fitStream(() => [batch(0, 3000), batch(3000, X.rows)]), ref);
    const start = { weightsInit: ref.weights, meansInit: ref.means, precisionsInit: ref.precisions };
    expectSameFit(await new GaussianMixture({ ...o, ...start }).fitStream(pieces(1000)), new GaussianMixture({ ...o, ...start }).fit(X));
  });

  it('a feature never observed is named by its column where the data name them (fit, fitAsync, fitStream)', async () => {
    const X = { data: Float64Array.from([1, NaN, 2, NaN, 3, NaN]), rows: 3, cols: 2, columns: ['a', 'b'] };
    const o = { nComponents: 1, missingValues: 'marginalize' as const };
    const named = expect.objectContaining({ code: 'EMPTY_INPUT', message: expect.stringContaining('feature 1 ("b")') });
    expect(() => new GaussianMixture(o).fit(X)).toThrow(named);
    await expect(new GaussianMixture(o).fitAsync(X, { workers: 0 })).rejects.toThrow(named);
    await expect(new GaussianMixture(o).fitStream(() => [X])).rejects.toThrow(named);
  });

  it('±Infinity and a feature never observed are refused, naming the pass', async () => {
    const o = { nComponents: 2, missingValues: 'marginalize' as const };
    const inf = { ...X, data: X.data.slice() };
    inf.data[7] = Infinity;
    await expect(new GaussianMixture(o).fitStream(() => [inf])).rejects.toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
    const never = { ...X, data: X.data.map((v, i) => (i % X.cols === 2 ? NaN : v)) };
    await expect(new GaussianMixture(o).fitStream(() => [never])).rejects.toThrow(expect.objectContaining({ code: 'EMPTY_INPUT', message: expect.stringContaining('feature 2') }));
  });
});

describe('the map-reduce API and a WorkerPool on data with missing entries', () => {
  const X = (() => {
    const { X: B } = blobs(41, [[0, 0, 0], [4, 1, -2], [-2, 4, 1]], 2000, [1, 0.8, 1.2]);
    const M = mcar(B, 0.2, 17);
    // no row with nothing observed: fit() drops such rows, which moves its chunks (README)
    for (let r = 0; r < M.rows; r++) if (M.data.subarray(3 * r, 3 * r + 3).every((v) => v !== v)) M.data[3 * r] = B.data[3 * r];
    return M;
  })();
  const u = rng(18);
  const w = Float64Array.from({ length: X.rows }, () => 0.25 + u());

  it('computeStatistics / mergeStatistics / applyStatistics rounds equal fit() from the same start, bit for bit', () => {
    const ref = new GaussianMixture({ nComponents: 3, missingValues: 'marginalize', seed: 2, maxIter: 2 }).fit(X, { sampleWeight: w });
    const start = () => GaussianMixture.fromParameters({ weights: ref.weights, means: ref.means, covariances: ref.covariances },
      { missingValues: 'marginalize', tol: 0, maxIter: 4, warmStart: true });
    const a = start().fit(X, { sampleWeight: w });
    const b = start();
    const C = 2048, d = X.cols;
    for (let it = 0; it < 4; it++) {
      const parts = [];
      for (let r = 0; r < X.rows; r += C) {
        const m = Math.min(C, X.rows - r);
        parts.push(b.computeStatistics({ data: X.data.subarray(r * d, (r + m) * d), rows: m, cols: d }, { rowOffset: r, sampleWeight: w.subarray(r, r + m) }));
      }
      b.applyStatistics(GaussianMixture.mergeStatistics(parts.reverse()));
    }
    expectSameFit(b, a);
  });

  it('a pool created with missingValues marginalize serves such models (fit()\'s bits), and only them', async () => {
    const pool = await lib.WorkerPool.create(X, { workers: 2, missingValues: 'marginalize', sampleWeight: w });
    onTestFinished(() => pool.close());
    expect(pool.rows).toBe(X.rows);
    for (const covarianceType of ['full', 'diag'] as const) {
      const o = { nComponents: 3, covarianceType, missingValues: 'marginalize' as const, seed: 5, maxIter: 6 };
      expectSameFit(await new lib.GaussianMixture(o).fitAsync(pool), new lib.GaussianMixture(o).fit(X, { sampleWeight: w }));
    }
    await expect(new lib.GaussianMixture({ nComponents: 3 }).fitAsync(pool)).rejects.toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    await expect(lib.WorkerPool.create(X, { workers: 1, missingValues: 'drop' as never })).rejects.toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

describe('missing values: what a review found (each case once a difference from fit())', () => {
  const pieces = (X: Matrix, size: number) => () => {
    const out: Matrix[] = [];
    for (let r = 0; r < X.rows; r += size) {
      const m = Math.min(size, X.rows - r);
      out.push({ data: X.data.slice(r * X.cols, (r + m) * X.cols), rows: m, cols: X.cols });
    }
    return out;
  };
  const o = { nComponents: 3, missingValues: 'marginalize' as const, seed: 4, maxIter: 5 };

  it('a stream whose kept rows have no NaN (none at all, or d = 1, or only rows with nothing observed) is the ordinary fit, as fit() is', async () => {
    const none = blobs(12, [[0, 0, 0], [5, 1, -2], [-3, 5, 2]], 1000, 1).X;
    const z = normal(rng(51));
    const one = { data: Float64Array.from({ length: 5000 }, (_, i) => (i % 5 === 0 ? NaN : (i % 2) * 4 + z())), rows: 5000, cols: 1 };
    const empty = { data: Float64Array.from(none.data, (v, i) => (Math.floor(i / 3) % 97 === 0 ? NaN : v)), rows: none.rows, cols: 3 };
    for (const X of [none, one, empty]) {
      const k = X.cols === 1 ? 2 : 3;
      const ref = new lib.GaussianMixture({ ...o, nComponents: k }).fit(X);
      expectSameFit(await new lib.GaussianMixture({ ...o, nComponents: k }).fitStream(pieces(X, 333)), ref);
      // an explicit start reads the stream once more to know
      const start = { weightsInit: ref.weights, meansInit: ref.means, precisionsInit: ref.precisions };
      expectSameFit(await new lib.GaussianMixture({ ...o, nComponents: k, ...start }).fitStream(pieces(X, 1000)),
        new lib.GaussianMixture({ ...o, nComponents: k, ...start }).fit(X));
    }
  });

  it('a source that gives a NaN in a kept row after a first pass without one is SOURCE_FAILED, the model unchanged', async () => {
    const clean = blobs(12, [[0, 0, 0], [5, 1, -2], [-3, 5, 2]], 1000, 1).X;
    let pass = 0;
    const source = () => {
      const data = clean.data.slice();
      if (pass++ >= 1) data[4] = NaN; // after the first read; row 1 keeps observed entries
      return [{ data, rows: clean.rows, cols: 3 }];
    };
    const gm = new lib.GaussianMixture({ ...o, warmStart: true }).fit(clean);
    const before = JSON.stringify(gm.toJSON());
    await expect(gm.fitStream(source)).rejects.toThrow(expect.objectContaining({ code: 'SOURCE_FAILED', message: expect.stringContaining('the first pass found none') }));
    expect(JSON.stringify(gm.toJSON())).toBe(before);
  });

  it('one pattern taking the covariance route in some chunks and the precision route in others (routes cached per pattern)', async () => {
    // sparse, dense, sparse, dense missingness by chunk, correlated features: a pattern's group
    // is large in one chunk (covariance route) and small in the next (precision route); and a
    // worker whose first chunk is a dense one meets the patterns in another order than fit()
    const u = rng(5), z = normal(rng(31));
    const X = { data: new Float64Array(8192 * 6), rows: 8192, cols: 6 };
    for (let r = 0; r < X.rows; r++) {
      const c = z(), k = r % 3;
      for (let j = 0; j < 6; j++) X.data[r * 6 + j] = 6 * k * (j % 2) + z() + 3 * c;
      const rate = (r >> 11) & 1 ? 0.06 : 0.003;
      for (let j = 0; j < 6; j++) if (u() < rate) X.data[r * 6 + j] = NaN;
    }
    for (const covarianceType of ['full', 'tied'] as const) {
      const m = { ...o, covarianceType, maxIter: 4 };
      const ref = new lib.GaussianMixture(m).fit(X);
      expectSameFit(await new lib.GaussianMixture(m).fitStream(pieces(X, 2048)), ref);
      for (const workers of [2, 3]) expectSameFit(await new lib.GaussianMixture(m).fitAsync(X, { workers }), ref);
    }
  });

  it('a row of weight 0 whose every density underflows is skipped; a pool without the relay passes the covariances', async () => {
    const { X: B } = blobs(9, [[0, 0, 0], [5, 1, -2], [-3, 5, 2]], 1000, 1);
    const X = mcar(B, 0.2, 8);
    X.data[0] = 1e200; X.data[1] = NaN; X.data[2] = -1e200;
    const w = new Float64Array(X.rows).fill(1);
    w[0] = 0;
    const ref = new lib.GaussianMixture(o).fit(X, { sampleWeight: w });
    expect(Number.isFinite(ref.lowerBound)).toBe(true);
    expectSameFit(await new lib.GaussianMixture(o).fitAsync(X, { workers: 2, sampleWeight: w }), ref);
    const pool = await lib.WorkerPool.create(X, { workers: 2, missingValues: 'marginalize', sampleWeight: w });
    onTestFinished(() => pool.close());
    (pool as unknown as { relay: boolean }).relay = false; // as where there is no MessageChannel
    expectSameFit(await new lib.GaussianMixture(o).fitAsync(pool), ref);
  });

  it('a pool made from X whose only NaN are rows with nothing observed still serves missing-value models only', async () => {
    const { X: B } = blobs(9, [[0, 0], [5, 1]], 300, 1);
    const X = { data: Float64Array.from(B.data, (v, i) => (i < 2 ? NaN : v)), rows: B.rows, cols: 2 };
    const pool = await lib.WorkerPool.create(X, { workers: 1, missingValues: 'marginalize' });
    onTestFinished(() => pool.close());
    expect(pool.missing).toBe(true);
    expect(pool.rows).toBe(X.rows - 1);
    await expect(new lib.GaussianMixture({ nComponents: 2 }).fitAsync(pool)).rejects.toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expectSameFit(await new lib.GaussianMixture({ ...o, nComponents: 2 }).fitAsync(pool), new lib.GaussianMixture({ ...o, nComponents: 2 }).fit(X));
  });
});
