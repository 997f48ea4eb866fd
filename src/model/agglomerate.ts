// Model-based hierarchical clustering as a result of its own: mclust's hc(X, modelName, use)
// for the models VVV (the agglomeration Mclust() starts from: assembly/hc.ts), EII (Ward's
// method, which Mclust() takes where there are no more rows than features:
// assembly/hc-ward.ts), VII (spherical, each group its own volume: assembly/hc-vii.ts),
// EEE (one covariance for every group: assembly/hc-eee.ts) and, for one feature, E (equal
// variances: Ward's with one feature) and V (each group its own variance: assembly/hc-v.ts),
// after any of mclust's transforms
// but its random "RND" (hc()'s default "VARS", the data as given; Mclust()'s "SVD"), and
// hclass, its classification into G groups. Every row is agglomerated (Mclust() itself takes
// a subset above 2,000 rows): memory grows with n² (16 MB at 2,000 rows) and time with about
// n³ (a second at 2,000 rows of a few features; EEE, which costs every pair anew at each
// merge, as mclust's, minutes).
import { core } from '../core/core.js';
import { arenaFor } from '../core/arena.js';
import { GmmError } from '../core/errors.js';
import { AGGLOMERATE_MODELS, hcClasses, hcMerges, type AgglomerateModel, type HcUse } from '../fit/hc-start.js';
import { checkKeys } from './option-names.js';
import { checkHcUse, describe, toMatrix, type MatrixInput } from './validate.js';

export interface Agglomeration {
  /** Rows agglomerated. */
  readonly rows: number;
  /** mclust's merge pairs (hc()'s matrix by rows): 2(n − 1) numbers, merge s joining row
   *  group merges[2s + 1] into merges[2s], groups named by a row (1-based, as in R). */
  readonly merges: Int32Array;
  /** The classification into G groups (hclass(tree, G) − 1): labels 0 … G − 1 in the order
   *  of each group's first row. */
  classes(G: number): Int32Array;
}

/** mclust's hc(X, modelName, use) over every row of X: modelName 'VVV' (default; more rows than
 *  features, at least two features), 'EII' (Ward's; any shape, one feature too), 'VII' or
 *  'EEE' (any number of rows, at least two features), 'E' and 'V' (exactly one feature); use one of
 *  HC_USES ('VARS' by default, as hc(); Mclust() starts from 'SVD'). */
export function agglomerate(X: MatrixInput, options: { modelName?: AgglomerateModel; use?: HcUse } = {}, ...rest: unknown[]): Agglomeration {
  if (rest.length > 0 || options === null || typeof options !== 'object') {
    throw new GmmError('INVALID_ARGUMENT', `agglomerate takes X and options { modelName: ${AGGLOMERATE_MODELS.map((t) => `'${t}'`).join(' | ')}, use: 'VARS' | 'SVD' | …}: ` +
      "it is mclust's hc.");
  }
  checkKeys(options, 'agglomerate', ['modelName', 'use']);
  const model = options.modelName ?? 'VVV', use = options.use ?? 'VARS';
  if (!AGGLOMERATE_MODELS.includes(model)) {
    throw new GmmError('INVALID_OPTION', `modelName must be ${AGGLOMERATE_MODELS.map((t) => `'${t}'`).join(' or ')} (mclust's hc ` +
      `models); got ${describe(model)}.`);
  }
  checkHcUse(use, 'use');
  const m = toMatrix(X, 'X', 'complete');
  // (mclust's hcVII writes past its data with one feature, crashing R, and hcEEE fails on it:
  // R's subscripting of its result drops a dimension; its hcE and hcV take one-dimensional data only)
  if (m.cols < 2 && model !== 'EII' && model !== 'E' && model !== 'V') {
    throw new GmmError('INVALID_ARGUMENT', `agglomerate needs at least two features for ${model}: for one, use modelName 'E' (equal ` +
      "variances, as 'EII'), 'V' (each group its own variance) or 'EII' (Mclust() starts one feature from quantiles, as initParams " +
      "'hc' does).");
  }
  if (m.cols > 1 && (model === 'E' || model === 'V')) {
    throw new GmmError('INVALID_ARGUMENT', `modelName '${model}' agglomerates one feature; X has ${m.cols}: for more, its multivariate ` +
      (model === 'E' ? "counterpart is 'EII' (every group the same spherical variance), or 'VII' for each group its own volume."
        : "counterpart is 'VII' (spherical, each group its own volume), or 'EII' for one volume for all."));
  }
  if (m.rows < 2) throw new GmmError('TOO_FEW_SAMPLES', `agglomerate needs at least two rows; X has ${m.rows}.`);
  const c = core();
  const merges = hcMerges(c, arenaFor(c), m.data, m.rows, m.cols, { who: 'agglomerate', model, use,
    instead: model === 'VVV' ? "Give more rows than features, or use modelName 'EII'." : '' });
  const n = m.rows;
  return {
    rows: n,
    merges,
    classes(G: number): Int32Array {
      if (!Number.isInteger(G) || G < 1 || G > n) throw new GmmError('INVALID_ARGUMENT', `G must be an integer from 1 to the rows (${n}); got ${describe(G)}.`);
      return hcClasses(merges, n, G);
    },
  };
}
