// Cholesky factors and precision Cholesky factors, row-major d×d.
//
//   Σ = L Lᵀ (L lower),  U = L⁻ᵀ (upper),  Σ⁻¹ = U Uᵀ,  log|Σ⁻¹|^½ = Σᵢ log Uᵢᵢ
//
// U is what scikit-learn calls `precisions_cholesky_`. Only triangular solves are used:
// never a general inverse or a determinant.

import { FULL, TIED, DIAG, LOG_2PI } from './types';

// @ts-ignore: decorator
@inline function at(p: usize, i: i32, j: i32, d: i32): usize {
  return p + ((<usize>(i * d + j)) << 3);
}

/** In-place lower Cholesky of the row-major SPD matrix at a (upper triangle zeroed).
 *  Returns false when a pivot is not positive and finite (matrix not positive definite). */
export function choleskyLower(a: usize, d: i32): bool {
  for (let j = 0; j < d; j++) {
    let s = load<f64>(at(a, j, j, d));
    for (let k = 0; k < j; k++) {
      const l = load<f64>(at(a, j, k, d));
      s -= l * l;
    }
    if (!(s > 0.0) || !(s < Infinity)) return false;
    const ljj = Math.sqrt(s);
    store<f64>(at(a, j, j, d), ljj);
    const inv = 1.0 / ljj;
    // four rows at a time: four independent chains (each row's sum in the same order)
    const lj = at(a, j, 0, d), step = <usize>d << 3;
    let i = j + 1;
    for (; i + 4 <= d; i += 4) {
      const r0 = at(a, i, 0, d), r1 = r0 + step, r2 = r1 + step, r3 = r2 + step;
      let t0 = load<f64>(r0 + (<usize>j << 3)), t1 = load<f64>(r1 + (<usize>j << 3));
      let t2 = load<f64>(r2 + (<usize>j << 3)), t3 = load<f64>(r3 + (<usize>j << 3));
      for (let k = 0; k < j; k++) {
        const o = <usize>k << 3;
        const l = load<f64>(lj + o);
        t0 -= load<f64>(r0 + o) * l;
        t1 -= load<f64>(r1 + o) * l;
        t2 -= load<f64>(r2 + o) * l;
        t3 -= load<f64>(r3 + o) * l;
      }
      store<f64>(r0 + (<usize>j << 3), t0 * inv);
      store<f64>(r1 + (<usize>j << 3), t1 * inv);
      store<f64>(r2 + (<usize>j << 3), t2 * inv);
      store<f64>(r3 + (<usize>j << 3), t3 * inv);
    }
    for (; i < d; i++) {
      let t = load<f64>(at(a, i, j, d));
      for (let k = 0; k < j; k++) t -= load<f64>(at(a, i, k, d)) * load<f64>(at(a, j, k, d));
      store<f64>(at(a, i, j, d), t * inv);
    }
    for (let i = 0; i < j; i++) store<f64>(at(a, i, j, d), 0.0);
  }
  return true;
}

/** u ← (L⁻¹)ᵀ for lower-triangular L at l (u may not alias l). Forward substitution
 *  column by column of the identity. */
function invLowerTransposed(l: usize, u: usize, d: i32): void {
  let c = 0;
  for (; c + 4 <= d; c += 4) invFourColumns(l, u, d, c);
  for (; c < d; c++) {
    // solve L v = e_c; v_i = 0 for i < c. Store v as row c of U (U = Vᵀ … column c of V).
    for (let i = 0; i < c; i++) store<f64>(at(u, c, i, d), 0.0);
    for (let i = c; i < d; i++) {
      let s: f64 = i == c ? 1.0 : 0.0;
      for (let k = c; k < i; k++) s -= load<f64>(at(l, i, k, d)) * load<f64>(at(u, c, k, d));
      store<f64>(at(u, c, i, d), s / load<f64>(at(l, i, i, d)));
    }
  }
  // u currently holds V row-major by "row c = column c of L⁻¹", i.e. u[c][i] = (L⁻¹)[i][c]:
  // that is exactly U = (L⁻¹)ᵀ, upper triangular.
}

/** invLowerTransposed's rows c … c + 3 of U (columns of L⁻¹), solved together: four
 *  independent chains where one column alone is a chain of dependent subtractions. Each
 *  entry gets the terms k = c + m … i − 1 in increasing order, as the one-column loop
 *  gives them (the same bits): first the terms only the earlier columns have, then those
 *  all four share. */
