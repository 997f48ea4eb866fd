// The caller's side of a relay: a pool's shards as ShardCluster drives them for the
// initialisation, whose EM iterations the workers then run among themselves
// (relay-worker.ts). The caller is woken once an iteration only when onIteration wants
// worker 0's report, and once at the end for the parameters, which every worker holds.
import type { Coordinator } from '../fit/coordinator.js';
import type { EmOutcome, FitHooks, IterationInfo } from '../fit/driver.js';
import type { GmmError } from '../core/errors.js';
import { kernels } from '../core/core.js';
import { nodeCount } from '../fit/tree.js';
import { matrixCount, packedLength } from '../fit/packing.js';
import type { RelayResult } from './protocol.js';
import { ShardCluster } from './shard-cluster.js';
import type { WorkerShard } from './workers.js';
import { availableCores } from './spawn.js';
import { canShareMemory, cancelBoard, createBoard, type BoardSpec } from './board.js';

/** How long a worker with a core of its own polls the board's barrier before it sleeps:
 *  longer than a wake-up from sleep takes on a VM (0.1–0.3 ms), short beside an iteration. */
const SPIN_MS = 0.5;

/** Numbers relays across pools, so a worker can drop nodes left over from a cancelled one. */
let runs = 0;

export class RelayCluster extends ShardCluster {
  constructor(private readonly workers: readonly WorkerShard[], missing = false) {
    super(workers, missing);
  }

  async relayEm(co: Coordinator, init: number, lower: number, hooks: FitHooks): Promise<EmOutcome> {
    const run = ++runs;
    const user = hooks.onIteration;
    // an error of the caller's onIteration stops the workers and is the fit's error
    let thrown: { e: unknown } | null = null;
    const board = this.boardFor(co);
    const cancel = (): void => {
      if (board) cancelBoard(board);
      for (const w of this.workers) w.cancel(run);
    };
    const progress = user && ((info: IterationInfo): void => {
      if (thrown) return;
      try {
        user(info);
      } catch (e) {
        thrown = { e };
        cancel();
      }
    });
    const args = { run, o: co.o, chunkCount: this.chunkCount, init, lower, params: co.read(), progress: user !== undefined, board };
    // a worker that fails on its own (not in the shared loop, where all fail alike) leaves the
    // others waiting for its nodes: cancel them, and report the first failure, not theirs
    let failed: { e: unknown } | null = null;
    const answers = await Promise.allSettled(this.workers.map((w, i) => w.relay(args, i === 0 ? progress : undefined)
      .catch((e: GmmError) => {
        if (!failed) {
          failed = { e };
          cancel();
        }
        throw e;
      })));
    if (thrown) throw (thrown as { e: unknown }).e;
    if (failed) throw (failed as { e: unknown }).e;
    const r = (answers[0] as PromiseFulfilledResult<RelayResult>).value;
    co.write(r.params!);
    return { lower: r.lower, nIter: r.nIter, converged: r.converged, bounds: r.bounds };
  }

  /** Shared memory for this relay's exchange where the runtime has it and there are peers
   *  (kernels.sharedBoard: tests take the messages instead); sized for this fit's nodes. */
  private boardFor(co: Coordinator): BoardSpec | null {
    const W = this.workers.length;
    if (W < 2 || !kernels.sharedBoard || !canShareMemory()) return null;
    const most = Math.max(...this.workers.map((w) => nodeCount(w.firstChunk, w.endChunk)));
    // a worker that has a core to itself (the caller's thread idles during a relay) polls
    // rather than sleeping through its peers' last moments
    return createBoard(W, most, packedLength(co.S, matrixCount(co.type, co.K), co.d), co.o.maxIter,
      W <= availableCores() ? SPIN_MS : 0);
  }
}
