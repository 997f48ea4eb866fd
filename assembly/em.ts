// One EM pass over the data, block by block: weighted log-densities → log-sum-exp →
// statistics. No N×K matrix: the scratch holds one block (see scratch.ts).
//
// Two paths give the same statistics up to rounding: the SIMD path (pair blocks, block.ts)
// used by default, and the scalar reference path, kept for tests and as documentation.

import { statsReset } from './stats';
import { accumulateScalar, accumulateBlock } from './accumulate';
import { logProbScalar, logProbBlock, logProbComponent, prepareFactors, prepareBlock, centredForm } from './logdensity';
import { normalizeRows, normalizeBlock, certifiedPairs, flushLowerBound, resetLowerBound, RESP_CUTOFF } from './estep';
import { GROUP_PAIRS, GROUP_MIN, CERT_BUDGET, certifyTable, certifyGroup, groupBall } from './certify';
import { weightPairs } from './block';
import { tiedCacheAt } from './scatter';
import { sWt, sLp, sSs, sDbuf, sAbuf, sIdx, sFac, sLists, sUt, sCert, sTied, sKept } from './scratch';
import * as rng from './rng';

/** Groups certified and the pairs they held, since the module started: the tests' evidence
 *  that the bound fires (test/kernels.test.ts reads the difference over a fit). No result
 *  depends on them. */
let certGroups: f64 = 0, certPairs: f64 = 0;
export function certifiedCount(pairs: bool): f64 {
  return pairs ? certPairs : certGroups;
}

/** With the try budget spent, every RETRY_EVERY-th group of the pass (counted across its
 *  blocks, a block's short last group included) is still tried once, whole: on data that
 *  never certifies, one O(K·d²) try per four groups, whatever the block size (at d = 64 a
 *  block holds one group); a success refills the budget. */
const RETRY_EVERY = 4;

/** The size of the piece a group's tries take next at pair s: the largest power of two
 *  that s − g is a multiple of (at most GROUP_PAIRS), so that after a piece left to the
 *  full E-step the tries climb back to the cached half instead of going on in pieces of
 *  GROUP_MIN (a group straddling two clusters). */
// @ts-ignore: decorator
@inline function nextSize(s: i32, g: i32): i32 {
  const o = s - g;
  return min(o & -o, GROUP_PAIRS);
}

/** E-step and statistics for all n rows about `shift` (0: the means). Leaves the lower-bound
 *  terms in the header of `stats` (see stats.ts) and returns their ratio, the mean
 *  log-likelihood Σ w·lse / Σ w. w: sample weights or 0. The SIMD path
 *  (simd) expects x in pair blocks of blockRows rows (block.ts pairsInPlace); the scalar
 *  path, row-major x. prune: the full E-step may skip what cannot matter (prune.ts; the
 *  same bits either way, false for the tests that check it); noCertify: no group certified
 *  (certify.ts; the same bits either way, for the tests that check it); pairwise: every range
 *  normalised pair by pair (estep.ts normalizeBlock; the same bits either way, likewise);
 *  tied: tiedCacheSize(n, d, blockRows) f64 where tied statistics keep each block's total
 *  scatter from pass to pass (scatter.ts tiedBlock; NaN until computed), or 0. A shift other than the means
 *  gives the same responsibilities and lower bound, and statistics free of the cancellation
 *  a mean that moved far would cause (mstep.ts shiftLoss). */
