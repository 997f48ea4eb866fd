// The covariance models: scikit-learn's four types, and mclust's constrained models over
// their layouts. mclust writes Σₖ = λₖ Dₖ Aₖ Dₖᵀ (volume, orientation, shape) and names a
// model by whether each of the three is Equal across components, Varying, or the Identity:
//
//   full = VVV, tied = EEE, diag = VVI, spherical = VII       (scikit-learn's, by its names)
//   spherical layout: EII (one variance)
//   diag layout:      EEI (one diagonal), EVI (equal volumes), VEI (Σₖ = λₖ B)
//   full layout:      EVV (equal volumes), VEE (Σₖ = λₖ C), EEV (equal eigenvalues),
//                     VEV (proportional eigenvalues), EVE and VVE (one orientation)
//
// A constrained model stores its parameters in its layout's (`structureOf`): everything
// that reads parameters (scoring, sampling, conditioning, the statistics) works unchanged,
// and only the M-step (assembly/mstep.ts constrain), the parameter count and the check of
// given parameters know the constraint: all fourteen of mclust's models.
import { GmmError } from '../core/errors.js';
import type { CovarianceType } from './validate.js';

export type ConstrainedModel = 'EII' | 'EEI' | 'EVI' | 'VEI' | 'EVV' | 'VEE' | 'EEV' | 'VEV' | 'EVE' | 'VVE';
/** A covariance model: scikit-learn's four types, or one of mclust's constrained models. */
export type CovarianceModel = CovarianceType | ConstrainedModel;
/** What `covarianceType` accepts: the models, and mclust's names for scikit-learn's four. */
export type CovarianceName = CovarianceModel | 'VVV' | 'EEE' | 'VVI' | 'VII';

export const COVARIANCE_MODELS: readonly CovarianceModel[] = ['full', 'tied', 'diag', 'spherical', 'EII', 'EEI', 'EVI', 'VEI',
  'EVV', 'VEE', 'EEV', 'VEV', 'EVE', 'VVE'];

/** mclust's model names (upper case), each to the model here. */
export const MCLUST_MODELS: Readonly<Record<string, CovarianceModel>> = {
  VVV: 'full', EEE: 'tied', VVI: 'diag', VII: 'spherical', EII: 'EII', EEI: 'EEI', EVI: 'EVI', VEI: 'VEI', EVV: 'EVV',
  VEE: 'VEE', EEV: 'EEV', VEV: 'VEV', EVE: 'EVE', VVE: 'VVE',
};

const LAYOUT: Record<ConstrainedModel, CovarianceType> = {
  EII: 'spherical', EEI: 'diag', EVI: 'diag', VEI: 'diag', EVV: 'full', VEE: 'full', EEV: 'full', VEV: 'full', EVE: 'full',
  VVE: 'full',
};
/** assembly/mstep.ts's POOL_* code of each constrained model. */
const POOL: Record<ConstrainedModel, number> = { EII: 1, EVI: 1, EVV: 1, EEI: 2, VEI: 3, VEE: 3, EEV: 4, VEV: 5, EVE: 6, VVE: 7 };

/** The model a covarianceType names (mclust's VVV, EEE, VVI and VII become scikit-learn's
 *  names), or null when it names none. */
export function modelNamed(v: unknown): CovarianceModel | null {
  if (typeof v !== 'string') return null;
  if ((COVARIANCE_MODELS as readonly string[]).includes(v)) return v as CovarianceModel;
  return Object.prototype.hasOwnProperty.call(MCLUST_MODELS, v) ? MCLUST_MODELS[v] : null;
}

/** The layout a model's parameters take (scikit-learn's type of the same shapes). */
export function structureOf(m: CovarianceModel): CovarianceType {
  return m in LAYOUT ? LAYOUT[m as ConstrainedModel] : (m as CovarianceType);
}

/** The core M-step's constraint code (assembly/mstep.ts POOL_*; 0: none). */
export function poolCode(m: CovarianceModel): number {
  return m in POOL ? POOL[m as ConstrainedModel] : 0;
}

