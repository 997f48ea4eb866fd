// Loaded with `node --import` by test/cli.test.ts: counts the worker threads the process
// starts and prints the count on exit, so a test can tell that --workers used workers.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const wt = require('node:worker_threads');
if (wt.isMainThread) {
  const Base = wt.Worker;
  let started = 0;
  wt.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      started++;
    }
  };
  syncBuiltinESMExports();
  process.on('exit', () => process.stderr.write(`[worker threads started: ${started}]\n`));
}
