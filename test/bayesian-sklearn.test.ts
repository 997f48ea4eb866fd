// BayesianGaussianMixture against scikit-learn 1.2 from the same k-means labels (fixtures
// made by test/fixtures/generate_bgm.py), and the core's digamma / lgamma against mpmath
// (test/fixtures/generate_special.py).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BayesianGaussianMixture, type BayesianGaussianMixtureOptions } from '../src/index.js';
import { core } from '../src/core/core.js';
import { loadCore, maxRelDiff, root } from './helpers.js';

type Nested = number | Float64Array | Nested[];
interface Case {
  name: string; dataset: string; labels: string;
  options: BayesianGaussianMixtureOptions & { covarianceType: 'full' | 'tied' | 'diag' | 'spherical'; nComponents: number };
  expected: {
    weights: number[]; means: number[][]; covariances: Nested; precisionsCholesky: Nested; precisions: Nested;
    weightConcentration: Nested; meanPrecision: number[]; degreesOfFreedom: number[];
    lowerBound: number; nIter: number; converged: boolean;
    weightConcentrationPrior: number; meanPrecisionPrior: number; meanPrior: number[]; degreesOfFreedomPrior: number;
    covariancePrior: Nested; scoreSamples: number[]; predictProba: number[][]; predict: number[];
  };
}
const fx = JSON.parse(readFileSync(new URL('test/fixtures/bgm.json', root), 'utf8')) as {
  generator: string; sklearn: string; datasets: Record<string, { X: number[][] }>; labels: Record<string, number[]>; cases: Case[];
};
const special = JSON.parse(readFileSync(new URL('test/fixtures/special.json', root), 'utf8')) as {
  source: string; digamma: [number, number][]; lgamma: [number, number][]; betaln: [number, number, number][];
};

const flat = (v: Nested | Float64Array): number[] =>
  (v instanceof Float64Array ? Array.from(v) : Array.isArray(v) ? v.flatMap(flat) : [v]);
/** max |a − b| / |b| over the entries (relative; b's entries are far from 0 here or the
 *  comparison is absolute through maxRelDiff). */
function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-300));
  return m;
}

beforeAll(loadCore);

describe(`BayesianGaussianMixture matches ${fx.generator} (scikit-learn ${fx.sklearn})`, () => {
  it('covers every covariance type, both weight priors, non-default priors and a tol-stopped case', () => {
    const types = new Set(fx.cases.map((c) => `${c.options.covarianceType}/${c.options.weightConcentrationPriorType}`));
    expect(types.size).toBe(8);
    expect(fx.cases.some((c) => c.options.covariancePrior !== undefined)).toBe(true);
    expect(fx.cases.some((c) => c.expected.converged && c.expected.nIter < (c.options.maxIter ?? 100))).toBe(true);
  });
  for (const c of fx.cases) {
    it(c.name, () => {
      const X = fx.datasets[c.dataset].X;
      const m = new BayesianGaussianMixture({ ...c.options, seed: 0 }).fit(X, { initLabels: fx.labels[c.labels] });
      const e = c.expected;
      expect(Math.abs(m.lowerBound - e.lowerBound) / Math.abs(e.lowerBound)).toBeLessThan(1e-8);
      expect(m.nIter).toBe(e.nIter);
      expect(m.converged).toBe(e.converged);
      expect(maxRelDiff(m.weights, e.weights)).toBeLessThan(1e-6);
      expect(maxRelDiff(m.means.data, flat(e.means))).toBeLessThan(1e-6);
      expect(maxRelDiff(m.covariances, flat(e.covariances))).toBeLessThan(1e-6);
      expect(maxRelDiff(m.precisionsCholesky, flat(e.precisionsCholesky))).toBeLessThan(1e-6);
      expect(maxRelDiff(m.precisions, flat(e.precisions))).toBeLessThan(1e-6);
      expect(maxRelDiff(flat(m.weightConcentration as Nested), flat(e.weightConcentration))).toBeLessThan(1e-6);
      expect(maxRelDiff(m.meanPrecision, e.meanPrecision)).toBeLessThan(1e-6);
      expect(maxRelDiff(m.degreesOfFreedom, e.degreesOfFreedom)).toBeLessThan(1e-6);
      // the resolved priors (defaults from the data)
      expect(rel([m.weightConcentrationPrior, m.meanPrecisionPrior, m.degreesOfFreedomPrior],
        [e.weightConcentrationPrior, e.meanPrecisionPrior, e.degreesOfFreedomPrior])).toBeLessThan(1e-14);
      expect(maxRelDiff(m.meanPrior, e.meanPrior)).toBeLessThan(1e-12);
      expect(maxRelDiff(m.covariancePrior, flat(e.covariancePrior))).toBeLessThan(1e-12);
      // scoring with the variational constants, as scikit-learn's score_samples / predict_proba
      const rows = X.slice(0, e.scoreSamples.length);
      expect(maxRelDiff(m.scoreSamples(rows), e.scoreSamples)).toBeLessThan(1e-8);
      expect(maxRelDiff(m.predictProba(rows).data, flat(e.predictProba))).toBeLessThan(1e-8);
      const labels = m.predict(X);
      const differ = labels.reduce((n, l, i) => n + (l !== e.predict[i] ? 1 : 0), 0);
      expect(differ).toBe(0);
    });
  }
});

