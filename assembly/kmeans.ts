// Initialisation: weighted k-means++ seeding (greedy, 2 + ⌊ln K⌋ local trials as in
// scikit-learn) and Lloyd iterations. x: n×d in pair blocks of B rows (block.ts; the layout
// the SIMD EM pass uses, so a fit transposes the data once), w: n weights or 0, centers: K×d,
// labels: n i32. Randomness comes from the core's PRNG only.

import * as rng from './rng';
import { gatherRows, weightPairs, hsum, wmul, dist2x4 } from './block';

// @ts-ignore: decorator
@inline function weightOf(w: usize, i: i32): f64 { return w ? load<f64>(w + (<usize>i << 3)) : 1.0; }

/** Index drawn with probability ∝ w[i]·p[i] (p = 0 for all ones), total = Σ w·p. */
function draw(w: usize, p: usize, n: i32, total: f64): i32 {
  const target = rng.uniform() * total;
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
  return last < 0 ? 0 : last;
}

/** A trial row for the next centre, drawn ∝ w·D² (∝ w once all the remaining mass is at
 *  distance zero, e.g. duplicates). */
// @ts-ignore: decorator
@inline function drawTrial(w: usize, closest: usize, n: i32, pot: f64, wsum: f64): i32 {
  return pot > 0.0 ? draw(w, closest, n, pot) : draw(w, 0, n, wsum);
}

/** closest[r] = min(closest[r], ‖x_r − c‖²) (or just the distance when first) for every
 *  row; returns Σ w·closest. wt: B f64 and q: 8 f64 of scratch. closest has n + 1 f64: an
 *  odd n's padding lane is written too (its weight is 0). */
