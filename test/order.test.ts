// The row-order kernels (assembly/order.ts) against a plain JavaScript reference: the
// Z-order keys by their defining arithmetic ((v − lo)·2^per/(hi − lo), bits interleaved,
// coordinate 0 first) and the stable counting sort into pair blocks (in place, and from
// rows elsewhere). The kernels take
// shortcuts (exact thresholds instead of the arithmetic, pmin/pmax for the box, two rows
// at a time); the keys, and so every fit's row order, must be exactly these.
import { beforeAll, describe, expect, it } from 'vitest';
import { core } from '../src/core/core.js';
import { Arena } from '../src/core/arena.js';
import { loadCore, rng } from './helpers.js';

beforeAll(loadCore);

/** The keys by the definition (rows of weight ≤ 0: 2^bits; the box over the others). */
function referenceKeys(x: Float64Array, w: Float64Array | null, n: number, d: number, bits: number): Int32Array {
  const used = Math.min(d, bits), per = Math.ceil(bits / d), top = 2 ** per - 1;
  const lo = new Float64Array(used).fill(Infinity), hi = new Float64Array(used).fill(-Infinity);
  const live = (r: number): boolean => !w || w[r] > 0;
  for (let r = 0; r < n; r++) {
    if (!live(r)) continue;
    for (let i = 0; i < used; i++) {
      lo[i] = Math.min(lo[i], x[r * d + i]);
      hi[i] = Math.max(hi[i], x[r * d + i]);
    }
  }
  const sc = Array.from(lo, (l, i) => {
    const s = (top + 1) / (hi[i] - l);
    return s < Infinity ? s : 0;
  });
  const keys = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    if (!live(r)) {
      keys[r] = 2 ** bits;
      continue;
    }
    const q = Array.from(lo, (l, i) => {
      const t = Math.min((x[r * d + i] - l) * sc[i], top);
      return t > 0 ? Math.trunc(t) : 0;
    });
    let key = 0, left = bits;
    for (let j = per - 1; j >= 0 && left > 0; j--) {
      for (let i = 0; i < Math.min(used, left); i++) key = key * 2 + ((q[i] >> j) & 1);
      left -= Math.min(used, left);
    }
    keys[r] = key;
  }
  return keys;
}

/** Rows sorted stably by key, in pair blocks of B rows (block.ts's layout). */
function referencePairs(x: Float64Array, keys: Int32Array, n: number, d: number, B: number): Float64Array {
  const order = Array.from({ length: n }, (_, r) => r).sort((a, b) => keys[a] - keys[b] || a - b);
  const out = new Float64Array(n * d + d);
  for (let r0 = 0; r0 < n; r0 += B) {
    const rows = Math.min(B, n - r0), P = Math.ceil(rows / 2);
    for (let p = 0; p < P; p++) {
      for (let lane = 0; lane < 2; lane++) {
        const src = order[r0 + Math.min(2 * p + lane, rows - 1)];
        for (let i = 0; i < d; i++) out[r0 * d + (i * P + p) * 2 + lane] = x[src * d + i];
      }
    }
  }
  return out;
}

interface Case { n: number; d: number; bits: number; weighted: boolean; data: 'spread' | 'far' | 'ties' | 'zeros' | 'tiny' }
const cases: Case[] = [
  { n: 2048, d: 8, bits: 8, weighted: false, data: 'spread' },  // one bit a coordinate, even d
  { n: 2047, d: 9, bits: 8, weighted: true, data: 'far' },      // odd n, weights, offset data
  { n: 1000, d: 7, bits: 7, weighted: false, data: 'ties' },    // odd used coordinates, repeated values
  { n: 999, d: 3, bits: 7, weighted: false, data: 'spread' },   // several bits a coordinate
  { n: 513, d: 2, bits: 6, weighted: true, data: 'zeros' },     // flat and signed-zero coordinates
  { n: 300, d: 16, bits: 6, weighted: false, data: 'zeros' },
  { n: 64, d: 5, bits: 3, weighted: false, data: 'tiny' },      // a box whose scale overflows
];

describe('row order (order.ts)', () => {
  for (const cs of cases) {
    it(`keys and sorted pair blocks equal the reference: ${cs.n}×${cs.d}, ${cs.bits} bits, ${cs.data}${cs.weighted ? ', weighted' : ''}`, () => {
      const { n, d, bits } = cs;
      const u = rng(n * 31 + d);
      const x = new Float64Array(n * d);
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < d; i++) {
          let v = (u() - 0.4) * 10;
          if (cs.data === 'far') v = 1e8 + v * 1e-6;
          if (cs.data === 'ties') v = Math.round(v);
          if (cs.data === 'tiny') v *= 1e-310;
          if (cs.data === 'zeros' && i === 0) v = r % 3 === 0 ? -0 : 0;
          if (cs.data === 'zeros' && i === 1) v = r % 4 === 0 ? -0 : r % 4 === 1 ? 0 : v;
          x[r * d + i] = v;
        }
      }
      const w = cs.weighted ? Float64Array.from({ length: n }, () => (u() < 0.2 ? 0 : u() + 0.1)) : null;
      const c = core();
      const arena = new Arena(c);
      arena.reset();
      const xp = arena.allocF64(n * d + d), wp = w ? arena.allocF64(n) : 0, labels = arena.alloc(4 * n);
      const tmp = arena.allocF64(3 * d + 2), counts = arena.alloc(4 * (2 ** bits + 2)), sortTmp = arena.allocF64(n * (d + 2));
      const src = arena.allocF64(n * d), x2 = arena.allocF64(n * d + d), work = arena.alloc(4 * n);
      arena.f64(xp, n * d).set(x);
      if (w) arena.f64(wp, n).set(w);
      c.spatialKeys(xp, wp, n, d, bits, labels, tmp);
      const keys = arena.i32(labels, n).slice();
      const want = referenceKeys(x, w, n, d, bits);
      expect(keys).toEqual(want);
      expect(new Set(keys).size).toBeGreaterThan(cs.data === 'tiny' ? 0 : 4); // the keys spread the rows (a box too small to scale: one key)
      for (const B of [6, 64]) {
        arena.f64(xp, n * d).set(x);
        if (w) arena.f64(wp, n).set(w);
        c.groupRowsToPairs(xp, wp, n, d, 2 ** bits + 1, labels, counts, sortTmp, B);
        const got = arena.f64(xp, n * d + (n % 2 ? d : 0)).slice();
        const ref = referencePairs(x, want, n, d, B).subarray(0, got.length);
        expect(got.every((v, i) => Object.is(v, ref[i]))).toBe(true);
        // the same from rows elsewhere (fitStream's staging buffer), without weights
        arena.f64(src, n * d).set(x);
        c.sortedPairs(src, x2, 0, n, d, 2 ** bits + 1, labels, counts, work, B);
        expect(arena.f64(x2, got.length).every((v, i) => Object.is(v, ref[i]))).toBe(true);
        if (w) {
          const order = Array.from({ length: n }, (_, r) => r).sort((a, b) => want[a] - want[b] || a - b);
          expect(arena.f64(wp, n).slice()).toEqual(Float64Array.from(order, (r) => w[r]));
        }
      }
    });
  }
});
