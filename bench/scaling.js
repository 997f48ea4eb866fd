#!/usr/bin/env node
// Scaling of gmm-wasm's parallel and streamed fits: time per EM iteration of fit(), of
// fitAsync over a WorkerPool of 1, 2, 4, … workers, and of fitStream, on overlapping
// Gaussian clusters; their overhead (T(W) minus fit() on the largest shard), split by the
// workers' own reported time into messages + merge and core contention; bit-identity of
// every variant with fit(); and, with --stream-rss, the peak RSS of a fitStream over 2 GiB
// of rows generated on the fly (in a child process).
// See bench/README.md ("Scaling"). Usage:
//
//   node bench/scaling.js [--quick] [--max-workers N] [--only o8,o16d,o64] [--stream-rss] [--control]
//                         [--pairs P] [--iters N]
//
// Needs nothing outside this repository but dist/ (built) and its one runtime dependency,
// node_modules/@assemblyscript/loader.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import os from 'node:os';
import { createHash } from 'node:crypto';
import { cpuSnapshot, foreignCores, waitIdle } from './host.js';
import { XorShift, mixture, fillRows, generate } from './overlap.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const DATA = join(here, '.data');
const T0 = performance.now();

// ---------------------------------------------------------------------------------------
// options

const CORES = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;

const HELP = `usage: node bench/scaling.js [options]
  --quick          smaller data, fewer repetitions (smoke run)
  --max-workers N  largest worker count (default: os.availableParallelism() = ${CORES});
                   measured: 1, 2, 4, … below N, and N
  --only a,b       only these workloads (o8, o16d, o64)
  --control        before and after the workloads, time N independent single-threaded
                   processes (bench/cores-control.js, o8, N = the largest worker count)
                   against one: how many cores the machine gives while it is measured
  --stream-rss     also run fitStream over 2 GiB generated on the fly in a child process
                   and report its peak RSS (--quick: 256 MiB)
  --pairs P        timing pairs per variant (default: full 7, quick 5)
  --iters N        EM iterations of the long fit of a pair (default: full 10, quick 6)
  --dist DIR       measure the gmm-wasm build in DIR (default: dist/ of this repo); results
                   then go to bench/.data/
  --wait-idle[=S]  first wait (up to S seconds, default 300) until other processes use
                   less than 0.2 of a core (this machine is shared)
Results: stdout, bench/.data/scaling-raw.json, and bench/scaling-results.md (full run of
every workload) or bench/.data/scaling-results.md (otherwise).`;

