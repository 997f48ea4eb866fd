// The debug build (assertions on, no optimisation) must agree with the release build: a
// kernel that reads or writes out of its buffers shows up here as a mismatch, or as a trap
// where it leaves WebAssembly memory (raw loads and stores are checked against memory's
// end only, not against a buffer's; the debug build's static data also start lower, so a
// stray access near address 0 lands on them).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { init, GaussianMixture } from '../src/index.js';
import { kernels } from '../src/core/core.js';
import { matrix, maxRelDiff, normal, rng, root } from './helpers.js';

const fx = JSON.parse(readFileSync(new URL('test/fixtures/sklearn.json', root), 'utf8'));
const conditional = JSON.parse(readFileSync(new URL('test/fixtures/conditional.json', root), 'utf8'));
const mx = JSON.parse(readFileSync(new URL('test/fixtures/missing.json', root), 'utf8'));

beforeAll(async () => {
  // each vitest file runs in its own worker, so this instance is the debug module
  await init(readFileSync(new URL('dist/gmm.debug.wasm', root)));
});

describe('debug build', () => {
  for (const c of fx.cases.filter((_: unknown, i: number) => i % 4 === 0)) {
    it(`${c.name} matches scikit-learn`, () => {
      const ds = fx.datasets[c.dataset];
      const gm = new GaussianMixture({
        nComponents: c.nComponents, covarianceType: c.covarianceType, tol: c.tol, regCovar: c.regCovar,
        maxIter: c.maxIter, weightsInit: c.weightsInit, meansInit: c.meansInit, precisionsInit: c.precisionsInit,
      }).fit(matrix(ds.data, ds.rows, ds.cols));
      expect(Math.abs(gm.lowerBound - c.expected.lowerBound) / Math.abs(c.expected.lowerBound)).toBeLessThan(1e-8);
    });
  }
  it('condition and predictConditional match the NumPy fixtures', () => {
    for (const c of conditional.cases) {
      const gm = GaussianMixture.fromJSON(c.model);
      expect(maxRelDiff(gm.condition(c.given, c.values).means.data, c.expected.means)).toBeLessThan(1e-10);
      const m = c.given.length;
      const p = gm.predictConditional(matrix(c.rows, c.rows.length / m, m), c.given, { covariance: true });
      expect(maxRelDiff(p.covariance!, c.predictCovariance)).toBeLessThan(1e-10);
      expect(gm.marginal(c.remaining).sample(5).X.data.every(Number.isFinite)).toBe(true);
    }
  });
  for (const type of ['full', 'tied', 'diag', 'spherical'] as const) {
    for (const init of ['kmeans', 'k-means++', 'random', 'random_from_data'] as const) {
      it(`${type} / ${init}: fit, score and sample without a trap`, () => {
        const ds = fx.datasets.blobs3d;
        const X = matrix(ds.data, ds.rows, ds.cols);
        const gm = new GaussianMixture({ nComponents: 4, covarianceType: type, initParams: init, seed: 7 }).fit(X);
        expect(Number.isFinite(gm.lowerBound)).toBe(true);
        expect(gm.predictProba(X).data.every(Number.isFinite)).toBe(true);
        expect(gm.sample(101, { seed: 1 }).X.data.every(Number.isFinite)).toBe(true);
      });
    }
  }
  // full at d ≥ 24 runs the pruned E-step (its list of pairs in the scratch's idx) and at
  // 3 ≤ d < 24 the centred one (its tiles of x − g in abuf, a short last tile in dbuf)
  for (const d of [24, 16]) {
    it(`full, d = ${d}: the ${d >= 24 ? 'pruned' : 'centred'} E-step without a trap, equal to the scalar path`, () => {
      const z = normal(rng(d));
      const n = 1201, K = 3;
      const X = matrix(Array.from({ length: n * d }, (_, i) => 3 * (Math.floor(i / d) % K) * ((i % d) % 2) + z()), n, d);
      const run = (simd: boolean) => {
        kernels.simd = simd;
        const gm = new GaussianMixture({ nComponents: K, covarianceType: 'full', tol: 0, maxIter: 4, seed: 2 }).fit(X);
        return { lb: gm.lowerBound, ss: gm.scoreSamples(X) };
      };
      const a = run(true), b = run(false);
      kernels.simd = true;
      expect(Math.abs(a.lb - b.lb) / Math.abs(b.lb)).toBeLessThan(1e-12);
      expect(maxRelDiff(a.ss, b.ss)).toBeLessThan(1e-12);
    });
  }
  for (const c of mx.cases.filter((x: { maxIter: number }) => x.maxIter === 50)) {
    it(`missing values: ${c.name} matches NumPy; scoring and imputation without a trap`, () => {
      const ds = mx.datasets[c.dataset];
      const X = matrix(ds.data.map((v: number | null) => v ?? NaN), ds.rows, ds.cols);
      const gm = new GaussianMixture({
        nComponents: c.nComponents, covarianceType: c.covarianceType, tol: c.tol, regCovar: c.regCovar, maxIter: c.maxIter,
        weightsInit: c.weightsInit, meansInit: c.meansInit, precisionsInit: c.precisionsInit, missingValues: 'marginalize',
      }).fit(X);
      expect(Math.abs(gm.lowerBound - c.expected.lowerBound) / Math.abs(c.expected.lowerBound)).toBeLessThan(1e-8);
      expect(gm.predictProba(X).data.every(Number.isFinite)).toBe(true);
      expect(gm.impute(X).data.every(Number.isFinite)).toBe(true);
      expect(gm.impute(X, { method: 'sample', seed: 2 }).data.every(Number.isFinite)).toBe(true);
    });
  }
});
