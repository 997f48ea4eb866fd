// Run as a child process: fits with a WorkerPool it never closes; the process must still exit.
import * as lib from '../../dist/entry-node.js';
await lib.init();
const n = 9000, d = 2;
const X = { data: Float64Array.from({ length: n * d }, (_, i) => Math.sin(i * 12.9898) * 3 + (i % 3)), rows: n, cols: d };
const pool = await lib.WorkerPool.create(X, { workers: 2 });
const gm = await new lib.GaussianMixture({ nComponents: 2, seed: 1 }).fitAsync(pool);
console.log(JSON.stringify({ nIter: gm.nIter, lowerBound: gm.lowerBound }));