function parseArgs(argv) {
  const o = { quick: false, maxWorkers: CORES, only: null, streamRss: false, pairs: null, iters: null, child: null, waitIdle: 0, dist: null, control: false };
  const num = (a, v) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1) throw new Error(`${a} needs a positive integer, got "${v}"`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]);
    if (a === '--quick') o.quick = true;
    else if (a === '--stream-rss') o.streamRss = true;
    else if (a === '--control') o.control = true;
    else if (a === '--max-workers' || a.startsWith('--max-workers=')) o.maxWorkers = num('--max-workers', val());
    else if (a === '--pairs' || a.startsWith('--pairs=')) o.pairs = Math.max(2, num('--pairs', val()));
    else if (a === '--iters' || a.startsWith('--iters=')) o.iters = Math.max(2, num('--iters', val()));
    else if (a === '--wait-idle' || a.startsWith('--wait-idle=')) {
      o.waitIdle = a.includes('=') ? Number(a.slice(12)) : 300;
      if (!(o.waitIdle >= 0)) throw new Error('--wait-idle=SECONDS needs a number ≥ 0');
    } else if (a === '--only' || a.startsWith('--only=')) {
      const v = val();
      if (!v) throw new Error('--only needs a comma-separated list of workloads');
      o.only = v.split(',').map((s) => s.trim()).filter(Boolean);
      for (const n of o.only) {
        if (!WORKLOADS.some((w) => w.name === n)) throw new Error(`unknown workload "${n}"; known: ${WORKLOADS.map((w) => w.name).join(', ')}`);
      }
    } else if (a === '--dist' || a.startsWith('--dist=')) {
      o.dist = val();
      if (!o.dist) throw new Error('--dist needs a directory');
    } else if (a === '--stream-child') o.child = JSON.parse(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log(HELP);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${HELP}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------
// workloads: overlapping clusters

/** n: rows; quickN: rows with --quick; N, pairs: EM iterations of the long fit and timing
 *  pairs (full; --quick uses QUICK_N and QUICK_PAIRS); stream: also time fitStream. */
const WORKLOADS = [
  { name: 'o8', n: 1_000_000, quickN: 200_000, d: 8, K: 8, type: 'full', seed: 801, stream: true },
  { name: 'o16d', n: 200_000, quickN: 50_000, d: 16, K: 16, type: 'diag', seed: 1602 },
  { name: 'o64', n: 20_000, quickN: 20_000, d: 64, K: 8, type: 'full', seed: 6403 },
];
const FULL_N = 10, FULL_PAIRS = 7, QUICK_N = 6, QUICK_PAIRS = 5;
const STREAM_CHUNK = 10_000; // rows per piece the fitStream source yields (o8)

// ---------------------------------------------------------------------------------------
// CPU used by other processes: /proc/stat's busy time of all CPUs minus this process's
// (worker threads included) and its waited-for children's, in cores (as in run.js)


// ---------------------------------------------------------------------------------------
// timing

const min = (a) => a.reduce((m, v) => Math.min(m, v), Infinity);
const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One way of fitting: run(iters) → { t (ms), gm, work? }. Pairs of fits with maxIter 1 and
 *  N, order alternating; ms/iter = (min T(N) − min T(1)) / (N − 1). work (fitAsync): per
 *  worker, the ms it reported spending in its E-step answers during that fit. */
class Variant {
  constructor(label, run) {
    this.label = label;
    this.run = run;
    this.t1 = [];
    this.tN = [];
    this.w1 = [];
    this.wN = [];
    this.s1 = [];
    this.sN = [];
    this.last = null;
    this.error = null;
  }

  /** One pair; a variant that throws is marked failed (error) and skipped from then on. */
  async pair(N, order, record = true) {
    if (this.error) return;
    try {
      let a, b;
      if (order === 0) { a = await this.run(1); b = await this.run(N); } else { b = await this.run(N); a = await this.run(1); }
      this.last = b.gm;
      if (record) {
        this.t1.push(a.t);
        this.tN.push(b.t);
        if (a.work && b.work) { this.w1.push(a.work); this.wN.push(b.work); }
        if (a.step !== undefined && b.step !== undefined) { this.s1.push(a.step); this.sN.push(b.step); }
      }
    } catch (e) {
      const msg = `${e?.code ? e.code + ': ' : ''}${e?.message ?? e}`;
      this.error = msg.length > 200 ? msg.slice(0, 199) + '…' : msg;
      log(`✗ ${this.label} failed: ${this.error}`);
    }
  }

  msPerIter(N) { return this.tN.length ? (min(this.tN) - min(this.t1)) / (N - 1) : NaN; }

  /** The median of the pairs' differences, for the raw output. */
  msPerIterMedian(N) { return this.tN.length ? median(this.tN.map((t, i) => (t - this.t1[i]) / (N - 1))) : NaN; }

  /** In-worker compute per iteration: per worker, its E-step ms estimated as ms/iter is
   *  ((min over pairs of the N-iteration fit's − min of the 1-iteration fit's) / (N − 1)), the
   *  largest over workers (the one the coordinator waits for); NaN without worker times. */
  workerMsPerIter(N) {
    if (!this.wN.length || this.wN.length !== this.tN.length) return NaN;
    let m = -Infinity;
    for (let s = 0; s < this.wN[0].length; s++) {
      m = Math.max(m, (min(this.wN.map((w) => w[s])) - min(this.w1.map((w) => w[s]))) / (N - 1));
    }
    return m;
  }

  /** The coordinator's step (lower bound and M-step) per iteration, by the estimator of
   *  ms/iter; NaN when it was not timed. */
  stepMsPerIter(N) {
    if (!stepClock.known || !this.sN.length || this.sN.length !== this.tN.length) return NaN;
    return (min(this.sN) - min(this.s1)) / (N - 1);
  }

  /** The same pair by pair (largest over workers of (ΔN − Δ1) / (N − 1)), median over pairs. */
  workerMsPerIterMedian(N) {
    if (!this.wN.length || this.wN.length !== this.tN.length) return NaN;
    return median(this.wN.map((w, i) => Math.max(...w.map((v, s) => (v - this.w1[i][s]) / (N - 1)))));
  }
}

function sameBits(ref, gm) {
  if (!ref || !gm) return false;
  if (!Object.is(ref.lowerBound, gm.lowerBound) || ref.nIter !== gm.nIter) return false;
  for (const [a, b] of [[ref.means.data, gm.means.data], [ref.weights, gm.weights], [ref.covariances, gm.covariances]]) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  }
  return true;
}

function workerCounts(max) {
  const ws = [];
  for (let w = 1; w < max; w *= 2) ws.push(w);
  ws.push(max);
  return ws;
}

/** The pool's split: C chunks over W workers as [floor(i·C/W), floor((i+1)·C/W)). */
function shards(n, W, CH) {
  const C = Math.ceil(n / CH), Wr = Math.max(1, Math.min(W, C));
  const out = [];
  for (let i = 0; i < Wr; i++) {
    const c0 = Math.floor((i * C) / Wr), c1 = Math.floor(((i + 1) * C) / Wr);
    out.push({ a: c0 * CH, b: Math.min(n, c1 * CH) });
  }
  return out;
}

/** ms spent in the coordinator's step (see loadLib), summed over every fit of this process. */
const stepClock = { ms: 0, known: false };