export function emPass(
  x: usize, w: usize, n: i32, d: i32, K: i32, type: i32,
  means: usize, chol: usize, logConst: usize, stats: usize, scratch: usize, blockRows: i32, simd: bool, balls: usize,
  prune: bool, shift: usize, noCertify: bool, pairwise: bool, tied: usize
): f64 {
  // checked in the debug build only (release: noAssert)
  assert(n > 0 && d > 0 && K > 0 && blockRows >= 8 && (blockRows & 1) == 0, 'emPass: bad sizes');
  assert(type >= 0 && type <= 3, 'emPass: bad covariance type');
  statsReset(stats, type, K, d);
  // spherical reuses the E-step's Σᵢ(xᵢ − μᵢ)² as its trace only when the shift is the means
  const c = shift ? shift : means, ssShared = shift == 0;
  if (!simd) {
    const lp = scratch;
    const tmp = scratch + (<usize>(blockRows * K) << 3);
    for (let r0 = 0; r0 < n; r0 += blockRows) {
      const rows = min(blockRows, n - r0);
      logProbScalar(x, r0, rows, d, K, type, means, chol, logConst, lp, tmp);
      normalizeRows(lp, rows, K, w, r0, stats, 0, RESP_CUTOFF);
      accumulateScalar(x, r0, rows, d, K, type, lp, c, stats, tmp);
    }
    return load<f64>(stats) / load<f64>(stats, 8);
  }
  const B = blockRows;
  resetLowerBound();
  const wt = sWt(scratch, K, d, B), lp = sLp(scratch, K, d, B), ss = sSs(scratch, K, d, B);
  const dbuf = sDbuf(scratch, K, d, B), abuf = sAbuf(scratch, K, d, B), fac = sFac(scratch, K, d, B);
  const lists = sLists(scratch, K, d, B), kept = sKept(scratch, K, d, B);
  const ut = prepareFactors(chol, sUt(scratch, K, d, B), type, K, d, means);
  const table = sCert(scratch, K, d, B), certTmp = table + (<usize>(2 * K + 1) << 3);
  certifyTable(chol, means, type, K, d, table);
  let budget = noCertify ? 0 : CERT_BUDGET;
  let groupNo = 0; // whole groups seen in this pass
  // idx: the pruned E-step's list (prune.ts), then normalizeSoft's maxima, then the M-step's
  // re-paired rows, each done with it before the next
  const idx = sIdx(scratch, K, d, B);
  const pruneList: usize = prune ? idx : 0, mx: usize = pairwise ? 0 : idx;
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const xt = x + (<usize>(r0 * d) << 3);
    const P = weightPairs(w, r0, rows, wt);
    const counts = lists + (<usize>(K * P) << 2);
    for (let k = 0; k < K; k++) store<i32>(counts + (<usize>k << 2), 0);
    prepareBlock(xt, P, d, K, type, means, ut, dbuf, B); // full's centre for the block's ranges
    // Groups of pairs one component provably takes whole need its log-densities only
    // (certify.ts); the pairs between them go through the full E-step, run by run. A group
    // that fails is tried again in halves, down to GROUP_MIN pairs, as it may straddle
    // two clusters. Each failure spends one try of a budget that each success refills,
    // so data where nothing certifies stops paying for the tries after a few.
    let run = 0;
    for (let g = 0; g < P; g += GROUP_PAIRS) {
      const end = min(g + GROUP_PAIRS, P);
      const retry = groupNo++ % RETRY_EVERY == 0;
      const ball = balls, bsize = <usize>(d + 1) << 3;
      if (balls) balls += 3 * bsize;
      let s = g, size = GROUP_PAIRS;
      while (s < end) {
        const s1 = min(s + size, end);
        let k = -1;
        // with the budget spent, every RETRY_EVERY-th whole group still gets one try: a group
        // straddling two clusters at a chunk's start would otherwise switch certifying off
        // for the whole chunk
        if (budget > 0 || (retry && !noCertify && size == GROUP_PAIRS && s == g)) {
          // a whole group's ball and its halves' are cached (certify.ts groupBalls: at half
          // size s is g or g + GROUP_PAIRS/2); a smaller piece's is computed
          let c = ball, R: f64;
          if (balls && size >= GROUP_PAIRS >> 1) {
            if (size != GROUP_PAIRS) c = ball + (s == g ? bsize : 2 * bsize);
            R = load<f64>(c + (<usize>d << 3));
          } else {
            c = certTmp;
            R = groupBall(xt, P, s, s1, d, c);
          }
          k = certifyGroup(c, R, d, K, type, means, chol, logConst, table, RESP_CUTOFF, certTmp + (<usize>d << 3));
        }
        if (k < 0) {
          budget = max(budget - 1, 0);
          if (size > GROUP_MIN && budget > 0) size >>= 1; // the first half next
          else size = nextSize(s = s1, g); // left to the full E-step
          continue;
        }
        budget = min(budget + 2, CERT_BUDGET);
        certGroups += 1;
        certPairs += <f64>(s1 - s);
        if (run < s) {
          logProbBlock(xt, P, run, s, d, K, type, means, ut, logConst, lp, ss, dbuf, abuf, RESP_CUTOFF, pruneList);
          normalizeBlock(lp, P, run, s, K, wt, 0, RESP_CUTOFF, fac, lists, kept, mx);
        }
        logProbComponent(xt, P, s, s1, d, K, type, k, means, ut, logConst, lp, ss, dbuf, abuf);
        certifiedPairs(lp, P, s, s1, K, k, wt, fac, lists);
        run = s = s1;
        size = nextSize(s, g);
      }
    }
    if (run < P) {
      logProbBlock(xt, P, run, P, d, K, type, means, ut, logConst, lp, ss, dbuf, abuf, RESP_CUTOFF, pruneList);
      normalizeBlock(lp, P, run, P, K, wt, 0, RESP_CUTOFF, fac, lists, kept, mx);
    }
    flushLowerBound(stats); // the block's terms, in pair order whatever its ranges
    accumulateBlock(xt, P, d, K, type, lp, c, stats, ssShared ? ss : 0, dbuf, abuf, idx, fac, lists, wt, sTied(scratch, K, d, B),
      tiedCacheAt(tied, r0, B, d));
  }
  return load<f64>(stats) / load<f64>(stats, 8);
}

