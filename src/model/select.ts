// Model selection: fits a grid of covariance types × numbers of components and ranks the
// fits by an information criterion (BIC, AIC or ICL). Everything is validated before the
// first fit; a fit that fails on the data (a collapsed component) is reported, not fatal.
import { core } from '../core/core.js';
import { ADDRESS_SPACE_BYTES } from '../core/arena.js';
import { GmmError } from '../core/errors.js';
import type { IterationInfo } from '../fit/driver.js';
import { fitBytes, rescaled } from '../fit/run.js';
import { abortedError } from '../parallel/fit-async.js';
import { WorkerPool, checkPoolOptions, checkShards, checkSignal } from '../parallel/workers.js';
import { currentSpawner, type SpawnOptions } from '../parallel/spawn.js';
import { GaussianMixture, type FitOptions } from './gaussian-mixture.js';
import { scoreInto } from './score.js';
import { hasNaN, rowObserved, scoreMarginalInto } from './missing.js';
import { missingData } from '../fit/missing-fit.js';
import { SHARED_START, type SharedStart } from '../fit/init-labels.js';
import type { Params } from './params.js';
import { covarianceTypeHint, unknownOption } from './option-names.js';
import { COVARIANCE_MODELS, modelNamed, type CovarianceModel, type CovarianceName } from './covariance-models.js';
import { collapsedComponent } from './collapse.js';
import {
  COVARIANCE_TYPES, MODEL_OPTIONS, checkInitShapes, columnNames, describe, fitBytesLowerBound, toMatrix, toSampleWeight,
  type GaussianMixtureOptions, type Matrix, type MatrixInput, type ResolvedOptions,
} from './validate.js';

export type SelectionCriterion = 'bic' | 'aic' | 'icl';
export const SELECTION_CRITERIA: readonly SelectionCriterion[] = ['bic', 'aic', 'icl'];

/** The numbers of components to try: one K, an inclusive range `[min, max]` (an array is
 *  always a range, so it has exactly two entries), or a list `{ values: [2, 3, 5] }`. */
export type ComponentGrid = number | readonly [min: number, max: number] | { values: readonly number[] };

/** One fitted candidate. Criteria are lower-is-better. */
export interface SelectionResult {
  nComponents: number;
  covarianceType: CovarianceModel;
  /** −2·log L + p·ln n (n = Σ w with sample weights). */
  bic: number;
  /** −2·log L + 2p. */
  aic: number;
  /** BIC − 2·Σᵢ wᵢ·log maxₖ rᵢₖ (≥ BIC; equal when every row belongs to one component). */
  icl: number;
  /** Total log-likelihood Σᵢ wᵢ·log p(xᵢ). */
  logLikelihood: number;
  /** Free parameters p (as GaussianMixture.nParameters(): scikit-learn's count, mclust's for its models). */
  nParameters: number;
  nIter: number;
  converged: boolean;
  /** Whether a component sits on the regCovar floor: a direction of its covariance within a
   *  thousandth of regCovar above it (its rows repeat a value there, or it is empty). mclust
   *  marks such fits NA; here they are ranked as any other, and can win by BIC. */
  collapsed: boolean;
  /** The fitted model. */
  model: GaussianMixture;
}

/** A candidate whose fit failed on the data (NOT_POSITIVE_DEFINITE or NUMERICAL). */
export interface SelectionFailure {
  nComponents: number;
  covarianceType: CovarianceModel;
  error: GmmError;
}

export interface ModelSelection {
  /** The fitted model of the winner (results[0].model). */
  best: GaussianMixture;
  criterion: SelectionCriterion;
  /** Every successful fit, best first: by the criterion, then fewer parameters, then the order tried. */
  results: SelectionResult[];
  /** Fits that failed on the data, in the order tried. */
  failed: SelectionFailure[];
}

export interface SelectModelOptions extends Omit<GaussianMixtureOptions, 'nComponents' | 'covarianceType'> {
  /** K to try (default [1, min(10, rows)]). */
  nComponents?: ComponentGrid;
  /** Covariance types to try (default scikit-learn's four): any name covarianceType takes,
   *  mclust's constrained models (EII … VVE) too. */
  covarianceTypes?: readonly CovarianceName[];
  /** Ranking criterion (default 'bic'). */
  criterion?: SelectionCriterion;
  /** Weight per row, for every fit and every criterion. */
  sampleWeight?: ArrayLike<number> | null;
  /** Called after each candidate, fitted (a SelectionResult) or failed (a SelectionFailure). */
  onFit?: (outcome: SelectionResult | SelectionFailure, progress: { done: number; total: number }) => void;
  /** Called after every EM iteration of every fit. */
  onIteration?: (info: IterationInfo & { nComponents: number; covarianceType: CovarianceModel }) => void;
}