const fmt = (v, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const secs = () => ((performance.now() - T0) / 1000).toFixed(1) + ' s';
const log = (...a) => console.log(`[${secs().padStart(8)}]`, ...a);

async function runWorkload(lib, spec, opt) {
  const n = opt.quick ? spec.quickN : spec.n;
  const N = opt.iters ?? (opt.quick ? QUICK_N : FULL_N);
  const pairs = opt.pairs ?? (opt.quick ? QUICK_PAIRS : FULL_PAIRS);
  const tg = performance.now();
  const w = generate(spec, n);
  const { d, K, type, X } = w;
  const Xm = { data: X, rows: n, cols: d };
  log(`${spec.name}: ${n.toLocaleString('en')} × ${d}, K=${K} ${type}, min distance of means ${w.minDist.toFixed(2)}; generated in ${((performance.now() - tg) / 1000).toFixed(1)} s; N = ${N}, ${pairs} pairs`);
  const options = (iters) => ({
    nComponents: K, covarianceType: type, tol: 0, regCovar: 1e-6, maxIter: iters,
    weightsInit: w.start.weights, meansInit: { data: w.start.means, rows: K, cols: d },
    precisionsInit: w.start.precisions,
  });
  const timedSync = (data) => async (iters) => {
    const gm = new lib.GaussianMixture(options(iters));
    const s0 = stepClock.ms;
    const t0 = performance.now();
    gm.fit(data);
    const t = performance.now() - t0;
    return { t, gm, step: stepClock.ms - s0 };
  };
  const CH = lib.CHUNK_ROWS;
  const C = Math.ceil(n / CH);
  const variants = [];
  const fitV = new Variant('fit()', timedSync(Xm));
  variants.push(fitV);

  // pools: one per distinct worker count (a pool has at most one worker per chunk)
  const pools = [];
  const seen = new Set();
  for (const W of workerCounts(opt.maxWorkers)) {
    const Wr = Math.min(W, C);
    if (seen.has(Wr)) {
      log(`${spec.name}: workers ${W} → ${Wr} (only ${C} chunks), already measured`);
      continue;
    }
    seen.add(Wr);
    const t0 = performance.now();
    let pool;
    try {
      pool = await lib.WorkerPool.create(Xm, { workers: W });
    } catch (e) {
      log(`✗ ${spec.name}: a pool of ${W} workers could not start: ${e?.message ?? e}`);
      continue;
    }
    const createMs = performance.now() - t0;
    const sh = shards(n, W, CH);
    if (sh.length !== pool.shards.length) throw new Error(`pool has ${pool.shards.length} workers, expected ${sh.length}`);
    const largest = sh.reduce((m, s) => (s.b - s.a > m.b - m.a ? s : m), sh[0]);
    // the workers' own E-step time (WorkerPool.workerTime, internal; absent from builds
    // before it: then the split of the overhead is n/a)
    const timesWork = typeof pool.workerTime === 'function';
    const av = new Variant(`fitAsync ${Wr}w`, async (iters) => {
      const gm = new lib.GaussianMixture(options(iters));
      const before = timesWork ? pool.workerTime('em') : null;
      const steps = timesWork ? pool.workerTime('step') : null;
      const s0 = stepClock.ms;
      const t0 = performance.now();
      await gm.fitAsync(pool);
      const t = performance.now() - t0;
      // relayed iterations run the step in every worker at once (builds before the relay: 0)
      const workerStep = steps ? Math.max(...pool.workerTime('step', steps).map((x) => x.ms)) : 0;
      return { t, gm, step: stepClock.ms - s0 + workerStep, work: before ? pool.workerTime('em', before).map((x) => x.ms) : null };
    });
    variants.push(av);
    let shardV = null;
    if (largest.b - largest.a < n) {
      shardV = new Variant(`fit() on ${largest.b - largest.a} rows`, timedSync({ data: X.subarray(largest.a * d, largest.b * d), rows: largest.b - largest.a, cols: d }));
      variants.push(shardV);
    }
    pools.push({ W, workers: Wr, pool, createMs, shards: sh, largestRows: largest.b - largest.a, async: av, shard: shardV });
    log(`${spec.name}: pool of ${Wr} worker(s) started in ${createMs.toFixed(0)} ms; largest shard ${largest.b - largest.a} rows (${Math.ceil((largest.b - largest.a) / CH)} of ${C} chunks)`);
  }
  let streamV = null;
  if (spec.stream) {
    const source = () => (function* () {
      for (let r = 0; r < n; r += STREAM_CHUNK) {
        const e = Math.min(n, r + STREAM_CHUNK);
        yield { data: X.subarray(r * d, e * d), rows: e - r, cols: d };
      }
    })();
    streamV = new Variant('fitStream', async (iters) => {
      const gm = new lib.GaussianMixture(options(iters));
      const t0 = performance.now();
      await gm.fitStream(source, { initSampleSize: n });
      return { t: performance.now() - t0, gm };
    });
    variants.push(streamV);
  }

  // warm-up pair of each, then rounds: one pair of every variant per round, the variant
  // that goes first rotating, so all are measured over the same stretch of time
  const tw = performance.now();
  for (const v of variants) await v.pair(N, 0, false);
  const snap0 = cpuSnapshot();
  log(`${spec.name}: warm-up pairs done in ${((performance.now() - tw) / 1000).toFixed(1)} s`);
  for (let r = 0; r < pairs; r++) {
    const tr = performance.now();
    for (let i = 0; i < variants.length; i++) await variants[(i + r) % variants.length].pair(N, (r + i) % 2);
    log(`${spec.name}: round ${r + 1}/${pairs} in ${((performance.now() - tr) / 1000).toFixed(1)} s; fit() so far ${fmt(fitV.msPerIter(N), 3)} ms/iter`);
  }
  const foreign = foreignCores(snap0, cpuSnapshot());
  for (const p of pools) p.pool.close();

  // results
  const Tfit = fitV.msPerIter(N);
  const ref = fitV.last;
  const T1 = pools.find((p) => p.workers === 1)?.async.msPerIter(N) ?? NaN;
  const rows = [];
  const noSplit = { computeMs: null, stepMs: null, msgMs: null, msgPct: null, contentionMs: null, contentionPct: null };
  const fitStep = fitV.stepMsPerIter(N);
  rows.push({ variant: 'fit()', workers: '–', largest: n, poolMs: null, ms: Tfit, ratioFit: 1, speedup: null, bound: null, shardMs: null, overheadMs: null, overheadPct: null, ...noSplit, stepMs: fitStep, same: !fitV.error, error: fitV.error });
  for (const p of pools) {
    const T = p.async.msPerIter(N);
    const shardMs = p.shard ? p.shard.msPerIter(N) : Tfit;
    const compute = p.async.workerMsPerIter(N);
    // the coordinator's step, in T(W) and in fit() on the largest shard (0 when not timed)
    const st = p.async.stepMsPerIter(N), shardSt = p.shard ? p.shard.stepMsPerIter(N) : fitStep;
    const step = Number.isFinite(st) ? st : 0, shardStep = Number.isFinite(shardSt) ? shardSt : 0;
    rows.push({
      variant: 'fitAsync(pool)', workers: p.workers > CORES ? `${p.workers} (> ${CORES} cores)` : p.workers, nWorkers: p.workers, largest: p.largestRows, poolMs: p.createMs, ms: T,
      ratioFit: T / Tfit, speedup: T1 / T, bound: n / p.largestRows, shardMs,
      overheadMs: T - shardMs, overheadPct: (100 * (T - shardMs)) / T,
      computeMs: compute, stepMs: Number.isFinite(st) ? st : null,
      msgMs: T - compute - step, msgPct: (100 * (T - compute - step)) / T,
      contentionMs: compute - (shardMs - shardStep), contentionPct: (100 * (compute - (shardMs - shardStep))) / (shardMs - shardStep),
      same: sameBits(ref, p.async.last), error: p.async.error ?? p.shard?.error ?? null,
    });
  }
  if (streamV) {
    const T = streamV.msPerIter(N);
    rows.push({ variant: `fitStream (${STREAM_CHUNK.toLocaleString('en')}-row pieces)`, workers: '–', largest: n, poolMs: null, ms: T, ratioFit: T / Tfit, speedup: null, bound: null, shardMs: null, overheadMs: null, overheadPct: null, ...noSplit, same: sameBits(ref, streamV.last), error: streamV.error });
  }
  const raw = Object.fromEntries(variants.map((v) => [v.label, {
    t1: v.t1, tN: v.tN, msPerIter: v.msPerIter(N), msPerIterMedian: v.msPerIterMedian(N),
    ...(v.sN.length ? { step1: v.s1, stepN: v.sN, stepMsPerIter: v.stepMsPerIter(N) } : {}),
    ...(v.wN.length ? { workerEm1: v.w1, workerEmN: v.wN, workerMsPerIter: v.workerMsPerIter(N), workerMsPerIterMedian: v.workerMsPerIterMedian(N) } : {}),
  }]));
  if (foreign !== null) log(`${spec.name}: other processes used ${foreign.toFixed(2)} cores during the timed rounds${foreign > 0.25 ? ' ⚠ (noisy)' : ''}`);
  return { name: spec.name, n, d, K, type, N, pairs, chunks: C, minDist: w.minDist, rows, raw, lowerBound: ref?.lowerBound ?? NaN, foreign };
}

// ---------------------------------------------------------------------------------------
// --stream-rss: fitStream over rows generated on the fly, in a child process

const RSS_ROWS = 33_554_432, RSS_ROWS_QUICK = 4_194_304, RSS_CHUNK = 65_536, RSS_ITERS = 2;

/** A field of /proc/self/status in KiB (VmHWM: this process's own peak RSS), or null. */
function procStatus(field) {
  try {
    const m = new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function streamChild(lib, cfg) {
  const spec = { name: 'rss', d: 8, K: 8, type: 'full', seed: 808 };
  const mix = mixture(spec);
  const { d, K } = mix;
  const seed = mix.rng.u32();
  const buf = new Float64Array(RSS_CHUNK * d);
  const passes = [];
  const source = () => {
    passes.push(performance.now());
    process.stderr.write(`  stream child: pass ${passes.length} started at ${((passes.at(-1) - passes[0]) / 1000).toFixed(1)} s\n`);
    const rng = new XorShift(seed); // every pass the same rows
    return (function* () {
      for (let r = 0; r < cfg.rows; r += RSS_CHUNK) {
        const m = Math.min(RSS_CHUNK, cfg.rows - r);
        fillRows(mix, rng, buf, m, null);
        yield { data: m === RSS_CHUNK ? buf : buf.subarray(0, m * d), rows: m, cols: d };
      }
    })();
  };
  // the generator alone, on one chunk's worth of rows many times, to split pass time
  const g0 = performance.now();
  const rng = new XorShift(seed);
  const genRows = Math.min(cfg.rows, 1_048_576);
  for (let r = 0; r < genRows; r += RSS_CHUNK) fillRows(mix, rng, buf, Math.min(RSS_CHUNK, genRows - r), null);
  const genNsPerRow = ((performance.now() - g0) * 1e6) / genRows;
  const rssBefore = process.resourceUsage().maxRSS, hwmBefore = procStatus('VmHWM');
  const gm = new lib.GaussianMixture({
    nComponents: K, covarianceType: 'full', tol: 0, regCovar: 1e-6, maxIter: cfg.iters,
    weightsInit: mix.start.weights, meansInit: { data: mix.start.means, rows: K, cols: d },
    precisionsInit: mix.start.precisions,
  });
  const t0 = performance.now();
  await gm.fitStream(source, { initSampleSize: 100_000 });
  const t1 = performance.now();
  const ends = [...passes.slice(1), t1];
  const passMs = passes.map((s, i) => ends[i] - s);
  const out = {
    rows: cfg.rows, cols: d, bytesPerPass: cfg.rows * d * 8, chunkRows: RSS_CHUNK, maxIter: cfg.iters,
    passes: passes.length, passMs, totalMs: t1 - t0, nIter: gm.nIter, lowerBound: gm.lowerBound,
    maxRssKiB: process.resourceUsage().maxRSS, maxRssBeforeFitKiB: rssBefore, genNsPerRow,
    vmHwmKiB: procStatus('VmHWM'), vmHwmBeforeFitKiB: hwmBefore,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

function runStreamChild(rows, dist) {
  return new Promise((resolve, reject) => {
    const cfg = JSON.stringify({ rows, iters: RSS_ITERS });
    const args = [fileURLToPath(import.meta.url), '--stream-child', cfg, ...(dist ? ['--dist', dist] : [])];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (b) => { out += b; });
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`stream child exited with ${code}`));
      try { resolve(JSON.parse(out.trim().split('\n').at(-1))); } catch (e) { reject(e); }
    });
  });
}

