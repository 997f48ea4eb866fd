// Cross-check against scikit-learn from identical explicit starts (fixtures made by
// test/fixtures/generate_sklearn.py with Debian's python3-sklearn); and models built by
// GaussianMixture.fromParameters from scikit-learn's fitted parameters.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { GaussianMixture } from '../src/index.js';
import { loadCore, matrix, maxRelDiff, root } from './helpers.js';

interface Case {
  name: string; dataset: string; covarianceType: 'full' | 'tied' | 'diag' | 'spherical';
  nComponents: number; regCovar: number; maxIter: number; tol: number;
  weightsInit: number[]; meansInit: number[][]; precisionsInit: number[];
  xtest: number[]; xtestRows: number;
  expected: {
    lowerBound: number; nIter: number; converged: boolean; weights: number[]; means: number[][];
    covariances: number[]; precisionsCholesky: number[]; precisions: number[]; scoreSamples: number[]; predictProba: number[];
    predict: number[]; score: number; bic: number; aic: number;
  };
}
const fx = JSON.parse(readFileSync(new URL('test/fixtures/sklearn.json', root), 'utf8')) as {
  generator: string; datasets: Record<string, { rows: number; cols: number; data: number[] }>; cases: Case[];
};

beforeAll(loadCore);

describe(`matches ${fx.generator}`, () => {
  it('has cases for every covariance type', () => {
    const types = new Set(fx.cases.map((c) => c.covarianceType));
    expect([...types].sort()).toEqual(['diag', 'full', 'spherical', 'tied']);
  });
  for (const c of fx.cases) {
    it(c.name, () => {
      const ds = fx.datasets[c.dataset];
      const X = matrix(ds.data, ds.rows, ds.cols);
      const gm = new GaussianMixture({
        nComponents: c.nComponents, covarianceType: c.covarianceType, tol: c.tol, regCovar: c.regCovar,
        maxIter: c.maxIter, weightsInit: c.weightsInit, meansInit: c.meansInit, precisionsInit: c.precisionsInit,
      }).fit(X);
      const e = c.expected;
      expect(Math.abs(gm.lowerBound - e.lowerBound) / Math.abs(e.lowerBound)).toBeLessThan(1e-8);
      expect(gm.nIter).toBe(e.nIter);
      expect(gm.converged).toBe(e.converged);
      expect(maxRelDiff(gm.weights, e.weights)).toBeLessThan(1e-6);
      expect(maxRelDiff(gm.means.data, e.means.flat())).toBeLessThan(1e-6);
      expect(maxRelDiff(gm.covariances, e.covariances)).toBeLessThan(1e-6);
      expect(maxRelDiff(gm.precisionsCholesky, e.precisionsCholesky)).toBeLessThan(1e-6);
      expect(maxRelDiff(gm.precisions, e.precisions)).toBeLessThan(1e-6);
      expectScores(gm, c, X, 1e-8);
    });
    // a model built from scikit-learn's own fitted parameters: its precision factors from the
    // covariances as scikit-learn computes them, and its scores as scikit-learn's model gives
    it(`${c.name}: GaussianMixture.fromParameters on scikit-learn's fitted parameters`, () => {
      const e = c.expected, ds = fx.datasets[c.dataset];
      const gm = GaussianMixture.fromParameters({ weights: e.weights, means: e.means, covariances: e.covariances },
        { covarianceType: c.covarianceType, regCovar: c.regCovar });
      expect(maxRelDiff(gm.precisionsCholesky, e.precisionsCholesky)).toBeLessThan(1e-9);
      expect(maxRelDiff(gm.precisions, e.precisions)).toBeLessThan(1e-9);
      expectScores(gm, c, matrix(ds.data, ds.rows, ds.cols), 1e-9);
    });
  }
});

/** gm's scores, posteriors, labels and criteria against the case's scikit-learn values, within tol. */
function expectScores(gm: GaussianMixture, c: Case, X: ReturnType<typeof matrix>, tol: number): void {
  const e = c.expected;
  const xt = matrix(c.xtest, c.xtestRows, X.cols);
  expect(maxRelDiff(gm.scoreSamples(xt), e.scoreSamples)).toBeLessThan(tol);
  expect(maxRelDiff(gm.predictProba(xt).data, e.predictProba)).toBeLessThan(tol);
  expect(Array.from(gm.predict(xt))).toEqual(e.predict);
  expect(Math.abs(gm.score(xt) - e.score) / Math.abs(e.score)).toBeLessThan(tol);
  expect(Math.abs(gm.bic(X) - e.bic) / Math.abs(e.bic)).toBeLessThan(tol);
  expect(Math.abs(gm.aic(X) - e.aic) / Math.abs(e.aic)).toBeLessThan(tol);
}
