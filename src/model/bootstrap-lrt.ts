// How many components: the parametric bootstrap of the likelihood ratio test statistic
// (mclust's mclustBootstrapLRT; McLachlan 1987). For g = 1, 2, …: fit g and g + 1 components
// (selectModel), LRTS = 2(log L₁ − log L₀); then nBoot times draw n rows from the g-component
// fit (its sample()), fit both models to them by EM from the fitted parameters, and count
// the draws whose statistic reaches the observed one: p = (1 + count)/(nBoot + 1). Without
// maxComponents it stops at the first g whose p exceeds the level, as mclust does.
//
// Every draw's seed follows from its test, its index and its attempt alone (drawSeed), so
// the draws can be split over workers (bootstrapLRTAsync) with the same bits.
import { GmmError } from '../core/errors.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { selectModel, selectModelAsync, type ModelSelection, type SelectionFailure } from './select.js';
import { unknownOption } from './option-names.js';
import { MODEL_OPTIONS, describe, toMatrix, type GaussianMixtureOptions, type Matrix, type MatrixInput } from './validate.js';
import type { CovarianceModel } from './covariance-models.js';
import type { GaussianMixtureJSON } from './serialize.js';
import { drawSeed, warmStart } from './resampling.js';
import type { SpawnOptions } from '../parallel/spawn.js';
import { checkPoolOptions, checkSignal } from '../parallel/workers.js';
import { block, inThread, startCrew, type Crew } from '../parallel/crew.js';

/** The options of every fit, with tol and maxIter defaulting to EM run to its end (a loose
 *  stop leaves the bootstrap fits short of their optima and biases the statistics low). */
export interface BootstrapLRTOptions extends Omit<GaussianMixtureOptions, 'nComponents' | 'warmStart' | 'weightsInit' | 'meansInit' | 'precisionsInit'> {
  /** Bootstrap draws per test (default 999, as mclust). */
  nBoot?: number;
  /** The significance level that ends the tests without maxComponents (default 0.05). */
  level?: number;
  /** Test g = 1 … maxComponents against g + 1, every one (default: until p > level, at most 8). */
  maxComponents?: number;
}

/** bootstrapLRT's options, and the workers that draw (default: the available cores; 0: in
 *  this thread, yielding between draws) and an AbortSignal. */
export interface BootstrapLRTAsyncOptions extends BootstrapLRTOptions, SpawnOptions {
  workers?: number;
  signal?: AbortSignal;
}

/** One test: nComponents against nComponents + 1. */
export interface LikelihoodRatioTest {
  nComponents: number;
  /** 2(log L of nComponents + 1 − log L of nComponents) on X. */
  statistic: number;
  /** (1 + #{bootstrap statistics ≥ statistic}) / (nBoot + 1). */
  pValue: number;
  /** The nBoot bootstrap statistics, in the order of their draws. */
  bootstrap: Float64Array;
}

export interface BootstrapLRT {
  covarianceType: CovarianceModel;
  tests: LikelihoodRatioTest[];
  /** The first g whose test is not significant at `level` (g components suffice), or null. */
  nComponents: number | null;
  /** Fits of X that failed (a collapsed component): without maxComponents the tests end
   *  before the first number of components that could not be fitted. */
  failed: SelectionFailure[];
}

/** What draws a test's bootstrap statistics: both fits' starts and where the seeds come from. */
export interface DrawTask {
  kind: 'lrt';
  start0: GaussianMixtureJSON;
  start1: GaussianMixtureJSON;
  n: number;
  /** The seed of every draw: drawSeed(seed, g, b, attempt). */
  seed: number; nBoot: number; g: number;
  /** The draws to make: b from … to (exclusive). */
  from: number; to: number;
}

const OWN = ['nBoot', 'level', 'maxComponents'];
/** bootstrapLRTAsync's own options. */
const ASYNC_KEYS = ['workers', 'signal', 'workerUrl', 'createWorker'];
/** The model options it sets itself. */
const NOT_OURS = ['nComponents', 'warmStart', 'weightsInit', 'meansInit', 'precisionsInit'];
/** bootstrapLRT's defaults where a GaussianMixture's stop EM early (tol 1e-3, maxIter 100). */
const TO_THE_END = { tol: 1e-8, maxIter: 100000 };
const MAX_TESTS = 8; // mclust: G = 1 … 9 without maxG
/** A draw that fails to fit (a collapsed component) is drawn again, as mclust does, up to
 *  this many times. */
const ATTEMPTS = 20;

interface Plan {
  m: Matrix; fitOptions: Record<string, unknown>; nBoot: number; level: number; maxComponents: number | undefined;
  last: number; seed: number; covarianceType: CovarianceModel;
}

