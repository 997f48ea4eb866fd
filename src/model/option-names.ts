// What an unknown option's error suggests. Options here are camelCase, so scikit-learn's
// snake_case names (n_components, reg_covar, sample_weight, …) are named back in camelCase,
// the few scikit-learn names with another name here (random_state → seed; verbose →
// onIteration) are named explicitly, and a near miss gets the closest known name.

import { GmmError } from '../core/errors.js';
import { MCLUST_MODELS } from './covariance-models.js';

/** scikit-learn names whose counterpart here is not their camelCase form: the option they
 *  become, and what to say where the call checked has it and where it has not. */
const RENAMED: Record<string, { to: string; here: string; elsewhere: string }> = {
  random_state: {
    to: 'seed',
    here: 'scikit-learn\'s random_state is seed here, an integer',
    elsewhere: 'scikit-learn\'s random_state is the constructor\'s seed option here',
  },
  verbose: {
    to: 'onIteration',
    here: 'scikit-learn\'s verbose: the library prints nothing; an onIteration callback sees each iteration',
    elsewhere: 'scikit-learn\'s verbose: the library prints nothing; give fit() an onIteration callback to see each iteration',
  },
  // mclust's names (emControl(equalPro), priorControl())
  equalPro: {
    to: 'equalWeights',
    here: 'mclust\'s equalPro is equalWeights here',
    elsewhere: 'mclust\'s equalPro is GaussianMixture\'s equalWeights option; a Bayesian mixture estimates its weights',
  },
  priorControl: {
    to: 'prior',
    here: 'mclust\'s priorControl() is prior here: prior: true, or { shrinkage, mean, dof, scale }',
    elsewhere: 'mclust\'s priorControl() is GaussianMixture\'s prior option; a Bayesian mixture has priors of its own',
  },
  verbose_interval: {
    to: 'onIteration',
    here: 'scikit-learn\'s verbose_interval: an onIteration callback sees every iteration',
    elsewhere: 'scikit-learn\'s verbose_interval: fit()\'s onIteration callback sees every iteration',
  },
};

/** The options only a BayesianGaussianMixture has (its priors). */
export const BAYESIAN_OPTIONS = ['weightConcentrationPriorType', 'weightConcentrationPrior', 'meanPrecisionPrior', 'meanPrior',
  'degreesOfFreedomPrior', 'covariancePrior'] as const;

/** Edit distance with adjacent transpositions (optimal string alignment): "bci" is one
 *  edit from "bic". Small strings only: option and command names. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate nearest to word, when it is within max(slack, ⌊length/3⌋) edits; else null. */
function nearest(word: string, candidates: readonly string[], slack: number): string | null {
  const best = candidates.map((c) => [c, editDistance(word, c)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(slack, Math.floor(word.length / 3)) ? best[0] : null;
}

/** " Did you mean X?" for the candidate nearest to word, or '' (the command line's: short
 *  words such as --sd or scr get a guess within two edits). */
export function suggest(word: string, candidates: readonly string[]): string {
  const best = nearest(word, candidates, 2);
  return best ? ` Did you mean ${best}?` : '';
}

/** snake_case or kebab-case to camelCase (random_state, random-state → randomState). */
const camelCase = (s: string): string => s.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());

/** The name among names that key spells in another case or form (snake, kebab, camel, any
 *  capitalisation: random_state, RandomState, random-state all name random_state). */
export function spelledAs(key: string, names: readonly string[]): string | undefined {
  const folded = camelCase(key).toLowerCase();
  return names.find((n) => camelCase(n).toLowerCase() === folded);
}

/** The hint for an unknown option `key` among `known`: ' (…)' to follow the quoted name, or ''. */
function optionHint(key: string, known: readonly string[]): string {
  const renamed = spelledAs(key, Object.keys(RENAMED));
  if (renamed) {
    const r = RENAMED[renamed];
    return ` (${known.includes(r.to) ? r.here : r.elsewhere})`;
  }
  const camel = camelCase(key);
  if (camel !== key && known.includes(camel)) return ` (options are camelCase here: ${camel})`;
  const bayesian = spelledAs(key, BAYESIAN_OPTIONS);
  if (bayesian && !known.includes(bayesian)) return ` (${bayesian} is an option of BayesianGaussianMixture)`;
  // a tight guess for API options (short names such as tol must not attract every short typo)
  const near = spelledAs(key, known) ?? nearest(key, known, 1);
  return near ? ` (did you mean ${near}?)` : '';
}

/** The message of an unknown option: what was given, the hint, and every option there is.
 *  what: e.g. 'fit option' or 'option'. */
export function unknownOption(what: string, key: string, known: readonly string[]): string {
  return `unknown ${what} "${key}"${optionHint(key, known)}; the options are ${known.join(', ')}.`;
}

/** Refuses (INVALID_OPTION) the first key of o that is not in known; what names the call,
 *  e.g. 'fit' for fit()'s options. Keys in passOn are let through unnamed, for the caller to
 *  refuse with a message of its own. */
export function checkKeys(o: object, what: string, known: readonly string[], passOn: readonly string[] = []): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k) && !passOn.includes(k)) throw new GmmError('INVALID_OPTION', unknownOption(`${what} option`, k, known));
  }
}

/** What an unknown covariance type's error adds: the same type in another case or without
 *  blanks, or a near miss; '' otherwise.
 *  quote: how the caller's message writes a type ('full' in the API, full on the command line). */
export function covarianceTypeHint(value: unknown, types: readonly string[], quote: (t: string) => string): string {
  if (typeof value !== 'string') return '';
  const trimmed = value.trim(), upper = trimmed.toUpperCase();
  // mclust's one-feature models: E (equal variances) and V (variances of their own)
  if ((upper === 'E' || upper === 'V') && types.includes('EII')) {
    return ` mclust's one-feature model ${upper} is ${quote(upper === 'E' ? 'EII' : 'VII')} here (with one feature every ` +
      `model whose volume ${upper === 'E' ? 'is equal' : 'varies'}, ${upper}.., fits the same).`;
  }
  if (MCLUST_MODELS[upper]) return trimmed === upper ? ` Without the blanks: ${quote(upper)}.` : ` mclust's names are upper case: ${quote(upper)}.`;
  const folded = types.find((t) => t === trimmed.toLowerCase());
  if (folded) return folded === trimmed ? ` Without the blanks: ${quote(folded)}.` : ` Types are lower case: ${quote(folded)}.`;
  const best = nearest(value, types, 2);
  return best ? ` Did you mean ${quote(best)}?` : '';
}
