// Full and tied scatter over a component's kept pairs of a pair block (block.ts):
// D = x − c and A = r·D compacted (and re-paired where a pair's rows often do not both keep
// the component), then the upper triangle of Aᵀ D in register tiles; d = 2 in one pass;
// and the tied statistics of a whole block through its total scatter (tiedBlock).

import { V, hsum } from './block';
import { massPtr, sumPtr, scatterPtr, addInto } from './stats';
import { addTo, at, featureSums4 } from './sums';

/** S (row-major d×d, upper triangle) += Aᵀ D over the n pairs, in 2×4 tiles (8
 *  accumulators; 6 loads per 8 multiply-adds). A and D are pair-major (pair q's d features
 *  at q·d), so a tile's six loads are one pointer plus constant offsets: with feature-major
 *  columns V8 kept six pointers, ran out of registers and recomputed them every pair (about
 *  50 integer instructions per 16 floating-point ones). A tile at the last features reads
 *  past its row into the next pair's (or, for the last pair, up to 3 v128 past the buffer,
 *  into the scratch beyond it); those lanes are computed and never stored. */
function syrkUpper(a: usize, dm: usize, n: i32, d: i32, S: usize): void {
  const stride = <usize>d << 4;
  const end = <usize>n * stride;
  for (let i = 0; i < d; i += 2) {
    const ai = a + (<usize>i << 4);
    for (let j = i; j < d; j += 4) {
      const dj = dm + (<usize>j << 4);
      if (j + 2 >= d) {
        syrkTail(ai, dj, end, stride, S + (<usize>(i * d + j) << 3), d, j > i, i + 1 < d, j + 1 < d);
        continue;
      }
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s02 = f64x2.splat(0), s03 = f64x2.splat(0);
      let s10 = f64x2.splat(0), s11 = f64x2.splat(0), s12 = f64x2.splat(0), s13 = f64x2.splat(0);
      for (let off: usize = 0; off < end; off += stride) {
        const x0 = v128.load(ai + off), x1 = v128.load(ai + off, 16);
        const y0 = v128.load(dj + off), y1 = v128.load(dj + off, 16);
        const y2 = v128.load(dj + off, 32), y3 = v128.load(dj + off, 48);
        s00 = f64x2.add(s00, f64x2.mul(x0, y0));
        s01 = f64x2.add(s01, f64x2.mul(x0, y1));
        s02 = f64x2.add(s02, f64x2.mul(x0, y2));
        s03 = f64x2.add(s03, f64x2.mul(x0, y3));
        s10 = f64x2.add(s10, f64x2.mul(x1, y0));
        s11 = f64x2.add(s11, f64x2.mul(x1, y1));
        s12 = f64x2.add(s12, f64x2.mul(x1, y2));
        s13 = f64x2.add(s13, f64x2.mul(x1, y3));
      }
      // store the entries that exist and lie on or above the diagonal
      const row0 = S + (<usize>(i * d) << 3), row1 = row0 + (<usize>d << 3);
      addTo(row0 + (<usize>j << 3), hsum(s00));
      if (j + 1 < d) addTo(row0 + (<usize>(j + 1) << 3), hsum(s01));
      if (j + 2 < d) addTo(row0 + (<usize>(j + 2) << 3), hsum(s02));
      if (j + 3 < d) addTo(row0 + (<usize>(j + 3) << 3), hsum(s03));
      if (i + 1 < d) {
        if (j > i) addTo(row1 + (<usize>j << 3), hsum(s10));
        if (j + 1 < d) addTo(row1 + (<usize>(j + 1) << 3), hsum(s11));
        if (j + 2 < d) addTo(row1 + (<usize>(j + 2) << 3), hsum(s12));
        if (j + 3 < d) addTo(row1 + (<usize>(j + 3) << 3), hsum(s13));
      }
    }
  }
}

/** The last one or two columns j, j + 1 of rows i, i + 1 of syrkUpper's tiles, as a 2×2
 *  tile: a 2×4 tile there computes twice the entries it keeps (d = 16: 4 of its 20 tiles).
 *  at: S's entry (i, j); the flags say which of (i + 1, j), (i + 1, j + 1), (i, j + 1) exist
 *  on or above the diagonal. */
