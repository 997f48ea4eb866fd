// Every public entry point validates its input and throws a GmmError with a stable code and
// a message naming the argument, BEFORE any work: no WebAssembly memory is touched, and a
// model that was fitted is exactly as it was after the failing call (including a failing fit).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BayesianGaussianMixture, GaussianMixture, GmmError, WorkerPool, init, selectModel, type GmmErrorCode, type Matrix } from '../src/index.js';
import { GMM_ERROR_CODES } from '../src/core/errors.js';
import { memoryStats } from '../src/core/arena.js';
import { dataset, loadCore, root } from './helpers.js';

// ---- before init(): these must run first in this file (no beforeAll(loadCore) above them)

describe('before init()', () => {
  it('NOT_INITIALIZED: fromJSON before init() is refused (it checks the covariances with the core)', () => {
    // a covariance that is not positive definite: loading it unchecked would give nonsense
    const model = { format: 'gmm-wasm', version: 1, options: { nComponents: 1, covarianceType: 'full' }, nFeatures: 2,
      weights: [1], means: [[0, 0]], covariances: [1, 2, 2, 1], precisionsCholesky: [1, 0, 0, 1], converged: true, nIter: 1,
      lowerBound: -1 };
    expect(() => GaussianMixture.fromJSON(model)).toThrow(expect.objectContaining({ code: 'NOT_INITIALIZED' }));
  });
  it('NOT_INITIALIZED before anything of the file is checked (fromJSON of \'{}\' too), as every method', () => {
    expect(() => GaussianMixture.fromJSON('{}')).toThrow(expect.objectContaining({ code: 'NOT_INITIALIZED' }));
    expect(() => BayesianGaussianMixture.fromJSON('{}')).toThrow(expect.objectContaining({ code: 'NOT_INITIALIZED' }));
  });
  it('init() with a source of the wrong type, or none: INVALID_TYPE naming what it takes, not INIT_FAILED', async () => {
    await expect(init(42 as never)).rejects.toMatchObject({ code: 'INVALID_TYPE', message: expect.stringContaining('WebAssembly.Module') });
    await expect(init(undefined as never)).rejects.toMatchObject({ code: 'INVALID_TYPE', message: expect.stringContaining('no source') });
  });
  it('NOT_INITIALIZED: a fit before init() is refused (after validating its input)', () => {
    const gm = new GaussianMixture({ nComponents: 1 });
    expect(() => gm.fit([[1], [2]])).toThrow(expect.objectContaining({ code: 'NOT_INITIALIZED' }));
    // validation still runs first
    expect(() => gm.fit([[NaN]])).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
    expect(gm.isFitted).toBe(false);
  });
  it('INIT_FAILED: init() with bytes that are not gmm.wasm rejects, and a later init() still works', async () => {
    await expect(init(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]))).rejects.toMatchObject({ code: 'INIT_FAILED', name: 'GmmError' });
    await expect(init(new Uint8Array([1, 2, 3]))).rejects.toBeInstanceOf(GmmError);
    await init(readFileSync(new URL('dist/gmm.wasm', root)));
    expect(new GaussianMixture().fit([[1], [2], [3]]).isFitted).toBe(true);
  });
});

// ---- the table

interface Ctx {
  fitted: GaussianMixture;   // full, K = 2, d = 2
  reg0: GaussianMixture;     // regCovar 0, fitted: a fit on constant data fails in EM
  warm: GaussianMixture;     // warmStart, fitted on d = 2
  unfitted: GaussianMixture;
  X: Matrix;
}
type Case = [name: string, code: GmmErrorCode, mentions: string, call: (c: Ctx) => unknown];

/** Words of a remedy; every message but fromJSON's must contain one. */
const FIX = /\b(use|pass|call|give|set|raise|reduce|remove|convert|divide|scale|fit on|add|must|needs?|process|impute|fix|the options are|one of)\b/i;

const X2 = [[0, 0], [1, 0.5], [0.2, 1], [5, 5], [6, 5.5], [5.5, 6.1]];
const FULL_PREC = [1, 0, 0, 1, 2, 0, 0, 2];

/** An array-like of `length` rows of 2 whose entries are never read (counted). */
function lazyRows(length: number, reads: { n: number }): ArrayLike<ArrayLike<number>> {
  return new Proxy({ length } as ArrayLike<ArrayLike<number>>, {
    get(t, k) {
      if (k === 'length') return length;
      if (typeof k === 'string' && /^\d+$/.test(k)) { reads.n++; return [1, 2]; }
      return Reflect.get(t, k);
    },
  });
}
function lazyData(length: number, reads: { n: number }): ArrayLike<number> {
  return new Proxy({ length } as ArrayLike<number>, {
    get(t, k) {
      if (k === 'length') return length;
      if (typeof k === 'string' && /^\d+$/.test(k)) { reads.n++; return 1; }
      return Reflect.get(t, k);
    },
  });
}
const reads = { n: 0 };

const gm = (o: Record<string, unknown> = {}) => new GaussianMixture(o as never);
const json = (c: Ctx) => c.fitted.toJSON() as unknown as Record<string, unknown>;
const withJSON = (c: Ctx, patch: Record<string, unknown>) => GaussianMixture.fromJSON(JSON.stringify({ ...json(c), ...patch }));
const without = (c: Ctx, key: string) => { const j = json(c); delete j[key]; return GaussianMixture.fromJSON(j); };

