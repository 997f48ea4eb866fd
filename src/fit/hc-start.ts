// initParams 'hc': mclust's start. Mclust() classifies the data by model-based hierarchical
// agglomeration (hc(X, "VVV", use = "SVD"): assembly/hc.ts; with no more rows than features
// hc(X, "EII"), Ward's: assembly/hc-ward.ts; by hcModelName 'VII' or 'EEE', hc(X, "VII"):
// assembly/hc-vii.ts, hc(X, "EEE"): assembly/hc-eee.ts; the options hcModelName and hcUse are
// mclust.options()' of those names) and cuts the tree at G groups
// (hclass), then starts EM with one M-step from that classification, as initLabels does
// here. Above hcLimits.maxRows rows it agglomerates a random subset of that many rows, as
// Mclust() does above mclust.options("subset") (2000); the subset here is drawn by the
// core's PRNG, so it is not R's.
import { seedCore, type CoreExports } from '../core/core.js';
import type { Arena } from '../core/arena.js';
import { GmmError } from '../core/errors.js';
import type { Matrix } from '../model/validate.js';

/** Rows the agglomeration takes at most (mclust.options("subset")): its memory grows with
 *  their square and its time with their cube (16 MB and about a second at 2,000 rows of a few
 *  features). A setting only so that tests of the subset can take a smaller one. */
export const hcLimits = { maxRows: 2000 };

/** A computation that yields between its steps (the agglomeration's merges), so that an
 *  asynchronous fit can give the event loop a turn and see its signal (runStepsAsync). */
export type Steps<T> = Generator<void, T, void>;

