// MixtureWithNoise, mclust's noise component, against R's mclust 6.0.0
// (test/fixtures/generate_noise.R): hypvol, and me() with Vinv from Mclust's noise start
// (hc's classes on the other rows) for 1 and 6 iterations and to its end; then predictions,
// JSON and the refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { MixtureWithNoise, dimensionReduction, hypervolume, selectNoiseModel, type Matrix } from '../src/index.js';
import { structureOf } from '../src/model/covariance-models.js';
import { fullCovariance } from '../src/model/params.js';
import { errorCode, loadCore, maxRelDiff, sameBits, thrown } from './helpers.js';

interface Fit { model: string; G: number; iterations: number; pro: number[]; mean: number[]; sigma: number[]; loglik: number; bic: number | null }
interface Case { name: string; n: number; d: number; x: number[]; noise: boolean[]; Vinv: number; fits: Fit[]; select: Record<string, number[]> }
const fx = JSON.parse(readFileSync(new URL('./fixtures/noise.json', import.meta.url), 'utf8')) as { cases: Case[] };
const X = (c: Case): Matrix => ({ data: Float64Array.from(c.x), rows: c.n, cols: c.d });
const MCLUST = { initParams: 'hc', regCovar: 0 } as const;

function fitOf(c: Case, f: Fit): MixtureWithNoise {
  // me()'s itmax N is maxIter N − 1 here (its first M-step is the start's); to its end: tol 1e-13 relative there
  const it = f.iterations === 0 ? { tol: 1e-14, maxIter: 100000 } : { tol: 0, maxIter: f.iterations - 1 };
  return new MixtureWithNoise({ nComponents: f.G, covarianceType: f.model as never, ...MCLUST, ...it }).fit(X(c), { noise: c.noise });
}

beforeAll(loadCore);

describe('MixtureWithNoise against mclust\'s noise component', () => {
  for (const c of fx.cases) {
    it(`${c.name}: hypvol`, () => {
      expect(Math.abs(1 / hypervolume(X(c)) / c.Vinv - 1)).toBeLessThan(1e-12);
    });
    for (const f of c.fits) {
      it(`${c.name} ${f.model} G = ${f.G}, ${f.iterations || 'to the end of'} EM iterations: weights (noise last), means, covariances, log-likelihood`, () => {
        const nm = fitOf(c, f);
        const tol = f.iterations === 0 ? 1e-5 : 1e-10;
        expect(maxRelDiff(nm.weights, f.pro)).toBeLessThan(tol);
        expect(maxRelDiff(nm.means.data, f.mean)).toBeLessThan(tol);
        const t = structureOf(nm.mixture.covarianceType);
        const full = Array.from({ length: f.G }, (_, k) => Array.from(fullCovariance(t, c.d, nm.covariances, k))).flat();
        expect(maxRelDiff(full, f.sigma)).toBeLessThan(tol * 10);
        // mclust's loglik is of its returned parameters: score(X) here
        expect(Math.abs(nm.score(X(c)) * c.n - f.loglik) / Math.abs(f.loglik)).toBeLessThan(f.iterations === 0 ? 1e-10 : 1e-12);
        if (f.bic !== null) expect(Math.abs(-nm.bic(X(c)) - f.bic) / Math.abs(f.bic)).toBeLessThan(1e-10);
      });
    }
  }
});

describe('selectNoiseModel against mclustBIC with a noise start', () => {
  const NAMES: Record<string, string> = { full: 'VVV', tied: 'EEE', spherical: 'VII', VEV: 'VEV' };
  for (const c of fx.cases) {
    it(`${c.name}: every BIC of G = 0..3 × VVV, EEE, VII, VEV (G = 0, the noise alone, once), and the best`, () => {
      const sel = selectNoiseModel(X(c), { noise: c.noise, nComponents: [0, 3], covarianceTypes: ['VVV', 'EEE', 'VII', 'VEV'], ...MCLUST,
        tol: 1e-14, maxIter: 100000 });
      expect(sel.failed).toEqual([]);
      expect(sel.results).toHaveLength(13);
      // mclust's row 0 is the same in every column; its pick names the model first alphabetically
      expect(sel.results.find((r) => r.nComponents === 0)!.covarianceType).toBe('tied');
      for (const r of sel.results) {
        const want = c.select[NAMES[r.covarianceType]][r.nComponents];
        // mclust's BIC is 2 log L − p ln n, higher is better
        expect(Math.abs(-r.bic - want) / Math.abs(want), `${r.covarianceType} ${r.nComponents}`).toBeLessThan(1e-8);
      }
      let best = -Infinity, name = '';
      for (const [m, v] of Object.entries(c.select)) v.forEach((b, g) => { if (b > best) { best = b; name = `${m} ${g}`; } });
      expect(`${NAMES[sel.results[0].covarianceType]} ${sel.results[0].nComponents}`).toBe(name);
      expect(sel.best).toBe(sel.results[0].model);
    });
  }
});

