// The Chromium side of the runtime comparison. Bundled by esbuild with the package's
// `browser` condition; gmm.wasm is served beside the bundle. Every page load is a fresh
// module context, so the test loads the page once per init() variant.
import * as lib from 'gmm-wasm';
import { probeBeforeInit, runJob, runAsyncJob } from '../job.js';
import { MARK, watchWasm, usedResponse } from '../mark.js';

const beforeInit = probeBeforeInit(lib);

// The variants read source-<variant>.wasm beside the page, a copy of gmm.wasm with a custom
// section added (test/runtimes/mark.js), which the test counts requests for; the package
// finds its own gmm.wasm by itself in the 'default' variant. What init() instantiated
// tells whether it used the source it was given.
const seen = watchWasm();
const sources = {
  'default': () => undefined,
  'url': (u) => u,
  'url-string': (u) => u.href,
  'fetch-promise': (u) => fetch(u),
  'response': (u) => fetch(u),
  'arraybuffer': async (u) => (await fetch(u)).arrayBuffer(),
  'uint8array': async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer()),
  'module': (u) => WebAssembly.compileStreaming(fetch(u)),
};

window.runVariant = async (variant, input) => {
  try {
    const u = new URL(`./source-${variant}.wasm`, location.href);
    // 'fetch-promise' hands init() a Promise<Response>; the others the value itself
    const given = sources[variant](u);
    const src = variant === 'fetch-promise' ? given : await given;
    await lib.init(src);
    await lib.init(); // memoised
    // a Response: its body read and what it held compiled; a Module: that one instantiated;
    // bytes: bytes of the marked length compiled (the marked module's customSections() are reported too)
    const value = await given;
    const sourceLength = value instanceof Response ? (await (await fetch(u)).arrayBuffer()).byteLength : 0;
    const used = value instanceof Response ? usedResponse(value, seen, sourceLength) : value instanceof WebAssembly.Module ? seen.instantiated === value
      : value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? seen.compiledLength === value.byteLength : null;
    const marked = seen.instantiated !== null && WebAssembly.Module.customSections(seen.instantiated, MARK).length === 1;
    const result = runJob(lib, input);
    // module Web Workers (worker-browser.js beside the bundle), two of them
    const asyncResult = input.asyncCases ? await runAsyncJob(lib, input, { workers: 2 }) : null;
    document.getElementById('status').textContent = 'done';
    // isolated: the workers exchange statistics in shared memory (src/parallel/board.ts)
    return { runtime: 'chromium', variant, beforeInit, used, marked, result, asyncResult, isolated: self.crossOriginIsolated === true };
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
