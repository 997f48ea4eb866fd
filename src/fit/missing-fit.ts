// fit() on data with missing entries (missingValues: 'marginalize'): exact EM for
// incomplete data (Ghahramani & Jordan 1994), run by the one driver (driver.ts).
//
// Rows whose every feature is missing carry no information and are dropped before
// anything else, so a fit equals the fit without them. The initialisation (k-means,
// k-means++, random, random_from_data, or the statistics of initLabels) runs as usual on a
// copy of the rows with each missing entry replaced by its feature's (weighted) observed
// mean, through an ordinary shard; explicit starts and warm starts need nothing of it. Every EM pass runs the core's
// missingEStep over the rows sorted by missingness pattern, which writes the statistics the
// ordinary M-step reads (assembly/missing.ts).
import { core } from '../core/core.js';
import { arenaFor } from '../core/arena.js';
import { GmmError } from '../core/errors.js';
import { TYPE_CODE } from '../core/core.js';
import type { FittedState, Params } from '../model/params.js';
import type { ResolvedOptions, Matrix } from '../model/validate.js';
import { gather, missingNotPd, missingRoute, patternOrder } from '../model/missing.js';
import { Coordinator } from './coordinator.js';
import { Shard } from './shard.js';
import { LocalCluster } from './cluster.js';
import { fitProgram, runSync, type IterationInfo } from './driver.js';
import { fitBytes, rescaled, runFit } from './run.js';
import { labelStart } from './init-labels.js';

/** One shard (for the initialisation passes, over the mean-imputed rows) whose E-step is
 *  the incomplete-data one over the pattern-sorted rows. */
class MissingCluster extends LocalCluster {
  constructor(shard: Shard, private readonly at: { x: number; w: number; groups: number; G: number; scratch: number }) {
    super(shard);
  }

  em(co: Coordinator, shifted: boolean): null {
    const a = this.at;
    const bad = co.c.missingEStep(a.x, a.w, a.groups, a.G, co.d, co.K, co.type, co.b.weights, co.b.means, co.b.cov,
      co.b.chol, co.b.stats, a.scratch, missingRoute.route, shifted ? co.b.shift : 0);
    if (bad >= 0) throw missingNotPd(bad, { K: co.K, covarianceType: co.o.covarianceType }, 'in an EM iteration');
    return null;
  }
}

/** The rows a missing-value fit keeps (those with an observed feature), checked before any
 *  work: some row must have an observed value, every feature must be observed in a row of
 *  positive weight, and at least nComponents kept rows must have positive weight. */
export function keptRows(X: Matrix, w: Float64Array | null, K: number): Int32Array {
  const d = X.cols, a = X.data;
  const kept: number[] = [];
  const seen = new Uint8Array(d);
  let positive = 0;
  for (let r = 0; r < X.rows; r++) {
    let any = false;
    for (let j = 0; j < d; j++) {
      if (a[r * d + j] === a[r * d + j]) {
        any = true;
        if (w === null || w[r] > 0) seen[j] = 1;
      }
    }
    if (!any) continue;
    kept.push(r);
    if (w === null || w[r] > 0) positive++;
  }
  if (kept.length === 0) {
    throw new GmmError('EMPTY_INPUT', 'every entry of X is missing (NaN): there is nothing to fit; pass rows with observed values.');
  }
  const never = seen.indexOf(0);
  if (never >= 0) {
    throw new GmmError('EMPTY_INPUT', `feature ${never} of X is missing (NaN) in every row${w ? ' of positive weight' : ''}: ` +
      'nothing can be learnt about it; drop that column.');
  }
  if (positive < K) {
    throw new GmmError('TOO_FEW_SAMPLES', `nComponents = ${K} needs at least that many samples with an observed value` +
      `${w ? ' and positive weight' : ''}; X has ${positive} (rows with every feature missing do not count). Reduce nComponents or add data.`);
  }
  return Int32Array.from(kept);
}

/** A copy of the rows (row-major, d columns) with each missing entry replaced by its
 *  feature's weighted observed mean (plain IEEE sums and one division per feature). */
function meanImputed(rows: Float64Array, d: number, w: Float64Array | null): Float64Array {
  const out = rows.slice();
  const sum = new Float64Array(d), wsum = new Float64Array(d);
  for (let i = 0; i < out.length / d; i++) {
    const wi = w ? w[i] : 1;
    for (let j = 0; j < d; j++) {
      const v = out[i * d + j];
      if (v === v) {
        sum[j] += wi * v;
        wsum[j] += wi;
      }
    }
  }
  for (let i = 0; i < out.length; i++) if (out[i] !== out[i]) out[i] = sum[i % d] / wsum[i % d];
  return out;
}

/** Runs incomplete-data EM on X (which has NaN). `warm` continues from previous parameters. */
export function runMissingFit(
  X: Matrix, sampleWeight: Float64Array | null, o: ResolvedOptions,
  warm: { params: Params; lowerBound: number } | null,
  onIteration?: (info: IterationInfo) => void, labels: Int32Array | null = null,
): FittedState {
  const K = o.nComponents, d = X.cols;
  const kept = keptRows(X, sampleWeight, K);
  const n = kept.length;
  const rows = gather(X, kept);
  if (!rows.some((v) => v !== v)) {
    // only rows with nothing observed had NaN: the ordinary fit of the others, bit for bit
    const w = sampleWeight ? Float64Array.from(kept, (r) => sampleWeight[r]) : null;
    return runFit({ data: rows, rows: n, cols: d }, w, o, warm, onIteration, labels && Int32Array.from(kept, (r) => labels[r]));
  }
  const c = core();
  const arena = arenaFor(c);
  const extra = n * (d + 1) * 8 + (n + 1) * 4 + c.missingScratchSize(K, d) * 8;
  arena.reserve(fitBytes(n, d, o, sampleWeight !== null) + extra, `fitting ${n}×${d} data with ${K} components`);
  let w: Float64Array | null = null;
  if (sampleWeight) {
    w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = sampleWeight[kept[i]];
    w = rescaled(w);
  }
  const co = new Coordinator(c, arena, o, d);
  const imputed = meanImputed(rows, d, w);
  const start = labels
    ? labelStart(c, arena, { data: imputed, rows: n, cols: d }, w, Int32Array.from(kept, (r) => labels[r]), K, TYPE_CODE[o.covarianceType], o.regCovar)
    : null;
  const shard = new Shard(c, arena, 0, d).add(imputed, n, w);
  shard.prepare(K, TYPE_CODE[o.covarianceType]);
  // the rows sorted by pattern, above the prepared shard
  const { order, groups } = patternOrder(X, kept);
  const x = arena.put(gather(X, order));
  let wp = 0;
  if (w) {
    // kept[i] → i: the weights of the sorted rows
    const pos = new Int32Array(X.rows);
    for (let i = 0; i < n; i++) pos[kept[i]] = i;
    wp = arena.allocF64(n);
    const view = arena.f64(wp, n);
    for (let i = 0; i < n; i++) view[i] = w[pos[order[i]]];
  }
  const g = arena.alloc(groups.length * 4);
  arena.i32(g, groups.length).set(groups);
  const scratch = arena.allocF64(c.missingScratchSize(K, d));
  const cluster = new MissingCluster(shard, { x, w: wp, groups: g, G: groups.length - 1, scratch });
  return runSync(fitProgram(co, warm, { onIteration }, start), cluster);
}
