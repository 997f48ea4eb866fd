// Node (and default): init() reads gmm.wasm from beside this file.
import { initCore } from './core/core.js';
import type { InitSource } from './core/loader.js';
import { registerSpawner } from './parallel/spawn.js';
import { spawnNode, nodeCores } from './parallel/spawn-node.js';
export * from './index.js';

registerSpawner(spawnNode, nodeCores);

export function init(source?: InitSource | Promise<InitSource>): Promise<void> {
  return initCore(async () => {
    if (source !== undefined) {
      const s = await source;
      if (s instanceof URL && s.protocol === 'file:') return readBytes(s);
      if (typeof s === 'string' && !/^(https?|data|blob):/i.test(s)) {
        // a file: URL or a path
        return readBytes(s.startsWith('file:') ? new URL(s) : (await import('node:path')).resolve(s));
      }
      return s;
    }
    return readBytes(new URL('./gmm.wasm', import.meta.url));
  });
}

async function readBytes(url: URL | string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  return readFile(url);
}
