// Validation of every public input, before any work starts. Each failure is a GmmError
// naming the argument, the problem and the fix.
import { GmmError, type GmmErrorCode } from '../core/errors.js';
import { covarianceShape, paramLength } from './params.js';
import { covarianceTypeHint, unknownOption } from './option-names.js';
import type { VariationalOptions } from '../fit/variational.js';
import { HC_MODELS, HC_USES, type HcModel, type HcUse } from '../fit/hc-start.js';
import { resolvePrior, type ConjugatePriorOptions, type ResolvedPrior } from './conjugate-prior.js';
import { COVARIANCE_MODELS, modelNamed, structureOf, type CovarianceModel, type CovarianceName } from './covariance-models.js';

export type CovarianceType = 'full' | 'tied' | 'diag' | 'spherical';
export type InitParams = 'kmeans' | 'k-means++' | 'random' | 'random_from_data' | 'hc';
export type MissingValues = 'error' | 'marginalize';

/** A row-major matrix; sample() and impute() of a model with featureNames name its columns. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
  columns?: string[] | null;
}

/** What every method accepts as data: nested arrays or a row-major matrix, whose optional
 *  column names a fit keeps as the model's featureNames and scoring checks against them. */
export type MatrixInput = ArrayLike<ArrayLike<number>> |
  { data: ArrayLike<number>; rows: number; cols: number; columns?: readonly string[] | null };

/** The column names of a row-major X of `cols` columns (a copy), or null where it has none
 *  (nested arrays, or columns null or absent). */
export function columnNames(X: unknown, cols: number, name = 'X'): string[] | null {
  if (X === null || typeof X !== 'object' || Array.isArray(X) || !('columns' in X)) return null;
  const c = (X as { columns?: unknown }).columns;
  if (c === null || c === undefined) return null;
  if (!Array.isArray(c) || c.length !== cols || !c.every((v) => typeof v === 'string')) {
    throw new GmmError('INVALID_TYPE', `${name}.columns must be null or an array of ${cols} strings, one name per column; ` +
      `got ${Array.isArray(c) ? `${c.length} entries${c.every((v) => typeof v === 'string') ? '' : ', not all strings'}` : describe(c)}.`);
  }
  const twice = repeatedName(c);
  if (twice !== undefined) {
    throw new GmmError('INVALID_ARGUMENT', `${name}.columns names ${JSON.stringify(twice)} twice: each column needs a name of its ` +
      'own (or pass columns: null for none).');
  }
  return c.slice();
}

/** A name that names appears twice in, or undefined. */
export function repeatedName(names: readonly string[]): string | undefined {
  return names.find((v, j) => names.indexOf(v) !== j);
}

/** The first position where two lists of column names differ (the shorter's length where one
 *  extends the other), or -1 where they are the same. */
export function nameMismatch(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let j = 0; j < n; j++) if (a[j] !== b[j]) return j;
  return a.length === b.length ? -1 : n;
}

/** Refuses X whose column names differ from the ones the model was fitted with (names: null,
 *  or X without names, checks nothing: columns are then taken by position). */
export function checkColumnNames(X: unknown, cols: number, names: readonly string[] | null, name = 'X',
  which = 'the columns the model was fitted on'): void {
  const given = columnNames(X, cols, name);
  if (!names || !given) return;
  const j = nameMismatch(given, names);
  if (j >= 0) {
    throw new GmmError('FEATURE_MISMATCH', `${name}'s column ${j} is named ${JSON.stringify(given[j])} where the model's is ` +
      `${JSON.stringify(names[j])}: pass ${which} (${names.map((v) => JSON.stringify(v)).join(', ')}), ` +
      `in that order, or ${name} without column names.`);
  }
}

export const COVARIANCE_TYPES: readonly CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];
export const INIT_PARAMS: readonly InitParams[] = ['kmeans', 'k-means++', 'random', 'random_from_data', 'hc'];

