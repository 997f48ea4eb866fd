// Agreement between two clusterings of the same rows: the adjusted Rand index (Hubert &
// Arabie 1985), as mclust's adjustedRandIndex and scikit-learn's adjusted_rand_score. Pairs
// of rows are counted from the contingency table nᵢⱼ (rows in cluster i of a and j of b):
//   s = Σᵢⱼ C(nᵢⱼ, 2),  sa = Σᵢ C(nᵢ., 2),  sb = Σⱼ C(n.ⱼ, 2),  t = C(n, 2),
//   ARI = (s − sa·sb/t) / ((sa + sb)/2 − sa·sb/t)
// (mclust's expression, operation for operation: counts are exact integers in doubles).
import { GmmError } from '../core/errors.js';
import { describe } from './validate.js';

export type Label = string | number;

/** The adjusted Rand index of two labellings of the same n rows (labels: numbers or strings;
 *  only which rows share a label matters): 1 for the same partition, about 0 for unrelated
 *  ones (negative below chance). 1 when both put every row in one cluster, as mclust, and
 *  when both put every row in a cluster of its own, as scikit-learn (mclust: NaN). */
export function adjustedRandIndex(a: ArrayLike<Label>, b: ArrayLike<Label>): number {
  const x = labels(a, 'a'), y = labels(b, 'b');
  if (x.length !== y.length) throw new GmmError('SHAPE_MISMATCH', `a has ${x.length} labels and b has ${y.length}: give one label per row in each.`);
  if (x.length === 0) throw new GmmError('EMPTY_INPUT', 'adjustedRandIndex needs at least one row.');
  // the table's non-empty cells only (a dense table of two labellings with many clusters each
  // would not fit); labels as R compares them, by their text (1 and '1' alike)
  const ia = codes(x), ib = codes(y);
  let A = 0, B = 0;
  for (let i = 0; i < x.length; i++) {
    if (ia[i] >= A) A = ia[i] + 1;
    if (ib[i] >= B) B = ib[i] + 1;
  }
  if (A === 1 && B === 1) return 1;
  const cells = new Map<number, number>(), rows = new Float64Array(A), cols = new Float64Array(B);
  for (let i = 0; i < x.length; i++) {
    const key = ia[i] * B + ib[i];
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows[ia[i]]++;
    cols[ib[i]]++;
  }
  const table = Float64Array.from(cells.values());
  const pairs = (v: Float64Array): number => v.reduce((s, c) => s + (c * (c - 1)) / 2, 0);
  const n = x.length;
  const s = pairs(table), sa = pairs(rows) - s, sb = pairs(cols) - s, rest = (n * (n - 1)) / 2 - s - sa - sb;
  // mclust's a, b, c, d: pairs together in both, in a only, in b only, in neither
  const all = s + sa + sb + rest;
  const expected = ((s + sa) * (s + sb)) / all, top = (s + sa + s + sb) / 2 - expected;
  // 0 only where neither labelling puts two rows together: the same partition (mclust: NaN)
  return top === 0 ? 1 : (s - expected) / top;
}

/** Labels checked: finite numbers or strings. */
function labels(v: ArrayLike<Label>, name: string): Label[] {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') {
    throw new GmmError('INVALID_TYPE', `${name} must be an array of labels (numbers or strings); got ${describe(v)}.`);
  }
  const out = Array.from(v);
  out.forEach((l, i) => {
    if (typeof l !== 'string' && !(typeof l === 'number' && Number.isFinite(l))) {
      throw new GmmError('INVALID_ARGUMENT', `${name}[${i}] is ${describe(l)}: labels are finite numbers or strings.`);
    }
  });
  return out;
}

/** Each label's index among the distinct labels (by their text), in order of first appearance. */
function codes(v: Label[]): Int32Array {
  const seen = new Map<string, number>();
  return Int32Array.from(v, (l) => {
    const k = String(l);
    let c = seen.get(k);
    if (c === undefined) seen.set(k, (c = seen.size));
    return c;
  });
}