export interface SelectModelAsyncOptions extends SelectModelOptions, SpawnOptions {
  /** Workers holding the data for every fit (default: the available cores; 0: this thread). */
  workers?: number;
  /** Stops the selection: the promise rejects with ABORTED. */
  signal?: AbortSignal;
}

const SELECTION_KEYS = ['nComponents', 'covarianceTypes', 'criterion', 'sampleWeight', 'onFit', 'onIteration'];
const ASYNC_KEYS = ['workers', 'workerUrl', 'createWorker', 'signal'];
/** Fit failures that depend on the data and the candidate: the candidate is reported as failed
 *  (with tooFew, also a candidate with more components than rows: the noise component's and
 *  the bootstrap's, whose rows vary). */
export function isFitFailure(e: unknown, tooFew = false): e is GmmError {
  return e instanceof GmmError && (e.code === 'NOT_POSITIVE_DEFINITE' || e.code === 'NUMERICAL' || (tooFew && e.code === 'TOO_FEW_SAMPLES'));
}

interface Candidate {
  k: number;
  type: CovarianceModel;
  gm: GaussianMixture;
}

interface Plan {
  /** X, with its column names (null: none), which every candidate model keeps. */
  X: Matrix;
  w: Float64Array | null;
  /** Per row, whether it counts in the criteria: positive weight and (missing values) an
   *  observed entry, as in the fit; null when every row does. */
  counted: Uint8Array | null;
  criterion: SelectionCriterion;
  candidates: Candidate[];
  onFit?: SelectModelOptions['onFit'];
  onIteration?: SelectModelOptions['onIteration'];
}

function option(message: string): GmmError {
  return new GmmError('INVALID_OPTION', message);
}

function isK(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
}

/** The K values of a grid, in the order to try them (each at most `positive`, the rows of
 *  positive weight; checked before a range is expanded). */
function componentValues(v: unknown, positive: number, weighted: boolean): number[] {
  const ks = gridValues(v, positive);
  const most = ks.reduce((a, b) => Math.max(a, b));
  if (most > positive) {
    throw new GmmError('TOO_FEW_SAMPLES', `nComponents up to ${most} needs at least that many samples` +
      `${weighted ? ' of positive weight' : ''}; X has ${positive}. Try K ≤ ${positive}.`);
  }
  return Array.isArray(v) ? Array.from({ length: ks[1] - ks[0] + 1 }, (_, i) => ks[0] + i) : ks;
}

/** The grid as given: a range as [min, max], else the list of K. */
function gridValues(v: unknown, positive: number): number[] {
  if (v === undefined) return Array.from({ length: Math.min(10, positive) }, (_, i) => i + 1);
  if (typeof v === 'number') {
    if (!isK(v)) throw option(`nComponents must be an integer ≥ 1, a range [min, max] or { values: [...] }; got ${v}.`);
    return [v];
  }
  if (Array.isArray(v)) {
    if (v.length !== 2) {
      throw option(`nComponents as an array is a range [min, max] and has two entries; got ${v.length}. ` +
        `For a list of K use { values: [${v.slice(0, 4).join(', ')}${v.length > 4 ? ', …' : ''}] }.`);
    }
    const [a, b] = v as unknown[];
    if (!isK(a) || !isK(b) || b < a) {
      throw option(`nComponents range [min, max] needs integers with 1 ≤ min ≤ max; got [${describe(a)}, ${describe(b)}].`);
    }
    return [a, b];
  }
  if (v !== null && typeof v === 'object' && Object.keys(v).length === 1 && 'values' in v) {
    const list = (v as { values: unknown }).values;
    if (!Array.isArray(list) || list.length === 0) throw option('nComponents.values must be a non-empty array of integers ≥ 1.');
    const seen = new Set<number>();
    for (const k of list as unknown[]) {
      if (!isK(k)) throw option(`nComponents.values must hold integers ≥ 1; got ${describe(k)}.`);
      if (seen.has(k)) throw option(`nComponents.values lists K = ${k} twice: list each K once.`);
      seen.add(k);
    }
    return list as number[];
  }
  throw option('nComponents must be an integer ≥ 1, a range [min, max] (inclusive) or a list { values: [2, 3, 5] }.');
}

/** covarianceTypes checked (each a model's name or mclust's, none twice; the bad entry named)
 *  and read as models; undefined: scikit-learn's four. */
