#!/usr/bin/env node
// gmm-wasm benchmark: time per EM iteration against scikit-learn and the JavaScript GMMs on
// npm, from the same data and the same explicit start; end-to-end default fits; predict /
// scoreSamples throughput; memory of a fit; and the machine's WebAssembly SIMD peak.
// See bench/README.md for the method. Usage:
//
//   node bench/run.js [--quick] [--only m8,w64] [--no-peers] [--no-sklearn] [--strict]
//                     [--dist DIR] [--label TEXT] [--wait-idle[=SECONDS]]
//
import { Bench } from 'tinybench';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, statSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, relative, resolve } from 'node:path';
import os from 'node:os';
import { ensureNpy, fullCovariances } from './data.js';
import { WORKLOADS, TARGET_RATIO, generate } from './workloads.js';
import { PEERS, meanLogLikelihood } from './peers.js';
import { measurePeak } from './peak.js';
import { cpuSnapshot, foreignCores, waitIdle } from './host.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const DATA = join(here, '.data');
const T0 = performance.now();
const LOAD0 = os.loadavg();

// ---------------------------------------------------------------------------------------
// options

const HELP = `usage: node bench/run.js [options]
  --quick        smaller data and fewer repetitions (smoke run, < 1 minute)
  --only a,b     only these workloads (${WORKLOADS.map((w) => w.name).join(', ')})
  --no-peers     skip the npm JavaScript GMMs
  --no-sklearn   skip scikit-learn
  --strict       exit 1 if a mean log-likelihood disagrees (gmm-wasm vs scikit-learn)
  --dist DIR     benchmark the gmm-wasm build in DIR (default: dist/ of this repo), e.g. a
                 build of an older commit for a before/after comparison
  --label TEXT   a note on the build, printed in the stamp
  --wait-idle[=S]  first wait (up to S seconds, default 300) until other processes use
                 less than 0.2 of a core (this machine is shared)
Results: stdout, bench/.data/results.json, and bench/results.md (full run of all
workloads) or bench/.data/results.md (otherwise).`;

function parseArgs(argv) {
  const o = { quick: false, only: null, peers: true, sklearn: true, strict: false, dist: null, label: null, waitIdle: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(7) : argv[++i];
      if (!v) throw new Error('--only needs a comma-separated list of workloads');
      o.only = v.split(',').map((s) => s.trim()).filter(Boolean);
      for (const n of o.only) {
        if (!WORKLOADS.some((w) => w.name === n)) throw new Error(`unknown workload "${n}"; known: ${WORKLOADS.map((w) => w.name).join(', ')}`);
      }
    } else if (a === '--no-peers') o.peers = false;
    else if (a === '--no-sklearn') o.sklearn = false;
    else if (a === '--strict') o.strict = true;
    else if (a === '--dist' || a.startsWith('--dist=')) {
      o.dist = a.includes('=') ? a.slice(7) : argv[++i];
      if (!o.dist) throw new Error('--dist needs a directory');
    } else if (a === '--wait-idle' || a.startsWith('--wait-idle=')) {
      o.waitIdle = a.includes('=') ? Number(a.slice(12)) : 300;
      if (!(o.waitIdle >= 0)) throw new Error('--wait-idle=SECONDS needs a number ≥ 0');
    } else if (a === '--label' || a.startsWith('--label=')) {
      o.label = a.includes('=') ? a.slice(8) : argv[++i];
      if (!o.label) throw new Error('--label needs a text');
    }
    else if (a === '-h' || a === '--help') {
      console.log(HELP);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${HELP}`);
  }
  return o;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
const QUICK = opts.quick;
const DIST = resolve(opts.dist ?? join(root, 'dist'));
if (!existsSync(join(DIST, 'entry-node.js')) || !existsSync(join(DIST, 'gmm.wasm'))) {
  console.error(`${DIST} has no entry-node.js / gmm.wasm: run \`npm run build\` first (or pass --dist DIR).`);
  process.exit(2);
}
const { init, GaussianMixture } = await import(pathToFileURL(join(DIST, 'entry-node.js')).href);

/**
 * Per workload: EM iterations N and repetitions (pairs) for gmm-wasm and scikit-learn; for
 * the peers a row subsample, their iteration count and pairs (their time per iteration is
 * scaled linearly to the full n). quickN (data.js) replaces n in --quick.
 */
/** The realistic regime's N and pairs: [quick N, quick pairs, full N, full pairs]. */
const REALISTIC_CFG = {
  o8: [4, 3, 10, 5], 'o8-tied': [4, 3, 10, 5], 'o8-spherical': [4, 3, 10, 5], o16d: [3, 3, 6, 5], o64: [3, 2, 6, 5],
  digits: [5, 3, 20, 7], letter: [3, 3, 8, 5], shuttle: [3, 3, 8, 5], satellite: [4, 3, 10, 5],
};
function realisticCfg(full) {
  return Object.fromEntries(Object.entries(REALISTIC_CFG).map(([k, v]) => [k, { iters: v[2 * full], reps: v[2 * full + 1] }]));
}
const CFG = QUICK
  ? {
    ...realisticCfg(0),
    blobs2d: { iters: 20, reps: 10, peer: { rows: 1000, iters: 3, reps: 2 } },
    m8: { iters: 4, reps: 3, peer: { rows: 2000, iters: 2, reps: 1 } },
    'm8-tied': { iters: 4, reps: 3 },
    'm8-spherical': { iters: 4, reps: 3 },
    w64: { iters: 3, reps: 2, peer: null }, // the peers need ≥ 2,000 rows in 64-d: skipped in --quick
    diag16: { iters: 4, reps: 3 },
  }
  : {
    ...realisticCfg(1),
    blobs2d: { iters: 100, reps: 30, peer: { rows: 1000, iters: 20, reps: 30 } },
    m8: { iters: 20, reps: 7, peer: { rows: 10000, iters: 3, reps: 3 } },
    'm8-tied': { iters: 20, reps: 7 },
    'm8-spherical': { iters: 20, reps: 7 },
    w64: { iters: 10, reps: 7, peer: { rows: 2000, iters: 2, reps: 2 } },
    diag16: { iters: 10, reps: 7 },
  };
const PEER_BUDGET_MS = QUICK ? 3000 : 15000; // per peer and workload, after the first pair
const SKL_BUDGET_S = QUICK ? 4 : 30; // per workload, after the first pair
// the realistic regime's first (full runs only: scikit-learn takes seconds on letter), then the easy one's
const E2E = {
  ...(QUICK ? {} : { o8: { reps: 3 }, o16d: { reps: 3 }, letter: { reps: 3 }, shuttle: { reps: 3 }, satellite: { reps: 3 } }),
  blobs2d: { reps: QUICK ? 10 : 50 }, m8: { reps: QUICK ? 2 : 5 },
};
const REG = 1e-6;
const TOL_SKLEARN = 1e-8; // relative, gmm-wasm vs scikit-learn mean log-likelihood
const TOL_PEER = 1e-6; // relative, peer vs gmm-wasm (regCovar 0) on the same rows

const TARGET_REAL_GEOMEAN = 0.30; // over the real datasets, against one thread
const CANARY_SLOW = 1.3; // a workload whose speed canary is slower than this × the run's fastest is flagged (quiet runs: within 1.15; slow phases: 1.4-1.7)

/** The workloads with a speed canary, the run's fastest canary, and the names of those that
 *  started in a slow phase (canary above CANARY_SLOW × the fastest). */
