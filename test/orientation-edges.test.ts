// Edges of EVE and VVE (assembly/orientation.ts) that the mclust fixtures leave open, checked
// against the M-step's own optimality conditions rather than against another implementation:
// after one (warm) M-step the common orientation is stationary, the shapes and the EVE volume
// are the maxima for it, no nearby member of the model does better, and the expected
// complete-data log-likelihood has not dropped. Plus the degenerate shapes: d = 1, K = 1, and
// shapes tied within a component (isotropic scatter), where the plane rotation is undefined.
import { beforeAll, describe, expect, it } from 'vitest';
import { GaussianMixture, type Matrix } from '../src/index.js';
import { errorCode, inverse, loadCore, matrix, oneMoreIteration, overlapping, weightedCovariances } from './helpers.js';
import { core } from '../src/core/core.js';
import { arenaFor } from '../src/core/arena.js';

beforeAll(loadCore);

const MODELS = ['EVE', 'VVE'] as const;
type Model = (typeof MODELS)[number];

// ---- small dense linear algebra (row-major d×d) ---------------------------------------------

function mul(a: number[], b: number[], d: number): number[] {
  const c = new Array(d * d).fill(0);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let m = 0; m < d; m++) c[i * d + j] += a[i * d + m] * b[m * d + j];
  return c;
}
function transpose(a: number[], d: number): number[] {
  return Array.from({ length: d * d }, (_, j) => a[(j % d) * d + Math.floor(j / d)]);
}
/** Eigenvectors (columns of V) of a symmetric matrix, by cyclic Jacobi (an independent one). */
function eigenvectors(a0: number[], d: number): number[] {
  const a = a0.slice(), V: number[] = Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) if (p !== q) off += a[p * d + q] ** 2;
    if (off < 1e-30 * a.reduce((s, v) => s + v * v, 0)) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        if (a[p * d + q] === 0) continue;
        const phi = 0.5 * Math.atan2(2 * a[p * d + q], a[q * d + q] - a[p * d + p]);
        const c = Math.cos(phi), s = Math.sin(phi);
        for (let k = 0; k < d; k++) {
          const x = a[k * d + p], y = a[k * d + q];
          a[k * d + p] = c * x - s * y; a[k * d + q] = s * x + c * y;
        }
        for (let k = 0; k < d; k++) {
          const x = a[p * d + k], y = a[q * d + k];
          a[p * d + k] = c * x - s * y; a[q * d + k] = s * x + c * y;
        }
        for (let k = 0; k < d; k++) {
          const x = V[k * d + p], y = V[k * d + q];
          V[k * d + p] = c * x - s * y; V[k * d + q] = s * x + c * y;
        }
      }
    }
  }
  return V;
}
const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));

// ---- one M-step and what it was given ---------------------------------------------------------

interface Step {
  K: number; d: number; X: Matrix;
  /** responsibilities of the E-step (the previous parameters') */
  R: Float64Array;
  prev: GaussianMixture; next: GaussianMixture;
  n: number[]; S: number[][]; sigma: number[][];
}

/** A fit of `iters` iterations, then one more EM iteration from it (warm: the M-step starts
 *  from the E-step's orientation), with the M-step's statistics recomputed here. */
function oneStep(model: Model, X: Matrix, K: number, iters: number, seed: number): Step {
  const d = X.cols;
  const prev = new GaussianMixture({ nComponents: K, covarianceType: model, regCovar: 0, tol: 0, maxIter: iters, seed }).fit(X);
  const next = oneMoreIteration(prev, X);
  const R = prev.predictProba(X).data;
  const { n, S } = weightedCovariances(X, R, K, next.means.data);
  const sigma = Array.from({ length: K }, (_, k) => Array.from(next.covariances.subarray(k * d * d, (k + 1) * d * d)));
  return { K, d, X, R, prev, next, n, S, sigma };
}

