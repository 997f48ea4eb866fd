// The one file that instantiates the WebAssembly module (through @assemblyscript/loader).
import { instantiate } from '@assemblyscript/loader';
import type { CoreExports } from './core.js';
import { GmmError } from './errors.js';

/** What init() accepts: a compiled module (required on Cloudflare Workers), the bytes
 *  of gmm.wasm, a fetch Response, or a URL to fetch. */
export type InitSource = WebAssembly.Module | BufferSource | Response | URL | string;

/** Compiles (unless given a module) and instantiates the core; the compiled module is kept
 *  so that workers and private instances (fitAsync) need no second compilation. */
export async function loadCore(source: InitSource): Promise<{ exports: CoreExports; module: WebAssembly.Module }> {
  let src: unknown = await source;
  if (typeof src === 'string' || src instanceof URL) src = await fetch(src);
  if (typeof Response !== 'undefined' && src instanceof Response) {
    if (!src.ok) throw new Error(`HTTP ${src.status} fetching ${src.url}`);
    // compileStreaming needs the application/wasm type; servers often omit it
    src = (src.headers.get('content-type') ?? '').startsWith('application/wasm')
      ? await WebAssembly.compileStreaming(src) : await src.arrayBuffer();
  }
  // what is plainly no module (a number, nothing, a plain object); anything else (buffers of
  // another realm too: an iframe's, a test environment's) goes to WebAssembly.compile
  if (src === null || typeof src !== 'object' || Object.getPrototypeOf(src) === Object.prototype) {
    throw new GmmError('INVALID_TYPE', `init() was given ${src === undefined ? 'no source' : src === null ? 'null' : typeof src === 'object' ? 'a plain object' : `${typeof src} ${String(src)}`}: pass a WebAssembly.Module, the bytes ` +
      'of gmm.wasm (ArrayBuffer, Uint8Array), a Response, or a URL or path to it; the package\'s own entry (import from \'gmm-wasm\') ' +
      'finds gmm.wasm by itself.');
  }
  // V8's WebAssembly.compile rejects a DataView although it is a BufferSource
  if (ArrayBuffer.isView(src) && !(src instanceof Uint8Array)) src = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  const module = src instanceof WebAssembly.Module ? src : await WebAssembly.compile(src as BufferSource);
  return { exports: await instantiateCore(module), module };
}

/** A fresh instance of the compiled core, with memory of its own. */
export async function instantiateCore(module: WebAssembly.Module): Promise<CoreExports> {
  const { exports } = await instantiate(module, {});
  return exports as unknown as CoreExports;
}
