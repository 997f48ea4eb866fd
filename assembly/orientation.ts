// The M-step of mclust's models with one orientation shared by all components and shapes
// of their own: EVE (Σₖ = λ D Aₖ Dᵀ, one volume) and VVE (Σₖ = D Λₖ Dᵀ, Λₖ = λₖAₖ). With
// Sₖ the covariances of moments() (regCovar included) and nₖ the masses (Wₖ = nₖSₖ):
//
//   given D:  VVE Λₖ = diag(Dᵀ Sₖ D);   EVE Aₖ = that over its geometric mean,
//             λ = Σₖ nₖ Σⱼ (Dᵀ Sₖ D)ⱼⱼ / Aₖⱼ / (n·d)
//   given Mₖ = Λₖ⁻¹ (EVE: Aₖ⁻¹), D minimises h(D) = Σₖ nₖ tr(Mₖ Dᵀ Sₖ D) over orthogonal D,
//   by Browne & McNicholas' (2014) two majorisations, as mclust runs them, each a polar
//   factor polar(F) = F (FᵀF)^(−½) (from eigen.ts: no SVD needed):
//     MM1  D ← polar(Σₖ nₖ (ωₖ D Mₖ − Sₖ D Mₖ)),  ωₖ the largest eigenvalue of Sₖ
//     MM2  D ← polar(Σₖ nₖ (mₖ Sₖ D − Sₖ D Mₖ)),  mₖ the largest entry of Mₖ
//   each never raising h. Rounds of (MM1, MM2, shapes) run until no entry of D moves by TOL,
//   at most MAX_ROUNDS, from D = the eigenvectors of Σₖ Σₖ for the covariances of the E-step
//   (in an EM iteration: they share the last M-step's orientation, so a few rounds do; as
//   mclust carries its orientation from one M-step to the next), else (the first M-step of
//   a start) of Σₖ nₖSₖ. Both depend on the parameters alone, so every split of the work
//   starts alike. VVE weighs each
//   component's term by its own volume (Mₖ = Λₖ⁻¹), which is its maximum likelihood;
//   mclust's VVE iterates with Aₖ⁻¹ there (see the README).
//
// tmp (f64): D, F, FᵀF, its eigenvectors, work (d² each), the diagonals (K·d), ω (K); the
// E-step's orientation waits in F while moments() and the Cholesky use tmp's first d² f64.

import { symmetricEigen } from './eigen';

const TOL: f64 = 1e-13;
const MAX_ROUNDS: i32 = 1000;

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

/** f64 of tmp that commonOrientation needs. */
export function orientationScratchSize(K: i32, d: i32): i32 {
  return 5 * d * d + K * d + K;
}

/** The orientation to start from, before the M-step replaces cov (K full d×d, the E-step's
 *  covariances): the eigenvectors of Σₖ Σₖ, into tmp's F slot. */
export function previousOrientation(cov: usize, K: i32, d: i32, tmp: usize): void {
  const dd = d * d;
  const F = tmp + (<usize>dd << 3), G = tmp + (<usize>(2 * dd) << 3), diag = tmp + (<usize>(5 * dd) << 3);
  for (let i = 0; i < dd; i++) {
    let s: f64 = 0;
    for (let k = 0; k < K; k++) s += ld(cov, k * dd + i);
    st(G, i, s);
  }
  symmetricEigen(G, d, diag, F);
}

/** cov (K full d×d Sₖ) ← the EVE (equalVolume) or VVE covariances, as above; warm: start
 *  from previousOrientation's D. */