// ---------------------------------------------------------------------------------------
// report

function gitCommit() {
  try {
    const h = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'assembly'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return h + (dirty ? ' (src/ or assembly/ modified)' : '');
  } catch {
    return 'n/a';
  }
}

function distTime(dist) {
  try {
    return statSync(join(dist ? resolve(dist) : join(root, 'dist'), 'gmm.wasm')).mtime.toISOString();
  } catch {
    return 'n/a';
  }
}

function wasmHash(dist) {
  try {
    return createHash('sha256').update(readFileSync(join(dist ? resolve(dist) : join(root, 'dist'), 'gmm.wasm'))).digest('hex').slice(0, 12);
  } catch {
    return 'n/a';
  }
}

function machine(opt) {
  let cpu = 'unknown';
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch { /* not Linux */ }
  if (cpu === 'unknown') cpu = os.cpus()[0]?.model ?? cpu;
  return {
    cpu, cores: CORES, logicalCpus: os.cpus().length, memGiB: os.totalmem() / 2 ** 30,
    node: process.version, v8: process.versions.v8, platform: `${os.platform()} ${os.arch()} ${os.release()}`,
    date: new Date().toISOString(), loadAvg: os.loadavg(),
    command: `node bench/scaling.js ${process.argv.slice(2).join(' ')}`.trim(), quick: opt.quick,
    dist: opt.dist ?? 'dist/', wasmSha256: wasmHash(opt.dist), commit: gitCommit(), distBuilt: distTime(opt.dist),
  };
}

