// MixtureDiscriminant, mclust's MclustDA, against R's mclust 6.0.0
// (test/fixtures/generate_discriminant.R): each class's chosen mixture, every row's class
// posterior and its prediction; then the priors, JSON and the refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { MixtureDiscriminant, type Matrix } from '../src/index.js';
import { errorCode, loadCore, sameBits, thrown } from './helpers.js';

interface Case { name: string; n: number; d: number; x: number[]; y: string[]; classes: string[]; models: string[]; G: number[]; z: number[]; predicted: string[];
  loglik: number; df: number; bic: number }
const fx = JSON.parse(readFileSync(new URL('./fixtures/discriminant.json', import.meta.url), 'utf8')) as { cases: Case[] };
const X = (c: Case): Matrix => ({ data: Float64Array.from(c.x), rows: c.n, cols: c.d });
const MCLUST = { initParams: 'hc', regCovar: 0, tol: 1e-11, maxIter: 100000 } as const;
const NAMES: Record<string, string> = { full: 'VVV', tied: 'EEE', diag: 'VVI', spherical: 'VII' };

beforeAll(loadCore);

describe('MixtureDiscriminant against mclust\'s MclustDA', () => {
  for (const c of fx.cases) {
    it(`${c.name}: each class's model and G, the posteriors (1e-5) and the predictions`, () => {
      const da = new MixtureDiscriminant(MCLUST).fit(X(c), c.y);
      expect(da.classes).toEqual(c.classes);
      da.models.forEach((m, k) => {
        expect(m.nComponents, c.classes[k]).toBe(c.G[k]);
        // mclust names a one-component ellipsoidal fit XXX: every such model is the same there
        if (c.models[k] !== 'XXX') expect(NAMES[m.covarianceType] ?? m.covarianceType, c.classes[k]).toBe(c.models[k]);
      });
      const p = da.predictProba(X(c));
      expect(p.cols).toBe(c.classes.length);
      for (let i = 0; i < p.data.length; i++) expect(Math.abs(p.data[i] - c.z[i])).toBeLessThan(1e-5);
      expect(da.predict(X(c))).toEqual(c.predicted);
      // logLik.MclustDA and its df, and mclust's bic (2 log L − df ln n)
      expect(Math.abs(da.logLikelihood(X(c)) - c.loglik) / Math.abs(c.loglik)).toBeLessThan(1e-8);
      expect(da.nParameters()).toBe(c.df);
      expect(Math.abs(da.bic(X(c)) + c.bic) / Math.abs(c.bic)).toBeLessThan(1e-8);
      // priors move the posteriors, not the likelihood: mclust weighs the classes by their shares
      const skewed = new MixtureDiscriminant({ ...MCLUST, priors: c.classes.map((_, k) => (k === 0 ? 0.8 : 0.2 / (c.classes.length - 1))) }).fit(X(c), c.y);
      expect(skewed.logLikelihood(X(c))).toBe(da.logLikelihood(X(c)));
      expect(MixtureDiscriminant.fromJSON(JSON.stringify(skewed)).logLikelihood(X(c))).toBe(da.logLikelihood(X(c)));
      // a row no class density reaches: NUMERICAL, not NaN
      expect(errorCode(() => da.logLikelihood([Array.from({ length: c.d }, (_, j) => (j ? 1 : 1e200))]))).toBe('NUMERICAL');
    });
  }
});

