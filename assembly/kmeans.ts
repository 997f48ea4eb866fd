// Initialisation kernels, one chunk of rows per call: weighted k-means++ seeding, Lloyd
// iterations and draws of rows. x: n×d in pair blocks of B rows (block.ts; the layout the
// SIMD EM pass uses, so a fit transposes the data once), w: n weights or 0. The wrapper
// (src/fit/) drives the passes over every chunk and combines their per-chunk results in
// chunk order, so no result depends on how the chunks are spread over workers.

import * as rng from './rng';
import { weightPairs, hsum, wmul, dist2x4 } from './block';

// @ts-ignore: decorator
@inline function weightOf(w: usize, i: i32): f64 { return w ? load<f64>(w + (<usize>i << 3)) : 1.0; }

/** The first row i whose running sum of w[i]·p[i] (p = 0: all ones) exceeds target; when
 *  rounding leaves target above the whole sum, the last row of positive mass; -1 when no
 *  row has any. */
export function drawRow(w: usize, p: usize, n: i32, target: f64): i32 {
  let acc: f64 = 0;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const v = weightOf(w, i) * (p ? load<f64>(p + (<usize>i << 3)) : 1.0);
    if (v > 0.0) {
      acc += v;
      last = i;
      if (acc > target) return i;
    }
  }
  return last;
}

/** Σ w over the chunk (out[0]) and its number of rows of positive weight (out[1]). */
export function weightTotal(w: usize, n: i32, out: usize): void {
  let s: f64 = 0, m = 0;
  for (let i = 0; i < n; i++) {
    const v = weightOf(w, i);
    s += v;
    if (v > 0.0) m++;
  }
  store<f64>(out, s);
  store<f64>(out, <f64>m, 8);
}

/** k-means++ potentials: closest[r] = min(closest[r], ‖x_r − c‖²) (just the distance when
 *  first) for every row; returns Σ w·closest. closest has n + 1 f64: an odd n's padding
 *  lane is written too (its weight is 0). scratch: B + 8 f64. */
export function kppClosest(x: usize, w: usize, n: i32, d: i32, B: i32, c: usize, closest: usize, scratch: usize,
  first: bool): f64 {
  const wt = scratch, q = scratch + (<usize>B << 3);
  let pot = f64x2.splat(0);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const xt = x + (<usize>(r0 * d) << 3);
    const P = weightPairs(w, r0, rows, wt);
    for (let p = 0; p < P; p += 4) {
      dist2x4(xt, P, p, d, c, q);
      const m = min(4, P - p);
      for (let u = 0; u < m; u++) {
        const at = closest + (<usize>(r0 + 2 * (p + u)) << 3);
        let v = v128.load(q + (<usize>u << 4));
        if (!first) v = f64x2.pmin(v128.load(at), v);
        v128.store(at, v);
        pot = f64x2.add(pot, wmul(v128.load(wt + (<usize>(p + u) << 4)), v));
      }
    }
  }
  return hsum(pot);
}

/** The potentials Σ w·min(closest, ‖x − cⱼ‖²) the chunk would have with each of four trial
 *  centres c (4×d) added, into out (4 f64), in one pass over the data. scratch: B f64. */