const cases: Case[] = [
  // constructor options
  ['options null', 'INVALID_TYPE', 'options', () => new GaussianMixture(null as never)],
  ['options a string', 'INVALID_TYPE', 'options', () => new GaussianMixture('full' as never)],
  ['options an array', 'INVALID_TYPE', 'options', () => new GaussianMixture([] as never)],
  ['unknown option (typo)', 'INVALID_OPTION', 'ncomponents', () => gm({ ncomponents: 2 })],
  ['nComponents 0', 'INVALID_OPTION', 'nComponents', () => gm({ nComponents: 0 })],
  ['nComponents negative', 'INVALID_OPTION', 'nComponents', () => gm({ nComponents: -3 })],
  ['nComponents non-integer', 'INVALID_OPTION', 'nComponents', () => gm({ nComponents: 1.5 })],
  ['nComponents NaN', 'INVALID_OPTION', 'nComponents', () => gm({ nComponents: NaN })],
  ['nComponents Infinity', 'INVALID_OPTION', 'nComponents', () => gm({ nComponents: Infinity })],
  ['nComponents a string', 'INVALID_OPTION', 'nComponents', () => gm({ nComponents: '2' })],
  ['nComponents > samples', 'TOO_FEW_SAMPLES', 'nComponents', (c) => gm({ nComponents: 7 }).fit(c.X)],
  ['covarianceType unknown', 'INVALID_OPTION', 'covarianceType', () => gm({ covarianceType: 'fulll' })],
  ['covarianceType null', 'INVALID_OPTION', 'covarianceType', () => gm({ covarianceType: null })],
  ['covarianceType wrong case', 'INVALID_OPTION', 'covarianceType', () => gm({ covarianceType: 'Full' })],
  ['initParams unknown', 'INVALID_OPTION', 'initParams', () => gm({ initParams: 'kmeans++' })],
  ['tol negative', 'INVALID_OPTION', 'tol', () => gm({ tol: -1e-3 })],
  ['tol NaN', 'INVALID_OPTION', 'tol', () => gm({ tol: NaN })],
  ['tol a string', 'INVALID_OPTION', 'tol', () => gm({ tol: '1e-3' })],
  ['regCovar negative', 'INVALID_OPTION', 'regCovar', () => gm({ regCovar: -1e-6 })],
  ['regCovar Infinity', 'INVALID_OPTION', 'regCovar', () => gm({ regCovar: Infinity })],
  ['regCovar 0 with k-means++ (singular start)', 'INVALID_OPTION', 'regCovar', () => gm({ regCovar: 0, initParams: 'k-means++' })],
  ['regCovar 0 with random_from_data (singular start)', 'INVALID_OPTION', 'regCovar', () => gm({ regCovar: 0, initParams: 'random_from_data' })],
  ['maxIter -1', 'INVALID_OPTION', 'maxIter', () => gm({ maxIter: -1 })],
  ['maxIter non-integer', 'INVALID_OPTION', 'maxIter', () => gm({ maxIter: 2.5 })],
  ['nInit 0', 'INVALID_OPTION', 'nInit', () => gm({ nInit: 0 })],
  ['nInit negative', 'INVALID_OPTION', 'nInit', () => gm({ nInit: -1 })],
  ['warmStart not boolean', 'INVALID_OPTION', 'warmStart', () => gm({ warmStart: 'yes' })],
  ['seed negative', 'INVALID_OPTION', 'seed', () => gm({ seed: -1 })],
  ['seed non-integer', 'INVALID_OPTION', 'seed', () => gm({ seed: 0.5 })],
  ['seed beyond 2^53', 'INVALID_OPTION', 'seed', () => gm({ seed: 2 ** 53 })],
  // initial parameters
  ['weightsInit wrong length', 'SHAPE_MISMATCH', 'weightsInit', () => gm({ nComponents: 2, weightsInit: [1] })],
  ['weightsInit nested', 'SHAPE_MISMATCH', 'weightsInit', () => gm({ nComponents: 2, weightsInit: [[0.5], [0.5]] })],
  ['weightsInit not summing to 1', 'INVALID_INIT', 'weightsInit', () => gm({ nComponents: 2, weightsInit: [0.5, 0.6] })],
  ['weightsInit summing to 1 + 1e-7', 'INVALID_INIT', 'weightsInit', () => gm({ nComponents: 2, weightsInit: [0.5, 0.5000001] })],
  ['weightsInit negative', 'INVALID_INIT', 'weightsInit', () => gm({ nComponents: 2, weightsInit: [1.5, -0.5] })],
  ['weightsInit NaN', 'NON_FINITE', 'weightsInit', () => gm({ nComponents: 2, weightsInit: [NaN, 1] })],
  ['weightsInit strings', 'INVALID_INIT', 'weightsInit', () => gm({ nComponents: 2, weightsInit: ['0.5', '0.5'] })],
  ['meansInit wrong number of rows', 'SHAPE_MISMATCH', 'meansInit', () => gm({ nComponents: 2, meansInit: [[0, 0]] })],
  ['meansInit wrong number of features', 'SHAPE_MISMATCH', 'meansInit', (c) => gm({ nComponents: 2, meansInit: [[0], [1]] }).fit(c.X)],
  ['meansInit ragged', 'RAGGED_ROWS', 'meansInit', () => gm({ nComponents: 2, meansInit: [[0, 0], [1]] })],
  ['meansInit NaN', 'NON_FINITE', 'meansInit', () => gm({ nComponents: 2, meansInit: [[0, 0], [1, NaN]] })],
  ['precisionsInit wrong length', 'SHAPE_MISMATCH', 'precisionsInit', (c) => gm({ nComponents: 2, precisionsInit: [1, 0, 0, 1] }).fit(c.X)],
  ['precisionsInit wrong nesting', 'SHAPE_MISMATCH', 'precisionsInit', (c) => gm({ nComponents: 2, precisionsInit: [[1, 0, 0, 1], [2, 0, 0, 2]] }).fit(c.X)],
  ['precisionsInit ragged', 'SHAPE_MISMATCH', 'precisionsInit', () => gm({ nComponents: 1, precisionsInit: [[1, 0, 0], [1]] })],
  ['precisionsInit not symmetric', 'INVALID_INIT', 'symmetric', (c) => gm({ nComponents: 2, precisionsInit: [1, 0.5, 0, 1, 2, 0, 0, 2] }).fit(c.X)],
  ['precisionsInit not positive definite (full)', 'INVALID_INIT', 'positive definite', (c) => gm({ nComponents: 2, precisionsInit: [1, 2, 2, 1, 2, 0, 0, 2] }).fit(c.X)],
  ['precisionsInit negative definite (tied)', 'INVALID_INIT', 'positive definite', (c) => gm({ nComponents: 2, covarianceType: 'tied', precisionsInit: [[-1, 0], [0, -1]] }).fit(c.X)],
  ['precisionsInit singular (full)', 'INVALID_INIT', 'positive definite', (c) => gm({ nComponents: 1, precisionsInit: [[[1, 1], [1, 1]]] }).fit(c.X)],
  ['precisionsInit negative (diag)', 'INVALID_INIT', 'precisionsInit', () => gm({ nComponents: 2, covarianceType: 'diag', precisionsInit: [[1, 1], [1, -1]] })],
  ['precisionsInit zero (spherical)', 'INVALID_INIT', 'precisionsInit', () => gm({ nComponents: 2, covarianceType: 'spherical', precisionsInit: [1, 0] })],
  ['precisionsInit NaN', 'NON_FINITE', 'precisionsInit', () => gm({ nComponents: 2, precisionsInit: [NaN, 0, 0, 1, 1, 0, 0, 1] })],
  ['precisionsInit of the wrong shape for spherical', 'SHAPE_MISMATCH', 'precisionsInit', (c) => gm({ nComponents: 2, covarianceType: 'spherical', precisionsInit: FULL_PREC }).fit(c.X)],
  // X for fit
  ['X empty array', 'EMPTY_INPUT', 'X', () => gm().fit([])],
  ['X rows without columns', 'EMPTY_INPUT', 'X', () => gm().fit([[], []])],
  ['X matrix 0 × 2', 'EMPTY_INPUT', 'X', () => gm().fit({ data: new Float64Array(0), rows: 0, cols: 2 })],
  ['X ragged rows', 'RAGGED_ROWS', 'X[1]', () => gm().fit([[1, 2], [3]])],
  ['X ragged later row', 'RAGGED_ROWS', 'X[2]', () => gm().fit([[1, 2], [3, 4], [5, 6, 7]])],
  ['X data.length ≠ rows × cols', 'SHAPE_MISMATCH', 'X.data', () => gm().fit({ data: new Float64Array(5), rows: 2, cols: 3 })],
  ['X a string entry', 'NOT_NUMERIC', 'X[1][0]', () => gm().fit([[1, 2], ['3', 4]] as never)],
  ['X a null entry', 'NOT_NUMERIC', 'X[0][1]', () => gm().fit([[1, null], [3, 4]] as never)],
  ['X a hole', 'NOT_NUMERIC', 'X[0][1] is undefined (a hole', () => gm().fit([[1, , 3], [3, 4, 5]] as never)], // eslint-disable-line no-sparse-arrays
  ['X a boolean entry', 'NOT_NUMERIC', 'X[0][0]', () => gm().fit([[true, 2], [3, 4]] as never)],
  ['X a bigint entry', 'NOT_NUMERIC', 'X[0][0]', () => gm().fit([[1n, 2], [3, 4]] as never)],
  ['X matrix with a string in data', 'NOT_NUMERIC', 'X[0][1]', () => gm().fit({ data: [1, 'x', 3, 4], rows: 2, cols: 2 } as never)],
  ['X NaN', 'NON_FINITE', 'X[1][1]', () => gm().fit([[1, 2], [3, NaN]])],
  ['X Infinity', 'NON_FINITE', 'X[0][0]', () => gm().fit([[Infinity, 2], [3, 4]])],
  ['X -Infinity', 'NON_FINITE', 'X[0][1]', () => gm().fit([[1, -Infinity], [3, 4]])],
  ['X NaN inside a Float64Array matrix', 'NON_FINITE', 'X[1][0]', () => gm().fit({ data: Float64Array.of(1, 2, NaN, 4), rows: 2, cols: 2 })],
  ['X null', 'INVALID_TYPE', 'X', () => gm().fit(null as never)],
  ['X undefined', 'INVALID_TYPE', 'X', () => gm().fit(undefined as never)],
  ['X a number', 'INVALID_TYPE', 'X', () => gm().fit(42 as never)],
  ['X a string', 'INVALID_TYPE', 'X', () => gm().fit('1,2\n3,4' as never)],
  ['X a plain object', 'INVALID_TYPE', 'X', () => gm().fit({} as never)],
  ['X a flat array', 'INVALID_TYPE', 'X[0]', () => gm().fit([1, 2, 3] as never)],
  ['X a flat Float64Array', 'INVALID_TYPE', 'X[0]', () => gm().fit(Float64Array.of(1, 2, 3) as never)],
  ['X an array of strings', 'INVALID_TYPE', 'X[0]', () => gm().fit(['12', '34'] as never)],
  ['X a later row not an array', 'INVALID_TYPE', 'X[1]', () => gm().fit([[1, 2], 3] as never)],
  ['X.data a string', 'INVALID_TYPE', 'X.data', () => gm().fit({ data: '1234', rows: 2, cols: 2 } as never)],
  ['X.rows negative', 'INVALID_TYPE', 'X.rows', () => gm().fit({ data: [], rows: -1, cols: 0 })],
  ['X.cols non-integer', 'INVALID_TYPE', 'X.cols', () => gm().fit({ data: [1, 2], rows: 1, cols: 1.5 } as never)],
  // fit options and sample weights
  ['fit options null', 'INVALID_TYPE', 'fit options', (c) => gm().fit(c.X, null as never)],
  ['fit option unknown', 'INVALID_OPTION', 'sampleWeights', (c) => gm().fit(c.X, { sampleWeights: [1] } as never)],
  ['onIteration not a function', 'INVALID_OPTION', 'onIteration', (c) => gm().fit(c.X, { onIteration: 1 } as never)],
  ['sampleWeight wrong length', 'INVALID_SAMPLE_WEIGHT', 'sampleWeight', (c) => gm().fit(c.X, { sampleWeight: [1, 1] })],
  ['sampleWeight negative', 'INVALID_SAMPLE_WEIGHT', 'sampleWeight[2]', (c) => gm().fit(c.X, { sampleWeight: [1, 1, -1, 1, 1, 1] })],
  ['sampleWeight NaN', 'INVALID_SAMPLE_WEIGHT', 'sampleWeight[0]', (c) => gm().fit(c.X, { sampleWeight: [NaN, 1, 1, 1, 1, 1] })],
  ['sampleWeight Infinity', 'INVALID_SAMPLE_WEIGHT', 'sampleWeight[5]', (c) => gm().fit(c.X, { sampleWeight: [1, 1, 1, 1, 1, Infinity] })],
  ['sampleWeight all zero', 'INVALID_SAMPLE_WEIGHT', 'sampleWeight', (c) => gm().fit(c.X, { sampleWeight: new Float64Array(6) })],
  ['sampleWeight a string entry', 'INVALID_SAMPLE_WEIGHT', 'sampleWeight[1]', (c) => gm().fit(c.X, { sampleWeight: [1, '1', 1, 1, 1, 1] as never })],
  ['sampleWeight not an array', 'INVALID_SAMPLE_WEIGHT', 'sampleWeight', (c) => gm().fit(c.X, { sampleWeight: 1 as never })],
  ['sampleWeight leaves fewer rows than components', 'TOO_FEW_SAMPLES', 'positive weight', (c) => gm({ nComponents: 3 }).fit(c.X, { sampleWeight: [1, 0, 0, 0, 0, 1] })],
  // a fitted model used on other data
  ['predict with 3 features on a 2-feature model', 'FEATURE_MISMATCH', 'features', (c) => c.fitted.predict([[1, 2, 3]])],
  ['predictProba with 1 feature', 'FEATURE_MISMATCH', 'features', (c) => c.fitted.predictProba([[1]])],
  ['scoreSamples with 3 features', 'FEATURE_MISMATCH', 'features', (c) => c.fitted.scoreSamples({ data: new Float64Array(3), rows: 1, cols: 3 })],
  ['score with 3 features', 'FEATURE_MISMATCH', 'features', (c) => c.fitted.score([[1, 2, 3]])],
  ['bic with 1 feature', 'FEATURE_MISMATCH', 'features', (c) => c.fitted.bic([[1]])],
  ['aic with 1 feature', 'FEATURE_MISMATCH', 'features', (c) => c.fitted.aic([[1]])],
  ['warm-start fit with other features', 'FEATURE_MISMATCH', 'warm-started', (c) => c.warm.fit([[1, 2, 3], [4, 5, 6], [7, 8, 9]])],
  ['predict NaN', 'NON_FINITE', 'X[0][0]', (c) => c.fitted.predict([[NaN, 1]])],
  ['predictProba empty', 'EMPTY_INPUT', 'X', (c) => c.fitted.predictProba([])],
  ['scoreSamples ragged', 'RAGGED_ROWS', 'X[1]', (c) => c.fitted.scoreSamples([[1, 2], [1]])],
  ['score non-numeric', 'NOT_NUMERIC', 'X[0][0]', (c) => c.fitted.score([['a', 1]] as never)],
  ['bic wrong type', 'INVALID_TYPE', 'X', (c) => c.fitted.bic('x' as never)],
  ['aic shape mismatch', 'SHAPE_MISMATCH', 'X.data', (c) => c.fitted.aic({ data: [1, 2, 3], rows: 2, cols: 2 })],
  ['a failing fit on a fitted model (bad X)', 'NON_FINITE', 'X', (c) => c.fitted.fit([[1, 2], [NaN, 3]])],
  ['a failing fit on a fitted model (too few samples)', 'TOO_FEW_SAMPLES', 'nComponents', (c) => c.fitted.fit([[1, 2]])],
  ['a fit that fails in EM on a fitted model', 'NOT_POSITIVE_DEFINITE', 'regCovar', (c) => c.reg0.fit([[1, 1], [1, 1], [1, 1]])],
  ['a fit whose log-likelihood is -Infinity', 'NUMERICAL', 'scale', (c) => gm({ covarianceType: 'spherical', weightsInit: [1], meansInit: [[1e200, 0]], precisionsInit: [1] }).fit(c.X)],
  // unfitted model
  ['predict unfitted', 'NOT_FITTED', 'fit', (c) => c.unfitted.predict(c.X)],
  ['predictProba unfitted', 'NOT_FITTED', 'predictProba', (c) => c.unfitted.predictProba(c.X)],
  ['scoreSamples unfitted', 'NOT_FITTED', 'scoreSamples', (c) => c.unfitted.scoreSamples(c.X)],
  ['score unfitted', 'NOT_FITTED', 'score needs', (c) => c.unfitted.score(c.X)],
  ['bic unfitted', 'NOT_FITTED', 'bic', (c) => c.unfitted.bic(c.X)],
  ['aic unfitted', 'NOT_FITTED', 'aic', (c) => c.unfitted.aic(c.X)],
  ['sample unfitted', 'NOT_FITTED', 'sample', (c) => c.unfitted.sample(3)],
  ['toJSON unfitted', 'NOT_FITTED', 'toJSON', (c) => c.unfitted.toJSON()],
  ['JSON.stringify unfitted', 'NOT_FITTED', 'toJSON', (c) => JSON.stringify(c.unfitted)],
  ['nParameters unfitted', 'NOT_FITTED', 'nParameters', (c) => c.unfitted.nParameters()],
  ['weights unfitted', 'NOT_FITTED', 'weights', (c) => c.unfitted.weights],
  ['means unfitted', 'NOT_FITTED', 'means', (c) => c.unfitted.means],
  ['covariances unfitted', 'NOT_FITTED', 'covariances', (c) => c.unfitted.covariances],
  ['precisionsCholesky unfitted', 'NOT_FITTED', 'precisionsCholesky', (c) => c.unfitted.precisionsCholesky],
  ['converged unfitted', 'NOT_FITTED', 'converged', (c) => c.unfitted.converged],
  ['nIter unfitted', 'NOT_FITTED', 'nIter', (c) => c.unfitted.nIter],
  ['lowerBound unfitted', 'NOT_FITTED', 'lowerBound', (c) => c.unfitted.lowerBound],
  ['nFeatures unfitted', 'NOT_FITTED', 'nFeatures', (c) => c.unfitted.nFeatures],
  // sample
  ['sample(0)', 'INVALID_ARGUMENT', 'sample(n)', (c) => c.fitted.sample(0)],
  ['sample(-1)', 'INVALID_ARGUMENT', 'sample(n)', (c) => c.fitted.sample(-1)],
  ['sample(1.5)', 'INVALID_ARGUMENT', 'sample(n)', (c) => c.fitted.sample(1.5)],
  ['sample(NaN)', 'INVALID_ARGUMENT', 'sample(n)', (c) => c.fitted.sample(NaN)],
  ['sample(Infinity)', 'INVALID_ARGUMENT', 'sample(n)', (c) => c.fitted.sample(Infinity)],
  ['sample("5")', 'INVALID_ARGUMENT', 'the string "5"', (c) => c.fitted.sample('5' as never)],
  ['predictConditional options null', 'INVALID_TYPE', 'predictConditional options', (c) => c.fitted.predictConditional([[1]], [0], null as never)],
  ['computeStatistics on an unfitted Bayesian mixture', 'NOT_FITTED', 'fit the model first (or load one', () => new BayesianGaussianMixture({ nComponents: 2 }).computeStatistics(X2)],
  ['initLabels of BigInt', 'INVALID_INIT', 'bigint 0', (c) => gm({ nComponents: 2 }).fit(c.X, { initLabels: new BigInt64Array(6) as never })],
  ['sample seed negative', 'INVALID_ARGUMENT', 'seed', (c) => c.fitted.sample(2, { seed: -1 })],
  ['sample seed non-integer', 'INVALID_ARGUMENT', 'seed', (c) => c.fitted.sample(2, { seed: 0.5 })],
  ['sample options null', 'INVALID_TYPE', 'sample options', (c) => c.fitted.sample(2, null as never)],
  ['sample option unknown', 'INVALID_OPTION', 'sed', (c) => c.fitted.sample(2, { sed: 1 } as never)],
  ['sample(2^40): too large for WebAssembly memory', 'TOO_LARGE', 'GiB', (c) => c.fitted.sample(2 ** 40)],
  // fromJSON
  ['fromJSON not JSON', 'INVALID_JSON', 'not valid JSON', () => GaussianMixture.fromJSON('{"format": gmm')],
  ['fromJSON empty string', 'INVALID_JSON', 'fromJSON', () => GaussianMixture.fromJSON('')],
  ['fromJSON truncated', 'INVALID_JSON', 'fromJSON', (c) => { const t = JSON.stringify(c.fitted); return GaussianMixture.fromJSON(t.slice(0, t.length >> 1)); }],
  ['fromJSON null', 'INVALID_JSON', 'fromJSON', () => GaussianMixture.fromJSON(null)],
  ['fromJSON a number', 'INVALID_JSON', 'fromJSON', () => GaussianMixture.fromJSON(42)],
  ['fromJSON an array', 'INVALID_JSON', 'fromJSON', () => GaussianMixture.fromJSON('[1,2]')],
  ['fromJSON another format', 'INVALID_JSON', 'format', (c) => withJSON(c, { format: 'sklearn' })],
  ['fromJSON version 2', 'INVALID_JSON', 'version', (c) => withJSON(c, { version: 2 })],
  ['fromJSON version "1"', 'INVALID_JSON', 'version', (c) => withJSON(c, { version: '1' })],
  ['fromJSON without weights', 'INVALID_JSON', 'weights', (c) => without(c, 'weights')],
  ['fromJSON without means', 'INVALID_JSON', 'means', (c) => without(c, 'means')],
  ['fromJSON without options', 'INVALID_JSON', 'options', (c) => without(c, 'options')],
  ['fromJSON without precisionsCholesky', 'INVALID_JSON', 'precisionsCholesky', (c) => without(c, 'precisionsCholesky')],
  ['fromJSON without lowerBound', 'INVALID_JSON', 'lowerBound', (c) => without(c, 'lowerBound')],
  ['fromJSON weights not summing to 1', 'INVALID_JSON', 'weights', (c) => withJSON(c, { weights: [0.5, 0.6] })],
  ['fromJSON negative weight', 'INVALID_JSON', 'weights', (c) => withJSON(c, { weights: [1.5, -0.5] })],
  ['fromJSON a "NaN" string', 'INVALID_JSON', 'weights', (c) => withJSON(c, { weights: ['NaN', 1] })],
  ['fromJSON NaN written as null', 'INVALID_JSON', 'means', (c) => withJSON(c, { means: [[null, 1], [2, 3]] })],
  ['fromJSON means with a wrong row', 'INVALID_JSON', 'means[1]', (c) => withJSON(c, { means: [[0, 1], [2]] })],
  ['fromJSON nFeatures 0', 'INVALID_JSON', 'nFeatures', (c) => withJSON(c, { nFeatures: 0 })],
  ['fromJSON covariances truncated', 'INVALID_JSON', 'covariances', (c) => withJSON(c, { covariances: [1, 0, 0] })],
  ['fromJSON covariance not symmetric', 'INVALID_JSON', 'symmetric', (c) => withJSON(c, { covariances: [1, 0.5, 0, 1, 1, 0, 0, 1] })],
  ['fromJSON covariance not positive definite', 'INVALID_JSON', 'not positive definite', (c) => withJSON(c, { covariances: [1, 2, 2, 1, 1, 0, 0, 1] })],
  ['fromJSON covariance negative diagonal', 'INVALID_JSON', 'covariances', (c) => withJSON(c, { covariances: [-1, 0, 0, 1, 1, 0, 0, 1] })],
  ['fromJSON precision factor not triangular', 'INVALID_JSON', 'triangular', (c) => withJSON(c, { precisionsCholesky: [1, 0, 0.5, 1, 1, 0, 0, 1] })],
  ['fromJSON precision factor non-positive diagonal', 'INVALID_JSON', 'precisionsCholesky', (c) => withJSON(c, { precisionsCholesky: [0, 0, 0, 1, 1, 0, 0, 1] })],
  ['fromJSON unknown covarianceType', 'INVALID_JSON', 'covarianceType', (c) => withJSON(c, { options: { ...(json(c).options as object), covarianceType: 'banded' } })],
  ['fromJSON options with an unknown key', 'INVALID_JSON', 'options', (c) => withJSON(c, { options: { ...(json(c).options as object), colour: 1 } })],
  ['fromJSON options.nComponents mismatch', 'INVALID_JSON', 'nComponents', (c) => withJSON(c, { options: { ...(json(c).options as object), nComponents: 3 } })],
  ['fromJSON options with a bad tol', 'INVALID_JSON', 'tol', (c) => withJSON(c, { options: { ...(json(c).options as object), tol: -1 } })],
  ['fromJSON converged not boolean', 'INVALID_JSON', 'converged', (c) => withJSON(c, { converged: 'true' })],
  ['fromJSON nIter negative', 'INVALID_JSON', 'nIter', (c) => withJSON(c, { nIter: -1 })],
  // re-entrant calls
  ['fit inside onIteration', 'REENTRANT', 'onIteration', (c) => gm({ nComponents: 2 }).fit(c.X, { onIteration: () => { gm().fit(c.X); } })],
  ['sample inside onIteration', 'REENTRANT', 'onIteration', (c) => gm({ nComponents: 2 }).fit(c.X, { onIteration: () => { c.fitted.sample(1); } })],
  // too large for the 4 GiB address space, refused from the shape alone
  ['fit of 2^30 × 2 rows (lazy rows)', 'TOO_LARGE', 'GiB', () => gm().fit(lazyRows(2 ** 30, reads))],
  ['fit of a 2^30 × 2 matrix (lazy data)', 'TOO_LARGE', 'GiB', () => gm().fit({ data: lazyData(2 ** 31, reads), rows: 2 ** 30, cols: 2 })],
  ['fit of 300 components × 1000 features, full', 'TOO_LARGE', 'covarianceType', () =>
    gm({ nComponents: 300 }).fit({ data: new Float64Array(300 * 1000).map((_, i) => i % 7), rows: 300, cols: 1000 })],
  // 2.4 MB of data whose EM working set (≈ 4.8 GB: parameters and statistics) exceeds 4 GiB
  ['fit of 200 components × 1000 features, full', 'TOO_LARGE', 'GiB', () =>
    gm({ nComponents: 200 }).fit({ data: new Float64Array(200 * 1000).map((_, i) => i % 7), rows: 200, cols: 1000 })],
];

