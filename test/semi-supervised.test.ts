// A fit's initResponsibilities against mclust's mstep (maxIter 0) and me (EM after it) from
// soft z, and SemiSupervisedMixture against mclust 6.0.0's MclustSSC
// (test/fixtures/generate_ssc.R): every covariance model's BIC, the model chosen, its
// parameters, log-likelihood and df, the classification and predict()'s z; then starts that
// must agree with each other, JSON and the refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BayesianGaussianMixture, GaussianMixture, PRIOR_MODELS, SemiSupervisedMixture, type Matrix } from '../src/index.js';
import type * as Lib from '../src/entry-node.js';
import { modelNamed, structureOf, type CovarianceModel } from '../src/model/covariance-models.js';
import { fullCovariance } from '../src/model/params.js';
import { errorCode, expectSameFit, loadCore, maxRelDiff, overlapping, sameBits, thrown } from './helpers.js';

interface Params { pro: number[]; mean: number[]; sigma: number[] }
interface Case extends Params { name: string; prior: boolean; n: number; d: number; x: number[]; y: (string | null)[]; classes: string[]; models: string[];
  bic: (number | null)[]; chosen: string; loglik: number; df: number; bicChosen: number; classification: string[]; z: number[]; predicted: string[] }
interface Step { model: string; mstep: Params; me: Params & { loglik: number } }
const fx = JSON.parse(readFileSync(new URL('./fixtures/ssc.json', import.meta.url), 'utf8')) as { cases: Case[]; z: number[]; x: number[]; steps: Step[] };
const X = (c: Case): Matrix => ({ data: Float64Array.from(c.x), rows: c.n, cols: c.d });
const iris: Matrix = { data: Float64Array.from(fx.x), rows: 150, cols: 4 };
const Z: Matrix = { data: Float64Array.from(fx.z), rows: 150, cols: 3 };
// mclust's one-feature models E and V are EII and VII here
const ours = (m: string): CovarianceModel => (m === 'E' ? 'EII' : m === 'V' ? 'VII' : m) as CovarianceModel;
// mclust stops VEE's and EVE's inner iterations before their parameters settle; its VVE
// M-step is not the likelihood's maximum (README, "Covariance models")
const LOOSE = new Set(['VEE', 'EVE']);
// with a prior, mclust's mstep (which MclustSSC runs) and the M-step inside its EM differ for
// these four (edda.test.ts); ours is EM's
const MSTEP_PRIOR = new Set(['EII', 'EEI', 'EVI', 'EEV']);
const looseFor = (c: Case, m: string): boolean => LOOSE.has(m) || (c.prior && MSTEP_PRIOR.has(m));

const fullCovariances = (gm: GaussianMixture): number[] =>
  Array.from({ length: gm.nComponents }, (_, k) => Array.from(fullCovariance(structureOf(gm.covarianceType), gm.nFeatures, gm.covariances, k))).flat();

beforeAll(loadCore);

