// Profiling entry (bench/profile.js): the core's exports plus one EM pass over pair blocks
// stopped after a given stage, to split a pass's time between its kernels. Not part of
// gmm.wasm; compiled like it (-O3, simd, runtime stub).
export * from '../assembly/index';
import { logProbBlock, prepareFactors, prepareBlock } from '../assembly/logdensity';
import { normalizeBlock, flushLowerBound, RESP_CUTOFF } from '../assembly/estep';
import { statsReset } from '../assembly/stats';
import { accumulateBlock } from '../assembly/accumulate';
import { tiedCacheAt } from '../assembly/scatter';
import { weightPairs } from '../assembly/block';
import { sWt, sLp, sSs, sDbuf, sAbuf, sIdx, sFac, sLists, sUt, sTied, sKept } from '../assembly/scratch';

/** The soft path of emPass (no certified groups): stage 1 log-densities only, 2 and the
 *  normalisation, 3 and the statistics (tied: emPass's kept tied totals, or 0). */
export function passStages(x: usize, n: i32, d: i32, K: i32, type: i32, means: usize, chol: usize, logConst: usize,
  stats: usize, scratch: usize, B: i32, stage: i32, tied: usize): void {
  statsReset(stats, type, K, d);
  const wt = sWt(scratch, K, d, B), lp = sLp(scratch, K, d, B), ss = sSs(scratch, K, d, B);
  const dbuf = sDbuf(scratch, K, d, B), abuf = sAbuf(scratch, K, d, B), fac = sFac(scratch, K, d, B);
  const lists = sLists(scratch, K, d, B);
  const ut = prepareFactors(chol, sUt(scratch, K, d, B), type, K, d, means);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const xt = x + (<usize>(r0 * d) << 3);
    const P = weightPairs(0, r0, rows, wt);
    const counts = lists + (<usize>(K * P) << 2);
    for (let k = 0; k < K; k++) store<i32>(counts + (<usize>k << 2), 0);
    prepareBlock(xt, P, d, K, type, means, ut, dbuf, B);
    logProbBlock(xt, P, 0, P, d, K, type, means, ut, logConst, lp, ss, dbuf, abuf, RESP_CUTOFF, sIdx(scratch, K, d, B));
    if (stage < 2) continue;
    normalizeBlock(lp, P, 0, P, K, wt, 0, RESP_CUTOFF, fac, lists, sKept(scratch, K, d, B), sIdx(scratch, K, d, B)); // the EM pass's choice of path
    flushLowerBound(stats);
    if (stage < 3) continue;
    accumulateBlock(xt, P, d, K, type, lp, means, stats, ss, dbuf, abuf, sIdx(scratch, K, d, B), fac, lists, wt, sTied(scratch, K, d, B),
      tiedCacheAt(tied, r0, B, d));
  }
}
