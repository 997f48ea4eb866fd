// A selection over covariance models in JSON (EDDA's and SemiSupervisedMixture's): its
// results as plain numbers, checked when read back, and the models it could not fit with
// their error's code and message (a GmmError again when read back).
import { GmmError, GMM_ERROR_CODES, type GmmErrorCode } from '../core/errors.js';
import { modelNamed, type CovarianceModel } from './covariance-models.js';

export interface Failure { covarianceType: CovarianceModel; error: GmmError }
export interface FailureJSON { covarianceType: CovarianceModel; code: string; message: string }

export function failuresToJSON(list: readonly Failure[]): FailureJSON[] {
  return list.map((f) => ({ covarianceType: f.covarianceType, code: f.error.code, message: f.error.message }));
}

/** The failures read back; throws a plain Error naming what is wrong (the caller's INVALID_JSON). */
export function failuresFromJSON(v: unknown): Failure[] {
  if (!Array.isArray(v)) throw new Error('"failed" must be an array.');
  return v.map((f: FailureJSON) => {
    if (!f || !isModel(f.covarianceType) || !GMM_ERROR_CODES.includes(f.code as GmmErrorCode) || typeof f.message !== 'string') {
      throw new Error('each failure must hold a covarianceType, an error code and a message.');
    }
    return { covarianceType: f.covarianceType, error: new GmmError(f.code as GmmErrorCode, f.message) };
  });
}

/** A covariance model's own name (as results and failures hold it). */
function isModel(t: unknown): t is CovarianceModel {
  return typeof t === 'string' && modelNamed(t) === t;
}

/** Results read back: a non-empty array of objects, each with its own covariance model (no
 *  two the same), finite numbers under `numbers` and booleans under `flags`, which are all
 *  that is kept; throws a plain Error naming what is wrong. */
export function resultsFromJSON<R>(v: unknown, numbers: readonly string[], flags: readonly string[]): R[] {
  if (!Array.isArray(v) || v.length === 0) throw new Error('"results" must be a non-empty array.');
  const out = v.map((r: Record<string, unknown>) => {
    if (!r || !isModel(r.covarianceType) || !numbers.every((k) => Number.isFinite(r[k])) ||
      !flags.every((k) => typeof r[k] === 'boolean')) {
      throw new Error(`each result must hold a covariance model's name, the numbers ${numbers.join(', ')} and the flags ${flags.join(', ')}.`);
    }
    return Object.fromEntries(['covarianceType', ...numbers, ...flags].map((k) => [k, r[k]])) as R;
  });
  if (new Set(out.map((r) => (r as { covarianceType: string }).covarianceType)).size !== out.length) {
    throw new Error('"results" lists a covariance model twice.');
  }
  return out;
}
