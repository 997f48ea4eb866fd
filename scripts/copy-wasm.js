// Puts the release module beside the compiled entries (dist/gmm.wasm), where every
// entry looks for it, and the debug module beside it for tests that hunt bugs.
// Also makes the command line executable: tsc writes it without the bit, and npx runs
// the bin of a checkout as a file.
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
mkdirSync('dist', { recursive: true });
copyFileSync('build/gmm.wasm', 'dist/gmm.wasm');
copyFileSync('build/gmm.debug.wasm', 'dist/gmm.debug.wasm');
chmodSync('dist/cli/cli.js', 0o755);
