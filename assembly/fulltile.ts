// The inner tile of the full log-density (logdensity.ts quadFull, fullCentred, prune.ts): 4 pairs
// (8 rows) × 2 columns of U per step, so 8 independent accumulators keep both the
// multiplier and the adder busy and each U entry is loaded once per 8 rows.
//
//   yⱼ = initⱼ + Σ_{i≤j} dᵢ Uᵢⱼ   q += yⱼ² + yⱼ₊₁²   for columns j = j0, j0 + 2, … < j1
//
// tile: 4·d' v128, tile[4i + t] = dᵢ of the tile's pair t: xᵢ − μᵢ, or xᵢ − gᵢ in the
// centred form (i < d' = the largest column j1 − 1, plus one); ut: Uᵀ (column j of U contiguous at ut + j·d). The columns go
// in pairs (j0 even) with a lone last one where j1 − j0 is odd, so a solve split at any
// even column adds the same terms in the same order as one whole solve, bit for bit.
// q: the 4 pairs' running sums, in QB (read at the start unless fresh, written at the end
// unless turned into log-densities); or, with ys, no sums: each yⱼ of the first n pairs is
// stored at ys + (j·S + t)·16 (tied's (x − g)ᵀU, logdensity.ts quadTied). init: each yⱼ's starting value, splat (d f64: the
// centred form's −bⱼ, logdensity.ts fullCentred), or 0 for yⱼ starting at 0.

/** A squared norm is NaN only when its terms overflowed to ∞ − ∞ (inputs are finite):
 *  the point is beyond double range from the mean, so its distance is +∞. */
// @ts-ignore: decorator
@inline export function nanToInf(q: v128): v128 {
  return v128.bitselect(q, f64x2.splat(Infinity), f64x2.eq(q, q));
}

/** The tile's four running sums (4 v128). */
export const QB: usize = memory.data(64, 16);

// @ts-ignore: decorator
@inline
export function tileColumns(tile: usize, ut: usize, d: i32, j0: i32, j1: i32, fresh: bool, out: usize, n: i32, cv: v128,
  init: usize = 0, ys: usize = 0, S: i32 = 0): void {
  // fresh: the sums start at 0 (not read from QB); out: 0, or where the n pairs'
  // log-densities logConst − ½q go (cv: logConst in both lanes)
  let q0 = f64x2.splat(0), q1 = q0, q2 = q0, q3 = q0;
  if (!fresh) {
    q0 = v128.load(QB); q1 = v128.load(QB, 16); q2 = v128.load(QB, 32); q3 = v128.load(QB, 48);
  }
  let j = j0;
  for (; j + 1 < j1; j += 2) {
    const c0 = ut + (<usize>(j * d) << 3);
    const c1 = c0 + (<usize>d << 3);
    let a0 = f64x2.splat(0), b0 = a0;
    if (init) {
      a0 = v128.load64_splat(init + (<usize>j << 3));
      b0 = v128.load64_splat(init + (<usize>(j + 1) << 3));
    }
    let a1 = a0, a2 = a0, a3 = a0, b1 = b0, b2 = b0, b3 = b0;
    // pointers stepped, not indices multiplied: fewer integer instructions per row i
    const stop = tile + (<usize>(4 * (j + 1)) << 4);
    for (let src = tile, p0 = c0, p1 = c1; src < stop; src += 64, p0 += 8, p1 += 8) {
      const d0 = v128.load(src), d1 = v128.load(src, 16), d2 = v128.load(src, 32), d3 = v128.load(src, 48);
      const u0 = v128.load64_splat(p0);
      const u1 = v128.load64_splat(p1);
      a0 = f64x2.add(a0, f64x2.mul(d0, u0));
      a1 = f64x2.add(a1, f64x2.mul(d1, u0));
      a2 = f64x2.add(a2, f64x2.mul(d2, u0));
      a3 = f64x2.add(a3, f64x2.mul(d3, u0));
      b0 = f64x2.add(b0, f64x2.mul(d0, u1));
      b1 = f64x2.add(b1, f64x2.mul(d1, u1));
      b2 = f64x2.add(b2, f64x2.mul(d2, u1));
      b3 = f64x2.add(b3, f64x2.mul(d3, u1));
    }
    const src = tile + (<usize>(4 * (j + 1)) << 4);
    const u1 = v128.load64_splat(c1 + (<usize>(j + 1) << 3));
    b0 = f64x2.add(b0, f64x2.mul(v128.load(src), u1));
    b1 = f64x2.add(b1, f64x2.mul(v128.load(src, 16), u1));
    b2 = f64x2.add(b2, f64x2.mul(v128.load(src, 32), u1));
    b3 = f64x2.add(b3, f64x2.mul(v128.load(src, 48), u1));
    if (ys) {
      storeY(ys, S, j, n, a0, a1, a2, a3);
      storeY(ys, S, j + 1, n, b0, b1, b2, b3);
      continue;
    }
    q0 = f64x2.add(q0, f64x2.add(f64x2.mul(a0, a0), f64x2.mul(b0, b0)));
    q1 = f64x2.add(q1, f64x2.add(f64x2.mul(a1, a1), f64x2.mul(b1, b1)));
    q2 = f64x2.add(q2, f64x2.add(f64x2.mul(a2, a2), f64x2.mul(b2, b2)));
    q3 = f64x2.add(q3, f64x2.add(f64x2.mul(a3, a3), f64x2.mul(b3, b3)));
  }
  if (j < j1) {
    const c0 = ut + (<usize>(j * d) << 3);
    let a0 = init ? v128.load64_splat(init + (<usize>j << 3)) : f64x2.splat(0);
    let a1 = a0, a2 = a0, a3 = a0;
    for (let i = 0; i <= j; i++) {
      const src = tile + (<usize>(4 * i) << 4);
      const u0 = v128.load64_splat(c0 + (<usize>i << 3));
      a0 = f64x2.add(a0, f64x2.mul(v128.load(src), u0));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(src, 16), u0));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(src, 32), u0));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(src, 48), u0));
    }
    if (ys) {
      storeY(ys, S, j, n, a0, a1, a2, a3);
      return;
    }
    q0 = f64x2.add(q0, f64x2.mul(a0, a0));
    q1 = f64x2.add(q1, f64x2.mul(a1, a1));
    q2 = f64x2.add(q2, f64x2.mul(a2, a2));
    q3 = f64x2.add(q3, f64x2.mul(a3, a3));
  }
  if (ys) return;
  if (out) {
    // the log-densities of the tile's first n pairs, straight from the registers
    const half = f64x2.splat(-0.5);
    v128.store(out, f64x2.add(cv, f64x2.mul(half, nanToInf(q0))));
    if (n > 1) v128.store(out, f64x2.add(cv, f64x2.mul(half, nanToInf(q1))), 16);
    if (n > 2) v128.store(out, f64x2.add(cv, f64x2.mul(half, nanToInf(q2))), 32);
    if (n > 3) v128.store(out, f64x2.add(cv, f64x2.mul(half, nanToInf(q3))), 48);
  } else {
    v128.store(QB, q0); v128.store(QB, q1, 16); v128.store(QB, q2, 32); v128.store(QB, q3, 48);
  }
}

