// The `prior` option, mclust's conjugate prior, against R's mclust 6.0.0
// (test/fixtures/generate_prior.R): me() with priorControl() from hc's start, defaultPrior()'s
// values and mclustBIC's table; then what holds without R: one component against the
// formula computed here, weights as repeated rows, every split of the work, JSON, errors.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { BayesianGaussianMixture, GaussianMixture, selectModel, type CovarianceName, type Matrix } from '../src/index.js';
import type * as Lib from '../src/entry-node.js';
import { CHUNK_ROWS } from '../src/fit/chunks.js';
import { errorCode, expectSameFit, loadCore, overlapping, pieces, sameBits, thrown } from './helpers.js';

interface Params { loglik: number; pro: number[]; mean: number[]; sigma: number[] }
interface Case {
  name: string; n: number; d: number; x: number[];
  fits: { G: number; model: string; labels: number[]; prior: { shrinkage: number; mean: number[]; dof: number; scale: number[] };
    me2: Params | null; me40: Params | null; me40s0: Params | null; me40s5: Params | null }[];
  mclustBIC: { G: number[]; models: string[]; bic: (number | null)[] } | null;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/prior.json', import.meta.url), 'utf8')) as { cases: Case[] };
const NAME: Record<string, CovarianceName> = { E: 'EII', V: 'VII' };
const X = (c: Case): Matrix => ({ data: Float64Array.from(c.x), rows: c.n, cols: c.d });

beforeAll(loadCore);

/** Σₖ[a][b] of a fitted model, whatever its layout. */
function covAt(gm: GaussianMixture, k: number, a: number, b: number): number {
  const cov = gm.covariances, d = gm.nFeatures, type = gm.options.covarianceType;
  if (type === 'full') return cov[k * d * d + a * d + b];
  if (type === 'tied') return cov[a * d + b];
  if (a !== b) return 0;
  return type === 'diag' ? cov[k * d + a] : cov[k];
}

/** The largest difference from R's parameters: weights absolute (a vanishing component's
 *  weight of 1e-9 carries EM's rounding in its relative digits), means relative to
 *  themselves, covariances to their row's diagonal entry. */
function offBy(gm: GaussianMixture, ref: Params, d: number): number {
  let worst = 0;
  for (let k = 0; k < ref.pro.length; k++) {
    worst = Math.max(worst, Math.abs(gm.weights[k] - ref.pro[k]));
    for (let j = 0; j < d; j++) worst = Math.max(worst, Math.abs(gm.means.data[k * d + j] - ref.mean[k * d + j]) / Math.abs(ref.mean[k * d + j]));
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
      worst = Math.max(worst, Math.abs(covAt(gm, k, a, b) - ref.sigma[k * d * d + a * d + b]) / ref.sigma[k * d * d + a * (d + 1)]);
    }
  }
  return worst;
}

