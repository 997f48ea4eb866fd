// mclust's hc(X, modelName, use) for every transform but the random "RND" against mclust 6.0.0
// (test/fixtures/generate_hc_use.R): the transforms (hcTransform) against R's transformed data,
// the merges and hclass's classes through agglomerate(X, { modelName, use }), initParams 'hc'
// with the hcUse option against Mclust() with mclust.options(hcUse = "VARS"), and the options'
// errors, JSON and command line.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agglomerate, BayesianGaussianMixture, GaussianMixture, HC_USES, MixtureDiscriminant, SemiSupervisedMixture,
  type HcModel, type HcUse, type Matrix } from '../src/index.js';
import { core } from '../src/core/core.js';
import { Arena } from '../src/core/arena.js';
import { errorCode, expectClasses, expectMerges, loadCore, runNode } from './helpers.js';

interface Run { model: HcModel; use: HcUse; z?: number[]; zCols?: number; pairs: number[]; classes: Record<string, number[]> }
interface Case { name: string; n: number; d: number; x: number[]; runs: Run[]; mclustVARS?: { bic: number; loglik: number } }
const fx = JSON.parse(readFileSync(new URL('./fixtures/hc-use.json', import.meta.url), 'utf8')) as { cases: Case[] };
const X = (k: Case): Matrix => ({ data: Float64Array.from(k.x), rows: k.n, cols: k.d });
const key = (k: Case, r: Run): string => `${k.name} ${r.model} ${r.use}`;

// Where the merges from the data are not R's, and why (the classes for G = 2 … 5 still are,
// except as CLASSES_DIFFER says):
// - Old Faithful under EII: repeated rows merge at cost 0 in an order that R's OpenBLAS daxpy
//   (fused multiply-add) decides by rounding residues (as test/hc-eii.test.ts);
// - EII on data of few distinct values (diabetes' integers, banknote's 0.1 mm grid): pairs at
//   exactly equal distances, ordered by the same residues;
// - PCR on Old Faithful and diabetes: the rotated data's last bits (1e-15 from R's) reorder
//   two near-equal costs late in the VVV tree.
const MERGES_DIFFER = new Set(['faithful VVV PCR', 'diabetes VVV PCR', 'diabetes EII STD', 'diabetes EII PCS', 'banknote EII VARS',
  ...HC_USES.map((u) => `faithful EII ${u}`), 'wide EII SPH']);
// - Old Faithful standardised under EII: three rows equally spaced (whole minutes) make two
//   merges of exactly equal cost whose order sends 18 rows to another group; on R's own
//   transformed data too;
// - wide data sphered (SPH, 11 rows in 12 features): the rows become the corners of a regular
//   simplex, every pair equally far apart, so rounding alone orders every merge.
const CLASSES_DIFFER = new Set(['faithful EII STD', 'wide EII SPH']);
// EII on R's own transformed data: the same ties (the VVV port merges as R's on every one)
const ON_Z_DIFFER = new Set([...HC_USES.map((u) => `faithful EII ${u}`), 'diabetes EII PCS', 'banknote EII VARS', 'wide EII SPH']);

beforeAll(loadCore);

