// initParams 'hc' against R's mclust 6.0.0 (test/fixtures/generate_hc.R): the merges of
// hc(X, "VVV", use = "SVD"), hclass's classifications, and Mclust() fits from them.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { GaussianMixture, agglomerate, selectModel, type CovarianceName } from '../src/index.js';
import { core } from '../src/core/core.js';
import { Arena } from '../src/core/arena.js';
import { hcClasses, hcMerges, quantileClasses } from '../src/fit/hc-start.js';
import type * as Lib from '../src/entry-node.js';
import { CHUNK_ROWS } from '../src/fit/chunks.js';
import { dataset, errorCode, expectSameFit, loadCore, overlapping, pieces, sameBits, thrown } from './helpers.js';

interface Case {
  name: string; n: number; d: number; x: number[]; z: number[]; zCols: number; pairs: number[]; pairsOfZ: number[];
  classes: Record<string, number[]>;
  fits: { G: number; model: string; bic: number; loglik: number; me30: { loglik: number; pro: number[]; mean: number[] } }[];
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/hc.json', import.meta.url), 'utf8')) as { cases: Case[] };

beforeAll(loadCore);

// Data with exact ties (iris's repeated measurements, integer rows): which of two equal
// costs merges first turns on the transform's last bits, on which R's own BLAS builds
// disagree; the port is checked on R's own Z there (above), the start end to end below.
const TIED = new Set(['iris', 'ties']);

function merges(x: number[], n: number, d: number): Int32Array {
  const c = core();
  return hcMerges(c, new Arena(c), Float64Array.from(x), n, d);
}

describe('mclust hc', () => {
  for (const k of fx.cases) {
    it(`${k.name}: hcVVV on R's transformed data merges as R's`, () => {
      const c = core(), arena = new Arena(c);
      const z = arena.put(k.z), work = arena.allocF64(c.hcWorkSize(k.n, k.zCols)), pairs = arena.alloc(8 * (k.n - 1));
      if (c.hcBegin(z, k.n, k.zCols, work)) while (c.hcMerge());
      c.hcPairs(pairs);
      const got = Array.from(arena.i32(pairs, 2 * (k.n - 1)));
      const first = got.findIndex((v, i) => v !== k.pairsOfZ[i]);
      expect(first, `first difference at merge ${first >> 1}`).toBe(-1);
    });
    it(`${k.name}: the transform gives R's Z (to a column's sign); hc(X) merges as R's, and hclass's classes`, () => {
      const c = core(), arena = new Arena(c);
      const x = arena.put(k.x), z = arena.allocF64(k.n * k.d), tw = arena.allocF64(3 * k.d);
      expect(c.hcTransform(x, k.n, k.d, z, tw, 0)).toBe(k.zCols);
      const Z = arena.f64(z, k.n * k.zCols);
      for (let j = 0; j < k.zCols; j++) {
        let dot = 0;
        for (let i = 0; i < k.n; i++) dot += Z[i * k.zCols + j] * k.z[i * k.zCols + j];
        // (the nearly collinear set's smallest direction to 5e-12)
        for (let i = 0; i < k.n; i++) expect(Math.abs(Math.sign(dot) * Z[i * k.zCols + j] - k.z[i * k.zCols + j])).toBeLessThan(1e-10);
      }
      const got = merges(k.x, k.n, k.d);
      if (TIED.has(k.name)) return;
      const first = Array.from(got).findIndex((v, i) => v !== k.pairs[i]);
      expect(first, `first difference at merge ${first >> 1}`).toBe(-1);
      for (const G of Object.keys(k.classes)) {
        expect(Array.from(hcClasses(got, k.n, Number(G))).map((l) => l + 1)).toEqual(k.classes[G]);
      }
      // the public agglomerate(X, { use: 'SVD' }): the same merges and classes
      const a = agglomerate({ data: Float64Array.from(k.x), rows: k.n, cols: k.d }, { use: 'SVD' });
      expect(a.rows).toBe(k.n);
      expect(sameBits(a.merges, got)).toBe(true);
      for (const G of Object.keys(k.classes)) expect(Array.from(a.classes(Number(G))).map((l) => l + 1)).toEqual(k.classes[G]);
    });
  }
});

describe("initParams 'hc' against Mclust()", () => {
  for (const k of fx.cases) {
    const X = () => ({ data: Float64Array.from(k.x), rows: k.n, cols: k.d });
    it(`${k.name}: 30 EM iterations from the start, as me() from hclass(hc(X), G)`, () => {
      for (const f of k.fits) {
        // me()'s itmax N counts the start's M-step: maxIter N − 1 here
        const gm = new GaussianMixture({ nComponents: f.G, covarianceType: f.model as CovarianceName, initParams: 'hc',
          regCovar: 0, tol: 0, maxIter: 29 }).fit(X());
        const what = `${k.name} G=${f.G} ${f.model}`;
        expect(Math.abs(gm.score(X()) * k.n - f.me30.loglik) / Math.abs(f.me30.loglik), what).toBeLessThan(1e-12);
        // a flat likelihood leaves the parameters less determined than its value
        expect(maxRel(gm.weights, f.me30.pro), what).toBeLessThan(1e-7);
        expect(maxRel(gm.means.data, f.me30.mean), what).toBeLessThan(1e-7);
      }
    });
    it(`${k.name}: Mclust(X, G, model), under its stopping rule`, () => {
      for (const f of k.fits) {
        // mclust stops once |ΔL| ≤ 1e-5·(1 + |L|) on the total L (tol here is on L/n), and
        // returns the parameters of the last E-step, where EM here takes one M-step more
        const tol = 1e-5 * (1 + Math.abs(f.loglik)) / k.n;
        const gm = new GaussianMixture({ nComponents: f.G, covarianceType: f.model as CovarianceName, initParams: 'hc',
          regCovar: 0, tol, maxIter: 100000 }).fit(X());
        const L = gm.score(X()) * k.n, what = `${k.name} G=${f.G} ${f.model}`;
        expect(L - f.loglik, what).toBeGreaterThan(-1e-9 * Math.abs(f.loglik));
        expect(L - f.loglik, what).toBeLessThan(2e-5 * (1 + Math.abs(f.loglik)));
        // its BIC, 2 log L − p ln n, by the same count of parameters
        expect(-gm.bic(X()) - f.bic, what).toBeCloseTo(2 * (L - f.loglik), 8);
      }
    });
  }
});

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

describe("initParams 'hc' in every fit", () => {
  let lib: typeof Lib;
  beforeAll(async () => {
    lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
    await lib.init();
  });
  const faithful = dataset('faithful');

  it('equals initLabels with the classification hc gives, bit for bit, for every covariance model', () => {
    const c = core();
    const labels = hcClasses(hcMerges(c, new Arena(c), faithful.data, faithful.rows, 2), faithful.rows, 3);
    for (const covarianceType of ['full', 'tied', 'diag', 'spherical', 'EII', 'VEI', 'EVV', 'VVE'] as const) {
      const o = { nComponents: 3, covarianceType, maxIter: 20, tol: 0 };
      expectSameFit(new GaussianMixture({ ...o, initParams: 'hc' }).fit(faithful), new GaussianMixture(o).fit(faithful, { initLabels: labels }));
    }
  });

  it('fit() = fitAsync(X) on 0, 1 and 3 workers = fitStream, above hcLimits.maxRows (a seeded subset), weighted, and a Bayesian mixture', async () => {
    // a smaller subset than 2,000 rows, for the test's time (fitAsync agglomerates in this thread)
    const limits = ((await import('../dist/fit/hc-start.js' as string)) as { hcLimits: { maxRows: number } }).hcLimits;
    limits.maxRows = 300;
    try {
      await subsetFits();
    } finally {
      limits.maxRows = 2000;
    }
  });

  async function subsetFits(): Promise<void> {
    const X = overlapping(4, 3 * CHUNK_ROWS + 77, 3, 3);
    const sampleWeight = Float64Array.from({ length: X.rows }, (_, i) => (i % 7 === 0 ? 0 : 1 + (i % 3)));
    for (const make of [
      () => new lib.GaussianMixture({ nComponents: 3, initParams: 'hc', seed: 9, maxIter: 15 }),
      () => new lib.GaussianMixture({ nComponents: 3, covarianceType: 'diag', initParams: 'hc', seed: 9, maxIter: 15 }),
      () => new lib.BayesianGaussianMixture({ nComponents: 3, initParams: 'hc', seed: 9, maxIter: 15 }),
    ]) {
      for (const opts of [{}, { sampleWeight }]) {
        const ref = make().fit(X, opts);
        for (const workers of [0, 1, 3]) expectSameFit(await make().fitAsync(X, { ...opts, workers }), ref);
        // a stream agglomerates its initialisation sample: every row here, in order
        if (!('sampleWeight' in opts)) expectSameFit(await make().fitStream(pieces(X, 1000)), ref);
      }
    }
    // another seed draws another subset, and with it another start
    const a = new lib.GaussianMixture({ nComponents: 3, initParams: 'hc', seed: 9, maxIter: 1, tol: 0 }).fit(X);
    const b = new lib.GaussianMixture({ nComponents: 3, initParams: 'hc', seed: 10, maxIter: 1, tol: 0 }).fit(X);
    expect(a.lowerBound).not.toBe(b.lowerBound);
  }

  it('up to hcLimits.maxRows rows the seed does not matter, and rows of weight 0 are left out of the agglomeration', () => {
    const o = { nComponents: 3, initParams: 'hc' as const, maxIter: 5, tol: 0 };
    expectSameFit(new GaussianMixture({ ...o, seed: 1 }).fit(faithful), new GaussianMixture({ ...o, seed: 2 }).fit(faithful));
    // faithful with 30 far rows of weight 0 appended: the same start as faithful alone
    const far = { data: new Float64Array((faithful.rows + 30) * 2), rows: faithful.rows + 30, cols: 2 };
    far.data.set(faithful.data);
    for (let i = faithful.rows; i < far.rows; i++) { far.data[2 * i] = 50 + i; far.data[2 * i + 1] = -3 * i; }
    const sampleWeight = Float64Array.from({ length: far.rows }, (_, i) => (i < faithful.rows ? 1 : 0));
    expect(new GaussianMixture(o).fit(far, { sampleWeight }).lowerBound).toBe(new GaussianMixture(o).fit(faithful).lowerBound);
  });

  it('nComponents 1 needs no agglomeration: one class, even for data it could not agglomerate', () => {
    const collinear = { data: Float64Array.from([1, 2, 2, 4, 3, 6.0000001, 5, 10, 8, 16]), rows: 5, cols: 2 };
    const o = { nComponents: 1, maxIter: 3, tol: 0 };
    expectSameFit(new GaussianMixture({ ...o, initParams: 'hc' }).fit(collinear), new GaussianMixture(o).fit(collinear, { initLabels: [0, 0, 0, 0, 0] }));
  });

  it('data at the ends of double range: NUMERICAL, naming the scale', () => {
    const huge = Array.from({ length: 20 }, (_, i) => [1e200 * (1 + (i % 5)), 1e200 * (i % 3)]);
    const tiny = Array.from({ length: 20 }, (_, i) => [1e-170 * (1 + (i % 5)), 1e-170 * (i % 3)]);
    for (const X of [huge, tiny]) {
      const e = thrown(() => new GaussianMixture({ nComponents: 2, initParams: 'hc' }).fit(X));
      expect(e.code).toBe('NUMERICAL');
      expect(e.message).toContain('scale the features');
    }
  });

  it('fitAsync gives the event loop turns while it agglomerates, and its signal stops it', async () => {
    const X = overlapping(3, 1500, 4, 3);
    const ac = new AbortController();
    let turns = 0;
    const tick = setInterval(() => { if (++turns === 3) ac.abort(); }, 5);
    try {
      await expect(new lib.GaussianMixture({ nComponents: 3, initParams: 'hc' }).fitAsync(X, { workers: 0, signal: ac.signal }))
        .rejects.toMatchObject({ code: 'ABORTED' });
    } finally {
      clearInterval(tick);
    }
    expect(turns).toBeGreaterThanOrEqual(3);
  });

  it('with missing values: on the rows as the other starts see them, fit() = fitAsync()', async () => {
    const X = { ...faithful, data: faithful.data.slice() };
    for (let i = 0; i < X.rows; i += 9) X.data[2 * i + (i % 2)] = NaN;
    const o = { nComponents: 2, initParams: 'hc' as const, missingValues: 'marginalize' as const, maxIter: 10 };
    const ref = new lib.GaussianMixture(o).fit(X);
    expect(Number.isFinite(ref.lowerBound)).toBe(true);
    expectSameFit(await new lib.GaussianMixture(o).fitAsync(X, { workers: 2 }), ref);
    expectSameFit(await new lib.GaussianMixture(o).fitStream(pieces(X, 50)), ref);
  });
  it('fitStream past its initialisation sample agglomerates the sample', async () => {
    const X = overlapping(8, 900, 2, 3);
    const gm = await new lib.GaussianMixture({ nComponents: 3, initParams: 'hc', maxIter: 10 }).fitStream(pieces(X, 128), { initSampleSize: 400 });
    expect(Number.isFinite(gm.lowerBound)).toBe(true);
    // the start differs from fit()'s, which agglomerates all 900 rows
    const first = await new lib.GaussianMixture({ nComponents: 3, initParams: 'hc', maxIter: 1, tol: 0 }).fitStream(pieces(X, 128), { initSampleSize: 400 });
    expect(first.lowerBound).not.toBe(new lib.GaussianMixture({ nComponents: 3, initParams: 'hc', maxIter: 1, tol: 0 }).fit(X).lowerBound);
  });

  it('refuses nInit > 1 and a WorkerPool before any work, and data it cannot agglomerate; the model keeps its state', async () => {
    expect(errorCode(() => new GaussianMixture({ initParams: 'hc', nInit: 3 }))).toBe('INVALID_OPTION');
    const pool = await lib.WorkerPool.create(faithful, { workers: 1 });
    try {
      await expect(new lib.GaussianMixture({ initParams: 'hc' }).fitAsync(pool)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    } finally {
      await pool.close();
    }
    const gm = new GaussianMixture({ nComponents: 2, initParams: 'hc' }).fit(faithful);
    const before = JSON.stringify(gm);
    // a second feature twice the first: collinear once standardised
    const collinear = [[1, 2], [2, 4], [3, 6], [5, 10], [8, 16]];
    expect(errorCode(() => gm.fit(collinear))).toBe('NOT_POSITIVE_DEFINITE');
    expect(errorCode(() => gm.fit([[1, 1], [1, 1], [1, 1]]))).toBe('NOT_POSITIVE_DEFINITE');
    // three rows of three varying features: hcVVV needs more rows than features, so Mclust()
    // agglomerates them under EII (Ward's), as agglomerate(X, { modelName: 'EII', use: 'SVD' }) does
    const wide = [[1, 0, 2], [0, 1, 5], [3, 3, 1]];
    const o = { nComponents: 2, covarianceType: 'spherical', maxIter: 3 } as const;
    expectSameFit(new GaussianMixture({ ...o, initParams: 'hc' }).fit(wide),
      new GaussianMixture(o).fit(wide, { initLabels: agglomerate(wide, { modelName: 'EII', use: 'SVD' }).classes(2) }));
    // ... counted after constant ones are dropped, as R's: four rows of two varying features
    const four = [[1, 5, 2, 9], [2, 5, 7, 9], [4, 5, 1, 9], [3, 5, 3, 9]];
    expect(new GaussianMixture({ nComponents: 2, initParams: 'hc', regCovar: 1e-3, maxIter: 2 }).fit(four).converged).toBeDefined();
    expect(JSON.stringify(gm)).toBe(before);
    // a constant feature is dropped from the agglomeration, as mclust's scale() + dropCols
    // (0.1 sums with rounding: the column is dropped for its equal values, not a zero variance)
    const withConstant = Array.from({ length: faithful.rows }, (_, i) => [faithful.data[2 * i], 0.1, faithful.data[2 * i + 1]]);
    const a = new GaussianMixture({ nComponents: 2, initParams: 'hc', regCovar: 1e-3, maxIter: 1, tol: 0 }).fit(withConstant);
    const b = new GaussianMixture({ nComponents: 2, initParams: 'hc', regCovar: 1e-3, maxIter: 1, tol: 0 }).fit(faithful);
    // the same classification, so the same start up to the constant feature's rounding
    expect(maxRel(a.weights, b.weights)).toBeLessThan(1e-14);
    expect(Array.from(a.predict(withConstant))).toEqual(Array.from(b.predict(faithful)));
  });
});

describe("selectModel with initParams 'hc' against mclustBIC", () => {
  const sel = JSON.parse(readFileSync(new URL('./fixtures/hc-select.json', import.meta.url), 'utf8')) as
    { bic: { G: number; model: string; bic: number }[]; choice: { G: number; model: string; bic: number } };
  const NAMES: Record<string, string> = { full: 'VVV', tied: 'EEE', diag: 'VVI', spherical: 'VII' };
  let lib: typeof Lib;
  beforeAll(async () => {
    lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
    await lib.init();
  });

  it("Old Faithful, K = 1..9, the fourteen models: mclustBIC's table (VVE's M-step climbs higher), and Mclust()'s choice", () => {
    const s = lib.selectModel(dataset('faithful'), { nComponents: [1, 9], covarianceTypes: lib.COVARIANCE_MODELS, initParams: 'hc',
      regCovar: 0, tol: 1e-11, maxIter: 100000 });
    expect(s.failed).toEqual([]);
    for (const c of sel.bic) {
      const r = s.results.find((r) => r.nComponents === c.G && (NAMES[r.covarianceType] ?? r.covarianceType) === c.model)!;
      // mclust's BIC is 2 log L − p ln n, higher is better
      if (c.model === 'VVE') expect(-r.bic, `VVE ${c.G}`).toBeGreaterThan(c.bic - 1e-8 * Math.abs(c.bic));
      else expect(Math.abs(-r.bic - c.bic) / Math.abs(c.bic), `${c.model} ${c.G}`).toBeLessThan(1e-8);
    }
    expect([s.results[0].nComponents, NAMES[s.results[0].covarianceType]]).toEqual([sel.choice.G, sel.choice.model]);
  });

  it('selectModel agglomerates once for all its candidates, weighted and with missing values too', () => {
    const c = core(), begin = c.hcBegin;
    const f = dataset('faithful');
    const holes = { ...f, data: f.data.map((v, i) => (i % 17 === 3 ? NaN : v)) };
    const sampleWeight = Float64Array.from({ length: f.rows }, (_, i) => 1 + (i % 3));
    for (const [X, o] of [[f, {}], [f, { sampleWeight }], [holes, { missingValues: 'marginalize' as const }]] as const) {
      let calls = 0;
      c.hcBegin = (...a) => { calls++; return begin(...a); };
      try {
        selectModel(X, { nComponents: [1, 3], covarianceTypes: ['full', 'diag'], initParams: 'hc', ...o });
      } finally {
        c.hcBegin = begin;
      }
      expect(calls).toBe(1);
    }
  });

  it('selectModelAsync over a pool of workers gives selectModel\'s bits', async () => {
    const o = { nComponents: [2, 3] as [number, number], covarianceTypes: ['full', 'tied', 'VEV'] as CovarianceName[], initParams: 'hc' as const };
    const ref = lib.selectModel(dataset('faithful'), o);
    const got = await lib.selectModelAsync(dataset('faithful'), { ...o, workers: 2 });
    expect(got.results.map((r) => r.bic)).toEqual(ref.results.map((r) => r.bic));
    expectSameFit(got.best, ref.best);
  });
});

describe("initParams 'hc' on one feature: mclust's qclass", () => {
  const one = JSON.parse(readFileSync(new URL('./fixtures/hc-1d.json', import.meta.url), 'utf8')) as
    { cases: { name: string; x: number[]; classes: Record<string, number[]>; me30V3: { loglik: number; pro: number[]; mean: number[] } }[] };
  for (const k of one.cases) {
    it(`${k.name}: qclass's classes for G = 2..6, and 30 iterations of me("V") from G = 3`, () => {
      for (const G of Object.keys(k.classes)) {
        expect(Array.from(quantileClasses(Float64Array.from(k.x), Number(G))).map((l) => l + 1), `G = ${G}`).toEqual(k.classes[G]);
      }
      const X = { data: Float64Array.from(k.x), rows: k.x.length, cols: 1 };
      const gm = new GaussianMixture({ nComponents: 3, initParams: 'hc', regCovar: 0, tol: 0, maxIter: 29 }).fit(X);
      expect(Math.abs(gm.score(X) * X.rows - k.me30V3.loglik) / Math.abs(k.me30V3.loglik)).toBeLessThan(1e-12);
      expect(maxRel(gm.weights, k.me30V3.pro)).toBeLessThan(1e-7);
      expect(maxRel(gm.means.data, k.me30V3.mean)).toBeLessThan(1e-7);
    });
  }

  it('refuses a constant feature and more classes than distinct values; ties can leave a class empty, as in qclass', () => {
    expect(errorCode(() => new GaussianMixture({ nComponents: 2, initParams: 'hc' }).fit([[3], [3], [3]]))).toBe('NOT_POSITIVE_DEFINITE');
    // (R's qclass(c(0,0,0,1,1,1), 3) loops to classes 1 1 1 3 3 3)
    expect(errorCode(() => quantileClasses(Float64Array.from([0, 0, 0, 1, 1, 1]), 3))).toBe('NOT_POSITIVE_DEFINITE');
    // two neighbouring doubles: no interpolation separates them, where R's loop never ends
    expect(errorCode(() => quantileClasses(Float64Array.from([1, 1 + 2 ** -52, 1, 1 + 2 ** -52]), 2))).toBe('NOT_POSITIVE_DEFINITE');
    // a model selection records such a K as failed and keeps the others
    const s = selectModel(Array.from({ length: 60 }, (_, i) => [i % 3]), { initParams: 'hc', covarianceTypes: ['full'], nComponents: [1, 4] });
    expect(s.results.map((r) => r.nComponents).sort()).toEqual([1, 2, 3]);
    expect(s.failed.map((f) => [f.nComponents, f.error.code])).toEqual([[4, 'NOT_POSITIVE_DEFINITE']]);
    // R: qclass(c(0,3,2,0,1,0,2,2,1,1,2,2,0,0,0,1,1,1,1,2), 4), whose third class is empty
    const x = [0, 3, 2, 0, 1, 0, 2, 2, 1, 1, 2, 2, 0, 0, 0, 1, 1, 1, 1, 2];
    expect(Array.from(quantileClasses(Float64Array.from(x), 4)).map((l) => l + 1).join(' '))
      .toBe('1 4 4 1 2 1 4 4 2 2 4 4 1 1 1 2 2 2 2 4');
  });
});

describe('agglomerate', () => {
  it('refuses one feature and a G out of range', () => {
    expect(errorCode(() => agglomerate([[1], [2], [3]]))).toBe('INVALID_ARGUMENT');
    const a = agglomerate(dataset('faithful'));
    expect(a.merges.length).toBe(2 * (a.rows - 1));
    expect(errorCode(() => a.classes(0))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => a.classes(a.rows + 1))).toBe('INVALID_ARGUMENT');
    expect(new Set(a.classes(4)).size).toBe(4);
  });
});