function invFourColumns(l: usize, u: usize, d: i32, c: i32): void {
  const u0 = at(u, c, 0, d), step = <usize>d << 3;
  const u1 = u0 + step, u2 = u1 + step, u3 = u2 + step;
  for (let m = 0; m < 4; m++) for (let i = 0; i < c + m; i++) store<f64>(at(u, c + m, i, d), 0.0);
  // rows c … c + 2: the columns that have started, one at a time
  for (let i = c; i < c + 3; i++) {
    for (let cc = c; cc <= i; cc++) {
      let s: f64 = i == cc ? 1.0 : 0.0;
      for (let k = cc; k < i; k++) s -= load<f64>(at(l, i, k, d)) * load<f64>(at(u, cc, k, d));
      store<f64>(at(u, cc, i, d), s / load<f64>(at(l, i, i, d)));
    }
  }
  for (let i = c + 3; i < d; i++) {
    const li = at(l, i, 0, d);
    const o0 = <usize>c << 3, o1 = o0 + 8, o2 = o1 + 8;
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = i == c + 3 ? 1.0 : 0.0;
    s0 -= load<f64>(li + o0) * load<f64>(u0 + o0);
    s0 -= load<f64>(li + o1) * load<f64>(u0 + o1);
    s1 -= load<f64>(li + o1) * load<f64>(u1 + o1);
    s0 -= load<f64>(li + o2) * load<f64>(u0 + o2);
    s1 -= load<f64>(li + o2) * load<f64>(u1 + o2);
    s2 -= load<f64>(li + o2) * load<f64>(u2 + o2);
    for (let k = c + 3; k < i; k++) {
      const o = <usize>k << 3;
      const lk = load<f64>(li + o);
      s0 -= lk * load<f64>(u0 + o);
      s1 -= lk * load<f64>(u1 + o);
      s2 -= lk * load<f64>(u2 + o);
      s3 -= lk * load<f64>(u3 + o);
    }
    const o = <usize>i << 3, lii = load<f64>(li + o);
    store<f64>(u0 + o, s0 / lii);
    store<f64>(u1 + o, s1 / lii);
    store<f64>(u2 + o, s2 / lii);
    store<f64>(u3 + o, s3 / lii);
  }
}

/** For the covariances of a type (full: K of d×d; tied: one d×d; diag: K·d variances;
 *  spherical: K) write the precision Cholesky factors to out, using tmp (d·d f64).
 *  Returns the index of the first matrix that is not positive definite, or -1. */
export function precisionCholesky(cov: usize, out: usize, tmp: usize, type: i32, K: i32, d: i32): i32 {
  if (type == FULL || type == TIED) {
    const count = type == FULL ? K : 1;
    const dd = <usize>(d * d) << 3;
    for (let k = 0; k < count; k++) {
      memory.copy(tmp, cov + <usize>k * dd, dd);
      if (!choleskyLower(tmp, d)) return k;
      invLowerTransposed(tmp, out + <usize>k * dd, d);
    }
    return -1;
  }
  const n = type == DIAG ? K * d : K;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(cov + (<usize>i << 3));
    if (!(v > 0.0) || !(v < Infinity)) return type == DIAG ? i / d : i;
    store<f64>(out + (<usize>i << 3), 1.0 / Math.sqrt(v));
  }
  return -1;
}

/** From precision matrices P (scikit-learn's `precisions_init` layout) compute the upper
 *  factor U with P = U Uᵀ and the covariance Σ = U⁻ᵀ U⁻¹, without forming a general inverse:
 *  U is the "reversed" Cholesky factor J·chol(J P J)·J (J the exchange matrix).
 *  Returns the first index that is not positive definite, or -1. tmp: d·d f64. */
