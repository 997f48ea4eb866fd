// GaussianMixture: the scikit-learn-like API. Owns options and fitted state; every
// method validates first, then calls the core, and only then changes the model.
import { core, seedCore, TYPE_CODE } from '../core/core.js';
import { arenaFor, withNestedArena, ADDRESS_SPACE_BYTES } from '../core/arena.js';
import { GmmError } from '../core/errors.js';
import { runFit, fitBytes, weightsFor } from '../fit/run.js';
import type { IterationInfo } from '../fit/driver.js';
import { scoreInto, type ScoreOutputs } from './score.js';
import { hasNaN, rowObserved, scoreMarginalInto, imputeMatrix } from './missing.js';
import { missingBytes, missingData, runMissingFit, type MissingData } from '../fit/missing-fit.js';
import { toJSONObject, fromJSONObject, parametersOnly, parseModelJSON, type GaussianMixtureJSON } from './serialize.js';
import { parametersState, type MixtureParameters } from './from-parameters.js';
import type { FittedState, Params } from './params.js';
import { checkKeys } from './option-names.js';
import { createCoordinator } from '../fit/variational.js';
import { classificationRows, toLabels, toResponsibilities, SHARED_START, type Classification, type SharedStart } from '../fit/init-labels.js';
import { Shard } from '../fit/shard.js';
import { notPd } from '../fit/driver.js';
import { CHUNK_ROWS } from '../fit/chunks.js';
import { combineNodes } from '../fit/tree.js';
import { SufficientStatistics, paramsFingerprint } from '../fit/statistics.js';
import { runFitAsync, abortedError } from '../parallel/fit-async.js';
import { WorkerPool, checkPoolOptions, checkSignal } from '../parallel/workers.js';
import type { SpawnOptions } from '../parallel/spawn.js';
import { runFitStream, INIT_SAMPLE_DEFAULT, INIT_SAMPLE_MAX, type StreamSource, type FitStreamOptions } from '../parallel/stream.js';
import {
  featureIndices, givenValues, marginalParams, conditionParams, predictConditionalParams, remainingFeatures, type ConditionalPrediction,
} from './conditional.js';
import {
  resolveOptions, toMatrix, toSampleWeight, checkInitShapes, peekShape, fitBytesLowerBound, describe, columnNames, checkColumnNames,
  nameMismatch,
  countsMeetPrior, type GaussianMixtureOptions, type ResolvedOptions, type NanPolicy, type Matrix, type MatrixInput,
} from './validate.js';
import { covarianceParameters, derivedModel, type CovarianceModel } from './covariance-models.js';
import { copyPrior, priorOption, type PriorParams } from './conjugate-prior.js';

export interface FitAsyncOptions extends FitOptions, SpawnOptions {
  /** Workers to use (default: the available cores; 0: in this thread, yielding between
   *  iterations). Ignored when X is a WorkerPool. */
  workers?: number;
  /** Stops the fit: the promise rejects with ABORTED and the model is unchanged. */
  signal?: AbortSignal;
}

export interface FitOptions {
  /** Non-negative weight per row (not all zero); weights every statistic and the lower bound. */
  sampleWeight?: ArrayLike<number> | null;
  /** A start from a clustering: one label in [0, K) per row, as one-hot responsibilities
   *  and one M-step (scikit-learn's 'kmeans' start from its k-means labels). Replaces
   *  initParams; needs nInit 1; weightsInit / meansInit / precisionsInit still override. */
  initLabels?: ArrayLike<number> | null;
  /** A start from soft responsibilities (mclust's z): rows × K, each row ≥ 0 summing to 1, for
   *  one M-step (mclust's mstep(z); with EM after it, me(z)). As initLabels otherwise. */
  initResponsibilities?: MatrixInput | null;
  /** Called after every EM iteration (progress reporting). */
  onIteration?: (info: IterationInfo) => void;
}

/** > 0 while a user callback (onIteration) runs: fit and sample, which reseed the core's
 *  shared random generator, are refused there (scoring is safe). */
let callbackDepth = 0;

function refuseReentry(what: string): void {
  if (callbackDepth > 0) {
    throw new GmmError('REENTRANT', `${what} was called from inside an onIteration callback, where it would disturb the ` +
      'running fit (they share the core\'s random generator): call it after fit() returns.');
  }
}

/** { columns: the model's column names } where it has them, else nothing (for outputs shaped as X). */
function named(s: FittedState): { columns?: string[] } {
  return s.featureNames ? { columns: s.featureNames.slice() } : {};
}

/** A warm start continues from parameters bound to the fitted columns by position: X whose
 *  columns are named otherwise (another order) is refused; X without names is not checked. */
function checkWarmNames(warm: FittedState, names: string[] | null): void {
  const had = warm.featureNames;
  if (!had || !names) return;
  const j = nameMismatch(names, had);
  if (j >= 0) {
    throw new GmmError('FEATURE_MISMATCH', `X's column ${j} is named ${JSON.stringify(names[j])} where the model being warm-started ` +
      `has ${JSON.stringify(had[j])}: pass the columns it was fitted on, in that order, or use a model with warmStart: false.`);
  }
}

/** A deep copy: every array of the options (the Bayesian priors' too) is the copy's own. */
function copyOptions(o: ResolvedOptions): ResolvedOptions {
  const v = o.variational;
  return {
    ...o,
    weightsInit: o.weightsInit?.slice() ?? null,
    meansInit: o.meansInit?.slice() ?? null,
    precisionsInit: o.precisionsInit?.slice() ?? null,
    precisionsInitShape: o.precisionsInitShape?.slice() ?? null,
    prior: o.prior ? {
      ...o.prior, mean: o.prior.mean?.slice() ?? null, scale: o.prior.scale?.slice() ?? null, scaleShape: o.prior.scaleShape?.slice() ?? null,
    } : null,
    ...(v ? {
      variational: {
        ...v, meanPrior: v.meanPrior?.slice() ?? null, covariancePrior: v.covariancePrior?.slice() ?? null,
        ...(v.covariancePriorShape !== undefined ? { covariancePriorShape: v.covariancePriorShape?.slice() ?? null } : {}),
      },
    } : {}),
  };
}

/** Whether equalWeights is on and a weight is not 1/K (to rounding): a model that says its
 *  weights are fixed, which nParameters then leaves out of its count, must have them so. */
function unequalWeight(o: ResolvedOptions, weights: Float64Array): boolean {
  return o.equalWeights && weights.some((w) => !(Math.abs(w - 1 / weights.length) <= 1e-12));
}

/** Options of score, bic and aic. */
export interface CriterionOptions {
  /** One weight ≥ 0 per row of X: the rows count as if repeated (selectModel's criteria). */
  sampleWeight?: ArrayLike<number> | null;
}

export interface SampleResult {
  X: Matrix;
  labels: Int32Array;
}

/** The onIteration and signal options of the asynchronous fits; returns the signal. */
function checkCallbacks(o: { onIteration?: unknown; signal?: unknown }): AbortSignal | undefined {
  if (o.onIteration !== undefined && typeof o.onIteration !== 'function') {
    throw new GmmError('INVALID_OPTION', `onIteration must be a function; got ${typeof o.onIteration}.`);
  }
  return checkSignal(o.signal);
}

