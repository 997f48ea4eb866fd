// The `prior` option: mclust's conjugate prior (priorControl(); Fraley & Raftery 2007),
// which makes EM find the posterior mode (MAP) of the means and covariances instead of the
// likelihood's maximum, so that no component collapses onto a few rows. Validated here
// before any work; the data-dependent defaults are resolved at fit time
// (src/fit/map-prior.ts), the M-step is the core's (assembly/map.ts).
import { GmmError } from '../core/errors.js';
import { describe, toTensor, choleskyFails, asymmetricEntry, type MatrixInput } from './validate.js';
import { structureOf, type CovarianceModel } from './covariance-models.js';

/** What `prior` takes besides true: each field left out takes mclust's default. */
export interface ConjugatePriorOptions {
  /** κ ≥ 0 (default 0.01): how many rows' weight the prior mean has; 0 shrinks no mean. */
  shrinkage?: number;
  /** μₚ, d numbers (default: the data's weighted mean); needs shrinkage > 0. */
  mean?: ArrayLike<number> | null;
  /** ν > 0 (default d + 2). */
  dof?: number | null;
  /** Λ (default (1/K)^(2/d) times the data's covariance, its diagonal when there are no more
   *  rows than features): a d×d symmetric positive definite matrix for the ellipsoidal
   *  models, one number ≥ 0 (the default: the mean of those variances) for the diagonal and
   *  spherical ones and for one feature. */
  scale?: number | ArrayLike<number> | ArrayLike<ArrayLike<number>> | MatrixInput | null;
}

/** The option resolved; null fields default from the data at fit time. */
export interface ResolvedPrior {
  shrinkage: number;
  mean: Float64Array | null;
  dof: number | null;
  scale: Float64Array | null;
  /** The nesting scale was given with ([] for a number). */
  scaleShape: number[] | null;
}

/** The prior a fit used, every default resolved (scale: d·d or 1 numbers, by the model). */
export interface PriorParams {
  shrinkage: number;
  mean: Float64Array;
  dof: number;
  scale: Float64Array;
}

/** The models mclust has a prior for (it has none for VEE, EVE, VVE and EVV). */
export const PRIOR_MODELS: readonly CovarianceModel[] = ['EII', 'spherical', 'EEI', 'VEI', 'EVI', 'diag', 'tied', 'EEV', 'VEV', 'full'];

/** mclust's default shrinkage (priorControl()). */
export const DEFAULT_SHRINKAGE = 0.01;

/** Whether the model's prior scale is a matrix (the ellipsoidal models, for d > 1). */
export function matrixScale(model: CovarianceModel, d: number): boolean {
  const layout = structureOf(model);
  return d > 1 && (layout === 'full' || layout === 'tied');
}

/** The prior scale's length for a model: d·d, or one number. */
export function priorScaleLength(model: CovarianceModel, d: number): number {
  return matrixScale(model, d) ? d * d : 1;
}

/** A copy that shares no array with p. */
export function copyPrior(p: PriorParams): PriorParams {
  return { ...p, mean: p.mean.slice(), scale: p.scale.slice() };
}

/** The option `prior` resolved (null: none), refused for a model without one. */
export function resolvePrior(v: unknown, model: CovarianceModel): ResolvedPrior | null {
  if (v === undefined || v === null || v === false) return null;
  if (!PRIOR_MODELS.includes(model)) {
    throw new GmmError('INVALID_OPTION', `prior: mclust has no conjugate prior for covarianceType '${model}' (none for VEE, ` +
      `EVE, VVE and EVV): use one of ${PRIOR_MODELS.map((m) => `'${m}'`).join(', ')} (PRIOR_MODELS: selectModel's ` +
      'covarianceTypes for all of them, as mclustBIC with a prior), or leave prior out.');
  }
  if (v === true) return { shrinkage: DEFAULT_SHRINKAGE, mean: null, dof: null, scale: null, scaleShape: null };
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new GmmError('INVALID_OPTION', `prior must be true, false or an object { shrinkage, mean, dof, scale }; got ${describe(v)}.`);
  }
  const o = v as Record<string, unknown>;
  const keys = ['shrinkage', 'mean', 'dof', 'scale'];
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new GmmError('INVALID_OPTION', `prior has no field "${k}": its fields are ${keys.join(', ')}.`);
  }
  const shrinkage = o.shrinkage ?? DEFAULT_SHRINKAGE;
  if (typeof shrinkage !== 'number' || !Number.isFinite(shrinkage) || shrinkage < 0) {
    throw new GmmError('INVALID_OPTION', `prior.shrinkage must be a finite number ≥ 0; got ${describe(o.shrinkage)}. The default is 0.01.`);
  }
  let mean: Float64Array | null = null;
  if (o.mean != null) {
    if (shrinkage === 0) {
      throw new GmmError('INVALID_OPTION', 'prior.mean is given but prior.shrinkage is 0, which shrinks no mean towards it: ' +
        'give a shrinkage > 0, or leave mean out (as mclust refuses it).');
    }
    const t = toTensor(o.mean, 'prior.mean', 'INVALID_OPTION');
    if (t.shape.length !== 1) throw new GmmError('SHAPE_MISMATCH', `prior.mean must be a flat array of one number per feature; got shape [${t.shape.join(', ')}].`);
    mean = t.data;
  }
  const dof = o.dof ?? null;
  if (dof !== null && (typeof dof !== 'number' || !Number.isFinite(dof) || !(dof > 0))) {
    throw new GmmError('INVALID_OPTION', `prior.dof must be a finite number > 0; got ${describe(dof)}. The default is nFeatures + 2.`);
  }
  let scale: Float64Array | null = null, scaleShape: number[] | null = null;
  if (o.scale != null) {
    if (typeof o.scale === 'number') {
      if (!Number.isFinite(o.scale) || o.scale < 0) {
        throw new GmmError('INVALID_OPTION', `prior.scale must be a finite number ≥ 0 (or a d×d matrix for an ellipsoidal model); got ${describe(o.scale)}.`);
      }
      scale = Float64Array.of(o.scale);
      scaleShape = [];
    } else {
      const t = toTensor(o.scale, 'prior.scale', 'INVALID_OPTION');
      scale = t.data;
      scaleShape = t.shape;
    }
  }
  return { shrinkage, mean, dof: dof as number | null, scale, scaleShape };
}

