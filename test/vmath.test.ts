// The E-step's two-lane exp and log (assembly/vmath.ts) against mpmath
// (test/fixtures/generate_special.py): they set every responsibility and lower bound, so
// their accuracy bounds the agreement with scikit-learn.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { privateCore, type CoreExports } from '../src/core/core.js';
import { loadCore, root } from './helpers.js';

const special = JSON.parse(readFileSync(new URL('test/fixtures/special.json', root), 'utf8')) as {
  source: string; exp: [number, number][]; log: [number, number][];
};

let c: CoreExports;
beforeAll(async () => {
  await loadCore();
  c = await privateCore();
});

/** Applies a block kernel to xs in a private instance's memory (above its heap base). */
function apply(kernel: 'expBlock' | 'logBlock', xs: number[]): Float64Array {
  const at = (c.heapBase() + 15) & ~15;
  const need = at + xs.length * 8 - c.memory.buffer.byteLength;
  if (need > 0) c.memory.grow(Math.ceil(need / 65536));
  new Float64Array(c.memory.buffer, at, xs.length).set(xs);
  c[kernel](at, xs.length);
  return new Float64Array(c.memory.buffer, at, xs.length).slice();
}

/** The distance from y to the next double away from zero (y's ulp; y normal). */
function ulp(y: number): number {
  const b = new Float64Array([Math.abs(y)]);
  new BigInt64Array(b.buffer)[0] += 1n;
  return b[0] - Math.abs(y);
}

describe(`the E-step's exp and log match ${special.source}`, () => {
  it('exp on [−708.39, 0]: within 1 ulp; exactly 1 at 0, 0 at −∞ and below −708.4', () => {
    const xs = special.exp.map(([x]) => x);
    const got = apply('expBlock', xs);
    let worst = 0;
    special.exp.forEach(([x, y], i) => {
      const e = Math.abs(got[i] - y) / ulp(y);
      worst = Math.max(worst, e);
      expect(e, `exp(${x})`).toBeLessThanOrEqual(1);
    });
    expect(special.exp.length).toBeGreaterThan(500);
    expect(worst).toBeGreaterThan(0); // the comparison is not vacuous
    // odd lengths take the last value alone; the edges
    expect(Array.from(apply('expBlock', [0, -Infinity, -709, -745, -0]))).toEqual([1, 0, 0, 0, 1]);
  });

  it('exp at every reduction point n·ln2/256 in range and the ties between: within 2 ulp of Math.exp', () => {
    // n = 256k + j covers every table entry j and every exponent k the bit arithmetic adds;
    // Math.exp is itself within 1 ulp, hence 2 (the mpmath points above hold 1)
    const xs: number[] = [];
    const step = Math.LN2 / 256;
    for (let n = 0; n >= -261632; n--) for (const o of [0, 0.5, -0.5]) {
      const x = (n + o) * step;
      if (x <= 0 && x >= -708.3964185322641) xs.push(x);
    }
    const got = apply('expBlock', xs);
    let worst = 0;
    for (let i = 0; i < xs.length; i++) worst = Math.max(worst, Math.abs(got[i] - Math.exp(xs[i])) / ulp(Math.exp(xs[i])));
    expect(xs.length).toBeGreaterThan(780000);
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('log on [1, 1e300]: within 2 ulp; exactly 0 at 1', () => {
    const got = apply('logBlock', special.log.map(([x]) => x));
    special.log.forEach(([x, y], i) => {
      expect(Math.abs(got[i] - y) / ulp(y), `log(${x})`).toBeLessThanOrEqual(2);
    });
    expect(special.log.length).toBeGreaterThan(200);
    expect(apply('logBlock', [1, 1, 1])[2]).toBe(0);
  });
});
