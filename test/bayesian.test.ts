// BayesianGaussianMixture beyond the scikit-learn fixtures: analytic behaviour, the lower
// bound's monotonicity, the same bits however the work is split, sample weights, initLabels
// for both classes, JSON, and every bad input. Runs the built package (dist/) for the workers.
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Lib from '../src/entry-node.js';
import type { CovarianceType, Matrix, BayesianGaussianMixture as BGM } from '../src/index.js';
import { overlapping, expectSameFit, parkMillerNormal, sameBits, pieces } from './helpers.js';
import { CHUNK_ROWS } from '../src/fit/chunks.js';

let lib: typeof Lib;
beforeAll(async () => {
  lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
  await lib.init();
});

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];
const PRIORS = ['dirichlet_process', 'dirichlet_distribution'] as const;

function expectSamePosterior(a: BGM, b: BGM): void {
  expectSameFit(a, b);
  expect(sameBits(a.meanPrecision, b.meanPrecision)).toBe(true);
  expect(sameBits(a.degreesOfFreedom, b.degreesOfFreedom)).toBe(true);
  expect(sameBits(Float64Array.from([a.weightConcentration].flat(2) as number[]),
    Float64Array.from([b.weightConcentration].flat(2) as number[]))).toBe(true);
}

function rows(X: Matrix, pick: (i: number) => boolean): Matrix {
  const out: number[] = [];
  let n = 0;
  for (let i = 0; i < X.rows; i++) if (pick(i)) { out.push(...X.data.subarray(i * X.cols, (i + 1) * X.cols)); n++; }
  return { data: Float64Array.from(out), rows: n, cols: X.cols };
}

