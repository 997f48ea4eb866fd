// mclust's hc(x, "V") against mclust 6.0.0 (test/fixtures/generate_hc_v.R): hcVII's kernels
// with α = ε (hcVBegin; hc1v is hcvii's cost on one feature) on R's own transformed data, and the merges and hclass's classes through agglomerate(x, { modelName:
// 'V', use }) for the transforms "VARS", "SVD" and "STD", on one feature of ties (whole
// minutes), of none, far from 0, and of 3 and 9 rows (where hc1v's records run off the start
// of mclust's array).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { agglomerate, GaussianMixture, type HcModel, type HcUse, type Matrix } from '../src/index.js';
import { errorCode, expectClasses, expectMerges, hcKernelMerges, loadCore } from './helpers.js';

interface Run { use: HcUse; z?: number[]; pairsOfZ: number[]; pairs: number[]; pairsRefBlas: number[] | null; classes: Record<string, number[]> }
interface Case { name: string; n: number; x: number[]; runs: Run[] }
const fx = JSON.parse(readFileSync(new URL('./fixtures/hc-v.json', import.meta.url), 'utf8')) as { cases: Case[] };
const X = (k: Case): Matrix => ({ data: Float64Array.from(k.x), rows: k.n, cols: 1 });
const key = (k: Case, r: Run): string => `${k.name} ${r.use}`;

// Where the merges are not R's, and why (hclass's classes for G = 2 … 5 still are R's):
// - waiting standardised (STD): whole minutes, so the singletons 67, 68 and 91, 92 are exactly
//   as far apart and their merges cost the same; R's scale() sums the squares in long double,
//   so its Z differs from the transform's here in the last bit (each of the 272 rows, by
//   4e-16), and rounding picks 91, 92 at merge 221 here, 67, 68 in R; 5 of the merges from
//   there differ. Not the BLAS's: scale() calls none, and R under the reference
//   BLAS merges as under its own (pairsRefBlas); the port on R's own Z merges as R's.
// Every other case, the SVD of waiting's ties too, merges as R's: hc1v calls no BLAS, and
// costs equal by equal values (waiting's repeated minutes) it orders by the same scan.
const MERGES_DIFFER = new Set(['waiting STD']);

beforeAll(loadCore);


describe('mclust hcV', () => {
  for (const k of fx.cases) {
    for (const r of k.runs) {
      it(`${key(k, r)} (${k.n} rows): hcV on R's transformed data merges as R's`, () => {
        expectMerges(hcKernelMerges('V', r.z ?? k.x, k.n, 1), r.pairsOfZ, false); // VARS's Z is the data as given
      });
      it(`${key(k, r)}: agglomerate merges and classifies as hc(x, "V", use) and hclass`, () => {
        const got = agglomerate(X(k), { modelName: 'V', use: r.use });
        const listed = MERGES_DIFFER.has(key(k, r)), first = expectMerges(got.merges, r.pairs, listed);
        // R with the reference BLAS (no fused multiply-add, as here) merges as R: the tie is
        // ordered by the transform's last bits, not by the BLAS
        if (listed && r.pairsRefBlas) expect(expectMerges(got.merges, r.pairsRefBlas, true)).toBe(first);
        expectClasses(got, r.classes);
      });
    }
  }

  it('every transform of one feature, and the merges of two and of equal rows', () => {
    const k = fx.cases.find((c) => c.name === 'eruptions')!;
    // one feature: PCR is STD to a sign and PCS centres it, the same merges as STD's and VARS's
    const std = Array.from(agglomerate(X(k), { modelName: 'V', use: 'STD' }).merges);
    expect(Array.from(agglomerate(X(k), { modelName: 'V', use: 'PCR' }).merges)).toEqual(std);
    expect(Array.from(agglomerate(X(k), { modelName: 'V', use: 'PCS' }).merges))
      .toEqual(Array.from(agglomerate(X(k), { modelName: 'V', use: 'VARS' }).merges));
    expect(Array.from(agglomerate([[3], [1]], { modelName: 'V' }).merges)).toEqual([1, 2]);
    // rows of equal values merge first (their term log(α/2)·2 − 2·log α the least)
    expect(agglomerate([[1], [5], [1], [9], [5]], { modelName: 'V' }).classes(3)).toEqual(Int32Array.from([0, 1, 0, 2, 1]));
    // 4 to 8 rows, where R's hcV fails: a tree all the same
    for (let n = 2; n <= 12; n++) {
      const x = Array.from({ length: n }, (_, i) => [Math.sin(i * 7.3) * 10]);
      const m = agglomerate(x, { modelName: 'V' }).merges;
      expect(m.length).toBe(2 * (n - 1));
      expect(new Set(Array.from(m).filter((_, i) => i % 2 === 1)).size, `n = ${n}`).toBe(n - 1); // each row merged away once
    }
  });

  it('agglomerate: V takes exactly one feature, two rows at least, not constant; hcModelName refuses it', () => {
    const two = [[1, 2], [3, 5], [2, 2]];
    expect(errorCode(() => agglomerate(two, { modelName: 'V' }))).toBe('INVALID_ARGUMENT');
    expect(() => agglomerate(two, { modelName: 'V' })).toThrow(/'VII'.*'EII'/);
    expect(errorCode(() => agglomerate([[1]], { modelName: 'V' }))).toBe('TOO_FEW_SAMPLES');
    expect(errorCode(() => agglomerate([[2], [2], [2]], { modelName: 'V' }))).toBe('NOT_POSITIVE_DEFINITE');
    expect(() => agglomerate([[2], [2], [2]], { modelName: 'V', use: 'VARS' })).toThrow(/every feature is constant/);
    // VII of one feature names V
    expect(() => agglomerate([[1], [4], [2]], { modelName: 'VII' })).toThrow(/'V' \(each group its own variance\)/);
    // Mclust() starts one feature from quantiles: V is no start
    expect(errorCode(() => new GaussianMixture({ initParams: 'hc', hcModelName: 'V' as HcModel }))).toBe('INVALID_OPTION');
  });
});
