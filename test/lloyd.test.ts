// Lloyd's iterations skip rows by Hamerly's bound (assembly/kmeans.ts assign): a group of
// rows whose nearest centre provably stayed the same keeps its labels unread by any
// distance. The labels, and so the sums, centres and every fit after them, must be the
// bits of the plain assignment, however the centres move: a little, not at all, one far,
// two onto one spot (ties), and with one centre.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GaussianMixture, BayesianGaussianMixture } from '../src/index.js';
import { core, kernels } from '../src/core/core.js';
import { Arena } from '../src/core/arena.js';
import { Shard } from '../src/fit/shard.js';
import { loadCore, matrix, rng } from './helpers.js';

beforeAll(loadCore);
afterEach(() => {
  kernels.lloydBound = true;
});

/** Runs a centre sequence through lloydSums with the bound and without (x row-major, n×d,
 *  blocks of B); returns the first step whose labels or sums differ, or −1. */
function firstDifference(x: Float64Array, n: number, d: number, K: number, B: number, seq: Float64Array[]): number {
  const c = core(), arena = new Arena(c);
  arena.reset();
  const xp = arena.allocF64(n * d + d), tmp = arena.allocF64(B * d + 16);
  arena.f64(xp, n * d).set(x);
  c.pairsInPlace(xp, n, d, B, tmp);
  const centres = arena.allocF64(K * d), prev = arena.allocF64(K * d), moves = arena.allocF64(K + 1);
  const labels = arena.alloc(4 * n), plain = arena.alloc(4 * n), gap = arena.allocF64(n + 1);
  const sums = arena.allocF64(K * d + K), sumsPlain = arena.allocF64(K * d + K), q = arena.allocF64(8);
  for (let step = 0; step < seq.length; step++) {
    if (step > 0) arena.f64(prev, K * d).set(seq[step - 1]);
    arena.f64(centres, K * d).set(seq[step]);
    if (step > 0) c.centreMoves(prev, centres, K, d, moves);
    c.lloydSums(xp, 0, n, d, K, B, centres, labels, sums, q, gap, moves, step === 0 ? 1 : 0);
    c.lloydSums(xp, 0, n, d, K, B, centres, plain, sumsPlain, q, 0, 0, 1);
    const a = arena.i32(labels, n), b = arena.i32(plain, n);
    const sa = arena.f64(sums, K * d + K), sb = arena.f64(sumsPlain, K * d + K);
    if (!a.every((v, i) => v === b[i]) || !sa.every((v, i) => Object.is(v, sb[i]))) return step;
  }
  return -1;
}

