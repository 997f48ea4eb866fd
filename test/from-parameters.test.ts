// GaussianMixture.fromParameters: a fitted model from known weights, means and covariances
// (scikit-learn: setting weights_, means_, covariances_ by hand; mclust: dens(parameters)).
// A model built from a fit's own parameters must score, predict and sample with that fit's
// bits (the precision factors come from the same Cholesky), for every covariance type.
import { beforeAll, describe, expect, it } from 'vitest';
import { BayesianGaussianMixture, GaussianMixture, GmmError, type CovarianceType } from '../src/index.js';
import { dataset, errorCode, loadCore, sameBits } from './helpers.js';

beforeAll(loadCore);

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];
const X = dataset('blobs3d');

/** The covariances of a fitted model nested as a user would write them ([K][d][d], …). */
function nested(gm: GaussianMixture): unknown {
  const c = Array.from(gm.covariances), K = gm.nComponents, d = gm.nFeatures;
  const rows = (a: number[], n: number) => Array.from({ length: a.length / n }, (_, i) => a.slice(i * n, i * n + n));
  switch (gm.covarianceType) {
    case 'full': return rows(c, d * d).map((m) => rows(m, d));
    case 'tied': return rows(c, d);
    case 'diag': return rows(c, d);
    default: return c.slice(0, K);
  }
}

