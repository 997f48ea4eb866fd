// gmm-wasm classify and predict with a classifier, end to end: the built command line (node
// dist/cli/cli.js) against the library it is built from, on Old Faithful with a class column
// (long and short eruptions, and one that mixes both).
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode, type Run } from './helpers.js';
import type * as Lib from '../src/entry-node.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(root, 'dist/cli/cli.js');
const cli = (args: string[]): Promise<Run> => runNode([CLI, ...args]);
let lib: typeof Lib, dir: string, rows: number[][], classes: string[];
const X = () => ({ data: Float64Array.from(rows.flat()), rows: rows.length, cols: 2, columns: ['eruptions', 'waiting'] });
const bitsOf = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

beforeAll(async () => {
  lib = (await import(join(root, 'dist/entry-node.js'))) as typeof Lib;
  await lib.init();
  dir = mkdtempSync(join(tmpdir(), 'gmm-wasm-classify-'));
  rows = readFileSync(join(root, 'data/faithful.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  // a class that is not one cluster: long eruptions, short ones, and some of each called "mixed"
  classes = rows.map((r, i) => (i % 7 === 0 ? 'mixed' : r[0] > 3 ? 'long' : 'short'));
  writeFileSync(join(dir, 'labelled.csv'), 'eruptions,kind,waiting\n' + rows.map((r, i) => `${r[0]},${classes[i]},${r[1]}`).join('\n') + '\n');
  writeFileSync(join(dir, 'partial.csv'), 'eruptions,kind,waiting\n' + rows.map((r, i) => `${r[0]},${i % 4 === 0 ? classes[i] : i % 8 === 1 ? 'NA' : ''},${r[1]}`).join('\n') + '\n');
  writeFileSync(join(dir, 'new.csv'), 'waiting,eruptions\n' + rows.slice(0, 20).map((r) => `${r[1]},${r[0]}`).join('\n') + '\n');
});

describe('gmm-wasm classify', () => {
  it('EDDA: the library\'s classifier, bit for bit; predict reads the classes back by column name', async () => {
    const out = join(dir, 'edda.json');
    const r = await cli(['classify', join(dir, 'labelled.csv'), '--class', 'kind', '--model-type', 'edda', '--covariance', 'all', '--reg-covar', '0', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/classes: long \(\d+\), mixed \(\d+\), short \(\d+\)/);
    expect(r.stderr).toMatch(/model: EDDA \w+, BIC/);
    const ref = new lib.MixtureDiscriminant({ modelType: 'EDDA', covarianceTypes: [...lib.COVARIANCE_MODELS], regCovar: 0 }).fit(X(), classes);
    const got = lib.MixtureDiscriminant.fromJSON(readFileSync(out, 'utf8'));
    expect(bitsOf(got.predictProba(X()).data)).toBe(bitsOf(ref.predictProba(X()).data));
    expect(got.selection!.results).toEqual(ref.selection!.results);
    // predict: the columns by name, in another order
    const p = await cli(['predict', out, join(dir, 'new.csv'), '--proba']);
    expect(p.code, p.stderr).toBe(0);
    const lines = p.stdout.trim().split('\n');
    expect(lines[0]).toBe('class,p_long,p_mixed,p_short');
    const want = ref.predict({ ...X(), data: X().data.subarray(0, 40), rows: 20 });
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(want);
  });

  it('MclustDA (the default) with -k, and --semi-supervised with empty and NA cells: the library\'s, bit for bit', async () => {
    const da = join(dir, 'da.json'), ssc = join(dir, 'ssc.json');
    expect((await cli(['classify', join(dir, 'labelled.csv'), '--class', '2', '-k', '1..2', '--covariance', 'VVV,EEE', '-o', da])).code).toBe(0);
    const ref = new lib.MixtureDiscriminant({ nComponents: { values: [1, 2] }, covarianceTypes: ['full', 'tied'] }).fit(X(), classes);
    expect(bitsOf(lib.MixtureDiscriminant.fromJSON(readFileSync(da, 'utf8')).predictProba(X()).data)).toBe(bitsOf(ref.predictProba(X()).data));
    const r = await cli(['classify', join(dir, 'partial.csv'), '--class', 'kind', '--semi-supervised', '--covariance', 'VVV,VII', '-o', ssc]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/rows of unknown class/);
    const y = rows.map((_, i) => (i % 4 === 0 ? classes[i] : null));
    const sref = new lib.SemiSupervisedMixture({ covarianceTypes: ['full', 'spherical'] }).fit(X(), y);
    const sgot = lib.SemiSupervisedMixture.fromJSON(readFileSync(ssc, 'utf8'));
    expect(bitsOf(sgot.predictProba(X()).data)).toBe(bitsOf(sref.predictProba(X()).data));
    const p = await cli(['predict', ssc, join(dir, 'new.csv')]);
    expect(p.stdout.trim().split('\n').slice(1)).toEqual(sref.predict({ ...X(), data: X().data.subarray(0, 40), rows: 20 }));
  });

  it('refuses, before any fit: no --class, a row of no class without --semi-supervised, options that do not apply', async () => {
    const f = join(dir, 'labelled.csv');
    expect((await cli(['classify', f])).code).toBe(2);
    const noClass = await cli(['classify', join(dir, 'partial.csv'), '--class', 'kind']);
    expect(noClass.code).toBe(1);
    expect(noClass.stderr).toMatch(/data row 2 \(not counting the header\) has no class .*--semi-supervised/);
    for (const args of [['--semi-supervised', '--model-type', 'edda'], ['--model-type', 'edda', '-k', '1..3'],
      ['--model-type', 'edda', '--n-init', '3'], ['--semi-supervised', '--seed', '4'], ['--model-type', 'edda', '--seed', '4'],
      ['--semi-supervised', '--init', 'hc', '--hc-use', 'VARS']]) {
      const r = await cli(['classify', f, '--class', 'kind', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
    }
    const bad = await cli(['classify', f, '--class', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--class: no column named "nope"/);
    expect((await cli(['classify', f, '--class', '0'])).stderr).toMatch(/--class numbers columns from 1/);
    const all = await cli(['classify', f, '--class', 'kind', '--semi-supervised']);
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/every row has a class .*drop --semi-supervised/);
    // from a review: a model without mclust's prior was swapped for another (VEV) at fit
    expect((await cli(['classify', f, '--class', 'kind', '--prior', '-c', 'EVV', '-k', '2'])).code).toBe(2);
    expect((await cli(['classify', f, '--class', 'kind', '--columns', 'kind,waiting'])).code).toBe(2);
  });

  it('a classifier is for predict: the other commands and predict --given say so', async () => {
    const out = join(dir, 'c.json');
    await cli(['classify', join(dir, 'labelled.csv'), '--class', 'kind', '--model-type', 'edda', '-o', out]);
    const s = await cli(['score', out, join(dir, 'new.csv')]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/is a classifier .*use gmm-wasm predict/);
    expect((await cli(['predict', out, join(dir, 'new.csv'), '--given', '0'])).code).toBe(2);
  });
});