/** Refuses a second argument to a method that takes X alone (a scikit-learn habit such as
 *  score_samples(X, sample_weight) would otherwise be dropped without a word). */
function onlyX(count: number, what: string): void {
  if (count > 1) {
    throw new GmmError('INVALID_ARGUMENT', `${what} takes X alone: it scores each row by itself (weights change nothing there); ` +
      'score(X, { sampleWeight }) and bic/aic take weights.');
  }
}

export class GaussianMixture {
  protected readonly opts: ResolvedOptions;
  protected state: FittedState | null = null;
  /** A fitAsync or fitStream of this model is running: nothing else may set its state. */
  private running = false;

  /** Runs an asynchronous fit with this model marked as running, and sets its result as the
   *  state (none on error). An abort that arrives before the result is set wins, also one
   *  from the last onIteration, which every path (in-process, workers, stream) then reports
   *  alike: ABORTED, the model unchanged. */
  private async runExclusive(fit: () => Promise<FittedState>, signal: AbortSignal | undefined): Promise<void> {
    this.running = true;
    try {
      const state = await fit();
      if (signal?.aborted) throw abortedError(signal);
      this.state = state;
    } finally {
      this.running = false;
    }
  }

  /** Refuses what would set the state while an asynchronous fit runs (it would then lose to,
   *  or overwrite, that fit's result). */
  private refuseWhileRunning(what: string): void {
    if (this.running) {
      throw new GmmError('REENTRANT', `${what} was called while a fitAsync or fitStream of this model is running: await it ` +
        '(or abort it with its signal) first, or fit another GaussianMixture.');
    }
  }

  constructor(options: GaussianMixtureOptions = {}) {
    this.opts = (new.target as typeof GaussianMixture).resolve(options);
  }

  /** @internal the options resolved (a subclass resolves its own). */
  protected static resolve(options: unknown): ResolvedOptions {
    return resolveOptions(options);
  }

  /** The resolved options (defaults filled in): a copy, so changing it does not change the model. */
  get options(): Readonly<ResolvedOptions> {
    return copyOptions(this.opts);
  }

  /** Fits by EM. On any error the model is left exactly as it was. */
  fit(X: MatrixInput, fitOptions: FitOptions = {}): this {
    this.fitImpl(X, fitOptions);
    return this;
  }

  /** Fits, then labels the training data: equals fit(X).predict(X). */
  fitPredict(X: MatrixInput, fitOptions: FitOptions = {}): Int32Array {
    const m = this.fitImpl(X, fitOptions);
    return this.predictMatrix(m);
  }

  private fitImpl(X: MatrixInput, fitOptions: FitOptions): Matrix {
    refuseReentry('fit()');
    this.refuseWhileRunning('fit()');
    if (fitOptions === null || typeof fitOptions !== 'object') {
      throw new GmmError('INVALID_TYPE', 'fit options must be an object such as { sampleWeight }.');
    }
    checkKeys(fitOptions, 'fit', ['sampleWeight', 'initLabels', 'initResponsibilities', 'onIteration']);
    if (fitOptions.onIteration !== undefined && typeof fitOptions.onIteration !== 'function') {
      throw new GmmError('INVALID_OPTION', `onIteration must be a function such as (info) => console.log(info.lowerBound); got ${typeof fitOptions.onIteration}.`);
    }
    const o = this.opts;
    // from the shape alone, before any entry is copied or checked
    const shape = peekShape(X);
    if (shape) {
      const bytes = fitBytesLowerBound(shape.rows, shape.cols, o);
      if (bytes > ADDRESS_SPACE_BYTES) {
        throw new GmmError('TOO_LARGE', `fitting ${shape.rows}×${shape.cols} data with ${o.nComponents} ${o.covarianceType} ` +
          `components needs more than ${(bytes / 2 ** 30).toFixed(1)} GiB of WebAssembly memory, more than its 4 GiB address ` +
          'space allows: fit on a subsample of rows, or use fewer components or a cheaper covarianceType.');
      }
    }
    const m = toMatrix(X, 'X', o.missingValues === 'marginalize' ? 'allow' : 'refuse');
    const featureNames = columnNames(X, m.cols);
    const warm = o.warmStart && this.state ? this.state : null;
    if (warm && warm.params.d !== m.cols) {
      throw new GmmError('FEATURE_MISMATCH', `X has ${m.cols} features but the model being warm-started has ${warm.params.d}: ` +
        'pass the same features, or use a model with warmStart: false to fit new ones.');
    }
    if (warm) checkWarmNames(warm, featureNames);
    const w = toSampleWeight(fitOptions.sampleWeight, m.rows);
    let positive = m.rows;
    if (w) positive = w.reduce((s, v) => s + (v > 0 ? 1 : 0), 0);
    // with missing entries missingData counts the rows with an observed value (and reports
    // an X with none as EMPTY_INPUT first)
    const incomplete = o.missingValues === 'marginalize' && hasNaN(m);
    if (positive < o.nComponents && !incomplete) {
      throw new GmmError('TOO_FEW_SAMPLES', `nComponents = ${o.nComponents} needs at least that many samples${w ? ' of positive weight' : ''}; X has ${positive}. Reduce nComponents or add data.`);
    }
    checkInitShapes(o, m.cols);
    const labels = this.givenStart(fitOptions, m.rows, !!warm);
    const user = fitOptions.onIteration;
    const onIteration = user === undefined ? undefined : (info: IterationInfo): void => {
      callbackDepth++;
      try {
        withNestedArena(() => user({ ...info }));
      } finally {
        callbackDepth--;
      }
    };
    // data with NaN (missingValues: 'marginalize'): incomplete-data EM; without, the ordinary fit
    const share = (fitOptions as { [SHARED_START]?: SharedStart })[SHARED_START]?.hc ?? null;
    const r = (incomplete ? runMissingFit : runFit)({ ...m, columns: featureNames }, w, o,
      warm ? { params: warm.params, lowerBound: warm.lowerBound } : null, onIteration, labels, share);
    this.state = { ...r, featureNames };
    return m;
  }

  /** initLabels or initResponsibilities validated against the rows and the options (null
   *  when neither is given). */
  private givenStart(f: FitOptions, rows: number, warm: boolean): Classification | null {
    const name = f.initLabels != null ? 'initLabels' : f.initResponsibilities != null ? 'initResponsibilities' : null;
    if (name === null) return null;
    if (f.initLabels != null && f.initResponsibilities != null) {
      throw new GmmError('INVALID_OPTION', 'initLabels and initResponsibilities are two starts: give one of them.');
    }
    if (this.opts.nInit !== 1) {
      throw new GmmError('INVALID_OPTION', `${name} gives the one start, so nInit must be 1 (it is ${this.opts.nInit}): ` +
        `use nInit 1, or leave ${name} out for nInit restarts.`);
    }
    if (warm) {
      throw new GmmError('INVALID_OPTION', `${name} cannot be used with warmStart on a fitted model (the fit continues from ` +
        'the fitted parameters): use a model with warmStart false.');
    }
    return f.initLabels != null ? toLabels(f.initLabels, rows, this.opts.nComponents)
      : toResponsibilities(f.initResponsibilities, rows, this.opts.nComponents).data;
  }

