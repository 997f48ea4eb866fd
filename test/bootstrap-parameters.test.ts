// bootstrapParameters, mclust's MclustBootstrap, against R's mclust 6.0.0
// (test/fixtures/generate_bootstrap.R): the jackknife replicate by replicate and its summary;
// nonparametric and weighted likelihood replicates from the same draws; the summaries of
// mclust's own replicates; then our draws (seeded, in every runtime the same), the parametric
// bootstrap against the known standard error of a mean, and the refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BayesianGaussianMixture, GaussianMixture, ParameterBootstrap, bootstrapParameters, type Matrix } from '../src/index.js';
import { normalQuantile, quantile7 } from '../src/model/quantiles.js';
import { errorCode, loadCore, maxRelDiff, sameBits, thrown } from './helpers.js';

interface Summ { pro: number[]; mean: number[]; variance: number[] }
interface Ci { level: number; pro: number[][]; mean: number[][]; variance: number[][] }
interface Reps { pro: number[]; mean: number[]; sigma: number[]; se: Summ; ave: Summ; ci: Ci[] }
interface Case {
  name: string; model: string; G: number; n: number; d: number; x: number[];
  fit: { pro: number[]; mean: number[]; sigma: number[] };
  jk: Reps & { nonfit: number };
  bs?: Reps & { counts: number[][] };
  wlbs?: { weights: number[]; pro: number[]; mean: number[]; sigma: number[] }[];
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/bootstrap.json', import.meta.url), 'utf8')) as { cases: Case[] };
const X = (c: Case): Matrix => ({ data: Float64Array.from(c.x), rows: c.n, cols: c.d });
const TYPES: Record<string, string> = { VVV: 'full', EEE: 'tied', EEI: 'EEI' };

/** mclust's fit as a model: its parameters, in the layout of its covariance type. */
function modelOf(c: Case): GaussianMixture {
  const type = TYPES[c.model], K = c.G, d = c.d;
  const cov = type === 'full' ? c.fit.sigma : type === 'tied' ? c.fit.sigma.slice(0, d * d)
    : Array.from({ length: K * d }, (_, i) => c.fit.sigma[Math.floor(i / d) * d * d + (i % d) * (d + 1)]);
  return GaussianMixture.fromParameters({ weights: c.fit.pro, means: { data: Float64Array.from(c.fit.mean), rows: K, cols: d }, covariances: cov },
    { covarianceType: type as never, regCovar: 0 });
}

/** A ParameterBootstrap over mclust's own replicates. */
function ofReplicates(c: Case, r: Reps, type: 'bs' | 'jk'): ParameterBootstrap {
  const B = r.pro.length / c.G;
  return new ParameterBootstrap(type, B, c.G, c.d, TYPES[c.model] as never, 0,
    { weights: Float64Array.from(r.pro), means: Float64Array.from(r.mean), covariances: Float64Array.from(r.sigma) });
}

/** Our summaries of a bootstrap against mclust's summary(). */
function expectSummaries(b: ParameterBootstrap, r: Reps, tol: number): void {
  const se = b.standardErrors(), ave = b.average();
  expect(maxRelDiff(se.weights, r.se.pro)).toBeLessThan(tol);
  expect(maxRelDiff(se.means, r.se.mean)).toBeLessThan(tol);
  expect(maxRelDiff(se.covariances, r.se.variance)).toBeLessThan(tol);
  expect(maxRelDiff(ave.weights, r.ave.pro)).toBeLessThan(tol);
  expect(maxRelDiff(ave.means, r.ave.mean)).toBeLessThan(tol);
  expect(maxRelDiff(ave.covariances, r.ave.variance)).toBeLessThan(tol);
  for (const ci of r.ci) {
    const ours = b.confidenceIntervals(ci.level);
    expect(maxRelDiff(ours.weights.lower, ci.pro[0])).toBeLessThan(tol);
    expect(maxRelDiff(ours.weights.upper, ci.pro[1])).toBeLessThan(tol);
    expect(maxRelDiff(ours.means.lower, ci.mean[0])).toBeLessThan(tol);
    expect(maxRelDiff(ours.means.upper, ci.mean[1])).toBeLessThan(tol);
    expect(maxRelDiff(ours.variances.lower, ci.variance[0])).toBeLessThan(tol);
    expect(maxRelDiff(ours.variances.upper, ci.variance[1])).toBeLessThan(tol);
  }
}

beforeAll(loadCore);

describe('bootstrapParameters against mclust\'s MclustBootstrap', () => {
  for (const c of fx.cases) {
    it(`${c.name} ${c.model}, G = ${c.G}: the jackknife, replicate by replicate, and its summaries`, () => {
      // EM run to its end in both (mclust's relative change 1e-13): the replicates agree to
      // where EM's slow last steps leave them
      const b = bootstrapParameters(modelOf(c), X(c), { type: 'jk', tol: 1e-13 });
      expect(b.nBoot).toBe(c.n);
      expect(b.nonfit).toBe(c.jk.nonfit);
      expect(maxRelDiff(b.weights, c.jk.pro)).toBeLessThan(1e-7);
      expect(maxRelDiff(b.means, c.jk.mean)).toBeLessThan(1e-6);
      expect(maxRelDiff(b.covariances, c.jk.sigma)).toBeLessThan(1e-6);
      // (the jackknife scales its replicates' spread by about n, their differences with it)
      expectSummaries(b, c.jk, 1e-4);
      // the summaries of mclust's own replicates: to rounding
      expectSummaries(ofReplicates(c, c.jk, 'jk'), c.jk, 1e-12);
    });
  }

  const f = fx.cases[0];
  it('faithful: nonparametric replicates from mclust\'s draws (rows as counts), and the summaries of its replicates', () => {
    const bs = f.bs!;
    const K = f.G, d = f.d;
    bs.counts.forEach((counts, b) => {
      const gm = GaussianMixture.fromJSON({ ...modelOf(f).toJSON(), nIter: 0, lowerBound: null, converged: false });
      const fit = GaussianMixture.fromJSON({ ...gm.toJSON(), options: { ...gm.toJSON().options, warmStart: true, tol: 1e-13, maxIter: 100000 } })
        .fit(X(f), { sampleWeight: counts });
      expect(maxRelDiff(fit.weights, bs.pro.slice(b * K, (b + 1) * K))).toBeLessThan(1e-7);
      expect(maxRelDiff(fit.means.data, bs.mean.slice(b * K * d, (b + 1) * K * d))).toBeLessThan(1e-7);
      expect(maxRelDiff(fit.covariances, bs.sigma.slice(b * K * d * d, (b + 1) * K * d * d))).toBeLessThan(1e-5);
    });
    expectSummaries(ofReplicates(f, bs, 'bs'), bs, 1e-12);
  });

  it('faithful: weighted likelihood replicates from mclust\'s weights (me.weighted)', () => {
    const K = f.G, d = f.d;
    for (const r of f.wlbs!) {
      const j = modelOf(f).toJSON();
      const fit = GaussianMixture.fromJSON({ ...j, nIter: 0, lowerBound: null, options: { ...j.options, warmStart: true, tol: 1e-13, maxIter: 100000 } })
        .fit(X(f), { sampleWeight: r.weights });
      expect(maxRelDiff(fit.weights, r.pro)).toBeLessThan(1e-7);
      expect(maxRelDiff(fit.means.data, r.mean)).toBeLessThan(1e-7);
      const full = Array.from({ length: K * d * d }, (_, i) => fit.covariances[i]);
      expect(maxRelDiff(full, r.sigma)).toBeLessThan(1e-6);
    }
  });

  it('R\'s quantile type 7 and qnorm', () => {
    expect(quantile7([3, 1, 2, NaN], 0.5)).toBe(2);
    expect(quantile7([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 14);
    expect(quantile7([5], 0.9)).toBe(5);
    // R's values (its log and the core's may differ in the last bit)
    expect(normalQuantile(0.975) / 1.959963984540054 - 1).toBeLessThan(4e-16);
    expect(normalQuantile(0.95) / 1.6448536269514722 - 1).toBeLessThan(4e-16);
    expect(normalQuantile(0.3) / -0.5244005127080407 - 1).toBeLessThan(4e-16);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 13);
  });
});

describe('bootstrapParameters', () => {
  const f = fx.cases[0];
  it('its own draws: the same bits from the same seed; another seed shares no replicate; the types\' shapes', () => {
    const gm = modelOf(f);
    for (const type of ['bs', 'wlbs', 'pb'] as const) {
      const a = bootstrapParameters(gm, X(f), { type, nBoot: 12, seed: 4 });
      const b = bootstrapParameters(gm, X(f), { type, nBoot: 12, seed: 4 });
      const c = bootstrapParameters(gm, X(f), { type, nBoot: 12, seed: 5 });
      expect(a.type).toBe(type);
      expect(a.weights.length).toBe(12 * 2);
      expect(a.covariances.length).toBe(12 * 2 * 4);
      expect(sameBits(a.means, b.means) && sameBits(a.covariances, b.covariances)).toBe(true);
      // (seed s + 1 is no shift of seed s's replicates: none of c's is one of a's)
      for (let r = 0; r < 12; r++) for (let q = 0; q < 12; q++) expect(a.means[r * 4] === c.means[q * 4], `${type} ${r} ${q}`).toBe(false);
      // near the fit: every replicate keeps the components in their order
      for (let r = 0; r < 12; r++) expect(Math.abs(a.means[r * 4] - f.fit.mean[0])).toBeLessThan(0.5);
    }
    // a wlbs α other than 1 changes the weights' spread: larger α, replicates nearer the fit
    const spread = (alpha: number): number => bootstrapParameters(gm, X(f), { type: 'wlbs', nBoot: 40, alpha }).standardErrors().means[0];
    expect(spread(20)).toBeLessThan(spread(1) * 0.6);
  });

  it('one Gaussian: the standard error of each mean is σ/√n (within the bootstrap\'s own error), for every type', () => {
    const rows = 400, d = 2;
    const src = new GaussianMixture({ nComponents: 1 }).fit([[0, 0], [1, 1], [2, 0.5], [0.3, 2]]);
    const data = src.sample(rows, { seed: 9 }).X;
    for (const covarianceType of ['full', 'diag', 'spherical', 'tied', 'VEV'] as const) {
      const gm = new GaussianMixture({ nComponents: 1, covarianceType }).fit(data);
      const sd = [0, 1].map((j) => Math.sqrt(gm.covariances.length === 1 ? gm.covariances[0] : covarianceType === 'diag' ? gm.covariances[j] : gm.covariances[j * d + j]));
      for (const type of ['bs', 'wlbs', 'pb', 'jk'] as const) {
        const b = bootstrapParameters(gm, data, type === 'jk' ? { type } : { type, nBoot: 300 });
        const se = b.standardErrors().means;
        for (let j = 0; j < d; j++) {
          // the standard error of a bootstrap sd from B replicates is about sd/√(2B): 4% at 300
          expect(se[j] / (sd[j] / Math.sqrt(rows)), `${covarianceType} ${type} ${j}`).toBeGreaterThan(0.85);
          expect(se[j] / (sd[j] / Math.sqrt(rows)), `${covarianceType} ${type} ${j}`).toBeLessThan(1.15);
        }
        expect(Array.from(b.standardErrors().weights)).toEqual([0]);
        const ci = b.confidenceIntervals(0.9);
        for (let j = 0; j < d; j++) expect(ci.means.lower[j] < gm.means.data[j] && gm.means.data[j] < ci.means.upper[j]).toBe(true);
      }
    }
  });

  it('bootstrapParametersAsync gives its bits on 0, 1 and 3 workers (the replicates split in blocks); its signal stops it', async () => {
    const lib = (await import('../dist/entry-node.js' as string)) as typeof import('../src/entry-node.js');
    await lib.init();
    const gm = lib.GaussianMixture.fromJSON(modelOf(f).toJSON());
    for (const type of ['bs', 'pb', 'jk'] as const) {
      const o = type === 'jk' ? { type } : { type, nBoot: 10, seed: 3 };
      const ref = lib.bootstrapParameters(gm, X(f), o);
      for (const workers of [0, 1, 3]) {
        const r = await lib.bootstrapParametersAsync(gm, X(f), { ...o, workers });
        expect(sameBits(r.means, ref.means) && sameBits(r.covariances, ref.covariances) && sameBits(r.weights, ref.weights), `${type} on ${workers}`).toBe(true);
        expect(r.nonfit).toBe(ref.nonfit);
      }
    }
    const ac = new AbortController();
    const run = lib.bootstrapParametersAsync(gm, X(f), { nBoot: 100000, workers: 2, signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    const inThread = lib.bootstrapParametersAsync(gm, X(f), { nBoot: 100000, workers: 0, signal: AbortSignal.timeout(100) });
    await expect(inThread).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(lib.bootstrapParametersAsync(gm, X(f), { workers: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(lib.bootstrapParametersAsync(gm, X(f), { worker: 2 } as never)).rejects.toThrow(/did you mean workers/);
  });

  it('the estimate: the model run on to tol; sample weights; missing values; a jackknife whose replicates all fail', () => {
    // a default fit (tol 1e-3) stops short: the bootstrap starts from, and centres on, its EM run on
    const loose = new GaussianMixture({ nComponents: 2 }).fit(X(f));
    const b = bootstrapParameters(loose, X(f), { nBoot: 40, seed: 1 });
    expect(b.estimate!.converged).toBe(true);
    expect(b.estimate!.options.tol).toBe(1e-8);
    const ci = b.confidenceIntervals(0.99);
    for (let i = 0; i < 4; i++) expect(ci.means.lower[i] < b.estimate!.means.data[i] && b.estimate!.means.data[i] < ci.means.upper[i]).toBe(true);
    expect(loose.nIter).toBe(new GaussianMixture({ nComponents: 2 }).fit(X(f)).nIter); // the model is left as it was
    // weights: each replicate's multiply the model's; the jackknife averages near the weighted fit
    const w = Array.from({ length: f.n }, (_, i) => (i < 100 ? 5 : 1));
    const weighted = new GaussianMixture({ nComponents: 2, tol: 1e-10 }).fit(X(f), { sampleWeight: w });
    const jk = bootstrapParameters(weighted, X(f), { type: 'jk', sampleWeight: w }).average().means;
    expect(maxRelDiff(jk, weighted.means.data)).toBeLessThan(1e-3);
    expect(errorCode(() => bootstrapParameters(weighted, X(f), { type: 'pb', sampleWeight: w }))).toBe('INVALID_OPTION');
    // missing values: a model that marginalises them bootstraps rows with NaN
    const holes = X(f).data.slice();
    for (let i = 0; i < holes.length; i += 13) holes[i] = NaN;
    const H: Matrix = { data: holes, rows: f.n, cols: 2 };
    const mv = new GaussianMixture({ nComponents: 2, missingValues: 'marginalize' }).fit(H);
    expect(bootstrapParameters(mv, H, { nBoot: 5 }).means.every(Number.isFinite)).toBe(true);
    // three rows, three components: without one row every replicate has too few
    const tiny = [[0, 0], [5, 5], [10, 0]];
    const t3 = new GaussianMixture({ nComponents: 3, regCovar: 1e-3 }).fit(tiny);
    expect(thrown(() => bootstrapParameters(t3, tiny, { type: 'jk' })).message).toMatch(/every one of the 3 jackknife replicates failed/);
  });

  it('refuses what it cannot use, before any fit', () => {
    const gm = modelOf(f);
    expect(errorCode(() => bootstrapParameters(new GaussianMixture(), X(f)))).toBe('NOT_FITTED');
    expect(errorCode(() => bootstrapParameters(new BayesianGaussianMixture({ nComponents: 2 }).fit(X(f)) as never, X(f)))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => bootstrapParameters(gm, [[1, 2, 3]]))).toBe('FEATURE_MISMATCH');
    expect(errorCode(() => bootstrapParameters(gm, X(f), { type: 'jk', nBoot: 10 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => bootstrapParameters(gm, X(f), { type: 'boot' as never }))).toBe('INVALID_OPTION');
    expect(errorCode(() => bootstrapParameters(gm, X(f), { nBoot: 1 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => bootstrapParameters(gm, X(f), { alpha: 0 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => bootstrapParameters(gm, X(f), { tol: -1 }))).toBe('INVALID_OPTION');
    expect(thrown(() => bootstrapParameters(gm, X(f), { nboot: 9 } as never)).message).toMatch(/nBoot/);
    expect(errorCode(() => bootstrapParameters(gm, X(f), { nBoot: 3 }).confidenceIntervals(1))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => bootstrapParameters(gm, X(f), { type: 'wlbs', nBoot: 3, alpha: 1e-300 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => bootstrapParameters(gm, X(f), { nBoot: 1e9 }))).toBe('TOO_LARGE');
    expect(errorCode(() => new ParameterBootstrap('bs', 10, 2, 2, 'full', 0,
      { weights: new Float64Array(3), means: new Float64Array(40), covariances: new Float64Array(80) }))).toBe('SHAPE_MISMATCH');
  });
});
