// The distribution function and quantiles of a one-feature mixture (mclust's cdfMclust and
// quantileMclust): F(x) = Σₖ wₖ Φ((x − μₖ)/σₖ), with Φ as R's pnorm on the core's exp; a
// quantile is the x where F crosses p, by bisection to the last bit (F is increasing). For a
// model of several features, take a feature's marginal first: gm.marginal([j]).
import { GmmError } from '../core/errors.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { componentSlice } from './params.js';
import { normalCdf } from './quantiles.js';
import { describe } from './validate.js';

/** The components' weights, means and standard deviations of a fitted one-feature model. */
function components(gm: GaussianMixture, what: string): { w: Float64Array; mu: Float64Array; sd: Float64Array } {
  if (!(gm instanceof GaussianMixture) || gm.options.variational) {
    throw new GmmError('INVALID_ARGUMENT', `${what} needs a fitted GaussianMixture (a Bayesian mixture's predictive distribution is no ` +
      `Gaussian mixture); got ${describe(gm)}.`);
  }
  if (!gm.isFitted) throw new GmmError('NOT_FITTED', `${what} needs a fitted model: call gm.fit(X) first.`);
  const d = gm.nFeatures;
  if (d !== 1) {
    throw new GmmError('INVALID_ARGUMENT', `${what} is defined here for a model of one feature; this one has ${d}: ` +
      'take a feature\'s marginal first, gm.marginal([j]).');
  }
  const K = gm.nComponents, cov = gm.covariances, type = gm.options.covarianceType;
  return { w: gm.weights, mu: gm.means.data, sd: Float64Array.from({ length: K }, (_, k) => Math.sqrt(componentSlice(type, 1, cov, k)[0])) };
}

function cdfAt(c: { w: Float64Array; mu: Float64Array; sd: Float64Array }, x: number): number {
  let s = 0;
  for (let k = 0; k < c.w.length; k++) s += c.w[k] * normalCdf((x - c.mu[k]) / c.sd[k]);
  return Math.min(1, s);
}

/** F(x) at each value: the probability that a draw from the mixture is at most x. */
export function mixtureCdf(gm: GaussianMixture, values: ArrayLike<number>): Float64Array {
  const c = components(gm, 'mixtureCdf');
  return Float64Array.from(numbers(values, 'values'), (x) => cdfAt(c, x));
}

/** The p-quantile for each p in [0, 1]: the smallest x (to the last bit) with F(x) ≥ p;
 *  −Infinity at 0 and Infinity at 1, as R's qnorm, and Infinity where F never reaches p (weights
 *  that sum to a few ulps below 1). */
export function mixtureQuantile(gm: GaussianMixture, probs: ArrayLike<number>): Float64Array {
  const c = components(gm, 'mixtureQuantile');
  const ps = numbers(probs, 'probs');
  const bad = ps.findIndex((p) => !(p >= 0 && p <= 1));
  if (bad >= 0) throw new GmmError('INVALID_ARGUMENT', `probs[${bad}] is ${describe(ps[bad])}: probabilities lie in [0, 1].`);
  // every quantile in (0, 1) lies within 40 standard deviations of some mean (Φ(−40) = 0 in doubles)
  let lo0 = Infinity, hi0 = -Infinity;
  for (let k = 0; k < c.w.length; k++) {
    lo0 = Math.min(lo0, c.mu[k] - 40 * c.sd[k]);
    hi0 = Math.max(hi0, c.mu[k] + 40 * c.sd[k]);
  }
  return Float64Array.from(ps, (p) => {
    if (p === 0) return -Infinity;
    if (p === 1 || cdfAt(c, hi0) < p) return Infinity;
    let lo = lo0, hi = hi0;
    for (;;) {
      const mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) return hi;
      if (cdfAt(c, mid) >= p) hi = mid;
      else lo = mid;
    }
  });
}

function numbers(v: ArrayLike<number>, name: string): number[] {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number') {
    throw new GmmError('INVALID_TYPE', `${name} must be an array of numbers; got ${describe(v)}.`);
  }
  const out = Array.from(v);
  const bad = out.findIndex((x) => typeof x !== 'number' || Number.isNaN(x));
  if (bad >= 0) throw new GmmError('INVALID_ARGUMENT', `${name}[${bad}] is ${describe(out[bad])}: give numbers.`);
  return out;
}
