// Initialisation: weighted k-means++ seeding (greedy, 2 + ⌊ln K⌋ local trials as in
// scikit-learn) and Lloyd iterations. x: n×d, w: n weights or 0, centers: K×d,
// labels: n i32. Randomness comes from the core's PRNG only.

import * as rng from './rng';
import { toPairs } from './block';

// @ts-ignore: decorator
@inline function wt(w: usize, i: i32): f64 { return w ? load<f64>(w + (<usize>i << 3)) : 1.0; }

/** wᵢ·v, but 0 for a row of weight 0 even when v overflowed (0·∞ would be NaN). */
// @ts-ignore: decorator
@inline function wmul(wi: f64, v: f64): f64 { return select<f64>(0.0, wi * v, wi == 0.0); }

// @ts-ignore: decorator
@inline
function dist2(a: usize, b: usize, d: i32): f64 {
  // two features per f64x2 lane pair; rows are contiguous so no transposition is needed
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 1 < d; i += 2) {
    const t = f64x2.sub(v128.load(a + (<usize>i << 3)), v128.load(b + (<usize>i << 3)));
    acc = f64x2.add(acc, f64x2.mul(t, t));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (i < d) {
    const t = load<f64>(a + (<usize>i << 3)) - load<f64>(b + (<usize>i << 3));
    s += t * t;
  }
  return s;
}

/** Index drawn with probability ∝ w[i]·p[i] (p = 0 for all ones), total = Σ w·p. */
function draw(w: usize, p: usize, n: i32, total: f64): i32 {
  const target = rng.uniform() * total;
  let acc: f64 = 0;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const v = wt(w, i) * (p ? load<f64>(p + (<usize>i << 3)) : 1.0);
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

/** Writes K centres chosen by k-means++ to centers and their row indices to idx (i32).
 *  scratch: n f64 (each row's squared distance to its closest centre). */
export function kmeansPlusPlus(x: usize, w: usize, n: i32, d: i32, K: i32, centers: usize, idx: usize, scratch: usize): void {
  const closest = scratch;
  const trials = 2 + <i32>Math.floor(Math.log(<f64>K));
  let wsum: f64 = 0;
  for (let i = 0; i < n; i++) wsum += wt(w, i);
  let first = draw(w, 0, n, wsum);
  store<i32>(idx, first);
  memory.copy(centers, x + (<usize>(first * d) << 3), <usize>d << 3);
  let pot: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = dist2(x + (<usize>(i * d) << 3), centers, d);
    store<f64>(closest + (<usize>i << 3), v);
    pot += wmul(wt(w, i), v);
  }
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
      const x0 = x + (<usize>(j0 * d) << 3), x1 = x + (<usize>(j1 * d) << 3);
      const x2 = x + (<usize>(j2 * d) << 3), x3 = x + (<usize>(j3 * d) << 3);
      let p0: f64 = 0, p1: f64 = 0, p2: f64 = 0, p3: f64 = 0;
      for (let i = 0; i < n; i++) {
        const xi = x + (<usize>(i * d) << 3);
        const ci = load<f64>(closest + (<usize>i << 3));
        const wi = wt(w, i);
        p0 += wmul(wi, min(ci, dist2(xi, x0, d)));
        p1 += wmul(wi, min(ci, dist2(xi, x1, d)));
        p2 += wmul(wi, min(ci, dist2(xi, x2, d)));
        p3 += wmul(wi, min(ci, dist2(xi, x3, d)));
      }
      if (best < 0 || p0 < bestPot) { bestPot = p0; best = j0; }
      if (left > 1 && p1 < bestPot) { bestPot = p1; best = j1; }
      if (left > 2 && p2 < bestPot) { bestPot = p2; best = j2; }
      if (left > 3 && p3 < bestPot) { bestPot = p3; best = j3; }
    }
    const xb = x + (<usize>(best * d) << 3);
    store<i32>(idx + (<usize>c << 2), best);
    memory.copy(centers + (<usize>(c * d) << 3), xb, <usize>d << 3);
    pot = 0;
    for (let i = 0; i < n; i++) {
      const v = min(load<f64>(closest + (<usize>i << 3)), dist2(x + (<usize>(i * d) << 3), xb, d));
      store<f64>(closest + (<usize>i << 3), v);
      pot += wmul(wt(w, i), v);
    }
  }
}

/** Nearest centre of every row (the first on ties), a block of B rows at a time in pair
 *  layout: squared distances to all K centres for two rows per f64x2, two pairs at a time.
 *  blockScratch: d·B + B f64 (the EM scratch's xt and wt). */
