// Normalisation of weighted log-densities with log-sum-exp (in place).
//
//   lse[r] = log Σₖ exp lp[r, k]      resp[r, k] = w[r] · exp(lp[r, k] − lse[r])
//
// The row maximum is subtracted before exp, so rows whose densities are all tiny
// (log-densities of −1e6) still normalise. A row where every component gives −∞ gets
// lse = −∞ and uniform responsibilities (a fit reports it; scoring returns −∞).

import { expInRange, expWith, expConst, expMask, logv, EXP_X_MIN } from './vmath';
import { V, wmul, hsum } from './block';

/** The lower bound's running sums, per lane (even and odd rows): Σ w·lse, then Σ w, of the
 *  pairs normalised since the last flushLowerBound. normalizeBlock and certifiedPairs add
 *  their pairs in pair order, and the caller flushes once per block, so the header gets
 *  the same bits however a block's pairs were split into ranges (which groups certify). */
const LB: usize = memory.data(32, 16);

/** Adds the running sums to the statistics header (stats) and restarts them. */
export function flushLowerBound(stats: usize): void {
  store<f64>(stats, load<f64>(stats) + hsum(v128.load(LB)));
  store<f64>(stats, load<f64>(stats, 8) + hsum(v128.load(LB, 16)), 8);
  resetLowerBound();
}

/** Stores the running sums a loop carried in registers back into LB. */
// @ts-ignore: decorator
@inline function keepLowerBound(llv: v128, wsv: v128): void {
  v128.store(LB, llv);
  v128.store(LB, wsv, 16);
}

/** Restarts the running sums (at the start of a pass, whatever a call before left). */
export function resetLowerBound(): void {
  v128.store(LB, f64x2.splat(0));
  v128.store(LB, f64x2.splat(0), 16);
}

/** In an EM pass, a responsibility below e⁻⁴⁰ ≈ 4e-18 of its row's largest is set to exactly
 *  0 and left out of the row's sum. Its effect on a component's mass and sum is below 1e-17
 *  relative where the component holds one sample's worth, and on the row's log-sum-exp an
 *  absolute change below K·4e-18 (under rounding); on its scatter, below rounding unless the
 *  component's own spread is some 1e16 times below the far rows' squared distances (one
 *  collapsing onto a row at the regCovar floor: README "Hard data"). Exact zeros let the M-step skip
 *  (pair, component) terms (accumulate.ts) and spare the E-step its exp and log where every
 *  row has one dominant component (estep normalizeBlock). Scoring uses no cutoff. */
export const RESP_CUTOFF: f64 = -40.0;

/** The K values at v, v + stride, …, v + (K−1)·stride become w·exp(vₖ − lse) (0 below the
 *  cutoff); returns lse. A non-finite maximum gives uniform w/K and lse = −∞ or NaN (the fit
 *  reports it as NUMERICAL when the row has weight; scoring returns it). */
function normalizeStrided(v: usize, stride: usize, K: i32, wr: f64, cutoff: f64): f64 {
  let m = -Infinity;
  for (let k = 0; k < K; k++) m = max(m, load<f64>(v + <usize>k * stride));
  if (!(m > -Infinity && m < Infinity)) {
    const f = wr / <f64>K;
    for (let k = 0; k < K; k++) store<f64>(v + <usize>k * stride, f);
    return m != m ? NaN : m;
  }
  let s: f64 = 0;
  for (let k = 0; k < K; k++) {
    const x = load<f64>(v + <usize>k * stride) - m;
    const e = x >= cutoff ? Math.exp(x) : 0.0;
    store<f64>(v + <usize>k * stride, e);
    s += e;
  }
  const f = wr / s;
  for (let k = 0; k < K; k++) store<f64>(v + <usize>k * stride, load<f64>(v + <usize>k * stride) * f);
  return m + Math.log(s);
}

/** Turns lp (rows×K) into weighted responsibilities in place and adds the row terms to
 *  the statistics header. w: sample weights or 0 for all ones. lseOut: rows f64 or 0. */