/** "1.234 ms (5.6 %)" for a table cell; '' where the row has no such value. */
function msPct(ms, pct, sign = '') {
  if (ms === null || ms === undefined) return '';
  return Number.isFinite(ms) ? `${fmt(ms, 3)} ms (${sign && pct >= 0 ? sign : ''}${fmt(pct, 1)} %)` : 'n/a';
}

function markdown(m, results, rss, totalS) {
  const L = [];
  L.push('# gmm-wasm scaling: fit vs fitAsync (WorkerPool) vs fitStream', '');
  L.push(`* CPU: ${m.cpu}; ${m.cores} cores (os.availableParallelism), ${m.memGiB.toFixed(0)} GiB`);
  L.push(`* Node ${m.node} (V8 ${m.v8}), ${m.platform}`);
  L.push(`* ${m.date}; load average at start ${m.loadAvg.map((x) => x.toFixed(2)).join(' ')}; run took ${totalS.toFixed(0)} s`);
  L.push(`* Command: \`${m.command}\`; build ${m.dist} (gmm.wasm sha256 ${m.wasmSha256}…, built ${m.distBuilt}; checkout at ${m.commit})`);
  if (m.control) L.push(`* Cores control (\`bench/cores-control.js\`: ${m.control.P} independent single-threaded processes fitting o8's 62,500-row share, throughput against one alone): ${controlText(m.control)}`);
  L.push('');
  L.push('ms/iter = (min T(N) − min T(1)) / (N − 1) over pairs of fits from one explicit start (tol 0); all variants');
  L.push('of a workload are timed in turns over the same stretch of time. fitAsync fits a WorkerPool created');
  L.push('once per worker count (its start-up, data transfer included, is "pool start"). Speedup: over the 1-worker');
  L.push('pool. Ideal: n ÷ rows of the largest shard (the pool gives each worker whole CHUNK_ROWS-row chunks). Total');
  L.push('overhead: T(W) − T(fit() on the largest shard\'s rows), in % of T(W); it is split in two. In-worker compute:');
  L.push('the time each worker reports spending inside its E-step answers (performance.now() in the worker), per');
  L.push('iteration by the same estimator as ms/iter, the largest over workers. Coordinator step: the lower bound and');
  L.push('M-step between two E-steps (Coordinator.update, timed in the coordinator\'s thread), which fit() runs on the');
  L.push('same statistics: serial work of EM, not an overhead of the workers. Messages + merge = T(W) − in-worker');
  L.push('compute − coordinator step (posting, wake-ups, structured clone, the coordinator\'s merge of tree nodes, the');
  L.push('workers\' imbalance from one iteration to the next, and a worker\'s wait for a core before it starts an');
  L.push('answer), in % of T(W). Contention = in-worker compute − (fit() on the largest shard − its step) (the same rows computed slower in a worker');
  L.push('while the other cores are busy; a worker descheduled mid-answer counts here, performance.now() being wall');
  L.push('time), in % of fit() on the largest shard. Each is a difference of separately minimised times, so on a busy');
  L.push('machine a small one can come out negative (pair-by-pair medians: scaling-raw.json). Identical: final');
  L.push('lowerBound, nIter, weights, means and covariances bit-identical to fit()\'s.', '');
  L.push('| workload | variant | workers | largest shard (rows) | pool start (ms) | ms/iter | ÷ fit() | speedup vs 1 worker | ideal | fit() on largest shard (ms/iter) | total overhead (% of T(W)) | in-worker compute (ms/iter, max over workers) | coordinator step (ms/iter) | messages + merge (% of T(W)) | contention (% of fit() on largest shard) | identical |');
  L.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |');
  for (const r of results) {
    const busy = r.foreign === null || r.foreign === undefined ? '' : `; others used ${r.foreign.toFixed(2)} cores${r.foreign > 0.25 ? ' ⚠' : ''}`;
    const head = `${r.name} (${r.n.toLocaleString('en')} × ${r.d}, K=${r.K} ${r.type}, ${r.chunks} chunks; N=${r.N}, ${r.pairs} pairs${busy})`;
    for (const [i, x] of r.rows.entries()) {
      L.push(`| ${i === 0 ? head : r.name} | ${x.variant} | ${x.workers} | ${x.largest.toLocaleString('en')} | ${x.poolMs === null ? '' : x.poolMs.toFixed(0)} | ${fmt(x.ms, 3)} | ${fmt(x.ratioFit, 3)} | ${x.speedup === null ? '' : Number.isFinite(x.speedup) ? fmt(x.speedup) + '×' : 'n/a'} | ${x.bound === null ? '' : fmt(x.bound) + '×'} | ${x.shardMs === null ? '' : fmt(x.shardMs, 3)} | ${msPct(x.overheadMs, x.overheadPct)} | ${x.computeMs === null ? '' : fmt(x.computeMs, 3)} | ${x.stepMs === null ? '' : fmt(x.stepMs, 3)} | ${msPct(x.msgMs, x.msgPct)} | ${msPct(x.contentionMs, x.contentionPct, '+')} | ${x.same ? '✓' : x.error ? '✗ (failed)' : '✗'} |`);
    }
  }
  L.push('', '## Targets', '');
  for (const t of targets(results)) L.push(`* ${t.ok === null ? '–' : t.ok ? '✓' : '✗'} ${t.text}`);
  if (rss?.error) L.push('', '## fitStream over rows generated on the fly (child process)', '', `✗ failed: ${rss.error}`);
  else if (rss) {
    L.push('', '## fitStream over rows generated on the fly (child process)', '');
    L.push(`${rss.rows.toLocaleString('en')} rows × ${rss.cols} (${(rss.bytesPerPass / 2 ** 30).toFixed(2)} GiB of float64 per pass), generated in ${rss.chunkRows.toLocaleString('en')}-row pieces`);
    L.push(`into one reused Float64Array (xorshift128 + polar method, the same rows every pass), K=8 full, explicit start,`);
    L.push(`maxIter ${rss.maxIter}, tol 0.`, '');
    L.push('| passes | peak RSS, maxRSS (MiB) | maxRSS before the fit (MiB) | VmHWM after / before the fit (MiB) | s per pass (min) | rows/s | generator alone (ns/row) | total (s) |');
    L.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    const best = Math.min(...rss.passMs);
    const mib = (k) => (k === null || k === undefined ? 'n/a' : (k / 1024).toFixed(0));
    L.push(`| ${rss.passes} | ${mib(rss.maxRssKiB)} | ${mib(rss.maxRssBeforeFitKiB)} | ${mib(rss.vmHwmKiB)} / ${mib(rss.vmHwmBeforeFitKiB)} | ${(best / 1000).toFixed(2)} | ${(rss.rows / (best / 1000) / 1e6).toFixed(2)} M | ${rss.genNsPerRow.toFixed(0)} | ${(rss.totalMs / 1000).toFixed(1)} |`);
    L.push('', `Pass times (s): ${rss.passMs.map((t) => (t / 1000).toFixed(2)).join(', ')}; final lowerBound ${rss.lowerBound}, nIter ${rss.nIter}.`);
    L.push('maxRSS is process.resourceUsage().maxRSS of the child (run first, while the parent is small: Linux');
    L.push('carries the parent\'s RSS at fork into it); VmHWM (/proc/self/status) is the child\'s own peak.');
  }
  return L.join('\n') + '\n';
}

