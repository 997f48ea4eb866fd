// Hard data never produces NaN: each case ends in a valid model (finite parameters, positive
// precision-Cholesky diagonal, weights summing to 1, rows of predictProba summing to 1, finite
// scores) or in a GmmError that says which component broke and what to change.
import { beforeAll, describe, expect, it } from 'vitest';
import { GaussianMixture, GmmError, selectModel, type CovarianceType, type InitParams, type Matrix } from '../src/index.js';
import { blobs, loadCore, maxRelDiff, modelProblems, normal, rng, rowSums } from './helpers.js';

beforeAll(loadCore);

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];
const INITS: InitParams[] = ['kmeans', 'k-means++', 'random', 'random_from_data'];
const EPS = 2.220446049250313e-16;

function mat(rows: number[][]): Matrix {
  return { data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length };
}

/** Problems of a fitted model used on X (empty when valid). */
function problemsOn(gm: GaussianMixture, X: Matrix): string[] {
  const out = modelProblems(gm);
  const p = gm.predictProba(X);
  if (!p.data.every((v) => v >= 0 && v <= 1)) out.push('predictProba outside [0, 1]');
  if (!rowSums(p).every((s) => Math.abs(s - 1) < 1e-12)) out.push('predictProba rows do not sum to 1');
  if (!gm.scoreSamples(X).every(Number.isFinite)) out.push('scoreSamples not finite on the training data');
  if (!gm.predict(X).every((l) => l >= 0 && l < gm.nComponents)) out.push('label out of range');
  return out;
}

/** Fits; returns 'valid' or the GmmError, failing the test on anything else. */
function validOrExplained(make: () => GaussianMixture, X: Matrix): 'valid' | GmmError {
  let gm: GaussianMixture;
  try {
    gm = make().fit(X);
  } catch (e) {
    expect(e).toBeInstanceOf(GmmError);
    const g = e as GmmError;
    expect(['NOT_POSITIVE_DEFINITE', 'NUMERICAL']).toContain(g.code);
    // names what broke …
    if (g.code === 'NOT_POSITIVE_DEFINITE') expect(g.message).toMatch(/component \d+|the tied covariance/);
    // … and what to change
    expect(g.message).toMatch(/regCovar|scale/i);
    return g;
  }
  expect(problemsOn(gm, X)).toEqual([]);
  return 'valid';
}

describe('degenerate data gives a valid model (regCovar > 0)', () => {
  const dup = mat(Array.from({ length: 10 }, () => [3, -1]));
  const constCol = mat(Array.from({ length: 30 }, (_, i) => [Math.sin(i) * 5, 7, Math.cos(i * 1.3)]));
  const twoDistinct = mat([[0, 0], [0, 0], [0, 0], [1, 1], [1, 1], [1, 1]]);
  const nEqualsK = mat([[0, 0], [5, 1], [-3, 8]]);
  const one = mat([[2, 4]]);
  const wide = mat(Array.from({ length: 10 }, (_, i) => Array.from({ length: 40 }, (_, j) => Math.sin(i * 7 + j))));
  const collinear = mat(Array.from({ length: 40 }, (_, i) => [i / 7, i / 7 + 1e-13 * (i % 3), 2 * (i / 7)]));
  const cases: [string, Matrix, number][] = [
    ['all rows identical', dup, 3],
    ['a constant feature', constCol, 3],
    ['2 distinct points, 3 components', twoDistinct, 3],
    ['n = K = 3', nEqualsK, 3],
    ['a single row', one, 1],
    ['10 rows of 40 features', wide, 2],
    ['collinear features', collinear, 2],
  ];
  for (const [name, X, K] of cases) {
    for (const type of TYPES) {
      it(`${name}: ${type}, every initParams`, () => {
        for (const initParams of INITS) {
          expect(validOrExplained(() => new GaussianMixture({ nComponents: K, covarianceType: type, initParams, seed: 1 }), X)).toBe('valid');
        }
      });
    }
  }
  it('duplicates: every component gets covariance regCovar·I exactly', () => {
    for (const type of TYPES) {
      const gm = new GaussianMixture({ nComponents: 2, covarianceType: type, regCovar: 1e-4 }).fit(dup);
      for (let k = 0; k < 2; k++) expect(Array.from(gm.means.data.subarray(2 * k, 2 * k + 2))).toEqual([3, -1]);
      const expected = { full: [1e-4, 0, 0, 1e-4, 1e-4, 0, 0, 1e-4], tied: [1e-4, 0, 0, 1e-4], diag: [1e-4, 1e-4, 1e-4, 1e-4], spherical: [1e-4, 1e-4] }[type];
      expect(Array.from(gm.covariances)).toEqual(expected);
    }
  });
  it('a constant feature has variance regCovar and no covariance with the others', () => {
    const gm = new GaussianMixture({ nComponents: 1, regCovar: 1e-5 }).fit(constCol);
    const C = gm.covariances;
    expect(C[4]).toBe(1e-5);
    expect([C[1], C[3], C[5], C[7]]).toEqual([0, 0, 0, 0]);
    expect(gm.means.data[1]).toBe(7);
  });
});