/** Every option checked and the tests' range, before any fit. */
function plan(X: MatrixInput, options: BootstrapLRTOptions, extra: readonly string[]): Plan {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new GmmError('INVALID_TYPE', `bootstrapLRT options must be an object; got ${describe(options)}.`);
  }
  const { nBoot = 999, level = 0.05, maxComponents, ...rest } = options;
  const given: Record<string, unknown> = {};
  const known = [...OWN, ...extra, ...[...MODEL_OPTIONS].filter((k) => !NOT_OURS.includes(k))];
  for (const [k, v] of Object.entries(rest)) {
    if (NOT_OURS.includes(k)) {
      throw new GmmError('INVALID_OPTION', `bootstrapLRT fits every number of components from its own start, so ${k} is not ` +
        `one of its options: they are ${known.join(', ')}.`);
    }
    if (!known.includes(k)) throw new GmmError('INVALID_OPTION', unknownOption('bootstrapLRT option', k, known));
    if (!extra.includes(k)) given[k] = v;
  }
  if (!Number.isInteger(nBoot) || nBoot < 1) throw new GmmError('INVALID_OPTION', `nBoot must be an integer ≥ 1; got ${describe(nBoot)}. mclust's default is 999.`);
  if (typeof level !== 'number' || !(level > 0 && level < 1)) throw new GmmError('INVALID_OPTION', `level must lie in (0, 1); got ${describe(level)}.`);
  if (maxComponents !== undefined && (!Number.isInteger(maxComponents) || maxComponents < 1)) {
    throw new GmmError('INVALID_OPTION', `maxComponents must be an integer ≥ 1; got ${describe(maxComponents)}.`);
  }
  const fitOptions = { ...TO_THE_END, ...given };
  // every option checked by a model before any fit
  const probe = new GaussianMixture({ ...fitOptions, nComponents: 1 } as GaussianMixtureOptions);
  if (probe.options.maxIter === 0) throw new GmmError('INVALID_OPTION', 'bootstrapLRT compares fitted likelihoods: maxIter must be at least 1 (default 100000).');
  if (probe.options.missingValues === 'marginalize') {
    throw new GmmError('INVALID_OPTION', "bootstrapLRT draws complete rows from its fits, so it takes no missingValues: " +
      "'marginalize': impute X first (gm.impute), or test on the complete rows.");
  }
  const m = toMatrix(X, 'X');
  const n = m.rows;
  if (maxComponents !== undefined && maxComponents + 1 > n) {
    throw new GmmError('TOO_FEW_SAMPLES', `maxComponents ${maxComponents} tests against ${maxComponents + 1} components, more than ` +
      `X's ${n} rows: give maxComponents ≤ ${n - 1}.`);
  }
  if (n < 2) throw new GmmError('TOO_FEW_SAMPLES', `a test of 1 against 2 components needs at least 2 rows; X has ${n}.`);
  // without maxComponents, as many tests as the rows allow (mclust leaves out what cannot be fitted)
  const last = maxComponents ?? Math.min(MAX_TESTS, n - 1);
  return { m, fitOptions, nBoot, level, maxComponents, last, seed: probe.options.seed, covarianceType: probe.covarianceType };
}

/** selectModel's options for the fits of X: 1 … last + 1 components of the one model. */
function gridOptions(p: Plan): Record<string, unknown> {
  const { covarianceType: _, ...shared } = p.fitOptions;
  return { ...shared, nComponents: [1, p.last + 1], covarianceTypes: [p.covarianceType] };
}

/** A test's draws, as runTests asks for them: every b of 0 … nBoot − 1. */
type TestDraws = Omit<DrawTask, 'from' | 'to'>;

/**
 * The tests from the fits of X, one generator for both ways of drawing: it yields each test's
 * draws and is sent their statistics (drawn in this thread, or split over workers).
 */