/** "1.95× before the workloads, 1.40× after" (of P), and whether both reached 0.9·P. */
function controlText(c) {
  const f = (r) => (r ? `${fmt(r.throughput)}×` : 'n/a');
  const low = [c.before, c.after].some((r) => r && r.throughput < 0.9 * c.P);
  return `${f(c.before)} before the workloads, ${f(c.after)} after${low ? ` ⚠ below 0.9 × ${c.P}: the machine gave fewer cores than it has for part of the run, so its scaling figures are the machine's as much as gmm-wasm's` : ''}`;
}

function targets(results) {
  const T = [];
  for (const r of results) {
    const one = r.rows.find((x) => x.workers === 1);
    const two = r.rows.find((x) => x.workers === 2 || x.workers === `2 (> ${CORES} cores)`);
    if (one) {
      const dev = Math.abs(one.ratioFit - 1);
      T.push({ ok: dev <= 0.05, text: `${r.name}: fitAsync(1 worker) ÷ fit() = ${fmt(one.ratioFit, 3)} (target within 5 %)` });
    }
    if (two) {
      T.push({ ok: two.speedup >= 1.8, text: `${r.name}: 2 workers = ${Number.isFinite(two.speedup) ? fmt(two.speedup) + '×' : 'n/a (failed)'} 1 worker (target ≥ 1.8×; ideal for this split ${fmt(two.bound)}×; total overhead ${fmt(two.overheadPct, 1)} % of T(2))` });
    }
    // issue 10: messages + merge at the largest worker count measured
    const most = r.rows.filter((x) => x.nWorkers !== undefined).reduce((a, x) => (a === null || x.nWorkers > a.nWorkers ? x : a), null);
    if (most) {
      const known = Number.isFinite(most.msgPct);
      T.push({
        ok: known ? most.msgPct <= 3 : null,
        text: `${r.name}: messages + merge at ${most.nWorkers} worker(s) = ${known ? `${fmt(most.msgMs, 3)} ms = ${fmt(most.msgPct, 1)} % of T(${most.nWorkers})` : 'n/a (no worker times)'} ` +
          `(target ≤ 3 %; the coordinator's step, ${fmt(most.stepMs, 3)} ms, which fit() runs too, not counted); besides: contention ${fmt(most.contentionMs, 3)} ms (${fmt(most.contentionPct, 1)} % over fit() on the largest shard), total overhead ${fmt(most.overheadPct, 1)} %`,
      });
    }
    const st = r.rows.find((x) => x.variant.startsWith('fitStream'));
    if (st) T.push({ ok: st.ratioFit <= 1.3, text: `${r.name}: fitStream ÷ fit() per row = ${fmt(st.ratioFit, 3)} (target ≤ 1.3)` });
    const bad = r.rows.filter((x) => !x.same);
    T.push({ ok: bad.length === 0, text: `${r.name}: every variant bit-identical to fit()${bad.length ? ' — MISMATCH: ' + bad.map((x) => `${x.variant} ${x.workers}${x.error ? ' (failed: ' + x.error + ')' : ''}`).join('; ') : ''}` });
  }
  return T;
}

