// mclust's hc(x, "V"): model-based agglomerative hierarchical clustering of one feature under
// the V model (each group its own variance; Fraley 1998). A port of mclust's Fortran hc1v
// (mclust 6), kept operation for operation where the order decides which pair merges: the
// scans, `≤` keeping the last of equal costs, the slot moves of wardsw, the rows of x that
// hold a merged group's trace, the records that hold its term and size, and the relabelling
// of the merge records.
//
// hcVII's cost on one feature. Every row starts as its own group (hc() passes hcV no
// partition); a group g of n_g rows with W_g = Σ(x − x̄_g)² has the term
//   t_g = n_g·log((W_g + α)/n_g)          (a singleton: log α),
// and merging groups i and j costs
//   dᵢⱼ = tᵢⱼ − tᵢ − tⱼ,  Wᵢⱼ = Wᵢ + Wⱼ + (√(nⱼ/nᵢⱼ)·yᵢ − √(nᵢ/nᵢⱼ)·yⱼ)²,  y_g = √n_g·x̄_g.
// α = ε whatever the data: hcV passes min(vecnorm(x − x̄)²/n, ε) (min, where hcVII takes
// max), which hc1v raises to ε. The cheapest pair merges, n − 1 times; only the merged
// group's costs are new each time.
//
// Sizes: z n × 1 (the transformed data, n ≥ 2); the work area hcVWorkSize; pairs out
// 2(n − 1) i32, the groups merged at each step (1-based, smaller first, as hc()).

import { dAt, dSet, FLMAX, groupCost, icAt, icSet, lastLeast, mergePairs, NIJ, packedColumn, putRecord, SI, SJ, TRCIJ, TRMIJ,
  wardsw } from './hc-records';
import { EPS } from './hc';

const ALPHA: f64 = EPS;
// a merge record: its cost, the merged group's term and size, slot i, slot j
const WIDE = 5;

// the state of one run; the Fortran's arrays, 1-based through dAt/icAt (hc-records.ts)
let N: i32 = 0, NS: i32 = 0, ND: i32 = 0;
let X: usize = 0;  // n (mclust's x): row g of a live slot its y_g; the row of a slot given up (the last, at each merge) a merged group's trace
let V: usize = 0;  // 1 (groupCost's difference)
let D: usize = 0;  // the packed pair costs, then the merge records (nd)
// n i32: a live slot's row of its trace (1: a singleton); that row's, the index in d of its
// term (in its merge record, the size below it)
let IC: usize = 0;
let ALFLOG: f64 = 0;
// mclust's locals that live from one merge to the next: groups left (lg), packed costs (ld),
// the next merge record (lo), merges done (ls), and the cheapest pair with its merged size,
// scales, trace and term
let lg = 0, ld = 0, lo = 0, ls = 0, iopt = 0, jopt = 0, nopt = 0;
let dopt: f64 = 0, trop: f64 = 0, tmop: f64 = 0, siop: f64 = 0, sjop: f64 = 0;

// @ts-ignore: decorator
@inline function xa(i: i32): usize { return X + (<usize>(i - 1) << 3); }

/** The f64 of the pair costs and merge records: mclust's ld (max(n(n − 1)/2, 3(n − 1))), but
 *  at least 5(n − 1), hc1v's records being 5 wide: below 10 rows mclust's run off the start
 *  of d (R crashes or errs from 4 to 8 rows). Where mclust's fit (3 rows, 9 or more) neither
 *  overlaps the live costs, so the merges are the same. (In f64: from 46,342 rows n(n − 1)
 *  overflows i32, and the caller's reserve refuses the size as TOO_LARGE first.) */
function recordsOf(n: i32): f64 { return max(<f64>n * <f64>(n - 1) / 2, <f64>(WIDE * (n - 1))); }

/** Work (f64) hcVBegin needs for n rows of p (1) features. */
export function hcVWorkSize(n: i32, p: i32): f64 {
  return <f64>n + <f64>p + recordsOf(n) + <f64>((n + 1) >> 1);
}

// what stored leaves: a group's trace, term and size
let GT: f64 = 0, GM: f64 = 0, GN = 0;

/** The trace, term and size of the group in slot g (GT, GM, GN): a singleton's 0, log α, 1; a
 *  merged group's from the row its pointer names, whose own pointer is the term's place in
 *  its merge record. */
function stored(g: i32): void {
  const r = icAt(IC, g);
  if (r != 1) {
    const k = icAt(IC, r);
    GT = load<f64>(xa(r)); GM = dAt(D, k); GN = <i32>dAt(D, k - 1);
  } else {
    GT = 0; GM = ALFLOG; GN = 1;
  }
}

/** The cost of merging slot a (na rows, trace tra, term tma) with slot b (stored), a's row
 *  first as mclust's loops take it; groupCost (hc-records.ts) sets SI (a's scale), SJ, NIJ,
 *  TRCIJ, TRMIJ. */
function pairCost(a: i32, na: i32, tra: f64, tma: f64, b: i32): f64 {
  stored(b);
  return groupCost(X, 8, 8, 1, V, ALPHA, a, na, tra, tma, b, GN, GT, GM);
}