describe("mclust's prior against mclust", () => {
  for (const c of fx.cases) {
    it(`${c.name}: me() with priorControl() from hc's classes, ${c.d === 1 ? 'E and V' : 'the ten models'}, G = 2, 3`, () => {
      for (const f of c.fits) {
        const model = NAME[f.model] ?? (f.model as CovarianceName);
        for (const [maxIter, ref] of [[1, f.me2], [39, f.me40]] as const) {
          if (!ref) continue; // me() returned no fit (faithful VEI, G = 3: its inner iterations at tol 1e-14)
          // me()'s itmax N is maxIter N − 1 here (its first M-step, from the labels, is not counted)
          const gm = new GaussianMixture({ nComponents: f.G, covarianceType: model, prior: true, regCovar: 0, tol: 0, maxIter });
          gm.fit(X(c), { initLabels: f.labels });
          expect(offBy(gm, ref!, c.d), `${f.model} G=${f.G} ${maxIter}`).toBeLessThan(maxIter === 1 ? 1e-11 : 1e-10);
          expect(Math.abs(gm.score(X(c)) * c.n - ref!.loglik), `${f.model} G=${f.G} loglik`).toBeLessThan(1e-11 * Math.abs(ref!.loglik));
          if (maxIter === 1) continue;
          // defaultPrior()'s values, as the fit resolved them
          const p = gm.prior!;
          expect([p.shrinkage, p.dof]).toEqual([f.prior.shrinkage, f.prior.dof]);
          for (const [a, b] of [[p.mean, f.prior.mean], [p.scale, f.prior.scale]] as const) {
            expect(a.length).toBe(b.length);
            for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-13 * Math.abs(b[i]));
          }
          // priorControl(shrinkage = 0) and priorControl(shrinkage = 0.5, scale = 2 · the default)
          const scale = Array.from(p.scale, (v) => 2 * v);
          for (const [prior, r] of [[{ shrinkage: 0 }, f.me40s0], [{ shrinkage: 0.5, scale: scale.length === 1 ? scale[0] : scale }, f.me40s5]] as const) {
            if (!r) continue;
            const g = new GaussianMixture({ nComponents: f.G, covarianceType: model, prior, regCovar: 0, tol: 0, maxIter });
            g.fit(X(c), { initLabels: f.labels });
            expect(offBy(g, r, c.d), `${f.model} G=${f.G} ${JSON.stringify(prior).slice(0, 30)}`).toBeLessThan(1e-9);
          }
        }
      }
    });
  }

  it("selectModel(…, { prior: true }) gives mclustBIC's table wherever mclust has a value (EM run to a relative change of 1e-13 in both)", () => {
    for (const c of fx.cases.filter((c) => c.mclustBIC)) {
      const b = c.mclustBIC!;
      const types = b.models.map((m) => m as CovarianceName);
      const s = selectModel(X(c), { nComponents: [1, 5], covarianceTypes: types, initParams: 'hc', regCovar: 0, tol: 1e-11, maxIter: 100000, prior: true });
      let compared = 0;
      for (let mi = 0; mi < b.models.length; mi++) for (let gi = 0; gi < b.G.length; gi++) {
        const ref = b.bic[mi * b.G.length + gi];
        if (ref === null) continue; // mclust's fit failed (a proportion or its inner iterations); ours may not
        const r = s.results.find((r) => r.nComponents === b.G[gi] && r.covarianceType === new GaussianMixture({ covarianceType: types[mi] }).covarianceType);
        expect(r, `${c.name} ${b.models[mi]} ${b.G[gi]}`).toBeDefined();
        // mclust's BIC is 2 log L − p ln n, higher is better
        expect(Math.abs(-r!.bic - ref) / Math.abs(ref), `${c.name} ${b.models[mi]} ${b.G[gi]}`).toBeLessThan(1e-8);
        compared++;
      }
      expect(compared).toBeGreaterThan(40);
    }
  });
});

/** One component with the prior, computed here: μ = (Σwx + κμₚ)/(Σw + κ) and
 *  Σ = (Λ + W + κn/(κ+n)(μₚ − x̄)(μₚ − x̄)ᵀ)/(ν + n + d + 1 + [κ > 0]) (mclust's mvn XXX). */
function oneComponent(x: number[][], w: number[], kappa: number, pm: number[], nu: number, L: number[]): { mean: number[]; cov: number[] } {
  const d = pm.length;
  let n = 0;
  const xb = new Array(d).fill(0);
  x.forEach((r, i) => { n += w[i]; r.forEach((v, j) => (xb[j] += w[i] * v)); });
  for (let j = 0; j < d; j++) xb[j] /= n;
  const cov = L.slice();
  const c = (kappa * n) / (kappa + n);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    let s = 0;
    x.forEach((r, i) => (s += w[i] * (r[a] - xb[a]) * (r[b] - xb[b])));
    cov[a * d + b] = (cov[a * d + b] + s + c * (pm[a] - xb[a]) * (pm[b] - xb[b])) / (nu + n + d + 1 + (kappa > 0 ? 1 : 0));
  }
  return { mean: xb.map((v, j) => (n * v + kappa * pm[j]) / (n + kappa)), cov };
}

