// Rows with missing entries (NaN): grouping by missingness pattern, marginal scoring and
// imputation. The maths is in the core (assembly/missing.ts); this file only orders rows
// and copies them in and out.
import { core, seedCore, TYPE_CODE } from '../core/core.js';
import { arenaFor, type Arena } from '../core/arena.js';
import { GmmError } from '../core/errors.js';
import { scoreInto, type ScoreOutputs } from './score.js';
import type { Params } from './params.js';
import { rowsOf, type Matrix } from './validate.js';

/** Which route the core takes for full and tied covariances, per pattern: 0 the cheaper by
 *  its estimate, 1 from the covariance, 2 from the precision factor (a test hook; not part
 *  of the public API). */
export const missingRoute = { route: 0 };

/** Whether row r of X has a NaN. */
export function rowHasNaN(X: Matrix, r: number): boolean {
  const d = X.cols, a = X.data;
  for (let j = r * d; j < r * d + d; j++) if (a[j] !== a[j]) return true;
  return false;
}

/** Whether row r of X has an observed (non-NaN) value: a row without one carries no
 *  information, and fits and criteria leave it out. */
export function rowObserved(X: Matrix, r: number): boolean {
  const d = X.cols, a = X.data;
  for (let j = r * d; j < r * d + d; j++) if (a[j] === a[j]) return true;
  return false;
}

/** Whether any entry of X is NaN. */
export function hasNaN(X: Matrix): boolean {
  const a = X.data;
  for (let i = 0; i < a.length; i++) if (a[i] !== a[i]) return true;
  return false;
}

/** Rows [indices into X] sorted by missingness pattern, with the G+1 offsets of the groups.
 *  Patterns come in a fixed order of their own (by their bits), rows in their order within
 *  a pattern: so leaving rows out (or giving them weight 0) never reorders the others. */
export interface PatternOrder { order: Int32Array; groups: Int32Array }

/** The missingness pattern of the d values at a[base …] as a key: its NaN bits, a number
 *  where d ≤ 30 (the common case, and no string per row), else 30 bits to a number, joined. */
export type PatternKey = number | string;

export function patternKey(a: ArrayLike<number>, base: number, d: number): PatternKey {
  if (d <= 30) {
    let bits = 0;
    for (let j = 0; j < d; j++) if (a[base + j] !== a[base + j]) bits |= 1 << j;
    return bits;
  }
  const words = new Array<number>(Math.ceil(d / 30)).fill(0);
  for (let j = 0; j < d; j++) if (a[base + j] !== a[base + j]) words[(j / 30) | 0] |= 1 << (j % 30);
  return words.join(',');
}

/** patternOrder's order of patterns (keys of one width are all numbers or all strings). */
export function byPattern(x: PatternKey, y: PatternKey): number {
  return typeof x === 'number' && typeof y === 'number' ? x - y : x < y ? -1 : x > y ? 1 : 0;
}

export function patternOrder(X: Matrix, rows: Int32Array): PatternOrder {
  const d = X.cols, a = X.data;
  const keys = new Array<PatternKey>(rows.length);
  for (let i = 0; i < rows.length; i++) keys[i] = patternKey(a, rows[i] * d, d);
  const ids = new Map<PatternKey, number>();
  for (const k of [...new Set(keys)].sort(byPattern)) ids.set(k, ids.size);
  const id = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) id[i] = ids.get(keys[i])!;
  const G = ids.size;
  const groups = new Int32Array(G + 1);
  for (let i = 0; i < rows.length; i++) groups[id[i] + 1]++;
  for (let g = 0; g < G; g++) groups[g + 1] += groups[g];
  const next = groups.slice(0, G);
  const order = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) order[next[id[i]]++] = rows[i];
  return { order, groups };
}

/** The GmmError for a failing missingScore / missingImpute / missingEStepGroups result. */
export function missingNotPd(bad: number, p: { K: number; covarianceType: string }, when: string): GmmError {
  const k = bad % p.K;
  const which = p.covarianceType === 'tied' ? 'the tied covariance' : `component ${k}'s covariance`;
  return new GmmError('NOT_POSITIVE_DEFINITE', `${when}, ${which} ${bad < p.K ? 'restricted to a row\'s observed features' :
    'conditional on a row\'s observed features'} is not positive definite (a near-singular component): raise regCovar, ` +
    'reduce nComponents, or scale the data.');
}

/** The rows of X with a NaN and those without. */
function splitRows(X: Matrix): { complete: Int32Array; incomplete: Int32Array } {
  const complete: number[] = [], incomplete: number[] = [];
  for (let r = 0; r < X.rows; r++) (rowHasNaN(X, r) ? incomplete : complete).push(r);
  return { complete: Int32Array.from(complete), incomplete: Int32Array.from(incomplete) };
}

/** Puts a model's weights, means, covariances and precision factors into the arena. */
function putParams(arena: Arena, p: Params): { weights: number; means: number; cov: number; prec: number } {
  return { weights: arena.put(p.weights), means: arena.put(p.means), cov: arena.put(p.covariances), prec: arena.put(p.precisionsCholesky) };
}

/**
 * Scoring with NaN as missing entries: rows without NaN are scored as by scoreInto (the
 * same bits), rows with NaN by the density of their observed features. A row with every
 * feature missing gets log-density 0 and responsibilities equal to the weights.
 */