  /**
   * Fits by EM off the caller's thread: on workers (each with its own core instance and a
   * shard of the data), or in this thread yielding between iterations where there are no
   * threads. Bit-identical to fit(). X may be a WorkerPool that already holds the data.
   * On abort (signal) the promise rejects with ABORTED; the model is unchanged on any error.
   */
  async fitAsync(X: MatrixInput | WorkerPool, options: FitAsyncOptions = {}): Promise<this> {
    this.refuseWhileRunning('fitAsync()');
    const po = checkPoolOptions(options, ['sampleWeight', 'onIteration', 'signal', 'initLabels', 'initResponsibilities']);
    const signal = checkCallbacks(options);
    const o = this.opts;
    let data: Matrix | WorkerPool, w: Float64Array | null = null, positive: number, featureNames: string[] | null = null;
    // data with missing entries: the rows with an observed entry, imputed, and as given (raw)
    let missing: MissingData | null = null, rowsGiven = 0;
    if (X instanceof WorkerPool) {
      if (options.sampleWeight != null) {
        throw new GmmError('INVALID_OPTION', 'sampleWeight goes with the data: pass it to WorkerPool.create, not to fitAsync(pool).');
      }
      for (const k of ['workers', 'workerUrl', 'createWorker'] as const) {
        if (options[k] !== undefined) {
          throw new GmmError('INVALID_OPTION', `${k} is the WorkerPool's: pass it to WorkerPool.create, not to fitAsync(pool).`);
        }
      }
      for (const k of ['initLabels', 'initResponsibilities'] as const) {
        if (options[k] != null) {
          throw new GmmError('INVALID_OPTION', `${k} needs the rows in their order, which a WorkerPool has spread over its ` +
            `workers: pass X itself to fitAsync with ${k}.`);
        }
      }
      X.check();
      if (X.missing && o.missingValues !== 'marginalize') {
        throw new GmmError('INVALID_OPTION', "this WorkerPool holds rows with missing entries (created with missingValues: " +
          "'marginalize'): fit it with a GaussianMixture that has missingValues: 'marginalize' (a BayesianGaussianMixture " +
          'takes no missing values).');
      }
      if (countsMeetPrior(o) && X.weightsRescaled) {
        throw new GmmError('INVALID_OPTION', 'this WorkerPool multiplied its sample weights by a power of two (their largest lies ' +
          `beyond 2^±100), which changes a ${o.prior ? 'fit with a prior' : 'Bayesian fit'}, whose counts meet its priors: ` +
          'create the pool with weights whose largest lies within [2^-100, 2^100], or fit X itself.');
      }
      data = X;
      positive = X.positiveRows;
      featureNames = X.featureNames;
    } else {
      const m = toMatrix(X, 'X', o.missingValues === 'marginalize' ? 'allow' : 'refuse');
      featureNames = columnNames(X, m.cols);
      w = toSampleWeight(options.sampleWeight, m.rows);
      positive = w ? w.reduce((s, v) => s + (v > 0 ? 1 : 0), 0) : m.rows;
      data = m;
      rowsGiven = m.rows;
      if (o.missingValues === 'marginalize' && hasNaN(m)) {
        // as fit() does (fit/missing-fit.ts): the kept rows' weights, then rescaled
        missing = missingData({ ...m, columns: featureNames }, w, o.nComponents);
        data = missing.held;
        w = missing.w;
      } else if (w) w = weightsFor(w, o);
    }
    const warm = o.warmStart && this.state ? this.state : null;
    if (warm && warm.params.d !== data.cols) {
      throw new GmmError('FEATURE_MISMATCH', `X has ${data.cols} features but the model being warm-started has ${warm.params.d}: ` +
        'pass the same features, or use a model with warmStart: false to fit new ones.');
    }
    if (warm) checkWarmNames(warm, featureNames);
    // initParams 'hc' agglomerates the rows in their order in this thread (fit/hc-start.ts)
    const shared = (options as { [SHARED_START]?: SharedStart })[SHARED_START] ?? null;
    if (data instanceof WorkerPool && !warm && !shared?.rows && o.initParams === 'hc' && !(o.weightsInit && o.meansInit && o.precisionsInit)) {
      throw new GmmError('INVALID_OPTION', "initParams 'hc' needs every row in one place, in order, and a WorkerPool has spread " +
        'the rows over its workers: pass X itself to fitAsync, which agglomerates them in this thread and then fits on workers.');
    }
    if (positive < o.nComponents) {
      throw new GmmError('TOO_FEW_SAMPLES', `nComponents = ${o.nComponents} needs at least that many samples; X has ${positive}. Reduce nComponents or add data.`);
    }
    checkInitShapes(o, data.cols);
    let labels = data instanceof WorkerPool ? null : this.givenStart(options, rowsGiven, !!warm);
    if (labels && missing) labels = classificationRows(labels, missing.kept, o.nComponents);
    const user = options.onIteration;
    await this.runExclusive(async () => ({ ...await runFitAsync(data, w, o, warm ? { params: warm.params, lowerBound: warm.lowerBound } : null, {
      labels, raw: missing?.raw, shared,
      workers: po.workers, signal, spawn: { workerUrl: po.workerUrl, createWorker: po.createWorker },
      onIteration: user ? (info) => user({ ...info }) : undefined,
    }), featureNames }), signal);
    return this;
  }