describe('degenerate data with regCovar = 0 fails with an explanation', () => {
  it('identical rows: NOT_POSITIVE_DEFINITE naming the component and regCovar', () => {
    for (const type of TYPES) {
      const e = validOrExplained(() => new GaussianMixture({ nComponents: 1, covarianceType: type, regCovar: 0 }), mat([[1, 2], [1, 2], [1, 2]]));
      expect(e).toBeInstanceOf(GmmError);
      expect((e as GmmError).code).toBe('NOT_POSITIVE_DEFINITE');
      expect((e as GmmError).message).toMatch(type === 'tied' ? /the tied covariance/ : /component 0/);
      expect((e as GmmError).message).toContain('regCovar');
    }
  });
  it('a constant feature (full): NOT_POSITIVE_DEFINITE', () => {
    const e = validOrExplained(() => new GaussianMixture({ regCovar: 0 }), mat([[0, 5], [1, 5], [2, 5], [4, 5]]));
    expect((e as GmmError).code).toBe('NOT_POSITIVE_DEFINITE');
  });
  // singular only in exact arithmetic: the Cholesky's pivots are of rounding size, so the
  // factorisation succeeds, yet the densities mean nothing (scikit-learn: "ill-defined
  // empirical covariance"); a pivot² below 4·d·eps of the largest variance is refused (a review's cases)
  it('as many rows as features, or rows on a plane (full, tied): NOT_POSITIVE_DEFINITE, not a fit of rounding noise', () => {
    const square = mat([[-26, -13, 24, -3], [-14, 22, 10, -14], [17, -46, -3, 3], [-2, 19, 17, -9]]);
    const plane = mat(Array.from({ length: 50 }, (_, i) => {
      const a = Math.sin(i) * 3, b = Math.cos(i * 1.3) * 2, c = Math.sin(i * 0.7 + 1);
      return [a, b, c, a + 2 * b - c];
    }));
    for (const [X, type] of [[square, 'full'], [plane, 'full'], [plane, 'tied']] as const) {
      const e = validOrExplained(() => new GaussianMixture({ regCovar: 0, covarianceType: type }), X);
      expect((e as GmmError).code, type).toBe('NOT_POSITIVE_DEFINITE');
      expect((e as GmmError).message).toContain('rows that span fewer dimensions than the features');
    }
    // selectModel lists it as failed; diag has a spread in every feature and fits
    const sel = selectModel(square, { nComponents: 1, covarianceTypes: ['full', 'diag'], regCovar: 0 });
    expect(sel.failed.map((f) => [f.covarianceType, f.error.code])).toEqual([['full', 'NOT_POSITIVE_DEFINITE']]);
    expect(sel.results.map((r) => r.covarianceType)).toEqual(['diag']);
    // an ill-conditioned covariance that is not singular (variances 1 and 1e-12) still fits
    const z = normal(rng(3));
    const thin = mat(Array.from({ length: 200 }, () => [z(), 1e-6 * z()]));
    const g = new GaussianMixture({ regCovar: 0 }).fit(thin);
    expect(g.covariances[3]).toBeGreaterThan(5e-13);
    // with the regCovar floor the same square data fit, as designed
    expect(new GaussianMixture({ regCovar: 1e-6 }).fit(square).converged).toBe(true);
  });
});

