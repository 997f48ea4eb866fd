// Marginals and conditionals of fitted mixtures: against the textbook formulas (an
// independent Gaussian elimination here, and NumPy/SciPy in fixtures/conditional.json),
// against numerical integration, and as properties (composition, commutation, Bayes' rule),
// for every covariance type; and every bad input's error.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BayesianGaussianMixture, GaussianMixture, type CovarianceType, type Matrix } from '../src/index.js';
import { errorCode, loadCore, maxRelDiff, normal, rng, root } from './helpers.js';

beforeAll(loadCore);

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

/** n rows of K clusters in d dimensions, each cluster correlated (x = c + A z). */
function correlated(seed: number, n: number, d: number, K: number): Matrix {
  const z = normal(rng(seed));
  const centres = Array.from({ length: K }, () => Array.from({ length: d }, () => 3 * z()));
  const A = Array.from({ length: K }, () => Array.from({ length: d * d }, () => 0.6 * z()));
  const data = new Float64Array(n * d);
  const e = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const k = i % K;
    for (let j = 0; j < d; j++) e[j] = z();
    for (let a = 0; a < d; a++) {
      let s = centres[k][a] + 0.5 * e[a];
      for (let b = 0; b < d; b++) s += A[k][a * d + b] * e[b];
      data[i * d + a] = s;
    }
  }
  return { data, rows: n, cols: d };
}

const fitted = new Map<string, GaussianMixture>();
/** A fitted K-component model of a type on correlated d-dimensional data (cached). */
function model(type: CovarianceType, K: number, d: number): GaussianMixture {
  const key = `${type}-${K}-${d}`;
  if (!fitted.has(key)) fitted.set(key, new GaussianMixture({ nComponents: K, covarianceType: type, seed: 1 }).fit(correlated(7 + d, 600, d, K)));
  return fitted.get(key)!;
}

/** Component k's covariance as a full d×d matrix (number[][]), whatever the type. */
function fullCov(type: CovarianceType, cov: ArrayLike<number>, k: number, d: number): number[][] {
  return Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => {
    if (type === 'full') return cov[k * d * d + a * d + b];
    if (type === 'tied') return cov[a * d + b];
    if (a !== b) return 0;
    return type === 'diag' ? cov[k * d + a] : cov[k];
  }));
}

/** A⁻¹ B by Gaussian elimination with partial pivoting (A n×n, B n×p), plain JavaScript. */
function solve(A: number[][], B: number[][]): number[][] {
  const n = A.length, p = B[0].length;
  const M = A.map((row, i) => [...row, ...B[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(M[i][c]) > Math.abs(M[piv][c])) piv = i;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let i = 0; i < n; i++) {
      if (i === c) continue;
      const f = M[i][c] / M[c][c];
      for (let j = c; j < n + p; j++) M[i][j] -= f * M[c][j];
    }
  }
  return M.map((row, i) => row.slice(n).map((v) => v / M[i][i]));
}

const pick = (S: number[][], rows: number[], cols: number[]) => rows.map((i) => cols.map((j) => S[i][j]));
const rest = (d: number, g: number[]) => Array.from({ length: d }, (_, j) => j).filter((j) => !g.includes(j));

/** max |a − b| over max |b| (one scale for the whole array). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0, s = 0;
  for (let i = 0; i < b.length; i++) {
    m = Math.max(m, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return m / Math.max(s, 1e-300);
}

/** The moment-matched covariance of a conditional model (its weights, means, covariances). */
function momentMatched(c: GaussianMixture): { mean: number[]; cov: number[] } {
  const q = c.nFeatures, K = c.nComponents, w = c.weights, mu = c.means.data, cv = c.covariances;
  const mean = Array.from({ length: q }, (_, a) => { let s = 0; for (let k = 0; k < K; k++) s += w[k] * mu[k * q + a]; return s; });
  const cov: number[] = [];
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += w[k] * (fullCov(c.covarianceType, cv, k, q)[a][b] + mu[k * q + a] * mu[k * q + b]);
      cov.push(s - mean[a] * mean[b]);
    }
  }
  return { mean, cov };
}