describe('BayesianGaussianMixture', () => {
  const X = overlapping(3, 1500, 2, 3);

  for (const type of TYPES) {
    it(`${type}: the lower bound never decreases, for both weight priors`, () => {
      for (const weightConcentrationPriorType of PRIORS) {
        const bounds: number[] = [];
        new lib.BayesianGaussianMixture({ nComponents: 6, covarianceType: type, weightConcentrationPriorType, tol: 0, maxIter: 60, seed: 2 })
          .fit(X, { onIteration: (i) => bounds.push(i.lowerBound) });
        expect(bounds.length).toBe(60);
        for (let i = 1; i < bounds.length; i++) expect(bounds[i]).toBeGreaterThanOrEqual(bounds[i - 1] - 1e-9 * Math.abs(bounds[i - 1]));
      }
    });
  }

  it('switches unneeded components off: three clusters, ten components, three effective', () => {
    // the overlapping clusters (row i in cluster i mod 3) moved 20 apart
    const far = overlapping(8, 3000, 2, 3);
    for (let i = 0; i < far.rows; i++) far.data[2 * i] += 20 * (i % 3);
    for (const weightConcentrationPriorType of PRIORS) {
      const m = new lib.BayesianGaussianMixture({
        nComponents: 10, weightConcentrationPriorType, weightConcentrationPrior: 1e-3, maxIter: 500, seed: 1,
      }).fit(far);
      expect(m.nEffectiveComponents(0.01)).toBe(3);
      expect(m.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    }
  });

  it('with many samples the posterior concentrates on the maximum-likelihood fit', () => {
    const big = overlapping(4, 40000, 2, 2);
    const o = { nComponents: 2, covarianceType: 'full' as const, tol: 1e-10, maxIter: 500, seed: 0 };
    const ml = new lib.GaussianMixture(o).fit(big);
    const vb = new lib.BayesianGaussianMixture({ ...o, weightConcentrationPriorType: 'dirichlet_distribution' }).fit(big);
    // match components by mean
    const order = [0, 1].map((k) => (Math.abs(vb.means.data[2 * k] - ml.means.data[0]) < Math.abs(vb.means.data[2 * k] - ml.means.data[2]) ? 0 : 1));
    expect(new Set(order).size).toBe(2);
    for (let k = 0; k < 2; k++) {
      const j = order[k];
      for (let i = 0; i < 2; i++) expect(Math.abs(vb.means.data[2 * k + i] - ml.means.data[2 * j + i])).toBeLessThan(3e-3);
      expect(Math.abs(vb.weights[k] - ml.weights[j])).toBeLessThan(1e-3);
      for (let i = 0; i < 4; i++) expect(Math.abs(vb.covariances[4 * k + i] - ml.covariances[4 * j + i])).toBeLessThan(5e-3);
      // β = β₀ + nₖ and ν = ν₀ + nₖ with nₖ the expected count
      expect(vb.meanPrecision[k]).toBeCloseTo(1 + vb.weights[k] * 40000, -1);
      expect(vb.degreesOfFreedom[k]).toBeCloseTo(2 + vb.weights[k] * 40000, -1);
    }
  });

  it('integer sample weights equal repeated rows, priors given or taken from the data', () => {
    const w = Float64Array.from({ length: X.rows }, (_, i) => (i % 3 === 0 ? 2 : 1));
    const rep: number[] = [];
    for (let i = 0; i < X.rows; i++) for (let r = 0; r < w[i]; r++) rep.push(...X.data.subarray(2 * i, 2 * i + 2));
    const labels = Int32Array.from({ length: X.rows }, (_, i) => i % 3);
    const repLabels: number[] = [];
    for (let i = 0; i < X.rows; i++) for (let r = 0; r < w[i]; r++) repLabels.push(labels[i]);
    // the default covariance prior divided by Σw − Σw²/Σw (numpy's aweights) before, 0.4 % off repeated rows'
    for (const priors of [{ meanPrior: [0, 0], covariancePrior: [[1, 0], [0, 1]] }, {}]) {
      const o = { nComponents: 3, covarianceType: 'full' as const, tol: 0, maxIter: 20, ...priors };
      const a = new lib.BayesianGaussianMixture(o).fit(X, { sampleWeight: w, initLabels: labels });
      const b = new lib.BayesianGaussianMixture(o).fit({ data: Float64Array.from(rep), rows: rep.length / 2, cols: 2 }, { initLabels: repLabels });
      expect(Math.abs(a.lowerBound - b.lowerBound) / Math.abs(b.lowerBound)).toBeLessThan(1e-10);
      for (const [u, v] of [[a.means.data, b.means.data], [a.covariances, b.covariances], [a.weights, b.weights], [a.covariancePrior, b.covariancePrior]]) {
        for (let i = 0; i < u.length; i++) expect(Math.abs(u[i] - v[i])).toBeLessThan(1e-9);
      }
    }
  });

  it('the data-dependent priors use the weights (divisor Σw − min(1, Σw²/Σw): repeated rows\' for counts)', () => {
    const w = Float64Array.from({ length: X.rows }, (_, i) => 0.5 + (i % 5));
    const m = new lib.BayesianGaussianMixture({ nComponents: 2, maxIter: 1 }).fit(X, { sampleWeight: w });
    let v1 = 0, v2 = 0;
    const mean = [0, 0];
    for (let i = 0; i < X.rows; i++) { v1 += w[i]; v2 += w[i] * w[i]; for (let j = 0; j < 2; j++) mean[j] += w[i] * X.data[2 * i + j]; }
    for (let j = 0; j < 2; j++) mean[j] /= v1;
    const cov = [0, 0, 0, 0];
    for (let i = 0; i < X.rows; i++) for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) {
      cov[2 * a + b] += w[i] * (X.data[2 * i + a] - mean[a]) * (X.data[2 * i + b] - mean[b]);
    }
    for (let j = 0; j < 4; j++) expect(m.covariancePrior[j]).toBeCloseTo(cov[j] / (v1 - Math.min(1, v2 / v1)), 12);
    for (let j = 0; j < 2; j++) expect(m.meanPrior[j]).toBeCloseTo(mean[j], 13);
  });

  it('toJSON / fromJSON restore the posterior and score identically', () => {
    for (const type of TYPES) {
      const m = new lib.BayesianGaussianMixture({ nComponents: 4, covarianceType: type, maxIter: 30 }).fit(X);
      const back = lib.BayesianGaussianMixture.fromJSON(JSON.stringify(m));
      expectSamePosterior(back, m);
      expect(sameBits(back.scoreSamples(X), m.scoreSamples(X))).toBe(true);
      expect(back.weightConcentrationPriorType).toBe('dirichlet_process');
      expect(() => lib.GaussianMixture.fromJSON(JSON.stringify(m))).toThrow(expect.objectContaining({ code: 'INVALID_JSON' }));
      // and the other way round, each naming the loader to use
      const plain = new lib.GaussianMixture({ nComponents: 2, covarianceType: type, seed: 0 }).fit(X);
      expect(() => lib.BayesianGaussianMixture.fromJSON(JSON.stringify(plain))).toThrow(expect.objectContaining({
        code: 'INVALID_JSON', message: expect.stringContaining('load it with GaussianMixture.fromJSON') }));
    }
  });
});

