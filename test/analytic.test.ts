// Cases with a closed-form answer: one component is the (weighted) sample mean and biased
// covariance (+ regCovar) for every covariance type and initialisation, and its lower bound
// is the Gaussian log-likelihood; well-separated clusters are recovered by every
// covariance type and every initParams.
import { beforeAll, describe, expect, it } from 'vitest';
import { GaussianMixture, type CovarianceType, type InitParams, type Matrix } from '../src/index.js';
import { blobs, loadCore, maxRelDiff, modelProblems, normal, rng, sameUpToPermutation } from './helpers.js';

beforeAll(loadCore);

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];
const INITS: InitParams[] = ['kmeans', 'k-means++', 'random', 'random_from_data'];

/** Correlated 3-D data far from the origin (offset 1000), so that a naive one-pass
 *  covariance would lose digits. */
function correlated(seed: number, n: number): Matrix {
  const z = normal(rng(seed));
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = z(), b = z(), c = z();
    data.set([1000 + 2 * a, -1000 + a + 0.5 * b, 3 + 0.1 * c - 0.3 * a], i * 3);
  }
  return { data, rows: n, cols: 3 };
}

/** Weighted mean and biased weighted covariance, two-pass. */
function moments(X: Matrix, w: ArrayLike<number> | null): { mean: number[]; cov: number[][] } {
  const { rows: n, cols: d, data } = X;
  let ws = 0;
  const mean = new Array(d).fill(0);
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    ws += wi;
    for (let j = 0; j < d; j++) mean[j] += wi * data[i * d + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= ws;
  const cov = Array.from({ length: d }, () => new Array(d).fill(0));
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
      cov[a][b] += wi * (data[i * d + a] - mean[a]) * (data[i * d + b] - mean[b]);
    }
  }
  for (const row of cov) for (let b = 0; b < d; b++) row[b] /= ws;
  return { mean, cov };
}

/** The covariance a single component of each type must have (sklearn layout). */
function expectedCovariance(type: CovarianceType, cov: number[][], reg: number): number[] {
  const d = cov.length;
  const diag = cov.map((r, i) => r[i] + reg);
  if (type === 'full' || type === 'tied') return cov.flatMap((r, i) => r.map((v, j) => (i === j ? v + reg : v)));
  if (type === 'diag') return diag;
  return [diag.reduce((s, v) => s + v, 0) / d];
}

/** Mean Gaussian log-density of the rows (weighted) under N(mean, C), C given as a full matrix. */
function gaussianMeanLogLik(X: Matrix, w: ArrayLike<number> | null, mean: number[], C: number[][]): number {
  const d = C.length;
  // Cholesky C = L Lᵀ
  const L = Array.from({ length: d }, () => new Array(d).fill(0));
  for (let j = 0; j < d; j++) {
    let s = C[j][j];
    for (let k = 0; k < j; k++) s -= L[j][k] ** 2;
    L[j][j] = Math.sqrt(s);
    for (let i = j + 1; i < d; i++) {
      let t = C[i][j];
      for (let k = 0; k < j; k++) t -= L[i][k] * L[j][k];
      L[i][j] = t / L[j][j];
    }
  }
  const logDet = 2 * L.reduce((s, r, i) => s + Math.log(r[i]), 0);
  let acc = 0, ws = 0;
  for (let i = 0; i < X.rows; i++) {
    const wi = w ? w[i] : 1;
    const y = new Array(d).fill(0);
    let q = 0;
    for (let a = 0; a < d; a++) {
      let t = X.data[i * d + a] - mean[a];
      for (let k = 0; k < a; k++) t -= L[a][k] * y[k];
      y[a] = t / L[a][a];
      q += y[a] ** 2;
    }
    acc += wi * (-0.5 * (d * Math.log(2 * Math.PI) + logDet + q));
    ws += wi;
  }
  return acc / ws;
}

function asFull(type: CovarianceType, cov: number[], d: number): number[][] {
  if (type === 'full' || type === 'tied') return Array.from({ length: d }, (_, i) => cov.slice(i * d, i * d + d));
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? cov[type === 'diag' ? i : 0] : 0)));
}

