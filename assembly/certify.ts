// Certified groups: a bound, per group of rows, that one component takes every row whole.
//
// The rows of a group lie in a ball (centre b, radius R: its bounding box's centre and half
// diagonal). For component k with precision factor Uₖ and σₖ ≥ ‖Uₖ‖₂, every row x has
//   sₖ − σₖR ≤ ‖Uₖᵀ(x − μₖ)‖ ≤ sₖ + σₖR,        sₖ = ‖Uₖᵀ(b − μₖ)‖,
// so its weighted log-density lies in [loₖ, hiₖ] = [cₖ − ½(sₖ + σₖR)², cₖ − ½ max(0, sₖ − σₖR)²].
// When hiⱼ < loₖ + cutoff − margin for every j ≠ k, the E-step would find, row by row, that
// k is the largest and every other term is below the cutoff (estep.ts RESP_CUTOFF): the
// responsibilities are exactly [j = k] and lse = the row's log-density under k. The group
// then needs k's log-densities only (em.ts), one K-th of the E-step and no normalisation.
// Well-separated clusters, with rows grouped by cluster (order.ts), are almost all like this.
//
// Costs O(K·d²) per group of GROUP_PAIRS pairs, a few per cent of the E-step it may save.

import { FULL, TIED, DIAG } from './types';

/** Pairs (two rows each) per certified group, and the smallest piece a failed group is
 *  split into (em.ts). */
export const GROUP_PAIRS: i32 = 64;
export const GROUP_MIN: i32 = 8;

/** Failed tries an EM pass over one chunk (src/fit/chunks.ts, 2,048 rows) allows before it
 *  stops certifying; each success gives back 2. Per chunk, so that what a chunk yields never
 *  depends on the chunks before it. 3 a chunk (16 a pass before chunks) measured best in
 *  alternating runs: blobs2d as fast as with 4 (2 cost it 15%), diag16, which never
 *  certifies, as fast as with 2. */
export const CERT_BUDGET: i32 = 3;

/** max |pᵢ| over the n f64 at p (0 for n = 0). */
// @ts-ignore: decorator
@inline function maxAbs(p: usize, n: i32): f64 {
  let m: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = abs(load<f64>(p + (<usize>i << 3)));
    if (v > m) m = v;
  }
  return m;
}

/** certifyGroup's per-pass constants into table (2K + 1 f64): σₖ ≥ ‖Uₖ‖₂ per component
 *  (the Frobenius norm of Uₖ for full; tied: of the shared U, the same for every k; max |pᵢ|
 *  for diag; p for spherical), then ‖μₖ‖∞ per component, then the rounding slack factor
 *  (see certifyGroup). Once per pass, as none of them depends on the group. */
export function certifyTable(chol: usize, means: usize, type: i32, K: i32, d: i32, table: usize): void {
  for (let k = 0; k < K; k++) {
    let s: f64 = 0;
    if (type == FULL || type == TIED) {
      const u = type == FULL ? chol + (<usize>(k * d * d) << 3) : chol;
      for (let i = 0; i < d; i++)
        for (let j = i; j < d; j++) {
          const v = load<f64>(u + (<usize>(i * d + j) << 3));
          s += v * v;
        }
      s = Math.sqrt(s);
    } else if (type == DIAG) {
      s = maxAbs(chol + (<usize>(k * d) << 3), d);
    } else {
      s = abs(load<f64>(chol + (<usize>k << 3)));
    }
    store<f64>(table + (<usize>k << 3), s);
    store<f64>(table + (<usize>(K + k) << 3), maxAbs(means + (<usize>(k * d) << 3), d));
  }
  store<f64>(table + (<usize>(2 * K) << 3), <f64>(d + 2) * Math.sqrt(<f64>d) * 2.220446049250313e-16);
}

/** (min, max) over both lanes of pairs p0, p0 + step, … (< p1) and p1 − 1 of one feature's
 *  row of a pair block (four independent min/max chains; pmin/pmax: one instruction each;
 *  the data are finite). step 1: every pair. */
