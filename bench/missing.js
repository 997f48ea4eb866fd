#!/usr/bin/env node
// Missing values: the cost of an EM iteration with entries missing completely at random
// (missingValues: 'marginalize', assembly/missing.ts) against the ordinary fit of the same
// rows with nothing missing.
//
//   node bench/missing.js [--rows 50000] [--repeats 7] [--quick]
//
// Workloads (seeded clusters with full covariances): m8, n × 8 rows, K = 8 full and diag;
// w32, n/5 × 32 rows, K = 4 full (with entries missing at random almost every row has a
// pattern of its own there). Every variant starts from the same explicit parameters (tol 0,
// regCovar 1e-6). Variants: complete (the ordinary SIMD path), one NaN (all rows through
// the missing-value kernel, one pattern but one), and 10% and 30% of the entries missing.
// Time per iteration is (min T(N) − min T(1)) / (N − 1) over alternating repeats, as in
// bench/run.js, with T this process's CPU time (process.cpuUsage: the fit is single-
// threaded, and on a shared machine CPU time is far steadier than wall time). Prints a
// Markdown table; a full run (not --quick) also writes it to bench/missing-results.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, GaussianMixture } from '../dist/index.js';
import { cpuSnapshot, foreignCores } from './host.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const ri = args.indexOf('--rows');
const N_ROWS = ri >= 0 ? Number(args[ri + 1]) : quick ? 5000 : 50000;
const rp = args.indexOf('--repeats');
const ITERS = quick ? 3 : 6, REPEATS = rp >= 0 ? Number(args[rp + 1]) : quick ? 2 : 7;

function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
}

function makeData(n, D, K, seed) {
  const u = lcg(seed);
  const z = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const centres = Array.from({ length: K }, () => Array.from({ length: D }, () => 4 * z()));
  const mix = Array.from({ length: K }, () => Array.from({ length: D * D }, () => 0.4 * z()));
  const data = new Float64Array(n * D);
  const e = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    const k = i % K;
    for (let j = 0; j < D; j++) e[j] = z();
    for (let j = 0; j < D; j++) {
      let v = centres[k][j] + e[j];
      for (let l = 0; l < D; l++) v += mix[k][j * D + l] * e[l];
      data[i * D + j] = v;
    }
  }
  return { data, centres };
}

/** The same rows with each entry missing where a seeded uniform falls below rate. */
function withHoles(data, rate, seed) {
  const u = lcg(seed);
  return data.map((v) => (u() < rate ? NaN : v));
}

function patterns(data, D) {
  const seen = new Set();
  for (let i = 0; i < data.length; i += D) {
    let key = 0;
    for (let j = 0; j < D; j++) if (data[i + j] !== data[i + j]) key |= 1 << j;
    seen.add(key);
  }
  return seen.size;
}

function fitTime(type, K, X, start, iters) {
  const gm = new GaussianMixture({ nComponents: K, covarianceType: type, tol: 0, maxIter: iters, missingValues: 'marginalize', ...start });
  const t0 = process.cpuUsage();
  gm.fit(X);
  const t = process.cpuUsage(t0);
  return { ms: (t.user + t.system) / 1000, lowerBound: gm.lowerBound };
}

/** Rows (one table line per variant) for one workload and covariance type. */
function measure(name, n, D, K, type, log) {
  const { data, centres } = makeData(n, D, K, 7);
  const oneNaN = data.slice();
  oneNaN[3] = NaN;
  const variants = [
    { name: 'complete (ordinary path)', data },
    { name: 'one NaN', data: oneNaN },
    { name: '10% missing', data: withHoles(data, 0.1, 11) },
    { name: '30% missing', data: withHoles(data, 0.3, 12) },
  ];
  const eye = () => Array.from({ length: D }, (_, i) => Array.from({ length: D }, (_, j) => (i === j ? 0.5 : 0)));
  const start = {
    weightsInit: new Array(K).fill(1 / K), meansInit: centres,
    precisionsInit: type === 'full' ? Array.from({ length: K }, eye) : Array.from({ length: K }, () => new Array(D).fill(0.5)),
  };
  const best = variants.map(() => ({ one: Infinity, many: Infinity }));
  const a = cpuSnapshot();
  for (let r = 0; r < REPEATS; r++) {
    variants.forEach((v, i) => {
      const X = { data: v.data, rows: n, cols: D };
      best[i].one = Math.min(best[i].one, fitTime(type, K, X, start, 1).ms);
      best[i].many = Math.min(best[i].many, fitTime(type, K, X, start, ITERS).ms);
    });
  }
  const busy = foreignCores(a, cpuSnapshot());
  const per = best.map((b) => (b.many - b.one) / (ITERS - 1));
  variants.forEach((v, i) => {
    log(`| ${name} | ${n.toLocaleString('en')} × ${D}, K = ${K} ${type} | ${v.name} | ${i === 0 ? 1 : patterns(v.data, D).toLocaleString('en')} | ` +
      `${per[i].toFixed(2)} | ${(per[i] / per[0]).toFixed(1)} | ${busy === null ? '—' : busy.toFixed(2)} |`);
  });
}

async function main() {
  await init(readFileSync(join(here, '../dist/gmm.wasm')));
  const lines = [];
  const log = (s) => { console.log(s); lines.push(s); };
  log('# Missing values: EM iteration cost');
  log('');
  log(`node bench/missing.js${args.length ? ' ' + args.join(' ') : ''}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.versions.node}; ` +
    `${ITERS} vs 1 iterations, min of ${REPEATS} alternating repeats; ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ` +
    `load average ${loadavg()[0].toFixed(1)} at the start.`);
  log('');
  log('| workload | data | variant | patterns | CPU ms / iteration | × complete | other cores busy |');
  log('| --- | --- | --- | --- | --- | --- | --- |');
  measure('m8', N_ROWS, 8, 8, 'full', log);
  measure('m8', N_ROWS, 8, 8, 'diag', log);
  measure('w32', Math.round(N_ROWS / 5), 32, 4, 'full', log);
  return lines;
}

main().then((lines) => {
  if (!quick) writeFileSync(join(here, 'missing-results.md'), lines.join('\n') + '\n');
}).catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
