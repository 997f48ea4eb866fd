// mclust's MclustDR (Scrucca 2010, "Dimension reduction for model-based clustering"): the
// directions that show a fitted mixture's clusters (or a classifier's classes, or a noise
// fit's Gaussians) best. With Σ
// the data's covariance (divisor n), μ their mean, and the components' weights fₖ, means μₖ
// and covariances Σₖ (S = Σₖ fₖΣₖ):
//   M_I  = Σₖ fₖ (μₖ − μ)(μₖ − μ)ᵀ                      (the spread of the means)
//   M_II = Σₖ fₖ (Σₖ − S) Σ⁻¹ (Σₖ − S)                   (the spread of the covariances)
//   M    = 2λ M_I Σ⁻¹ M_I + 2(1 − λ) M_II
// and the basis is M's generalised eigenvectors with respect to Σ: Σ^{-1/2} M Σ^{-1/2} = U L Uᵀ
// (the core's Jacobi), v = Σ^{-1/2} u, each normalised to unit length; the directions are the
// centred data times the basis. Σ^{-1/2} from Σ's eigenvectors, leaving out the eigenvalues
// below tol times the largest (a singular Σ), as mclust does.
import { GmmError } from '../core/errors.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { MixtureDiscriminant } from './discriminant.js';
import { MixtureWithNoise } from './noise-mixture.js';
import { fullCovariance } from './params.js';
import { eigenDecomposition } from './factors.js';
import { weightedMoments } from './moments.js';
import { structureOf } from './covariance-models.js';
import { describe, toMatrix, type Matrix, type MatrixInput } from './validate.js';
import { checkKeys } from './option-names.js';

export interface DimensionReduction {
  /** d × numDirections: the basis, one unit-length direction per column (sign arbitrary, as in R). */
  basis: Matrix;
  /** The generalised eigenvalues, descending (d of them; negative rounding set to 0). */
  eigenvalues: Float64Array;
  /** Directions with an eigenvalue above √eps: at most d (λ = 1: at most K − 1). */
  numDirections: number;
  /** n × numDirections: X centred on its mean, times the basis. */
  directions: Matrix;
}

/** The components (weights, means, full covariances) of a mixture or of a classifier's class
 *  mixtures (weights times the classes' shares of the rows, as MclustDR's). */
function componentsOf(model: GaussianMixture | MixtureDiscriminant | MixtureWithNoise, d: number): { f: number[]; mu: Float64Array[]; cov: Float64Array[] } {
  if (model instanceof MixtureWithNoise && model.nComponents === 0) {
    throw new GmmError('INVALID_ARGUMENT', 'dimensionReduction: this MixtureWithNoise is the noise alone (nComponents 0): it has no ' +
      'components whose directions could be found.');
  }
  const models = model instanceof MixtureDiscriminant ? model.models : [model instanceof MixtureWithNoise ? model.mixture : model];
  // a noise fit's Gaussians keep their weights in the whole mixture, (1 − π₀)·wₖ, as MclustDR takes them
  const shares = model instanceof MixtureDiscriminant ? Array.from(model.shares) : [model instanceof MixtureWithNoise ? 1 - model.noiseWeight : 1];
  const f: number[] = [], mu: Float64Array[] = [], cov: Float64Array[] = [];
  models.forEach((gm, c) => {
    if (gm.nFeatures !== d) throw new GmmError('FEATURE_MISMATCH', `X has ${d} features but the model has ${gm.nFeatures}.`);
    const type = structureOf(gm.covarianceType);
    for (let k = 0; k < gm.nComponents; k++) {
      f.push(gm.weights[k] * shares[c]);
      mu.push(gm.means.data.slice(k * d, (k + 1) * d));
      cov.push(fullCovariance(type, d, gm.covariances, k));
    }
  });
  return { f, mu, cov };
}

function multiply(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const v = a[i * d + k];
    for (let j = 0; j < d; j++) out[i * d + j] += v * b[k * d + j];
  }
  return out;
}

/**
 * MclustDR(model, lambda): the directions of X (the data the model was fitted to) that show
 * its clusters, from a fitted GaussianMixture or MixtureDiscriminant. λ in [0, 1] weighs the
 * means' spread (1, mclust's default) against the covariances'.
 */
