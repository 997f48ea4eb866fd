// The caller's side of a relay: a pool's shards as ShardCluster drives them for the
// initialisation, whose EM iterations the workers then run among themselves
// (relay-worker.ts). The caller is woken once an iteration only when onIteration wants
// worker 0's report, and once at the end for the parameters, which every worker holds.
import type { Coordinator } from '../fit/coordinator.js';
import type { EmOutcome, FitHooks, IterationInfo } from '../fit/driver.js';
import type { GmmError } from '../core/errors.js';
import type { RelayResult } from './protocol.js';
import { ShardCluster } from './shard-cluster.js';
import type { WorkerShard } from './workers.js';

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
    const progress = user && ((info: IterationInfo): void => {
      if (thrown) return;
      try {
        user(info);
      } catch (e) {
        thrown = { e };
        for (const w of this.workers) w.cancel(run);
      }
    });
    const args = { run, o: co.o, chunkCount: this.chunkCount, init, lower, params: co.read(), progress: user !== undefined };
    // a worker that fails on its own (not in the shared loop, where all fail alike) leaves the
    // others waiting for its nodes: cancel them, and report the first failure, not theirs
    let failed: { e: unknown } | null = null;
    const answers = await Promise.allSettled(this.workers.map((w, i) => w.relay(args, i === 0 ? progress : undefined)
      .catch((e: GmmError) => {
        if (!failed) {
          failed = { e };
          for (const o of this.workers) o.cancel(run);
        }
        throw e;
      })));
    if (thrown) throw (thrown as { e: unknown }).e;
    if (failed) throw (failed as { e: unknown }).e;
    const r = (answers[0] as PromiseFulfilledResult<RelayResult>).value;
    co.write(r.params!);
    return { lower: r.lower, nIter: r.nIter, converged: r.converged };
  }
}