describe('one component: condition is the Schur complement', () => {
  it.each(TYPES)('%s', (type) => {
    const d = 4;
    const gm = model(type, 1, d);
    const S = fullCov(type, gm.covariances, 0, d);
    const mu = Array.from(gm.means.data);
    for (const g of [[1], [3, 0], [0, 1, 2]]) {
      const r = rest(d, g);
      const x = g.map((j, i) => mu[j] + 0.7 - 0.4 * i);
      const c = gm.condition(g, x);
      const A = solve(pick(S, g, g), pick(S, g, r)); // Σ_gg⁻¹ Σ_gr
      const diff = g.map((j, i) => [x[i] - mu[j]]);
      const solved = solve(pick(S, g, g), diff);
      const mean = r.map((j) => mu[j] + g.reduce((s, gi, i) => s + S[j][gi] * solved[i][0], 0));
      const cov = r.map((i) => r.map((j, b) => S[i][j] - g.reduce((s, gl, l) => s + S[i][gl] * A[l][b], 0)));
      expect(c.weights).toEqual(new Float64Array([1]));
      expect(c.nFeatures).toBe(r.length);
      expect(c.covarianceType).toBe(type);
      expect(maxRelDiff(c.means.data, mean)).toBeLessThan(1e-12);
      expect(maxRelDiff(fullCov(type, c.covariances, 0, r.length).flat(), cov.flat())).toBeLessThan(1e-12);
      if (type === 'diag') expect(Array.from(c.covariances)).toEqual(r.map((j) => gm.covariances[j]));
      if (type === 'spherical') {
        expect(c.covariances).toEqual(gm.covariances);
        expect(c.precisionsCholesky).toEqual(gm.precisionsCholesky);
      }
      if (type === 'diag' || type === 'spherical') expect(Array.from(c.means.data)).toEqual(r.map((j) => mu[j]));
    }
  });
});

describe('fixtures from NumPy/SciPy (test/fixtures/conditional.json)', () => {
  const fixture = JSON.parse(readFileSync(new URL('test/fixtures/conditional.json', root), 'utf8'));
  it('covers every covariance type, d = 2, 3, 5, one and two given features', () => {
    const names: string[] = fixture.cases.map((c: { name: string }) => c.name);
    for (const t of TYPES) for (const d of [2, 3, 5]) expect(names.some((n) => n.startsWith(`d${d}-${t}-`))).toBe(true);
    expect(fixture.cases.filter((c: { given: number[] }) => c.given.length === 2).length).toBeGreaterThanOrEqual(8);
  });
  it.each(fixture.cases.map((c: { name: string }) => [c.name, c]))('%s', (_name, c: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const gm = GaussianMixture.fromJSON(c.model);
    const cond = gm.condition(c.given, c.values);
    expect(cond.nFeatures).toBe(c.remaining.length);
    expect(cond.covarianceType).toBe(c.model.options.covarianceType);
    expect(maxRelDiff(cond.weights, c.expected.weights)).toBeLessThan(1e-10);
    expect(relErr(cond.means.data, c.expected.means)).toBeLessThan(1e-10);
    expect(relErr(cond.covariances, c.expected.covariances)).toBeLessThan(1e-10);
    const m = c.given.length;
    const p = gm.predictConditional({ data: Float64Array.from(c.rows), rows: c.rows.length / m, cols: m }, c.given, { covariance: true });
    expect(p.mean.cols).toBe(c.remaining.length);
    expect(relErr(p.mean.data, c.predictMean)).toBeLessThan(1e-10);
    expect(relErr(p.covariance!, c.predictCovariance)).toBeLessThan(1e-10);
  });
});

