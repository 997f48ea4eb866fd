// The merge records that mclust's agglomerations (hcvvv, hceii, hcvii) leave at the end of
// their cost array (hc-eee.ts keeps hceee's, which mclust writes into freed rows of x, the same
// way), replayed into hc()'s pairs; and what hceii and hcvii share besides: wardsw, their slot
// move, their scan for the cheapest pair, the scaled difference of two rows, and (hcvii) the
// cost of merging two groups.
// Record q (1-based) of n − 1 sits at d[nd − 3(q − 1)] (its cost), d[nd − 3(q − 1) − 1]
// (slot i) and d[nd − 3(q − 1) − 2] (slot j), the slots being the positions groups held when
// they merged (the last group moves into a merged slot); replaying them over ic (n i32) names
// each group by its first row, as hc() does. d and ic are 1-based through the accessors, as in
// the Fortran.

/** mclust's FLMAX (double's largest): the cost of no pair yet. */
export const FLMAX: f64 = 1.7976931348623157e308;

// @ts-ignore: decorator
@inline function dAt(d: usize, k: i32): f64 { return load<f64>(d + (<usize>(k - 1) << 3)); }
// @ts-ignore: decorator
@inline function dSet(d: usize, k: i32, v: f64): void { store<f64>(d + (<usize>(k - 1) << 3), v); }
// @ts-ignore: decorator
@inline function icAt(ic: usize, k: i32): i32 { return load<i32>(ic + (<usize>(k - 1) << 2)); }
// @ts-ignore: decorator
@inline function icSet(ic: usize, k: i32, v: i32): void { store<i32>(ic + (<usize>(k - 1) << 2), v); }

/** mclust's wardsw(i, n, d): the packed costs of group n move into the slots of group i, which
 *  has merged away (hc.ts's swapCosts is the same, keeping its column minima as it goes). */
export function wardsw(d: usize, i: i32, n: i32): void {
  const i1 = i - 1;
  let ii = (i1 * (i1 - 1)) / 2 + 1;
  const n1 = n - 1;
  let nn = (n1 * (n1 - 1)) / 2 + 1;
  for (let k = 0; k < i1; k++) { // dswap(i1, d(nn), 1, d(ii), 1)
    const t = dAt(d, nn + k);
    dSet(d, nn + k, dAt(d, ii + k));
    dSet(d, ii + k, t);
  }
  ii = ii + i1 + i1;
  nn = nn + i;
  if (n1 == i) return;
  let k = i;
  do {
    const t = dAt(d, ii);
    dSet(d, ii, dAt(d, nn));
    dSet(d, nn, t);
    ii += k;
    nn += 1;
    k += 1;
  } while (k < n1);
}

/** v ← a·x_i − b·x_j and its ‖v‖², as mclust's dcopy, dscal, daxpy and ddot round them: rows
 *  i, j (1-based) of x, row r's p entries from x + (r − 1)·rs, cs bytes apart; v p f64. */
export function scaledDistance(x: usize, rs: usize, cs: usize, p: i32, i: i32, a: f64, j: i32, b: f64, v: usize): f64 {
  const xi = x + <usize>(i - 1) * rs, xj = x + <usize>(j - 1) * rs;
  for (let k = 0; k < p; k++) store<f64>(v + (<usize>k << 3), load<f64>(xi + <usize>k * cs) * a);
  for (let k = 0; k < p; k++) {
    const at = v + (<usize>k << 3);
    store<f64>(at, load<f64>(at) + (-b) * load<f64>(xj + <usize>k * cs));
  }
  let s: f64 = 0;
  for (let k = 0; k < p; k++) { const t = load<f64>(v + (<usize>k << 3)); s += t * t; }
  return s;
}

/** Pair q (1-based) of pairs: the smaller label first. */
function put(pairs: usize, q: i32, a: i32, b: i32): void {
  store<i32>(pairs + (<usize>(2 * (q - 1)) << 2), min(a, b));
  store<i32>(pairs + (<usize>(2 * (q - 1) + 1) << 2), max(a, b));
}

/** A merge record at d[lo] (its cost), d[lo − 1] (slot i), d[lo − 2] (slot j); the caller's
 *  next is lo − 3. */
export function putRecord(d: usize, lo: i32, cost: f64, i: i32, j: i32): void {
  dSet(d, lo, cost);
  dSet(d, lo - 1, <f64>i);
  dSet(d, lo - 2, <f64>j);
}

