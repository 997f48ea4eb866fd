// The JavaScript GMMs on npm, driven from an explicit start for a fixed number of EM
// iterations, plus a plain f64 log-likelihood evaluator to score their final parameters.
//
// gaussian-mixture-model@1.1.5 (lukapopijac): `new GMM({ weights, means, covariances,
//   bufferSize })`, `addPoint(x)` per row, `runEM(iterations)`. Full covariances only, no
//   reg_covar, responsibilities stored as Float32Array, densities not in log space, and
//   the precision matrix is re-inverted for every (row, component) pair. Its published
//   package imports `cholesky-tools` without declaring it as a dependency; it is a
//   devDependency of gmm-wasm for that reason.
// expectation-maximization@1.5.0 (lovasoa): `fit(points, nGroups, epsilon)` starts from
//   random responsibilities (numeric.random) and loops up to 1000 times until the change of
//   responsibilities is ≤ epsilon (numeric.norminf). There is no API for a start or an
//   iteration count, so for the duration of one call we make numeric.random return the
//   responsibilities of our start (one E-step, computed here in f64) and make
//   numeric.norminf (still computed) report "not converged" until the requested number of
//   iterations is done. Full covariances only; regularisation is numeric.epsilon·I.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------
// Log-likelihood evaluator (f64, log-sum-exp), for parameters given as nested arrays.

function choleskyNested(S) {
  const d = S.length;
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = S[i][j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * d + i] = Math.sqrt(s);
      } else L[i * d + j] = s / L[j * d + j];
    }
  }
  return L;
}

/**
 * For each row of X (flat n×d) under a full-covariance mixture
 * { weights: number[K], means: number[K][d], covariances: number[K][d][d] }, calls
 * row(r, lp, m) with the K weighted log-densities and their maximum. Returns false if a
 * covariance is not positive definite.
 */
function forEachRow(X, n, d, p, row) {
  const K = p.weights.length;
  const Ls = [], consts = [];
  for (let k = 0; k < K; k++) {
    const L = choleskyNested(p.covariances[k]);
    if (!L) return false;
    let logDet = 0;
    for (let i = 0; i < d; i++) logDet += 2 * Math.log(L[i * d + i]);
    Ls.push(L);
    consts.push(Math.log(p.weights[k]) - 0.5 * (d * Math.log(2 * Math.PI) + logDet));
  }
  const y = new Float64Array(d);
  const lp = new Float64Array(K);
  for (let r = 0; r < n; r++) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) {
      const L = Ls[k], mu = p.means[k];
      let q = 0;
      for (let i = 0; i < d; i++) {
        let s = X[r * d + i] - mu[i];
        for (let j = 0; j < i; j++) s -= L[i * d + j] * y[j];
        y[i] = s / L[i * d + i];
        q += y[i] * y[i];
      }
      lp[k] = consts[k] - 0.5 * q;
      if (lp[k] > m) m = lp[k];
    }
    row(r, lp, m);
  }
  return true;
}

/** Mean log-likelihood of rows [0, n) of X; NaN if a covariance is not positive definite. */
export function meanLogLikelihood(X, n, d, p) {
  let total = 0;
  const ok = forEachRow(X, n, d, p, (r, lp, m) => {
    let s = 0;
    for (let k = 0; k < lp.length; k++) s += Math.exp(lp[k] - m);
    total += m + Math.log(s);
  });
  return ok ? total / n : NaN;
}

/** Responsibilities (K arrays of n) of the rows under the parameters (one f64 E-step). */
function responsibilities(X, n, d, p) {
  const K = p.weights.length;
  const out = Array.from({ length: K }, () => new Array(n));
  forEachRow(X, n, d, p, (r, lp, m) => {
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(lp[k] - m);
    for (let k = 0; k < K; k++) out[k][r] = Math.exp(lp[k] - m) / s;
  });
  return out;
}

function rowsOf(X, n, d) {
  const rows = new Array(n);
  for (let r = 0; r < n; r++) rows[r] = Array.from(X.subarray(r * d, r * d + d));
  return rows;
}

// ---------------------------------------------------------------------------------------
// gaussian-mixture-model

let gmmClass; // undefined: not tried; null: unavailable
let gmmError = '';

function loadGmmClass(log) {
  if (gmmClass !== undefined) return gmmClass;
  try {
    // it imports cholesky-tools without declaring it; that is a devDependency of ours
    const mod = require('gaussian-mixture-model');
    gmmClass = mod.default ?? mod;
  } catch (e) {
    gmmClass = null;
    gmmError = (e && e.message) || String(e);
  }
  return gmmClass;
}

// ---------------------------------------------------------------------------------------
// expectation-maximization

let emFit; // undefined: not tried; null: unavailable
let emNumeric;
let emError = '';

function loadEm() {
  if (emFit !== undefined) return emFit;
  try {
    const path = require.resolve('expectation-maximization');
    emFit = require(path);
    emNumeric = createRequire(path)('numeric');
  } catch (e) {
    emFit = null;
    emError = (e && e.message) || String(e);
  }
  return emFit;
}

// ---------------------------------------------------------------------------------------

/**
 * The peers. Each prepare(w, rows) returns { run(iters) → final params } with all
 * per-call setup that does not depend on the iteration count done in run() as well (so
 * that T(N) − T(1) cancels it), or null with a reason.
 */
export const PEERS = [
  {
    name: 'gaussian-mixture-model',
    version: '1.1.5',
    supports: (type) => type === 'full',
    load(log) {
      return loadGmmClass(log) ? null : `cannot load: ${gmmError}`;
    },
    prepare(X, n, d, start) {
      const GMM = loadGmmClass();
      const rows = rowsOf(X, n, d);
      return {
        run(iters) {
          const g = new GMM({
            weights: start.weights.slice(), means: start.means.map((m) => m.slice()),
            covariances: start.covariances.map((S) => S.map((r) => r.slice())), bufferSize: n,
          });
          for (let r = 0; r < n; r++) g.addPoint(rows[r]);
          const sing = g.runEM(iters);
          if (sing) throw new Error('reported a singular covariance');
          return { weights: g.weights, means: g.means, covariances: g.covariances };
        },
      };
    },
  },
  {
    name: 'expectation-maximization',
    version: '1.5.0',
    supports: (type) => type === 'full',
    load() {
      return loadEm() ? null : `cannot load: ${emError}`;
    },
    prepare(X, n, d, start) {
      const fit = loadEm();
      const num = emNumeric;
      const points = rowsOf(X, n, d);
      const resp0 = responsibilities(X, n, d, start);
      const K = start.weights.length;
      return {
        run(iters) {
          const origRandom = num.random, origNorm = num.norminf;
          let calls = 0;
          num.random = (shape) => {
            if (shape[0] !== K || shape[1] !== n) throw new Error('unexpected numeric.random call');
            return resp0.map((r) => r.slice());
          };
          num.norminf = function (x) {
            origNorm.call(this, x); // keep its cost
            calls++;
            return calls >= iters ? 0 : Infinity;
          };
          let groups;
          try {
            groups = fit(points, K, 1e-300);
          } finally {
            num.random = origRandom;
            num.norminf = origNorm;
          }
          if (calls !== iters) throw new Error(`ran ${calls} iterations, expected ${iters}`);
          return { weights: groups.map((g) => g.weight), means: groups.map((g) => g.mu), covariances: groups.map((g) => g.sigma) };
        },
      };
    },
  },
];