describe('a component that loses all its mass (the empty-component policy)', () => {
  // Two components start, one at the data and one 10⁶ away: no row gives the far one any
  // responsibility (exp(−10¹¹) = 0), so every M-step sees mass 0 for it. Policy (as in
  // scikit-learn, whose nₖ = Σ rₙₖ + 10·eps): the component keeps its mean, its covariance
  // becomes regCovar·I (diag: regCovar per feature; spherical: regCovar) and its weight
  // 10·eps / (n + K·10·eps) ≈ 10·eps/n.
  const { X } = blobs(3, [[0, 0]], 50, 1);
  const n = X.rows;
  for (const type of TYPES) {
    for (const maxIter of [1, 10]) {
      it(`${type}, ${maxIter} iteration(s)`, () => {
        const reg = 1e-3;
        const gm = new GaussianMixture({ nComponents: 2, covarianceType: type, regCovar: reg, maxIter, tol: 0, meansInit: [[0, 0], [1e6, -1e6]] }).fit(X);
        expect(problemsOn(gm, X)).toEqual([]);
        // keeps its mean
        expect(Array.from(gm.means.data.subarray(2, 4))).toEqual([1e6, -1e6]);
        // weight 10·eps/(n + 2·10·eps)
        expect(Math.abs(gm.weights[1] - (10 * EPS) / (n + 20 * EPS)) / ((10 * EPS) / n)).toBeLessThan(1e-9);
        expect(gm.weights[0]).toBe(1 - gm.weights[1]);
        // covariance regCovar·I (the tied covariance is shared: the live component's scatter)
        const C = gm.covariances;
        if (type === 'full') expect(Array.from(C.subarray(4, 8))).toEqual([reg, 0, 0, reg]);
        if (type === 'diag') expect(Array.from(C.subarray(2, 4))).toEqual([reg, reg]);
        if (type === 'spherical') expect(C[1]).toBe(reg);
        if (type === 'tied') {
          const live = new GaussianMixture({ nComponents: 1, covarianceType: 'tied', regCovar: reg }).fit(X);
          expect(maxRelDiff(C, live.covariances)).toBeLessThan(1e-9);
        }
        // nobody is assigned to it; far along its side it still wins
        expect(gm.predict(X).every((l) => l === 0)).toBe(true);
        expect(Math.max(...gm.predictProba(X).data.filter((_, i) => i % 2 === 1))).toBe(0);
        expect(Array.from(gm.predict([[1e6, -1e6]]))).toEqual([1]);
      });
    }
  }
  it('with regCovar = 0 the emptied component is reported by index', () => {
    for (const type of ['full', 'diag', 'spherical'] as const) {
      const e = validOrExplained(() => new GaussianMixture({ nComponents: 3, covarianceType: type, regCovar: 0, maxIter: 3, meansInit: [[0, 0], [1e6, 1e6], [0.5, 0.5]] }), X);
      expect(e).toBeInstanceOf(GmmError);
      expect((e as GmmError).code).toBe('NOT_POSITIVE_DEFINITE');
      expect((e as GmmError).message).toContain('component 1');
    }
  });
});