export function scoreMarginalInto(p: Params, X: Matrix, out: ScoreOutputs): void {
  const { complete, incomplete } = splitRows(X);
  if (incomplete.length === 0) return scoreInto(p, X, out);
  const { K, d } = p;
  if (complete.length > 0) {
    const n = complete.length;
    const sub: ScoreOutputs = {
      lse: out.lse ? new Float64Array(n) : undefined, resp: out.resp ? new Float64Array(n * K) : undefined,
      labels: out.labels ? new Int32Array(n) : undefined, logMaxResp: out.logMaxResp ? new Float64Array(n) : undefined,
    };
    scoreInto(p, { data: rowsOf(X, complete).data, rows: n, cols: d }, sub);
    scatter(complete, sub, out, K);
  }
  const { order, groups } = patternOrder(X, incomplete);
  const n = order.length;
  const c = core();
  const arena = arenaFor(c);
  arena.reserve(n * (d + K + 3) * 8 + (groups.length + n) * 4 + c.missingScratchSize(K, d) * 8 + 2 * p.covariances.length * 8 + (1 << 16),
    `scoring ${n} rows with missing entries`);
  const prm = putParams(arena, p);
  const x = arena.put(rowsOf(X, order).data);
  const g = arena.alloc(groups.length * 4);
  arena.i32(g, groups.length).set(groups);
  const lse = out.lse ? arena.allocF64(n) : 0;
  const resp = out.resp ? arena.allocF64(n * K) : 0;
  const labels = out.labels ? arena.alloc(n * 4) : 0;
  const logMax = out.logMaxResp ? arena.allocF64(n) : 0;
  const scratch = arena.allocF64(c.missingScratchSize(K, d));
  const bad = c.missingScore(x, g, groups.length - 1, d, K, TYPE_CODE[p.covarianceType], prm.weights, prm.means, prm.cov,
    prm.prec, lse, resp, labels, logMax, scratch, missingRoute.route);
  if (bad >= 0) throw missingNotPd(bad, p, 'when scoring');
  scatter(order, {
    lse: out.lse ? arena.f64(lse, n) : undefined, resp: out.resp ? arena.f64(resp, n * K) : undefined,
    labels: out.labels ? arena.i32(labels, n) : undefined, logMaxResp: out.logMaxResp ? arena.f64(logMax, n) : undefined,
  }, out, K);
}

/** Copies per-row outputs of the rows `order` (in that order) to their places in `out`. */
function scatter(order: Int32Array, from: ScoreOutputs, out: ScoreOutputs, K: number): void {
  for (let i = 0; i < order.length; i++) {
    const r = order[i];
    if (out.lse) out.lse[r] = from.lse![i];
    if (out.labels) out.labels[r] = from.labels![i];
    if (out.logMaxResp) out.logMaxResp[r] = from.logMaxResp![i];
    if (out.resp) out.resp.set(from.resp!.subarray(i * K, i * K + K), r * K);
  }
}

/**
 * A copy of X with every NaN replaced: method 'mean', its conditional expectation under the
 * mixture, Σₖ p(k | x_o) E[x_m | x_o, k]; 'sample', a draw from the conditional mixture
 * (seeded; rows drawn in order of missingness pattern, then row). Rows without NaN are
 * copied unchanged.
 */
export function imputeMatrix(p: Params, X: Matrix, method: 'mean' | 'sample', seed: number): Float64Array {
  const out = X.data.slice();
  const { incomplete } = splitRows(X);
  if (incomplete.length === 0) return out;
  const { K, d } = p;
  const { order, groups } = patternOrder(X, incomplete);
  const n = order.length;
  const c = core();
  const arena = arenaFor(c);
  arena.reserve(n * d * 8 + groups.length * 4 + c.missingScratchSize(K, d) * 8 + 2 * p.covariances.length * 8 + (1 << 16),
    `imputing ${n} rows`);
  const prm = putParams(arena, p);
  const x = arena.put(rowsOf(X, order).data);
  const g = arena.alloc(groups.length * 4);
  arena.i32(g, groups.length).set(groups);
  const scratch = arena.allocF64(c.missingScratchSize(K, d));
  if (method === 'sample') seedCore(c, seed);
  const bad = c.missingImpute(x, g, groups.length - 1, d, K, TYPE_CODE[p.covarianceType], prm.weights, prm.means, prm.cov,
    prm.prec, method === 'sample' ? 1 : 0, scratch, missingRoute.route);
  if (bad >= 0) throw missingNotPd(bad, p, 'when imputing');
  const filled = arena.f64(x, n * d);
  const row = filled.findIndex((v) => !Number.isFinite(v));
  if (row >= 0) {
    // an observed value so far from every component that the conditional mean overflows,
    // or that every component's density underflows (the weights are undefined: NaN)
    throw new GmmError('NUMERICAL', `impute: row ${order[Math.floor(row / d)]}'s observed values are so far from every ` +
      'component that its filled-in values overflow double range, or (beyond about 1e154 standard deviations) every ' +
      'component\'s density underflows; check the values against the model\'s features.');
  }
  for (let i = 0; i < n; i++) out.set(filled.subarray(i * d, i * d + d), order[i] * d);
  return out;
}