// @ts-ignore: decorator
@inline export function rangeOf(row: usize, p0: i32, p1: i32, step: i32 = 1): v128 {
  const last = p1 - 1;
  let lo0 = v128.load(row + (<usize>p0 << 4)), hi0 = lo0, lo1 = lo0, hi1 = lo0, lo2 = lo0, hi2 = lo0, lo3 = lo0, hi3 = lo0;
  for (let p = p0; p < p1; p += 4 * step) {
    const v0 = v128.load(row + (<usize>p << 4));
    const v1 = v128.load(row + (<usize>min(p + step, last) << 4));
    const v2 = v128.load(row + (<usize>min(p + 2 * step, last) << 4));
    const v3 = v128.load(row + (<usize>min(p + 3 * step, last) << 4));
    lo0 = f64x2.pmin(lo0, v0); hi0 = f64x2.pmax(hi0, v0);
    lo1 = f64x2.pmin(lo1, v1); hi1 = f64x2.pmax(hi1, v1);
    lo2 = f64x2.pmin(lo2, v2); hi2 = f64x2.pmax(hi2, v2);
    lo3 = f64x2.pmin(lo3, v3); hi3 = f64x2.pmax(hi3, v3);
  }
  const lo = f64x2.pmin(f64x2.pmin(lo0, lo1), f64x2.pmin(lo2, lo3));
  const hi = f64x2.pmax(f64x2.pmax(hi0, hi1), f64x2.pmax(hi2, hi3));
  const a0 = f64x2.extract_lane(lo, 0), a1 = f64x2.extract_lane(lo, 1);
  const z0 = f64x2.extract_lane(hi, 0), z1 = f64x2.extract_lane(hi, 1);
  return f64x2.replace_lane(f64x2.splat(a1 < a0 ? a1 : a0), 1, z1 > z0 ? z1 : z0);
}

/** One feature of a ball: the centre of the range r = (a, z) into b, and its squared half width. */
// @ts-ignore: decorator
@inline export function centreOf(r: v128, b: usize): f64 {
  const a = f64x2.extract_lane(r, 0), z = f64x2.extract_lane(r, 1);
  store<f64>(b, 0.5 * a + 0.5 * z);
  const h = 0.5 * z - 0.5 * a;
  return h * h;
}

/** Bounding box of the rows of pairs [p0, p1) of block xt (P pairs): its centre into b
 *  (d f64); returns its half diagonal (∞ or NaN when the rows are beyond double range). */
export function groupBall(xt: usize, P: i32, p0: i32, p1: i32, d: i32, b: usize): f64 {
  let r2: f64 = 0;
  for (let i = 0; i < d; i++) r2 += centreOf(rangeOf(xt + (<usize>(i * P) << 4), p0, p1), b + (<usize>i << 3));
  return Math.sqrt(r2);
}

/** f64 for the balls of every whole group of GROUP_PAIRS pairs (and a short last one per
 *  block) of n rows in blocks of B, and of its two halves: 3(d + 1) each. */
export function ballsSize(n: i32, d: i32, B: i32): i32 {
  const perBlock = ((B + 1) / 2 + GROUP_PAIRS - 1) / GROUP_PAIRS;
  return ((n + B - 1) / B) * perBlock * 3 * (d + 1);
}

/** The balls of the groups em.ts tries first (pairs [g, g + GROUP_PAIRS) of each block)
 *  and of their halves, the pieces it tries next (the first half's, then the second's; a
 *  group of at most GROUP_PAIRS / 2 pairs has only the first), once per fit, since the data
 *  do not change: per ball its centre (d f64) and radius. One pass: a group's range per
 *  feature is its halves' combined, so its ball has the bits groupBall would give it. */
