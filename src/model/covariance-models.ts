// The covariance models: scikit-learn's four types, and mclust's equal-volume models over
// their layouts. mclust writes Σₖ = λₖ Dₖ Aₖ Dₖᵀ (volume, orientation, shape) and names a
// model by which of the three are Equal across components, Varying, or the Identity:
//
//   full = VVV, tied = EEE, diag = VVI, spherical = VII       (scikit-learn's, by its names)
//   EII: spherical, one variance     EEI: diag, one diagonal for all components
//   EVI: diag, equal volumes (|Σₖ| equal), shapes varying     EVV: full, equal volumes
//
// An equal-volume model stores its parameters in its layout's (`structureOf`): everything
// that reads parameters (scoring, sampling, conditioning, the statistics) works unchanged,
// and only the M-step (assembly/mstep.ts poolCovariances), the parameter count and the
// check of given parameters know the constraint. mclust's other six models (VEI, EEV, VEV,
// EVE, VEE, VVE) need eigendecompositions or iterative M-steps: not offered.
import { GmmError } from '../core/errors.js';
import type { CovarianceType } from './validate.js';

export type EqualVolumeModel = 'EII' | 'EEI' | 'EVI' | 'EVV';
/** A covariance model: scikit-learn's four types, or one of mclust's equal-volume models. */
export type CovarianceModel = CovarianceType | EqualVolumeModel;
/** What `covarianceType` accepts: the models, and mclust's names for scikit-learn's four. */
export type CovarianceName = CovarianceModel | 'VVV' | 'EEE' | 'VVI' | 'VII';

export const COVARIANCE_MODELS: readonly CovarianceModel[] = ['full', 'tied', 'diag', 'spherical', 'EII', 'EEI', 'EVI', 'EVV'];

/** mclust's model names (upper case), each to the model here. */
export const MCLUST_MODELS: Readonly<Record<string, CovarianceModel>> = {
  VVV: 'full', EEE: 'tied', VVI: 'diag', VII: 'spherical', EII: 'EII', EEI: 'EEI', EVI: 'EVI', EVV: 'EVV',
};
/** mclust's models not offered, with why (for messages). */
export const MCLUST_NOT_OFFERED = ['VEI', 'EEV', 'VEV', 'EVE', 'VEE', 'VVE'];

const LAYOUT: Record<EqualVolumeModel, CovarianceType> = { EII: 'spherical', EEI: 'diag', EVI: 'diag', EVV: 'full' };

/** The model a covarianceType names (mclust's VVV, EEE, VVI and VII become scikit-learn's
 *  names), or null when it names none. */
export function modelNamed(v: unknown): CovarianceModel | null {
  if (typeof v !== 'string') return null;
  if ((COVARIANCE_MODELS as readonly string[]).includes(v)) return v as CovarianceModel;
  return Object.prototype.hasOwnProperty.call(MCLUST_MODELS, v) ? MCLUST_MODELS[v] : null;
}

/** The layout a model's parameters take (scikit-learn's type of the same shapes). */
export function structureOf(m: CovarianceModel): CovarianceType {
  return m in LAYOUT ? LAYOUT[m as EqualVolumeModel] : (m as CovarianceType);
}

/** mclust's three-letter name of a model. */
export function mclustName(m: CovarianceModel): string {
  return Object.keys(MCLUST_MODELS).find((k) => MCLUST_MODELS[k] === m)!;
}

/** The core M-step's pooling code (assembly/mstep.ts POOL_NONE, POOL_VOLUME, POOL_SHAPE). */
export function poolCode(m: CovarianceModel): number {
  return m === 'EEI' ? 2 : m in LAYOUT ? 1 : 0;
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
    case 'EVV': return 1 + K * ((d * (d + 1)) / 2 - 1);
  }
}

/** The model of a marginal or conditional of a fitted model: EII and EEI keep their
 *  constraint over any subset of features (and conditioned, as their features are
 *  independent); an equal-volume diag or full model's subsets need not, so they take their
 *  layout's type. */
export function derivedModel(m: CovarianceModel): CovarianceModel {
  return m === 'EVI' || m === 'EVV' ? structureOf(m) : m;
}

/** Relative tolerance of given parameters' constraint (fromParameters): rounding of
 *  parameters written with 15 significant digits passes, a real difference does not. */
const CONSTRAINT_TOL = 1e-9;

/** Refuses (INVALID_ARGUMENT) covariances, in the model's layout, that break its constraint:
 *  EII's variances and EEI's diagonals equal, EVI's and EVV's determinants equal (compared
 *  as log-determinants over d, from the precision factors chol). */
export function checkConstraint(m: CovarianceModel, K: number, d: number, cov: Float64Array, chol: Float64Array): void {
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
  const ld = Float64Array.from({ length: K }, (_, k) => {
    let t = 0;
    for (let i = 0; i < d; i++) t -= 2 * Math.log(chol[m === 'EVV' ? k * d * d + i * d + i : k * d + i]);
    return t;
  });
  for (let k = 1; k < K; k++) {
    // volumes |Σₖ|^(1/d), compared on the log scale: log vₖ = log|Σₖ| / d
    if (!(Math.abs(ld[k] - ld[0]) / d <= CONSTRAINT_TOL)) {
      throw new GmmError('INVALID_ARGUMENT', `covariances: ${m} (mclust) has equal volumes (determinants) for all ` +
        `components, but log|Σ| is ${ld[k]} for component ${k} and ${ld[0]} for component 0. Give covariances of equal ` +
        `determinants, or covarianceType '${structureOf(m)}'.`);
    }
  }
}
