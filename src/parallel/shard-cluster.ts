// A cluster of shards that answer asynchronously: shards in workers (workers.ts) or in the
// coordinator's thread taking turns with the event loop (fitAsync without threads). Each
// holds consecutive whole chunks; answers are put together in chunk order, and tree nodes
// are combined in the fixed tree (src/fit/tree.ts), so the driver sees the same values as
// with one local shard.
import type { Cluster, KeyCandidates, Pick } from '../fit/cluster.js';
import type { Coordinator } from '../fit/coordinator.js';
import { combineNodes, type TreeNode } from '../fit/tree.js';
import { unpackStats } from '../fit/packing.js';
import type { CallArgs, CallName, CallResult } from './protocol.js';

/** One shard as the cluster sees it: its chunk range and a way to ask it things. */
export interface ShardHandle {
  readonly firstChunk: number;
  readonly endChunk: number;
  /** Per chunk: Σ w and rows of positive weight. */
  readonly totals: Float64Array;
  call<N extends CallName>(name: N, ...args: CallArgs<N>): Promise<CallResult<N>>;
}

/** The root of nodes covering chunks [0, chunkCount), written into the coordinator's buffer
 *  `into`. Nodes that came in messages are this thread's own (consume): the sums are made
 *  in place, on the wire form (statistics: packing.ts), which the root leaves. The
 *  coordinator and every worker of a relay (relay-worker.ts) make the root this one way. */
export function rootInto(co: Coordinator, into: 'stats' | 'sums', nodes: TreeNode[], chunkCount: number, consume = true): void {
  const root = combineNodes(nodes, 0, chunkCount, consume);
  if (into === 'sums') co.view(into, root.length).set(root);
  else unpackStats(root, co.view(into, co.S), co.type, co.K, co.d);
}

export class ShardCluster implements Cluster {
  readonly chunkCount: number;
  readonly totals: Float64Array;

  /** missing: the shards' data have missing entries, so the E-step needs the weights and
   *  covariances too. */
  constructor(readonly shards: readonly ShardHandle[], private readonly missing = false) {
    this.chunkCount = shards[shards.length - 1].endChunk;
    this.totals = new Float64Array(2 * this.chunkCount);
    for (const s of shards) this.totals.set(s.totals, 2 * s.firstChunk);
  }

  private all<N extends CallName>(name: N, ...args: CallArgs<N>): Promise<CallResult<N>[]> {
    return Promise.all(this.shards.map((s) => s.call(name, ...args)));
  }

  private async concat<N extends 'kppClosest' | 'kppTrials' | 'featureSums' | 'featureSquares' | 'featureScatter'>(name: N, ...args: CallArgs<N>): Promise<Float64Array> {
    const parts = (await this.all(name, ...args)) as Float64Array[];
    const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** The root of the shards' nodes, written into the coordinator's buffer `into`. */
  private async root<N extends 'em' | 'lloyd' | 'labelStats' | 'randomStats'>(co: Coordinator, into: 'stats' | 'sums',
    answers: Promise<CallResult<N>[]>): Promise<null> {
    rootInto(co, into, ((await answers) as TreeNode[][]).flat(), this.chunkCount);
    return null;
  }

  async prepare(K: number, type: number): Promise<void> {
    await this.all('prepare', K, type);
  }
  em(co: Coordinator, shifted: boolean): Promise<null> { return this.root(co, 'stats', this.all('em', co.eStepParams(shifted, this.missing))); }
  kppClosest(centre: Float64Array, first: boolean): Promise<Float64Array> { return this.concat('kppClosest', centre, first); }
  kppTrials(trials: Float64Array): Promise<Float64Array> { return this.concat('kppTrials', trials); }
  featureSums(): Promise<Float64Array> { return this.concat('featureSums'); }
  featureSquares(mean: Float64Array): Promise<Float64Array> { return this.concat('featureSquares', mean); }
  featureScatter(mean: Float64Array): Promise<Float64Array> { return this.concat('featureScatter', mean); }
  lloyd(co: Coordinator, centres: Float64Array): Promise<null> { return this.root(co, 'sums', this.all('lloyd', centres)); }
  labelStats(co: Coordinator, centres: Float64Array): Promise<null> { return this.root(co, 'stats', this.all('labelStats', centres)); }
  randomStats(co: Coordinator, shift: Float64Array, lo: number, hi: number): Promise<null> {
    return this.root(co, 'stats', this.all('randomStats', shift, lo, hi));
  }

  async pickRows(picks: Pick[]): Promise<Float64Array> {
    // each pick goes to the shard that holds its chunk
    const parts = await Promise.all(picks.map((p) => {
      const s = this.shards.find((h) => p.chunk >= h.firstChunk && p.chunk < h.endChunk)!;
      return s.call('pickRows', [p]);
    }));
    const d = parts[0].length;
    const out = new Float64Array(picks.length * d);
    parts.forEach((p, i) => out.set(p, i * d));
    return out;
  }

  async dataKeys(lo: number, hi: number): Promise<KeyCandidates> {
    const parts = await this.all('dataKeys', lo, hi);
    const x = new Float64Array(parts.reduce((s, p) => s + p.x.length, 0));
    let at = 0;
    for (const p of parts) {
      x.set(p.x, at);
      at += p.x.length;
    }
    return { keys: parts.flatMap((p) => p.keys), chunks: parts.flatMap((p) => p.chunks), rows: parts.flatMap((p) => p.rows), x };
  }
}