/** A value as a message names it: its type and, for primitives, its value (safe for any value). */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v)}`;
  if (v === undefined) return 'undefined (a hole or a missing entry)';
  return `${typeof v} ${String(v)}`;
}

/** What toMatrix does with NaN: refuse it (pointing to missingValues: 'marginalize'), refuse
 *  it where nothing takes missing values ('complete': no such hint), refuse it in a matrix of
 *  numbers that are not data ('numbers': no rows to impute), or allow it (a missing entry).
 *  ±Infinity is always refused. */
export type NanPolicy = 'refuse' | 'complete' | 'numbers' | 'allow';

function checkEntry(v: unknown, name: string, r: number, c: number, nan: NanPolicy = 'refuse'): number {
  if (typeof v !== 'number') {
    throw new GmmError('NOT_NUMERIC', `${name}[${r}][${c}] is ${describe(v)}, not a number: convert the data to numbers first.`);
  }
  if (!Number.isFinite(v)) {
    if (v !== v && nan === 'allow') return v;
    const hint = v !== v && name === 'X' && nan === 'refuse' ? " (or set missingValues: 'marginalize' to treat NaN as a missing entry)" : '';
    if (nan === 'numbers') throw new GmmError('NON_FINITE', `${name}[${r}][${c}] is ${v}: give finite numbers.`);
    if (nan === 'allow') {
      // NaN is a missing entry here (impute, a marginalising model's scoring): ±Infinity is not one
      throw new GmmError('NON_FINITE', `${name}[${r}][${c}] is ${v}: not a value a mixture can read, nor a missing entry: ` +
        'replace it by NaN (missing) or by a finite number.');
    }
    // conditioning values are given, never missing: no fit, no marginalisation to point to
    const when = name === 'Xgiven' ? ': conditioning needs a finite value for every given feature' : ' first';
    throw new GmmError('NON_FINITE', `${name}[${r}][${c}] is ${v}: remove or impute rows with NaN or ±Infinity${when}${hint}.`);
  }
  return v;
}

/** The Float64Array a copy of r×c entries needs; TOO_LARGE (not a RangeError) if JavaScript
 *  cannot allocate it. */
function allocRows(r: number, c: number, name: string): Float64Array {
  try {
    return new Float64Array(r * c);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new GmmError('TOO_LARGE', `${name} (${r} × ${c}) needs ${((r * c * 8) / 2 ** 30).toFixed(1)} GiB as a Float64Array, ` +
      'which JavaScript could not allocate: process the data in batches of rows.');
  }
}

/** rows × cols of X as far as they can be read without touching its entries (null if X is
 *  not shaped like a matrix; toMatrix then reports why). */
export function peekShape(X: unknown): { rows: number; cols: number } | null {
  if (X === null || typeof X !== 'object') return null;
  const o = X as { data?: unknown; rows?: unknown; cols?: unknown; length?: unknown; [i: number]: unknown };
  if (!Array.isArray(X) && 'data' in o) {
    const { rows, cols, data } = o;
    const len = data !== null && typeof data === 'object' ? (data as { length?: unknown }).length : undefined;
    return Number.isInteger(rows) && Number.isInteger(cols) && (rows as number) >= 0 && (cols as number) >= 0 &&
      len === (rows as number) * (cols as number) ? { rows: rows as number, cols: cols as number } : null;
  }
  if (typeof o.length !== 'number' || !Number.isInteger(o.length) || o.length < 1) return null;
  const first = o[0] as { length?: unknown } | null;
  if (first === null || typeof first !== 'object' || typeof first.length !== 'number') return null;
  return { rows: o.length, cols: first.length };
}

/** Normalises X to a validated row-major Float64Array matrix (copying unless it already is one). */
export function toMatrix(X: unknown, name = 'X', nan: NanPolicy = 'refuse'): Matrix {
  if (X === null || typeof X !== 'object') {
    throw new GmmError('INVALID_TYPE', `${name} must be an array of rows (number[][]) or { data, rows, cols }; got ${describe(X)}.`);
  }
  const obj = X as { data?: unknown; rows?: unknown; cols?: unknown; length?: unknown };
  if (!Array.isArray(X) && 'data' in obj) {
    const { data, rows, cols } = obj;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || (rows as number) < 0 || (cols as number) < 0) {
      throw new GmmError('INVALID_TYPE', `${name}.rows and ${name}.cols must be non-negative integers; got ${describe(rows)} and ${describe(cols)}.`);
    }
    if (data === null || typeof data !== 'object' || typeof (data as ArrayLike<number>).length !== 'number') {
      throw new GmmError('INVALID_TYPE', `${name}.data must be a Float64Array or an array of numbers; got ${describe(data)}.`);
    }
    const r = rows as number, c = cols as number;
    if (r === 0 || c === 0) throw new GmmError('EMPTY_INPUT', `${name} is empty (${r}×${c}): pass at least one row and one column.`);
    const arr = data as ArrayLike<number>;
    if (arr.length !== r * c) {
      throw new GmmError('SHAPE_MISMATCH', `${name}.data has length ${arr.length} but rows × cols = ${r} × ${c} = ${r * c}: fix rows/cols or the data.`);
    }
    if (arr instanceof Float64Array) {
      // v − v is 0 for every finite v and NaN for ±Infinity and NaN: one subtraction a value
      for (let i = 0; i < r * c; i++) {
        const v = arr[i];
        if (v - v !== 0) checkEntry(v, name, Math.floor(i / c), i % c, nan);
      }
      return { data: arr, rows: r, cols: c };
    }
    const out = allocRows(r, c, name);
    for (let i = 0; i < r * c; i++) out[i] = checkEntry(arr[i], name, Math.floor(i / c), i % c, nan);
    return { data: out, rows: r, cols: c };
  }
  if (typeof obj.length !== 'number' || typeof X === 'string') {
    throw new GmmError('INVALID_TYPE', `${name} must be an array of rows (number[][]) or { data, rows, cols }; got ${describe(X)}.`);
  }
  const rowsIn = X as ArrayLike<unknown>;
  const r = rowsIn.length;
  if (r === 0) throw new GmmError('EMPTY_INPUT', `${name} has no rows: pass at least one sample.`);
  const first = rowsIn[0];
  if (first === null || typeof first !== 'object' || typeof (first as ArrayLike<number>).length !== 'number') {
    throw new GmmError('INVALID_TYPE', `${name}[0] is ${describe(first)}, not a row: pass a 2-D array, e.g. [[x1], [x2]] for one feature.`);
  }
  const c = (first as ArrayLike<number>).length;
  if (c === 0) throw new GmmError('EMPTY_INPUT', `${name} rows have no columns: pass at least one feature.`);
  const out = allocRows(r, c, name);
  for (let i = 0; i < r; i++) {
    const row = rowsIn[i] as ArrayLike<unknown>;
    if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
      throw new GmmError('INVALID_TYPE', `${name}[${i}] is ${describe(row)}, not a row of numbers: pass an array of rows, e.g. [[x1, y1], [x2, y2]].`);
    }
    if (row.length !== c) {
      throw new GmmError('RAGGED_ROWS', `${name}[${i}] has ${row.length} values but ${name}[0] has ${c}: every row needs the same number of features.`);
    }
    for (let j = 0; j < c; j++) out[i * c + j] = checkEntry(row[j], name, i, j, nan);
  }
  return { data: out, rows: r, cols: c };
}

/** A flat array of finite numbers with the shape of its (non-ragged) nesting: an array or
 *  typed array has shape [n], nested arrays [n, m, …], a { data, rows, cols } matrix
 *  [rows, cols]. Ragged nesting is a SHAPE_MISMATCH. */
export function toTensor(v: unknown, name: string, code: GmmErrorCode = 'INVALID_INIT'): { data: Float64Array; shape: number[] } {
  const shape: number[] = [];
  for (let x: unknown = v; ;) {
    if (x !== null && typeof x === 'object' && !Array.isArray(x) && !ArrayBuffer.isView(x) && 'data' in (x as object)) {
      const m = toMatrix(x, name);
      if (shape.length > 0) throw new GmmError('SHAPE_MISMATCH', `${name} nests a { data, rows, cols } matrix inside an array: pass nested arrays or one flat array.`);
      return { data: m.data.slice(), shape: [m.rows, m.cols] };
    }
    if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<unknown>).length !== 'number') break;
    const a = x as ArrayLike<unknown>;
    shape.push(a.length);
    if (a.length === 0) break;
    x = a[0];
  }
  const data = toVector(v, name, code);
  let expected = 1;
  for (const n of shape) expected *= n;
  const check = (x: unknown, depth: number, path: string): void => {
    if (depth === shape.length) return;
    const a = x as ArrayLike<unknown>;
    if (a === null || typeof a !== 'object' || a.length !== shape[depth]) {
      throw new GmmError('SHAPE_MISMATCH', `${path} has ${a !== null && typeof a === 'object' ? a.length : 'no'} entries but its siblings have ${shape[depth]}: ${name} must not be ragged.`);
    }
    for (let i = 0; i < a.length; i++) check(a[i], depth + 1, `${path}[${i}]`);
  };
  check(v, 0, name);
  if (data.length !== expected) {
    throw new GmmError('SHAPE_MISMATCH', `${name} is nested unevenly (${data.length} numbers for shape [${shape.join(', ')}]): pass a regular nested array or one flat array.`);
  }
  return { data, shape };
}

/** A flat vector of finite numbers (an initial parameter, or with code INVALID_OPTION a
 *  prior), from arrays, typed arrays or nested arrays. */
export function toVector(v: unknown, name: string, code: GmmErrorCode = 'INVALID_INIT'): Float64Array {
  const out: number[] = [];
  const walk = (x: unknown, path: string): void => {
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) throw new GmmError('NON_FINITE', `${path} is ${x}: ${name} must be finite.`);
      out.push(x);
      return;
    }
    if (x !== null && typeof x === 'object' && typeof (x as ArrayLike<unknown>).length === 'number') {
      const a = x as ArrayLike<unknown>;
      for (let i = 0; i < a.length; i++) walk(a[i], `${path}[${i}]`);
      return;
    }
    if (x !== null && typeof x === 'object' && 'data' in (x as object)) {
      walk((x as { data: unknown }).data, `${path}.data`);
      return;
    }
    throw new GmmError(code, `${path} is ${describe(x)}: ${name} must contain numbers only.`);
  };
  walk(v, name);
  return Float64Array.from(out);
}

export interface ResolvedOptions {
  nComponents: number;
  /** The layout of the covariances (covarianceModel's, covariance-models.ts structureOf). */
  covarianceType: CovarianceType;
  /** The model as named (mclust's VVV, EEE, VVI, VII as scikit-learn's names). */
  covarianceModel: CovarianceModel;
  tol: number;
  regCovar: number;
  maxIter: number;
  nInit: number;
  initParams: InitParams;
  weightsInit: Float64Array | null;
  meansInit: Float64Array | null;
  precisionsInit: Float64Array | null;
  /** The nesting of the precisionsInit given ([n] if flat), checked against d at fit time. */
  precisionsInitShape: number[] | null;
  warmStart: boolean;
  seed: number;
  /** A variational Bayesian mixture's options (BayesianGaussianMixture), or absent. */
  variational?: VariationalOptions;
  missingValues: MissingValues;
  /** mclust's conjugate prior (the `prior` option), or null. */
  prior: ResolvedPrior | null;
  /** Every weight held at 1/K (mclust's equalPro). */
  equalWeights: boolean;
  /** initParams 'hc''s model and transform (mclust.options("hcModelName"), ("hcUse")). */
  hcModelName: HcModel;
  hcUse: HcUse;
}

/** Whether a fit's counts meet a prior (a variational fit, or mclust's prior), so that the
 *  weights' scale matters and they are never rescaled (fit/run.ts weightsFor). */
export function countsMeetPrior(o: ResolvedOptions): boolean {
  return o.variational !== undefined || o.prior !== null;
}

export interface GaussianMixtureOptions {
  /** Number of components K (default 1). */
  nComponents?: number;
  /** Covariance structure (default 'full'): scikit-learn's 'full', 'tied', 'diag',
   *  'spherical', or an mclust model name (VVV, EEE, VVI, VII name those four; EII, EEI, EVI,
   *  VEI, EVV, VEE, EEV, VEV are mclust's constrained models: covariance-models.ts). */
  covarianceType?: CovarianceName;
  /** Stop when the change of the mean log-likelihood is below tol (default 1e-3). */
  tol?: number;
  /** Added to every covariance diagonal (default 1e-6). */
  regCovar?: number;
  /** Maximum EM iterations per initialisation (default 100; 0: the start's parameters, no EM). */
  maxIter?: number;
  /** Number of initialisations; the best lower bound wins (default 1). */
  nInit?: number;
  /** Initialisation of the responsibilities (default 'kmeans'). */
  initParams?: InitParams;
  /** Initial weights, K numbers summing to 1. */
  weightsInit?: ArrayLike<number> | null;
  /** Initial means, K rows of d. */
  meansInit?: MatrixInput | null;
  /** Initial precisions (inverse covariances) in scikit-learn's layout for the type. */
  precisionsInit?: ArrayLike<number> | ArrayLike<ArrayLike<number>> | ArrayLike<ArrayLike<ArrayLike<number>>> | null;
  /** Continue from the current fit on the next fit() call (default false). */
  warmStart?: boolean;
  /** Seed of the core's PRNG (default 0): same seed, same result in every runtime. */
  seed?: number;
  /** NaN in X: 'error' (default) refuses it; 'marginalize' treats it as a missing entry
   *  (missing at random): fit() runs EM for incomplete data and scoring marginalises. */
  missingValues?: MissingValues;
  /** mclust's conjugate prior (priorControl()): true for its defaults, or an object with
   *  some of them given; EM then finds the posterior mode (see "mclust's prior" in the README). */
  prior?: boolean | ConjugatePriorOptions | null;
  /** Hold every weight at 1/nComponents (mclust's emControl(equalPro = TRUE)); default false. */
  equalWeights?: boolean;
  /** initParams 'hc''s agglomeration model, mclust.options("hcModelName"): 'VVV' (default),
   *  'EII' (Ward's), 'VII' or 'EEE' (whose n³ time, as mclust's, takes minutes at 2,000 rows); with no more
   *  rows than features it is 'EII' either way, as in Mclust(). */
  hcModelName?: HcModel;
  /** initParams 'hc''s transform of the data, mclust.options("hcUse"): 'SVD' (default), 'VARS',
   *  'STD', 'PCR', 'PCS' or 'SPH' (HC_USES). */
  hcUse?: HcUse;
}

const DEFAULTS = {
  nComponents: 1, covarianceType: 'full' as CovarianceName, tol: 1e-3, regCovar: 1e-6, maxIter: 100, nInit: 1,
  initParams: 'kmeans' as InitParams, warmStart: false, seed: 0, missingValues: 'error' as MissingValues, equalWeights: false,
  hcModelName: 'VVV' as HcModel, hcUse: 'SVD' as HcUse,
};
/** The options a GaussianMixture takes. */
export const MODEL_OPTIONS: ReadonlySet<string> = new Set([...Object.keys(DEFAULTS), 'weightsInit', 'meansInit', 'precisionsInit', 'prior']);

function intOption(v: unknown, name: string, min: number, fix: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new GmmError('INVALID_OPTION', `${name} must be an integer ≥ ${min}; got ${describe(v)}. ${fix}`);
  }
  return v;
}

function nonNegative(v: unknown, name: string, fix: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new GmmError('INVALID_OPTION', `${name} must be a finite number ≥ 0; got ${describe(v)}. ${fix}`);
  }
  return v;
}

export function resolveOptions(opts: unknown): ResolvedOptions {
  if (opts === undefined) opts = {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new GmmError('INVALID_TYPE', `options must be an object; got ${describe(opts)}.`);
  }
  const o = opts as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!MODEL_OPTIONS.has(key)) {
      throw new GmmError('INVALID_OPTION', unknownOption('option', key, [...MODEL_OPTIONS]));
    }
  }
  const get = <K extends keyof typeof DEFAULTS>(k: K): unknown => (o[k] === undefined ? DEFAULTS[k] : o[k]);
  const nComponents = intOption(get('nComponents'), 'nComponents', 1, 'Use at least one component.');
  const covarianceModel = modelNamed(get('covarianceType'));
  if (!covarianceModel) {
    const v = get('covarianceType');
    throw new GmmError('INVALID_OPTION', `covarianceType must be one of ${COVARIANCE_MODELS.map((t) => `'${t}'`).join(', ')}; got ${describe(v)}.` +
      covarianceTypeHint(v, COVARIANCE_MODELS, (t) => `'${t}'`));
  }
  const covarianceType = structureOf(covarianceModel);
  const initParams = get('initParams') as InitParams;
  if (!INIT_PARAMS.includes(initParams)) {
    throw new GmmError('INVALID_OPTION', `initParams must be one of ${INIT_PARAMS.map((t) => `'${t}'`).join(', ')}; got ${describe(initParams)}.`);
  }
  const tol = nonNegative(get('tol'), 'tol', 'Use 0 to always run maxIter iterations.');
  const regCovar = nonNegative(get('regCovar'), 'regCovar', 'The default 1e-6 suits data of unit scale.');
  // 0, as scikit-learn allows: the start's parameters (mclust's mstep from initLabels), no EM
  const maxIter = intOption(get('maxIter'), 'maxIter', 0, 'Use 0 for the start\'s parameters without EM iterations.');
  const nInit = intOption(get('nInit'), 'nInit', 1, 'Use 1 for a single initialisation.');
  if (maxIter === 0 && nInit !== 1) {
    throw new GmmError('INVALID_OPTION', `maxIter 0 keeps the start, and restarts are ranked by the lower bound their iterations ` +
      `reach, so nInit must be 1 (it is ${nInit}): use nInit 1, or maxIter ≥ 1 for restarts.`);
  }
  if (initParams === 'hc' && nInit !== 1) {
    throw new GmmError('INVALID_OPTION', `initParams 'hc' gives the one start mclust takes, so nInit must be 1 (it is ${nInit}): ` +
      "use nInit 1, or initParams 'kmeans' for nInit restarts.");
  }
  const warmStart = get('warmStart');
  if (typeof warmStart !== 'boolean') throw new GmmError('INVALID_OPTION', `warmStart must be true or false; got ${describe(warmStart)}.`);
  const seed = get('seed');
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new GmmError('INVALID_OPTION', `seed must be an integer between 0 and 2^53−1; got ${describe(seed)}.`);
  }
  const missingValues = get('missingValues') as MissingValues;
  if (missingValues !== 'error' && missingValues !== 'marginalize') {
    throw new GmmError('INVALID_OPTION', `missingValues must be 'error' or 'marginalize'; got ${describe(missingValues)}.`);
  }
  const K = nComponents;
  let weightsInit: Float64Array | null = null;
  if (o.weightsInit != null) {
    const t = toTensor(o.weightsInit, 'weightsInit');
    weightsInit = t.data;
    if (t.shape.length !== 1 || weightsInit.length !== K) {
      throw new GmmError('SHAPE_MISMATCH', `weightsInit has shape [${t.shape.join(', ')}] but nComponents is ${K}: give a flat array of one weight per component.`);
    }
    let s = 0;
    for (let k = 0; k < K; k++) {
      const w = weightsInit[k];
      if (w < 0 || w > 1) throw new GmmError('INVALID_INIT', `weightsInit[${k}] is ${w}: weights must lie in [0, 1].`);
      s += w;
    }
    if (!(Math.abs(1 - s) <= 1e-8)) {
      throw new GmmError('INVALID_INIT', `weightsInit must sum to 1 (within 1e-8); they sum to ${s}. Divide them by their sum.`);
    }
  }
  let meansInit: Float64Array | null = null;
  if (o.meansInit != null) {
    const m = toMatrix(o.meansInit, 'meansInit', 'numbers');
    if (m.rows !== K) throw new GmmError('SHAPE_MISMATCH', `meansInit has ${m.rows} rows but nComponents is ${K}: give one mean per component.`);
    // a copy: later changes to the caller's array must not reach a validated model
    meansInit = m.data.slice();
  }
  let precisionsInit: Float64Array | null = null;
  let precisionsInitShape: number[] | null = null;
  if (o.precisionsInit != null) {
    const t = toTensor(o.precisionsInit, 'precisionsInit');
    precisionsInit = t.data;
    precisionsInitShape = t.shape;
    if (covarianceType === 'spherical' || covarianceType === 'diag') {
      // the shapes known before X: K numbers (spherical), K rows (diag)
      if (covarianceType === 'spherical' ? precisionsInit.length !== K : precisionsInit.length % K !== 0) {
        throw new GmmError('SHAPE_MISMATCH', `precisionsInit for covarianceType '${covarianceType}' must have ` +
          `${covarianceType === 'spherical' ? `${K} numbers (one per component)` : `${K} rows of one number per feature`}; got ${precisionsInit.length} numbers.`);
      }
      for (let i = 0; i < precisionsInit.length; i++) {
        if (!(precisionsInit[i] > 0)) {
          throw new GmmError('INVALID_INIT', `precisionsInit entry ${i} is ${precisionsInit[i]}: ${covarianceType} precisions (inverse variances) must be > 0.`);
        }
      }
    }
  }
  if (regCovar === 0 && (initParams === 'k-means++' || initParams === 'random_from_data') && !precisionsInit) {
    // these start every covariance at regCovar·I, which is singular when regCovar is 0
    throw new GmmError('INVALID_OPTION', `initParams '${initParams}' starts every covariance at regCovar·I, which is ` +
      "singular with regCovar 0: use regCovar > 0, initParams 'kmeans' or 'random', or give precisionsInit.");
  }
  const equalWeights = get('equalWeights');
  if (typeof equalWeights !== 'boolean') throw new GmmError('INVALID_OPTION', `equalWeights must be true or false; got ${describe(equalWeights)}.`);
  if (equalWeights && weightsInit) {
    throw new GmmError('INVALID_OPTION', 'weightsInit cannot go with equalWeights, which holds every weight at 1/nComponents: ' +
      'leave weightsInit out.');
  }
  const hcModelName = get('hcModelName') as HcModel, hcUse = get('hcUse') as HcUse;
  if (!HC_MODELS.includes(hcModelName)) {
    throw new GmmError('INVALID_OPTION', `hcModelName must be ${HC_MODELS.map((t) => `'${t}'`).join(' or ')} (mclust's hc models built here for ` +
      `a start; one feature starts from quantiles, as Mclust()); got ${describe(hcModelName)}.`);
  }
  checkHcUse(hcUse, 'hcUse');
  if (initParams !== 'hc' && (hcModelName !== 'VVV' || hcUse !== 'SVD')) {
    const [k, v] = hcModelName !== 'VVV' ? ['hcModelName', hcModelName] : ['hcUse', hcUse];
    throw new GmmError('INVALID_OPTION', `${k} '${v}' shapes the start of initParams 'hc', but initParams is '${initParams}': ` +
      `add initParams 'hc', or leave ${k} out.`);
  }
  const prior = resolvePrior(o.prior, covarianceModel);
  if (prior && missingValues === 'marginalize') {
    throw new GmmError('INVALID_OPTION', "prior and missingValues 'marginalize' cannot go together: the incomplete-data EM " +
      "has no prior's M-step (nor has mclust, which takes no missing values). Leave one of them out, or impute first.");
  }
  return {
    nComponents, covarianceType, covarianceModel, tol, regCovar, maxIter, nInit, initParams, weightsInit, meansInit, precisionsInit,
    precisionsInitShape, warmStart, seed: seed as number, missingValues, prior, equalWeights, hcModelName, hcUse,
  };
}

