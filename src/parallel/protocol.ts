// The requests a coordinator sends a shard, and the function that answers them: the same
// code serves a shard in a worker (worker-core.ts) and one in the coordinator's thread
// (shard-cluster.ts), so both give the same bits.
import type { Shard } from '../fit/shard.js';
import type { TreeNode } from '../fit/tree.js';
import type { KeyCandidates, Pick } from '../fit/cluster.js';

export interface EStepArrays { means: Float64Array; chol: Float64Array; logConst: Float64Array }

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
      return shard.em(shard.setParams(p.means, p.chol, p.logConst), 0, true) as CallResult<N>;
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

/** Messages between the coordinator and a worker. */
export type ToWorker =
  | { type: 'init'; module: WebAssembly.Module; simd: boolean }
  | { type: 'load'; chunk0: number; rows: number; cols: number; data: Float64Array; w: Float64Array | null }
  | { type: 'call'; id: number; name: CallName; args: unknown[] };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'loaded'; totals: Float64Array }
  /** ms: the time the worker spent answering (performance.now() around answer()), for
   *  diagnostics only (WorkerPool.workerTime); it shapes no result. */
  | { type: 'result'; id: number; value: unknown; ms: number }
  | { type: 'error'; id: number; message: string; code?: string };
