#!/usr/bin/env node
// How fast an EM iteration could be on this machine at best, against issue 11's targets: the
// fewest floating-point operations any direct formulation of the E- and M-steps executes,
// divided by the measured WebAssembly SIMD peak (bench/peak.js). Usage:
//
//   node bench/floor.js [--only o8,letter] [--results bench/.data/results.json]
//
// Per workload: the parameters after 3 EM iterations from the benchmark's start (as
// bench/profile.js), the share of (row, component) terms the M-step must add (responsibility
// at least e⁻⁴⁰ of the row's largest: assembly/estep.ts RESP_CUTOFF), and the floor
//
//   E: every (row, component) log-density       M: every kept (row, component) term
//   full, tied  d(d+1)/2 + d multiply-adds       full: a = r·x, d(d+1)/2 multiply-adds
//               (xᵀUₖ − μₖᵀUₖ, its square)             (Σ a·xᵀ) and d adds (Σ a)
//   diag        2d (x²·pₖ + x·(−2μₖpₖ))          tied: r·x and d adds (the scatter per block)
//   spherical   d (x·μₖ, with ‖x‖² per row)      diag: 2d (r·x, r·x²); spherical d + 1
//
// (a multiply-add is 2 flops, as the peak counts it), before any exponential or log. A
// target time (the target ratio × scikit-learn's one-thread time) below this floor cannot be
// met by 128-bit SIMD without fused multiply-adds. With a bench/run.js run's results (by
// default the last on this machine), the floor is taken at that run's peak and set beside
// its scikit-learn and gmm-wasm times.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { WORKLOADS, TARGET_RATIO, fixedStart, generate } from './workloads.js';
import { measurePeak } from './peak.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (k, dflt) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : dflt; };
const only = opt('--only', 'o8,o8-tied,o8-spherical,o16d,letter,shuttle').split(',');
const resultsPath = opt('--results', join(here, '.data', 'results.json'));
const CUTOFF = Math.exp(-40);

/** Flops of one (row, component) term: [E-step, M-step when kept]. */
function flopsPerTerm(type, d) {
  const ma = (n) => 2 * n;
  switch (type) {
    case 'full': return [ma(d * (d + 1) / 2 + d), d + ma(d * (d + 1) / 2) + d];
    case 'tied': return [ma(d * (d + 1) / 2 + d), d + d];
    case 'diag': return [ma(2 * d), ma(2 * d)];
    case 'spherical': return [ma(d), ma(d + 1)];
    default: throw new Error(type);
  }
}

const sig = (x, n = 3) => Number(x.toPrecision(n)).toString();

async function main() {
  const { init, GaussianMixture } = await import(pathToFileURL(join(here, '..', 'dist', 'entry-node.js')).href);
  await init();
  const results = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : null;
  // the peak of the run whose times are compared (the same machine and moment), else this one's
  const peak = results?.peak?.gflops ? results.peak : await measurePeak({ reps: 9, targetMs: 40 });
  console.log(`WebAssembly SIMD f64 peak ${sig(peak.gflops)} GFLOP/s (${peak.best})` + (results
    ? `, and the times, from ${relative(process.cwd(), resultsPath)} (${results.machine?.date}, commit ${results.machine?.gmmWasm?.commit}, ${results.machine?.cpu})`
    : ', measured now (no bench/run.js results: floors only)'));
  const head = ['workload', 'kept terms', 'floor ms/iter (E + M)', 'gmm-wasm ms/iter (÷ floor)', 'target ms/iter', 'floor ÷ target'];
  const rows = [];
  for (const name of only) {
    const spec = WORKLOADS.find((s) => s.name === name);
    if (!spec) throw new Error(`unknown workload ${name}`);
    const w = generate(spec);
    const gm = new GaussianMixture(fixedStart(w, 3));
    const X = { data: w.X, rows: w.n, cols: w.d };
    gm.fit(X);
    const R = gm.predictProba(X).data;
    let kept = 0;
    for (let i = 0; i < w.n; i++) {
      let m = 0;
      for (let k = 0; k < w.K; k++) m = Math.max(m, R[i * w.K + k]);
      for (let k = 0; k < w.K; k++) kept += R[i * w.K + k] >= CUTOFF * m ? 1 : 0;
    }
    const [fe, fm] = flopsPerTerm(w.type, w.d);
    const eMs = (w.n * w.K * fe) / peak.gflops / 1e6, mMs = (kept * fm) / peak.gflops / 1e6;
    const floor = eMs + mMs;
    const r = results?.workloads?.[name];
    const sk = r?.sklearn?.one?.msPerIter, own = r?.wasm?.msPerIter, tr = TARGET_RATIO[name];
    const target = sk && tr ? tr * sk : null;
    rows.push([name, `${sig(100 * kept / (w.n * w.K))}%`, `${sig(floor)} (${sig(eMs)} + ${sig(mMs)})`,
      own ? `${sig(own)} (${sig(own / floor)}×)` : '—', target ? `${sig(target)} (${tr} × ${sig(sk)})` : '—', target ? sig(floor / target) : '—']);
  }
  console.log(`| ${head.join(' | ')} |\n| ${head.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

main().catch((e) => { console.error(e); process.exit(1); });
