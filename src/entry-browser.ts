// Browsers and bundlers: `new URL('./gmm.wasm', import.meta.url)` is the pattern Vite,
// webpack and esbuild recognise, so the file is bundled without configuration.
import { initCore } from './core/core.js';
import type { InitSource } from './core/loader.js';
import { registerSpawner } from './parallel/spawn.js';
import { spawnBrowser, browserCores } from './parallel/spawn-browser.js';
export * from './index.js';

if (typeof Worker !== 'undefined') registerSpawner(spawnBrowser, browserCores);

export function init(source?: InitSource | Promise<InitSource>): Promise<void> {
  return initCore(() => source ?? new URL('./gmm.wasm', import.meta.url));
}