describe('extreme scales', () => {
  const { X } = blobs(4, [[0, 0], [6, 3], [-2, 7]], 40, 1);
  const scaled = (s: number): Matrix => ({ data: X.data.map((v) => (v + 10) * s), rows: X.rows, cols: 2 });
  for (const s of [1e150, 1e-150, 1e100, 1e-100, 2 ** 400, 2 ** -400]) {
    for (const type of TYPES) {
      it(`data × ${s.toExponential(0)}, ${type}: the same fit as at unit scale, rescaled`, () => {
        const opts = { nComponents: 3, covarianceType: type, seed: 2, tol: 0, maxIter: 20 };
        const unit = new GaussianMixture({ ...opts, regCovar: 1e-6 }).fit(scaled(1));
        const big = new GaussianMixture({ ...opts, regCovar: 1e-6 * s * s }).fit(scaled(s));
        expect(problemsOn(big, scaled(s))).toEqual([]);
        expect(Array.from(big.predict(scaled(s)))).toEqual(Array.from(unit.predict(scaled(1))));
        expect(maxRelDiff(big.means.data.map((v) => v / s), unit.means.data)).toBeLessThan(1e-9);
        expect(maxRelDiff(big.covariances.map((v) => v / s / s), unit.covariances)).toBeLessThan(1e-8);
        expect(maxRelDiff(big.weights, unit.weights)).toBeLessThan(1e-9);
        // the density scales by s^-d: the log-likelihood shifts by −d·ln s
        expect(Math.abs(big.lowerBound + 2 * Math.log(s) - unit.lowerBound)).toBeLessThan(1e-8 * Math.abs(2 * Math.log(s)));
      });
    }
  }
  for (const s of [1e155, 1e200, 1e300, 1e-200, 1e-300]) {
    it(`data × ${s.toExponential(0)}: a valid model or an explained GmmError, never NaN`, () => {
      for (const type of TYPES) for (const initParams of INITS) for (const regCovar of [0, 1e-6]) {
        // k-means++ / random_from_data with regCovar 0 are refused by the constructor (errors.test.ts)
        if (regCovar === 0 && (initParams === 'k-means++' || initParams === 'random_from_data')) continue;
        validOrExplained(() => new GaussianMixture({ nComponents: 3, covarianceType: type, initParams, regCovar, seed: 1 }), scaled(s));
      }
    });
  }
  it('data × 1e-200 with regCovar 0: the error says the squares underflowed and to scale the data', () => {
    for (const type of TYPES) {
      const e = validOrExplained(() => new GaussianMixture({ nComponents: 2, covarianceType: type, regCovar: 0, seed: 1 }), scaled(1e-200));
      expect((e as GmmError).code).toBe('NOT_POSITIVE_DEFINITE');
      expect((e as GmmError).message).toMatch(/underflowed.*Scale the data/);
    }
    // a collapse at ordinary scale is still told as a collapse
    const dup = validOrExplained(() => new GaussianMixture({ nComponents: 1, regCovar: 0 }), mat([[1e-3, 2], [1e-3, 2], [1e-3, 2]]));
    expect((dup as GmmError).message).toMatch(/collapsed or singular/);
  });
  it('a large offset with a tiny spread keeps its digits (1e8 ± 1e-3)', () => {
    const z = normal(rng(5));
    const rows = Array.from({ length: 200 }, () => [1e8 + 1e-3 * z(), -1e8 + 2e-3 * z()]);
    const Y = mat(rows);
    // (k-means++ and random_from_data start from covariances regCovar·I: they need regCovar > 0)
    for (const initParams of ['kmeans', 'random'] as const) {
      const gm = new GaussianMixture({ regCovar: 0, covarianceType: 'diag', initParams }).fit(Y);
      // two-pass reference
      for (let j = 0; j < 2; j++) {
        const m = rows.reduce((s, r) => s + r[j], 0) / rows.length;
        const v = rows.reduce((s, r) => s + (r[j] - m) ** 2, 0) / rows.length;
        expect(Math.abs(gm.covariances[j] - v) / v).toBeLessThan(1e-6);
      }
    }
  });
  it('tiny variances (spread 1e-9 around 1): valid, and separated at that scale', () => {
    const { X: T, labels } = blobs(6, [[1, 1], [1 + 1e-7, 1]], 30, 1e-9);
    for (const type of TYPES) {
      const gm = new GaussianMixture({ nComponents: 2, covarianceType: type, regCovar: 0, seed: 3 }).fit(T);
      expect(problemsOn(gm, T)).toEqual([]);
      const pred = gm.predict(T);
      expect(pred.every((l, i) => (l === pred[0]) === (labels[i] === labels[0]))).toBe(true);
    }
  });
});