export function kppTrials(x: usize, w: usize, n: i32, d: i32, B: i32, closest: usize, c: usize, scratch: usize,
  out: usize): void {
  const wt = scratch;
  const c0 = c, c1 = c0 + (<usize>d << 3), c2 = c1 + (<usize>d << 3), c3 = c2 + (<usize>d << 3);
  let p0 = f64x2.splat(0), p1 = p0, p2 = p0, p3 = p0;
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const xt = x + (<usize>(r0 * d) << 3);
    const P = weightPairs(w, r0, rows, wt);
    for (let p = 0; p < P; p++) {
      let q0 = f64x2.splat(0), q1 = q0, q2 = q0, q3 = q0;
      for (let i = 0; i < d; i++) {
        const xi = v128.load(xt + (<usize>(i * P + p) << 4));
        const o = <usize>i << 3;
        const t0 = f64x2.sub(xi, v128.load64_splat(c0 + o));
        const t1 = f64x2.sub(xi, v128.load64_splat(c1 + o));
        const t2 = f64x2.sub(xi, v128.load64_splat(c2 + o));
        const t3 = f64x2.sub(xi, v128.load64_splat(c3 + o));
        q0 = f64x2.add(q0, f64x2.mul(t0, t0));
        q1 = f64x2.add(q1, f64x2.mul(t1, t1));
        q2 = f64x2.add(q2, f64x2.mul(t2, t2));
        q3 = f64x2.add(q3, f64x2.mul(t3, t3));
      }
      const ci = v128.load(closest + (<usize>(r0 + 2 * p) << 3));
      const wp = v128.load(wt + (<usize>p << 4));
      p0 = f64x2.add(p0, wmul(wp, f64x2.pmin(ci, q0)));
      p1 = f64x2.add(p1, wmul(wp, f64x2.pmin(ci, q1)));
      p2 = f64x2.add(p2, wmul(wp, f64x2.pmin(ci, q2)));
      p3 = f64x2.add(p3, wmul(wp, f64x2.pmin(ci, q3)));
    }
  }
  store<f64>(out, hsum(p0));
  store<f64>(out, hsum(p1), 8);
  store<f64>(out, hsum(p2), 16);
  store<f64>(out, hsum(p3), 24);
}

/** Nearest centre of every row (the first on ties) into labels (n i32): squared distances
 *  to all K centres for two rows per f64x2, four pairs at a time. q: 8 f64 of scratch. */
export function assignLabels(x: usize, n: i32, d: i32, K: i32, B: i32, centers: usize, labels: usize, q: usize): void {
  assign(x, n, d, K, B, centers, labels, q, 0, 0, true);
}

/** Groups of four pairs whose labels Hamerly's bound kept (assign) since the module
 *  started: the tests' evidence that it fires. No result depends on it. */
let keptGroups: f64 = 0;
export function lloydKeptCount(): f64 {
  return keptGroups;
}

/** The rounding allowance taken off each gap, relative to the second distance: x − c is
 *  rounded once relative to itself (x and c are the stored values), so a squared distance
 *  carries errors of some d·2⁻⁵³ of itself, and a row kept by the bound has a nearest
 *  centre that the full computation also finds, with no tie, by a factor of ~10⁵ for d up
 *  to 10⁵. */
const GAP_REL: f64 = 1e-10;
/** And an absolute one, for squares that underflow (distances below ~1.5e-154, where a
 *  square's error is up to 2⁻¹⁰⁷⁵ absolute: up to √d·1.6e-162 in the distance). Data at
 *  such scales keep no label by the bound, which only costs time. */
const GAP_ABS: f64 = 1e-150;

/**
 * assignLabels, skipping rows whose nearest centre cannot have changed (Hamerly's bound,
 * one number a row). With gap ≠ 0 (n + 1 f64, a row's at its index; a Lloyd run's rows
 * keep it between calls) and the centres moved by δₖ since the last call (moves: K f64,
 * then max δ at K, each rounded up):
 *
 *   gapᵢ ≤ min_{k ≠ aᵢ} ‖xᵢ − cₖ‖ − ‖xᵢ − c_{aᵢ}‖   (aᵢ = labelᵢ; less the rounding slack)
 *   after a move: gapᵢ − δ_{aᵢ} − max δ bounds it again (the triangle inequality)
 *
 * A group of four pairs whose rows all keep a positive gap keeps its labels and takes the
 * reduced gaps; any other group computes every distance as assignLabels does, its labels,
 * and fresh gaps from its nearest and second-nearest centres. So the labels are
 * assignLabels' bit for bit, and Lloyd's sums with them. fresh: the gaps hold nothing yet
 * (every group computes); gap = 0: assignLabels.
 */