/** The common orientation of the fitted covariances: the eigenvectors of a generic combination
 *  of them (they commute, so it has their eigenvectors, and distinct eigenvalues). */
function orientationOf(st: Step): number[] {
  const { K, d } = st;
  const comb = new Array(d * d).fill(0);
  for (let k = 0; k < K; k++) for (let j = 0; j < d * d; j++) comb[j] += Math.cos(1 + 0.7 * k) ** 2 * (k + 1.3) * st.sigma[k][j];
  return eigenvectors(comb, d);
}

/** Σₖ Σᵢ rᵢₖ log(wₖ N(xᵢ | μₖ, Σₖ)) for given parameters (the E-step's responsibilities R). */
function expectedLogLik(st: Step, w: ArrayLike<number>, mu: ArrayLike<number>, cov: number[][]): number {
  const { K, d, X, R } = st;
  let q = 0;
  for (let k = 0; k < K; k++) {
    const P = inverse(cov[k], d);
    // log|Σ| from the Gauss–Jordan pivots: the product of the eigenvalues
    const V = eigenvectors(cov[k], d), L = mul(transpose(V, d), mul(cov[k], V, d), d);
    let logDet = 0;
    for (let j = 0; j < d; j++) logDet += Math.log(L[j * d + j]);
    const c = Math.log(w[k]) - 0.5 * (d * Math.log(2 * Math.PI) + logDet);
    for (let i = 0; i < X.rows; i++) {
      let m = 0;
      for (let a = 0; a < d; a++) {
        const xa = X.data[i * d + a] - mu[k * d + a];
        for (let b = 0; b < d; b++) m += xa * P[a * d + b] * (X.data[i * d + b] - mu[k * d + b]);
      }
      q += R[i * K + k] * (c - 0.5 * m);
    }
  }
  return q;
}

/** Σₖ = D diag(Λₖ) Dᵀ */
function compose(D: number[], lam: number[], d: number): number[] {
  const c = new Array(d * d).fill(0);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let m = 0; m < d; m++) c[i * d + j] += D[i * d + m] * lam[m] * D[j * d + m];
  return c;
}

// strongly different spreads per feature and per component, so shapes and orientation matter
function stretched(seed: number, n: number, d: number, K: number): Matrix {
  const X = overlapping(seed, n, d, K);
  for (let i = 0; i < X.rows; i++) {
    const k = i % K;
    // a per-component shear and stretch: the components' orientations differ, so the common one is a compromise
    const row = Array.from(X.data.subarray(i * d, (i + 1) * d));
    for (let j = 0; j < d; j++) X.data[i * d + j] = row[j] * (1 + 2 * ((j + k) % d)) + (j > 0 ? (k - 1) * 0.8 * row[j - 1] : 0);
  }
  return X;
}

const CASES: { name: string; X: Matrix; K: number; iters: number; seed: number }[] = [
  { name: 'd = 3, K = 3', X: stretched(21, 450, 3, 3), K: 3, iters: 2, seed: 1 },
  { name: 'd = 4, K = 2', X: stretched(5, 400, 4, 2), K: 2, iters: 1, seed: 4 },
  { name: 'd = 5, K = 4', X: stretched(8, 600, 5, 4), K: 4, iters: 3, seed: 2 },
];

