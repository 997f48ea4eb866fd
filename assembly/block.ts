// A block of rows in "pair" layout for the SIMD kernels: two rows per f64x2 lane pair.
//
//   xt[i·P + p] = (x[r0+2p][i], x[r0+2p+1][i])   i < d, p < P = ⌈rows/2⌉     (v128 each)
//   wt[p]       = (w[r0+2p], w[r0+2p+1])          weights; 0 for the padding lane
//
// An odd block repeats its last row in the padding lane, with weight 0, so every kernel can
// work on whole pairs and the padding contributes nothing.

/** Transposes rows [r0, r0+rows) of x (row-major n×d) into xt; fills wt from w (or ones).
 *  Returns P. */
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
    const wa: f64 = w ? load<f64>(w + (<usize>(r0 + ra) << 3)) : 1.0;
    const wb: f64 = ra + 1 < rows ? (w ? load<f64>(w + (<usize>(r0 + rb) << 3)) : 1.0) : 0.0;
    store<f64>(wt + (<usize>p << 4), wa);
    store<f64>(wt + (<usize>p << 4), wb, 8);
  }
  return P;
}
