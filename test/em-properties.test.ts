// Properties every EM fit must have: posterior rows sum to 1, the lower bound never
// decreases, samples follow the model, results are reproducible from the seed, JSON round
// trips exactly, fitPredict = fit + predict, nInit keeps the best start, warmStart
// continues, and sample weights act as row multiplicities.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GaussianMixture, type CovarianceType, type InitParams, type Matrix } from '../src/index.js';
import { blobs, dataset, loadCore, maxRelDiff, modelProblems, parkMillerNormal, rowSums, sameBits } from './helpers.js';

beforeAll(loadCore);

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];
const INITS: InitParams[] = ['kmeans', 'k-means++', 'random', 'random_from_data'];

function params(gm: GaussianMixture): Float64Array[] {
  return [gm.weights, gm.means.data, gm.covariances, gm.precisionsCholesky];
}
function sameParams(a: GaussianMixture, b: GaussianMixture): boolean {
  const pa = params(a), pb = params(b);
  return pa.every((x, i) => sameBits(x, pb[i])) && Object.is(a.lowerBound, b.lowerBound) && a.nIter === b.nIter;
}
function maxParamDiff(a: GaussianMixture, b: GaussianMixture): number {
  const pa = params(a), pb = params(b);
  return Math.max(...pa.map((x, i) => maxRelDiff(x, pb[i])), Math.abs(a.lowerBound - b.lowerBound));
}

describe('predictProba', () => {
  it('rows are probabilities summing to 1 and agree with predict (random data, shapes and options)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }),
      fc.constantFrom(...TYPES), fc.constantFrom(...INITS), fc.double({ min: 0.5, max: 20, noNaN: true }),
      (seed, K, d, covarianceType, initParams, spread) => {
        const centers = Array.from({ length: K }, (_, k) => Array.from({ length: d }, (_, j) => spread * ((k * 7 + j * 3) % 5)));
        const { X } = blobs(seed, centers, 15);
        const gm = new GaussianMixture({ nComponents: K, covarianceType, initParams, seed, maxIter: 30 }).fit(X);
        // the training rows plus points far outside the data
        const far = Array.from({ length: 4 }, (_, i) => Array.from({ length: d }, (_, j) => (i % 2 ? -1 : 1) * 10 ** (2 + i) * (j + 1)));
        for (const Y of [X, far]) {
          const p = gm.predictProba(Y);
          expect(p.cols).toBe(K);
          expect(p.data.every((v) => v >= 0 && v <= 1)).toBe(true);
          for (const s of rowSums(p)) expect(Math.abs(s - 1)).toBeLessThan(1e-12);
          const labels = gm.predict(Y);
          for (let i = 0; i < p.rows; i++) {
            const row = p.data.subarray(i * K, i * K + K);
            expect(row[labels[i]]).toBe(Math.max(...row));
          }
        }
      },
    ), { numRuns: 60, seed: 1234 });
  });
});