  /**
   * Fits by EM over data read from `source` once per pass (data larger than memory): the
   * source returns an iterable or async iterable of chunks (rows, { data, rows, cols }, or
   * Apache Arrow tables / record batches) with the same rows in the same order each time.
   * Equals fit() on the concatenation when the initialisation sample holds every row.
   */
  async fitStream(source: StreamSource, options: FitStreamOptions = {}): Promise<this> {
    this.refuseWhileRunning('fitStream()');
    if (typeof source !== 'function') {
      throw new GmmError('INVALID_TYPE', 'fitStream needs a function that returns the chunks anew for each pass, ' +
        'e.g. () => readChunks(\'big.csv\').');
    }
    if (options === null || typeof options !== 'object') throw new GmmError('INVALID_TYPE', 'fitStream options must be an object.');
    checkKeys(options, 'fitStream', ['signal', 'onIteration', 'initSampleSize']);
    const k = options.initSampleSize ?? INIT_SAMPLE_DEFAULT;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < this.opts.nComponents || k > INIT_SAMPLE_MAX) {
      throw new GmmError('INVALID_OPTION', `initSampleSize must be an integer from nComponents (${this.opts.nComponents}) to 2^26; ` +
        `got ${describe(k)}. The sample is held in memory.`);
    }
    const signal = checkCallbacks(options);
    const o = this.opts;
    const warm = o.warmStart && this.state ? this.state : null;
    if (o.meansInit) checkInitShapes(o, o.meansInit.length / o.nComponents);
    const user = options.onIteration;
    // a warm start's names are checked against each named chunk as it is read
    await this.runExclusive(() => runFitStream(source, o, warm ? { params: warm.params, lowerBound: warm.lowerBound } : null, {
      signal, initSampleSize: k, onIteration: user ? (info) => user({ ...info }) : undefined, warmNames: warm?.featureNames ?? null,
    }), signal);
    return this;
  }

  private fitted(what: string): FittedState {
    if (!this.state) throw new GmmError('NOT_FITTED', `${what} needs a fitted model: call fit(X) first (or load one with GaussianMixture.fromJSON).`);
    return this.state;
  }

  private checked(X: MatrixInput, what: string, nan: NanPolicy = this.opts.missingValues === 'marginalize' ? 'allow' : 'refuse'):
  { s: FittedState; m: Matrix } {
    const s = this.fitted(what);
    const m = toMatrix(X, 'X', nan);
    if (m.cols !== s.params.d) {
      throw new GmmError('FEATURE_MISMATCH', `X has ${m.cols} features but the model was fitted on ${s.params.d}: ` +
        'pass rows with the same features, in the same order, as in fit().');
    }
    checkColumnNames(X, m.cols, s.featureNames ?? null);
    return { s, m };
  }

  /** Scoring outputs for the rows of m; NaN entries are marginalised out when the option
   *  missingValues is 'marginalize'. */
  private scoreRows(m: Matrix, out: ScoreOutputs): void {
    (this.opts.missingValues === 'marginalize' ? scoreMarginalInto : scoreInto)(this.state!.params, m, out);
  }

  /** @internal scoring outputs (score.ts) for the rows of m, checked by the caller. */
  scoreWith(m: Matrix, out: ScoreOutputs): void {
    this.fitted('scoring');
    this.scoreRows(m, out);
  }

  private predictMatrix(m: Matrix): Int32Array {
    const labels = new Int32Array(m.rows);
    this.scoreRows(m, { labels });
    return labels;
  }

  /** Most likely component of each row. */
  predict(X: MatrixInput): Int32Array {
    onlyX(arguments.length, 'predict');
    const { m } = this.checked(X, 'predict');
    return this.predictMatrix(m);
  }

  /** Posterior probability of each component for each row (rows × K, rows sum to 1). */
  predictProba(X: MatrixInput): Matrix {
    onlyX(arguments.length, 'predictProba');
    const { s, m } = this.checked(X, 'predictProba');
    const resp = new Float64Array(m.rows * s.params.K);
    this.scoreRows(m, { resp });
    return { data: resp, rows: m.rows, cols: s.params.K };
  }

  /** Log-density log p(x) of each row under the mixture. */
  scoreSamples(X: MatrixInput): Float64Array {
    onlyX(arguments.length, 'scoreSamples');
    const { m } = this.checked(X, 'scoreSamples');
    const lse = new Float64Array(m.rows);
    this.scoreRows(m, { lse });
    return lse;
  }

  /** Mean log-likelihood of the rows; with sampleWeight, Σ w·log p(x) / Σ w over the rows of
   *  positive weight (integer weights equal repeated rows). */
  score(X: MatrixInput, options: CriterionOptions = {}): number {
    const { m, w } = this.checkedWeighted(X, options, 'score'); // errors name score, not scoreSamples
    const v = new Float64Array(m.rows);
    this.scoreRows(m, { lse: v });
    if (!w) {
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i];
      return s / v.length;
    }
    // a row of weight 0 does not count (its log-density may even be −∞)
    let s = 0, n = 0;
    for (let i = 0; i < v.length; i++) {
      if (w[i] > 0) {
        s += w[i] * v[i];
        n += w[i];
      }
    }
    return s / n;
  }

  /** Number of free parameters (as scikit-learn counts them; mclust's count for its models). */
  nParameters(): number {
    const { K, d } = this.fitted('nParameters').params;
    // with equalWeights the weights are fixed, not estimated (mclust's nMclustParams with equalPro)
    return covarianceParameters(this.opts.covarianceModel, K, d) + K * d + (this.opts.equalWeights ? 0 : K - 1);
  }

  /** Bayesian information criterion on X (lower is better): −2·log-likelihood + p·ln n; with
   *  sampleWeight the log-likelihood and n are weighted (n = Σw), as selectModel's. */
  bic(X: MatrixInput, options: CriterionOptions = {}): number {
    const { mean, n } = this.criterionTerms(X, options, 'bic');
    return -2 * mean * n + this.nParameters() * core().ln(n);
  }

  /** Akaike information criterion on X (lower is better), weighted as bic. */
  aic(X: MatrixInput, options: CriterionOptions = {}): number {
    const { mean, n } = this.criterionTerms(X, options, 'aic');
    return -2 * mean * n + 2 * this.nParameters();
  }

  /** X and its sample weights (null when none are given), checked before any work. */
  private checkedWeighted(X: MatrixInput, options: CriterionOptions, what: string): { m: Matrix; w: Float64Array | null } {
    this.fitted(what);
    if (options === null || typeof options !== 'object') {
      throw new GmmError('INVALID_TYPE', `${what}'s options must be an object such as { sampleWeight }; got ${options === null ? 'null' : typeof options}.`);
    }
    checkKeys(options, what, ['sampleWeight']);
    const { m } = this.checked(X, what);
    const w = toSampleWeight(options.sampleWeight, m.rows);
    if (w && !Number.isFinite(w.reduce((a, v) => a + v, 0))) {
      throw new GmmError('INVALID_SAMPLE_WEIGHT', `sampleWeight sums past the range of doubles, and ${what} counts the ` +
        'weights (n = Σw): divide them by a common factor.');
    }
    return { m, w };
  }

  /** The log-likelihood per unit of n and the n of the criteria: over the rows with an
   *  observed value and a positive weight (with missing values a row with none carries no
   *  information, as in the fit), summed as selectModel sums them, whose bits these are. */
  private criterionTerms(X: MatrixInput, options: CriterionOptions, what: string): { mean: number; n: number } {
    const { m, w } = this.checkedWeighted(X, options, what);
    const lse = new Float64Array(m.rows);
    this.scoreRows(m, { lse });
    let total = 0, n = 0;
    for (let i = 0; i < m.rows; i++) {
      if (rowObserved(m, i) && (!w || w[i] > 0)) {
        const wi = w ? w[i] : 1;
        total += wi * lse[i];
        n += wi;
      }
    }
    if (n === 0) throw new GmmError('EMPTY_INPUT', `${what}: no row of X has an observed value: the criteria need data.`);
    return { mean: total / n, n };
  }

  /** Draws n samples; the same seed gives the same samples in every runtime. */
  sample(n = 1, options: { seed?: number } = {}): SampleResult {
    refuseReentry('sample()');
    const s = this.fitted('sample');
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      throw new GmmError('INVALID_ARGUMENT', `sample(n) needs an integer n ≥ 1; got ${describe(n)}.`);
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new GmmError('INVALID_TYPE', `sample options must be an object such as { seed: 1 }; got ${options === null ? 'null' : typeof options}.`);
    }
    checkKeys(options, 'sample', ['seed']);
    const seed = options.seed ?? this.opts.seed;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
      throw new GmmError('INVALID_ARGUMENT', `sample seed must be an integer between 0 and 2^53−1; got ${describe(seed)}.`);
    }
    const { K, d } = s.params;
    const c = core();
    const arena = arenaFor(c);
    arena.reserve(n * (d * 8 + 4) + 1024, `sampling ${n} rows`);
    const weights = arena.put(s.params.weights);
    const means = arena.put(s.params.means);
    const chol = arena.put(s.params.precisionsCholesky);
    const out = arena.allocF64(n * d);
    const labels = arena.alloc(n * 4);
    const z = arena.allocF64(d);
    seedCore(c, seed);
    c.sample(n, d, K, TYPE_CODE[s.params.covarianceType], weights, means, chol, out, labels, z);
    // named as the model's columns, so the draws fit and score as data with those names
    const X: Matrix = { data: arena.f64(out, n * d).slice(), rows: n, cols: d, ...named(s) };
    return { X, labels: arena.i32(labels, n).slice() };
  }

  /**
   * A copy of X with every NaN replaced under the fitted mixture: method 'mean' (default),
   * the conditional expectation Σₖ p(k | x_o) E[x_m | x_o, k]; 'sample', a draw from the
   * conditional mixture (seeded by `seed`, default the model's; the same bits in every
   * runtime). Rows without NaN come back unchanged. Works on any fitted model.
   */
  impute(X: MatrixInput, options: { method?: 'mean' | 'sample'; seed?: number } = {}): Matrix {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new GmmError('INVALID_TYPE', 'impute options must be an object such as { method: \'mean\' }.');
    }
    checkKeys(options, 'impute', ['method', 'seed']);
    const method = options.method ?? 'mean';
    if (method !== 'mean' && method !== 'sample') {
      throw new GmmError('INVALID_OPTION', `impute method must be 'mean' or 'sample'; got ${JSON.stringify(method)}.`);
    }
    const seed = options.seed ?? this.opts.seed;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
      throw new GmmError('INVALID_ARGUMENT', `impute seed must be an integer between 0 and 2^53−1; got ${describe(seed)}.`);
    }
    if (method === 'sample') refuseReentry('impute() with method \'sample\'');
    this.mixtureState('impute'); // a conditional of the point estimates: not for a variational mixture
    const { s, m } = this.checked(X, 'impute', 'allow');
    return { data: imputeMatrix(s.params, m, method, seed), rows: m.rows, cols: m.cols, ...named(s) };
  }

  /** The parameters an E-step would use now: the fitted ones, or the explicit start
   *  (weightsInit, meansInit and precisionsInit all given) of a model not fitted yet. */
  private currentParams(what: string): Params {
    if (this.state) return this.state.params;
    const o = this.opts;
    if (!(o.weightsInit && o.meansInit && o.precisionsInit)) {
      // a Bayesian mixture takes no explicit start: only a fit gives it parameters
      throw new GmmError('NOT_FITTED', o.variational ? `${what} needs parameters: fit the model first (or load one with ` +
        'BayesianGaussianMixture.fromJSON).' : `${what} needs parameters: fit the model first, or give weightsInit, meansInit ` +
        'and precisionsInit for an explicit start.');
    }
    const d = o.meansInit.length / o.nComponents;
    checkInitShapes(o, d);
    const c = core();
    const co = createCoordinator(c, arenaFor(c), o, d);
    co.applyExplicitStart();
    return co.read();
  }

  /**
   * The E-step over these rows with the current parameters: sufficient statistics that
   * merge with those of the other rows (mergeStatistics) and feed one M-step
   * (applyStatistics). rowOffset is the global index of the first row, a multiple of
   * CHUNK_ROWS, so that pieces line up with the chunks and the result has the same bits as
   * fit() on all rows. Without a fitted model, the explicit start (weightsInit, meansInit,
   * precisionsInit) is used. shift: the point recentreShift() gave (K×d, row-major), to
   * take the same E-step's statistics about it instead of the means.
   */
  computeStatistics(X: MatrixInput, options: { sampleWeight?: ArrayLike<number> | null; rowOffset?: number;
    shift?: Float64Array | readonly number[] | null } = {}): SufficientStatistics {
    if (options === null || typeof options !== 'object') {
      throw new GmmError('INVALID_TYPE', 'computeStatistics options must be an object such as { rowOffset: 0 }.');
    }
    checkKeys(options, 'computeStatistics', ['sampleWeight', 'rowOffset', 'shift']);
    const rowOffset = options.rowOffset ?? 0;
    if (typeof rowOffset !== 'number' || !Number.isSafeInteger(rowOffset) || rowOffset < 0 || rowOffset % CHUNK_ROWS !== 0) {
      throw new GmmError('INVALID_ARGUMENT', `rowOffset must be the global index of the piece's first row: an integer from 0 ` +
        `to 2^53 − 1 and a multiple of CHUNK_ROWS (${CHUNK_ROWS}); got ${describe(rowOffset)}. ` +
        'Cut the data into pieces of whole chunks.');
    }
    const p = this.currentParams('computeStatistics');
    const shift = options.shift == null ? null : toShift(options.shift, p.K, p.d);
    const m = toMatrix(X, 'X', this.opts.missingValues === 'marginalize' ? 'allow' : 'refuse');
    if (m.cols !== p.d) {
      throw new GmmError('FEATURE_MISMATCH', `X has ${m.cols} features but the model has ${p.d}: pass rows with the same features.`);
    }
    checkColumnNames(X, m.cols, this.state?.featureNames ?? null);
    // a piece may have no weight at all; applyStatistics refuses data of zero total weight
    let w = toSampleWeight(options.sampleWeight, m.rows, true);
    // missing entries: the incomplete-data E-step over the rows as given; a row with nothing
    // observed keeps its place (the chunks are the data's) with weight 0, where fit() drops it
    const raw = hasNaN(m) ? m.data : null;
    if (raw) {
      w = Float64Array.from({ length: m.rows }, (_, r) => (rowObserved(m, r) ? (w ? w[r] : 1) : 0));
    }
    if (rowOffset / CHUNK_ROWS + Math.ceil(m.rows / CHUNK_ROWS) > 2 ** 31) {
      throw new GmmError('INVALID_ARGUMENT', `rowOffset ${rowOffset} puts the piece past chunk 2^31 (2^31 × ${CHUNK_ROWS} rows), ` +
        'the most the statistics format indexes: data of that many rows cannot be fitted.');
    }
    const c = core();
    const arena = arenaFor(c);
    arena.reserve(fitBytes(m.rows, m.cols, this.opts, w !== null) + (raw ? missingBytes(c, m.rows, m.cols, p.K) : 0),
      `statistics of ${m.rows}×${m.cols} rows`);
    const co = createCoordinator(c, arena, this.opts, p.d);
    co.write(p);
    co.logConstants();
    // with missing entries the E-step reads raw; no initialisation runs here
    const shard = new Shard(c, arena, rowOffset / CHUNK_ROWS, m.cols, false).add(raw ? null : m.data, m.rows, w, raw);
    shard.prepare(p.K, TYPE_CODE[p.covarianceType]);
    if (shift) co.shift.set(shift);
    const nodes = shard.em(co.eStepPtrs(shift !== null));
    return SufficientStatistics.create(p, rowOffset / CHUNK_ROWS, m.rows, nodes, shift);
  }

  /** Merges the statistics of disjoint pieces (same bits in any order). */
  static mergeStatistics(list: readonly SufficientStatistics[]): SufficientStatistics {
    return SufficientStatistics.merge(list);
  }

  /**
   * One M-step from statistics that cover the data (merged from every piece, from row 0;
   * `rows`, the number of rows of the whole data, also catches a missing last piece): the model's
   * parameters become the M-step's, lowerBound the mean log-likelihood of the parameters
   * the statistics were computed with, nIter grows by one and converged says whether the
   * lower bound moved by less than tol. The model is unchanged if anything is wrong.
   */
  applyStatistics(stats: SufficientStatistics, options: { rows?: number } = {}): this {
    refuseReentry('applyStatistics()');
    this.refuseWhileRunning('applyStatistics()');
    const { co, root } = this.statisticsRoot(stats, options, 'applyStatistics');
    // any shift gives this M-step (assembly/mstep.ts); recentreShift's loses no precision,
    // one far from the means all of it (judged before the M-step replaces the means; a
    // component collapsed onto a point passes, and is NOT_POSITIVE_DEFINITE as in fit())
    let cost: string | null = null;
    if (stats.shift) {
      co.shift.set(stats.shift);
      cost = co.shiftCost(co.shiftLoss(root, true));
    }
    if (cost) {
      throw new GmmError('INVALID_STATISTICS', `these statistics were taken about a shift far from the means they give (${cost}): ` +
        'take them about the shift recentreShift() returns, or about none.');
    }
    const { lower, bad } = co.update(root, stats.shift !== null);
    // as in fit(): a variational update reports a covariance not positive definite with a NaN bound
    if (bad >= 0) throw notPd(bad, co, 'in applyStatistics');
    if (!Number.isFinite(lower)) {
      throw new GmmError('NUMERICAL', `the statistics give a log-likelihood of ${lower}` +
        (root[1] > 0 ? ': the data are out of the range the model can represent; scale the features.'
          : ': every row has weight 0 (or, with missing values, nothing observed: such rows count for nothing; drop them).'));
    }
    const prev = this.state;
    this.state = {
      params: co.read(),
      converged: prev !== null && Math.abs(lower - prev.lowerBound) < this.opts.tol,
      nIter: (prev?.nIter ?? 0) + 1,
      lowerBound: lower,
      // a file written before lowerBounds has none: its iterations stay unknown
      ...(!prev || prev.lowerBounds ? { lowerBounds: [...(prev?.lowerBounds ?? []), lower] } : {}),
      featureNames: prev?.featureNames ?? null, // the statistics carry none: the model's own stay
    };
    return this;
  }

  /**
   * Where to take these statistics again before applyStatistics, or null when they are
   * good as they are: the means they give, when the M-step would lose more than about 6
   * bits to cancellation (a mean that moved far in one step, or a feature nearly constant
   * within a component). fit() makes the same check on every iteration; a map-reduce
   * that follows it (computeStatistics again with { shift }, then applyStatistics) gives
   * fit()'s bits. Statistics already taken about a shift give null. Checks as
   * applyStatistics; the model is unchanged.
   */
  recentreShift(stats: SufficientStatistics, options: { rows?: number } = {}): Float64Array | null {
    refuseReentry('recentreShift()');
    this.refuseWhileRunning('recentreShift()');
    const { co, root } = this.statisticsRoot(stats, options, 'recentreShift');
    if (stats.shift || !Number.isFinite(co.statsLowerBound(root))) return null;
    return co.recentre(root) ? co.shift.slice() : null;
  }

  /** applyStatistics' and recentreShift's checks of the statistics against this model and
   *  the data; the root of their tree, and a coordinator holding the current parameters. */
  private statisticsRoot(stats: SufficientStatistics, options: { rows?: number }, what: string) {
    if (!(stats instanceof SufficientStatistics)) {
      throw new GmmError('INVALID_TYPE', `${what} needs SufficientStatistics (from computeStatistics, mergeStatistics or fromBytes).`);
    }
    if (options === null || typeof options !== 'object') {
      throw new GmmError('INVALID_TYPE', `${what} options must be an object such as { rows }, the number of rows of the whole data; got ${describe(options)}.`);
    }
    checkKeys(options, what, ['rows']);
    if (options.rows !== undefined && (!Number.isSafeInteger(options.rows) || options.rows < 1)) {
      throw new GmmError('INVALID_OPTION', `rows must be the number of rows of the whole data, an integer ≥ 1; got ${describe(options.rows)}.`);
    }
    const p = this.currentParams(what);
    if (stats.covarianceType !== p.covarianceType || stats.nComponents !== p.K || stats.nFeatures !== p.d) {
      throw new GmmError('STATISTICS_MISMATCH', `these statistics are of a ${stats.nComponents}-component ${stats.covarianceType} ` +
        `model over ${stats.nFeatures} features; this model has ${p.K} ${p.covarianceType} components over ${p.d}.`);
    }
    if (stats.fingerprint !== paramsFingerprint(p, stats.shift)) {
      throw new GmmError('STATISTICS_MISMATCH', 'these statistics were computed with other parameters than the model has now ' +
        '(an M-step has happened since, or another model computed them): compute them again with this model.');
    }
    const range = stats.chunkRange;
    if (!range) {
      throw new GmmError('INVALID_STATISTICS', `the statistics leave gaps (chunks ${stats.ranges.map((r) => `${r[0]}–${r[1] - 1}`).join(', ')}): ` +
        'merge the statistics of every piece of the data first.');
    }
    if (range[0] !== 0) {
      throw new GmmError('INVALID_STATISTICS', `the statistics start at chunk ${range[0]} (row ${range[0] * CHUNK_ROWS}): the piece ` +
        'with rowOffset 0 is missing; merge the statistics of every piece of the data first.');
    }
    if (options.rows !== undefined && stats.rows !== options.rows) {
      throw new GmmError('INVALID_STATISTICS', `the statistics cover ${stats.rows} rows, not the ${options.rows} of the data: ` +
        'a piece is missing (or counted twice); merge the statistics of every piece.');
    }
    let root: Float64Array;
    try {
      root = combineNodes(stats.nodes, range[0], range[1]);
    } catch (e) {
      throw new GmmError('INVALID_STATISTICS', `the statistics do not cover their chunks exactly (${(e as Error).message}): ` +
        'merge what computeStatistics returned, unmodified.');
    }
    const c = core();
    const co = createCoordinator(c, arenaFor(c), this.opts, p.d);
    co.write(p);
    if (what === 'applyStatistics' && this.opts.prior && co.wantsDataMoments && !p.prior) {
      // a model no fit with its prior produced (fromParameters): the prior's defaults need the data
      throw new GmmError('INVALID_OPTION', `${what} with prior needs the prior's data-dependent defaults, which only a fit ` +
        'resolves: fit the model first, or give prior.mean and prior.scale.');
    }
    co.logConstants();
    return { p, co, root };
  }

  get isFitted(): boolean { return this.state !== null; }
  get weights(): Float64Array { return this.fitted('weights').params.weights.slice(); }
  get means(): Matrix {
    const p = this.fitted('means').params;
    return { data: p.means.slice(), rows: p.K, cols: p.d };
  }
  get covariances(): Float64Array { return this.fitted('covariances').params.covariances.slice(); }
  get precisionsCholesky(): Float64Array { return this.fitted('precisionsCholesky').params.precisionsCholesky.slice(); }
  /** The precision matrices Σ⁻¹ = U Uᵀ (scikit-learn's precisions_), in the layout of
   *  covariances; formed in the core from precisionsCholesky, never by inverting Σ. */
  get precisions(): Float64Array {
    const p = this.fitted('precisions').params;
    const n = p.precisionsCholesky.length;
    const c = core();
    const arena = arenaFor(c);
    const chol = arena.put(p.precisionsCholesky);
    const out = arena.allocF64(n);
    c.precisionsFromCholesky(chol, out, TYPE_CODE[p.covarianceType], p.K, p.d);
    return arena.f64(out, n).slice();
  }
  get converged(): boolean { return this.fitted('converged').converged; }
  get nIter(): number { return this.fitted('nIter').nIter; }
  get lowerBound(): number { return this.fitted('lowerBound').lowerBound; }
  /** The lower bound after each EM iteration of the fit kept, nIter of them (scikit-learn's
   *  lower_bounds_; empty for a model no fit produced, and for one loaded from a file written
   *  before lowerBounds); applyStatistics appends its own. */
  get lowerBounds(): Float64Array { return Float64Array.from(this.fitted('lowerBounds').lowerBounds ?? []); }
  /** The conjugate prior the fit used (the `prior` option) with its defaults resolved, or
   *  null for a fit without one (a copy). */
  get prior(): PriorParams | null {
    const p = this.fitted('prior').params.prior;
    return p ? copyPrior(p) : null;
  }
  get nFeatures(): number { return this.fitted('nFeatures').params.d; }
  /** The names of the columns fitted on (X's columns in fit), or null: scikit-learn's feature_names_in_. */
  get featureNames(): string[] | null { return this.fitted('featureNames').featureNames?.slice() ?? null; }
  /** The covariance model as named (mclust's VVV, EEE, VVI and VII as 'full', 'tied', 'diag', 'spherical'). */
  get covarianceType(): CovarianceModel { return this.opts.covarianceModel; }
  get nComponents(): number { return this.opts.nComponents; }

  /**
   * The constructor's options with their defaults filled in, as plain values (scikit-learn's
   * get_params): `new GaussianMixture(gm.getParams())` is an unfitted copy of gm's settings
   * (clone), whose fits give the same bits. toJSON() stores the same object.
   */
  getParams(): GaussianMixtureOptions {
    const o = this.opts;
    const options: Record<string, unknown> = {
      nComponents: o.nComponents, covarianceType: o.covarianceModel, tol: o.tol, regCovar: o.regCovar,
      maxIter: o.maxIter, nInit: o.nInit, initParams: o.initParams, warmStart: o.warmStart, seed: o.seed,
    };
    options.missingValues = o.missingValues;
    // the initial parameters are options too: a restored model refits from the same start
    if (o.weightsInit) options.weightsInit = Array.from(o.weightsInit);
    if (o.meansInit) {
      const d = o.meansInit.length / o.nComponents;
      options.meansInit = Array.from({ length: o.nComponents }, (_, k) => Array.from(o.meansInit!.subarray(k * d, k * d + d)));
    }
    if (o.precisionsInit) options.precisionsInit = Array.from(o.precisionsInit);
    if (o.prior) options.prior = priorOption(o.prior);
    if (o.equalWeights) options.equalWeights = true;
    // mclust's hc options, where not its defaults (older JSON has neither)
    if (o.hcModelName !== 'VVV') options.hcModelName = o.hcModelName;
    if (o.hcUse !== 'SVD') options.hcUse = o.hcUse;
    return options as GaussianMixtureOptions;
  }

  /** A plain JSON-safe object with the options and fitted parameters. */
  toJSON(): GaussianMixtureJSON {
    const options = this.getParams() as Record<string, unknown>;
    if (options.missingValues === 'error') delete options.missingValues; // the default, as files before it was an option
    return toJSONObject(options, this.fitted('toJSON'));
  }

  /** Rebuilds a fitted model from toJSON() output (an object or its JSON string). */
  static fromJSON(json: GaussianMixtureJSON | string | unknown): GaussianMixture {
    core(); // NOT_INITIALIZED before any check of the file, as every method
    const j = parseModelJSON(json); // once, for both readings
    const hand = parametersOnly(j);
    if (hand) return modelFromParameterFile(hand);
    const { options, state, raw } = fromJSONObject(j);
    if (raw.variational !== undefined) {
      throw new GmmError('INVALID_JSON', 'fromJSON: this is a BayesianGaussianMixture model: load it with BayesianGaussianMixture.fromJSON.');
    }
    let gm: GaussianMixture;
    try {
      gm = new GaussianMixture(options as GaussianMixtureOptions);
    } catch (e) {
      throw new GmmError('INVALID_JSON', `fromJSON: invalid options: ${(e as Error).message}`);
    }
    if (unequalWeight(gm.opts, state.params.weights)) {
      throw new GmmError('INVALID_JSON', 'fromJSON: the options hold every weight at 1/nComponents (equalWeights) but the file\'s ' +
        'weights differ from it: the file was edited or corrupted.');
    }
    gm.state = state;
    return gm;
  }

  /** A fitted model from known parameters (scikit-learn: setting weights_, means_ and
   *  covariances_ by hand; mclust: dens(parameters = …)), in the layouts the getters give:
   *  it scores, predicts, samples, conditions, serialises and warm-starts as a fitted one.
   *  K comes from the weights, d from the means; options as the constructor's
   *  (covarianceType says the covariances' layout). converged is false, nIter 0 and
   *  lowerBound −∞: no fit ran. */
  static fromParameters(parameters: MixtureParameters, options: GaussianMixtureOptions = {}): GaussianMixture {
    if (this !== GaussianMixture) {
      throw new GmmError('INVALID_ARGUMENT', 'fromParameters builds a GaussianMixture: a BayesianGaussianMixture is defined by its ' +
        'posterior, not by point parameters. Call GaussianMixture.fromParameters.');
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new GmmError('INVALID_TYPE', `fromParameters options must be an object; got ${describe(options)}.`);
    }
    const w = (parameters as { weights?: { length?: unknown } } | null)?.weights?.length;
    const given = (options as { nComponents?: unknown }).nComponents;
    // the options first, as the constructor checks them (K from the weights where not given)
    const gm = new GaussianMixture({ ...options, nComponents: given ?? (typeof w === 'number' && w >= 1 ? w : 1) } as GaussianMixtureOptions);
    gm.state = parametersState(parameters, gm.opts.covarianceModel, given as number | undefined, (d) => checkInitShapes(gm.opts, d));
    if (unequalWeight(gm.opts, gm.state.params.weights)) {
      gm.state = null;
      throw new GmmError('INVALID_INIT', 'equalWeights holds every weight at 1/nComponents, but the weights given differ from it: ' +
        'give equal weights, or leave equalWeights out.');
    }
    return gm;
  }

  /** A fitted model over other features (marginal, condition): these options without the
   *  initial parameters and the prior (their shapes no longer fit) and without equalWeights (a
   *  conditional's weights are the components' posterior weights), converged, nIter and
   *  lowerBound of this fit. */
  private derived(s: FittedState, params: Params, kept: number[]): GaussianMixture {
    const gm = new GaussianMixture();
    const opts: ResolvedOptions = { ...copyOptions(this.opts), covarianceModel: derivedModel(this.opts.covarianceModel),
      weightsInit: null, meansInit: null, precisionsInit: null, precisionsInitShape: null, prior: null, equalWeights: false };
    const names = s.featureNames ? kept.map((j) => s.featureNames![j]) : null;
    Object.assign(gm, { opts, state: { ...s, params, featureNames: names } });
    return gm;
  }

  /** The fitted state, for marginals and conditionals: of a maximum-likelihood mixture only. */
  private mixtureState(what: string): FittedState {
    const s = this.fitted(what);
    if (this.opts.variational) {
      throw new GmmError('INVALID_ARGUMENT', `${what} is defined for a GaussianMixture, not a variational one: a ` +
        'BayesianGaussianMixture scores with its Wishart posterior terms (as scikit-learn), so conditionals of its point ' +
        'estimates would not match its scoreSamples. For the point estimates, build a GaussianMixture from its weights, ' +
        'means and covariances: GaussianMixture.fromParameters({ weights, means, covariances }, { covarianceType }).');
    }
    return s;
  }

  /** The mixture over `features` (in that order), exact: a new fitted model of the same covariance type. */
  marginal(features: ArrayLike<number>): GaussianMixture {
    const s = this.mixtureState('marginal');
    const f = featureIndices(features, s.params.d, 'features', true);
    return this.derived(s, marginalParams(s.params, f), Array.from(f));
  }

  /** The mixture over the other features (in increasing order) given x[given[i]] = values[i]:
   *  a new fitted model of the same covariance type. */
  condition(given: ArrayLike<number>, values: ArrayLike<number>): GaussianMixture {
    const s = this.mixtureState('condition');
    const g = featureIndices(given, s.params.d, 'given', false);
    return this.derived(s, conditionParams(s.params, g, givenValues(values, g.length)), Array.from(remainingFeatures(s.params.d, g)));
  }

  /** Per row of X (the values of the `given` features, in that order): E[other features | given]
   *  and, with { covariance: true }, Cov[other features | given] (full q×q matrices). */
  predictConditional(X: MatrixInput, given: ArrayLike<number>, options: { covariance?: boolean } = {}): ConditionalPrediction {
    const s = this.mixtureState('predictConditional');
    const g = featureIndices(given, s.params.d, 'given', false);
    if (options === null || typeof options !== 'object') {
      throw new GmmError('INVALID_TYPE', `predictConditional options must be an object such as { covariance: true }; got ${describe(options)}.`);
    }
    checkKeys(options, 'predictConditional', ['covariance']);
    if (options.covariance !== undefined && typeof options.covariance !== 'boolean') {
      throw new GmmError('INVALID_OPTION', `covariance must be true or false; got ${describe(options.covariance)}.`);
    }
    const m = toMatrix(X, 'Xgiven');
    if (m.cols !== g.length) {
      throw new GmmError('FEATURE_MISMATCH', `X has ${m.cols} columns but ${g.length} features are given: pass only the ` +
        'given features\' values, in the order of `given`.');
    }
    checkColumnNames(X, m.cols, s.featureNames ? Array.from(g, (j) => s.featureNames![j]) : null, 'Xgiven',
      'the given features\' columns');
    const p = predictConditionalParams(s.params, g, m, options.covariance === true);
    // the means' columns: the features not given, in increasing order
    if (s.featureNames) p.mean.columns = Array.from(remainingFeatures(s.params.d, g), (j) => s.featureNames![j]);
    return p;
  }
}

