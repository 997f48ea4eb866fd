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

/** In-place lower Cholesky of the row-major SPD matrix at a (upper triangle zeroed; only
 *  the lower triangle is read). Returns false when a pivot is not positive and finite
 *  (matrix not positive definite).
 *
 *    Lⱼⱼ = √(Aⱼⱼ − Σ_{k<j} Lⱼₖ²),   Lᵢⱼ = (Aᵢⱼ − Σ_{k<j} Lᵢₖ Lⱼₖ) / Lⱼⱼ   (i > j, sums in increasing k)
 *
 *  Column j's rows go two per lane pair, eight at a time: while it runs, the upper
 *  triangle mirrors L (a[k][i] = Lᵢₖ), so rows i, i + 1 of column k are one load. Each
 *  entry gets the same operations in the same order as the one-row loop, so the same bits. */
export function choleskyLower(a: usize, d: i32): bool {
  for (let j = 0; j < d; j++) {
    let s = load<f64>(at(a, j, j, d));
    for (let k = 0; k < j; k++) {
      const l = load<f64>(at(a, j, k, d));
      s -= l * l;
    }
    if (!(s > 0.0) || !(s < Infinity)) {
      zeroUpper(a, d);
      return false;
    }
    const ljj = Math.sqrt(s);
    store<f64>(at(a, j, j, d), ljj);
    const inv = 1.0 / ljj, iv = f64x2.splat(inv);
    const lj = at(a, j, 0, d), step = <usize>d << 3;
    let i = j + 1;
    for (; i + 8 <= d; i += 8) {
      let t0 = pairAt(a, i, j, d), t1 = pairAt(a, i + 2, j, d), t2 = pairAt(a, i + 4, j, d), t3 = pairAt(a, i + 6, j, d);
      let m = a + (<usize>i << 3); // mirror row k, columns i …
      for (let k = 0; k < j; k++, m += step) {
        const l = v128.load64_splat(lj + (<usize>k << 3));
        t0 = f64x2.sub(t0, f64x2.mul(v128.load(m), l));
        t1 = f64x2.sub(t1, f64x2.mul(v128.load(m, 16), l));
        t2 = f64x2.sub(t2, f64x2.mul(v128.load(m, 32), l));
        t3 = f64x2.sub(t3, f64x2.mul(v128.load(m, 48), l));
      }
      putPair(a, i, j, d, f64x2.mul(t0, iv));
      putPair(a, i + 2, j, d, f64x2.mul(t1, iv));
      putPair(a, i + 4, j, d, f64x2.mul(t2, iv));
      putPair(a, i + 6, j, d, f64x2.mul(t3, iv));
    }
    for (; i + 2 <= d; i += 2) {
      let t = pairAt(a, i, j, d);
      let m = a + (<usize>i << 3);
      for (let k = 0; k < j; k++, m += step) t = f64x2.sub(t, f64x2.mul(v128.load(m), v128.load64_splat(lj + (<usize>k << 3))));
      putPair(a, i, j, d, f64x2.mul(t, iv));
    }
    if (i < d) {
      let t = load<f64>(at(a, i, j, d));
      for (let k = 0; k < j; k++) t -= load<f64>(at(a, i, k, d)) * load<f64>(lj + (<usize>k << 3));
      store<f64>(at(a, i, j, d), t * inv);
      store<f64>(at(a, j, i, d), t * inv);
    }
  }
  zeroUpper(a, d);
  return true;
}

/** (a[i][j], a[i+1][j]): two rows of column j. */
// @ts-ignore: decorator
@inline function pairAt(a: usize, i: i32, j: i32, d: i32): v128 {
  return f64x2.replace_lane(f64x2.splat(load<f64>(at(a, i, j, d))), 1, load<f64>(at(a, i + 1, j, d)));
}

