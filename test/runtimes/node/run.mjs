// The Node side of the runtime comparison, run as `node run.mjs < job.json` in a fresh
// process: imports the package by name (its `node` condition), checks that methods refuse
// before init(), initialises with the default source and runs the shared job.
import * as lib from 'gmm-wasm';
import { probeBeforeInit, runJob, runAsyncJob } from '../job.js';

const beforeInit = probeBeforeInit(lib);
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
await lib.init();
await lib.init(); // memoised
const result = runJob(lib, input);
const asyncResult = input.asyncCases ? await runAsyncJob(lib, input, { workers: 2 }) : null;
process.stdout.write(JSON.stringify({ runtime: 'node', beforeInit, result, asyncResult }));
