// One EM pass over the data, block by block: weighted log-densities → log-sum-exp →
// statistics. No N×K matrix: the scratch holds one block (see scratch.ts).
//
// Two paths give the same statistics up to rounding: the SIMD path (pair blocks, block.ts)
// used by default, and the scalar reference path, kept for tests and as documentation.

import { statsReset, accumulateScalar, accumulateBlock } from './stats';
import { logProbScalar, logProbBlock, prepareFactors } from './logdensity';
import { normalizeRows, normalizeBlock, RESP_CUTOFF } from './estep';
import { weightPairs } from './block';
import { sWt, sLp, sSs, sDbuf, sAbuf, sIdx, sFac, sLists, sUt } from './scratch';
import * as rng from './rng';

/** E-step and statistics for all n rows about the shift `means`. Leaves the lower-bound
 *  terms in the header of `stats` (see stats.ts) and returns their ratio, the mean
 *  log-likelihood Σ w·lse / Σ w. w: sample weights or 0. The SIMD path
 *  (simd) expects x in pair blocks of blockRows rows (block.ts pairsInPlace); the scalar
 *  path, row-major x. */
export function emPass(
  x: usize, w: usize, n: i32, d: i32, K: i32, type: i32,
  means: usize, chol: usize, logConst: usize, stats: usize, scratch: usize, blockRows: i32, simd: bool
): f64 {
  // checked in the debug build only (release: noAssert)
  assert(n > 0 && d > 0 && K > 0 && blockRows >= 8 && (blockRows & 1) == 0, 'emPass: bad sizes');
  assert(type >= 0 && type <= 3, 'emPass: bad covariance type');
  statsReset(stats, type, K, d);
  if (!simd) {
    const lp = scratch;
    const tmp = scratch + (<usize>(blockRows * K) << 3);
    for (let r0 = 0; r0 < n; r0 += blockRows) {
      const rows = min(blockRows, n - r0);
      logProbScalar(x, r0, rows, d, K, type, means, chol, logConst, lp, tmp);
      normalizeRows(lp, rows, K, w, r0, stats, 0, RESP_CUTOFF);
      accumulateScalar(x, r0, rows, d, K, type, lp, means, stats, tmp);
    }
    return load<f64>(stats) / load<f64>(stats, 8);
  }
  const B = blockRows;
  const wt = sWt(scratch, K, d, B), lp = sLp(scratch, K, d, B), ss = sSs(scratch, K, d, B);
  const dbuf = sDbuf(scratch, K, d, B), abuf = sAbuf(scratch, K, d, B), fac = sFac(scratch, K, d, B);
  const lists = sLists(scratch, K, d, B);
  const ut = prepareFactors(chol, sUt(scratch, K, d, B), type, K, d, means);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const xt = x + (<usize>(r0 * d) << 3);
    const P = weightPairs(w, r0, rows, wt);
    logProbBlock(xt, P, d, K, type, means, ut, logConst, lp, ss, dbuf, abuf);
    normalizeBlock(lp, P, K, wt, stats, 0, RESP_CUTOFF, fac, lists);
    accumulateBlock(xt, P, d, K, type, lp, means, stats, ss, dbuf, abuf, sIdx(scratch, K, d, B), fac, lists);
  }
  return load<f64>(stats) / load<f64>(stats, 8);
}

/** Statistics for an initialisation, about the shift, with x in pair blocks of blockRows
 *  rows (scratch as in scratch.ts): with labels (k-means), rₙₖ = [labelₙ = k]; with labels = 0, random
 *  responsibilities, uniform and normalised per row, drawn from the PRNG in row order. */
export function initStats(
  x: usize, w: usize, n: i32, d: i32, K: i32, type: i32,
  labels: usize, shift: usize, stats: usize, scratch: usize, blockRows: i32
): void {
  statsReset(stats, type, K, d);
  const B = blockRows;
  const wt = sWt(scratch, K, d, B), resp = sLp(scratch, K, d, B);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const xt = x + (<usize>(r0 * d) << 3);
    const P = weightPairs(w, r0, rows, wt);
    memory.fill(resp, 0, <usize>(K * P) << 4);
    for (let r = 0; r < rows; r++) {
      // row r sits in pair r/2, lane r%2: component k at row + k·P·16; its weight is in wt
      const row = resp + (<usize>r << 3);
      const wr = load<f64>(wt + (<usize>r << 3));
      if (labels) {
        store<f64>(row + (<usize>(load<i32>(labels + (<usize>(r0 + r) << 2)) * P) << 4), wr);
        continue;
      }
      let s: f64 = 0;
      for (let k = 0; k < K; k++) {
        const u = rng.uniform();
        store<f64>(row + (<usize>(k * P) << 4), u);
        s += u;
      }
      const f = wr / s;
      for (let k = 0; k < K; k++) store<f64>(row + (<usize>(k * P) << 4), load<f64>(row + (<usize>(k * P) << 4)) * f);
    }
    accumulateBlock(xt, P, d, K, type, resp, shift, stats, 0, sDbuf(scratch, K, d, B), sAbuf(scratch, K, d, B), sIdx(scratch, K, d, B), 0, 0);
  }
}
