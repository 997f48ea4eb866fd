// The uncertainty of a fitted mixture's parameters by resampling: mclust's MclustBootstrap
// (O'Hagan et al. 2019, "On estimation of parameter uncertainty in model-based clustering").
// Each replicate refits the model by EM from its fitted parameters to data drawn from X:
//   'bs'   rows drawn with replacement: the fit of X with weights cᵢ = how often row i was drawn;
//   'wlbs' the weighted likelihood bootstrap: weights wᵢ ~ Gamma(α) (Dirichlet weights);
//   'pb'   n rows sampled from the fitted model (the parametric bootstrap);
//   'jk'   the jackknife: n replicates, replicate i leaving row i out (weight 0).
// The replicates' weights, means and covariances are kept; standardErrors, average and
// confidenceIntervals summarise them as mclust's summary() does (percentile intervals, and for
// the jackknife its scaled standard errors and normal intervals). Every draw comes from the
// core's PRNG with a seed of its own (replicate b, attempt a), and the few transcendental
// operations run in the core, so a seed gives the same bits in every runtime.
import { GmmError } from '../core/errors.js';
import { core, seedCore } from '../core/core.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { drawSeed, warmStart } from './resampling.js';
import { isFitFailure } from './select.js';
import { fullCovariance } from './params.js';
import { structureOf, type CovarianceModel } from './covariance-models.js';
import { meanAndSd, normalQuantile, quantile7 } from './quantiles.js';
import { checkKeys } from './option-names.js';
import { describe, toMatrix, toSampleWeight, type GaussianMixtureOptions, type Matrix, type MatrixInput } from './validate.js';
import type { GaussianMixtureJSON } from './serialize.js';
import type { SpawnOptions } from '../parallel/spawn.js';
import { checkPoolOptions, checkSignal } from '../parallel/workers.js';
import { block, inThread, startCrew } from '../parallel/crew.js';

/** 'bs': nonparametric (rows with replacement); 'wlbs': weighted likelihood (Dirichlet
 *  weights); 'pb': parametric (rows sampled from the model); 'jk': jackknife (each row left out). */
export type BootstrapType = 'bs' | 'wlbs' | 'pb' | 'jk';
export const BOOTSTRAP_TYPES: readonly BootstrapType[] = ['bs', 'wlbs', 'pb', 'jk'];

export interface BootstrapParametersOptions {
  /** How replicates are drawn (default 'bs', as mclust). */
  type?: BootstrapType;
  /** Replicates (default 999, as mclust; the jackknife takes one per row and refuses nBoot). */
  nBoot?: number;
  /** 'wlbs': the Dirichlet weights' concentration α > 0 (default 1, mclust's). */
  alpha?: number;
  /** Seed of every draw (default the model's seed). */
  seed?: number;
  /** Each replicate's EM: tol and maxIter (default 1e-8 and 100000: to its end, as bootstrapLRT). */
  tol?: number;
  maxIter?: number;
  /** The weights the model was fitted with, one per row of X: each replicate's weights are
   *  these times its own ('bs', 'wlbs', 'jk'; the parametric bootstrap draws rows and refuses them). */
  sampleWeight?: ArrayLike<number> | null;
}

/** Per parameter: K weights, K × d means, K × d × d covariances (full matrices for every type). */
export interface ParameterSummary { weights: Float64Array; means: Float64Array; covariances: Float64Array }

/** Lower and upper ends of each interval: K weights, K × d means, K × d variances (the
 *  covariances' diagonals, as mclust's summary gives them). */
export interface ParameterIntervals {
  level: number;
  weights: { lower: Float64Array; upper: Float64Array };
  means: { lower: Float64Array; upper: Float64Array };
  variances: { lower: Float64Array; upper: Float64Array };
}

const OPTIONS = ['type', 'nBoot', 'alpha', 'seed', 'tol', 'maxIter', 'sampleWeight'];
/** The most numbers the replicates may hold (2^28 f64: 2 GiB). */
const MAX_NUMBERS = 2 ** 28;
/** bootstrapParametersAsync's own options. */
const ASYNC_KEYS = ['workers', 'signal', 'workerUrl', 'createWorker'];
/** A replicate that fails to fit (a collapsed component) is drawn again, as mclust does, up to
 *  this many times; a jackknife replicate, which cannot be drawn again, is left NaN. */
const ATTEMPTS = 20;
const MAX_SEED = 2 ** 53 - 1;

