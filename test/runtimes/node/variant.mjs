// One way of calling init() in Node, in a fresh process: `node variant.mjs <variant> [url]`.
// Prints { variant, beforeInit, sync, result } (or { error, code }) as JSON.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as lib from 'gmm-wasm';
import { probeBeforeInit, toBits } from '../job.js';
import { marked, watchWasm, usedResponse, instantiatedMarked } from '../mark.js';

const [variant, httpUrl] = process.argv.slice(2);
// every source below holds gmm.wasm with a custom section added (the http server serves
// such a copy too), so `marked` tells whether init() compiled what it was given: the
// default, from the package's own file, has none
const bytes = () => marked(readFileSync(new URL(import.meta.resolve('gmm-wasm/gmm.wasm'))));
const wasmUrl = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'gmm-variant-')), 'gmm.wasm'));
writeFileSync(wasmUrl, bytes());
let response = null, fetched = null, given = null;
const seen = watchWasm();

const sources = {
  'default': () => undefined,
  'module': () => (given = new WebAssembly.Module(bytes())),
  'buffer': () => bytes(),
  'uint8array': () => new Uint8Array(bytes()),
  'arraybuffer': () => { const b = bytes(); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); },
  'dataview': () => { const b = new Uint8Array(bytes()); return new DataView(b.buffer); },
  'response': () => (response = new Response(bytes(), { headers: { 'content-type': 'application/wasm' } })),
  'response-untyped': () => (response = new Response(bytes())),
  'promise-of-bytes': () => Promise.resolve(bytes()),
  'file-url': () => wasmUrl,
  'path-string': () => decodeURIComponent(wasmUrl.pathname),
  'http-url': () => new URL(httpUrl),
  'fetch-promise': () => (fetched = fetch(httpUrl)),
};

const beforeInit = probeBeforeInit(lib);
try {
  if (variant === 'retry-after-failure') {
    // a failed init() rejects with INIT_FAILED and can be retried with a good source
    let first = null;
    try {
      await lib.init(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]));
    } catch (e) {
      first = e.code;
    }
    if (first !== 'INIT_FAILED') throw new Error(`bad bytes gave ${first}, expected INIT_FAILED`);
    await lib.init();
  } else {
    if (!(variant in sources)) throw new Error(`unknown variant ${variant}`);
    const p = lib.init(sources[variant]());
    if (!(p instanceof Promise)) throw new Error('init() must return a Promise');
    await p;
  }
  const again = lib.init(new Uint8Array(1)); // memoised: ignores this (invalid) source
  await again;
  const gm = new lib.GaussianMixture({ nComponents: 2, seed: 3 });
  const fitted = gm.fit([[0, 0], [0.2, 0.1], [0.1, 0.3], [5, 5], [5.2, 5.1], [4.9, 5.3]]);
  const s = gm.sample(4, { seed: 9 });
  const sync = fitted === gm && typeof gm.predict([[1, 1]])?.then !== 'function';
  // what init() used: the Module given instantiated, a Response's body read and compiled, or
  // bytes of the marked length compiled (customSections() of the compiled module now and then missed the
  // mark here, so lengths and identities decide; marked is reported for the default)
  const mark = instantiatedMarked(seen);
  const res = fetched ? await fetched : response;
  const used = given ? seen.instances.has(given) : res ? usedResponse(res, seen, bytes().length)
    : mark && (seen.lengths.has(bytes().length) || seen.instances.has(seen.streamed)); // a URL: fetched, then either
  process.stdout.write(JSON.stringify({ variant, beforeInit, sync, marked: mark, used, result: toBits({ model: gm.toJSON(), sample: s.X.data }) }));
} catch (e) {
  process.stdout.write(JSON.stringify({ variant, beforeInit, error: String(e?.stack ?? e), code: e?.code ?? null }));
}
