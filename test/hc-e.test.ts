// mclust's hc(x, "E") (one feature, equal variance) against mclust 6.0.0
// (test/fixtures/generate_hc_e.R): EII's kernels (assembly/hc-ward.ts; hc1e is hceii of one
// feature) on R's own transformed data, and the merges and hclass's classes through
// agglomerate(x, { modelName: 'E', use }) for the transforms "VARS" (hc()'s default), "SVD" (Mclust()'s) and "STD".
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { agglomerate, GaussianMixture, type HcUse, type Matrix } from '../src/index.js';
import { errorCode, expectMerges, hcKernelMerges, thrown, loadCore } from './helpers.js';

interface Run { use: HcUse; z?: number[]; pairsOfZ: number[]; pairs: number[]; classes: Record<string, number[]> }
interface Case { name: string; n: number; x: number[]; runs: Run[] }
const fx = JSON.parse(readFileSync(new URL('./fixtures/hc-e.json', import.meta.url), 'utf8')) as { cases: Case[] };
const X = (k: Case): Matrix => ({ data: Float64Array.from(k.x), rows: k.n, cols: 1 });
const key = (k: Case, r: Run): string => `${k.name} ${r.use}`;

// hc1e calls no BLAS (its products are written out), so on R's own transformed data Z the port
// merges as R's everywhere, exact ties (Old Faithful's whole minutes, iris's 0.1 cm grid,
// precip's repeats) included: the same roundings decide them.
// Where agglomerate's merges are not R's, and why: values on a grid leave many pairs of groups
// exactly as far apart, so that their costs are equal but for the rounding of Z; the transforms
// 'SVD' and 'STD' here give R's Z to rounding (a few ulps of the largest), not bit for bit (R's
// scale() sums in long double, and its σ is LAPACK's), so those equal costs round apart
// otherwise and `≤` takes another pair:
// - Old Faithful's waiting (whole minutes) under SVD and STD: from merge 228 and 221 of 271;
// - its eruptions (minutes to three decimals, many repeated) under SVD and STD: from merge 148;
// - iris's petal length (0.1 cm) under SVD: from merge 112 of 149 (the classes are R's).
// R's hcE run on this transform's Z merges as agglomerate does for every set and transform
// (checked when this list was made): the differences are Z's alone.
const MERGES_DIFFER = new Set(['waiting SVD', 'waiting STD', 'eruptions SVD', 'eruptions STD', 'petal SVD']);
// hclass's classes for G = 2 … 5 differ too on these (waiting STD from G = 3; the others from G = 4)
const CLASSES_DIFFER = new Set(['waiting SVD', 'waiting STD', 'eruptions SVD', 'eruptions STD']);

beforeAll(loadCore);


describe('mclust hcE', () => {
  it('covers the cases and transforms', () => {
    expect(fx.cases.map((k) => k.name)).toEqual(['waiting', 'eruptions', 'petal', 'mixture', 'precip', 'offset']);
    for (const k of fx.cases) expect(k.runs.map((r) => r.use)).toEqual(['VARS', 'SVD', 'STD']);
  });

  for (const k of fx.cases) {
    for (const r of k.runs) {
      it(`${key(k, r)} (${k.n} values): hcE on R's transformed data merges as R's (EII's kernels, hc1e being hceii of one feature)`, () => {
        expectMerges(hcKernelMerges('Ward', r.z ?? k.x, k.n, 1), r.pairsOfZ, false);
      });
      it(`${key(k, r)}: agglomerate merges and classifies as hc(x, "E", use) and hclass`, () => {
        const got = agglomerate(X(k), { modelName: 'E', use: r.use });
        expect(got.rows).toBe(k.n);
        expectMerges(got.merges, r.pairs, MERGES_DIFFER.has(key(k, r)));
        const same = Object.keys(r.classes).every((G) => Array.from(got.classes(Number(G)), (l) => l + 1).every((l, i) => l === r.classes[G][i]));
        expect(same).toBe(!CLASSES_DIFFER.has(key(k, r)));
        // the first classes are R's everywhere
        expect(Array.from(got.classes(2), (l) => l + 1)).toEqual(r.classes['2']);
      });
    }
  }

  it('agglomerate: E takes exactly one feature, at least two rows, not constant; two rows merge once', () => {
    const e = thrown(() => agglomerate([[1, 2], [3, 5], [2, 2]], { modelName: 'E' }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/'EII'.*'VII'/);
    expect(errorCode(() => agglomerate([[1]], { modelName: 'E' }))).toBe('TOO_FEW_SAMPLES');
    for (const use of ['VARS', 'SVD', 'STD'] as const) {
      expect(errorCode(() => agglomerate([[3], [3], [3]], { modelName: 'E', use }))).toBe('NOT_POSITIVE_DEFINITE');
    }
    expect(Array.from(agglomerate([[1], [3]], { modelName: 'E' }).merges)).toEqual([1, 2]);
    expect(agglomerate([[1], [4], [2], [9]], { modelName: 'E' }).classes(2)).toEqual(Int32Array.from([0, 0, 0, 1]));
    // the option's list names E and V, every one of mclust's hc models
    const bad = thrown(() => agglomerate([[1], [4]], { modelName: 'W' as never }));
    expect(bad.code).toBe('INVALID_OPTION');
    expect(bad.message).toMatch(/'E' or 'V' \(mclust's hc models\)/);
  });

  it("E is agglomerate's, not hcModelName's: Mclust() starts one feature from quantiles", () => {
    expect(errorCode(() => new GaussianMixture({ initParams: 'hc', hcModelName: 'E' as never }))).toBe('INVALID_OPTION');
  });
});
