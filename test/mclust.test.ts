// Cross-check against R's mclust em() (no prior) from the same explicit starts
// (fixtures made by test/fixtures/generate_mclust.R; semantics in test/fixtures/README.md):
// expected.meanLogLikelihood is scikit-learn's lower_bound_ (mean log-likelihood before the
// last M-step) and weights/means/covariances are the parameters after it, with regCovar 0.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { GaussianMixture, type CovarianceModel } from '../src/index.js';
import { loadCore, matrix, maxRelDiff, root } from './helpers.js';

interface McCase {
  name: string; dataset: string; covarianceType: CovarianceModel; mclustModel: string;
  nComponents: number; regCovar: number; maxIter: number; tol: number;
  weightsInit: number[]; meansInit: number[][]; precisionsInit: number[];
  expected: { meanLogLikelihood: number; weights: number[]; means: number[][]; covariances: number[] };
  mclust: { itmax: number; loglik: number; bic: number; parameters: number; iterations: number; returnCode: number };
}
const fx = JSON.parse(readFileSync(new URL('test/fixtures/mclust.json', root), 'utf8')) as {
  generator: string; datasets: Record<string, { rows: number; cols: number; data: number[] }>; cases: McCase[];
};

beforeAll(loadCore);

function fitCase(c: McCase, maxIter = c.maxIter): GaussianMixture {
  const ds = fx.datasets[c.dataset];
  return new GaussianMixture({
    nComponents: c.nComponents, covarianceType: c.covarianceType, tol: c.tol, regCovar: c.regCovar,
    maxIter, weightsInit: c.weightsInit, meansInit: c.meansInit, precisionsInit: c.precisionsInit,
  }).fit(matrix(ds.data, ds.rows, ds.cols));
}

describe(`matches ${fx.generator}`, () => {
  it('has 84 cases over both datasets, all fourteen covariance models, regCovar 0 and tol 0', () => {
    expect(fx.cases).toHaveLength(84);
    const constrained = ['EII', 'EEI', 'EVI', 'VEI', 'EVV', 'VEE', 'EEV', 'VEV', 'EVE', 'VVE'];
    expect(new Set(fx.cases.map((c) => c.covarianceType))).toEqual(new Set(['full', 'tied', 'diag', 'spherical', ...constrained]));
    expect(new Set(fx.cases.map((c) => c.mclustModel))).toEqual(new Set(['VVV', 'EEE', 'VVI', 'VII', ...constrained]));
    expect(new Set(fx.cases.map((c) => c.dataset))).toEqual(new Set(['faithful', 'blobs3d']));
    for (const c of fx.cases) {
      expect(c.regCovar).toBe(0);
      expect(c.tol).toBe(0);
    }
  });
  // mclust stops VEE's and EVE's inner iterations once its objective stops changing, before
  // the parameters settle (ours match independent fixed points to 1e-14): looser there
  const loose = new Set(['VEE', 'EVE']);
  for (const c of fx.cases) {
    it(c.name, () => {
      const gm = fitCase(c);
      const e = c.expected;
      const ds = fx.datasets[c.dataset];
      const X = matrix(ds.data, ds.rows, ds.cols);
      const [lb, par] = loose.has(c.mclustModel) ? [1e-7, 1e-5] : [1e-8, 1e-6];
      // (VVE: the same E-step first, so the same lower bound after one iteration only; below)
      if (c.mclustModel !== 'VVE' || c.maxIter === 1) {
        expect(Math.abs(gm.lowerBound - e.meanLogLikelihood) / Math.abs(e.meanLogLikelihood)).toBeLessThan(lb);
      }
      // tol = 0: never converged, always maxIter iterations (scikit-learn's test is |change| < tol)
      expect(gm.nIter).toBe(c.maxIter);
      expect(gm.converged).toBe(false);
      expect(gm.nParameters()).toBe(c.mclust.parameters);
      if (c.mclustModel === 'VVE') {
        // mclust's VVE majorises its orientation with the shapes Aₖ where the likelihood has
        // λₖAₖ, so its M-step is not the maximum: from the same E-step ours reaches a higher
        // likelihood; later iterations take different paths, so nothing more is compared
        if (c.maxIter === 1) expect(gm.score(X) * ds.rows).toBeGreaterThan(c.mclust.loglik);
        return;
      }
      expect(maxRelDiff(gm.weights, e.weights)).toBeLessThan(par);
      expect(maxRelDiff(gm.means.data, e.means.flat())).toBeLessThan(par);
      expect(maxRelDiff(gm.covariances, e.covariances)).toBeLessThan(par);
      // mclust's loglik is the TOTAL log-likelihood of the returned parameters, which is
      // n × our lower bound after one more iteration.
      const next = fitCase(c, c.maxIter + 1);
      expect(Math.abs(next.lowerBound * ds.rows - c.mclust.loglik) / Math.abs(c.mclust.loglik)).toBeLessThan(lb);
      // and equally the score of the returned parameters on the training data
      expect(Math.abs(gm.score(X) * ds.rows - c.mclust.loglik) / Math.abs(c.mclust.loglik)).toBeLessThan(lb);
      // mclust's BIC (2·loglik − p·log n, the sign flipped here)
      expect(Math.abs(gm.bic(X) + c.mclust.bic) / Math.abs(c.mclust.bic)).toBeLessThan(lb);
    });
  }
});
