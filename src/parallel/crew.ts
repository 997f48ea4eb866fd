// Workers for independent tasks (the bootstrap's draws and replicates): each worker starts
// with the compiled module and no shard, and is sent one task per call, a contiguous block of
// the work. Tasks draw every random number from seeds of their own, so the results are the
// same bits however the work is split; in this thread (workers 0, or no workers in the
// runtime) the work runs one item at a time, yielding to the event loop between items.
import { GmmError } from '../core/errors.js';
import { coreModule } from '../core/core.js';
import { abortedError } from './fit-async.js';
import { nextTurn } from './next-turn.js';
import { currentSpawner, type SpawnOptions } from './spawn.js';
import { WorkerShard, initShard, spawnShard } from './workers.js';
import type { TaskArgs } from './protocol.js';

/** Started workers that run tasks; `close` ends them. */
export interface Crew {
  /** Runs args[i] on worker i (as many args as workers), resolving with their results in order. */
  run: (args: TaskArgs[]) => Promise<unknown[]>;
  readonly size: number;
  close: () => void;
}

/** The block of items 0 … count − 1 that worker i of W takes: ⌊i·count/W⌋ to ⌊(i+1)·count/W⌋. */
export function block(i: number, W: number, count: number): { from: number; to: number } {
  return { from: Math.floor((i * count) / W), to: Math.floor(((i + 1) * count) / W) };
}

/** W workers started, or null where this runtime has none (or W is 0). `what` names the
 *  call in an ABORTED error. A failed worker, or the signal, fails every pending task. */
export async function startCrew(W: number, o: SpawnOptions, signal: AbortSignal | undefined, what: string): Promise<Crew | null> {
  const spawn = currentSpawner();
  if (W < 1 || !spawn) return null;
  const module = coreModule();
  const shards: WorkerShard[] = [];
  let broken: GmmError | null = null;
  const onFail = (e: GmmError): void => {
    if (broken) return;
    broken = e;
    for (const s of shards) s.fail(e);
  };
  const abort = (): void => onFail(abortedError(signal, what, 'nothing is returned'));
  const close = (): void => {
    signal?.removeEventListener('abort', abort);
    for (const s of shards) s.port.terminate();
  };
  signal?.addEventListener('abort', abort);
  try {
    for (let i = 0; i < W; i++) shards.push(spawnShard(spawn, o, i, i + 1, onFail));
    await Promise.all(shards.map((s) => initShard(s, module)));
  } catch (e) {
    close();
    throw broken ?? e;
  }
  return {
    size: W,
    run: async (args) => {
      if (broken) throw broken;
      return Promise.all(shards.map((s, i) => s.task(args[i])));
    },
    close,
  };
}

/** item(0 … count − 1) in this thread, a turn of the event loop before each; the signal stops it. */
export async function inThread<T>(count: number, item: (i: number) => T, signal: AbortSignal | undefined, what: string): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i++) {
    await nextTurn();
    if (signal?.aborted) throw abortedError(signal, what, 'nothing is returned');
    out.push(item(i));
  }
  return out;
}