describe('every bad input throws a GmmError with a stable code, before any work', () => {
  const ctx = {} as Ctx;
  let snapshot: () => string;
  beforeAll(async () => {
    await loadCore();
    ctx.X = { data: Float64Array.from(X2.flat()), rows: 6, cols: 2 };
    ctx.fitted = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(ctx.X);
    ctx.reg0 = new GaussianMixture({ regCovar: 0 }).fit(ctx.X);
    ctx.warm = new GaussianMixture({ nComponents: 2, warmStart: true }).fit(ctx.X);
    ctx.unfitted = new GaussianMixture({ nComponents: 2 });
    const probe = dataset('faithful');
    const scaled: Matrix = { data: probe.data.map((v, i) => (i % 2 ? v / 20 : v)), rows: probe.rows, cols: 2 };
    snapshot = () => [ctx.fitted, ctx.reg0, ctx.warm].map((m) => JSON.stringify(m) + Array.from(m.scoreSamples(scaled)).join()
      + Array.from(m.predictProba(scaled).data).join()).join('|') + String(ctx.unfitted.isFitted);
  });

  it.each(cases)('%s → %s', (_name, code, mentions, call) => {
    const before = snapshot();
    const peakBefore = memoryStats(true);
    let thrown: unknown = null;
    try {
      call(ctx);
    } catch (e) {
      thrown = e;
    }
    const after = memoryStats();
    expect(thrown).toBeInstanceOf(GmmError);
    const e = thrown as GmmError;
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('GmmError');
    expect(e.code).toBe(code);
    expect(e.message).toContain(mentions);
    expect(e.message.length).toBeGreaterThan(25);
    // … and says what to do (fromJSON: what is wrong with the file is the fix)
    if (code !== 'INVALID_JSON') expect(e.message).toMatch(FIX);
    expect(snapshot()).toBe(before);
    // refused before the core did anything: no WebAssembly memory was allocated or grown
    // (errors that only EM can find, calls that fit a model inside the call, and fromJSON,
    // whose last check factorises the covariances in the core's scratch, excepted)
    if (!['NOT_POSITIVE_DEFINITE', 'NUMERICAL', 'REENTRANT', 'INVALID_JSON'].includes(code)) expect(after.peak).toBe(peakBefore.heapBase);
    expect(after.memoryBytes).toBe(peakBefore.memoryBytes);
  });

  it('the lazy inputs of the TOO_LARGE cases were never read entry by entry', () => {
    expect(reads.n).toBeLessThanOrEqual(2); // peeking at the first row only
  });

  it('covers every error code', () => {
    // asserted elsewhere: the statistics API (statistics.test.ts) and the asynchronous fits
    // (parallel.test.ts)
    const elsewhere = ['INVALID_STATISTICS', 'STATISTICS_MISMATCH', 'ABORTED', 'WORKER_FAILED', 'SOURCE_FAILED'];
    const covered = new Set<string>([...cases.map((c) => c[1]), 'NOT_INITIALIZED', 'INIT_FAILED', ...elsewhere]);
    expect([...GMM_ERROR_CODES].filter((c) => !covered.has(c))).toEqual([]);
  });
});

