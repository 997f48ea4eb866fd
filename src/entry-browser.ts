// Browsers and bundlers: `new URL('./gmm.wasm', import.meta.url)` is the pattern Vite,
// webpack and esbuild recognise, so the file is bundled without configuration.
import { initCore } from './core.js';
import type { InitSource } from './loader.js';
export * from './index.js';

export function init(source?: InitSource | Promise<InitSource>): Promise<void> {
  return initCore(() => source ?? new URL('./gmm.wasm', import.meta.url));
}
