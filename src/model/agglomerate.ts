// Model-based hierarchical clustering as a result of its own: mclust's hc(X, "VVV", use =
// "SVD") — the agglomeration Mclust() starts from (assembly/hc.ts, fit/hc-start.ts) — and
// hclass, its classification into G groups. Every row is agglomerated (Mclust() itself
// takes a subset above 2,000 rows): memory grows with n² (16 MB at 2,000 rows) and time
// with about n³ (a second at 2,000 rows of a few features).
import { core } from '../core/core.js';
import { arenaFor } from '../core/arena.js';
import { GmmError } from '../core/errors.js';
import { hcClasses, hcMerges } from '../fit/hc-start.js';
import { describe, toMatrix, type MatrixInput } from './validate.js';

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

/** mclust's hc(X, "VVV", use = "SVD") over every row of X (at least two features). */
export function agglomerate(X: MatrixInput, ...rest: unknown[]): Agglomeration {
  if (rest.length > 0) {
    throw new GmmError('INVALID_ARGUMENT', "agglomerate takes X alone: it is mclust's hc with modelName \"VVV\" and use \"SVD\" " +
      '(the start Mclust() takes); other models and transforms are not built.');
  }
  const m = toMatrix(X, 'X');
  if (m.cols < 2) {
    throw new GmmError('INVALID_ARGUMENT', 'agglomerate needs at least two features: for one, mclust\'s hc uses model "V", ' +
      "which is not built here (Mclust() starts one feature from quantiles, as initParams 'hc' does).");
  }
  const c = core();
  const merges = hcMerges(c, arenaFor(c), m.data, m.rows, m.cols, 'agglomerate', 'Give more rows than features.');
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
