// Initialisation details: explicit starts override the method's own parameters, weighted
// row choice never repeats a row while others remain, the initial parameters survive
// a JSON round trip, and k-means++ tries as many candidates a centre as scikit-learn.
import { beforeAll, describe, expect, it } from 'vitest';
import { GaussianMixture } from '../src/index.js';
import { errorCode, loadCore } from './helpers.js';

beforeAll(loadCore);

const X = [[0, 0], [0.1, 0.2], [0.2, -0.1], [5, 5], [5.2, 5.1], [4.9, 5.3], [5, 5], [0, 0]];

describe('initialisation', () => {
  for (const initParams of ['kmeans', 'k-means++', 'random', 'random_from_data', 'hc'] as const) {
    it(`precisionsInit replaces the '${initParams}' covariances, even when those would be singular`, () => {
      const gm = new GaussianMixture({
        nComponents: 2, regCovar: 0, initParams, maxIter: 1, tol: 0, seed: 2,
        weightsInit: [0.5, 0.5], meansInit: [[0, 0], [5, 5]],
        precisionsInit: [[[4, 0], [0, 4]], [[4, 0], [0, 4]]],
      }).fit(X);
      // one EM iteration from the given start: the same lower bound whatever the method
      const ref = new GaussianMixture({
        nComponents: 2, regCovar: 0, initParams: 'kmeans', maxIter: 1, tol: 0, seed: 2,
        weightsInit: [0.5, 0.5], meansInit: [[0, 0], [5, 5]],
        precisionsInit: [[[4, 0], [0, 4]], [[4, 0], [0, 4]]],
      }).fit(X);
      expect(gm.lowerBound).toBe(ref.lowerBound);
    });
  }

  it("precisionsInit alone replaces k-means' singular covariances (the method still runs)", () => {
    // k-means puts the five collinear rows in one cluster: a singular covariance at
    // regCovar 0, which a fit without precisionsInit refuses
    const Y = [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [6, 3], [7, 4.1], [8, 4.9], [9, 6.2], [6.5, 3.9]];
    const o = { nComponents: 2, regCovar: 0, initParams: 'kmeans' as const, seed: 0, maxIter: 1 };
    expect(errorCode(() => new GaussianMixture(o).fit(Y))).toBe('NOT_POSITIVE_DEFINITE');
    const gm = new GaussianMixture({ ...o, precisionsInit: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] }).fit(Y);
    expect(Number.isFinite(gm.lowerBound)).toBe(true);
  });

  it("'random_from_data' draws distinct rows even when one weight dwarfs the rest", () => {
    const Y = [[0], [1], [2]];
    for (let seed = 0; seed < 20; seed++) {
      const gm = new GaussianMixture({ nComponents: 2, initParams: 'random_from_data', maxIter: 1, seed });
      gm.fit(Y, { sampleWeight: [1e20, 1, 1] });
      const m = gm.means.data;
      expect(m[0]).not.toBe(m[1]);
    }
  });

  it('weightsInit, meansInit and precisionsInit survive toJSON / fromJSON', () => {
    const opts = {
      nComponents: 2, covarianceType: 'diag' as const, maxIter: 3, tol: 0,
      weightsInit: [0.25, 0.75], meansInit: [[0, 0], [5, 5]], precisionsInit: [[1, 2], [3, 4]],
    };
    const gm = new GaussianMixture(opts).fit(X);
    const back = GaussianMixture.fromJSON(JSON.stringify(gm));
    const o = back.options;
    expect(Array.from(o.weightsInit!)).toEqual([0.25, 0.75]);
    expect(Array.from(o.meansInit!)).toEqual([0, 0, 5, 5]);
    expect(Array.from(o.precisionsInit!)).toEqual([1, 2, 3, 4]);
    // refitting the restored model reproduces the original fit bit for bit
    expect(back.fit(X).lowerBound).toBe(gm.lowerBound);
  });
});

describe('precisionsInit symmetric within tolerance', () => {
  it('is read by its lower triangle, as scikit-learn (numpy\'s Cholesky) reads it', () => {
    const X = Array.from({ length: 300 }, (_, i) => [Math.sin(i) * 3 + (i % 2) * 6, Math.cos(i * 1.7) + (i % 2) * 2, (i % 7) / 3]);
    const lower = [[2, 0, 0], [0.5, 1.5, 0], [0.1, -0.2, 3]];
    const sym = lower.map((r, i) => r.map((v, j) => (j <= i ? v : lower[j][i])));
    // the upper triangle off by 1e-6 relative: allclose passes it
    const skew = sym.map((r, i) => r.map((v, j) => (j > i ? v * (1 + 1e-6) : v)));
    for (const covarianceType of ['full', 'tied'] as const) {
      const start = { weightsInit: [0.5, 0.5], meansInit: [[0, 0, 1], [6, 2, 1]] };
      const precisionsInit = (P: number[][]) => (covarianceType === 'full' ? [P, P] : P);
      const o = { nComponents: 2, covarianceType, maxIter: 3, tol: 0, ...start };
      const a = new GaussianMixture({ ...o, precisionsInit: precisionsInit(skew) }).fit(X);
      const b = new GaussianMixture({ ...o, precisionsInit: precisionsInit(sym) }).fit(X);
      expect(a.lowerBound).toBe(b.lowerBound);
      expect(Array.from(a.covariances)).toEqual(Array.from(b.covariances));
    }
  });
});

describe('k-means++', () => {
  it('tries 2 + ⌊ln K⌋ candidates a centre and keeps the best (greedy, as scikit-learn): a far lone row is found', () => {
    // 100 rows at 0, 100 at 1 and one at 20. With the first centre in either cluster, a
    // candidate drawn ∝ D² is the far row with probability about 0.8, and the greedy choice
    // keeps it whenever one of the T candidates is that row: missed with probability about
    // 0.2^T. K = 2 gives T = 2: over 200 seeds about 9 misses (binomial, sd 3); with T = 1
    // about 42, with T = 3 about 2.
    const rows: number[][] = [];
    for (let i = 0; i < 100; i++) rows.push([0.01 * Math.sin(i), 0.01 * Math.cos(3 * i)]);
    for (let i = 0; i < 100; i++) rows.push([1 + 0.01 * Math.sin(7 * i), 0.01 * Math.cos(5 * i)]);
    rows.push([20, 0]);
    let missed = 0;
    for (let seed = 0; seed < 200; seed++) {
      const gm = new GaussianMixture({ nComponents: 2, initParams: 'k-means++', maxIter: 1, tol: 0, seed, regCovar: 1e-3 }).fit(rows);
      if (Math.max(gm.means.data[0], gm.means.data[2]) < 10) missed++;
    }
    expect(missed).toBeGreaterThanOrEqual(3);
    expect(missed).toBeLessThanOrEqual(20);
  });
});