export function typeValues(v: unknown): CovarianceModel[] {
  if (v === undefined) return [...COVARIANCE_TYPES];
  if (!Array.isArray(v) || v.length === 0) {
    throw option(`covarianceTypes must be a non-empty array of ${COVARIANCE_MODELS.map((t) => `'${t}'`).join(', ')}, e.g. ['full', 'diag'].`);
  }
  const seen = new Set<string>();
  for (const t of v as unknown[]) {
    const m = modelNamed(t);
    if (!m) {
      throw option(`covarianceTypes: ${JSON.stringify(t)} is not one of ${COVARIANCE_MODELS.map((x) => `'${x}'`).join(', ')}.` +
        covarianceTypeHint(t, COVARIANCE_MODELS, (x) => `'${x}'`));
    }
    if (seen.has(m)) throw option(`covarianceTypes lists '${m}' twice${m === t ? '' : ` (as ${JSON.stringify(t)})`}: list each type once.`);
    seen.add(m);
  }
  return [...seen] as CovarianceModel[];
}

function callback(v: unknown, name: string): void {
  if (v !== undefined && typeof v !== 'function') throw option(`${name} must be a function; got ${typeof v}.`);
}

/** Validates everything (options, data, weights, every candidate's model) before any fit.
 *  workers > 0: the fits run on that many workers, each of which needs room for its share
 *  only; otherwise in this thread's one memory. */
function plan(X: MatrixInput, options: unknown, extraKeys: readonly string[], workers = 0): Plan {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new GmmError('INVALID_TYPE', 'selectModel options must be an object such as { nComponents: [1, 10], criterion: \'bic\' }.');
  }
  const o = options as Record<string, unknown>;
  if ('covarianceType' in o) {
    throw option('selectModel takes covarianceTypes, a list of the types to try (e.g. [\'full\', \'diag\']), not covarianceType.');
  }
  // unknown keys named with selectModel's own list (the candidates' constructor would name its own)
  const known = [...SELECTION_KEYS, ...extraKeys, ...[...MODEL_OPTIONS].filter((k) => k !== 'nComponents' && k !== 'covarianceType')];
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw option(unknownOption('option', key, known));
  }
  const criterion = (o.criterion === undefined ? 'bic' : o.criterion) as SelectionCriterion;
  if (!SELECTION_CRITERIA.includes(criterion)) {
    throw option(`criterion must be one of ${SELECTION_CRITERIA.map((c) => `'${c}'`).join(', ')}; got ${JSON.stringify(o.criterion)}.`);
  }
  callback(o.onFit, 'onFit');
  callback(o.onIteration, 'onIteration');
  const types = typeValues(o.covarianceTypes);
  // NaN is a missing entry with missingValues 'marginalize'
  if (X instanceof WorkerPool) {
    throw new GmmError('INVALID_TYPE', 'selection takes X itself, not a WorkerPool: selectModelAsync(X, { workers }) starts ' +
      'one pool for every candidate fit and closes it. A pool of your own serves gm.fitAsync(pool).');
  }
  const m = toMatrix(X, 'X', o.missingValues !== 'marginalize' ? 'refuse' : 'allow');
  const w = toSampleWeight(o.sampleWeight, m.rows);
  if (w && !Number.isFinite(w.reduce((s, v) => s + v, 0))) {
    throw new GmmError('INVALID_SAMPLE_WEIGHT', 'sampleWeight sums past the range of doubles, and the criteria count the ' +
      'weights (n = Σw): divide them by a common factor.');
  }
  // rows that count: of positive weight, with an observed entry (a row with nothing
  // observed carries no information, and its fit skips it)
  let counted: Uint8Array | null = null;
  if (w || o.missingValues === 'marginalize') {
    counted = new Uint8Array(m.rows);
    for (let i = 0; i < m.rows; i++) counted[i] = rowObserved(m, i) && (!w || w[i] > 0) ? 1 : 0;
  }
  const positive = counted ? counted.reduce((s, v) => s + v, 0) : m.rows;
  const ks = componentValues(o.nComponents, positive, w !== null);
  // the rest are GaussianMixture options, which its constructor checks (unknown ones too)
  const rest: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(o)) if (!SELECTION_KEYS.includes(key) && !extraKeys.includes(key)) rest[key] = v;
  const candidates: Candidate[] = [];
  for (const type of types) {
    for (const k of ks) {
      try {
        const gm = new GaussianMixture({ ...rest, nComponents: k, covarianceType: type } as GaussianMixtureOptions);
        const ro = gm.options as ResolvedOptions;
        checkInitShapes(ro, m.cols);
        if (workers > 0) checkShards(m.rows, workers, (n) => fitBytes(n, m.cols, ro, w !== null), `fitting ${m.rows}×${m.cols} data`);
        else {
          const bytes = fitBytesLowerBound(m.rows, m.cols, ro);
          if (bytes > ADDRESS_SPACE_BYTES) {
            throw new GmmError('TOO_LARGE', `fitting ${m.rows}×${m.cols} data needs more than ${(bytes / 2 ** 30).toFixed(1)} GiB ` +
              'of WebAssembly memory, more than its 4 GiB address space: select on a subsample of rows.');
          }
        }
        candidates.push({ k, type, gm });
      } catch (e) {
        if (!(e instanceof GmmError)) throw e;
        throw new GmmError(e.code, `selectModel (nComponents ${k}, ${type}): ${e.message}`);
      }
    }
  }
  return {
    X: { ...m, columns: columnNames(X, m.cols) }, w, counted, criterion, candidates,
    onFit: o.onFit as Plan['onFit'], onIteration: o.onIteration as Plan['onIteration'],
  };
}

