// M-step from the sufficient statistics alone (see stats.ts for their layout).
//
//   nₖ = massₖ + 10·eps            wₖ = nₖ / Σ nₖ
//   δₖ = sumₖ / nₖ                 μₖ = cₖ + δₖ
//   Σₖ = (Sₖ − sumₖ δₖᵀ − δₖ sumₖᵀ + massₖ δₖ δₖᵀ) / nₖ + regCovar·I     (scatter moved from c to μ)
//   tied: Σ = Σₖ(…)/Σₖ nₖ + reg·I;  diag: the diagonal of Σₖ;  spherical: its trace / d.
//
// The 10·eps keeps an emptied component finite, as in scikit-learn: its covariance falls
// back to regCovar·I and its weight to 10·eps/Σnₖ. Its mean stays at the previous mean,
// where scikit-learn's Σrx/nₖ would jump to the origin. Returns the index of the first
// component whose covariance is not positive definite, or -1.
//
// Statistics taken again about another shift c' (em.ts, shiftLoss below) with the E-step's
// means p: sumₖ' = Σr(x − c') = sumₖ − massₖ(c' − p), so
//   δₖ = sumₖ'/nₖ − (10·eps/nₖ)(c' − p)  gives  μₖ = c' + δₖ = p + sumₖ/nₖ
// exactly in real arithmetic whatever c' is: the kept-mean rule about the previous mean,
// and the scatter moved to that μ. prior = p, or the shift itself (then the term is 0).

import { FULL, TIED, DIAG, SPHERICAL } from './types';
import { massPtr, sumPtr, scatterPtr } from './stats';
import { precisionCholesky } from './cholesky';
import { symmetricEigen } from './eigen';
import { commonOrientation, orientationScratchSize, previousOrientation } from './orientation';

export const TEN_EPS: f64 = 10.0 * 2.220446049250313e-16;
/** Below this mass (2^20 · 10·eps ≈ 2.3e-9), and below SHARE_EMPTY of all the mass (tiny
 *  sample weights make every mass tiny), shiftLoss neither weighs nor moves a component. */
export const NEAR_EMPTY: f64 = 1048576.0 * TEN_EPS;
export const SHARE_EMPTY: f64 = 1.0 / 1048576.0;

/** δ = sum/n − (10·eps/n)(c − p): the mean's move from the shift c, for statistics about c
 *  whose E-step had the means p (the block above). moments() and shiftLoss() both take δ
 *  here, so the means shiftLoss gives are the M-step's to the bit. */
// @ts-ignore: decorator
@inline function keptDelta(sum: f64, n: f64, c: f64, p: f64): f64 {
  return sum / n - (TEN_EPS / n) * (c - p);
}

/** In an EM iteration with regCovar 0, a diag or spherical variance at most (64·eps)² times
 *  its mean's squared move from the E-step's means is what the 10·eps of nₖ leaves of a
 *  component on one row (its mean lands 10·eps·move off the row, so its variance is that
 *  squared, and shrinks by 10·eps every iteration until it is 0), or of duplicate rows:
 *  zero in exact arithmetic, so singular (scikit-learn's covariance is zero or noise, mclust
 *  returns NA). A real spread moves its mean by far less than 1/(64·eps) of itself. Not at
 *  the start (a labels or k-means M-step), where the first move can dwarf a true spread
 *  that the next iteration finds. moments() records the first such component. */
const COLLAPSED: f64 = (64.0 * 2.220446049250313e-16) * (64.0 * 2.220446049250313e-16);
let collapsed: i32 = -1;

// @ts-ignore: decorator
@inline function noteCollapsed(k: i32, v: f64, move2: f64): void {
  const floor = COLLAPSED * move2;
  if (collapsed < 0 && floor < Infinity && v <= floor) collapsed = k;
}

/** Whether a component of this mass, of `masses` in all, is nearly empty (above). */
export function nearlyEmpty(mass: f64, masses: f64): bool {
  return mass < NEAR_EMPTY && mass < masses * SHARE_EMPTY;
}

