#!/usr/bin/env node
// How many of a fit's (row, component) log-densities a bound carried from the previous
// E-step could skip (a simulation in plain JavaScript; nothing here is built into the core).
// Usage:
//
//   node bench/bounds-sim.js [workload=o16d] [group sizes in pairs, default 4,8,16,32] [E-steps, default 5]
//
// Diag and full (tied and spherical are special cases of these and not simulated). With U
// the precision Cholesky factor of component k (diag: its diagonal) and μ its mean,
// s = ‖(x − μ)U‖ and lp = c − s²/2. From the parameters of one E-step (U, μ) to the next
// (U', μ'), (x − μ')U' = (x − μ)U·M + (μ − μ')U' with M = U⁻¹U', so s' ≥ ρ·s − δ and
// s' ≤ ρ̄·s + δ with δ = ‖(μ − μ')U'‖, ρ̄ ≥ ‖M‖₂ and ρ ≤ 1/‖M⁻¹‖₂. Diag: ρ = minⱼ U'ⱼ/Uⱼ and
// ρ̄ = maxⱼ, exactly. Full: the bounds a core could compute in O(d³) per component,
// ‖A‖₂ ≤ √(‖A‖₁‖A‖∞) for A = M and A = M⁻¹ = U'⁻¹U. A pair of rows may skip component k
// when in both rows c'ₖ − ½(ρ·sₖ − δ)₊² < max over j of (c'ⱼ − ½(ρ̄ⱼ·sⱼ + δⱼ)²) − 40 − 1
// (RESP_CUTOFF and a margin for rounding). Per group of consecutive pairs in the core's
// Z-order the same test takes the smallest sₖ of the group and the exact log-density of the
// group's most common best component. Rows are in the order the core lays them out (a Shard
// of dist/). The s of each E-step is exact (what a build that skips nothing would carry).
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
if (w.type !== 'diag' && w.type !== 'full') throw new Error(`${name} is ${w.type}; the simulation covers diag and full`);
const { n, d, K } = w;
const full = w.type === 'full';
const steps = Number(process.argv[4] ?? 5);

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

// the parameters each E-step uses: the benchmark's start (its precisions are diagonal, so
// their square roots are its Cholesky factors), then after 1, 2, … iterations
const params = [{ means: w.start.means, prec: Float64Array.from(w.start.precisions, Math.sqrt), weights: w.start.weights }];
for (let t = 1; t < steps; t++) {
  const gm = new GaussianMixture({ nComponents: K, covarianceType: w.type, tol: 0, maxIter: t, regCovar: 1e-6,
    weightsInit: w.start.weights, meansInit: { data: w.start.means, rows: K, cols: d }, precisionsInit: w.start.precisions });
  gm.fit({ data: w.X, rows: n, cols: d });
  params.push({ means: gm.means.data, prec: gm.precisionsCholesky, weights: gm.weights });
}

/** U of component k as a dense d×d array (diag: its diagonal). */
function factor(p, k) {
  if (full) return p.prec.subarray(k * d * d, (k + 1) * d * d);
  const U = new Float64Array(d * d);
  for (let j = 0; j < d; j++) U[j * d + j] = p.prec[k * d + j];
  return U;
}

function eStep(p) {
  const s = new Float64Array(n * K), lp = new Float64Array(n * K), cst = new Float64Array(K);
  const y = new Float64Array(d);
  for (let k = 0; k < K; k++) {
    const U = factor(p, k);
    let a = Math.log(p.weights[k]) - (d / 2) * Math.log(2 * Math.PI);
    for (let j = 0; j < d; j++) a += Math.log(U[j * d + j]);
    cst[k] = a;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) y[j] = x[i * d + j] - p.means[k * d + j];
      let q = 0;
      for (let j = 0; j < d; j++) {
        let t = 0;
        for (let h = full ? 0 : j; h <= j; h++) t += y[h] * U[h * d + j];
        q += t * t;
      }
      s[i * K + k] = Math.sqrt(q);
      lp[i * K + k] = cst[k] - q / 2;
    }
  }
  return { s, lp, cst };
}

/** A⁻¹B for upper-triangular A and B (d×d, row-major), by back substitution. */
function solveUpper(A, B) {
  const Z = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    for (let r = d - 1; r >= 0; r--) {
      let t = B[r * d + c];
      for (let h = r + 1; h < d; h++) t -= A[r * d + h] * Z[h * d + c];
      Z[r * d + c] = t / A[r * d + r];
    }
  }
  return Z;
}

/** √(‖A‖₁‖A‖∞) ≥ ‖A‖₂. */
function norm2Bound(A) {
  let c1 = 0, cInf = 0;
  for (let i = 0; i < d; i++) {
    let row = 0, col = 0;
    for (let j = 0; j < d; j++) { row += Math.abs(A[i * d + j]); col += Math.abs(A[j * d + i]); }
    cInf = Math.max(cInf, row); c1 = Math.max(c1, col);
  }
  return Math.sqrt(c1 * cInf);
}

const CUT = -40, MARGIN = 1;
let prev = eStep(params[0]);
for (let t = 1; t < params.length; t++) {
  const p0 = params[t - 1], p1 = params[t], cur = eStep(p1);
  const lo = [], hi = [], del = [];
  for (let k = 0; k < K; k++) {
    const U0 = factor(p0, k), U1 = factor(p1, k);
    let e2 = 0;
    for (let j = 0; j < d; j++) {
      let e = 0;
      for (let h = 0; h <= j; h++) e += (p0.means[k * d + h] - p1.means[k * d + h]) * U1[h * d + j];
      e2 += e * e;
    }
    del.push(Math.sqrt(e2));
    if (full) {
      lo.push(1 / norm2Bound(solveUpper(U1, U0)));
      hi.push(norm2Bound(solveUpper(U0, U1)));
      continue;
    }
    let a = Infinity, b = 0;
    for (let j = 0; j < d; j++) {
      const r = U1[j * d + j] / U0[j * d + j];
      a = Math.min(a, r);
      b = Math.max(b, r);
    }
    lo.push(a); hi.push(b);
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
