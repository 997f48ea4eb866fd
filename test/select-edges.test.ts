// selectModel and selectModelAsync at their edges: the default grid, ranges, failed
// candidates, options of the wrong type, weights and workers (from a mutation audit of
// src/model/select.ts: each test fails on a change the rest of the suite let through).
import { beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import type * as Lib from '../src/entry-node.js';
import { selectModel } from '../src/index.js';
import type { SelectionFailure, SelectionResult } from '../src/index.js';
import { dataset, errorCode, loadCore, overlapping, root, within } from './helpers.js';

beforeAll(loadCore);

const throwsWith = (f: () => unknown, code: string, message?: RegExp) =>
  expect(f).toThrow(expect.objectContaining(message ? { code, message: expect.stringMatching(message) } : { code }));

describe('selectModel', () => {
  const X = overlapping(1, 40, 2, 2);
  // three distinct points: with regCovar 0 every K ≥ 2 collapses a component
  const X3: number[][] = Array.from({ length: 30 }, (_, i) => [i % 3, (i % 3) * 2 + (i % 3 === 1 ? 0.5 : 0)]);

  it('the default grid goes up to K = 10 when there are more than 10 rows', () => {
    const ks: number[] = [];
    selectModel(X, { covarianceTypes: ['spherical'], regCovar: 1e-2, maxIter: 5, onFit: (r) => ks.push(r.nComponents) });
    expect(ks).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a range [k, k] is one K', () => {
    const sel = selectModel(X, { nComponents: [2, 2], covarianceTypes: ['full'] });
    expect(sel.results.map((r) => r.nComponents)).toEqual([2]);
  });

  it('onFit progress counts failed candidates too', () => {
    const done: number[] = [];
    selectModel(X3, { nComponents: [1, 4], covarianceTypes: ['full', 'diag'], regCovar: 0, onFit: (_r, p) => done.push(p.done) });
    expect(done).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('when every fit fails, the error names the first candidate tried', () => {
    throwsWith(() => selectModel(X3, { nComponents: [3, 4], covarianceTypes: ['spherical'], regCovar: 0 }),
      'NOT_POSITIVE_DEFINITE', /the first \(nComponents 3, spherical\)/);
  });

  it('a candidate whose fit is NUMERICAL is a failed candidate, not a thrown error', () => {
    const seen: (SelectionResult | SelectionFailure)[] = [];
    throwsWith(() => selectModel(X, { nComponents: 1, covarianceTypes: ['spherical'], weightsInit: [1], meansInit: [[1e200, 0]],
      precisionsInit: [1], onFit: (r) => seen.push(r) }), 'NUMERICAL', /every candidate fit failed/);
    expect(seen).toHaveLength(1);
    expect((seen[0] as SelectionFailure).error.code).toBe('NUMERICAL');
  });

  it('a range from 0 is refused by the range check (not by a candidate model)', () => {
    throwsWith(() => selectModel(X, { nComponents: [0, 3] }), 'INVALID_OPTION', /^nComponents range \[min, max\] needs integers with 1 ≤ min/);
  });

  it('options given as an array are INVALID_TYPE, not the defaults', () => {
    expect(errorCode(() => selectModel(X, [] as never))).toBe('INVALID_TYPE');
  });
});

describe('selectModelAsync', () => {
  let lib: typeof Lib;
  beforeAll(async () => {
    lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
    await lib.init();
  });
  const X = overlapping(12, 6000, 2, 3);
  const grid = { nComponents: [1, 2] as [number, number], covarianceTypes: ['full' as const, 'diag' as const], seed: 2, maxIter: 20 };
  const same = (a: Lib.ModelSelection, b: Lib.ModelSelection): void => {
    expect(a.results.map((r) => [r.nComponents, r.covarianceType, r.bic, r.icl])).toEqual(b.results.map((r) => [r.nComponents, r.covarianceType, r.bic, r.icl]));
  };

  it('in this thread (workers: 0) it fits with the sample weights, as selectModel', async () => {
    const w = Float64Array.from({ length: X.rows }, (_, i) => 0.5 + (i % 5));
    same(await lib.selectModelAsync(X, { ...grid, sampleWeight: w, workers: 0 }), lib.selectModel(X, { ...grid, sampleWeight: w }));
  });

  it('weights far above 2^100 on workers (rescaled before the pool): the same bits as selectModel', async () => {
    // unscaled, the workers' weighted sums of squares overflow and the K = 2 fits differ
    const w = Float64Array.from({ length: X.rows }, (_, i) => 1e303 * (0.5 + (i % 5)));
    same(await lib.selectModelAsync(X, { ...grid, sampleWeight: w, workers: 2 }), lib.selectModel(X, { ...grid, sampleWeight: w }));
  });

  it('every worker it starts has exited when it settles; an aborted signal starts none', async () => {
    const exited: Promise<number>[] = [];
    let started = 0;
    const createWorker = () => {
      started++;
      const wk = new Worker(new URL('dist/parallel/worker-node.js', root));
      exited.push(new Promise((res) => wk.once('exit', res)));
      return wk;
    };
    await lib.selectModelAsync(X, { ...grid, workers: 2, createWorker });
    expect(started).toBe(2);
    await within(Promise.all(exited), 5000, 'the workers selectModelAsync started exit');
    const ac = new AbortController();
    ac.abort();
    started = 0;
    await expect(lib.selectModelAsync(X, { ...grid, workers: 2, createWorker, signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(started).toBe(0);
  });

  it('NaN without missingValues marginalize is refused before any worker starts; with it, selectModel\'s results', async () => {
    const holes = { data: X.data.slice(), rows: X.rows, cols: X.cols };
    holes.data[5] = NaN;
    let started = 0;
    const createWorker = () => { started++; return new Worker(new URL('dist/parallel/worker-node.js', root)); };
    await expect(lib.selectModelAsync(holes, { ...grid, workers: 2, createWorker }))
      .rejects.toMatchObject({ code: 'NON_FINITE', message: expect.stringContaining("missingValues: 'marginalize'") });
    expect(started).toBe(0);
    const got = await lib.selectModelAsync(holes, { ...grid, missingValues: 'marginalize', workers: 2, createWorker });
    expect(started).toBe(2);
    const ref = lib.selectModel(holes, { ...grid, missingValues: 'marginalize' });
    expect(got.results.map((r) => r.bic)).toEqual(ref.results.map((r) => r.bic));
  });
});

describe('SelectionResult.collapsed: a component on the regCovar floor (mclust marks such fits NA)', () => {
  it('marks exactly the fits with a direction within a thousandth of regCovar above it (or of rounding size)', async () => {
    const { GaussianMixture } = await import('../src/index.js');
    const { collapsedComponent } = await import('../src/model/collapse.js');
    const reg = 1e-6;
    // the same parameters, the second component's variance in one direction just under and just over the margin
    const cases: [string, (v: number) => number[] | number[][] | number[][][]][] = [
      ['full', (v) => [[[1, 0.2], [0.2, 1]], [[v, 0], [0, 2]]]],
      ['tied', (v) => [[v, 0], [0, 2]]],
      ['diag', (v) => [[1, 1], [2, v]]],
      ['spherical', (v) => [1, v]],
    ];
    for (const [type, cov] of cases) {
      const at = (v: number) => GaussianMixture.fromParameters({ weights: [0.5, 0.5], means: [[0, 0], [5, 5]], covariances: cov(v) as number[] },
        { covarianceType: type as never, regCovar: reg });
      expect(collapsedComponent(at(reg * 1.0005)), type).toBe(type === 'tied' ? 0 : 1);
      expect(collapsedComponent(at(reg * 1.002)), type).toBe(-1);
      // regCovar 0: no floor to sit on, but a variance of rounding (below 1e-14 of the largest, 2) is no spread
      const with0 = (v: number) => GaussianMixture.fromParameters({ weights: [0.5, 0.5], means: [[0, 0], [5, 5]], covariances: cov(v) as number[] },
        { covarianceType: type as never, regCovar: 0 });
      expect(collapsedComponent(with0(1e-300)), type).toBe(type === 'tied' ? 0 : 1);
      expect(collapsedComponent(with0(1e-13)), type).toBe(-1);
    }
    // a full covariance on the floor along a direction that is no axis: x = y in the second component
    const slanted = GaussianMixture.fromParameters({ weights: [0.5, 0.5], means: [[0, 0], [5, 5]],
      covariances: [[[1, 0], [0, 1]], [[1 + reg, 1], [1, 1 + reg]]] }, { regCovar: reg });
    expect(collapsedComponent(slanted)).toBe(1);
  });

  it('in selectModel: fits of repeated values are marked, Old Faithful\'s default grid is not', () => {
    const X = Array.from({ length: 30 }, (_, i) => [1, (i * 0.731) % 3]); // x constant
    const sel = selectModel(X, { nComponents: [1, 2] });
    for (const r of sel.results) expect(r.collapsed, `${r.covarianceType} ${r.nComponents}`).toBe(r.covarianceType !== 'spherical'); // spherical averages in y's spread
    const f = selectModel(dataset('faithful'), { nComponents: [1, 4] });
    expect(f.results.every((r) => !r.collapsed)).toBe(true);
  });
});