export function groupBalls(x: usize, n: i32, d: i32, B: i32, balls: usize): void {
  let at = balls;
  const half = GROUP_PAIRS >> 1, size = <usize>(d + 1) << 3;
  for (let r0 = 0; r0 < n; r0 += B) {
    const P = (min(B, n - r0) + 1) >> 1;
    const xt = x + (<usize>(r0 * d) << 3);
    for (let g = 0; g < P; g += GROUP_PAIRS) {
      const end = min(g + GROUP_PAIRS, P), mid = min(g + half, end), two = mid < end;
      let w2: f64 = 0, a2: f64 = 0, b2: f64 = 0;
      for (let i = 0; i < d; i++) {
        const row = xt + (<usize>(i * P) << 4), o = <usize>i << 3;
        const ra = rangeOf(row, g, mid);
        let rw = ra;
        a2 += centreOf(ra, at + size + o);
        if (two) {
          const rb = rangeOf(row, mid, end);
          b2 += centreOf(rb, at + 2 * size + o);
          rw = f64x2.replace_lane(f64x2.pmin(ra, rb), 1, max(f64x2.extract_lane(ra, 1), f64x2.extract_lane(rb, 1)));
        }
        w2 += centreOf(rw, at + o);
      }
      store<f64>(at + (<usize>d << 3), Math.sqrt(w2));
      store<f64>(at + size + (<usize>d << 3), Math.sqrt(a2));
      if (two) store<f64>(at + 2 * size + (<usize>d << 3), Math.sqrt(b2));
      at += 3 * size;
    }
  }
}

// Keeps lane 1 only: in a v128 that straddles a triangle's edge, lane 0 lies past it.
const HI_LANE: usize = memory.data<i64>([0, -1], 16);

/** ‖Uᵀ(b − μ)‖² for upper U (row-major d×d):
 *
 *    yⱼ = Σ_{i≤j} (bᵢ − μᵢ) Uᵢⱼ  (in increasing i),   s² = Σⱼ yⱼ²  (in increasing j)
 *
 *  Eight columns of y at a time in four two-lane sums, each row i of U adding
 *  (bᵢ − μᵢ)·Uᵢ,ⱼ₀…ⱼ₀₊₇ to them, so four independent chains replace one: every yⱼ gets the
 *  same terms in the same order as a scalar loop over i ≤ j (the same bits), and below the
 *  diagonal nothing is added (lanes past the edge add +0 to a sum that started at +0, and
 *  so is never −0). The last d mod 8 columns go one at a time. */
function solveNorm2(b: usize, mu: usize, u: usize, d: i32): f64 {
  let s2: f64 = 0;
  let j0 = 0;
  const hi = v128.load(HI_LANE);
  for (; j0 + 8 <= d; j0 += 8) {
    let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
    let row = u + (<usize>j0 << 3);
    const step = <usize>d << 3;
    for (let i = 0; i <= j0; i++) { // rows that reach all eight columns
      const t = f64x2.splat(load<f64>(b + (<usize>i << 3)) - load<f64>(mu + (<usize>i << 3)));
      a0 = f64x2.add(a0, f64x2.mul(t, v128.load(row)));
      a1 = f64x2.add(a1, f64x2.mul(t, v128.load(row, 16)));
      a2 = f64x2.add(a2, f64x2.mul(t, v128.load(row, 32)));
      a3 = f64x2.add(a3, f64x2.mul(t, v128.load(row, 48)));
      row += step;
    }
    // the triangle: row j0 + r reaches columns j0 + r … j0 + 7
    for (let r = 1; r < 8; r++) {
      const i = j0 + r;
      const t = f64x2.splat(load<f64>(b + (<usize>i << 3)) - load<f64>(mu + (<usize>i << 3)));
      const at = u + (<usize>(i * d + j0) << 3);
      const p0 = f64x2.mul(t, v128.load(at)), p1 = f64x2.mul(t, v128.load(at, 16));
      const p2 = f64x2.mul(t, v128.load(at, 32)), p3 = f64x2.mul(t, v128.load(at, 48));
      if (r == 1) a0 = f64x2.add(a0, v128.and(p0, hi));
      if (r <= 2) a1 = f64x2.add(a1, p1);
      else if (r == 3) a1 = f64x2.add(a1, v128.and(p1, hi));
      if (r <= 4) a2 = f64x2.add(a2, p2);
      else if (r == 5) a2 = f64x2.add(a2, v128.and(p2, hi));
      if (r <= 6) a3 = f64x2.add(a3, p3);
      else a3 = f64x2.add(a3, v128.and(p3, hi));
    }
    s2 = sq2(sq2(sq2(sq2(s2, a0), a1), a2), a3);
  }
  for (let j = j0; j < d; j++) {
    let y: f64 = 0;
    for (let i = 0; i <= j; i++)
      y += (load<f64>(b + (<usize>i << 3)) - load<f64>(mu + (<usize>i << 3))) * load<f64>(u + (<usize>(i * d + j) << 3));
    s2 += y * y;
  }
  return s2;
}