/** L's entries (i, j) and (i + 1, j) from v: into the lower triangle and its mirror a[j][i…]. */
// @ts-ignore: decorator
@inline function putPair(a: usize, i: i32, j: i32, d: i32, v: v128): void {
  store<f64>(at(a, i, j, d), f64x2.extract_lane(v, 0));
  store<f64>(at(a, i + 1, j, d), f64x2.extract_lane(v, 1));
  v128.store(at(a, j, i, d), v);
}

/** Zeros above the diagonal. */
function zeroUpper(a: usize, d: i32): void {
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) store<f64>(at(a, i, j, d), 0.0);
}

/** u ← (L⁻¹)ᵀ for lower-triangular L at l (u may not alias l): W = L⁻¹ by forward
 *  substitution row by row into u, then transposed in place.
 *
 *    Wᵢ꜀ = ([i = c] − Σ_{k=c}^{i−1} Lᵢₖ W_k꜀) / Lᵢᵢ   (c ≤ i; 0 for c > i)
 *
 *  Row i's columns go eight at a time (then two, then one), each sum from its block's first
 *  column: the extra leading terms multiply Wₖ꜀ = +0 (k < c), and while they come the
 *  running sum is still [i = c] (+0 or 1), which subtracting ±0 leaves unchanged (L is
 *  finite), so every entry has the one-column loop's bits. */
function invLowerTransposed(l: usize, u: usize, d: i32): void {
  const step = <usize>d << 3;
  for (let i = 0; i < d; i++) {
    const li = at(l, i, 0, d), wi = at(u, i, 0, d);
    const lii = f64x2.splat(load<f64>(li + (<usize>i << 3)));
    let c = 0;
    for (; c + 8 <= i + 1; c += 8) {
      let s0 = delta(i, c), s1 = delta(i, c + 2), s2 = delta(i, c + 4), s3 = delta(i, c + 6);
      let w = at(u, c, c, d);
      for (let k = c; k < i; k++, w += step) {
        const lk = v128.load64_splat(li + (<usize>k << 3));
        s0 = f64x2.sub(s0, f64x2.mul(lk, v128.load(w)));
        s1 = f64x2.sub(s1, f64x2.mul(lk, v128.load(w, 16)));
        s2 = f64x2.sub(s2, f64x2.mul(lk, v128.load(w, 32)));
        s3 = f64x2.sub(s3, f64x2.mul(lk, v128.load(w, 48)));
      }
      const o = wi + (<usize>c << 3);
      v128.store(o, f64x2.div(s0, lii));
      v128.store(o, f64x2.div(s1, lii), 16);
      v128.store(o, f64x2.div(s2, lii), 32);
      v128.store(o, f64x2.div(s3, lii), 48);
    }
    for (; c + 2 <= i + 1; c += 2) {
      let s = delta(i, c);
      let w = at(u, c, c, d);
      for (let k = c; k < i; k++, w += step) s = f64x2.sub(s, f64x2.mul(v128.load64_splat(li + (<usize>k << 3)), v128.load(w)));
      v128.store(wi + (<usize>c << 3), f64x2.div(s, lii));
    }
    if (c == i) { // the diagonal, alone: 1/Lᵢᵢ
      store<f64>(wi + (<usize>c << 3), 1.0 / load<f64>(li + (<usize>i << 3)));
      c++;
    }
    for (; c < d; c++) store<f64>(wi + (<usize>c << 3), 0.0);
  }
  // W lower triangular → U = Wᵀ upper
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const p = at(u, i, j, d), q = at(u, j, i, d);
      store<f64>(p, load<f64>(q));
      store<f64>(q, 0.0);
    }
  }
}

/** [i = c], [i = c + 1]: the identity's entries for columns c, c + 1 of row i. */
// @ts-ignore: decorator
@inline function delta(i: i32, c: i32): v128 {
  return f64x2.replace_lane(f64x2.splat(i == c ? 1.0 : 0.0), 1, i == c + 1 ? 1.0 : 0.0);
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