describe('assign with the bound gives assignLabels\' labels and sums, step after step', () => {
  const cases = [
    { n: 1000, d: 3, K: 5, B: 512, offset: 0 },
    { n: 777, d: 1, K: 3, B: 64, offset: 1e3 }, // odd n: a padding lane; rows far from 0
    { n: 301, d: 16, K: 8, B: 42, offset: -50 },
    { n: 64, d: 2, K: 1, B: 16, offset: 0 },    // one centre: every gap is +∞
    { n: 2048, d: 9, K: 12, B: 454, offset: 1e6 },
  ];
  for (const { n, d, K, B, offset } of cases) {
    it(`n=${n}, d=${d}, K=${K}, blocks of ${B}, rows about ${offset}`, () => {
      const u = rng(n + d * 31 + K);
      // clusters of unit spread about K random points, so that most rows sit near one
      const pts = Array.from({ length: K }, () => Array.from({ length: d }, () => offset + 8 * (u() - 0.5)));
      const x = Float64Array.from({ length: n * d }, (_, i) => pts[Math.floor(i / d) % K][i % d] + (u() - 0.5) * 3);
      let cur = Float64Array.from({ length: K * d }, (_, i) => x[Math.floor(u() * n) * d + (i % d)]);
      const seq = [cur];
      for (let step = 1; step < 14; step++) {
        const next = cur.slice();
        const kind = step % 5;
        for (let k = 0; k < K; k++) {
          for (let j = 0; j < d; j++) {
            const i = k * d + j;
            if (kind === 1) next[i] += 1e-3 * (u() - 0.5);              // a little
            else if (kind === 2 && k === step % K) next[i] += 20;        // one far
            else if (kind === 3 && K > 1 && k === 1) next[i] = next[j];  // onto centre 0: ties
            else if (kind === 4) next[i] = pts[k][j] + 0.3 * (u() - 0.5); // towards the truth
            // kind 0: not at all
          }
        }
        seq.push((cur = next));
      }
      const c = core(), kept0 = c.lloydKeptCount();
      expect(firstDifference(x, n, d, K, B, seq)).toBe(-1);
      expect(c.lloydKeptCount() - kept0).toBeGreaterThan(0);
    });
  }

  // the sums keep a run of rows with one label in registers, eight features a pass, then
  // two, then one: each (centre, feature) sum must still add its rows in row order
  for (const d of [1, 2, 3, 8, 9, 11, 16, 19]) {
    it(`lloydSums: Σ w·x and Σ w per centre, the bits of adding row by row (d = ${d}, weights, two blocks)`, () => {
      const n = 301, K = 4, B = 200, u = rng(d);
      const c = core(), arena = new Arena(c);
      arena.reset();
      const x = Float64Array.from({ length: n * d }, () => 10 * (u() - 0.5));
      const w = Float64Array.from({ length: n }, (_, i) => (i % 13 === 0 ? 0 : 0.5 + u()));
      const cen = Float64Array.from({ length: K * d }, () => 10 * (u() - 0.5));
      const xp = arena.allocF64(n * d + d), tmp = arena.allocF64(B * d + 16), wp = arena.put(w), cp = arena.put(cen);
      arena.f64(xp, n * d).set(x);
      c.pairsInPlace(xp, n, d, B, tmp);
      const labels = arena.alloc(4 * n), out = arena.allocF64(K * d + K), q = arena.allocF64(8);
      c.lloydSums(xp, wp, n, d, K, B, cp, labels, out, q, 0, 0, 1);
      const lab = arena.i32(labels, n);
      const sums = new Float64Array(K * d), mass = new Float64Array(K);
      for (let r = 0; r < n; r++) {
        const k = lab[r];
        mass[k] += w[r];
        for (let j = 0; j < d; j++) sums[k * d + j] += w[r] * x[r * d + j];
      }
      expect(new Set(lab).size).toBe(K); // runs of every label, and changes between them
      const got = arena.f64(out, K * d + K);
      expect(Array.from(got.subarray(0, K * d)).every((v, i) => Object.is(v, sums[i]))).toBe(true);
      expect(Array.from(got.subarray(K * d)).every((v, i) => Object.is(v, mass[i]))).toBe(true);
    });
  }

  it('centreMoves: each centre\'s distance, rounded up, and the largest', () => {
    const c = core(), arena = new Arena(c);
    arena.reset();
    const K = 3, d = 2;
    const a = arena.put(Float64Array.from([0, 0, 1, 1, 5, 5])), b = arena.put(Float64Array.from([3, 4, 1, 1, 5, 6]));
    const out = arena.allocF64(K + 1);
    c.centreMoves(a, b, K, d, out);
    const m = arena.f64(out, K + 1);
    expect(m[0]).toBeGreaterThanOrEqual(5);
    expect(m[0]).toBeLessThan(5 * (1 + 1e-11));
    expect(m[1]).toBeLessThanOrEqual(1e-149); // no move: only the underflow allowance
    expect(m[2]).toBeGreaterThanOrEqual(1);
    expect(m[3]).toBe(m[0]);
  });
});

