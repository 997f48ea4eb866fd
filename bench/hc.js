#!/usr/bin/env node
// initParams 'hc': the time of mclust's hierarchical start (assembly/hc.ts) against mclust's
// own hc() in R on the same rows, in one run.
//
//   node bench/hc.js [--sizes 500x4,1000x8,2000x2,2000x8,2000x16] [--repeats 3]
//
// Rows: three overlapping clusters (seeded). gmm-wasm: the agglomeration alone (transform,
// n − 1 merges), the first call in a fresh process (its code not yet optimised by V8) and the
// least of the repeats after it; R: hc(X, "VVV", use = "SVD"), the least elapsed time of as
// many repeats (Rscript with mclust; skipped where it is missing). Both get the same rows and
// must give the same merges (checked). Prints a Markdown table.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { init } from '../dist/entry-node.js';
import { core } from '../dist/core/core.js';
import { Arena } from '../dist/core/arena.js';
import { hcMerges } from '../dist/fit/hc-start.js';

const args = process.argv.slice(2);
const at = (k, v) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : v; };
const sizes = at('--sizes', '500x4,1000x8,2000x2,2000x8,2000x16').split(',').map((s) => s.split('x').map(Number));
const repeats = Number(at('--repeats', '3'));

await init();
const c = core();

function rows(n, d, seed) {
  let s = seed >>> 0;
  const u = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 4294967296;
  const g = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = 2 * ((i % 3) + (j % 2)) + g();
  return x;
}

function timeR(file, n, d) {
  const script = `suppressMessages(library(mclust)); X <- matrix(scan("${file}", quiet = TRUE), ncol = ${d}, byrow = TRUE)
t <- Inf; for (r in 1:${repeats}) { s <- proc.time()[["elapsed"]]; h <- hc(X, "VVV", use = "SVD"); t <- min(t, proc.time()[["elapsed"]] - s) }
cat(t, as.integer(h), "\\n")`;
  try {
    const out = execFileSync('Rscript', ['-e', script], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split(/\s+/).map(Number);
    return { ms: out[0] * 1000, pairs: out.slice(1) };
  } catch {
    return null;
  }
}

// a child process times one size: its first call finds V8's code unoptimised, as a fit does
if (args[0] === '--child') {
  const [n, d] = [Number(args[1]), Number(args[2])];
  const x = rows(n, d, 7 + n + d), times = [];
  let merges = null;
  for (let r = 0; r <= repeats; r++) {
    const t = performance.now();
    merges = hcMerges(c, new Arena(c), x, n, d);
    times.push(performance.now() - t);
  }
  console.log(JSON.stringify({ first: times[0], warm: Math.min(...times.slice(1)), merges: Array.from(merges) }));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'gmm-hc-'));
const lines = [`CPU: ${cpus()[0].model}; ${new Date().toISOString()}; \`node bench/hc.js --sizes ${sizes.map((s) => s.join('x')).join(',')} --repeats ${repeats}\``, '',
  '| rows × features | gmm-wasm, first call (ms) | gmm-wasm, warm (ms) | mclust hc() (ms) | warm ÷ mclust | same merges |',
  '| --- | ---: | ---: | ---: | ---: | :---: |'];
for (const [n, d] of sizes) {
  const me = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', n, d, '--repeats', repeats],
    { encoding: 'utf8', maxBuffer: 1 << 26 }));
  const file = join(dir, `x${n}x${d}.txt`);
  writeFileSync(file, Array.from(rows(n, d, 7 + n + d), (v) => v.toPrecision(17)).join('\n'));
  const r = timeR(file, n, d);
  const same = r ? r.pairs.length === me.merges.length && r.pairs.every((v, i) => v === me.merges[i]) : null;
  lines.push(`| ${n} × ${d} | ${me.first.toFixed(0)} | ${me.warm.toFixed(0)} | ${r ? r.ms.toFixed(0) : 'n/a'} | ${r ? (me.warm / r.ms).toFixed(2) : ''} | ${same === null ? '' : same ? '✓' : '✗'} |`);
}
console.log(lines.join('\n'));