export function normalizeRows(
  lp: usize, rows: i32, K: i32, w: usize, r0: i32, stats: usize, lseOut: usize, cutoff: f64
): void {
  let ll = load<f64>(stats);
  let ws = load<f64>(stats, 8);
  for (let r = 0; r < rows; r++) {
    const wr: f64 = w ? load<f64>(w + (<usize>(r0 + r) << 3)) : 1.0;
    const lse = normalizeStrided(lp + (<usize>(r * K) << 3), 8, K, wr, cutoff);
    if (lseOut) store<f64>(lseOut + (<usize>r << 3), lse);
    if (wr != 0.0) {
      ll += wr * lse;
      ws += wr;
    }
  }
  store<f64>(stats, ll);
  store<f64>(stats, ws, 8);
}

// ---------------------------------------------------------------------------------------
// SIMD path over a pair block: lp[k·P + p] (v128, two rows) → weighted responsibilities in
// place; exp and log two lanes at a time (vmath.ts).


/** 1 when either lane of a comparison's mask is set, else 0, for a count: the lanes'
 *  bitmask (0 … 3) plus 3, over 4. V8 compiles it to three instructions where it turns
 *  v128.any_true made an integer into five. */
// @ts-ignore: decorator
@inline function anyLane(mask: v128): i32 {
  return (i64x2.bitmask(mask) + 3) >> 2;
}

/** Appends pair p to a kept list (count: its length), counting it only when kept is 1: branch-free,
 *  the slot just past the list's end is written either way (below P, since a list holds
 *  fewer entries than the pairs seen so far) and overwritten by the next append. */
// @ts-ignore: decorator
@inline function appendAt(list: usize, count: usize, p: i32, kept: i32): void {
  const n = load<i32>(count);
  store<i32>(list + (<usize>n << 2), p);
  store<i32>(count, n + kept);
}

/** appendAt for component k's list (K·P i32, then the K counts). */
// @ts-ignore: decorator
@inline function append(lists: usize, counts: usize, P: i32, k: i32, p: i32, kept: i32): void {
  appendAt(lists + (<usize>(k * P) << 2), counts + (<usize>k << 2), p, kept);
}

// @ts-ignore: decorator
@inline function hardPair(lp: usize, stride: usize, lists: usize, counts: usize, P: i32, p: i32, idx: v128): void {
  // rows a, b of pair p each keep one component (ka, kb): store their 1s and list the pair
  // under both. kb's entry goes first and is counted only when kb ≠ ka, so for ka = kb
  // ka's entry overwrites it, and no entry is left past either list's end.
  const ka = <i32>i64x2.extract_lane(idx, 0), kb = <i32>i64x2.extract_lane(idx, 1);
  const ONE = f64x2.splat(1.0);
  v128.store(lp + <usize>ka * stride, v128.and(ONE, i64x2.eq(idx, i64x2.splat(ka))));
  v128.store(lp + <usize>kb * stride, v128.and(ONE, i64x2.eq(idx, i64x2.splat(kb))));
  append(lists, counts, P, kb, p, <i32>(ka != kb));
  append(lists, counts, P, ka, p, 1);
}

/** Lists pair p (column col of lp, K entries stride apart) under each component whose
 *  entry is not 0, i.e. not below the cutoff; returns how many. With lists 0 it only counts. */
// @ts-ignore: decorator
@inline function listPair(col: usize, stride: usize, P: i32, K: i32, p: i32, lists: usize, counts: usize): i32 {
  const zero = f64x2.splat(0);
  let kept = 0;
  let at = col, c = counts, l = lists;
  const lstep = <usize>P << 2;
  for (let k = 0; k < K; k++) {
    const kk = anyLane(f64x2.ne(v128.load(at), zero));
    kept += kk;
    if (lists) appendAt(l, c, p, kk);
    at += stride;
    c += 4;
    l += lstep;
  }
  return kept;
}