function canaryReport(workloads) {
  const timed = Object.entries(workloads).filter(([, r]) => r.canaryMs > 0);
  const fastest = Math.min(...timed.map(([, r]) => r.canaryMs));
  return { timed, fastest, slow: timed.filter(([, r]) => r.canaryMs > CANARY_SLOW * fastest).map(([n]) => n) };
}
const TARGET_FIXED_ITERS = { o8: 1 }; // T(1) − one iteration, in iterations
const TARGET_PEAK_FRACTION = { o64: 0.75, w64: 0.5 };
const REGIMES = [
  { kind: ['overlap', 'real'], title: 'Realistic regime: overlapping clusters and real data (the headline)', vs: 'one' },
  { kind: ['easy'], title: 'Easy regime: well-separated clusters', vs: 'default' },
];
/** The scikit-learn figure a workload's target ratio is measured against. */
const targetVs = (r) => (r.kind === 'easy' ? 'default' : 'one');
const TARGET_E2E_RATIO = { m8: 0.25 };
const TARGET_E2E_MS = { blobs2d: 1 };
const TARGET_PEER_SPEEDUP = 50;
const NOISY = 0.25; // cores used by other processes above which a figure is flagged noisy

const workloads = WORKLOADS.filter((w) => !opts.only || opts.only.includes(w.name));

// ---------------------------------------------------------------------------------------
// small helpers

const log = (...a) => console.log(...a);
const note = (s) => process.stdout.write(`${s}\n`);

function median(a) {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The time per iteration of a set of pairs: (min T(N) − min T(1)) / (N − 1). Noise on a
 * shared machine (other tenants, frequency changes) only ever adds time, so the fastest of
 * each kind of fit is the best estimate of its cost; the same estimator is used for every
 * implementation. The median of the paired differences is kept alongside.
 */
function minBased(t1, tN, N) {
  return (Math.min(...tN) - Math.min(...t1)) / (N - 1);
}

/** Median absolute deviation relative to the median, in percent. */
function spreadPct(a) {
  if (a.length < 2) return NaN;
  const m = median(a);
  return (100 * median(a.map((x) => Math.abs(x - m)))) / Math.abs(m);
}

function sig(x, n = 3) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 10 ** n) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(n)).toString();
}

