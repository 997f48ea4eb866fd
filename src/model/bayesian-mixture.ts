// BayesianGaussianMixture: variational inference for a Gaussian mixture with scikit-learn
// 1.2's semantics. It is a GaussianMixture whose coordinator (src/fit/variational.ts)
// has other E-step constants, M-step and lower bound; fits, scoring, the workers, streams
// and the statistics API are inherited.
import { GmmError } from '../core/errors.js';
import { core } from '../core/core.js';
import { arenaFor } from '../core/arena.js';
import { GaussianMixture, type CriterionOptions } from './gaussian-mixture.js';
import { resolveBayesianOptions, checkPriorShapes, type BayesianGaussianMixtureOptions } from './bayesian-options.js';
import { fromJSONObject, variationalFromJSON, type GaussianMixtureJSON } from './serialize.js';
import { asymmetricEntry, describe, type MatrixInput, type ResolvedOptions } from './validate.js';
import type { VariationalParams } from './params.js';

export class BayesianGaussianMixture extends GaussianMixture {
  constructor(options: BayesianGaussianMixtureOptions = {}) {
    super(options as never);
  }

  protected static override resolve(options: unknown): ResolvedOptions {
    return resolveBayesianOptions(options);
  }

  private posterior(what: string): VariationalParams {
    if (!this.state) throw new GmmError('NOT_FITTED', `${what} needs a fitted model: call fit(X) first (or load one with BayesianGaussianMixture.fromJSON).`);
    return this.state.params.variational!;
  }

  /** Dirichlet process: the Beta parameters [a, b] of the stick-breaking weights (K each);
   *  Dirichlet distribution: α (K). */
  get weightConcentration(): Float64Array | [Float64Array, Float64Array] {
    const v = this.posterior('weightConcentration');
    const K = this.nComponents;
    return v.process ? [v.weightConcentration.slice(0, K), v.weightConcentration.slice(K)] : v.weightConcentration.slice();
  }
  /** β, the precision of each mean's posterior (K). */
  get meanPrecision(): Float64Array { return this.posterior('meanPrecision').meanPrecision.slice(); }
  /** ν, the Wishart degrees of freedom (K; tied: one). */
  get degreesOfFreedom(): Float64Array { return this.posterior('degreesOfFreedom').degreesOfFreedom.slice(); }
  /** The priors used by the fit, defaults resolved (scikit-learn's *_prior_ attributes). */
  get weightConcentrationPrior(): number { return this.posterior('weightConcentrationPrior').priors.weightConcentration; }
  get meanPrecisionPrior(): number { return this.posterior('meanPrecisionPrior').priors.meanPrecision; }
  get meanPrior(): Float64Array { return this.posterior('meanPrior').priors.mean.slice(); }
  get degreesOfFreedomPrior(): number { return this.posterior('degreesOfFreedomPrior').priors.degreesOfFreedom; }
  /** Ψ₀: full/tied d·d, diag d, spherical 1. */
  get covariancePrior(): Float64Array { return this.posterior('covariancePrior').priors.covariance.slice(); }
  get weightConcentrationPriorType(): 'dirichlet_process' | 'dirichlet_distribution' {
    return this.opts.variational!.process ? 'dirichlet_process' : 'dirichlet_distribution';
  }

  /** Components whose expected weight exceeds threshold (default 1e-2). */
  nEffectiveComponents(threshold = 1e-2): number {
    if (typeof threshold !== 'number' || !(threshold >= 0 && threshold < 1)) {
      throw new GmmError('INVALID_ARGUMENT', `nEffectiveComponents(threshold) needs a number in [0, 1); got ${describe(threshold)}.`);
    }
    return this.weights.reduce((n, w) => n + (w > threshold ? 1 : 0), 0);
  }

  private unsupported(what: string): never {
    throw new GmmError('INVALID_ARGUMENT', `${what} counts the parameters of a maximum-likelihood fit and is not defined for a ` +
      'variational mixture (scikit-learn has none either): compare lowerBound, or use selectModel with GaussianMixture.');
  }
  override nParameters(): number { return this.unsupported('nParameters()'); }
  // the base class's signatures, so that bgm.bic(X) type-checks and fails at run time with the reason
  override bic(_X?: MatrixInput, _options?: CriterionOptions): number { return this.unsupported('bic()'); }
  override aic(_X?: MatrixInput, _options?: CriterionOptions): number { return this.unsupported('aic()'); }

  /** The constructor's options with defaults filled in (see GaussianMixture.getParams), the
   *  priors that were given among them; toJSON() stores the same object. */
  override getParams(): BayesianGaussianMixtureOptions {
    const v = this.opts.variational!;
    const extra: Record<string, unknown> = { weightConcentrationPriorType: this.weightConcentrationPriorType };
    if (v.weightConcentrationPrior !== null) extra.weightConcentrationPrior = v.weightConcentrationPrior;
    if (v.meanPrecisionPrior !== null) extra.meanPrecisionPrior = v.meanPrecisionPrior;
    if (v.meanPrior) extra.meanPrior = Array.from(v.meanPrior);
    if (v.degreesOfFreedomPrior !== null) extra.degreesOfFreedomPrior = v.degreesOfFreedomPrior;
    if (v.covariancePrior) extra.covariancePrior = Array.from(v.covariancePrior);
    const { missingValues: _, ...base } = super.getParams(); // not an option of a variational mixture
    return { ...base, ...extra } as BayesianGaussianMixtureOptions;
  }

