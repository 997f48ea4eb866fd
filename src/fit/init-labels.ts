// The start from a given clustering (fit option initLabels): the statistics of one-hot
// responsibilities rₙₖ = [labelₙ = k], for one M-step, as scikit-learn starts from its
// k-means labels; or of given responsibilities (initResponsibilities, mclust's me(z)).
// Computed where the caller's rows are, in their own order, chunk by chunk in the fixed tree
// (tree.ts), so fit() and fitAsync() start from the same bits.
import type { CoreExports } from '../core/core.js';
import type { Arena } from '../core/arena.js';
import { GmmError } from '../core/errors.js';
import { blockRows } from '../model/params.js';
import { describe, toMatrix, type Matrix, type MatrixInput } from '../model/validate.js';
import { CHUNK_ROWS, chunkCount } from './chunks.js';
import { NodeStack, addInto } from './tree.js';
import { SHIFT_LOSS_LIMIT } from './coordinator.js';
import type { LabelStart } from './driver.js';
import { hcStartSteps, runSteps, type HcShare, type Steps } from './hc-start.js';
import { TYPE_CODE } from '../core/core.js';
import type { ResolvedOptions } from '../model/validate.js';

/** A given classification: one label per row (initLabels), or K responsibilities per row,
 *  row-major (initResponsibilities). */
export type Classification = Int32Array | Float64Array;

/** A classification's rows at the given indices (the rows a fit keeps). */
export function classificationRows(z: Classification, rows: readonly number[] | Int32Array, K: number): Classification {
  if (z instanceof Int32Array) return Int32Array.from(rows, (r) => z[r]);
  const out = new Float64Array(rows.length * K);
  rows.forEach((r, i) => out.set(z.subarray(r * K, (r + 1) * K), i * K));
  return out;
}

/** Responsibilities validated: rows of entries ≥ 0 summing to 1 (to 1e-9), n × K unless
 *  those are null; errors name them `what` with `code` (initResponsibilities: INVALID_INIT;
 *  combineComponents' responsibilities: INVALID_ARGUMENT). */
export function toResponsibilities(v: unknown, n: number | null, K: number | null, what = 'initResponsibilities',
  code: 'INVALID_INIT' | 'INVALID_ARGUMENT' = 'INVALID_INIT'): Matrix {
  let m: Matrix;
  try {
    m = toMatrix(v as MatrixInput, what, 'numbers');
  } catch (e) {
    throw new GmmError(code, `${what} must be a matrix${n === null ? '' : ` of ${n} rows and ${K} columns`} (number[][] or { data, rows, cols }): ${(e as Error).message}`);
  }
  if (n !== null && (m.rows !== n || m.cols !== K)) {
    throw new GmmError(code, `${what} is ${m.rows}×${m.cols} but X has ${n} rows and the model ${K} components: give one row of ${K} per row of X.`);
  }
  n = m.rows;
  K = m.cols;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) {
      const z = m.data[i * K + k];
      if (!(z >= 0)) throw new GmmError(code, `${what}[${i}][${k}] is ${z}: responsibilities are ≥ 0.`);
      s += z;
    }
    if (!(Math.abs(s - 1) <= 1e-9)) {
      throw new GmmError(code, `${what} row ${i} sums to ${s}: each row's responsibilities must sum to 1 ` +
        `(divide the row by its sum${code === 'INVALID_INIT' ? '; weigh rows with sampleWeight' : ''}).`);
    }
  }
  return { data: m.data.slice(), rows: n, cols: K };
}

/** initLabels validated: n integers in [0, K). */
export function toLabels(v: unknown, n: number, K: number): Int32Array {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') {
    throw new GmmError('INVALID_INIT', `initLabels must be an array of ${n} integer labels in [0, ${K}); got ${v === null ? 'null' : typeof v}.`);
  }
  const a = v as ArrayLike<unknown>;
  if (a.length !== n) {
    throw new GmmError('INVALID_INIT', `initLabels has ${a.length} labels but X has ${n} rows: give one label per row.`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = a[i];
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l >= K) {
      throw new GmmError('INVALID_INIT', `initLabels[${i}] is ${describe(l)}: labels must be integers from 0 to nComponents − 1 (${K - 1}).`);
    }
    out[i] = l;
  }
  return out;
}

/**
 * The statistics of the classification (labels one-hot, or given responsibilities), summed
 * over chunks in the fixed tree: about the weighted
 * mean of the data, or, where clusters lie so far apart that moving from there to their
 * means would cancel digits in the M-step (more than SHIFT_LOSS_LIMIT, as the EM
 * iterations judge it), once more about the means that pass gives. A component with no
 * row keeps mass 0 (the M-step's empty-component policy).
 */
