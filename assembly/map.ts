// The M-step with mclust's conjugate prior (priorControl(); Fraley & Raftery 2007): the
// posterior mode of the parameters (MAP) rather than the likelihood's maximum, as mclust's
// EM Fortran (me*p) computes it for each model. Prior: shrinkage κ ≥ 0, mean μₚ (d),
// degrees of freedom ν, scale: a d×d matrix Λ for the ellipsoidal models, one number ς for
// the diagonal and spherical ones.
//
// From the statistics (stats.ts) about the shift c, for each component k:
//   nₖ = massₖ,  x̄ₖ = cₖ + sumₖ/nₖ,  Wₖ = Σ r (x − x̄ₖ)(x − x̄ₖ)ᵀ,
//   cₖ' = κnₖ/(κ + nₖ),  Tₖ = Wₖ + cₖ' (μₚ − x̄ₖ)(μₚ − x̄ₖ)ᵀ,  μₖ = (nₖx̄ₖ + κμₚ)/(nₖ + κ)
// (a component with no mass: Tₖ = 0, μₖ = μₚ, or with κ = 0 its previous mean, as without a
// prior), and with n = Σ nₖ, [κ] = 1 if κ > 0 else 0,
// the rule (MAP_*) mclust's code follows for the model:
//   EII  σ² = Σₖ tr Tₖ / (ν + (n + K)d + 2)                    (mclust adds no ς here)
//   VII  σₖ² = (ς + tr Tₖ) / (ν + nₖd + 2 + d[κ])
//   EEI  σⱼ² = (ς + Σₖ Tₖⱼⱼ) / (ν + n + 1 + [κ]),  μₖ = x̄ₖ        (mclust shrinks no mean here)
//   VEI  Σₖ = λₖ diag(a): wₖ = ς + diag Tₖ, λₖ = Σⱼ wₖⱼ/aⱼ / (ν + nₖd + 2 + [κ]),
//        a ∝ Σₖ wₖ/λₖ with Π a = 1, alternated (mstep.ts POOL_SCALE)
//   EVI  Σₖ = λ wₖ / gm(wₖ), λ = Σₖ gm(wₖ) / (ν + n + 1 + [κ])   (gm: geometric mean; POOL_VOLUME)
//   VVI  σₖⱼ² = (ς + Tₖⱼⱼ) / (ν + nₖ + 2 + [κ])
//   EEE  Σ = (Λ + Σₖ Tₖ) / (ν + n + d + 1 + K[κ])
//   EEV  Σₖ = Dₖ diag(Σⱼ ω(Λ + Tⱼ)) Dₖᵀ / (ν + n + d + 1 + [κ]), Dₖ the eigenvectors of
//        Λ + Tₖ, ω the eigenvalues, descending (POOL_EEV)
//   VEV  maximum likelihood's VEV over (Λ + Tₖ)/nₖ with masses nₖ (mclust's has no ν there)
//   VVV  Σₖ = (Λ + Tₖ) / (ν + nₖ + d + 2)
//   one component, ellipsoidal (mclust's mvn XXX): Σ = (Λ + T) / (ν + n + d + 1 + [κ])
//   one feature (mclust's E and V): σ² = (ς + Σₖ Tₖ) / (ν + n + K + 2);  σₖ² = (ς + Tₖ) / (ν + nₖ + 3)
// One component (mclust's mvn) takes VII's, VVI's or XXX's rule by the model's shape.
// regCovar is added to each component's covariance before a pooling rule (EVI, VEI, EEV,
// VEV) pools them, after the others. The pooling rules run over covariances Cₖ with
// masses mₖ: EVI and EEV Cₖ = (its scatter)/mₖ with mₖ = nₖ + (denominator − n)/K, which
// sum to the denominator; VEI Cₖ = wₖ/mₖ, mₖ = (ν + nₖd + 2 + [κ])/d; VEV Cₖ = (Λ + Tₖ)/nₖ.
// The weights are (nₖ + 10·eps)/Σ, as without a prior. Returns the first component whose
// covariance is not positive definite, or -1. tmp: mStepScratchSize(K, d) f64.

import { FULL, TIED, DIAG } from './types';
import { massPtr, sumPtr, scatterPtr } from './stats';
import { precisionCholesky } from './cholesky';
import { constrain, flatComponent, TEN_EPS, POOL_NONE, POOL_SCALE, POOL_VOLUME, POOL_EEV, POOL_VEV } from './mstep';