describe('EVE and VVE: one warm M-step meets its optimality conditions', () => {
  for (const model of MODELS) {
    for (const c of CASES) {
      it(`${model}, ${c.name}: the covariances commute${model === 'EVE' ? ', with equal determinants' : ''}`, () => {
        const st = oneStep(model, c.X, c.K, c.iters, c.seed), { K, d, sigma } = st;
        for (let k = 0; k < K; k++) {
          for (let l = k + 1; l < K; l++) {
            const ab = mul(sigma[k], sigma[l], d), ba = mul(sigma[l], sigma[k], d);
            expect(maxAbs(ab.map((v, j) => v - ba[j]))).toBeLessThan(1e-11 * maxAbs(sigma[k]) * maxAbs(sigma[l]));
          }
        }
        if (model === 'EVE') {
          const D = orientationOf(st);
          const logDet = sigma.map((s) => {
            const L = mul(transpose(D, d), mul(s, D, d), d);
            return Array.from({ length: d }, (_, j) => Math.log(L[j * d + j])).reduce((a, b) => a + b, 0);
          });
          for (let k = 1; k < K; k++) expect(Math.abs(logDet[k] - logDet[0])).toBeLessThan(1e-11 * d);
        }
      });

      it(`${model}, ${c.name}: the orientation is stationary: Σₖ nₖ (Σₖ⁻¹Sₖ − SₖΣₖ⁻¹) = 0 (Q = 0 in every plane)`, () => {
        // in the basis D this matrix's (p, q) entry is the rotation's Q = Σₖ nₖ (Mₖₚ − Mₖq) Tₖₚq,
        // M = Λ⁻¹: zero for every pair p < q exactly when no plane rotation lowers the objective
        // to first order
        const st = oneStep(model, c.X, c.K, c.iters, c.seed), { K, d } = st;
        const G = new Array(d * d).fill(0);
        let scale = 0;
        for (let k = 0; k < K; k++) {
          const PS = mul(inverse(st.sigma[k], d), st.S[k], d), SP = transpose(PS, d);
          for (let j = 0; j < d * d; j++) G[j] += st.n[k] * (PS[j] - SP[j]);
          scale += st.n[k] * maxAbs(PS);
        }
        expect(maxAbs(G)).toBeLessThan(1e-9 * scale);
      });

      it(`${model}, ${c.name}: the shapes${model === 'EVE' ? ' and the volume' : ''} are the maxima for the orientation`, () => {
        const st = oneStep(model, c.X, c.K, c.iters, c.seed), { K, d } = st;
        const D = orientationOf(st), Dt = transpose(D, d);
        const T = st.S.map((s) => mul(Dt, mul(s, D, d), d)), L = st.sigma.map((s) => mul(Dt, mul(s, D, d), d));
        const geo: number[] = [];
        for (let k = 0; k < K; k++) {
          // Λₖ diagonal in D
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j) expect(Math.abs(L[k][i * d + j])).toBeLessThan(1e-11 * maxAbs(L[k]));
          const t = Array.from({ length: d }, (_, j) => T[k][j * d + j]), l = Array.from({ length: d }, (_, j) => L[k][j * d + j]);
          geo.push(Math.exp(t.reduce((a, v) => a + Math.log(v), 0) / d));
          for (let j = 0; j < d; j++) {
            // VVE: Λₖ = diag(Tₖ); EVE: Λₖ = λ diag(Tₖ)/gₖ (gₖ its geometric mean)
            const want = model === 'VVE' ? t[j] : t[j] / geo[k];
            if (model === 'VVE') expect(Math.abs(l[j] - want)).toBeLessThan(1e-10 * want);
            else expect(Math.abs(l[j] / want - l[0] / (t[0] / geo[k]))).toBeLessThan(1e-10 * (l[0] / (t[0] / geo[k])));
          }
          if (model === 'EVE') {
            // λ = Σₖ nₖ gₖ / n
            const lambda = l[0] / (t[0] / geo[k]);
            const n = st.n.reduce((a, b) => a + b, 0);
            const want = st.n.reduce((a, nk, kk) => a + nk * (kk < geo.length ? geo[kk] : 0), 0);
            if (k === K - 1) expect(Math.abs(lambda - want / n)).toBeLessThan(1e-10 * lambda);
          }
        }
      });

      it(`${model}, ${c.name}: no rotation of the orientation in any plane, and no change of a shape, does better`, () => {
        const st = oneStep(model, c.X, c.K, c.iters, c.seed), { K, d } = st;
        const w = st.next.weights, mu = st.next.means.data;
        const best = expectedLogLik(st, w, mu, st.sigma);
        const D = orientationOf(st), Dt = transpose(D, d);
        const lam = st.sigma.map((s) => { const L = mul(Dt, mul(s, D, d), d); return Array.from({ length: d }, (_, j) => L[j * d + j]); });
        // the model's own parameters give its covariances back
        expect(Math.abs(expectedLogLik(st, w, mu, lam.map((l) => compose(D, l, d))) - best)).toBeLessThan(1e-10 * Math.abs(best));
        const tries: number[][][] = [];
        for (const eps of [1e-3, -1e-3, 2e-2, -2e-2]) {
          // one rotation of two columns of D (the orientation stays common)
          for (let p = 0; p < d - 1; p++) {
            for (let q = p + 1; q < d; q++) {
              const E = D.slice(), co = Math.cos(eps), si = Math.sin(eps);
              for (let i = 0; i < d; i++) {
                E[i * d + p] = co * D[i * d + p] + si * D[i * d + q];
                E[i * d + q] = co * D[i * d + q] - si * D[i * d + p];
              }
              tries.push(lam.map((l) => compose(E, l, d)));
            }
          }
          // shapes: one component's two entries traded at a fixed determinant (EVE), or one entry (VVE)
          for (let k = 0; k < K; k++) {
            for (let p = 0; p < d; p++) {
              const l2 = lam.map((l) => l.slice());
              l2[k][p] *= Math.exp(eps);
              if (model === 'EVE') l2[k][(p + 1) % d] *= Math.exp(-eps);
              tries.push(l2.map((l) => compose(D, l, d)));
            }
          }
          // the volume: EVE's common one, VVE's per component
          if (model === 'EVE') tries.push(lam.map((l) => compose(D, l.map((v) => v * Math.exp(eps)), d)));
          else for (let k = 0; k < K; k++) tries.push(lam.map((l, kk) => compose(D, kk === k ? l.map((v) => v * Math.exp(eps)) : l, d)));
        }
        for (const cov of tries) expect(expectedLogLik(st, w, mu, cov)).toBeLessThan(best + 1e-11 * Math.abs(best));
      });

      it(`${model}, ${c.name}: the M-step does not lower the expected complete-data log-likelihood`, () => {
        const st = oneStep(model, c.X, c.K, c.iters, c.seed), { K, d } = st;
        const before = expectedLogLik(st, st.prev.weights, st.prev.means.data,
          Array.from({ length: K }, (_, k) => Array.from(st.prev.covariances.subarray(k * d * d, (k + 1) * d * d))));
        const after = expectedLogLik(st, st.next.weights, st.next.means.data, st.sigma);
        expect(after).toBeGreaterThanOrEqual(before - 1e-12 * Math.abs(before));
        // and the fit's own lower bounds do not fall over many iterations
        const bounds: number[] = [];
        new GaussianMixture({ nComponents: K, covarianceType: model, regCovar: 0, tol: 0, maxIter: 30, seed: c.seed })
          .fit(c.X, { onIteration: (i) => bounds.push(i.lowerBound) });
        for (let i = 1; i < bounds.length; i++) expect(bounds[i]).toBeGreaterThanOrEqual(bounds[i - 1] - 1e-12 * Math.abs(bounds[i - 1]));
      });
    }
  }
});