// Kept (pair, component) entries of the soft pairs seen so far in a normalizeBlock call
// (softPair adds to it): the block's own density, which picks softPair's way to skip the
// exps of entries below the cutoff (all three give the same bits):
//   SPARSE: a test per entry (few kept: the branch is predictable);
//   GATHER: the kept entries gathered first, then their exps (EM only: lists and fac);
//   DENSE:  every entry through exp (most kept: skipping saves less than it costs).
let softKept: i32 = 0;
const SPARSE = 0, GATHER = 1, DENSE = 2;

// @ts-ignore: decorator
@inline function expMode(kept: usize, seen: i32): i32 {
  const k10 = 10 * softKept;
  if (!kept) return 2 * softKept > seen ? DENSE : SPARSE;
  return k10 < 3 * seen ? SPARSE : k10 > 7 * seen ? DENSE : GATHER;
}

/** The general path for pair p (column col of lp, row maximum m, weights w): exp of the
 *  terms strictly between the cutoff and the maximum, their sum s, then w/s (into fac, or
 *  multiplied out) and the returned lse = m + log s; lists as in normalizeBlock. A lane
 *  with a non-finite maximum sends the pair through the scalar normalizeStrided.
 *  Only a lane strictly between the cutoff and the maximum needs exp: at the maximum it is
 *  exactly 1, below the cutoff exactly 0, as expv gives them, so the modes (see softKept)
 *  agree bit for bit. The loops are kept lean (pointer steps, the lists in a separate
 *  pass): V8 spills registers around expv otherwise. */
// @ts-ignore: decorator
@inline function softPair(col: usize, stride: usize, P: i32, K: i32, p: i32, m: v128, w: v128,
  cutoff: f64, fac: usize, lists: usize, counts: usize, mode: i32, kept: usize): v128 {
  const zero = f64x2.splat(0);
  const ONE = f64x2.splat(1.0);
  const end = col + <usize>K * stride;
  if (i64x2.all_true(f64x2.lt(f64x2.abs(m), f64x2.splat(Infinity)))) {
    // expInRange is exact on [EXP_X_MIN, 0] only; below EXP_X_MIN expv gives 0, as this
    // mask does (scoring's cutoff is −∞)
    const cut = f64x2.splat(max(cutoff, EXP_X_MIN));
    let s = zero;
    if (mode == GATHER) {
      // EM (lists and fac): first x = v − m in place, the pair listed under the components
      // it keeps and their entries' addresses gathered in kept; then exp of those only.
      // Neither loop branches on the data, and the entries left at x are never read.
      let cnt = 0;
      let c = counts, l = lists;
      const lstep = <usize>P << 2;
      for (let at = col; at < end; at += stride) {
        const x = f64x2.sub(v128.load(at), m);
        v128.store(at, x);
        const kk = anyLane(f64x2.ge(x, cut));
        store<i32>(kept + (<usize>cnt << 2), <i32>at);
        cnt += kk;
        appendAt(l, c, p, kk);
        c += 4;
        l += lstep;
      }
      for (let i = 0; i < cnt; i++) {
        const at = <usize>load<i32>(kept + (<usize>i << 2));
        const x = v128.load(at);
        const e = v128.and(expInRange(x), f64x2.ge(x, cut));
        s = f64x2.add(s, e);
        v128.store(at, e);
      }
      softKept += cnt;
    } else if (mode == DENSE) {
      for (let at = col; at < end; at += stride) {
        const x = f64x2.sub(v128.load(at), m);
        const e = v128.and(expInRange(x), f64x2.ge(x, cut));
        s = f64x2.add(s, e);
        v128.store(at, e);
      }
    } else {
      for (let at = col; at < end; at += stride) {
        const x = f64x2.sub(v128.load(at), m);
        const keep = f64x2.ge(x, cut);
        let e = v128.and(ONE, keep);
        if (v128.any_true(v128.and(keep, f64x2.lt(x, zero)))) e = v128.and(expInRange(x), keep);
        s = f64x2.add(s, e);
        v128.store(at, e);
      }
    }
    if (mode != GATHER) softKept += listPair(col, stride, P, K, p, lists, counts);
    // s ≥ 1 (the largest term is exp(0) = 1); where it is exactly 1, log s = 0 and w/s = w
    let L = m, f = w;
    if (!i64x2.all_true(f64x2.eq(s, ONE))) {
      L = f64x2.add(m, logv(s));
      f = f64x2.div(w, s);
    }
    if (fac) {
      // deferred: the M-step scales only the responsibilities it uses (sums.ts massPass)
      v128.store(fac + (<usize>p << 4), f);
    } else {
      for (let at = col; at < end; at += stride) v128.store(at, f64x2.mul(v128.load(at), f));
    }
    return L;
  }
  // rare: scalar per lane (a lane with a finite max is normalised as usual)
  if (fac) v128.store(fac + (<usize>p << 4), ONE);
  const L = f64x2.replace_lane(f64x2.splat(normalizeStrided(col, stride, K, f64x2.extract_lane(w, 0), cutoff)), 1,
    normalizeStrided(col + 8, stride, K, f64x2.extract_lane(w, 1), cutoff));
  listPair(col, stride, P, K, p, lists, counts);
  return L;
}