export const MAP_EII: i32 = 1;
export const MAP_VII: i32 = 2;
export const MAP_EEI: i32 = 3;
export const MAP_VEI: i32 = 4;
export const MAP_EVI: i32 = 5;
export const MAP_VVI: i32 = 6;
export const MAP_EEE: i32 = 7;
export const MAP_EEV: i32 = 8;
export const MAP_VEV: i32 = 9;
export const MAP_VVV: i32 = 10;
export const MAP_E1: i32 = 11;
export const MAP_V1: i32 = 12;
export const MAP_XXX: i32 = 13;

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

export function mapMStep(
  stats: usize, shift: usize, K: i32, d: i32, type: i32, rule: i32, regCovar: f64,
  kappa: f64, pmean: usize, dof: f64, scale: usize,
  weights: usize, means: usize, cov: usize, chol: usize, tmp: usize
): i32 {
  assert(K > 0 && d > 0 && regCovar >= 0 && kappa >= 0, 'mapMStep: bad arguments');
  const mass = massPtr(stats), sum = sumPtr(stats, K), scat = scatterPtr(stats, K, d);
  const per = type == FULL ? d * d : type == TIED ? 0 : type == DIAG ? d : 1;
  const matrix = type == FULL || type == TIED;
  const dd = d * d, fd = <f64>d, kb: f64 = kappa > 0 ? 1.0 : 0.0;
  const shrink = rule != MAP_EEI;
  let n: f64 = 0;
  for (let k = 0; k < K; k++) n += ld(mass, k);
  if (type == TIED) memory.fill(cov, 0, <usize>dd << 3);
  // Tₖ into cov (tied: summed), μₖ into means; δ (d) and μₚ − x̄ (d) in tmp
  const dl = tmp, dp = tmp + (<usize>d << 3);
  for (let k = 0; k < K; k++) {
    const m = ld(mass, k);
    const sk = sum + (<usize>(k * d) << 3), ck = shift + (<usize>(k * d) << 3), muk = means + (<usize>(k * d) << 3);
    // κ/(κ + nₖ) and κnₖ/(κ + nₖ) in forms that cannot overflow for a huge κ; with no mass
    // and κ = 0 the mean stays where it was
    const mkappa = m + kappa, share = mkappa > 0 ? kappa / mkappa : 0.0;
    const cw = m > 0 ? m * share : 0.0;
    for (let i = 0; i < d; i++) {
      const s = ld(sk, i), c = ld(ck, i), p = ld(pmean, i);
      const delta = m > 0 ? s / m : 0.0;
      st(dl, i, delta);
      st(dp, i, p - (c + delta));
      st(muk, i, shrink && mkappa > 0 ? c + (s / mkappa + share * (p - c)) : c + delta);
    }
    if (matrix) {
      const S = type == FULL ? scat + (<usize>(k * dd) << 3) : scat;
      const C = type == FULL ? cov + (<usize>(k * dd) << 3) : cov;
      for (let i = 0; i < d; i++) {
        for (let j = i; j < d; j++) {
          // the scatter about x̄ₖ (moments' form; tied: its sum's part, the statistics' scatter added once below)
          const corr = -ld(sk, i) * ld(dl, j) - ld(dl, i) * ld(sk, j) + m * ld(dl, i) * ld(dl, j);
          const t = corr + cw * ld(dp, i) * ld(dp, j);
          st(C, i * d + j, (type == FULL ? ld(S, i * d + j) : ld(C, i * d + j)) + t);
        }
      }
    } else {
      const S = scat + (<usize>(k * per) << 3);
      let tr: f64 = 0;
      for (let i = 0; i < d; i++) {
        const si = ld(sk, i), di = ld(dl, i);
        const corr = -2.0 * si * di + m * di * di + cw * ld(dp, i) * ld(dp, i);
        if (type == DIAG) st(cov, k * d + i, ld(S, i) + corr);
        else tr += corr;
      }
      if (type != DIAG) st(cov, k, ld(S, 0) + tr);
    }
  }
  if (matrix) {
    // the lower triangles; tied: the statistics' summed scatter
    for (let k = 0; k < (type == FULL ? K : 1); k++) {
      const C = cov + (<usize>(k * dd) << 3);
      for (let i = 0; i < d; i++) {
        for (let j = i; j < d; j++) {
          const v = type == TIED ? ld(C, i * d + j) + ld(scat, i * d + j) : ld(C, i * d + j);
          st(C, i * d + j, v);
          st(C, j * d + i, v);
        }
      }
    }
  }
  const sc = ld(scale, 0); // ς for the diagonal and spherical rules
  let pool = POOL_NONE, denom: f64 = 0;
  if (rule == MAP_VII || rule == MAP_VVI || rule == MAP_V1) {
    for (let k = 0; k < K; k++) {
      const m = ld(mass, k);
      const den = rule == MAP_VII ? dof + m * fd + 2.0 + fd * kb : rule == MAP_VVI ? dof + m + 2.0 + kb : dof + m + 3.0;
      for (let i = 0; i < per; i++) st(cov, k * per + i, (sc + ld(cov, k * per + i)) / den + regCovar);
    }
  } else if (rule == MAP_VVV || rule == MAP_XXX) {
    for (let k = 0; k < K; k++) {
      const den = dof + ld(mass, k) + fd + (rule == MAP_VVV ? 2.0 : 1.0 + kb);
      addScaled(cov + (<usize>(k * dd) << 3), scale, dd);
      finish(cov + (<usize>(k * dd) << 3), d, 1.0 / den, regCovar);
    }
  } else if (rule == MAP_EEE) {
    addScaled(cov, scale, dd);
    finish(cov, d, 1.0 / (dof + n + fd + 1.0 + <f64>K * kb), regCovar);
  } else if (rule == MAP_EII || rule == MAP_EEI || rule == MAP_E1) {
    // one variance (EII, E) or one diagonal (EEI) pooled over the components: spherical holds
    // traces, diag (and one feature's full) its entries, tied its one sum (E with one feature)
    const entries = type == DIAG ? d : 1;
    const den = rule == MAP_EII ? dof + (n + <f64>K) * fd + 2.0 : rule == MAP_EEI ? dof + n + 1.0 + kb : dof + n + <f64>K + 2.0;
    const add = rule == MAP_EII ? 0.0 : sc;
    for (let i = 0; i < entries; i++) {
      let s: f64 = 0;
      if (type == TIED) s = ld(cov, 0);
      else for (let k = 0; k < K; k++) s += ld(cov, k * per + i);
      const v = (add + s) / den + regCovar;
      if (type == TIED) st(cov, 0, v);
      else for (let k = 0; k < K; k++) st(cov, k * per + i, v);
    }
  } else if (rule == MAP_EVI || rule == MAP_EEV) {
    // the pooling rules' masses go in the weights buffer (constrain's nk), which the last
    // lines overwrite with the weights
    pool = rule == MAP_EVI ? POOL_VOLUME : POOL_EEV;
    denom = rule == MAP_EVI ? dof + n + 1.0 + kb : dof + n + fd + 1.0 + kb;
    for (let k = 0; k < K; k++) {
      const pooled = ld(mass, k) + (denom - n) / <f64>K;
      st(weights, k, pooled);
      const C = cov + (<usize>(k * per) << 3);
      if (rule == MAP_EVI) for (let i = 0; i < d; i++) st(C, i, (sc + ld(C, i)) / pooled + regCovar);
      else { addScaled(C, scale, dd); finish(C, d, 1.0 / pooled, regCovar); }
    }
  } else if (rule == MAP_VEI) {
    pool = POOL_SCALE;
    for (let k = 0; k < K; k++) {
      const pooled = (dof + ld(mass, k) * fd + 2.0 + kb) / fd;
      st(weights, k, pooled);
      for (let i = 0; i < d; i++) st(cov, k * d + i, (sc + ld(cov, k * d + i)) / pooled + regCovar);
    }
  } else {
    // MAP_VEV
    pool = POOL_VEV;
    for (let k = 0; k < K; k++) {
      const m = ld(mass, k);
      if (!(m > 0)) return k;
      st(weights, k, m);
      addScaled(cov + (<usize>(k * dd) << 3), scale, dd);
      finish(cov + (<usize>(k * dd) << 3), d, 1.0 / m, regCovar);
    }
  }
  let bad: i32 = -1;
  if (pool != POOL_NONE) {
    if (pool == POOL_VOLUME) bad = precisionCholesky(cov, chol, tmp, type, K, d);
    else if (pool == POOL_VEV) bad = flatComponent(cov, K, d, type);
    if (bad >= 0) return bad;
    constrain(cov, chol, weights, denom, K, d, type, pool, tmp, false);
  }
  bad = precisionCholesky(cov, chol, tmp, type, K, d);
  let total: f64 = 0;
  for (let k = 0; k < K; k++) total += ld(mass, k) + TEN_EPS;
  for (let k = 0; k < K; k++) st(weights, k, (ld(mass, k) + TEN_EPS) / total);
  return bad;
}

/** p[i] += q[i], i < m (the scale Λ added to a scatter). */
function addScaled(p: usize, q: usize, m: i32): void {
  for (let i = 0; i < m; i++) st(p, i, ld(p, i) + ld(q, i));
}

/** The d×d matrix at p times f, regCovar added to its diagonal. */
function finish(p: usize, d: i32, f: f64, regCovar: f64): void {
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) st(p, i * d + j, ld(p, i * d + j) * f + (i == j ? regCovar : 0.0));
}
