// Cloudflare Workers (workerd): the .wasm is imported as a module, i.e. a precompiled
// WebAssembly.Module. Workers forbid compiling from bytes, so nothing here does.
import wasmModule from './gmm.wasm';
import { initCore } from './core/core.js';
import type { InitSource } from './core/loader.js';
export * from './index.js';

export function init(source?: InitSource | Promise<InitSource>): Promise<void> {
  return initCore(() => source ?? wasmModule);
}
