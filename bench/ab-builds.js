#!/usr/bin/env node
// Two builds of gmm-wasm side by side in one process, alternating, on bench/scaling.js's
// workloads: what a change did to fitStream's cost per row and to fitAsync's message and
// merge overhead, measured so that both builds see the same stretch of a machine whose
// speed drifts (see bench/README.md, "Comparing two builds"). Usage:
//
//   node bench/ab-builds.js --base DIR [--stream] [--workers [--cpu]] [--only o8,o16d,o64] [--rounds R] [--rows N]
//
// DIR: the dist/ of the other build (e.g. `git archive <commit> | tar -x -C /tmp/base`,
// then `npm run build` there). Neither part asserts anything; both print medians.
//   --stream   fitStream ÷ fit() per EM iteration on o8 (10,000-row pieces, explicit start),
//              by this process's CPU time, which counts only the time it ran: robust to
//              other processes on a shared machine, unlike wall time.
//   --workers  T(2 workers) − T(fit() on the largest shard), in % of T(2), for o8, o16d and
//              o64, as bench/scaling.js measures it (wall time: needs two idle cores).
//   --cpu      with --workers: the CPU time of the whole process (coordinator and both
//              workers) per iteration less fit()'s on all rows, in % of fit()'s: the work
//              messages and merges add, without the waits (robust on a busy machine).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { generate, WORKLOADS, shards } from './scaling.js';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const o = { base: null, stream: false, workers: false, cpu: false, rounds: 7, rows: null, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--base') o.base = argv[++i];
    else if (a === '--stream') o.stream = true;
    else if (a === '--workers') o.workers = true;
    else if (a === '--cpu') o.cpu = true;
    else if (a === '--only') o.only = argv[++i].split(',');
    else if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--rows') o.rows = Number(argv[++i]);
    else throw new Error(`unknown option ${a}; usage: node bench/ab-builds.js --base DIR [--stream] [--workers [--cpu]] [--only o8,o16d,o64] [--rounds R] [--rows N]`);
  }
  if (!o.base) throw new Error('--base DIR (the other build\'s dist/) is required');
  if (!o.stream && !o.workers) o.stream = o.workers = true;
  return o;
}

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function setup(spec, n) {
  const w = generate(spec, n);
  const options = (iters) => ({
    nComponents: w.K, covarianceType: w.type, tol: 0, regCovar: 1e-6, maxIter: iters,
    weightsInit: w.start.weights, meansInit: { data: w.start.means, rows: w.K, cols: w.d }, precisionsInit: w.start.precisions,
  });
  return { ...w, n, options, Xm: { data: w.X, rows: n, cols: w.d } };
}

/** Rounds of one pair (maxIter 1 and N) per variant, the first variant rotating; per round
 *  and variant the time per iteration (T(N) − T(1)) / (N − 1). */
async function rounds(variants, R, N, clock) {
  const per = variants.map(() => []);
  for (let r = 0; r <= R; r++) { // round 0 warms up
    for (let i = 0; i < variants.length; i++) {
      const v = (i + r) % variants.length;
      const t0 = clock(); await variants[v](1); const t1 = clock(); await variants[v](N); const t2 = clock();
      if (r > 0) per[v].push((t2 - t1 - (t1 - t0)) / (N - 1));
    }
  }
  return per;
}

async function streamPart(libs, o) {
  const w = setup(WORKLOADS.find((s) => s.name === 'o8'), o.rows ?? 300_000);
  const PIECE = 10_000, N = 6;
  const source = () => (function* () {
    for (let r = 0; r < w.n; r += PIECE) {
      const e = Math.min(w.n, r + PIECE);
      yield { data: w.X.subarray(r * w.d, e * w.d), rows: e - r, cols: w.d };
    }
  })();
  const variants = [];
  for (const lib of libs) {
    variants.push((it) => new lib.GaussianMixture(w.options(it)).fit(w.Xm));
    variants.push((it) => new lib.GaussianMixture(w.options(it)).fitStream(source, { initSampleSize: w.n }));
  }
  const per = await rounds(variants, o.rounds, N, cpuMs);
  for (const [j, name] of ['base', 'this'].entries()) {
    const ratios = per[2 * j + 1].map((s, i) => s / per[2 * j][i]);
    console.log(`fitStream ÷ fit() per row, o8 ${w.n.toLocaleString('en')} rows, CPU time, ${o.rounds} rounds: ${name} build ` +
      `median ${median(ratios).toFixed(3)} (rounds ${ratios.map((x) => x.toFixed(3)).join(' ')}); fit() ${median(per[2 * j]).toFixed(1)} ms/iter`);
  }
}

async function workersPart(libs, o) {
  for (const spec of WORKLOADS.filter((x) => !o.only || o.only.includes(x.name))) {
    const w = setup(spec, o.rows ? Math.min(o.rows, spec.n) : spec.n);
    const sh = shards(w.n, 2, libs[0].CHUNK_ROWS);
    const big = sh.reduce((m, s) => (s.b - s.a > m.b - m.a ? s : m));
    const Xs = o.cpu ? w.Xm : { data: w.X.subarray(big.a * w.d, big.b * w.d), rows: big.b - big.a, cols: w.d };
    const pools = await Promise.all(libs.map((lib) => lib.WorkerPool.create(w.Xm, { workers: 2 })));
    const variants = [];
    libs.forEach((lib, j) => {
      variants.push((it) => new lib.GaussianMixture(w.options(it)).fitAsync(pools[j]));
      variants.push((it) => new lib.GaussianMixture(w.options(it)).fit(Xs));
    });
    try {
      const per = await rounds(variants, o.rounds, 10, o.cpu ? cpuMs : () => performance.now());
      for (const [j, name] of ['base', 'this'].entries()) {
        if (o.cpu) {
          const pct = per[2 * j].map((t, i) => (100 * (t - per[2 * j + 1][i])) / per[2 * j + 1][i]);
          console.log(`${spec.name}: CPU per iteration, 2 workers ${median(per[2 * j]).toFixed(2)} ms, fit() ${median(per[2 * j + 1]).toFixed(2)} ms; ` +
            `added by messages and merges, ${name} build: median ${median(pct).toFixed(1)} % of fit() (rounds ${pct.map((x) => x.toFixed(1)).join(' ')})`);
          continue;
        }
        const pct = per[2 * j].map((t, i) => (100 * (t - per[2 * j + 1][i])) / t);
        console.log(`${spec.name}: 2 workers ${median(per[2 * j]).toFixed(2)} ms/iter, fit() on the largest shard (${Xs.rows} rows) ` +
          `${median(per[2 * j + 1]).toFixed(2)}; overhead, ${name} build: median ${median(pct).toFixed(1)} % (rounds ${pct.map((x) => x.toFixed(1)).join(' ')})`);
      }
    } finally {
      for (const p of pools) p.close();
    }
  }
}

const o = parseArgs(process.argv.slice(2));
const libs = [];
for (const dist of [resolve(o.base), join(here, '..', 'dist')]) {
  const lib = await import(pathToFileURL(join(dist, 'entry-node.js')).href);
  await lib.init();
  libs.push(lib);
}
if (o.stream) await streamPart(libs, o);
if (o.workers) await workersPart(libs, o);
