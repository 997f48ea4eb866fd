// The `equalWeights` option, mclust's emControl(equalPro = TRUE), against R's mclust 6.0.0
// (test/fixtures/generate_equalpro.R): me() from hc's classes, without and with the prior,
// and mclustBIC's table; then what holds without R.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BayesianGaussianMixture, COVARIANCE_MODELS, GaussianMixture, PRIOR_MODELS, selectModel, type CovarianceName, type Matrix } from '../src/index.js';
import type * as Lib from '../src/entry-node.js';
import { errorCode, expectSameFit, loadCore, overlapping, pieces, thrown } from './helpers.js';

interface Case {
  name: string; n: number; d: number; x: number[];
  fits: { G: number; model: string; prior: boolean; labels: number[]; loglik: number; pro: number[]; mean: number[]; sigma: number[] }[];
  mclustBIC: { G: number[]; models: string[]; bic: (number | null)[] };
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/equalpro.json', import.meta.url), 'utf8')) as { cases: Case[] };
const X = (c: Case): Matrix => ({ data: Float64Array.from(c.x), rows: c.n, cols: c.d });
// mclust 6.0.0's me() with equalPro is wrong for these: VVI's proportions come back as half
// the rows' counts (87.5 and 48.5 on Old Faithful) with a log-likelihood of +188; VEE, EVE,
// VVE and EVV divide each mean's sum by n/G instead of the component's mass (5.52 where the
// class's mean is 4.29). With the prior, VVI is right.
const MCLUST_WRONG = new Set(['VEE', 'EVE', 'VVE', 'EVV']);

beforeAll(loadCore);

describe('equalWeights against mclust', () => {
  for (const c of fx.cases) {
    it(`${c.name}: me() with equalPro for 10 iterations from hc's classes, without and with the prior`, () => {
      let compared = 0;
      for (const f of c.fits) {
        if (MCLUST_WRONG.has(f.model) || (f.model === 'VVI' && !f.prior)) continue;
        const gm = new GaussianMixture({ nComponents: f.G, covarianceType: f.model as CovarianceName, equalWeights: true, prior: f.prior,
          regCovar: 0, tol: 0, maxIter: 9 }).fit(X(c), { initLabels: f.labels });
        const d = c.d, type = gm.options.covarianceType, cov = gm.covariances;
        const at = (k: number, a: number, b: number): number => type === 'full' ? cov[k * d * d + a * d + b] : type === 'tied' ? cov[a * d + b]
          : a !== b ? 0 : type === 'diag' ? cov[k * d + a] : cov[k];
        for (let k = 0; k < f.G; k++) {
          expect(gm.weights[k]).toBe(1 / f.G);
          expect(f.pro[k]).toBe(1 / f.G);
          for (let j = 0; j < d; j++) expect(Math.abs(gm.means.data[k * d + j] - f.mean[k * d + j]), `${f.model} ${f.G} ${f.prior} mean`).toBeLessThan(1e-9 * Math.abs(f.mean[k * d + j]));
          for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
            expect(Math.abs(at(k, a, b) - f.sigma[k * d * d + a * d + b]), `${f.model} ${f.G} ${f.prior}`).toBeLessThan(1e-9 * f.sigma[k * d * d + a * (d + 1)]);
          }
        }
        expect(Math.abs(gm.score(X(c)) * c.n - f.loglik)).toBeLessThan(1e-11 * Math.abs(f.loglik));
        compared++;
      }
      expect(compared).toBeGreaterThanOrEqual(30);
    });
  }

  it("selectModel(…, { equalWeights: true }) gives mclustBIC's table with equalPro (EM run to 1e-13 in both)", () => {
    for (const c of fx.cases) {
      const b = c.mclustBIC;
      const s = selectModel(X(c), { nComponents: [1, 4], covarianceTypes: b.models as CovarianceName[], initParams: 'hc', regCovar: 0,
        tol: 1e-11, maxIter: 100000, equalWeights: true });
      let compared = 0;
      for (let mi = 0; mi < b.models.length; mi++) for (let gi = 0; gi < b.G.length; gi++) {
        const ref = b.bic[mi * b.G.length + gi], G = b.G[gi];
        if (ref === null || (G > 1 && (MCLUST_WRONG.has(b.models[mi]) || b.models[mi] === 'VVI'))) continue;
        const model = new GaussianMixture({ covarianceType: b.models[mi] as CovarianceName }).covarianceType;
        const r = s.results.find((r) => r.nComponents === G && r.covarianceType === model)!;
        expect(Math.abs(-r.bic - ref) / Math.abs(ref), `${c.name} ${b.models[mi]} ${G}`).toBeLessThan(1e-8);
        compared++;
      }
      expect(compared).toBe(41);
    }
  });
});

