// Marginals and conditionals of a fitted mixture, as functions over Params. A marginal
// keeps the chosen features' entries (an exact selection); a conditional fixes the given
// features and reweights, shifts and shrinks each component (assembly/conditional.ts).
// Both keep the covariance type. The maths runs in the core; JavaScript only checks,
// selects and copies.
import { core, TYPE_CODE, type CoreExports } from '../core/core.js';
import { arenaFor, type Arena } from '../core/arena.js';
import { GmmError } from '../core/errors.js';
import { paramLength, type Params } from './params.js';
import type { Matrix } from './validate.js';

/** Bytes of given rows and outputs in WebAssembly memory at once (predictConditional). */
const CHUNK_BYTES = 4 << 20;

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `${typeof v} ${String(v)}`;
}

/** Checks a list of distinct feature indices in [0, d) (non-empty; `all` whether it may
 *  name every feature) and returns it as an Int32Array, in the order given. */
export function featureIndices(v: unknown, d: number, name: string, all: boolean): Int32Array {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') {
    throw new GmmError('INVALID_TYPE', `${name} must be an array of feature indices such as [0, 2]; got ${describe(v)}.`);
  }
  const a = v as ArrayLike<unknown>;
  if (a.length === 0) throw new GmmError('INVALID_ARGUMENT', `${name} is empty: name at least one feature (0 to ${d - 1}).`);
  const out = new Int32Array(a.length);
  const seen = new Set<number>();
  for (let i = 0; i < a.length; i++) {
    const j = a[i];
    if (typeof j !== 'number' || !Number.isInteger(j) || j < 0 || j >= d) {
      throw new GmmError('INVALID_ARGUMENT', `${name}[${i}] is ${describe(j)}: feature indices are integers from 0 to ${d - 1} ` +
        `(the model has ${d} features).`);
    }
    if (seen.has(j)) throw new GmmError('INVALID_ARGUMENT', `${name} names feature ${j} twice: give each feature once.`);
    seen.add(j);
    out[i] = j;
  }
  if (!all && a.length === d) {
    throw new GmmError('INVALID_ARGUMENT', `${name} names all ${d} features, which leaves nothing to predict: ` +
      'condition on fewer features (score the rows with scoreSamples instead).');
  }
  return out;
}

/** The features not in `given`, in increasing order. */
export function remainingFeatures(d: number, given: Int32Array): Int32Array {
  const taken = new Uint8Array(d);
  for (const j of given) taken[j] = 1;
  const out = new Int32Array(d - given.length);
  for (let j = 0, i = 0; j < d; j++) if (!taken[j]) out[i++] = j;
  return out;
}

/** The given values: m finite numbers. */
export function givenValues(v: unknown, m: number): Float64Array {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') {
    throw new GmmError('INVALID_TYPE', `values must be an array of ${m} numbers, one per given feature; got ${describe(v)}.`);
  }
  const a = v as ArrayLike<unknown>;
  if (a.length !== m) {
    throw new GmmError('SHAPE_MISMATCH', `values has ${a.length} numbers but ${m} features are given: pass one value per given feature, in the same order.`);
  }
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const x = a[i];
    if (typeof x !== 'number') throw new GmmError('NOT_NUMERIC', `values[${i}] is ${describe(x)}, not a number.`);
    if (!Number.isFinite(x)) throw new GmmError('NON_FINITE', `values[${i}] is ${x}: conditioning needs finite values.`);
    out[i] = x;
  }
  return out;
}

/** The precision Cholesky factors of covariances in the type's layout (the core's). */
function precisionsOf(c: CoreExports, type: Params['covarianceType'], K: number, d: number, cov: Float64Array, what: string): Float64Array {
  const arena = arenaFor(c);
  const src = arena.put(cov);
  const out = arena.allocF64(cov.length);
  const tmp = arena.allocF64(d * d);
  const bad = c.precisionCholesky(src, out, tmp, TYPE_CODE[type], K, d);
  if (bad >= 0) {
    const which = type === 'tied' ? 'the tied covariance' : `component ${bad}'s covariance`;
    throw new GmmError('NOT_POSITIVE_DEFINITE', `${what}: ${which} is not positive definite in double precision ` +
      '(the given features almost determine the others, or the features are on very different scales): ' +
      'scale the features or refit with a larger regCovar.');
  }
  return arena.f64(out, cov.length).slice();
}

/** The mixture over the features `idx` (in that order): exact, since every component's
 *  marginal is its mean's and covariance's entries on those features. */
export function marginalParams(p: Params, idx: Int32Array): Params {
  const { K, d, covarianceType: type } = p;
  const q = idx.length;
  const means = new Float64Array(K * q);
  for (let k = 0; k < K; k++) for (let j = 0; j < q; j++) means[k * q + j] = p.means[k * d + idx[j]];
  const cov = new Float64Array(paramLength(type, K, q));
  if (type === 'full' || type === 'tied') {
    for (let k = 0; k < (type === 'full' ? K : 1); k++) {
      for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) cov[k * q * q + a * q + b] = p.covariances[k * d * d + idx[a] * d + idx[b]];
    }
  } else if (type === 'diag') {
    for (let k = 0; k < K; k++) for (let j = 0; j < q; j++) cov[k * q + j] = p.covariances[k * d + idx[j]];
  } else {
    cov.set(p.covariances);
  }
  const chol = precisionsOf(core(), type, K, q, cov, 'marginal');
  return { covarianceType: type, K, d: q, weights: p.weights.slice(), means, covariances: cov, precisionsCholesky: chol };
}

/** The given and remaining indices and the factors of every component, in fresh arena memory. */
interface Prepared {
  c: CoreExports;
  arena: Arena;
  type: number;
  m: number;
  q: number;
  g: number;
  r: number;
  weights: number;
  means: number;
  factors: number;
  covOut: number;
}

