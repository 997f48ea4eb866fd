// Browsers: module Web Workers running worker-browser.js. The `new URL(…, import.meta.url)`
// inside `new Worker(…)` is the pattern bundlers (Vite, webpack, esbuild with a plugin)
// recognise to emit the worker; pass workerUrl or createWorker where yours does not.
import { failureHub, type SpawnOptions, type WorkerPort } from './spawn.js';

export const browserCores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;

export function spawnBrowser(o: SpawnOptions): WorkerPort {
  const w = (o.createWorker ? o.createWorker()
    : o.workerUrl ? new Worker(o.workerUrl, { type: 'module' })
      : new Worker(new URL('./worker-browser.js', import.meta.url), { type: 'module' })) as Worker;
  const { fail, end, listen } = failureHub();
  // named in the message, as a 404 for the script is the usual cause (a bundle without the
  // worker beside it); import.meta.url is read through a variable here so that bundlers do
  // not take this for a second reference to emit
  const base = import.meta.url;
  const script = o.createWorker ? 'the worker createWorker made' : o.workerUrl ? String(o.workerUrl)
    : `./worker-browser.js beside ${base}`;
  w.addEventListener('error', (e) => {
    e.preventDefault?.();
    fail(`the worker failed: ${(e as ErrorEvent).message || `it could not be loaded or threw (script: ${script})`}`);
  });
  w.addEventListener('messageerror', () => fail('a message from the worker could not be read'));
  return {
    post: (m, t) => w.postMessage(m, t ?? []),
    onMessage: (f) => w.addEventListener('message', (e) => f(e.data)),
    onFailure: listen,
    terminate: () => {
      end();
      w.terminate();
    },
    hold: () => {},
  };
}