describe('BayesianGaussianMixture.fromJSON takes back every model a fit stores', () => {
  it('nearly collinear data, whose covariance prior (taken from the data) no Cholesky passes', () => {
    const gauss = parkMillerNormal(11);
    let fitted = 0;
    for (let trial = 0; trial < 60; trial++) {
      const d = 2 + (trial % 6), n = 40 + (trial % 5) * 20, scale = [1e-8, 1e-4, 1, 1e4, 1e8][trial % 5];
      const X = Array.from({ length: n }, () => {
        const a = gauss(), b = gauss();
        return Array.from({ length: d }, (_, j) => scale * ((j + 1) * a + (j % 2) * b * 1e-7) + 1e3 * scale);
      });
      for (const covarianceType of ['full', 'tied'] as const) {
        let m: BGM;
        try {
          m = new lib.BayesianGaussianMixture({ nComponents: 2, covarianceType, regCovar: [0, 1e-300, 1e-20][trial % 3], seed: trial }).fit(X);
        } catch {
          continue;
        }
        fitted++;
        expectSameFit(lib.BayesianGaussianMixture.fromJSON(JSON.stringify(m)), m);
      }
    }
    expect(fitted).toBeGreaterThan(10);
  });
  it('a constant feature, whose variance in the prior taken from the data is 0: every type', () => {
    const X = Array.from({ length: 30 }, (_, i) => [Math.sin(i) + (i % 2) * 3, 2.5]);
    for (const covarianceType of ['full', 'tied', 'diag', 'spherical'] as const) {
      const m = new lib.BayesianGaussianMixture({ nComponents: 2, covarianceType }).fit(X);
      expectSameFit(lib.BayesianGaussianMixture.fromJSON(JSON.stringify(m)), m);
    }
  });
});

describe('BayesianGaussianMixture: a warm start streams', () => {
  it('with priors taken from the data (from the sample, here all rows): the warm fit() bit for bit', async () => {
    const X = overlapping(5, CHUNK_ROWS + 300, 2, 3);
    for (const extra of [{}, { meanPrior: [0, 0] }, { covariancePrior: [[1, 0], [0, 1]] }, { meanPrior: [0, 0], covariancePrior: [[1, 0], [0, 1]] }]) {
      const o = { nComponents: 3, warmStart: true, seed: 1, maxIter: 20, ...extra };
      const ref = new lib.BayesianGaussianMixture(o).fit(X);
      ref.fit(X);
      const streamed = new lib.BayesianGaussianMixture(o).fit(X);
      await streamed.fitStream(() => [X]);
      expectSameFit(streamed, ref);
    }
    // the stream's width is checked against the model's before the fit
    const m = new lib.BayesianGaussianMixture({ nComponents: 2, warmStart: true }).fit(X);
    await expect(m.fitStream(() => [overlapping(2, 100, 3, 2)])).rejects.toMatchObject({ code: 'FEATURE_MISMATCH' });
    // from the first chunk of the wrong width, naming the model, before the rest is read
    let read = 0;
    const late = function* () { read++; yield X; read++; yield overlapping(2, 100, 3, 2); read++; yield X; };
    await expect(m.fitStream(late)).rejects.toMatchObject({ code: 'FEATURE_MISMATCH', message: expect.stringContaining('the model has 2') });
    expect(read).toBe(2);
  });
});

describe('BayesianGaussianMixture.getParams', () => {
  it('gives options its constructor takes (priors included): a clone fits the same bits', () => {
    const X = overlapping(3, 500, 2, 3);
    for (const o of [
      { nComponents: 4, seed: 1 },
      { nComponents: 4, covarianceType: 'diag' as const, weightConcentrationPriorType: 'dirichlet_distribution' as const, weightConcentrationPrior: 0.01,
        meanPrecisionPrior: 0.5, meanPrior: [0, 1], degreesOfFreedomPrior: 4, covariancePrior: [1, 2] },
    ]) {
      const bgm = new lib.BayesianGaussianMixture(o);
      const clone = new lib.BayesianGaussianMixture(bgm.getParams()).fit(X);
      expectSameFit(clone, bgm.fit(X));
      expect(bgm.toJSON().options).toEqual(bgm.getParams());
    }
  });
});