describe('one component is the sample mean and biased covariance (+ regCovar)', () => {
  const X = correlated(7, 120);
  const w = Array.from({ length: X.rows }, (_, i) => [0, 0.5, 1, 2, 3.25][i % 5]);
  for (const type of TYPES) {
    for (const init of INITS) {
      for (const weighted of [false, true]) {
        it(`${type}, ${init}${weighted ? ', sampleWeight' : ''}`, () => {
          const reg = 1e-3;
          const gm = new GaussianMixture({ nComponents: 1, covarianceType: type, initParams: init, regCovar: reg, tol: 1e-10, seed: 3 })
            .fit(X, weighted ? { sampleWeight: w } : {});
          const m = moments(X, weighted ? w : null);
          expect(modelProblems(gm)).toEqual([]);
          expect(gm.converged).toBe(true);
          expect(Array.from(gm.weights)).toEqual([1]);
          expect(maxRelDiff(gm.means.data, m.mean)).toBeLessThan(1e-12);
          const cov = expectedCovariance(type, m.cov, reg);
          expect(maxRelDiff(gm.covariances, cov)).toBeLessThan(1e-10);
          // the lower bound is the (weighted) mean log-likelihood of that Gaussian …
          const C = asFull(type, cov, 3);
          expect(Math.abs(gm.lowerBound - gaussianMeanLogLik(X, weighted ? w : null, m.mean, C))).toBeLessThan(1e-10);
          // … and score() is the unweighted one
          expect(Math.abs(gm.score(X) - gaussianMeanLogLik(X, null, m.mean, C))).toBeLessThan(1e-10);
          // precision factor: U Uᵀ = Σ⁻¹, i.e. Σ U Uᵀ = I
          const U = asFull(type, Array.from(gm.precisionsCholesky), 3);
          if (type === 'full' || type === 'tied') {
            for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
              let s = 0;
              for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) s += C[i][k] * U[k][l] * U[j][l];
              expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-9);
            }
          } else {
            for (let i = 0; i < 3; i++) expect(Math.abs(C[i][i] * U[i][i] ** 2 - 1)).toBeLessThan(1e-12);
          }
        });
      }
    }
  }
  it('tied equals full when nComponents = 1', () => {
    const full = new GaussianMixture({ covarianceType: 'full' }).fit(X);
    const tied = new GaussianMixture({ covarianceType: 'tied' }).fit(X);
    expect(maxRelDiff(tied.covariances, full.covariances)).toBeLessThan(1e-14);
    expect(maxRelDiff(tied.precisionsCholesky, full.precisionsCholesky)).toBeLessThan(1e-12);
    expect(Math.abs(tied.lowerBound - full.lowerBound)).toBeLessThan(1e-13);
  });
  it('regCovar is added to the diagonal only', () => {
    const a = new GaussianMixture({ regCovar: 0 }).fit(X);
    const b = new GaussianMixture({ regCovar: 0.25 }).fit(X);
    const diff = Array.from(b.covariances, (v, i) => v - a.covariances[i]);
    expect(maxRelDiff(diff, [0.25, 0, 0, 0, 0.25, 0, 0, 0, 0.25])).toBeLessThan(1e-9);
  });
});

describe('well-separated clusters are recovered', () => {
  // three clusters 25 standard deviations apart, of different spread and size
  const centers = [[0, 0], [25, -5], [-10, 30]];
  const { X, labels } = blobs(11, centers, 80, [1, 0.5, 2]);
  for (const type of TYPES) {
    for (const init of INITS) {
      it(`${type}, ${init}`, () => {
        // k-means++ / random_from_data starts can put two components in one cluster (a local
        // optimum): a few restarts are part of the method, the best lower bound wins.
        // 'random' responsibilities start every component near the data mean, a saddle
        // point EM leaves slowly (for 'tied' the lower bound changes by < 1e-6 per
        // iteration at first, so any tol stops it there, as in scikit-learn): run it with
        // tol 0 for a fixed number of iterations.
        const opts = init === 'random' ? { tol: 0, maxIter: 300 } : { nInit: init === 'kmeans' ? 1 : 4 };
        const gm = new GaussianMixture({ nComponents: 3, covarianceType: type, initParams: init, seed: 5, ...opts });
        const pred = gm.fitPredict(X);
        expect(modelProblems(gm)).toEqual([]);
        expect(sameUpToPermutation(pred, labels)).toBe(true);
        // every true centre has a fitted mean within 0.5
        const mu = gm.means;
        for (const c of centers) {
          const dist = Math.min(...[0, 1, 2].map((k) => Math.hypot(mu.data[2 * k] - c[0], mu.data[2 * k + 1] - c[1])));
          expect(dist).toBeLessThan(0.5);
        }
        for (const wk of gm.weights) expect(Math.abs(wk - 1 / 3)).toBeLessThan(1e-6);
      });
    }
  }
});

describe('precisions are the inverse covariances, formed from their factors', () => {
  for (const type of TYPES) {
    it(type, () => {
      const X = correlated(7, 300);
      expect(() => new GaussianMixture({ covarianceType: type }).precisions).toThrow(/precisions needs a fitted model/);
      const gm = new GaussianMixture({ nComponents: 2, covarianceType: type, seed: 3 }).fit(X);
      const P = gm.precisions, S = gm.covariances, U = gm.precisionsCholesky;
      expect(P.length).toBe(S.length);
      const d = 3;
      if (type === 'diag' || type === 'spherical') {
        // p = u² exactly, and p·σ² = 1 up to the rounding of u = 1/σ
        for (let i = 0; i < P.length; i++) {
          expect(P[i]).toBe(U[i] * U[i]);
          expect(Math.abs(P[i] * S[i] - 1)).toBeLessThan(1e-14);
        }
        return;
      }
      for (let k = 0; k < P.length / (d * d); k++) {
        const o = k * d * d;
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            // exactly symmetric, U Uᵀ within rounding, and P Σ = I within the conditioning
            expect(P[o + i * d + j]).toBe(P[o + j * d + i]);
            let uut = 0, ps = 0;
            for (let m = 0; m < d; m++) {
              uut += U[o + i * d + m] * U[o + j * d + m];
              ps += P[o + i * d + m] * S[o + m * d + j];
            }
            expect(Math.abs(P[o + i * d + j] - uut)).toBeLessThan(1e-15 * Math.max(1, Math.abs(uut)));
            expect(Math.abs(ps - (i === j ? 1 : 0))).toBeLessThan(1e-11);
          }
        }
      }
    });
  }
});