/** computeStatistics' shift: a Float64Array or an array of K·d finite numbers (what
 *  recentreShift returns, or its JSON); other typed arrays would round it. */
function toShift(shift: unknown, K: number, d: number): Float64Array {
  // by tag, not instanceof: a Float64Array from another realm (a vm context, a frame) is one too
  const f64 = Object.prototype.toString.call(shift) === '[object Float64Array]';
  const a = shift as ArrayLike<unknown>;
  const what = `shift must be a Float64Array or an array of K·d = ${K * d} finite numbers, what recentreShift() returned`;
  if (!f64 && !Array.isArray(shift)) {
    const got = ArrayBuffer.isView(shift) ? Object.prototype.toString.call(shift).slice(8, -1) : shift === null ? 'null' : typeof shift;
    throw new GmmError('INVALID_OPTION', `${what}; got ${got}.`);
  }
  if (a.length !== K * d) throw new GmmError('INVALID_OPTION', `${what}; got ${a.length} values.`);
  const bad = Array.from(a).findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) {
    const v = a[bad];
    throw new GmmError('INVALID_OPTION', `${what}; shift[${bad}] is ${typeof v === 'number' ? String(v) : v === undefined ? 'missing' : `a ${typeof v}`}.`);
  }
  return Float64Array.from(a as ArrayLike<number>);
}

