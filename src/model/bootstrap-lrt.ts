// How many components: the parametric bootstrap of the likelihood ratio test statistic
// (mclust's mclustBootstrapLRT; McLachlan 1987). For g = 1, 2, …: fit g and g + 1 components
// (selectModel), LRTS = 2(log L₁ − log L₀); then nBoot times draw n rows from the g-component
// fit (its sample()), fit both models to them by EM from the fitted parameters, and count
// the draws whose statistic reaches the observed one: p = (1 + count)/(nBoot + 1). Without
// maxComponents it stops at the first g whose p exceeds the level, as mclust does.
import { GmmError } from '../core/errors.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { selectModel, type SelectionFailure } from './select.js';
import { unknownOption } from './option-names.js';
import { MODEL_OPTIONS, describe, toMatrix, type GaussianMixtureOptions, type MatrixInput } from './validate.js';
import type { CovarianceModel } from './covariance-models.js';

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

/** One test: nComponents against nComponents + 1. */
export interface LikelihoodRatioTest {
  nComponents: number;
  /** 2(log L of nComponents + 1 − log L of nComponents) on X. */
  statistic: number;
  /** (1 + #{bootstrap statistics ≥ statistic}) / (nBoot + 1). */
  pValue: number;
  /** The nBoot bootstrap statistics, in the order drawn. */
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

const OWN = ['nBoot', 'level', 'maxComponents'];
/** bootstrapLRT's defaults where a GaussianMixture's stop EM early (tol 1e-3, maxIter 100). */
const TO_THE_END = { tol: 1e-8, maxIter: 100000 };
/** The model options it sets itself. */
const NOT_OURS = ['nComponents', 'warmStart', 'weightsInit', 'meansInit', 'precisionsInit'];
const MAX_TESTS = 8; // mclust: G = 1 … 9 without maxG
const MAX_SEED = 2 ** 53 - 1;

/** Draws that fail to fit (a collapsed component) are drawn again, as mclust does, up to
 *  this many times the draws asked for. */
const RETRIES = 10;

export function bootstrapLRT(X: MatrixInput, options: BootstrapLRTOptions = {}): BootstrapLRT {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new GmmError('INVALID_TYPE', `bootstrapLRT options must be an object; got ${describe(options)}.`);
  }
  const { nBoot = 999, level = 0.05, maxComponents, ...given } = options;
  const fitOptions = { ...TO_THE_END, ...given };
  const known = [...OWN, ...[...MODEL_OPTIONS].filter((k) => !NOT_OURS.includes(k))];
  for (const k of Object.keys(given)) {
    if (NOT_OURS.includes(k)) {
      throw new GmmError('INVALID_OPTION', `bootstrapLRT fits every number of components from its own start, so ${k} is not ` +
        `one of its options: they are ${known.join(', ')}.`);
    }
    if (!known.includes(k)) throw new GmmError('INVALID_OPTION', unknownOption('bootstrapLRT option', k, known));
  }
  if (!Number.isInteger(nBoot) || nBoot < 1) throw new GmmError('INVALID_OPTION', `nBoot must be an integer ≥ 1; got ${describe(nBoot)}. mclust's default is 999.`);
  if (typeof level !== 'number' || !(level > 0 && level < 1)) throw new GmmError('INVALID_OPTION', `level must lie in (0, 1); got ${describe(level)}.`);
  if (maxComponents !== undefined && (!Number.isInteger(maxComponents) || maxComponents < 1)) {
    throw new GmmError('INVALID_OPTION', `maxComponents must be an integer ≥ 1; got ${describe(maxComponents)}.`);
  }
  // every option checked by a model before any fit
  const probe = new GaussianMixture({ ...fitOptions, nComponents: 1 });
  const m = toMatrix(X, 'X', probe.options.missingValues === 'marginalize' ? 'allow' : 'refuse');
  if (probe.options.missingValues === 'marginalize') {
    throw new GmmError('INVALID_OPTION', "bootstrapLRT draws complete rows from its fits, so it takes no missingValues: " +
      "'marginalize': impute X first (gm.impute), or test on the complete rows.");
  }
  const n = m.rows, seed = probe.options.seed;
  if (maxComponents !== undefined && maxComponents + 1 > n) {
    throw new GmmError('TOO_FEW_SAMPLES', `maxComponents ${maxComponents} tests against ${maxComponents + 1} components, more than X's ${n} rows: ` +
      `give maxComponents ≤ ${n - 1}.`);
  }
  if (n < 2) throw new GmmError('TOO_FEW_SAMPLES', `a test of 1 against 2 components needs at least 2 rows; X has ${n}.`);
  // without maxComponents, as many tests as the rows allow (mclust leaves out what cannot be fitted)
  const last = maxComponents ?? Math.min(MAX_TESTS, n - 1);
  const { covarianceType: _, ...shared } = fitOptions;
  const fits = selectModel(m, { ...shared, nComponents: [1, last + 1], covarianceTypes: [probe.covarianceType] });
  const fitted = new Map(fits.results.map((r) => [r.nComponents, r.model]));
  const tests: LikelihoodRatioTest[] = [];
  let draw = 0, chosen: number | null = null;
  for (let g = 1; g <= last; g++) {
    const m0 = fitted.get(g), m1 = fitted.get(g + 1);
    if (!m0 || !m1) {
      const f = fits.failed.find((f) => f.nComponents === (m0 ? g + 1 : g))!;
      if (maxComponents === undefined && tests.length > 0) break;
      throw new GmmError(f.error.code, `bootstrapLRT: the fit of ${f.nComponents} components on X failed, so the test of ${g} ` +
        `against ${g + 1} cannot run (${f.error.message})` + (g > 1 ? ` Give maxComponents ${g - 1} or less.` : ''));
    }
    const observed = 2 * (logLik(m1, m) - logLik(m0, m));
    const start0 = warmStart(m0), start1 = warmStart(m1);
    const boot = new Float64Array(nBoot);
    for (let b = 0, failures = 0; b < nBoot;) {
      // each draw its own seed: the fit's seed plus the draw's number over the whole run,
      // past 2^53 − 1 from 0 again (exact integers throughout)
      draw++;
      const Y = m0.sample(n, { seed: draw <= MAX_SEED - seed ? seed + draw : draw - (MAX_SEED - seed) - 1 }).X;
      try {
        boot[b] = 2 * (logLik(GaussianMixture.fromJSON(start1).fit(Y), Y) - logLik(GaussianMixture.fromJSON(start0).fit(Y), Y));
        b++;
      } catch (e) {
        if (!(e instanceof GmmError) || ++failures > RETRIES * nBoot) throw e;
      }
    }
    let reached = 0;
    for (const s of boot) if (s >= observed) reached++;
    const pValue = (1 + reached) / (nBoot + 1);
    tests.push({ nComponents: g, statistic: observed, pValue, bootstrap: boot });
    if (pValue > level) {
      chosen ??= g;
      if (maxComponents === undefined) break;
    }
  }
  return { covarianceType: probe.covarianceType, tests, nComponents: chosen, failed: fits.failed };
}

/** Total log-likelihood of a fitted model on X (mclust's loglik of its returned parameters). */
function logLik(gm: GaussianMixture, X: MatrixInput & { rows: number }): number {
  return gm.score(X) * X.rows;
}

/** A model's JSON made to start the next fit from its parameters alone (mclust's
 *  em(parameters = …)): without its bound on X, which a warm start would otherwise take as
 *  the bound before its first iteration, stopping EM early on data that happen to score near it. */
function warmStart(gm: GaussianMixture): ReturnType<GaussianMixture['toJSON']> {
  const { lowerBounds: _, ...j } = gm.toJSON();
  return { ...j, converged: false, nIter: 0, lowerBound: null, options: { ...j.options, warmStart: true } };
}