describe('EVE and VVE: degenerate shapes', () => {
  it('d = 1: EVE is one variance for all (EII), VVE one per component (spherical)', () => {
    const X = overlapping(3, 300, 1, 3);
    for (const [model, same] of [['EVE', 'EII'], ['VVE', 'spherical']] as const) {
      const a = new GaussianMixture({ nComponents: 3, covarianceType: model, regCovar: 0, tol: 0, maxIter: 8, seed: 2 }).fit(X);
      const b = new GaussianMixture({ nComponents: 3, covarianceType: same, regCovar: 0, tol: 0, maxIter: 8, seed: 2 }).fit(X);
      const ca = Array.from(a.covariances), cb = Array.from(b.covariances);
      expect(ca.length).toBe(3);
      for (let k = 0; k < 3; k++) expect(Math.abs(ca[k] - cb[same === 'EII' ? 0 : k])).toBeLessThan(1e-9 * cb[0]);
      expect(Math.abs(a.lowerBound - b.lowerBound)).toBeLessThan(1e-10 * Math.abs(b.lowerBound));
      // mclust's counts: EVE 1 variance, VVE K
      expect(a.nParameters()).toBe(3 + 2 + (model === 'EVE' ? 1 : 3));
    }
  });

  it('K = 1: EVE and VVE are the full covariance (any orientation that diagonalises S, the shapes its eigenvalues)', () => {
    for (const d of [2, 3, 5]) {
      const X = stretched(11 + d, 200, d, 1);
      const full = new GaussianMixture({ nComponents: 1, covarianceType: 'full', regCovar: 0, maxIter: 3, seed: 0 }).fit(X);
      for (const model of MODELS) {
        const g = new GaussianMixture({ nComponents: 1, covarianceType: model, regCovar: 0, maxIter: 3, seed: 0 }).fit(X);
        const a = full.covariances, b = g.covariances;
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-11 * maxAbs(a));
        // mclust's counts reduce to full's d(d + 1)/2 (+ d means)
        expect(g.nParameters()).toBe(full.nParameters());
      }
    }
  });

  it('tied shapes: isotropic components (every plane rotation undefined, P = Q = 0) give λI, finite', () => {
    // two identical crosses far apart: each component's scatter is exactly ½·I, so every
    // component's shapes tie in every plane
    const cross = [[1, 0], [-1, 0], [0, 1], [0, -1]];
    for (const K of [1, 2]) {
      const rows: number[] = [];
      for (let c = 0; c < K; c++) for (const [a, b] of cross) rows.push(a + 100 * c, b);
      const X = matrix(rows, rows.length / 2, 2);
      for (const model of MODELS) {
        const g = new GaussianMixture({ nComponents: K, covarianceType: model, regCovar: 0, maxIter: 5, seed: 0 }).fit(X);
        const cov = Array.from(g.covariances);
        expect(cov.every(Number.isFinite)).toBe(true);
        for (let k = 0; k < K; k++) {
          expect(cov[k * 4]).toBeCloseTo(0.5, 12);
          expect(cov[k * 4 + 3]).toBeCloseTo(0.5, 12);
          expect(Math.abs(cov[k * 4 + 1])).toBeLessThan(1e-14);
        }
      }
    }
  });

  it('shapes tied across components (every Sₖ a scaled copy of one S): VVE is full, EVE is EVV', () => {
    // each component the same point set, scaled and moved far apart: the responsibilities are
    // 0 and 1, Sₖ = sₖ²S exactly, so one orientation (S's) fits all and every Aₖ is the same
    const d = 3, K = 3, z = stretched(17, 90, d, 1);
    const rows: number[] = [];
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < z.rows; i++) for (let j = 0; j < d; j++) rows.push([1, 2.5, 6][k] * z.data[i * d + j] + 1000 * k * (j === 0 ? 1 : -0.5));
    }
    const X = matrix(rows, K * z.rows, d);
    const fit = (covarianceType: 'full' | 'EVV' | Model) =>
      new GaussianMixture({ nComponents: K, covarianceType, regCovar: 0, maxIter: 3, seed: 3 }).fit(X).covariances;
    for (const [model, same] of [['VVE', 'full'], ['EVE', 'EVV']] as const) {
      const a = fit(same), b = fit(model);
      for (let k = 0; k < K; k++) {
        const ak = a.subarray(k * d * d, (k + 1) * d * d);
        for (let j = 0; j < d * d; j++) expect(Math.abs(ak[j] - b[k * d * d + j])).toBeLessThan(1e-10 * maxAbs(ak));
      }
    }
  });
});

