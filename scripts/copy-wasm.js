// Puts the release module beside the compiled entries (dist/gmm.wasm), where every
// entry looks for it, and the debug module beside it for tests that hunt bugs.
import { copyFileSync, mkdirSync } from 'node:fs';
mkdirSync('dist', { recursive: true });
copyFileSync('build/gmm.wasm', 'dist/gmm.wasm');
copyFileSync('build/gmm.debug.wasm', 'dist/gmm.debug.wasm');
