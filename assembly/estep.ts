// Normalisation of weighted log-densities with log-sum-exp (in place, one row at a time).
//
//   lse[r] = log Σₖ exp lp[r, k]      resp[r, k] = w[r] · exp(lp[r, k] − lse[r])
//
// The row maximum is subtracted before exp, so rows whose densities are all tiny
// (log-densities of −1e6) still normalise. A row where every component gives −∞ or NaN
// gets lse = −∞ / NaN and uniform responsibilities; the wrapper turns that into an error.

import { HEADER } from './stats';

/** Turns lp (rows×K) into weighted responsibilities in place and adds the row terms to
 *  the statistics header. w: sample weights or 0 for all ones. lseOut: rows f64 or 0. */
export function normalizeRows(
  lp: usize, rows: i32, K: i32, w: usize, r0: i32, stats: usize, lseOut: usize
): void {
  let ll = load<f64>(stats);
  let ws = load<f64>(stats, 8);
  let minL = load<f64>(stats, 16);
  let minR = load<f64>(stats, 24);
  for (let r = 0; r < rows; r++) {
    const row = lp + (<usize>(r * K) << 3);
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = max(m, load<f64>(row + (<usize>k << 3)));
    const wr: f64 = w ? load<f64>(w + (<usize>(r0 + r) << 3)) : 1.0;
    let lse: f64;
    if (m > -Infinity && m < Infinity) {
      let s: f64 = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(load<f64>(row + (<usize>k << 3)) - m);
        store<f64>(row + (<usize>k << 3), e);
        s += e;
      }
      lse = m + Math.log(s);
      const f = wr / s;
      for (let k = 0; k < K; k++) store<f64>(row + (<usize>k << 3), load<f64>(row + (<usize>k << 3)) * f);
    } else {
      lse = m != m ? NaN : m;
      const f = wr / <f64>K;
      for (let k = 0; k < K; k++) store<f64>(row + (<usize>k << 3), f);
    }
    if (lseOut) store<f64>(lseOut + (<usize>r << 3), lse);
    if (wr != 0.0) {
      ll += wr * lse;
      ws += wr;
      if (!(lse >= minL)) { minL = lse; minR = <f64>(r0 + r); }
    }
  }
  store<f64>(stats, ll);
  store<f64>(stats, ws, 8);
  store<f64>(stats, minL, 16);
  store<f64>(stats, minR, 24);
}

// ---------------------------------------------------------------------------------------
// SIMD path over a pair block: lp[k·P + p] (v128, two rows) → weighted responsibilities in
// place; exp two lanes at a time (expv), one scalar log per row.

import { expv } from './expv';

// @ts-ignore: decorator
@inline function V(p: usize, idx: i32): v128 { return v128.load(p + (<usize>idx << 4)); }

/** One lane of a pair whose maximum is not finite: uniform responsibilities, lse = max. */
function degenerateLane(lp: usize, P: i32, K: i32, p: i32, lane: i32, m: f64, wr: f64): f64 {
  const f = wr / <f64>K;
  for (let k = 0; k < K; k++) store<f64>(lp + (<usize>(k * P + p) << 4) + (<usize>lane << 3), f);
  return m != m ? NaN : m;
}

/** wt: P v128 weights (0 in the padding lane). lseOut: P v128 or 0. r0: first row (for
 *  the worst-row report in the header). */
export function normalizeBlock(lp: usize, P: i32, K: i32, wt: usize, stats: usize, lseOut: usize, r0: i32): void {
  let ll = load<f64>(stats);
  let ws = load<f64>(stats, 8);
  let minL = load<f64>(stats, 16);
  let minR = load<f64>(stats, 24);
  for (let p = 0; p < P; p++) {
    let m = V(lp, p);
    for (let k = 1; k < K; k++) m = f64x2.max(m, V(lp, k * P + p));
    const w = V(wt, p);
    const m0 = f64x2.extract_lane(m, 0);
    const m1 = f64x2.extract_lane(m, 1);
    let l0: f64, l1: f64;
    if (m0 > -Infinity && m0 < Infinity && m1 > -Infinity && m1 < Infinity) {
      let s = f64x2.splat(0);
      for (let k = 0; k < K; k++) {
        const at = lp + (<usize>(k * P + p) << 4);
        const e = expv(f64x2.sub(v128.load(at), m));
        v128.store(at, e);
        s = f64x2.add(s, e);
      }
      l0 = m0 + Math.log(f64x2.extract_lane(s, 0));
      l1 = m1 + Math.log(f64x2.extract_lane(s, 1));
      const f = f64x2.div(w, s);
      for (let k = 0; k < K; k++) {
        const at = lp + (<usize>(k * P + p) << 4);
        v128.store(at, f64x2.mul(v128.load(at), f));
      }
    } else {
      // rare: scalar per lane (a lane with a finite max is normalised as usual)
      l0 = lanePath(lp, P, K, p, 0, m0, f64x2.extract_lane(w, 0));
      l1 = lanePath(lp, P, K, p, 1, m1, f64x2.extract_lane(w, 1));
    }
    if (lseOut) {
      store<f64>(lseOut + (<usize>p << 4), l0);
      store<f64>(lseOut + (<usize>p << 4), l1, 8);
    }
    const w0 = f64x2.extract_lane(w, 0);
    const w1 = f64x2.extract_lane(w, 1);
    if (w0 != 0.0) {
      ll += w0 * l0; ws += w0;
      if (!(l0 >= minL)) { minL = l0; minR = <f64>(r0 + 2 * p); }
    }
    if (w1 != 0.0) {
      ll += w1 * l1; ws += w1;
      if (!(l1 >= minL)) { minL = l1; minR = <f64>(r0 + 2 * p + 1); }
    }
  }
  store<f64>(stats, ll);
  store<f64>(stats, ws, 8);
  store<f64>(stats, minL, 16);
  store<f64>(stats, minR, 24);
}

function lanePath(lp: usize, P: i32, K: i32, p: i32, lane: i32, m: f64, wr: f64): f64 {
  if (!(m > -Infinity && m < Infinity)) return degenerateLane(lp, P, K, p, lane, m, wr);
  const off = <usize>lane << 3;
  let s: f64 = 0;
  for (let k = 0; k < K; k++) {
    const at = lp + (<usize>(k * P + p) << 4) + off;
    const e = Math.exp(load<f64>(at) - m);
    store<f64>(at, e);
    s += e;
  }
  const f = wr / s;
  for (let k = 0; k < K; k++) {
    const at = lp + (<usize>(k * P + p) << 4) + off;
    store<f64>(at, load<f64>(at) * f);
  }
  return m + Math.log(s);
}