function relDiff(a, b) {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

function mib(b) {
  if (b === null || b === undefined || !Number.isFinite(b)) return '—';
  return b < 2 ** 20 ? `${(b / 1024).toFixed(0)} KiB` : `${(b / 2 ** 20).toFixed(1)} MiB`;
}

function mdTable(header, rows) {
  const esc = (c) => String(c ?? '').replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function mark(ok) {
  return ok ? '✓' : '✗';
}

function elapsed() {
  return `${((performance.now() - T0) / 1000).toFixed(0)} s`;
}

// CPU used by other processes: /proc/stat's busy time of all CPUs minus this process's and
// its waited-for children's (/proc/self/stat utime, stime, cutime, cstime), in cores.

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------
// scikit-learn (a Python child process; runs while this process waits idle)

function findPython() {
  const cands = [process.env.GMM_BENCH_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter(Boolean);
  for (const p of cands) {
    const r = spawnSync(p, ['-c', 'import sklearn, numpy'], { stdio: 'ignore' });
    if (r.status === 0) return p;
  }
  return null;
}

function runPython(py, job, timeoutMs) {
  const r = spawnSync(py, [join(here, 'sklearn_bench.py')], {
    input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: timeoutMs,
  });
  if (r.status !== 0) {
    throw new Error(`scikit-learn script failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' / ')}`);
  }
  return JSON.parse(r.stdout);
}

/**
 * sklearn_bench.py --serve: one command per line, one JSON answer per line. Used for the
 * per-iteration timing, so that scikit-learn's pairs of fits alternate with gmm-wasm's.
 */
class PythonServer {
  constructor(py) {
    this.proc = spawn(py, [join(here, 'sklearn_bench.py'), '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.buf = '';
    this.err = '';
    this.waiting = [];
    this.exited = new Promise((res) => this.proc.on('close', res));
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk) => {
      this.buf += chunk;
      let nl;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        const w = this.waiting.shift();
        if (!w) continue;
        try {
          const out = JSON.parse(line);
          if (out.error) w.rej(new Error(out.error)); else w.res(out);
        } catch (e) {
          w.rej(e);
        }
      }
    });
    this.proc.stderr.on('data', (chunk) => { this.err = (this.err + chunk).slice(-4000); });
    this.proc.on('close', (code) => {
      for (const w of this.waiting.splice(0)) w.rej(new Error(`scikit-learn script exited (${code}): ${this.err.trim().split('\n').slice(-3).join(' / ')}`));
    });
    this.proc.stdin.on('error', () => {}); // a dead child is reported through 'close'
  }

  request(cmd) {
    return new Promise((res, rej) => {
      this.waiting.push({ res, rej });
      this.proc.stdin.write(JSON.stringify(cmd) + '\n');
    });
  }

  /** Ends the child and waits for it, so that its CPU time counts as the benchmark's own. */
  async close() {
    this.proc.stdin.end(JSON.stringify({ op: 'quit' }) + '\n');
    await this.exited;
  }
}

// ---------------------------------------------------------------------------------------
// gmm-wasm timing

function gmmOptions(w, iters, regCovar = REG) {
  return {
    nComponents: w.K, covarianceType: w.type, tol: 0, regCovar, maxIter: iters,
    weightsInit: w.start.weights, meansInit: { data: w.start.means, rows: w.K, cols: w.d },
    precisionsInit: w.start.precisions,
  };
}

/**
 * Time per EM iteration by paired differences, run by tinybench: one sample fits with
 * maxIter 1 and maxIter N (order alternating) and records (T(N) − T(1)) / (N − 1).
 * After each gmm-wasm pair, every companion (scikit-learn, the npm peers: { wants(),
 * step(order) }) that still wants pairs times one of its own, so all are timed over the
 * same stretch of a machine whose speed drifts; companions wanting more pairs than
 * gmm-wasm runs continue afterwards.
 */
async function timeIterations(label, X, w, N, reps, companions = []) {
  const raw = [];
  let k = 0;
  let last1 = null, lastN = null;
  const fitTimed = (iters) => {
    const gm = new GaussianMixture(gmmOptions(w, iters));
    const t0 = performance.now();
    gm.fit(X);
    const t = performance.now() - t0;
    if (iters === 1) last1 = gm; else lastN = gm;
    return t;
  };
  const sample = () => {
    let a, b;
    if (k++ % 2 === 0) { a = fitTimed(1); b = fitTimed(N); } else { b = fitTimed(N); a = fitTimed(1); }
    const s = (b - a) / (N - 1);
    return { s, a, b };
  };
  sample(); // warm-up (also tiers the core's functions up to optimised code)
  const t1 = [], tN = [];
  const bench = new Bench({ name: label, time: 0, iterations: reps, warmup: false, throws: true });
  bench.add(label, async () => {
    const order = k % 2;
    const { s, a, b } = sample();
    raw.push(s); t1.push(a); tN.push(b);
    for (const c of companions) if (c.wants()) await c.step(order);
    return { overriddenDuration: Math.max(0, s) }; // tinybench rejects negative samples
  }, { async: true });
  await bench.run();
  for (const c of companions) for (let order = k % 2; c.wants(); order ^= 1) await c.step(order);
  const r = bench.tasks[0].result;
  const msPerIter = minBased(t1, tN, N);
  return {
    msPerIter, msPerIterMedian: median(raw), samples: raw, t1, tN, spreadPct: spreadPct(raw),
    fixedMs: Math.min(...t1) - msPerIter, // T(1) − one iteration: the fit's fixed cost
    rme: r.latency?.rme ?? NaN,
    startLL: last1.lowerBound, lowerBound: lastN.lowerBound, finalLL: lastN.score(X), nIter: lastN.nIter,
    model: lastN,
  };
}

/** One untimed gmm-wasm fit from the start with regCovar 0 on `rows` rows (the peers'
 *  reference). A fit with precisionsInit needs n ≥ paramLength/2 rows in this core (its
 *  init scratch), so small subsamples are padded with zero-weight rows. */
function gmmReference(w, X, rows, iters) {
  const P = w.start.precisions.length;
  const total = Math.min(w.n, Math.max(rows, Math.ceil(P / 2) + 1));
  const sw = new Float64Array(total);
  sw.fill(1, 0, rows);
  const gm = new GaussianMixture(gmmOptions(w, iters, 0));
  gm.fit({ data: X.subarray(0, total * w.d), rows: total, cols: w.d }, total > rows ? { sampleWeight: sw } : {});
  return gm.score({ data: X.subarray(0, rows * w.d), rows, cols: w.d });
}

// ---------------------------------------------------------------------------------------
// peers

function peerStart(w) {
  return {
    weights: Array.from(w.start.weights),
    means: Array.from({ length: w.K }, (_, k) => Array.from(w.start.means.subarray(k * w.d, (k + 1) * w.d))),
    covariances: fullCovariances(w, w.start),
  };
}

/** scikit-learn as a companion of timeIterations, through sklearn_bench.py --serve: per step
 *  one pair as it runs by default and one pair limited to one thread (threadpoolctl), in
 *  alternating order, within its pair count and time budget (at least two pairs); result()
 *  gives its timing (one-thread figures under .one) and log-likelihoods; close() ends the
 *  child. */
async function sklearnCompanion(py, name, w, c) {
  const server = new PythonServer(py);
  const pairs = [], ones = [];
  let error = null;
  let startAt = null;
  try {
    await server.request({
      op: 'load',
      task: {
        name, npy: w.npy, n: w.n, d: w.d, K: w.K, type: w.type, iters: c.iters, regCovar: REG,
        weights: Array.from(w.start.weights), means: Array.from(w.start.means), precisions: Array.from(w.start.precisions),
      },
    });
  } catch (e) {
    error = e.message;
  }
  const minReps = Math.min(2, c.reps);
  return {
    wants: () => !error && pairs.length < c.reps &&
      (pairs.length < minReps || performance.now() - startAt < SKL_BUDGET_S * 1000),
    async step(order) {
      startAt ??= performance.now();
      try {
        if (order === 0) {
          pairs.push(await server.request({ op: 'pair', order }));
          ones.push(await server.request({ op: 'pair', order, threads: 1 }));
        } else {
          ones.push(await server.request({ op: 'pair', order, threads: 1 }));
          pairs.push(await server.request({ op: 'pair', order }));
        }
      } catch (e) {
        error = e.message;
      }
    },
    async result() {
      if (error) throw new Error(error);
      if (!pairs.length) throw new Error('no pairs were timed');
      const s = { ...(await server.request({ op: 'finish' })) };
      const timing = (ps) => {
        const t1 = ps.map((q) => q.t1), tN = ps.map((q) => q.tN);
        const samples = ps.map((q) => (q.tN - q.t1) / (c.iters - 1));
        const msPerIter = minBased(t1, tN, c.iters);
        return { t1, tN, samples, msPerIter, msPerIterMedian: median(samples), spreadPct: spreadPct(samples), fixedMs: Math.min(...t1) - msPerIter };
      };
      return { ...s, ...timing(pairs), one: timing(ones) };
    },
    close: () => server.close(),
  };
}

/** A peer as a companion of timeIterations: probes it once (a peer that fails its first
 *  iteration is not timed), then times one pair per step; result() scores its final fit. */
function peerCompanion(peer, w, pc) {
  const rows = Math.min(pc.rows, w.n);
  const X = w.X.subarray(0, rows * w.d);
  const h = peer.prepare(X, rows, w.d, peerStart(w));
  const N = pc.iters;
  const samples = [], t1s = [], tNs = [];
  let final = null;
  let failure = null;
  const t = (iters) => {
    const t0 = performance.now();
    const p = h.run(iters);
    const ms = performance.now() - t0;
    return { ms, p };
  };
  // warm-up and probe: one iteration (JIT)
  if (!Number.isFinite(meanLogLikelihood(X, rows, w.d, t(1).p))) {
    failure = `NaN / non-positive-definite parameters after 1 iteration on ${rows.toLocaleString('en-US')} rows`;
  }
  let startAt = null;
  return {
    wants: () => !failure && samples.length < pc.reps && (startAt === null || performance.now() - startAt <= PEER_BUDGET_MS),
    step(order) {
      startAt ??= performance.now();
      try {
        let a, b;
        if (order === 0) { a = t(1); b = t(N); } else { b = t(N); a = t(1); }
        samples.push((b.ms - a.ms) / (N - 1));
        t1s.push(a.ms);
        tNs.push(b.ms);
        final = b.p;
      } catch (e) {
        failure = e.message;
      }
    },
    result() {
      if (failure) return { status: 'failed', reason: failure, rows, iters: N };
      const finalLL = meanLogLikelihood(X, rows, w.d, final);
      if (!Number.isFinite(finalLL)) return { status: 'failed', reason: `NaN / non-PD parameters after ${N} iterations`, rows, iters: N };
      const ref = gmmReference(w, w.X, rows, N);
      const ms = minBased(t1s, tNs, N);
      if (!(ms > 0)) return { status: 'failed', reason: `timing unusable (difference of minima ${sig(ms)} ms)`, rows, iters: N };
      return {
        status: 'ok', rows, iters: N, samples, t1: t1s, tN: tNs, msPerIterSub: ms, msPerIter: (ms * w.n) / rows,
        msPerIterMedian: (median(samples) * w.n) / rows,
        finalLL, refLL: ref, rel: relDiff(finalLL, ref), agrees: relDiff(finalLL, ref) <= TOL_PEER,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------
// memory (fresh child processes)

function memChildren(py, w, npy) {
  const out = { wasm: null, sklearn: null };
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, 'fit-child.js'), DIST, npy, String(w.K), w.type, '0'], {
    encoding: 'utf8', timeout: 300000,
  });
  if (r.status === 0) out.wasm = JSON.parse(r.stdout);
  else out.wasmError = (r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' / ');
  if (py) {
    try {
      out.sklearn = runPython(py, { mode: 'mem', task: { name: w.spec.name, npy, K: w.K, type: w.type, regCovar: REG, seed: 0 } }, 300000);
    } catch (e) {
      out.sklearnError = e.message;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// stamp

function machineStamp(py, pyInfo) {
  let cpu = 'unknown';
  try {
    const txt = readFileSync('/proc/cpuinfo', 'utf8');
    const get = (k) => (new RegExp(`^${k}\\s*:\\s*(.*)$`, 'm').exec(txt) || [])[1];
    cpu = `${get('model name') ?? os.cpus()[0]?.model ?? 'unknown'} (family ${get('cpu family') ?? '?'}, model ${get('model') ?? '?'})`;
  } catch {
    cpu = os.cpus()[0]?.model ?? 'unknown';
  }
  const wasmPath = join(DIST, 'gmm.wasm');
  const wasm = readFileSync(wasmPath);
  const own = DIST === resolve(root, 'dist');
  const commit = own ? sh('git', ['rev-parse', '--short', 'HEAD']) : null;
  const dirty = own ? sh('git', ['status', '--porcelain', '--', 'assembly', 'src']) : null;
  return {
    date: new Date().toISOString(),
    command: `node ${relative(root, fileURLToPath(import.meta.url))} ${process.argv.slice(2).join(' ')}`.trim(),
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    v8: process.versions.v8,
    gmmWasm: {
      version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
      commit: own ? (commit ? `${commit}${dirty ? ' (+ uncommitted changes in assembly/ or src/)' : ''}` : 'unknown') : `build in ${DIST}`,
      label: opts.label,
      wasmSha256: createHash('sha256').update(wasm).digest('hex').slice(0, 12),
      wasmBytes: wasm.length,
      wasmBuilt: statSync(wasmPath).mtime.toISOString(),
    },
    python: py,
    sklearn: pyInfo,
    quick: QUICK,
  };
}

function staleBuildWarning() {
  if (DIST !== resolve(root, 'dist')) return null;
  try {
    const built = statSync(join(root, 'dist', 'gmm.wasm')).mtimeMs;
    const newer = [];
    for (const dir of ['assembly', 'src']) {
      for (const f of execFileSync('git', ['ls-files', dir], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean)) {
        if (existsSync(join(root, f)) && statSync(join(root, f)).mtimeMs > built) newer.push(f);
      }
    }
    return newer.length ? `dist/gmm.wasm is older than ${newer.slice(0, 3).join(', ')}${newer.length > 3 ? ', …' : ''}: run \`npm run build\` to benchmark the current source.` : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------
// main

async function main() {
  if (opts.waitIdle > 0) {
    log(`waiting up to ${opts.waitIdle} s for the machine to be idle …`);
    await waitIdle(opts.waitIdle);
  }
  const CPU0 = cpuSnapshot();
  await init();
  const results = { workloads: {}, e2e: {}, throughput: {}, memory: {}, peak: null, peers: {}, warnings: [] };
  const stale = staleBuildWarning();
  if (stale) { results.warnings.push(stale); log(`⚠ ${stale}`); }

  const py = opts.sklearn ? findPython() : null;
  let pyInfo = null;
  if (opts.sklearn && !py) {
    const m = 'scikit-learn not found (tried $GMM_BENCH_PYTHON, /usr/bin/python3, python3, python): its columns are empty.';
    results.warnings.push(m);
    log(`⚠ ${m}`);
  }
  if (py) pyInfo = runPython(py, { mode: 'info' }, 60000);
  results.machine = machineStamp(py, pyInfo);
  const M = results.machine;
  log(`gmm-wasm benchmark${QUICK ? ' (--quick)' : ''} — ${M.date}`);
  log(`machine: ${M.cpu}, ${M.cores} cores, ${M.memory}; ${M.os}; node ${M.node} (V8 ${M.v8})`);
  log(`gmm-wasm ${M.gmmWasm.version} @ ${M.gmmWasm.commit}${M.gmmWasm.label ? ` [${M.gmmWasm.label}]` : ''}, gmm.wasm ${M.gmmWasm.wasmBytes} B sha256 ${M.gmmWasm.wasmSha256}`);
  if (pyInfo) log(`scikit-learn ${pyInfo.sklearn} (numpy ${pyInfo.numpy}, scipy ${pyInfo.scipy}, Python ${pyInfo.python}; BLAS ${blasText(pyInfo)}) via ${py}`);

  // 1. SIMD peak
  log('\n[1/6] WebAssembly SIMD f64 peak …');
  results.peak = await measurePeak({ reps: QUICK ? 5 : 15, targetMs: QUICK ? 20 : 40 });
  log(`  ${sig(results.peak.gflops)} GFLOP/s (${results.peak.best}); ${Object.entries(results.peak.variants).map(([k, v]) => `${k}: ${sig(v)}`).join(', ')}` +
    ' (best of the repetitions; measured again at the end)');

  // 2. data
  log('\n[2/6] workloads …');
  const W = {};
  for (const spec of workloads) {
    const w = generate(spec, QUICK ? spec.quickN : spec.n);
    const f = ensureNpy(DATA, spec.name, w.X, w.n, w.d);
    w.npy = f.path;
    w.hash = f.hash;
    W[spec.name] = w;
    log(`  ${spec.name}: ${w.n.toLocaleString('en-US')}×${w.d}, K=${w.K}, ${w.type} → ${relative(root, f.path)} (sha256 ${f.hash.slice(0, 12)})`);
  }
  // warm the core up on every covariance type before timing (V8 tiers wasm up when hot)
  for (const w of Object.values(W)) {
    const rows = Math.min(w.n, Math.max(2000, Math.ceil(w.start.precisions.length / 2) + 1));
    const X = { data: w.X.subarray(0, rows * w.d), rows, cols: w.d };
    new GaussianMixture(gmmOptions(w, 3)).fit(X).scoreSamples(X);
  }

  // A speed canary, timed before each workload: the machine has slow phases of seconds to
  // minutes in which gmm-wasm runs 1.4-1.7x slower (bench/README.md), which would otherwise
  // pass unnoticed in a single figure. Nine pairs of 1- and 4-iteration fits of a fixed
  // 20,000-row spherical mixture, in ms per iteration by the benchmark's own estimator,
  // (min T(4) − min T(1)) / 3: the fastest of the nine differences would be biased low by
  // any pair whose T(1) alone was slowed (one such read 0.55 against a run's 0.85–0.95 and
  // made every other workload look slow).
  const canarySpec = WORKLOADS.find((s) => s.name === 'o8-spherical');
  const canaryW = generate(canarySpec, 20000);
  const canaryX = { data: canaryW.X, rows: canaryW.n, cols: canaryW.d };
  const canary = () => {
    let t1 = Infinity, t4 = Infinity;
    for (let i = 0; i < 9; i++) {
      const a = performance.now();
      new GaussianMixture(gmmOptions(canaryW, 1)).fit(canaryX);
      const b = performance.now();
      new GaussianMixture(gmmOptions(canaryW, 4)).fit(canaryX);
      t1 = Math.min(t1, b - a);
      t4 = Math.min(t4, performance.now() - b);
    }
    return (t4 - t1) / 3;
  };
  canary();

  // 3. EM iterations: per workload, pairs of gmm-wasm, scikit-learn and the peers in turn
  // (so that a change of the machine's speed hits the compared figures alike)
  log('\n[3/6] time per EM iteration (paired fits with maxIter 1 and N, tol 0) …');
  if (opts.peers) {
    for (const peer of PEERS) {
      const why = peer.load(note);
      results.peers[peer.name] = { version: peer.version, loadError: why };
      if (why) log(`  ${peer.name}: ${why}`);
    }
  }
  for (const [name, w] of Object.entries(W)) {
    const c = CFG[name];
    const X = { data: w.X, rows: w.n, cols: w.d };
    const r = { kind: w.spec.kind, n: w.n, d: w.d, K: w.K, type: w.type, iters: c.iters, reps: c.reps, dataSha256: w.hash };
    results.workloads[name] = r;
    r.canaryMs = canary();
    log(`  ${name}: speed canary ${sig(r.canaryMs)} ms/iter`);
    const cpuA = cpuSnapshot();
    const skl = py ? await sklearnCompanion(py, name, w, c) : null;
    // the peers that can run this workload, probed once before timing starts
    const peerTimers = {};
    if (opts.peers && r.kind === 'easy') {
      r.peers = {};
      for (const peer of PEERS) {
        const pc = c.peer;
        if (results.peers[peer.name].loadError) r.peers[peer.name] = { status: 'n/a', reason: results.peers[peer.name].loadError };
        else if (!peer.supports(w.type)) r.peers[peer.name] = { status: 'n/a', reason: `no '${w.type}' covariance` };
        else if (!pc) r.peers[peer.name] = { status: 'skipped', reason: QUICK ? 'skipped in --quick' : 'not configured' };
        else {
          try {
            peerTimers[peer.name] = peerCompanion(peer, w, pc);
          } catch (e) {
            r.peers[peer.name] = { status: 'failed', reason: e.message };
          }
        }
      }
    }
    try {
      const t = await timeIterations(name, X, w, c.iters, c.reps, [...(skl ? [skl] : []), ...Object.values(peerTimers)]);
      const { model, ...rest } = t;
      r.wasm = rest;
      // executed flops of a full-covariance iteration: the triangular solves of the E-step and
      // the M-step's scatter, n·K·d² multiply-adds each (soft data use every term)
      r.wasm.flops = w.type === 'full' ? 2 * w.n * w.K * w.d * w.d : null;
      r.wasm.gflops = r.wasm.flops ? r.wasm.flops / (t.msPerIter * 1e6) : null;
      r.wasm.peakFraction = r.wasm.gflops ? r.wasm.gflops / results.peak.gflops : null;
      W[name].model = model;
      log(`  ${name}: gmm-wasm ${sig(t.msPerIter)} ms/iter (±${sig(t.spreadPct, 2)}%, ${t.samples.length} pairs)` +
        (r.wasm.gflops ? `, ${sig(r.wasm.gflops)} GFLOP/s = ${sig(100 * r.wasm.peakFraction)}% of peak` : '') + `, final LL ${t.finalLL}  [${elapsed()}]`);
    } catch (e) {
      r.wasm = { error: e.message };
      log(`  ${name}: gmm-wasm ERROR ${e.message}`);
    }
    if (skl) {
      try {
        const s = (r.sklearn = await skl.result());
        if (r.wasm && !r.wasm.error) {
          r.ratioDefault = r.wasm.msPerIter / r.sklearn.msPerIter;
          r.ratioOne = r.wasm.msPerIter / r.sklearn.one.msPerIter;
          r.ratio = targetVs(r) === 'one' ? r.ratioOne : r.ratioDefault;
          r.agreement = {
            startRel: relDiff(r.wasm.startLL, s.startLL),
            finalRel: relDiff(r.wasm.finalLL, s.finalLL),
            lowerBoundRel: relDiff(r.wasm.lowerBound, s.lowerBound),
          };
          r.agreement.ok = r.agreement.startRel <= TOL_SKLEARN && r.agreement.finalRel <= TOL_SKLEARN && r.agreement.lowerBoundRel <= TOL_SKLEARN;
        }
        log(`  ${name}: scikit-learn ${sig(r.sklearn.msPerIter)} ms/iter (±${sig(r.sklearn.spreadPct, 2)}%, ${s.samples.length} pairs), one thread ${sig(s.one.msPerIter)} ms/iter, final LL ${s.finalLL}` +
          (r.ratioOne !== undefined ? `; gmm-wasm ÷ sklearn one thread ${sig(r.ratioOne)}, default ${sig(r.ratioDefault)}` : '') +
          (r.agreement ? `, rel. diff ${r.agreement.finalRel.toExponential(1)} ${r.agreement.ok ? '✓' : '⚠ DISAGREES'}` : '') + `  [${elapsed()}]`);
      } catch (e) {
        r.sklearn = { error: e.message };
        log(`  ${name}: scikit-learn ERROR ${e.message}`);
      }
      await skl.close();
    }
    if (r.peers) {
      for (const peer of PEERS) {
        if (peerTimers[peer.name]) {
          try {
            r.peers[peer.name] = peerTimers[peer.name].result();
          } catch (e) {
            r.peers[peer.name] = { status: 'failed', reason: e.message };
          }
        }
        const res = r.peers[peer.name];
        log(`  ${name}: ${peer.name} ` + (res.status === 'ok'
          ? `${sig(res.msPerIter)} ms/iter (${sig(res.msPerIterSub)} ms on ${res.rows.toLocaleString('en-US')} rows, ${res.samples.length} pairs of 1 and ${res.iters} iterations), LL rel. diff ${res.rel.toExponential(1)} ${res.agrees ? '✓' : '⚠'}`
          : `${res.status}: ${res.reason}`) + `  [${elapsed()}]`);
      }
      const ok = Object.values(r.peers).filter((p) => p.status === 'ok');
      if (ok.length && r.wasm && !r.wasm.error) {
        const fastest = ok.reduce((x, y) => (x.msPerIter <= y.msPerIter ? x : y));
        r.fastestPeer = { name: Object.keys(r.peers).find((k) => r.peers[k] === fastest), msPerIter: fastest.msPerIter, speedup: fastest.msPerIter / r.wasm.msPerIter };
      }
    }
    r.foreignCores = foreignCores(cpuA, cpuSnapshot());
    if (r.foreignCores > NOISY) log(`  ⚠ ${name}: other processes used ${r.foreignCores.toFixed(2)} cores meanwhile: noisy`);
  }

  // 4. predict / scoreSamples throughput
  log('\n[4/6] predict / scoreSamples throughput …');
  for (const [name, w] of Object.entries(W)) {
    if (!w.model) continue;
    const X = { data: w.X, rows: w.n, cols: w.d };
    const bench = new Bench({ name: `${name} scoring`, time: QUICK ? 100 : 400, iterations: 3, warmupIterations: 1, warmupTime: 0, throws: true });
    bench.add('predict', () => { w.model.predict(X); }, { async: false });
    bench.add('scoreSamples', () => { w.model.scoreSamples(X); }, { async: false });
    await bench.run();
    const [p, s] = bench.tasks.map((t) => t.result.latency.p50);
    results.throughput[name] = { predictMs: p, scoreSamplesMs: s, predictRowsPerS: (w.n * 1000) / p, scoreSamplesRowsPerS: (w.n * 1000) / s };
    log(`  ${name}: predict ${sig((w.n * 1000) / p)} rows/s, scoreSamples ${sig((w.n * 1000) / s)} rows/s`);
  }

  // 5. end-to-end default fits
  log('\n[5/6] end-to-end default fits (k-means init, tol 1e-3, maxIter 100, regCovar 1e-6, seed 0) …');
  for (const [name, e] of Object.entries(E2E)) {
    const w = W[name];
    if (!w) continue;
    const X = { data: w.X, rows: w.n, cols: w.d };
    const res = { reps: e.reps };
    let gm = null;
    const bench = new Bench({ name: `${name} e2e`, time: 0, iterations: e.reps, warmupIterations: 1, warmupTime: 0, throws: true });
    bench.add('fit', () => {
      gm = new GaussianMixture({ nComponents: w.K, covarianceType: w.type, tol: 1e-3, regCovar: REG, maxIter: 100, seed: 0 });
      gm.fit(X);
    }, { async: false });
    await bench.run();
    const lat = bench.tasks[0].result.latency;
    res.wasm = { ms: lat.min, median: lat.p50, mean: lat.mean, rme: lat.rme, samples: lat.samplesCount, nIter: gm.nIter, lowerBound: gm.lowerBound, converged: gm.converged };
    if (py) {
      try {
        const [s] = runPython(py, { mode: 'e2e', tasks: [{ name, npy: w.npy, K: w.K, type: w.type, regCovar: REG, seed: 0, reps: e.reps, minReps: 1, budgetS: SKL_BUDGET_S }] }, 600000);
        res.sklearn = { ms: Math.min(...s.samples), median: median(s.samples), ...s };
        res.ratio = res.wasm.ms / res.sklearn.ms;
      } catch (err) {
        res.sklearn = { error: err.message };
      }
    }
    results.e2e[name] = res;
    log(`  ${name}: gmm-wasm ${sig(res.wasm.ms)} ms (${res.wasm.nIter} iterations, LL ${sig(res.wasm.lowerBound, 8)})` +
      (res.sklearn && !res.sklearn.error ? `, scikit-learn ${sig(res.sklearn.ms)} ms (${res.sklearn.nIter} iterations, LL ${sig(res.sklearn.lowerBound, 8)}), ratio ${sig(res.ratio)}` : ''));
  }

  // 6. memory of a default fit, each in a fresh process
  log(`\n[6/6] memory of a default fit (fresh process per fit${QUICK ? '; --quick: blobs2d and m8 only' : ''}) …`);
  for (const [name, w] of Object.entries(W)) {
    if (w.spec.kind !== 'easy') continue; // the easy regime's workloads only (time)
    if (QUICK && !E2E[name]) continue; // --quick: only blobs2d and m8
    const m = memChildren(py, w, w.npy);
    results.memory[name] = m;
    log(`  ${name}: gmm-wasm ${m.wasm ? `wasm memory ${mib(m.wasm.wasmBytes)}, RSS +${mib(peakDelta(m.wasm))}` : `ERROR ${m.wasmError}`}` +
      (py ? `; scikit-learn ${m.sklearn ? `ru_maxrss +${mib(peakDelta(m.sklearn))}` : `ERROR ${m.sklearnError}`}` : ''));
  }

  // the peak again (the best of both measurements is the machine's capability), then the
  // fractions of it
  const again = await measurePeak({ reps: QUICK ? 5 : 15, targetMs: QUICK ? 20 : 40 });
  results.peakRuns = [results.peak, again];
  if (again.gflops > results.peak.gflops) results.peak = again;
  log(`\nSIMD peak again: ${sig(again.gflops)} GFLOP/s → using ${sig(results.peak.gflops)} GFLOP/s`);
  for (const r of Object.values(results.workloads)) {
    if (r.wasm?.gflops) r.wasm.peakFraction = r.wasm.gflops / results.peak.gflops;
  }
  results.loadAvg = { start: LOAD0, end: os.loadavg() };
  results.foreignCores = foreignCores(CPU0, cpuSnapshot());
  results.elapsedS = (performance.now() - T0) / 1000;
  results.config = { cfg: CFG, e2e: E2E, regCovar: REG, tolSklearn: TOL_SKLEARN, tolPeer: TOL_PEER, peerBudgetMs: PEER_BUDGET_MS, sklearnBudgetS: SKL_BUDGET_S };

  // report
  const md = report(results);
  log(`\n${md}`);
  mkdirSync(DATA, { recursive: true });
  writeFileSync(join(DATA, 'results.json'), JSON.stringify(results, (k, v) => (v instanceof Float64Array ? Array.from(v) : v), 2));
  const full = !QUICK && !opts.only && opts.peers && opts.sklearn;
  const mdPath = full ? join(here, 'results.md') : join(DATA, 'results.md');
  writeFileSync(mdPath, `${md}\n`);
  log(`\nwrote ${relative(root, join(DATA, 'results.json'))} and ${relative(root, mdPath)} in ${results.elapsedS.toFixed(0)} s`);

  const wasmErrors = Object.values(results.workloads).filter((r) => r.wasm?.error).length;
  const disagree = Object.values(results.workloads).filter((r) => r.agreement && !r.agreement.ok).length;
  if (wasmErrors) process.exitCode = 1;
  else if (opts.strict && disagree) process.exitCode = 1;
}

function peakDelta(m) {
  // the fit's peak above the RSS just before it (the peak counter was reset before the fit;
  // where that was impossible a peak of start-up or loading may hide a smaller one)
  return Math.max(0, m.maxRss - m.rssBefore);
}

function blasText(info) {
  if (!info?.blas?.length) return 'unknown';
  return info.blas.map((b) => `${b.internal_api} ${b.version ?? ''} ${b.num_threads} threads${b.architecture ? ` ${b.architecture}` : ''}`.replace(/\s+/g, ' ')).join('; ');
}

// ---------------------------------------------------------------------------------------
// markdown report

function report(R) {
  const M = R.machine;
  const out = [];
  out.push(`## gmm-wasm benchmark${M.quick ? ' (--quick: smaller data, fewer repetitions)' : ''}`);
  out.push('');
  out.push(`- machine: ${M.cpu}, ${M.cores} cores, ${M.memory} (${M.os}); WebAssembly SIMD f64 peak ${sig(R.peak.gflops)} GFLOP/s (${R.peak.best}, mul+add = 2 flops)`);
  out.push(`- date: ${M.date}; command: \`${M.command}\`; run time ${R.elapsedS.toFixed(0)} s`);
  out.push(`- node ${M.node} (V8 ${M.v8}); gmm-wasm ${M.gmmWasm.version} @ ${M.gmmWasm.commit}${M.gmmWasm.label ? ` [${M.gmmWasm.label}]` : ''}, gmm.wasm ${M.gmmWasm.wasmBytes} B, sha256 ${M.gmmWasm.wasmSha256}`);
  out.push(`- scikit-learn: ${M.sklearn ? `${M.sklearn.sklearn} (numpy ${M.sklearn.numpy}, scipy ${M.sklearn.scipy}, Python ${M.sklearn.python}; BLAS ${blasText(M.sklearn)}), timed as it runs by default and limited to one thread (threadpoolctl)` : 'not available'}`);
  out.push(`- npm peers: ${PEERS.map((p) => `${p.name}@${p.version}`).join(', ')}`);
  const [l1] = R.loadAvg.start, [l2] = R.loadAvg.end;
  const fc = R.foreignCores;
  out.push(`- other processes used ${fc === null ? '?' : fc.toFixed(2)} of the ${M.cores} cores on average during the run` +
    `${fc > NOISY ? ' — ⚠ they competed with the benchmark: expect noisy figures (rows marked ⚠)' : ''}; load average at start / end ${l1.toFixed(2)} / ${l2.toFixed(2)}`);
  for (const wmsg of R.warnings) out.push(`- ⚠ ${wmsg}`);
  out.push('');

  const regimeTable = (reg) => {
    const rows = [];
    const entries = Object.entries(R.workloads).filter(([, r]) => reg.kind.includes(r.kind));
    if (!entries.length) return;
    const easy = reg.kind.includes('easy');
    for (const [name, r] of entries) {
      const wasm = r.wasm?.error ? `error: ${r.wasm.error}` : `${sig(r.wasm.msPerIter)} ±${sig(r.wasm.spreadPct, 2)}%`;
      const skl = !r.sklearn ? '—' : r.sklearn.error ? 'error' : `${sig(r.sklearn.one.msPerIter)} / ${sig(r.sklearn.msPerIter)}`;
      const tr = TARGET_RATIO[name];
      const rt = (x, vs) => (x !== undefined ? `${sig(x)}${tr !== undefined && targetVs(r) === vs ? ` ${mark(x <= tr)} (≤ ${tr})` : ''}` : '—');
      const gf = r.wasm?.gflops ? sig(r.wasm.gflops) : '—';
      const tp = TARGET_PEAK_FRACTION[name];
      const pk = r.wasm?.peakFraction ? `${sig(100 * r.wasm.peakFraction)}%${tp ? ` ${mark(r.wasm.peakFraction >= tp)} (≥ ${100 * tp}%)` : ''}` +
        (r.wasm.peakFraction > 1 ? ' (over 100%: fewer flops executed than the nominal count)' : '') : '—';
      const ft = TARGET_FIXED_ITERS[name];
      const fx = r.wasm && !r.wasm.error ? `${sig(r.wasm.fixedMs)} (${sig(r.wasm.fixedMs / r.wasm.msPerIter, 2)} it.${ft !== undefined ? ` ${mark(r.wasm.fixedMs <= ft * r.wasm.msPerIter)} ≤ ${ft}` : ''})` : '—';
      const sfx = r.sklearn?.one ? `${sig(r.sklearn.one.fixedMs)} (${sig(r.sklearn.one.fixedMs / r.sklearn.one.msPerIter, 2)} it.)` : '—';
      const row = [`${name}${r.foreignCores > NOISY ? ` ⚠ ${r.foreignCores.toFixed(1)} cores busy` : ''}`, `${r.n.toLocaleString('en-US')}×${r.d} K=${r.K} ${r.type}`, r.iters,
        wasm, skl, rt(r.ratioOne, 'one'), rt(r.ratioDefault, 'default'), gf, pk, fx, sfx];
      if (easy) {
        const peerCells = PEERS.map((p) => {
          const x = r.peers?.[p.name];
          if (!x) return '—';
          if (x.status === 'ok') return `${sig(x.msPerIter)}${x.rows < r.n ? ' †' : ''}`;
          return x.status;
        });
        const sp = r.fastestPeer ? `${sig(r.fastestPeer.speedup)}× ${mark(r.fastestPeer.speedup >= TARGET_PEER_SPEEDUP)}` : '—';
        row.push(...peerCells, sp);
      }
      rows.push(row);
    }
    out.push(`### ${reg.title}: time per EM iteration`);
    out.push('');
    out.push(mdTable(['workload', 'data', 'N', 'gmm-wasm ms/iter', 'scikit-learn ms/iter, 1 thread / default', 'gmm-wasm ÷ sklearn 1 thread', 'gmm-wasm ÷ sklearn default',
      'gmm-wasm GFLOP/s', '% of SIMD peak', 'gmm-wasm fixed cost ms (iterations)', 'sklearn 1 thread fixed cost ms (iterations)',
      ...(easy ? [...PEERS.map((p) => `${p.name} ms/iter`), `fastest npm peer ÷ gmm-wasm (≥ ${TARGET_PEER_SPEEDUP}×)`] : [])], rows));
    out.push('');
    const real = entries.filter(([, r]) => r.kind === 'real' && r.ratioOne !== undefined);
    if (real.length) {
      const gm = Math.exp(real.reduce((a, [, r]) => a + Math.log(r.ratioOne), 0) / real.length);
      out.push(`Geometric mean of gmm-wasm ÷ scikit-learn (1 thread) over the real datasets (${real.map(([n]) => n).join(', ')}): ${sig(gm)} ${mark(gm <= TARGET_REAL_GEOMEAN)} (≤ ${TARGET_REAL_GEOMEAN}).`);
      out.push('');
    }
  };
  out.push('Same data, same explicit start, tol 0, regCovar 1e-6; one thread for gmm-wasm. Targets: realistic regime against scikit-learn limited to one thread (threadpoolctl), easy regime against scikit-learn as it runs by default.');
  out.push('');
  for (const reg of REGIMES) regimeTable(reg);
  const { timed, fastest, slow } = canaryReport(R.workloads);
  if (timed.length) {
    out.push(`Speed canary (a fixed 20,000-row spherical fit, ms per iteration, timed just before each workload; ratio to this run's fastest): ` +
      timed.map(([n, r]) => `${n} ${sig(r.canaryMs)} (${sig(r.canaryMs / fastest, 3)})`).join(', ') + '. ' +
      (slow.length ? `⚠ ${slow.join(', ')} started in a slow phase of the machine (canary above ${CANARY_SLOW}× the fastest): rerun those before quoting them.`
        : `No workload started in a slow phase (every canary within ${CANARY_SLOW}× the fastest).`));
    out.push('');
  }
  out.push(`ms/iter = (min T(fit, maxIter N) − min T(fit, maxIter 1)) / (N − 1) over the pairs of fits, the same estimator for every implementation (noise on a shared machine only adds time); ± = median absolute deviation of the pairs' differences. ` +
    `Fixed cost = min T(fit, maxIter 1) − one iteration: validation, copies, reordering, initial statistics, the final E-step. ` +
    `GFLOP/s counts 2·n·K·d² flops per EM iteration (full covariance only: the E-step's triangular solves and the M-step's scatter, one multiply-add each per (row, component, pair of features); soft data execute them all, while on well-separated data a core that skips zero responsibilities does about half, so there it is an effective rate). ` +
    `† = peer timed on a row prefix (subsample) and scaled linearly to n; n/a = the peer has no such covariance type; failed = it produced NaN or non-positive-definite parameters.`);
  out.push('');
  const byMedian = [];
  for (const [name, r] of Object.entries(R.workloads)) {
    const m = r.wasm?.msPerIterMedian;
    if (!m) continue;
    const parts = [];
    if (r.sklearn?.one?.msPerIterMedian) parts.push(`÷ sklearn 1 thread ${sig(m / r.sklearn.one.msPerIterMedian)}`);
    if (r.sklearn?.msPerIterMedian) parts.push(`÷ sklearn default ${sig(m / r.sklearn.msPerIterMedian)}`);
    const peers = Object.values(r.peers ?? {}).filter((x) => x.status === 'ok' && x.msPerIterMedian);
    if (peers.length) parts.push(`fastest npm peer ÷ gmm-wasm ${sig(Math.min(...peers.map((x) => x.msPerIterMedian)) / m)}×`);
    byMedian.push(`${name} ${sig(m)} ms/iter${parts.length ? ` (${parts.join(', ')})` : ''}`);
  }
  if (byMedian.length) {
    out.push(`The same with medians of the paired differences in place of the minima: ${byMedian.join('; ')}.`);
    out.push('');
  }

  out.push('### Agreement of the mean log-likelihood');
  out.push('');
  const arows = [];
  for (const [name, r] of Object.entries(R.workloads)) {
    if (!r.wasm || r.wasm.error) continue;
    const a = r.agreement;
    const peerCells = PEERS.map((p) => {
      const x = r.peers?.[p.name];
      if (!x || x.status !== 'ok') return x ? x.status : '—';
      return `${x.rel.toExponential(1)} ${x.agrees ? '✓' : '⚠'} (${x.rows.toLocaleString('en-US')} rows, ${x.iters} it.)`;
    });
    arows.push([name, sig(r.wasm.startLL, 12), sig(r.wasm.finalLL, 12),
      a ? `${a.startRel.toExponential(1)} / ${a.finalRel.toExponential(1)} ${a.ok ? '✓' : '⚠ DISAGREES'}` : '—', ...peerCells]);
  }
  out.push(mdTable(['workload', 'gmm-wasm LL at start', `gmm-wasm LL after N`, `vs sklearn rel. diff start / final (≤ ${TOL_SKLEARN.toExponential(0)})`,
    ...PEERS.map((p) => `${p.name} rel. diff (≤ ${TOL_PEER.toExponential(0)})`)], arows));
  out.push('');
  out.push('LL = mean log-likelihood per row: at the start (lowerBound of the 1-iteration fit) and of the parameters after N iterations (score(X)); ' +
    'the lower bounds after N iterations are compared too. The peers have no reg_covar and are compared with gmm-wasm run with regCovar 0 on the same rows and iterations.');
  out.push('');

  if (Object.keys(R.e2e).length) {
    out.push('### End-to-end default fit (k-means init, tol 1e-3, maxIter 100, regCovar 1e-6)');
    out.push('');
    const erows = [];
    for (const [name, e] of Object.entries(R.e2e)) {
      const s = e.sklearn && !e.sklearn.error ? e.sklearn : null;
      const tr = TARGET_E2E_RATIO[name], tm = TARGET_E2E_MS[name];
      const targets = [];
      if (tm !== undefined) targets.push(`gmm-wasm < ${tm} ms ${mark(e.wasm.ms < tm)}`);
      if (tr !== undefined && e.ratio !== undefined) targets.push(`ratio ≤ ${tr} ${mark(e.ratio <= tr)}`);
      erows.push([name, `${sig(e.wasm.ms)} (${e.wasm.nIter} it., LL ${sig(e.wasm.lowerBound, 8)})`,
        s ? `${sig(s.ms)} (${s.nIter} it., LL ${sig(s.lowerBound, 8)})` : '—', e.ratio !== undefined ? sig(e.ratio) : '—', targets.join('; ') || '—']);
    }
    out.push(mdTable(['workload', 'gmm-wasm ms', 'scikit-learn ms', 'ratio', 'targets'], erows));
    out.push('');
    out.push('Fastest wall time of whole fit() calls (medians in results.json); each library uses its own k-means (different seeds), so iteration counts may differ.');
    out.push('');
  }

  if (Object.keys(R.throughput).length) {
    out.push('### gmm-wasm predict / scoreSamples throughput (model after the N iterations above)');
    out.push('');
    out.push(mdTable(['workload', 'predict rows/s', 'scoreSamples rows/s'],
      Object.entries(R.throughput).map(([n, t]) => [n, sig(t.predictRowsPerS), sig(t.scoreSamplesRowsPerS)])));
    out.push('');
  }

  if (Object.keys(R.memory).length) {
    out.push('### Memory of one default fit (fresh process each)');
    out.push('');
    out.push(mdTable(['workload', 'X size', 'gmm-wasm WebAssembly memory', 'gmm-wasm RSS peak − RSS before', 'scikit-learn ru_maxrss − RSS before'],
      Object.entries(R.memory).map(([n, m]) => {
        const r = R.workloads[n];
        return [n, mib(r.n * r.d * 8), m.wasm ? mib(m.wasm.wasmBytes) : 'error', m.wasm ? mib(peakDelta(m.wasm)) : 'error',
          m.sklearn ? mib(peakDelta(m.sklearn)) : m.sklearnError ? 'error' : '—'];
      })));
    out.push('');
    out.push('Each fit runs in a fresh process after a 200-row warm-up fit; just before the fit the kernel\'s peak-RSS counter (VmHWM, what ru_maxrss reports) is reset to the current RSS ' +
      '(/proc/self/clear_refs), so the figure is the peak RSS during the fit minus the RSS before it. The WebAssembly memory (which never shrinks) holds the copy of X and all buffers.');
    out.push('');
  }

  // targets
  out.push('### Targets');
  out.push('');
  const t = [];
  for (const [name, r] of Object.entries(R.workloads)) {
    if (TARGET_RATIO[name] !== undefined && r.ratio !== undefined) t.push(`- ${mark(r.ratio <= TARGET_RATIO[name])} ${name} (${r.kind === 'easy' ? 'easy' : 'realistic'}): gmm-wasm ÷ scikit-learn ${targetVs(r) === 'one' ? 'one thread' : 'default threads'} per EM iteration ${sig(r.ratio)} (target ≤ ${TARGET_RATIO[name]})`);
  }
  const real = Object.entries(R.workloads).filter(([, r]) => r.kind === 'real' && r.ratioOne !== undefined);
  if (real.length) {
    const gm = Math.exp(real.reduce((a, [, r]) => a + Math.log(r.ratioOne), 0) / real.length);
    t.push(`- ${mark(gm <= TARGET_REAL_GEOMEAN)} real datasets (${real.length}): geometric mean of gmm-wasm ÷ scikit-learn one thread ${sig(gm)} (target ≤ ${TARGET_REAL_GEOMEAN})`);
  }
  const slowStart = canaryReport(R.workloads).slow;
  if (slowStart.length) {
    t.push(`- ⚠ measured in a slow phase of the machine (speed canary above ${CANARY_SLOW}× the run's fastest): ${slowStart.join(', ')}`);
  }
  for (const [name, f] of Object.entries(TARGET_FIXED_ITERS)) {
    const r = R.workloads[name];
    if (r?.wasm && !r.wasm.error) t.push(`- ${mark(r.wasm.fixedMs <= f * r.wasm.msPerIter)} ${name}: fixed cost of a fit ${sig(r.wasm.fixedMs)} ms = ${sig(r.wasm.fixedMs / r.wasm.msPerIter, 2)} iterations (target ≤ ${f})`);
  }
  for (const [name, f] of Object.entries(TARGET_PEAK_FRACTION)) {
    const r = R.workloads[name];
    if (r?.wasm?.peakFraction) t.push(`- ${mark(r.wasm.peakFraction >= f)} ${name}: ${sig(100 * r.wasm.peakFraction)}% of the SIMD peak (target ≥ ${100 * f}%)`);
  }
  for (const [name, f] of Object.entries(TARGET_E2E_RATIO)) {
    const e = R.e2e[name];
    if (e?.ratio !== undefined) t.push(`- ${mark(e.ratio <= f)} ${name}: end-to-end default fit ${sig(e.ratio)} × scikit-learn's (target ≤ ${f})`);
  }
  for (const [name, ms] of Object.entries(TARGET_E2E_MS)) {
    const e = R.e2e[name];
    if (e) t.push(`- ${mark(e.wasm.ms < ms)} ${name}: end-to-end default fit ${sig(e.wasm.ms)} ms (target < ${ms} ms)`);
  }
  for (const [name, r] of Object.entries(R.workloads)) {
    if (r.fastestPeer) t.push(`- ${mark(r.fastestPeer.speedup >= TARGET_PEER_SPEEDUP)} ${name}: ${sig(r.fastestPeer.speedup)}× faster per iteration than the fastest npm peer (${r.fastestPeer.name}) (target ≥ ${TARGET_PEER_SPEEDUP}×)`);
  }
  for (const [name, r] of Object.entries(R.workloads)) {
    if (r.agreement && !r.agreement.ok) t.push(`- ⚠ ${name}: mean log-likelihood of gmm-wasm and scikit-learn disagree (rel. diff start ${r.agreement.startRel.toExponential(1)}, final ${r.agreement.finalRel.toExponential(1)})`);
  }
  out.push(t.join('\n') || '(none measured)');
  return out.join('\n');
}

main().catch((e) => {
  console.error(e?.stack || e);
  process.exit(1);
});