function assign(x: usize, n: i32, d: i32, K: i32, centers: usize, labels: usize, blockScratch: usize, B: i32): void {
  const xt = blockScratch;
  const wt = blockScratch + (<usize>(d * B) << 3);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const P = toPairs(x, 0, r0, rows, d, xt, wt);
    for (let p = 0; p < P; p += 2) {
      const p1 = min(p + 1, P - 1);
      let bq0 = f64x2.splat(Infinity), bq1 = f64x2.splat(Infinity);
      let bk0 = f64x2.splat(0), bk1 = f64x2.splat(0);
      for (let k = 0; k < K; k++) {
        const c = centers + (<usize>(k * d) << 3);
        let q0 = f64x2.splat(0), q1 = f64x2.splat(0);
        for (let i = 0; i < d; i++) {
          const ci = v128.load64_splat(c + (<usize>i << 3));
          const t0 = f64x2.sub(v128.load(xt + (<usize>(i * P + p) << 4)), ci);
          const t1 = f64x2.sub(v128.load(xt + (<usize>(i * P + p1) << 4)), ci);
          q0 = f64x2.add(q0, f64x2.mul(t0, t0));
          q1 = f64x2.add(q1, f64x2.mul(t1, t1));
        }
        const kv = f64x2.splat(<f64>k);
        const lt0 = f64x2.lt(q0, bq0), lt1 = f64x2.lt(q1, bq1);
        bq0 = v128.bitselect(q0, bq0, lt0);
        bk0 = v128.bitselect(kv, bk0, lt0);
        bq1 = v128.bitselect(q1, bq1, lt1);
        bk1 = v128.bitselect(kv, bk1, lt1);
      }
      const out = labels + (<usize>(r0 + 2 * p) << 2);
      store<i32>(out, <i32>f64x2.extract_lane(bk0, 0));
      if (2 * p + 1 < rows) store<i32>(out, <i32>f64x2.extract_lane(bk0, 1), 4);
      if (2 * p + 2 < rows) store<i32>(out, <i32>f64x2.extract_lane(bk1, 0), 8);
      if (2 * p + 3 < rows) store<i32>(out, <i32>f64x2.extract_lane(bk1, 1), 12);
    }
  }
}

/** Lloyd iterations from the given centres until the squared centre shift is at most
 *  relTol × (mean weighted feature variance), or maxIter. Leaves final labels.
 *  scratch: K·d + K f64; blockScratch: d·B + B f64 for blocks of B rows (B even).
 *  Returns the number of iterations run. */
export function lloyd(x: usize, w: usize, n: i32, d: i32, K: i32, centers: usize, labels: usize,
  maxIter: i32, relTol: f64, scratch: usize, blockScratch: usize, B: i32): i32 {
  const sums = scratch;
  const mass = scratch + (<usize>(K * d) << 3);
  // tolerance scale: mean over features of the weighted variance (two-pass)
  let wsum: f64 = 0;
  memory.fill(sums, 0, <usize>d << 3);
  for (let i = 0; i < n; i++) {
    const wi = wt(w, i);
    wsum += wi;
    for (let j = 0; j < d; j++) {
      const p = sums + (<usize>j << 3);
      store<f64>(p, load<f64>(p) + wi * load<f64>(x + (<usize>(i * d + j) << 3)));
    }
  }
  let v: f64 = 0;
  for (let i = 0; i < n; i++) {
    const wi = wt(w, i);
    for (let j = 0; j < d; j++) {
      const t = load<f64>(x + (<usize>(i * d + j) << 3)) - load<f64>(sums + (<usize>j << 3)) / wsum;
      v += wmul(wi, t * t);
    }
  }
  const tol = relTol * v / wsum / <f64>d;
  let it = 0;
  while (it < maxIter) {
    it++;
    assign(x, n, d, K, centers, labels, blockScratch, B);
    memory.fill(scratch, 0, <usize>(K * d + K) << 3);
    for (let i = 0; i < n; i++) {
      const wi = wt(w, i);
      const k = load<i32>(labels + (<usize>i << 2));
      store<f64>(mass + (<usize>k << 3), load<f64>(mass + (<usize>k << 3)) + wi);
      for (let j = 0; j < d; j++) {
        const p = sums + (<usize>(k * d + j) << 3);
        store<f64>(p, load<f64>(p) + wi * load<f64>(x + (<usize>(i * d + j) << 3)));
      }
    }
    let shift: f64 = 0;
    for (let k = 0; k < K; k++) {
      const mk = load<f64>(mass + (<usize>k << 3));
      if (!(mk > 0.0)) continue; // empty cluster keeps its centre
      for (let j = 0; j < d; j++) {
        const p = centers + (<usize>(k * d + j) << 3);
        const nv = load<f64>(sums + (<usize>(k * d + j) << 3)) / mk;
        const t = nv - load<f64>(p);
        shift += t * t;
        store<f64>(p, nv);
      }
    }
    if (shift <= tol) break;
  }
  assign(x, n, d, K, centers, labels, blockScratch, B);
  return it;
}

/** K distinct rows drawn with probability ∝ w (uniform without weights), without
 *  replacement while rows of positive weight remain, then with repeats. scratch: n f64
 *  (1 for rows still available). */
export function chooseRows(w: usize, n: i32, K: i32, idx: usize, scratch: usize): void {
  let left = 0; // rows of positive weight not chosen yet (counted: a float total can reach 0 early)
  for (let i = 0; i < n; i++) {
    store<f64>(scratch + (<usize>i << 3), 1.0);
    if (wt(w, i) > 0.0) left++;
  }
  for (let c = 0; c < K; c++) {
    if (left == 0) {
      for (let i = 0; i < n; i++) {
        store<f64>(scratch + (<usize>i << 3), 1.0);
        if (wt(w, i) > 0.0) left++;
      }
    }
    // the total is re-summed each draw: K draws over n rows, and no drift
    let total: f64 = 0;
    for (let i = 0; i < n; i++) total += wt(w, i) * load<f64>(scratch + (<usize>i << 3));
    const j = draw(w, scratch, n, total);
    store<i32>(idx + (<usize>c << 2), j);
    store<f64>(scratch + (<usize>j << 3), 0.0);
    left--;
  }
}
