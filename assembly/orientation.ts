// The M-step of mclust's models with one orientation shared by all components and shapes
// of their own: EVE (Σₖ = λ D Aₖ Dᵀ, one volume) and VVE (Σₖ = D Λₖ Dᵀ, Λₖ = λₖAₖ). With
// Sₖ the covariances of moments() (regCovar included), nₖ the masses, Tₖ = Dᵀ Sₖ D:
//
//   given D:  VVE Λₖ = diag(Tₖ);   EVE Aₖ = diag(Tₖ) over its geometric mean,
//             λ = Σₖ nₖ Σⱼ Tₖⱼⱼ / Aₖⱼ / (n·d)
//   given Mₖ = Λₖ⁻¹ (EVE: Aₖ⁻¹), D lowers h(D) = Σₖ nₖ Σⱼ Mₖⱼ Tₖⱼⱼ by plane rotations of
//   two of its columns p, q at a time, each the exact minimum in its plane (Jacobi-like
//   sweeps): with θ the angle,
//     h = const + P cos 2θ + Q sin 2θ,  P = ½ Σₖ nₖ (Mₖₚ − Mₖq)(Tₖₚₚ − Tₖqq),
//                                        Q = Σₖ nₖ (Mₖₚ − Mₖq) Tₖₚq
//     so (cos 2θ, sin 2θ) = −(P, Q) / √(P² + Q²);  D ← D J, Tₖ ← Jᵀ Tₖ J.
//   Each sweep then takes the shapes from the new Tₖ; both steps lower the negative
//   log-likelihood (for fixed D the shapes are its minimum; for fixed shapes each rotation
//   is), so it never rises. Sweeps run until no rotation turns by TOL (its sine), at most
//   MAX_SWEEPS, from D = the eigenvectors of Σₖ cₖΣₖ for the covariances of the E-step (in an
//   EM iteration: they share the last M-step's orientation; as mclust carries its
//   orientation from one M-step to the next), else (the first M-step of a start) of
//   Σₖ nₖSₖ. Both depend on the parameters alone, so every split of the work starts alike.
//   mclust finds D by Browne & McNicholas' (2014) majorisations, the same stationary
//   points but slowly; for VVE it majorises with Aₖ⁻¹ where the likelihood has Λₖ⁻¹, so its
//   VVE M-step is not the likelihood's maximum (see the README).
//
// tmp (f64): D, the E-step's orientation (waiting there while moments() and the Cholesky
// use tmp's first d² f64), a d×d work matrix, the diagonals (K·d); Tₖ go to T (K·d², the
// precision factors' buffer, which they overwrite after).

import { symmetricEigen } from './eigen';

const TOL: f64 = 1e-13;
const MAX_SWEEPS: i32 = 500;

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

/** f64 of tmp that commonOrientation needs. */
export function orientationScratchSize(K: i32, d: i32): i32 {
  return 3 * d * d + K * d;
}

/** The weights cₖ = 1 + frac((k + 1)/φ) of Σₖ cₖ Σₖ: in [1, 2) for every k (so no component
 *  fades, however large K), and generic (the fractional parts of multiples of the golden
 *  ratio's inverse, no two alike), so that shapes which cancel in a plain sum (Σₖ Σₖ = t·I,
 *  which makes every orientation an eigenbasis) do not cancel in this one. */
const SPREAD: f64 = 0.6180339887498949;

/** The orientation to start from, before the M-step replaces cov (K full d×d, the E-step's
 *  covariances, which share one orientation D): the eigenvectors of Σₖ cₖ Σₖ (SPREAD), D
 *  itself wherever its eigenvalues are apart, into tmp's second d×d slot. */
export function previousOrientation(cov: usize, K: i32, d: i32, tmp: usize): void {
  const dd = d * d;
  const F = tmp + (<usize>dd << 3), G = tmp + (<usize>(2 * dd) << 3), diag = tmp + (<usize>(3 * dd) << 3);
  for (let i = 0; i < dd; i++) {
    let s: f64 = 0;
    for (let k = 0; k < K; k++) {
      const t = <f64>(k + 1) * SPREAD;
      s += (1.0 + (t - Math.floor(t))) * ld(cov, k * dd + i);
    }
    st(G, i, s);
  }
  symmetricEigen(G, d, diag, F);
}

/** cov (K full d×d Sₖ) ← the EVE (equalVolume) or VVE covariances, as above; warm: start
 *  from previousOrientation's D. T: K·d² f64 of work. */
