#!/usr/bin/env node
// How many of a diagonal fit's (row, component) log-densities a bound carried from the
// previous E-step could skip (a simulation in plain JavaScript; nothing here is built into
// the core). Usage:
//
//   node bench/bounds-sim.js [workload=o16d] [group sizes in pairs, default 4,8,16,32]
//
// For a diag component k with precisions p (the Cholesky factor's diagonal) and mean μ,
// s = ‖p ⊙ (x − μ)‖ and lp = c − s²/2. From the parameters of one E-step (p, μ) to the next
// (p', μ'), per component ρ = minⱼ p'ⱼ/pⱼ and δ = ‖p' ⊙ (μ − μ')‖ give s' ≥ ρ·s − δ, and
// with ρ̄ = maxⱼ p'ⱼ/pⱼ, s' ≤ ρ̄·s + δ. A pair of rows may skip component k when in both rows
// c'ₖ − ½(ρ·sₖ − δ)₊² < max over j of (c'ⱼ − ½(ρ̄ⱼ·sⱼ + δⱼ)²) − 40 − 1 (RESP_CUTOFF and a
// margin for rounding). Per group of consecutive pairs in the core's Z-order the same test
// takes the smallest sₖ of the group and the exact log-density of the group's most common
// best component. Rows are in the order the core lays them out (a Shard of dist/).
import { WORKLOADS, generate } from './workloads.js';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const load = (f) => import(pathToFileURL(join(dist, f)).href);
const { init, GaussianMixture } = await load('entry-node.js');
await init();
const { core } = await load('core/core.js');
const { arenaFor } = await load('core/arena.js');
const { Shard } = await load('fit/shard.js');
const { blockRows } = await load('model/params.js');

const name = process.argv[2] ?? 'o16d';
const groups = (process.argv[3] ?? '4,8,16,32').split(',').map(Number);
const w = generate(WORKLOADS.find((s) => s.name === name));
if (w.type !== 'diag') throw new Error(`${name} is ${w.type}; the simulation covers diag only`);
const { n, d, K } = w;

// the rows in the core's order: a shard lays them out in pair blocks, then back to rows
const c = core(), arena = arenaFor(c);
const shard = new Shard(c, arena, 0, d).add(w.X, n, null);
shard.prepare(K, 2);
const B = blockRows(K, d), tmp = arena.allocF64(B * d + 16);
const x = new Float64Array(n * d);
let at = 0;
for (const ch of shard.chunks) {
  c.rowsInPlace(ch.x, ch.rows, d, B, tmp);
  x.set(arena.f64(ch.x, ch.rows * d), at);
  at += ch.rows * d;
}

// the parameters each E-step uses: the benchmark's start, then after 1, 2, … iterations
const params = [{ means: w.start.means, prec: Float64Array.from(w.start.precisions, Math.sqrt), weights: w.start.weights }];
for (let t = 1; t <= 4; t++) {
  const gm = new GaussianMixture({ nComponents: K, covarianceType: 'diag', tol: 0, maxIter: t, regCovar: 1e-6,
    weightsInit: w.start.weights, meansInit: { data: w.start.means, rows: K, cols: d }, precisionsInit: w.start.precisions });
  gm.fit({ data: w.X, rows: n, cols: d });
  params.push({ means: gm.means.data, prec: gm.precisionsCholesky, weights: gm.weights });
}

function eStep(p) {
  const s = new Float64Array(n * K), lp = new Float64Array(n * K), cst = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let a = Math.log(p.weights[k]) - (d / 2) * Math.log(2 * Math.PI);
    for (let j = 0; j < d; j++) a += Math.log(p.prec[k * d + j]);
    cst[k] = a;
  }
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      let q = 0;
      for (let j = 0; j < d; j++) {
        const t = (x[i * d + j] - p.means[k * d + j]) * p.prec[k * d + j];
        q += t * t;
      }
      s[i * K + k] = Math.sqrt(q);
      lp[i * K + k] = cst[k] - q / 2;
    }
  }
  return { s, lp, cst };
}

const CUT = -40, MARGIN = 1;
let prev = eStep(params[0]);
for (let t = 1; t < params.length; t++) {
  const p0 = params[t - 1], p1 = params[t], cur = eStep(p1);
  const lo = [], hi = [], del = [];
  for (let k = 0; k < K; k++) {
    let a = Infinity, b = 0, e2 = 0;
    for (let j = 0; j < d; j++) {
      const r = p1.prec[k * d + j] / p0.prec[k * d + j];
      a = Math.min(a, r);
      b = Math.max(b, r);
      const e = p1.prec[k * d + j] * (p0.means[k * d + j] - p1.means[k * d + j]);
      e2 += e * e;
    }
    lo.push(a); hi.push(b); del.push(Math.sqrt(e2));
  }
  const upper = (i, k) => cur.cst[k] - Math.max(0, lo[k] * prev.s[i * K + k] - del[k]) ** 2 / 2;
  const lower = (i, k) => cur.cst[k] - (hi[k] * prev.s[i * K + k] + del[k]) ** 2 / 2;
  let pruned = 0, dropped = 0, pairs = 0;
  for (let i = 0; i + 1 < n; i += 2) {
    const mLow = [i, i + 1].map((r) => { let m = -Infinity; for (let k = 0; k < K; k++) m = Math.max(m, lower(r, k)); return m; });
    const mTrue = [i, i + 1].map((r) => { let m = -Infinity; for (let k = 0; k < K; k++) m = Math.max(m, cur.lp[r * K + k]); return m; });
    for (let k = 0; k < K; k++) {
      pairs++;
      if (upper(i, k) < mLow[0] + CUT - MARGIN && upper(i + 1, k) < mLow[1] + CUT - MARGIN) pruned++;
      if (cur.lp[i * K + k] - mTrue[0] < CUT && cur.lp[(i + 1) * K + k] - mTrue[1] < CUT) dropped++;
    }
  }
  const byGroup = groups.map((g) => {
    let skip = 0, all = 0;
    for (let r0 = 0; r0 < n; r0 += 2 * g) {
      const r1 = Math.min(n, r0 + 2 * g);
      const count = new Array(K).fill(0);
      for (let r = r0; r < r1; r++) {
        let b = 0;
        for (let k = 1; k < K; k++) if (prev.lp[r * K + k] > prev.lp[r * K + b]) b = k;
        count[b]++;
      }
      const k0 = count.indexOf(Math.max(...count));
      let mLow = Infinity;
      for (let r = r0; r < r1; r++) mLow = Math.min(mLow, cur.lp[r * K + k0]);
      for (let k = 0; k < K; k++) {
        all++;
        if (k === k0) continue;
        let sMin = Infinity;
        for (let r = r0; r < r1; r++) sMin = Math.min(sMin, prev.s[r * K + k]);
        if (cur.cst[k] - Math.max(0, lo[k] * sMin - del[k]) ** 2 / 2 < mLow + CUT - MARGIN) skip++;
      }
    }
    return `${g} pairs ${(skip / all).toFixed(3)}`;
  });
  console.log(`${name} E-step ${t + 1}: (pair, component) below the cutoff ${(dropped / pairs).toFixed(3)}, ` +
    `skippable by the carried bound ${(pruned / pairs).toFixed(3)}; per group of ${byGroup.join(', ')}`);
  prev = cur;
}
