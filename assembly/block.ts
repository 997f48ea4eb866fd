// A block of rows in "pair" layout for the SIMD kernels: two rows per f64x2 lane pair.
//
//   xt[i·P + p] = (x[r0+2p][i], x[r0+2p+1][i])   i < d, p < P = ⌈rows/2⌉     (v128 each)
//   wt[p]       = (w[r0+2p], w[r0+2p+1])          weights; 0 for the padding lane
//
// An odd block repeats its last row in the padding lane, with weight 0, so every kernel can
// work on whole pairs and the padding contributes nothing.

// Two-lane helpers shared by the kernels that read pair blocks.

/** The v128 at index idx (16-byte units) from p. */
// @ts-ignore: decorator
@inline export function V(p: usize, idx: i32): v128 { return v128.load(p + (<usize>idx << 4)); }

/** The f64 at index idx from p, in both lanes. */
// @ts-ignore: decorator
@inline export function splatAt(p: usize, idx: i32): v128 { return v128.load64_splat(p + (<usize>idx << 3)); }

/** The sum of the two lanes (the two rows of a pair). */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f64 { return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1); }

/** w·v per lane, but 0 where w is 0 even when v overflowed or is −∞ (0·∞ would be NaN). */
// @ts-ignore: decorator
@inline export function wmul(w: v128, v: v128): v128 {
  return v128.and(f64x2.mul(w, v), f64x2.ne(w, f64x2.splat(0)));
}

/** Squared distances of the rows of four consecutive pairs to the point c (d f64), into out
 *  (4 v128): row0 is the first pair's feature 0, step the bytes from one feature's row of
 *  the block to the next. Four independent sums, so the adds overlap; one pointer with
 *  constant offsets and c's stepped, so V8 spends few integer instructions on the addresses. */
// @ts-ignore: decorator
@inline export function sqDist4(row0: usize, step: usize, d: i32, c: usize, out: usize): void {
  let q0 = f64x2.splat(0), q1 = q0, q2 = q0, q3 = q0;
  const cEnd = c + (<usize>d << 3);
  for (let row = row0, ci = c; ci < cEnd; row += step, ci += 8) {
    const m = v128.load64_splat(ci);
    const t0 = f64x2.sub(v128.load(row), m);
    const t1 = f64x2.sub(v128.load(row, 16), m);
    const t2 = f64x2.sub(v128.load(row, 32), m);
    const t3 = f64x2.sub(v128.load(row, 48), m);
    q0 = f64x2.add(q0, f64x2.mul(t0, t0));
    q1 = f64x2.add(q1, f64x2.mul(t1, t1));
    q2 = f64x2.add(q2, f64x2.mul(t2, t2));
    q3 = f64x2.add(q3, f64x2.mul(t3, t3));
  }
  v128.store(out, q0);
  v128.store(out, q1, 16);
  v128.store(out, q2, 32);
  v128.store(out, q3, 48);
}

/** sqDist4 for pairs p..p+3 of block xt (P pairs); past the block's last pair, its
 *  distances again (each pair alone, with the same sums). */
// @ts-ignore: decorator
@inline export function dist2x4(xt: usize, P: i32, p: i32, d: i32, c: usize, out: usize): void {
  const step = <usize>P << 4;
  if (p + 3 < P) {
    sqDist4(xt + (<usize>p << 4), step, d, c, out);
    return;
  }
  for (let t = 0; t < 4; t++) {
    let q = f64x2.splat(0);
    let row = xt + (<usize>min(p + t, P - 1) << 4);
    for (let i = 0; i < d; i++, row += step) {
      const v = f64x2.sub(v128.load(row), v128.load64_splat(c + (<usize>i << 3)));
      q = f64x2.add(q, f64x2.mul(v, v));
    }
    v128.store(out + (<usize>t << 4), q);
  }
}

/** Transposes rows [r0, r0+rows) of x (row-major n×d) into xt; fills wt from w (or ones,
 *  when wt is not 0). Returns P. */