/** Refuses (INVALID_OPTION, as `name`) a value that is not one of HC_USES. */
export function checkHcUse(v: unknown, name: string): asserts v is HcUse {
  if (!(HC_USES as readonly unknown[]).includes(v)) {
    throw new GmmError('INVALID_OPTION', `${name} must be one of ${HC_USES.map((t) => `'${t}'`).join(', ')}; got ${describe(v)}.${hcUseHint(v)}`);
  }
}

/** What an unknown hcUse's error adds: the name in upper case (mclust takes any case), or
 *  why mclust's "RND" is missing (random starts: the options named by `random`, the
 *  command line's flags there). */
export function hcUseHint(v: unknown, random = "initParams 'random' and nInit"): string {
  if (typeof v !== 'string') return '';
  const upper = v.trim().toUpperCase();
  if (upper === 'RND') return ` mclust's random pairs (R's RNG) are not built: for random starts use ${random}.`;
  return (HC_USES as readonly string[]).includes(upper) ? ` Names are in upper case here: '${upper}'.` : '';
}

/** Checks that the initial parameters fit d features (known only at fit time). */
export function checkInitShapes(o: ResolvedOptions, d: number): void {
  const K = o.nComponents;
  if (o.meansInit && o.meansInit.length !== K * d) {
    throw new GmmError('SHAPE_MISMATCH', `meansInit rows have ${o.meansInit.length / K} features but X has ${d}: give one value per feature of X in each mean.`);
  }
  if (o.precisionsInit) {
    const want = paramLength(o.covarianceType, K, d);
    if (o.precisionsInit.length !== want) {
      const shape = covarianceShape(o.covarianceType, K, d).join('×');
      throw new GmmError('SHAPE_MISMATCH', `precisionsInit for covarianceType '${o.covarianceType}' must have shape ${shape} (${want} numbers); got ${o.precisionsInit.length}.`);
    }
    const canonical = covarianceShape(o.covarianceType, K, d);
    const shape = o.precisionsInitShape ?? [want];
    if (shape.length > 1 && shape.join() !== canonical.join()) {
      throw new GmmError('SHAPE_MISMATCH', `precisionsInit for covarianceType '${o.covarianceType}' must have shape [${canonical.join(', ')}] ` +
        `(or be one flat array of ${want} numbers); got shape [${shape.join(', ')}].`);
    }
    if (o.covarianceType === 'full' || o.covarianceType === 'tied') {
      const count = o.covarianceType === 'full' ? K : 1;
      const p = o.precisionsInit;
      for (let k = 0; k < count; k++) {
        const which = `precisionsInit${o.covarianceType === 'full' ? `[${k}]` : ''}`;
        const asym = asymmetricEntry(p, k * d * d, d);
        if (asym) {
          const [i, j] = asym, a = p[k * d * d + i * d + j], b = p[k * d * d + j * d + i];
          throw new GmmError('INVALID_INIT', `${which} is not symmetric (entry [${i}][${j}] = ${a}, [${j}][${i}] = ${b}): ` +
            'precisions are symmetric; use (P + Pᵀ) / 2.');
        }
        if (reversedCholeskyFails(p, k * d * d, d) >= 0) {
          throw new GmmError('INVALID_INIT', `${which} is not positive definite: precisions must be symmetric positive ` +
            'definite inverse covariances (e.g. the precisions_ of a fitted model).');
        }
      }
    }
  }
}