describe('mclust hc(X, modelName, use)', () => {
  for (const k of fx.cases) {
    const zOf = (use: HcUse): Run => k.runs.find((r) => r.use === use && r.z)!;
    for (const use of HC_USES) {
      it(`${k.name} (${k.n} × ${k.d}) ${use}: the transform gives R's Z (to a column's sign; directions of no spread as 0)`, () => {
        const R = zOf(use), c = core(), arena = new Arena(c);
        const x = arena.put(k.x), z = arena.allocF64(k.n * k.d), tw = arena.allocF64(3 * k.d + k.n * k.n + k.n);
        const p = c.hcTransform(x, k.n, k.d, z, tw, R.model === 'EII' ? 1 : 0, HC_USES.indexOf(use));
        const Z = arena.f64(z, k.n * p), q = R.zCols!;
        // R's sphered wide data keep two columns of rounding noise (1e-7) where it has 12
        // features for 11 rows; here their one null direction is a column of zeros
        expect(p).toBe(key(k, R) === 'wide EII SPH' ? 11 : q);
        for (let j = 0; j < Math.min(p, q); j++) {
          let dot = 0, norm = 0;
          for (let i = 0; i < k.n; i++) { dot += Z[i * p + j] * R.z![i * q + j]; norm += R.z![i * q + j] ** 2; }
          // a direction of no spread: R's holds scaled rounding noise, this one 0 (as hc-eii.test.ts)
          if (Math.sqrt(norm) < 1e-6) {
            for (let i = 0; i < k.n; i++) expect(Math.abs(Z[i * p + j])).toBeLessThan(1e-6);
            continue;
          }
          for (let i = 0; i < k.n; i++) expect(Math.abs(Math.sign(dot) * Z[i * p + j] - R.z![i * q + j])).toBeLessThan(1e-10);
        }
      });
    }
    for (const r of k.runs) {
      it(`${key(k, r)}: agglomerate merges and classifies as hc and hclass (and as hcVVV or hcEII on R's Z)`, () => {
        const got = agglomerate(X(k), { modelName: r.model, use: r.use });
        expectMerges(got.merges, r.pairs, MERGES_DIFFER.has(key(k, r)));
        if (!CLASSES_DIFFER.has(key(k, r))) expectClasses(got, r.classes);
        // the port on R's own transformed data (VARS passes it through as given)
        const R = zOf(r.use);
        const onZ = agglomerate({ data: Float64Array.from(R.z!), rows: k.n, cols: R.zCols! }, { modelName: r.model, use: 'VARS' });
        if (!ON_Z_DIFFER.has(key(k, r))) expect(Array.from(onZ.merges)).toEqual(r.pairs);
      });
    }
    if (k.mclustVARS) {
      it(`${k.name}: initParams 'hc' with hcUse 'VARS' reaches Mclust(X, 3, "VVV")'s fit under mclust.options(hcUse = "VARS")`, () => {
        const o = { nComponents: 3, covarianceType: 'VVV' as const, initParams: 'hc' as const, regCovar: 0, tol: 1e-11, maxIter: 100000 };
        const gm = new GaussianMixture({ ...o, hcUse: 'VARS' }).fit(X(k));
        const ll = k.n * gm.score(X(k));
        expect(Math.abs(ll - k.mclustVARS!.loglik) / Math.abs(k.mclustVARS!.loglik)).toBeLessThan(1e-9);
        // Mclust()'s BIC (2 log L − p ln n) is −bic here
        expect(Math.abs(-gm.bic(X(k)) - k.mclustVARS!.bic) / Math.abs(k.mclustVARS!.bic)).toBeLessThan(1e-9);
        // the default transform starts elsewhere and ends at another optimum on these sets
        const svd = new GaussianMixture(o).fit(X(k));
        expect(Math.abs(k.n * svd.score(X(k)) - ll)).toBeGreaterThan(1);
      });
    }
  }
});

