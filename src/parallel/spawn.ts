// How this runtime starts a worker, registered by the entry file (entry-node.ts,
// entry-browser.ts); none on Cloudflare Workers, where fitAsync runs in-process.

/** A started worker as the pool uses it. */
export interface WorkerPort {
  /** Posts a message, moving the buffers and ports in `transfer` (the peers' ports of a relay). */
  post(message: unknown, transfer?: (ArrayBuffer | MessagePort)[]): void;
  /** Messages from the worker. */
  onMessage(f: (message: unknown) => void): void;
  /** The worker died or could not start (with why). */
  onFailure(f: (why: string) => void): void;
  terminate(): void;
  /** Whether an idle worker may keep the process alive (Node); no-op elsewhere. */
  hold(busy: boolean): void;
}

export interface SpawnOptions {
  /** URL of the worker script (browsers: your bundler's output of gmm-wasm's worker-browser.js). */
  workerUrl?: string | URL;
  /** Makes a worker yourself (a Node Worker or a Web Worker running gmm-wasm's worker entry). */
  createWorker?: () => unknown;
}

export type Spawner = (o: SpawnOptions) => WorkerPort;

let spawner: Spawner | null = null;
let cores = 1;

export function registerSpawner(s: Spawner, availableCores: number): void {
  spawner = s;
  cores = Math.max(1, availableCores);
}

/** The runtime's way to start workers, or null where there are no threads. */
export function currentSpawner(): Spawner | null {
  return spawner;
}

/** Cores the runtime reports (the default number of workers). */
export function availableCores(): number {
  return cores;
}

/** The failure side of a WorkerPort: fail() reports once (later calls, or any after
 *  end(), are ignored) to every onFailure listener. */
export function failureHub(): { fail: (why: string) => void; end: () => void; listen: (f: (why: string) => void) => void } {
  let ended = false;
  const listeners: ((why: string) => void)[] = [];
  return {
    fail: (why) => {
      if (ended) return;
      ended = true;
      for (const f of listeners) f(why);
    },
    end: () => { ended = true; },
    listen: (f) => { listeners.push(f); },
  };
}
