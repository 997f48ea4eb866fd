// mclust's Mclust(X, G, modelNames, initialization = list(noise = guess)): a MixtureWithNoise
// for every covariance model × number of components, ranked by BIC or AIC.
import { GmmError } from '../core/errors.js';
import { core } from '../core/core.js';
import { MixtureWithNoise, REFUSED_WITH_NOISE, noiseGuess, type MixtureWithNoiseFitOptions, type MixtureWithNoiseOptions } from './noise-mixture.js';
import { SHARED_START, type SharedStart } from '../fit/init-labels.js';
import { COVARIANCE_MODELS, MCLUST_MODELS, modelNamed, type CovarianceModel, type CovarianceName } from './covariance-models.js';
import { MODEL_OPTIONS, describe, toMatrix, toSampleWeight, type MatrixInput } from './validate.js';
import { checkKeys } from './option-names.js';
import { isFitFailure, rankCandidates, typeValues } from './select.js';

/** One candidate selectNoiseModel fitted; criteria lower-is-better, with mclust's count. */
export interface NoiseSelectionResult {
  nComponents: number;
  covarianceType: CovarianceModel;
  bic: number;
  aic: number;
  logLikelihood: number;
  nParameters: number;
  nIter: number;
  converged: boolean;
  model: MixtureWithNoise;
}

export interface NoiseModelSelection {
  best: MixtureWithNoise;
  criterion: 'bic' | 'aic';
  /** Every fit, best first (by the criterion, then fewer parameters, then the order tried). */
  results: NoiseSelectionResult[];
  /** Fits that failed on the data (NOT_POSITIVE_DEFINITE, NUMERICAL, TOO_FEW_SAMPLES). */
  failed: { nComponents: number; covarianceType: CovarianceModel; error: GmmError }[];
}

/** selectNoiseModel's options: a MixtureWithNoise's, the noise guess, and the grid. */
export interface SelectNoiseModelOptions extends Omit<MixtureWithNoiseOptions, 'nComponents' | 'covarianceType'> {
  noise: ArrayLike<boolean | number>;
  /** Numbers of components: one, or a range [min, max] (default [0, 9], as Mclust with noise;
   *  0 is the noise alone: one candidate, under the covariance type whose mclust name comes
   *  first alphabetically, as mclust's pickBIC names its row 0, the same in every column). */
  nComponents?: number | readonly [number, number];
  /** Covariance models (default all fourteen). */
  covarianceTypes?: readonly CovarianceName[];
  criterion?: 'bic' | 'aic';
  sampleWeight?: ArrayLike<number> | null;
}

/**
 * mclust's Mclust(X, G, modelNames, initialization = list(noise = guess)): a MixtureWithNoise
 * for every covariance model × number of components (models outer), from the same noise guess
 * and one agglomeration of the other rows (initParams 'hc'), ranked by BIC (or AIC).
 */
export function selectNoiseModel(X: MatrixInput, options: SelectNoiseModelOptions): NoiseModelSelection {
  if (options === null || typeof options !== 'object') throw new GmmError('INVALID_TYPE', 'selectNoiseModel needs options { noise, … }.');
  // (the refused keys go on to MixtureWithNoise, which says why it refuses them)
  checkKeys(options, 'selectNoiseModel', [...MODEL_OPTIONS].filter((k) => !REFUSED_WITH_NOISE.includes(k) && k !== 'covarianceType')
    .concat(['hypervolume', 'noise', 'covarianceTypes', 'criterion', 'sampleWeight']), REFUSED_WITH_NOISE);
  const { noise, nComponents = [0, 9], covarianceTypes = COVARIANCE_MODELS, criterion = 'bic', sampleWeight, ...model } = options;
  const [lo, hi] = typeof nComponents === 'number' ? [nComponents, nComponents] : Array.isArray(nComponents) ? nComponents : [NaN, NaN];
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && lo <= hi)) {
    throw new GmmError('INVALID_OPTION', `nComponents must be a number or a range [min, max] of integers ≥ 0 (0: the noise alone); got ${describe(nComponents)}.`);
  }
  const types = typeValues(covarianceTypes);
  if (criterion !== 'bic' && criterion !== 'aic') throw new GmmError('INVALID_OPTION', `criterion must be 'bic' or 'aic'; got ${describe(criterion)}.`);
  const m = toMatrix(X, 'X');
  // every candidate checked before any fit
  const from = Math.max(lo, 1);
  const mclustName = (t: CovarianceModel): string => Object.keys(MCLUST_MODELS).find((k) => MCLUST_MODELS[k] === t) ?? t;
  const alone = types.map(modelNamed).reduce((a, b) => (mclustName(b!) < mclustName(a!) ? b : a))!;
  const candidates = [...(lo === 0 ? [new MixtureWithNoise({ ...model, nComponents: 0, covarianceType: alone })] : []),
    ...types.flatMap((t) => Array.from({ length: hi - from + 1 }, (_, i) => new MixtureWithNoise({ ...model, nComponents: from + i, covarianceType: t })))];
  const shared: SharedStart = { rows: null, hc: { made: null } };
  const results: NoiseSelectionResult[] = [], failed: NoiseModelSelection['failed'] = [];
  const w = toSampleWeight(sampleWeight, m.rows);
  noiseGuess(noise, w ?? new Float64Array(m.rows).fill(1), false); // before any fit, G = 0 included
  for (const nm of candidates) {
    const K = nm.options.nComponents!, t = modelNamed(nm.options.covarianceType!)!;
    try {
      nm.fit(m, { noise, sampleWeight: w, [SHARED_START]: shared } as MixtureWithNoiseFitOptions);
    } catch (e) {
      if (!isFitFailure(e, true)) throw e;
      failed.push({ nComponents: K, covarianceType: t, error: e });
      continue;
    }
    const v = nm.scoreSamples(m);
    let ll = 0, n = 0;
    for (let i = 0; i < v.length; i++) {
      ll += (w ? w[i] : 1) * v[i];
      n += w ? w[i] : 1;
    }
    const p = nm.nParameters();
    results.push({ nComponents: K, covarianceType: t, bic: -2 * ll + p * core().ln(n), aic: -2 * ll + 2 * p, logLikelihood: ll,
      nParameters: p, nIter: nm.nIter, converged: nm.converged, model: nm });
  }
  return rankCandidates(results, failed, criterion);
}