/** The replicates of a bootstrap and their summaries. */
export class ParameterBootstrap {
  /** Replicates × K weights, replicates × K × d means, replicates × K × d × d covariances
   *  (row-major; full matrices whatever the covariance type); a failed jackknife replicate is NaN. */
  readonly weights: Float64Array;
  readonly means: Float64Array;
  readonly covariances: Float64Array;

  constructor(
    readonly type: BootstrapType, readonly nBoot: number, readonly nComponents: number, readonly nFeatures: number,
    readonly covarianceType: CovarianceModel,
    /** Replicates that failed to fit: drawn again ('bs', 'wlbs', 'pb'), or left NaN ('jk'). */
    readonly nonfit: number,
    replicates: ParameterSummary,
    /** The point estimate the replicates start from: the model's EM run on to the replicates'
     *  tol on X (null for a ParameterBootstrap made from replicates alone). */
    readonly estimate: GaussianMixture | null = null,
  ) {
    const K = nComponents, d = nFeatures;
    if (!BOOTSTRAP_TYPES.includes(type) || !(Number.isInteger(nBoot) && nBoot >= 1) || replicates.weights.length !== nBoot * K ||
      replicates.means.length !== nBoot * K * d || replicates.covariances.length !== nBoot * K * d * d) {
      throw new GmmError('SHAPE_MISMATCH', `a ParameterBootstrap of ${describe(nBoot)} replicates of ${K} components and ${d} features needs ` +
        `nBoot·K weights, nBoot·K·d means and nBoot·K·d·d covariances (got ${replicates.weights.length}, ${replicates.means.length} ` +
        `and ${replicates.covariances.length}).`);
    }
    this.weights = replicates.weights;
    this.means = replicates.means;
    this.covariances = replicates.covariances;
  }

  /** Each parameter's standard deviation over the replicates (mclust's summary(what = "se")):
   *  for the jackknife scaled to its standard error, sd·(m − 1)/√m over its m fitted replicates. */
  standardErrors(): ParameterSummary {
    return this.each((v) => {
      const { sd, count } = meanAndSd(v);
      return this.type === 'jk' ? jackknifeError(sd, count) : sd;
    });
  }

  /** Each parameter's mean over the replicates (summary(what = "ave")). */
  average(): ParameterSummary {
    return this.each((v) => meanAndSd(v).mean);
  }

  /** Intervals of the given level (default 0.95; summary(what = "ci")): percentile intervals
   *  (R's quantile type 7), or for the jackknife average ± Φ⁻¹((1 + level)/2)·standard error. */
  confidenceIntervals(level = 0.95): ParameterIntervals {
    if (typeof level !== 'number' || !(level > 0 && level < 1)) {
      throw new GmmError('INVALID_ARGUMENT', `level must lie in (0, 1), such as 0.95; got ${describe(level)}.`);
    }
    const K = this.nComponents, d = this.nFeatures;
    const z = normalQuantile((1 + level) / 2), lo = (1 - level) / 2, hi = (1 + level) / 2;
    const ends = (series: (b: number) => number, count: number): [Float64Array, Float64Array] => {
      const lower = new Float64Array(count), upper = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = Float64Array.from({ length: this.nBoot }, (_, b) => series(b * count + i));
        if (this.type === 'jk') {
          const { mean, sd, count } = meanAndSd(v);
          const se = jackknifeError(sd, count);
          lower[i] = mean - z * se;
          upper[i] = mean + z * se;
        } else {
          lower[i] = quantile7(v, lo);
          upper[i] = quantile7(v, hi);
        }
      }
      return [lower, upper];
    };
    const [wl, wu] = ends((i) => this.weights[i], K);
    const [ml, mu] = ends((i) => this.means[i], K * d);
    // variance j of component k of replicate b, at i = b·K·d + k·d + j
    const [vl, vu] = ends((i) => this.covariances[Math.floor(i / d) * d * d + (i % d) * (d + 1)], K * d);
    return { level, weights: { lower: wl, upper: wu }, means: { lower: ml, upper: mu }, variances: { lower: vl, upper: vu } };
  }

  /** f of each parameter's series over the replicates. */
  private each(f: (v: Float64Array) => number): ParameterSummary {
    const over = (a: Float64Array): Float64Array => {
      const count = a.length / this.nBoot;
      return Float64Array.from({ length: count }, (_, i) => f(Float64Array.from({ length: this.nBoot }, (_, b) => a[b * count + i])));
    };
    return { weights: over(this.weights), means: over(this.means), covariances: over(this.covariances) };
  }
}

/** bootstrapParameters' options, and the workers that refit (default: the available cores;
 *  0: in this thread, yielding between replicates) and an AbortSignal. */