export function dimensionReduction(model: GaussianMixture | MixtureDiscriminant | MixtureWithNoise, X: MatrixInput,
  options: { lambda?: number } = {}): DimensionReduction {
  if (!(model instanceof GaussianMixture || model instanceof MixtureDiscriminant || model instanceof MixtureWithNoise) ||
    (model instanceof GaussianMixture && model.options.variational)) {
    throw new GmmError('INVALID_ARGUMENT', 'dimensionReduction needs a fitted GaussianMixture, MixtureDiscriminant or MixtureWithNoise ' +
      `(not a Bayesian mixture); got ${describe(model)}.`);
  }
  if (options === null || typeof options !== 'object') throw new GmmError('INVALID_TYPE', 'dimensionReduction options must be an object such as { lambda: 1 }.');
  checkKeys(options, 'dimensionReduction', ['lambda']);
  const { lambda = 1 } = options;
  if (typeof lambda !== 'number' || !(lambda >= 0 && lambda <= 1)) throw new GmmError('INVALID_OPTION', `lambda must lie in [0, 1]; got ${describe(lambda)}.`);
  const m = toMatrix(X, 'X');
  const n = m.rows, d = m.cols;
  const { f, mu, cov } = componentsOf(model, d);
  // the data's mean and covariance (divisor n)
  const { mean, cov: sigma } = weightedMoments(m, null);
  // Σ^{-1/2} and Σ⁻¹ from Σ's eigenvectors, past eigenvalues below √eps of the largest
  const se = eigenDecomposition(sigma, d);
  const keep = Array.from({ length: d }, (_, j) => j).filter((j) => se.values[j] > Math.max(1.4901161193847656e-8 * se.values[0], 0));
  if (keep.length === 0) throw new GmmError('INVALID_ARGUMENT', 'X has no spread: every feature is constant.');
  const invSqrt = new Float64Array(d * d), inv = new Float64Array(d * d);
  for (const j of keep) {
    const s = 1 / Math.sqrt(se.values[j]), t = 1 / se.values[j];
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
      const vv = se.vectors[a * d + j] * se.vectors[b * d + j];
      invSqrt[a * d + b] += s * vv;
      inv[a * d + b] += t * vv;
    }
  }
  const MI = new Float64Array(d * d), S = new Float64Array(d * d);
  f.forEach((fk, k) => {
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
      MI[a * d + b] += fk * (mu[k][a] - mean[a]) * (mu[k][b] - mean[b]);
      S[a * d + b] += fk * cov[k][a * d + b];
    }
  });
  const M = multiply(multiply(MI, inv, d), MI, d).map((v) => 2 * lambda * v);
  if (lambda < 1) {
    f.forEach((fk, k) => {
      const D = cov[k].map((v, i) => v - S[i]);
      const term = multiply(multiply(D, inv, d), D, d);
      for (let i = 0; i < d * d; i++) M[i] += 2 * (1 - lambda) * fk * term[i];
    });
  }
  // Σ^{-1/2} M Σ^{-1/2} = U L Uᵀ, symmetrised against rounding
  const A = multiply(multiply(invSqrt, M, d), invSqrt, d);
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) A[a * d + b] = A[b * d + a] = (A[a * d + b] + A[b * d + a]) / 2;
  const ge = eigenDecomposition(A, d);
  const eigenvalues = ge.values.map((l) => (l > 0 ? l : 0));
  const numDirections = Math.min(d, eigenvalues.filter((l) => l > 1.4901161193847656e-8).length);
  const basis = new Float64Array(d * numDirections);
  for (let j = 0; j < numDirections; j++) {
    let norm = 0;
    for (let a = 0; a < d; a++) {
      let v = 0;
      for (let b = 0; b < d; b++) v += invSqrt[a * d + b] * ge.vectors[b * d + j];
      basis[a * numDirections + j] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let a = 0; a < d; a++) basis[a * numDirections + j] /= norm;
  }
  const Z = new Float64Array(n * numDirections);
  for (let i = 0; i < n; i++) for (let j = 0; j < numDirections; j++) {
    let v = 0;
    for (let a = 0; a < d; a++) v += (m.data[i * d + a] - mean[a]) * basis[a * numDirections + j];
    Z[i * numDirections + j] = v;
  }
  return { basis: { data: basis, rows: d, cols: numDirections }, eigenvalues, numDirections, directions: { data: Z, rows: n, cols: numDirections } };
}