describe('the noise alone (nComponents 0, mclust\'s G = 0)', () => {
  const a = (fx as unknown as { alone: { n: number; x: number[]; noise: boolean[]; select: Record<string, number[]>; G: number;
    modelName: string; loglik: number } }).alone;
  const U: Matrix = { data: Float64Array.from(a.x), rows: a.n, cols: 2 };
  it('wins on points uniform over a square, as Mclust() picks G = 0 there: its BIC and log-likelihood', () => {
    const sel = selectNoiseModel(U, { noise: a.noise, nComponents: [0, 2], covarianceTypes: ['VVV', 'EII'], ...MCLUST, tol: 1e-14,
      maxIter: 100000 });
    const best = sel.results[0];
    expect([best.nComponents, best.covarianceType]).toEqual([a.G, a.modelName]);
    expect(Math.abs(best.logLikelihood - a.loglik) / Math.abs(a.loglik)).toBeLessThan(1e-12);
    for (const r of sel.results) {
      const want = a.select[r.covarianceType === 'full' ? 'VVV' : r.covarianceType][r.nComponents];
      expect(Math.abs(-r.bic - want) / Math.abs(want), `${r.covarianceType} ${r.nComponents}`).toBeLessThan(1e-8);
    }
  });
  it('is a model like the others: every row noise, log p = −ln V, one parameter, JSON', () => {
    const m = new MixtureWithNoise({ nComponents: 0 }).fit(U, { noise: a.noise });
    expect([m.nComponents, m.noiseWeight, m.nIter, m.converged, m.nParameters()]).toEqual([0, 1, 0, true, 1]);
    expect(Array.from(m.weights)).toEqual([1]);
    expect([m.means.rows, m.means.cols, m.covariances.length]).toEqual([0, 2, 0]);
    expect(Array.from(m.predict(U)).every((l) => l === -1)).toBe(true);
    expect(m.predictProba(U).cols).toBe(1);
    expect(Array.from(m.scoreSamples(U)).every((v) => v === -m.logHypervolume)).toBe(true);
    expect(m.lowerBound).toBe(-m.logHypervolume);
    const back = MixtureWithNoise.fromJSON(JSON.stringify(m));
    expect(Array.from(back.scoreSamples(U))).toEqual(Array.from(m.scoreSamples(U)));
    expect(back.options.nComponents).toBe(0);
    expect(errorCode(() => back.scoreSamples([[1, 2, 3]]))).toBe('FEATURE_MISMATCH');
    expect(errorCode(() => m.mixture)).toBe('INVALID_ARGUMENT');
    const j = m.toJSON();
    expect(errorCode(() => MixtureWithNoise.fromJSON({ ...j, noiseWeight: 0.5 }))).toBe('INVALID_JSON');
    expect(errorCode(() => MixtureWithNoise.fromJSON({ ...j, nFeatures: 0 }))).toBe('INVALID_JSON');
    expect(errorCode(() => selectNoiseModel(U, { noise: a.noise, nComponents: [-1, 2] }))).toBe('INVALID_OPTION');
    expect(errorCode(() => MixtureWithNoise.fromJSON({ ...j, lowerBound: 5 }))).toBe('INVALID_JSON');
    expect(errorCode(() => MixtureWithNoise.fromJSON({ ...j, converged: false, nIter: 9 }))).toBe('INVALID_JSON');
    expect(thrown(() => new MixtureWithNoise({ nComponents: 0.5 })).message).toMatch(/integer ≥ 0 \(0: the noise alone\)/);
    expect(thrown(() => dimensionReduction(m, U)).message).toMatch(/^dimensionReduction: .*the noise alone/);
    // the guess is checked before any fit, G = 0 included: some rows noise, not all (as mclust)
    const all = a.noise.map(() => true), none = a.noise.map(() => false);
    expect(thrown(() => selectNoiseModel(U, { noise: all, nComponents: [0, 2] })).message).toMatch(/noise marks every row/);
    expect(thrown(() => selectNoiseModel(U, { noise: none, nComponents: [0, 2] })).message).toMatch(/noise marks no row/);
    expect(thrown(() => new MixtureWithNoise({ nComponents: 0 }).fit(U, { noise: none })).message).toMatch(/noise marks no row/);
    // one check for every fit: G ≥ 1 refuses the guess that marks every row as the selection does
    expect(thrown(() => new MixtureWithNoise({ nComponents: 2 }).fit(U, { noise: all })).message).toMatch(/noise marks every row/);
    expect(new MixtureWithNoise({ nComponents: 0 }).fit(U, { noise: all }).nComponents).toBe(0);
  });
});

