// BayesianGaussianMixture's options: scikit-learn 1.2's names and defaults, validated
// before any work. The priors left out default to scikit-learn's (some from the data, at
// fit time: see src/fit/variational.ts).
import { GmmError } from '../core/errors.js';
import { resolveOptions, toTensor, asymmetricEntry, choleskyFails, describe, type GaussianMixtureOptions, type MatrixInput, type ResolvedOptions } from './validate.js';
import { priorLength } from './params.js';
import { BAYESIAN_OPTIONS, spelledAs, unknownOption } from './option-names.js';

export type WeightConcentrationPriorType = 'dirichlet_process' | 'dirichlet_distribution';

/** GaussianMixture's options less the explicit start, plus the priors. tol applies to the
 *  lower bound, a total over the rows as in scikit-learn (not a mean). */
export interface BayesianGaussianMixtureOptions
  extends Omit<GaussianMixtureOptions, 'weightsInit' | 'meansInit' | 'precisionsInit' | 'missingValues'> {
  /** 'dirichlet_process' (default; stick-breaking) or 'dirichlet_distribution'. */
  weightConcentrationPriorType?: WeightConcentrationPriorType;
  /** γ₀ > 0 (default 1/nComponents): small values favour few components. */
  weightConcentrationPrior?: number | null;
  /** β₀ > 0 (default 1). */
  meanPrecisionPrior?: number | null;
  /** m₀, d numbers (default: the data's weighted mean). */
  meanPrior?: ArrayLike<number> | null;
  /** ν₀ > d − 1 (default d). */
  degreesOfFreedomPrior?: number | null;
  /** Ψ₀ (default: the data's covariance): full/tied a d×d SPD matrix, diag d positive
   *  numbers, spherical one positive number. */
  covariancePrior?: number | ArrayLike<number> | ArrayLike<ArrayLike<number>> | MatrixInput | null;
}

const OWN: readonly string[] = BAYESIAN_OPTIONS;
const SHARED = ['nComponents', 'covarianceType', 'tol', 'regCovar', 'maxIter', 'nInit', 'initParams', 'warmStart', 'seed', 'hcModelName',
  'hcUse'];

function positive(v: unknown, name: string, fix: string): number | null {
  if (v == null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) {
    throw new GmmError('INVALID_OPTION', `${name} must be a finite number > 0; got ${describe(v)}. ${fix}`);
  }
  return v;
}

/** The options resolved; priors that need d are checked against the data at fit time (checkPriorShapes). */
export function resolveBayesianOptions(opts: unknown): ResolvedOptions {
  if (opts === undefined) opts = {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new GmmError('INVALID_TYPE', `options must be an object; got ${opts === null ? 'null' : typeof opts}.`);
  }
  const o = opts as Record<string, unknown>;
  const shared: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    if (SHARED.includes(k)) shared[k] = o[k];
    else if (!OWN.includes(k)) {
      const known = [...SHARED, ...OWN];
      const message = k === 'prior'
        ? 'unknown option "prior": that is GaussianMixture\'s mclust prior (a posterior mode); a Bayesian mixture has priors ' +
          'of its own: meanPrior, meanPrecisionPrior, degreesOfFreedomPrior, covariancePrior, weightConcentrationPrior.'
        : k === 'equalWeights'
        ? 'unknown option "equalWeights": that is GaussianMixture\'s (mclust\'s equalPro); a Bayesian mixture estimates its ' +
          'weights under its weight prior (weightConcentrationPrior, weightConcentrationPriorType).'
        : spelledAs(k, ['weightsInit', 'meansInit', 'precisionsInit'])
        ? `unknown option "${k}" (a Bayesian mixture starts from initParams or fit's initLabels or initResponsibilities, as scikit-learn's has no explicit start); the options are ${known.join(', ')}.`
        : unknownOption('option', k, known);
      throw new GmmError('INVALID_OPTION', message);
    }
  }
  const base = resolveOptions(shared);
  if (base.maxIter === 0) {
    // its JSON and its bound need one variational update (GaussianMixture takes 0)
    throw new GmmError('INVALID_OPTION', 'maxIter must be at least 1 for a BayesianGaussianMixture: its start is not a ' +
      'variational posterior until one update has run.');
  }
  if (base.covarianceModel !== base.covarianceType) {
    // the variational M-step has no pooled volumes (scikit-learn's four types only)
    throw new GmmError('INVALID_OPTION', `covarianceType '${base.covarianceModel}' (an mclust constrained model) is ` +
      `for GaussianMixture; a BayesianGaussianMixture takes 'full', 'tied', 'diag' or 'spherical' ('${base.covarianceType}' ` +
      'has the same layout).');
  }
  const type = o.weightConcentrationPriorType ?? 'dirichlet_process';
  if (type !== 'dirichlet_process' && type !== 'dirichlet_distribution') {
    throw new GmmError('INVALID_OPTION', `weightConcentrationPriorType must be 'dirichlet_process' or 'dirichlet_distribution'; got ${JSON.stringify(type)}.`);
  }
  let meanPrior: Float64Array | null = null;
  if (o.meanPrior != null) {
    const t = toTensor(o.meanPrior, 'meanPrior', 'INVALID_OPTION');
    if (t.shape.length !== 1) throw new GmmError('SHAPE_MISMATCH', `meanPrior must be a flat array of one number per feature; got shape [${t.shape.join(', ')}].`);
    meanPrior = t.data;
  }
  let covariancePrior: Float64Array | null = null;
  let covariancePriorShape: number[] | null = null;
  if (o.covariancePrior != null) {
    if (typeof o.covariancePrior === 'number') {
      covariancePrior = Float64Array.of(positive(o.covariancePrior, 'covariancePrior', '')!);
      covariancePriorShape = [];
    } else {
      const t = toTensor(o.covariancePrior, 'covariancePrior', 'INVALID_OPTION');
      covariancePrior = t.data;
      covariancePriorShape = t.shape;
    }
  }
  // its values now, where its shape gives d (a d×d matrix; diag and spherical always): the
  // rest (d against the data's) when the fit knows d
  if (covariancePrior) {
    const square = base.covarianceType === 'full' || base.covarianceType === 'tied';
    const side = covariancePriorShape?.length === 2 && covariancePriorShape[0] === covariancePriorShape[1] ? covariancePriorShape[0] : 0;
    if (!square) covariancePriorValues(covariancePrior, base.covarianceType, covariancePrior.length);
    else if (side > 0 && covariancePrior.length === side * side) covariancePriorValues(covariancePrior, base.covarianceType, side);
  }
  return {
    ...base,
    variational: {
      process: type === 'dirichlet_process',
      weightConcentrationPrior: positive(o.weightConcentrationPrior, 'weightConcentrationPrior', 'The default is 1/nComponents.'),
      meanPrecisionPrior: positive(o.meanPrecisionPrior, 'meanPrecisionPrior', 'The default is 1.'),
      meanPrior,
      degreesOfFreedomPrior: o.degreesOfFreedomPrior == null ? null
        : positive(o.degreesOfFreedomPrior, 'degreesOfFreedomPrior', 'It must exceed nFeatures − 1; the default is nFeatures.'),
      covariancePrior,
      covariancePriorShape,
    },
  };
}

