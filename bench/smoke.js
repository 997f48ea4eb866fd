#!/usr/bin/env node
// Smoke check of the benchmark (not part of npm test): `node bench/run.js --quick --strict`
// must finish, without error and with gmm-wasm agreeing with scikit-learn, in under a minute.
//   node bench/smoke.js [extra options for run.js]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const LIMIT_MS = 60000;
const here = dirname(fileURLToPath(import.meta.url));
const t0 = performance.now();
const child = spawn(process.execPath, [join(here, 'run.js'), '--quick', '--strict', ...process.argv.slice(2)], { stdio: 'inherit' });
const timer = setTimeout(() => {
  console.error(`\nbench smoke: FAILED — --quick still running after ${LIMIT_MS / 1000} s; stopping it`);
  child.kill('SIGTERM');
}, LIMIT_MS);
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (code === 0 && performance.now() - t0 < LIMIT_MS) {
    console.log(`\nbench smoke: OK — node bench/run.js --quick finished in ${s} s (limit ${LIMIT_MS / 1000} s)`);
  } else {
    console.error(`\nbench smoke: FAILED — ${signal ? `killed by ${signal}` : `exit code ${code}`} after ${s} s`);
    process.exitCode = 1;
  }
});