describe('the lower bound never decreases across EM iterations', () => {
  // With regCovar = 0 the M-step is the exact maximiser, so EM is monotone up to rounding.
  // k-means++ and random_from_data start from covariances regCovar·I, so they need a
  // regCovar > 0; 1e-10 moves the maximiser by far less than the tolerance.
  // (blobs5d: 600×5, three overlapping clusters, so EM takes many iterations)
  const X = dataset('blobs5d');
  for (const type of TYPES) {
    for (const init of INITS) {
      it(`${type}, ${init}`, () => {
        const trace: number[][] = [];
        const regCovar = init === 'kmeans' || init === 'random' ? 0 : 1e-10;
        const gm = new GaussianMixture({ nComponents: 4, covarianceType: type, initParams: init, regCovar, tol: 0, maxIter: 60, nInit: 2, seed: 9 })
          .fit(X, { onIteration: (info) => { (trace[info.init] ??= []).push(info.lowerBound); } });
        expect(trace).toHaveLength(2);
        for (const lbs of trace) {
          expect(lbs).toHaveLength(60);
          for (let i = 1; i < lbs.length; i++) expect(lbs[i] - lbs[i - 1]).toBeGreaterThanOrEqual(-1e-12 * Math.abs(lbs[i]));
          // and EM actually moved ('random' starts near a saddle point and moves slowly)
          expect(lbs[lbs.length - 1] - lbs[0]).toBeGreaterThan(init === 'random' ? 0 : 1e-3);
        }
        expect(gm.lowerBound).toBe(Math.max(trace[0][59], trace[1][59]));
      });
    }
  }
  it('holds for random shapes, seeds and types (fast-check)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }),
      fc.constantFrom(...TYPES), fc.constantFrom(...INITS),
      (seed, K, d, covarianceType, initParams) => {
        const centers = Array.from({ length: 3 }, (_, k) => Array.from({ length: d }, (_, j) => 2.5 * ((k + j) % 3)));
        const { X } = blobs(seed, centers, 20, [1, 0.7, 1.4]);
        const lbs: number[] = [];
        const changes: number[] = [];
        const gm = new GaussianMixture({ nComponents: K, covarianceType, initParams, regCovar: 1e-9, tol: 0, maxIter: 25, seed })
          .fit(X, { onIteration: (i) => { lbs.push(i.lowerBound); changes.push(i.change); } });
        expect(lbs).toHaveLength(25);
        expect(changes[0]).toBe(Infinity);
        // A component that collapses onto d or fewer rows keeps a variance of about regCovar
        // along some direction; its quadratic forms then round at about ε·(largest
        // precision), which the tolerance allows for (1e-15·p²max, p the precision factor)
        const pmax = Math.max(...Array.from(gm.precisionsCholesky, Math.abs));
        for (let i = 1; i < lbs.length; i++) {
          expect(changes[i]).toBe(lbs[i] - lbs[i - 1]);
          expect(changes[i]).toBeGreaterThanOrEqual(-1e-9 * Math.abs(lbs[i]) - 1e-15 * pmax * pmax);
        }
      },
    ), { numRuns: 40, seed: 99 });
  });
});

/** Mixture mean and covariance, from the fitted parameters. */
function mixtureMoments(gm: GaussianMixture): { mean: number[]; cov: number[][]; comp: { mean: number[]; cov: number[][] }[] } {
  const K = gm.nComponents, d = gm.nFeatures, w = gm.weights, mu = gm.means.data, C = gm.covariances, t = gm.covarianceType;
  const comp = Array.from({ length: K }, (_, k) => ({
    mean: Array.from(mu.subarray(k * d, k * d + d)),
    cov: Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => {
      if (t === 'full') return C[k * d * d + i * d + j];
      if (t === 'tied') return C[i * d + j];
      if (i !== j) return 0;
      return t === 'diag' ? C[k * d + i] : C[k];
    })),
  }));
  const mean = Array.from({ length: d }, (_, i) => comp.reduce((s, c, k) => s + w[k] * c.mean[i], 0));
  const cov = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) =>
    comp.reduce((s, c, k) => s + w[k] * (c.cov[i][j] + c.mean[i] * c.mean[j]), 0) - mean[i] * mean[j]));
  return { mean, cov, comp };
}

function sampleMoments(X: Matrix, keep: (i: number) => boolean): { n: number; mean: number[]; cov: number[][] } {
  const d = X.cols;
  let n = 0;
  const mean = new Array(d).fill(0);
  for (let i = 0; i < X.rows; i++) if (keep(i)) { n++; for (let j = 0; j < d; j++) mean[j] += X.data[i * d + j]; }
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = Array.from({ length: d }, () => new Array(d).fill(0));
  for (let i = 0; i < X.rows; i++) {
    if (!keep(i)) continue;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a][b] += (X.data[i * d + a] - mean[a]) * (X.data[i * d + b] - mean[b]);
  }
  for (const r of cov) for (let b = 0; b < d; b++) r[b] /= n;
  return { n, mean, cov };
}

/** |sample − model| in standard errors, for the mean and every covariance entry. */
function zScores(s: { n: number; mean: number[]; cov: number[][] }, m: { mean: number[]; cov: number[][] }): number[] {
  const d = m.mean.length, z: number[] = [];
  for (let i = 0; i < d; i++) z.push(Math.abs(s.mean[i] - m.mean[i]) / Math.sqrt(m.cov[i][i] / s.n));
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    // Var of a sample covariance entry ≈ (σᵢᵢσⱼⱼ + σᵢⱼ²)/n (Gaussian)
    z.push(Math.abs(s.cov[i][j] - m.cov[i][j]) / Math.sqrt((m.cov[i][i] * m.cov[j][j] + m.cov[i][j] ** 2) / s.n));
  }
  return z;
}