describe('MixtureDiscriminant', () => {
  const c = fx.cases[0];
  it('priors reweigh the posteriors as Bayes\' rule says; JSON gives back the same bits', () => {
    const base = new MixtureDiscriminant(MCLUST).fit(X(c), c.y);
    const priors = [0.6, 0.3, 0.1];
    const other = new MixtureDiscriminant({ ...MCLUST, priors }).fit(X(c), c.y);
    expect(Array.from(other.priors)).toEqual(priors);
    const a = base.predictProba(X(c)).data, b = other.predictProba(X(c)).data;
    for (let i = 0; i < c.n; i++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += (a[i * 3 + k] * priors[k]) / (1 / 3);
      for (let k = 0; k < 3; k++) expect(b[i * 3 + k]).toBeCloseTo((a[i * 3 + k] * priors[k] * 3) / s, 10);
    }
    const back = MixtureDiscriminant.fromJSON(JSON.stringify(other));
    expect(sameBits(back.predictProba(X(c)).data, b)).toBe(true);
    expect(back.classes).toEqual(other.classes);
    // numeric labels sort as numbers
    const codes = c.y.map((s) => ({ setosa: 10, versicolor: 2, virginica: 3 })[s]!);
    expect(new MixtureDiscriminant(MCLUST).fit(X(c), codes).classes).toEqual([2, 3, 10]);
  });

  it('refuses what it cannot use, before any fit', () => {
    const da = new MixtureDiscriminant();
    expect(errorCode(() => da.predict(X(c)))).toBe('NOT_FITTED');
    expect(errorCode(() => da.fit(X(c), c.y.slice(1)))).toBe('SHAPE_MISMATCH');
    expect(errorCode(() => da.fit(X(c), c.y.map((v, i) => (i === 3 ? 1 : v)) as never))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => da.fit(X(c), c.y.map(() => 'one')))).toBe('INVALID_ARGUMENT');
    expect(thrown(() => new MixtureDiscriminant({ priors: [0.5, 0.6] })).message).toMatch(/sum to 1/);
    expect(errorCode(() => new MixtureDiscriminant({ priors: [0.5, 0.5] }).fit(X(c), c.y))).toBe('SHAPE_MISMATCH');
    expect(thrown(() => new MixtureDiscriminant({ covarianceType: 'VVV' } as never)).message).toMatch(/covarianceTypes: \['VVV'\]/);
    expect(errorCode(() => new MixtureDiscriminant({ nComponets: 2 } as never))).toBe('INVALID_OPTION');
    expect(errorCode(() => MixtureDiscriminant.fromJSON({ format: 'x' } as never))).toBe('INVALID_JSON');
    // from a review: checked at construction, not as a class's failure at fit
    for (const o of [{ nComponents: null }, { nComponents: 'abc' }, { covarianceTypes: ['bogus'] }, { criterion: 'bogus' },
      { missingValues: 'marginalize' }]) expect(errorCode(() => new MixtureDiscriminant(o as never)), JSON.stringify(o)).toBe('INVALID_OPTION');
    const fitted = new MixtureDiscriminant(MCLUST).fit(X(c), c.y);
    // a row where every class density underflows: an error, never NaN posteriors
    expect(errorCode(() => fitted.predictProba([[1e200, 1e200, 1e200, 1e200]]))).toBe('NUMERICAL');
    const j = fitted.toJSON();
    expect(errorCode(() => MixtureDiscriminant.fromJSON({ ...j, classes: ['x', 'x', 'y'] }))).toBe('INVALID_JSON');
    expect(errorCode(() => MixtureDiscriminant.fromJSON('{'))).toBe('INVALID_JSON');
    // from a new user's trial: a null label (a row of unknown class is SemiSupervisedMixture's), options it has none of
    expect(errorCode(() => da.fit(X(c), c.y.map((v, i) => (i === 3 ? null : v)) as never))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => da.fit(X(c), c.y, { sampleWeight: [] } as never))).toBe('INVALID_ARGUMENT');
    expect(thrown(() => new MixtureDiscriminant({ covarianceTypes: ['VVV', 'XYZ'] } as never)).message).toMatch(/"XYZ" is not one of/);
    // a model without mclust's prior is refused with prior, not swapped at fit for the one before it
    expect(errorCode(() => new MixtureDiscriminant({ prior: true, covarianceTypes: ['EVV'] }))).toBe('INVALID_OPTION');
  });

  it('keeps the columns\' names: scoring refuses X whose columns differ', () => {
    const da = new MixtureDiscriminant({ modelType: 'EDDA', covarianceTypes: ['VEV'] }).fit({ ...X(c), columns: ['a', 'b', 'c', 'd'] }, c.y);
    expect(da.models[0].featureNames).toEqual(['a', 'b', 'c', 'd']);
    expect(errorCode(() => da.predict({ ...X(c), columns: ['b', 'a', 'c', 'd'] }))).toBe('FEATURE_MISMATCH');
    const mda = new MixtureDiscriminant({ nComponents: 1, covarianceTypes: ['VVV'] }).fit({ ...X(c), columns: ['a', 'b', 'c', 'd'] }, c.y);
    expect(mda.models.every((m) => m.featureNames!.join() === 'a,b,c,d')).toBe(true);
  });
});