/** Normalises pairs [p0, p1) of a block of P pairs (lp: K·P v128).
 *  wt: P v128 weights (0 in the padding lane). lseOut: P v128 or 0. fac: P v128 or 0;
 *  when given, lp is left as exp(lp − max) and fac gets each pair's w/Σ, so that only the
 *  responsibilities the M-step keeps are ever multiplied out. lists: 0, or K·P + K i32 for
 *  each component's kept pairs; with lists and fac, entries of lp that are not listed may
 *  keep their log-densities, shifted or not (the M-step reads listed entries only), and
 *  keptBuf (K i32) is softPair's workspace.
 *  Responsibilities whose log-ratio to the row's largest is below `cutoff` are exactly 0
 *  and left out of the sum: see RESP_CUTOFF. The pairs' lower-bound terms go to the
 *  running sums (LB), which the caller flushes into a header once per block.
 *  mx: P v128 of workspace, or 0. With mx, fac and lists (EM), a range after one whose
 *  pairs kept 2.5 entries each or more is normalised component by component
 *  (normalizeSoft); otherwise, and for a pair whose maximum is not finite, pair by pair.
 *  Both give the same bits, so the choice never shows in a result. */
export function normalizeBlock(lp: usize, P: i32, p0: i32, p1: i32, K: i32, wt: usize, lseOut: usize,
  cutoff: f64, fac: usize, lists: usize, keptBuf: usize, mx: usize): void {
  if (!(mx && fac && lists)) {
    normalizePairs(lp, P, p0, p1, K, wt, lseOut, cutoff, fac, lists, keptBuf);
    return;
  }
  // soft data keeps many entries a pair, and a pair's exps then wait on each other in
  // normalizePairs; well-separated data keeps one or two (rows of different components),
  // whose hard pairs normalizePairs settles with no exp at all
  const counts = lists + (<usize>(K * P) << 2);
  const before = keptTotal(counts, K);
  if (!(2 * lastKept >= 5 * lastPairs && normalizeSoft(lp, P, p0, p1, K, wt, cutoff, fac, lists, mx))) {
    normalizePairs(lp, P, p0, p1, K, wt, lseOut, cutoff, fac, lists, keptBuf);
  } else {
    softRanges += 1;
  }
  lastKept = keptTotal(counts, K) - before;
  lastPairs = p1 - p0;
}

/** The (pair, component) entries kept in the range normalised last, and its pairs: the
 *  choice of path for the next (normalizeBlock; an instance's first range goes pair by
 *  pair). They carry over from one pass, fit or call to the next: only the path depends on
 *  them, never a bit. */
let lastKept: i32 = 0, lastPairs: i32 = 1;