export function assign(x: usize, n: i32, d: i32, K: i32, B: i32, centers: usize, labels: usize, q: usize,
  gap: usize, moves: usize, fresh: bool): void {
  // a second distance that overflowed to +∞ bounds nothing, unless there is no second centre
  const shrink = f64x2.splat(1.0 - GAP_REL), slack = f64x2.splat(GAP_ABS), far = f64x2.splat(K > 1 ? -Infinity : Infinity);
  const dmax = moves ? load<f64>(moves + (<usize>K << 3)) : 0.0;
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const P = (rows + 1) >> 1;
    const xt = x + (<usize>(r0 * d) << 3);
    for (let p = 0; p < P; p += 4) {
      const have = min(rows - 2 * p, 8); // rows r0 + 2p .. r0 + 2p + have − 1
      const out = labels + (<usize>(r0 + 2 * p) << 2);
      const g = gap + (<usize>(r0 + 2 * p) << 3);
      if (gap && !fresh) {
        // the reduced gaps are stored either way: a group that goes on to compute overwrites them
        let keep = true;
        for (let r = 0; r < have; r++) {
          const at = g + (<usize>r << 3);
          const v = load<f64>(at) - load<f64>(moves + (<usize>load<i32>(out + (<usize>r << 2)) << 3)) - dmax;
          store<f64>(at, v);
          keep = keep && v > 0.0;
        }
        if (keep) {
          keptGroups += 1;
          continue;
        }
      }
      // per lane the smallest (b) and second smallest (s) squared distance, and b's centre
      let b0 = f64x2.splat(Infinity), b1 = b0, b2 = b0, b3 = b0;
      let s0 = b0, s1 = b0, s2 = b0, s3 = b0;
      let k0 = f64x2.splat(0), k1 = k0, k2 = k0, k3 = k0;
      for (let k = 0; k < K; k++) {
        dist2x4(xt, P, p, d, centers + (<usize>(k * d) << 3), q);
        const kv = f64x2.splat(<f64>k);
        const q0 = v128.load(q), q1 = v128.load(q, 16), q2 = v128.load(q, 32), q3 = v128.load(q, 48);
        const l0 = f64x2.lt(q0, b0), l1 = f64x2.lt(q1, b1), l2 = f64x2.lt(q2, b2), l3 = f64x2.lt(q3, b3);
        if (gap) {
          s0 = v128.bitselect(b0, f64x2.pmin(s0, q0), l0); s1 = v128.bitselect(b1, f64x2.pmin(s1, q1), l1);
          s2 = v128.bitselect(b2, f64x2.pmin(s2, q2), l2); s3 = v128.bitselect(b3, f64x2.pmin(s3, q3), l3);
        }
        b0 = v128.bitselect(q0, b0, l0); k0 = v128.bitselect(kv, k0, l0);
        b1 = v128.bitselect(q1, b1, l1); k1 = v128.bitselect(kv, k1, l1);
        b2 = v128.bitselect(q2, b2, l2); k2 = v128.bitselect(kv, k2, l2);
        b3 = v128.bitselect(q3, b3, l3); k3 = v128.bitselect(kv, k3, l3);
      }
      store<i32>(out, <i32>f64x2.extract_lane(k0, 0));
      if (have > 1) store<i32>(out, <i32>f64x2.extract_lane(k0, 1), 4);
      if (have > 2) store<i32>(out, <i32>f64x2.extract_lane(k1, 0), 8);
      if (have > 3) store<i32>(out, <i32>f64x2.extract_lane(k1, 1), 12);
      if (have > 4) store<i32>(out, <i32>f64x2.extract_lane(k2, 0), 16);
      if (have > 5) store<i32>(out, <i32>f64x2.extract_lane(k2, 1), 20);
      if (have > 6) store<i32>(out, <i32>f64x2.extract_lane(k3, 0), 24);
      if (have > 7) store<i32>(out, <i32>f64x2.extract_lane(k3, 1), 28);
      if (gap) {
        // the pairs of the group that exist (an odd block's last lane is padding, within n + 1)
        storeGap(g, s0, b0, shrink, slack, far);
        if (have > 2) storeGap(g + 16, s1, b1, shrink, slack, far);
        if (have > 4) storeGap(g + 32, s2, b2, shrink, slack, far);
        if (have > 6) storeGap(g + 48, s3, b3, shrink, slack, far);
      }
    }
  }
}

