#!/usr/bin/env node
// Where an EM pass's time goes, per kernel, on the benchmark's workloads, for one or two
// builds of the core timed alternately in one process (bench/kernels.ts compiled from each
// tree's assembly/). Usage:
//
//   node bench/profile.js [--only o8,o16d] [--base DIR] [--rounds R]
//
// DIR: a checkout (e.g. a git worktree of the commit before) whose assembly/ is compared
// with this tree's. Per workload: the parameters after 3 EM iterations from the benchmark's
// start (fitted with dist/), then per build the time of emPass (the whole statistics pass)
// and of its soft path stopped after the log-densities, the normalisation and the
// statistics; the fastest of R rounds (noise only adds time), builds alternating within each
// round, and the median of the per-round ratios of the two builds' emPass times.
import { readFileSync, mkdirSync, copyFileSync, existsSync, rmSync, cpSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { WORKLOADS, fixedStart, generate } from './workloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const opt = (k, dflt) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : dflt; };
const only = opt('--only', 'o8,o8-tied,o8-spherical,o16d,o64,letter,shuttle').split(',');
const base = opt('--base', null);
const ROUNDS = Number(opt('--rounds', 7));
const TYPES = { full: 0, tied: 1, diag: 2, spherical: 3 };

async function build(tree, label) {
  // the entry compiled against tree/assembly (copied next to a copy of the entry)
  const dir = join(here, '.data', `kernels-${label}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'bench'), { recursive: true });
  cpSync(join(tree, 'assembly'), join(dir, 'assembly'), { recursive: true });
  // the tree's own entry where it has one (the kernels' names change), else this one
  const entry = existsSync(join(tree, 'bench', 'kernels.ts')) ? join(tree, 'bench', 'kernels.ts') : join(here, 'kernels.ts');
  copyFileSync(entry, join(dir, 'bench', 'kernels.ts'));
  const out = join(dir, 'kernels.wasm');
  const asc = (await import('assemblyscript/asc')).default;
  let stderr = '';
  const { error } = await asc.main([join(dir, 'bench', 'kernels.ts'), '--outFile', out, '-O3', '--enable', 'simd', '--runtime', 'stub',
    '--noAssert', '--use', 'abort=', '--initialMemory', '2'], { stderr: { write: (s) => { stderr += s; return true; } }, stdout: { write: () => true } });
  if (error) throw new Error(`asc: ${error.message}\n${stderr}`);
  const { instance } = await WebAssembly.instantiate(readFileSync(out), {});
  return { label, e: instance.exports };
}

/** Lays out a workload and fitted parameters in a build's memory. */
function setup(b, w, params) {
  const { e } = b;
  const { n, d, K, type } = w;
  const t = TYPES[type];
  const B = Math.max(16, Math.min(512, Math.floor(Math.min(4096 / d, 8192 / K)))) & ~1;
  // tied totals kept between passes where the build has them (a fit's steady state)
  const tied = e.tiedCacheSize && type === 'tied' && 4 * d <= B ? e.tiedCacheSize(n, d, B) : 0;
  const sizes = { x: n * d + d, means: K * d, chol: params.chol.length, logConst: K, weights: K, stats: e.statsSize(t, K, d),
    scratch: e.scratchSize(K, d, B) + B * d, tied: tied + 1 };
  let at = (e.heapBase() + 15) & ~15;
  const ptr = {};
  for (const [k, v] of Object.entries(sizes)) { ptr[k] = at; at += ((v * 8 + 15) & ~15); }
  const need = at - e.memory.buffer.byteLength;
  if (need > 0) e.memory.grow(Math.ceil(need / 65536));
  const f = new Float64Array(e.memory.buffer);
  f.set(w.X, ptr.x / 8);
  f.set(params.means, ptr.means / 8);
  f.set(params.chol, ptr.chol / 8);
  f.set(params.weights, ptr.weights / 8);
  e.pairsInPlace(ptr.x, n, d, B, ptr.scratch);
  e.logConstants(ptr.weights, ptr.chol, ptr.logConst, t, K, d);
  f.fill(NaN, ptr.tied / 8, ptr.tied / 8 + tied);
  return { ...ptr, tied: tied ? ptr.tied : 0, n, d, K, t, B };
}

function time(fn, minMs = 25) {
  let reps = 0;
  const t0 = performance.now();
  let t;
  do { fn(); reps++; t = performance.now() - t0; } while (t < minMs);
  return t / reps;
}

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
// noise on a shared machine only adds time: the fastest round is the best estimate of a cost
const best = (a) => Math.min(...a);

async function main() {
  const { init, GaussianMixture } = await import(pathToFileURL(join(root, 'dist', 'entry-node.js')).href);
  await init();
  const builds = [await build(root, 'this')];
  if (base) builds.unshift(await build(base, 'base'));
  for (const name of only) {
    const spec = WORKLOADS.find((s) => s.name === name);
    const w = generate(spec);
    const gm = new GaussianMixture(fixedStart(w, 3));
    gm.fit({ data: w.X, rows: w.n, cols: w.d });
    const params = { means: gm.means.data, chol: gm.precisionsCholesky, weights: gm.weights };
    const S = builds.map((b) => setup(b, w, params));
    const res = builds.map(() => ({ pass: [], s1: [], s2: [], s3: [] }));
    const stat = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (let i0 = 0; i0 < builds.length; i0++) {
        const i = (i0 + r) % builds.length;
        const { e } = builds[i], s = S[i];
        res[i].pass.push(time(() => e.emPass(s.x, 0, s.n, s.d, s.K, s.t, s.means, s.chol, s.logConst, s.stats, s.scratch, s.B, 1, 0, 1, 0, 0, 0, s.tied)));
        for (const st of [1, 2, 3]) res[i][`s${st}`].push(time(() => e.passStages(s.x, s.n, s.d, s.K, s.t, s.means, s.chol, s.logConst, s.stats, s.scratch, s.B, st, s.tied)));
      }
    }
    for (let i = 0; i < builds.length; i++) {
      const { e } = builds[i], s = S[i];
      e.emPass(s.x, 0, s.n, s.d, s.K, s.t, s.means, s.chol, s.logConst, s.stats, s.scratch, s.B, 1, 0, 1, 0, 0, 0, s.tied);
      stat.push(new Float64Array(e.memory.buffer, s.stats, e.statsSize(s.t, s.K, s.d)).slice());
    }
    const m = res.map((r) => ({ pass: best(r.pass), lp: best(r.s1), norm: best(r.s2) - best(r.s1), acc: best(r.s3) - best(r.s2) }));
    const line = (b, x) => `${b.label.padEnd(5)} emPass ${x.pass.toFixed(2)} ms = log-densities ${x.lp.toFixed(2)} + normalisation ${x.norm.toFixed(2)} + statistics ${x.acc.toFixed(2)} (+ ${(x.pass - x.lp - x.norm - x.acc).toFixed(2)} other)`;
    console.log(`${name} (${w.n}×${w.d} K=${w.K} ${w.type}, ${ROUNDS} rounds, fastest round)`);
    builds.forEach((b, i) => console.log(`  ${line(b, m[i])}`));
    if (builds.length === 2) {
      let maxRel = 0;
      for (let j = 0; j < stat[0].length; j++) maxRel = Math.max(maxRel, Math.abs(stat[0][j] - stat[1][j]) / Math.max(Math.abs(stat[0][j]), 1e-300));
      const ratios = res[1].pass.map((t, j) => t / res[0].pass[j]);
      console.log(`  this ÷ base emPass: median of per-round ratios ${median(ratios).toFixed(3)}; statistics max rel. diff ${maxRel.toExponential(1)}`);
    }
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
