// toJSON and fromJSON at their edges: names copied both ways, and every field fromJSON
// checks refused by itself (from a mutation audit of src/model/serialize.ts: each test fails
// on a change the rest of the suite let through).
import { beforeAll, describe, expect, it } from 'vitest';
import { BayesianGaussianMixture, GaussianMixture } from '../src/index.js';
import { loadCore, overlapping } from './helpers.js';

beforeAll(loadCore);

const throwsWith = (f: () => unknown, code: string, message?: RegExp) =>
  expect(f).toThrow(expect.objectContaining(message ? { code, message: expect.stringMatching(message) } : { code }));

describe('toJSON and fromJSON', () => {
  const X = overlapping(3, 200, 2, 2);
  const NAMES = ['u', 'v'];
  const named = { ...X, columns: NAMES };

  it('changing toJSON().featureNames does not rename the model', () => {
    const gm = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(named);
    const j = gm.toJSON();
    j.featureNames![0] = 'z';
    expect(gm.featureNames).toEqual(NAMES);
    expect(gm.toJSON().featureNames).toEqual(NAMES);
  });

  it('changing the object fromJSON read does not rename the loaded model', () => {
    const j = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(named).toJSON();
    const back = GaussianMixture.fromJSON(j);
    j.featureNames![0] = 'z';
    expect(back.featureNames).toEqual(NAMES);
  });

  it('nFeatures 0 is refused even with empty means and covariances', () => {
    const j = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(X).toJSON();
    throwsWith(() => GaussianMixture.fromJSON({ ...j, nFeatures: 0, means: [[], []], covariances: [], precisionsCholesky: [] }), 'INVALID_JSON', /nFeatures/);
  });

  it('weights that sum to 1 + 1e-7 are refused', () => {
    const j = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(X).toJSON();
    throwsWith(() => GaussianMixture.fromJSON({ ...j, weights: [j.weights[0], j.weights[1] + 1e-7] }), 'INVALID_JSON', /sum/);
  });

  it('a precision factor that implies an overflowing covariance is refused, naming its component', () => {
    const j = new GaussianMixture({ nComponents: 2, covarianceType: 'diag', seed: 1 }).fit(X).toJSON();
    const chol = j.precisionsCholesky.slice();
    chol[2] = 1e-200; // component 1, feature 0
    throwsWith(() => GaussianMixture.fromJSON({ ...j, precisionsCholesky: chol }), 'INVALID_JSON', /precisionsCholesky\[1\] implies a covariance beyond/);
  });

  it('a non-finite lowerBound in an object is refused', () => {
    const j = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(X).toJSON();
    for (const lowerBound of [Infinity, NaN]) throwsWith(() => GaussianMixture.fromJSON({ ...j, lowerBound }), 'INVALID_JSON', /lowerBound/);
  });

  describe('the Bayesian part', () => {
    const fitted = (o: Record<string, unknown> = {}) => JSON.parse(JSON.stringify(new BayesianGaussianMixture({ nComponents: 2, maxIter: 20, seed: 1, ...o }).fit(X)));

    it('a dirichlet_distribution model round-trips', () => {
      const m = new BayesianGaussianMixture({ nComponents: 2, maxIter: 20, seed: 1, weightConcentrationPriorType: 'dirichlet_distribution' }).fit(X);
      const back = BayesianGaussianMixture.fromJSON(JSON.stringify(m));
      expect(back.weightConcentrationPriorType).toBe('dirichlet_distribution');
      expect(back.weightConcentration).toEqual(m.weightConcentration);
    });

    it('degrees of freedom equal to nFeatures − 1 are refused', () => {
      const j = fitted();
      j.variational.degreesOfFreedom[0] = 1; // d − 1 for d = 2
      throwsWith(() => BayesianGaussianMixture.fromJSON(j), 'INVALID_JSON', /degreesOfFreedom must exceed/);
    });

    it('a weight concentration of 0 is refused', () => {
      const j = fitted({ weightConcentrationPriorType: 'dirichlet_distribution' });
      const c = j.variational.weightConcentration;
      j.variational.weightConcentration = [0, c[0] + c[1]];
      j.weights = [0, 1];
      throwsWith(() => BayesianGaussianMixture.fromJSON(j), 'INVALID_JSON', /concentrations and precisions must be > 0/);
    });

    it('variational without priors is INVALID_JSON, not a TypeError', () => {
      const j = fitted();
      delete j.variational.priors;
      throwsWith(() => BayesianGaussianMixture.fromJSON(j), 'INVALID_JSON', /priors/);
    });
  });
});