describe('fromParameters: EVE and VVE\'s one-orientation check', () => {
  // Σ₀ = I commutes with everything; Σ₁ = diag(2, ½) and Σ₂ = Σ₁ turned by 45° have equal
  // determinants but no common orientation. Only pairs with component 0 are checked.
  const a = 2, b = 0.5;
  const cov = [[[1, 0], [0, 1]], [[a, 0], [0, b]], [[(a + b) / 2, (a - b) / 2], [(a - b) / 2, (a + b) / 2]]];
  const build = (c: number[][][], m: Model) => () => GaussianMixture.fromParameters(
    { weights: [1 / 3, 1 / 3, 1 / 3], means: [[0, 0], [1, 1], [2, 2]], covariances: c }, { covarianceType: m });
  for (const m of MODELS) {
    it(`${m}: refused when component 0 is not the spherical one`, () => {
      expect(errorCode(build([cov[1], cov[0], cov[2]], m))).toBe('INVALID_ARGUMENT');
    });
    it(`${m}: a turn of 1e-4 rad between two orientations is refused, one of rounding size is not`, () => {
      const turned = (t: number, l: number[]) => {
        const c = Math.cos(t), s = Math.sin(t);
        return [[c * c * l[0] + s * s * l[1], c * s * (l[0] - l[1])], [c * s * (l[0] - l[1]), s * s * l[0] + c * c * l[1]]];
      };
      const two = (t: number) => () => GaussianMixture.fromParameters(
        { weights: [0.5, 0.5], means: [[0, 0], [1, 1]], covariances: [turned(0, [2, 0.5]), turned(t, [0.5, 2])] }, { covarianceType: m });
      expect(errorCode(two(1e-4))).toBe('INVALID_ARGUMENT');
      expect(errorCode(two(1e-7))).toBe('INVALID_ARGUMENT'); // the tolerance is near rounding, not 1e-4
      expect(two(1e-14)().covarianceType).toBe(m);
    });
    // every pair is compared: a spherical Σ₀ commutes with anything, so Σ₀ alone proves nothing
    it(`${m}: refused whatever the order (a spherical component 0 commutes with anything)`, () => {
      expect(errorCode(build(cov, m))).toBe('INVALID_ARGUMENT');
    });
  }
});

