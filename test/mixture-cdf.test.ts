// mixtureCdf and mixtureQuantile (mclust's cdfMclust and quantileMclust) and the normal
// distribution function under them, against R (test/fixtures/generate_cdf.R).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { GaussianMixture, mixtureCdf, mixtureQuantile } from '../src/index.js';
import { normalCdf, normalQuantile } from '../src/model/quantiles.js';
import { errorCode, loadCore } from './helpers.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/cdf.json', import.meta.url), 'utf8')) as Record<string, number[]>;

beforeAll(loadCore);

describe('the mixture\'s distribution function and quantiles', () => {
  it('Φ is R\'s pnorm, bit for bit, across its three regions and both tails, and its cut-offs', () => {
    fx.z.forEach((z, i) => expect(normalCdf(z), String(z)).toBe(fx.pnorm[i]));
    // R 4's pnorm is 0 below −37.5193 and 1 above 8.2924
    expect(normalCdf(-38)).toBe(0);
    expect(normalCdf(-37.5)).toBeGreaterThan(0);
    expect(normalCdf(8.3)).toBe(1);
  });

  it('F(x) and its quantiles for two components as R computes them', () => {
    const gm = GaussianMixture.fromParameters({ weights: fx.weights, means: fx.means.map((m) => [m]), covariances: fx.variances }, { covarianceType: 'diag' });
    const F = mixtureCdf(gm, fx.x);
    fx.x.forEach((x, i) => expect(Math.abs(F[i] - fx.cdf[i]), String(x)).toBeLessThanOrEqual(2 ** -52 * Math.max(fx.cdf[i], 1e-300)));
    const q = mixtureQuantile(gm, fx.p);
    fx.p.forEach((p, i) => expect(Math.abs(q[i] - fx.quantile[i]) / fx.quantile[i], String(p)).toBeLessThan(1e-12));
    // to the last bit: F crosses p between q's neighbours
    for (let i = 0; i < fx.p.length; i++) {
      const below = q[i] - Math.abs(q[i]) * 2 ** -52;
      expect(mixtureCdf(gm, [q[i]])[0]).toBeGreaterThanOrEqual(fx.p[i]);
      expect(mixtureCdf(gm, [below])[0]).toBeLessThanOrEqual(fx.p[i]);
    }
    expect(Array.from(mixtureQuantile(gm, [0, 1]))).toEqual([-Infinity, Infinity]);
    // weights a few ulps short of 1: F never reaches 1 − 1e-16, whose quantile is then Infinity, not a bound
    const short = GaussianMixture.fromParameters({ weights: [0.5, 0.5 - 1e-15], means: [[0], [10]], covariances: [1, 1] }, { covarianceType: 'diag' });
    expect(mixtureQuantile(short, [1 - 1e-16])[0]).toBe(Infinity);
  });

  it('one component: μ + σΦ⁻¹(p), for every covariance type; a feature\'s marginal of a wider model', () => {
    for (const covarianceType of ['full', 'tied', 'diag', 'spherical'] as const) {
      const gm = GaussianMixture.fromParameters({ weights: [1], means: [[3]], covariances: covarianceType === 'full' ? [[[4]]] : covarianceType === 'tied' ? [[4]] : [4] }, { covarianceType });
      for (const p of [0.01, 0.2, 0.5, 0.9, 0.999]) expect(Math.abs(mixtureQuantile(gm, [p])[0] - (3 + 2 * normalQuantile(p)))).toBeLessThan(1e-13);
    }
    const wide = new GaussianMixture({ nComponents: 2, seed: 1 }).fit(Array.from({ length: 200 }, (_, i) => [i % 2 ? 5 + (i % 7) / 7 : (i % 5) / 5, i / 50]));
    expect(errorCode(() => mixtureCdf(wide, [0]))).toBe('INVALID_ARGUMENT');
    const m0 = wide.marginal([0]);
    const med = mixtureQuantile(m0, [0.5])[0];
    expect(Math.abs(mixtureCdf(m0, [med])[0] - 0.5)).toBeLessThan(1e-15);
    expect(errorCode(() => mixtureQuantile(m0, [1.5]))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => mixtureCdf(m0, [NaN]))).toBe('INVALID_ARGUMENT');
  });
});