/** The first entry [i, j] (i < j) of the d×d matrix at p[off] whose mirror differs by more
 *  than numpy's allclose allows (|Pᵢⱼ − Pⱼᵢ| > 1e-8 + 1e-5·|Pⱼᵢ|, scikit-learn's symmetry
 *  test), or null. */
export function asymmetricEntry(p: Float64Array, off: number, d: number): [number, number] | null {
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const a = p[off + i * d + j], b = p[off + j * d + i];
      if (Math.abs(a - b) > 1e-8 + 1e-5 * Math.abs(b)) return [i, j];
    }
  }
  return null;
}

/** In-place lower Cholesky of the d×d matrix a (its lower triangle), in the order of
 *  operations of the core's choleskyLower (assembly/cholesky.ts), so both agree to the
 *  bit. Returns the failing pivot or -1. */
export function choleskyFails(a: Float64Array, d: number): number {
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j];
    for (let k = 0; k < j; k++) {
      const l = a[j * d + k];
      s -= l * l;
    }
    if (!(s > 0) || !(s < Infinity)) return j;
    const ljj = Math.sqrt(s);
    a[j * d + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j];
      for (let k = 0; k < j; k++) t -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = t * inv;
    }
  }
  return -1;
}

/** The core's test for a precision matrix P (fromPrecisions: lower Cholesky of J·P·J, J the
 *  exchange matrix). Returns the failing pivot or -1. */
