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
  // named in the message, as a script that does not load is the usual cause (a bundle
  // without the worker beside it); the default's URL is the bundler's to rewrite, so it is
  // described, not computed
  const script = o.createWorker ? 'the worker createWorker made' : o.workerUrl ? String(o.workerUrl)
    : 'the package\'s worker-browser.js, where your bundler put it (esbuild: bundle gmm-wasm/worker beside your bundle)';
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