describe(`the core's special functions match ${special.source}`, () => {
  const ulp = (y: number): number => {
    const b = new Float64Array([Math.abs(y)]);
    const i = new BigInt64Array(b.buffer);
    i[0] += 1n;
    return b[0] - Math.abs(y);
  };
  // measured: ψ within 3 ulp, and 6e-17 absolute within 0.05 of its root x₀; lnΓ within
  // 2 ulp, and 2e-17 absolute within 0.1 of its roots 1 and 2
  const within = (f: 'digamma' | 'lgamma', ulps: number, abs: number, nearRoot: (x: number) => boolean): void => {
    let checked = 0;
    for (const [x, y] of special[f]) {
      const err = Math.abs(core()[f](x) - y);
      if (nearRoot(x)) expect(err, `${f}(${x})`).toBeLessThanOrEqual(abs);
      else expect(err / ulp(y), `${f}(${x})`).toBeLessThanOrEqual(ulps);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  };
  it('digamma: within 4 ulp, or 1e-16 absolute near its root', () =>
    within('digamma', 4, 1e-16, (x) => Math.abs(x - 1.4616321449683623) < 0.05));
  it('lgamma: within 4 ulp, or 5e-17 absolute near its roots 1 and 2', () =>
    within('lgamma', 4, 5e-17, (x) => Math.abs(x - 1) < 0.1 || Math.abs(x - 2) < 0.1));
  it('betaln: within 1e-13 relative of mpmath, also where one argument dwarfs the other', () => {
    // the fixture's pairs, and pairs where lnΓ(b) − lnΓ(a + b) would cancel (mpmath, 60–80 digits)
    const far: [number, number, number][] = [
      [5.3, 1000000000123.4, -142.80477584602002], [1.0, 1e16, -36.841361487904734], [2.5, 3.5, -3.301835269962053],
      [0.01, 1e8, 4.415273070651998], [1234.5, 3e9, -19388.55789878582], [7.0, 1e20, -315.7826618071563],
      [0.5, 1e30, -33.966411451985984], [1.0000000000000002, 12.5, -2.525728644308256],
    ];
    for (const [a, b, y] of [...special.betaln, ...far]) {
      expect(Math.abs(core().betaln(a, b) - y), `ln B(${a}, ${b})`).toBeLessThan(1e-13 * Math.max(1, Math.abs(y)));
      expect(core().betaln(b, a)).toBe(core().betaln(a, b));
    }
  });
});