describe('a NaN in X points to the missing-value option only where it would help', () => {
  const X = [[1, NaN], [2, 3], [4, 5], [1, 1]];
  const fixOf = async (f: () => unknown): Promise<string> => {
    try {
      await f();
    } catch (e) {
      expect(e).toBeInstanceOf(GmmError);
      expect((e as GmmError).code).toBe('NON_FINITE');
      return (e as GmmError).message;
    }
    return 'no error';
  };
  it("fit() and selectModel: set missingValues: 'marginalize'", async () => {
    expect(await fixOf(() => new GaussianMixture({ nComponents: 2 }).fit(X))).toContain("missingValues: 'marginalize'");
    expect(await fixOf(() => selectModel(X, { nComponents: 2 }))).toContain("missingValues: 'marginalize'");
  });
  it('fitAsync, computeStatistics and WorkerPool.create take missing values as fit() does: the option is the fix', async () => {
    const fitted = new GaussianMixture({ nComponents: 1 }).fit([[1, 2], [2, 3], [3, 3]]);
    for (const f of [
      () => new GaussianMixture({ nComponents: 2 }).fitAsync(X, { workers: 0 }),
      () => fitted.computeStatistics(X),
      () => WorkerPool.create(X, { workers: 1 }),
    ]) {
      expect(await fixOf(f)).toContain("set missingValues: 'marginalize'");
    }
  });
});

