// Time per EM iteration of every covariance model (scikit-learn's four and mclust's ten) on
// separated clusters, 20,000 rows, K = 8, at d = 4, 8, 16 (and 64 with --wide): the
// constrained models' M-steps against their layouts'. One fit of maxIter 5, tol 0, seed 1
// per cell, its time over 5 (initialisation included). Usage: node bench/models.js [--wide]
import { GaussianMixture, COVARIANCE_MODELS, init } from '../dist/entry-node.js';

await init();
const dims = process.argv.includes('--wide') ? [4, 8, 16, 64] : [4, 8, 16];
const n = 20000, K = 8, iters = 5;
const rows = [];
for (const d of dims) {
  // xorshift-free Park–Miller and Box–Muller: the same data every run
  let s = 1;
  const u = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const z = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const centres = Array.from({ length: K }, () => Array.from({ length: d }, () => 4 * z()));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = centres[i % K][j] + z() * (1 + (j % 3));
  const X = { data, rows: n, cols: d };
  const row = { d };
  for (const t of COVARIANCE_MODELS) {
    const t0 = performance.now();
    new GaussianMixture({ nComponents: K, covarianceType: t, maxIter: iters, tol: 0, seed: 1 }).fit(X);
    row[t] = (performance.now() - t0) / iters;
  }
  rows.push(row);
}
console.log(`ms per EM iteration, ${n} rows, K = ${K} (initialisation included, over ${iters} iterations)`);
console.log(['d', ...COVARIANCE_MODELS].map((c) => c.padStart(9)).join(''));
for (const r of rows) console.log([String(r.d), ...COVARIANCE_MODELS.map((t) => r[t].toFixed(1))].map((c) => c.padStart(9)).join(''));