// @ts-ignore: decorator
@inline function syrkTail(ai: usize, dj: usize, end: usize, stride: usize, at: usize, d: i32,
  below: bool, row1: bool, col1: bool): void {
  let s00 = f64x2.splat(0), s01 = s00, s10 = s00, s11 = s00;
  for (let off: usize = 0; off < end; off += stride) {
    const x0 = v128.load(ai + off), x1 = v128.load(ai + off, 16);
    const y0 = v128.load(dj + off), y1 = v128.load(dj + off, 16);
    s00 = f64x2.add(s00, f64x2.mul(x0, y0));
    s01 = f64x2.add(s01, f64x2.mul(x0, y1));
    s10 = f64x2.add(s10, f64x2.mul(x1, y0));
    s11 = f64x2.add(s11, f64x2.mul(x1, y1));
  }
  const next = at + (<usize>d << 3);
  addTo(at, hsum(s00));
  if (col1) addTo(at + 8, hsum(s01));
  if (row1) {
    if (below) addTo(next, hsum(s10));
    if (col1) addTo(next + 8, hsum(s11));
  }
}

/** Full/tied with d = 2 in one pass over the kept pairs, all in registers: mass, sum and
 *  the scatter's three upper entries (the general path compacts, then tiles). */
export function accumulate2(xt: usize, P: i32, R: usize, c: usize, idx: usize, n: i32, fac: usize,
  mass: usize, sk: usize, Sk: usize): void {
  const c0 = v128.load64_splat(c), c1 = v128.load64_splat(c, 8);
  const x1 = xt + (<usize>P << 4);
  let ms = f64x2.splat(0), s0 = ms, s1 = ms, S00 = ms, S01 = ms, S11 = ms;
  for (let q = 0; q < n; q++) {
    const o = at(idx, q);
    let r = v128.load(R + o);
    if (fac) r = f64x2.mul(r, v128.load(fac + o));
    const D0 = f64x2.sub(v128.load(xt + o), c0);
    const D1 = f64x2.sub(v128.load(x1 + o), c1);
    const A0 = f64x2.mul(r, D0), A1 = f64x2.mul(r, D1);
    ms = f64x2.add(ms, r);
    s0 = f64x2.add(s0, A0);
    s1 = f64x2.add(s1, A1);
    S00 = f64x2.add(S00, f64x2.mul(A0, D0));
    S01 = f64x2.add(S01, f64x2.mul(A0, D1));
    S11 = f64x2.add(S11, f64x2.mul(A1, D1));
  }
  addTo(mass, hsum(ms));
  addTo(sk, hsum(s0));
  addTo(sk + 8, hsum(s1));
  addTo(Sk, hsum(S00));
  addTo(Sk + 8, hsum(S01));
  addTo(Sk + 24, hsum(S11));
}

/** Tied: how much of a diagonal entry of the block's total scatter T the tied scatter must
 *  keep for tiedBlock's subtraction to stand (so at most log₁₀ 16 ≈ 1.2 digits are lost to
 *  cancellation; a block below it is summed per component). */
const TIED_KEEP: f64 = 1.0 / 16.0;

/** The rows of the n kept pairs idx whose responsibility in R is not 0, as byte offsets
 *  into a feature's row of the pair block (pair p, lane l: 16p + 8l), into rows (i32,
 *  room for 2n + 1); returns their count. Branch-free: every lane's offset is written, and
 *  counted only when kept. */
// @ts-ignore: decorator
@inline function keptRows(R: usize, idx: usize, n: i32, rows: usize): i32 {
  let m = 0;
  for (let q = 0; q < n; q++) {
    const o = at(idx, q);
    store<i32>(rows + (<usize>m << 2), <i32>o);
    m += <i32>(load<f64>(R + o) != 0.0);
    store<i32>(rows + (<usize>m << 2), <i32>o + 8);
    m += <i32>(load<f64>(R + o, 8) != 0.0);
  }
  return m;
}

/** Re-pairs the m kept rows (keptRows) two by two: their responsibilities into R itself,
 *  new pair q at R + 16q (in place: the rows of new pair q come from old pairs ≥ q, and no
 *  later new pair reads old pair q), and at an odd m a last row repeated with
 *  responsibility 0. Returns the number of new pairs. */