/** fromJSON of a model file written by hand with weights, means and covariances only (no fit
 *  fields): GaussianMixture.fromParameters on them, its errors as INVALID_JSON. */
function modelFromParameterFile(o: Record<string, unknown>): GaussianMixture {
  try {
    const known = ['format', 'version', 'options', 'nFeatures', 'weights', 'means', 'covariances', 'featureNames'];
    const unknown = Object.keys(o).find((k) => !known.includes(k));
    if (unknown !== undefined) {
      throw new GmmError('INVALID_JSON', `unknown field ${JSON.stringify(unknown)}; a model of parameters only has ${known.join(', ')}.`);
    }
    const options = o.options;
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new GmmError('INVALID_JSON', '"options" must be an object.');
    }
    const gm = GaussianMixture.fromParameters({ weights: o.weights, means: o.means, covariances: o.covariances,
      ...(o.featureNames === undefined ? {} : { featureNames: o.featureNames }) } as MixtureParameters, options as GaussianMixtureOptions);
    if (o.nFeatures !== gm.nFeatures) {
      throw new GmmError('INVALID_JSON', `"nFeatures" is ${JSON.stringify(o.nFeatures)} but the means have ${gm.nFeatures} features.`);
    }
    return gm;
  } catch (e) {
    if (e instanceof GmmError && e.code !== 'NOT_INITIALIZED') {
      throw new GmmError('INVALID_JSON', `fromJSON (a model of parameters only, whose precision factors are computed): ${e.message}`);
    }
    throw e;
  }
}
