#!/usr/bin/env node
// Time per EM iteration of two builds of gmm-wasm on the benchmark's workloads, in one
// process, the builds alternating pair by pair (so both see the same stretch of a drifting,
// shared machine). Usage:
//
//   node bench/compare.js --base DIR [--dist DIR] [--only o8,letter] [--pairs P] [--quick] [--default]
//
// DIR: a directory with entry-node.js and gmm.wasm (e.g. the dist/ of a checkout of the
// commit before). Per workload and build: ms/iter = (min T(N) − min T(1)) / (N − 1) as in
// run.js, the fixed cost min T(1) − ms/iter, and the median over the pairs of the per-pair
// ratio new ÷ base of (T(N) − T(1)). --default: whole default fits instead (k-means start,
// seed 0, as run.js's end-to-end fits): the fastest fit of each build and the median of the
// per-pair ratios.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { WORKLOADS, fixedStart, generate } from './workloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (k, dflt) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : dflt; };
const quick = args.includes('--quick');
const whole = args.includes('--default');
const base = opt('--base', null);
if (!base) { console.error('usage: node bench/compare.js --base DIR [--dist DIR] [--only a,b] [--pairs P] [--quick]'); process.exit(2); }
const dist = opt('--dist', join(here, '..', 'dist'));
const only = opt('--only', WORKLOADS.map((w) => w.name).join(',')).split(',');
const PAIRS = Number(opt('--pairs', quick ? 3 : 7));
const ITERS = { digits: 20, o64: 6, w64: 6, o16d: 6, diag16: 6, blobs2d: 50 };

const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function load(dir) {
  const lib = await import(pathToFileURL(join(resolve(dir), 'entry-node.js')).href);
  await lib.init();
  return lib;
}

const libs = [await load(base), await load(dist)];
console.log(`base ${resolve(base)} vs new ${resolve(dist)}; ${PAIRS} pairs per workload, builds alternating`);
const rows = [];
for (const name of only) {
  const spec = WORKLOADS.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown workload ${name}`);
  const w = generate(spec, quick ? spec.quickN : spec.n);
  const N = ITERS[name] ?? 10;
  const X = { data: w.X, rows: w.n, cols: w.d };
  if (whole) {
    const fitDefault = (lib) => {
      const gm = new lib.GaussianMixture({ nComponents: w.K, covarianceType: w.type, tol: 1e-3, maxIter: 100, regCovar: 1e-6, seed: 0 });
      const t0 = performance.now();
      gm.fit(X);
      return [performance.now() - t0, gm.lowerBound, gm.nIter];
    };
    for (const lib of libs) fitDefault(lib); // warm-up
    const t = [[], []], lb = [], its = [], ratios = [];
    for (let p = 0; p < PAIRS; p++) {
      const d = [];
      for (let j = 0; j < 2; j++) {
        const b = (j + p) % 2;
        [d[b], lb[b], its[b]] = fitDefault(libs[b]);
        t[b].push(d[b]);
      }
      ratios.push(d[1] / d[0]);
    }
    const best = t.map((x) => Math.min(...x));
    console.log(`${name.padEnd(13)} default fit base ${best[0].toFixed(1)} ms new ${best[1].toFixed(1)} ms (${its[1]} iterations)  ` +
      `new ÷ base ${median(ratios).toFixed(3)} (median of ${PAIRS} pairs)  lowerBound ${lb[0] === lb[1] ? 'identical' : `rel. diff ${(Math.abs(lb[0] - lb[1]) / Math.abs(lb[0])).toExponential(1)}`}`);
    continue;
  }
  const fit = (lib, it) => {
    const gm = new lib.GaussianMixture(fixedStart(w, it));
    const t0 = performance.now();
    gm.fit(X);
    return [performance.now() - t0, gm.lowerBound];
  };
  const t = libs.map(() => ({ t1: [], tN: [] }));
  const lb = [];
  for (const lib of libs) { fit(lib, 1); fit(lib, N); } // warm-up
  const ratios = [];
  for (let p = 0; p < PAIRS; p++) {
    const d = [];
    for (let j = 0; j < 2; j++) {
      const b = (j + p) % 2; // which build goes first alternates
      const a1 = fit(libs[b], 1)[0];
      const [aN, l] = fit(libs[b], N);
      t[b].t1.push(a1); t[b].tN.push(aN); lb[b] = l;
      d[b] = aN - a1;
    }
    ratios.push(d[1] / d[0]);
  }
  const it = t.map((x) => (Math.min(...x.tN) - Math.min(...x.t1)) / (N - 1));
  const fixed = t.map((x, b) => Math.min(...x.t1) - it[b]);
  const r = { name, it, fixed, ratio: median(ratios), same: lb[0] === lb[1], rel: Math.abs(lb[0] - lb[1]) / Math.abs(lb[0]) };
  rows.push(r);
  console.log(`${name.padEnd(13)} ms/iter base ${it[0].toFixed(3)} new ${it[1].toFixed(3)}  fixed base ${fixed[0].toFixed(2)} new ${fixed[1].toFixed(2)}  ` +
    `new ÷ base ${r.ratio.toFixed(3)} (median of ${PAIRS} pairs)  lowerBound ${r.same ? 'identical' : `rel. diff ${r.rel.toExponential(1)}`}`);
}