export interface BootstrapParametersAsyncOptions extends BootstrapParametersOptions, SpawnOptions {
  workers?: number;
  signal?: AbortSignal;
}

/** What refits a block of replicates (a worker's task, or this thread's): the model to start
 *  from (its JSON, with the replicates' tol and maxIter), the rows (null for 'pb', which
 *  samples the model), where the seeds come from, and the replicates from … to (exclusive). */
export interface ReplicateTask {
  kind: 'bootstrap';
  type: BootstrapType;
  start: GaussianMixtureJSON;
  X: Matrix | null;
  /** The model's sample weights (null: none), which each replicate's multiply. */
  w: Float64Array | null;
  n: number;
  seed: number; nBoot: number; alpha: number;
  from: number; to: number;
}

/** A block's replicates (as ParameterBootstrap lays them out) and how many failed to fit. */
export interface Replicates extends ParameterSummary { nonfit: number }

/**
 * Bootstraps a fitted GaussianMixture on the data X it was fitted to: nBoot replicates, each
 * the model refitted by EM from its parameters (its options: covariance type, regCovar, prior,
 * equalWeights) to a resample of X. Components keep their order when the replicates stay near
 * the fit; far from it (components that overlap much) a replicate can swap them, as in mclust.
 */
export function bootstrapParameters(model: GaussianMixture, X: MatrixInput, options: BootstrapParametersOptions = {}): ParameterBootstrap {
  const p = plan(model, X, options, []);
  return assemble(p, [bootstrapReplicates({ ...p.task, from: 0, to: p.task.nBoot })]);
}

/**
 * bootstrapParameters off the caller's thread: the replicates split over `workers` workers in
 * contiguous blocks (each replicate has its own seeds, so the result is bootstrapParameters'
 * bits however they are split; each worker is sent X once). With workers 0, or where the
 * runtime has none, the replicates run in this thread, yielding between them.
 */
export async function bootstrapParametersAsync(model: GaussianMixture, X: MatrixInput,
  options: BootstrapParametersAsyncOptions = {}): Promise<ParameterBootstrap> {
  const p = plan(model, X, options, ASYNC_KEYS);
  const { workers: w, signal, workerUrl, createWorker } = options;
  const po = checkPoolOptions({ ...(w !== undefined ? { workers: w } : {}), ...(workerUrl !== undefined ? { workerUrl } : {}),
    ...(createWorker !== undefined ? { createWorker } : {}) }, []);
  const sig = checkSignal(signal);
  const nBoot = p.task.nBoot;
  const crew = await startCrew(Math.min(po.workers, nBoot), po, sig, 'bootstrapParameters');
  try {
    const parts = crew
      ? await crew.run(Array.from({ length: crew.size }, (_, i) => ({ ...p.task, ...block(i, crew.size, nBoot) }))) as Replicates[]
      : await inThread(nBoot, (b) => bootstrapReplicates({ ...p.task, from: b, to: b + 1 }), sig, 'bootstrapParameters');
    return assemble(p, parts);
  } finally {
    crew?.close();
  }
}

interface Plan { task: Omit<ReplicateTask, 'from' | 'to'>; K: number; d: number; covarianceType: CovarianceModel; estimate: GaussianMixture }

