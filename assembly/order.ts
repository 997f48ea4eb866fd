// Row order for certified groups (certify.ts): rows close in space next to each other, so
// that a group of consecutive rows spans a small ball, which one component can take whole.
// The order is a Z-order (Morton) curve through the data's bounding box: it depends on the
// data alone, so every fit of the same data (warm starts included) sees the same order, and
// rows of weight 0 go last, so they never move the others. An EM fit does not depend on
// the order of its rows beyond the rounding of sums.

/** Reorders the rows of x (row-major n×d) and their weights w (n f64, or 0) by label,
 *  stably (a counting sort), and lays them out in pair blocks of B rows (block.ts): x is
 *  copied to tmp, then sortedPairs brings it back. x needs d f64 of room after its n·d (an
 *  odd last block's padding row). labels: n i32 in [0, K). counts: K i32. tmp: n·(d + 2) f64. */
export function groupRowsToPairs(x: usize, w: usize, n: i32, d: i32, K: i32, labels: usize, counts: usize, tmp: usize,
  B: i32): void {
  memory.copy(tmp, x, <usize>(n * d) << 3);
  sortedPairs(tmp, x, w, n, d, K, labels, counts, tmp + (<usize>(n * d) << 3), B);
}

/** The rows of src (row-major n×d) sorted stably by label into x (not overlapping src: n·d
 *  + d f64) in pair blocks of B rows (B even), and the weights w (or 0) in place: a counting
 *  sort into a permutation, then each pair of sorted rows read through it straight into the
 *  block layout, one feature pair at a time. The order depends on the labels alone.
 *  labels: n i32 in [0, K). counts: K i32. work: n i32, and n f64 more with weights. */
export function sortedPairs(src: usize, x: usize, w: usize, n: i32, d: i32, K: i32, labels: usize, counts: usize,
  work: usize, B: i32): void {
  for (let k = 0; k < K; k++) store<i32>(counts + (<usize>k << 2), 0);
  for (let r = 0; r < n; r++) {
    const c = counts + (<usize>load<i32>(labels + (<usize>r << 2)) << 2);
    store<i32>(c, load<i32>(c) + 1);
  }
  let start = 0;
  for (let k = 0; k < K; k++) {
    const c = counts + (<usize>k << 2);
    const m = load<i32>(c);
    store<i32>(c, start);
    start += m;
  }
  // perm[t]: the row that goes to place t
  const perm = work;
  for (let r = 0; r < n; r++) {
    const c = counts + (<usize>load<i32>(labels + (<usize>r << 2)) << 2);
    const t = load<i32>(c);
    store<i32>(c, t + 1);
    store<i32>(perm + (<usize>t << 2), r);
  }
  if (w) {
    const tw = work + ((<usize>n << 2) + 15 & ~15);
    for (let t = 0; t < n; t++) store<f64>(tw + (<usize>t << 3), load<f64>(w + (<usize>load<i32>(perm + (<usize>t << 2)) << 3)));
    memory.copy(w, tw, <usize>n << 3);
  }
  const rowBytes = <usize>d << 3;
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0), P = (rows + 1) >> 1;
    const block = x + (<usize>(r0 * d) << 3), order = perm + (<usize>r0 << 2);
    // feature i of pair p at block + (i·P + p)·16: rows 2p and 2p+1 (an odd block repeats
    // its last row in the padding lane)
    for (let i = 0; i < d; i += 2) {
      const at = <usize>i << 3, lane0 = block + (<usize>(i * P) << 4), lane1 = lane0 + (<usize>P << 4);
      const two = i + 1 < d;
      for (let p = 0; p < P; p++) {
        const ra = load<i32>(order + (<usize>(2 * p) << 2));
        const rb = 2 * p + 1 < rows ? load<i32>(order + (<usize>(2 * p + 1) << 2)) : ra;
        const fa = src + <usize>ra * rowBytes + at, fb = src + <usize>rb * rowBytes + at;
        if (two) {
          const va = v128.load(fa), vb = v128.load(fb);
          v128.store(lane0 + (<usize>p << 4), v128.shuffle<f64>(va, vb, 0, 2));
          v128.store(lane1 + (<usize>p << 4), v128.shuffle<f64>(va, vb, 1, 3));
        } else {
          store<f64>(lane0 + (<usize>p << 4), load<f64>(fa));
          store<f64>(lane0 + (<usize>p << 4), load<f64>(fb), 8);
        }
      }
    }
  }
}