describe('equalWeights', () => {
  it('every model, with the prior too: the weights stay 1/K, EM never lowers the bound, and K − 1 fewer parameters', () => {
    const Xo = overlapping(2, 600, 3, 3);
    for (const [covarianceType, prior] of [...COVARIANCE_MODELS.map((m) => [m, false] as const), ...PRIOR_MODELS.map((m) => [m, true] as const)]) {
      const bounds: number[] = [];
      const gm = new GaussianMixture({ nComponents: 3, covarianceType, equalWeights: true, prior, tol: 0, maxIter: 25 })
        .fit(Xo, { onIteration: (i) => bounds.push(i.lowerBound) });
      expect(Array.from(gm.weights), covarianceType).toEqual([1 / 3, 1 / 3, 1 / 3]);
      // with the prior EM climbs the posterior, not the likelihood: only the weights are checked there
      if (prior) continue;
      for (let i = 1; i < bounds.length; i++) expect(bounds[i], `${covarianceType} ${i}`).toBeGreaterThanOrEqual(bounds[i - 1] - 1e-12 * Math.abs(bounds[i - 1]));
      const free = new GaussianMixture({ nComponents: 3, covarianceType }).fit(Xo);
      expect(gm.nParameters()).toBe(free.nParameters() - 2);
      expect(gm.bic(Xo)).toBeCloseTo(-2 * gm.score(Xo) * Xo.rows + gm.nParameters() * Math.log(Xo.rows), 6);
    }
  });

  it('JSON and getParams keep it; weightsInit, a non-boolean and a Bayesian mixture are refused', () => {
    const Xo = overlapping(3, 300, 2, 2);
    const gm = new GaussianMixture({ nComponents: 2, equalWeights: true }).fit(Xo);
    expect(gm.getParams().equalWeights).toBe(true);
    expect(new GaussianMixture({ nComponents: 2 }).getParams().equalWeights).toBeUndefined();
    expectSameFit(GaussianMixture.fromJSON(JSON.stringify(gm)), gm);
    expectSameFit(new GaussianMixture(gm.getParams()).fit(Xo), gm);
    expect(thrown(() => new GaussianMixture({ nComponents: 2, equalWeights: true, weightsInit: [0.3, 0.7] })).message).toMatch(/weightsInit cannot go with equalWeights/);
    expect(errorCode(() => new GaussianMixture({ equalWeights: 1 as never }))).toBe('INVALID_OPTION');
    // a model that says its weights are fixed at 1/K must have them so (nParameters leaves them out)
    const given = { weights: [0.9, 0.1], means: [[0, 0], [3, 3]], covariances: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] };
    expect(errorCode(() => GaussianMixture.fromParameters(given, { equalWeights: true }))).toBe('INVALID_INIT');
    const edited = JSON.parse(JSON.stringify(gm));
    edited.weights = [0.6, 0.4];
    expect(errorCode(() => GaussianMixture.fromJSON(edited))).toBe('INVALID_JSON');
    expect(thrown(() => new BayesianGaussianMixture({ equalWeights: true } as never)).message).toMatch(/estimates its weights under its weight prior/);
    // mclust's names point to ours
    expect(thrown(() => new GaussianMixture({ equalPro: true } as never)).message).toMatch(/mclust's equalPro is equalWeights here/);
    expect(thrown(() => new GaussianMixture({ priorControl: true } as never)).message).toMatch(/mclust's priorControl\(\) is prior here/);
  });

  it('fit() = fitAsync on 2 workers = fitStream, with and without the prior', async () => {
    const lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
    await lib.init();
    const Xo = overlapping(9, 5000, 3, 3);
    for (const o of [{ covarianceType: 'VEV' as const }, { covarianceType: 'full' as const, prior: true }]) {
      const make = (): Lib.GaussianMixture => new lib.GaussianMixture({ nComponents: 3, equalWeights: true, maxIter: 10, ...o });
      const ref = make().fit(Xo);
      expectSameFit(await make().fitAsync(Xo, { workers: 2 }), ref);
      expectSameFit(await make().fitStream(pieces(Xo, 999)), ref);
    }
  });
});
