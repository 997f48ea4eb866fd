// Sampling: component k with probability wₖ, then x = μₖ + Uₖ⁻ᵀ z with z ~ N(0, I)
// (Σ = U⁻ᵀU⁻¹, so U⁻ᵀ z has covariance Σ; Uᵀ is lower triangular: forward substitution).

import { FULL, TIED, DIAG } from './types';
import * as rng from './rng';

export function sample(n: i32, d: i32, K: i32, type: i32, weights: usize, means: usize, chol: usize,
  out: usize, labels: usize, z: usize): void {
  for (let s = 0; s < n; s++) {
    const u = rng.uniform();
    let acc: f64 = 0;
    let k = K - 1;
    for (let j = 0; j < K; j++) {
      acc += load<f64>(weights + (<usize>j << 3));
      if (u < acc) { k = j; break; }
    }
    store<i32>(labels + (<usize>s << 2), k);
    const mu = means + (<usize>(k * d) << 3);
    const xo = out + (<usize>(s * d) << 3);
    for (let i = 0; i < d; i++) store<f64>(z + (<usize>i << 3), rng.normal());
    if (type == FULL || type == TIED) {
      const U = type == FULL ? chol + (<usize>(k * d * d) << 3) : chol;
      // solve Uᵀ v = z in place: v_i = (z_i − Σ_{j<i} U[j][i] v_j) / U[i][i]
      for (let i = 0; i < d; i++) {
        let t = load<f64>(z + (<usize>i << 3));
        for (let j = 0; j < i; j++) t -= load<f64>(U + (<usize>(j * d + i) << 3)) * load<f64>(z + (<usize>j << 3));
        t /= load<f64>(U + (<usize>(i * d + i) << 3));
        store<f64>(z + (<usize>i << 3), t);
        store<f64>(xo + (<usize>i << 3), load<f64>(mu + (<usize>i << 3)) + t);
      }
    } else {
      for (let i = 0; i < d; i++) {
        const p = type == DIAG ? load<f64>(chol + (<usize>(k * d + i) << 3)) : load<f64>(chol + (<usize>k << 3));
        store<f64>(xo + (<usize>i << 3), load<f64>(mu + (<usize>i << 3)) + load<f64>(z + (<usize>i << 3)) / p);
      }
    }
  }
}
