// Combining a mixture's components into clusters: mclust's clustCombi (Baudry, Raftery,
// Celeux, Lo & Gottardo 2010). A cluster need not be Gaussian: where BIC picks K components
// for, say, one curved cluster, merging components whose rows they share recovers it. From
// the K components' responsibilities τ (rows × K), repeatedly merge the two columns whose sum
// lowers the entropy −Σᵢₖ τᵢₖ log τᵢₖ the most,
//   gain(a, b) = Σᵢ (τᵢₐ + τᵢ_b) log(τᵢₐ + τᵢ_b) − Σᵢ (τᵢₐ log τᵢₐ + τᵢ_b log τᵢ_b)   (≥ 0),
// keeping the merged column at the smaller index (the later ones move down one), down to one
// cluster. clustCombiOptim's choice of a number of clusters: the change point of a two- (or
// three-) piece linear least-squares fit of the entropy against the number of clusters.
// Logarithms are the core's; of equal gains the first merges, the pairs taken by b, then a.
import { GmmError } from '../core/errors.js';
import { core } from '../core/core.js';
import { toResponsibilities } from '../fit/init-labels.js';
import { describe, type Matrix, type MatrixInput } from './validate.js';

/** One step of the combination: the clusters after it. */
export interface CombinationLevel {
  nClusters: number;
  /** The two clusters of the level before (nClusters + 1) merged into this level's cluster
   *  merged[0] (0-based; null at the first level, the model's components). */
  merged: [number, number] | null;
  /** Each of the model's components' cluster here (K entries in [0, nClusters)). */
  clusterOf: Int32Array;
  /** −Σ τ log τ of the combined responsibilities. */
  entropy: number;
  /** Each row's cluster: its largest combined responsibility (the first of equal ones). */
  labels: Int32Array;
}

export interface ComponentCombination {
  /** From the model's K components (levels[0]) down to one cluster (levels[K − 1]). */
  levels: CombinationLevel[];
  /** The rows' responsibilities for nClusters clusters (rows × nClusters). */
  responsibilities(nClusters: number): Matrix;
  /** clustCombiOptim: the number of clusters where a piecewise-linear fit of the entropy
   *  changes slope (pieces 2, the default, or 3: its first change point). K = 2 gives 2. */
  suggestedClusters(pieces?: 2 | 3): number;
}

/** x log x, 0 at 0 (mclust's xlog). */
function xlog(x: number, ln: (v: number) => number): number {
  return x === 0 ? 0 : x * ln(x);
}

/** clustCombi from the rows' responsibilities under a mixture (rows × K, each row ≥ 0 summing
 *  to 1): gm.predictProba(X), or mclust's z. */