function printTable(results) {
  for (const r of results) {
    console.log(`\n${r.name}: ${r.n} × ${r.d}, K=${r.K} ${r.type}, ${r.chunks} chunks, N=${r.N}, ${r.pairs} pairs; lowerBound ${r.lowerBound}`);
    console.log('  variant                         workers  largest  pool ms   ms/iter  ÷fit    speedup ideal  shard ms/it total ovh worker ms/it  step ms/it msg+merge contention  same');
    for (const x of r.rows) {
      console.log('  ' + [
        x.variant.padEnd(31), String(x.workers).padStart(7), String(x.largest).padStart(8),
        (x.poolMs === null ? '' : x.poolMs.toFixed(0)).padStart(8), fmt(x.ms, 3).padStart(9), fmt(x.ratioFit, 3).padStart(6),
        (x.speedup === null ? '' : fmt(x.speedup) + '×').padStart(8), (x.bound === null ? '' : fmt(x.bound) + '×').padStart(6),
        (x.shardMs === null ? '' : fmt(x.shardMs, 3)).padStart(11), (x.overheadPct === null ? '' : fmt(x.overheadPct, 1) + ' %').padStart(9),
        (x.computeMs === null ? '' : fmt(x.computeMs, 3)).padStart(12), (x.stepMs === null ? '' : fmt(x.stepMs, 3)).padStart(11), (x.msgPct === null ? '' : fmt(x.msgPct, 1) + ' %').padStart(9),
        (x.contentionPct === null ? '' : fmt(x.contentionPct, 1) + ' %').padStart(10),
        x.same ? '    ✓' : '    ✗',
      ].join(' ') + (x.error ? `\n      failed: ${x.error}` : ''));
    }
  }
}