/** Checks the priors that depend on the number of features d, before a fit. */
export function checkPriorShapes(o: ResolvedOptions, d: number): void {
  const v = o.variational!;
  if (v.meanPrior && v.meanPrior.length !== d) {
    throw new GmmError('SHAPE_MISMATCH', `meanPrior has ${v.meanPrior.length} numbers but X has ${d} features: give one per feature.`);
  }
  if (v.degreesOfFreedomPrior !== null && !(v.degreesOfFreedomPrior > d - 1)) {
    throw new GmmError('INVALID_OPTION', `degreesOfFreedomPrior must be greater than nFeatures − 1 = ${d - 1}; got ${v.degreesOfFreedomPrior}.`);
  }
  const cp = v.covariancePrior;
  if (!cp) return;
  const type = o.covarianceType, want = priorLength(type, d);
  // the nestings scikit-learn takes: d×d (or d·d flat) for full and tied, d for diag, a number (or [x]) for spherical
  const shape = (v.covariancePriorShape ?? [cp.length]).join();
  const ok = type === 'full' || type === 'tied' ? [`${d},${d}`, `${d * d}`] : type === 'diag' ? [`${d}`] : ['', '1'];
  if (cp.length !== want || !ok.includes(shape)) {
    const what = type === 'full' || type === 'tied' ? `a ${d}×${d} matrix` : type === 'diag' ? `${d} numbers` : 'one number';
    throw new GmmError('SHAPE_MISMATCH', `covariancePrior for covarianceType '${type}' must be ${what}; got shape [${shape}].`);
  }
  covariancePriorValues(cp, type, d);
}

/** A covariance prior's values, given its d: variances > 0 (diag, spherical); symmetric
 *  (numpy's allclose, as scikit-learn checks it; the M-step reads the upper triangle) and
 *  positive definite (the core's Cholesky must succeed) for full and tied. */
function covariancePriorValues(cp: Float64Array, type: ResolvedOptions['covarianceType'], d: number): void {
  if (type === 'diag' || type === 'spherical') {
    for (let i = 0; i < cp.length; i++) {
      if (!(cp[i] > 0)) throw new GmmError('INVALID_OPTION', `covariancePrior[${i}] is ${cp[i]}: variances must be > 0.`);
    }
    return;
  }
  const asym = asymmetricEntry(cp, 0, d);
  if (asym) {
    throw new GmmError('INVALID_OPTION', `covariancePrior is not symmetric (entries [${asym[0]}][${asym[1]}] and [${asym[1]}][${asym[0]}] differ).`);
  }
  if (choleskyFails(cp.slice(), d) >= 0) {
    throw new GmmError('INVALID_OPTION', 'covariancePrior is not positive definite: give a symmetric positive definite matrix (e.g. the data\'s covariance).');
  }
}