/** The pair just costed (slots a, b) as the next merge: its size, trace, term, and the slots
 *  in order with their rows' scales. */
function take(a: i32, b: i32): void {
  nopt = NIJ; trop = TRCIJ; tmop = TRMIJ;
  if (a < b) {
    iopt = a; jopt = b; siop = SI; sjop = SJ;
  } else {
    iopt = b; jopt = a; siop = SJ; sjop = SI;
  }
}

/** d[ij] ← the cost of merging slots a and b (pairCost); the cheapest so far taken, the last
 *  of equal ones (mclust's `≤`). */
function offer(ij: i32, a: i32, na: i32, tra: f64, tma: f64, b: i32): void {
  const dij = pairCost(a, na, tra, tma, b);
  dSet(D, ij, dij);
  if (dij <= dopt) {
    dopt = dij;
    take(a, b);
  }
}

/**
 * hcV, in three calls as hcBegin/hcMerge/hcPairs (hc.ts): hcVBegin (z n × 1, n ≥ 2; work
 * hcVWorkSize f64, 8-byte aligned) costs every pair of rows and returns whether merges remain
 * for hcVMerge, which makes one a call; then hcVPairs writes the n − 1 merges. p is 1.
 */
export function hcVBegin(z: usize, n: i32, p: i32, work: usize): i32 {
  N = n; NS = n - 1; ND = <i32>recordsOf(n);
  X = work; // x is rewritten (merged groups' rows and traces): a copy
  V = X + (<usize>n << 3);
  D = V + (<usize>p << 3);
  IC = D + (<usize>ND << 3);
  memory.copy(X, z, <usize>n << 3);
  memory.fill(D, 0, <usize>ND << 3);
  ALFLOG = Math.log(ALPHA);
  lg = n; ld = (n * (n - 1)) / 2; lo = ND; ls = 1;
  iopt = 0; jopt = 0; nopt = 0;
  siop = 0; sjop = 0; tmop = 0; trop = 0;
  // every row a singleton (mclust's pointers ic(j) = 1; no terms stored)
  for (let k = 1; k <= n; k++) icSet(IC, k, 1);
  // the costs of all pairs of singletons, and the cheapest (the last of equal ones)
  dopt = FLMAX;
  let ij = 0;
  for (let j = 2; j <= n; j++) for (let i = 1; i < j; i++) offer(++ij, i, 1, 0, ALFLOG, j);
  return NS > 1 ? 1 : 0;
}

/** One merge of hcV (hcVBegin): returns whether more remain. */
export function hcVMerge(): i32 {
  // jopt's y joins iopt's: yᵢⱼ = √(nᵢ/nᵢⱼ)·yᵢ + √(nⱼ/nᵢⱼ)·yⱼ
  store<f64>(xa(iopt), siop * load<f64>(xa(iopt)) + sjop * load<f64>(xa(jopt)));
  // the last group moves into jopt's slot, with its row and pointer
  if (jopt != lg) {
    wardsw(D, jopt, lg);
    store<f64>(xa(jopt), load<f64>(xa(lg)));
    const m = icAt(IC, jopt);
    icSet(IC, jopt, icAt(IC, lg));
    icSet(IC, lg, m);
  }
  // the row given up holds the merged group's trace; its record the term and size, which
  // that row's pointer names
  icSet(IC, iopt, lg);
  store<f64>(xa(lg), trop);
  putRecord(D, lo, dopt, iopt, jopt, WIDE);
  dSet(D, lo - 1, tmop);
  dSet(D, lo - 2, <f64>nopt);
  icSet(IC, lg, lo - 1);
  lo -= WIDE;
  lg--;
  ld -= lg;

  // the merged group's costs against every other group, in mclust's order: its column of the
  // packed costs, then its row across the later columns
  const iold = iopt, ni = nopt, tracei = trop, termi = tmop;
  dopt = FLMAX;
  for (let j = 1; j <= lg; j++) {
    if (j != iold) offer(j < iold ? ((iold - 1) * (iold - 2)) / 2 + j : ((j - 1) * (j - 2)) / 2 + iold, iold, ni, tracei, termi, j);
  }

  // the cheapest pair left (the last of equal costs; with two groups, the one pair), as
  // (iopt, jopt) from its packed index
  const ij = lastLeast(D, ld);
  dopt = dAt(D, ij);
  jopt = packedColumn(ij);
  iopt = ij - ((jopt - 1) * (jopt - 2)) / 2;
  if (lg == 2) return 0;
  if (iopt != iold && jopt != iold) {
    // neither is the group just merged: the pair's size, scales, trace and term anew (else
    // offer left them, at its last pair of the least cost)
    stored(iopt);
    pairCost(iopt, GN, GT, GM, jopt);
    take(iopt, jopt);
  }
  ls++;
  return ls == NS ? 0 : 1;
}

/** The n − 1 merges, as hc() gives them: 2(n − 1) i32 labels, pair s merging group
 *  pairs[2s + 1] into pairs[2s] (1-based). */
export function hcVPairs(pairs: usize): void {
  mergePairs(D, IC, ND, N, lo, dopt, iopt, jopt, pairs, WIDE);
}
