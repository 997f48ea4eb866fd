// The merge records that mclust's agglomerations (hcvvv, hceii) leave at the end of their cost
// array (hc-eee.ts keeps hceee's, which mclust writes into freed rows of x, the same way),
// replayed into hc()'s pairs. Record q (1-based) of n − 1 sits at d[nd − 3(q − 1)]
// (its cost), d[nd − 3(q − 1) − 1] (slot i) and d[nd − 3(q − 1) − 2] (slot j), the slots
// being the positions groups held when they merged (the last group moves into a merged
// slot); replaying them over ic (n i32) names each group by its first row, as hc() does.
// d and ic are 1-based through the accessors, as in the Fortran.

// @ts-ignore: decorator
@inline function dAt(d: usize, k: i32): f64 { return load<f64>(d + (<usize>(k - 1) << 3)); }
// @ts-ignore: decorator
@inline function dSet(d: usize, k: i32, v: f64): void { store<f64>(d + (<usize>(k - 1) << 3), v); }
// @ts-ignore: decorator
@inline function icAt(ic: usize, k: i32): i32 { return load<i32>(ic + (<usize>(k - 1) << 2)); }
// @ts-ignore: decorator
@inline function icSet(ic: usize, k: i32, v: i32): void { store<i32>(ic + (<usize>(k - 1) << 2), v); }

/** Pair q (1-based) of pairs: the smaller label first. */
function put(pairs: usize, q: i32, a: i32, b: i32): void {
  store<i32>(pairs + (<usize>(2 * (q - 1)) << 2), min(a, b));
  store<i32>(pairs + (<usize>(2 * (q - 1) + 1) << 2), max(a, b));
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
  dSet(d, lo, dopt);
  dSet(d, lo - 1, <f64>iopt);
  dSet(d, lo - 2, <f64>jopt);
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