describe.each(TYPES)('%s mixtures (K = 3, d = 4)', (type) => {
  const d = 4;

  it('marginal of a marginal is the marginal of the composed indices, bit for bit', () => {
    const gm = model(type, 3, d);
    const a = gm.marginal([3, 0, 2]).marginal([2, 0]);
    const b = gm.marginal([2, 3]);
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(b.covarianceType).toBe(type);
    expect(b.nComponents).toBe(3);
    // a marginal over every feature in order is the model itself
    const all = gm.marginal([0, 1, 2, 3]);
    expect(all.means).toEqual(gm.means);
    expect(all.covariances).toEqual(gm.covariances);
    expect(all.scoreSamples(correlated(3, 50, d, 3))).toEqual(gm.scoreSamples(correlated(3, 50, d, 3)));
  });

  it('condition and marginal commute: condition on g then keep r1 = keep g ∪ r1 then condition on g', () => {
    const gm = model(type, 3, d);
    const x = [0.4];
    // g = {1}; remaining 0, 2, 3; keep r1 = {0, 3}
    const left = gm.condition([1], x).marginal([0, 2]);
    const right = gm.marginal([0, 1, 3]).condition([1], x);
    for (const k of ['weights', 'covariances', 'precisionsCholesky'] as const) expect(maxRelDiff(left[k], right[k])).toBeLessThanOrEqual(1e-15);
    expect(maxRelDiff(left.means.data, right.means.data)).toBeLessThanOrEqual(1e-15);
    // two given features
    const l2 = gm.condition([2, 0], [1, -1]).marginal([1]);
    const r2 = gm.marginal([2, 0, 3]).condition([0, 1], [1, -1]);
    expect(maxRelDiff(l2.weights, r2.weights)).toBeLessThanOrEqual(1e-15);
    expect(maxRelDiff(l2.means.data, r2.means.data)).toBeLessThanOrEqual(1e-15);
    expect(maxRelDiff(l2.covariances, r2.covariances)).toBeLessThanOrEqual(1e-15);
  });

  it('Bayes: log p(y | x) = log p(x, y) − log p(x), through scoreSamples of the model, its marginal and its conditional', () => {
    const gm = model(type, 3, d);
    const X = correlated(11, 8, d, 3);
    for (const g of [[2], [0, 3], [3, 1, 0]]) {
      const r = rest(d, g);
      const joint = gm.scoreSamples(X);
      const marg = gm.marginal(g).scoreSamples(Array.from({ length: X.rows }, (_, i) => g.map((j) => X.data[i * d + j])));
      for (let i = 0; i < X.rows; i++) {
        const row = Array.from(X.data.subarray(i * d, i * d + d));
        const c = gm.condition(g, g.map((j) => row[j]));
        const y = c.scoreSamples([r.map((j) => row[j])])[0];
        expect(Math.abs(y - (joint[i] - marg[i]))).toBeLessThan(1e-10);
      }
    }
  });

  it('predictConditional is the mean and moment-matched covariance of condition(), row by row and in chunks', () => {
    const gm = model(type, 3, d);
    const g = [3, 1];
    const X = correlated(5, 40, 2, 1);
    const p = gm.predictConditional(X, g, { covariance: true });
    expect(p.mean.rows).toBe(40);
    expect(p.mean.cols).toBe(2);
    expect(p.covariance!.length).toBe(40 * 4);
    for (let i = 0; i < X.rows; i++) {
      const c = gm.condition(g, X.data.subarray(2 * i, 2 * i + 2));
      const ref = momentMatched(c);
      expect(relErr(p.mean.data.subarray(2 * i, 2 * i + 2), ref.mean)).toBeLessThan(1e-10);
      expect(relErr(p.covariance!.subarray(4 * i, 4 * i + 4), ref.cov)).toBeLessThan(1e-10);
      const cv = p.covariance!;
      expect(cv[4 * i + 1]).toBe(cv[4 * i + 2]); // symmetric
    }
    const noCov = gm.predictConditional(X, g);
    expect(noCov.covariance).toBeUndefined();
    expect(noCov.mean).toEqual(p.mean);
  });

  it('derived models are fitted GaussianMixtures: predict, scoreSamples, sample, toJSON round trip; the model is unchanged', () => {
    const gm = model(type, 3, d);
    const before = JSON.stringify(gm);
    for (const m of [gm.marginal([1, 2]), gm.condition([0, 3], [0.5, -0.25])]) {
      expect(m.isFitted).toBe(true);
      expect(m.nFeatures).toBe(2);
      expect(m.options.meansInit).toBeNull();
      const X = m.sample(30, { seed: 4 }).X;
      expect(m.predict(X).length).toBe(30);
      expect(m.scoreSamples(X).every(Number.isFinite)).toBe(true);
      const back = GaussianMixture.fromJSON(JSON.stringify(m));
      expect(back.scoreSamples(X)).toEqual(m.scoreSamples(X));
      expect(Math.abs(m.weights.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-14);
    }
    expect(JSON.stringify(gm)).toBe(before);
  });
});

describe('marginal density against numerical integration (2-d models)', () => {
  it.each(TYPES)('%s: log ∫ p(x, y) dy = marginal([0]).scoreSamples(x)', (type) => {
    const gm = model(type, 3, 2);
    const mu = gm.means.data;
    const sd = Math.sqrt(Math.max(...Array.from({ length: 3 }, (_, k) => fullCov(type, gm.covariances, k, 2)[1][1])));
    const lo = Math.min(mu[1], mu[3], mu[5]) - 14 * sd, hi = Math.max(mu[1], mu[3], mu[5]) + 14 * sd;
    const N = 6000; // Simpson's rule on N intervals
    const h = (hi - lo) / N;
    const marginal = gm.marginal([0]);
    for (const x of [mu[0], mu[2] + 0.3, mu[4] - 1.1, 0]) {
      const grid = Array.from({ length: N + 1 }, (_, i) => [x, lo + i * h]);
      const p = gm.scoreSamples(grid).map(Math.exp);
      let s = p[0] + p[N];
      for (let i = 1; i < N; i++) s += (i % 2 ? 4 : 2) * p[i];
      const integral = Math.log((s * h) / 3);
      expect(Math.abs(integral - marginal.scoreSamples([[x]])[0])).toBeLessThan(1e-9);
    }
  });
});

describe('predictConditional streams rows through memory in chunks', () => {
  it('gives every row the bits it gets alone (rows across several chunks)', () => {
    const d = 40;
    const gm = new GaussianMixture({ nComponents: 2, covarianceType: 'full', seed: 0, maxIter: 5 }).fit(correlated(2, 300, d, 2));
    const g = [5, 17];
    const X = correlated(9, 900, 2, 1); // q = 38: a chunk holds 353 rows
    const all = gm.predictConditional(X, g, { covariance: true });
    for (const i of [0, 352, 353, 354, 705, 706, 899]) {
      const one = gm.predictConditional([[X.data[2 * i], X.data[2 * i + 1]]], g, { covariance: true });
      expect(one.mean.data).toEqual(all.mean.data.slice(38 * i, 38 * i + 38));
      expect(one.covariance).toEqual(all.covariance!.slice(38 * 38 * i, 38 * 38 * (i + 1)));
    }
  });
});

describe('far values', () => {
  it.each(TYPES)('%s: weights stay normalised far from the data (log-sum-exp)', (type) => {
    const gm = model(type, 3, 4);
    const c = gm.condition([0], [1e6]);
    expect(Math.abs(c.weights.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-15);
    expect(c.means.data.every(Number.isFinite)).toBe(true);
    expect(c.weights.filter((w) => w === 1).length).toBe(1);
    // components whose weight underflowed to 0 stay: the model still scores, samples and round-trips
    expect(c.weights.some((w) => w === 0)).toBe(true);
    const k = c.weights.indexOf(1);
    const drawn = c.sample(20, { seed: 3 });
    expect(drawn.labels.every((l) => l === k)).toBe(true);
    expect(c.scoreSamples(drawn.X).every(Number.isFinite)).toBe(true);
    expect(GaussianMixture.fromJSON(JSON.stringify(c)).weights).toEqual(c.weights);
  });
  it.each(TYPES)('%s: given values whose every component density underflows are NUMERICAL, not weights 1/K', (type) => {
    // beyond about 1e154 standard deviations every squared distance overflows: the weights
    // are undefined (a uniform 1/K, as returned before, gave a plausible conditional mean)
    const gm = model(type, 3, 4);
    const numerical = { code: 'NUMERICAL', message: expect.stringContaining('conditional weights are undefined') };
    expect(() => gm.condition([0], [1e160])).toThrow(expect.objectContaining(numerical));
    expect(() => gm.predictConditional([[0], [1e160]], [0])).toThrow(expect.objectContaining({ ...numerical,
      message: expect.stringContaining('row 1') }));
    // 1e150 standard deviations is still in range (tied's shared covariance may leave two
    // components' distances equal in double precision there, so no single winner is asked)
    const w = gm.condition([0], [1e150]).weights;
    expect(w.every(Number.isFinite) && Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-15).toBe(true);
  });
  it('predictConditional refuses (NUMERICAL) rather than return overflowed covariances', () => {
    expect(errorCode(() => model('full', 3, 4).predictConditional([[0], [1e200]], [0], { covariance: true }))).toBe('NUMERICAL');
    // weights stay finite here (both components alike) and so does each conditional mean,
    // ±100·x₀ = ±1e155, but the moment-matched covariance Σ w (S + m mᵀ) − m̄ m̄ᵀ overflows
    const gm = GaussianMixture.fromJSON({
      format: 'gmm-wasm', version: 1, nFeatures: 2,
      options: { nComponents: 2, covarianceType: 'full', tol: 0.001, regCovar: 1e-6, maxIter: 100, nInit: 1, initParams: 'kmeans', warmStart: false, seed: 0 },
      weights: [0.5, 0.5], means: [[0, 0], [0, 0]],
      covariances: [1, 100, 100, 10001, 1, -100, -100, 10001], precisionsCholesky: [1, -100, 0, 1, 1, 100, 0, 1],
      converged: true, nIter: 1, lowerBound: 0,
    } as never);
    expect(() => gm.predictConditional([[1e153]], [0], { covariance: true })).toThrow(expect.objectContaining({
      code: 'NUMERICAL', message: expect.stringContaining('covariances') }));
    expect(gm.predictConditional([[1e3]], [0], { covariance: true }).covariance!.every(Number.isFinite)).toBe(true);
  });
});

describe('properties over random models, feature subsets and rows (fast-check)', () => {
  const caseArb = fc.record({
    type: fc.constantFrom(...TYPES),
    d: fc.integer({ min: 2, max: 6 }),
    K: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }),
    m: fc.integer({ min: 1, max: 5 }),
    shift: fc.double({ min: -3, max: 3, noNaN: true }),
  });
  it('Bayes\' rule, moment matching and commutation hold for any given subset, in any order', () => {
    fc.assert(fc.property(caseArb, ({ type, d, K, seed, order, m, shift }) => {
      const gm = new GaussianMixture({ nComponents: K, covarianceType: type, seed: 0, maxIter: 20 }).fit(correlated(seed, 150, d, K));
      const perm = Array.from({ length: d }, (_, j) => j).sort((a, b) => order[a] - order[b]);
      const g = perm.slice(0, Math.min(m, d - 1));
      const r = rest(d, g);
      const row = Array.from(gm.sample(1, { seed: seed % 1000 }).X.data, (v) => v + shift);
      const xg = g.map((j) => row[j]);
      const c = gm.condition(g, xg);
      // log p(y | x) = log p(x, y) − log p(x)
      const lhs = c.scoreSamples([r.map((j) => row[j])])[0];
      const rhs = gm.scoreSamples([row])[0] - gm.marginal(g).scoreSamples([xg])[0];
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * Math.max(1, Math.abs(rhs)));
      // predictConditional = the moments of condition()
      const p = gm.predictConditional([xg], g, { covariance: true });
      const ref = momentMatched(c);
      expect(relErr(p.mean.data, ref.mean)).toBeLessThan(1e-9);
      expect(relErr(p.covariance!, ref.cov)).toBeLessThan(1e-9);
      // condition, then keep the last remaining feature = keep it with g, then condition
      const left = c.marginal([r.length - 1]);
      const right = gm.marginal([...g, r[r.length - 1]]).condition(g.map((_, i) => i), xg);
      expect(maxRelDiff(left.means.data, right.means.data)).toBeLessThan(1e-13);
      expect(maxRelDiff(left.covariances, right.covariances)).toBeLessThan(1e-13);
      expect(maxRelDiff(left.weights, right.weights)).toBeLessThan(1e-13);
    }), { numRuns: 40, seed: 13 });
  });
});