/** A pair's gaps from its squared distances to the second nearest (s) and nearest (b)
 *  centres: √s·(1 − GAP_REL) − √b − GAP_ABS. Where s is +∞ (one centre: the gap is +∞ and
 *  such rows always keep their label; or an overflowed square) the gap is `far`. */
// @ts-ignore: decorator
@inline function storeGap(at: usize, s: v128, b: v128, shrink: v128, slack: v128, far: v128): void {
  const g = f64x2.sub(f64x2.sub(f64x2.mul(f64x2.sqrt(s), shrink), f64x2.sqrt(b)), slack);
  v128.store(at, v128.bitselect(g, far, f64x2.lt(s, f64x2.splat(Infinity))));
}

/** How far each centre moved from old to now (K×d each): out[k] = ‖nowₖ − oldₖ‖ rounded up
 *  (by 1e-12 relative, and GAP_ABS for squares that underflow), out[K] = the largest. For
 *  assign's bound. */
export function centreMoves(old: usize, now: usize, K: i32, d: i32, out: usize): void {
  let most: f64 = 0;
  for (let k = 0; k < K; k++) {
    let s: f64 = 0;
    for (let j = 0; j < d; j++) {
      const t = load<f64>(now + (<usize>(k * d + j) << 3)) - load<f64>(old + (<usize>(k * d + j) << 3));
      s += t * t;
    }
    const m = Math.sqrt(s) * (1.0 + 1e-12) + GAP_ABS;
    store<f64>(out + (<usize>k << 3), m);
    most = max(most, m);
  }
  store<f64>(out + (<usize>K << 3), most);
}

/** One Lloyd step on a chunk: labels by assign (gap, moves, fresh: its bound, or gap = 0),
 *  then out = [Σ w·x per centre (K·d) | Σ w per centre (K)]. scratch: 8 f64.
 *
 *  The sums of a run of rows with one label stay in registers, eight features a pass over
 *  the block (then two, then one): each (centre, feature) sum still adds its rows one by
 *  one in row order, so the bits are those of adding each row into memory. */
export function lloydSums(x: usize, w: usize, n: i32, d: i32, K: i32, B: i32, centers: usize, labels: usize,
  out: usize, scratch: usize, gap: usize, moves: usize, fresh: bool): void {
  assign(x, n, d, K, B, centers, labels, scratch, gap, moves, fresh);
  const sums = out, mass = out + (<usize>(K * d) << 3);
  memory.fill(out, 0, <usize>(K * d + K) << 3);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const P = (rows + 1) >> 1;
    const lb = labels + (<usize>r0 << 2);
    for (let r = 0; r < rows; r++) {
      const at = mass + (<usize>load<i32>(lb + (<usize>r << 2)) << 3);
      store<f64>(at, load<f64>(at) + weightOf(w, r0 + r));
    }
    // row r0 + r is lane r&1 of pair r/2: feature j at f64 (j·P + r/2)·2 + (r&1) = 2jP + r
    const xt = x + (<usize>(r0 * d) << 3), f = <usize>P << 4; // f: from a row's feature j to j + 1
    let j = 0;
    for (; j + 8 <= d; j += 8) {
      let xr = xt + <usize>j * f;
      let kc = load<i32>(lb);
      let at = sums + (<usize>(kc * d + j) << 3);
      let a0 = v128.load(at), a1 = v128.load(at, 16), a2 = v128.load(at, 32), a3 = v128.load(at, 48);
      for (let r = 0; r < rows; r++, xr += 8) {
        const k = load<i32>(lb + (<usize>r << 2));
        if (k != kc) {
          v128.store(at, a0); v128.store(at, a1, 16); v128.store(at, a2, 32); v128.store(at, a3, 48);
          kc = k;
          at = sums + (<usize>(k * d + j) << 3);
          a0 = v128.load(at); a1 = v128.load(at, 16); a2 = v128.load(at, 32); a3 = v128.load(at, 48);
        }
        const wv = f64x2.splat(weightOf(w, r0 + r));
        a0 = f64x2.add(a0, f64x2.mul(wv, twoFeatures(xr, f)));
        a1 = f64x2.add(a1, f64x2.mul(wv, twoFeatures(xr + 2 * f, f)));
        a2 = f64x2.add(a2, f64x2.mul(wv, twoFeatures(xr + 4 * f, f)));
        a3 = f64x2.add(a3, f64x2.mul(wv, twoFeatures(xr + 6 * f, f)));
      }
      v128.store(at, a0); v128.store(at, a1, 16); v128.store(at, a2, 32); v128.store(at, a3, 48);
    }
    for (; j + 2 <= d; j += 2) {
      let xr = xt + <usize>j * f;
      let kc = load<i32>(lb);
      let at = sums + (<usize>(kc * d + j) << 3);
      let a0 = v128.load(at);
      for (let r = 0; r < rows; r++, xr += 8) {
        const k = load<i32>(lb + (<usize>r << 2));
        if (k != kc) {
          v128.store(at, a0);
          kc = k;
          at = sums + (<usize>(k * d + j) << 3);
          a0 = v128.load(at);
        }
        a0 = f64x2.add(a0, f64x2.mul(f64x2.splat(weightOf(w, r0 + r)), twoFeatures(xr, f)));
      }
      v128.store(at, a0);
    }
    if (j < d) {
      let xr = xt + <usize>j * f;
      let kc = load<i32>(lb);
      let at = sums + (<usize>(kc * d + j) << 3);
      let a: f64 = load<f64>(at);
      for (let r = 0; r < rows; r++, xr += 8) {
        const k = load<i32>(lb + (<usize>r << 2));
        if (k != kc) {
          store<f64>(at, a);
          kc = k;
          at = sums + (<usize>(k * d + j) << 3);
          a = load<f64>(at);
        }
        a += weightOf(w, r0 + r) * load<f64>(xr);
      }
      store<f64>(at, a);
    }
  }
}