export function labelStart(c: CoreExports, arena: Arena, X: Matrix, w: Float64Array | null, labels: Classification,
  K: number, type: number, regCovar: number): Omit<LabelStart, 'from'> {
  const hard = labels instanceof Int32Array;
  const d = X.cols, B = blockRows(K, d), S = c.statsSize(type, K, d);
  const mark = arena.mark();
  try {
    const most = Math.min(CHUNK_ROWS, X.rows);
    const x = arena.allocF64(most * d + d), wp = w ? arena.allocF64(most) : 0, lab = arena.alloc((hard ? 4 : 8 * K) * most);
    const tmp = arena.allocF64(B * d + 16), scratch = arena.allocF64(Math.max(c.scratchSize(K, d, B), B * d, B + 8 + 4 * d));
    const sums = arena.allocF64(d + 1), shift = arena.allocF64(K * d), out = arena.allocF64(S);
    const load = (i: number): number => {
      const r0 = i * CHUNK_ROWS, m = Math.min(CHUNK_ROWS, X.rows - r0);
      arena.f64(x, m * d).set(X.data.subarray(r0 * d, (r0 + m) * d));
      if (w) arena.f64(wp, m).set(w.subarray(r0, r0 + m));
      if (hard) arena.i32(lab, m).set(labels.subarray(r0, r0 + m));
      else arena.f64(lab, m * K).set(labels.subarray(r0 * K, (r0 + m) * K));
      c.pairsInPlace(x, m, d, B, tmp);
      return m;
    };
    const C = chunkCount(X.rows);
    const total = new Float64Array(d + 1);
    for (let i = 0; i < C; i++) {
      const m = load(i);
      c.featureSums(x, wp, m, d, B, sums, scratch);
      addInto(total, arena.f64(sums, d + 1));
    }
    const mean = total.subarray(0, d).map((v) => v / total[d]);
    const shiftView = arena.f64(shift, K * d);
    for (let k = 0; k < K; k++) shiftView.set(mean, k * d);
    const pass = (): Float64Array => {
      const stack = new NodeStack<Float64Array>(addInto);
      for (let i = 0; i < C; i++) {
        const m = load(i);
        c.initStats(x, wp, m, d, K, type, hard ? lab : 0, hard ? 0 : lab, shift, out, scratch, B);
        stack.push(i, arena.f64(out, S).slice());
      }
      return stack.root();
    };
    let root = pass();
    const implied = arena.allocF64(K * d);
    arena.f64(out, S).set(root);
    if (c.shiftLoss(out, shift, shift, K, d, type, regCovar, implied, scratch) > SHIFT_LOSS_LIMIT) {
      const prior = arena.f64(shift, K * d).slice();
      arena.f64(shift, K * d).set(arena.f64(implied, K * d));
      return { root: pass(), shift: arena.f64(shift, K * d).slice(), prior };
    }
    return { root, shift: arena.f64(shift, K * d).slice() };
  } finally {
    arena.release(mark);
  }
}

/** What the candidate fits of one selectModel share, passed as the internal fit option
 *  SHARED_START: the rows a WorkerPool holds, here in their order (for fitAsync(pool)), and
 *  initParams 'hc''s one agglomeration. */
export interface SharedStart { rows: { X: Matrix; w: Float64Array | null } | null; hc: HcShare }
export const SHARED_START: unique symbol = Symbol('sharedStart');

/**
 * The start a fit takes from the caller's rows, where they are in their order: initLabels'
 * statistics, or those of initParams 'hc''s classification (hc-start.ts, yielding between
 * its merges: fitStart runs them through, an asynchronous fit awaits between them). null
 * for every other start, and where the fit will not use one (a warm start, or weightsInit,
 * meansInit and precisionsInit all given).
 */
export function* fitStartSteps(c: CoreExports, arena: Arena, X: Matrix, w: Float64Array | null, labels: Classification | null,
  o: ResolvedOptions, warm: boolean, share: HcShare | null = null): Steps<LabelStart | null> {
  const K = o.nComponents, type = TYPE_CODE[o.covarianceType];
  if (labels) return { ...labelStart(c, arena, X, w, labels, K, type, o.regCovar), from: `the M-step from ${labels instanceof Int32Array ? 'initLabels' : 'initResponsibilities'}` };
  if (o.initParams !== 'hc' || warm || (o.weightsInit && o.meansInit && o.precisionsInit)) return null;
  const s = yield* hcStartSteps(c, arena, X, w, K, o, share);
  return { ...labelStart(c, arena, s.X, s.w, s.labels, K, type, o.regCovar), from: "the hierarchical start (initParams 'hc')" };
}

/** fitStartSteps run to its end. */
export function fitStart(c: CoreExports, arena: Arena, X: Matrix, w: Float64Array | null, labels: Classification | null,
  o: ResolvedOptions, warm: boolean, share: HcShare | null = null): LabelStart | null {
  return runSteps(fitStartSteps(c, arena, X, w, labels, o, warm, share));
}
