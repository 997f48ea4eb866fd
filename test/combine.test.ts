// combineComponents against mclust 6.0.0's clustCombi and clustCombiOptim
// (test/fixtures/generate_combine.R): from the responsibilities of Mclust()'s fit of each
// example, every level's merge, classification and entropy, and the suggested number of
// clusters; then properties.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { GaussianMixture, combineComponents, type Matrix } from '../src/index.js';
import { errorCode, loadCore, maxRelDiff, overlapping, thrown } from './helpers.js';

interface Level { K: number; combiM: number[]; classification: number[]; entropy: number }
interface Case { name: string; n: number; d: number; x: number[]; model: string; G: number; pro: number[]; mean: number[]; sigma: number[]; z: number[];
  levels: Level[]; optim2: number; optim3: number | null }
const fx = JSON.parse(readFileSync(new URL('./fixtures/combine.json', import.meta.url), 'utf8')) as { cases: Case[] };
const X = (c: Case): Matrix => ({ data: Float64Array.from(c.x), rows: c.n, cols: c.d });
// mclust's fitted parameters, every covariance as a full matrix: the same responsibilities
const model = (c: Case): GaussianMixture =>
  GaussianMixture.fromParameters({ weights: c.pro, means: { data: Float64Array.from(c.mean), rows: c.G, cols: c.d }, covariances: c.sigma }, { covarianceType: 'full' });

beforeAll(loadCore);

describe('combineComponents against mclust\'s clustCombi', () => {
  for (const c of fx.cases) {
    it(`${c.name} (${c.model}, ${c.G} components): every merge, classification and entropy, and clustCombiOptim`, () => {
      const cc = combineComponents({ data: Float64Array.from(c.z), rows: c.n, cols: c.G });
      expect(cc.levels.map((l) => l.nClusters)).toEqual(c.levels.map((l) => l.K));
      c.levels.forEach((want, i) => {
        const got = cc.levels[i];
        if (i > 0) {
          // combiM: K × (K + 1), row a has its ones at the two clusters merged
          const K = want.K, row = Array.from({ length: K + 1 }, (_, j) => want.combiM[got.merged![0] * (K + 1) + j]);
          expect(row.flatMap((v, j) => (v === 1 ? [j] : [])), `K = ${K}`).toEqual(got.merged);
        }
        expect(Array.from(got.labels, (l) => l + 1), `K = ${want.K}`).toEqual(want.classification);
        expect(Math.abs(got.entropy - want.entropy), `K = ${want.K}`).toBeLessThan(1e-9 * Math.max(1, want.entropy));
      });
      expect(cc.suggestedClusters()).toBe(c.optim2);
      if (c.optim3 !== null) expect(cc.suggestedClusters(3)).toBe(c.optim3);
      // from the fitted parameters' own responsibilities (mclust's z is the E-step before its
      // last M-step): the same merges and suggestion
      const own = combineComponents(model(c).predictProba(X(c)));
      expect(own.levels.map((l) => l.merged)).toEqual(cc.levels.map((l) => l.merged));
      expect(own.suggestedClusters()).toBe(c.optim2);
    });
  }
});

describe('combineComponents: properties', () => {
  const data = overlapping(3, 2000, 2, 5);
  let gm: GaussianMixture, cc: ReturnType<typeof combineComponents>;
  beforeAll(() => {
    gm = new GaussianMixture({ nComponents: 5, seed: 1 }).fit(data);
    cc = combineComponents(gm.predictProba(data));
  });
  it('each level\'s responsibilities are sums of the model\'s, as clusterOf says, and rows still sum to 1', () => {
    const z = gm.predictProba(data);
    for (const l of cc.levels) {
      const r = cc.responsibilities(l.nClusters);
      const want = new Float64Array(data.rows * l.nClusters);
      for (let i = 0; i < data.rows; i++) for (let k = 0; k < 5; k++) want[i * l.nClusters + l.clusterOf[k]] += z.data[i * 5 + k];
      expect(maxRelDiff(r.data, want)).toBeLessThan(1e-15);
      for (let i = 0; i < data.rows; i++) expect(Math.abs(r.data.subarray(i * l.nClusters, (i + 1) * l.nClusters).reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
    }
  });
  it('entropy falls at every merge, to 0 for one cluster; each merge is the best of its level', () => {
    for (let i = 1; i < cc.levels.length; i++) expect(cc.levels[i].entropy).toBeLessThanOrEqual(cc.levels[i - 1].entropy);
    expect(cc.levels[4].entropy).toBeLessThan(1e-12); // Σ of a row's responsibilities is 1 to rounding
    expect(Array.from(cc.levels[4].labels).every((l) => l === 0)).toBe(true);
    // the merge taken lowers the entropy at least as much as any other pair would
    for (let i = 1; i < cc.levels.length; i++) {
      const before = cc.responsibilities(cc.levels[i - 1].nClusters), m = before.cols;
      const ent = (a: number, b: number): number => {
        let s = 0;
        for (let r = 0; r < before.rows; r++) {
          for (let k = 0; k < m; k++) {
            if (k === b) continue;
            const v = before.data[r * m + k] + (k === a ? before.data[r * m + b] : 0);
            if (v > 0) s -= v * Math.log(v);
          }
        }
        return s;
      };
      const [a, b] = cc.levels[i].merged!;
      for (let q = 1; q < m; q++) for (let p = 0; p < q; p++) expect(ent(a, b)).toBeLessThanOrEqual(ent(p, q) + 1e-9);
    }
  });
  it('refuses one component, a bad number of clusters or pieces', () => {
    expect(errorCode(() => combineComponents(new GaussianMixture().fit(data).predictProba(data)))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => cc.responsibilities(6))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => cc.responsibilities(1.5))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => cc.suggestedClusters(4 as never))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => combineComponents(gm.predictProba(data), { foo: 1 } as never))).toBe('INVALID_ARGUMENT');
    expect(thrown(() => combineComponents([[0.5, NaN]])).message).toMatch(/give finite numbers|≥ 0/);
    const three = combineComponents(new GaussianMixture({ nComponents: 3, seed: 1 }).fit(data).predictProba(data));
    expect(errorCode(() => three.suggestedClusters(3))).toBe('INVALID_ARGUMENT');
    expect(combineComponents(new GaussianMixture({ nComponents: 2, seed: 1 }).fit(data).predictProba(data)).suggestedClusters()).toBe(2);
  });
});