/** The criteria of a fitted candidate, from one scoring pass over X (each row's log-density
 *  and the log of its largest responsibility, both from the core). BIC and AIC take
 *  GaussianMixture.bic/aic's steps in the same order (the mean log-likelihood times n), so
 *  without weights they are the same bits; weights of 1 give the same bits as none. */
function evaluate(c: Candidate, X: Matrix, w: Float64Array | null, counted: Uint8Array | null): SelectionResult {
  const gm = c.gm;
  const params: Params = {
    covarianceType: gm.options.covarianceType, K: gm.nComponents, d: gm.nFeatures, weights: gm.weights, means: gm.means.data,
    covariances: gm.covariances, precisionsCholesky: gm.precisionsCholesky,
  };
  const lse = new Float64Array(X.rows), logMax = new Float64Array(X.rows);
  (gm.options.missingValues === 'marginalize' ? scoreMarginalInto : scoreInto)(params, X, { lse, logMaxResp: logMax });
  // logMax = maxₖ log wₖN(x | k) − lse ≤ 0: exactly 0 where the other components vanish
  let total = 0, n = 0, hard = 0;
  if (counted) {
    // rows of weight 0 (their log-density may even be −∞) and rows with nothing observed do not count
    for (let i = 0; i < X.rows; i++) {
      if (counted[i]) {
        const wi = w ? w[i] : 1;
        total += wi * lse[i];
        n += wi;
        hard += wi * logMax[i];
      }
    }
  } else {
    for (let i = 0; i < X.rows; i++) {
      total += lse[i];
      hard += logMax[i];
    }
    n = X.rows;
  }
  const p = gm.nParameters();
  const mean = total / n;
  const bic = -2 * mean * n + p * core().ln(n);
  const aic = -2 * mean * n + 2 * p;
  return {
    nComponents: c.k, covarianceType: c.type, bic, aic, icl: bic - 2 * hard, logLikelihood: total, nParameters: p,
    nIter: gm.nIter, converged: gm.converged, collapsed: collapsedComponent(gm) >= 0, model: gm,
  };
}

/** An error thrown by the caller's onIteration, carried through the fit so that it is
 *  rethrown as it is, never taken for a failed candidate (whatever its code). */
class FromCallback {
  constructor(readonly error: unknown) {}
}

function onIterationFor(p: Plan, c: Candidate): ((info: IterationInfo) => void) | undefined {
  const f = p.onIteration;
  if (!f) return undefined;
  return (info) => {
    try {
      f({ ...info, nComponents: c.k, covarianceType: c.type });
    } catch (e) {
      throw new FromCallback(e);
    }
  };
}

/** Records a candidate's outcome: a result, or a failure if the fit failed on the data
 *  (anything else is rethrown). */
function record(p: Plan, c: Candidate, error: unknown, results: SelectionResult[], failed: SelectionFailure[]): void {
  let outcome: SelectionResult | SelectionFailure;
  if (error === undefined) {
    outcome = evaluate(c, p.X, p.w, p.counted);
    results.push(outcome);
  } else {
    if (error instanceof FromCallback) throw error.error; // the caller's own error, whatever it is
    if (!isFitFailure(error)) throw error;
    outcome = { nComponents: c.k, covarianceType: c.type, error };
    failed.push(outcome);
  }
  p.onFit?.(outcome, { done: results.length + failed.length, total: p.candidates.length });
}

/** Fitted candidates ranked by `key` (lower is better), then fewer parameters, then the order
 *  tried, the best's model first; the first failure's error when none was fitted (selectModel,
 *  selectNoiseModel). */
