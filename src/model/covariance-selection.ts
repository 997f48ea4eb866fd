// Choosing one covariance model for a fixed set of components (EDDA's classes,
// SemiSupervisedMixture's): each model fitted in turn, those a fit failure rules out recorded,
// the others ranked by a criterion (lower is better) with collapsed fits last (mclust reports
// NA for them); and the selection in JSON, its results as plain numbers checked when read
// back and its failures as their error's code and message.
import { GmmError, GMM_ERROR_CODES, type GmmErrorCode } from '../core/errors.js';
import { modelNamed, type CovarianceModel } from './covariance-models.js';
import { isFitFailure } from './select.js';
import { runSteps, type Steps } from '../fit/hc-start.js';

export interface Failure { covarianceType: CovarianceModel; error: GmmError }
export interface FailureJSON { covarianceType: CovarianceModel; code: string; message: string }

/** What every covariance model's result holds (criteria lower is better, mclust's count of
 *  parameters). */
export interface ModelResult {
  covarianceType: CovarianceModel;
  bic: number;
  aic: number;
  nParameters: number;
  /** A component has a direction on the regCovar floor, or one whose variance is rounding:
   *  mclust reports no BIC for such models; ranked after every other. */
  collapsed: boolean;
}

/** A selection: every model fitted, best first, and those a fit failure ruled out. */
export interface Selection<R extends ModelResult> { criterion: 'bic' | 'aic'; results: R[]; failed: Failure[] }

/**
 * Fits each model (fit(t), which may throw a fit failure: NOT_POSITIVE_DEFINITE, NUMERICAL)
 * and ranks the fits: collapsed last, then by the criterion, then on an exact tie fewer
 * parameters ('fewer', then the order tried) or the model tried later ('later', as
 * MclustSSC keeps it). When none fits, the first failure's code with `what` and `remedy`.
 * fit(t) may be steps (hc-start.ts's Steps: an asynchronous caller awaits between them).
 */
export function* selectCovarianceModelSteps<F extends { result: ModelResult }>(types: readonly CovarianceModel[],
  fit: (t: CovarianceModel) => Steps<F>, criterion: 'bic' | 'aic', tie: 'fewer' | 'later', what: string, remedy: string):
  Steps<{ best: F; selection: Selection<F['result']> }> {
  const fits: F[] = [];
  const failed: Failure[] = [];
  for (const t of types) {
    try {
      fits.push(yield* fit(t));
    } catch (e) {
      if (!isFitFailure(e)) throw e;
      failed.push({ covarianceType: t, error: e });
    }
  }
  if (fits.length === 0) {
    throw new GmmError(failed[0].error.code, `${what} could fit none of the covariance models (${failed.map((f) => f.covarianceType).join(', ')}): ` +
      `${failed[0].error.message} ${remedy}`);
  }
  const r = (i: number): F['result'] => fits[i].result;
  const order = fits.map((_, i) => i).sort((a, b) => (+r(a).collapsed - +r(b).collapsed) || (r(a)[criterion] - r(b)[criterion]) ||
    (tie === 'fewer' ? (r(a).nParameters - r(b).nParameters) || a - b : b - a));
  return { best: fits[order[0]], selection: { criterion, results: order.map(r), failed } };
}

/** selectCovarianceModelSteps with fit(t) in one step. */
export function selectCovarianceModel<F extends { result: ModelResult }>(types: readonly CovarianceModel[],
  fit: (t: CovarianceModel) => F, criterion: 'bic' | 'aic', tie: 'fewer' | 'later', what: string, remedy: string):
  { best: F; selection: Selection<F['result']> } {
  return runSteps(selectCovarianceModelSteps(types, function* (t) { return fit(t); }, criterion, tie, what, remedy));
}

export interface SelectionJSON<R> { criterion: 'bic' | 'aic'; results: R[]; failed: FailureJSON[] }

export function selectionToJSON<R extends ModelResult>(s: Selection<R>): SelectionJSON<R> {
  return { criterion: s.criterion, results: s.results.map((r) => ({ ...r })),
    failed: s.failed.map((f) => ({ covarianceType: f.covarianceType, code: f.error.code, message: f.error.message })) };
}

/** A selection read back: its criterion, a non-empty list of results (each a covariance
 *  model's own name, no model twice, finite numbers under `numbers` and booleans under
 *  `flags`, which with the name are all that is kept) and failures (a model, an error code
 *  and a message). Throws a plain Error naming what is wrong (the caller's INVALID_JSON). */
export function selectionFromJSON<R extends ModelResult>(v: unknown, numbers: readonly string[], flags: readonly string[]): Selection<R> {
  const s = v as SelectionJSON<Record<string, unknown>> | null;
  if (!s || (s.criterion !== 'bic' && s.criterion !== 'aic')) throw new Error('"selection" must hold the criterion ("bic" or "aic"), the results and the failures.');
  if (!Array.isArray(s.results) || s.results.length === 0) throw new Error('"results" must be a non-empty array.');
  const results = s.results.map((r) => {
    if (!r || !isModel(r.covarianceType) || !numbers.every((k) => Number.isFinite(r[k])) || !flags.every((k) => typeof r[k] === 'boolean')) {
      throw new Error(`each result must hold a covariance model's name, the numbers ${numbers.join(', ')} and the flags ${flags.join(', ')}.`);
    }
    return Object.fromEntries(['covarianceType', ...numbers, ...flags].map((k) => [k, r[k]])) as unknown as R;
  });
  if (new Set(results.map((r) => r.covarianceType)).size !== results.length) throw new Error('"results" lists a covariance model twice.');
  if (!Array.isArray(s.failed)) throw new Error('"failed" must be an array.');
  const failed = s.failed.map((f) => {
    if (!f || !isModel(f.covarianceType) || !GMM_ERROR_CODES.includes(f.code as GmmErrorCode) || typeof f.message !== 'string') {
      throw new Error('each failure must hold a covarianceType, an error code and a message.');
    }
    return { covarianceType: f.covarianceType, error: new GmmError(f.code as GmmErrorCode, f.message) };
  });
  return { criterion: s.criterion, results, failed };
}

/** A covariance model's own name (as results and failures hold it). */
function isModel(t: unknown): t is CovarianceModel {
  return typeof t === 'string' && modelNamed(t) === t;
}