function closestTo(x: usize, w: usize, n: i32, d: i32, B: i32, c: usize, closest: usize, wt: usize, q: usize,
  first: bool): f64 {
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

/** Writes K centres chosen by k-means++ to centers and their row indices to idx (i32).
 *  scratch: n + 1 + B + 8 + 4·d + 2 f64 (each row's squared distance to its closest centre,
 *  a block's pair weights, four pairs' distances, and a group of four trial rows and their
 *  indices). */
export function kmeansPlusPlus(x: usize, w: usize, n: i32, d: i32, K: i32, B: i32, centers: usize, idx: usize, scratch: usize): void {
  const closest = scratch;
  const wt = closest + (<usize>(n + 1) << 3);
  const q = wt + (<usize>B << 3);
  const trialRows = q + (<usize>8 << 3);
  const trialIdx = trialRows + (<usize>(4 * d) << 3);
  const trials = 2 + <i32>Math.floor(Math.log(<f64>K));
  let wsum: f64 = 0;
  for (let i = 0; i < n; i++) wsum += weightOf(w, i);
  store<i32>(idx, draw(w, 0, n, wsum));
  gatherRows(x, n, d, B, idx, 1, centers);
  let pot = closestTo(x, w, n, d, B, centers, closest, wt, q, true);
  for (let c = 1; c < K; c++) {
    let best = -1;
    let bestPot = Infinity;
    // trials four at a time (all of them when K < 21): draw, then score the four in one
    // pass over the data; a missing trial repeats the group's first and cannot win the
    // strict comparison, so the first best trial in draw order is kept
    for (let t = 0; t < trials; t += 4) {
      const left = trials - t;
      const j0 = drawTrial(w, closest, n, pot, wsum);
      const j1 = left > 1 ? drawTrial(w, closest, n, pot, wsum) : j0;
      const j2 = left > 2 ? drawTrial(w, closest, n, pot, wsum) : j0;
      const j3 = left > 3 ? drawTrial(w, closest, n, pot, wsum) : j0;
      store<i32>(trialIdx, j0);
      store<i32>(trialIdx, j1, 4);
      store<i32>(trialIdx, j2, 8);
      store<i32>(trialIdx, j3, 12);
      gatherRows(x, n, d, B, trialIdx, 4, trialRows);
      const c0 = trialRows, c1 = c0 + (<usize>d << 3), c2 = c1 + (<usize>d << 3), c3 = c2 + (<usize>d << 3);
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
      const s0 = hsum(p0), s1 = hsum(p1), s2 = hsum(p2), s3 = hsum(p3);
      if (best < 0 || s0 < bestPot) { bestPot = s0; best = j0; }
      if (left > 1 && s1 < bestPot) { bestPot = s1; best = j1; }
      if (left > 2 && s2 < bestPot) { bestPot = s2; best = j2; }
      if (left > 3 && s3 < bestPot) { bestPot = s3; best = j3; }
    }
    store<i32>(idx + (<usize>c << 2), best);
    const centre = centers + (<usize>(c * d) << 3);
    gatherRows(x, n, d, B, idx + (<usize>c << 2), 1, centre);
    pot = closestTo(x, w, n, d, B, centre, closest, wt, q, false);
  }
}

/** Nearest centre of every row (the first on ties): squared distances to all K centres
 *  for two rows per f64x2, four pairs at a time. q: 8 f64 of scratch. */
function assign(x: usize, n: i32, d: i32, K: i32, B: i32, centers: usize, labels: usize, q: usize): void {
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const P = (rows + 1) >> 1;
    const xt = x + (<usize>(r0 * d) << 3);
    for (let p = 0; p < P; p += 4) {
      let b0 = f64x2.splat(Infinity), b1 = b0, b2 = b0, b3 = b0;
      let k0 = f64x2.splat(0), k1 = k0, k2 = k0, k3 = k0;
      for (let k = 0; k < K; k++) {
        dist2x4(xt, P, p, d, centers + (<usize>(k * d) << 3), q);
        const kv = f64x2.splat(<f64>k);
        const q0 = v128.load(q), q1 = v128.load(q, 16), q2 = v128.load(q, 32), q3 = v128.load(q, 48);
        const l0 = f64x2.lt(q0, b0), l1 = f64x2.lt(q1, b1), l2 = f64x2.lt(q2, b2), l3 = f64x2.lt(q3, b3);
        b0 = v128.bitselect(q0, b0, l0); k0 = v128.bitselect(kv, k0, l0);
        b1 = v128.bitselect(q1, b1, l1); k1 = v128.bitselect(kv, k1, l1);
        b2 = v128.bitselect(q2, b2, l2); k2 = v128.bitselect(kv, k2, l2);
        b3 = v128.bitselect(q3, b3, l3); k3 = v128.bitselect(kv, k3, l3);
      }
      // rows r0 + 2p .. r0 + 2p + 7, those that exist
      const out = labels + (<usize>(r0 + 2 * p) << 2);
      const have = rows - 2 * p;
      store<i32>(out, <i32>f64x2.extract_lane(k0, 0));
      if (have > 1) store<i32>(out, <i32>f64x2.extract_lane(k0, 1), 4);
      if (have > 2) store<i32>(out, <i32>f64x2.extract_lane(k1, 0), 8);
      if (have > 3) store<i32>(out, <i32>f64x2.extract_lane(k1, 1), 12);
      if (have > 4) store<i32>(out, <i32>f64x2.extract_lane(k2, 0), 16);
      if (have > 5) store<i32>(out, <i32>f64x2.extract_lane(k2, 1), 20);
      if (have > 6) store<i32>(out, <i32>f64x2.extract_lane(k3, 0), 24);
      if (have > 7) store<i32>(out, <i32>f64x2.extract_lane(k3, 1), 28);
    }
  }
}

/** Lloyd iterations from the given centres until the squared centre shift is at most
 *  relTol × (mean weighted feature variance), or maxIter. Leaves final labels.
 *  scratch: K·d + K + B + 8 f64. Returns the number of iterations run. */