export function toPairs(x: usize, w: usize, r0: i32, rows: i32, d: i32, xt: usize, wt: usize): i32 {
  assert(rows > 0 && d > 0, 'toPairs: empty block');
  const P = (rows + 1) >> 1;
  for (let p = 0; p < P; p++) {
    const ra = 2 * p;
    const rb = ra + 1 < rows ? ra + 1 : ra;
    const xa = x + (<usize>((r0 + ra) * d) << 3);
    const xb = x + (<usize>((r0 + rb) * d) << 3);
    let i = 0;
    for (; i + 1 < d; i += 2) {
      // (aᵢ, aᵢ₊₁), (bᵢ, bᵢ₊₁) → (aᵢ, bᵢ), (aᵢ₊₁, bᵢ₊₁)
      const va = v128.load(xa + (<usize>i << 3));
      const vb = v128.load(xb + (<usize>i << 3));
      v128.store(xt + (<usize>(i * P + p) << 4), v128.shuffle<f64>(va, vb, 0, 2));
      v128.store(xt + (<usize>((i + 1) * P + p) << 4), v128.shuffle<f64>(va, vb, 1, 3));
    }
    if (i < d) {
      const dst = xt + (<usize>(i * P + p) << 4);
      store<f64>(dst, load<f64>(xa + (<usize>i << 3)));
      store<f64>(dst, load<f64>(xb + (<usize>i << 3)), 8);
    }
  }
  if (wt) weightPairs(w, r0, rows, wt);
  return P;
}

/** wt[p] = (w[r0+2p], w[r0+2p+1]), ones without w, 0 for the padding lane. */
// @ts-ignore: decorator
@inline function weightPair(w: usize, r0: i32, rows: i32, p: i32, wt: usize): void {
  const ra = 2 * p;
  store<f64>(wt + (<usize>p << 4), w ? load<f64>(w + (<usize>(r0 + ra) << 3)) : 1.0);
  store<f64>(wt + (<usize>p << 4), ra + 1 < rows ? (w ? load<f64>(w + (<usize>(r0 + ra + 1) << 3)) : 1.0) : 0.0, 8);
}

/** Weights of a block in pair layout (for data already in pair layout). Returns P. */
export function weightPairs(w: usize, r0: i32, rows: i32, wt: usize): i32 {
  const P = (rows + 1) >> 1;
  const whole = rows >> 1; // pairs with two real rows: one v128 each
  if (w) {
    const src = w + (<usize>r0 << 3);
    for (let p = 0; p < whole; p++) v128.store(wt + (<usize>p << 4), v128.load(src + (<usize>p << 4)));
  } else {
    const one = f64x2.splat(1.0);
    for (let p = 0; p < whole; p++) v128.store(wt + (<usize>p << 4), one);
  }
  if (whole < P) weightPair(w, r0, rows, whole, wt);
  return P;
}

/** Rewrites x (n×d, row-major) in place as consecutive pair blocks of B rows (B even), so
 *  an EM pass reads block r0 at x + r0·d without transposing every iteration. The last
 *  block, if odd, writes one padding row: x needs d f64 of room after its n·d. tmp: B·d. */
export function pairsInPlace(x: usize, n: i32, d: i32, B: i32, tmp: usize): void {
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const at = x + (<usize>(r0 * d) << 3);
    memory.copy(tmp, at, <usize>(rows * d) << 3);
    toPairs(tmp, 0, 0, rows, d, at, 0);
  }
}

/** Copies rows idx[0..count) (i32) of x in pair blocks of B rows to out (count×d). */
export function gatherRows(x: usize, n: i32, d: i32, B: i32, idx: usize, count: i32, out: usize): void {
  for (let c = 0; c < count; c++) {
    const r = load<i32>(idx + (<usize>c << 2));
    const r0 = r - r % B;
    const P = (min(B, n - r0) + 1) >> 1;
    // row r is lane r&1 of pair (r−r0)/2: feature i at f64 index (i·P + pair)·2 + lane
    const first = x + (<usize>(r0 * d + (r - r0)) << 3);
    for (let i = 0; i < d; i++)
      store<f64>(out + (<usize>(c * d + i) << 3), load<f64>(first + (<usize>(i * P) << 4)));
  }
}

/** Undoes pairsInPlace. tmp: B·d f64. */
export function rowsInPlace(x: usize, n: i32, d: i32, B: i32, tmp: usize): void {
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = min(B, n - r0);
    const P = (rows + 1) >> 1;
    const at = x + (<usize>(r0 * d) << 3);
    memory.copy(tmp, at, <usize>(2 * P * d) << 3);
    for (let r = 0; r < rows; r++)
      for (let i = 0; i < d; i++)
        store<f64>(at + (<usize>(r * d + i) << 3), load<f64>(tmp + (<usize>((i * P + (r >> 1)) * 2 + (r & 1)) << 3)));
  }
}