export function commonOrientation(cov: usize, nk: usize, total: f64, K: i32, d: i32, equalVolume: bool, warm: bool,
  tmp: usize): void {
  const dd = d * d;
  const D = tmp, F = tmp + (<usize>dd << 3), G = tmp + (<usize>(2 * dd) << 3), R = tmp + (<usize>(3 * dd) << 3);
  const work = tmp + (<usize>(4 * dd) << 3), diag = tmp + (<usize>(5 * dd) << 3), omega = diag + (<usize>(K * d) << 3);
  // ωₖ, and D from the pooled covariance (eigenvalues into diag's first d, unused after)
  for (let k = 0; k < K; k++) {
    memory.copy(G, cov + (<usize>(k * dd) << 3), <usize>dd << 3);
    symmetricEigen(G, d, diag, R);
    st(omega, k, ld(diag, 0));
  }
  if (warm) memory.copy(D, F, <usize>dd << 3);
  else {
    for (let i = 0; i < dd; i++) {
      let s: f64 = 0;
      for (let k = 0; k < K; k++) s += ld(nk, k) * ld(cov, k * dd + i);
      st(G, i, s);
    }
    symmetricEigen(G, d, diag, D);
  }
  shapes(cov, K, d, equalVolume, D, diag);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    memory.copy(work, D, <usize>dd << 3);
    // MM1: F = Σₖ nₖ (ωₖ D Mₖ − Sₖ D Mₖ)
    memory.fill(F, 0, <usize>dd << 3);
    for (let k = 0; k < K; k++) {
      const S = cov + (<usize>(k * dd) << 3);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let sd: f64 = 0;
          for (let a = 0; a < d; a++) sd += ld(S, i * d + a) * ld(D, a * d + j);
          const m = 1.0 / ld(diag, k * d + j);
          st(F, i * d + j, ld(F, i * d + j) + ld(nk, k) * m * (ld(omega, k) * ld(D, i * d + j) - sd));
        }
      }
    }
    polar(F, G, R, D, d);
    // MM2: F = Σₖ nₖ (mₖ Sₖ D − Sₖ D Mₖ)
    memory.fill(F, 0, <usize>dd << 3);
    for (let k = 0; k < K; k++) {
      const S = cov + (<usize>(k * dd) << 3);
      let mk: f64 = 0;
      for (let j = 0; j < d; j++) mk = Math.max(mk, 1.0 / ld(diag, k * d + j));
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let sd: f64 = 0;
          for (let a = 0; a < d; a++) sd += ld(S, i * d + a) * ld(D, a * d + j);
          st(F, i * d + j, ld(F, i * d + j) + ld(nk, k) * sd * (mk - 1.0 / ld(diag, k * d + j)));
        }
      }
    }
    polar(F, G, R, D, d);
    shapes(cov, K, d, equalVolume, D, diag);
    let moved: f64 = 0;
    for (let i = 0; i < dd; i++) moved = Math.max(moved, Math.abs(ld(D, i) - ld(work, i)));
    if (moved <= TOL) break;
  }
  // EVE: the common volume λ, into the diagonals (Λₖ = λAₖ)
  if (equalVolume) {
    let t: f64 = 0;
    for (let k = 0; k < K; k++) {
      const S = cov + (<usize>(k * dd) << 3);
      for (let j = 0; j < d; j++) t += ld(nk, k) * quad(S, D, j, d) / ld(diag, k * d + j);
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

/** dⱼᵀ S dⱼ for D's column j. */
function quad(S: usize, D: usize, j: i32, d: i32): f64 {
  let t: f64 = 0;
  for (let a = 0; a < d; a++) {
    let r: f64 = 0;
    for (let b = 0; b < d; b++) r += ld(S, a * d + b) * ld(D, b * d + j);
    t += ld(D, a * d + j) * r;
  }
  return t;
}

/** The diagonals given D: Λₖ = diag(Dᵀ Sₖ D), or (EVE) Aₖ, each over its geometric mean. */
function shapes(cov: usize, K: i32, d: i32, equalVolume: bool, D: usize, diag: usize): void {
  for (let k = 0; k < K; k++) {
    const S = cov + (<usize>(k * d * d) << 3);
    let logSum: f64 = 0;
    for (let j = 0; j < d; j++) {
      const v = quad(S, D, j, d);
      st(diag, k * d + j, v);
      logSum += Math.log(v);
    }
    if (equalVolume) {
      const g = Math.exp(logSum / <f64>d);
      for (let j = 0; j < d; j++) st(diag, k * d + j, ld(diag, k * d + j) / g);
    }
  }
}

/** out = polar(F) = P Rᵀ for F = P B Rᵀ (B ≥ 0 diagonal, P and R orthogonal): from
 *  FᵀF = R B² Rᵀ (eigen.ts), P's columns are F rₘ / bₘ, taken in order of decreasing bₘ and
 *  made orthonormal (Gram–Schmidt); where F is rank-deficient (its bₘ at rounding level:
 *  common at d = 2, where each ωₖI − Sₖ has rank 1) the column is completed with the unit
 *  vector most orthogonal to those before, as any completion majorises alike. G, R: d×d work. */
function polar(F: usize, G: usize, R: usize, out: usize, d: i32): void {
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s: f64 = 0;
      for (let a = 0; a < d; a++) s += ld(F, a * d + i) * ld(F, a * d + j);
      st(G, i * d + j, s);
      st(G, j * d + i, s);
    }
  }
  symmetricEigen(G, d, G, R); // eigenvalues into G's first row (its diagonal, written last)
  const floor = 1e-10 * Math.sqrt(Math.max(ld(G, 0), 0.0));
  // P (in out, column m) = F rₘ, orthonormalised in turn
  for (let m = 0; m < d; m++) {
    for (let i = 0; i < d; i++) {
      let v: f64 = 0;
      for (let a = 0; a < d; a++) v += ld(F, i * d + a) * ld(R, a * d + m);
      st(out, i * d + m, v);
    }
    if (!(orthonormalise(out, m, d) > floor)) {
      // complete with the unit vector that keeps the most after the columns before
      let best = 0, kept: f64 = -1;
      for (let e = 0; e < d; e++) {
        for (let i = 0; i < d; i++) st(out, i * d + m, i == e ? 1.0 : 0.0);
        const r = orthonormalise(out, m, d);
        if (r > kept) { kept = r; best = e; }
      }
      for (let i = 0; i < d; i++) st(out, i * d + m, i == best ? 1.0 : 0.0);
      orthonormalise(out, m, d);
    }
  }
  // F = P Rᵀ (F is free now), copied to out
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let v: f64 = 0;
      for (let m = 0; m < d; m++) v += ld(out, i * d + m) * ld(R, j * d + m);
      st(F, i * d + j, v);
    }
  }
  memory.copy(out, F, <usize>(d * d) << 3);
}

/** Column m of P (d×d) minus its projections on columns 0 … m−1 (twice, for accuracy), then
 *  scaled to length 1; returns its length before the scaling (0: left as it is). */
function orthonormalise(P: usize, m: i32, d: i32): f64 {
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < m; c++) {
      let dot: f64 = 0;
      for (let i = 0; i < d; i++) dot += ld(P, i * d + c) * ld(P, i * d + m);
      for (let i = 0; i < d; i++) st(P, i * d + m, ld(P, i * d + m) - dot * ld(P, i * d + c));
    }
  }
  let norm: f64 = 0;
  for (let i = 0; i < d; i++) norm += ld(P, i * d + m) * ld(P, i * d + m);
  norm = Math.sqrt(norm);
  if (norm > 0.0) for (let i = 0; i < d; i++) st(P, i * d + m, ld(P, i * d + m) / norm);
  return norm;
}
