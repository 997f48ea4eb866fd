// JSON form of a fitted model. Numbers are written by JSON.stringify, which round-trips
// every double exactly, so a reloaded model scores bit-identically.
import { GmmError } from '../core/errors.js';
import { repeatedName, type CovarianceType } from './validate.js';
import { COVARIANCE_MODELS, checkConstraint, modelNamed, structureOf } from './covariance-models.js';
import { paramLength, priorLength, type FittedState, type VariationalParams } from './params.js';
import { priorScaleLength, type PriorParams } from './conjugate-prior.js';
import { eigenvalues, precisionFactors } from './factors.js';

export const FORMAT = 'gmm-wasm';
export const VERSION = 1;

export interface GaussianMixtureJSON {
  format: typeof FORMAT;
  version: typeof VERSION;
  options: Record<string, unknown>;
  nFeatures: number;
  weights: number[];
  means: number[][];
  covariances: number[];
  precisionsCholesky: number[];
  converged: boolean;
  nIter: number;
  /** null for a model built by fromParameters (no fit ran: −∞). */
  lowerBound: number | null;
  /** The bound after each iteration of the fit kept (nIter of them; absent in older files). */
  lowerBounds?: number[];
  /** The names of the columns fitted on (absent when X had none). */
  featureNames?: string[];
  /** BayesianGaussianMixture only: the variational posterior and the resolved priors. */
  variational?: {
    weightConcentration: number[]; meanPrecision: number[]; degreesOfFreedom: number[];
    priors: { weightConcentration: number; meanPrecision: number; mean: number[]; degreesOfFreedom: number; covariance: number[] };
  };
  /** A fit with the `prior` option: the prior it used, defaults resolved. */
  prior?: { shrinkage: number; mean: number[]; dof: number; scale: number[] };
}

export function toJSONObject(options: Record<string, unknown>, s: FittedState): GaussianMixtureJSON {
  const { K, d } = s.params;
  const means: number[][] = [];
  for (let k = 0; k < K; k++) means.push(Array.from(s.params.means.subarray(k * d, k * d + d)));
  return {
    format: FORMAT, version: VERSION, options, nFeatures: d,
    weights: Array.from(s.params.weights), means,
    covariances: Array.from(s.params.covariances),
    precisionsCholesky: Array.from(s.params.precisionsCholesky),
    converged: s.converged, nIter: s.nIter, lowerBound: s.lowerBound === -Infinity ? null : s.lowerBound,
    ...(s.lowerBounds?.length ? { lowerBounds: s.lowerBounds.slice() } : {}),
    ...(s.featureNames ? { featureNames: s.featureNames.slice() } : {}),
    ...(s.params.variational ? { variational: variationalJSON(s.params.variational) } : {}),
    ...(s.params.prior ? { prior: { ...s.params.prior, mean: Array.from(s.params.prior.mean), scale: Array.from(s.params.prior.scale) } } : {}),
  };
}

function variationalJSON(v: VariationalParams): NonNullable<GaussianMixtureJSON['variational']> {
  const p = v.priors;
  return {
    weightConcentration: Array.from(v.weightConcentration), meanPrecision: Array.from(v.meanPrecision),
    degreesOfFreedom: Array.from(v.degreesOfFreedom),
    priors: { weightConcentration: p.weightConcentration, meanPrecision: p.meanPrecision, mean: Array.from(p.mean),
      degreesOfFreedom: p.degreesOfFreedom, covariance: Array.from(p.covariance) },
  };
}