describe('sample() follows the model', () => {
  const X = dataset('blobs3d');
  for (const type of TYPES) {
    it(`${type}: 200k samples have the model's label frequencies, means and covariances`, () => {
      const gm = new GaussianMixture({ nComponents: 3, covarianceType: type, seed: 2 }).fit(X);
      const N = 200_000;
      const { X: S, labels } = gm.sample(N, { seed: 12345 });
      expect(S.rows).toBe(N);
      expect(S.cols).toBe(3);
      expect(S.data.every(Number.isFinite)).toBe(true);
      const m = mixtureMoments(gm);
      // label k with probability w_k: binomial standard errors
      const w = gm.weights;
      for (let k = 0; k < 3; k++) {
        const count = labels.reduce((c, l) => c + (l === k ? 1 : 0), 0);
        expect(Math.abs(count / N - w[k]) / Math.sqrt(w[k] * (1 - w[k]) / N)).toBeLessThan(5);
      }
      expect(labels.every((l) => l >= 0 && l < 3)).toBe(true);
      // the whole sample against the mixture moments, each component against its own
      expect(Math.max(...zScores(sampleMoments(S, () => true), m))).toBeLessThan(5);
      for (let k = 0; k < 3; k++) {
        expect(Math.max(...zScores(sampleMoments(S, (i) => labels[i] === k), m.comp[k]))).toBeLessThan(5);
      }
    });
  }
});

describe('determinism', () => {
  const X = dataset('faithful');
  for (const init of INITS) {
    for (const type of TYPES) {
      it(`${type}, ${init}: same seed ⇒ bit-identical fit and samples; another seed ⇒ different`, () => {
        const make = (seed: number) => new GaussianMixture({ nComponents: 3, covarianceType: type, initParams: init, seed, nInit: 2, maxIter: 20 }).fit(X);
        const a = make(42), b = make(42), c = make(43);
        expect(sameParams(a, b)).toBe(true);
        expect(sameBits(a.sample(500, { seed: 1 }).X.data, b.sample(500, { seed: 1 }).X.data)).toBe(true);
        expect(sameBits(a.sample(500, { seed: 1 }).labels, b.sample(500, { seed: 1 }).labels)).toBe(true);
        // the model's seed is the default sample seed
        expect(sameBits(a.sample(50).X.data, a.sample(50, { seed: 42 }).X.data)).toBe(true);
        expect(sameBits(a.sample(500, { seed: 1 }).X.data, a.sample(500, { seed: 2 }).X.data)).toBe(false);
        // the random initialisations draw from the seeded generator ('kmeans' too, but
        // Lloyd's iterations often reach the same partition from different seeds)
        if (init !== 'kmeans') expect(sameBits(a.means.data, c.means.data)).toBe(false);
      });
    }
  }
  it('seeds above 2^32 are used in full (not truncated to 32 bits)', () => {
    const s = 2 ** 40 + 5;
    const a = new GaussianMixture({ nComponents: 3, initParams: 'random_from_data', seed: s }).fit(X);
    const b = new GaussianMixture({ nComponents: 3, initParams: 'random_from_data', seed: 5 }).fit(X);
    expect(sameBits(a.sample(100, { seed: s }).X.data, a.sample(100, { seed: 5 }).X.data)).toBe(false);
    expect(sameParams(a, b)).toBe(false);
  });
});

describe('JSON round trip', () => {
  const X = dataset('blobs3d');
  const probe: Matrix = { data: Float64Array.from([...X.data.subarray(0, 30), 1e3, -1e3, 5e2, 0, 0, 0]), rows: 12, cols: 3 };
  for (const type of TYPES) {
    it(`${type}: toJSON → JSON.stringify → fromJSON predicts bit-identically`, () => {
      const gm = new GaussianMixture({ nComponents: 4, covarianceType: type, seed: 8, tol: 1e-6 }).fit(X);
      const text = JSON.stringify(gm);
      const back = GaussianMixture.fromJSON(text);
      expect(back.isFitted).toBe(true);
      expect(sameParams(gm, back)).toBe(true);
      expect(back.converged).toBe(gm.converged);
      expect(back.covarianceType).toBe(type);
      expect(back.options).toEqual(gm.options);
      expect(sameBits(back.scoreSamples(probe), gm.scoreSamples(probe))).toBe(true);
      expect(sameBits(back.predictProba(probe).data, gm.predictProba(probe).data)).toBe(true);
      expect(sameBits(back.predict(probe), gm.predict(probe))).toBe(true);
      expect(Object.is(back.bic(X), gm.bic(X))).toBe(true);
      expect(sameBits(back.sample(100, { seed: 3 }).X.data, gm.sample(100, { seed: 3 }).X.data)).toBe(true);
      // from the object as well, and serialising again gives the same text
      expect(sameParams(GaussianMixture.fromJSON(gm.toJSON()), gm)).toBe(true);
      expect(JSON.stringify(back)).toBe(text);
    });
  }
});