export function runSteps<T>(g: Steps<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** Runs g, awaiting `pace` between its steps; on a throw (an abort) g is closed, so its
 *  `finally` blocks run. */
export async function runStepsAsync<T>(g: Steps<T>, pace: () => Promise<void>): Promise<T> {
  try {
    for (;;) {
      const r = g.next();
      if (r.done) return r.value;
      await pace();
    }
  } catch (e) {
    g.return(undefined as never);
    throw e;
  }
}

/** The model-based agglomerations built: mclust's hc models VVV, EII (Ward's), VII and EEE. */
export const HC_MODELS = ['VVV', 'EII', 'VII', 'EEE'] as const;
export type HcModel = typeof HC_MODELS[number];

/** The models agglomerate takes: HC_MODELS and mclust's one-feature models, which are not
 *  hcModelName's (Mclust() starts one feature from quantiles, never from hc): 'E' (equal
 *  variance: hc1e is hceii with one feature, so EII's kernels) and 'V' (each group its own
 *  variance: VII's kernels with α = ε). */
export const AGGLOMERATE_MODELS = [...HC_MODELS, 'E', 'V'] as const;
export type AgglomerateModel = typeof AGGLOMERATE_MODELS[number];

/** mclust's transforms of the data before the agglomeration (hc's `use`, mclust.options("hcUse")),
 *  in the order of the core's codes (assembly/hc.ts USE_*): 'SVD' (Mclust()'s default: the
 *  standardised data on its principal axes, each scaled by σ^(−½)), 'VARS' (the data as given),
 *  'STD' (standardised), 'PCR' (standardised, on its principal axes), 'PCS' (centred, on its
 *  principal axes), 'SPH' (centred and sphered). mclust's 'RND' (random pairs from R's RNG) is not built. */
export const HC_USES = ['SVD', 'VARS', 'STD', 'PCR', 'PCS', 'SPH'] as const;
export type HcUse = typeof HC_USES[number];

/** An agglomeration's merges, as hc() gives them: 2(n − 1) row labels, pair s merging group
 *  pairs[2s + 1] into pairs[2s] (1-based, groups named by a row, as hc()). hc() starts from
 *  the rows (its partition argument is not passed on to the models' functions unless given). */
type HcTree = Int32Array;

/** An hc model's kernels in the core (size, begin, merge while it returns 1, pairs), and
 *  whether it takes wide data (no more rows than features: no covariance of a group's own). */
interface HcKernels {
  size(n: number, p: number): number;
  begin(z: number, n: number, p: number, work: number): number;
  merge(): number;
  pairs(pairs: number): void;
  wide: boolean;
}

function hcKernels(c: CoreExports): Record<AgglomerateModel, HcKernels> {
  return {
    VVV: { size: c.hcWorkSize, begin: c.hcBegin, merge: c.hcMerge, pairs: c.hcPairs, wide: false }, // assembly/hc.ts
    EII: { size: c.hcWardWorkSize, begin: c.hcWardBegin, merge: c.hcWardMerge, pairs: c.hcWardPairs, wide: true }, // hc-ward.ts
    VII: { size: c.hcViiWorkSize, begin: c.hcViiBegin, merge: c.hcViiMerge, pairs: c.hcViiPairs, wide: true }, // hc-vii.ts
    EEE: { size: c.hcEeeWorkSize, begin: c.hcEeeBegin, merge: c.hcEeeMerge, pairs: c.hcEeePairs, wide: true }, // hc-eee.ts
    // mclust's hc1e is its hceii with p = 1 (its BLAS calls written out, the same roundings)
    E: { size: c.hcWardWorkSize, begin: c.hcWardBegin, merge: c.hcWardMerge, pairs: c.hcWardPairs, wide: true },
    // mclust's hc1v is hcVII's cost on one feature with α = ε (hcVBegin)
    V: { size: c.hcViiWorkSize, begin: c.hcVBegin, merge: c.hcViiMerge, pairs: c.hcViiPairs, wide: true },
  };
}

/** What an agglomeration is and what its errors say: the model and transform, and the
 *  message's subject (who), the rows' name (rows) and the remedy (instead). */
interface HcOptions { model?: AgglomerateModel; use?: HcUse; who?: string; rows?: string; instead?: string }

/**
 * mclust's hc(X, model, use) over the n rows of x (row-major n × d).
 * NOT_POSITIVE_DEFINITE for VVV with no more rows than (varying) features (mclust's hcVVV
 * needs n > p; `rows` names them in the message) and, under 'SVD' and 'SPH', where the
 * features are collinear, and for every feature constant; NUMERICAL where a feature's spread
 * leaves double range.
 */
export function* hcMergeSteps(c: CoreExports, arena: Arena, x: Float64Array, n: number, d: number, o: HcOptions = {}): Steps<HcTree> {
  const { rows = 'rows', who = "initParams 'hc'", instead = 'Use another initParams.', model = 'VVV', use = 'SVD' } = o;
  const start = o.who === undefined; // (a fit's start, whose remedies include another initParams)
  const mark = arena.mark();
  const k = hcKernels(c)[model];
  try {
    const xp = arena.put(x), z = arena.allocF64(n * d), tw = arena.allocF64(3 * d + (k.wide && n <= d ? n * n + n : 0));
    const q = c.hcTransform(xp, n, d, z, tw, k.wide ? 1 : 0, HC_USES.indexOf(use));
    // data the start cannot agglomerate are NOT_POSITIVE_DEFINITE, as they would be for a
    // full covariance: a model selection records the candidate as failed and goes on
    if (q <= 0) {
      throw new GmmError(q === -2 ? 'NUMERICAL' : 'NOT_POSITIVE_DEFINITE', `${who} cannot cluster these ${n} ${rows}: ` +
        (q === 0 ? 'every feature is constant.'
          : q === -3 ? `the agglomeration needs more of them than the ${use === 'VARS' || use === 'PCS' ? `features (${use} keeps the constant ones)` : 'features that vary among them'} (of the ${d} features), ` +
            `or its first merges have singular covariances. ${instead}`
            : q === -1 ? `their ${use === 'SVD' ? 'standardised ' : ''}features are collinear (one is a linear combination of others, ` +
              `to rounding), which the transform '${use}' cannot scale. Drop the redundant features, or take the transform 'PCR' ` +
              `(the same axes, unscaled)${start ? ', or another initParams' : ''}.`
              : "a feature's spread overflows or underflows double precision (values beyond about 1e±150): scale the features " +
                '(e.g. standardise them).'));
    }
    // the model's kernels, one merge a call
    arena.reserve(8 * k.size(n, q) + 8 * n, 'the hierarchical start');
    const work = arena.allocF64(k.size(n, q)), pairs = arena.alloc(8 * (n - 1));
    if (k.begin(z, n, q, work)) while (k.merge()) yield;
    k.pairs(pairs);
    return arena.i32(pairs, 2 * (n - 1)).slice();
  } finally {
    arena.release(mark);
  }
}

/** hcMergeSteps run to its end. */
export function hcMerges(c: CoreExports, arena: Arena, x: Float64Array, n: number, d: number, o: HcOptions = {}): HcTree {
  return runSteps(hcMergeSteps(c, arena, x, n, d, o));
}

/**
 * hclass(merges, G) with mclust's partconv: the classification into G groups after the
 * first n − G merges, labelled 0, 1, … in order of each group's first row.
 */
export function hcClasses(merges: HcTree, n: number, G: number): Int32Array {
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

/** The rows the agglomeration takes (a matrix in their order, with their weights) and
 *  their classification into K groups. */
export interface HcStart { X: Matrix; w: Float64Array | null; labels: Int32Array }

/** One agglomeration: the rows it took (S, their weights sw) and its tree (null for one
 *  feature, whose classes are quantiles). */
interface Agglomeration { S: Matrix; sw: Float64Array | null; tree: HcTree | null }

/** The agglomeration selectModel's candidates share: they fit the same rows with the same
 *  seed, so the first made serves every K and model, as mclustBIC's one hcPairs. */
export interface HcShare { made: Agglomeration | null }

/**
 * initParams 'hc' over X's rows of positive weight, in their order: all of them, with their
 * weights, up to hcLimits.maxRows; else that many drawn without replacement with probability
 * by weight (keys ln(u)/w from the core's PRNG seeded with `seed`, the largest kept:
 * Efraimidis and Spirakis), the same rows however the fit is run, which then count once each
 * (the draw has taken their weights). K = 1 needs no agglomeration: every row in one class.
 */
export function* hcStartSteps(c: CoreExports, arena: Arena, X: Matrix, w: Float64Array | null, K: number, o: HcStartOptions,
  share: HcShare | null = null): Steps<HcStart> {
  if (K === 1) return { X, w, labels: new Int32Array(X.rows) };
  const a = share?.made ?? (yield* agglomerate(c, arena, X, w, o));
  if (share) share.made = a;
  if (a.S.rows < K) {
    throw new GmmError('TOO_FEW_SAMPLES', `initParams 'hc' classifies ${a.S.rows} rows into nComponents = ${K} groups: reduce nComponents or add data.`);
  }
  return { X: a.S, w: a.sw, labels: a.tree ? hcClasses(a.tree, a.S.rows, K) : quantileClasses(a.S.data, K) };
}

/** The options of initParams 'hc' (ResolvedOptions' seed, hcModelName and hcUse). */
export interface HcStartOptions { seed: number; hcModelName: HcModel; hcUse: HcUse }

function* agglomerate(c: CoreExports, arena: Arena, X: Matrix, w: Float64Array | null, o: HcStartOptions): Steps<Agglomeration> {
  const n = X.rows, d = X.cols;
  let rows: number[] = [];
  for (let i = 0; i < n; i++) if (!w || w[i] > 0) rows.push(i);
  const most = hcLimits.maxRows, drawn = rows.length > most;
  if (drawn) {
    seedCore(c, o.seed);
    const keys = Float64Array.from(rows, (i) => c.ln(1 - c.rngUniform()) / (w ? w[i] : 1));
    // the most-th largest key; of rows on it, the first
    const cut = keys.slice().sort()[keys.length - most];
    let ties = most - keys.reduce((s, k) => s + (k > cut ? 1 : 0), 0);
    rows = rows.filter((_, j) => keys[j] > cut || (keys[j] === cut && ties-- > 0));
  }
  let S: Matrix = X, sw = w;
  if (rows.length < n) {
    const data = new Float64Array(rows.length * d);
    rows.forEach((r, j) => data.set(X.data.subarray(r * d, (r + 1) * d), j * d));
    S = { data, rows: rows.length, cols: d };
    sw = drawn ? null : w && Float64Array.from(rows, (r) => w[r]);
  }
  // one feature: Mclust() starts from quantile classes instead; no more rows than features:
  // it agglomerates under EII (Ward's) instead of hcModelName
  const tree = d === 1 ? null : yield* hcMergeSteps(c, arena, S.data, S.rows, d, { rows: w ? 'rows of positive weight' : 'rows',
    model: S.rows > d ? o.hcModelName : 'EII', use: o.hcUse });
  return { S, sw, tree };
}

/**
 * mclust's qclass(x, k), its start for one feature: k classes between quantiles (R's type
 * 7, at k + 1 equally spaced probabilities, more where ties make some equal; of more than
 * k + 1 distinct ones, those that open the narrowest gaps dropped), labelled 0 … k − 1 from
 * the smallest values. Only IEEE arithmetic and comparisons, as R computes them.
 */
export function quantileClasses(x: Float64Array, k: number): Int32Array {
  const n = x.length, sorted = Float64Array.from(x).sort();
  if (!(sorted[0] < sorted[n - 1])) {
    throw new GmmError('NOT_POSITIVE_DEFINITE', `initParams 'hc' cannot classify these ${n} rows: their one feature is constant.`);
  }
  const quantile = (p: number): number => {
    const index = 1 + (n - 1) * p, lo = Math.floor(index), hi = Math.ceil(index), q = sorted[lo - 1];
    if (!(index > lo && sorted[hi - 1] !== q)) return q;
    const h = index - lo;
    return (1 - h) * q + h * sorted[hi - 1];
  };
  let distinct = 1;
  for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  // more classes than distinct values leave a class on one value (mclust's loop below runs
  // ever longer there): NOT_POSITIVE_DEFINITE, as that class's variance, so that a model
  // selection records the candidate as failed and goes on
  const tooMany = (): GmmError => new GmmError('NOT_POSITIVE_DEFINITE', `initParams 'hc' cannot cut one feature of ${distinct} ` +
    `distinct values into nComponents = ${k} classes: reduce nComponents, or use another initParams.`);
  if (k > distinct) throw tooMany();
  let q: number[] = [];
  // seq(0, 1, length = m): 0, i·(1/(m − 1)) for i = 1 … m − 2, 1; more points while ties
  // leave fewer than k + 1 distinct quantiles. By m = 2n − 1 a point falls between every
  // two neighbouring values, so the loop ends then, unless the values are neighbouring
  // doubles that no interpolation separates
  for (let m = k + 1; q.length < k + 1; m++) {
    if (m > 2 * n + 1) throw tooMany();
    const by = 1 / (m - 1), probs = [0];
    for (let i = 1; i <= m - 2; i++) probs.push(i * by);
    if (m > 1) probs.push(1);
    q = [...new Set(probs.map(quantile))];
  }
  if (q.length > k + 1) {
    // drop the left ends of the q.length − k − 1 narrowest gaps (R's order(): stable)
    const gaps = q.slice(1).map((v, i) => ({ i, g: v - q[i] })).sort((a, b) => a.g - b.g || a.i - b.i);
    const drop = new Set(gaps.slice(0, q.length - k - 1).map((e) => e.i));
    q = q.filter((_, i) => !drop.has(i));
  }
  // the outer ends just past the data, so every row falls in a class
  q[0] = -Infinity;
  q[k] = Infinity;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let i = 0;
    while (!(x[r] >= q[i] && x[r] < q[i + 1])) i++;
    out[r] = i;
  }
  return out;
}