/** For tests: normalizeBlock over pairs [p0, p1) as an EM pass runs it (RESP_CUTOFF, fac
 *  and lists given, the lists holding what the block's earlier ranges listed), component by
 *  component where it can (soft) or pair by pair, from running sums of zero, which end in
 *  lb (Σ w·lse, then Σ w, per lane). mx: P v128; keptBuf: K i32. Returns whether the range
 *  went component by component. */
export function emNormalize(lp: usize, P: i32, p0: i32, p1: i32, K: i32, wt: usize, fac: usize, lists: usize,
  mx: usize, keptBuf: usize, lb: usize, soft: bool): bool {
  resetLowerBound();
  lastKept = soft ? 5 : 0;
  lastPairs = 1;
  const r0 = softRanges;
  normalizeBlock(lp, P, p0, p1, K, wt, 0, RESP_CUTOFF, fac, lists, keptBuf, soft ? mx : 0);
  memory.copy(lb, LB, 32);
  return softRanges > r0;
}

/** Ranges normalised component by component since the module started: the tests' evidence
 *  that normalizeSoft runs. No result depends on it. */
let softRanges: f64 = 0;
export function softRangeCount(): f64 {
  return softRanges;
}

// @ts-ignore: decorator
@inline function keptTotal(counts: usize, K: i32): i32 {
  let t = 0;
  for (let k = 0; k < K; k++) t += load<i32>(counts + (<usize>k << 2));
  return t;
}

/** normalizeBlock pair by pair: each pair's maximum, then its exps (softPair) or, for a
 *  hard pair, its one kept component (hardPair). */