describe('BayesianGaussianMixture: the scale of sample weights', () => {
  const X = overlapping(9, 2 * CHUNK_ROWS + 100, 2, 3);
  it('is the data\'s (counts meet the priors): never rescaled, smooth across 2^±100, the same over workers', async () => {
    const o = { nComponents: 3, seed: 4, maxIter: 30 };
    const fitWith = (c: number) => new lib.BayesianGaussianMixture(o).fit(X, { sampleWeight: new Float64Array(X.rows).fill(c) });
    // with weights that small the posterior is the prior: meanPrecision = β₀ + Nₖ ≈ β₀ = 1 (fit()
    // once rescaled weights beyond 2^±100 to 1, and so jumped to β₀ + Nₖ of thousands)
    for (const c of [2 ** -99, 2 ** -101, 2 ** -1060]) {
      for (const b of fitWith(c).meanPrecision) expect(Math.abs(b - 1)).toBeLessThan(1e-13); // β₀ + Nₖ + 10ε
    }
    const big = fitWith(2 ** 101);
    expect(Math.min(...big.meanPrecision)).toBeGreaterThan(2 ** 90);
    const w = new Float64Array(X.rows).fill(2 ** -101);
    expectSameFit(await new lib.BayesianGaussianMixture(o).fitAsync(X, { workers: 2, sampleWeight: w }), fitWith(2 ** -101));
    const pool = await lib.WorkerPool.create(X, { workers: 2, sampleWeight: w });
    try {
      // the pool's weights were rescaled for maximum likelihood: refused for a Bayesian fit
      await expect(new lib.BayesianGaussianMixture(o).fitAsync(pool)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
      expectSameFit(await new lib.GaussianMixture(o).fitAsync(pool), new lib.GaussianMixture(o).fit(X, { sampleWeight: w }));
    } finally {
      pool.close();
    }
  });
});

describe('BayesianGaussianMixture: what the adversarial review found', () => {
  const X = overlapping(9, 400, 2, 3);
  const code = (f: () => unknown, c: string): void => expect(f).toThrow(expect.objectContaining({ code: c }));

  it('a component that collapses during EM is NOT_POSITIVE_DEFINITE naming it, not NUMERICAL blaming the data', () => {
    // 30 copies of one point and 30 spread ones, no regularisation: a component shrinks onto the copies
    const Y = Array.from({ length: 60 }, (_, i) => (i < 30 ? [1, 2] : [3 + Math.sin(i), 3 + Math.cos(i * 1.7)]));
    const m = new lib.BayesianGaussianMixture({ nComponents: 3, regCovar: 0, seed: 0, initParams: 'random', maxIter: 200,
      covariancePrior: [[1e-300, 0], [0, 1e-300]] });
    expect(() => m.fit(Y)).toThrow(expect.objectContaining({ code: 'NOT_POSITIVE_DEFINITE',
      message: expect.stringMatching(/at EM iteration \d+, component \d's covariance .* or covariancePrior/) }));
    expect(m.isFitted).toBe(false);
  });

  it('an empty component with a subnormal covariancePrior keeps a finite bound, linear in ln Ψ₀ (not ∞·0 = NaN)', () => {
    // component 2 gets no label: its covariance is about Ψ₀/ν, its squared precision factor
    // overflows, and the entropy's u²·S (S = 0) was NaN, reported as NUMERICAL. With the
    // empty component the bound moves by the same step for each factor e⁻⁷ln10 of Ψ₀ (a
    // Wishart normaliser term), so the subnormal 1e-310 must continue 1e-296 and 1e-303.
    // (scikit-learn with gmm-wasm's two documented rules for emptied components and the
    // cutoff gives the same bounds: 1428.1246993784116 full, 1425.187869069847 diag.)
    const Y = [[0.1, 1.2], [0.5, 0.7], [1.1, 0.2], [3.0, 3.3], [3.4, 2.9], [2.8, 3.6], [0.3, 0.1], [3.1, 3.0]];
    const labels = [0, 0, 0, 1, 1, 1, 0, 1];
    for (const t of TYPES) {
      const bound = (c: number): number => new lib.BayesianGaussianMixture({ nComponents: 3, covarianceType: t, regCovar: 0,
        maxIter: 5, covariancePrior: t === 'full' || t === 'tied' ? [c, 0, 0, c] : t === 'diag' ? [c, c] : c })
        .fit(Y, { initLabels: labels }).lowerBound;
      const [a, b, c] = [bound(1e-296), bound(1e-303), bound(1e-310)];
      expect(Number.isFinite(c)).toBe(true);
      expect(c - b).toBeCloseTo(b - a, 9);
      // tied pools every component's scatter, so its one covariance never gets small
      if (t !== 'tied') expect(b - a).toBeGreaterThan(30);
    }
  });

  it('a failure that extreme priors can cause names the priors given, not only the data', () => {
    const Y = [[0.1, 1.2], [0.5, 0.7], [1.1, 0.2], [3.0, 3.3], [3.4, 2.9], [2.8, 3.6], [0.3, 0.1], [3.1, 3.0]];
    const fit = (meanPrior: number, meanPrecisionPrior: number) => () =>
      new lib.BayesianGaussianMixture({ nComponents: 2, meanPrior: [meanPrior, meanPrior], meanPrecisionPrior }).fit(Y);
    const named = /scale the data.*The priors given \(meanPrior, meanPrecisionPrior\) can cause this too/s;
    // a mean prior far from the data, weighted heavily: every covariance a huge rank-one term
    expect(fit(1e120, 1e200)).toThrow(expect.objectContaining({ code: 'NOT_POSITIVE_DEFINITE', message: expect.stringMatching(named) }));
    // further still: the bound overflows
    expect(fit(1e145, 1e171)).toThrow(expect.objectContaining({ code: 'NUMERICAL',
      message: expect.stringMatching(/scale the features.*The priors given \(meanPrior, meanPrecisionPrior\)/s) }));
    // without priors of its own, the data are the only suspect
    expect(() => new lib.BayesianGaussianMixture({ nComponents: 2, regCovar: 0 }).fit([[1, 2], [1, 2], [1, 2], [1, 2]]))
      .toThrow(expect.objectContaining({ code: 'NOT_POSITIVE_DEFINITE', message: expect.not.stringMatching(/priors given/) }));
  });

  it('a huge Dirichlet-process weight prior keeps the lower bound accurate (betaln without cancellation)', () => {
    // with lnΓ(b) − lnΓ(a + b) summed directly the bound moved in steps of 1/64 at γ₀ = 1e12 and stopped the fit early
    const labels = Array.from({ length: 400 }, (_, i) => (i * 7) % 4);
    const bounds: number[] = [];
    const m = new lib.BayesianGaussianMixture({ nComponents: 4, weightConcentrationPrior: 1e12, tol: 0, maxIter: 30 })
      .fit(X, { initLabels: labels, onIteration: (i) => bounds.push(i.lowerBound) });
    // the bound's changes are smooth: none is a multiple of a coarse rounding step
    const steps = bounds.slice(1).map((b, i) => b - bounds[i]);
    expect(steps.filter((s) => s !== 0 && Math.abs(s / 2 ** -6 - Math.round(s / 2 ** -6)) < 1e-9).length).toBe(0);
    for (let i = 1; i < bounds.length; i++) expect(bounds[i]).toBeGreaterThanOrEqual(bounds[i - 1] - 1e-9 * Math.abs(bounds[i - 1]));
    expect(Number.isFinite(m.lowerBound)).toBe(true);
  });

  it('fromJSON refuses priors and posteriors that no fit could produce', () => {
    const m = new lib.BayesianGaussianMixture({ nComponents: 2, maxIter: 10 }).fit(X);
    const j = JSON.parse(JSON.stringify(m));
    const broken = (edit: (o: typeof j) => void): void => {
      const o = JSON.parse(JSON.stringify(j));
      edit(o);
      code(() => lib.BayesianGaussianMixture.fromJSON(o), 'INVALID_JSON');
    };
    broken((o) => { o.variational.priors.meanPrecision = -1; });
    broken((o) => { o.variational.priors.weightConcentration = 0; });
    broken((o) => { o.variational.priors.degreesOfFreedom = -50; });
    broken((o) => { o.variational.priors.covariance = [-1, 0, 0, -1]; });
    broken((o) => { o.variational.priors.covariance = [1, 0.5, 0.1, 1]; });
    broken((o) => { o.options.meanPrecisionPrior = 5; });
    broken((o) => { o.variational.weightConcentration = [1e308, 1e308, 1e308, 1e308]; });
    broken((o) => { o.variational.meanPrecision[0] = 5e-324; });
    broken((o) => { o.weights = [1 - 1e-9, 1e-9]; });
    expect(lib.BayesianGaussianMixture.fromJSON(j).lowerBound).toBe(m.lowerBound);
  });

  it('covariancePrior must have its type\'s nesting; symmetry is checked as numpy\'s allclose', () => {
    code(() => new lib.BayesianGaussianMixture({ nComponents: 2, covarianceType: 'diag', covariancePrior: [[1, 2], [3, 4]] }).fit(X), 'SHAPE_MISMATCH');
    code(() => new lib.BayesianGaussianMixture({ nComponents: 2, covariancePrior: [[1, 0, 0, 1]] }).fit(X), 'SHAPE_MISMATCH');
    // its values are checked by the constructor where its shape gives d, before any data
    code(() => new lib.BayesianGaussianMixture({ nComponents: 2, covariancePrior: [[1, 2], [2, 1]] }), 'INVALID_OPTION');
    code(() => new lib.BayesianGaussianMixture({ nComponents: 2, covariancePrior: [[1, 0.5], [0, 1]] }), 'INVALID_OPTION');
    code(() => new lib.BayesianGaussianMixture({ nComponents: 2, covarianceType: 'diag', covariancePrior: [1, -1] }), 'INVALID_OPTION');
    // a prior is an option, not an initial parameter (INVALID_INIT is for those)
    code(() => new lib.BayesianGaussianMixture({ nComponents: 2, meanPrior: ['a', 1] as never }), 'INVALID_OPTION');
    code(() => new lib.BayesianGaussianMixture({ nComponents: 2, covariancePrior: [[1, null], [0, 1]] as never }), 'INVALID_OPTION');
    expect(new lib.BayesianGaussianMixture({ nComponents: 2, covariancePrior: [1, 0, 0, 1] }).fit(X).isFitted).toBe(true);
    expect(new lib.BayesianGaussianMixture({ nComponents: 2, covariancePrior: [[1, 1e-13], [0, 1]] }).fit(X).isFitted).toBe(true);
    expect(new lib.BayesianGaussianMixture({ nComponents: 2, covarianceType: 'spherical', covariancePrior: [2] }).fit(X).isFitted).toBe(true);
  });
});

describe('BayesianGaussianMixture: the same bits however the work is split', () => {
  const n = 2 * CHUNK_ROWS + 777;
  const X = overlapping(12, n, 3, 3);
  for (const type of TYPES) {
    it(`${type}: fit = fitAsync (0 and 2 workers) = fitStream; statistics API = one more iteration`, async () => {
      const o = { nComponents: 4, covarianceType: type, maxIter: 15, seed: 3, tol: 0 };
      const ref = new lib.BayesianGaussianMixture(o).fit(X);
      for (const workers of [0, 2]) expectSamePosterior(await new lib.BayesianGaussianMixture(o).fitAsync(X, { workers }), ref);
      expectSamePosterior(await new lib.BayesianGaussianMixture(o).fitStream(pieces(X, 3000), { initSampleSize: n }), ref);
      // 14 iterations by fit, the 15th by the statistics API over two pieces
      const m = new lib.BayesianGaussianMixture({ ...o, maxIter: 14 }).fit(X);
      const cut = CHUNK_ROWS;
      const s = lib.BayesianGaussianMixture.mergeStatistics([
        m.computeStatistics(rows(X, (i) => i >= cut), { rowOffset: cut }), m.computeStatistics(rows(X, (i) => i < cut)),
      ]);
      m.applyStatistics(s, { rows: n });
      expectSamePosterior(m, ref);
    });
  }
});

describe('initLabels', () => {
  const X = overlapping(5, 900, 2, 3);
  const labels = Int32Array.from({ length: 900 }, (_, i) => i % 3);

  it('GaussianMixture: the start is one M-step from one-hot responsibilities (checked against plain JS)', () => {
    for (const type of TYPES) {
      const m = new lib.GaussianMixture({ nComponents: 3, covarianceType: type, maxIter: 1, tol: 0 });
      const ref = new lib.GaussianMixture({ nComponents: 3, covarianceType: type, maxIter: 1, tol: 0 });
      // the M-step from the labels, computed here: weights, means, covariances (+ regCovar)
      const nk = [0, 0, 0], mu = [0, 0, 0, 0, 0, 0], S = Array.from({ length: 3 }, () => [0, 0, 0, 0]);
      for (let i = 0; i < 900; i++) { nk[labels[i]]++; for (let j = 0; j < 2; j++) mu[2 * labels[i] + j] += X.data[2 * i + j]; }
      for (let k = 0; k < 3; k++) for (let j = 0; j < 2; j++) mu[2 * k + j] /= nk[k];
      for (let i = 0; i < 900; i++) {
        const k = labels[i];
        for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) S[k][2 * a + b] += (X.data[2 * i + a] - mu[2 * k + a]) * (X.data[2 * i + b] - mu[2 * k + b]) / nk[k];
      }
      const prec = (c: number[]): number[] => { const det = c[0] * c[3] - c[1] * c[2]; return [c[3] / det, -c[1] / det, -c[2] / det, c[0] / det]; };
      const reg = 1e-6;
      const cov = S.map((s) => [s[0] + reg, s[1], s[2], s[3] + reg]);
      const tied = [0, 1, 2, 3].map((i) => cov.reduce((t, c, k) => t + (c[i] - (i === 0 || i === 3 ? reg : 0)) * nk[k], 0) / 900 + (i === 0 || i === 3 ? reg : 0));
      const precisionsInit = type === 'full' ? cov.map(prec).flat() : type === 'tied' ? prec(tied)
        : type === 'diag' ? cov.map((c) => [1 / c[0], 1 / c[3]]) : cov.map((c) => 2 / (c[0] + c[3]));
      const explicit = new lib.GaussianMixture({
        nComponents: 3, covarianceType: type, maxIter: 1, tol: 0, weightsInit: nk.map((v) => v / 900),
        meansInit: [mu.slice(0, 2), mu.slice(2, 4), mu.slice(4, 6)], precisionsInit: precisionsInit as number[],
      }).fit(X);
      m.fit(X, { initLabels: labels });
      expect(Math.abs(m.lowerBound - explicit.lowerBound)).toBeLessThan(1e-10);
      for (let i = 0; i < 6; i++) expect(Math.abs(m.means.data[i] - explicit.means.data[i])).toBeLessThan(1e-10);
      ref.fit(X, { initLabels: Array.from(labels) });
      expectSameFit(ref, m);
    }
  });

  it('fitAsync with initLabels equals fit; an empty label keeps the empty-component policy', async () => {
    const o = { nComponents: 4, maxIter: 10, seed: 1 };
    const a = new lib.GaussianMixture(o).fit(X, { initLabels: labels }); // component 3 gets no row
    expect(a.weights.every(Number.isFinite)).toBe(true);
    expectSameFit(await new lib.GaussianMixture(o).fitAsync(X, { initLabels: labels, workers: 2 }), a);
    const b = new lib.BayesianGaussianMixture(o).fit(X, { initLabels: labels });
    expectSameFit(await new lib.BayesianGaussianMixture(o).fitAsync(X, { initLabels: labels, workers: 0 }), b);
  });

  it('bad labels and incompatible options are refused before any work', async () => {
    const gm = new lib.GaussianMixture({ nComponents: 3 });
    const code = (f: () => unknown, c: string): void => expect(f).toThrow(expect.objectContaining({ code: c }));
    code(() => gm.fit(X, { initLabels: labels.subarray(1) }), 'INVALID_INIT');
    code(() => gm.fit(X, { initLabels: Array.from(labels, (l, i) => (i === 7 ? 3 : l)) }), 'INVALID_INIT');
    code(() => gm.fit(X, { initLabels: Array.from(labels, (l, i) => (i === 7 ? 0.5 : l)) }), 'INVALID_INIT');
    code(() => new lib.GaussianMixture({ nComponents: 3, nInit: 2 }).fit(X, { initLabels: labels }), 'INVALID_OPTION');
    expect(gm.isFitted).toBe(false);
    const pool = await lib.WorkerPool.create(X, { workers: 1 });
    try {
      await expect(gm.fitAsync(pool, { initLabels: labels })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    } finally {
      pool.close();
    }
  });
});

describe('BayesianGaussianMixture: bad input', () => {
  const X = overlapping(6, 300, 2, 2);
  const code = (f: () => unknown, c: string): void => expect(f).toThrow(expect.objectContaining({ code: c }));
  it('every bad option or prior gets its code before any work; the model is unchanged', () => {
    code(() => new lib.BayesianGaussianMixture({ weightConcentrationPriorType: 'dirichlet' as never }), 'INVALID_OPTION');
    code(() => new lib.BayesianGaussianMixture({ weightConcentrationPrior: 0 }), 'INVALID_OPTION');
    code(() => new lib.BayesianGaussianMixture({ meanPrecisionPrior: -1 }), 'INVALID_OPTION');
    code(() => new lib.BayesianGaussianMixture({ meansInit: [[0, 0]] } as never), 'INVALID_OPTION');
    code(() => new lib.BayesianGaussianMixture({ covariancePrior: -2 }), 'INVALID_OPTION');
    const m = new lib.BayesianGaussianMixture({ nComponents: 2, maxIter: 5 }).fit(X);
    const before = JSON.stringify(m);
    const refit = (o: object, c: string): void => code(() => new lib.BayesianGaussianMixture({ nComponents: 2, ...o }).fit(X), c);
    refit({ degreesOfFreedomPrior: 1 }, 'INVALID_OPTION'); // must exceed d − 1 = 1
    refit({ meanPrior: [0, 0, 0] }, 'SHAPE_MISMATCH');
    refit({ covariancePrior: [[1, 2], [2, 1]] }, 'INVALID_OPTION'); // not positive definite
    refit({ covariancePrior: [[1, 0.5], [0.4, 1]] }, 'INVALID_OPTION'); // not symmetric
    code(() => new lib.BayesianGaussianMixture({ nComponents: 2, covarianceType: 'diag', covariancePrior: [1, 0] }).fit(X), 'INVALID_OPTION');
    code(() => new lib.BayesianGaussianMixture({ nComponents: 2, covarianceType: 'diag', covariancePrior: [1, 1, 1] }).fit(X), 'SHAPE_MISMATCH');
    code(() => new lib.BayesianGaussianMixture().fit([[1, 2]]), 'TOO_FEW_SAMPLES');
    expect(new lib.BayesianGaussianMixture({ covariancePrior: [[1, 0], [0, 1]] }).fit([[1, 2]]).weights[0]).toBe(1);
    code(() => m.bic(X), 'INVALID_ARGUMENT');
    code(() => m.nEffectiveComponents(2), 'INVALID_ARGUMENT');
    code(() => new lib.BayesianGaussianMixture().weightConcentration, 'NOT_FITTED');
    // a refit of the fitted model itself that fails: degreesOfFreedomPrior 1.5 > d − 1 on two
    // columns, not on three
    const n = new lib.BayesianGaussianMixture({ nComponents: 2, maxIter: 5, degreesOfFreedomPrior: 1.5 }).fit(X);
    const nBefore = JSON.stringify(n);
    code(() => n.fit(overlapping(7, 300, 3, 2)), 'INVALID_OPTION');
    expect(JSON.stringify(n)).toBe(nBefore);
    expect(JSON.stringify(m)).toBe(before);
  });
});

describe('options is a copy, the priors too', () => {
  it('changing what options returns changes neither the model, its params nor its JSON', () => {
    const X = overlapping(4, 300, 2, 2);
    const b = new lib.BayesianGaussianMixture({ nComponents: 2, meanPrior: [0, 0], covariancePrior: [[1, 0], [0, 2]], seed: 1 }).fit(X);
    const json = JSON.stringify(b), bound = b.lowerBound;
    const o = b.options;
    o.variational!.meanPrior![0] = 1e6;
    o.variational!.covariancePrior![3] = 1e-9;
    expect(b.getParams().meanPrior).toEqual([0, 0]);
    expect(b.options.variational!.covariancePrior![3]).toBe(2);
    expect(JSON.stringify(b)).toBe(json);
    expect(lib.BayesianGaussianMixture.fromJSON(json).toJSON()).toEqual(JSON.parse(json));
    expect(b.fit(X).lowerBound).toBe(bound);
  });
});
