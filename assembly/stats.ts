// Sufficient statistics of one EM pass, a flat f64 block that adds up across row ranges:
//
//   [0] Σ w·lse   [1] Σ w                                          (header, HEADER f64)
//   mass    K        Σₙ wₙ rₙₖ
//   sum     K·d      Σₙ wₙ rₙₖ (xₙ − cₖ)
//   scatter         Σₙ wₙ rₙₖ (xₙ − cₖ)(xₙ − cₖ)ᵀ   about the shift c (the current means):
//                   full K·d·d (upper triangle), tied d·d (summed over k, upper triangle),
//                   diag K·d (the diagonal only), spherical K (the trace only)
//
// Two blocks with the same shift add elementwise. The kernels that fill it: accumulate.ts
// (one block of rows, by covariance type), with scatter.ts (full, tied) and sums.ts (the
// per-feature passes: diag, spherical, the masses).

import { FULL, TIED, DIAG } from './types';

export const HEADER: i32 = 2;

export function scatterSize(type: i32, K: i32, d: i32): i32 {
  if (type == FULL) return K * d * d;
  if (type == TIED) return d * d;
  if (type == DIAG) return K * d;
  return K;
}

/** Length in f64 of the statistics block. */
export function statsSize(type: i32, K: i32, d: i32): i32 {
  return HEADER + K + K * d + scatterSize(type, K, d);
}

export function statsReset(stats: usize, type: i32, K: i32, d: i32): void {
  memory.fill(stats, 0, <usize>statsSize(type, K, d) << 3);
}

// @ts-ignore: decorator
@inline export function massPtr(stats: usize): usize { return stats + (<usize>HEADER << 3); }
// @ts-ignore: decorator
@inline export function sumPtr(stats: usize, K: i32): usize { return stats + (<usize>(HEADER + K) << 3); }
// @ts-ignore: decorator
@inline export function scatterPtr(stats: usize, K: i32, d: i32): usize { return stats + (<usize>(HEADER + K + K * d) << 3); }

/** dst += src elementwise over n f64 (combining the statistics of two row ranges: the
 *  wrapper adds them in a fixed tree over chunk indices, src/fit/tree.ts). */
export function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 3;
    v128.store(dst + o, f64x2.add(v128.load(dst + o), v128.load(src + o)));
  }
  if (i < n) store<f64>(dst + (<usize>i << 3), load<f64>(dst + (<usize>i << 3)) + load<f64>(src + (<usize>i << 3)));
}
