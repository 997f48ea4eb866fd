// The data's weighted mean and covariance in JavaScript, for the small d×d computations that
// need them once (hypervolume's principal axes, MclustDR's Σ): sums in row order, exact
// arithmetic only, so every runtime gives the same bits.
import type { Matrix } from './validate.js';

/** The rows' mean and covariance weighted by w (rows of weight 0 left out), the covariance's
 *  divisor Σw: with no weights n, R's cov.wt(method = "ML"), as princomp and MclustDR take it. */
export function weightedMoments(m: Matrix, w: Float64Array | null): { mean: Float64Array; cov: Float64Array } {
  const d = m.cols, mean = new Float64Array(d), cov = new Float64Array(d * d);
  let total = 0;
  for (let i = 0; i < m.rows; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    total += wi;
    for (let j = 0; j < d; j++) mean[j] += wi * m.data[i * d + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= total;
  for (let i = 0; i < m.rows; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    for (let a = 0; a < d; a++) {
      const xa = wi * (m.data[i * d + a] - mean[a]);
      for (let b = 0; b < d; b++) cov[a * d + b] += xa * (m.data[i * d + b] - mean[b]);
    }
  }
  for (let a = 0; a < d * d; a++) cov[a] /= total;
  return { mean, cov };
}