function* runTests(p: Plan, fits: ModelSelection): Generator<TestDraws, BootstrapLRT, Float64Array> {
  const fitted = new Map(fits.results.map((r) => [r.nComponents, r.model]));
  const tests: LikelihoodRatioTest[] = [];
  let chosen: number | null = null;
  for (let g = 1; g <= p.last; g++) {
    const m0 = fitted.get(g), m1 = fitted.get(g + 1);
    if (!m0 || !m1) {
      if (p.maxComponents === undefined && tests.length > 0) break;
      const f = fits.failed.find((f) => f.nComponents === (m0 ? g + 1 : g))!;
      throw new GmmError(f.error.code, `bootstrapLRT: the fit of ${f.nComponents} components on X failed, so the test of ${g} ` +
        `against ${g + 1} cannot run (${f.error.message})` + (g > 1 ? ` Give maxComponents ${g - 1} or less.` : ''));
    }
    const statistic = 2 * (logLik(m1, p.m) - logLik(m0, p.m));
    const boot = yield { kind: 'lrt', start0: warmStart(m0), start1: warmStart(m1), n: p.m.rows, seed: p.seed, nBoot: p.nBoot, g };
    let reached = 0;
    for (const s of boot) if (s >= statistic) reached++;
    const pValue = (1 + reached) / (p.nBoot + 1);
    tests.push({ nComponents: g, statistic, pValue, bootstrap: boot });
    if (pValue > p.level) {
      chosen ??= g;
      if (p.maxComponents === undefined) break;
    }
  }
  return { covarianceType: p.covarianceType, tests, nComponents: chosen, failed: fits.failed };
}

export function bootstrapLRT(X: MatrixInput, options: BootstrapLRTOptions = {}): BootstrapLRT {
  const p = plan(X, options, []);
  const program = runTests(p, selectModel(p.m, gridOptions(p)));
  let r = program.next();
  while (!r.done) r = program.next(lrtDraws({ ...r.value, from: 0, to: r.value.nBoot }));
  return r.value;
}

/**
 * bootstrapLRT off the caller's thread: the fits of X by selectModelAsync, then each test's
 * draws split over `workers` workers in contiguous blocks (the draws are independent and each
 * has its own seed, so the statistics are bootstrapLRT's bits however they are split). With
 * workers 0, or where the runtime has none, the draws run in this thread, yielding between them.
 */
export async function bootstrapLRTAsync(X: MatrixInput, options: BootstrapLRTAsyncOptions = {}): Promise<BootstrapLRT> {
  const p = plan(X, options, ASYNC_KEYS);
  const { workers: w, signal, workerUrl, createWorker } = options;
  const spawnOptions = { ...(workerUrl !== undefined ? { workerUrl } : {}), ...(createWorker !== undefined ? { createWorker } : {}) };
  const po = checkPoolOptions({ ...(w !== undefined ? { workers: w } : {}), ...spawnOptions }, []);
  const sig = checkSignal(signal);
  const fits = await selectModelAsync(p.m, { ...gridOptions(p), workers: po.workers, ...(sig ? { signal: sig } : {}), ...spawnOptions });
  const program = runTests(p, fits);
  let crew: Crew | null = null, started = false;
  try {
    // the first test's fits of X are checked (runTests throws there) before any draw worker starts
    let r = program.next();
    while (!r.done) {
      const t = r.value;
      if (!started) {
        started = true;
        crew = await startCrew(Math.min(po.workers, p.nBoot), po, sig, 'bootstrapLRT');
      }
      const parts = crew
        ? await crew.run(Array.from({ length: crew.size }, (_, i) => ({ ...t, ...block(i, crew!.size, t.nBoot) }))) as Float64Array[]
        : await inThread(t.nBoot, (b) => lrtDraws({ ...t, from: b, to: b + 1 }), sig, 'bootstrapLRT');
      r = program.next(concat(parts, t.nBoot));
    }
    return r.value;
  } finally {
    crew?.close();
  }
}

/** The draws' statistics in the order of their blocks. */
function concat(parts: Float64Array[], n: number): Float64Array {
  const out = new Float64Array(n);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The statistics of draws from … to − 1 of one test: each draw n rows sampled from the
 * g-component fit with its own seed, both fits started from their parameters, 2(log L₁ −
 * log L₀); a draw that fails to fit is drawn again with its next seed (at most ATTEMPTS).
 * What a worker runs (worker-core.ts) and bootstrapLRT itself.
 */
export function lrtDraws(t: DrawTask): Float64Array {
  const m0 = GaussianMixture.fromJSON(t.start0);
  const out = new Float64Array(t.to - t.from);
  for (let b = t.from; b < t.to; b++) {
    for (let attempt = 0; ; attempt++) {
      const Y = m0.sample(t.n, { seed: drawSeed(t.seed, t.g, b, attempt) }).X;
      try {
        out[b - t.from] = 2 * (logLik(GaussianMixture.fromJSON(t.start1).fit(Y), Y) - logLik(GaussianMixture.fromJSON(t.start0).fit(Y), Y));
        break;
      } catch (e) {
        if (!(e instanceof GmmError) || attempt + 1 >= ATTEMPTS) throw e;
      }
    }
  }
  return out;
}

/** Total log-likelihood of a fitted model on X (mclust's loglik of its returned parameters). */
function logLik(gm: GaussianMixture, X: MatrixInput & { rows: number }): number {
  return gm.score(X) * X.rows;
}