/** The packed index (1-based) of the cheapest of the ld pair costs d[1 … ld], the last of equal
 *  ones (mclust's scan from d(1) with `≤`). */
function lastLeast(d: usize, ld: i32): i32 {
  let ij = 1, least = dAt(d, 1);
  for (let i = 2; i <= ld; i++) {
    const v = dAt(d, i);
    if (v <= least) { ij = i; least = v; }
  }
  return ij;
}

/** The column j of packed index ij (pair (i, j), i < j, at (j − 1)(j − 2)/2 + i), stepped to
 *  as mclust does; i is ij − (j − 1)(j − 2)/2. */
function packedColumn(ij: i32): i32 {
  let i = 1, j = 2;
  for (let k = 2; k <= ij; k++) {
    i++;
    if (i >= j) { j++; i = 1; }
  }
  return j;
}

// cheapestPair's pair, i < j
export let CHEAPEST_I = 0, CHEAPEST_J = 0;

/** The cheapest of the ld pair costs d[1 … ld] (the last of equal ones: lastLeast): its cost
 *  returned, its pair into CHEAPEST_I, CHEAPEST_J (with ld = 1, the pair (1, 2)). */
export function cheapestPair(d: usize, ld: i32): f64 {
  const ij = lastLeast(d, ld);
  CHEAPEST_J = packedColumn(ij);
  CHEAPEST_I = ij - ((CHEAPEST_J - 1) * (CHEAPEST_J - 2)) / 2;
  return dAt(d, ij);
}

/** The n − 1 merges of n rows into pairs (2(n − 1) i32): the last merge (iopt, jopt, its cost
 *  dopt) recorded at lo first, then every record replayed; with n = 2 the one merge itself. */
export function mergePairs(d: usize, ic: usize, nd: i32, n: i32, lo: i32, dopt: f64, iopt: i32, jopt: i32, pairs: usize): void {
  const ns = n - 1;
  if (ns < 1) return;
  if (ns == 1) {
    put(pairs, 1, iopt, jopt);
    return;
  }
  putRecord(d, lo, dopt, iopt, jopt);
  for (let q = 1; q <= n; q++) icSet(ic, q, q);
  let at = nd - 1;
  const a0 = <i32>dAt(d, at), b0 = <i32>dAt(d, at - 1);
  icSet(ic, b0, n);
  put(pairs, 1, a0, b0);
  const top = n + 1;
  for (let q = 2; q <= ns; q++) {
    at -= 3;
    const i = <i32>dAt(d, at), j = <i32>dAt(d, at - 1);
    const ici = icAt(ic, i), icj = icAt(ic, j);
    if (ici > icj) icSet(ic, i, icj);
    icSet(ic, j, icAt(ic, top - q));
    put(pairs, q, ici, icj);
  }
}

// what groupCost leaves besides the cost: the scales of the two groups' rows in the merged
// group's (SI of i's, SJ of j's), its size, trace and term
export let SI: f64 = 0, SJ: f64 = 0, TRCIJ: f64 = 0, TRMIJ: f64 = 0, NIJ = 0;

/** The cost of merging group i (ni rows, trace tri, term tmi) with group j (nj, trj, tmj) under
 *  VII and V (hcvii, hc1v), as mclust computes it in each of its loops: rows i, j of x as
 *  scaledDistance's (y_g = √n_g·x̄_g), v = √(nⱼ/nᵢⱼ)·yᵢ − √(nᵢ/nᵢⱼ)·yⱼ (p f64 of work),
 *  Wᵢⱼ = (Wᵢ + Wⱼ) + ‖v‖², tᵢⱼ = nᵢⱼ·log((Wᵢⱼ + α)/nᵢⱼ), the cost tᵢⱼ − (tᵢ + tⱼ). */
export function groupCost(x: usize, rs: usize, cs: usize, p: i32, v: usize, alpha: f64,
  i: i32, ni: i32, tri: f64, tmi: f64, j: i32, nj: i32, trj: f64, tmj: f64): f64 {
  NIJ = ni + nj;
  const rij = <f64>NIJ, qij = 1 / rij, qi = <f64>ni * qij, qj = <f64>nj * qij;
  SI = Math.sqrt(qi);
  SJ = Math.sqrt(qj);
  TRCIJ = (tri + trj) + scaledDistance(x, rs, cs, p, i, SJ, j, SI, v);
  TRMIJ = rij * Math.log((TRCIJ + alpha) / rij);
  return TRMIJ - (tmi + tmj);
}