function prepare(p: Params, given: Int32Array, what: string, withCov: boolean): Prepared {
  const c = core();
  const arena = arenaFor(c);
  const { K, d } = p;
  const type = TYPE_CODE[p.covarianceType];
  const rest = remainingFeatures(d, given);
  const m = given.length, q = rest.length;
  const g = arena.alloc(m * 4);
  arena.i32(g, m).set(given);
  const r = arena.alloc(q * 4);
  arena.i32(r, q).set(rest);
  const cov = arena.put(p.covariances);
  const weights = arena.put(p.weights);
  const means = arena.put(p.means);
  const factors = arena.allocF64(c.conditionFactorsSize(type, K, m, q));
  const covOut = withCov ? arena.allocF64(paramLength(p.covarianceType, K, q)) : 0;
  const bad = c.conditionFactors(cov, type, K, d, g, m, r, q, factors, covOut);
  if (bad >= 0) {
    const which = p.covarianceType === 'tied' ? 'the tied covariance' : `component ${bad}'s covariance`;
    throw new GmmError('NOT_POSITIVE_DEFINITE', `${what}: ${which} restricted to the given features is not positive ` +
      'definite in double precision: scale the features or refit with a larger regCovar.');
  }
  return { c, arena, type, m, q, g, r, weights, means, factors, covOut };
}

function nonFinite(what: string, moments = 'means'): GmmError {
  return new GmmError('NUMERICAL', `${what}: the given values are so far from every component that the conditional ` +
    `${moments} overflow double range (or, beyond about 1e154 standard deviations, every component's density ` +
    'underflows and the conditional weights are undefined); check the values (and their order) against the model\'s features.');
}

/** The mixture over the remaining features (increasing order) given x_given = values. */
export function conditionParams(p: Params, given: Int32Array, values: Float64Array): Params {
  const { K, d, covarianceType } = p;
  const P = prepare(p, given, 'condition', true);
  const { c, arena, q } = P;
  const x = arena.put(values);
  const resp = arena.allocF64(K);
  const cm = arena.allocF64(K * q);
  const scratch = arena.allocF64(c.conditionScratchSize(K, P.m, q));
  c.conditionRows(x, 1, P.type, K, d, P.m, q, P.weights, P.means, P.g, P.r, P.factors, resp, cm, 0, 0, scratch);
  const weights = arena.f64(resp, K).slice();
  const means = arena.f64(cm, K * q).slice();
  const covariances = arena.f64(P.covOut, paramLength(covarianceType, K, q)).slice();
  if (!means.every(Number.isFinite) || !weights.every(Number.isFinite)) throw nonFinite('condition');
  const chol = precisionsOf(c, covarianceType, K, q, covariances, 'condition');
  return { covarianceType, K, d: q, weights, means, covariances, precisionsCholesky: chol };
}

export interface ConditionalPrediction {
  /** E[remaining features | given] per row: rows × (d − given). */
  mean: Matrix;
  /** Cov[remaining | given] per row, full q×q matrices (rows·q·q), when asked for. */
  covariance?: Float64Array;
}

/** Per row of X (the given features' values, in the order of `given`): the conditional
 *  mixture's mean and (moment-matched) covariance, streamed through memory in chunks. */
export function predictConditionalParams(p: Params, given: Int32Array, X: Matrix, withCovariance: boolean): ConditionalPrediction {
  const { K, d } = p;
  const n = X.rows;
  const q = d - given.length;
  let mean: Float64Array, cov: Float64Array | undefined;
  try {
    mean = new Float64Array(n * q);
    cov = withCovariance ? new Float64Array(n * q * q) : undefined;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new GmmError('TOO_LARGE', `predictConditional on ${n} rows needs ${((n * q * (withCovariance ? q + 1 : 1) * 8) / 2 ** 30).toFixed(1)} GiB ` +
      'of output, which JavaScript could not allocate: predict in batches of rows.');
  }
  const P = prepare(p, given, 'predictConditional', false);
  const { c, arena, m } = P;
  const rowBytes = 8 * (m + q + (withCovariance ? q * q : 0));
  const rows = Math.min(n, Math.max(1, Math.floor(CHUNK_BYTES / rowBytes)));
  arena.reserve(rows * rowBytes + 8 * c.conditionScratchSize(K, m, q) + 1024, `predictConditional on ${rows} rows`);
  const x = arena.allocF64(rows * m);
  const mo = arena.allocF64(rows * q);
  const co = withCovariance ? arena.allocF64(rows * q * q) : 0;
  const scratch = arena.allocF64(c.conditionScratchSize(K, m, q));
  for (let r0 = 0; r0 < n; r0 += rows) {
    const k = Math.min(rows, n - r0);
    arena.f64(x, k * m).set(X.data.subarray(r0 * m, (r0 + k) * m));
    c.conditionRows(x, k, P.type, K, d, m, q, P.weights, P.means, P.g, P.r, P.factors, 0, 0, mo, co, scratch);
    mean.set(arena.f64(mo, k * q), r0 * q);
    if (cov) cov.set(arena.f64(co, k * q * q), r0 * q * q);
  }
  for (let i = 0; i < mean.length; i++) if (!Number.isFinite(mean[i])) throw nonFinite(`predictConditional (row ${Math.floor(i / q)})`);
  if (cov) for (let i = 0; i < cov.length; i++) if (!Number.isFinite(cov[i])) throw nonFinite(`predictConditional (row ${Math.floor(i / (q * q))})`, 'covariances (second moments of the means)');
  return cov ? { mean: { data: mean, rows: n, cols: q }, covariance: cov } : { mean: { data: mean, rows: n, cols: q } };
}