describe('an unknown option names what was meant', () => {
  // [given options, what the message must say] for the constructor; each message still lists every option
  const hinted: [Record<string, unknown>, string][] = [
    [{ n_components: 3 }, 'options are camelCase here: nComponents'],
    [{ covariance_type: 'diag' }, 'camelCase here: covarianceType'],
    [{ reg_covar: 1e-6 }, 'camelCase here: regCovar'],
    [{ random_state: 0 }, 'random_state is seed here'],
    [{ randomState: 0 }, 'random_state is seed here'],
    [{ verbose: 2 }, 'onIteration'],
    [{ verboseInterval: 10 }, 'onIteration'],
    [{ ncomponents: 3 }, 'did you mean nComponents?'],
    [{ nComponent: 3 }, 'did you mean nComponents?'],
    [{ maxiter: 3 }, 'did you mean maxIter?'],
    [{ RandomState: 0 }, 'random_state is seed here'],
    [{ 'random-state': 0 }, 'random_state is seed here'],
    [{ meanPrior: [0] }, 'meanPrior is an option of BayesianGaussianMixture'],
    [{ weight_concentration_prior_type: 'dirichlet_process' }, 'weightConcentrationPriorType is an option of BayesianGaussianMixture'],
  ];
  it.each(hinted)('%o', (opts, hint) => {
    let e: unknown;
    try { new GaussianMixture(opts as never); } catch (err) { e = err; }
    expect(e).toMatchObject({ code: 'INVALID_OPTION' });
    const m = (e as GmmError).message;
    expect(m).toContain(`unknown option "${Object.keys(opts)[0]}" (`);
    expect(m).toContain(hint);
    expect(m).toContain('the options are nComponents, covarianceType');
  });
  it('a covariance type named as mclust does, or in capitals, is named back', () => {
    const said = (t: unknown, types = false): string => {
      try {
        if (types) selectModel([[1], [2], [3]], { nComponents: [1, 1], covarianceTypes: [t] as never });
        else new GaussianMixture({ nComponents: 1, covarianceType: t as never });
      } catch (e) {
        expect(e).toMatchObject({ code: 'INVALID_OPTION' });
        return (e as GmmError).message;
      }
      throw new Error(`${String(t)} was accepted`);
    };
    expect(said('eee')).toMatch(/got the string "eee"\. mclust's names are upper case: 'EEE'\.$/);
    expect(said('evi', true)).toMatch(/^covarianceTypes: "evi" is not one of .*\. mclust's names are upper case: 'EVI'\.$/);
    // every one of mclust's fourteen names is a model here
    for (const m of ['VVV', 'EEE', 'VVI', 'VII', 'EII', 'EEI', 'EVI', 'VEI', 'EVV', 'VEE', 'EEV', 'VEV', 'EVE', 'VVE']) {
      expect(new GaussianMixture({ covarianceType: m as never }).covarianceType).toBe(({ VVV: 'full', EEE: 'tied', VVI: 'diag', VII: 'spherical' } as Record<string, string>)[m] ?? m);
    }
    expect(said('Full')).toMatch(/Types are lower case: 'full'\.$/);
    expect(said(' SPHERICAL ', true)).toMatch(/Types are lower case: 'spherical'\.$/);
    expect(said('spherial')).toMatch(/Did you mean 'spherical'\?$/);
    expect(said('xyz')).toMatch(/got the string "xyz"\.$/);
    expect(said(3)).toMatch(/got number 3\.$/);
  });
  it('no guess for a name near nothing', () => {
    expect(() => new GaussianMixture({ foo: 1 } as never)).toThrow(/^unknown option "foo"; the options are /);
    expect(() => new GaussianMixture({ xyzzy: 1 } as never)).toThrow(/^unknown option "xyzzy"; the options are /);
  });
  it('the Bayesian mixture, fit, sample, score, computeStatistics, selectModel and the pool say it too', async () => {
    await loadCore();
    const fitted = new GaussianMixture({ nComponents: 1 }).fit([[1], [2], [4]]);
    const cases: [() => unknown, RegExp][] = [
      [() => new BayesianGaussianMixture({ weight_concentration_prior: 0.1 } as never), /"weight_concentration_prior" \(options are camelCase here: weightConcentrationPrior\)/],
      [() => new GaussianMixture({ nComponents: 1 }).fit([[1], [2]], { sample_weight: [1, 1] } as never), /unknown fit option "sample_weight" \(options are camelCase here: sampleWeight\); the options are sampleWeight, initLabels, initResponsibilities, onIteration\./],
      [() => fitted.sample(2, { random_state: 1 } as never), /unknown sample option "random_state" \(scikit-learn's random_state is seed here, an integer\); the options are seed\./],
      // where the call has no seed, the hint names the constructor's
      [() => new GaussianMixture({ nComponents: 1 }).fit([[1], [2]], { random_state: 1 } as never), /"random_state" \(scikit-learn's random_state is the constructor's seed option here\)/],
      [() => new BayesianGaussianMixture({ weights_init: [1] } as never), /"weights_init" \(a Bayesian mixture starts from initParams or fit's initLabels or initResponsibilities/],
      [() => fitted.score([[1]], { sampleWeights: [1] } as never), /"sampleWeights" \(did you mean sampleWeight\?\)/],
      [() => fitted.computeStatistics([[1]], { row_offset: 0 } as never), /"row_offset" \(options are camelCase here: rowOffset\)/],
      [() => selectModel([[1], [2], [3]], { n_components: [1, 2] } as never), /"n_components" \(options are camelCase here: nComponents\)/],
      [() => new GaussianMixture({ nComponents: 1 }).fit([[1, 2], [2, 1], [4, 5]]).predictConditional([[1]], [0], { covarience: true } as never), /unknown predictConditional option "covarience" \(did you mean covariance\?\); the options are covariance\./],
      [() => fitted.applyStatistics(fitted.computeStatistics([[1]]), { row: 3 } as never), /unknown applyStatistics option "row" \(did you mean rows\?\); the options are rows\./],
      [() => fitted.recentreShift(fitted.computeStatistics([[1]]), { Rows: 3 } as never), /unknown recentreShift option "Rows" \(did you mean rows\?\)/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
      expect(call).toThrow(message);
    }
    await expect(WorkerPool.create([[1], [2]], { worker: 1 } as never)).rejects.toThrow(/"worker" \(did you mean workers\?\)/);
  });
  it('options that are not an object are INVALID_TYPE everywhere, statistics calls too; values named by their type', async () => {
    const fitted = new GaussianMixture({ nComponents: 1 }).fit([[1], [2], [4]]);
    const stats = fitted.computeStatistics([[1], [3]]);
    expect(() => fitted.applyStatistics(stats, null as never)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE' }));
    expect(() => fitted.recentreShift(stats, 3 as never)).toThrow(expect.objectContaining({ code: 'INVALID_TYPE', message: expect.stringMatching(/got number 3/) }));
    await expect(WorkerPool.create([[1], [2]], { workers: 'a' } as never)).rejects.toThrow(/a WorkerPool needs workers, an integer ≥ 1; got the string "a"/);
    await expect(WorkerPool.create([[1], [2]], { workers: 0 })).rejects.toThrow(/a WorkerPool needs workers, an integer ≥ 1; got number 0/);
  });
});

describe('a new user\'s trial (2026-11-29): errors as fixed', () => {
  beforeAll(loadCore);

  it('missing values: an X with no observed entry is EMPTY_INPUT before nComponents is weighed against its rows', () => {
    const gm = new GaussianMixture({ nComponents: 3, missingValues: 'marginalize' });
    expect(() => gm.fit([[NaN, NaN], [NaN, NaN]])).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => gm.fit([[1, NaN], [NaN, 2]])).toThrow(expect.objectContaining({ code: 'TOO_FEW_SAMPLES', message: expect.stringContaining('observed') }));
  });

  it('an abort carries its signal\'s reason as the cause, and says where it was a timeout', async () => {
    const X = [[0], [1], [2], [3]];
    const ac = new AbortController();
    const why = new Error('user pressed stop');
    ac.abort(why);
    const e = await new GaussianMixture({ nComponents: 1 }).fitAsync(X, { workers: 0, signal: ac.signal }).catch((x) => x);
    expect(e).toMatchObject({ code: 'ABORTED', cause: why });
    const t = AbortSignal.timeout(0);
    await new Promise((r) => setTimeout(r, 20));
    const te = await new GaussianMixture({ nComponents: 1 }).fitAsync(X, { workers: 0, signal: t }).catch((x) => x);
    expect(te.code).toBe('ABORTED');
    expect(te.message).toContain('its timeout');
    expect((te.cause as Error).name).toBe('TimeoutError');
  });
});

describe('a new user\'s trial (2026-11-29): what was dropped without a word', () => {
  beforeAll(loadCore);

  it('predict, predictProba and scoreSamples take X alone: a second argument (weights) is refused', () => {
    const X = [[0], [1], [5], [6]];
    const gm = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(X);
    for (const f of [() => gm.scoreSamples(X, { sampleWeight: [1, 1, 1, 1] } as never), () => (gm.predict as (...a: unknown[]) => unknown)(X, {}),
      () => (gm.predictProba as (...a: unknown[]) => unknown)(X, undefined)]) {
      expect(f).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('takes X alone') }));
    }
    expect(gm.scoreSamples(X)).toHaveLength(4);
  });

  it('a model file with some of a fit\'s fields but not all names the missing ones', () => {
    const j = { format: 'gmm-wasm', version: 1, options: { covarianceType: 'diag', nComponents: 2 }, nFeatures: 2, weights: [0.5, 0.5],
      means: [[0, 0], [1, 1]], covariances: [[1, 1], [1, 1]], converged: true };
    expect(() => GaussianMixture.fromJSON(j)).toThrow(expect.objectContaining({ code: 'INVALID_JSON', message: expect.stringContaining('"precisionsCholesky", "nIter", "lowerBound"') }));
  });
});
