// Fits on data with missing entries (missingValues: 'marginalize'), in memory or not: exact
// EM for incomplete data (Ghahramani & Jordan 1994), run by the one driver (driver.ts).
//
// Rows whose every feature is missing carry no information and are dropped before
// anything else, so a fit equals the fit without them. The initialisation (k-means,
// k-means++, random, random_from_data, or the statistics of initLabels) runs as usual on a
// copy of the rows with each missing entry replaced by its feature's (weighted) observed
// mean; explicit starts and warm starts need nothing of it. Every EM pass runs the core's
// missingEStepGroups over each chunk's rows with a NaN, sorted by missingness pattern, and
// the ordinary E-step over its complete rows (Shard.em): one statistics block per chunk, as
// the ordinary M-step reads them (assembly/missing.ts), summed in the fixed tree like any
// other pass's, while a pattern is factorised once per pass.
import { core, TYPE_CODE, type CoreExports } from '../core/core.js';
import { arenaFor } from '../core/arena.js';
import { GmmError } from '../core/errors.js';
import type { FittedState, Params } from '../model/params.js';
import { rowsOf, type ResolvedOptions, type Matrix } from '../model/validate.js';
import { Coordinator } from './coordinator.js';
import { Shard } from './shard.js';
import { LocalCluster } from './cluster.js';
import { CHUNK_ROWS } from './chunks.js';
import { fitProgram, runSync, type IterationInfo } from './driver.js';
import { fitBytes, rescaled, runFit } from './run.js';
import { classificationRows, fitStart, type Classification } from './init-labels.js';
import type { HcShare } from './hc-start.js';

/** The rows a missing-value fit keeps (those with an observed feature), checked before any
 *  work: some row must have an observed value, every feature must be observed in a row of
 *  positive weight (a feature that is not is named by X.columns where X has them), and at
 *  least nComponents kept rows must have positive weight. */
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
    const name = X.columns?.[never] == null ? '' : ` (${JSON.stringify(X.columns[never])})`;
    throw new GmmError('EMPTY_INPUT', `feature ${never}${name} of X is missing (NaN) in every row${w ? ' of positive weight' : ''}: ` +
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

/** What a missing-value fit works on, checked before any work (keptRows): the rows with an
 *  observed entry (kept, indices into X), in their order. */
export interface MissingData {
  kept: Int32Array;
  /** The kept rows as a shard holds them for the initialisation: each NaN replaced by its
   *  feature's weighted observed mean (the rows themselves where none has a NaN). */
  held: Matrix;
  /** The kept rows as given, for the incomplete-data E-step; null where none has a NaN (the
   *  fit is then the ordinary one of `held`, bit for bit). */
  raw: Float64Array | null;
  /** The kept rows' weights, rescaled as a fit's (run.ts rescaled), or null. */
  w: Float64Array | null;
}

export function missingData(X: Matrix, sampleWeight: Float64Array | null, K: number): MissingData {
  const kept = keptRows(X, sampleWeight, K);
  const rows = rowsOf(X, kept).data;
  const w = sampleWeight ? rescaled(Float64Array.from(kept, (r) => sampleWeight[r])) : null;
  const raw = rows.some((v) => v !== v) ? rows : null;
  return { kept, held: { data: raw ? meanImputed(rows, X.cols, w) : rows, rows: kept.length, cols: X.cols }, raw, w };
}

/** Runs incomplete-data EM on X (which has NaN). `warm` continues from previous parameters.
 *  Each chunk of the kept rows is taken by pattern (Shard.add's raw), so the fit has the
 *  bits of fitAsync's over any number of workers. */
export function runMissingFit(
  X: Matrix, sampleWeight: Float64Array | null, o: ResolvedOptions,
  warm: { params: Params; lowerBound: number } | null,
  onIteration?: (info: IterationInfo) => void, labels: Classification | null = null, share: HcShare | null = null,
): FittedState {
  const K = o.nComponents, d = X.cols;
  const m = missingData(X, sampleWeight, K);
  const n = m.kept.length;
  const keptLabels = labels && classificationRows(labels, m.kept, o.nComponents);
  // only rows with nothing observed had NaN: the ordinary fit of the others, bit for bit
  // (runFit's rescaling of the rescaled weights leaves them as they are)
  if (!m.raw) return runFit(m.held, m.w, o, warm, onIteration, keptLabels, share);
  const c = core();
  const arena = arenaFor(c);
  arena.reserve(fitBytes(n, d, o, m.w !== null) + missingBytes(c, n, d, K), `fitting ${n}×${d} data with ${K} components`);
  const co = new Coordinator(c, arena, o, d);
  const start = fitStart(c, arena, m.held, m.w, keptLabels, o, warm !== null, share);
  const shard = new Shard(c, arena, 0, d).add(m.held.data, n, m.w, m.raw);
  shard.prepare(K, TYPE_CODE[o.covarianceType]);
  return runSync(fitProgram(co, warm, { onIteration }, start), new LocalCluster(shard));
}

/** The working memory a missing-value fit adds to an ordinary one's (below). */
export function missingBytes(c: CoreExports, n: number, d: number, K: number): number {
  const chunks = Math.ceil(n / CHUNK_ROWS);
  // the rows as given and their weights, the groups, the blocks, the kernel's scratch, and
  // the complete rows again for the ordinary E-step (Shard.completeRows: rows, weights,
  // balls; blocks of at least 16 rows)
  return n * (d + 1) * 8 + (n + 2 * chunks) * 4 + 16 * n + chunks * (K * (1 + d + d * d) + 8) * 8 + c.missingScratchSize(K, d) * 8 +
    (n * (d + 1) + chunks * d + c.ballsSize(n, d, 16) + chunks * 3 * (d + 1)) * 8;
}
