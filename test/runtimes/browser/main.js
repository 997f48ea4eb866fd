// The Chromium side of the runtime comparison. Bundled by esbuild with the package's
// `browser` condition; gmm.wasm is served beside the bundle. Every page load is a fresh
// module context, so the test loads the page once per init() variant.
import * as lib from 'gmm-wasm';
import { probeBeforeInit, runJob, runAsyncJob } from '../job.js';

const beforeInit = probeBeforeInit(lib);

// beside the page (and the esbuild bundle); the package finds it by itself in the 'default' variant
const wasmUrl = new URL('./gmm.wasm', location.href);
const sources = {
  'default': () => undefined,
  'url': () => wasmUrl,
  'url-string': () => wasmUrl.href,
  'fetch-promise': () => fetch(wasmUrl),
  'response': () => fetch(wasmUrl),
  'arraybuffer': async () => (await fetch(wasmUrl)).arrayBuffer(),
  'uint8array': async () => new Uint8Array(await (await fetch(wasmUrl)).arrayBuffer()),
  'module': () => WebAssembly.compileStreaming(fetch(wasmUrl)),
};

window.runVariant = async (variant, input) => {
  try {
    // 'fetch-promise' hands init() a Promise<Response>; the others the value itself
    const src = variant === 'fetch-promise' ? sources[variant]() : await sources[variant]();
    await lib.init(src);
    await lib.init(); // memoised
    const result = runJob(lib, input);
    // module Web Workers (worker-browser.js beside the bundle), two of them
    const asyncResult = input.asyncCases ? await runAsyncJob(lib, input, { workers: 2 }) : null;
    document.getElementById('status').textContent = 'done';
    return { runtime: 'chromium', variant, beforeInit, result, asyncResult };
  } catch (e) {
    return { runtime: 'chromium', variant, beforeInit, error: String(e?.stack ?? e), code: e?.code ?? null };
  }
};
// a worker script that is not there (a bundle without the worker beside it): WORKER_FAILED
// naming the script
window.missingWorker = async (viaFactory) => {
  await lib.init();
  const url = new URL('./no-such-worker.js', location.href);
  try {
    await new lib.GaussianMixture({ nComponents: 1 }).fitAsync([[1], [2], [3]], viaFactory
      ? { workers: 1, createWorker: () => new Worker(url, { type: 'module' }) }
      : { workers: 1, workerUrl: url });
    return { code: null };
  } catch (e) {
    return { code: e?.code ?? null, message: String(e?.message ?? e) };
  }
};
document.getElementById('status').textContent = 'ready';