export function combineComponents(responsibilities: MatrixInput, ...rest: unknown[]): ComponentCombination {
  if (rest.length > 0) throw new GmmError('INVALID_ARGUMENT', 'combineComponents takes the responsibilities only (a matrix: gm.predictProba(X), or mclust\'s z).');
  const z0 = toResponsibilities(responsibilities, null, null, 'responsibilities', 'INVALID_ARGUMENT');
  const n = z0.rows, K = z0.cols;
  if (K < 2) throw new GmmError('INVALID_ARGUMENT', `combineComponents needs the responsibilities of at least two components; these have ${K}.`);
  const c = core(), ln = (v: number): number => c.ln(v);
  // the current columns, each a Float64Array over the rows
  let cols = Array.from({ length: K }, (_, k) => Float64Array.from({ length: n }, (_, i) => z0.data[i * K + k]));
  let clusterOf = Int32Array.from({ length: K }, (_, k) => k);
  const colEntropy = (v: Float64Array): number => { let s = 0; for (let i = 0; i < n; i++) s += xlog(v[i], ln); return s; };
  const level = (merged: [number, number] | null): CombinationLevel => {
    const m = cols.length;
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < m; k++) if (cols[k][i] > cols[best][i]) best = k;
      labels[i] = best;
    }
    return { nClusters: m, merged, clusterOf: clusterOf.slice(), entropy: -cols.reduce((s, v) => s + colEntropy(v), 0), labels };
  };
  const levels = [level(null)];
  const zs = [cols];
  while (cols.length > 1) {
    const m = cols.length, own = cols.map(colEntropy);
    let gain = -Infinity, a = 0, b = 1;
    for (let j = 1; j < m; j++) {
      for (let i = 0; i < j; i++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += xlog(cols[i][r] + cols[j][r], ln);
        const g = s - (own[i] + own[j]);
        // the first maximum in column-major order (i fastest), mclust's which(dEnt == max(dEnt),
        // arr.ind = TRUE)[1] and [2] where the maximum is unique (on an exact tie [2] is the
        // second match's row: mclust then merges a pair that need not be tied)
        if (g > gain) { gain = g; a = i; b = j; }
      }
    }
    const sum = cols[a].map((v, r) => v + cols[b][r]);
    cols = cols.flatMap((v, k) => (k === a ? [sum] : k === b ? [] : [v]));
    clusterOf = clusterOf.map((k) => (k === b ? a : k > b ? k - 1 : k));
    zs.push(cols);
    levels.push(level([a, b]));
  }
  return {
    levels,
    responsibilities(nClusters: number): Matrix {
      if (!Number.isInteger(nClusters) || nClusters < 1 || nClusters > K) {
        throw new GmmError('INVALID_ARGUMENT', `nClusters must be an integer from 1 to ${K}; got ${describe(nClusters)}.`);
      }
      const v = zs[K - nClusters], out = new Float64Array(n * nClusters);
      for (let i = 0; i < n; i++) for (let k = 0; k < nClusters; k++) out[i * nClusters + k] = v[k][i];
      return { data: out, rows: n, cols: nClusters };
    },
    suggestedClusters(pieces: 2 | 3 = 2): number {
      if (pieces !== 2 && pieces !== 3) throw new GmmError('INVALID_ARGUMENT', `pieces must be 2 or 3; got ${describe(pieces)}.`);
      if (K === 2) return 2; // mclust's: no fit through two points
      if (pieces === 3 && K < 4) throw new GmmError('INVALID_ARGUMENT', `a three-piece fit needs at least four levels; this model has ${K} components.`);
      // entropy against 1..K clusters
      const y = Array.from({ length: K }, (_, i) => levels[K - 1 - i].entropy);
      return changePoint(y, pieces);
    },
  };
}

/** The least-squares line through points x = lo..hi (1-based, inclusive) of y: its squared error. */
function lineError(y: readonly number[], lo: number, hi: number): number {
  const xs: number[] = [], ys: number[] = [];
  for (let x = lo; x <= hi; x++) { xs.push(x); ys.push(y[x - 1]); }
  const mx = xs.reduce((s, v) => s + v, 0) / xs.length, my = ys.reduce((s, v) => s + v, 0) / ys.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < xs.length; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) ** 2; }
  const a = sxy / sxx, b = -a * mx + my;
  return ys.reduce((s, v, i) => s + (a * xs[i] + b - v) ** 2, 0);
}

/** pcws2_reg / pcws3_reg: the change point(s) of the best piecewise-linear fit (pieces share
 *  their end points); the first change point, as clustCombiOptim takes it. */
function changePoint(y: readonly number[], pieces: 2 | 3): number {
  const C = y.length;
  let best = Infinity, at = 2;
  if (pieces === 2) {
    for (let c = 2; c <= C - 1; c++) {
      const ss = lineError(y, 1, c) + lineError(y, c, C);
      if (ss < best) { best = ss; at = c; }
    }
    return at;
  }
  for (let c1 = 2; c1 <= C - 2; c1++) {
    for (let c2 = c1 + 1; c2 <= C - 1; c2++) {
      const ss = lineError(y, 1, c1) + lineError(y, c1, c2) + lineError(y, c2, C);
      if (ss < best) { best = ss; at = c1; }
    }
  }
  return at;
}
