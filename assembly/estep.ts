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
