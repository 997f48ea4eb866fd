// The requests a coordinator sends a shard, and the function that answers them: the same
// code serves a shard in a worker (worker-core.ts) and one in the coordinator's thread
// (shard-cluster.ts), so both give the same bits.
import type { Shard } from '../fit/shard.js';
import type { TreeNode } from '../fit/tree.js';
import type { KeyCandidates, Pick } from '../fit/cluster.js';
import type { EmOutcome, IterationInfo } from '../fit/driver.js';
import type { Params } from '../model/params.js';
import type { ResolvedOptions } from '../model/validate.js';
import type { kernels } from '../core/core.js';
import type { BoardSpec } from './board.js';
import type { DrawTask } from '../model/bootstrap-lrt.js';
import type { ReplicateTask } from '../model/bootstrap-parameters.js';

export interface EStepArrays {
  means: Float64Array; chol: Float64Array; logConst: Float64Array; shift?: Float64Array;
  /** Data with missing entries: the weights and covariances (Shard.em). */
  weights?: Float64Array; cov?: Float64Array;
}

/** Each request's arguments and answer. */
export interface ShardCalls {
  prepare: [[K: number, type: number], void];
  em: [[p: EStepArrays], TreeNode[]];
  kppClosest: [[centre: Float64Array, first: boolean], Float64Array];
  kppTrials: [[trials: Float64Array], Float64Array];
  pickRows: [[picks: Pick[]], Float64Array];
  featureSums: [[], Float64Array];
  featureSquares: [[mean: Float64Array], Float64Array];
  featureScatter: [[mean: Float64Array], Float64Array];
  lloyd: [[centres: Float64Array], TreeNode[]];
  labelStats: [[centres: Float64Array], TreeNode[]];
  randomStats: [[shift: Float64Array, seedLo: number, seedHi: number], TreeNode[]];
  dataKeys: [[seedLo: number, seedHi: number], KeyCandidates];
}
export type CallName = keyof ShardCalls;
export type CallArgs<N extends CallName> = ShardCalls[N][0];
export type CallResult<N extends CallName> = ShardCalls[N][1];

/** Answers one request on a shard. Blocks of statistics go back in the wire form of
 *  src/fit/packing.ts (ShardCluster unpacks the root). */
export function answer<N extends CallName>(shard: Shard, name: N, args: CallArgs<N>): CallResult<N> {
  const a = args as unknown[];
  switch (name) {
    case 'prepare': return shard.prepare(a[0] as number, a[1] as number) as CallResult<N>;
    case 'em': {
      const p = a[0] as EStepArrays;
      return shard.em(shard.setParams(p), 0, true) as CallResult<N>;
    }
    case 'kppClosest': return shard.kppClosest(a[0] as Float64Array, a[1] as boolean) as CallResult<N>;
    case 'kppTrials': return shard.kppTrials(a[0] as Float64Array) as CallResult<N>;
    case 'pickRows': return shard.pickRows(a[0] as Pick[]) as CallResult<N>;
    case 'featureSums': return shard.featureSums() as CallResult<N>;
    case 'featureSquares': return shard.featureSquares(a[0] as Float64Array) as CallResult<N>;
    case 'featureScatter': return shard.featureScatter(a[0] as Float64Array) as CallResult<N>;
    case 'lloyd': return shard.lloyd(a[0] as Float64Array) as CallResult<N>;
    case 'labelStats': return shard.labelStats(a[0] as Float64Array, 0, true) as CallResult<N>;
    case 'randomStats': return shard.randomStats(a[0] as Float64Array, a[1] as number, a[2] as number, 0, true) as CallResult<N>;
    case 'dataKeys': return shard.dataKeys(a[0] as number, a[1] as number) as CallResult<N>;
    default: throw new Error(`unknown shard request ${String(name)}`);
  }
}

/** One initialisation's EM iterations run by the workers among themselves (relay-worker.ts):
 *  every worker gets the same arguments. `run` numbers the relays of a pool, so that nodes
 *  left over from a cancelled one are told apart. */
export interface RelayArgs {
  run: number;
  o: ResolvedOptions;
  chunkCount: number;
  init: number;
  /** The lower bound before the first iteration (-Infinity, or a warm start's). */
  lower: number;
  /** The parameters the iterations start from. */
  params: Params;
  /** Whether worker 0 reports every iteration (a 'progress' message) for onIteration. */
  progress: boolean;
  /** Shared memory for the exchange (board.ts), or null: messages between the peers. */
  board: BoardSpec | null;
}
/** A relay's answer: the outcome (every worker's is the same), the final parameters (worker
 *  0 only) and the worker's own time in its E-steps and M-steps (diagnostic, as a 'result'
 *  message's ms). */
export interface RelayResult extends EmOutcome { params: Params | null; emMs: number; emCalls: number; stepMs: number }

/** What a worker posts its peers each relay iteration: its tree nodes (packed statistics). */
export interface PeerNodes { run: number; iter: number; nodes: TreeNode[] }

/** Messages between the coordinator and a worker. */
export type ToWorker =
  /** kernels: the coordinator's test switches (core.ts), every one, so a worker runs what it runs. */
  | { type: 'init'; module: WebAssembly.Module; kernels: typeof kernels }
  /** The next piece of the worker's shard (whole chunks but the last; chunk0 starts a new
   *  shard): data holds rows × cols values, w rows weights (or null), and both come back
   *  with the answer for the next piece. last: the answer carries the shard's totals. raw:
   *  for data with missing entries, the same rows with their NaN (data: imputed). */
  | { type: 'load'; chunk0: number | null; rows: number; cols: number; data: Float64Array; w: Float64Array | null; last: boolean;
    raw: Float64Array | null }
  /** Ports to the other workers, by worker index (null at the worker's own). */
  | { type: 'peers'; index: number; ports: (MessagePort | null)[] }
  | { type: 'call'; id: number; name: CallName; args: unknown[] }
  | { type: 'relay'; id: number; args: RelayArgs }
  /** A block of independent work, with no shard (parallel/crew.ts): bootstrapLRTAsync's draws
   *  (model/bootstrap-lrt.ts lrtDraws) or bootstrapParametersAsync's replicates. */
  | { type: 'task'; id: number; args: TaskArgs }
  /** Ends relay `run` where it waits: another worker failed or the caller stopped it. */
  | { type: 'cancel'; run: number };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'loaded'; totals: Float64Array | null; data: Float64Array; w: Float64Array | null; raw: Float64Array | null }
  /** ms: the time the worker spent answering (performance.now() around answer()), for
   *  diagnostics only (WorkerPool.workerTime); it shapes no result. */
  | { type: 'result'; id: number; value: unknown; ms: number }
  /** A relay's iteration, from worker 0, for onIteration. */
  | { type: 'progress'; id: number; info: IterationInfo }
  /** id 0: the answer to a control message (init, load), which has no id of its own; id −1:
   *  the worker could not read a message (it fails, worker-core.ts UNREADABLE). */
  | { type: 'error'; id: number; message: string; code?: string };

/** What a task message asks of a worker, by its kind. */
export type TaskArgs = DrawTask | ReplicateTask;
