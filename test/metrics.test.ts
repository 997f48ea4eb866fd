// adjustedRandIndex against mclust 6.0.0's (test/fixtures/generate_ari.R; scikit-learn's
// adjusted_rand_score agrees with both to 1 ulp), and its properties (fast-check).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { adjustedRandIndex } from '../src/index.js';
import { errorCode } from './helpers.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/ari.json', import.meta.url), 'utf8')) as { cases: { name: string; a: number[]; b: number[]; ari: number }[] };

describe('adjustedRandIndex', () => {
  for (const c of fx.cases) {
    it(`${c.name}: mclust's value, bit for bit`, () => {
      expect(adjustedRandIndex(c.a, c.b)).toBe(c.ari);
      // symmetric, and only the partition matters: labels renamed (strings) give the same
      expect(adjustedRandIndex(c.b, c.a)).toBeCloseTo(c.ari, 14);
      expect(adjustedRandIndex(c.a.map((v) => `k${v * 7}`), c.b)).toBe(c.ari);
    });
  }

  it('is 1 for the same partition under any renaming, and at most 1', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 60, maxLength: 60 }),
      (a, b) => {
        const renamed = a.map((v) => `c${(v * 3 + 1) % 7}`);
        const distinct = new Set(a).size;
        if (distinct > 1 || a.length > 1) expect(adjustedRandIndex(a, renamed)).toBeCloseTo(1, 12);
        const r = adjustedRandIndex(a, b.slice(0, a.length));
        expect(Number.isNaN(r) || r <= 1 + 1e-12).toBe(true);
      }));
  });

  it('refuses what it cannot compare', () => {
    expect(errorCode(() => adjustedRandIndex([1, 2], [1]))).toBe('SHAPE_MISMATCH');
    expect(errorCode(() => adjustedRandIndex([], []))).toBe('EMPTY_INPUT');
    expect(errorCode(() => adjustedRandIndex([1, NaN], [1, 2]))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => adjustedRandIndex(null as never, [1]))).toBe('INVALID_TYPE');
    expect(adjustedRandIndex([3, 3, 3], ['a', 'a', 'a'])).toBe(1);
    // labels compare by their text, as R's: 1 and '1' are one label
    expect(adjustedRandIndex([1, '1', 2, 2], [0, 0, 1, 1])).toBe(1);
  });

  it('takes 200,000 rows in 50,000 clusters (only the non-empty cells of the table are kept)', () => {
    const n = 200000;
    const a = Int32Array.from({ length: n }, (_, i) => i % 50000), b = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 4) % 50000);
    const r = adjustedRandIndex(a, a);
    expect(r).toBe(1);
    expect(Math.abs(adjustedRandIndex(a, b))).toBeLessThan(1);
  });
});