/** nₖ into nk, μₖ into means and Σₖ (with regCovar) into cov, as in the block above;
 *  returns Σ nₖ. Shared by the maximum-likelihood and the variational M-steps. With
 *  checkCollapse (diag, spherical) it records in `collapsed` the first component whose
 *  variance is of rounding size (noteCollapsed; tmp then holds 2d f64). */
export function moments(
  stats: usize, shift: usize, prior: usize, K: i32, d: i32, type: i32, regCovar: f64,
  nk: usize, means: usize, cov: usize, tmp: usize, checkCollapse: bool = false
): f64 {
  const mass = massPtr(stats);
  const sum = sumPtr(stats, K);
  const scat = scatterPtr(stats, K, d);
  let total: f64 = 0;
  collapsed = -1;
  for (let k = 0; k < K; k++) total += load<f64>(mass + (<usize>k << 3)) + TEN_EPS;
  if (type == TIED) memory.fill(cov, 0, <usize>(d * d) << 3);
  for (let k = 0; k < K; k++) {
    const mk = load<f64>(mass + (<usize>k << 3));
    const n = mk + TEN_EPS;
    store<f64>(nk + (<usize>k << 3), n);
    const sk = sum + (<usize>(k * d) << 3);
    const ck = shift + (<usize>(k * d) << 3);
    const muk = means + (<usize>(k * d) << 3);
    // δ in tmp[0..d) (0 − 0 when the shift is the prior: the plain sum/n)
    const pk = prior + (<usize>(k * d) << 3);
    for (let i = 0; i < d; i++) {
      const c = load<f64>(ck + (<usize>i << 3)), p = load<f64>(pk + (<usize>i << 3));
      const delta = keptDelta(load<f64>(sk + (<usize>i << 3)), n, c, p);
      store<f64>(tmp + (<usize>i << 3), delta);
      // the mean's move from the E-step's means, (c + δ) − p, squared (collapse: tmp[d, 2d))
      if (checkCollapse) store<f64>(tmp + (<usize>(d + i) << 3), (c + delta - p) * (c + delta - p));
      store<f64>(muk + (<usize>i << 3), c + delta);
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
        if (checkCollapse) noteCollapsed(k, v, load<f64>(tmp + (<usize>(d + i) << 3)));
        store<f64>(cov + (<usize>(k * d + i) << 3), v + regCovar);
      }
    } else {
      // spherical: the trace moved from c to μ, averaged over features
      let corr: f64 = 0, move2: f64 = 0;
      for (let i = 0; i < d; i++) {
        const si = load<f64>(sk + (<usize>i << 3));
        const di = load<f64>(tmp + (<usize>i << 3));
        corr += -2.0 * si * di + mk * di * di;
        if (checkCollapse) move2 += load<f64>(tmp + (<usize>(d + i) << 3));
      }
      const v = (load<f64>(scat + (<usize>k << 3)) + corr) / n;
      if (checkCollapse) noteCollapsed(k, v / <f64>d, move2 / <f64>d);
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

/** The maximum-likelihood M-step: moments() and the precision factors, with the
 *  covariances constrained as `pool` says (POOL_*, below). tmp: mStepScratchSize(K, d) f64.
 *  warm: cov holds the parameters of the E-step (an EM iteration's M-step), from which EVE
 *  and VVE start their orientation (orientation.ts). Returns the index of the first
 *  component that is not positive definite, or -1. */
export function mStep(
  stats: usize, shift: usize, prior: usize, K: i32, d: i32, type: i32, pool: i32, regCovar: f64,
  weights: usize, means: usize, cov: usize, chol: usize, tmp: usize, warm: bool
): i32 {
  assert(K > 0 && d > 0 && regCovar >= 0 && (pool == POOL_NONE || type != TIED), 'mStep: bad arguments');
  const common = pool == POOL_EVE || pool == POOL_VVE;
  if (common && warm) previousOrientation(cov, K, d, tmp);
  // EII, EEI and EEV pool sums that stay positive definite when one Sₖ is singular (a
  // component on one row with regCovar 0), as mclust's do; the others need every Sₖ's
  // factor (EVI, EVV: its volume) or divide by its volume or shape, so they check first
  const pooledSum = pool == POOL_SHAPE || pool == POOL_EEV || (pool == POOL_VOLUME && type == SPHERICAL);
  const total = moments(stats, shift, prior, K, d, type, regCovar, weights, means, cov, tmp,
    warm && regCovar == 0 && !pooledSum && (type == DIAG || type == SPHERICAL));
  // a variance of rounding size (moments: collapsed) factors, but means nothing
  // VEI, VEE and VEV pool every Sₖ into one shape, each scaled by λₖ ∝ its spread: a
  // rank-deficient Sₖ (fewer rows than features) is fine there, as in mclust; only one with
  // no spread at all (λₖ = 0) is not
  const scaled = pool == POOL_SCALE || pool == POOL_VEV;
  let bad = pooledSum ? -1 : collapsed >= 0 ? collapsed : scaled ? flatComponent(cov, K, d, type) : precisionCholesky(cov, chol, tmp, type, K, d);
  if (bad < 0 && pool != POOL_NONE) {
    constrain(cov, chol, weights, total, K, d, type, pool, tmp, warm);
    bad = precisionCholesky(cov, chol, tmp, type, K, d);
  }
  for (let k = 0; k < K; k++) store<f64>(weights + (<usize>k << 3), load<f64>(weights + (<usize>k << 3)) / total);
  return bad;
}

/** f64 of mStep's tmp: moments' and the Cholesky's d·d, and the constrained models' buffers. */
export function mStepScratchSize(K: i32, d: i32): i32 {
  return max(4 * d * d + K + K * d, orientationScratchSize(K, d));
}

// mclust's constrained models (Celeux & Govaert 1995), Σₖ = λₖ Dₖ Aₖ Dₖᵀ (volume λ = |Σ|^(1/d),
// orientation D, shape A with |A| = 1), each M-step over the covariances Sₖ of moments()
// (regCovar included: regCovar = 0 gives mclust's, and with regCovar > 0 every Sₖ is
// positive definite),
// nₖ their masses, n = Σ nₖ (the scatter Wₖ = nₖSₖ):
//
//   POOL_VOLUME (EII, EVI, EVV): vₖ = |Sₖ|^(1/d), λ = Σ nₖvₖ / n, Σₖ = (λ/vₖ) Sₖ
//     (spherical: every σₖ² = λ); log|Sₖ| = −2 Σᵢ log Uᵢᵢ from the precision factors
//   POOL_SHAPE (EEI): Σₖ = Σⱼ nⱼSⱼ / n (diagonals)
//   POOL_SCALE (VEI on diag, VEE on full): Σₖ = λₖ C, iterating from λₖ = 1
//     C = Σₖ (nₖ/λₖ) Sₖ scaled to |C| = 1,   λₖ = tr(Sₖ C⁻¹) / d
//   POOL_EEV / POOL_VEV (full): Sₖ = Lₖ diag(ωₖ) Lₖᵀ (eigen.ts, ω descending), Dₖ = Lₖ,
//     EEV: Σₖ = Lₖ diag(Σⱼ nⱼωⱼ / n) Lₖᵀ
//     VEV: Σₖ = λₖ Lₖ diag(a) Lₖᵀ, iterating from λₖ = 1
//          a = Σₖ (nₖ/λₖ) ωₖ scaled to Π a = 1,   λₖ = Σᵢ ωₖᵢ/aᵢ / d
//   POOL_EVE / POOL_VVE (full): one orientation, shapes of their own (orientation.ts)
//
// The iterations are alternating maximisations of the likelihood; they stop once no λₖ
// moves by INNER_TOL (relative), or after MAX_INNER rounds, and end with the common part
// taken from the last λ. tmp (f64): [0, d²) work, then C or a, U, the Cholesky's work
// (d² each), λ (K), ω (K·d); the eigenvectors go to chol, which the precision factors
// overwrite after.
export const POOL_NONE: i32 = 0;
export const POOL_VOLUME: i32 = 1;
export const POOL_SHAPE: i32 = 2;
export const POOL_SCALE: i32 = 3;
export const POOL_EEV: i32 = 4;
export const POOL_VEV: i32 = 5;
/** EVE and VVE: one orientation, shapes of their own (orientation.ts). */
export const POOL_EVE: i32 = 6;
export const POOL_VVE: i32 = 7;
const INNER_TOL: f64 = 1e-13;
const MAX_INNER: i32 = 500;

// @ts-ignore: decorator
@inline function f64At(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function setF64(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }

export function constrain(cov: usize, chol: usize, nk: usize, total: f64, K: i32, d: i32, type: i32, pool: i32, tmp: usize,
  warm: bool): void {
  const per = type == FULL ? d * d : type == DIAG ? d : 1;
  if (pool == POOL_SHAPE || (pool == POOL_VOLUME && type == SPHERICAL)) {
    // a weighted mean of the Sₖ (spherical: of the σₖ², which are their volumes)
    for (let i = 0; i < per; i++) {
      let s: f64 = 0;
      for (let k = 0; k < K; k++) s += f64At(nk, k) * f64At(cov, k * per + i);
      const v = s / total;
      for (let k = 0; k < K; k++) setF64(cov, k * per + i, v);
    }
    return;
  }
  if (pool == POOL_VOLUME) {
    // vₖ in chol's first entry of each component, read before λ is known, then the scale
    let lambda: f64 = 0;
    for (let k = 0; k < K; k++) {
      const U = chol + (<usize>(k * per) << 3);
      let logDet: f64 = 0;
      for (let i = 0; i < d; i++) logDet -= 2.0 * Math.log(f64At(U, type == FULL ? i * d + i : i));
      const v = Math.exp(logDet / <f64>d);
      store<f64>(U, v);
      lambda += f64At(nk, k) * v;
    }
    lambda /= total;
    for (let k = 0; k < K; k++) scaleBy(cov + (<usize>(k * per) << 3), per, lambda / load<f64>(chol + (<usize>(k * per) << 3)));
    return;
  }
  if (pool == POOL_EVE || pool == POOL_VVE) {
    commonOrientation(cov, nk, total, K, d, pool == POOL_EVE, warm, tmp, chol);
    return;
  }
  const dd = d * d;
  const C = tmp + (<usize>dd << 3), U = tmp + (<usize>(2 * dd) << 3), work = tmp + (<usize>(3 * dd) << 3);
  const lam = tmp + (<usize>(4 * dd) << 3), omega = lam + (<usize>K << 3);
  const eigen = pool == POOL_EEV || pool == POOL_VEV;
  if (eigen) {
    for (let k = 0; k < K; k++) {
      memory.copy(tmp, cov + (<usize>(k * dd) << 3), <usize>dd << 3);
      symmetricEigen(tmp, d, omega + (<usize>(k * d) << 3), chol + (<usize>(k * dd) << 3));
    }
  }
  if (pool == POOL_EEV) {
    for (let i = 0; i < d; i++) {
      let s: f64 = 0;
      for (let k = 0; k < K; k++) s += f64At(nk, k) * f64At(omega, k * d + i);
      setF64(C, i, s / total);
    }
    for (let k = 0; k < K; k++) rotated(cov + (<usize>(k * dd) << 3), chol + (<usize>(k * dd) << 3), C, 1.0, d);
    return;
  }
  // POOL_SCALE over Sₖ (per entries each), POOL_VEV over ωₖ (d each): the common part
  // (C or a) from λ, then λ from it
  const m = eigen ? d : per;
  const src = eigen ? omega : cov;
  for (let k = 0; k < K; k++) setF64(lam, k, 1.0);
  for (let round = 0; round <= MAX_INNER; round++) {
    for (let i = 0; i < m; i++) {
      let s: f64 = 0;
      for (let k = 0; k < K; k++) s += (f64At(nk, k) / f64At(lam, k)) * f64At(src, k * m + i);
      setF64(C, i, s);
    }
    // f = |C|^(−1/d), which scales C to determinant 1
    let logDet: f64 = 0;
    if (type == FULL && !eigen) {
      precisionCholesky(C, U, work, FULL, 1, d);
      for (let i = 0; i < d; i++) logDet -= 2.0 * Math.log(f64At(U, i * d + i));
    } else {
      for (let i = 0; i < d; i++) logDet += Math.log(f64At(C, i));
    }
    const f = Math.exp(-logDet / <f64>d);
    if (round == MAX_INNER) {
      scaleBy(C, m, f);
      break;
    }
    let moved: f64 = 0;
    for (let k = 0; k < K; k++) {
      // tr(Sₖ C⁻¹) (full: Σⱼ uⱼᵀ Sₖ uⱼ over U's columns; C⁻¹ = U Uᵀ), over f·d
      let t: f64 = 0;
      if (type == FULL && !eigen) {
        const S = cov + (<usize>(k * dd) << 3);
        for (let j = 0; j < d; j++) {
          for (let a = 0; a <= j; a++) {
            let r: f64 = 0;
            for (let b = 0; b <= j; b++) r += f64At(S, a * d + b) * f64At(U, b * d + j);
            t += f64At(U, a * d + j) * r;
          }
        }
      } else {
        for (let i = 0; i < d; i++) t += f64At(src, k * m + i) / f64At(C, i);
      }
      const v = t / (f * <f64>d);
      moved = Math.max(moved, Math.abs(v - f64At(lam, k)) / v);
      setF64(lam, k, v);
    }
    // converged: one more round takes the common part from these λ
    if (moved <= INNER_TOL) round = MAX_INNER - 1;
  }
  for (let k = 0; k < K; k++) {
    if (eigen) rotated(cov + (<usize>(k * dd) << 3), chol + (<usize>(k * dd) << 3), C, f64At(lam, k), d);
    else for (let i = 0; i < m; i++) setF64(cov, k * m + i, f64At(lam, k) * f64At(C, i));
  }
}

/** The first component whose covariance has no positive (finite) trace, or -1. */
export function flatComponent(cov: usize, K: i32, d: i32, type: i32): i32 {
  const per = type == FULL ? d * d : d, step = type == FULL ? d + 1 : 1;
  for (let k = 0; k < K; k++) {
    let t: f64 = 0;
    for (let i = 0; i < d; i++) t += f64At(cov, k * per + i * step);
    if (!(t > 0 && t < Infinity)) return k;
  }
  return -1;
}

function scaleBy(p: usize, n: i32, f: f64): void {
  for (let i = 0; i < n; i++) setF64(p, i, f64At(p, i) * f);
}

/** out = s·L diag(a) Lᵀ (d×d, symmetric: the upper triangle mirrored). */
function rotated(out: usize, L: usize, a: usize, s: f64, d: i32): void {
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let v: f64 = 0;
      for (let m = 0; m < d; m++) v += f64At(L, i * d + m) * f64At(a, m) * f64At(L, j * d + m);
      setF64(out, i * d + j, s * v);
      setF64(out, j * d + i, s * v);
    }
  }
}

// How much of the M-step's precision the shift costs. Statistics about c hold
// Sᵢᵢ = Σ r (xᵢ − cᵢ)²; the M-step subtracts the part due to the mean's move δ = μ − c:
//
//   centredᵢᵢ = Sᵢᵢ − 2 sumᵢ δᵢ + mass δᵢ²        Σᵢᵢ = centredᵢᵢ / n + regCovar
//
// Rounding errs by about eps·Sᵢᵢ, so the relative error of Σᵢᵢ is about eps times
//
//   loss = Sᵢᵢ / (centredᵢᵢ + n·regCovar)           (+∞ when that is not positive)
//
// (tied: S and centred summed over components, n = Σ nₖ; spherical: traces, n·d). The
// off-diagonal terms cancel no worse than the diagonal ones bound them. A mean that moves
// by t standard deviations in one iteration gives about 1 + t².
//
// A nearly empty component (mass below NEAR_EMPTY and below SHARE_EMPTY of the total)
// keeps its shift and is not weighed
// (tied: nor is its share of the shared scatter, which no second pass would change): the
// M-step's mean c + sum/(mass + 10·eps) shrinks its move, and statistics taken again about
// the moved mean would shrink it twice; its covariance is regCovar's in all but name.

/** The largest loss over components and features (0 when no scatter: K·d means at c),
 *  and the means the M-step would give, μ = c + δ with δ as moments() takes it (prior: the
 *  E-step's means, or the shift itself), into meansOut (K·d): the shift for a pass that
 *  loses nothing (em.ts emPass). */
export function shiftLoss(stats: usize, shift: usize, prior: usize, K: i32, d: i32, type: i32, regCovar: f64, meansOut: usize,
  tmp: usize): f64 {
  const mass = massPtr(stats);
  const sum = sumPtr(stats, K);
  const scat = scatterPtr(stats, K, d);
  let worst: f64 = 0, total: f64 = 0, masses: f64 = 0;
  if (type == TIED) memory.fill(tmp, 0, <usize>d << 3); // Σₖ correction per feature
  for (let k = 0; k < K; k++) masses += load<f64>(mass + (<usize>k << 3));
  for (let k = 0; k < K; k++) {
    const mk = load<f64>(mass + (<usize>k << 3));
    const n = mk + TEN_EPS;
    total += n;
    const sk = sum + (<usize>(k * d) << 3);
    const empty = nearlyEmpty(mk, masses);
    let raw: f64 = 0, corrSum: f64 = 0;
    for (let i = 0; i < d; i++) {
      const si = load<f64>(sk + (<usize>i << 3));
      const c = load<f64>(shift + (<usize>(k * d + i) << 3));
      const di = keptDelta(si, n, c, load<f64>(prior + (<usize>(k * d + i) << 3)));
      store<f64>(meansOut + (<usize>(k * d + i) << 3), c + (empty ? 0.0 : di));
      if (empty) continue;
      const corr = -2.0 * si * di + mk * di * di;
      if (type == TIED) {
        store<f64>(tmp + (<usize>i << 3), load<f64>(tmp + (<usize>i << 3)) + corr);
        continue;
      }
      if (type == FULL || type == DIAG) {
        const S = type == FULL ? load<f64>(scat + (<usize>(k * d * d + i * d + i) << 3)) : load<f64>(scat + (<usize>(k * d + i) << 3));
        worst = worse(worst, S, S + corr + n * regCovar);
      } else {
        corrSum += corr;
      }
    }
    if (type == SPHERICAL && !empty) {
      raw = load<f64>(scat + (<usize>k << 3));
      worst = worse(worst, raw, raw + corrSum + n * <f64>d * regCovar);
    }
  }
  if (type == TIED) {
    for (let i = 0; i < d; i++) {
      const S = load<f64>(scat + (<usize>(i * d + i) << 3));
      worst = worse(worst, S, S + load<f64>(tmp + (<usize>i << 3)) + total * regCovar);
    }
  }
  return worst;
}

/** max(worst, raw / centred), with a positive raw over a centred value ≤ 0 (or NaN) as +∞. */
// @ts-ignore: decorator
@inline function worse(worst: f64, raw: f64, centred: f64): f64 {
  if (!(raw > 0)) return worst;
  if (!(centred > 0)) return Infinity;
  return max(worst, raw / centred);
}