describe('fromJSON takes back every model a fit stores', () => {
  it('nearly singular covariances (fewer rows than features, features of spread 1e4.5–1e7): full and tied', () => {
    // fromJSON refuses covariances that are not positive definite by the core's own
    // factorisation, the one the fit ran on them; a factorisation in JavaScript, in
    // another order, refused 2 of these 116 fits (a pivot of −1.6e-16 of its diagonal)
    const gauss = parkMillerNormal(9);
    let fitted = 0;
    for (let trial = 0; trial < 300; trial++) {
      const d = 6 + (trial % 15), n = Math.max(2, d - 3 - (trial % 4)), sc = 10 ** (4.5 + (trial % 6) * 0.5);
      const X = Array.from({ length: n }, () => Array.from({ length: d }, () => sc * gauss()));
      for (const covarianceType of ['full', 'tied'] as const) {
        let gm: GaussianMixture;
        try {
          gm = new GaussianMixture({ nComponents: 1, covarianceType, seed: trial, maxIter: 3 }).fit(X);
        } catch {
          continue; // NOT_POSITIVE_DEFINITE in the fit itself: nothing stored
        }
        fitted++;
        expect(sameParams(GaussianMixture.fromJSON(JSON.stringify(gm)), gm)).toBe(true);
      }
    }
    expect(fitted).toBeGreaterThan(100);
  });
});

describe('getParams: the constructor\'s options, defaults filled in (scikit-learn\'s get_params and clone)', () => {
  const X = dataset('blobs3d');
  for (const type of TYPES) {
    it(`${type}: new GaussianMixture(gm.getParams()) fits the same bits, explicit starts included`, () => {
      const d = X.cols, K = 3;
      const eye = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 2 : 0)));
      const precisionsInit = type === 'full' ? [eye, eye, eye] : type === 'tied' ? eye
        : type === 'diag' ? [[2, 2, 2], [2, 2, 2], [2, 2, 2]] : [2, 2, 2];
      for (const o of [
        { nComponents: K, covarianceType: type, seed: 3, tol: 1e-5, regCovar: 1e-5, maxIter: 40, nInit: 2, initParams: 'k-means++' as InitParams },
        { nComponents: K, covarianceType: type, weightsInit: [0.2, 0.3, 0.5], meansInit: [[0, 0, 0], [5, 5, 5], [-5, 0, 5]], precisionsInit },
      ]) {
        const gm = new GaussianMixture(o);
        const params = gm.getParams();
        expect(params).toMatchObject({ nComponents: K, covarianceType: type, warmStart: false, missingValues: 'error', tol: o.tol ?? 1e-3 });
        const clone = new GaussianMixture(params).fit(X);
        expect(sameParams(clone, gm.fit(X))).toBe(true);
        expect(clone.getParams()).toEqual(params);
        expect({ missingValues: 'error', ...gm.toJSON().options }).toEqual(params);
      }
    });
  }
});

describe('fitPredict', () => {
  for (const type of TYPES) {
    it(`${type}: equals fit(X) then predict(X)`, () => {
      const X = dataset('small2d');
      const opts = { nComponents: 3, covarianceType: type, initParams: 'k-means++' as const, seed: 4 };
      const a = new GaussianMixture(opts);
      const labels = a.fitPredict(X);
      const b = new GaussianMixture(opts).fit(X);
      expect(sameParams(a, b)).toBe(true);
      expect(sameBits(labels, b.predict(X))).toBe(true);
    });
  }
});

describe('nInit', () => {
  const X = dataset('blobs5d');
  for (const type of TYPES) {
    it(`${type}: keeps the start with the best final lower bound`, () => {
      const finals: number[] = [];
      const opts = { nComponents: 5, covarianceType: type, initParams: 'random_from_data' as const, seed: 17, maxIter: 40 };
      const gm = new GaussianMixture({ ...opts, nInit: 6 })
        .fit(X, { onIteration: (i) => { finals[i.init] = i.lowerBound; } });
      expect(finals).toHaveLength(6);
      expect(gm.lowerBound).toBe(Math.max(...finals));
      // the starts differ, so the choice matters here
      expect(new Set(finals).size).toBeGreaterThan(1);
      // the first start is the nInit = 1 fit: the best of six is at least as good, and is
      // that very fit when the first start wins
      const one = new GaussianMixture({ ...opts, nInit: 1 }).fit(X);
      expect(one.lowerBound).toBe(finals[0]);
      expect(gm.lowerBound).toBeGreaterThanOrEqual(one.lowerBound);
      if (finals.indexOf(Math.max(...finals)) === 0) expect(sameParams(gm, one)).toBe(true);
      else expect(sameBits(gm.means.data, one.means.data)).toBe(false);
    });
  }
});

