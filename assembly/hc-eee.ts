// mclust's hc(X, "EEE"): model-based agglomerative hierarchical clustering under the EEE model
// (every group the same covariance; Fraley 1998). A port of mclust's Fortran hceee (mclust 6),
// kept operation for operation where the order decides which pair merges: the scans over
// pairs (j = 2 … lg, i < j), `≤` keeping the last of equal costs, the last group moving into
// the merged slot, and the Givens updates of the pooled scatter's Cholesky factor (mclrup).
//
// Every row starts as its own group (hc() passes hcEEE no partition). The rows are scaled by
// 1/√n and group g held as the row √n_g·x̄_g (n_g rows, mean x̄_g); W (p × p) is the pooled
// within-group scatter of the scaled rows, R its Cholesky factor (RᵀR = W, from 0). Merging
// groups i and j adds a rank one to it:
//   v = √(nᵢnⱼ/(nᵢ + nⱼ))·(x̄ᵢ − x̄ⱼ)   (p),   W' = W + vvᵀ   (R' by Givens rotations of v into R),
//   t' = tr W + ‖v‖²,   d' = log|W'| = 2 Σₖ log|R'ₖₖ|   (−FLMAX for a zero pivot),
// and the cheapest pair merges by a cost that moves from the trace to the determinant, with
// δ = log(tr T/(np) + ε/2) (T the data's total scatter, ε double's epsilon):
//   merges 1 … p − 1 (W singular):   max(t', ε/2);
//   then while log|W| < δ:           log(e^d' + t')  (but once the least d' reaches δ, that pair);
//   then:                            d'.
// n − 1 merges. Every merge changes W, so every pair is costed anew at each: O(n²p²) a merge,
// n³ in all, as mclust's.
//
// Sizes: z n × p row-major (the transformed data); the work area hcEeeWorkSize; pairs out
// 2(n − 1) i32, the groups merged at each step (1-based, smaller first, as hc()).

import { axpy, copy, dot, EPS, logDetSquared, rankOneUpdate, scal } from './hc';
import { FLMAX, mergePairs, scaledDistance } from './hc-records';

const EPSMIN: f64 = EPS / 2; // mclust's EPSMIN

// the state of one run; the Fortran's arrays, 1-based through the accessors below
let N: i32 = 0, P: i32 = 0, NS: i32 = 0, ND: i32 = 0;
let X: usize = 0; // the group rows, n × p row-major (mclust's x is column-major: the same values)
let V: usize = 0; // p: a pair's v
let R: usize = 0, U: usize = 0, S: usize = 0; // p × p column-major: W's factor, a pair's, the best pair's
let D: usize = 0; // the merge records (3 f64 a merge, as hc-records.ts reads them)
let IC: usize = 0; // n i32: group sizes

// @ts-ignore: decorator
@inline function xa(i: i32, j: i32): usize { return X + (<usize>((i - 1) * P + j - 1) << 3); }
// @ts-ignore: decorator
@inline function ic(k: i32): i32 { return load<i32>(IC + (<usize>(k - 1) << 2)); }
// @ts-ignore: decorator
@inline function setIc(k: i32, v: i32): void { store<i32>(IC + (<usize>(k - 1) << 2), v); }
// @ts-ignore: decorator
@inline function setD(k: i32, v: f64): void { store<f64>(D + (<usize>(k - 1) << 3), v); }

/** The f64 of the merge records: 3 a merge (mclust keeps them in the rows of x that merges free). */
function recordsOf(n: i32): i32 { return max(3 * (n - 1), 3); }

/** Work (f64) hcEeeBegin needs for n rows of p features. */
export function hcEeeWorkSize(n: i32, p: i32): f64 {
  return <f64>n * <f64>p + <f64>p + 3 * <f64>p * <f64>p + <f64>recordsOf(n) + <f64>((n + 1) >> 1);
}

// mclust's locals that live from one merge to the next: the stage (100 trace, 200 trace and
// determinant, 300 determinant: its labels), the factor's rows plus one (q), groups left (lg),
// merges done (ls), the next record (lo), δ (DELOG), W's trace and log determinant, and the
// pair chosen with its size and scales
let stage = 0, q = 0, lg = 0, ls = 0, lo = 0, iopt = 0, jopt = 0, nopt = 0;
let DELOG: f64 = 0, trcw: f64 = 0, detw: f64 = 0, siop: f64 = 0, sjop: f64 = 0;