describe('EVE and VVE: an EM iteration starts from the E-step\'s orientation', () => {
  // two components elongated (sd 3 against 0.3) along 40° and 85°, far apart: the M-step's
  // objective has a local optimum with D along each. A model whose orientation is 40° (its
  // component 0 isotropic, so only Σ₀ + Σ₁ and not Σ₀ alone shows it) must stay in that basin
  // for one iteration, as mclust carries its orientation; a start from Σₖ nₖSₖ (heavier
  // component along 85°) or from the identity would fall into the other one.
  const rot = (deg: number) => { const t = (deg * Math.PI) / 180; return [Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t)]; };
  function cloud(seed: number, n: number, deg: number, cx: number, sd = 3): number[] {
    const R = rot(deg), z = overlapping(seed, n, 2, 1), out: number[] = [];
    for (let i = 0; i < n; i++) {
      const u = sd * z.data[2 * i], v = 0.1 * sd * z.data[2 * i + 1] / 1.3;
      out.push(cx + R[0] * u + R[1] * v, R[2] * u + R[3] * v);
    }
    return out;
  }
  const X = matrix([...cloud(1, 300, 85, 0), ...cloud(2, 200, 40, 60)], 500, 2);
  /** The orientation's angle in [0°, 90°), from Σ₁'s eigenvectors. */
  const angle = (c: Float64Array) => {
    const a = c[4], b = c[5], d = c[7];
    const deg = (0.5 * Math.atan2(2 * b, a - d) * 180) / Math.PI;
    return ((deg % 90) + 90) % 90;
  };
  for (const model of MODELS) {
    it(`${model}: one iteration from an orientation of 40° stays near 40°`, () => {
      const R = rot(40), l = [9, 0.09];
      const s1 = [0, 1, 2, 3].map((j) => { const i = j >> 1, k = j & 1; return R[i * 2] * l[0] * R[k * 2] + R[i * 2 + 1] * l[1] * R[k * 2 + 1]; });
      const gm = GaussianMixture.fromParameters({ weights: [0.6, 0.4], means: [[0, 0], [60, 0]], covariances: [[[0.9, 0], [0, 0.9]], [[s1[0], s1[1]], [s1[2], s1[3]]]] },
        { covarianceType: model, regCovar: 0, warmStart: true, maxIter: 1, tol: 0 });
      expect(angle(gm.covariances)).toBeCloseTo(40, 6);
      gm.fit(X);
      const a = angle(gm.covariances);
      expect(Math.abs(a - 40)).toBeLessThan(15);
      // the cold start (a first M-step, from the same labels) lands in the other basin
      const labels = Int32Array.from({ length: 500 }, (_, i) => (i < 300 ? 0 : 1));
      const cold = new GaussianMixture({ nComponents: 2, covarianceType: model, regCovar: 0, maxIter: 1, tol: 0 }).fit(X, { initLabels: labels });
      expect(Math.abs(angle(cold.covariances) - 85)).toBeLessThan(15);
    });
  }

  it('the first M-step of a start (no E-step before it) starts from Σₖ nₖSₖ: the heavier component\'s basin', () => {
    // 450 rows along 85° (sd 3), 50 along 40° (sd 6): Σₖ nₖSₖ leans to 85°, Σₖ Sₖ to 40°
    const Y = matrix([...cloud(3, 450, 85, 0), ...cloud(4, 50, 40, 60, 6)], 500, 2);
    const labels = Int32Array.from({ length: 500 }, (_, i) => (i < 450 ? 0 : 1));
    for (const model of MODELS) {
      const cold = new GaussianMixture({ nComponents: 2, covarianceType: model, regCovar: 0, maxIter: 1, tol: 0 }).fit(Y, { initLabels: labels });
      expect(Math.abs(angle(cold.covariances) - 85)).toBeLessThan(15);
    }
  });
});

