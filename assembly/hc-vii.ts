// mclust's hc(X, "VII"): model-based agglomerative hierarchical clustering under the VII model
// (spherical, each group its own volume; Fraley 1998). A port of mclust's Fortran hcvii
// (mclust 6), kept operation for operation where the order decides which pair merges: the
// scans, `≤` keeping the last of equal costs, the slot moves of wardsw, the rows of x that
// hold a merged group's trace and term, and the relabelling of the merge records.
//
// Every row starts as its own group (hc() passes hcVII no partition). A group g of n_g rows
// with scatter trace W_g = Σ‖x − x̄_g‖² has the term
//   t_g = n_g·log((W_g + α)/n_g)          (a singleton: log α),
// α = max(traceW(Z/√(np)), ε) (hcVII's alpha = 1). Merging groups i and j costs
//   dᵢⱼ = tᵢⱼ − tᵢ − tⱼ,  Wᵢⱼ = Wᵢ + Wⱼ + ‖vᵢⱼ‖²,  vᵢⱼ = √(nⱼ/nᵢⱼ)·yᵢ − √(nᵢ/nᵢⱼ)·yⱼ,
// where a group's row of x holds y_g = √n_g·x̄_g (p), so that ‖vᵢⱼ‖² = nᵢnⱼ/nᵢⱼ·‖x̄ᵢ − x̄ⱼ‖².
// The cheapest pair merges, n − 1 times; only the merged group's costs are new each time.
//
// Sizes: z n × p row-major (the transformed data; any n ≥ 2, p ≥ 1: VII has no covariance of
// a group's own, so wide data too); the work area hcViiWorkSize; pairs out 2(n − 1) i32, the
// groups merged at each step (1-based, smaller first, as hc()).

import { cheapestPair, CHEAPEST_I, CHEAPEST_J, FLMAX, groupCost, mergePairs, NIJ, putRecord, SI, SJ, TRCIJ, TRMIJ, wardsw } from './hc-records';
import { axpy, copy, EPS, scal, traceW } from './hc';

// the state of one run; the Fortran's arrays, 1-based through the accessors below
let N: i32 = 0, P: i32 = 0, NS: i32 = 0, ND: i32 = 0;
// n × max(p, 2) column-major (mclust's x): row g of a live slot its y_g; the row of a slot
// given up (the last, at each merge) holds a merged group's trace and term in its first two
// columns. mclust writes those into x(·, 2) of an n × 1 x too (past its end: hc(x, "VII")
// of one feature crashes R); here a second column is there for them
let X: usize = 0;
let V: usize = 0;  // p
let D: usize = 0;  // the packed pair costs, then the merge records (nd)
let IC: usize = 0; // n i32: a slot's row of its trace and term (1: a singleton); that row's, its size
let ALPHA: f64 = 0, ALFLOG: f64 = 0;
// mclust's locals that live from one merge to the next: groups left (lg), packed costs (ld),
// the next merge record (lo), merges done (ls), and the cheapest pair with its merged size,
// scales, trace and term
let lg = 0, ld = 0, lo = 0, ls = 0, iopt = 0, jopt = 0, nopt = 0;
let dopt: f64 = 0, trop: f64 = 0, tmop: f64 = 0, siop: f64 = 0, sjop: f64 = 0;

// @ts-ignore: decorator
@inline function xa(i: i32, j: i32): usize { return X + (<usize>((j - 1) * N + i - 1) << 3); }
// @ts-ignore: decorator
@inline function dget(k: i32): f64 { return load<f64>(D + (<usize>(k - 1) << 3)); }
// @ts-ignore: decorator
@inline function dset(k: i32, v: f64): void { store<f64>(D + (<usize>(k - 1) << 3), v); }
// @ts-ignore: decorator
@inline function ic(k: i32): i32 { return load<i32>(IC + (<usize>(k - 1) << 2)); }
// @ts-ignore: decorator
@inline function setIc(k: i32, v: i32): void { store<i32>(IC + (<usize>(k - 1) << 2), v); }

