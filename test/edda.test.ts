// maxIter 0 (the start's parameters, as scikit-learn allows) from initLabels against mclust's
// mstep(z = unmap(class)), and MixtureDiscriminant's modelType 'EDDA' against mclust 6.0.0's
// MclustDA(modelType = "EDDA") (test/fixtures/generate_edda.R): every covariance model's BIC,
// the model chosen, the posteriors and the predictions; then JSON, failures and refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BayesianGaussianMixture, GaussianMixture, GmmError, MixtureDiscriminant, bootstrapLRT, bootstrapParameters, type Matrix } from '../src/index.js';
import { structureOf, type CovarianceModel } from '../src/model/covariance-models.js';
import { fullCovariance } from '../src/model/params.js';
import type * as Lib from '../src/entry-node.js';
import { errorCode, expectSameFit, loadCore, maxRelDiff, overlapping, pieces, sameBits, thrown } from './helpers.js';

interface Fit { model: string; bic: number | null; loglik: number; complete: number; pro: number[]; mean: number[]; sigma: number[] }
interface Case { name: string; prior: boolean; n: number; d: number; x: number[]; y: string[]; classes: string[]; chosen: string; fits: Fit[]; z: number[]; predicted: string[];
  loglik: number; df: number; bic: number }
const fx = JSON.parse(readFileSync(new URL('./fixtures/edda.json', import.meta.url), 'utf8')) as { cases: Case[] };
const X = (c: Case): Matrix => ({ data: Float64Array.from(c.x), rows: c.n, cols: c.d });
// mclust's one-feature models E and V are EII and VII here
const ours = (m: string): CovarianceModel => (m === 'E' ? 'EII' : m === 'V' ? 'VII' : m) as CovarianceModel;
const NAMES: Record<string, string> = { full: 'VVV', tied: 'EEE', diag: 'VVI', spherical: 'VII' };
const mclustName = (t: string, d: number): string => (d === 1 ? ({ EII: 'E', VII: 'V', spherical: 'V' } as Record<string, string>)[t] : NAMES[t] ?? t);
// mclust stops VEE's and EVE's inner iterations before their parameters settle; its VVE
// M-step is not the likelihood's maximum (README, "Covariance models")
const LOOSE = new Set(['VEE', 'EVE']);
// with a prior, mclust's mstep (its Fortran ms*p) and the M-step inside its EM (me*p, which
// prior.test.ts matches) differ for these four; ours is EM's
const MSTEP_PRIOR = new Set(['EII', 'EEI', 'EVI', 'EEV']);
const looseFor = (c: Case, m: string): boolean => c.prior && MSTEP_PRIOR.has(m);

/** gm's covariances as K full d×d matrices, whatever the model's layout. */
const fullCovariances = (gm: GaussianMixture): number[] =>
  Array.from({ length: gm.nComponents }, (_, k) => Array.from(fullCovariance(structureOf(gm.covarianceType), gm.nFeatures, gm.covariances, k))).flat();

beforeAll(loadCore);