/** A row's features j and j + 1 (at xr and xr + f: pair-block layout) as one f64x2. */
// @ts-ignore: decorator
@inline function twoFeatures(xr: usize, f: usize): v128 {
  return v128.load64_lane(xr + f, v128.load64_zero(xr), 1);
}

/** New centres from combined Lloyd sums (as lloydSums writes them); an empty cluster keeps
 *  its centre. Returns the squared shift of all centres. */
export function lloydUpdate(sums: usize, K: i32, d: i32, centers: usize): f64 {
  const mass = sums + (<usize>(K * d) << 3);
  let shift: f64 = 0;
  for (let k = 0; k < K; k++) {
    const mk = load<f64>(mass + (<usize>k << 3));
    if (!(mk > 0.0)) continue;
    for (let j = 0; j < d; j++) {
      const at = centers + (<usize>(k * d + j) << 3);
      const nv = load<f64>(sums + (<usize>(k * d + j) << 3)) / mk;
      const t = nv - load<f64>(at);
      shift += t * t;
      store<f64>(at, nv);
    }
  }
  return shift;
}

/** out[0..d) = Σ w·x per feature, out[d] = Σ w, over the chunk. scratch: B f64. */
export function featureSums(x: usize, w: usize, n: i32, d: i32, B: i32, out: usize, scratch: usize): void {
  const wt = scratch;
  memory.fill(out, 0, <usize>(d + 1) << 3);
  let ws: f64 = 0;
  for (let i = 0; i < n; i++) ws += weightOf(w, i);
  store<f64>(out + (<usize>d << 3), ws);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const xt = x + (<usize>(r0 * d) << 3);
    const P = weightPairs(w, r0, rows, wt);
    for (let i = 0; i < d; i++) {
      let acc = f64x2.splat(0);
      for (let p = 0; p < P; p++)
        acc = f64x2.add(acc, wmul(v128.load(wt + (<usize>p << 4)), v128.load(xt + (<usize>(i * P + p) << 4))));
      const at = out + (<usize>i << 3);
      store<f64>(at, load<f64>(at) + hsum(acc));
    }
  }
}