describe('hcUse and hcModelName', () => {
  const k = fx.cases.find((c) => c.name === 'faithful')!;
  it("hcModelName 'EII' starts from Ward's tree where there are more rows than features, as mclust.options(hcModelName = \"EII\")", () => {
    const r = k.runs.find((q) => q.model === 'EII' && q.use === 'SVD')!;
    const o = { nComponents: 3, initParams: 'hc' as const, regCovar: 0, maxIter: 0 };
    const eii = new GaussianMixture({ ...o, hcModelName: 'EII' }).fit(X(k));
    const labels = Int32Array.from(r.classes['3'], (l) => l - 1);
    const fromLabels = new GaussianMixture({ ...o, initParams: 'kmeans' }).fit(X(k), { initLabels: labels });
    expect(Array.from(eii.means.data)).toEqual(Array.from(fromLabels.means.data));
    expect(Array.from(eii.covariances)).toEqual(Array.from(fromLabels.covariances));
  });
  it('every transform is kept by getParams and JSON, and restores the same fit', () => {
    for (const hcUse of HC_USES) {
      const gm = new GaussianMixture({ nComponents: 2, initParams: 'hc', hcUse, maxIter: 3 }).fit(X(k));
      expect(gm.getParams().hcUse).toBe(hcUse === 'SVD' ? undefined : hcUse);
      const again = new GaussianMixture(GaussianMixture.fromJSON(JSON.parse(JSON.stringify(gm))).getParams()).fit(X(k));
      expect(Array.from(again.means.data)).toEqual(Array.from(gm.means.data));
    }
    const b = new BayesianGaussianMixture({ nComponents: 2, initParams: 'hc', hcUse: 'STD', hcModelName: 'EII', maxIter: 2 }).fit(X(k));
    expect(b.getParams()).toMatchObject({ hcUse: 'STD', hcModelName: 'EII' });
  });
  it('bad values and options that would do nothing are refused, naming the fix', () => {
    const msg = (f: () => unknown): string => { let m = ''; return `${errorCode(() => { try { f(); } catch (e) { m = (e as Error).message; throw e; } })} ${m}`; };
    expect(msg(() => new GaussianMixture({ initParams: 'hc', hcUse: 'vars' as HcUse }))).toMatch(/^INVALID_OPTION hcUse must be one of .*upper case here: 'VARS'/);
    expect(msg(() => new GaussianMixture({ initParams: 'hc', hcUse: 'RND' as HcUse }))).toMatch(/^INVALID_OPTION .*random pairs .*not built/);
    expect(msg(() => new GaussianMixture({ initParams: 'hc', hcModelName: 'V' as HcModel }))).toMatch(/^INVALID_OPTION hcModelName must be 'VVV' or 'EII'/);
    expect(msg(() => new GaussianMixture({ hcUse: 'VARS' }))).toMatch(/^INVALID_OPTION hcUse 'VARS' shapes the start of initParams 'hc', but initParams is 'kmeans'/);
    expect(msg(() => new GaussianMixture({ hcModelName: 'EII', initParams: 'random' }))).toMatch(/^INVALID_OPTION hcModelName 'EII'/);
    expect(msg(() => agglomerate(X(k), { use: 'svd' as HcUse }))).toMatch(/^INVALID_OPTION use must be one of .*'SVD'/);
    expect(msg(() => agglomerate(X(k), { modelName: 'W' as HcModel }))).toMatch(/^INVALID_OPTION modelName must be 'VVV' or 'EII' or 'VII' or 'EEE' or 'E' or 'V' \(mclust's hc models\)/);
    expect(msg(() => new MixtureDiscriminant({ modelType: 'EDDA', hcUse: 'VARS' }))).toMatch(/^INVALID_OPTION/);
    expect(msg(() => new SemiSupervisedMixture({ hcUse: 'VARS' } as never))).toMatch(/^INVALID_OPTION/);
    // SPH and SVD scale each direction by its spread: collinear features cannot be, PCR can
    const col = Array.from({ length: 20 }, (_, i) => [Math.sin(i), i ** 1.5, 2 * i ** 1.5 + 1]);
    expect(msg(() => agglomerate(col, { use: 'SPH' }))).toMatch(/^NOT_POSITIVE_DEFINITE .*collinear.*'SPH'.*'PCR'/);
    expect(agglomerate(col, { use: 'PCR' }).merges.length).toBe(38);
    // 5 rows, 4 varying features and 2 constant: PCS keeps the constant ones (p = 5), the others drop them
    const five = Array.from({ length: 5 }, (_, i) => [Math.sin(i), Math.cos(3 * i), 7, i * i, 2, Math.sqrt(i + 1)]);
    expect(msg(() => agglomerate(five, { use: 'PCS' }))).toMatch(/^NOT_POSITIVE_DEFINITE .*than the features \(PCS keeps the constant ones\) \(of the 6 features\)/);
    expect(agglomerate(five, { use: 'STD' }).merges.length).toBe(8);
  });
  it('the command line takes --hc-use and --hc-model with --init hc', async () => {
    const input = 'eruptions,waiting\n' + Array.from({ length: k.n }, (_, i) => `${k.x[2 * i]},${k.x[2 * i + 1]}`).join('\n') + '\n';
    const cli = (...args: string[]) => runNode([fileURLToPath(new URL('../dist/cli/cli.js', import.meta.url)), 'fit', '-', '-k', '3', ...args], { input });
    const fit = await cli('-c', 'VVV', '--init', 'hc', '--hc-use', 'VARS', '--reg-covar', '0', '--tol', '1e-11', '--max-iter', '100000', '-q');
    expect(fit.code).toBe(0);
    const gm = GaussianMixture.fromJSON(fit.stdout);
    expect(gm.getParams().hcUse).toBe('VARS');
    const ll = k.n * gm.score(X(k));
    expect(Math.abs(ll - k.mclustVARS!.loglik) / Math.abs(k.mclustVARS!.loglik)).toBeLessThan(1e-9);
    const bad = await cli('--init', 'hc', '--hc-use', 'vars');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--hc-use must be one of SVD, VARS, STD, PCR, PCS, SPH; got "vars"\. Names are in upper case here: 'VARS'/);
    expect((await cli('--init', 'hc', '--hc-use', 'RND')).stderr).toMatch(/for random starts use --init random and --n-init/);
    const unused = await cli('--hc-model', 'EII');
    expect(unused.code).toBe(2);
    expect(unused.stderr).toMatch(/--hc-model 'EII' shapes the start of --init 'hc', but --init is 'kmeans': add --init 'hc'/);
  });
});