describe('GaussianMixture.fromParameters', () => {
  it.each(TYPES)('%s: a fit\'s own parameters give its scores, labels, samples and conditionals bit for bit', (type) => {
    const g = new GaussianMixture({ nComponents: 3, covarianceType: type, seed: 2 }).fit(X);
    for (const covariances of [g.covariances, nested(g)]) {
      const means = [g.means, Array.from({ length: 3 }, (_, k) => Array.from(g.means.data.subarray(k * 3, k * 3 + 3)))];
      for (const m of means) {
        const h = GaussianMixture.fromParameters({ weights: g.weights, means: m, covariances: covariances as number[] }, { covarianceType: type });
        expect(h.isFitted).toBe(true);
        expect([h.nComponents, h.nFeatures, h.covarianceType]).toEqual([3, 3, type]);
        expect(sameBits(h.precisionsCholesky, g.precisionsCholesky)).toBe(true);
        expect(sameBits(h.scoreSamples(X), g.scoreSamples(X))).toBe(true);
        expect(sameBits(h.predict(X), g.predict(X))).toBe(true);
        expect(sameBits(h.sample(50, { seed: 9 }).X.data, g.sample(50, { seed: 9 }).X.data)).toBe(true);
        expect(sameBits(h.predictConditional([[0.5]], [1]).mean.data, g.predictConditional([[0.5]], [1]).mean.data)).toBe(true);
        // no fit ran
        expect([h.converged, h.nIter, h.lowerBound]).toEqual([false, 0, -Infinity]);
        expect(h.bic(X)).toBe(g.bic(X));
      }
    }
  });

  it('round-trips through JSON, where its lower bound −∞ is written null', () => {
    const g = new GaussianMixture({ nComponents: 2, covarianceType: 'diag', seed: 0 }).fit(X);
    const h = GaussianMixture.fromParameters({ weights: g.weights, means: g.means, covariances: g.covariances, featureNames: ['a', 'b', 'c'] },
      { covarianceType: 'diag', regCovar: 1e-4, seed: 5 });
    const json = JSON.parse(JSON.stringify(h));
    expect(json.lowerBound).toBeNull();
    expect(json.nIter).toBe(0);
    const back = GaussianMixture.fromJSON(json);
    expect(back.lowerBound).toBe(-Infinity);
    expect(back.featureNames).toEqual(['a', 'b', 'c']);
    expect(back.options.regCovar).toBe(1e-4);
    expect(sameBits(back.scoreSamples(X), g.scoreSamples(X))).toBe(true);
    // null is read only as the lower bound of a model no fit produced
    expect(errorCode(() => GaussianMixture.fromJSON({ ...json, nIter: 3 }))).toBe('INVALID_JSON');
    expect(errorCode(() => GaussianMixture.fromJSON({ ...JSON.parse(JSON.stringify(g)), lowerBound: null }))).toBe('INVALID_JSON');
  });

  it('fromJSON reads a model file of parameters only, as fromParameters builds it', () => {
    const file = { format: 'gmm-wasm', version: 1, options: { covarianceType: 'diag', seed: 3 }, nFeatures: 2,
      weights: [0.4, 0.6], means: [[0, 1], [4, 5]], covariances: [[1, 2], [0.5, 0.25]], featureNames: ['a', 'b'] };
    const viaFile = GaussianMixture.fromJSON(JSON.stringify(file));
    const direct = GaussianMixture.fromParameters({ weights: file.weights, means: file.means, covariances: file.covariances,
      featureNames: file.featureNames }, { covarianceType: 'diag', seed: 3 });
    expect(viaFile.toJSON()).toEqual(direct.toJSON());
    expect([viaFile.nComponents, viaFile.options.seed, viaFile.featureNames]).toEqual([2, 3, ['a', 'b']]);
    // its checks as INVALID_JSON, naming the route taken
    const bad = (patch: object) => {
      try {
        GaussianMixture.fromJSON({ ...file, ...patch });
      } catch (e) {
        expect(e).toBeInstanceOf(GmmError);
        return `${(e as GmmError).code}: ${(e as GmmError).message}`;
      }
      return 'accepted';
    };
    expect(bad({ covariances: [[1, 2], [0.5, -1]] })).toMatch(/^INVALID_JSON: fromJSON \(a model of parameters only, whose precision factors are computed\): covariances entry 3 is -1/);
    expect(bad({ nFeatures: 3 })).toMatch(/^INVALID_JSON: .*"nFeatures" is 3 but the means have 2 features\./);
    expect(bad({ options: null })).toMatch(/^INVALID_JSON: .*"options" must be an object\./);
    expect(bad({ options: { covarianceType: 'diag', nComponents: 3 } })).toMatch(/^INVALID_JSON: .*nComponents is 3 but there are 2 weights/);
    // some fit fields but not all: neither kind of file, and the message names what is missing
    expect(bad({ precisionsCholesky: [1, 1, 1, 1], covariances: [1, 2, 0.5, 0.25], options: { covarianceType: 'diag', nComponents: 2 } }))
      .toMatch(/^INVALID_JSON: .*some of a fit's fields but not "converged", "nIter", "lowerBound"/);
    expect(bad({ format: 'other' })).toMatch(/^INVALID_JSON: .*this is not a gmm-wasm model/);
  });

  it('warm-starts EM from the given parameters', () => {
    const g = new GaussianMixture({ nComponents: 3, seed: 1, tol: 1e-10, maxIter: 500 }).fit(X);
    const h = GaussianMixture.fromParameters({ weights: g.weights, means: g.means, covariances: g.covariances },
      { warmStart: true, tol: 1e-10, maxIter: 500 });
    h.fit(X);
    expect(h.nIter).toBeGreaterThanOrEqual(1);
    expect(h.converged).toBe(true);
    // from a converged fit's own parameters EM stays at its optimum
    expect(Math.abs(h.lowerBound - g.lowerBound)).toBeLessThan(1e-9);
  });

  it('gives a Bayesian mixture\'s point estimates the conditionals it refuses', async () => {
    const bgm = new BayesianGaussianMixture({ nComponents: 3, seed: 0 }).fit(X);
    expect(() => bgm.marginal([0])).toThrow(/GaussianMixture\.fromParameters\(\{ weights, means, covariances \}, \{ covarianceType \}\)/);
    const pe = GaussianMixture.fromParameters({ weights: bgm.weights, means: bgm.means, covariances: bgm.covariances }, { covarianceType: bgm.covarianceType });
    const m = pe.marginal([0]);
    expect(Array.from(m.means.data)).toEqual([0, 1, 2].map((k) => bgm.means.data[k * 3]));
    expect(() => BayesianGaussianMixture.fromParameters({ weights: [1], means: [[0]], covariances: [1] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/Call GaussianMixture\.fromParameters/) }));
  });

  it('checks every parameter before any work, each with its code', () => {
    const ok = { weights: [0.25, 0.75], means: [[0, 0], [1, 1]], covariances: [[[1, 0.5], [0.5, 1]], [[2, 0], [0, 2]]] };
    expect(GaussianMixture.fromParameters(ok).nComponents).toBe(2);
    const cases: [unknown, object, string, RegExp][] = [
      [null, {}, 'INVALID_TYPE', /needs \{ weights, means, covariances \}/],
      [{ ...ok, covariances: undefined }, {}, 'INVALID_TYPE', /needs covariances/],
      [{ ...ok, precisionsCholesky: [1] }, {}, 'INVALID_ARGUMENT', /unknown parameter "precisionsCholesky"/],
      [{ ...ok, weights: [[0.25, 0.75]] }, {}, 'SHAPE_MISMATCH', /one weight per component/],
      [{ ...ok, weights: [0.5, 0.6] }, {}, 'INVALID_ARGUMENT', /sum to 1\.1/],
      [{ ...ok, weights: [-0.25, 1.25] }, {}, 'INVALID_ARGUMENT', /weights\[0\] is -0\.25/],
      [{ ...ok, weights: [0.25, NaN] }, {}, 'NON_FINITE', /weights/],
      [ok, { nComponents: 3 }, 'SHAPE_MISMATCH', /nComponents is 3 but there are 2 weights/],
      [{ ...ok, means: [[0, 0]] }, {}, 'SHAPE_MISMATCH', /means has 1 rows but there are 2 weights/],
      [{ ...ok, covariances: [[1, 0.5], [0.5, 1]] }, {}, 'SHAPE_MISMATCH', /must have shape \[2, 2, 2\]/],
      [{ ...ok, covariances: [[[1, 0.5], [0.4, 1]], [[2, 0], [0, 2]]] }, {}, 'INVALID_ARGUMENT', /covariances\[0\] is not symmetric/],
      [{ ...ok, covariances: [[[1, 0], [0, 1]], [[1, 2], [2, 1]]] }, {}, 'NOT_POSITIVE_DEFINITE', /covariances\[1\] is not positive definite/],
      [{ ...ok, covariances: [[1, 0], [0, -1]] }, { covarianceType: 'tied' }, 'NOT_POSITIVE_DEFINITE', /^covariances is not positive definite/],
      [{ ...ok, covariances: [[1, 1], [1, 0]] }, { covarianceType: 'diag' }, 'NOT_POSITIVE_DEFINITE', /entry 3 is 0/],
      [{ ...ok, covariances: [1, 1] }, { covarianceType: 'EVX' }, 'INVALID_OPTION', /Did you mean 'EVI'\?/],
      [{ ...ok, covariances: [[[2, 0], [0, 1]], [[1, 0.5], [0.5, 1]]] }, { covarianceType: 'VVE' }, 'INVALID_ARGUMENT', /VVE \(mclust\) has one orientation .* component 1's and component 0's do not commute/],
      [{ ...ok, covariances: [[[2, 1], [1, 2]], [[4, -2], [-2, 4]]] }, { covarianceType: 'EVE' }, 'INVALID_ARGUMENT', /EVE \(mclust\) has equal volumes/],
      [{ ...ok, covariances: [[1, 2], [1, 3]] }, { covarianceType: 'VEI' }, 'INVALID_ARGUMENT', /VEI \(mclust\) has one shape \(diagonals proportional: Σₖ = λₖB\) for all components, but component 1's differs from component 0's by 0\.[0-9]+ \(relative\)\. Give covariances that meet it, or covarianceType 'diag'\./],
      [{ ...ok, covariances: [[[1, 0.5], [0.5, 1]], [[2, 0], [0, 2]]] }, { covarianceType: 'VEE' }, 'INVALID_ARGUMENT', /VEE \(mclust\) has proportional covariances/],
      [{ ...ok, covariances: [[[1, 0], [0, 4]], [[2, 0], [0, 2]]] }, { covarianceType: 'EEV' }, 'INVALID_ARGUMENT', /EEV \(mclust\) has equal eigenvalues .* component 1's differs/],
      [{ ...ok, covariances: [[[1, 0], [0, 4]], [[2, 0], [0, 2]]] }, { covarianceType: 'VEV' }, 'INVALID_ARGUMENT', /VEV \(mclust\) has proportional eigenvalues/],
      [{ ...ok, covariances: [1, 2] }, { covarianceType: 'EII' }, 'INVALID_ARGUMENT', /EII \(mclust\) has one variance for all components, but component 1's variance is 2 where component 0's is 1\. Give equal covariances, or covarianceType 'spherical'\./],
      [{ ...ok, covariances: [[1, 2], [1, 3]] }, { covarianceType: 'EEI' }, 'INVALID_ARGUMENT', /component 1's entry 1 is 3 where component 0's is 2/],
      [{ ...ok, covariances: [[1, 2], [1, 3]] }, { covarianceType: 'EVI' }, 'INVALID_ARGUMENT', /EVI \(mclust\) has equal volumes \(determinants\)/],
      [{ ...ok, covariances: [[[1, 0.5], [0.5, 1]], [[2, 0], [0, 2]]] }, { covarianceType: 'EVV' }, 'INVALID_ARGUMENT', /or covarianceType 'full'\./],
      [{ ...ok, featureNames: ['x'] }, {}, 'INVALID_ARGUMENT', /featureNames must be an array of 2 strings/],
      [{ ...ok, featureNames: ['x', 'x'] }, {}, 'INVALID_ARGUMENT', /names "x" twice/],
      [ok, { meansInit: [[0, 0, 0], [1, 1, 1]] }, 'SHAPE_MISMATCH', /meansInit rows have 3 features/],
    ];
    for (const [p, options, code, message] of cases) {
      let e: unknown;
      try {
        GaussianMixture.fromParameters(p as never, options);
      } catch (err) {
        e = err;
      }
      expect(e, `${code} ${message}`).toBeInstanceOf(GmmError);
      expect((e as GmmError).code, String(message)).toBe(code);
      expect((e as GmmError).message).toMatch(message);
    }
    // the caller's arrays are copied: changing them later leaves the model as built
    const w = Float64Array.from([0.25, 0.75]);
    const h = GaussianMixture.fromParameters({ ...ok, weights: w });
    w[0] = 0.5;
    expect(Array.from(h.weights)).toEqual([0.25, 0.75]);
  });
});