/** The smallest double v with (v − lo)·sc ≥ 1, when some v ≤ hi has it; else +∞. Both
 *  roundings are monotone in v (sc ≥ 0), so for every v in [lo, hi] the test v ≥ the
 *  threshold gives the same bit as the arithmetic: found by bisection over the doubles. */
function threshold(lo: f64, hi: f64, sc: f64): f64 {
  if (!((hi - lo) * sc >= 1.0)) return Infinity;
  let a = ordered(lo), b = ordered(hi); // P(a) is false (0·sc < 1), P(b) true
  while (b - a > 1) {
    const m = a + ((b - a) >> 1);
    if ((unordered(m) - lo) * sc >= 1.0) b = m;
    else a = m;
  }
  return unordered(b);
}

/** Coordinate i of rows a and b into the box (lo, hi). */
// @ts-ignore: decorator
@inline function boxOne(a: usize, b: usize, i: i32, lo: usize, hi: usize): void {
  const o = <usize>i << 3;
  const va = load<f64>(a + o), vb = load<f64>(b + o);
  const l = load<f64>(lo + o), h = load<f64>(hi + o);
  const m = vb < va ? vb : va, M = va < vb ? vb : va;
  store<f64>(lo + o, m < l ? m : l);
  store<f64>(hi + o, h < M ? M : h);
}

/** hi − lo, +0 for a flat box: −0 only arises from zeros of other signs than the true
 *  minimum's and maximum's (pmin/pmax), and would turn the scale's +∞ into −∞. */
// @ts-ignore: decorator
@inline function span(hi: f64, lo: f64): f64 {
  const s = hi - lo;
  return s == 0 ? 0.0 : s;
}

/** Doubles (not NaN) to u64 in the same order, and back. */
// @ts-ignore: decorator
@inline function ordered(v: f64): u64 {
  const k = reinterpret<u64>(v);
  return k >> 63 ? ~k : k | 0x8000000000000000;
}
// @ts-ignore: decorator
@inline function unordered(o: u64): f64 {
  return reinterpret<f64>(o >> 63 ? o & 0x7fffffffffffffff : ~o);
}

/** The Z-order bucket of every row into labels (n i32): the first `bits` bits of the
 *  interleaved coordinates, each quantised to ⌈bits/d⌉ bits over the bounding box of the
 *  rows with positive weight (w: n f64, or 0 for all); rows of weight 0 get bucket 2^bits.
 *  x: row-major n×d. tmp: 2d f64 and min(d, bits) i32. */
