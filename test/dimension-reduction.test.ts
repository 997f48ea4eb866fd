// dimensionReduction against mclust 6.0.0's MclustDR (test/fixtures/generate_dr.R): the
// eigenvalues, the normalised basis (each direction up to its sign) and the number of
// directions, for Mclust fits (λ = 1 and 0.5) and an MclustDA classifier.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { GaussianMixture, MixtureDiscriminant, MixtureWithNoise, dimensionReduction, type Matrix } from '../src/index.js';
import { errorCode, loadCore } from './helpers.js';

interface Case { name: string; n: number; d: number; x: number[]; lambda: number; pro?: number[]; mean?: number[]; sigma?: number[]; y?: string[];
  noise?: boolean[];
  evalues: number[]; basis: number[]; numdir: number }
const fx = JSON.parse(readFileSync(new URL('./fixtures/dr.json', import.meta.url), 'utf8')) as { cases: Case[] };
const X = (c: Case): Matrix => ({ data: Float64Array.from(c.x), rows: c.n, cols: c.d });
const MCLUST = { initParams: 'hc', regCovar: 0, tol: 1e-11, maxIter: 100000 } as const;

beforeAll(loadCore);

describe('dimensionReduction against mclust\'s MclustDR', () => {
  for (const c of fx.cases) {
    it(`${c.name}: eigenvalues, basis (up to sign) and the number of directions`, () => {
      const model = c.y ? new MixtureDiscriminant(MCLUST).fit(X(c), c.y)
        : c.noise ? new MixtureWithNoise({ nComponents: 2, covarianceType: 'VVV', initParams: 'hc', regCovar: 0, tol: 1e-14, maxIter: 100000 }).fit(X(c), { noise: c.noise })
          : GaussianMixture.fromParameters({ weights: c.pro!, means: { data: Float64Array.from(c.mean!), rows: c.pro!.length, cols: c.d }, covariances: c.sigma! });
      const r = dimensionReduction(model, X(c), { lambda: c.lambda });
      expect(r.numDirections).toBe(c.numdir);
      const top = Math.max(...c.evalues);
      // (the classifier's and the noise fit's EM to its end in both: their last digits differ)
      const fitted = c.y || c.noise;
      c.evalues.forEach((l, j) => expect(Math.abs(r.eigenvalues[j] - l), `eigenvalue ${j}`).toBeLessThan(1e-9 * top + (fitted ? 1e-6 * top : 0)));
      for (let j = 0; j < c.numdir; j++) {
        if (c.evalues[j] < 1e-6 * top) continue; // a direction of (near) zero eigenvalue is any in its space
        let dot = 0;
        for (let a = 0; a < c.d; a++) dot += r.basis.data[a * r.basis.cols + j] * c.basis[a * c.numdir + j];
        expect(Math.abs(Math.abs(dot) - 1), `direction ${j}`).toBeLessThan(fitted ? 1e-6 : 1e-10);
      }
      expect(r.directions.rows).toBe(c.n);
      // a classifier's components weigh by the classes' shares of the rows, whatever its priors
      if (c.y) {
        const skewed = new MixtureDiscriminant({ ...MCLUST, priors: [0.6, 0.2, 0.2] }).fit(X(c), c.y);
        expect(Array.from(dimensionReduction(skewed, X(c)).eigenvalues)).toEqual(Array.from(r.eigenvalues));
      }
      expect(r.directions.cols).toBe(c.numdir);
    });
  }

  it('refuses what it cannot use', () => {
    const c = fx.cases[0];
    const gm = new GaussianMixture({ nComponents: 2 }).fit(X(c));
    expect(errorCode(() => dimensionReduction(gm, X(c), { lambda: 2 }))).toBe('INVALID_OPTION');
    expect(errorCode(() => dimensionReduction(gm, X(c), { lamda: 0 } as never))).toBe('INVALID_OPTION');
    expect(errorCode(() => dimensionReduction(gm, [[1, 2, 3]]))).toBe('FEATURE_MISMATCH');
    expect(errorCode(() => dimensionReduction({} as never, X(c)))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => dimensionReduction(new GaussianMixture(), X(c)))).toBe('NOT_FITTED');
  });
});