function reversedCholeskyFails(p: Float64Array, off: number, d: number): number {
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] = p[off + (d - 1 - i) * d + (d - 1 - j)];
  return choleskyFails(a, d);
}

/** A lower bound on the WebAssembly bytes a fit of rows×cols data needs (the data, labels,
 *  means and the two covariance-shaped arrays), from the shapes alone: lets fit() refuse
 *  an impossible job with TOO_LARGE before copying or validating any entry. */
export function fitBytesLowerBound(rows: number, cols: number, o: ResolvedOptions): number {
  const K = o.nComponents;
  return 8 * (rows * cols + K * cols + 2 * paramLength(o.covarianceType, K, cols)) + 4 * rows;
}

/** The given rows of m (indices), in that order, with m's column names. */
export function rowsOf(m: Matrix, rows: ArrayLike<number>): Matrix {
  const d = m.cols, out = new Float64Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) out.set(m.data.subarray(rows[i] * d, (rows[i] + 1) * d), i * d);
  return { data: out, rows: rows.length, cols: d, ...(m.columns ? { columns: m.columns.slice() } : {}) };
}

/** Sample weights: n finite non-negative numbers, not all zero. */
export function toSampleWeight(v: unknown, n: number, allowAllZero = false): Float64Array | null {
  if (v == null) return null;
  if (typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number') {
    throw new GmmError('INVALID_SAMPLE_WEIGHT', `sampleWeight must be an array of ${n} numbers; got ${describe(v)}.`);
  }
  const a = v as ArrayLike<unknown>;
  if (a.length !== n) throw new GmmError('INVALID_SAMPLE_WEIGHT', `sampleWeight has ${a.length} entries but X has ${n} rows: give one weight per row.`);
  const out = new Float64Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    const w = a[i];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new GmmError('INVALID_SAMPLE_WEIGHT', `sampleWeight[${i}] is ${describe(w)}: weights must be finite numbers ≥ 0.`);
    }
    out[i] = w;
    if (w > 0) any = true;
  }
  if (!any && !allowAllZero) throw new GmmError('INVALID_SAMPLE_WEIGHT', 'sampleWeight is all zero: at least one row needs a positive weight.');
  return out;
}
