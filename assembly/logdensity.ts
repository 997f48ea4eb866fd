// Weighted log-densities of rows under every component (scalar reference path).
//
//   lp[r, k] = logConst[k] − ½ ‖(xᵣ − μₖ)ᵀ Uₖ‖²      x: rows×d, μ: K×d, lp: rows×K
//
// full: Uₖ upper d×d per component; tied: one U; diag: per-feature precision sd⁻¹ (K×d);
// spherical: one per component (K).

import { FULL, TIED, DIAG } from './types';

export function logProbScalar(
  x: usize, r0: i32, rows: i32, d: i32, K: i32, type: i32,
  means: usize, chol: usize, logConst: usize, lp: usize, tmp: usize
): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>((r0 + r) * d) << 3);
    for (let k = 0; k < K; k++) {
      const mu = means + (<usize>(k * d) << 3);
      let q: f64 = 0;
      if (type == FULL || type == TIED) {
        const u = type == FULL ? chol + (<usize>(k * d * d) << 3) : chol;
        for (let i = 0; i < d; i++)
          store<f64>(tmp + (<usize>i << 3), load<f64>(xr + (<usize>i << 3)) - load<f64>(mu + (<usize>i << 3)));
        for (let j = 0; j < d; j++) {
          let y: f64 = 0;
          for (let i = 0; i <= j; i++)
            y += load<f64>(tmp + (<usize>i << 3)) * load<f64>(u + (<usize>(i * d + j) << 3));
          q += y * y;
        }
      } else if (type == DIAG) {
        const p = chol + (<usize>(k * d) << 3);
        for (let i = 0; i < d; i++) {
          const y = (load<f64>(xr + (<usize>i << 3)) - load<f64>(mu + (<usize>i << 3))) * load<f64>(p + (<usize>i << 3));
          q += y * y;
        }
      } else {
        const p = load<f64>(chol + (<usize>k << 3));
        for (let i = 0; i < d; i++) {
          const y = (load<f64>(xr + (<usize>i << 3)) - load<f64>(mu + (<usize>i << 3))) * p;
          q += y * y;
        }
      }
      store<f64>(lp + (<usize>(r * K + k) << 3), load<f64>(logConst + (<usize>k << 3)) - 0.5 * q);
    }
  }
}