export function rankCandidates<M, C extends string, R extends { nParameters: number; model: M } & Record<C, number>,
  F extends { nComponents: number; covarianceType: string; error: GmmError }>(results: R[], failed: F[], key: C):
  { best: M; criterion: C; results: R[]; failed: F[] } {
  if (results.length === 0) {
    const f = failed[0];
    throw new GmmError(f.error.code, `every candidate fit failed; the first (nComponents ${f.nComponents}, ` +
      `${f.covarianceType}): ${f.error.message}`);
  }
  const order = results.map((_, i) => i).sort((a, b) => (results[a][key] - results[b][key]) ||
    (results[a].nParameters - results[b].nParameters) || a - b);
  const sorted = order.map((i) => results[i]);
  return { best: sorted[0].model, criterion: key, results: sorted, failed };
}

/**
 * Fits a GaussianMixture for every covariance type × K (types outer, K inner) with the
 * other options as given, and ranks the fits by `criterion` (lower is better).
 */
export function selectModel(X: MatrixInput, options: SelectModelOptions = {}): ModelSelection {
  const p = plan(X, options, []);
  core();
  // every candidate fits the same rows: one agglomeration serves them all (initParams 'hc')
  const shared: SharedStart = { rows: null, hc: { made: null } };
  const results: SelectionResult[] = [], failed: SelectionFailure[] = [];
  for (const c of p.candidates) {
    let error: unknown;
    try {
      c.gm.fit(p.X, { sampleWeight: p.w, onIteration: onIterationFor(p, c), [SHARED_START]: shared } as FitOptions);
    } catch (e) {
      error = e;
    }
    record(p, c, error, results, failed);
  }
  return rankCandidates(results, failed, p.criterion);
}

/**
 * selectModel off the caller's thread: one WorkerPool holding X serves every fit (fitAsync),
 * and is closed at the end, on error and on abort. The same bits as selectModel.
 */
export async function selectModelAsync(X: MatrixInput, options: SelectModelAsyncOptions = {}): Promise<ModelSelection> {
  const o = (options ?? {}) as Record<string, unknown>;
  const poolOptions: Record<string, unknown> = {};
  if (typeof options === 'object' && options !== null) for (const k of ['workers', 'workerUrl', 'createWorker']) if (o[k] !== undefined) poolOptions[k] = o[k];
  // the pool options' errors come after plan()'s, as ever; plan needs their workers count
  let po: ReturnType<typeof checkPoolOptions> | null = null, poolError: unknown = null;
  try {
    po = checkPoolOptions(poolOptions, []);
  } catch (e) {
    poolError = e;
  }
  // on workers, each holds a share of the rows: data past one memory's 4 GiB may be selected on
  const p = plan(X, options, ASYNC_KEYS, po && po.workers > 0 && currentSpawner() ? po.workers : 0);
  if (!po) throw poolError;
  const signal = checkSignal(o.signal);
  core();
  if (signal?.aborted) throw abortedError(signal, 'the model selection', 'nothing was returned');
  let pool: WorkerPool | null = null;
  try {
    // the rows the pool holds are kept here too, for a start that needs them in order
    // (initParams 'hc'); one agglomeration serves every candidate
    const shared: SharedStart = { rows: null, hc: { made: null } };
    if (po.workers > 0 && currentSpawner()) {
      // with missing entries, the rows every candidate's fit keeps, imputed and as given (as
      // fitAsync(X) lays them out; the check for nComponents rows is each candidate's)
      const m = p.counted && hasNaN(p.X) ? missingData(p.X, p.w, 1) : null;
      const rows = { X: m ? m.held : p.X, w: m ? m.w : p.w && rescaled(p.w) };
      pool = await WorkerPool.start(rows.X, rows.w, po.workers,
        { workerUrl: po.workerUrl, createWorker: po.createWorker }, signal, p.X.columns, m?.raw ?? null);
      shared.rows = rows;
    }
    const internal = { [SHARED_START]: shared };
    const results: SelectionResult[] = [], failed: SelectionFailure[] = [];
    for (const c of p.candidates) {
      if (signal?.aborted) throw abortedError(signal, 'the model selection', 'nothing was returned');
      let error: unknown;
      try {
        const onIteration = onIterationFor(p, c);
        if (pool) await c.gm.fitAsync(pool, { signal, onIteration, ...internal });
        else await c.gm.fitAsync(p.X, { workers: 0, sampleWeight: p.w, signal, onIteration, ...internal });
      } catch (e) {
        error = e;
      }
      record(p, c, error, results, failed);
    }
    return rankCandidates(results, failed, p.criterion);
  } finally {
    pool?.close();
  }
}