describe('warmStart', () => {
  const X = dataset('blobs5d');
  for (const type of TYPES) {
    it(`${type}: maxIter = 1 five times equals one fit of maxIter = 5, bit for bit`, () => {
      const warm = new GaussianMixture({ nComponents: 3, covarianceType: type, maxIter: 1, tol: 0, warmStart: true, seed: 6 });
      for (let i = 0; i < 5; i++) warm.fit(X);
      const cold = new GaussianMixture({ nComponents: 3, covarianceType: type, maxIter: 5, tol: 0, seed: 6 }).fit(X);
      expect(warm.nIter).toBe(1);
      expect(sameBits(warm.means.data, cold.means.data)).toBe(true);
      expect(sameBits(warm.covariances, cold.covariances)).toBe(true);
      expect(sameBits(warm.weights, cold.weights)).toBe(true);
      expect(sameBits(warm.precisionsCholesky, cold.precisionsCholesky)).toBe(true);
      expect(warm.lowerBound).toBe(cold.lowerBound);
    });
    it(`${type}: a second fit starts from the first's parameters`, () => {
      const gm = new GaussianMixture({ nComponents: 3, covarianceType: type, warmStart: true, tol: 1e-4, seed: 6 }).fit(X);
      const first = gm.lowerBound;
      const firstIter = gm.nIter;
      expect(gm.converged).toBe(true);
      const seen: number[] = [];
      gm.fit(X, { onIteration: (i) => seen.push(i.lowerBound, i.change) });
      // the first E-step scores the previous parameters: no initialisation, no restart
      expect(gm.nIter).toBeLessThanOrEqual(2);
      expect(gm.nIter).toBeLessThan(firstIter);
      expect(gm.lowerBound).toBeGreaterThanOrEqual(first - 1e-12);
      expect(seen[1]).toBe(seen[0] - first);
      expect(Math.abs(seen[1])).toBeLessThan(1e-4);
      // without warmStart a second fit starts over and equals a fresh fit
      const cold = new GaussianMixture({ nComponents: 3, covarianceType: type, tol: 1e-4, seed: 6 });
      cold.fit({ data: X.data.subarray(0, 100 * X.cols), rows: 100, cols: X.cols });
      const again = cold.fit(X);
      expect(sameParams(again, new GaussianMixture({ nComponents: 3, covarianceType: type, tol: 1e-4, seed: 6 }).fit(X))).toBe(true);
    });
  }
  it('continues a model loaded with fromJSON', () => {
    const gm = new GaussianMixture({ nComponents: 3, warmStart: true, seed: 1 }).fit(X);
    const back = GaussianMixture.fromJSON(JSON.stringify(gm));
    expect(back.options.warmStart).toBe(true);
    back.fit(X);
    gm.fit(X);
    expect(sameParams(back, gm)).toBe(true);
  });
});

