// The variational Bayesian mixture's kernels, as scikit-learn 1.2's BayesianGaussianMixture
// computes them (sklearn/mixture/_bayesian_mixture.py). The E-step itself is the ordinary
// one (estep.ts) with other per-component constants; these kernels give those constants,
// the M-step from the same statistics (stats.ts) and the lower bound.
//
// Posterior state: weight concentration (Dirichlet process: Beta parameters a, b as 2·K
// f64; Dirichlet distribution: α, K f64), mean precision β (K), degrees of freedom ν (K;
// tied: 1), means m (K×d), covariances W⁻¹/ν in the covariance type's layout, and U, the
// precision Cholesky factor of those covariances. Priors: weight concentration γ₀, mean
// precision β₀, mean m₀ (d), degrees of freedom ν₀, covariance Ψ₀ (full/tied d×d, diag
// d, spherical 1).

import { FULL, TIED, DIAG, LOG_2PI } from './types';
import { massPtr, sumPtr, scatterPtr } from './stats';
import { moments } from './mstep';
import { precisionCholesky } from './cholesky';
import { digamma, lgamma, betaln } from './special';

const LN2: f64 = 0.6931471805599453;

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

/** log|U| for component k (tied: the one factor). */
function logDetChol(chol: usize, type: i32, k: i32, d: i32): f64 {
  let s: f64 = 0;
  if (type == FULL || type == TIED) {
    const u = type == FULL ? chol + (<usize>(k * d * d) << 3) : chol;
    for (let i = 0; i < d; i++) s += Math.log(ld(u, i * d + i));
  } else if (type == DIAG) {
    for (let i = 0; i < d; i++) s += Math.log(ld(chol, k * d + i));
  } else {
    s = <f64>d * Math.log(ld(chol, k));
  }
  return s;
}

/**
 * E[ln πₖ] into out (K) (the first term of vbLogConstants).
 *   Dirichlet process:      ψ(aₖ) − ψ(aₖ+bₖ) + Σⱼ<ₖ (ψ(bⱼ) − ψ(aⱼ+bⱼ))
 *   Dirichlet distribution: ψ(αₖ) − ψ(Σⱼ αⱼ)
 */
function vbLogWeights(conc: usize, K: i32, process: i32, out: usize): void {
  if (process) {
    let cum: f64 = 0;
    for (let k = 0; k < K; k++) {
      const a = ld(conc, k), b = ld(conc, K + k);
      const dsum = digamma(a + b);
      st(out, k, (digamma(a) - dsum) + cum);
      cum += digamma(b) - dsum;
    }
  } else {
    let s: f64 = 0;
    for (let k = 0; k < K; k++) s += ld(conc, k);
    const ds = digamma(s);
    for (let k = 0; k < K; k++) st(out, k, digamma(ld(conc, k)) - ds);
  }
}

/**
 * The E-step's per-component constants into out (K) from the concentration (the row term
 * −½‖Uₖᵀ(x − mₖ)‖² is the E-step kernel's):
 *   E[ln πₖ] + ln|Uₖ| − (d/2) ln 2π − (d/2) ln νₖ + ½(d ln 2 + Σᵢ<d ψ((νₖ − i)/2) − d/βₖ)
 * The −(d/2) ln νₖ undoes scikit-learn's normalisation of the covariances by ν.
 */
export function vbLogConstants(conc: usize, process: i32, chol: usize, dof: usize, meanPrec: usize, out: usize,
  type: i32, K: i32, d: i32): void {
  const fd = <f64>d;
  vbLogWeights(conc, K, process, out);
  for (let k = 0; k < K; k++) {
    const nu = ld(dof, type == TIED ? 0 : k);
    let logLambda = fd * LN2;
    for (let i = 0; i < d; i++) logLambda += digamma(0.5 * (nu - <f64>i));
    const gauss = logDetChol(chol, type, k, d) - 0.5 * fd * LOG_2PI - 0.5 * fd * Math.log(nu);
    st(out, k, gauss + 0.5 * (logLambda - fd / ld(meanPrec, k)) + ld(out, k));
  }
}

