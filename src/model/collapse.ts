// A fit whose component has collapsed onto the regCovar floor: mclust marks such fits NA
// (a singular covariance), while here regCovar keeps them positive definite, so a large K
// can win a selection by BIC through one (README, "Model selection").
import type { GaussianMixture } from './gaussian-mixture.js';
import { precisionFactors } from './factors.js';

/** How far above regCovar a variance must lie to be a spread of the component's own. */
const FLOOR_MARGIN = 1e-3;

/** The first component (the tied covariance: 0) with a direction whose variance exceeds
 *  regCovar by less than FLOOR_MARGIN·regCovar — its rows have no spread there (repeated
 *  values), or it is empty — else −1. By the core's Cholesky of Σ − (1 + FLOOR_MARGIN)·regCovar·I,
 *  which fails exactly where such a direction exists (never with regCovar 0). */
export function collapsedComponent(gm: GaussianMixture): number {
  const reg = gm.options.regCovar;
  const type = gm.options.covarianceType, K = gm.nComponents, d = gm.nFeatures;
  const cov = gm.covariances;
  const shift = (1 + FLOOR_MARGIN) * reg;
  if (type === 'full' || type === 'tied') {
    const m = type === 'full' ? K : 1;
    for (let k = 0; k < m; k++) for (let i = 0; i < d; i++) cov[k * d * d + i * d + i] -= shift;
  } else {
    for (let i = 0; i < cov.length; i++) cov[i] -= shift;
  }
  return precisionFactors(type, K, d, cov).bad;
}
