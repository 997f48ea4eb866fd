// M-step from the sufficient statistics alone (see stats.ts for their layout).
//
//   nₖ = massₖ + 10·eps            wₖ = nₖ / Σ nₖ
//   δₖ = sumₖ / nₖ                 μₖ = cₖ + δₖ
//   Σₖ = (Sₖ − sumₖ δₖᵀ − δₖ sumₖᵀ + massₖ δₖ δₖᵀ) / nₖ + regCovar·I     (scatter moved from c to μ)
//   tied: Σ = Σₖ(…)/Σₖ nₖ + reg·I;  diag: the diagonal of Σₖ;  spherical: its trace / d.
//
// The 10·eps keeps an emptied component finite, as in scikit-learn: its covariance falls
// back to regCovar·I and its weight to 10·eps/Σnₖ. Its mean stays at the shift (the
// previous mean), where scikit-learn's Σrx/nₖ would jump to the origin. Returns the index
// of the first component whose covariance is not positive definite, or -1.

import { FULL, TIED, DIAG } from './types';
import { massPtr, sumPtr, scatterPtr } from './stats';
import { precisionCholesky } from './cholesky';

const TEN_EPS: f64 = 10.0 * 2.220446049250313e-16;

/** nₖ into nk, μₖ into means and Σₖ (with regCovar) into cov, as in the block above;
 *  returns Σ nₖ. Shared by the maximum-likelihood and the variational M-steps. */
export function moments(
  stats: usize, shift: usize, K: i32, d: i32, type: i32, regCovar: f64,
  nk: usize, means: usize, cov: usize, tmp: usize
): f64 {
  const mass = massPtr(stats);
  const sum = sumPtr(stats, K);
  const scat = scatterPtr(stats, K, d);
  let total: f64 = 0;
  for (let k = 0; k < K; k++) total += load<f64>(mass + (<usize>k << 3)) + TEN_EPS;
  if (type == TIED) memory.fill(cov, 0, <usize>(d * d) << 3);
  for (let k = 0; k < K; k++) {
    const mk = load<f64>(mass + (<usize>k << 3));
    const n = mk + TEN_EPS;
    store<f64>(nk + (<usize>k << 3), n);
    const sk = sum + (<usize>(k * d) << 3);
    const ck = shift + (<usize>(k * d) << 3);
    const muk = means + (<usize>(k * d) << 3);
    // δ in tmp[0..d)
    for (let i = 0; i < d; i++) {
      const delta = load<f64>(sk + (<usize>i << 3)) / n;
      store<f64>(tmp + (<usize>i << 3), delta);
      store<f64>(muk + (<usize>i << 3), load<f64>(ck + (<usize>i << 3)) + delta);
    }
    if (type == FULL || type == TIED) {
      const S = type == FULL ? scat + (<usize>(k * d * d) << 3) : 0;
      const C = type == FULL ? cov + (<usize>(k * d * d) << 3) : cov;
      for (let i = 0; i < d; i++) {
        const si = load<f64>(sk + (<usize>i << 3));
        const di = load<f64>(tmp + (<usize>i << 3));
        for (let j = i; j < d; j++) {
          const sj = load<f64>(sk + (<usize>j << 3));
          const dj = load<f64>(tmp + (<usize>j << 3));
          const corr = -si * dj - di * sj + mk * di * dj;
          const p = C + (<usize>(i * d + j) << 3);
          if (type == FULL) store<f64>(p, (load<f64>(S + (<usize>(i * d + j) << 3)) + corr) / n);
          else store<f64>(p, load<f64>(p) + corr);
        }
      }
    } else if (type == DIAG) {
      const S = scat + (<usize>(k * d) << 3);
      for (let i = 0; i < d; i++) {
        const si = load<f64>(sk + (<usize>i << 3));
        const di = load<f64>(tmp + (<usize>i << 3));
        const v = (load<f64>(S + (<usize>i << 3)) - 2.0 * si * di + mk * di * di) / n;
        store<f64>(cov + (<usize>(k * d + i) << 3), v + regCovar);
      }
    } else {
      // spherical: the trace moved from c to μ, averaged over features
      let corr: f64 = 0;
      for (let i = 0; i < d; i++) {
        const si = load<f64>(sk + (<usize>i << 3));
        const di = load<f64>(tmp + (<usize>i << 3));
        corr += -2.0 * si * di + mk * di * di;
      }
      const v = (load<f64>(scat + (<usize>k << 3)) + corr) / n;
      store<f64>(cov + (<usize>k << 3), v / <f64>d + regCovar);
    }
  }
  if (type == FULL || type == TIED) {
    const count = type == FULL ? K : 1;
    for (let k = 0; k < count; k++) {
      const C = cov + (<usize>(k * d * d) << 3);
      for (let i = 0; i < d; i++) {
        for (let j = i; j < d; j++) {
          let v = load<f64>(C + (<usize>(i * d + j) << 3));
          if (type == TIED) v = (v + load<f64>(scat + (<usize>(i * d + j) << 3))) / total;
          if (i == j) v += regCovar;
          store<f64>(C + (<usize>(i * d + j) << 3), v);
          store<f64>(C + (<usize>(j * d + i) << 3), v);
        }
      }
    }
  }
  return total;
}

export function mStep(
  stats: usize, shift: usize, K: i32, d: i32, type: i32, regCovar: f64,
  weights: usize, means: usize, cov: usize, chol: usize, tmp: usize
): i32 {
  assert(K > 0 && d > 0 && regCovar >= 0, 'mStep: bad arguments');
  const total = moments(stats, shift, K, d, type, regCovar, weights, means, cov, tmp);
  for (let k = 0; k < K; k++) store<f64>(weights + (<usize>k << 3), load<f64>(weights + (<usize>k << 3)) / total);
  return precisionCholesky(cov, chol, tmp, type, K, d);
}