function normalizePairs(lp: usize, P: i32, p0: i32, p1: i32, K: i32, wt: usize, lseOut: usize,
  cutoff: f64, fac: usize, lists: usize, keptBuf: usize): void {
  const kept = lists && fac ? keptBuf : 0;
  const cut = f64x2.splat(cutoff);
  // lists: per component the pairs it keeps (K·P i32), then their counts (K i32), which
  // the caller zeroes once per block
  const counts = lists + (<usize>(K * P) << 2);
  const zero = f64x2.splat(0);
  // Σ w·lse and Σ w per lane (even and odd rows), carried on from the pairs before (LB)
  let llv = v128.load(LB);
  let wsv = v128.load(LB, 16);
  const stride = <usize>P << 4;
  softKept = 0;
  let softSeen = 0, pairsSeen = 0, hardSeen = 0;
  for (let p = p0; p < p1; p += 2) {
    // two pairs at a time (both exist except at an odd end)
    const two = p + 1 < p1;
    const col = lp + (<usize>p << 4);
    // per lane the largest value (m), the second largest (n) and the largest's component
    // (i); pmax/pmin are one instruction each, and no NaN can occur (non-finite distances
    // are +∞, so lp = −∞). Once a block's pairs have been soft (fewer than 1 in 8 hard so
    // far), only m: softPair gives a hard pair the bits hardPair would.
    const lean = pairsSeen >= 16 && 8 * hardSeen < pairsSeen;
    let m0 = v128.load(col), n0 = f64x2.splat(-Infinity), i0 = i64x2.splat(0);
    let m1 = two ? v128.load(col, 16) : m0, n1 = n0, i1 = i0;
    let at = col;
    if (lean) {
      for (let k = 1; k < K; k++) {
        at += stride;
        m0 = f64x2.pmax(m0, v128.load(at));
        if (two) m1 = f64x2.pmax(m1, v128.load(at, 16));
      }
    } else {
      for (let k = 1; k < K; k++) {
        at += stride;
        const kv = i64x2.splat(k);
        const v0 = v128.load(at);
        n0 = f64x2.pmax(n0, f64x2.pmin(m0, v0));
        i0 = v128.bitselect(kv, i0, f64x2.gt(v0, m0));
        m0 = f64x2.pmax(m0, v0);
        if (two) {
          const v1 = v128.load(at, 16);
          n1 = f64x2.pmax(n1, f64x2.pmin(m1, v1));
          i1 = v128.bitselect(kv, i1, f64x2.gt(v1, m1));
          m1 = f64x2.pmax(m1, v1);
        }
      }
    }
    if (!two) { // the tests below then look at the one pair only
      m1 = m0;
      n1 = n0;
    }
    pairsSeen += 2;
    const w0 = V(wt, p);
    const w1 = two ? V(wt, p + 1) : zero;
    let L0 = m0, L1 = m1;
    if (!lean && lists && fac && i64x2.all_true(v128.and(f64x2.lt(f64x2.sub(n0, m0), cut), f64x2.lt(f64x2.sub(n1, m1), cut)))) {
      // Every row has its runner-up below the cutoff (so its maximum is above −∞) and
      // keeps only its largest component: responsibility exactly 1 there, the sum exactly 1,
      // so lse = m and w/s = w (the bits softPair would give). Well-separated data is
      // all like this.
      hardSeen += 2;
      hardPair(col, stride, lists, counts, P, p, i0);
      v128.store(fac + (<usize>p << 4), w0);
      if (two) {
        hardPair(col + 16, stride, lists, counts, P, p + 1, i1);
        v128.store(fac + (<usize>p << 4), w1, 16);
      }
    } else {
      // by the share of the soft pairs' entries kept so far: GATHER between 30% and 70%
      // (without it, DENSE from 50%)
      // (a pair that keeps one component is a hard one, so lean ends if the block turns hard)
      let k0 = softKept;
      L0 = softPair(col, stride, P, K, p, m0, w0, cutoff, fac, lists, counts, expMode(kept, softSeen), kept);
      softSeen += K;
      if (lean && softKept - k0 == 1) hardSeen++;
      if (two) {
        k0 = softKept;
        L1 = softPair(col + 16, stride, P, K, p + 1, m1, w1, cutoff, fac, lists, counts, expMode(kept, softSeen), kept);
        softSeen += K;
        if (lean && softKept - k0 == 1) hardSeen++;
      }
    }
    if (lseOut) {
      v128.store(lseOut + (<usize>p << 4), L0);
      if (two) v128.store(lseOut + (<usize>p << 4), L1, 16);
    }
    // lower-bound terms; padding lanes and zero weights add nothing (not even −∞·0)
    llv = f64x2.add(llv, wmul(w0, L0));
    wsv = f64x2.add(wsv, w0);
    if (two) {
      llv = f64x2.add(llv, wmul(w1, L1));
      wsv = f64x2.add(wsv, w1);
    }
  }
  keepLowerBound(llv, wsv);
}

/** normalizeBlock for an EM pass (fac and lists given) over pairs [p0, p1), component by
 *  component instead of pair by pair, with the same bits: (1) each pair's maximum into mx
 *  (P v128) and a zero sum into fac; (2) per component, the pairs with an entry at or above
 *  m + cutoff appended to its list; (3) per component, exp of its listed entries added to
 *  their pairs' sums (in component order, as softPair adds them; the entries skipped are
 *  exact zeros, which add nothing); (4) per pair lse = m + log s and fac = w/s. Each loop runs
 *  over a whole range with no test on the data, so the exponentials of many pairs overlap
 *  where softPair's per-pair loops wait on each pair's chain. Returns false, having written
 *  nothing but mx, when a pair's maximum is not finite (normalizeBlock's scalar path then
 *  takes the range). */