export function commonOrientation(cov: usize, nk: usize, total: f64, K: i32, d: i32, equalVolume: bool, warm: bool,
  tmp: usize, T: usize): void {
  const dd = d * d;
  const D = tmp, F = tmp + (<usize>dd << 3), G = tmp + (<usize>(2 * dd) << 3), diag = tmp + (<usize>(3 * dd) << 3);
  if (warm) memory.copy(D, F, <usize>dd << 3);
  else {
    for (let i = 0; i < dd; i++) {
      let s: f64 = 0;
      for (let k = 0; k < K; k++) s += ld(nk, k) * ld(cov, k * dd + i);
      st(G, i, s);
    }
    symmetricEigen(G, d, diag, D);
  }
  // Tₖ = Dᵀ Sₖ D (G: Sₖ D)
  for (let k = 0; k < K; k++) {
    const S = cov + (<usize>(k * dd) << 3), Tk = T + (<usize>(k * dd) << 3);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let v: f64 = 0;
        for (let a = 0; a < d; a++) v += ld(S, i * d + a) * ld(D, a * d + j);
        st(G, i * d + j, v);
      }
    }
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        let v: f64 = 0;
        for (let a = 0; a < d; a++) v += ld(D, a * d + i) * ld(G, a * d + j);
        st(Tk, i * d + j, v);
        st(Tk, j * d + i, v);
      }
    }
  }
  shapes(T, K, d, equalVolume, diag);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let turned: f64 = 0;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        let P: f64 = 0, Q: f64 = 0;
        for (let k = 0; k < K; k++) {
          const Tk = T + (<usize>(k * dd) << 3);
          const w = ld(nk, k) * (1.0 / ld(diag, k * d + p) - 1.0 / ld(diag, k * d + q));
          P += 0.5 * w * (ld(Tk, p * d + p) - ld(Tk, q * d + q));
          Q += w * ld(Tk, p * d + q);
        }
        const r = Math.sqrt(P * P + Q * Q);
        if (!(r > 0.0)) continue;
        // cos 2θ = −P/r, sin 2θ = −Q/r; c = cos θ ≥ 0, s = sin θ, the larger of the two from
        // its half-angle formula and the other as sin 2θ / 2·(it), so c² + s² = 1 to rounding
        const cos2 = -P / r, sin2 = -Q / r;
        let c: f64, s: f64;
        if (cos2 >= 0.0) {
          c = Math.sqrt(0.5 * (1.0 + cos2));
          s = sin2 / (2.0 * c);
        } else {
          s = Math.sqrt(0.5 * (1.0 - cos2));
          if (sin2 < 0.0) s = -s;
          c = sin2 / (2.0 * s);
          if (sin2 == 0.0) c = 0.0;
        }
        if (Math.abs(s) <= TOL) continue;
        turned = Math.max(turned, Math.abs(s));
        rotate(D, T, K, d, p, q, c, s);
      }
    }
    shapes(T, K, d, equalVolume, diag);
    if (turned <= TOL) break;
  }
  // EVE: the common volume λ, into the diagonals (Λₖ = λAₖ)
  if (equalVolume) {
    let t: f64 = 0;
    for (let k = 0; k < K; k++) {
      const Tk = T + (<usize>(k * dd) << 3);
      for (let j = 0; j < d; j++) t += ld(nk, k) * ld(Tk, j * d + j) / ld(diag, k * d + j);
    }
    const lambda = t / (total * <f64>d);
    for (let i = 0; i < K * d; i++) st(diag, i, ld(diag, i) * lambda);
  }
  // Σₖ = D Λₖ Dᵀ
  for (let k = 0; k < K; k++) {
    const C = cov + (<usize>(k * dd) << 3);
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        let v: f64 = 0;
        for (let m = 0; m < d; m++) v += ld(D, i * d + m) * ld(diag, k * d + m) * ld(D, j * d + m);
        st(C, i * d + j, v);
        st(C, j * d + i, v);
      }
    }
  }
}

/** D ← D J and Tₖ ← Jᵀ Tₖ J for the rotation J of columns p, q (cos c, sin s):
 *  column p ← c·p + s·q, column q ← −s·p + c·q. */
function rotate(D: usize, T: usize, K: i32, d: i32, p: i32, q: i32, c: f64, s: f64): void {
  for (let i = 0; i < d; i++) {
    const x = ld(D, i * d + p), y = ld(D, i * d + q);
    st(D, i * d + p, c * x + s * y);
    st(D, i * d + q, c * y - s * x);
  }
  for (let k = 0; k < K; k++) {
    const Tk = T + (<usize>(k * d * d) << 3);
    for (let i = 0; i < d; i++) { // columns p, q
      const x = ld(Tk, i * d + p), y = ld(Tk, i * d + q);
      st(Tk, i * d + p, c * x + s * y);
      st(Tk, i * d + q, c * y - s * x);
    }
    for (let j = 0; j < d; j++) { // rows p, q
      const x = ld(Tk, p * d + j), y = ld(Tk, q * d + j);
      st(Tk, p * d + j, c * x + s * y);
      st(Tk, q * d + j, c * y - s * x);
    }
  }
}

/** The diagonals from Tₖ: Λₖ = diag(Tₖ), or (EVE) Aₖ, each over its geometric mean. */
function shapes(T: usize, K: i32, d: i32, equalVolume: bool, diag: usize): void {
  for (let k = 0; k < K; k++) {
    const Tk = T + (<usize>(k * d * d) << 3);
    let logSum: f64 = 0;
    for (let j = 0; j < d; j++) {
      const v = ld(Tk, j * d + j);
      st(diag, k * d + j, v);
      logSum += Math.log(v);
    }
    if (equalVolume) {
      const g = Math.exp(logSum / <f64>d);
      for (let j = 0; j < d; j++) st(diag, k * d + j, ld(diag, k * d + j) / g);
    }
  }
}