/** Every option checked, before any fit; the task of every replicate. */
function plan(model: GaussianMixture, X: MatrixInput, options: BootstrapParametersOptions, extra: readonly string[]): Plan {
  if (!(model instanceof GaussianMixture) || model.options.variational) {
    throw new GmmError('INVALID_ARGUMENT', 'bootstrapParameters needs a fitted GaussianMixture (a BayesianGaussianMixture has a ' +
      'posterior of its own, not point estimates to resample).');
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new GmmError('INVALID_TYPE', `bootstrapParameters options must be an object; got ${describe(options)}.`);
  }
  checkKeys(options, 'bootstrapParameters', [...OPTIONS, ...extra]);
  const { type = 'bs', alpha = 1, tol = 1e-8, maxIter = 100000 } = options;
  if (!BOOTSTRAP_TYPES.includes(type)) {
    throw new GmmError('INVALID_OPTION', `type must be one of ${BOOTSTRAP_TYPES.map((t) => `'${t}'`).join(', ')}; got ${describe(type)}.`);
  }
  if (type === 'jk' && options.nBoot !== undefined) {
    throw new GmmError('INVALID_OPTION', "the jackknife ('jk') has one replicate per row of X: leave nBoot out.");
  }
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < Infinity)) {
    throw new GmmError('INVALID_OPTION', `alpha must be a positive number (the Dirichlet weights' concentration); got ${describe(alpha)}.`);
  }
  if (!model.isFitted) throw new GmmError('NOT_FITTED', 'bootstrapParameters needs a fitted model: call gm.fit(X) first.');
  const m = toMatrix(X, 'X', model.options.missingValues === 'marginalize' ? 'allow' : 'refuse');
  if (m.cols !== model.nFeatures) {
    throw new GmmError('FEATURE_MISMATCH', `X has ${m.cols} features but the model was fitted on ${model.nFeatures}: pass the data it was fitted to.`);
  }
  const w = toSampleWeight(options.sampleWeight, m.rows);
  if (w && type === 'pb') {
    throw new GmmError('INVALID_OPTION', "the parametric bootstrap ('pb') draws new rows from the model: sampleWeight does not apply to them.");
  }
  const nBoot = type === 'jk' ? m.rows : options.nBoot ?? 999;
  if (!Number.isInteger(nBoot) || nBoot < 2) throw new GmmError('INVALID_OPTION', `nBoot must be an integer ≥ 2; got ${describe(nBoot)}. mclust's default is 999.`);
  const K = model.nComponents, d = m.cols;
  if (nBoot * K * (1 + d + d * d) > MAX_NUMBERS) {
    throw new GmmError('TOO_LARGE', `${nBoot} replicates of ${K} components in ${d} dimensions hold more than 2^28 numbers: bootstrap fewer replicates.`);
  }
  const seed = options.seed ?? model.options.seed;
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new GmmError('INVALID_OPTION', `seed must be an integer in [0, 2^53); got ${describe(seed)}.`);
  // every replicate's options checked now, by a model built from them
  const start = warmStart(model);
  const options0 = { ...start.options, tol, maxIter };
  if (new GaussianMixture(options0 as GaussianMixtureOptions).options.maxIter === 0) {
    throw new GmmError('INVALID_OPTION', 'bootstrapParameters refits each replicate: maxIter must be at least 1 (default 100000).');
  }
  // the estimate: the model's EM run on to the replicates' tol (a fit stopped at a looser tol
  // would sit apart from where its replicates converge, outside its own intervals)
  const estimate = GaussianMixture.fromJSON({ ...start, options: options0 }).fit(m, { sampleWeight: w });
  const json = warmStart(estimate);
  return {
    task: { kind: 'bootstrap', type, start: json, X: type === 'pb' ? null : m, w, n: m.rows, seed, nBoot, alpha },
    K, d, covarianceType: model.covarianceType, estimate,
  };
}

/** The blocks' replicates, in order, as one ParameterBootstrap. */
function assemble(p: Plan, parts: Replicates[]): ParameterBootstrap {
  const join = (key: keyof ParameterSummary): Float64Array => {
    const out = new Float64Array(parts.reduce((s, r) => s + r[key].length, 0));
    let at = 0;
    for (const r of parts) {
      out.set(r[key], at);
      at += r[key].length;
    }
    return out;
  };
  const nonfit = parts.reduce((s, r) => s + r.nonfit, 0);
  if (nonfit === p.task.nBoot) {
    throw new GmmError('NUMERICAL', `every one of the ${nonfit} jackknife replicates failed to fit: the model has more components ` +
      'than the data support without a row; fit fewer, or give regCovar or a prior.');
  }
  return new ParameterBootstrap(p.task.type, p.task.nBoot, p.K, p.d, p.covarianceType, nonfit,
    { weights: join('weights'), means: join('means'), covariances: join('covariances') }, p.estimate);
}

/**
 * Replicates from … to − 1: each the start refitted to its resample (replicateWeights, or n
 * rows sampled from the start for 'pb'); one that fails to fit is drawn again with its next
 * seed (at most ATTEMPTS), a jackknife replicate left NaN. What a worker runs
 * (worker-core.ts) and bootstrapParameters itself.
 */