describe('initResponsibilities: mclust\'s mstep and me from soft z', () => {
  for (const s of fx.steps) {
    it(`${s.model}: maxIter 0 is mstep(z); EM after it is me(z)`, () => {
      const m = ours(s.model);
      const one = new GaussianMixture({ nComponents: 3, covarianceType: m, regCovar: 0, maxIter: 0 }).fit(iris, { initResponsibilities: Z });
      expect(one.nIter).toBe(0);
      expect(maxRelDiff(one.weights, s.mstep.pro)).toBeLessThan(1e-14);
      expect(maxRelDiff(one.means.data, s.mstep.mean)).toBeLessThan(1e-13);
      if (s.model !== 'VVE') expect(maxRelDiff(fullCovariances(one), s.mstep.sigma), 'mstep').toBeLessThan(LOOSE.has(s.model) ? 1e-5 : 1e-12);
      const em = new GaussianMixture({ nComponents: 3, covarianceType: m, regCovar: 0, tol: 1e-14, maxIter: 100000 }).fit(iris, { initResponsibilities: Z });
      const ll = em.score(iris) * 150;
      if (s.model === 'VVE') {
        expect(ll).toBeGreaterThan(s.me.loglik - 1e-6); // ours reaches at least mclust's optimum
        return;
      }
      expect(Math.abs(ll - s.me.loglik) / Math.abs(s.me.loglik), 'me loglik').toBeLessThan(LOOSE.has(s.model) ? 1e-7 : 1e-12);
      // at the optimum the likelihood is flat: its parameters agree to about the root of its tolerance
      expect(maxRelDiff(em.means.data, s.me.mean), 'me means').toBeLessThan(LOOSE.has(s.model) ? 1e-4 : 1e-6);
      expect(maxRelDiff(em.weights, s.me.pro), 'me weights').toBeLessThan(LOOSE.has(s.model) ? 1e-4 : 1e-6);
    });
  }

  it('one-hot responsibilities give initLabels\' bits (fit, fitAsync in this thread, with missing values, a Bayesian mixture)', async () => {
    const data = overlapping(5, 3000, 3, 4);
    const labels = Int32Array.from({ length: data.rows }, (_, i) => (i * 7) % 4);
    const onehot = { data: new Float64Array(data.rows * 4), rows: data.rows, cols: 4 };
    labels.forEach((l, i) => { onehot.data[i * 4 + l] = 1; });
    for (const covarianceType of ['full', 'tied', 'diag', 'spherical', 'VEV'] as const) {
      const a = new GaussianMixture({ nComponents: 4, covarianceType, maxIter: 5 }).fit(data, { initLabels: labels });
      const b = new GaussianMixture({ nComponents: 4, covarianceType, maxIter: 5 }).fit(data, { initResponsibilities: onehot });
      expectSameFit(a, b);
      const c = await new GaussianMixture({ nComponents: 4, covarianceType, maxIter: 5 }).fitAsync(data, { initResponsibilities: onehot, workers: 0 });
      expectSameFit(a, c);
    }
    const holed = { ...data, data: data.data.slice() };
    for (let i = 0; i < holed.rows; i += 5) holed.data[i * 3 + (i % 3)] = NaN;
    holed.data.fill(NaN, 9, 12); // row 3 has nothing observed and is left out
    const o = { nComponents: 4, missingValues: 'marginalize', maxIter: 4 } as const;
    expectSameFit(new GaussianMixture(o).fit(holed, { initLabels: labels }), new GaussianMixture(o).fit(holed, { initResponsibilities: onehot }));
    const bl = new BayesianGaussianMixture({ nComponents: 4, maxIter: 4 }).fit(data, { initLabels: labels });
    const br = new BayesianGaussianMixture({ nComponents: 4, maxIter: 4 }).fit(data, { initResponsibilities: onehot });
    expect(sameBits(bl.weights, br.weights) && sameBits(bl.covariances, br.covariances)).toBe(true);
  });

  it('fitAsync on workers gives fit()\'s bits from soft responsibilities', async () => {
    // workers load the built package (dist/), as in parallel.test.ts
    const lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
    await lib.init();
    const a = new lib.GaussianMixture({ nComponents: 3, maxIter: 6 }).fit(iris, { initResponsibilities: Z });
    const b = await new lib.GaussianMixture({ nComponents: 3, maxIter: 6 }).fitAsync(iris, { initResponsibilities: Z, workers: 2 });
    expectSameFit(a as never, b as never);
    const pool = await lib.WorkerPool.create(iris, { workers: 1 });
    try {
      await expect(new lib.GaussianMixture({ nComponents: 3 }).fitAsync(pool, { initResponsibilities: Z })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    } finally {
      pool.close();
    }
  });

  it('refuses a bad matrix, two starts, restarts and a warm start', () => {
    const gm = (o = {}): GaussianMixture => new GaussianMixture({ nComponents: 3, ...o });
    expect(errorCode(() => gm().fit(iris, { initResponsibilities: { data: Z.data.subarray(0, 147 * 3), rows: 147, cols: 3 } }))).toBe('INVALID_INIT');
    expect(errorCode(() => gm({ nComponents: 2 }).fit(iris, { initResponsibilities: Z }))).toBe('INVALID_INIT');
    const neg = Z.data.slice(); neg[4] = -0.1; neg[5] += 0.1;
    expect(thrown(() => gm().fit(iris, { initResponsibilities: { ...Z, data: neg } })).message).toMatch(/\[1\]\[1\] is -0\.1/);
    const off = Z.data.slice(); off[7] += 1e-6;
    expect(thrown(() => gm().fit(iris, { initResponsibilities: { ...Z, data: off } })).message).toMatch(/row 2 sums to/);
    expect(errorCode(() => gm().fit(iris, { initResponsibilities: 'z' as never }))).toBe('INVALID_INIT');
    expect(errorCode(() => gm().fit(iris, { initResponsibilities: Z, initLabels: new Int32Array(150) }))).toBe('INVALID_OPTION');
    expect(errorCode(() => gm({ nInit: 2 }).fit(iris, { initResponsibilities: Z }))).toBe('INVALID_OPTION');
    const warm = gm({ warmStart: true }).fit(iris);
    expect(errorCode(() => warm.fit(iris, { initResponsibilities: Z }))).toBe('INVALID_OPTION');
  });
});

describe('SemiSupervisedMixture against mclust\'s MclustSSC', () => {
  for (const c of fx.cases) {
    it(`${c.name}: every model's BIC, the model chosen, its parameters, log-likelihood and df, the classification and predictions`, () => {
      const ssc = new SemiSupervisedMixture({ regCovar: 0, prior: c.prior, ...(c.prior ? { covarianceTypes: c.models as never } : {}) }).fit(X(c), c.y);
      expect(ssc.classes).toEqual(c.classes);
      const sel = ssc.selection;
      expect(sel.failed).toEqual([]);
      expect(sel.results).toHaveLength(c.models.length);
      c.models.forEach((name, i) => {
        const r = sel.results.find((x) => x.covarianceType === modelNamed(ours(name)))!;
        expect(r, name).toBeDefined();
        const want = c.bic[i]!;
        // mclust's BIC is 2ℓ − df·ln n, higher is better
        if (name === 'VVE') expect(-r.bic, name).toBeGreaterThan(want - 1e-6);
        else expect(Math.abs(-r.bic - want) / Math.abs(want), name).toBeLessThan(c.prior && MSTEP_PRIOR.has(name) ? 1e-2 : looseFor(c, name) ? 1e-6 : 1e-9);
        expect(r.converged).toBe(true);
      });
      expect(ssc.covarianceType).toBe(modelNamed(ours(c.chosen)));
      const loose = looseFor(c, c.chosen);
      expect(Math.abs(ssc.logLikelihood - c.loglik) / Math.abs(c.loglik)).toBeLessThan(loose ? 1e-6 : 1e-9);
      expect(ssc.nParameters).toBe(c.df);
      expect(Math.abs(-ssc.bic - c.bicChosen) / Math.abs(c.bicChosen)).toBeLessThan(loose ? 1e-6 : 1e-9);
      expect(maxRelDiff(ssc.weights, c.pro)).toBeLessThan(loose ? 1e-5 : 1e-8);
      expect(maxRelDiff(ssc.means.data, c.mean)).toBeLessThan(loose ? 1e-5 : 1e-8);
      expect(maxRelDiff(fullCovariances(ssc.mixture), c.sigma)).toBeLessThan(loose ? 2e-3 : 1e-7);
      expect(ssc.classification).toEqual(c.classification);
      expect(maxRelDiff(ssc.predictProba(X(c)).data, c.z)).toBeLessThan(loose ? 1e-2 : 1e-6);
      expect(ssc.predict(X(c))).toEqual(c.predicted);
      // a labelled row keeps its class in the classification
      c.y.forEach((l, i) => { if (l !== null) expect(ssc.classification![i]).toBe(l); });
    });
  }
});

describe('SemiSupervisedMixture: its own behaviour', () => {
  const c = fx.cases[0];
  it('labels may be numbers, and undefined or NaN mark unknown rows as null does', () => {
    const a = new SemiSupervisedMixture({ covarianceTypes: ['VEV', 'full'] }).fit(X(c), c.y);
    const nums = c.y.map((l, i) => (l === null ? (i % 2 ? undefined : NaN) : c.classes.indexOf(l) + 10));
    const b = new SemiSupervisedMixture({ covarianceTypes: ['VEV', 'full'] }).fit(X(c), nums);
    expect(b.classes).toEqual([10, 11, 12]);
    expect(sameBits(a.means.data, b.means.data) && sameBits(a.covariances, b.covariances)).toBe(true);
    expect(b.predict(X(c)).slice(0, 3)).toEqual([10, 10, 10]);
  });

  it('JSON keeps the model, the classes and the selection (the classification is not kept)', () => {
    const a = new SemiSupervisedMixture({ covarianceTypes: ['VEV', 'EII', 'full'] }).fit(X(c), c.y);
    const b = SemiSupervisedMixture.fromJSON(JSON.stringify(a.toJSON()));
    expect(sameBits(a.predictProba(X(c)).data, b.predictProba(X(c)).data)).toBe(true);
    expect(b.selection.results).toEqual(a.selection.results);
    expect(b.bic).toBe(a.bic);
    expect(b.options).toEqual(a.options);
    expect(b.classification).toBeNull();
    expect(errorCode(() => SemiSupervisedMixture.fromJSON({ ...a.toJSON(), format: 'x' as never }))).toBe('INVALID_JSON');
    const j = a.toJSON();
    for (const bad of [{ classes: ['a'] }, { classes: ['a', 'a', 'b'] }, { classes: ['a', 1, 'b'] }, { options: { nComponents: 3 } },
      { selection: { ...j.selection, results: [null] } }, { selection: { ...j.selection, failed: [null] } },
      { selection: { ...j.selection, results: [{ ...j.selection.results[0], bic: 'x' }] } },
      { selection: { ...j.selection, failed: [{ covarianceType: 'full', code: 'NOPE', message: '' }] } },
      { options: { ...j.options, criterion: j.options.criterion === 'aic' ? 'bic' : 'aic' } }]) {
      expect(errorCode(() => SemiSupervisedMixture.fromJSON({ ...j, ...bad } as never)), JSON.stringify(bad)).toBe('INVALID_JSON');
    }
  });

  it('keeps the columns\' names (scoring refuses others), reports each iteration, and a throw from it stops the fit', () => {
    const named = { ...X(c), columns: ['sl', 'sw', 'pl', 'pw'] };
    const ssc = new SemiSupervisedMixture({ covarianceTypes: ['VEV', 'EII'] });
    const seen: string[] = [];
    ssc.fit(named, c.y, { onIteration: (i) => { seen.push(`${i.covarianceType} ${i.iter}`); expect(Number.isFinite(i.logLikelihood)).toBe(true); } });
    expect(seen.filter((s) => s.startsWith('VEV ')).length).toBe(ssc.selection.results.find((r) => r.covarianceType === 'VEV')!.nIter);
    expect(ssc.mixture.featureNames).toEqual(['sl', 'sw', 'pl', 'pw']);
    expect(errorCode(() => ssc.predict({ ...X(c), columns: ['sw', 'sl', 'pl', 'pw'] }))).toBe('FEATURE_MISMATCH');
    const before = JSON.stringify(ssc);
    expect(() => ssc.fit(X(c), c.y, { onIteration: () => { throw new Error('stop'); } })).toThrow('stop');
    expect(JSON.stringify(ssc)).toBe(before);
    expect(errorCode(() => ssc.fit(X(c), c.y, { sampleWeight: [] } as never))).toBe('INVALID_OPTION');
    expect(errorCode(() => ssc.fit(X(c), c.y, {}, 1 as never))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => SemiSupervisedMixture.fromJSON('{'))).toBe('INVALID_JSON');
  });

  it('fitAsync gives fit()\'s bits, yielding between iterations; its signal stops it with ABORTED and the model unchanged', async () => {
    const o = { covarianceTypes: ['VEV', 'EII', 'full'] as CovarianceModel[] };
    const a = new SemiSupervisedMixture(o).fit(X(c), c.y);
    const b = await new SemiSupervisedMixture(o).fitAsync(X(c), c.y);
    expect(sameBits(a.predictProba(X(c)).data, b.predictProba(X(c)).data)).toBe(true);
    expect(b.selection.results).toEqual(a.selection.results);
    expect(b.classification).toEqual(a.classification);
    const ac = new AbortController();
    let seen = 0;
    const before = JSON.stringify(b);
    await expect(b.fitAsync(X(c), c.y, { onIteration: () => { if (++seen === 3) ac.abort(); }, signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(JSON.stringify(b)).toBe(before);
    let ran = 0;
    await expect(new SemiSupervisedMixture(o).fitAsync(X(c), c.y, { signal: AbortSignal.abort(), onIteration: () => { ran++; } })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(ran).toBe(0);
    // a fit beside a fitAsync, or from its onIteration, would overwrite one result with the other
    const m = new SemiSupervisedMixture(o);
    const running = m.fitAsync(X(c), c.y);
    expect(errorCode(() => m.fit(X(c), c.y))).toBe('REENTRANT');
    await running;
    expect(errorCode(() => m.fit(X(c), c.y, { onIteration: () => { m.fit(X(c), c.y); } }))).toBe('REENTRANT');
    expect(m.fit(X(c), c.y).classes).toEqual(c.classes);
    await expect(new SemiSupervisedMixture(o).fitAsync(X(c), c.y, { signal: 'x' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('stops at maxIter unconverged, and a looser tol stops sooner', () => {
    const capped = new SemiSupervisedMixture({ covarianceTypes: ['full'], maxIter: 3 }).fit(X(c), c.y);
    expect(capped.nIter).toBe(3);
    expect(capped.converged).toBe(false);
    const loose = new SemiSupervisedMixture({ covarianceTypes: ['full'], tol: 1 }).fit(X(c), c.y);
    const tight = new SemiSupervisedMixture({ covarianceTypes: ['full'], tol: 1e-10 }).fit(X(c), c.y);
    expect(loose.nIter).toBeLessThan(tight.nIter);
    expect(tight.logLikelihood).toBeGreaterThanOrEqual(loose.logLikelihood);
  });

  it('refuses what does not apply, and bad labels, before any work', () => {
    expect(errorCode(() => new SemiSupervisedMixture({ nComponents: 3 } as never))).toBe('INVALID_OPTION');
    expect(thrown(() => new SemiSupervisedMixture({ covarianceType: 'full' } as never)).message).toMatch(/covarianceTypes: \['full'\]/);
    expect(errorCode(() => new SemiSupervisedMixture({ maxIter: 0 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => new SemiSupervisedMixture({ covarianceTypes: ['XYZ'] as never }))).toBe('INVALID_OPTION');
    expect(errorCode(() => new SemiSupervisedMixture({ criterion: 'icl' as never }))).toBe('INVALID_OPTION');
    expect(thrown(() => new SemiSupervisedMixture({ reg_covar: 0 } as never)).message).toMatch(/regCovar/);
    const ssc = new SemiSupervisedMixture();
    expect(errorCode(() => ssc.fit(X(c), c.y.slice(1)))).toBe('SHAPE_MISMATCH');
    expect(thrown(() => ssc.fit(X(c), c.y.map((l) => l ?? 'setosa'))).message).toMatch(/MixtureDiscriminant/);
    expect(errorCode(() => ssc.fit(X(c), c.y.map((l) => (l === null ? null : 'a'))))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => ssc.fit(X(c), c.y.map((l, i) => (i === 0 ? 1 : l)) as never))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => ssc.classes)).toBe('NOT_FITTED');
  });

  it('no more rows than features: the orientation models are left out, those mclust cannot fit (NA) fail, the others go on', () => {
    const wide = Array.from({ length: 6 }, (_, i) => Array.from({ length: 7 }, (_, j) => Math.sin(i * 7 + j * 3) + (i % 2) * 2));
    const y = ['a', 'b', 'a', 'b', null, null];
    const ssc = new SemiSupervisedMixture({ regCovar: 0 }).fit(wide, y);
    expect(ssc.selection.results.map((r) => r.covarianceType).sort()).toEqual(['EEI', 'EII', 'EVI', 'VEI', 'diag', 'spherical']);
    expect(ssc.selection.failed.map((f) => f.covarianceType)).toEqual(['VEE', 'EVE', 'VVE', 'EVV']);
    expect(ssc.selection.failed.every((f) => f.error.code === 'NOT_POSITIVE_DEFINITE' && /M-step of EM iteration 1/.test(f.error.message))).toBe(true);
    // every model failing is an error saying why
    expect(errorCode(() => new SemiSupervisedMixture({ regCovar: 0, covarianceTypes: ['EVE', 'VVE'] }).fit(wide, y))).toBe('NOT_POSITIVE_DEFINITE');
  });

  it('with a prior the default models are the ten mclust has a prior for; a model without one is refused up front', () => {
    const ssc = new SemiSupervisedMixture({ prior: true }).fit(X(c), c.y);
    expect(ssc.selection.results.map((r) => r.covarianceType).sort()).toEqual([...PRIOR_MODELS].sort());
    expect(errorCode(() => new SemiSupervisedMixture({ prior: true, covarianceTypes: ['full', 'VEE'] }))).toBe('INVALID_OPTION');
  });

  it('mixture is the chosen model as fromParameters gives it, with this model\'s regCovar (tol and maxIter a GaussianMixture\'s own)', () => {
    const ssc = new SemiSupervisedMixture({ covarianceTypes: ['VEV'], tol: 1e-7, regCovar: 1e-4 }).fit(X(c), c.y);
    const gm = ssc.mixture;
    expect(gm.nIter).toBe(0);
    expect(gm.options.regCovar).toBe(1e-4);
    expect(gm.options.tol).toBe(1e-3);
    expect(gm.options.maxIter).toBe(100);
    expect(sameBits(gm.predictProba(X(c)).data, ssc.predictProba(X(c)).data)).toBe(true);
  });
});