// @ts-ignore: decorator
@inline function repairRows(R: usize, rows: usize, m: i32): i32 {
  const Q = (m + 1) >> 1;
  if (m & 1) store<i32>(rows + (<usize>m << 2), load<i32>(rows + (<usize>(m - 1) << 2)));
  for (let q = 0; q < Q; q++) {
    const a = <usize>load<i32>(rows + (<usize>q << 3)), b = <usize>load<i32>(rows + (<usize>q << 3), 4);
    const rb = 2 * q + 1 < m ? load<f64>(R + b) : 0.0;
    const ra = load<f64>(R + a);
    store<f64>(R + (<usize>q << 4), ra);
    store<f64>(R + (<usize>q << 4), rb, 8);
  }
  return Q;
}

/** Σ r·(x − c)(x − c)ᵀ over the n kept pairs idx into S (upper triangle): D = x − c and
 *  A = r·D compacted to those pairs (compact), then the tiles; with sums, also Σ r·D per
 *  feature into sk. With rows (room for 2n + 1 i32; EM passes), where a pair's two rows
 *  often do not both keep the component (overlapping clusters: 18% of the lanes on letter,
 *  27% on o64), the kept rows are paired anew first (keptRows, repairRows; R is
 *  overwritten), so the tiles, most of the work, skip the zero lanes. */
// @ts-ignore: decorator
@inline export function componentScatter(xt: usize, P: i32, d: i32, R: usize, c: usize, idx: usize, n: i32,
  dbuf: usize, abuf: usize, S: usize, sk: usize, sums: bool, rows: usize): void {
  if (rows && d >= REPAIR_D) {
    const m = keptRows(R, idx, n, rows);
    // worth it from one pair in REPAIR_MIN saved: a re-paired row costs two lane loads
    if (REPAIR_MIN * (2 * n - m) >= 2 * n) {
      const Q = repairRows(R, rows, m);
      compact(xt, P, d, R, c, rows, Q, dbuf, abuf, sk, sums, true);
      syrkUpper(abuf, dbuf, Q, d, S);
      return;
    }
  }
  compact(xt, P, d, R, c, idx, n, dbuf, abuf, sk, sums, false);
  syrkUpper(abuf, dbuf, n, d, S);
}

/** Pairs saved, one in REPAIR_MIN at least, for componentScatter to re-pair a component's
 *  rows, and from which d (below, the tiles saved cost less than the lane loads). */
const REPAIR_MIN: i32 = 16;
const REPAIR_D: i32 = 12;

/** componentScatter's compaction: D = x − c and A = r·D of n pairs into dbuf and abuf,
 *  pair-major (pair q's features at q·d), and with sums Σ A per feature into sk. The pairs:
 *  kept pairs idx of the block, their responsibilities in R; or (repaired) new pairs of
 *  rows, pair q's rows at byte offsets idx[2q], idx[2q + 1] of each feature's row and its
 *  responsibilities at R + 16q (repairRows). Four features per pass over the pairs while
 *  four remain (each pass reloads the pair's index and responsibility; four instead of two
 *  made o8's and o64's EM pass about 0.93× as long: bench/HISTORY.md), then two (i and
 *  i1 = i + 1, clamped: the last feature once more, written twice with the same values, its
 *  sum not stored). Each feature's sum adds its pairs in the same order either way. Inlined,
 *  so that each caller's constant choices leave no test in the loop. */