/** mclust's nd (max(n, n(n − 1)/2, 3(n − 1))): the f64 of the pair costs and merge records (in
 *  f64: from 46,342 rows n(n − 1) overflows i32, and the caller's reserve refuses the size as
 *  TOO_LARGE first). */
function recordsOf(n: i32): f64 { return max(max(<f64>n, <f64>n * <f64>(n - 1) / 2), 3 * <f64>(n - 1)); }

/** Work (f64) hcViiBegin needs for n rows of p features. */
export function hcViiWorkSize(n: i32, p: i32): f64 {
  return <f64>n * <f64>max(p, 2) + <f64>p + recordsOf(n) + <f64>((n + 1) >> 1);
}

// what stored leaves: a group's trace, term and size
let GT: f64 = 0, GM: f64 = 0, GN = 0;

/** The trace, term and size of the group in slot g (GT, GM, GN): a singleton's 0, log α, 1; a
 *  merged group's from the row its pointer names, whose own pointer is the size. */
function stored(g: i32): void {
  const r = ic(g);
  if (r != 1) {
    GT = load<f64>(xa(r, 1)); GM = load<f64>(xa(r, 2)); GN = ic(r);
  } else {
    GT = 0; GM = ALFLOG; GN = 1;
  }
}

/** The cost of merging slot i (ni rows, trace tri, term tmi) with slot j (nj, trj, tmj)
 *  (groupCost, hc-records.ts: it sets SI, SJ, NIJ, TRCIJ, TRMIJ). */
function pairCost(i: i32, ni: i32, tri: f64, tmi: f64, j: i32, nj: i32, trj: f64, tmj: f64): f64 {
  return groupCost(X, 8, <usize>N << 3, P, V, ALPHA, i, ni, tri, tmi, j, nj, trj, tmj);
}

/**
 * hcVII, in three calls as hcBegin/hcMerge/hcPairs (hc.ts): hcViiBegin (z n × p row-major,
 * n ≥ 2; work hcViiWorkSize f64, 8-byte aligned) costs every pair of rows and returns whether
 * merges remain for hcViiMerge, which makes one a call; then hcViiPairs writes the n − 1 merges.
 */
export function hcViiBegin(z: usize, n: i32, p: i32, work: usize): i32 {
  return begin(z, n, p, work, false);
}

/**
 * mclust's hc(x, "V") (one feature, each group its own variance: hc1v) is hcVII's cost and
 * order on one feature with α = ε whatever the data (hcV passes min(traceW, ε), where hcVII
 * takes the max, and hc1v raises it to ε): hcVBegin, then hcViiMerge and hcViiPairs. (hc1v
 * keeps wider merge records, which decide nothing.)
 */
export function hcVBegin(z: usize, n: i32, p: i32, work: usize): i32 {
  return begin(z, n, p, work, true);
}

function begin(z: usize, n: i32, p: i32, work: usize, epsilonAlpha: bool): i32 {
  N = n; P = p; NS = n - 1; ND = <i32>recordsOf(n);
  X = work; // x is rewritten (merged groups' rows, traces and terms): a column-major copy
  V = X + (<usize>(n * max(p, 2)) << 3);
  D = V + (<usize>p << 3);
  IC = D + (<usize>ND << 3);
  memory.fill(X, 0, <usize>(n * max(p, 2)) << 3);
  for (let i = 1; i <= n; i++) for (let j = 1; j <= p; j++) store<f64>(xa(i, j), load<f64>(z + (<usize>((i - 1) * p + j - 1) << 3)));
  memory.fill(D, 0, <usize>ND << 3);
  // hcVII's α (R: alpha · traceW(data/sqrt(n*p)) with alpha = 1, at least ε); hcV's ε
  ALPHA = epsilonAlpha ? EPS : max(traceW(X, n, p, V), EPS);
  ALFLOG = Math.log(ALPHA);
  lg = n; ld = (n * (n - 1)) / 2; lo = ND; ls = 1;
  iopt = 0; jopt = 0; nopt = 0;
  siop = 0; sjop = 0; tmop = 0; trop = 0;
  // every row a singleton (mclust's pointers ic(j) = 1; no terms stored)
  for (let k = 1; k <= n; k++) setIc(k, 1);
  // the costs of all pairs of singletons, and the cheapest (the last of equal ones)
  dopt = FLMAX;
  let ij = 0;
  for (let j = 2; j <= n; j++) {
    for (let i = 1; i < j; i++) {
      const dij = pairCost(i, 1, 0, ALFLOG, j, 1, 0, ALFLOG);
      ij++;
      dset(ij, dij);
      if (dij <= dopt) {
        dopt = dij; trop = TRCIJ; tmop = TRMIJ; nopt = NIJ;
        siop = SI; sjop = SJ; iopt = i; jopt = j;
      }
    }
  }
  return NS > 1 ? 1 : 0;
}

