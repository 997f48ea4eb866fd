// Class labels as the classifiers take them (MixtureDiscriminant, SemiSupervisedMixture): one
// number or string per row, all of one kind, and, where a row's class is unknown (mclust's
// NA in MclustSSC), null, undefined or NaN; and a classification from responsibilities.
import { GmmError } from '../core/errors.js';
import { describe, type Matrix } from './validate.js';

/** A class label: a number or a string. */
export type ClassLabel = string | number;

/** y checked: one label per row of n; with `unknown`, null for a row whose class is not known. */
export function classLabels(y: ArrayLike<ClassLabel>, n: number): ClassLabel[];
export function classLabels(y: ArrayLike<ClassLabel | null | undefined>, n: number, unknown: true): (ClassLabel | null)[];
export function classLabels(y: ArrayLike<ClassLabel | null | undefined>, n: number, unknown = false): (ClassLabel | null)[] {
  if (y === null || typeof y !== 'object' || typeof (y as ArrayLike<unknown>).length !== 'number') {
    throw new GmmError('INVALID_TYPE', `y must be an array of ${n} class labels (numbers or strings); got ${describe(y)}.`);
  }
  if (y.length !== n) throw new GmmError('SHAPE_MISMATCH', `y has ${y.length} labels but X has ${n} rows: give one label per row.`);
  const out: (ClassLabel | null)[] = Array.from(y, (v) => (unknown && (v == null || Number.isNaN(v)) ? null : v as ClassLabel));
  let kind: string | null = null;
  for (let i = 0; i < n; i++) {
    const v = out[i];
    if (v === null && unknown) continue;
    if ((typeof v !== 'number' || !Number.isFinite(v)) && typeof v !== 'string') {
      throw new GmmError('INVALID_ARGUMENT', `y[${i}] is ${describe(v)}: class labels are finite numbers or strings` +
        `${unknown ? ' (null, undefined or NaN where the class is unknown)' : ''}.`);
    }
    kind ??= typeof v;
    if (typeof v !== kind) throw new GmmError('INVALID_ARGUMENT', `y mixes numbers and strings (y[${i}] is ${describe(v)}): give labels of one kind.`);
  }
  return out;
}

/** The distinct labels, sorted (numbers by value, strings by code unit). */
export function sortedClasses(labels: readonly (ClassLabel | null)[]): ClassLabel[] {
  const set = new Set(labels.filter((l): l is ClassLabel => l !== null));
  return [...set].sort((a, b) => (typeof a === 'number' ? (a as number) - (b as number) : String(a) < String(b) ? -1 : 1));
}

/** Classes read back from JSON: at least two distinct labels, all finite numbers or all
 *  strings; a copy, or null when they are not. */
export function classesFromJSON(v: unknown): ClassLabel[] | null {
  if (!Array.isArray(v) || v.length < 2) return null;
  const kind = typeof v[0];
  if (kind !== 'string' && kind !== 'number') return null;
  if (!v.every((c) => typeof c === kind && (kind === 'string' || Number.isFinite(c))) || new Set(v).size !== v.length) return null;
  return v.slice() as ClassLabel[];
}

/** mclust's map: each row's column of largest responsibility (the first of equal ones). */
export function rowMaxima(z: Matrix): Int32Array {
  const K = z.cols, out = new Int32Array(z.rows);
  for (let i = 0; i < z.rows; i++) {
    let top = 0;
    for (let k = 1; k < K; k++) if (z.data[i * K + k] > z.data[i * K + top]) top = k;
    out[i] = top;
  }
  return out;
}
