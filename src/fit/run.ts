// fit(): the driver (driver.ts) run synchronously over one local shard holding every chunk,
// in the caller's core instance.
import { core, TYPE_CODE } from '../core/core.js';
import { arenaFor } from '../core/arena.js';
import { GmmError } from '../core/errors.js';
import { blockRows, paramLength, type FittedState, type Params } from '../model/params.js';
import { countsMeetPrior, type ResolvedOptions, type Matrix } from '../model/validate.js';
import { scoreInto } from '../model/score.js';
import { createCoordinator } from './variational.js';
import { fitStart, type Classification } from './init-labels.js';
import type { HcShare } from './hc-start.js';
import { Shard, keepsTiedTotals } from './shard.js';
import { LocalCluster, NO_ROWS } from './cluster.js';
import { fitProgram, runSync, type IterationInfo } from './driver.js';
import { CHUNK_ROWS, chunkCount } from './chunks.js';
import { statisticsLength } from './statistics.js';

/** Bytes of WebAssembly memory the n×d rows of a shard take (Shard.add: the rows, their
 *  weights and per-row buffers, with 1 MiB for the core's static data and rounding). */
export function shardBytes(n: number, d: number, weighted: boolean): number {
  return n * (d * 8 + (weighted ? 8 : 0) + 4 + 8) + chunkCount(n) * (16 * 4 + (d + 1) * 8 + 16 + 8) + (1 << 20);
}

/** Bytes of WebAssembly memory a fit of n×d rows needs (the shard, its group balls, tied totals,
 *  working memory), for the TOO_LARGE check before anything is allocated. */
export function fitBytes(n: number, d: number, o: ResolvedOptions, weighted: boolean): number {
  const K = o.nComponents, B = blockRows(K, d);
  const C = chunkCount(n);
  const P = paramLength(o.covarianceType, K, d);
  const S = statisticsLength(o.covarianceType, K, d);
  const balls = C * Math.ceil(Math.min(n, CHUNK_ROWS) / 128 + 1) * (d + 1) * 8;
  const tied = keepsTiedTotals(o.covarianceType, d, B) ? C * Math.ceil(Math.min(n, CHUNK_ROWS) / B) * (d * d + d + 1) * 8 : 0;
  const work = 8 * (3 * d * B + 3 * B + 2 * K * B + K * B + K * d * d + K * d + 16 * d + 64 + 3 * K) +
    8 * (Math.max(S, K * d + K) * (Math.log2(C + 2) + 3) + 6 * K * d + 4 * P + S + 5 * d * d + 2 * K + K * d); // the last four: at least the M-step's scratch (assembly/mstep.ts mStepScratchSize)
  const sorting = Math.min(n, CHUNK_ROWS) * (d + 2) * 8; // one chunk's reordering buffer (order.ts groupRowsToPairs)
  return shardBytes(n, d, weighted) + balls + tied + work + sorting;
}

/** For maximum likelihood only ratios of sample weights matter. Weights far from 1 (max
 *  beyond 2^±100) are multiplied by the power of two that brings their maximum into [1, 2),
 *  which is exact, so that w·x cannot overflow (or underflow) where the data itself would
 *  not. A variational fit depends on the weights' scale (its counts meet the priors), so its
 *  weights are never rescaled: see weightsFor. */
export function rescaled(w: Float64Array): Float64Array {
  const e = weightExponent(w);
  if (e === 0) return w;
  // 2^e in two factors: 2^1074, which the smallest subnormal needs, is not a double
  const a = Math.trunc(e / 2), fa = powerOfTwo(a), fb = powerOfTwo(e - a);
  return w.map((v) => v * fa * fb);
}

/** The weights a fit with options o uses: rescaled for maximum likelihood, as given where
 *  the counts meet a prior. */
export function weightsFor(w: Float64Array, o: ResolvedOptions): Float64Array {
  return countsMeetPrior(o) ? w : rescaled(w);
}

/** e such that the largest weight times 2^e lies in [1, 2), or 0 where it lies within
 *  [2^-100, 2^100] already (or every weight is 0). */
export function weightExponent(w: Float64Array): number {
  let m = 0;
  for (const v of w) if (v > m) m = v;
  if (m === 0 || (m <= 2 ** 100 && m >= 2 ** -100)) return 0;
  let e = 0;
  for (; m >= 2; e--) m *= 0.5;
  for (; m < 1; e++) m *= 2;
  return e;
}

/** 2^e by exact doublings or halvings (|e| ≤ 537 here). */
function powerOfTwo(e: number): number {
  let f = 1;
  for (let i = 0; i < Math.abs(e); i++) f *= e > 0 ? 2 : 0.5;
  return f;
}

/** The NUMERICAL error, naming the first row whose log-density is not finite (found by
 *  scoring the data again: this runs only on the way out). */
function nonFinite(X: Matrix, w: Float64Array | null) {
  return (lower: number, iter: number, params: Params): GmmError => {
    const lse = new Float64Array(X.rows);
    scoreInto(params, X, { lse });
    // rows of weight 0 do not enter the log-likelihood
    const row = lse.findIndex((v, i) => !Number.isFinite(v) && (w === null || w[i] > 0));
    return new GmmError('NUMERICAL', `the log-likelihood became ${lower} at iteration ${iter}` +
      (row >= 0 ? ` (row ${row} has log-density ${lse[row]})` : '') +
      ': the data are out of the range the model can represent; scale the features (e.g. standardise them).');
  };
}

/** Runs EM. `warm` continues from previous parameters (warmStart) with its lower bound. */
export function runFit(
  X: Matrix, sampleWeight: Float64Array | null, o: ResolvedOptions,
  warm: { params: Params; lowerBound: number } | null,
  onIteration?: (info: IterationInfo) => void, labels: Classification | null = null, share: HcShare | null = null,
): FittedState {
  const c = core();
  const arena = arenaFor(c);
  arena.reserve(fitBytes(X.rows, X.cols, o, sampleWeight !== null), `fitting ${X.rows}×${X.cols} data with ${o.nComponents} components`);
  const w = sampleWeight ? weightsFor(sampleWeight, o) : null;
  const co = createCoordinator(c, arena, o, X.cols);
  const start = fitStart(c, arena, X, w, labels, o, warm !== null, share);
  const hooks = { onIteration, nonFinite: nonFinite(X, sampleWeight) };
  // no iterations from a given start (mclust's mstep): the M-step reads the start's statistics
  // alone, so the rows need no shard (its copy and layout cost several iterations)
  if (o.maxIter === 0 && start && !co.wantsDataMoments) return runSync(fitProgram(co, null, hooks, start), NO_ROWS);
  const shard = new Shard(c, arena, 0, X.cols).add(X.data, X.rows, w);
  shard.prepare(o.nComponents, TYPE_CODE[o.covarianceType]);
  return runSync(fitProgram(co, warm, hooks, start), new LocalCluster(shard));
}
