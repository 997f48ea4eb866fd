// The request handler shared by the two test Workers. It records every call into the
// WebAssembly JS API so the test can check that nothing on the workerd path compiles or
// instantiates from bytes (Workers forbid it; only a precompiled Module may be used).
import { probeBeforeInit, runJob, runAsyncJob } from '../job.js';

const wasmCalls = [];
const instantiated = [];
for (const name of ['compile', 'instantiate', 'compileStreaming', 'instantiateStreaming']) {
  const original = WebAssembly[name];
  if (typeof original !== 'function') continue;
  WebAssembly[name] = function (source, ...rest) {
    const kind = source instanceof WebAssembly.Module ? 'Module' : Object.prototype.toString.call(source).slice(8, -1);
    wasmCalls.push(`${name}(${kind})`);
    if (source instanceof WebAssembly.Module) instantiated.push(source);
    return original.call(this, source, ...rest);
  };
}

/** A Worker's default export: POST a job (JSON), get its result (JSON). modules (optional):
 *  { packaged, given }, the package's Module and the one passed to init(); the response then
 *  says which one init() instantiated first. */
export function makeWorker(lib, doInit, variant, modules = null) {
  // Runs when the Worker starts, before init(): every method must refuse politely.
  const beforeInit = probeBeforeInit(lib);
  return {
    async fetch(request) {
      if (request.method !== 'POST') return new Response('POST a job as JSON\n', { status: 405 });
      try {
        await doInit();
        await doInit(); // memoised: a second call is a no-op
        const input = await request.json();
        const result = runJob(lib, input);
        // no threads on Workers: fitAsync runs in-process by default, yielding between iterations
        const asyncResult = input.asyncCases ? await runAsyncJob(lib, input, {}) : null;
        const first = instantiated[0];
        const initUsed = modules ? (first === modules.given ? 'given' : first === modules.packaged ? 'packaged' : 'other') : null;
        return Response.json({ runtime: 'workerd', variant, beforeInit, wasmCalls, initUsed, result, asyncResult });
      } catch (e) {
        return Response.json({ error: String(e?.stack ?? e), code: e?.code ?? null }, { status: 500 });
      }
    },
  };
}
