#!/usr/bin/env node
// bootstrapLRT against mclust's mclustBootstrapLRT in R, in one run: Old Faithful (VVV) and
// diabetes (EEE), g = 1..3, nBoot draws each, EM run to its end in both (mclust: relative
// change 1e-13; here tol 1e-11 on the mean log-likelihood), from mclust's start.
//
//   node bench/lrt.js [--boot 300]
//
// Prints each run's seconds and their ratio, and the observed statistics of both (which must
// agree); R is skipped where Rscript with mclust is missing.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { init, bootstrapLRT } from '../dist/entry-node.js';

const args = process.argv.slice(2);
const i = args.indexOf('--boot');
const nBoot = i >= 0 ? Number(args[i + 1]) : 300;
await init();
const fx = JSON.parse(readFileSync(new URL('../test/fixtures/lrt.json', import.meta.url), 'utf8'));
for (const c of fx.cases) {
  const X = { data: Float64Array.from(c.x), rows: c.n, cols: c.d };
  const t0 = performance.now();
  const r = bootstrapLRT(X, { covarianceType: c.model, nBoot, maxComponents: 3, initParams: 'hc', regCovar: 0, tol: 1e-11, maxIter: 100000 });
  const ours = (performance.now() - t0) / 1000;
  let theirs = NaN, obs = '';
  try {
    const data = c.name === 'faithful' ? 'as.matrix(faithful)' : 'as.matrix(diabetes[, 2:4])';
    const out = execFileSync('Rscript', ['-e', `suppressMessages(library(mclust)); X <- ${data}; set.seed(1); ` +
      `t <- system.time(r <- mclustBootstrapLRT(X, modelName = "${c.model}", nboot = ${nBoot}, maxG = 3, verbose = FALSE, ` +
      'control = emControl(itmax = c(100000L, 1000L), tol = c(1e-13, 1e-14))))[["elapsed"]]; cat(t, r$obs)'], { encoding: 'utf8' });
    const v = out.trim().split(/\s+/).map(Number);
    theirs = v[0];
    obs = v.slice(1).map((x) => x.toFixed(6)).join(', ');
  } catch { /* no R */ }
  console.log(`${c.name} ${c.model}: gmm-wasm ${ours.toFixed(2)} s, mclust ${theirs.toFixed(2)} s (ratio ${(ours / theirs).toFixed(3)}); ` +
    `statistics ${r.tests.map((t) => t.statistic.toFixed(6)).join(', ')}${obs ? ` (mclust ${obs})` : ''}; p ${r.tests.map((t) => t.pValue.toFixed(4)).join(', ')}`);
}
