// Node: workers are worker_threads running worker-node.js from this package.
import { Worker } from 'node:worker_threads';
import { availableParallelism, cpus } from 'node:os';
import { failureHub, type SpawnOptions, type WorkerPort } from './spawn.js';

export const nodeCores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;

/** The caller's Node flags less --input-type, which a worker would inherit: it applies to a
 *  script given as a string (-e, stdin), and a worker started from a file with it fails to
 *  load. Undefined (inherit as is) where there is none. */
function workerFlags(argv: readonly string[]): string[] | undefined {
  const kept = argv.filter((a, i) => !a.startsWith('--input-type=') && a !== '--input-type' && argv[i - 1] !== '--input-type');
  return kept.length === argv.length ? undefined : kept;
}

export function spawnNode(o: SpawnOptions): WorkerPort {
  // a file: URL given as a string is a URL, as init() takes it (Node's Worker reads strings as paths)
  const url = typeof o.workerUrl === 'string' && o.workerUrl.startsWith('file:') ? new URL(o.workerUrl) : o.workerUrl;
  const w = (o.createWorker ? o.createWorker()
    : new Worker(url ?? new URL('./worker-node.js', import.meta.url), { execArgv: workerFlags(process.execArgv) })) as Worker;
  const { fail, end, listen } = failureHub();
  w.on('error', (e: Error) => fail(`the worker threw: ${e?.message ?? e}`));
  w.on('exit', (code) => fail(`the worker exited with code ${code}`));
  w.on('messageerror', () => fail('a message from the worker could not be read'));
  return {
    // worker_threads' MessagePort is the global one Node's MessageChannel makes
    post: (m, t) => w.postMessage(m, t as import('node:worker_threads').Transferable[] | undefined),
    onMessage: (f) => w.on('message', f),
    onFailure: listen,
    terminate: () => {
      end();
      void w.terminate();
    },
    hold: (busy) => (busy ? w.ref() : w.unref()),
  };
}