export function spatialKeys(x: usize, w: usize, n: i32, d: i32, bits: i32, labels: usize, tmp: usize): void {
  // only the first min(d, bits) coordinates contribute bits (the first `bits` of the
  // interleave): only they are boxed and quantised
  const used = min(d, bits);
  const lo = tmp, hi = tmp + (<usize>d << 3);
  for (let i = 0; i < used; i++) {
    store<f64>(lo + (<usize>i << 3), Infinity);
    store<f64>(hi + (<usize>i << 3), -Infinity);
  }
  // two features at a time, and without weights two rows at a time (half the chain of
  // dependent updates). pmin/pmax select one operand (a single instruction, where min/max
  // need several for NaN and signed zeros): the data are finite, so the box is the same
  // but for the sign of a zero, which the scale below ignores
  const pairs = used & ~1;
  let r = 0;
  if (!w) {
    for (; r + 1 < n; r += 2) {
      const a = x + (<usize>(r * d) << 3), b = a + (<usize>d << 3);
      for (let i = 0; i < pairs; i += 2) {
        const o = <usize>i << 3;
        const va = v128.load(a + o), vb = v128.load(b + o);
        v128.store(lo + o, f64x2.pmin(v128.load(lo + o), f64x2.pmin(va, vb)));
        v128.store(hi + o, f64x2.pmax(v128.load(hi + o), f64x2.pmax(va, vb)));
      }
      if (pairs < used) boxOne(a, b, pairs, lo, hi);
    }
  }
  for (; r < n; r++) {
    if (w && !(load<f64>(w + (<usize>r << 3)) > 0)) continue;
    const a = x + (<usize>(r * d) << 3);
    for (let i = 0; i < pairs; i += 2) {
      const o = <usize>i << 3;
      const v = v128.load(a + o);
      v128.store(lo + o, f64x2.pmin(v128.load(lo + o), v));
      v128.store(hi + o, f64x2.pmax(v128.load(hi + o), v));
    }
    if (pairs < used) boxOne(a, a, pairs, lo, hi);
  }
  const per = (bits + d - 1) / d; // bits per coordinate
  const top = <f64>((1 << per) - 1);
  if (per == 1) {
    // one bit per coordinate (d ≥ bits: every chunk of 2,048 rows with d ≥ 8): whether
    // (v − lo)·scale reaches 1, with scale = 2/(hi − lo) (0 where the box is flat or beyond
    // double range), which is whether v reaches the coordinate's exact threshold. The
    // thresholds go into hi with each pair's two swapped, and each pair of coordinates is
    // compared swapped too, so that the bitmask puts the earlier coordinate in the higher bit
    for (let i = 0; i < used; i++) {
      const o = <usize>i << 3;
      const l = load<f64>(lo + o), h = load<f64>(hi + o);
      let sc = (top + 1) / span(h, l);
      sc = sc < Infinity ? sc : 0.0;
      store<f64>(lo + o, threshold(l, h, sc));
    }
    for (let i = 0; i < used; i++) store<f64>(hi + (<usize>(i < pairs ? i ^ 1 : i) << 3), load<f64>(lo + (<usize>i << 3)));
    for (let r = 0; r < n; r++) {
      if (w && !(load<f64>(w + (<usize>r << 3)) > 0)) {
        store<i32>(labels + (<usize>r << 2), 1 << bits);
        continue;
      }
      const a = x + (<usize>(r * d) << 3);
      let key = 0;
      for (let i = 0; i < pairs; i += 2) {
        const o = <usize>i << 3;
        const v = v128.load(a + o);
        key = (key << 2) | i64x2.bitmask(f64x2.ge(v128.shuffle<f64>(v, v, 1, 0), v128.load(hi + o)));
      }
      if (pairs < used) {
        const o = <usize>pairs << 3;
        key = (key << 1) | <i32>(load<f64>(a + o) >= load<f64>(hi + o));
      }
      store<i32>(labels + (<usize>r << 2), key);
    }
    return;
  }
  // hi becomes the scale 2^per/(hi − lo) (0 where the box is flat or beyond double range)
  for (let i = 0; i < used; i++) {
    const sc = (top + 1) / span(load<f64>(hi + (<usize>i << 3)), load<f64>(lo + (<usize>i << 3)));
    store<f64>(hi + (<usize>i << 3), sc < Infinity ? sc : 0.0);
  }
  const q = tmp + (<usize>(2 * d) << 3); // used i32
  for (let r = 0; r < n; r++) {
    if (w && !(load<f64>(w + (<usize>r << 3)) > 0)) {
      store<i32>(labels + (<usize>r << 2), 1 << bits);
      continue;
    }
    const a = x + (<usize>(r * d) << 3);
    for (let i = 0; i < used; i++) {
      // (v − lo)·scale may overflow for data near the double range: clamped to top (NaN
      // too); only the speed of certification depends on the keys, never a result
      let t = (load<f64>(a + (<usize>i << 3)) - load<f64>(lo + (<usize>i << 3))) * load<f64>(hi + (<usize>i << 3));
      t = t < top ? t : top;
      store<i32>(q + (<usize>i << 2), t > 0 ? <i32>t : 0);
    }
    // bit j of every coordinate in turn, most significant first, until `bits` are taken
    let key = 0, left = bits;
    for (let j = per - 1; j >= 0 && left > 0; j--) {
      const m = min(used, left);
      for (let i = 0; i < m; i++) key = (key << 1) | ((load<i32>(q + (<usize>i << 2)) >> j) & 1);
      left -= m;
    }
    store<i32>(labels + (<usize>r << 2), key);
  }
}
