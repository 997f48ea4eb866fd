// mclust's hc(x, "E"): agglomerative hierarchical clustering of one feature under the E model
// (every group the same variance; Fraley 1998), the univariate form of Ward's method. A port of
// mclust's Fortran hc1e (mclust 6): its statements are hceii's (hc-ward.ts) with p = 1, its
// BLAS calls written out as scalar products, and only its result laid out otherwise (the
// pairs in x and ic, one column, rather than x's two: the same pairs), so the port runs
// hc-ward.ts's kernels on the one column: the same scans, `≤` keeping the last of equal costs,
// wardsw's slot moves and merge records, in the same order. hc1e calls no BLAS, so R's BLAS
// does not decide its ties.
//
// Every row starts as its own group (hc() passes hcE no partition). Merging groups i and j
// (nᵢ, nⱼ rows, means x̄ᵢ, x̄ⱼ) costs
//   dᵢⱼ = nᵢnⱼ/(nᵢ + nⱼ)·(x̄ᵢ − x̄ⱼ)²,
// first from the rows (singletons: (√½·xᵢ − √½·xⱼ)²), then by the Lance–Williams update of
// hc-ward.ts; the cheapest pair merges, n − 1 times.
//
// Sizes: z n × 1 (the transformed data); p must be 1 (the wrapper refuses more features);
// the work area hcEWorkSize; pairs out 2(n − 1) i32, the groups merged at each step (1-based,
// smaller first, as hc()).

import { hcWardBegin, hcWardMerge, hcWardPairs, hcWardWorkSize } from './hc-ward';

/** Work (f64) hcEBegin needs for n rows (p = 1). */
export function hcEWorkSize(n: i32, p: i32): f64 {
  return hcWardWorkSize(n, p);
}

/**
 * hcE, in three calls as hcBegin/hcMerge/hcPairs (hc.ts): hcEBegin (z n × 1, n ≥ 2; work
 * hcEWorkSize f64, 8-byte aligned) costs every pair of rows and returns whether merges remain
 * for hcEMerge, which makes one a call; then hcEPairs writes the n − 1 merges.
 * hc1e's first costs, temp = sj·x(i) − si·x(j), dij = temp·temp, round as hceii's dcopy,
 * dscal, daxpy(−si) and ddot of one entry do in scaledDistance: a negated product is exact,
 * and 0 + t² is t²; so hcWardBegin's costs are hc1e's, bit for bit.
 */
export function hcEBegin(z: usize, n: i32, p: i32, work: usize): i32 {
  return hcWardBegin(z, n, p, work);
}

/** One merge of hcE (hcEBegin): returns whether more remain. hc1e's merge loop is hceii's
 *  statement for statement (the Lance–Williams update needs only the costs and sizes). */
export function hcEMerge(): i32 {
  return hcWardMerge();
}

/** The n − 1 merges, as hc() gives them: 2(n − 1) i32 labels, pair s merging group
 *  pairs[2s + 1] into pairs[2s] (1-based); hc1e's relabelling of its records is hceii's. */
export function hcEPairs(pairs: usize): void {
  hcWardPairs(pairs);
}