describe('MixtureWithNoise', () => {
  const c = fx.cases[0];
  it('classifies the scattered rows as noise (−1), its probabilities sum to 1, and JSON gives back the same bits', () => {
    const nm = new MixtureWithNoise({ nComponents: 2, ...MCLUST, tol: 1e-8 }).fit(X(c), { noise: c.noise });
    const p = nm.predictProba(X(c));
    expect(p.cols).toBe(3);
    for (let i = 0; i < c.n; i++) expect(Math.abs(p.data[i * 3] + p.data[i * 3 + 1] + p.data[i * 3 + 2] - 1)).toBeLessThan(1e-12);
    const labels = nm.predict(X(c));
    // the 40 uniform points were appended after Old Faithful's 272 rows: most of them are noise, few (its outskirts) of the others
    const tail = Array.from(labels.subarray(272)).filter((l) => l === -1).length;
    const head = Array.from(labels.subarray(0, 272)).filter((l) => l === -1).length;
    expect(tail).toBeGreaterThan(25);
    expect(head).toBeLessThan(30);
    expect(nm.nParameters()).toBe(nm.mixture.nParameters() + 2);
    const back = MixtureWithNoise.fromJSON(JSON.stringify(nm));
    expect(sameBits(back.predictProba(X(c)).data, p.data)).toBe(true);
    expect(back.noiseWeight).toBe(nm.noiseWeight);
    expect(back.nIter).toBe(nm.nIter);
    expect(back.options).toEqual(nm.options);
    expect(nm.mixture.options.maxIter).toBe(100);
    expect(errorCode(() => MixtureWithNoise.fromJSON(''))).toBe('INVALID_JSON');
  });

  it('sample weights count as repeated rows; refusals before any work', () => {
    const w = Array.from({ length: c.n }, (_, i) => (i % 3 === 0 ? 2 : 1));
    const rows: number[] = [];
    w.forEach((k, i) => { for (let r = 0; r < k; r++) rows.push(i); });
    const Xr: Matrix = { data: Float64Array.from(rows.flatMap((i) => c.x.slice(i * 2, i * 2 + 2))), rows: rows.length, cols: 2 };
    const o = { nComponents: 2, ...MCLUST, tol: 0, maxIter: 5, hypervolume: 1 / c.Vinv };
    const a = new MixtureWithNoise(o).fit(X(c), { noise: c.noise, sampleWeight: w });
    const b = new MixtureWithNoise(o).fit(Xr, { noise: rows.map((i) => c.noise[i]) });
    expect(maxRelDiff(a.weights, b.weights)).toBeLessThan(1e-9);
    expect(maxRelDiff(a.means.data, b.means.data)).toBeLessThan(1e-9);
    const nm = new MixtureWithNoise({ nComponents: 2 });
    expect(errorCode(() => nm.predict(X(c)))).toBe('NOT_FITTED');
    expect(errorCode(() => nm.fit(X(c), { noise: c.noise.slice(1) }))).toBe('SHAPE_MISMATCH');
    expect(errorCode(() => nm.fit(X(c), { noise: c.noise.map(() => false) }))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => nm.fit(X(c), {} as never))).toBe('INVALID_TYPE');
    expect(errorCode(() => new MixtureWithNoise({ nInit: 3 } as never))).toBe('INVALID_OPTION');
    // an unknown option is named with the options this class takes
    expect(thrown(() => new MixtureWithNoise({ hypervolum: 3 } as never)).message).toMatch(/did you mean hypervolume/);
    expect(thrown(() => selectNoiseModel(X(c), { noise: c.noise, covarianceType: 'VVV' } as never)).message).toMatch(/did you mean covarianceTypes/);
    expect(errorCode(() => new MixtureWithNoise({ hypervolume: 0 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => new MixtureWithNoise({ nComponents: -1 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => new MixtureWithNoise({ nComponents: 0, tol: -1 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => hypervolume([[1, 2], [1, 3], [1, 4]]))).toBe('INVALID_ARGUMENT');
  });

  it('the hypervolume: rows of weight 0 do not count, weights count as repeated rows, and its log serves beyond the doubles', () => {
    const rows = Array.from({ length: c.n }, (_, i) => [c.x[2 * i], c.x[2 * i + 1]]);
    const far = [...rows, [1000, 1000]];
    expect(hypervolume(far, { sampleWeight: [...rows.map(() => 1), 0] })).toBe(hypervolume(rows));
    const w = rows.map((_, i) => (i % 5 === 0 ? 4 : 1));
    const repeated = rows.flatMap((r, i) => Array.from({ length: w[i] }, () => r));
    expect(Math.abs(hypervolume(rows, { sampleWeight: w }) / hypervolume(repeated) - 1)).toBeLessThan(1e-12);
    // 30 features of range 1e12: V = 1e360 is no double, ln V is
    const wide = Array.from({ length: 60 }, (_, i) => Array.from({ length: 30 }, (_, j) => ((i * 7 + j * 13) % 60) * 1e12 / 59 + (i === j ? 1 : 0)));
    const nm = new MixtureWithNoise({ nComponents: 1, covarianceType: 'diag' }).fit(wide, { noise: wide.map((_, i) => (i % 6 === 0 ? 1 : 0)) });
    expect(nm.hypervolume).toBe(Infinity);
    expect(nm.logHypervolume).toBeGreaterThan(800);
    expect(Number.isFinite(nm.lowerBound)).toBe(true);
    expect(MixtureWithNoise.fromJSON(JSON.stringify(nm)).logHypervolume).toBe(nm.logHypervolume);
    // the Gaussians alone: their parameters, with no fit of their own
    expect(nm.mixture.nIter).toBe(0);
  });
});