describe('maxIter 0 from initLabels is mclust\'s mstep from the classes (with its prior too)', () => {
  for (const c of fx.cases) {
    it(`${c.name}: every model's weights, means and covariances, and the log-likelihood of the rows`, () => {
      const labels = c.y.map((v) => c.classes.indexOf(v));
      for (const f of c.fits) {
        const gm = new GaussianMixture({ nComponents: c.classes.length, covarianceType: ours(f.model), regCovar: 0, maxIter: 0, prior: c.prior })
          .fit(X(c), { initLabels: labels });
        expect(gm.nIter).toBe(0);
        expect(gm.converged).toBe(false);
        expect(gm.lowerBound).toBe(-Infinity);
        expect(Array.from(gm.lowerBounds)).toEqual([]);
        const tol = LOOSE.has(f.model) ? 1e-5 : 1e-12;
        expect(maxRelDiff(gm.weights, f.pro), f.model).toBeLessThan(1e-14);
        if (looseFor(c, f.model)) {
          expect(Math.abs(gm.score(X(c)) * c.n - f.loglik) / Math.abs(f.loglik), f.model).toBeLessThan(1e-2);
          continue;
        }
        expect(maxRelDiff(gm.means.data, f.mean), f.model).toBeLessThan(1e-13);
        if (f.model === 'VVE') {
          // the M-step's objective: the log-likelihood of the rows with their classes, higher here
          const da = new MixtureDiscriminant({ modelType: 'EDDA', covarianceTypes: ['VVE'], regCovar: 0 }).fit(X(c), c.y);
          const complete = labels.reduce((s, k, i) => s + Math.log(da.priors[k]) + da.models[k].scoreSamples({ data: X(c).data.subarray(i * c.d, (i + 1) * c.d), rows: 1, cols: c.d })[0], 0);
          expect(complete).toBeGreaterThan(f.complete);
          continue;
        }
        expect(maxRelDiff(fullCovariances(gm), f.sigma), f.model).toBeLessThan(tol);
        expect(Math.abs(gm.score(X(c)) * c.n - f.loglik) / Math.abs(f.loglik), f.model).toBeLessThan(LOOSE.has(f.model) ? 1e-7 : 1e-13);
      }
    });
  }

  it('a fit with maxIter 0 and then one of maxIter M from it (warmStart) is the fit of maxIter M, for every covariance type', () => {
    const Xo = overlapping(3, 3000, 3, 3);
    for (const covarianceType of ['full', 'tied', 'diag', 'spherical', 'VEV', 'EVE'] as const) {
      const o = { nComponents: 3, covarianceType, seed: 5, tol: 0, maxIter: 7 };
      const whole = new GaussianMixture(o).fit(Xo);
      const start = new GaussianMixture({ ...o, maxIter: 0 }).fit(Xo);
      const back = GaussianMixture.fromJSON(JSON.stringify(start));
      expect(back.nIter).toBe(0);
      const on = GaussianMixture.fromJSON({ ...back.toJSON(), options: { ...back.toJSON().options, maxIter: 7, warmStart: true } }).fit(Xo);
      expectSameFit(on, whole);
    }
  });

  it('maxIter 0 gives fit()\'s start on workers (relayed), in a stream and from labels on workers', async () => {
    const lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
    await lib.init();
    const Xo = overlapping(8, 5000, 3, 3);
    for (const covarianceType of ['full', 'VEV'] as const) {
      const make = (): Lib.GaussianMixture => new lib.GaussianMixture({ nComponents: 3, covarianceType, maxIter: 0, seed: 2 });
      const ref = make().fit(Xo);
      const labels = ref.predict(Xo);
      const fromLabels = make().fit(Xo, { initLabels: labels });
      for (const [gm, want] of [[await make().fitAsync(Xo, { workers: 2 }), ref], [await make().fitStream(pieces(Xo, 777)), ref],
        [await make().fitAsync(Xo, { workers: 2, initLabels: labels }), fromLabels]] as const) {
        expect(gm.nIter).toBe(0);
        expect(sameBits(gm.means.data, want.means.data)).toBe(true);
        expect(sameBits(gm.covariances, want.covariances)).toBe(true);
        expect(sameBits(gm.weights, want.weights)).toBe(true);
      }
    }
  });

  it('refused: maxIter 0 in a BayesianGaussianMixture, with nInit > 1, in bootstrapLRT and bootstrapParameters; negative maxIter', () => {
    expect(thrown(() => new BayesianGaussianMixture({ maxIter: 0 })).code).toBe('INVALID_OPTION');
    expect(thrown(() => new GaussianMixture({ maxIter: 0, nInit: 3 })).message).toMatch(/nInit must be 1/);
    expect(errorCode(() => bootstrapLRT(X(fx.cases[0]), { maxIter: 0, nBoot: 3 }))).toBe('INVALID_OPTION');
    const fitted = new GaussianMixture({ nComponents: 2 }).fit(X(fx.cases[0]));
    expect(errorCode(() => bootstrapParameters(fitted, X(fx.cases[0]), { maxIter: 0, nBoot: 3 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => new GaussianMixture({ maxIter: -1 }))).toBe('INVALID_OPTION');
  });
});

describe('MixtureDiscriminant modelType EDDA against mclust\'s MclustDA(modelType = "EDDA")', () => {
  for (const c of fx.cases) {
    it(`${c.name}: every model's BIC, the model chosen, the posteriors and the predictions`, () => {
      // with a prior, the ten models mclust has one for
      const da = new MixtureDiscriminant({ modelType: 'EDDA', regCovar: 0, prior: c.prior }).fit(X(c), c.y);
      expect(da.modelType).toBe('EDDA');
      expect(da.classes).toEqual(c.classes);
      const sel = da.selection!;
      expect(sel.failed).toEqual([]);
      expect(sel.results.length).toBe(c.fits.length);
      for (const f of c.fits) {
        const r = sel.results.find((x) => mclustName(x.covarianceType, c.d) === f.model)!;
        expect(r, f.model).toBeDefined();
        // mclust's BIC is 2 log L − p ln n, higher is better
        if (f.model === 'VVE') expect(r.bic).toBeLessThan(-f.bic!);
        else if (looseFor(c, f.model)) expect(Math.abs(r.bic + f.bic!) / Math.abs(f.bic!), f.model).toBeLessThan(1e-2);
        else expect(Math.abs(r.bic + f.bic!) / Math.abs(f.bic!), f.model).toBeLessThan(LOOSE.has(f.model) ? 1e-8 : 1e-13);
      }
      expect(mclustName(sel.results[0].covarianceType, c.d)).toBe(c.chosen);
      da.models.forEach((m) => {
        expect(m.nComponents).toBe(1);
        expect(mclustName(m.covarianceType, c.d)).toBe(c.chosen);
      });
      const p = da.predictProba(X(c));
      expect(maxRelDiff(p.data, c.z)).toBeLessThan(1e-9);
      expect(da.predict(X(c))).toEqual(c.predicted);
      // logLik.MclustDA, its df and mclust's bic
      expect(Math.abs(da.logLikelihood(X(c)) - c.loglik) / Math.abs(c.loglik)).toBeLessThan(1e-10);
      expect(da.nParameters()).toBe(c.df);
      expect(Math.abs(da.bic(X(c)) + c.bic) / Math.abs(c.bic)).toBeLessThan(1e-10);
      // JSON keeps the kind and the selection, and gives back the same bits
      const back = MixtureDiscriminant.fromJSON(JSON.stringify(da));
      expect(back.modelType).toBe('EDDA');
      expect(back.selection!.results).toEqual(da.selection!.results);
      expect(back.selection!.failed.map((f) => [f.covarianceType, f.error.code, f.error.message]))
        .toEqual(da.selection!.failed.map((f) => [f.covarianceType, f.error.code, f.error.message]));
      expect(sameBits(back.predictProba(X(c)).data, p.data)).toBe(true);
    });
  }
});

describe('MixtureDiscriminant modelType EDDA', () => {
  const c = fx.cases[0];
  it('a model a class cannot support fails alone; when every model fails, the error says why', () => {
    // two rows of one class in four dimensions: that class's own covariance is singular
    const keep = c.y.map((v, i) => v !== 'setosa' || i < 2);
    const rows = keep.flatMap((k, i) => (k ? [i] : []));
    const Xs: Matrix = { data: Float64Array.from(rows.flatMap((i) => c.x.slice(i * 4, i * 4 + 4))), rows: rows.length, cols: 4 };
    const ys = rows.map((i) => c.y[i]);
    const da = new MixtureDiscriminant({ modelType: 'EDDA', regCovar: 0 }).fit(Xs, ys);
    const failed = da.selection!.failed.map((f) => f.covarianceType);
    expect(failed).toEqual(expect.arrayContaining(['full', 'EVV']));
    expect(da.selection!.failed.every((f) => f.error.code === 'NOT_POSITIVE_DEFINITE')).toBe(true);
    expect(da.selection!.results.length + failed.length).toBe(14);
    expect(failed).not.toContain(da.selection!.results[0].covarianceType);
    // JSON keeps the failures as GmmErrors; a damaged selection is refused
    const j = da.toJSON();
    expect(MixtureDiscriminant.fromJSON(JSON.stringify(j)).selection!.failed.every((f) => f.error instanceof GmmError && f.error.code === 'NOT_POSITIVE_DEFINITE')).toBe(true);
    for (const selection of [{ ...j.selection!, results: [] }, { ...j.selection!, failed: [{ covarianceType: 'full', code: 'NOPE', message: '' }] },
      { ...j.selection!, results: [{ ...j.selection!.results[0], bic: 'x' }] }, { ...j.selection!, criterion: 'icl' },
      { ...j.selection!, results: [{ ...j.selection!.results[0], covarianceType: 'bogus' }] },
      { ...j.selection!, results: [j.selection!.results[0], j.selection!.results[0]] },
      { ...j.selection!, failed: [{ covarianceType: 'nope', code: 'NOT_POSITIVE_DEFINITE', message: '' }] }]) {
      expect(errorCode(() => MixtureDiscriminant.fromJSON({ ...j, selection } as never))).toBe('INVALID_JSON');
    }
    expect(errorCode(() => MixtureDiscriminant.fromJSON({ ...j, modelType: 'MclustDA' }))).toBe('INVALID_JSON');
    // keys it does not know are not kept
    const extra = { ...j, selection: { ...j.selection!, results: j.selection!.results.map((r) => ({ ...r, note: 'x' })) } };
    expect(Object.keys(MixtureDiscriminant.fromJSON(extra as never).selection!.results[0])).not.toContain('note');
    // only models that class cannot support: the error says why
    const e = thrown(() => new MixtureDiscriminant({ modelType: 'EDDA', regCovar: 0, covarianceTypes: ['full', 'EVV'] }).fit(Xs, ys));
    expect(e.code).toBe('NOT_POSITIVE_DEFINITE');
    expect(e.message).toMatch(/EDDA could fit none of the covariance models \(full, EVV\)/);
    // with the default regCovar every model fits, and the classes' own covariances sit on its floor
    const floor = new MixtureDiscriminant({ modelType: 'EDDA' }).fit(Xs, ys).selection!;
    expect(floor.failed).toEqual([]);
    expect(floor.results.find((r) => r.covarianceType === 'full')!.collapsed).toBe(true);
    expect(floor.results.find((r) => r.covarianceType === 'tied')!.collapsed).toBe(false);
  });

  it('with regCovar 0 a class of one row, or a feature constant in a class, leaves a rounding variance: collapsed, ranked last (mclust: NA)', () => {
    // one feature: the class 'a' of two equal rows; mclust's EDDA takes E and says a, b
    const one = new MixtureDiscriminant({ modelType: 'EDDA', regCovar: 0 }).fit([[0], [0], [5], [6]], ['a', 'a', 'b', 'b']);
    expect(one.selection!.results.map((r) => [r.covarianceType, r.collapsed])).toEqual([['EII', false], ['spherical', true]]);
    expect(one.predict([[0.5], [5.5]])).toEqual(['a', 'b']);
    // iris with three setosa rows, whose petal width is constant: mclust's BIC for the models
    // it estimates (2 log L − p ln n), NA for VVI and EVI (on the floor here: collapsed),
    // VVV and EVV (failed here too), and VEE, EVE and VVE, whose M-steps mclust cannot compute
    // where a class's scatter is singular (they are estimated here, VEE the best)
    const keep = c.y.map((v, i) => v !== 'setosa' || i < 3);
    const rows = keep.flatMap((k, i) => (k ? [i] : []));
    const Xs: Matrix = { data: Float64Array.from(rows.flatMap((i) => c.x.slice(i * 4, i * 4 + 4))), rows: rows.length, cols: 4 };
    const sel = new MixtureDiscriminant({ modelType: 'EDDA', regCovar: 0 }).fit(Xs, rows.map((i) => c.y[i])).selection!;
    const R: Record<string, number> = { EII: -635.3678, spherical: -624.8636, EEI: -572.3709, VEI: -565.433, tied: -423.8281, EEV: -463.8719, VEV: -439.6504 };
    for (const [t, bic] of Object.entries(R)) expect(Math.abs(sel.results.find((r) => r.covarianceType === t)!.bic + bic), t).toBeLessThan(1e-3);
    expect(sel.results.filter((r) => r.collapsed).map((r) => r.covarianceType).sort()).toEqual(['EVI', 'diag']);
    expect(sel.failed.map((f) => f.covarianceType)).toEqual(['full', 'EVV']);
    expect(sel.results[0]).toMatchObject({ covarianceType: 'VEE', collapsed: false });
  });

  it('criterion aic ranks by AIC; bic and aic are −2 log L plus the weights-free count', () => {
    const da = new MixtureDiscriminant({ modelType: 'EDDA', regCovar: 0, criterion: 'aic' }).fit(X(c), c.y);
    const r = da.selection!.results;
    expect(da.selection!.criterion).toBe('aic');
    for (let i = 1; i < r.length; i++) expect(r[i].aic).toBeGreaterThanOrEqual(r[i - 1].aic);
    for (const x of r) {
      expect(x.aic).toBeCloseTo(-2 * x.logLikelihood + 2 * x.nParameters, 9);
      expect(x.bic).toBeCloseTo(-2 * x.logLikelihood + x.nParameters * Math.log(c.n), 9);
    }
    // VVV: 3 means and 3 covariances of 4 features, no weights
    expect(r.find((x) => x.covarianceType === 'full')!.nParameters).toBe(3 * 4 + 3 * 10);
  });

  it('refuses the options of EM and of mixtures, before any fit; JSON without modelType is MclustDA', () => {
    for (const o of [{ nComponents: 2 }, { equalWeights: true }, { initParams: 'hc' }, { nInit: 3 }, { tol: 1e-8 }, { maxIter: 10 },
      { warmStart: true }, { criterion: 'icl' }] as const) {
      const e = thrown(() => new MixtureDiscriminant({ modelType: 'EDDA', ...o }));
      expect(e.code, JSON.stringify(o)).toBe('INVALID_OPTION');
      expect(e.message).toMatch(/EDDA/);
    }
    expect(errorCode(() => new MixtureDiscriminant({ modelType: 'QDA' as never }))).toBe('INVALID_OPTION');
    // an unknown option is named with the options MixtureDiscriminant takes
    expect(thrown(() => new MixtureDiscriminant({ modeltype: 'EDDA' } as never)).message).toMatch(/did you mean modelType/);
    expect(thrown(() => new MixtureDiscriminant({ covariance_types: ['VVV'] } as never)).message).toMatch(/covarianceTypes/);
    const da = new MixtureDiscriminant({ modelType: 'EDDA', regCovar: 0, covarianceTypes: ['tied'] }).fit(X(c), c.y);
    const { modelType: _, selection: __, ...old } = da.toJSON(); // as a file written before EDDA
    expect(MixtureDiscriminant.fromJSON(old).modelType).toBe('MclustDA');
    expect(errorCode(() => MixtureDiscriminant.fromJSON({ ...old, modelType: 'LDA' as never }))).toBe('INVALID_JSON');
    // one covariance model for all: the classes' covariances are one matrix (linear discriminant analysis)
    expect(sameBits(da.models[0].covariances, da.models[2].covariances)).toBe(true);
  });
});