function normalizeSoft(lp: usize, P: i32, p0: i32, p1: i32, K: i32, wt: usize, cutoff: f64, fac: usize,
  lists: usize, mx: usize): bool {
  const stride = <usize>P << 4;
  const zero = f64x2.splat(0);
  const inf = f64x2.splat(Infinity);
  let ok = i64x2.splat(-1);
  for (let p = p0; p < p1; p++) {
    const o = <usize>p << 4;
    let at = lp + o;
    let m = v128.load(at);
    for (let k = 1; k < K; k++) {
      at += stride;
      m = f64x2.pmax(m, v128.load(at));
    }
    ok = v128.and(ok, f64x2.lt(f64x2.abs(m), inf)); // false for ±∞ and NaN, as softPair's test
    v128.store(mx + o, m);
  }
  if (!i64x2.all_true(ok)) return false;
  for (let p = p0; p < p1; p++) v128.store(fac + (<usize>p << 4), zero);
  // as softPair's mask: expWith is exact on [EXP_X_MIN, 0] only
  const cut = f64x2.splat(max(cutoff, EXP_X_MIN));
  const counts = lists + (<usize>(K * P) << 2);
  // the exponential's constants, loaded once (expWith)
  const c16 = expConst(16), c32 = expConst(32), c48 = expConst(48), c64 = expConst(64);
  const c96 = expConst(96), c112 = expConst(112), c128 = expConst(128), mask = expMask();
  for (let k = 0; k < K; k++) {
    const col = lp + <usize>k * stride;
    const list = lists + (<usize>(k * P) << 2);
    const n0 = load<i32>(counts + (<usize>k << 2));
    let n = n0;
    for (let p = p0; p < p1; p++) {
      const o = <usize>p << 4;
      const x = f64x2.sub(v128.load(col + o), v128.load(mx + o));
      store<i32>(list + (<usize>n << 2), p);
      n += anyLane(f64x2.ge(x, cut));
    }
    store<i32>(counts + (<usize>k << 2), n);
    for (let i = n0; i < n; i++) {
      const o = <usize>load<i32>(list + (<usize>i << 2)) << 4;
      const x = f64x2.sub(v128.load(col + o), v128.load(mx + o));
      const e = v128.and(expWith(x, c16, c32, c48, c64, c96, c112, c128, mask), f64x2.ge(x, cut));
      v128.store(fac + o, f64x2.add(v128.load(fac + o), e));
      v128.store(col + o, e);
    }
  }
  const ONE = f64x2.splat(1.0);
  let llv = v128.load(LB), wsv = v128.load(LB, 16);
  for (let p = p0; p < p1; p++) {
    const o = <usize>p << 4;
    const s = v128.load(fac + o), m = v128.load(mx + o), w = v128.load(wt + o);
    let L = m, f = w;
    if (!i64x2.all_true(f64x2.eq(s, ONE))) {
      L = f64x2.add(m, logv(s));
      f = f64x2.div(w, s);
    }
    v128.store(fac + o, f);
    llv = f64x2.add(llv, wmul(w, L));
    wsv = f64x2.add(wsv, w);
  }
  keepLowerBound(llv, wsv);
  return true;
}

/** Pairs [p0, p1) whose every row keeps component k alone (certify.ts): what normalizeBlock
 *  gives for such rows (responsibility exactly 1, lse = lp[k], fac = w, listed under k),
 *  reading component k only; lp of the other components is neither read nor written. The
 *  lower-bound terms go to the running sums, as normalizeBlock's. */
export function certifiedPairs(lp: usize, P: i32, p0: i32, p1: i32, K: i32, k: i32, wt: usize,
  fac: usize, lists: usize): void {
  const count = lists + (<usize>(K * P + k) << 2);
  const list = lists + (<usize>(k * P) << 2);
  const col = lp + (<usize>(k * P) << 4);
  const ONE = f64x2.splat(1.0);
  let n = load<i32>(count);
  let llv = v128.load(LB), wsv = v128.load(LB, 16);
  for (let p = p0; p < p1; p++) {
    const o = <usize>p << 4;
    const w = v128.load(wt + o);
    llv = f64x2.add(llv, wmul(w, v128.load(col + o)));
    wsv = f64x2.add(wsv, w);
    v128.store(col + o, ONE);
    v128.store(fac + o, w);
    store<i32>(list + (<usize>n << 2), p);
    n++;
  }
  store<i32>(count, n);
  keepLowerBound(llv, wsv);
}