export function bootstrapReplicates(t: ReplicateTask): Replicates {
  const model = GaussianMixture.fromJSON(t.start);
  const K = model.nComponents, d = model.nFeatures, count = t.to - t.from;
  const structure = structureOf(model.covarianceType);
  const out: Replicates = { weights: new Float64Array(count * K), means: new Float64Array(count * K * d),
    covariances: new Float64Array(count * K * d * d), nonfit: 0 };
  for (let b = t.from; b < t.to; b++) {
    const r = b - t.from;
    for (let attempt = 0; ; attempt++) {
      const draw = drawSeed(t.seed, b, attempt);
      try {
        const fit = GaussianMixture.fromJSON(t.start);
        if (t.X === null) fit.fit(model.sample(t.n, { seed: draw }).X);
        else fit.fit(t.X, { sampleWeight: replicateWeights(t, b, draw) });
        out.weights.set(fit.weights, r * K);
        out.means.set(fit.means.data, r * K * d);
        const cov = fit.covariances;
        for (let k = 0; k < K; k++) out.covariances.set(fullCovariance(structure, d, cov, k), (r * K + k) * d * d);
        break;
      } catch (e) {
        // a fit that fails on a replicate's data (a collapsed component, too few rows of
        // weight) is drawn again; any other error is the caller's, and ends the bootstrap
        if (!isFitFailure(e, true)) throw e;
        out.nonfit++;
        if (t.type === 'jk') {
          out.weights.fill(NaN, r * K, (r + 1) * K);
          out.means.fill(NaN, r * K * d, (r + 1) * K * d);
          out.covariances.fill(NaN, r * K * d * d, (r + 1) * K * d * d);
          break;
        }
        if (attempt + 1 >= ATTEMPTS) {
          throw new GmmError(e.code, `bootstrapParameters: replicate ${b} failed to fit in ${ATTEMPTS} draws (${e.message}) ` +
            'The model may have more components than the data support: fit fewer, or give regCovar or a prior.');
        }
      }
    }
  }
  return out;
}

/** The jackknife's standard error from its m replicates' standard deviation: sd·(m − 1)/√m,
 *  computed as mclust's summary does, √(sd²(m − 1)²/m). */
function jackknifeError(sd: number, m: number): number {
  return Math.sqrt((sd * sd * (m - 1) ** 2) / m);
}

/** The sample weights of replicate b: how often each row is drawn ('bs'), Gamma(α) draws
 *  scaled to sum to n ('wlbs'; α does not change the weights' total, which a prior weighs
 *  against), or every row but b ('jk'), times the model's weights; the draws from the core's
 *  PRNG seeded with `draw`. */
function replicateWeights(t: ReplicateTask, b: number, draw: number): Float64Array {
  const n = t.n, w = new Float64Array(n);
  if (t.type === 'jk') {
    w.fill(1);
    w[b] = 0;
  } else {
    const c = core();
    seedCore(c, draw);
    if (t.type === 'bs') {
      for (let i = 0; i < n; i++) w[Math.min(n - 1, Math.floor(c.rngUniform() * n))]++;
    } else {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += w[i] = gamma(t.alpha, () => c.rngUniform(), c.ln, c.exp);
      if (!(sum > 0 && sum < Infinity)) {
        throw new GmmError('INVALID_OPTION', `alpha ${t.alpha} is so small that the Gamma(α) weights of a replicate all underflow: use α ≥ 0.01.`);
      }
      for (let i = 0; i < n; i++) w[i] *= n / sum;
    }
  }
  if (t.w) for (let i = 0; i < n; i++) w[i] *= t.w[i];
  return w;
}

/**
 * A Gamma(α, 1) draw by Marsaglia & Tsang (2000): with δ = α − ⅓ and x standard normal (the
 * polar method), v = (1 + x/√(9δ))³ is accepted when ln u < x²/2 + δ(1 − v + ln v); for α < 1,
 * a Gamma(α + 1) draw times u^(1/α). u: uniforms in [0, 1).
 */
export function gamma(alpha: number, u: () => number, ln: (x: number) => number, exp: (x: number) => number): number {
  if (alpha < 1) return gamma(alpha + 1, u, ln, exp) * exp(ln(1 - u()) / alpha);
  const dd = alpha - 1 / 3, cc = 1 / Math.sqrt(9 * dd);
  for (;;) {
    let x: number, v: number;
    do {
      x = normal(u, ln);
      v = 1 + cc * x;
    } while (v <= 0);
    v = v * v * v;
    const uu = 1 - u(); // (0, 1]
    if (uu < 1 - 0.0331 * x * x * x * x || ln(uu) < 0.5 * x * x + dd * (1 - v + ln(v))) return dd * v;
  }
}

/** A standard normal draw by Marsaglia's polar method (a log and a square root, no sine). */
function normal(u: () => number, ln: (x: number) => number): number {
  for (;;) {
    const a = 2 * u() - 1, b = 2 * u() - 1, s = a * a + b * b;
    if (s > 0 && s < 1) return a * Math.sqrt((-2 * ln(s)) / s);
  }
}