/** Free parameters of the covariances (mclust's nVarParams; scikit-learn's count for its four). */
export function covarianceParameters(m: CovarianceModel, K: number, d: number): number {
  switch (m) {
    case 'full': return (K * d * (d + 1)) / 2;
    case 'tied': return (d * (d + 1)) / 2;
    case 'diag': return K * d;
    case 'spherical': return K;
    case 'EII': return 1;
    case 'EEI': return d;
    case 'EVI': return 1 + K * (d - 1);
    case 'VEI': return K + (d - 1);
    case 'EVV': return 1 + K * ((d * (d + 1)) / 2 - 1);
    case 'VEE': return K + (d * (d + 1)) / 2 - 1;
    case 'EEV': return 1 + (d - 1) + (K * d * (d - 1)) / 2;
    case 'VEV': return K + (d - 1) + (K * d * (d - 1)) / 2;
    case 'EVE': return 1 + K * (d - 1) + (d * (d - 1)) / 2;
    case 'VVE': return K * d + (d * (d - 1)) / 2;
  }
}

/** The model of a marginal or conditional of a fitted model. EII, EEI, VEI and VEE keep
 *  their constraint over any subset of features, and conditioned (Σₖ = λₖC gives
 *  conditional covariances λₖ(C₁₁ − C₁₂C₂₂⁻¹C₂₁)); the others' subsets need not, so they
 *  take their layout's type. */
export function derivedModel(m: CovarianceModel): CovarianceModel {
  return m === 'EII' || m === 'EEI' || m === 'VEI' || m === 'VEE' ? m : structureOf(m);
}

/** Relative tolerance of given parameters' constraint (fromParameters): rounding of
 *  parameters written with 15 significant digits passes, a real difference does not. */
const CONSTRAINT_TOL = 1e-9;

/** What each constrained model holds equal across components, for messages. */
const HOLDS: Record<'VEI' | 'VEE' | 'EEV' | 'VEV' | 'EVE' | 'VVE', string> = {
  VEI: 'one shape (diagonals proportional: Σₖ = λₖB)',
  VEE: 'proportional covariances (Σₖ = λₖC)',
  EEV: 'equal eigenvalues (Σₖ = λDₖADₖᵀ)',
  VEV: 'proportional eigenvalues (Σₖ = λₖDₖADₖᵀ)',
  EVE: 'one orientation (covariances that commute: Σₖ = λDAₖDᵀ)',
  VVE: 'one orientation (covariances that commute: Σₖ = λₖDAₖDᵀ)',
};

/** Refuses (INVALID_ARGUMENT) covariances, in the model's layout, that break its constraint
 *  beyond CONSTRAINT_TOL: EII's variances and EEI's diagonals equal; EVI's and EVV's volumes
 *  |Σₖ|^(1/d) equal (from the precision factors chol); VEI's diagonals and VEE's covariances
 *  equal once scaled to volume 1; EEV's eigenvalues equal, VEV's once scaled (eigen: the
 *  K·d eigenvalues, descending, asked for only by those two). */
