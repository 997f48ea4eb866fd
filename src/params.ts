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

/** Rows per block of a core call (even: the SIMD kernels take rows in pairs). Sized so a
 *  block's transposed rows and their per-component differences stay in L1/L2. Depends only
 *  on the shape, so results never depend on anything else. */
export function blockRows(K: number, d: number): number {
  const target = Math.floor(4096 / Math.max(d, 1));
  return Math.max(16, Math.min(512, target)) & ~1;
}
