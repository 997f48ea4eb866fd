// The EM driver and the Bayesian mixture at their edges, from a mutation audit of
// src/fit/driver.ts, src/fit/run.ts, src/fit/variational.ts, src/model/bayesian-mixture.ts and
// src/model/bayesian-options.ts: a warm start runs one continuation whatever nInit is, a warm
// Bayesian fit takes the new data's default priors, nEffectiveComponents' threshold (strict,
// and its range), the posterior getters return copies, fromJSON's checks of the weights
// against the concentration and of a given meanPrior against the stored one, meanPrior's
// nesting error, and the default covariance prior refusing weights whose squares overflow.
import { beforeAll, describe, expect, it } from 'vitest';
import { BayesianGaussianMixture, GaussianMixture } from '../src/index.js';
import type { Matrix } from '../src/index.js';
import { loadCore, dataset, overlapping, errorCode, expectSameFit, sameBits } from './helpers.js';

beforeAll(loadCore);

/** The column means and the unbiased (n − 1) covariance of X, computed here. */
function moments(X: Matrix): { mean: number[]; cov: number[] } {
  const { rows: n, cols: d, data } = X;
  const mean = Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += data[i * d + j];
    return s / n;
  });
  const cov: number[] = [];
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (data[i * d + a] - mean[a]) * (data[i * d + b] - mean[b]);
      cov.push(s / (n - 1));
    }
  }
  return { mean, cov };
}

function shifted(X: Matrix, by: number): Matrix {
  return { data: X.data.map((v) => v + by), rows: X.rows, cols: X.cols };
}

describe('warmStart: one continuation, whatever nInit', () => {
  it('a warm fit with nInit 3 reports every iteration as start 0, one per nIter', () => {
    const X = dataset('blobs5d');
    for (const Model of [GaussianMixture, BayesianGaussianMixture]) {
      const m = new Model({ nComponents: 3, nInit: 3, warmStart: true, seed: 6, maxIter: 30 }).fit(X);
      const inits: number[] = [];
      m.fit(X, { onIteration: (i) => inits.push(i.init) });
      expect(inits.length).toBe(m.nIter);
      expect(new Set(inits)).toEqual(new Set([0]));
    }
  });
});

describe('BayesianGaussianMixture: a warm start on other data', () => {
  it('takes the new data\'s default priors (its mean and covariance), as a fresh fit does', () => {
    const A = overlapping(3, 400, 2, 3);
    const B = shifted(A, 10);
    const o = { nComponents: 3, seed: 1, maxIter: 20 };
    const warm = new BayesianGaussianMixture({ ...o, warmStart: true }).fit(A);
    warm.fit(B);
    const { mean, cov } = moments(B);
    const mp = warm.meanPrior, cp = warm.covariancePrior;
    for (let j = 0; j < 2; j++) expect(mp[j]).toBeCloseTo(mean[j], 10);
    for (let j = 0; j < 4; j++) expect(cp[j]).toBeCloseTo(cov[j], 10);
    const fresh = new BayesianGaussianMixture(o).fit(B);
    expect(sameBits(warm.meanPrior, fresh.meanPrior)).toBe(true);
    expect(sameBits(warm.covariancePrior, fresh.covariancePrior)).toBe(true);
  });
});

describe('BayesianGaussianMixture.nEffectiveComponents', () => {
  it('counts weights strictly above the threshold; the threshold lies in [0, 1)', () => {
    const m = new BayesianGaussianMixture({ nComponents: 4, seed: 2, maxIter: 30 }).fit(overlapping(7, 300, 2, 3));
    const w = Array.from(m.weights);
    for (const t of w) expect(m.nEffectiveComponents(t)).toBe(w.filter((x) => x > t).length);
    expect(m.nEffectiveComponents(Math.max(...w))).toBe(0);
    expect(m.nEffectiveComponents(0)).toBe(w.filter((x) => x > 0).length);
    expect(m.nEffectiveComponents(1 - 2 ** -53)).toBe(0);
    expect(errorCode(() => m.nEffectiveComponents(1))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => m.nEffectiveComponents(-1e-300))).toBe('INVALID_ARGUMENT');
  });
});

