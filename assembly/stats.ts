// Sufficient statistics of one EM pass, a flat f64 block that adds up across row ranges:
//
//   [0] Σ w·lse   [1] Σ w   [2] min lse   [3] row of min lse     (header, HEADER f64)
//   mass    K        Σₙ wₙ rₙₖ
//   sum     K·d      Σₙ wₙ rₙₖ (xₙ − cₖ)
//   scatter         Σₙ wₙ rₙₖ (xₙ − cₖ)(xₙ − cₖ)ᵀ   about the shift c (the current means):
//                   full K·d·d (upper triangle), tied d·d (summed over k, upper triangle),
//                   diag and spherical K·d (the diagonal only)
//
// Two blocks with the same shift add elementwise (except the min/argmin pair).

import { FULL, TIED } from './types';

export const HEADER: i32 = 4;

export function scatterSize(type: i32, K: i32, d: i32): i32 {
  if (type == FULL) return K * d * d;
  if (type == TIED) return d * d;
  return K * d;
}

/** Length in f64 of the statistics block. */
export function statsSize(type: i32, K: i32, d: i32): i32 {
  return HEADER + K + K * d + scatterSize(type, K, d);
}

export function statsReset(stats: usize, type: i32, K: i32, d: i32): void {
  memory.fill(stats, 0, <usize>statsSize(type, K, d) << 3);
  store<f64>(stats, Infinity, 16);
  store<f64>(stats, -1.0, 24);
}

// @ts-ignore: decorator
@inline export function massPtr(stats: usize): usize { return stats + (<usize>HEADER << 3); }
// @ts-ignore: decorator
@inline export function sumPtr(stats: usize, K: i32): usize { return stats + (<usize>(HEADER + K) << 3); }
// @ts-ignore: decorator
@inline export function scatterPtr(stats: usize, K: i32, d: i32): usize { return stats + (<usize>(HEADER + K + K * d) << 3); }

/** Scalar accumulation of the statistics for rows [r0, r0+rows) given weighted
 *  responsibilities resp (rows×K, already multiplied by the sample weight). tmp: d f64. */
export function accumulateScalar(
  x: usize, r0: i32, rows: i32, d: i32, K: i32, type: i32,
  resp: usize, shift: usize, stats: usize, tmp: usize
): void {
  const mass = massPtr(stats);
  const sum = sumPtr(stats, K);
  const scat = scatterPtr(stats, K, d);
  for (let k = 0; k < K; k++) {
    const c = shift + (<usize>(k * d) << 3);
    const sk = sum + (<usize>(k * d) << 3);
    const Sk = type == FULL ? scat + (<usize>(k * d * d) << 3)
      : type == TIED ? scat : scat + (<usize>(k * d) << 3);
    let m: f64 = 0;
    for (let r = 0; r < rows; r++) {
      const a = load<f64>(resp + (<usize>(r * K + k) << 3));
      if (a == 0.0) continue;
      m += a;
      const xr = x + (<usize>((r0 + r) * d) << 3);
      for (let i = 0; i < d; i++) {
        const t = load<f64>(xr + (<usize>i << 3)) - load<f64>(c + (<usize>i << 3));
        store<f64>(tmp + (<usize>i << 3), t);
        store<f64>(sk + (<usize>i << 3), load<f64>(sk + (<usize>i << 3)) + a * t);
      }
      if (type == FULL || type == TIED) {
        for (let i = 0; i < d; i++) {
          const ai = a * load<f64>(tmp + (<usize>i << 3));
          const row = Sk + (<usize>(i * d) << 3);
          for (let j = i; j < d; j++) {
            const p = row + (<usize>j << 3);
            store<f64>(p, load<f64>(p) + ai * load<f64>(tmp + (<usize>j << 3)));
          }
        }
      } else {
        for (let i = 0; i < d; i++) {
          const t = load<f64>(tmp + (<usize>i << 3));
          const p = Sk + (<usize>i << 3);
          store<f64>(p, load<f64>(p) + a * t * t);
        }
      }
    }
    store<f64>(mass + (<usize>k << 3), load<f64>(mass + (<usize>k << 3)) + m);
  }
}
