// A fit whose component has collapsed onto the regCovar floor: mclust marks such fits NA
// (a singular covariance), while here regCovar keeps them positive definite, so a large K
// can win a selection by BIC through one (README, "Model selection").
import type { GaussianMixture } from './gaussian-mixture.js';
import { precisionFactors } from './factors.js';

/** How far above regCovar a variance must lie to be a spread of the component's own. */
const FLOOR_MARGIN = 1e-3;
/** A variance below this fraction of the model's largest is rounding, not spread: with
 *  regCovar 0 a class of one row, or a feature constant within a component, leaves about
 *  eps² of the squared values (mclust computes an exact 0 there, and reports NA). */
const ROUNDING_FLOOR = 1e-14;

/** The first component (the tied covariance: 0) with a direction whose variance exceeds
 *  regCovar by less than FLOOR_MARGIN·regCovar + ROUNDING_FLOOR·(the largest variance of any
 *  component) — its rows have no spread there (repeated values), or it is empty — else −1.
 *  By the core's Cholesky of Σ minus that floor times I, which fails exactly where such a
 *  direction exists. */
export function collapsedComponent(gm: GaussianMixture): number {
  const reg = gm.options.regCovar;
  const type = gm.options.covarianceType, K = gm.nComponents, d = gm.nFeatures;
  const cov = gm.covariances;
  const full = type === 'full' || type === 'tied';
  const diagonal = (i: number): boolean => !full || Math.floor(i / d) % d === i % d;
  let largest = 0;
  for (let i = 0; i < cov.length; i++) if (diagonal(i)) largest = Math.max(largest, cov[i]);
  const shift = (1 + FLOOR_MARGIN) * reg + ROUNDING_FLOOR * largest;
  for (let i = 0; i < cov.length; i++) if (diagonal(i)) cov[i] -= shift;
  return precisionFactors(type, K, d, cov).bad;
}