// @ts-ignore: decorator
@inline function compact(xt: usize, P: i32, d: i32, R: usize, c: usize, idx: usize, n: i32,
  dbuf: usize, abuf: usize, sk: usize, sums: bool, repaired: bool): void {
  const stride = <usize>d << 4, ps = <usize>P << 4;
  let i = 0;
  for (; i + 3 < d; i += 4) {
    const c0 = v128.load64_splat(c + (<usize>i << 3)), c1 = v128.load64_splat(c + (<usize>i << 3), 8);
    const c2 = v128.load64_splat(c + (<usize>i << 3), 16), c3 = v128.load64_splat(c + (<usize>i << 3), 24);
    let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0;
    const x0 = xt + (<usize>(i * P) << 4);
    let di = dbuf + (<usize>i << 4), ai = abuf + (<usize>i << 4);
    for (let q = 0; q < n; q++) {
      let r: v128, X0: v128, X1: v128, X2: v128, X3: v128;
      if (repaired) {
        const a = x0 + <usize>load<i32>(idx + (<usize>q << 3)), b = x0 + <usize>load<i32>(idx + (<usize>q << 3), 4);
        r = v128.load(R + (<usize>q << 4));
        X0 = v128.load64_lane(b, v128.load64_zero(a), 1);
        X1 = v128.load64_lane(b + ps, v128.load64_zero(a + ps), 1);
        X2 = v128.load64_lane(b + 2 * ps, v128.load64_zero(a + 2 * ps), 1);
        X3 = v128.load64_lane(b + 3 * ps, v128.load64_zero(a + 3 * ps), 1);
      } else {
        const src = at(idx, q);
        const p0 = x0 + src;
        r = v128.load(R + src);
        X0 = v128.load(p0); X1 = v128.load(p0 + ps); X2 = v128.load(p0 + 2 * ps); X3 = v128.load(p0 + 3 * ps);
      }
      const D0 = f64x2.sub(X0, c0), D1 = f64x2.sub(X1, c1), D2 = f64x2.sub(X2, c2), D3 = f64x2.sub(X3, c3);
      const A0 = f64x2.mul(r, D0), A1 = f64x2.mul(r, D1), A2 = f64x2.mul(r, D2), A3 = f64x2.mul(r, D3);
      v128.store(di, D0); v128.store(di, D1, 16); v128.store(di, D2, 32); v128.store(di, D3, 48);
      v128.store(ai, A0); v128.store(ai, A1, 16); v128.store(ai, A2, 32); v128.store(ai, A3, 48);
      di += stride;
      ai += stride;
      if (sums) {
        s0 = f64x2.add(s0, A0);
        s1 = f64x2.add(s1, A1);
        s2 = f64x2.add(s2, A2);
        s3 = f64x2.add(s3, A3);
      }
    }
    if (sums) {
      addTo(sk + (<usize>i << 3), hsum(s0));
      addTo(sk + (<usize>(i + 1) << 3), hsum(s1));
      addTo(sk + (<usize>(i + 2) << 3), hsum(s2));
      addTo(sk + (<usize>(i + 3) << 3), hsum(s3));
    }
  }
  for (; i < d; i += 2) {
    const i1 = min(i + 1, d - 1);
    const c0 = v128.load64_splat(c + (<usize>i << 3)), c1 = v128.load64_splat(c + (<usize>i1 << 3));
    let s0 = f64x2.splat(0), s1 = s0;
    const x0 = xt + (<usize>(i * P) << 4), x1 = xt + (<usize>(i1 * P) << 4);
    let di = dbuf + (<usize>i << 4), ai = abuf + (<usize>i << 4);
    const j1 = <usize>(i1 - i) << 4;
    for (let q = 0; q < n; q++) {
      let r: v128, X0: v128, X1: v128;
      if (repaired) {
        const a = <usize>load<i32>(idx + (<usize>q << 3)), b = <usize>load<i32>(idx + (<usize>q << 3), 4);
        r = v128.load(R + (<usize>q << 4));
        X0 = v128.load64_lane(x0 + b, v128.load64_zero(x0 + a), 1);
        X1 = v128.load64_lane(x1 + b, v128.load64_zero(x1 + a), 1);
      } else {
        const src = at(idx, q);
        r = v128.load(R + src);
        X0 = v128.load(x0 + src);
        X1 = v128.load(x1 + src);
      }
      const D0 = f64x2.sub(X0, c0), D1 = f64x2.sub(X1, c1);
      const A0 = f64x2.mul(r, D0), A1 = f64x2.mul(r, D1);
      v128.store(di, D0);
      v128.store(di + j1, D1);
      v128.store(ai, A0);
      v128.store(ai + j1, A1);
      di += stride;
      ai += stride;
      if (sums) {
        s0 = f64x2.add(s0, A0);
        s1 = f64x2.add(s1, A1);
      }
    }
    if (sums) {
      addTo(sk + (<usize>i << 3), hsum(s0));
      if (i + 1 < d) addTo(sk + (<usize>(i + 1) << 3), hsum(s1));
    }
  }
}

