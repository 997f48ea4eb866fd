// mclust's hc(X, "EII"): agglomerative hierarchical clustering under the EII model, which is
// Ward's method (Fraley 1998). A port of mclust's Fortran hceii (mclust 6), kept operation
// for operation where the order decides which pair merges: the scans, `≤` keeping the last
// of equal costs, the slot moves of wardsw, and the relabelling of the merge records.
//
// Every row starts as its own group (hc() passes hcEII no partition). Merging groups i and j
// (nᵢ, nⱼ rows, means x̄ᵢ, x̄ⱼ) costs
//   dᵢⱼ = nᵢnⱼ/(nᵢ + nⱼ)·‖x̄ᵢ − x̄ⱼ‖²,
// first from the rows, then by the Lance–Williams update: after i and j merge, for each other
// group k,  d(ij)k = ((nₖ + nᵢ)dᵢₖ + (nₖ + nⱼ)dⱼₖ − nₖdᵢⱼ) / (nₖ + nᵢ + nⱼ).
// The cheapest pair merges, ng − 1 times.
//
// Sizes: z n × p row-major (the transformed data); the work area hcWardWorkSize; pairs out
// 2(n − 1) i32, the groups merged at each step (1-based, smaller first, as hc()).

import { cheapestPair, CHEAPEST_I, CHEAPEST_J, FLMAX, mergePairs, putRecord, scaledDistance, wardsw } from './hc-records';

// the state of one run; the Fortran's arrays, 1-based through the accessors below
let N: i32 = 0, P: i32 = 0, NS: i32 = 0, ND: i32 = 0;
let X: usize = 0;  // z: n × p row-major (mclust's x, column-major there), read by hcWardBegin only
let V: usize = 0;  // p
let D: usize = 0;  // the packed pair costs, then the merge records (nd)
let IC: usize = 0; // n i32
let lg = 0, ld = 0, lo = 0, ls = 0, iopt = 0, jopt = 0;
let dopt: f64 = 0;

// @ts-ignore: decorator
@inline function dget(k: i32): f64 { return load<f64>(D + (<usize>(k - 1) << 3)); }
// @ts-ignore: decorator
@inline function dset(k: i32, v: f64): void { store<f64>(D + (<usize>(k - 1) << 3), v); }
// @ts-ignore: decorator
@inline function ic(k: i32): i32 { return load<i32>(IC + (<usize>(k - 1) << 2)); }
// @ts-ignore: decorator
@inline function setIc(k: i32, v: i32): void { store<i32>(IC + (<usize>(k - 1) << 2), v); }

/** mclust's ld: the f64 of the pair costs and merge records (in f64: from 46,342 rows
 *  n(n − 1) overflows i32, and the caller's reserve refuses the size as TOO_LARGE first). */
function recordsOf(n: i32): f64 { return max(<f64>n * <f64>(n - 1) / 2, 3 * <f64>(n - 1)); }

/** Work (f64) hcWardBegin needs for n rows of p features. */
export function hcWardWorkSize(n: i32, p: i32): f64 {
  return <f64>p + recordsOf(n) + <f64>((n + 1) >> 1);
}

/**
 * hcEII, in three calls as hcBegin/hcMerge/hcPairs (hc.ts): hcWardBegin costs every pair of
 * rows and returns whether merges remain for hcWardMerge, which makes one a call; then
 * hcWardPairs writes the n − 1 merges. n ≥ 2.
 */
export function hcWardBegin(z: usize, n: i32, p: i32, work: usize): i32 {
  N = n; P = p; NS = n - 1; ND = <i32>recordsOf(n);
  X = z; // every row its own group: the rows are only read, for the first costs
  V = work;
  D = V + (<usize>p << 3);
  IC = D + (<usize>ND << 3);
  for (let k = 1; k <= n; k++) setIc(k, 1); // every row a group of one
  memory.fill(D, 0, <usize>ND << 3);
  lg = n; ld = (n * (n - 1)) / 2; lo = ND; ls = 1;
  iopt = 0; jopt = 0;
  // the costs of all pairs of groups, and the cheapest (the last of equal ones)
  dopt = FLMAX;
  let ij = 0;
  for (let jj = 2; jj <= lg; jj++) {
    const rj = <f64>ic(jj);
    for (let ii = 1; ii < jj; ii++) {
      const ri = <f64>ic(ii), rij = ri + rj;
      const si = Math.sqrt(ri / rij), sj = Math.sqrt(rj / rij);
      const dij = scaledDistance(X, <usize>p << 3, 8, p, ii, sj, jj, si, V);
      ij++;
      dset(ij, dij);
      if (dij <= dopt) { dopt = dij; iopt = ii; jopt = jj; }
    }
  }
  return NS > 1 ? 1 : 0;
}

/** One merge of hcEII (hcWardBegin): returns whether more remain. */
export function hcWardMerge(): i32 {
  const ni = ic(iopt), nj = ic(jopt), nij = ni + nj;
  setIc(iopt, nij);
  setIc(jopt, -iopt);
  if (jopt != lg) {
    wardsw(D, jopt, lg);
    const m = ic(jopt);
    setIc(jopt, ic(lg));
    setIc(lg, m);
  }
  const si = <f64>ni, sj = <f64>nj, sij = <f64>nij;
  const dold = dopt, iold = iopt, jold = jopt;
  lg = lg - 1;
  ld = ld - lg;
  const ii = (iold * (iold - 1)) / 2;
  if (iold > 1) {
    let ik = ii - iold + 1;
    for (let j = 1; j < iold; j++) {
      const rj = <f64>ic(j);
      ik++;
      const jk = ld + j;
      let dij = (rj + si) * dget(ik) + (rj + sj) * dget(jk);
      dij = (dij - rj * dold) / (rj + sij);
      dset(ik, dij);
    }
  }
  if (iold < lg) {
    let ik = ii + iold, i = iold;
    for (let j = iold + 1; j <= lg; j++) {
      const rj = <f64>ic(j);
      const jk = ld + j;
      let dij = (rj + si) * dget(ik) + (rj + sj) * dget(jk);
      dij = (dij - rj * dold) / (rj + sij);
      dset(ik, dij);
      ik += i;
      i = j;
    }
  }
  putRecord(D, lo, dold, iold, jold);
  lo -= 3;
  // the cheapest pair left (the last of equal costs)
  dopt = cheapestPair(D, ld);
  iopt = CHEAPEST_I; jopt = CHEAPEST_J;
  if (lg == 2) return 0;
  ls++;
  return ls == NS ? 0 : 1;
}

/** The n − 1 merges, as hc() gives them: 2(n − 1) i32 labels, pair s merging group
 *  pairs[2s + 1] into pairs[2s] (1-based). */
export function hcWardPairs(pairs: usize): void {
  mergePairs(D, IC, ND, N, lo, dopt, iopt, jopt, pairs);
}