// ---------------------------------------------------------------------------------------
// main

async function loadLib(dist) {
  const dir = dist ? resolve(dist) : join(root, 'dist');
  const entry = join(dir, 'entry-node.js');
  if (!existsSync(entry)) {
    console.error(`${entry} is missing: run \`npm run build\` first.`);
    process.exit(2);
  }
  const lib = await import(pathToFileURL(entry).href);
  await lib.init();
  // The coordinator's step between two E-steps (lower bound, M-step: Coordinator.update,
  // internal), timed in this thread by a wrapper: fit() and fitAsync() run the same step on
  // the same statistics, so it is serial work of EM, not an overhead of the workers. Builds
  // without that module leave stepClock at 0 (the step then counts as messages + merge).
  const co = join(dir, 'fit', 'coordinator.js');
  if (existsSync(co)) {
    const { Coordinator } = await import(pathToFileURL(co).href);
    const update = Coordinator?.prototype?.update;
    if (typeof update === 'function') {
      Coordinator.prototype.update = function (...a) {
        const t0 = performance.now();
        try { return update.apply(this, a); } finally { stepClock.ms += performance.now() - t0; }
      };
      stepClock.known = true;
    }
  }
  return lib;
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  const lib = await loadLib(opt.dist);
  if (opt.child) return streamChild(lib, opt.child);
  const m = machine(opt);
  log(`${m.cpu}, ${m.cores} cores, Node ${m.node}; workers up to ${opt.maxWorkers}; ${m.command}`);
  if (opt.waitIdle > 0) {
    log(`waiting up to ${opt.waitIdle} s for the machine to be idle …`);
    await waitIdle(opt.waitIdle);
  }
  const full = !opt.quick && !opt.only && opt.pairs === null && opt.iters === null && !opt.dist;
  const mdPath = full ? join(here, 'scaling-results.md') : join(DATA, 'scaling-results.md');
  mkdirSync(DATA, { recursive: true });
  const results = [];
  let rss = null;
  // written after every workload too (marked partial), so a run cut short leaves its results
  const write = (partial) => {
    const totalS = (performance.now() - T0) / 1000;
    let md = markdown(m, results, rss, totalS);
    if (partial) md = md.replace('\n', `\n\n**Partial: ${partial}**\n`);
    writeFileSync(mdPath, md);
    writeFileSync(join(DATA, 'scaling-raw.json'), JSON.stringify({ machine: m, partial: partial || null, results, rss, totalS }, null, 1));
    return totalS;
  };
  // first, while this process is small: Linux carries the parent's RSS at fork into the
  // child's maxRSS (ru_maxrss survives exec), so a child forked from a big parent would report it
  if (opt.streamRss) {
    const rows = opt.quick ? RSS_ROWS_QUICK : RSS_ROWS;
    log(`stream-rss: fitStream over ${rows.toLocaleString('en')} × 8 rows generated on the fly, in a child process`);
    try {
      rss = await runStreamChild(rows, opt.dist);
      log(`stream-rss: peak RSS ${(rss.maxRssKiB / 1024).toFixed(0)} MiB (before the fit ${(rss.maxRssBeforeFitKiB / 1024).toFixed(0)} MiB; VmHWM ${((rss.vmHwmKiB ?? NaN) / 1024).toFixed(0)} MiB); passes ${rss.passMs.map((t) => (t / 1000).toFixed(2)).join(', ')} s; ${(rss.rows / (Math.min(...rss.passMs) / 1000) / 1e6).toFixed(2)} M rows/s`);
    } catch (e) {
      log(`✗ stream-rss failed: ${e?.message ?? e}`);
      rss = { error: String(e?.message ?? e) };
    }
  }
  // --control: how many cores the machine gives right now, independent processes only
  const control = async () => {
    // imported here: its child processes import this file for the workloads' generator
    const { coresControl, controlLine } = await import('./cores-control.js');
    const counts = opt.maxWorkers > 1 ? [1, opt.maxWorkers] : [1];
    const rows = await coresControl(['o8'], counts, (r) => log(`cores control: ${controlLine(r)}`));
    return rows[rows.length - 1];
  };
  if (opt.control) m.control = { P: opt.maxWorkers, before: await control(), after: null };
  const todo = WORKLOADS.filter((spec) => !opt.only || opt.only.includes(spec.name));
  for (const spec of todo) {
    results.push(await runWorkload(lib, spec, opt));
    write(`${results.length} of ${todo.length} workloads done`);
  }
  if (opt.control) m.control.after = await control();
  printTable(results);
  console.log('\nTargets:');
  for (const t of targets(results)) console.log(`  ${t.ok === null ? '–' : t.ok ? '✓' : '✗'} ${t.text}`);
  if (m.control) console.log(`  – cores control: ${controlText(m.control)}`);
  const totalS = write('');
  log(`wrote ${mdPath.slice(root.length + 1)} and bench/.data/scaling-raw.json; total ${totalS.toFixed(0)} s`);
}

export { WORKLOADS, XorShift, mixture, fillRows, generate, shards };

// run when executed (not when imported, e.g. to reuse the generator)
if (process.argv[1] && fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1])) await main();