export function fromPrecisions(prec: usize, covOut: usize, cholOut: usize, tmp: usize, type: i32, K: i32, d: i32): i32 {
  if (type == FULL || type == TIED) {
    const count = type == FULL ? K : 1;
    const dd = <usize>(d * d) << 3;
    for (let k = 0; k < count; k++) {
      const p = prec + <usize>k * dd;
      const u = cholOut + <usize>k * dd;
      const c = covOut + <usize>k * dd;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++)
        store<f64>(at(tmp, i, j, d), load<f64>(at(p, d - 1 - i, d - 1 - j, d)));
      if (!choleskyLower(tmp, d)) return k;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++)
        store<f64>(at(u, i, j, d), load<f64>(at(tmp, d - 1 - i, d - 1 - j, d)));
      // W = U⁻¹ (upper) by back substitution into tmp; P = U Uᵀ ⇒ Σ = U⁻ᵀ U⁻¹ = Wᵀ W.
      for (let col = 0; col < d; col++) {
        for (let i = d - 1; i >= 0; i--) {
          let s: f64 = i == col ? 1.0 : 0.0;
          for (let m = i + 1; m < d; m++) s -= load<f64>(at(u, i, m, d)) * load<f64>(at(tmp, m, col, d));
          store<f64>(at(tmp, i, col, d), i > col ? 0.0 : s / load<f64>(at(u, i, i, d)));
        }
      }
      for (let i = 0; i < d; i++) {
        for (let j = i; j < d; j++) {
          let s: f64 = 0;
          for (let m = 0; m <= min(i, j); m++) s += load<f64>(at(tmp, m, i, d)) * load<f64>(at(tmp, m, j, d));
          store<f64>(at(c, i, j, d), s);
          store<f64>(at(c, j, i, d), s);
        }
      }
    }
    return -1;
  }
  const n = type == DIAG ? K * d : K;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(prec + (<usize>i << 3));
    if (!(v > 0.0) || !(v < Infinity)) return type == DIAG ? i / d : i;
    store<f64>(cholOut + (<usize>i << 3), Math.sqrt(v));
    store<f64>(covOut + (<usize>i << 3), 1.0 / v);
  }
  return -1;
}

/** The precision matrices from their upper factors (scikit-learn's `precisions_`):
 *    full, tied: Pₖ = Uₖ Uₖᵀ (d×d each, symmetric, both triangles written);
 *    diag, spherical: p = u² elementwise (K·d or K).
 *  Shapes as precisionCholesky's. Pᵢⱼ sums Uᵢₘ Uⱼₘ over m ≥ max(i, j), in increasing m, and
 *  Pⱼᵢ is the same sum, so the result is exactly symmetric. */
export function precisionsFromCholesky(chol: usize, out: usize, type: i32, K: i32, d: i32): void {
  if (type == FULL || type == TIED) {
    const count = type == FULL ? K : 1;
    const dd = <usize>(d * d) << 3;
    for (let k = 0; k < count; k++) {
      const u = chol + <usize>k * dd, p = out + <usize>k * dd;
      for (let i = 0; i < d; i++) {
        for (let j = i; j < d; j++) {
          let s: f64 = 0;
          for (let m = j; m < d; m++) s += load<f64>(at(u, i, m, d)) * load<f64>(at(u, j, m, d));
          store<f64>(at(p, i, j, d), s);
          store<f64>(at(p, j, i, d), s);
        }
      }
    }
    return;
  }
  const n = type == DIAG ? K * d : K;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(chol + (<usize>i << 3));
    store<f64>(out + (<usize>i << 3), v * v);
  }
}

/** logConst[k] = log wₖ + Σ log Uᵢᵢ − ½ d log 2π : the per-component constant of
 *  log wₖ N(x | μₖ, Σₖ), computed once per iteration. */
export function logConstants(weights: usize, chol: usize, out: usize, type: i32, K: i32, d: i32): void {
  let tiedLogDet: f64 = 0;
  if (type == TIED) for (let i = 0; i < d; i++) tiedLogDet += Math.log(load<f64>(at(chol, i, i, d)));
  for (let k = 0; k < K; k++) {
    let ld: f64 = 0;
    if (type == FULL) {
      const u = chol + (<usize>(k * d * d) << 3);
      for (let i = 0; i < d; i++) ld += Math.log(load<f64>(at(u, i, i, d)));
    } else if (type == TIED) {
      ld = tiedLogDet;
    } else if (type == DIAG) {
      for (let i = 0; i < d; i++) ld += Math.log(load<f64>(chol + (<usize>(k * d + i) << 3)));
    } else {
      ld = <f64>d * Math.log(load<f64>(chol + (<usize>k << 3)));
    }
    store<f64>(out + (<usize>k << 3), Math.log(load<f64>(weights + (<usize>k << 3))) + ld - 0.5 * <f64>d * LOG_2PI);
  }
}