describe("mclust's prior: properties", () => {
  it('one component, any given prior and weights: the posterior mode computed here', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), fc.integer({ min: 1, max: 4 })), { minLength: 3, maxLength: 40 }),
      fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0.5, max: 20, noNaN: true }),
      fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true })),
      fc.tuple(fc.double({ min: 0.1, max: 4, noNaN: true }), fc.double({ min: -0.9, max: 0.9, noNaN: true }), fc.double({ min: 0.1, max: 4, noNaN: true })),
      (rows, kappa, nu, pm, [s1, r, s2]) => {
        const x = rows.map(([a, b]) => [a, b]), w = rows.map(([, , k]) => k);
        const off = r * Math.sqrt(s1 * s2);
        const L = [s1, off, off, s2];
        const gm = new GaussianMixture({ prior: { shrinkage: kappa, ...(kappa > 0 ? { mean: pm } : {}), dof: nu, scale: [[s1, off], [off, s2]] }, regCovar: 0, maxIter: 1 });
        gm.fit(x, { sampleWeight: w });
        const want = oneComponent(x, w, kappa, kappa > 0 ? pm : [0, 0], nu, L);
        for (let j = 0; j < 2; j++) expect(gm.means.data[j]).toBeCloseTo(want.mean[j], 10);
        for (let i = 0; i < 4; i++) expect(Math.abs(gm.covariances[i] - want.cov[i])).toBeLessThan(1e-11 * (1 + Math.abs(want.cov[i])));
      },
    ), { numRuns: 60, seed: 7 });
  });

  it('integer sample weights fit as the rows repeated; a component on copies of one point stays positive definite', () => {
    const base = overlapping(3, 300, 3, 3);
    const w = Float64Array.from({ length: base.rows }, (_, i) => 1 + (i % 3));
    const rep: number[] = [];
    for (let i = 0; i < base.rows; i++) for (let t = 0; t < w[i]; t++) rep.push(...base.data.subarray(i * 3, i * 3 + 3));
    for (const covarianceType of ['full', 'VEI', 'EEV', 'EII'] as const) {
      const o = { nComponents: 3, covarianceType, prior: true, maxIter: 30, tol: 0 };
      const a = new GaussianMixture(o).fit(base, { sampleWeight: w });
      const b = new GaussianMixture(o).fit({ data: Float64Array.from(rep), rows: rep.length / 3, cols: 3 });
      expect(Math.abs(a.lowerBound - b.lowerBound)).toBeLessThan(1e-12);
    }
    // without a prior and with regCovar 0 a component on one repeated point is singular; the prior keeps it
    const dup = [...Array.from({ length: 30 }, (_, i) => [Math.cos(i), Math.sin(i * 1.3) * 2]), ...Array.from({ length: 10 }, () => [5, 5])];
    const labels = dup.map((_, i) => (i < 30 ? 0 : 1));
    expect(errorCode(() => new GaussianMixture({ nComponents: 2, regCovar: 0 }).fit(dup, { initLabels: labels }))).toBe('NOT_POSITIVE_DEFINITE');
    // a class with no row and no shrinkage: its mean stays where the start put it, its covariance is the prior's
    for (const covarianceType of ['full', 'EII', 'VEI', 'tied'] as const) {
      const g = new GaussianMixture({ nComponents: 3, covarianceType, regCovar: 0, prior: { shrinkage: 0 }, maxIter: 3 }).fit(dup, { initLabels: labels });
      expect(Array.from(g.means.data).every(Number.isFinite), covarianceType).toBe(true);
      expect(g.weights[2]).toBeLessThan(1e-14);
    }
    const gm = new GaussianMixture({ nComponents: 2, regCovar: 0, prior: true }).fit(dup, { initLabels: labels });
    // Σₖ ⪰ Λ/(ν + nₖ + d + 2) (its scatter and shrinkage terms are positive semidefinite), nₖ ≤ 40
    const L = gm.prior!.scale, den = gm.prior!.dof + 40 + 2 + 2;
    for (let i = 0; i < 2; i++) expect(gm.covariances[4 + i * 3]).toBeGreaterThanOrEqual((L[i * 3] / den) * (1 - 1e-12));
  });

  it('JSON, getParams and a warm start keep the prior; a Bayesian mixture and the models mclust has none for refuse it', () => {
    const Xf = overlapping(5, 400, 2, 2);
    const gm = new GaussianMixture({ nComponents: 2, covarianceType: 'VEV', prior: { shrinkage: 0.5, dof: 6 } }).fit(Xf);
    const back = GaussianMixture.fromJSON(JSON.parse(JSON.stringify(gm)));
    expect(back.prior).toEqual(gm.prior);
    // a file whose prior scale has the wrong shape for its model
    const edited = JSON.parse(JSON.stringify(gm));
    edited.prior.scale = [1];
    expect(thrown(() => GaussianMixture.fromJSON(edited)).message).toMatch(/"prior.scale" has 1 numbers, expected 4/);
    expect(sameBits(back.covariances, gm.covariances)).toBe(true);
    expectSameFit(new GaussianMixture(gm.getParams()).fit(Xf), gm);
    expect(gm.getParams().prior).toEqual({ shrinkage: 0.5, dof: 6 });
    expect(new GaussianMixture({ prior: {} }).getParams().prior).toBe(true); // mclust's defaults, as given by prior: true
    const warm = new GaussianMixture({ ...gm.getParams(), warmStart: true }).fit(Xf);
    warm.fit(Xf);
    expect(warm.prior).toEqual(gm.prior);
    expect(new GaussianMixture().fit(Xf).prior).toBeNull();
    // a model no fit produced has no resolved prior: applyStatistics needs the data's defaults, or a prior given whole
    const given = { weights: [0.5, 0.5], means: [[0, 0], [3, 3]], covariances: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] };
    const byHand = GaussianMixture.fromParameters(given, { prior: true });
    expect(byHand.prior).toBeNull();
    expect(thrown(() => byHand.applyStatistics(byHand.computeStatistics(Xf))).message).toMatch(/only a fit resolves/);
    const whole = GaussianMixture.fromParameters(given, { prior: { mean: [1, 1], scale: [[1, 0], [0, 1]] } });
    whole.applyStatistics(whole.computeStatistics(Xf));
    expect(whole.prior).toEqual({ shrinkage: 0.01, mean: Float64Array.of(1, 1), dof: 4, scale: Float64Array.of(1, 0, 0, 1) });
    expect(thrown(() => new GaussianMixture({ covarianceType: 'VEE', prior: true })).message).toMatch(/no conjugate prior for covarianceType 'VEE'/);
    expect(thrown(() => new BayesianGaussianMixture({ prior: true } as never)).message).toMatch(/priors of its own/);
  });

  it('refuses a bad prior before any work, and a failed fit leaves the model as it was', () => {
    const Xf = overlapping(6, 200, 3, 2);
    const bad: [unknown, string, RegExp][] = [
      [{ shrinkage: -1 }, 'INVALID_OPTION', /shrinkage/],
      [{ shrinkge: 1 }, 'INVALID_OPTION', /no field "shrinkge"/],
      [{ shrinkage: 0, mean: [0, 0, 0] }, 'INVALID_OPTION', /shrinkage is 0/],
      [{ dof: 0 }, 'INVALID_OPTION', /dof/],
      ['yes', 'INVALID_OPTION', /true, false or an object/],
    ];
    for (const [prior, code, msg] of bad) {
      const e = thrown(() => new GaussianMixture({ prior } as never));
      expect(e.code, JSON.stringify(prior)).toBe(code);
      expect(e.message).toMatch(msg);
    }
    expect(errorCode(() => new GaussianMixture({ prior: true, missingValues: 'marginalize' }))).toBe('INVALID_OPTION');
    const gm = new GaussianMixture({ nComponents: 2, prior: { mean: [0, 0, 0] } }).fit(Xf);
    const before = JSON.stringify(gm);
    const atFit: [object, string][] = [
      [{ prior: { mean: [0, 0] } }, 'SHAPE_MISMATCH'],
      [{ prior: { scale: 2 } }, 'SHAPE_MISMATCH'], // full, 3 features: a 3×3 matrix
      [{ prior: { scale: [[1, 2, 0], [2, 1, 0], [0, 0, 1]] } }, 'INVALID_OPTION'], // not positive definite
      [{ covarianceType: 'diag', prior: { scale: [1, 1, 1] } }, 'SHAPE_MISMATCH'], // one number for diag
    ];
    for (const [o, code] of atFit) {
      const m = new GaussianMixture({ nComponents: 2, ...o, warmStart: true });
      expect(errorCode(() => m.fit(Xf)), JSON.stringify(o)).toBe(code);
    }
    // its prior mean has 3 numbers: two features are refused, the fitted model kept
    expect(errorCode(() => gm.fit({ ...Xf, cols: 2, rows: 300 }))).toBe('SHAPE_MISMATCH');
    expect(JSON.stringify(gm)).toBe(before);
  });
});

