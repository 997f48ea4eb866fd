// Scoring of a fitted model, streamed in blocks: per-row log-density (log-sum-exp over
// components), responsibilities and labels. Any output pointer may be 0 to skip it.
//
//   lse[r] = log Σₖ wₖ N(xᵣ | k)   resp[r, k] = wₖ N(xᵣ | k) / exp lse[r]   label[r] = argmaxₖ
//   scratch: blockRows·K + d·d + HEADER f64

import { logProbScalar } from './logdensity';
import { normalizeRows } from './estep';
import { HEADER } from './stats';

export function scoreRows(
  x: usize, n: i32, d: i32, K: i32, type: i32,
  means: usize, chol: usize, logConst: usize,
  lseOut: usize, respOut: usize, labelsOut: usize, scratch: usize, blockRows: i32
): void {
  const lp = scratch;
  const tmp = scratch + (<usize>(blockRows * K) << 3);
  const hdr = tmp + (<usize>(d * d) << 3);
  for (let r0 = 0; r0 < n; r0 += blockRows) {
    const rows = min(blockRows, n - r0);
    logProbScalar(x, r0, rows, d, K, type, means, chol, logConst, lp, tmp);
    if (labelsOut) {
      for (let r = 0; r < rows; r++) {
        const row = lp + (<usize>(r * K) << 3);
        let best = 0;
        let bv = load<f64>(row);
        for (let k = 1; k < K; k++) {
          const v = load<f64>(row + (<usize>k << 3));
          if (v > bv) { bv = v; best = k; }
        }
        store<i32>(labelsOut + (<usize>(r0 + r) << 2), best);
      }
    }
    if (lseOut || respOut) {
      memory.fill(hdr, 0, <usize>HEADER << 3);
      normalizeRows(lp, rows, K, 0, r0, hdr, lseOut ? lseOut + (<usize>r0 << 3) : 0);
      if (respOut) memory.copy(respOut + (<usize>(r0 * K) << 3), lp, <usize>(rows * K) << 3);
    }
  }
}
