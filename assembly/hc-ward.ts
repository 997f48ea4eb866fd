// mclust's hc(X, "EII"): agglomerative hierarchical clustering under the EII model, which is
// Ward's method (Fraley 1998). A port of mclust's Fortran hceii (mclust 6), kept operation
// for operation where the order decides which pair merges: the scans, `≤` keeping the last
// of equal costs, the slot moves of wardsw, and the relabelling of the merge records.
//
// Groups start from a partition (mclust's dupPartition: equal rows together). Merging groups
// i and j (nᵢ, nⱼ rows, means x̄ᵢ, x̄ⱼ) costs
//   dᵢⱼ = nᵢnⱼ/(nᵢ + nⱼ)·‖x̄ᵢ − x̄ⱼ‖²,
// first from the rows, then by the Lance–Williams update: after i and j merge, for each other
// group k,  d(ij)k = ((nₖ + nᵢ)dᵢₖ + (nₖ + nⱼ)dⱼₖ − nₖdᵢⱼ) / (nₖ + nᵢ + nⱼ).
// The cheapest pair merges, ng − 1 times.
//
// Sizes: z n × p row-major (the transformed data); partition n i32, groups numbered 1 … ng
// in the order of their first row; the work area hcWardWorkSize; pairs out 2(ng − 1) i32, the
// groups merged at each step (1-based, smaller first, as hc()).

const FLMAX: f64 = 1.7976931348623157e308;

// the state of one run; the Fortran's arrays, 1-based through the accessors below
let N: i32 = 0, P: i32 = 0, NG: i32 = 0, NS: i32 = 0, ND: i32 = 0;
let X: usize = 0;  // n × p row-major (mclust's x, column-major there)
let V: usize = 0;  // p
let D: usize = 0;  // the packed pair costs, then the merge records (nd)
let IC: usize = 0; // n i32
let lg = 0, ld = 0, lo = 0, ls = 0, iopt = 0, jopt = 0;
let dopt: f64 = 0;

// @ts-ignore: decorator
@inline function xa(i: i32, j: i32): usize { return X + (<usize>((i - 1) * P + j - 1) << 3); }
// @ts-ignore: decorator
@inline function dget(k: i32): f64 { return load<f64>(D + (<usize>(k - 1) << 3)); }
// @ts-ignore: decorator
@inline function dset(k: i32, v: f64): void { store<f64>(D + (<usize>(k - 1) << 3), v); }
// @ts-ignore: decorator
@inline function ic(k: i32): i32 { return load<i32>(IC + (<usize>(k - 1) << 2)); }
// @ts-ignore: decorator
@inline function setIc(k: i32, v: i32): void { store<i32>(IC + (<usize>(k - 1) << 2), v); }

/** mclust's ld: the f64 of the pair costs and merge records (in f64: past 46,341 groups it
 *  overflows i32, and the caller's reserve refuses it as TOO_LARGE before hcWardBegin). */
function recordsOf(ng: i32): f64 { return max(<f64>ng * <f64>(ng - 1) / 2, 3 * <f64>(ng - 1)); }

/** Work (f64) hcWardBegin needs for n rows of p features in ng groups. */
export function hcWardWorkSize(n: i32, p: i32, ng: i32): f64 {
  return <f64>n * <f64>p + <f64>p + recordsOf(ng) + <f64>((n + 1) >> 1);
}

/** Swaps row i and row j of x. */
function swapRows(i: i32, j: i32): void {
  for (let k = 1; k <= P; k++) {
    const a = xa(i, k), b = xa(j, k);
    const t = load<f64>(a);
    store<f64>(a, load<f64>(b));
    store<f64>(b, t);
  }
}

/** mclust's wardsw(i, n, d): the costs of group n move into the slots of group i. */
function wardsw(i: i32, n: i32): void {
  const i1 = i - 1;
  let ii = (i1 * (i1 - 1)) / 2 + 1;
  const n1 = n - 1;
  let nn = (n1 * (n1 - 1)) / 2 + 1;
  for (let k = 0; k < i1; k++) { // dswap(i1, d(nn), 1, d(ii), 1)
    const t = dget(nn + k);
    dset(nn + k, dget(ii + k));
    dset(ii + k, t);
  }
  ii = ii + i1 + i1;
  nn = nn + i;
  if (n1 == i) return;
  let k = i;
  do {
    const t = dget(ii);
    dset(ii, dget(nn));
    dset(nn, t);
    ii += k;
    nn += 1;
    k += 1;
  } while (k < n1);
}

/**
 * hcEII from the partition, in three calls as hcBegin/hcMerge/hcPairs (hc.ts): hcWardBegin
 * costs every pair of groups and returns whether merges remain for hcWardMerge, which makes
 * one a call; then hcWardPairs writes the ng − 1 merges. ng ≥ 2.
 */
