// initParams 'hc': mclust's start. Mclust() classifies the data by model-based hierarchical
// agglomeration (hc(X, "VVV", use = "SVD"): assembly/hc.ts) and cuts the tree at G groups
// (hclass), then starts EM with one M-step from that classification, as initLabels does
// here. Above HC_MAX_ROWS rows it agglomerates a random subset of that many rows, as
// Mclust() does above mclust.options("subset") (2000); the subset here is drawn by the
// core's PRNG, so it is not R's.
import type { CoreExports } from '../core/core.js';
import type { Arena } from '../core/arena.js';
import { GmmError } from '../core/errors.js';

/** Rows the agglomeration takes at most (mclust.options("subset")): its memory and time
 *  grow with their square (16 MB and about a second at 2,000 rows of a few features). */
export const HC_MAX_ROWS = 2000;

/**
 * The merges of mclust's hc(X, "VVV", use = "SVD") over the n rows of x (row-major n × d):
 * 2(n − 1) labels, pair s merging group pairs[2s + 1] into pairs[2s] (1-based, as hc()).
 * NOT_POSITIVE_DEFINITE where the standardised features are constant or collinear, or
 * no more rows than the features they span (mclust's hcVVV needs n > p).
 */
export function hcMerges(c: CoreExports, arena: Arena, x: Float64Array, n: number, d: number): Int32Array {
  const mark = arena.mark();
  try {
    const xp = arena.put(x), z = arena.allocF64(n * d), tw = arena.allocF64(3 * d * d + 3 * d);
    const q = c.hcTransform(xp, n, d, z, tw);
    if (q <= 0) {
      throw new GmmError('NOT_POSITIVE_DEFINITE', `initParams 'hc' cannot cluster these ${n} rows: ` +
        (q === 0 ? 'every feature is constant.' : 'their standardised features are collinear (one is a linear ' +
          'combination of others), which the start\'s transform cannot whiten. Drop the redundant features, or use another initParams.'));
    }
    if (n <= q) {
      throw new GmmError('TOO_FEW_SAMPLES', `initParams 'hc' needs more rows than features: the agglomeration ` +
        `got ${n} rows of ${q} varying features. Use another initParams.`);
    }
    arena.reserve(8 * c.hcWorkSize(n, q) + 8 * n, 'the hierarchical start');
    const work = arena.allocF64(c.hcWorkSize(n, q)), pairs = arena.alloc(8 * (n - 1));
    c.hcVVV(z, n, q, work, pairs);
    return arena.i32(pairs, 2 * (n - 1)).slice();
  } finally {
    arena.release(mark);
  }
}

/**
 * hclass(merges, G) with mclust's partconv: the classification into G groups after the
 * first n − G merges, labelled 0, 1, … in order of each group's first row.
 */
export function hcClasses(merges: Int32Array, n: number, G: number): Int32Array {
  // merging j into i relabels every j as i: a union–find over the labels (1-based) gives
  // hclass's result without its O(n) relabelling a merge
  const parent = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) parent[i] = i;
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (let s = 0; s < n - G; s++) parent[find(merges[2 * s + 1])] = find(merges[2 * s]);
  const label = new Map<number, number>();
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = find(i + 1);
    let l = label.get(r);
    if (l === undefined) label.set(r, l = label.size);
    out[i] = l;
  }
  return out;
}