/** The variational part of a Bayesian mixture's JSON, checked (process: from its options). */
export function variationalFromJSON(v: unknown, process: boolean, type: CovarianceType, K: number, d: number): VariationalParams {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('"variational" must be an object (a BayesianGaussianMixture model).');
  const o = v as Record<string, unknown>;
  const priors = o.priors as Record<string, unknown> | null;
  if (priors === null || typeof priors !== 'object') throw bad('"variational.priors" must be an object.');
  const scalar = (x: unknown, name: string): number => numbers([x], name, 1)[0];
  const out: VariationalParams = {
    process,
    weightConcentration: numbers(o.weightConcentration, 'variational.weightConcentration', process ? 2 * K : K),
    meanPrecision: numbers(o.meanPrecision, 'variational.meanPrecision', K),
    degreesOfFreedom: numbers(o.degreesOfFreedom, 'variational.degreesOfFreedom', type === 'tied' ? 1 : K),
    priors: {
      weightConcentration: scalar(priors.weightConcentration, 'variational.priors.weightConcentration'),
      meanPrecision: scalar(priors.meanPrecision, 'variational.priors.meanPrecision'),
      mean: numbers(priors.mean, 'variational.priors.mean', d),
      degreesOfFreedom: scalar(priors.degreesOfFreedom, 'variational.priors.degreesOfFreedom'),
      covariance: numbers(priors.covariance, 'variational.priors.covariance', priorLength(type, d)),
    },
  };
  for (const a of [out.weightConcentration, out.meanPrecision]) if (a.some((x) => !(x > 0))) throw bad('variational concentrations and precisions must be > 0.');
  if (out.degreesOfFreedom.some((x) => !(x > d - 1))) throw bad(`variational.degreesOfFreedom must exceed nFeatures − 1 = ${d - 1}.`);
  return out;
}

/** The "prior" of a fit's JSON, checked (its scale: scaleLength numbers, by the model). */
function priorFromJSON(v: unknown, d: number, scaleLength: number): PriorParams {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('"prior" must be an object { shrinkage, mean, dof, scale }.');
  const o = v as Record<string, unknown>;
  const [shrinkage] = numbers([o.shrinkage], 'prior.shrinkage', 1);
  const [dof] = numbers([o.dof], 'prior.dof', 1);
  const p = { shrinkage, mean: numbers(o.mean, 'prior.mean', d), dof, scale: numbers(o.scale, 'prior.scale', scaleLength) };
  if (!(p.shrinkage >= 0 && p.dof > 0)) throw bad('"prior" needs shrinkage ≥ 0 and dof > 0.');
  return p;
}

function bad(msg: string): GmmError {
  return new GmmError('INVALID_JSON', `fromJSON: ${msg}`);
}

function numbers(v: unknown, name: string, len: number): Float64Array {
  if (!Array.isArray(v)) throw bad(`"${name}" must be an array of ${len} numbers.`);
  if (v.length !== len) throw bad(`"${name}" has ${v.length} numbers, expected ${len} (truncated or for another shape?).`);
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) throw bad(`"${name}"[${i}] is not a finite number.`);
    out[i] = v[i];
  }
  return out;
}

/** The first component whose precision factor U implies a covariance Σ = U⁻ᵀ U⁻¹ that
 *  doubles cannot represent (an entry overflows), or -1. Such a factor (e.g. a diagonal of
 *  5e-324) makes sampling produce ±Infinity/NaN. (A full consistency check against the
 *  stored covariances would reject genuine fits of numerically singular components.) */
function unrepresentable(type: CovarianceType, K: number, d: number, chol: Float64Array): number {
  if (type === 'diag' || type === 'spherical') {
    for (let i = 0; i < chol.length; i++) if (!Number.isFinite(1 / (chol[i] * chol[i]))) return type === 'diag' ? Math.floor(i / d) : i;
    return -1;
  }
  const W = new Float64Array(d * d);
  for (let k = 0; k < (type === 'full' ? K : 1); k++) {
    const U = chol.subarray(k * d * d, (k + 1) * d * d);
    // W = U⁻¹ (upper) by back substitution, then Σ = Wᵀ W
    for (let col = 0; col < d; col++) {
      for (let i = d - 1; i >= 0; i--) {
        let s = i === col ? 1 : 0;
        for (let m = i + 1; m < d; m++) s -= U[i * d + m] * W[m * d + col];
        W[i * d + col] = i > col ? 0 : s / U[i * d + i];
      }
    }
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) {
      let s = 0;
      for (let m = 0; m <= i; m++) s += W[m * d + i] * W[m * d + j];
      if (!Number.isFinite(s)) return k;
    }
  }
  return -1;
}

/** The fields of a fit that a model written by hand may leave out, all together: its
 *  precision factors are then computed from the covariances (GaussianMixture.fromParameters). */
const FIT_FIELDS = ['precisionsCholesky', 'converged', 'nIter', 'lowerBound'];

/** JSON text parsed (anything else as it is), or INVALID_JSON naming `what` (every model's fromJSON). */
export function parseJSONText(input: unknown, what: string): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch (e) {
    throw new GmmError('INVALID_JSON', `${what}: not valid JSON (${(e as Error).message}).`);
  }
}