describe('the bound at the ends of the floating-point range (found in review)', () => {
  it('squares that underflow: distances about 1e-162, and a move whose square is 0', () => {
    // every row at 0; centre 0 at 2.3e-162 (its square one subnormal step), centre 1 at
    // 1.5e-162 (its square 0): label 1. Then centre 1 moves by 1e-162 (squared: 0), both
    // squares are one step, a tie, and the first centre wins: label 0
    const seq = [[2.3e-162, 1.5e-162], [2.3e-162, 2.5e-162]].map((v) => Float64Array.from(v));
    expect(firstDifference(new Float64Array(8), 8, 1, 2, 16, seq)).toBe(-1);
  });
  it('squares that overflow: a second distance of +∞ bounds nothing', () => {
    // rows at 1e154; the first distance to centre 1 squares to +∞, then centre 1 walks to the rows
    const seq = [[0.9e154, -1e154], [0.9e154, -0.4e154], [0.9e154, 0.2e154], [0.9e154, 1e154]].map((v) => Float64Array.from(v));
    expect(firstDifference(new Float64Array(8).fill(1e154), 8, 1, 2, 16, seq)).toBe(-1);
  });
  it('a default fit on data of scale 3e-162 is the same with the bound and without', () => {
    const scale = 3e-162, d = 2, K = 5, seed = 8, n = 300;
    const u = rng(seed * 1000 + K * 10 + d);
    const centres = Array.from({ length: 2 * K }, () => Array.from({ length: d }, () => 20 * u()));
    const X = matrix(Float64Array.from({ length: n * d }, (_, i) => scale * (centres[Math.floor(i / d) % (2 * K)][i % d] + 3 * u())), n, d);
    const fit = (on: boolean) => {
      kernels.lloydBound = on;
      return new GaussianMixture({ nComponents: K, covarianceType: 'diag', seed, maxIter: 2 }).fit(X).toJSON();
    };
    expect(fit(true)).toEqual(fit(false));
  });
  it('rows far from 0 (1e15 and 1e8 offsets, small moves) still keep labels by the bound', () => {
    for (const offset of [1e8, 1e15]) {
      const n = 400, d = 3, K = 4, u = rng(offset % 97);
      const x = Float64Array.from({ length: n * d }, (_, i) => offset + 10 * (Math.floor(i / d) % K) + u());
      let cur = Float64Array.from({ length: K * d }, (_, i) => offset + 10 * Math.floor(i / d) + 0.5);
      const seq = [cur];
      for (let s = 0; s < 6; s++) seq.push((cur = cur.map((v) => v + 0.5 * (u() - 0.5))));
      const kept0 = core().lloydKeptCount();
      expect(firstDifference(x, n, d, K, 64, seq)).toBe(-1);
      expect(core().lloydKeptCount() - kept0, `offset ${offset}`).toBeGreaterThan(0);
    }
  });
});

describe('the bound under a fuzz of centre sequences (the review\'s)', () => {
  // 300 cases of 25 steps: d up to 257, K up to 16, odd n, odd block sizes, many duplicate
  // rows, offsets up to 1e15 and scales down to 1e-140; the centres creep by 1e-12 relative,
  // rotate (every label changes), jump onto rows, duplicate centre 0 (ties), scatter, or
  // stay put
  it('labels and sums equal every distance computed, step by step', () => {
    const bad: string[] = [];
    for (let t = 0; t < 300; t++) {
      const u = rng(7000 + t);
      const d = [1, 2, 3, 5, 8, 17, 64, 257][t % 8], K = [1, 2, 3, 4, 7, 16][Math.floor(u() * 6)];
      const n = 1 + Math.floor(u() * 700), B = 16 + 2 * Math.floor(u() * 60);
      const offset = [0, 1e8, -1e15, 1e-300, 1e150][t % 5], scale = [1, 1e-6, 1e3, 1e-140][Math.floor(u() * 4)];
      const x = Float64Array.from({ length: n * d }, () => offset + scale * Math.round(8 * u()) / 4);
      const rowAt = (r: number) => x.subarray(r * d, r * d + d);
      let cur = new Float64Array(K * d);
      for (let k = 0; k < K; k++) cur.set(rowAt(Math.floor(u() * n)), k * d);
      const seq = [cur];
      for (let step = 0; step < 25; step++) {
        const next = cur.slice(), kind = Math.floor(u() * 7);
        for (let k = 0; k < K; k++) {
          if (kind === 0) for (let j = 0; j < d; j++) next[k * d + j] += scale * 1e-12 * (u() - 0.5) * Math.max(1, Math.abs(offset) / scale);
          else if (kind === 1 && K > 1) next.set(cur.subarray(((k + 1) % K) * d, ((k + 1) % K + 1) * d), k * d);
          else if (kind === 2 && u() < 0.3) next.set(rowAt(Math.floor(u() * n)), k * d);
          else if (kind === 3 && k > 0 && u() < 0.5) next.set(next.subarray(0, d), k * d);
          else if (kind === 4) for (let j = 0; j < d; j++) next[k * d + j] = offset + scale * (u() * 2);
          else if (kind === 5 && k === 0) for (let j = 0; j < d; j++) next[j] += scale * 1e-3;
        }
        seq.push((cur = next));
      }
      const step = firstDifference(x, n, d, K, B, seq);
      if (step >= 0) bad.push(`case ${t}: d ${d} K ${K} n ${n} B ${B} offset ${offset} scale ${scale}, step ${step}`);
    }
    expect(bad).toEqual([]);
  });
});

