// The models the command line builds from its options (and, for conditionals, from a
// Bayesian model's point estimates), the option errors of the library told in the command
// line's flags, and the closing line of a fit.
import { GaussianMixture, BayesianGaussianMixture, GmmError } from '../entry-node.js';
import type { ConjugatePriorOptions, CovarianceType, GaussianMixtureOptions, HcModel, HcUse, InitParams, WeightConcentrationPriorType } from '../index.js';
import { core } from '../core/core.js';
import { num } from './summary.js';
import { InputError, UsageError, type Opts } from './args.js';

/** The command line's name for each option of the library's models, for their errors. */
const FLAG_OF: Record<string, string> = {
  nComponents: '-k', covarianceType: '--covariance', tol: '--tol', regCovar: '--reg-covar', maxIter: '--max-iter',
  nInit: '--n-init', initParams: '--init', seed: '--seed', weightConcentrationPrior: '--weight-concentration',
  weightConcentrationPriorType: '--weight-prior', prior: '--prior', equalWeights: '--equal-weights', missingValues: '--missing',
  hcModelName: '--hc-model', hcUse: '--hc-use',
};

/** A library message told in the command line's flags: the options whose names are
 *  camelCase (never ordinary words: regCovar, nComponents, …) become their flags. */
export function inFlags(message: string): string {
  return message
    // the priors the command line has no flag for: only the library sets them
    .replace(/, or give (covariancePrior|meanPrior|meanPrecisionPrior|degreesOfFreedomPrior)\b/g,
      ' (or fit with the library\'s BayesianGaussianMixture, whose $1 option the command line has no flag for)')
    .replace(/ or (covariancePrior|meanPrior|meanPrecisionPrior|degreesOfFreedomPrior)\b/g,
      ' (or, through the library, its $1)')
    // the prior's fields (prior.shrinkage, …) are flags of their own
    .replace(/(--)?prior\.(shrinkage|mean|dof|scale)\b/g, '--prior-$2')
    .replace(/\b[a-z]+[A-Z]\w*\b/g, (w) => (w in FLAG_OF ? FLAG_OF[w] : w));
}

/** make() (a model built from the command line's options), its option errors turned into
 *  usage errors that name the flags, before any data are read. */
export function checkedModel<T>(make: () => T, cmd: string): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof GmmError && e.code === 'INVALID_OPTION') {
      // the library's messages start with the option's name (tol, seed: not camelCase, so
      // inFlags, which turns the other names, leaves them)
      const name = /^\w+/.exec(e.message)?.[0] ?? '';
      throw new UsageError(inFlags(name in FLAG_OF ? FLAG_OF[name] + e.message.slice(name.length) : e.message), cmd);
    }
    throw e;
  }
}

function fitOptions(o: Opts, k: number, covarianceType: CovarianceType): GaussianMixtureOptions {
  return { nComponents: k, covarianceType, ...tuningOptions(o) };
}

/** The model fit asks for: a GaussianMixture, or with --bayesian a BayesianGaussianMixture. */
export function newModel(o: Opts): GaussianMixture {
  const base = fitOptions(o, (o.components as number | undefined) ?? 1, (o.covariance as CovarianceType | undefined) ?? 'full');
  if (!o.bayesian) return new GaussianMixture(base);
  if (hasPrior(o)) {
    throw new UsageError('--prior is mclust\'s prior for a maximum-likelihood fit (a posterior mode); --bayesian has priors of ' +
      'its own (--weight-concentration, --weight-prior): leave one of them out.', 'fit');
  }
  if (o['equal-weights']) {
    throw new UsageError('--equal-weights holds a maximum-likelihood fit\'s weights at 1/k; --bayesian estimates its weights ' +
      'under its weight prior: leave one of them out.', 'fit');
  }
  return new BayesianGaussianMixture({
    ...base,
    ...(o['weight-prior'] !== undefined ? { weightConcentrationPriorType: o['weight-prior'] as WeightConcentrationPriorType } : {}),
    ...(o['weight-concentration'] !== undefined ? { weightConcentrationPrior: o['weight-concentration'] as number } : {}),
  });
}

/** The fit's closing line: BIC, AIC and the log-likelihood, or a Bayesian mixture's bound
 *  and effective components (it has no BIC). */