describe('EVE and VVE: the orientation carried between iterations', () => {
  const rot = (deg: number) => { const t = (deg * Math.PI) / 180; return [Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t)]; };
  const cov2 = (deg: number, l: number[]) => {
    const R = rot(deg);
    return [0, 1].map((i) => [0, 1].map((k) => R[i * 2] * l[0] * R[k * 2] + R[i * 2 + 1] * l[1] * R[k * 2 + 1]));
  };
  function cloud(seed: number, n: number, deg: number, cx: number): number[] {
    const R = rot(deg), z = overlapping(seed, n, 2, 1), out: number[] = [];
    for (let i = 0; i < n; i++) {
      const u = 3 * z.data[2 * i], v = (0.3 * z.data[2 * i + 1]) / 1.3;
      out.push(cx + R[0] * u + R[1] * v, R[2] * u + R[3] * v);
    }
    return out;
  }

  // A helper's audit: shapes whose plain sum Σ₀ + Σ₁ + Σ₂ is isotropic made every orientation
  // an eigenbasis of it, so the start was arbitrary and one iteration lowered the likelihood
  // (−4.3325 → −4.6019, the orientation jumping from 40° to 69°).
  for (const model of MODELS) {
    it(`${model}: an iteration from shapes whose sum is isotropic keeps the orientation and never lowers the likelihood`, () => {
      // the audit's data: its own generator (an LCG and Box–Muller), three clouds along 70°, 40° and 130°
      let seed = 4242;
      const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
      const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-300)) * Math.cos(2 * Math.PI * rnd());
      const lcgCloud = (n: number, deg: number, cx: number): number[] => {
        const R = rot(deg), out: number[] = [];
        for (let i = 0; i < n; i++) { const u = 3 * gauss(), v = (0.3 * gauss()) / 1.3; out.push(cx + R[0] * u + R[1] * v, R[2] * u + R[3] * v); }
        return out;
      };
      const X = matrix([...lcgCloud(300, 70, 0), ...lcgCloud(200, 40, 60), ...lcgCloud(200, 130, -60)], 700, 2);
      const L = [[7.06, 2.357], [9.471, 0.05201]];
      const t = Math.max(L[0][0] + L[1][0], L[0][1] + L[1][1]) + 0.05311;
      const L2 = [t - L[0][0] - L[1][0], t - L[0][1] - L[1][1]];
      // EVE needs equal volumes: scale each shape to determinant 1
      const vol = (l: number[]) => (model === 'EVE' ? l.map((v) => v / Math.sqrt(l[0] * l[1])) : l);
      const gm = GaussianMixture.fromParameters({ weights: [0.43, 0.285, 0.285], means: [[0, 0], [60, 0], [-60, 0]],
        covariances: [cov2(40.133, vol(L[0])), cov2(40.133, vol(L[1])), cov2(40.133, vol(L2))] },
      { covarianceType: model, regCovar: 0, warmStart: true, maxIter: 1, tol: 0 });
      const before = gm.score(X);
      gm.fit(X);
      expect(gm.score(X)).toBeGreaterThanOrEqual(before - 1e-12);
    });
  }

  // a mutation audit: the M-step after statistics about a shift takes the warm start as well
  const X2 = matrix([...cloud(1, 300, 85, 0), ...cloud(2, 200, 40, 60)], 500, 2);
  for (const model of MODELS) {
    it(`${model}: applyStatistics about a shift is the M-step about none (both start from the E-step's orientation)`, () => {
      const R = rot(40), l = [9, 0.09];
      const s1 = [0, 1, 2, 3].map((j) => { const i = j >> 1, k = j & 1; return R[i * 2] * l[0] * R[k * 2] + R[i * 2 + 1] * l[1] * R[k * 2 + 1]; });
      const make = () => GaussianMixture.fromParameters({ weights: [0.6, 0.4], means: [[0, 0], [60, 0]],
        covariances: [[[0.9, 0], [0, 0.9]], [[s1[0], s1[1]], [s1[2], s1[3]]]] }, { covarianceType: model, regCovar: 0 });
      const a = make(), b = make();
      a.applyStatistics(a.computeStatistics(X2));
      b.applyStatistics(b.computeStatistics(X2, { shift: [0.5, 0.25, 60.5, -0.25] }));
      const scale = Math.max(...Array.from(a.covariances, Math.abs));
      a.covariances.forEach((v, i) => expect(Math.abs(v - b.covariances[i])).toBeLessThan(1e-6 * scale));
    });
  }
});

describe('symmetricEigen (assembly/eigen.ts)', () => {
  it('is accurate to rounding and sorts the eigenvalues in descending order', () => {
    const c = core(), arena = arenaFor(c), d = 3;
    const A = [4, 3e-9, 0, 3e-9, 1, 2e-9, 0, 2e-9, 0.25];
    const a = arena.allocF64(d * d), V = arena.allocF64(d * d), w = arena.allocF64(d);
    arena.f64(a, d * d).set(A);
    c.symmetricEigen(a, d, w, V);
    const vals = Array.from(arena.f64(w, d)), vec = Array.from(arena.f64(V, d * d));
    expect(vals[0]).toBeGreaterThan(vals[1]);
    expect(vals[1]).toBeGreaterThan(vals[2]);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let r = 0;
        for (let k = 0; k < d; k++) r += A[i * d + k] * vec[k * d + j];
        expect(Math.abs(r - vals[j] * vec[i * d + j])).toBeLessThan(4e-15);
      }
    }
  });
});