/** V ← b·x(i, ·) − a·x(j, ·) (hc-records.ts scaledDistance: mclust's dcopy, dscal, daxpy),
 *  and its ‖V‖² (ddot). */
function pairRow(i: i32, b: f64, j: i32, a: f64): f64 {
  return scaledDistance(X, <usize>P << 3, 8, P, i, b, j, a, V);
}

// the pair being costed: its size and scales √(nᵢ/nᵢⱼ), √(nⱼ/nᵢⱼ)
let nij = 0, si: f64 = 0, sj: f64 = 0;

/** Groups i < j: their size and scales, their v into V and ‖v‖² returned (hceee's loops'
 *  common head). */
function pairOf(i: i32, j: i32): f64 {
  const ni = ic(i), nj = ic(j);
  nij = ni + nj;
  const rij = <f64>nij;
  si = Math.sqrt(<f64>ni / rij);
  sj = Math.sqrt(<f64>nj / rij);
  return pairRow(i, sj, j, si);
}

/** d' of the pair in V: W's factor into U, V joined as its (q − 1)-th row, detmc2. */
function pairLogDet(): f64 {
  memory.copy(U, R, <usize>(P * P) << 3);
  rankOneUpdate(q, P, V, U, P);
  return logDetSquared(U, P, 1);
}

/** The best pair's factor (U) kept, as mclust's dcopy(lw, u, 1, s, 1). */
function keepFactor(): void { memory.copy(S, U, <usize>(P * P) << 3); }

/** Stage 100: the pair of least trace (W singular: fewer merges than features). */
function scanTrace(): void {
  let dopt = FLMAX;
  for (let j = 2; j <= lg; j++) {
    for (let i = 1; i < j; i++) {
      const zij = max(trcw + pairOf(i, j), EPSMIN);
      if (zij <= dopt) {
        dopt = zij; nopt = nij; siop = si; sjop = sj; iopt = i; jopt = j;
        copy(P, V, 1, S, 1); // its v (mclust's v), for the factor once it merges
      }
    }
  }
  trcw = dopt;
}

/** Stage 200: the pair of least log(|W'| + t'), unless the least |W'| already reaches δ. */
function scanBlend(): void {
  q++;
  let dopt = FLMAX, zopt = FLMAX, dijo: f64 = 0, tijo: f64 = 0, tdet: f64 = 0, sidt: f64 = 0, sjdt: f64 = 0;
  let ndet = 0, idet = 0, jdet = 0;
  for (let j = 2; j <= lg; j++) {
    for (let i = 1; i < j; i++) {
      const tij = trcw + pairOf(i, j);
      const dij = pairLogDet();
      if (dij <= dopt) { dopt = dij; tdet = tij; ndet = nij; sidt = si; sjdt = sj; idet = i; jdet = j; }
      let zij: f64;
      if (tij == 0) {
        zij = -FLMAX;
      } else {
        zij = max(tij, EPSMIN);
        // log(e^d + t) without overflow
        if (dij == -FLMAX) zij = Math.log(zij);
        else if (dij <= 0) zij = Math.log(Math.exp(dij) + zij);
        else zij = Math.log(1 + zij * Math.exp(-dij)) + dij;
      }
      if (zij <= zopt) {
        zopt = zij; dijo = dij; tijo = tij; nopt = nij; siop = si; sjop = sj; iopt = i; jopt = j;
        keepFactor();
      }
    }
  }
  if (dopt < DELOG) {
    trcw = tijo; detw = dijo;
    memory.copy(R, S, <usize>(P * P) << 3);
  } else {
    // the least determinant reaches δ: that pair merges, and the next stage is 300's
    trcw = tdet; detw = dopt;
    siop = sidt; sjop = sjdt; nopt = ndet; iopt = idet; jopt = jdet;
    pairRow(iopt, sjop, jopt, siop);
    rankOneUpdate(q, P, V, R, P);
  }
}

/** Stage 300: the pair of least |W'|. */
function scanDet(): void {
  q++;
  detw = FLMAX;
  for (let j = 2; j <= lg; j++) {
    for (let i = 1; i < j; i++) {
      pairOf(i, j);
      const dij = pairLogDet();
      if (dij <= detw) { detw = dij; nopt = nij; siop = si; sjop = sj; iopt = i; jopt = j; keepFactor(); }
    }
  }
  // the trace follows the pair chosen
  trcw += pairRow(iopt, sjop, jopt, siop);
  memory.copy(R, S, <usize>(P * P) << 3);
}

