// mclust's hc(X, "EII", use = "SVD") (Ward's method) against mclust 6.0.0
// (test/fixtures/generate_hc_eii.R): the port on R's own transformed data, the transform
// (wide data too), the merges and hclass's classes through agglomerate(X, { modelName: 'EII' }),
// and Mclust()'s start on data with no more rows than features, which agglomerates under EII.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { agglomerate, selectModel, type Matrix } from '../src/index.js';
import { core } from '../src/core/core.js';
import { Arena } from '../src/core/arena.js';
import { errorCode, loadCore } from './helpers.js';

interface Case { name: string; n: number; d: number; x: number[]; z: number[]; zCols: number; pairsOfZ: number[]; pairs: number[];
  classes: Record<string, number[]>; bic?: Record<string, (number | null)[]> }
const fx = JSON.parse(readFileSync(new URL('./fixtures/hc-eii.json', import.meta.url), 'utf8')) as { cases: Case[] };
const X = (k: Case): Matrix => ({ data: Float64Array.from(k.x), rows: k.n, cols: k.d });
// Data with repeated rows (Old Faithful, iris): two equal rows cost exactly 0 to merge here and
// with R's reference BLAS, but R's OpenBLAS daxpy (fused multiply-add) leaves each such cost a
// different rounding residue, which orders their merges (the first difference is the first
// merge); the classes for G = 2 … 5 agree.
const TIED = new Set(['faithful', 'iris']);

beforeAll(loadCore);

describe('mclust hcEII', () => {
  for (const k of fx.cases) {
    it(`${k.name} (${k.n} × ${k.d}): hcEII on R's transformed data merges as R's`, () => {
      const c = core(), arena = new Arena(c);
      const z = arena.put(k.z), work = arena.allocF64(c.hcWardWorkSize(k.n, k.zCols)), pairs = arena.alloc(8 * (k.n - 1));
      if (c.hcWardBegin(z, k.n, k.zCols, work)) while (c.hcWardMerge());
      c.hcWardPairs(pairs);
      if (!TIED.has(k.name)) expect(Array.from(arena.i32(pairs, 2 * (k.n - 1)))).toEqual(k.pairsOfZ);
    });
    it(`${k.name}: the transform gives R's Z (to a column's sign; wide data's null direction as 0), and agglomerate merges and classifies as hc and hclass`, () => {
      const c = core(), arena = new Arena(c);
      const x = arena.put(k.x), z = arena.allocF64(k.n * k.d), tw = arena.allocF64(3 * k.d + k.n * k.n + k.n);
      expect(c.hcTransform(x, k.n, k.d, z, tw, 1)).toBe(k.zCols);
      const Z = arena.f64(z, k.n * k.zCols);
      for (let j = 0; j < k.zCols; j++) {
        let dot = 0, size = 0;
        for (let i = 0; i < k.n; i++) { dot += Z[i * k.zCols + j] * k.z[i * k.zCols + j]; size = Math.max(size, Math.abs(k.z[i * k.zCols + j])); }
        // R's last column of centred wide data is rounding noise (1e-8); ours is 0
        const noise = size < 1e-6;
        for (let i = 0; i < k.n; i++) {
          expect(Math.abs((noise ? 0 : Math.sign(dot)) * Z[i * k.zCols + j] - (noise ? 0 : k.z[i * k.zCols + j])), `column ${j}`).toBeLessThan(1e-10);
        }
      }
      const a = agglomerate(X(k), { modelName: 'EII', use: 'SVD' });
      if (!TIED.has(k.name)) expect(Array.from(a.merges)).toEqual(k.pairs);
      for (const G of Object.keys(k.classes)) expect(Array.from(a.classes(Number(G)), (l) => l + 1), `G = ${G}`).toEqual(k.classes[G]);
    });
  }

  for (const k of fx.cases.filter((c) => c.bic)) {
    it(`${k.name}: no more rows than features, so initParams 'hc' starts from EII's tree, as Mclust(): mclustBIC's BICs`, () => {
      const sel = selectModel(X(k), { nComponents: [2, 3], covarianceTypes: ['EII', 'VII', 'EEI'], initParams: 'hc', regCovar: 0, tol: 1e-14, maxIter: 100000 });
      for (const [name, type] of [['EII', 'EII'], ['VII', 'spherical'], ['EEI', 'EEI']] as const) {
        k.bic![name].forEach((want, g) => {
          const r = sel.results.find((x) => x.covarianceType === type && x.nComponents === g + 2);
          if (want === null) return; // mclust: NA (a component collapsed)
          expect(r, `${name} G = ${g + 2}`).toBeDefined();
          expect(Math.abs(-r!.bic - want) / Math.abs(want), `${name} G = ${g + 2}`).toBeLessThan(1e-8);
        });
      }
    });
  }

  it('agglomerate: EII takes one feature and wide data; VVV refuses them; bad options', () => {
    expect(agglomerate([[1], [4], [2], [9]], { modelName: 'EII' }).classes(2)).toEqual(Int32Array.from([0, 0, 0, 1]));
    expect(errorCode(() => agglomerate([[1], [4], [2]]))).toBe('INVALID_ARGUMENT');
    const wide = fx.cases.find((c) => c.name === 'wide')!;
    expect(errorCode(() => agglomerate(X(wide)))).toBe('NOT_POSITIVE_DEFINITE');
    expect(errorCode(() => agglomerate(X(wide), { modelName: 'W' as never }))).toBe('INVALID_OPTION');
    expect(errorCode(() => agglomerate(X(wide), { model: 'EII' } as never))).toBe('INVALID_OPTION');
    expect(errorCode(() => agglomerate([[1, 2]], { modelName: 'EII' }))).toBe('TOO_FEW_SAMPLES');
    expect(errorCode(() => agglomerate([[1, 2], [1, 2]], { modelName: 'EII' }))).toBe('NOT_POSITIVE_DEFINITE'); // every feature constant
  });
});