export function lloyd(x: usize, w: usize, n: i32, d: i32, K: i32, B: i32, centers: usize, labels: usize,
  maxIter: i32, relTol: f64, scratch: usize): i32 {
  const sums = scratch;
  const mass = scratch + (<usize>(K * d) << 3);
  const wt = mass + (<usize>K << 3);
  const q = wt + (<usize>B << 3);
  // tolerance scale: mean over features of the weighted variance (two passes)
  let wsum: f64 = 0;
  for (let i = 0; i < n; i++) wsum += weightOf(w, i);
  memory.fill(sums, 0, <usize>d << 3);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const xt = x + (<usize>(r0 * d) << 3);
    const P = weightPairs(w, r0, rows, wt);
    for (let i = 0; i < d; i++) {
      let acc = f64x2.splat(0);
      for (let p = 0; p < P; p++)
        acc = f64x2.add(acc, wmul(v128.load(wt + (<usize>p << 4)), v128.load(xt + (<usize>(i * P + p) << 4))));
      const at = sums + (<usize>i << 3);
      store<f64>(at, load<f64>(at) + hsum(acc));
    }
  }
  let v = f64x2.splat(0);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const xt = x + (<usize>(r0 * d) << 3);
    const P = weightPairs(w, r0, rows, wt);
    for (let i = 0; i < d; i++) {
      const mean = f64x2.splat(load<f64>(sums + (<usize>i << 3)) / wsum);
      for (let p = 0; p < P; p++) {
        const t = f64x2.sub(v128.load(xt + (<usize>(i * P + p) << 4)), mean);
        v = f64x2.add(v, wmul(v128.load(wt + (<usize>p << 4)), f64x2.mul(t, t)));
      }
    }
  }
  const tol = relTol * hsum(v) / wsum / <f64>d;
  let it = 0;
  while (it < maxIter) {
    it++;
    assign(x, n, d, K, B, centers, labels, q);
    memory.fill(scratch, 0, <usize>(K * d + K) << 3);
    for (let r0 = 0; r0 < n; r0 += B) {
      const rows = min(B, n - r0);
      const P = (rows + 1) >> 1;
      const xt = x + (<usize>(r0 * d) << 3);
      for (let r = 0; r < rows; r++) {
        // row r0 + r is lane r&1 of pair r/2: feature j at f64 (j·P + r/2)·2 + (r&1) = 2jP + r
        const wi = weightOf(w, r0 + r);
        const k = load<i32>(labels + (<usize>(r0 + r) << 2));
        store<f64>(mass + (<usize>k << 3), load<f64>(mass + (<usize>k << 3)) + wi);
        const xr = xt + (<usize>r << 3);
        for (let j = 0; j < d; j++) {
          const at = sums + (<usize>(k * d + j) << 3);
          store<f64>(at, load<f64>(at) + wi * load<f64>(xr + (<usize>(j * P) << 4)));
        }
      }
    }
    let shift: f64 = 0;
    for (let k = 0; k < K; k++) {
      const mk = load<f64>(mass + (<usize>k << 3));
      if (!(mk > 0.0)) continue; // empty cluster keeps its centre
      for (let j = 0; j < d; j++) {
        const at = centers + (<usize>(k * d + j) << 3);
        const nv = load<f64>(sums + (<usize>(k * d + j) << 3)) / mk;
        const t = nv - load<f64>(at);
        shift += t * t;
        store<f64>(at, nv);
      }
    }
    if (shift <= tol) break;
  }
  assign(x, n, d, K, B, centers, labels, q);
  return it;
}

/** K distinct rows drawn with probability ∝ w (uniform without weights), without
 *  replacement while rows of positive weight remain, then with repeats. scratch: n f64
 *  (1 for rows still available). */
export function chooseRows(w: usize, n: i32, K: i32, idx: usize, scratch: usize): void {
  let left = 0; // rows of positive weight not chosen yet (counted: a float total can reach 0 early)
  for (let i = 0; i < n; i++) {
    store<f64>(scratch + (<usize>i << 3), 1.0);
    if (weightOf(w, i) > 0.0) left++;
  }
  for (let c = 0; c < K; c++) {
    if (left == 0) {
      for (let i = 0; i < n; i++) {
        store<f64>(scratch + (<usize>i << 3), 1.0);
        if (weightOf(w, i) > 0.0) left++;
      }
    }
    // the total is re-summed each draw: K draws over n rows, and no drift
    let total: f64 = 0;
    for (let i = 0; i < n; i++) total += weightOf(w, i) * load<f64>(scratch + (<usize>i << 3));
    const j = draw(w, scratch, n, total);
    store<i32>(idx + (<usize>c << 2), j);
    store<f64>(scratch + (<usize>j << 3), 0.0);
    left--;
  }
}
