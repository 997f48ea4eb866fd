// bootstrapLRT, mclust's mclustBootstrapLRT, against R's mclust 6.0.0
// (test/fixtures/generate_lrt.R): the observed statistics exactly as mclust computes them,
// the bootstrap statistics as a distribution (R's draws come from R's generator).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bootstrapLRT, type CovarianceName, type Matrix } from '../src/index.js';
import { errorCode, loadCore, sameBits, thrown } from './helpers.js';

interface Case { name: string; model: string; n: number; d: number; x: number[]; obs: number[]; p: number[]; boot: number[][] }
const fx = JSON.parse(readFileSync(new URL('./fixtures/lrt.json', import.meta.url), 'utf8')) as { cases: Case[] };
const X = (c: Case): Matrix => ({ data: Float64Array.from(c.x), rows: c.n, cols: c.d });
const MCLUST = { initParams: 'hc', regCovar: 0, tol: 1e-11, maxIter: 100000 } as const;

beforeAll(loadCore);

/** The two-sample Kolmogorov–Smirnov distance. */
function ks(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = Array.from(a).sort((u, v) => u - v), y = Array.from(b).sort((u, v) => u - v);
  let d = 0, i = 0, j = 0;
  while (i < x.length && j < y.length) {
    if (x[i] <= y[j]) i++;
    else j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

describe('bootstrapLRT against mclust', () => {
  for (const c of fx.cases) {
    it(`${c.name}, ${c.model}, g = 1..3: mclust's observed statistics, and bootstrap statistics of the same distribution`, () => {
      const nBoot = 150;
      const r = bootstrapLRT(X(c), { covarianceType: c.model as CovarianceName, nBoot, maxComponents: 3, ...MCLUST });
      expect(r.tests.map((t) => t.nComponents)).toEqual([1, 2, 3]);
      r.tests.forEach((t, i) => {
        expect(Math.abs(t.statistic - c.obs[i]) / c.obs[i], `g = ${i + 1}`).toBeLessThan(1e-7);
        expect(t.bootstrap.length).toBe(nBoot);
        // 150 draws against R's 300: a KS distance beyond 0.195 has probability below 0.001
        expect(ks(t.bootstrap, c.boot[i]), `g = ${i + 1}`).toBeLessThan(0.195);
        // where R's test is significant at 1% (p at most 2/301), ours is at 5% (p ≤ 7/151)
        if (c.p[i] < 0.01) expect(t.pValue).toBeLessThan(0.05);
      });
    });
  }
});

describe('bootstrapLRT', () => {
  it("stops at the first test that is not significant (Old Faithful, VVV: 2 components), and repeats its bits from the seed", () => {
    const c = fx.cases[0];
    const a = bootstrapLRT(X(c), { covarianceType: 'VVV', nBoot: 60, ...MCLUST });
    expect(a.tests.map((t) => t.nComponents)).toEqual([1, 2]);
    expect(a.nComponents).toBe(2);
    expect(a.tests[1].pValue).toBeGreaterThan(0.05);
    const b = bootstrapLRT(X(c), { covarianceType: 'VVV', nBoot: 60, ...MCLUST });
    for (let i = 0; i < 2; i++) expect(sameBits(a.tests[i].bootstrap, b.tests[i].bootstrap)).toBe(true);
    const other = bootstrapLRT(X(c), { covarianceType: 'VVV', nBoot: 60, ...MCLUST, seed: 5, maxComponents: 1 });
    expect(sameBits(other.tests[0].bootstrap, a.tests[0].bootstrap)).toBe(false);
    expect(other.tests[0].statistic).toBe(a.tests[0].statistic);
  });

  it('refuses bad options before any fit, and names the fit that failed', () => {
    const c = fx.cases[0];
    expect(errorCode(() => bootstrapLRT(X(c), { nBoot: 0 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => bootstrapLRT(X(c), { level: 1 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => bootstrapLRT(X(c), { maxComponents: 1.5 }))).toBe('INVALID_OPTION');
    expect(thrown(() => bootstrapLRT(X(c), { nComponents: 2 } as never)).message).toMatch(/nComponents is not one of its options/);
    expect(thrown(() => bootstrapLRT(X(c), { nBot: 9 } as never)).message).toMatch(/did you mean nBoot/);
    expect(errorCode(() => bootstrapLRT(X(c), { missingValues: 'marginalize' }))).toBe('INVALID_OPTION');
    // three distinct points: a second component on one of them is singular with regCovar 0
    const tiny = [[0, 0], [0, 0], [1, 0], [1, 0], [0, 1], [0, 1]];
    expect(thrown(() => bootstrapLRT(tiny, { regCovar: 0, nBoot: 5, maxComponents: 3 })).message).toMatch(/the fit of \d components on X failed/);
  });
});

describe('bootstrapLRT: edges a review found', () => {
  it('runs EM to its end by default, so a default run finds what a tight one finds (Old Faithful, VVV: 2 components)', () => {
    const c = fx.cases[0];
    const r = bootstrapLRT(X(c), { covarianceType: 'VVV', nBoot: 40, maxComponents: 2 });
    expect(r.tests[1].pValue).toBeGreaterThan(0.05);
    // the bootstrap fits start from the fitted parameters without X's bound, so none stops after one step
    const mean = r.tests[1].bootstrap.reduce((a, b) => a + b, 0) / 40;
    expect(mean).toBeGreaterThan(6);
  });

  it('fewer rows than tests: as many tests as the rows allow; seeds wrap at 2^53 without repeating a draw', () => {
    const few = [[1.1, 2], [1.5, 2.6], [3.3, 0.4], [4.2, 1.3], [0.2, 3.1], [2.2, 2.9]];
    const r = bootstrapLRT(few, { covarianceType: 'spherical', nBoot: 9 });
    expect(r.tests.length).toBeGreaterThan(0);
    expect(r.tests.length).toBeLessThanOrEqual(5);
    expect(errorCode(() => bootstrapLRT(few, { maxComponents: 6, nBoot: 9 }))).toBe('TOO_FEW_SAMPLES');
    const Y = [[1], [2], [3], [4], [5], [6], [7], [8], [9], [10.5], [20], [21], [22]];
    const b = bootstrapLRT(Y, { nBoot: 6, maxComponents: 1, seed: 2 ** 53 - 3 }).tests[0].bootstrap;
    expect(new Set(b).size).toBe(6);
  });
});

describe('bootstrapLRTAsync', () => {
  it("gives bootstrapLRT's bits on 0, 1 and 3 workers (the draws split in blocks), and its signal stops it", async () => {
    const lib = (await import('../dist/entry-node.js' as string)) as typeof import('../src/entry-node.js');
    await lib.init();
    const c = fx.cases[1];
    const o = { covarianceType: 'EEE' as const, nBoot: 30, maxComponents: 2, ...MCLUST };
    const ref = lib.bootstrapLRT(X(c), o);
    for (const workers of [0, 1, 3]) {
      const r = await lib.bootstrapLRTAsync(X(c), { ...o, workers });
      expect(r.tests.map((t) => t.statistic)).toEqual(ref.tests.map((t) => t.statistic));
      for (let i = 0; i < ref.tests.length; i++) expect(sameBits(r.tests[i].bootstrap, ref.tests[i].bootstrap), `workers ${workers}`).toBe(true);
    }
    const ac = new AbortController();
    const run = lib.bootstrapLRTAsync(X(c), { ...o, nBoot: 5000, workers: 2, signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(lib.bootstrapLRTAsync(X(c), { workers: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(lib.bootstrapLRTAsync(X(c), null as never)).rejects.toMatchObject({ code: 'INVALID_TYPE' });
    await expect(lib.bootstrapLRTAsync(X(c), { worker: 2 } as never)).rejects.toThrow(/did you mean workers/);
    // a worker that cannot start while the draws begin (the first is selectModelAsync's pool's): WORKER_FAILED
    const { Worker } = await import('node:worker_threads');
    let calls = 0;
    const createWorker = (): unknown => {
      if (++calls > 1) throw new TypeError('no more workers');
      return new Worker(new URL('../dist/parallel/worker-node.js', import.meta.url));
    };
    await expect(lib.bootstrapLRTAsync(X(c), { ...o, workers: 1, createWorker })).rejects.toMatchObject({ code: 'WORKER_FAILED' });
  });
});