describe('a shard keeps the gaps only while nothing else wrote them', () => {
  // the gaps live in the rows' k-means++ potentials: a seeding between two Lloyd steps
  // overwrites them (and labelStats the labels), so the step after it must compute afresh
  it('Lloyd, k-means++ potentials, Lloyd: the labels of the plain assignment', () => {
    const n = 3000, d = 2, K = 4, u = rng(9);
    const X = Float64Array.from({ length: n * d }, (_, i) => 6 * (Math.floor(i / d) % K) * (i % d === 0 ? 1 : -1) + u());
    const labelsAfter = (on: boolean) => {
      kernels.lloydBound = on;
      const c = core(), arena = new Arena(c);
      arena.reset();
      const shard = new Shard(c, arena, 0, d).add(X, n, null);
      shard.prepare(K, 0);
      const c1 = Float64Array.from({ length: K * d }, (_, i) => X[(i >> 1) * 700 * d + (i % d)]);
      shard.lloyd(c1);
      // potentials far above any gap: every row would wrongly keep its label if they were read as gaps
      shard.kppClosest(Float64Array.from([1e3, 1e3]), true);
      const c2 = c1.map((v, i) => (i < d ? v + 6 : v)); // centre 0 moves onto the rows of centre 1
      shard.lloyd(c2);
      return shard.chunks.flatMap((ch) => Array.from(arena.i32(ch.labels, ch.rows)));
    };
    expect(labelsAfter(true)).toEqual(labelsAfter(false));
  });
});

describe('fits are the same bits with the bound and without', () => {
  // k-means starts with restarts (each k-means++ seeding invalidates the gaps, kept in the
  // rows' k-means++ potentials), weights, several chunks, and a Bayesian mixture
  for (const type of ['full', 'tied', 'diag', 'spherical'] as const) {
    it(`${type}: GaussianMixture (nInit 3, weights) and BayesianGaussianMixture`, () => {
      const n = 5000, d = 3, K = 5, u = rng(type.length);
      const pts = Array.from({ length: K }, () => Array.from({ length: d }, () => 10 * (u() - 0.5)));
      const X = matrix(Float64Array.from({ length: n * d }, (_, i) => pts[Math.floor(i / d) % K][i % d] + 2 * (u() - 0.5)), n, d);
      const w = Float64Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 0 : 1 + (i % 4) * 0.25));
      const run = (on: boolean) => {
        kernels.lloydBound = on;
        const k0 = core().lloydKeptCount();
        const gm = new GaussianMixture({ nComponents: K, covarianceType: type, nInit: 3, seed: 4, maxIter: 5 }).fit(X, { sampleWeight: w });
        const bgm = new BayesianGaussianMixture({ nComponents: K, covarianceType: type, seed: 5, maxIter: 5 }).fit(X);
        return { json: [gm.toJSON(), bgm.toJSON()], kept: core().lloydKeptCount() - k0 };
      };
      const on = run(true), off = run(false);
      expect(on.kept).toBeGreaterThan(0);
      expect(off.kept).toBe(0);
      expect(on.json).toEqual(off.json);
    });
  }
});
