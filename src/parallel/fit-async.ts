// fitAsync: the driver (src/fit/driver.ts) run with awaits, over a pool of workers or, where
// there are no threads (Cloudflare Workers) or workers: 0, over one shard in this thread
// that yields to the event loop as it goes. The coordinator lives in a private instance of
// the core, so the caller may use the library freely while the fit runs.
import { pacer } from './next-turn.js';
import { privateCore, TYPE_CODE } from '../core/core.js';
import { Arena } from '../core/arena.js';
import { GmmError, abortedBy } from '../core/errors.js';
import type { FittedState, Params } from '../model/params.js';
import type { Matrix, ResolvedOptions } from '../model/validate.js';
import { createCoordinator } from '../fit/variational.js';
import { fitStartSteps, type Classification, type SharedStart } from '../fit/init-labels.js';
import { runStepsAsync } from '../fit/hc-start.js';
import { Shard } from '../fit/shard.js';
import { LocalCluster, type Cluster } from '../fit/cluster.js';
import { fitProgram, runAsync, type IterationInfo } from '../fit/driver.js';
import { fitBytes } from '../fit/run.js';
import { missingBytes } from '../fit/missing-fit.js';
import { ShardCluster } from './shard-cluster.js';
import { RelayCluster } from './relay-cluster.js';
import { WorkerPool, checkShards } from './workers.js';
import { currentSpawner, type SpawnOptions } from './spawn.js';

/** The error of a fit (or, with what and after, another call) stopped by its AbortSignal. */
export function abortedError(signal: AbortSignal | undefined, what = 'the fit', after = 'the model is unchanged'): GmmError {
  return abortedBy(signal, `${what} was aborted by its AbortSignal; ${after}.`);
}

export interface AsyncRun {
  workers: number;
  signal?: AbortSignal;
  onIteration?: (info: IterationInfo) => void;
  spawn: SpawnOptions;
  /** initLabels or initResponsibilities (validated), with X a matrix. */
  labels?: Classification | null;
  /** Data with missing entries: X's rows as given (X itself holds them imputed; see
   *  src/fit/missing-fit.ts missingData). */
  raw?: Float64Array | null;
  /** What selectModelAsync's fits share: with data a pool, the same rows here in their
   *  order (for initParams 'hc'), and the one agglomeration. */
  shared?: SharedStart | null;
}

/** Runs one fit over X (validated; w rescaled or null) or an existing pool. */
export async function runFitAsync(
  data: Matrix | WorkerPool, w: Float64Array | null, o: ResolvedOptions,
  warm: { params: Params; lowerBound: number } | null, run: AsyncRun,
): Promise<FittedState> {
  const { signal } = run;
  if (signal?.aborted) throw abortedError(signal);
  const c = await privateCore();
  const arena = new Arena(c);
  const d = data.cols;
  let pool: WorkerPool | null = data instanceof WorkerPool ? data : null;
  const temporary = pool === null && run.workers > 0 && currentSpawner() !== null;
  // each worker's shard and this fit's working memory in one 4 GiB memory, before any work
  const raw = run.raw ?? null;
  const need = (n: number): number => fitBytes(n, d, o, w !== null || (pool?.weighted ?? false)) + (raw ? missingBytes(c, n, d, o.nComponents) : 0);
  const what = `fitting ${data.rows}×${d} data with ${o.nComponents} components`;
  if (pool) {
    pool.check();
    checkShards(pool.rows, pool.shards.length, need, what);
  } else if (temporary) checkShards(data.rows, run.workers, need, what);
  const co = createCoordinator(c, arena, o, d);
  const rows = data instanceof WorkerPool ? run.shared?.rows : { X: data, w };
  // the agglomeration ('hc') awaits between its merges, so the signal stops it too
  const start = rows ? await runStepsAsync(fitStartSteps(c, arena, rows.X, rows.w, run.labels ?? null, o, warm !== null,
    run.shared?.hc), pacer(signal, () => abortedError(signal))) : null;
  let cluster: Cluster;
  if (temporary) pool = await WorkerPool.start(data as Matrix, w, run.workers, run.spawn, signal, null, raw);
  if (pool) {
    pool.busy = true;
    // the workers run the EM iterations among themselves (relay-cluster.ts) where they are
    // linked, each with the coordinator the options call for (variational or not)
    cluster = pool.relay ? new RelayCluster(pool.shards, pool.missing) : new ShardCluster(pool.shards, pool.missing);
  } else {
    const X = data as Matrix;
    arena.reserve(need(X.rows), what);
    cluster = new LocalCluster(new Shard(c, arena, 0, d).add(X.data, X.rows, w, raw));
  }
  const onAbort = (): void => pool?.abort(abortedError(signal));
  signal?.addEventListener('abort', onAbort);
  try {
    if (signal?.aborted) throw abortedError(signal);
    await cluster.prepare(o.nComponents, TYPE_CODE[o.covarianceType]);
    // in this thread: a turn of the event loop every 10 ms of work (pacer); the workers' pool
    // answers by messages, which give turns of their own
    const between = pool ? (): void => { if (signal?.aborted) throw abortedError(signal); } : pacer(signal, () => abortedError(signal));
    return await runAsync(fitProgram(co, warm, { onIteration: run.onIteration }, start), cluster, between);
  } catch (e) {
    // an abort makes the workers' pending answers fail with ABORTED or WORKER_FAILED
    if (signal?.aborted) throw abortedError(signal);
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (pool) pool.busy = false;
    if (temporary) pool?.close();
  }
}
