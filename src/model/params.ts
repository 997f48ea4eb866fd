// The fitted parameters of a mixture, held in JavaScript so that every model is
// independent of the shared WebAssembly memory.
import type { CovarianceType } from './validate.js';

export interface Params {
  covarianceType: CovarianceType;
  K: number;
  d: number;
  weights: Float64Array;          // K
  means: Float64Array;            // K·d row-major
  covariances: Float64Array;      // full K·d·d, tied d·d, diag K·d, spherical K
  precisionsCholesky: Float64Array; // same layout; upper triangular U with Σ⁻¹ = U Uᵀ
}

/** A fitted model: parameters plus how the fit went. */
export interface FittedState {
  params: Params;
  converged: boolean;
  nIter: number;
  lowerBound: number;
}

/** Number of f64 in the covariance / precision-Cholesky array for a type. */
export function paramLength(type: CovarianceType, K: number, d: number): number {
  return type === 'full' ? K * d * d : type === 'tied' ? d * d : type === 'diag' ? K * d : K;
}

/** Rows per block of a core call (even, ≥ 16: the SIMD kernels take rows in pairs and the
 *  E-step four pairs at a time). Sized so a block's transposed rows and differences (d·B)
 *  and its log-densities (K·B) stay in L1/L2. Depends only on the shape, so results never
 *  depend on anything else. */
export function blockRows(K: number, d: number): number {
  const target = Math.floor(Math.min(4096 / Math.max(d, 1), 8192 / K));
  return Math.max(16, Math.min(512, target)) & ~1;
}