describe('sampleWeight acts as row multiplicity', () => {
  // X has 60 rows; weight w_i ∈ {0, 1, 2, 3} ⇔ row i repeated w_i times (adjacent)
  const X = dataset('small2d');
  const w = Array.from({ length: X.rows }, (_, i) => (i * 7) % 4);
  const dupRows: number[] = [];
  w.forEach((wi, i) => { for (let r = 0; r < wi; r++) dupRows.push(X.data[2 * i], X.data[2 * i + 1]); });
  const dup: Matrix = { data: Float64Array.from(dupRows), rows: dupRows.length / 2, cols: 2 };
  const ones = w.map((wi) => (wi === 0 ? 0 : 1));
  const keptRows: number[] = [];
  ones.forEach((o, i) => { if (o) keptRows.push(X.data[2 * i], X.data[2 * i + 1]); });
  const kept: Matrix = { data: Float64Array.from(keptRows), rows: keptRows.length / 2, cols: 2 };
  // explicit start parameters: EM from the same start must give the same sequence
  const start = (type: CovarianceType) => ({
    weightsInit: [0.25, 0.5, 0.25],
    meansInit: [[-1, 0], [1, 1], [3, -1]],
    precisionsInit: { full: [1, 0, 0, 1, 2, 0.5, 0.5, 1, 1, 0, 0, 3], tied: [1, 0.2, 0.2, 1], diag: [1, 1, 2, 1, 1, 3], spherical: [1, 2, 0.5] }[type],
  });
  for (const type of TYPES) {
    it(`${type}, explicit start: integer weights = duplicated rows; zero weight = row removed`, () => {
      const opts = { nComponents: 3, covarianceType: type, tol: 0, maxIter: 30, ...start(type) };
      const weighted = new GaussianMixture(opts).fit(X, { sampleWeight: w });
      const duplicated = new GaussianMixture(opts).fit(dup);
      expect(maxParamDiff(weighted, duplicated)).toBeLessThan(1e-10);
      const zeroed = new GaussianMixture(opts).fit(X, { sampleWeight: ones });
      const removed = new GaussianMixture(opts).fit(kept);
      expect(maxParamDiff(zeroed, removed)).toBeLessThan(1e-10);
      // and weights that are all equal change nothing but rounding
      const twos = new GaussianMixture(opts).fit(X, { sampleWeight: new Float64Array(X.rows).fill(2) });
      expect(maxParamDiff(twos, new GaussianMixture(opts).fit(X))).toBeLessThan(1e-12);
    });
  }
  for (const init of ['kmeans', 'k-means++'] as const) {
    it(`${init} initialisation sees weights as multiplicities too`, () => {
      for (const type of TYPES) {
        const opts = { nComponents: 3, covarianceType: type, initParams: init, seed: 21, tol: 0, maxIter: 30 };
        expect(maxParamDiff(new GaussianMixture(opts).fit(X, { sampleWeight: w }), new GaussianMixture(opts).fit(dup))).toBeLessThan(1e-10);
        expect(maxParamDiff(new GaussianMixture(opts).fit(X, { sampleWeight: ones }), new GaussianMixture(opts).fit(kept))).toBeLessThan(1e-10);
      }
    });
  }
});

describe('the order of the rows', () => {
  // A fit reorders its copy of the rows (a Z-order curve, assembly/order.ts); rows that
  // share a bucket keep the caller's order, so a shuffle changes only the rounding of sums.
  for (const covarianceType of ['full', 'tied', 'diag', 'spherical'] as const) {
    it(`${covarianceType}: shuffled rows give the same fit up to rounding`, () => {
      const { X } = blobs(17, [[0, 0, 0], [9, 1, 0], [0, 9, 3]], 200, [1, 0.7, 1.4]);
      const start = new GaussianMixture({ nComponents: 3, covarianceType, maxIter: 1, seed: 4 }).fit(X);
      const n = X.rows, d = X.cols;
      let s = 99;
      const perm = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        s = (s * 1664525 + 1013904223) >>> 0;
        const j = s % (i + 1);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      const Y: Matrix = { data: new Float64Array(n * d), rows: n, cols: d };
      perm.forEach((r, i) => Y.data.set(X.data.subarray(r * d, r * d + d), i * d));
      // precisions P = U Uᵀ from the precision Cholesky factors (diag, spherical: p²)
      const U = start.precisionsCholesky;
      let precisions: Float64Array;
      if (covarianceType === 'full' || covarianceType === 'tied') {
        precisions = new Float64Array(U.length);
        for (let o = 0; o < U.length; o += d * d)
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++)
            for (let k = 0; k < d; k++) precisions[o + i * d + j] += U[o + i * d + k] * U[o + j * d + k];
      } else {
        precisions = U.map((p) => p * p);
      }
      const fit = (Z: Matrix) => new GaussianMixture({
        nComponents: 3, covarianceType, tol: 0, maxIter: 10,
        weightsInit: start.weights, meansInit: start.means, precisionsInit: precisions,
      }).fit(Z);
      const a = fit(X), b = fit(Y);
      expect(Math.abs(a.lowerBound - b.lowerBound) / Math.abs(a.lowerBound)).toBeLessThan(1e-12);
      expect(maxRelDiff(a.means.data, b.means.data)).toBeLessThan(1e-12);
      expect(maxRelDiff(a.covariances, b.covariances)).toBeLessThan(1e-11);
    });
  }
});
