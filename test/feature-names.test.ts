// Column names (scikit-learn's feature_names_in_): a fit on { data, rows, cols, columns }
// keeps them as featureNames, on every path that fits; scoring checks X's names against
// them; JSON, marginals and conditionals carry them.
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Lib from '../src/entry-node.js';
import type { GaussianMixture as GM } from '../src/index.js';
import { overlapping, pieces } from './helpers.js';
import { CHUNK_ROWS } from '../src/fit/chunks.js';

let lib: typeof Lib;
beforeAll(async () => {
  lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
  await lib.init();
});

const NAMES = ['a', 'b', 'c'];
const base = overlapping(8, CHUNK_ROWS + 500, 3, 2);
const X = { ...base, columns: NAMES };
const o = { nComponents: 2, seed: 1, maxIter: 5 };
const code = (f: () => unknown): string => {
  try {
    f();
    return 'no error';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

describe('a fit keeps X\'s column names', () => {
  it('fit: names from columns; none from nested arrays or columns null; the same parameters either way', () => {
    const gm = new lib.GaussianMixture(o).fit(X);
    expect(gm.featureNames).toEqual(NAMES);
    const plain = new lib.GaussianMixture(o).fit(base);
    expect(plain.featureNames).toBeNull();
    expect(new lib.GaussianMixture(o).fit({ ...base, columns: null }).featureNames).toBeNull();
    const { featureNames, ...rest } = gm.toJSON();
    expect(featureNames).toEqual(NAMES);
    expect(rest).toEqual(plain.toJSON());
    // a copy: changing it changes nothing
    gm.featureNames![0] = 'z';
    expect(gm.featureNames).toEqual(NAMES);
  });

  it('toJSON / fromJSON keep them, Bayesian too; a file without them loads with none', () => {
    const gm = new lib.GaussianMixture(o).fit(X);
    expect(lib.GaussianMixture.fromJSON(JSON.stringify(gm)).featureNames).toEqual(NAMES);
    const bgm = new lib.BayesianGaussianMixture(o).fit(X);
    expect(bgm.featureNames).toEqual(NAMES);
    expect(lib.BayesianGaussianMixture.fromJSON(JSON.stringify(bgm)).featureNames).toEqual(NAMES);
    const { featureNames: _, ...old } = gm.toJSON();
    expect(lib.GaussianMixture.fromJSON(old).featureNames).toBeNull();
    for (const bad of [['a', 'b'], ['a', 'b', 3], 'abc', ['a', 'b', 'a']]) {
      expect(code(() => lib.GaussianMixture.fromJSON({ ...gm.toJSON(), featureNames: bad } as never))).toBe('INVALID_JSON');
    }
  });

  it('fitAsync (in this thread and on workers), a WorkerPool, fitStream: the same names', async () => {
    expect((await new lib.GaussianMixture(o).fitAsync(X, { workers: 0 })).featureNames).toEqual(NAMES);
    expect((await new lib.GaussianMixture(o).fitAsync(X, { workers: 2 })).featureNames).toEqual(NAMES);
    const pool = await lib.WorkerPool.create(X, { workers: 1 });
    try {
      expect(pool.featureNames).toEqual(NAMES);
      expect((await new lib.GaussianMixture(o).fitAsync(pool)).featureNames).toEqual(NAMES);
    } finally {
      pool.close();
    }
    const named = () => (function* () { for (const p of pieces(base, 1000)()) yield { ...p, columns: NAMES }; })();
    expect((await new lib.GaussianMixture(o).fitStream(named)).featureNames).toEqual(NAMES);
    expect((await new lib.GaussianMixture(o).fitStream(pieces(base, 1000))).featureNames).toBeNull();
    // a chunk that names its columns otherwise is another dataset
    const mixed = () => (function* () {
      let i = 0;
      for (const p of pieces(base, 1000)()) yield { ...p, columns: i++ === 1 ? ['a', 'c', 'b'] : NAMES };
    })();
    await expect(new lib.GaussianMixture(o).fitStream(mixed)).rejects.toMatchObject({ code: 'FEATURE_MISMATCH' });
    // an unnamed first chunk: the first names given are the stream's, and held to as well
    const late = (second: string[]) => () => (function* () {
      let i = 0;
      for (const p of pieces(base, 1000)()) yield i++ === 0 ? p : { ...p, columns: i === 2 ? NAMES : second };
    })();
    expect((await new lib.GaussianMixture(o).fitStream(late(NAMES))).featureNames).toEqual(NAMES);
    await expect(new lib.GaussianMixture(o).fitStream(late(['x', 'y', 'z']))).rejects.toMatchObject({ code: 'FEATURE_MISMATCH' });
  });

  it('selectModel and selectModelAsync: every candidate keeps them', async () => {
    const sel = lib.selectModel(X, { nComponents: [1, 2], covarianceTypes: ['full', 'diag'], seed: 2 });
    expect(sel.results.every((r) => JSON.stringify(r.model.featureNames) === JSON.stringify(NAMES))).toBe(true);
    const a = await lib.selectModelAsync(X, { nComponents: [1, 2], covarianceTypes: ['diag'], seed: 2, workers: 1 });
    expect(a.results.every((r) => JSON.stringify(r.model.featureNames) === JSON.stringify(NAMES))).toBe(true);
  });

  it('a warm start refuses the same columns in another order (before any work), and takes X without names', async () => {
    const gm = new lib.GaussianMixture({ ...o, warmStart: true }).fit(X);
    const before = JSON.stringify(gm);
    const swapped = { ...base, columns: ['c', 'b', 'a'] };
    expect(code(() => gm.fit(swapped))).toBe('FEATURE_MISMATCH');
    await expect(gm.fitAsync(swapped, { workers: 0 })).rejects.toMatchObject({ code: 'FEATURE_MISMATCH' });
    // a stream's names, at its first chunk: before any pass (no iteration reported)
    let calls = 0;
    const stream = () => (function* () { for (const p of pieces(base, 1000)()) yield { ...p, columns: ['c', 'b', 'a'] }; })();
    await expect(gm.fitStream(stream, { onIteration: () => { calls++; } })).rejects.toMatchObject({ code: 'FEATURE_MISMATCH' });
    expect(calls).toBe(0);
    expect(JSON.stringify(gm)).toBe(before);
    expect(gm.fit(X).featureNames).toEqual(NAMES);
  });

  it('an Arrow-like table names its columns by its schema, or not at all without fields', async () => {
    const arrow = (names: string[] | null) => {
      const cols = [0, 1, 2].map((j) => Float64Array.from({ length: base.rows }, (_, i) => base.data[i * 3 + j]));
      return { numRows: base.rows, numCols: 3, schema: names ? { fields: names.map((name) => ({ name })) } : {},
        getChildAt: (j: number) => ({ length: base.rows, toArray: () => cols[j] }) };
    };
    expect((await new lib.GaussianMixture(o).fitStream(() => [arrow(NAMES)])).featureNames).toEqual(NAMES);
    expect((await new lib.GaussianMixture(o).fitStream(() => [arrow(null)])).featureNames).toBeNull();
  });

  it('a warm start on data without names leaves none; applyStatistics keeps the model\'s', () => {
    const gm = new lib.GaussianMixture({ ...o, warmStart: true }).fit(X);
    expect(gm.fit(base).featureNames).toBeNull();
    const fitted = new lib.GaussianMixture(o).fit(X);
    fitted.applyStatistics(fitted.computeStatistics(X));
    expect(fitted.featureNames).toEqual(NAMES);
  });
});

describe('scoring checks X\'s names against the model\'s', () => {
  const gm = (): GM => new lib.GaussianMixture(o).fit(X);
  it('the same names, or none, score; other names or another order are FEATURE_MISMATCH, naming both', () => {
    const m = gm();
    const ref = m.scoreSamples(base);
    expect(Array.from(m.scoreSamples(X))).toEqual(Array.from(ref));
    const swapped = { ...base, columns: ['a', 'c', 'b'] };
    for (const f of [() => m.predict(swapped), () => m.scoreSamples(swapped), () => m.score(swapped), () => m.bic(swapped),
      () => m.predictProba(swapped), () => m.impute(swapped), () => m.computeStatistics(swapped)]) {
      expect(code(f)).toBe('FEATURE_MISMATCH');
    }
    expect(() => m.predict(swapped)).toThrow(/column 1 is named "c" where the model's is "b"/);
  });
  it('column names that are not one string per column are INVALID_TYPE, before any work', () => {
    const m = gm();
    const before = JSON.stringify(m);
    for (const columns of [['a', 'b'], ['a', 'b', 1], 'abc', { 0: 'a' }]) {
      expect(code(() => m.predict({ ...base, columns } as never))).toBe('INVALID_TYPE');
      expect(code(() => new lib.GaussianMixture(o).fit({ ...base, columns } as never))).toBe('INVALID_TYPE');
    }
    // each name once
    expect(() => new lib.GaussianMixture(o).fit({ ...base, columns: ['a', 'b', 'a'] })).toThrow(/X\.columns names "a" twice/);
    expect(code(() => m.predict({ ...base, columns: ['a', 'a', 'c'] }))).toBe('INVALID_ARGUMENT');
    expect(JSON.stringify(m)).toBe(before);
  });
  it('sample() and impute() name their columns as the model\'s, so the draws fit as data with those names', () => {
    const m = gm();
    const s = m.sample(500, { seed: 2 });
    expect(s.X.columns).toEqual(NAMES);
    expect(new lib.GaussianMixture(o).fit(s.X).featureNames).toEqual(NAMES);
    expect(m.impute({ ...base, columns: NAMES }).columns).toEqual(NAMES);
    const plain = new lib.GaussianMixture(o).fit(base);
    expect('columns' in plain.sample(3).X).toBe(false);
  });
  it('marginals and conditionals name the features they keep; predictConditional checks the given ones', () => {
    const m = gm();
    expect(m.marginal([2, 0]).featureNames).toEqual(['c', 'a']);
    expect(m.condition([1], [0.5]).featureNames).toEqual(['a', 'c']);
    const given = { data: Float64Array.of(0.1, 0.2), rows: 1, cols: 2 };
    const p = m.predictConditional({ ...given, columns: ['c', 'a'] }, [2, 0]);
    expect(Array.from(p.mean.data)).toEqual(Array.from(m.predictConditional(given, [2, 0]).mean.data));
    expect(code(() => m.predictConditional({ ...given, columns: ['a', 'c'] }, [2, 0]))).toBe('FEATURE_MISMATCH');
    expect(() => m.predictConditional({ ...given, columns: ['a', 'c'] }, [2, 0])).toThrow(/^Xgiven's column 0 is named "a" where the model's is "c": pass the given features' columns \("c", "a"\)/);
    expect(p.mean.columns).toEqual(['b']); // the features not given
  });
});