/** For tests: the log-densities an EM pass gives pairs [p0, p1) of one pair block x (P pairs,
 *  laid out as pairsInPlace leaves a block; blockRows 2P), copied from the scratch's lp to
 *  out (K·P v128): every component (k < 0, the full E-step's logProbBlock) or component k
 *  alone, as a certified group takes it (logProbComponent). Returns whether component k
 *  took full's centred form. */
export function emLogDensities(x: usize, P: i32, p0: i32, p1: i32, d: i32, K: i32, type: i32, k: i32,
  means: usize, chol: usize, logConst: usize, scratch: usize, out: usize): bool {
  const B = 2 * P;
  const lp = sLp(scratch, K, d, B), ss = sSs(scratch, K, d, B), dbuf = sDbuf(scratch, K, d, B), abuf = sAbuf(scratch, K, d, B);
  const ut = prepareFactors(chol, sUt(scratch, K, d, B), type, K, d, means);
  prepareBlock(x, P, d, K, type, means, ut, dbuf, B);
  if (k < 0) logProbBlock(x, P, p0, p1, d, K, type, means, ut, logConst, lp, ss, dbuf, abuf, RESP_CUTOFF, 0);
  else logProbComponent(x, P, p0, p1, d, K, type, k, means, ut, logConst, lp, ss, dbuf, abuf);
  memory.copy(out, lp, <usize>(K * P) << 4);
  return k >= 0 && centredForm(type, ut, d, K, k);
}

/** Statistics for an initialisation, about the shift, with x in pair blocks of blockRows
 *  rows (scratch as in scratch.ts): with labels (k-means), rₙₖ = [labelₙ = k]; else with resp
 *  (n×K f64, row-major: given responsibilities, mclust's z), rₙₖ = resp[n·K + k]; with both 0,
 *  random responsibilities, uniform and normalised per row, drawn from the PRNG in row order. */
export function initStats(
  x: usize, w: usize, n: i32, d: i32, K: i32, type: i32,
  labels: usize, resp: usize, shift: usize, stats: usize, scratch: usize, blockRows: i32
): void {
  statsReset(stats, type, K, d);
  const B = blockRows;
  const wt = sWt(scratch, K, d, B), block = sLp(scratch, K, d, B);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const xt = x + (<usize>(r0 * d) << 3);
    const P = weightPairs(w, r0, rows, wt);
    memory.fill(block, 0, <usize>(K * P) << 4);
    for (let q = 0; q < rows; q++) {
      // row q sits in pair q/2, lane q%2: component k at row + k·P·16; its weight is in wt
      const row = block + (<usize>q << 3);
      const wr = load<f64>(wt + (<usize>q << 3));
      if (labels) {
        store<f64>(row + (<usize>(load<i32>(labels + (<usize>(r0 + q) << 2)) * P) << 4), wr);
        continue;
      }
      if (resp) {
        const given = resp + (<usize>((r0 + q) * K) << 3);
        for (let k = 0; k < K; k++) store<f64>(row + (<usize>(k * P) << 4), wr * load<f64>(given + (<usize>k << 3)));
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
    accumulateBlock(xt, P, d, K, type, block, shift, stats, 0, sDbuf(scratch, K, d, B), sAbuf(scratch, K, d, B), sIdx(scratch, K, d, B), 0, 0, 0, 0, 0);
  }
}