export function checkConstraint(m: CovarianceModel, K: number, d: number, cov: Float64Array, chol: Float64Array,
  eigen: () => Float64Array): void {
  if (!(m in LAYOUT) || K === 1) return;
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= CONSTRAINT_TOL * Math.max(Math.abs(a), Math.abs(b));
  if (m === 'EII' || m === 'EEI') {
    const per = m === 'EII' ? 1 : d;
    for (let k = 1; k < K; k++) {
      for (let i = 0; i < per; i++) {
        if (!near(cov[k * per + i], cov[i])) {
          throw new GmmError('INVALID_ARGUMENT', `covariances: ${m} (mclust) has ${m === 'EII' ? 'one variance' : 'one diagonal'} ` +
            `for all components, but component ${k}'s ${m === 'EII' ? 'variance' : `entry ${i}`} is ${cov[k * per + i]} ` +
            `where component 0's is ${cov[i]}. Give equal covariances, or covarianceType '${structureOf(m)}'.`);
        }
      }
    }
    return;
  }
  // log|Σₖ| = −2 Σᵢ log Uᵢᵢ (full: each d×d factor's diagonal; diag: every entry)
  const full = structureOf(m) === 'full';
  const diagOf = (k: number, i: number): number => chol[full ? k * d * d + i * d + i : k * d + i];
  const ld = Float64Array.from({ length: K }, (_, k) => {
    let t = 0;
    for (let i = 0; i < d; i++) t -= 2 * Math.log(diagOf(k, i));
    return t;
  });
  // log|Σₖ| / d from a factor is only as exact as Σₖ is well conditioned (its error is about
  // cond(Σₖ)·ε): a model fitted on nearly collinear features must reload, so the tolerance of
  // what rests on it grows with the condition, estimated from the factor's diagonal
  const cond = Float64Array.from({ length: K }, (_, k) => {
    let lo = Infinity, hi = 0;
    for (let i = 0; i < d; i++) {
      lo = Math.min(lo, diagOf(k, i));
      hi = Math.max(hi, diagOf(k, i));
    }
    return (hi / lo) ** 2;
  });
  const tolWith = (k: number): number => Math.max(CONSTRAINT_TOL, 16 * Number.EPSILON * Math.max(cond[k], cond[0]));
  if (m === 'EVI' || m === 'EVV' || m === 'EEV' || m === 'EVE') {
    for (let k = 1; k < K; k++) {
      // volumes |Σₖ|^(1/d), compared on the log scale: log vₖ = log|Σₖ| / d
      if (!(Math.abs(ld[k] - ld[0]) / d <= tolWith(k))) {
        throw new GmmError('INVALID_ARGUMENT', `covariances: ${m} (mclust) has equal volumes (determinants) for all ` +
          `components, but log|Σ| is ${ld[k]} for component ${k} and ${ld[0]} for component 0. Give covariances of equal ` +
          `determinants, or covarianceType '${structureOf(m)}'.`);
      }
    }
    if (m !== 'EEV' && m !== 'EVE') return;
  }
  const c = m as keyof typeof HOLDS;
  if (c === 'EVE' || c === 'VVE') {
    // one orientation ⇔ every pair commutes (pairwise-commuting symmetric matrices share
    // eigenvectors): ‖ΣₖΣₗ − ΣₗΣₖ‖ small against ‖Σₖ‖‖Σₗ‖ (max entries), for all k < l
    const at = (k: number, i: number, j: number) => cov[k * d * d + i * d + j];
    const size = (k: number) => largest(cov.subarray(k * d * d, (k + 1) * d * d), (v) => Math.abs(v));
    for (let l = 1; l < K; l++) {
      for (let k = 0; k < l; k++) {
        let diff = 0;
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            let s = 0;
            for (let a = 0; a < d; a++) s += at(l, i, a) * at(k, a, j) - at(k, i, a) * at(l, a, j);
            diff = Math.max(diff, Math.abs(s));
          }
        }
        if (!(diff <= CONSTRAINT_TOL * size(l) * size(k) * d)) {
          throw new GmmError('INVALID_ARGUMENT', `covariances: ${m} (mclust) has ${HOLDS[c]} for all components, but component ` +
            `${l}'s and component ${k}'s do not commute (by ${(diff / (size(l) * size(k))).toPrecision(3)}, relative). Give ` +
            `covariances that meet it, or covarianceType 'full'.`);
        }
      }
    }
    return;
  }
  // each component's diagonal, covariance or eigenvalues, scaled to volume 1 (EEV: as they
  // are, their volumes being equal), compared with component 0's relative to its largest entry
  const per = c === 'VEE' ? d * d : d;
  const values = c === 'VEI' || c === 'VEE' ? cov : eigen();
  const scaled = (k: number) => Array.from(values.subarray(k * per, (k + 1) * per), (v) => (c === 'EEV' ? v : v / Math.exp(ld[k] / d)));
  const first = scaled(0), size = largest(first, (v) => Math.abs(v));
  for (let k = 1; k < K; k++) {
    const diff = largest(scaled(k), (v, i) => Math.abs(v - first[i]));
    if (!(diff <= (c === 'EEV' ? CONSTRAINT_TOL : tolWith(k)) * size)) {
      throw new GmmError('INVALID_ARGUMENT', `covariances: ${m} (mclust) has ${HOLDS[c]} for all components, but component ` +
        `${k}'s differs from component 0's by ${(diff / size).toPrecision(3)} (relative). Give covariances that meet it, or ` +
        `covarianceType '${structureOf(m)}'.`);
    }
  }
}

/** The largest f(v, i) over a list (no spread: Math.max(...a) overflows the stack past about
 *  10⁵ arguments, which d² reaches from d ≈ 400). */
function largest(a: ArrayLike<number>, f: (v: number, i: number) => number): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) m = Math.max(m, f(a[i], i));
  return m;
}

/** mclust's emModelNames, in its order (the models MclustDA and MclustSSC try). */
export const MCLUST_ORDER: readonly CovarianceModel[] = ['EII', 'spherical', 'EEI', 'VEI', 'EVI', 'diag', 'tied', 'VEE', 'EVE', 'VVE', 'EEV', 'VEV', 'EVV', 'full'];

/** mclust's models of one feature, E and V. */
export const ONE_FEATURE_MODELS: readonly CovarianceModel[] = ['EII', 'spherical'];