/** Σ w·‖x − mean‖² over the chunk. scratch: B f64. */
export function featureSquares(x: usize, w: usize, n: i32, d: i32, B: i32, mean: usize, scratch: usize): f64 {
  const wt = scratch;
  let v = f64x2.splat(0);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const xt = x + (<usize>(r0 * d) << 3);
    const P = weightPairs(w, r0, rows, wt);
    for (let i = 0; i < d; i++) {
      const m = v128.load64_splat(mean + (<usize>i << 3));
      for (let p = 0; p < P; p++) {
        const t = f64x2.sub(v128.load(xt + (<usize>(i * P + p) << 4)), m);
        v = f64x2.add(v, wmul(v128.load(wt + (<usize>p << 4)), f64x2.mul(t, t)));
      }
    }
  }
  return hsum(v);
}

/** 'random_from_data': the K rows of the chunk with the largest keys log(u)/w (u uniform in
 *  (0, 1] from the core's PRNG, one per row in order; Efraimidis–Spirakis, a weighted draw
 *  without replacement that merges across chunks by comparing keys). Rows of weight 0 get
 *  none. keys: K f64 (−∞ where the chunk has fewer rows), idx: K i32, largest first, ties
 *  to the lower row. Returns how many were found. */
export function dataKeys(w: usize, n: i32, K: i32, keys: usize, idx: usize): i32 {
  let found = 0;
  for (let k = 0; k < K; k++) {
    store<f64>(keys + (<usize>k << 3), -Infinity);
    store<i32>(idx + (<usize>k << 2), -1);
  }
  for (let i = 0; i < n; i++) {
    const u = 1.0 - rng.uniform();
    const wi = weightOf(w, i);
    if (!(wi > 0.0)) continue;
    const key = Math.log(u) / wi;
    if (found == K && !(key > load<f64>(keys + (<usize>(K - 1) << 3)))) continue;
    // insert, keeping the list sorted (largest first; an equal key stays behind the earlier row)
    let j = found < K ? found : K - 1;
    while (j > 0 && key > load<f64>(keys + (<usize>(j - 1) << 3))) {
      store<f64>(keys + (<usize>j << 3), load<f64>(keys + (<usize>(j - 1) << 3)));
      store<i32>(idx + (<usize>j << 2), load<i32>(idx + (<usize>(j - 1) << 2)));
      j--;
    }
    store<f64>(keys + (<usize>j << 3), key);
    store<i32>(idx + (<usize>j << 2), i);
    if (found < K) found++;
  }
  return found;
}

/**
 * Σ w·(x − mean)(x − mean)ᵀ (upper triangle of out, d×d) and Σ w² (out[d·d]) over the n
 * rows (pair blocks of B): the data's scatter for the variational mixture's covariance
 * prior. scratch: the block's weight pairs (B f64).
 */
export function featureScatter(x: usize, w: usize, n: i32, d: i32, B: i32, mean: usize, out: usize, scratch: usize): void {
  const wt = scratch;
  memory.fill(out, 0, <usize>(d * d + 1) << 3);
  let w2 = f64x2.splat(0);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const xt = x + (<usize>(r0 * d) << 3);
    const P = weightPairs(w, r0, rows, wt);
    for (let p = 0; p < P; p++) {
      const wp = v128.load(wt + (<usize>p << 4));
      w2 = f64x2.add(w2, f64x2.mul(wp, wp));
    }
    for (let i = 0; i < d; i++) {
      const mi = v128.load64_splat(mean + (<usize>i << 3));
      for (let j = i; j < d; j++) {
        const mj = v128.load64_splat(mean + (<usize>j << 3));
        let acc = f64x2.splat(0);
        for (let p = 0; p < P; p++) {
          const a = f64x2.sub(v128.load(xt + (<usize>(i * P + p) << 4)), mi);
          const b = f64x2.sub(v128.load(xt + (<usize>(j * P + p) << 4)), mj);
          acc = f64x2.add(acc, wmul(v128.load(wt + (<usize>p << 4)), f64x2.mul(a, b)));
        }
        const at = out + (<usize>(i * d + j) << 3);
        store<f64>(at, load<f64>(at) + hsum(acc));
      }
    }
  }
  store<f64>(out + (<usize>(d * d) << 3), hsum(w2));
}