/** The next pair, by the stage that mclust's label 100 (or the last stage) leads to. */
function scan(): void {
  if (stage == 100 && q >= P) stage = detw < DELOG ? 200 : 300;
  if (stage == 100) scanTrace();
  else if (stage == 200) scanBlend();
  else scanDet();
}

/**
 * hcEEE, in three calls as hcBegin/hcMerge/hcPairs (hc.ts): hcEeeBegin (z n × p row-major,
 * n ≥ 2, p ≥ 1; work hcEeeWorkSize f64) chooses the first pair and returns whether merges
 * remain for hcEeeMerge, which makes one a call; then hcEeePairs writes the n − 1 merges.
 */
export function hcEeeBegin(z: usize, n: i32, p: i32, work: usize): i32 {
  N = n; P = p; NS = n - 1; ND = recordsOf(n);
  X = work;
  V = X + (<usize>(n * p) << 3);
  R = V + (<usize>p << 3);
  U = R + (<usize>(p * p) << 3);
  S = U + (<usize>(p * p) << 3);
  D = S + (<usize>(p * p) << 3);
  IC = D + (<usize>ND << 3);
  // the rows scaled by 1/√n (mclust's dscal of x)
  const fac = 1 / Math.sqrt(<f64>n);
  for (let k = 0; k < n * p; k++) store<f64>(X + (<usize>k << 3), fac * load<f64>(z + (<usize>k << 3)));
  memory.fill(R, 0, <usize>(p * p) << 3);
  memory.fill(D, 0, <usize>ND << 3);

  // δ from the total scatter's trace over np: the rows' sum scaled by 1/(n√p) (mclust's
  // factor of the total scatter alongside serves only its reported determinant: not kept)
  const rs = 1 / Math.sqrt(<f64>p), cs = rs / <f64>n;
  memory.fill(V, 0, <usize>p << 3);
  for (let k = 1; k <= n; k++) axpy(p, cs, xa(k, 1), 1, V, 1);
  let trc0: f64 = 0;
  for (let k = 1; k <= n; k++) {
    copy(p, V, 1, S, 1);
    axpy(p, -rs, xa(k, 1), 1, S, 1);
    trc0 += dot(p, S, 1, S, 1);
  }
  DELOG = Math.log(trc0 + EPSMIN);

  // every row a group of one: no scatter yet; W's factor has no rows (q − 1 = 0)
  for (let k = 1; k <= n; k++) setIc(k, 1);
  q = 1;
  trcw = 0;
  detw = -FLMAX; // mclust's detmc2 of the empty factor (q ≥ p) or its −FLMAX (q < p): the same
  lg = n; ls = 1; lo = ND;
  iopt = 0; jopt = 0; nopt = 0; siop = 0; sjop = 0;
  stage = 100;
  scan();
  return NS > 1 ? 1 : 0;
}

/** One merge of hcEEE (hcEeeBegin): returns whether more remain. */
export function hcEeeMerge(): i32 {
  // jopt joins iopt (its row √nᵢⱼ·x̄ᵢⱼ); the last group moves into jopt's slot
  scal(P, siop, xa(iopt, 1), 1);
  axpy(P, sjop, xa(jopt, 1), 1, xa(iopt, 1), 1);
  if (jopt != lg) {
    copy(P, xa(lg, 1), 1, xa(jopt, 1), 1);
    setIc(jopt, ic(lg));
  }
  setIc(iopt, nopt);
  setD(lo, detw); lo--;
  setD(lo, <f64>iopt); lo--;
  setD(lo, <f64>jopt); lo--;
  if (stage == 100) {
    // the merge's v joins W's factor (stages 200 and 300 updated it as they chose)
    q++;
    copy(P, S, 1, V, 1);
    rankOneUpdate(q, P, V, R, P);
  }
  ls++;
  lg--;
  if (stage == 200 && detw >= DELOG) stage = 300;
  scan();
  return ls == NS ? 0 : 1;
}

/** hcEEE's merges (hcEeeBegin), as hc() gives them: 2(n − 1) i32 labels, pair s merging
 *  group pairs[2s + 1] into pairs[2s] (1-based). */
export function hcEeePairs(pairs: usize): void {
  mergePairs(D, IC, ND, N, lo, detw, iopt, jopt, pairs);
}