describe('MixtureDiscriminant.crossValidate against mclust\'s cvMclustDA', () => {
  interface Cv { name: string; type: 'MclustDA' | 'EDDA'; G: number | null; n: number; d: number; x: number[]; y: string[]; classes: string[];
    classification: string[]; z: number[]; ce: number; se: number; brier: number; seBrier: number }
  const cv = JSON.parse(readFileSync(new URL('./fixtures/cv.json', import.meta.url), 'utf8')) as { cases: Cv[] };
  const Xc = (c: Cv): Matrix => ({ data: Float64Array.from(c.x), rows: c.n, cols: c.d });
  for (const c of cv.cases) {
    it(`${c.name} ${c.type}, leave-one-out (test/fixtures/generate_cv.R): every row's prediction and probabilities, the error, the Brier score`, () => {
      // (the small sets: G = 2 and VVV for every class, where MclustDA falls back for the class of 7)
      const opts = c.type === 'EDDA' ? { modelType: 'EDDA' as const, regCovar: 0 } : c.G ? { ...MCLUST, nComponents: c.G, covarianceTypes: ['full' as const] } : MCLUST;
      const da = new MixtureDiscriminant(opts).fit(Xc(c), c.y);
      const r = da.crossValidate(Xc(c), c.y, { nFolds: c.n });
      expect(r.nFolds).toBe(c.n);
      expect(r.classification).toEqual(c.classification);
      for (let i = 0; i < r.proba.data.length; i++) expect(Math.abs(r.proba.data[i] - c.z[i])).toBeLessThan(c.G ? 1e-4 : 1e-6);
      expect(r.error).toBeCloseTo(c.ce, 14);
      expect(r.errorSE).toBeCloseTo(c.se, 14);
      expect(Math.abs(r.brier - c.brier)).toBeLessThan(c.G ? 1e-5 : 1e-8);
      expect(Math.abs(r.brierSE - c.seBrier)).toBeLessThan(c.G ? 1e-5 : 1e-8);
    });
  }

  it('10 balanced folds by default: the same bits from the same seed; the refusals', () => {
    const c = cv.cases[1];
    const da = new MixtureDiscriminant({ modelType: 'EDDA', regCovar: 0 }).fit(Xc(c), c.y);
    const a = da.crossValidate(Xc(c), c.y, { seed: 4 }), b = da.crossValidate(Xc(c), c.y, { seed: 4 });
    expect(a.nFolds).toBe(10);
    expect(sameBits(a.proba.data, b.proba.data)).toBe(true);
    expect(a.error).toBeGreaterThanOrEqual(0);
    expect(a.error).toBeLessThan(0.1);
    expect(errorCode(() => new MixtureDiscriminant().crossValidate(Xc(c), c.y))).toBe('NOT_FITTED');
    expect(errorCode(() => da.crossValidate(Xc(c), c.y, { nFolds: 1 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => da.crossValidate(Xc(c), c.y, { folds: 3 } as never))).toBe('INVALID_OPTION');
    expect(errorCode(() => da.crossValidate(Xc(c), c.y.map((v, i) => (i ? v : 'other'))))).toBe('INVALID_ARGUMENT');
  });
});