/** A pair block's total weight W = Σ w (returned), and where W > 0 its weighted mean g (d)
 *  and total scatter T = Σ w (x − g)(x − g)ᵀ (d×d, upper triangle) by syrkUpper's tiles over
 *  every pair (padding lanes have weight 0), D = x − g and A = w·D through compact with every
 *  pair listed in rows (P i32). tiedBlock's first term. */
function blockTotal(xt: usize, P: i32, d: i32, wt: usize, g: usize, T: usize, dbuf: usize, abuf: usize, rows: usize): f64 {
  let wv = f64x2.splat(0);
  for (let p = 0; p < P; p++) wv = f64x2.add(wv, V(wt, p));
  const W = hsum(wv);
  if (!(W > 0)) return W;
  for (let j = 0; j < d; j++) {
    const row = xt + (<usize>(j * P) << 4);
    let a = f64x2.splat(0);
    for (let p = 0; p < P; p++) a = f64x2.add(a, f64x2.mul(V(wt, p), V(row, p)));
    store<f64>(g + (<usize>j << 3), hsum(a) / W);
  }
  for (let p = 0; p < P; p++) store<i32>(rows + (<usize>p << 2), p);
  compact(xt, P, d, wt, g, rows, P, dbuf, abuf, 0, false, false);
  memory.fill(T, 0, <usize>(d * d) << 3);
  syrkUpper(abuf, dbuf, P, d, T);
  return W;
}

/** f64 a pair block's cache of tiedBlock's first term takes (W, g, T). */
// @ts-ignore: decorator
@inline function tiedCacheStride(d: i32): i32 { return 1 + d + d * d; }

/** The cache of the block that starts at row r0 (blocks of B rows) in a chunk's caches at
 *  tied (tiedCacheSize), or 0 where the chunk keeps none. */
// @ts-ignore: decorator
@inline export function tiedCacheAt(tied: usize, r0: i32, B: i32, d: i32): usize {
  return tied ? tied + (<usize>(r0 / B * tiedCacheStride(d)) << 3) : 0;
}

/** f64 the caches of every block of n rows take (emPass's tied; the wrapper fills them with
 *  NaN, "not computed yet", whenever the rows change). */
export function tiedCacheSize(n: i32, d: i32, B: i32): i32 {
  return (n + B - 1) / B * tiedCacheStride(d);
}

/** Tied statistics of a pair block (EM pass: lists, fac and the pair weights wt) through the
 *  block's total scatter about its weighted mean g, one rank-1 term per row instead of one
 *  per (row, kept component):
 *
 *    T = Σₙ wₙ (xₙ − g)(xₙ − g)ᵀ            (Σₖ rₙₖ = wₙ: the responsibilities are normalised)
 *    Σₖ Σₙ rₙₖ (xₙ − cₖ)(xₙ − cₖ)ᵀ = T − Σₖ [mₖ δₖδₖᵀ + δₖsₖᵀ + sₖδₖᵀ],   δₖ = cₖ − g,
 *
 *  with mₖ = Σₙ rₙₖ and sₖ = Σₙ rₙₖ (xₙ − cₖ) (the mass and sums, computed as before). The
 *  subtraction cancels where the block's components lie far apart compared with their
 *  spread; a block whose tied scatter keeps less than TIED_KEEP of a diagonal entry of T
 *  (or has no weight) is summed per component instead. Either way the result depends on
 *  the block's rows and the parameters only, so on no split of the data. rows: room for
 *  2P + 1 i32 (componentScatter's re-paired rows; first, the list of every pair). cache:
 *  the block's W, g and T from an earlier pass (NaN first: not yet computed), or 0. */