/** One merge of hcVII (hcViiBegin): returns whether more remain. */
export function hcViiMerge(): i32 {
  // jopt's y joins iopt's: yᵢⱼ = √(nᵢ/nᵢⱼ)·yᵢ + √(nⱼ/nᵢⱼ)·yⱼ (dscal, daxpy)
  scal(P, siop, xa(iopt, 1), N);
  axpy(P, sjop, xa(jopt, 1), N, xa(iopt, 1), N);
  // the last group moves into jopt's slot
  if (jopt != lg) {
    wardsw(D, jopt, lg);
    copy(P, xa(lg, 1), N, xa(jopt, 1), N);
    const m = ic(jopt);
    setIc(jopt, ic(lg));
    setIc(lg, m);
  }
  // the slot given up holds the merged group's trace, term and size
  setIc(iopt, lg);
  setIc(lg, nopt);
  store<f64>(xa(lg, 1), trop);
  store<f64>(xa(lg, 2), tmop);

  putRecord(D, lo, dopt, iopt, jopt);
  lo -= 3;
  lg--;
  ld -= lg;

  const iold = iopt;
  iopt = -1; jopt = -1;
  dopt = FLMAX;
  const ni = nopt, tracei = trop, termi = tmop;

  // the merged group's costs against every other group (their packed slots in column iold,
  // then in row iold of the later columns)
  let ij = ((iold - 1) * (iold - 2)) / 2;
  if (iold > 1) {
    for (let j = 1; j < iold; j++) {
      stored(j);
      const dij = pairCost(iold, ni, tracei, termi, j, GN, GT, GM);
      ij++;
      dset(ij, dij);
      if (dij <= dopt) {
        dopt = dij; trop = TRCIJ; tmop = TRMIJ; iopt = j; jopt = iold; nopt = NIJ;
        sjop = SI; siop = SJ;
      }
    }
  }
  if (iold < lg) {
    let i = iold;
    ij += i;
    for (let j = iold + 1; j <= lg; j++) {
      stored(j);
      const dij = pairCost(iold, ni, tracei, termi, j, GN, GT, GM);
      dset(ij, dij);
      if (dij <= dopt) {
        dopt = dij; trop = TRCIJ; tmop = TRMIJ; iopt = iold; jopt = j; nopt = NIJ;
        siop = SI; sjop = SJ;
      }
      ij += i;
      i = j;
    }
  }

  // the cheapest pair left (the last of equal costs)
  dopt = cheapestPair(D, ld);
  iopt = CHEAPEST_I; jopt = CHEAPEST_J;
  if (lg == 2) return 0;

  if (iopt != iold && jopt != iold) {
    // neither is the group just merged: the pair's scales, trace and term anew (else the loops
    // above left them, at their last pair of the least cost)
    stored(iopt);
    const tri = GT, tmi = GM, niop = GN;
    stored(jopt);
    pairCost(iopt, niop, tri, tmi, jopt, GN, GT, GM);
    nopt = NIJ; siop = SI; sjop = SJ; trop = TRCIJ; tmop = TRMIJ;
  }
  ls++;
  return ls == NS ? 0 : 1;
}

/** The n − 1 merges, as hc() gives them: 2(n − 1) i32 labels, pair s merging group
 *  pairs[2s + 1] into pairs[2s] (1-based). */
export function hcViiPairs(pairs: usize): void {
  mergePairs(D, IC, ND, N, lo, dopt, iopt, jopt, pairs);
}