export function hcWardBegin(z: usize, n: i32, p: i32, partition: usize, ng: i32, work: usize): i32 {
  N = n; P = p; NG = ng; NS = ng - 1; ND = <i32>recordsOf(ng);
  X = work;
  V = X + (<usize>(n * p) << 3);
  D = V + (<usize>p << 3);
  IC = D + (<usize>ND << 3);
  memory.copy(X, z, <usize>(n * p) << 3);
  for (let k = 1; k <= n; k++) setIc(k, load<i32>(partition + (<usize>(k - 1) << 2)));
  memory.fill(D, 0, <usize>ND << 3);
  lg = ng; ld = (ng * (ng - 1)) / 2; lo = ND; ls = 1;
  iopt = 0; jopt = 0;

  // group heads first among the rows of x
  let i = 1, j = 2;
  let heads = false;
  for (;;) {
    if (j > n || ic(j) != j) break;
    if (j == lg) { heads = true; break; }
    i = j;
    j++;
  }
  if (!heads) {
    let k = i;
    for (let r = j + 1; r <= n; r++) {
      const icj = ic(r);
      if (icj > k) {
        k++;
        swapRows(k, r);
        setIc(r, ic(k));
        setIc(k, icj);
      }
    }
  }
  // each head's row becomes its group's sum over √size; ic its size, 0 for the other rows
  for (let r = 1; r <= n; r++) {
    const h = ic(r);
    if (h != r) {
      setIc(r, 0);
      const ni = ic(h), nij = ni + 1;
      setIc(h, nij);
      const ri = <f64>ni, rij = <f64>nij;
      const sj = Math.sqrt(1.0 / rij), si = Math.sqrt(ri) * sj;
      for (let k = 1; k <= p; k++) store<f64>(xa(h, k), load<f64>(xa(h, k)) * si); // dscal
      for (let k = 1; k <= p; k++) store<f64>(xa(h, k), load<f64>(xa(h, k)) + sj * load<f64>(xa(r, k))); // daxpy
    } else {
      setIc(r, 1);
    }
  }
  // the costs of all pairs of groups, and the cheapest (the last of equal ones)
  dopt = FLMAX;
  let ij = 0;
  for (let jj = 2; jj <= lg; jj++) {
    const rj = <f64>ic(jj);
    for (let ii = 1; ii < jj; ii++) {
      const ri = <f64>ic(ii), rij = ri + rj;
      const si = Math.sqrt(ri / rij), sj = Math.sqrt(rj / rij);
      for (let k = 1; k <= p; k++) store<f64>(V + (<usize>(k - 1) << 3), load<f64>(xa(ii, k)) * sj);
      for (let k = 1; k <= p; k++) {
        const at = V + (<usize>(k - 1) << 3);
        store<f64>(at, load<f64>(at) + (-si) * load<f64>(xa(jj, k)));
      }
      let dij: f64 = 0;
      for (let k = 0; k < p; k++) { const v = load<f64>(V + (<usize>k << 3)); dij += v * v; }
      ij++;
      dset(ij, dij);
      if (dij <= dopt) { dopt = dij; iopt = ii; jopt = jj; }
    }
  }
  if (NS == 1) { // one merge: its record directly (hcWardPairs)
    ls = 0;
    return 0;
  }
  return 1;
}

/** One merge of hcEII (hcWardBegin): returns whether more remain. */
export function hcWardMerge(): i32 {
  const ni = ic(iopt), nj = ic(jopt), nij = ni + nj;
  setIc(iopt, nij);
  setIc(jopt, -iopt);
  if (jopt != lg) {
    wardsw(jopt, lg);
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
  dset(lo, dold); lo--;
  dset(lo, <f64>iold); lo--;
  dset(lo, <f64>jold); lo--;
  // the cheapest pair left (the last of equal costs), as (iopt, jopt) from its packed index
  jopt = 2; iopt = 1;
  dopt = dget(1);
  if (lg == 2) return 0;
  let ij = 1;
  for (let i = 2; i <= ld; i++) {
    const v = dget(i);
    if (v <= dopt) { ij = i; dopt = v; }
  }
  for (let i = 2; i <= ij; i++) {
    iopt++;
    if (iopt >= jopt) { jopt++; iopt = 1; }
  }
  ls++;
  return ls == NS ? 0 : 1;
}

/** Merge record k (1-based) of pairs: the smaller label first. */
function put(pairs: usize, k: i32, a: i32, b: i32): void {
  store<i32>(pairs + (<usize>(2 * (k - 1)) << 2), min(a, b));
  store<i32>(pairs + (<usize>(2 * (k - 1) + 1) << 2), max(a, b));
}

/** The NS merges, relabelled as hc() gives them (2·NS i32 at pairs: smaller first). */
export function hcWardPairs(pairs: usize): void {
  const ns = NS, ng = NG, nd = ND;
  if (ls == 0) { // one merge
    put(pairs, 1, iopt, jopt);
    return;
  }
  dset(lo, dopt); lo--;
  dset(lo, <f64>iopt); lo--;
  dset(lo, <f64>jopt);
  for (let i = 1; i <= ng; i++) setIc(i, i);
  lo = nd - 1;
  let ldx = lo;
  const s1 = <i32>dget(lo);
  lo--;
  const s2 = <i32>dget(lo);
  setIc(s2, ng);
  put(pairs, 1, s1, s2);
  const lgx = ng + 1;
  for (let k = 2; k <= ns; k++) {
    lo--;
    dset(ldx, dget(lo));
    ldx--;
    lo--;
    const i = <i32>dget(lo);
    const ici = ic(i);
    lo--;
    const j = <i32>dget(lo);
    const icj = ic(j);
    if (ici > icj) setIc(i, icj);
    setIc(j, ic(lgx - k));
    put(pairs, k, ici, icj);
  }
}