describe('far-apart clusters and far-away points', () => {
  // two tight clusters 2000 apart: each row's log-density under the other component is ~ −10⁶
  const { X } = blobs(8, [[0, 0], [2000, 0]], 40, 1);
  for (const type of TYPES) {
    it(`${type}: fits, and scores points far from every component without NaN`, () => {
      const gm = new GaussianMixture({ nComponents: 2, covarianceType: type, seed: 1 }).fit(X);
      expect(problemsOn(gm, X)).toEqual([]);
      expect(Math.abs(gm.weights[0] - 0.5)).toBeLessThan(1e-12);
      const far = mat([[1000, 0], [1e4, 1e4], [-1e6, 3], [1e50, -1e50], [1e100, 1e100], [-1e150, 1e150]]);
      const lse = gm.scoreSamples(far);
      // every squared Mahalanobis distance here is below 1e308: finite, and decreasing with distance
      expect(lse.every(Number.isFinite)).toBe(true);
      expect(lse[1]).toBeLessThan(lse[0]);
      expect(lse[4]).toBeLessThan(lse[3]);
      expect(rowSums(gm.predictProba(far)).every((s) => Math.abs(s - 1) < 1e-12)).toBe(true);
      // a point near a cluster belongs to it with certainty
      const p = gm.predictProba([[1990, 0], [10, 0]]).data;
      const k = gm.predict([[1990, 0]])[0];
      expect(p[k]).toBe(1);
    });
    it(`${type}: squared distances beyond the double range give −Infinity, never NaN (moderate coordinates)`, () => {
      const gm = new GaussianMixture({ nComponents: 2, covarianceType: type, seed: 1 }).fit(X);
      const lse = gm.scoreSamples(mat([[1e200, 0], [0, -1e250], [1e300, 1e300]]));
      for (const v of lse) expect(v).toBe(-Infinity);
      expect(rowSums(gm.predictProba(mat([[1e200, 0]]))).every((s) => Math.abs(s - 1) < 1e-12)).toBe(true);
    });
  }
  // For full/tied, when (x − μ) is near ±1.8e308 the products (xᵢ − μᵢ)·Uᵢⱼ can overflow to
  // +∞ and −∞ in the same sum, and y = ∞ − ∞ = NaN: the kernels map a NaN squared norm to
  // +∞ (fulltile.ts nanToInf), so the score is −Infinity, not NaN.
  it('full: scoreSamples at (1e308, 1e308) is −Infinity, not NaN', () => {
    const { X: C } = blobs(9, [[0, 0]], 100, 1);
    const Y = mat(Array.from({ length: C.rows }, (_, i) => [C.data[2 * i], C.data[2 * i] + 0.3 * C.data[2 * i + 1]]));
    const gm = new GaussianMixture({ covarianceType: 'full' }).fit(Y);
    expect(Number.isNaN(gm.scoreSamples([[1e308, 1e308]])[0])).toBe(false);
  });
  // Tied in its centred form computes (x − g)ᵀU once and subtracts each (μₖ − g)ᵀU, six pairs
  // of rows at a time, then two, then one (logdensity.ts quadTied): the same ∞ − ∞ in every
  // one of those loops. Tight clusters make U's entries ~300, so 1e307·U overflows.
  it('tied: far rows score −Infinity, not NaN, through every loop of the centred form', () => {
    const r = rng(7), n = 400, d = 3;
    const X = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = (i % 2) + 0.01 * (r() - 0.5) + 0.005 * j * (r() - 0.5);
    const gm = new GaussianMixture({ nComponents: 2, covarianceType: 'tied', seed: 1, maxIter: 20 }).fit({ data: X, rows: n, cols: d });
    // 13 rows: six pairs in the six-pair kernel and one alone; 4 rows: the two-pair loop; 2: one pair
    for (const rows of [13, 4, 2]) {
      const Y = Array.from({ length: rows }, (_, i) => (i % 2 ? [1e307, -1e307, 1e307] : [0.5, 0.5, 0.5]));
      const lse = gm.scoreSamples(Y);
      for (let i = 0; i < rows; i++) {
        if (i % 2) expect(lse[i]).toBe(-Infinity);
        else expect(Number.isFinite(lse[i])).toBe(true);
      }
    }
  });
});

describe('a row scores the same in every batch (the E-step kernels\' remainder loops)', () => {
  // The log-density kernels take pairs of rows six (diag, spherical, tied) or four (full) at a
  // time, then what is left in shorter loops: a batch of 1–13 rows puts a given row in each of
  // them. Scoring depends on the row alone, so every position must give the same bits. Rows at
  // unit scale and at ±1e150 (finite but far) on a model with correlated features.
  for (const type of TYPES) {
    it(`${type}: scores of batches of 1–13 rows equal each row scored alone`, () => {
      const r = rng(23), nz = normal(r), n = 300, d = 4;
      const X = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        const z = nz(), k = i % 3;
        for (let j = 0; j < d; j++) X[i * d + j] = 3 * k + z * (1 + j / 4) + 0.5 * nz();
      }
      const gm = new GaussianMixture({ nComponents: 3, covarianceType: type, seed: 2, maxIter: 15 }).fit({ data: X, rows: n, cols: d });
      const pool = Array.from({ length: 13 }, (_, i) =>
        Array.from({ length: d }, (_, j) => (i % 5 === 4 ? (j % 2 ? -1e150 : 1e150) : 4 * (r() - 0.5) + j)));
      const alone = pool.map((row) => gm.scoreSamples([row])[0]);
      for (let m = 1; m <= 13; m++) {
        const batch = gm.scoreSamples(pool.slice(0, m));
        for (let i = 0; i < m; i++) expect(Object.is(batch[i], alone[i])).toBe(true);
      }
    });
  }
});

