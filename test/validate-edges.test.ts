// Input and option checks at their edges: copies of what the caller keeps, Infinity in a
// flat matrix, scikit-learn's defaults, init shapes and tolerances (from a mutation audit of
// src/model/validate.ts: each test fails on a change the rest of the suite let through).
import { beforeAll, describe, expect, it } from 'vitest';
import { GaussianMixture } from '../src/index.js';
import { errorCode, loadCore, overlapping } from './helpers.js';

beforeAll(loadCore);

const throwsWith = (f: () => unknown, code: string, message?: RegExp) =>
  expect(f).toThrow(expect.objectContaining(message ? { code, message: expect.stringMatching(message) } : { code }));

describe('input and option checks', () => {
  const X = overlapping(4, 200, 2, 2);

  it('the columns array is copied: changing it after the fit does not rename the model', () => {
    const columns = ['a', 'b'];
    const gm = new GaussianMixture({ nComponents: 2, seed: 1 }).fit({ ...X, columns });
    columns[0] = 'z';
    expect(gm.featureNames).toEqual(['a', 'b']);
  });

  it('±Infinity in a Float64Array matrix is NON_FINITE, as in nested arrays', () => {
    const data = X.data.slice();
    data[3] = Infinity;
    throwsWith(() => new GaussianMixture({ nComponents: 2 }).fit({ data, rows: X.rows, cols: X.cols }), 'NON_FINITE', /X\[1\]\[1\] is Infinity/);
    const gm = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(X);
    throwsWith(() => gm.scoreSamples({ data: Float64Array.from([1, -Infinity]), rows: 1, cols: 2 }), 'NON_FINITE');
  });

  it('the defaults are scikit-learn\'s', () => {
    expect(new GaussianMixture().getParams()).toMatchObject({
      nComponents: 1, covarianceType: 'full', tol: 1e-3, regCovar: 1e-6, maxIter: 100, nInit: 1, initParams: 'kmeans',
      warmStart: false, seed: 0,
    });
  });

  it('a negative weightsInit entry is refused even when no entry exceeds 1', () => {
    throwsWith(() => new GaussianMixture({ nComponents: 3, weightsInit: [0.6, 0.6, -0.2] }), 'INVALID_INIT', /weightsInit\[2\]/);
  });

  it('meansInit given as a Float64Array matrix is copied', () => {
    const M = { data: Float64Array.from([-2, -2, 2, 2]), rows: 2, cols: 2 };
    const gm = new GaussianMixture({ nComponents: 2, meansInit: M, maxIter: 1 });
    M.data.fill(1e6);
    const ref = new GaussianMixture({ nComponents: 2, meansInit: [[-2, -2], [2, 2]], maxIter: 1 });
    expect(gm.fit(X).means).toEqual(ref.fit(X).means);
  });

  it('diag precisionsInit that is not K rows is refused by the constructor', () => {
    throwsWith(() => new GaussianMixture({ nComponents: 2, covarianceType: 'diag', precisionsInit: [1, 1, 1] }), 'SHAPE_MISMATCH');
  });

  it('a precision 1e-4 off symmetric (beyond numpy allclose rtol 1e-5) is refused', () => {
    throwsWith(() => new GaussianMixture({ nComponents: 1, precisionsInit: [[[2, 1.0001], [1, 2]]] }).fit(X), 'INVALID_INIT', /not symmetric/);
  });

  it('ragged nesting with the right total count is SHAPE_MISMATCH', () => {
    throwsWith(() => new GaussianMixture({ nComponents: 3, covarianceType: 'diag', precisionsInit: [[1, 2], [3], [4, 5, 6]] }), 'SHAPE_MISMATCH', /ragged/);
  });

  it('a { data, rows, cols } matrix with 0 columns is EMPTY_INPUT', () => {
    expect(errorCode(() => new GaussianMixture().fit({ data: new Float64Array(0), rows: 3, cols: 0 }))).toBe('EMPTY_INPUT');
  });
});