/** A model's JSON text parsed (INVALID_JSON naming the syntax error), or the value itself. */
export function parseModelJSON(input: unknown): unknown {
  return parseJSONText(input, 'fromJSON');
}

/** A parsed model file of parameters only (format and version as toJSON's, no fit fields,
 *  no variational part): its object, or null for anything else (fromJSONObject then checks
 *  it, and reports a partial set of fit fields). */
export function parametersOnly(j: unknown): Record<string, unknown> | null {
  if (j === null || typeof j !== 'object' || Array.isArray(j)) return null;
  const o = j as Record<string, unknown>;
  if (o.format !== FORMAT || o.version !== VERSION || o.variational !== undefined || o.prior !== undefined) return null;
  return FIT_FIELDS.every((k) => o[k] === undefined) ? o : null;
}

/** Parses and checks a model; returns its options and fitted state. */
export function fromJSONObject(input: unknown): { options: Record<string, unknown>; state: FittedState; raw: Record<string, unknown> } {
  const j = parseModelJSON(input);
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw bad('expected an object as written by toJSON().');
  const o = j as Record<string, unknown>;
  if (o.format !== FORMAT) throw bad(`"format" is ${JSON.stringify(o.format)}, expected "${FORMAT}": this is not a gmm-wasm model.`);
  if (o.version !== VERSION) throw bad(`"version" is ${JSON.stringify(o.version)}; this gmm-wasm reads version ${VERSION}. Re-export the model with a matching version.`);
  // some of a fit's fields but not all: neither a fit's file nor a parameters-only one
  const absent = FIT_FIELDS.filter((k) => o[k] === undefined);
  if (absent.length > 0 && absent.length < FIT_FIELDS.length && o.variational === undefined) {
    throw bad(`the file has some of a fit's fields but not ${absent.map((k) => `"${k}"`).join(', ')}: give them all (as toJSON() ` +
      `writes them), or none of ${FIT_FIELDS.map((k) => `"${k}"`).join(', ')} for a model from its parameters alone.`);
  }
  const options = o.options;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw bad('"options" must be an object.');
  const model = modelNamed((options as Record<string, unknown>).covarianceType);
  if (!model) throw bad(`options.covarianceType ${JSON.stringify((options as Record<string, unknown>).covarianceType)} is not one of ${COVARIANCE_MODELS.join(', ')}.`);
  const type = structureOf(model);
  const d = o.nFeatures;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw bad('"nFeatures" must be a positive integer.');
  if (!Array.isArray(o.weights) || o.weights.length < 1) throw bad('"weights" must be a non-empty array.');
  const K = o.weights.length;
  if ((options as Record<string, unknown>).nComponents !== K) throw bad(`options.nComponents does not match the ${K} weights.`);
  const weights = numbers(o.weights, 'weights', K);
  let s = 0;
  for (const w of weights) {
    if (w < 0) throw bad('"weights" must be non-negative.');
    s += w;
  }
  if (!(Math.abs(s - 1) <= 1e-8)) throw bad(`"weights" sum to ${s}, not 1 (within 1e-8).`);
  if (!Array.isArray(o.means) || o.means.length !== K) throw bad(`"means" must be ${K} rows.`);
  // shapes before any allocation sized by them
  for (let k = 0; k < K; k++) {
    const row = o.means[k];
    if (!Array.isArray(row) || row.length !== d) throw bad(`"means[${k}]" must be an array of nFeatures = ${d} numbers.`);
  }
  const means = new Float64Array(K * d);
  for (let k = 0; k < K; k++) means.set(numbers(o.means[k], `means[${k}]`, d), k * d);
  const P = paramLength(type, K, d);
  const covariances = numbers(o.covariances, 'covariances', P);
  const chol = numbers(o.precisionsCholesky, 'precisionsCholesky', P);
  // covariances: symmetric with a positive diagonal (full, tied), positive (diag, spherical)
  if (type === 'full' || type === 'tied') {
    for (let k = 0; k < (type === 'full' ? K : 1); k++) {
      for (let i = 0; i < d; i++) {
        if (!(covariances[k * d * d + i * d + i] > 0)) throw bad(`covariances[${k}] has a non-positive diagonal.`);
        for (let jj = 0; jj < i; jj++) {
          const a = covariances[k * d * d + i * d + jj], b = covariances[k * d * d + jj * d + i];
          if (Math.abs(a - b) > 1e-12 * Math.max(Math.abs(a), Math.abs(b))) throw bad(`covariances[${k}] is not symmetric.`);
        }
      }
    }
  } else {
    for (let i = 0; i < P; i++) if (!(covariances[i] > 0)) throw bad(`covariances[${i}] must be positive.`);
  }
  // the precision factor must be upper triangular with a positive diagonal
  if (type === 'full' || type === 'tied') {
    for (let k = 0; k < (type === 'full' ? K : 1); k++) {
      for (let i = 0; i < d; i++) {
        if (!(chol[k * d * d + i * d + i] > 0)) throw bad(`precisionsCholesky[${k}] has a non-positive diagonal.`);
        for (let jj = 0; jj < i; jj++) if (chol[k * d * d + i * d + jj] !== 0) throw bad(`precisionsCholesky[${k}] is not upper triangular.`);
      }
    }
  } else {
    for (let i = 0; i < P; i++) if (!(chol[i] > 0)) throw bad(`precisionsCholesky[${i}] must be positive.`);
  }
  const broken = unrepresentable(type, K, d, chol);
  if (broken >= 0) {
    throw bad(`precisionsCholesky${type === 'tied' ? '' : `[${broken}]`} implies a covariance beyond the range of doubles ` +
      '(a factor entry is too small or too large): the file was edited or corrupted.');
  }
  if (typeof o.converged !== 'boolean') throw bad('"converged" must be a boolean.');
  if (typeof o.nIter !== 'number' || !Number.isInteger(o.nIter) || o.nIter < 0) throw bad('"nIter" must be a non-negative integer.');
  // null: a model that no fit produced (fromParameters), whose lower bound is −∞
  // (never a Bayesian mixture's: only fromParameters builds one with no fit)
  if (!(o.lowerBound === null && o.nIter === 0 && o.variational === undefined) &&
    (typeof o.lowerBound !== 'number' || !Number.isFinite(o.lowerBound))) {
    throw bad('"lowerBound" must be a finite number (or null with nIter 0).');
  }
  const names = o.featureNames;
  if (names !== undefined && (!Array.isArray(names) || names.length !== d || !names.every((v) => typeof v === 'string'))) {
    throw bad(`"featureNames" must be an array of nFeatures = ${d} strings (or left out).`);
  }
  if (names !== undefined && repeatedName(names as string[]) !== undefined) {
    throw bad(`"featureNames" names ${JSON.stringify(repeatedName(names as string[]))} twice: each column has a name of its own.`);
  }
  // last: the checks that ask the core (its scratch memory only): the factors, then the constraint
  const factors = precisionFactors(type, K, d, covariances);
  const notPd = factors.bad;
  if (notPd >= 0) {
    throw bad(`covariances${type === 'tied' ? '' : `[${notPd}]`} is not positive definite, so no fit stored it: the file ` +
      'was edited or corrupted.');
  }
  try {
    // the covariances' own factors, not the file's
    checkConstraint(model, K, d, covariances, factors.chol, () => eigenvalues(K, d, covariances));
  } catch (e) {
    throw bad(`${(e as Error).message.replace(/\. Give .*$/, '')}: the file was edited or corrupted.`);
  }
  const prior = o.prior === undefined ? undefined : priorFromJSON(o.prior, d, priorScaleLength(model, d));
  // the bounds of a fit's iterations, one per iteration; none written for none run (nIter 0),
  // and unknown in files written before them
  const lowerBounds = o.lowerBounds !== undefined ? Array.from(numbers(o.lowerBounds, 'lowerBounds', o.nIter as number))
    : o.nIter === 0 ? [] : undefined;
  return {
    raw: o,
    options: options as Record<string, unknown>,
    state: {
      params: { covarianceType: type, K, d, weights, means, covariances, precisionsCholesky: chol, ...(prior ? { prior } : {}) },
      converged: o.converged, nIter: o.nIter, lowerBound: o.lowerBound === null ? -Infinity : o.lowerBound,
      ...(lowerBounds ? { lowerBounds } : {}),
      featureNames: names ? (names as string[]).slice() : null,
    },
  };
}