describe('initLabels on clusters far apart (the start\'s statistics taken again about their means)', () => {
  // two clusters 2e4 apart, the second with a feature constant at 10000.1: about the data's
  // mean (≈ 1e4 from each cluster) the sums of squares are about 1e8 per row, and moving them
  // to the cluster means leaves rounding noise near 1e-8, far above regCovar = 1e-14
  it('full and diag: the start equals the explicit start computed in two passes', () => {
    const n = 3000, X = new Float64Array(2 * n), labels = new Int32Array(n), reg = 1e-14;
    for (let i = 0; i < n; i++) {
      const k = i % 2;
      labels[i] = k;
      X[2 * i] = (k ? 1e4 : -1e4) + 1e-3 * Math.sin(i * 1.3);
      X[2 * i + 1] = k ? 10000.1 : 1e-3 * Math.cos(i * 0.7);
    }
    // per cluster: mean (about the cluster's first row, whose differences are exact), then
    // the covariance about it (two passes, plain JS)
    const mean = [0, 1].map((k) => [0, 1].map((j) => {
      let s = 0;
      for (let i = k; i < n; i += 2) s += X[2 * i + j] - X[2 * k + j];
      return X[2 * k + j] + s / (n / 2);
    }));
    const cov = [0, 1].map((k) => {
      const c = [0, 0, 0, 0];
      for (let i = k; i < n; i += 2) {
        const a = X[2 * i] - mean[k][0], b = X[2 * i + 1] - mean[k][1];
        c[0] += a * a; c[1] += a * b; c[3] += b * b;
      }
      return [c[0] / (n / 2) + reg, c[1] / (n / 2), c[1] / (n / 2), c[3] / (n / 2) + reg];
    });
    for (const type of ['full', 'diag'] as const) {
      const precisionsInit = cov.map((c) => {
        if (type === 'diag') return [1 / c[0], 1 / c[3]];
        const det = c[0] * c[3] - c[1] * c[2];
        return [[c[3] / det, -c[1] / det], [-c[2] / det, c[0] / det]];
      });
      const o = { nComponents: 2, covarianceType: type, regCovar: reg, maxIter: 1, tol: 0 };
      const a = new GaussianMixture(o).fit({ data: X, rows: n, cols: 2 }, { initLabels: labels });
      const b = new GaussianMixture({ ...o, weightsInit: [0.5, 0.5], meansInit: mean, precisionsInit }).fit({ data: X, rows: n, cols: 2 });
      // the lower bound is the log-likelihood under the start: it reads the start's variances
      expect(Math.abs(a.lowerBound - b.lowerBound) / Math.abs(b.lowerBound)).toBeLessThan(1e-9);
    }
  });
});

describe('sample weights of extreme magnitude', () => {
  // Only ratios of weights matter: w·x with w = 1e300 and x = 1e88 would overflow, so the
  // wrapper rescales extreme weights by a power of two (exactly) before any sum.
  it('huge sample weights do not produce an infinite mean', () => {
    const X = Array.from({ length: 10 }, () => [1e88]);
    const gm = new GaussianMixture({ nComponents: 2, regCovar: 1e-300, maxIter: 1 })
      .fit(X, { sampleWeight: [1e300, 1e300, 2, 2, 2, 0.5, 2, 2, 0.5, 1] });
    expect(gm.means.data.every(Number.isFinite)).toBe(true);
  });

  it('subnormal weights fit as their ratios say (the rescaling reaches 2^1074 in two exact steps)', () => {
    const { X } = blobs(7, [[0, 0], [4, 0], [0, 4]], 40);
    const o = { nComponents: 3, seed: 2, maxIter: 20 };
    const ones = new GaussianMixture(o).fit(X);
    const ks = Float64Array.from({ length: X.rows }, (_, i) => 1 + (i % 4));
    const byK = new GaussianMixture(o).fit(X, { sampleWeight: ks.map((k) => k / 4) });
    // powers of two rescale to exactly 1: the unweighted fit's bits
    for (const unit of [5e-324, 2 ** -1060]) {
      const uniform = new GaussianMixture(o).fit(X, { sampleWeight: new Float64Array(X.rows).fill(unit) });
      expect(uniform.lowerBound).toBe(ones.lowerBound);
      expect(Array.from(uniform.means.data)).toEqual(Array.from(ones.means.data));
    }
    // before, the factor overflowed to Infinity and the fit failed as NOT_POSITIVE_DEFINITE
    const other = new GaussianMixture(o).fit(X, { sampleWeight: new Float64Array(X.rows).fill(1e-310) });
    expect(maxRelDiff(other.means.data, ones.means.data)).toBeLessThan(1e-12);
    // k·2^-1070 is exact, and so is its rescaling (largest to 1): the fit with weights k/4, bit for bit
    const tiny = new GaussianMixture(o).fit(X, { sampleWeight: ks.map((k) => k * 2 ** -1070) });
    expect(tiny.lowerBound).toBe(byK.lowerBound);
    expect(Array.from(tiny.covariances)).toEqual(Array.from(byK.covariances));
  });
});

