// bootstrapParameters in this thread against bootstrapParametersAsync on 2 workers: 200
// nonparametric replicates of a 4-component fit to 20,000 × 8 overlapping rows (the same bits).
//   node bench/bootstrap.js   (after npm run build)
import { init, GaussianMixture, bootstrapParameters, bootstrapParametersAsync } from '../dist/entry-node.js';
await init();
// overlapping clusters, 20,000 x 8, K = 4
let s = 7; const u = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
const nrm = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
const rows = [];
for (let i = 0; i < 20000; i++) { const k = i % 4; rows.push(Array.from({ length: 8 }, (_, j) => nrm() + (j === k ? 3 : 0))); }
const gm = new GaussianMixture({ nComponents: 4, seed: 0 }).fit(rows);
let t = performance.now(); const a = bootstrapParameters(gm, rows, { nBoot: 200 }); const t1 = performance.now() - t;
t = performance.now(); const b = await bootstrapParametersAsync(gm, rows, { nBoot: 200, workers: 2 }); const t2 = performance.now() - t;
console.log('1 thread', (t1 / 1000).toFixed(2), 's; 2 workers', (t2 / 1000).toFixed(2), 's; speedup', (t1 / t2).toFixed(2), 'same', a.means.every((v, i) => Object.is(v, b.means[i])), 'per replicate ms', (t1 / 200).toFixed(1));