describe("mclust's prior: every split of the work", () => {
  let lib: typeof Lib;
  beforeAll(async () => {
    lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
    await lib.init();
  });

  it('fit() = fitAsync on 0, 1 and 3 workers = fitStream = computeStatistics/applyStatistics, weighted too', async () => {
    const Xo = overlapping(8, 2 * CHUNK_ROWS + 301, 3, 3);
    const sampleWeight = Float64Array.from({ length: Xo.rows }, (_, i) => (i % 5 === 0 ? 0.5 : 1 + (i % 2)));
    for (const covarianceType of ['full', 'VEI', 'EEV', 'tied'] as const) {
      const make = (): Lib.GaussianMixture => new lib.GaussianMixture({ nComponents: 3, covarianceType, prior: true, seed: 4, maxIter: 12 });
      for (const opts of [{}, { sampleWeight }]) {
        const ref = make().fit(Xo, opts);
        for (const workers of [0, 1, 3]) expectSameFit(await make().fitAsync(Xo, { ...opts, workers }), ref);
        if (!('sampleWeight' in opts)) expectSameFit(await make().fitStream(pieces(Xo, 1000)), ref);
        // the map-reduce API: one more M-step from statistics of the fitted model, in two pieces
        const one = lib.GaussianMixture.fromJSON(JSON.stringify(ref)), two = lib.GaussianMixture.fromJSON(JSON.stringify(ref));
        const cut = CHUNK_ROWS;
        const w = 'sampleWeight' in opts ? sampleWeight : undefined;
        one.applyStatistics(one.computeStatistics(Xo, { sampleWeight: w }));
        const a = two.computeStatistics({ ...Xo, rows: cut, data: Xo.data.subarray(0, cut * 3) }, { sampleWeight: w?.subarray(0, cut) });
        const b = two.computeStatistics({ ...Xo, rows: Xo.rows - cut, data: Xo.data.subarray(cut * 3) }, { sampleWeight: w?.subarray(cut), rowOffset: cut });
        two.applyStatistics(lib.GaussianMixture.mergeStatistics([b, a]));
        expect(sameBits(one.covariances, two.covariances)).toBe(true);
        expect(sameBits(one.means.data, two.means.data)).toBe(true);
        expect(one.prior).toEqual(ref.prior);
      }
    }
  });
});