/** Checks the prior's d-dependent shapes against the data (at fit time). */
export function checkConjugatePriorShape(p: ResolvedPrior, model: CovarianceModel, d: number): void {
  if (p.mean && p.mean.length !== d) {
    throw new GmmError('SHAPE_MISMATCH', `prior.mean has ${p.mean.length} numbers but X has ${d} features: give one per feature.`);
  }
  if (!p.scale) return;
  if (!matrixScale(model, d)) {
    if (p.scale.length !== 1) {
      throw new GmmError('SHAPE_MISMATCH', `prior.scale for covarianceType '${model}'${d === 1 ? ' on one feature' : ''} is one number ` +
        `(mclust's scale for its diagonal and spherical models); got ${p.scale.length} numbers.`);
    }
    if (!(p.scale[0] >= 0 && p.scale[0] < Infinity)) throw new GmmError('INVALID_OPTION', `prior.scale must be a finite number ≥ 0; got ${p.scale[0]}.`);
    return;
  }
  const shape = p.scaleShape ?? [];
  if (p.scale.length !== d * d || (shape.length === 2 && (shape[0] !== d || shape[1] !== d))) {
    throw new GmmError('SHAPE_MISMATCH', `prior.scale for covarianceType '${model}' is a ${d}×${d} matrix (X has ${d} features); ` +
      `got shape [${shape.join(', ')}].`);
  }
  const asym = asymmetricEntry(p.scale, 0, d);
  if (asym) throw new GmmError('INVALID_OPTION', `prior.scale is not symmetric: entries (${asym[0]}, ${asym[1]}) and (${asym[1]}, ${asym[0]}) differ.`);
  if (!p.scale.every((x) => x === 0) && choleskyFails(p.scale.slice(), d) >= 0) {
    throw new GmmError('INVALID_OPTION', 'prior.scale is not positive definite (nor zero): give a covariance-like matrix, such as ' +
      'a multiple of the data\'s covariance.');
  }
}

/** The core's rules (mirrors assembly/map.ts MAP_*): one per model mclust has a prior for,
 *  and mclust's single-Gaussian (mvn) and one-feature (E, V) rules. */
const MAP_RULE: Record<string, number> = { EII: 1, spherical: 2, EEI: 3, VEI: 4, EVI: 5, diag: 6, tied: 7, EEV: 8, VEV: 9, full: 10 };
const MAP_E1 = 11, MAP_V1 = 12, MAP_XXX = 13;

/** The core's rule for a model with K components and d features. */
export function priorRule(model: CovarianceModel, K: number, d: number): number {
  // one component: mclust's mvn (XII, XXI, XXX) by the layout, whatever the constraint
  const layout = structureOf(model);
  if (K === 1) return layout === 'spherical' ? MAP_RULE.spherical : layout === 'diag' ? MAP_RULE.diag : MAP_XXX;
  // one feature: mclust's E and V, by the volume's letter (tied is EEE; full, diag and spherical vary)
  if (d === 1) return model.startsWith('E') || model === 'tied' ? MAP_E1 : MAP_V1;
  return MAP_RULE[model];
}

/** The option as given, in plain values (getParams and toJSON): a restored model resolves
 *  the same prior. */
export function priorOption(p: ResolvedPrior): ConjugatePriorOptions | true {
  if (p.shrinkage === DEFAULT_SHRINKAGE && !p.mean && p.dof === null && !p.scale) return true;
  const out: ConjugatePriorOptions = { shrinkage: p.shrinkage };
  if (p.mean) out.mean = Array.from(p.mean);
  if (p.dof !== null) out.dof = p.dof;
  if (p.scale) {
    const side = p.scaleShape?.length === 2 ? p.scaleShape[0] : 0;
    out.scale = p.scaleShape?.length === 0 ? p.scale[0]
      : side > 0 ? Array.from({ length: side }, (_, i) => Array.from(p.scale!.subarray(i * side, i * side + side))) : Array.from(p.scale);
  }
  return out;
}