/**
 * Σₙ wₙ Σₖ rₙₖ ln rₙₖ from an E-step's statistics and the constants it ran with:
 *   ln rₙₖ = cₖ − ½ qₙₖ − lseₙ, so the sum is Σₖ cₖ·massₖ − ½ Σₖ tr(Λₖ Sₖ) − Σₙ wₙ lseₙ
 * with Λₖ = Uₖ Uₖᵀ and Sₖ the scatter about the E-step's means μ. Statistics about another
 * shift c (shift ≠ 0: em.ts emPass) hold S and sum s about c; with e = c − μ,
 *   tr(Λ S_μ) = tr(Λ S) + 2 (Uᵀe)·(Uᵀs) + mass ‖Uᵀe‖²
 * (tied: summed over components with the one U; diag and spherical elementwise).
 */
export function vbResponsibilityEntropy(stats: usize, shift: usize, means: usize, chol: usize, logConst: usize,
  type: i32, K: i32, d: i32): f64 {
  const mass = massPtr(stats);
  const scat = scatterPtr(stats, K, d);
  let cm: f64 = 0;
  for (let k = 0; k < K; k++) cm += ld(logConst, k) * ld(mass, k);
  let q: f64 = 0;
  if (type == FULL || type == TIED) {
    // tr(Uᵀ S U) = Σⱼ uⱼᵀ S uⱼ over the columns uⱼ of U (rows 0..j); S holds its upper triangle
    const count = type == FULL ? K : 1;
    for (let k = 0; k < count; k++) {
      const U = chol + (<usize>(k * d * d) << 3);
      const S = scat + (<usize>(k * d * d) << 3);
      for (let j = 0; j < d; j++) {
        let t: f64 = 0;
        for (let a = 0; a <= j; a++) {
          let sa: f64 = 0;
          for (let b = 0; b <= j; b++) sa += ld(S, a <= b ? a * d + b : b * d + a) * ld(U, b * d + j);
          t += ld(U, a * d + j) * sa;
        }
        q += t;
      }
    }
  } else if (type == DIAG) {
    // u·(u·S), not u²·S: a component left empty (S = 0) whose tiny covariance makes u² overflow
    // adds 0, not ∞·0 = NaN, and a small S times a huge u² stays finite where it is
    for (let i = 0; i < K * d; i++) {
      const u = ld(chol, i);
      q += u * (u * ld(scat, i));
    }
  } else {
    for (let k = 0; k < K; k++) {
      const u = ld(chol, k);
      q += u * (u * ld(scat, k));
    }
  }
  if (shift) q += shiftTrace(stats, shift, means, chol, type, K, d);
  return cm - 0.5 * q - load<f64>(stats);
}

/** Σₖ [2 (Uₖᵀeₖ)·(Uₖᵀsₖ) + massₖ ‖Uₖᵀeₖ‖²], eₖ = cₖ − μₖ: what moves tr(Λₖ Sₖ) from the
 *  shift c to the means μ (vbResponsibilityEntropy). U upper triangular (full, tied), the
 *  diagonal (diag) or one value (spherical). */
function shiftTrace(stats: usize, shift: usize, means: usize, chol: usize, type: i32, K: i32, d: i32): f64 {
  const mass = massPtr(stats);
  const sum = sumPtr(stats, K);
  let q: f64 = 0;
  for (let k = 0; k < K; k++) {
    const m = ld(mass, k);
    const o = k * d;
    if (type == FULL || type == TIED) {
      const U = chol + (type == FULL ? <usize>(k * d * d) << 3 : 0);
      for (let j = 0; j < d; j++) {
        let ue: f64 = 0, us: f64 = 0;
        for (let a = 0; a <= j; a++) {
          const u = ld(U, a * d + j);
          ue += u * (ld(shift, o + a) - ld(means, o + a));
          us += u * ld(sum, o + a);
        }
        q += 2.0 * ue * us + m * ue * ue;
      }
    } else {
      for (let i = 0; i < d; i++) {
        const u = type == DIAG ? ld(chol, o + i) : ld(chol, k);
        const e = ld(shift, o + i) - ld(means, o + i);
        q += u * (u * (2.0 * e * ld(sum, o + i) + m * e * e)); // as above: an empty component adds 0
      }
    }
  }
  return q;
}