export function criteriaLine(gm: GaussianMixture, ll: number, n: number): string {
  if (gm instanceof BayesianGaussianMixture) {
    return `effective components ${gm.nEffectiveComponents(0.01)} of ${gm.nComponents} (weight > 0.01)   ` +
      `log-likelihood (variational) ${num(ll, 7)}`;
  }
  const p = gm.nParameters();
  return `BIC ${num(-2 * ll + p * core().ln(n), 7)}   AIC ${num(-2 * ll + 2 * p, 7)}   log-likelihood ${num(ll, 7)}`;
}

/** The options other than K and the covariance type, as given on the command line. */
export function tuningOptions(o: Opts): GaussianMixtureOptions {
  const opts: GaussianMixtureOptions = {};
  if (o.init !== undefined) opts.initParams = o.init as InitParams;
  if (o['hc-model'] !== undefined) opts.hcModelName = o['hc-model'] as HcModel;
  if (o['hc-use'] !== undefined) opts.hcUse = o['hc-use'] as HcUse;
  if (o['n-init'] !== undefined) opts.nInit = o['n-init'] as number;
  if (o['max-iter'] !== undefined) opts.maxIter = o['max-iter'] as number;
  if (o.tol !== undefined) opts.tol = o.tol as number;
  if (o['reg-covar'] !== undefined) opts.regCovar = o['reg-covar'] as number;
  if (o.seed !== undefined) opts.seed = o.seed as number;
  if (o.missing !== undefined) opts.missingValues = o.missing as 'error' | 'marginalize';
  const prior = priorFlags(o);
  if (prior) opts.prior = prior;
  if (o['equal-weights']) opts.equalWeights = true;
  return opts;
}

/** Whether the command line asks for mclust's prior (--prior, or any of its values). */
export function hasPrior(o: Opts): boolean {
  return o.prior === true || PRIOR_VALUES.some((f) => o[f] !== undefined);
}
const PRIOR_VALUES = ['prior-shrinkage', 'prior-mean', 'prior-dof', 'prior-scale'];

/** --prior and its values: true (mclust's defaults), an object with the values given, or null. */
function priorFlags(o: Opts): true | ConjugatePriorOptions | null {
  const list = (flag: string): number[] => {
    const v = String(o[flag]).split(',').map((x) => Number(x.trim()));
    if (v.some((x) => !Number.isFinite(x))) throw new UsageError(`--${flag} needs comma-separated numbers; got ${JSON.stringify(o[flag])}.`);
    return v;
  };
  const p: ConjugatePriorOptions = {};
  if (o['prior-shrinkage'] !== undefined) p.shrinkage = o['prior-shrinkage'] as number;
  if (o['prior-mean'] !== undefined) p.mean = list('prior-mean');
  if (o['prior-dof'] !== undefined) p.dof = o['prior-dof'] as number;
  if (o['prior-scale'] !== undefined) {
    const v = list('prior-scale');
    const side = Math.round(Math.sqrt(v.length));
    p.scale = v.length === 1 ? v[0] : side * side === v.length ? Array.from({ length: side }, (_, i) => v.slice(i * side, i * side + side)) : v;
  }
  if (Object.keys(p).length > 0) return p;
  return o.prior ? true : null;
}

/** predict --given and impute's option for a Bayesian model. */
export const POINT_ESTIMATES_OPTION = {
  name: 'point-estimates', kind: 'flag', help: 'a --bayesian model: condition on its point estimates (weights, means, covariances)',
} as const;

/** A loaded model for conditionals (predict --given, impute): a Bayesian one, whose
 *  conditionals are not defined, only with --point-estimates, as the GaussianMixture of its
 *  point estimates (GaussianMixture.fromParameters). */
export function forConditionals(gm: GaussianMixture, o: Opts, path: string): GaussianMixture {
  if (!(gm instanceof BayesianGaussianMixture)) {
    if (o['point-estimates']) {
      throw new InputError(`--point-estimates applies to a --bayesian model; ${path} is a GaussianMixture, whose parameters are its point estimates: leave the flag out.`);
    }
    return gm;
  }
  if (!o['point-estimates']) {
    throw new InputError(`${path} is a Bayesian mixture (fitted with --bayesian), whose conditionals are not defined: it scores ` +
      'with its Wishart posterior terms, as scikit-learn. Add --point-estimates to condition on its point estimates (its ' +
      'weights, means and covariances, as a GaussianMixture).');
  }
  const { covarianceType, seed, missingValues } = gm.options;
  const names = gm.featureNames;
  return GaussianMixture.fromParameters({ weights: gm.weights, means: gm.means, covariances: gm.covariances, ...(names ? { featureNames: names } : {}) },
    { covarianceType, seed, missingValues });
}
