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

/** The rows of a block chosen for a core call: large enough to amortise call overhead,
 *  small enough that rows×K responsibilities and the row block stay in cache. Depends
 *  only on the shape, so results do not depend on anything else. */
export function blockRows(K: number, d: number): number {
  const target = Math.floor(16384 / (K + d + 2));
  return Math.max(16, Math.min(512, target & ~1));
}
