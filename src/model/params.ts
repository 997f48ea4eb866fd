// The fitted parameters of a mixture, held in JavaScript so that every model is
// independent of the shared WebAssembly memory.
import type { CovarianceType } from './validate.js';
import type { PriorParams } from './conjugate-prior.js';

export interface Params {
  covarianceType: CovarianceType;
  K: number;
  d: number;
  weights: Float64Array;          // K
  means: Float64Array;            // K·d row-major
  covariances: Float64Array;      // full K·d·d, tied d·d, diag K·d, spherical K
  precisionsCholesky: Float64Array; // same layout; upper triangular U with Σ⁻¹ = U Uᵀ
  /** The variational posterior (BayesianGaussianMixture only; covariances are then its
   *  W⁻¹/ν, as scikit-learn's). */
  variational?: VariationalParams;
  /** The conjugate prior the fit used (the `prior` option), defaults resolved. */
  prior?: PriorParams;
}

/** The priors of a variational mixture, with the data-dependent defaults resolved. */
export interface Priors {
  weightConcentration: number;   // γ₀
  meanPrecision: number;         // β₀
  mean: Float64Array;            // m₀, d
  degreesOfFreedom: number;      // ν₀ > d − 1
  covariance: Float64Array;      // Ψ₀: full/tied d·d, diag d, spherical 1
}

export interface VariationalParams {
  /** 'dirichlet_process' (stick-breaking Beta(a, b)) or 'dirichlet_distribution' (α). */
  process: boolean;
  weightConcentration: Float64Array; // process: a (K) then b (K); otherwise α (K)
  meanPrecision: Float64Array;       // β, K
  degreesOfFreedom: Float64Array;    // ν, K (tied: 1)
  priors: Priors;
}

export function copyVariational(v: VariationalParams): VariationalParams {
  return {
    process: v.process, weightConcentration: v.weightConcentration.slice(), meanPrecision: v.meanPrecision.slice(),
    degreesOfFreedom: v.degreesOfFreedom.slice(),
    priors: { ...v.priors, mean: v.priors.mean.slice(), covariance: v.priors.covariance.slice() },
  };
}

/** Length of the covariance prior Ψ₀ for a type. */
export function priorLength(type: CovarianceType, d: number): number {
  return type === 'full' || type === 'tied' ? d * d : type === 'diag' ? d : 1;
}

/** A fitted model: parameters plus how the fit went. */
export interface FittedState {
  params: Params;
  converged: boolean;
  nIter: number;
  lowerBound: number;
  /** The lower bound after each EM iteration of the fit kept (scikit-learn's lower_bounds_;
   *  nIter of them): empty when no iteration ran; absent for a file written before
   *  lowerBounds (then unknown, and applyStatistics adds none). */
  lowerBounds?: number[];
  /** The names of the columns the model was fitted on (X's columns), or null/absent. */
  featureNames?: string[] | null;
}

/** The nested shape of a type's covariances (or precisions): [K, d, d], [d, d], [K, d], [K]. */
export function covarianceShape(type: CovarianceType, K: number, d: number): number[] {
  return type === 'full' ? [K, d, d] : type === 'tied' ? [d, d] : type === 'diag' ? [K, d] : [K];
}

/** Number of f64 in the covariance / precision-Cholesky array for a type. */
export function paramLength(type: CovarianceType, K: number, d: number): number {
  return type === 'full' ? K * d * d : type === 'tied' ? d * d : type === 'diag' ? K * d : K;
}

/** Component k's covariance in the type's own layout: d·d (full), the tied d×d matrix for
 *  every k, d variances (diag) or one (spherical); a view of cov. */
export function componentSlice(type: CovarianceType, d: number, cov: Float64Array, k: number): Float64Array {
  const per = paramLength(type, 1, d);
  return type === 'tied' ? cov.subarray(0, d * d) : cov.subarray(k * per, (k + 1) * per);
}

/** Component k's covariance as a full d×d matrix, whatever the type's layout. */
export function fullCovariance(type: CovarianceType, d: number, cov: Float64Array, k: number): Float64Array {
  const c = componentSlice(type, d, cov, k);
  if (type === 'full' || type === 'tied') return c.slice();
  const out = new Float64Array(d * d);
  for (let j = 0; j < d; j++) out[j * d + j] = type === 'diag' ? c[j] : c[0];
  return out;
}

/** Rows per block of a core call (even, ≥ 16: the SIMD kernels take rows in pairs and the
 *  E-step four pairs at a time). Sized so a block's transposed rows and differences (d·B)
 *  and its log-densities (K·B) stay in L1/L2. Depends only on the shape, so results never
 *  depend on anything else. */
export function blockRows(K: number, d: number): number {
  const target = Math.floor(Math.min(4096 / Math.max(d, 1), 8192 / K));
  return Math.max(16, Math.min(512, target)) & ~1;
}