export function tiedBlock(xt: usize, P: i32, d: i32, K: i32, resp: usize, shift: usize, stats: usize,
  dbuf: usize, abuf: usize, fac: usize, lists: usize, wt: usize, work: usize, rows: usize, cache: usize): void {
  // work (scratch.ts sTied): mₖ (K), sₖ (K·d), g (d), T (d·d)
  const mloc = work, sloc = work + (<usize>K << 3);
  const g = sloc + (<usize>(K * d) << 3), T = g + (<usize>d << 3);
  memory.fill(sloc, 0, <usize>(K * d) << 3);
  for (let k = 0; k < K; k++) {
    const R = resp + (<usize>(k * P) << 4);
    const c = shift + (<usize>(k * d) << 3);
    const idx = lists + (<usize>(k * P) << 2);
    const n = load<i32>(lists + (<usize>(K * P + k) << 2));
    // the mass in the first pass of the sums
    store<f64>(mloc + (<usize>k << 3), featureSums4(xt, P, d, 0, R, c, idx, n, sloc + (<usize>(k * d) << 3), true, fac));
    for (let i = 4; i < d; i += 4) featureSums4(xt, P, d, i, R, c, idx, n, sloc + (<usize>(k * d) << 3));
  }
  // W, g and T depend on the block's rows and weights only: where the shard keeps them
  // (cache, filled by the fit's first pass), read, else computed (the same bits either way)
  let W: f64;
  if (cache && load<f64>(cache) == load<f64>(cache)) {
    W = load<f64>(cache);
    memory.copy(g, cache + 8, <usize>(d + d * d) << 3);
  } else {
    W = blockTotal(xt, P, d, wt, g, T, dbuf, abuf, rows);
    if (cache) {
      store<f64>(cache, W);
      memory.copy(cache + 8, g, <usize>(d + d * d) << 3);
    }
  }
  let ok = W > 0;
  if (ok) {
    // T − Σₖ [mₖ δₖδₖᵀ + δₖsₖᵀ + sₖδₖᵀ] on the upper triangle, diagonal first (the guard)
    for (let j = 0; j < d && ok; j++) {
      const tj = T + (<usize>(j * d + j) << 3);
      const t = load<f64>(tj);
      let corr: f64 = 0;
      for (let k = 0; k < K; k++) {
        const dj = load<f64>(shift + (<usize>(k * d + j) << 3)) - load<f64>(g + (<usize>j << 3));
        const sj = load<f64>(sloc + (<usize>(k * d + j) << 3));
        corr += load<f64>(mloc + (<usize>k << 3)) * dj * dj + 2.0 * dj * sj;
      }
      const v = t - corr;
      store<f64>(tj, v);
      ok = v > TIED_KEEP * t; // false for NaN
    }
  }
  const mass = massPtr(stats), sum = sumPtr(stats, K), scat = scatterPtr(stats, K, d);
  for (let k = 0; k < K; k++) addTo(mass + (<usize>k << 3), load<f64>(mloc + (<usize>k << 3)));
  addInto(sum, sloc, K * d);
  if (!ok) {
    for (let k = 0; k < K; k++) {
      const n = load<i32>(lists + (<usize>(K * P + k) << 2));
      if (n > 0) componentScatter(xt, P, d, resp + (<usize>(k * P) << 4), shift + (<usize>(k * d) << 3),
        lists + (<usize>(k * P) << 2), n, dbuf, abuf, scat, 0, false, rows);
    }
    return;
  }
  for (let i = 0; i < d; i++) {
    const gi = load<f64>(g + (<usize>i << 3));
    for (let j = i + 1; j < d; j++) {
      const gj = load<f64>(g + (<usize>j << 3));
      let corr: f64 = 0;
      for (let k = 0; k < K; k++) {
        const di = load<f64>(shift + (<usize>(k * d + i) << 3)) - gi;
        const dj = load<f64>(shift + (<usize>(k * d + j) << 3)) - gj;
        corr += load<f64>(mloc + (<usize>k << 3)) * di * dj + di * load<f64>(sloc + (<usize>(k * d + j) << 3))
          + load<f64>(sloc + (<usize>(k * d + i) << 3)) * dj;
      }
      const tij = T + (<usize>(i * d + j) << 3);
      store<f64>(tij, load<f64>(tij) - corr);
    }
    for (let j = i; j < d; j++) addTo(scat + (<usize>(i * d + j) << 3), load<f64>(T + (<usize>(i * d + j) << 3)));
  }
}