describe('BayesianGaussianMixture: the posterior getters return copies', () => {
  it('writing into what a getter returned changes neither the model nor its scores', () => {
    const X = overlapping(4, 300, 2, 2);
    for (const weightConcentrationPriorType of ['dirichlet_process', 'dirichlet_distribution'] as const) {
      const m = new BayesianGaussianMixture({ nComponents: 2, seed: 3, maxIter: 20, weightConcentrationPriorType }).fit(X);
      const ref = BayesianGaussianMixture.fromJSON(JSON.stringify(m));
      const before = m.scoreSamples(X);
      const wc = m.weightConcentration;
      for (const a of Array.isArray(wc) ? wc : [wc]) a.fill(1e-300);
      m.meanPrecision.fill(1e-300);
      m.degreesOfFreedom.fill(1e300);
      m.meanPrior.fill(1e300);
      m.covariancePrior.fill(-1);
      expect(m.weightConcentration).toEqual(ref.weightConcentration);
      expect(sameBits(m.meanPrecision, ref.meanPrecision)).toBe(true);
      expect(sameBits(m.degreesOfFreedom, ref.degreesOfFreedom)).toBe(true);
      expect(sameBits(m.meanPrior, ref.meanPrior)).toBe(true);
      expect(sameBits(m.covariancePrior, ref.covariancePrior)).toBe(true);
      expect(sameBits(m.scoreSamples(X), before)).toBe(true);
      // and a copy of the model saved now is the model as fitted
      expectSameFit(BayesianGaussianMixture.fromJSON(JSON.stringify(m)), ref);
    }
  });
});

describe('BayesianGaussianMixture.fromJSON: the posterior must be one a fit gives', () => {
  const X = overlapping(5, 300, 2, 2);
  const bad = (j: unknown): string => errorCode(() => BayesianGaussianMixture.fromJSON(j));
  it('refuses weights that are not the concentration\'s expected weights, even by 1e-6', () => {
    const m = new BayesianGaussianMixture({ nComponents: 2, seed: 1, maxIter: 20 }).fit(X);
    const j = JSON.parse(JSON.stringify(m));
    const w = j.weights as number[];
    expect(w).toHaveLength(2);
    expect(bad(j)).toBe('no error');
    const edited = JSON.parse(JSON.stringify(j));
    edited.weights = [w[0] + 1e-6, w[1] - 1e-6];
    expect(bad(edited)).toBe('INVALID_JSON');
  });
  it('refuses a stored prior mean other than the meanPrior option', () => {
    const m = new BayesianGaussianMixture({ nComponents: 2, seed: 1, maxIter: 20, meanPrior: [0, 0] }).fit(X);
    const j = JSON.parse(JSON.stringify(m));
    expect(bad(j)).toBe('no error');
    const edited = JSON.parse(JSON.stringify(j));
    edited.variational.priors.mean = [0.5, 0];
    expect(bad(edited)).toBe('INVALID_JSON');
  });
});

describe('BayesianGaussianMixture options', () => {
  it('the default covariancePrior refuses weights whose sum of squares overflows (INVALID_SAMPLE_WEIGHT)', () => {
    const X = overlapping(6, 200, 2, 2);
    const sampleWeight = new Float64Array(X.rows).fill(1e160);
    expect(errorCode(() => new BayesianGaussianMixture({ nComponents: 2 }).fit(X, { sampleWeight }))).toBe('INVALID_SAMPLE_WEIGHT');
    // Σw itself is finite: weights of 1e150 (Σw² finite) are taken
    expect(errorCode(() => new BayesianGaussianMixture({ nComponents: 2, maxIter: 5 }).fit(X, { sampleWeight: sampleWeight.fill(1e150) }))).toBe('no error');
  });
  it('a nested meanPrior is a SHAPE_MISMATCH, before any data', () => {
    expect(errorCode(() => new BayesianGaussianMixture({ nComponents: 2, meanPrior: [[0, 0]] as never }))).toBe('SHAPE_MISMATCH');
  });
});
