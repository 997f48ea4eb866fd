// The one file that instantiates the WebAssembly module (through @assemblyscript/loader).
import { instantiate } from '@assemblyscript/loader';
import type { CoreExports } from './core.js';

/** What init() accepts: a compiled module (required on Cloudflare Workers), the bytes
 *  of gmm.wasm, a fetch Response, or a URL to fetch. */
export type InitSource = WebAssembly.Module | BufferSource | Response | URL | string;

export async function loadCore(source: InitSource): Promise<CoreExports> {
  let src: unknown = await source;
  if (typeof src === 'string' || src instanceof URL) src = await fetch(src);
  if (typeof Response !== 'undefined' && src instanceof Response) {
    if (!src.ok) throw new Error(`HTTP ${src.status} fetching ${src.url}`);
    // instantiateStreaming needs the application/wasm type; servers often omit it
    if (!(src.headers.get('content-type') ?? '').startsWith('application/wasm')) src = await src.arrayBuffer();
  }
  // V8's WebAssembly.compile rejects a DataView although it is a BufferSource
  if (ArrayBuffer.isView(src) && !(src instanceof Uint8Array)) src = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  const { exports } = await instantiate(src as WebAssembly.Module, {});
  return exports as unknown as CoreExports;
}
