// Scoring of a fitted model, streamed in blocks: per-row log-density (log-sum-exp over
// components), responsibilities, labels and the log of each row's largest responsibility.
// Any output pointer may be 0 to skip it (logMax needs lse).
//
//   lse[r] = log Σₖ wₖ N(xᵣ | k)   resp[r, k] = wₖ N(xᵣ | k) / exp lse[r]   label[r] = argmaxₖ
//   logMax[r] = log maxₖ resp[r, k] = maxₖ log wₖ N(xᵣ | k) − lse[r]  (≤ 0; −log K where
//               lse is not finite, as resp is then 1/K)
//   logProb[r, k] = log wₖ + log N(xᵣ | k)   (with all wₖ = 1, mclust's cdens(logarithm = TRUE))
//   scratch: scratchSize(K, d, blockRows) f64 (see scratch.ts)

import { logProbScalar, logProbBlock, prepareFactors } from './logdensity';
import { normalizeRows, normalizeBlock, flushLowerBound, resetLowerBound } from './estep';
import { HEADER } from './stats';
import { sWt, sLp, sSs, sDbuf, sAbuf, sIdx, sUt, sHdr } from './scratch';
import { toPairs } from './block';

/** Index of the largest of the K values at v, v + stride, … (the first on ties). */
function argmax(v: usize, stride: usize, K: i32): i32 {
  let best = 0;
  let bv = load<f64>(v);
  for (let k = 1; k < K; k++) {
    const x = load<f64>(v + <usize>k * stride);
    if (x > bv) { bv = x; best = k; }
  }
  return best;
}

/** The rows of a pair block's lp (K·P v128: component k of row r at pair r/2, lane r%2) into
 *  out, row-major (rows×K). */
function copyRows(lp: usize, P: i32, rows: i32, K: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const at = lp + (<usize>(r >> 1) << 4) + (<usize>(r & 1) << 3);
    const row = out + (<usize>(r * K) << 3);
    for (let k = 0; k < K; k++) store<f64>(row + (<usize>k << 3), load<f64>(at + (<usize>(k * P) << 4)));
  }
}

/** Largest of the K values at v, v + stride, …. */
function maxOf(v: usize, stride: usize, K: i32): f64 {
  let m = load<f64>(v);
  for (let k = 1; k < K; k++) m = max(m, load<f64>(v + <usize>k * stride));
  return m;
}

/** logMax[r] for rows [r0, r0 + rows): the stored maxima minus lse (see above). */
function finishLogMax(logMaxOut: usize, lseOut: usize, r0: i32, rows: i32, K: i32): void {
  for (let r = r0; r < r0 + rows; r++) {
    const l = load<f64>(lseOut + (<usize>r << 3));
    const p = logMaxOut + (<usize>r << 3);
    store<f64>(p, l > -Infinity && l < Infinity ? min(0.0, load<f64>(p) - l) : -Math.log(<f64>K));
  }
}

export function scoreRows(
  x: usize, n: i32, d: i32, K: i32, type: i32,
  means: usize, chol: usize, logConst: usize,
  lseOut: usize, respOut: usize, labelsOut: usize, scratch: usize, blockRows: i32, simd: bool, logMaxOut: usize,
  logProbOut: usize
): void {
  assert(n > 0 && d > 0 && K > 0 && blockRows >= 8 && (blockRows & 1) == 0, 'scoreRows: bad sizes');
  assert(!logMaxOut || lseOut, 'scoreRows: logMax needs lse');
  if (simd) {
    scoreRowsSimd(x, n, d, K, type, means, chol, logConst, lseOut, respOut, labelsOut, scratch, blockRows, logMaxOut, logProbOut);
    return;
  }
  const lp = scratch;
  const tmp = scratch + (<usize>(blockRows * K) << 3);
  const hdr = tmp + (<usize>(d * d) << 3);
  for (let r0 = 0; r0 < n; r0 += blockRows) {
    const rows = min(blockRows, n - r0);
    logProbScalar(x, r0, rows, d, K, type, means, chol, logConst, lp, tmp);
    if (logProbOut) memory.copy(logProbOut + (<usize>(r0 * K) << 3), lp, <usize>(rows * K) << 3);
    if (labelsOut) {
      for (let r = 0; r < rows; r++)
        store<i32>(labelsOut + (<usize>(r0 + r) << 2), argmax(lp + (<usize>(r * K) << 3), 8, K));
    }
    if (logMaxOut) {
      for (let r = 0; r < rows; r++) store<f64>(logMaxOut + (<usize>(r0 + r) << 3), maxOf(lp + (<usize>(r * K) << 3), 8, K));
    }
    if (lseOut || respOut) {
      memory.fill(hdr, 0, <usize>HEADER << 3);
      normalizeRows(lp, rows, K, 0, r0, hdr, lseOut ? lseOut + (<usize>r0 << 3) : 0, -Infinity);
      if (respOut) memory.copy(respOut + (<usize>(r0 * K) << 3), lp, <usize>(rows * K) << 3);
    }
    if (logMaxOut) finishLogMax(logMaxOut, lseOut, r0, rows, K);
  }
}

function scoreRowsSimd(
  x: usize, n: i32, d: i32, K: i32, type: i32,
  means: usize, chol: usize, logConst: usize,
  lseOut: usize, respOut: usize, labelsOut: usize, scratch: usize, B: i32, logMaxOut: usize, logProbOut: usize
): void {
  const xt = scratch, wt = sWt(scratch, K, d, B), lp = sLp(scratch, K, d, B), ss = sSs(scratch, K, d, B);
  const dbuf = sDbuf(scratch, K, d, B), abuf = sAbuf(scratch, K, d, B), lse = sIdx(scratch, K, d, B);
  const hdr = sHdr(scratch, K, d, B);
  resetLowerBound();
  const ut = prepareFactors(chol, sUt(scratch, K, d, B), type, K, d, means);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const P = toPairs(x, 0, r0, rows, d, xt, wt);
    logProbBlock(xt, P, 0, P, d, K, type, means, ut, logConst, lp, ss, dbuf, abuf, 0.0, 0); // no pruning
    if (logProbOut) copyRows(lp, P, rows, K, logProbOut + (<usize>(r0 * K) << 3));
    if (labelsOut) {
      // row r sits in pair r/2, lane r%2; components are P pairs apart
      for (let r = 0; r < rows; r++)
        store<i32>(labelsOut + (<usize>(r0 + r) << 2), argmax(lp + (<usize>r << 3), <usize>P << 4, K));
    }
    if (logMaxOut) {
      for (let r = 0; r < rows; r++) store<f64>(logMaxOut + (<usize>(r0 + r) << 3), maxOf(lp + (<usize>r << 3), <usize>P << 4, K));
    }
    if (lseOut || respOut) {
      memory.fill(hdr, 0, <usize>HEADER << 3);
      normalizeBlock(lp, P, 0, P, K, wt, lse, -Infinity, 0, 0, 0, 0);
      flushLowerBound(hdr);
      for (let r = 0; r < rows; r++) {
        const lane = <usize>(r & 1) << 3;
        const p = r >> 1;
        if (lseOut) store<f64>(lseOut + (<usize>(r0 + r) << 3), load<f64>(lse + (<usize>p << 4) + lane));
      }
      if (respOut) copyRows(lp, P, rows, K, respOut + (<usize>(r0 * K) << 3));
      if (logMaxOut) finishLogMax(logMaxOut, lseOut, r0, rows, K);
    }
  }
}