describe('small uniform sample weights fit as unit weights do (a review\'s cases)', () => {
  // Below a largest weight of 1 the 10·eps every component's mass gets (scikit-learn's rule
  // for unit weights) used to swamp the covariances: with a total of 1e-14 they were 40 % off
  // and still "converged". fit() rescales such weights into [1, 2) now, exactly.
  it('uniform weights of 1e-3 … 1e-30 give the unweighted fit, within rounding, in fit() and the map-reduce alike', () => {
    const { X } = blobs(5, [[0, 0], [3, 1]], 60);
    const o = { nComponents: 2, seed: 0 };
    const ones = new GaussianMixture(o).fit(X);
    for (const c of [1e-3, 1e-12, 1e-18, 1e-22, 1e-28, 1e-30]) {
      const g = new GaussianMixture(o).fit(X, { sampleWeight: new Float64Array(X.rows).fill(c) });
      expect(g.converged).toBe(true);
      expect(maxRelDiff(g.covariances, ones.covariances), String(c)).toBeLessThan(1e-12);
      expect(Math.abs(g.lowerBound - ones.lowerBound) / Math.abs(ones.lowerBound)).toBeLessThan(1e-12);
    }
    // the same scaled statistics, the same bits: a map-reduce of tiny weights as fit() runs it
    const w = new Float64Array(X.rows).fill(1e-20);
    const once = { ...o, maxIter: 1, tol: 0, weightsInit: [0.5, 0.5], meansInit: [[0, 0], [3, 1]], precisionsInit: [1, 0, 0, 1, 1, 0, 0, 1] };
    const viaFit = new GaussianMixture(once).fit(X, { sampleWeight: w });
    const gm = new GaussianMixture(once);
    const mr = new GaussianMixture(once).applyStatistics(gm.computeStatistics(X, { sampleWeight: w }));
    expect(Array.from(mr.covariances)).toEqual(Array.from(viaFit.covariances));
  });
});

describe('a zero-weight row far from everything changes nothing', () => {
  const base = Array.from({ length: 300 }, (_, i) => [Math.sin(i) * 3 + (i % 3) * 10, Math.cos(i * 1.7)]);
  const far = [...base, [1e160, 0]];
  const w = [...base.map(() => 1), 0];
  for (const covarianceType of ['full', 'tied', 'diag', 'spherical'] as const) {
    for (const initParams of ['kmeans', 'k-means++'] as const) {
      it(`${covarianceType} / ${initParams}: the same fit as without the row`, () => {
        const a = new GaussianMixture({ nComponents: 3, covarianceType, initParams, seed: 1 }).fit(base);
        const b = new GaussianMixture({ nComponents: 3, covarianceType, initParams, seed: 1 }).fit(far, { sampleWeight: w });
        expect(b.lowerBound).toBe(a.lowerBound);
        expect(Array.from(b.covariances)).toEqual(Array.from(a.covariances));
      });
    }
  }
  it('a non-finite log-likelihood names a row that has weight', () => {
    const gm = new GaussianMixture({ covarianceType: 'diag', weightsInit: [1], meansInit: [[1]], precisionsInit: [1] });
    expect(() => gm.fit([[0], [1e200], [1], [2], [1e200]], { sampleWeight: [1, 0, 1, 1, 1] })).toThrow(/row 4 /);
  });
});