/**
 * The variational M-step from the statistics about `shift` (prior: as mstep.ts mStep), with the moments of moments()
 * (nₖ, x̄ₖ, Sₖ including regCovar; weights, means and cov hold them on the way):
 *   concentration  DP: aₖ = 1 + nₖ, bₖ = γ₀ + Σⱼ>ₖ nⱼ       Dirichlet: αₖ = γ₀ + nₖ
 *   βₖ = β₀ + nₖ,  mₖ = (β₀ m₀ + nₖ x̄ₖ) / βₖ,  δₖ = x̄ₖ − m₀
 *   full:      νₖ = ν₀ + nₖ,  Σₖ = (Ψ₀ + nₖ Sₖ + (nₖ β₀ / βₖ) δₖ δₖᵀ) / νₖ
 *   tied:      ν = ν₀ + Σnₖ/K, Σ = (Ψ₀ + S·Σnₖ/K + (β₀/K) Σₖ (nₖ/βₖ) δₖ δₖᵀ) / ν
 *   diag:      νₖ = ν₀ + nₖ,  Σₖ = (Ψ₀ + nₖ (Sₖ + (β₀/βₖ) δₖ²)) / νₖ
 *   spherical: νₖ = ν₀ + nₖ,  σₖ² = (Ψ₀ + nₖ (sₖ + (β₀/βₖ) mean(δₖ²))) / νₖ
 *   weights    DP: E[πₖ] ∝ aₖ/(aₖ+bₖ) Πⱼ<ₖ bⱼ/(aⱼ+bⱼ)     Dirichlet: αₖ / Σα
 * then U from Σ. Scikit-learn's choices, kept: covariances normalised by ν, regCovar inside
 * Sₖ. Returns the first component whose covariance is not positive definite, or -1.
 */
export function vbMStep(
  stats: usize, shift: usize, prior: usize, K: i32, d: i32, type: i32, regCovar: f64, process: i32,
  wcPrior: f64, beta0: f64, meanPrior: usize, nu0: f64, covPrior: usize,
  conc: usize, meanPrec: usize, dof: usize, weights: usize, means: usize, cov: usize, chol: usize, tmp: usize
): i32 {
  const fd = <f64>d, fK = <f64>K;
  moments(stats, shift, prior, K, d, type, regCovar, weights, means, cov, tmp);
  // concentration (nₖ is in weights)
  if (process) {
    let tail: f64 = 0;
    for (let k = K - 1; k >= 0; k--) {
      st(conc, k, 1.0 + ld(weights, k));
      st(conc, K + k, wcPrior + tail);
      tail += ld(weights, k);
    }
  } else {
    for (let k = 0; k < K; k++) st(conc, k, wcPrior + ld(weights, k));
  }
  let nsum: f64 = 0;
  for (let k = 0; k < K; k++) {
    const nk = ld(weights, k);
    nsum += nk;
    st(meanPrec, k, beta0 + nk);
  }
  // covariances from x̄ₖ (in means), before the means move
  if (type == TIED) {
    const nu = nu0 + nsum / fK;
    st(dof, 0, nu);
    const scale = nsum / fK;
    // Σₖ (nₖ/βₖ) δₖ δₖᵀ into tmp (d×d), upper triangle
    memory.fill(tmp, 0, <usize>(d * d) << 3);
    for (let k = 0; k < K; k++) {
      const f = ld(weights, k) / ld(meanPrec, k);
      for (let i = 0; i < d; i++) {
        const di = ld(means, k * d + i) - ld(meanPrior, i);
        for (let j = i; j < d; j++) {
          const dj = ld(means, k * d + j) - ld(meanPrior, j);
          st(tmp, i * d + j, ld(tmp, i * d + j) + f * di * dj);
        }
      }
    }
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        const v = (ld(covPrior, i * d + j) + ld(cov, i * d + j) * scale + beta0 / fK * ld(tmp, i * d + j)) / nu;
        st(cov, i * d + j, v);
        st(cov, j * d + i, v);
      }
    }
  } else {
    for (let k = 0; k < K; k++) {
      const nk = ld(weights, k);
      const nu = nu0 + nk;
      st(dof, k, nu);
      const r = beta0 / ld(meanPrec, k);
      if (type == FULL) {
        const C = k * d * d;
        const f = nk * beta0 / ld(meanPrec, k);
        for (let i = 0; i < d; i++) {
          const di = ld(means, k * d + i) - ld(meanPrior, i);
          for (let j = i; j < d; j++) {
            const dj = ld(means, k * d + j) - ld(meanPrior, j);
            const v = (ld(covPrior, i * d + j) + nk * ld(cov, C + i * d + j) + f * (di * dj)) / nu;
            st(cov, C + i * d + j, v);
            st(cov, C + j * d + i, v);
          }
        }
      } else if (type == DIAG) {
        for (let i = 0; i < d; i++) {
          const di = ld(means, k * d + i) - ld(meanPrior, i);
          st(cov, k * d + i, (ld(covPrior, i) + nk * (ld(cov, k * d + i) + r * (di * di))) / nu);
        }
      } else {
        let m: f64 = 0;
        for (let i = 0; i < d; i++) {
          const di = ld(means, k * d + i) - ld(meanPrior, i);
          m += di * di;
        }
        st(cov, k, (ld(covPrior, 0) + nk * (ld(cov, k) + r * (m / fd))) / nu);
      }
    }
  }
  // means, then the expected weights in place of nₖ
  for (let k = 0; k < K; k++) {
    const nk = ld(weights, k), b = ld(meanPrec, k);
    for (let i = 0; i < d; i++) st(means, k * d + i, (beta0 * ld(meanPrior, i) + nk * ld(means, k * d + i)) / b);
  }
  vbExpectedWeights(conc, K, process, weights);
  return precisionCholesky(cov, chol, tmp, type, K, d);
}