/** Column j's yⱼ of the tile's first n pairs (y0 … y3) to ys + (j·S + t)·16. */
// @ts-ignore: decorator
@inline function storeY(ys: usize, S: i32, j: i32, n: i32, y0: v128, y1: v128, y2: v128, y3: v128): void {
  const at = ys + (<usize>(j * S) << 4);
  v128.store(at, y0);
  if (n > 1) v128.store(at, y1, 16);
  if (n > 2) v128.store(at, y2, 32);
  if (n > 3) v128.store(at, y3, 48);
}

/** tile[4i + t] ← xt[i·S + pₜ] − μᵢ for i0 ≤ i < i1, the four pairs at byte offsets o0…o3. */
// @ts-ignore: decorator
@inline
export function fillTile(tile: usize, xt: usize, S: i32, i0: i32, i1: i32, mu: usize, o0: usize, o1: usize, o2: usize, o3: usize): void {
  for (let i = i0; i < i1; i++) {
    const m = v128.load64_splat(mu + (<usize>i << 3));
    const row = xt + (<usize>(i * S) << 4);
    const dst = tile + (<usize>(4 * i) << 4);
    v128.store(dst, f64x2.sub(v128.load(row + o0), m));
    v128.store(dst, f64x2.sub(v128.load(row + o1), m), 16);
    v128.store(dst, f64x2.sub(v128.load(row + o2), m), 32);
    v128.store(dst, f64x2.sub(v128.load(row + o3), m), 48);
  }
}

/** fillTile for the four pairs p … p + 3 of a range of N, at byte offsets 16p … from xt: a
 *  short last group repeats pair N − 1 (its lanes are computed and never stored). */
// @ts-ignore: decorator
@inline export function fillTileAt(tile: usize, xt: usize, S: i32, i0: i32, i1: i32, mu: usize, p: i32, N: i32): void {
  const last = N - 1;
  fillTile(tile, xt, S, i0, i1, mu, <usize>p << 4, <usize>min(p + 1, last) << 4, <usize>min(p + 2, last) << 4,
    <usize>min(p + 3, last) << 4);
}