/** s + y₀² + y₁² for the lanes of y, in lane order. */
// @ts-ignore: decorator
@inline function sq2(s: f64, y: v128): f64 {
  const y0 = f64x2.extract_lane(y, 0), y1 = f64x2.extract_lane(y, 1);
  return s + y0 * y0 + y1 * y1;
}

/** The component whose responsibility is exactly 1 for every row inside the ball (centre
 *  b: d f64, radius R) around a group of pairs, or −1 when the bound cannot tell (then the
 *  group goes through the full E-step). chol: the precision factors (row-major U per
 *  component, as logProbScalar reads them); table: from certifyTable; cutoff: RESP_CUTOFF;
 *  tmp: K f64. */
export function certifyGroup(b: usize, R: f64, d: i32, K: i32, type: i32,
  means: usize, chol: usize, logConst: usize, table: usize, cutoff: f64, tmp: usize): i32 {
  const hi = tmp;
  // The kernels round x − μ and the dot products: an error up to about ulp(|x| + |μ|)·‖U‖
  // per coordinate, which a tight group of rows far from μ could hide from R. Widening R
  // by (d + 2)·√d·2⁻⁵² · (‖b‖∞ + ‖μ‖∞ + R) covers it (and the rounding of the centre).
  const slack = load<f64>(table + (<usize>(2 * K) << 3));
  const wide = R + slack * (maxAbs(b, d) + R);
  let best = -1;
  let bestLo = -Infinity;
  for (let k = 0; k < K; k++) {
    const mu = means + (<usize>(k * d) << 3);
    let s2: f64 = 0;
    if (type == FULL || type == TIED) {
      s2 = solveNorm2(b, mu, type == FULL ? chol + (<usize>(k * d * d) << 3) : chol, d);
    } else {
      const p = type == DIAG ? chol + (<usize>(k * d) << 3) : chol + (<usize>k << 3);
      const step: usize = type == DIAG ? 8 : 0;
      for (let i = 0; i < d; i++) {
        const y = (load<f64>(b + (<usize>i << 3)) - load<f64>(mu + (<usize>i << 3))) * load<f64>(p + <usize>i * step);
        s2 += y * y;
      }
    }
    const s = Math.sqrt(s2);
    const e = load<f64>(table + (<usize>k << 3)) * (wide + slack * load<f64>(table + (<usize>(K + k) << 3)));
    const c = load<f64>(logConst + (<usize>k << 3));
    const far = s + e, near = s > e ? s - e : 0.0;
    const l = c - 0.5 * far * far;
    store<f64>(hi + (<usize>k << 3), c - 0.5 * near * near);
    if (l > bestLo) {
      bestLo = l;
      best = k;
    }
  }
  // a finite lower bound (so every row's maximum is finite), and every other component's
  // upper bound below it by more than the cutoff, with room for rounding in both
  if (best < 0 || !(bestLo > -Infinity)) return -1;
  for (let j = 0; j < K; j++) {
    if (j == best) continue;
    const h = load<f64>(hi + (<usize>j << 3));
    if (h == -Infinity) continue; // beyond double range: its terms are exactly 0
    const margin = 1.0 + 1e-10 * (abs(bestLo) + abs(h));
    if (!(h - bestLo < cutoff - margin)) return -1;
  }
  return best;
}