/** The expected weights E[πₖ] from the concentration (normalised to sum to 1). */
export function vbExpectedWeights(conc: usize, K: i32, process: i32, weights: usize): void {
  let s: f64 = 0;
  if (process) {
    let prod: f64 = 1;
    for (let k = 0; k < K; k++) {
      const a = ld(conc, k), b = ld(conc, K + k);
      const w = a / (a + b) * prod;
      prod *= b / (a + b);
      st(weights, k, w);
      s += w;
    }
  } else {
    for (let k = 0; k < K; k++) s += ld(conc, k);
    for (let k = 0; k < K; k++) st(weights, k, ld(conc, k) / s);
    return;
  }
  for (let k = 0; k < K; k++) st(weights, k, ld(weights, k) / s);
}

/**
 * The lower bound's parameter terms (scikit-learn's, constants dropped), after the M-step:
 *   − Σₖ ln B(νₖ, ln|Uₖ| − (d/2) ln νₖ) − ln C(concentration) − (d/2) Σₖ ln βₖ
 * with ln B(ν, l) = −(ν l + ν (d/2) ln 2 + Σᵢ<d lnΓ((ν − i)/2)) (tied: K times one term),
 * ln C = −Σₖ ln Beta(aₖ, bₖ) (DP) or lnΓ(Σα) − Σ lnΓ(αₖ) (Dirichlet).
 */
export function vbBoundTerms(chol: usize, dof: usize, meanPrec: usize, conc: usize, process: i32,
  type: i32, K: i32, d: i32): f64 {
  const fd = <f64>d;
  let wishart: f64 = 0;
  const count = type == TIED ? 1 : K;
  for (let k = 0; k < count; k++) {
    const nu = ld(dof, k);
    const l = logDetChol(chol, type, k, d) - 0.5 * fd * Math.log(nu);
    let g: f64 = 0;
    for (let i = 0; i < d; i++) g += lgamma(0.5 * (nu - <f64>i));
    wishart += -(nu * l + nu * fd * 0.5 * LN2 + g);
  }
  if (type == TIED) wishart *= <f64>K;
  let norm: f64 = 0;
  if (process) {
    for (let k = 0; k < K; k++) norm -= betaln(ld(conc, k), ld(conc, K + k));
  } else {
    let s: f64 = 0, g: f64 = 0;
    for (let k = 0; k < K; k++) {
      s += ld(conc, k);
      g += lgamma(ld(conc, k));
    }
    norm = lgamma(s) - g;
  }
  let lb: f64 = 0;
  for (let k = 0; k < K; k++) lb += Math.log(ld(meanPrec, k));
  return -wishart - norm - 0.5 * fd * lb;
}