describe('errors', () => {
  const gm = () => model('full', 3, 4);
  const code = errorCode;
  it.each([
    ['unfitted marginal', () => new GaussianMixture().marginal([0]), 'NOT_FITTED'],
    ['unfitted condition', () => new GaussianMixture().condition([0], [1]), 'NOT_FITTED'],
    ['unfitted predictConditional', () => new GaussianMixture().predictConditional([[1]], [0]), 'NOT_FITTED'],
    ['a variational mixture', () => new BayesianGaussianMixture({ nComponents: 2 }).fit(correlated(1, 50, 2, 2)).condition([0], [1]), 'INVALID_ARGUMENT'],
    ['index out of range', () => gm().marginal([4]), 'INVALID_ARGUMENT'],
    ['negative index', () => gm().condition([-1], [0]), 'INVALID_ARGUMENT'],
    ['non-integer index', () => gm().condition([0.5], [0]), 'INVALID_ARGUMENT'],
    ['string index', () => gm().marginal(['0' as unknown as number]), 'INVALID_ARGUMENT'],
    ['repeated index', () => gm().marginal([1, 1]), 'INVALID_ARGUMENT'],
    ['repeated given', () => gm().predictConditional([[0, 0]], [2, 2]), 'INVALID_ARGUMENT'],
    ['no index', () => gm().marginal([]), 'INVALID_ARGUMENT'],
    ['not an array', () => gm().marginal(0 as unknown as number[]), 'INVALID_TYPE'],
    ['conditioning on every feature', () => gm().condition([0, 1, 2, 3], [0, 0, 0, 0]), 'INVALID_ARGUMENT'],
    ['predicting from every feature', () => gm().predictConditional([[0, 0, 0, 0]], [3, 2, 1, 0]), 'INVALID_ARGUMENT'],
    ['values too short', () => gm().condition([0, 1], [0]), 'SHAPE_MISMATCH'],
    ['values too long', () => gm().condition([0], [0, 1]), 'SHAPE_MISMATCH'],
    ['NaN value', () => gm().condition([0], [NaN]), 'NON_FINITE'],
    ['infinite value', () => gm().condition([0], [-Infinity]), 'NON_FINITE'],
    ['non-numeric value', () => gm().condition([0], ['1' as unknown as number]), 'NOT_NUMERIC'],
    ['X with the wrong number of columns', () => gm().predictConditional([[0, 1, 2]], [0, 1]), 'FEATURE_MISMATCH'],
    ['X with a NaN', () => gm().predictConditional([[NaN]], [0]), 'NON_FINITE'],
    ['unknown option', () => gm().predictConditional([[0]], [0], { cov: true } as object), 'INVALID_OPTION'],
    ['non-boolean covariance', () => gm().predictConditional([[0]], [0], { covariance: 1 as unknown as boolean }), 'INVALID_OPTION'],
  ])('%s', (_name, f, expected) => {
    expect(code(f)).toBe(expected);
  });
  it('a NaN given value is named as a conditioning value, with no advice to fit around it', () => {
    const marginalizing = new GaussianMixture({ nComponents: 2, missingValues: 'marginalize', seed: 1 })
      .fit(Array.from({ length: 40 }, (_, i) => [i % 7, (i * 3) % 5, i % 2]));
    for (const m of [gm(), marginalizing]) {
      expect(() => m.predictConditional([[NaN]], [0])).toThrow(expect.objectContaining({
        code: 'NON_FINITE', message: expect.stringMatching(/^Xgiven\[0\]\[0\] is NaN: .*conditioning needs a finite value/),
      }));
      expect(() => m.predictConditional([[NaN]], [0])).not.toThrow(/missingValues/);
    }
  });
});
