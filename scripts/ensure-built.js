#!/usr/bin/env node
// Builds the package (npm run build) when dist/ lacks it: `npm run demo` and `npm test` in a
// fresh checkout work after `npm ci` without an install-time build script, which the
// package does not have (npm warns about those even where it would not run them).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = ['dist/gmm.wasm', 'dist/entry-node.js', 'dist/cli/cli.js', 'dist/demo/demo.js'].every((f) => existsSync(root + f));
if (!built) {
  process.stderr.write('dist/ is not built yet: npm run build\n');
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