  /** Rebuilds a fitted model from toJSON() output (an object or its JSON string). */
  static override fromJSON(json: GaussianMixtureJSON | string | unknown): BayesianGaussianMixture {
    core(); // NOT_INITIALIZED before any check of the file, as every method
    const { options, state, raw } = fromJSONObject(json);
    if (raw.variational === undefined) {
      throw new GmmError('INVALID_JSON', 'fromJSON: this is a GaussianMixture model (it has no "variational" part): load it with GaussianMixture.fromJSON.');
    }
    let m: BayesianGaussianMixture;
    try {
      m = new BayesianGaussianMixture(options as BayesianGaussianMixtureOptions);
    } catch (e) {
      throw new GmmError('INVALID_JSON', `fromJSON: invalid options: ${(e as Error).message}`);
    }
    const { K, d, covarianceType } = state.params;
    const v = variationalFromJSON(raw.variational, m.opts.variational!.process, covarianceType, K, d);
    checkPosterior(m.opts, v, state.params.weights, d);
    state.params.variational = v;
    m.state = state;
    return m;
  }
}

/** A loaded posterior must be one a fit could produce: priors valid as options and equal to
 *  the options that fixed them, concentrations whose sums stay finite, β with d/β finite, and
 *  the weights the concentration implies. */
function checkPosterior(o: ResolvedOptions, v: VariationalParams, weights: Float64Array, d: number): void {
  const bad = (msg: string): GmmError => new GmmError('INVALID_JSON', `fromJSON: ${msg}`);
  const p = v.priors, given = o.variational!;
  if (!(p.weightConcentration > 0) || !(p.meanPrecision > 0)) {
    throw bad('variational.priors.weightConcentration and meanPrecision must be > 0.');
  }
  // a covariance prior the fit took from the data (none given) must be what a data
  // covariance is, symmetric with variances ≥ 0, but need not pass a Cholesky or be > 0: the
  // fit never factorises it alone (only with the data's scatter added), nearly collinear
  // data store one that no Cholesky would pass, and a constant feature a variance of 0
  const derived = given.covariancePrior === null;
  const square = o.covarianceType === 'full' || o.covarianceType === 'tied';
  const variances = square ? Array.from({ length: d }, (_, i) => p.covariance[i * d + i]) : Array.from(p.covariance);
  if (derived && ((square && asymmetricEntry(p.covariance, 0, d)) || variances.some((x) => !(x >= 0)))) {
    throw bad('variational.priors.covariance is not a covariance (not symmetric, or a negative variance).');
  }
  try {
    checkPriorShapes({ ...o, variational: { ...given, meanPrior: p.mean, degreesOfFreedomPrior: p.degreesOfFreedom,
      covariancePrior: derived ? null : p.covariance, covariancePriorShape: null } }, d);
  } catch (e) {
    throw bad(`variational.priors: ${(e as Error).message}`);
  }
  const same = (a: number | Float64Array | null, b: number | Float64Array): boolean => a === null ||
    (typeof a === 'number' ? a === b : a.length === (b as Float64Array).length && a.every((x, i) => x === (b as Float64Array)[i]));
  if (!same(given.weightConcentrationPrior, p.weightConcentration) || !same(given.meanPrecisionPrior, p.meanPrecision) ||
    !same(given.meanPrior, p.mean) || !same(given.degreesOfFreedomPrior, p.degreesOfFreedom) || !same(given.covariancePrior, p.covariance)) {
    throw bad('the options and variational.priors disagree: a prior given as an option is the prior the fit used.');
  }
  const K = v.meanPrecision.length, c = v.weightConcentration;
  const sums = v.process ? Array.from({ length: K }, (_, k) => c[k] + c[K + k]) : [c.reduce((t, x) => t + x, 0)];
  if (!sums.every(Number.isFinite)) throw bad('variational.weightConcentration sums past the range of doubles.');
  // the expected weights, from the M-step's own kernel
  const cc = core();
  const arena = arenaFor(cc);
  const w = arena.allocF64(K);
  cc.vbExpectedWeights(arena.put(c), K, v.process ? 1 : 0, w);
  const expected = arena.f64(w, K);
  for (let k = 0; k < K; k++) {
    if (Math.abs(expected[k] - weights[k]) > 1e-12) throw bad('"weights" are not the expected weights of variational.weightConcentration.');
    if (!Number.isFinite(d / v.meanPrecision[k])) throw bad('variational.meanPrecision is too small (d / β overflows).');
  }
}
