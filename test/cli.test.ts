// The gmm-wasm command line, end to end: the built CLI (node dist/cli/cli.js) against the
// library it is built from (dist/entry-node.js, loaded here in-process).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { runNode, type Run } from './helpers.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(root, 'dist/cli/cli.js');
const FAITHFUL = join(root, 'data/faithful.csv');
/** node flags that make the CLI print how many worker threads it started (test/cli/count-workers.mjs) */
const COUNT_WORKERS = ['--import', pathToFileURL(join(root, 'test/cli/count-workers.mjs')).href];

function cli(args: string[], input?: string, cwd?: string, nodeArgs: string[] = []): Promise<Run> {
  return runNode([...nodeArgs, CLI, ...args], { cwd, input });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let lib: any;
let dir: string;
let faithful: number[][];
/** faithful as the command line reads data/faithful.csv: with its header's names, which a
 *  fit keeps as the model's featureNames. */
const NAMES = ['eruptions', 'waiting'];
const named = (rows: number[][]) => ({ data: Float64Array.from(rows.flat()), rows: rows.length, cols: 2, columns: NAMES });

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli/cli.js is missing: run `npm run build` first.');
  lib = await import(/* @vite-ignore */ join(root, 'dist/entry-node.js'));
  await lib.init();
  dir = mkdtempSync(join(tmpdir(), 'gmm-wasm-cli-'));
  faithful = readFileSync(FAITHFUL, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  writeFileSync(join(dir, 'faithful.tsv'), 'eruptions\twaiting\n' + faithful.map((r) => r.join('\t')).join('\n') + '\n');
  writeFileSync(join(dir, 'faithful.json'), JSON.stringify(faithful));
  writeFileSync(join(dir, 'ragged.csv'), 'a,b\n1,2\n3,4,5\n');
  writeFileSync(join(dir, 'words.csv'), 'a,b\n1,2\n3,x7\n');
  writeFileSync(join(dir, 'three.csv'), 'id,eruptions,waiting\n' + faithful.map((r, i) => `${i},${r.join(',')}`).join('\n') + '\n');
  writeFileSync(join(dir, 'extra-last.csv'), 'eruptions,waiting,id\n' + faithful.map((r, i) => `${r.join(',')},${i}`).join('\n') + '\n');
  writeFileSync(join(dir, 'three-cols.csv'), faithful.map((r, i) => `${i},${r.join(',')}`).join('\n') + '\n'); // no header
  writeFileSync(join(dir, 'bad-model.json'), '{"format": "gmm-wasm", "version": 1');
  mkdirSync(join(dir, 'a-directory'));
  const m = await cli(['fit', FAITHFUL, '-k', '2', '--seed', '0', '-q', '--out', join(dir, 'model.json')]);
  expect(m.code, m.stderr).toBe(0);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function model(file = 'model.json') {
  return lib.GaussianMixture.fromJSON(readFileSync(join(dir, file), 'utf8'));
}

function csvRows(text: string): string[][] {
  return text.trim().split('\n').map((l) => l.split(','));
}

describe.concurrent('help and usage', () => {
  it('gmm-wasm --help lists the commands', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['fit', 'predict', 'score', 'sample', 'impute', 'select']) expect(r.stdout).toContain(`  ${c} `);
  });
  it.each(['fit', 'predict', 'score', 'sample', 'impute', 'select'])('gmm-wasm %s --help', async (c) => {
    const r = await cli([c, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: gmm-wasm ${c} `);
    expect(r.stdout).toContain('--quiet');
    const h = await cli(['help', c]);
    expect(h.stdout).toBe(r.stdout);
  });
  it('--version', async () => {
    const r = await cli(['--version']);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });
  it('no arguments: usage on stderr (a usage error), exit 2; --help: on stdout', async () => {
    const r = await cli([]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain('Usage: gmm-wasm <command>');
    const help = await cli(['--help']);
    expect([help.code, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toContain('Usage: gmm-wasm <command>');
  });
  it('unknown command and options: exit 2 with a suggestion', async () => {
    let r = await cli(['fitt', FAITHFUL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Did you mean fit?');
    r = await cli(['fit', FAITHFUL, '--covarience', 'full']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --covarience');
    expect(r.stderr).toContain('Did you mean --covariance?');
    // a short typo still gets its guess (two edits)
    r = await cli(['fit', FAITHFUL, '--sd', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Did you mean --seed?');
    expect(r.stderr).toContain('gmm-wasm fit --help');
    r = await cli(['fit', FAITHFUL, '-c', 'ful']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Did you mean full?');
    r = await cli(['fit', FAITHFUL, '-k', 'three']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-k needs an integer');
    r = await cli(['fit', FAITHFUL, '--tol']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--tol needs a value');
    r = await cli(['fit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"fit" needs <data>');
    r = await cli(['predict', join(dir, 'model.json')]);
    expect(r.code).toBe(2);
  });
  it('option values are usage errors before any file is read (sample -n, --seed of sample and impute)', async () => {
    // the files named do not exist: a usage error must come first
    for (const [args, text] of [
      [['sample', 'nope.json', '-n', '0'], '-n needs a count ≥ 1'],
      [['sample', 'nope.json', '--seed', '-1'], '--seed needs an integer in [0, 2^53); got -1'],
      [['impute', 'nope.json', 'nope.csv', '--method', 'sample', '--seed', '-1'], '--seed needs an integer in [0, 2^53)'],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(text);
    }
    // a choice that is punctuation is quoted, so the list reads as a list
    const r = await cli(['fit', FAITHFUL, '--delimiter', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--delimiter must be one of ",", ";", tab, space; got "x".');
  });
  it('--columns refuses a name that several columns share', async () => {
    writeFileSync(join(dir, 'twice.csv'), 'a,a,b\n1,2,3\n4,5,6\n7,8,9\n2,1,0\n');
    const r = await cli(['fit', join(dir, 'twice.csv'), '--columns', 'a']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 columns are named "a" (columns 1, 2): pick one by its number');
    expect((await cli(['fit', join(dir, 'twice.csv'), '--columns', '2,b', '-q'])).code).toBe(0);
    const zero = await cli(['fit', join(dir, 'twice.csv'), '--columns', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--columns numbers columns from 1; got 0.');
  });
  it('a library error names the command line\'s flags, not the library\'s option names', async () => {
    writeFileSync(join(dir, 'same.csv'), 'x,y\n1,2\n1,2\n1,2\n1,2\n');
    const r = await cli(['fit', join(dir, 'same.csv'), '-k', '2', '--reg-covar', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(NOT_POSITIVE_DEFINITE)');
    expect(r.stderr).toContain('Raise --reg-covar (now 0), reduce -k, or scale the data.');
    expect(r.stderr).not.toMatch(/regCovar|nComponents/);
  });
});

describe.concurrent('fit', () => {
  it('prints the model JSON on stdout and a summary on stderr; equals the library', async () => {
    const r = await cli(['fit', FAITHFUL, '-k', '2', '--covariance', 'full', '--seed', '0']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    const gm = new lib.GaussianMixture({ nComponents: 2, covarianceType: 'full', seed: 0 }).fit(named(faithful));
    expect(json).toEqual(gm.toJSON());
    expect(json.featureNames).toEqual(NAMES);
    expect(r.stderr).toContain('272 rows × 2 columns (eruptions, waiting), CSV');
    expect(r.stderr).toContain('2 components, full covariance, 2 features');
    expect(r.stderr).toMatch(/converged after \d+ iterations/);
    expect(r.stderr).toContain(`BIC ${gm.bic(faithful).toFixed(3)}`);
    expect(r.stderr).toMatch(/eruptions \(mean ± sd\)\s+waiting \(mean ± sd\)/);
  });

  it('--out writes the file and keeps stdout empty', async () => {
    const r = await cli(['fit', FAITHFUL, '-k', '3', '--out', join(dir, 'k3.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`wrote ${join(dir, 'k3.json')}`);
    expect(model('k3.json').nComponents).toBe(3);
  });

  it('passes every option through', async () => {
    const r = await cli(['fit', FAITHFUL, '-k', '3', '-c', 'diag', '--tol', '1e-5', '--reg-covar', '1e-4', '--max-iter', '50',
      '--n-init', '2', '--init', 'k-means++', '--seed', '42', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const o = JSON.parse(r.stdout).options;
    expect(o).toMatchObject({ nComponents: 3, covarianceType: 'diag', tol: 1e-5, regCovar: 1e-4, maxIter: 50, nInit: 2, initParams: 'k-means++', seed: 42 });
    const gm = new lib.GaussianMixture(o).fit(named(faithful));
    expect(JSON.parse(r.stdout)).toEqual(gm.toJSON());
  });

  it('reads TSV, JSON and stdin to the same model', async () => {
    const csv = JSON.parse((await cli(['fit', FAITHFUL, '-k', '2', '-q'])).stdout);
    const tsv = JSON.parse((await cli(['fit', join(dir, 'faithful.tsv'), '-k', '2', '-q'])).stdout);
    const json = JSON.parse((await cli(['fit', join(dir, 'faithful.json'), '-k', '2', '-q'])).stdout);
    const stdin = JSON.parse((await cli(['fit', '-', '-k', '2', '-q'], readFileSync(FAITHFUL, 'utf8'))).stdout);
    expect(tsv).toEqual(csv);
    expect(stdin).toEqual(csv);
    // an array of rows has no column names: the same model, without them
    const { featureNames, ...unnamed } = csv;
    expect(featureNames).toEqual(NAMES);
    expect(json).toEqual(unnamed);
  });

  it('--columns picks columns by name or number', async () => {
    const csv = JSON.parse((await cli(['fit', FAITHFUL, '-k', '2', '-q'])).stdout);
    const byName = await cli(['fit', join(dir, 'three.csv'), '-k', '2', '--columns', 'eruptions,waiting']);
    expect(byName.stderr).toContain('272 rows × 2 columns (eruptions, waiting)');
    expect(JSON.parse(byName.stdout)).toEqual(csv);
    const byNumber = await cli(['fit', join(dir, 'three.csv'), '-k', '2', '--columns', '2,3', '-q']);
    expect(JSON.parse(byNumber.stdout)).toEqual(csv);
    const bad = await cli(['fit', join(dir, 'three.csv'), '--columns', 'eruption']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no column named "eruption"');
  });

  it('--progress shows iteration, lower bound and change; --quiet silences stderr', async () => {
    const r = await cli(['fit', FAITHFUL, '-k', '2', '--progress', '--tol', '0', '--max-iter', '6']);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('iter '));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^iter 1 {2}lower bound -4\.\d+ {2}change —$/);
    expect(lines[5]).toMatch(/^iter 6 {2}lower bound -4\.\d+ {2}change \d\.\d\de-\d+$/);
    expect(r.stderr).toContain('did not converge');
    const n = await cli(['fit', FAITHFUL, '-k', '2', '--n-init', '2', '--progress', '--max-iter', '2', '--tol', '0']);
    expect(n.stderr).toContain('init 2/2  iter 2');
    const q = await cli(['fit', FAITHFUL, '-k', '2', '--progress', '--quiet']);
    expect(q.code).toBe(0);
    expect(q.stderr).toBe('');
  });

  it('--max-iter 0 writes the start alone, and says so, without a convergence warning', async () => {
    const r = await cli(['fit', FAITHFUL, '-k', '2', '--max-iter', '0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('the start alone (maxIter 0): no EM iteration ran');
    expect(r.stderr).not.toContain('did not converge');
    const m = JSON.parse(r.stdout);
    expect(m).toMatchObject({ nIter: 0, lowerBound: null, converged: false });
  });
});

describe.concurrent('fit --bayesian', () => {
  it('fits a BayesianGaussianMixture equal to the library\'s; predict reads its JSON back', async () => {
    const r = await cli(['fit', FAITHFUL, '-k', '6', '--bayesian', '--weight-concentration', '0.01', '--weight-prior', 'dirichlet_distribution', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const ref = new lib.BayesianGaussianMixture({ nComponents: 6, weightConcentrationPrior: 0.01, weightConcentrationPriorType: 'dirichlet_distribution' })
      .fit(named(faithful));
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(ref)));
    writeFileSync(join(dir, 'bgm.json'), r.stdout);
    const p = await cli(['predict', join(dir, 'bgm.json'), FAITHFUL]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.trim().split('\n').slice(1).map(Number)).toEqual(Array.from(ref.predict(faithful)));
    const sc = await cli(['score', join(dir, 'bgm.json'), FAITHFUL]);
    expect(sc.code, sc.stderr).toBe(0);
    expect(Number(sc.stdout.trim())).toBe(ref.score(faithful));
    const s = await cli(['fit', FAITHFUL, '-k', '6', '--bayesian', '--weight-concentration', '0.01']);
    expect(s.stderr).toContain(`effective components ${ref.nEffectiveComponents(0.01)} of 6`);
    expect(s.stderr).toContain('(variational, a total)');
  });
  it('fit (streamed too) and select --init hc: mclust\'s start, equal to the library\'s', async () => {
    const r = await cli(['fit', FAITHFUL, '-k', '3', '--covariance', 'EEE', '--init', 'hc', '--reg-covar', '0', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const ref = new lib.GaussianMixture({ nComponents: 3, covarianceType: 'EEE', initParams: 'hc', regCovar: 0 }).fit(named(faithful));
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(ref)));
    const s = await cli(['select', FAITHFUL, '-k', '1..4', '--covariance', 'all', '--init', 'hc', '--reg-covar', '0', '-q', '--out', join(dir, 'hc.json')]);
    expect(s.code, s.stderr).toBe(0);
    // Mclust(faithful)'s choice: EEE, G = 3
    expect(JSON.parse(readFileSync(join(dir, 'hc.json'), 'utf8')).options).toMatchObject({ nComponents: 3, covarianceType: 'tied', initParams: 'hc' });
    // streamed: the initialisation sample holds every row, so the same model
    const st = await cli(['fit', FAITHFUL, '-k', '3', '--covariance', 'EEE', '--init', 'hc', '--reg-covar', '0', '-q', '--stream']);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout)).toEqual(JSON.parse(JSON.stringify(ref)));
  });
  it('fit --prior and --equal-weights: mclust\'s prior and equalPro, equal to the library\'s; the prior refused beside --bayesian and for a model mclust has none for', async () => {
    const r = await cli(['fit', FAITHFUL, '-k', '3', '--covariance', 'VVV', '--init', 'hc', '--reg-covar', '0', '--prior', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const ref = new lib.GaussianMixture({ nComponents: 3, initParams: 'hc', regCovar: 0, prior: true }).fit(named(faithful));
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(ref)));
    expect(JSON.parse(r.stdout).prior.dof).toBe(4);
    const b = await cli(['fit', FAITHFUL, '-k', '3', '--bayesian', '--prior']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--bayesian has priors of its own');
    const v = await cli(['select', FAITHFUL, '-k', '1..3', '--covariance', 'VEE', '--prior']);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain("--prior: mclust has no conjugate prior for --covariance 'VEE'");
    // select --covariance all --prior: the ten models mclust has a prior for
    const a = await cli(['select', FAITHFUL, '-k', '1..2', '--covariance', 'all', '--prior', '--json', '-q']);
    expect(a.code, a.stderr).toBe(0);
    expect(new Set(JSON.parse(a.stdout).map((r: { covariance: string }) => r.covariance)).size).toBe(10);
    const m = await cli(['fit', FAITHFUL, '--prior', '--missing', 'marginalize']);
    expect(m.stderr).toContain("--prior and --missing 'marginalize' cannot go together");
    // the prior's values: the library's prior of the same values
    const pv = await cli(['fit', FAITHFUL, '-k', '3', '--prior-shrinkage', '0.5', '--prior-scale', '1,0,0,30', '--prior-dof', '6', '-q']);
    expect(pv.code, pv.stderr).toBe(0);
    const refPv = new lib.GaussianMixture({ nComponents: 3, prior: { shrinkage: 0.5, scale: [[1, 0], [0, 30]], dof: 6 } }).fit(named(faithful));
    expect(JSON.parse(pv.stdout)).toEqual(JSON.parse(JSON.stringify(refPv)));
    const bad = await cli(['fit', FAITHFUL, '--prior-shrinkage', '0', '--prior-mean', '1,2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--prior-mean is given but --prior-shrinkage is 0');
    const e = await cli(['fit', FAITHFUL, '-k', '2', '--equal-weights', '-q']);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout)).toEqual(JSON.parse(JSON.stringify(new lib.GaussianMixture({ nComponents: 2, equalWeights: true }).fit(named(faithful)))));
    expect(JSON.parse(e.stdout).weights).toEqual([0.5, 0.5]);
  });
  it('lrt: the library\'s bootstrapLRT, its tests as a table or JSON', async () => {
    const flags = ['--covariance', 'VVV', '--init', 'hc', '--reg-covar', '0', '--boot', '40', '--max-k', '2'];
    const r = await cli(['lrt', FAITHFUL, ...flags, '--json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const ref = lib.bootstrapLRT(named(faithful), { covarianceType: 'VVV', initParams: 'hc', regCovar: 0, nBoot: 40, maxComponents: 2 });
    const j = JSON.parse(r.stdout);
    expect(j.tests.map((t: { statistic: number; pValue: number }) => [t.statistic, t.pValue])).toEqual(ref.tests.map((t) => [t.statistic, t.pValue]));
    expect(j.tests[0].bootstrap).toEqual(Array.from(ref.tests[0].bootstrap));
    // on workers: the same statistics
    const w = await cli(['lrt', FAITHFUL, ...flags, '--json', '-q', '--workers', '2']);
    expect(w.code, w.stderr).toBe(0);
    expect(JSON.parse(w.stdout)).toEqual(j);
    const table = await cli(['lrt', FAITHFUL, ...flags]);
    expect(table.stdout).toContain('1 vs 2');
    expect(table.stderr).toContain('2 components (the first test not significant at 0.05)');
    const bad = await cli(['lrt', FAITHFUL, '--level', '2']);
    expect(bad.code).toBe(2);
  });
  it('bootstrap: the library\'s bootstrapParameters, as a table or JSON; on workers the same', async () => {
    const f = await cli(['fit', FAITHFUL, '-k', '2', '-q', '--out', join(dir, 'boot2.json')]);
    expect(f.code, f.stderr).toBe(0);
    const gm = lib.GaussianMixture.fromJSON(readFileSync(join(dir, 'boot2.json'), 'utf8'));
    const r = await cli(['bootstrap', join(dir, 'boot2.json'), FAITHFUL, '--boot', '30', '--level', '0.9', '--json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const ref = lib.bootstrapParameters(gm, named(faithful), { nBoot: 30 });
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ type: 'bs', replicates: 30, nonfit: 0, level: 0.9, features: ['eruptions', 'waiting'] });
    expect(j.standardErrors.means).toEqual(Array.from(ref.standardErrors().means));
    expect(j.intervals.variances[1]).toEqual(Array.from(ref.confidenceIntervals(0.9).variances.upper));
    const w = await cli(['bootstrap', join(dir, 'boot2.json'), FAITHFUL, '--boot', '30', '--level', '0.9', '--json', '-q', '--workers', '2']);
    expect(JSON.parse(w.stdout)).toEqual(j);
    const table = await cli(['bootstrap', join(dir, 'boot2.json'), FAITHFUL, '--type', 'jk']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/mean waiting +54\.\d+ +0\.\d+ +5\d\.\d+ … 5\d\.\d+/);
    expect(table.stderr).toContain('272 jackknife replicates');
    const a = await cli(['bootstrap', join(dir, 'boot2.json'), FAITHFUL, '--type', 'wlbs', '--alpha', '4', '--boot', '20', '--json', '-q']);
    expect(JSON.parse(a.stdout).standardErrors.means).toEqual(Array.from(lib.bootstrapParameters(gm, named(faithful), { type: 'wlbs', alpha: 4, nBoot: 20 }).standardErrors().means));
    for (const args of [['--type', 'xx'], ['--type', 'jk', '--boot', '10'], ['--level', '1'], ['--boot', '1'], ['--alpha', '2'], ['--type', 'wlbs', '--alpha', '0']]) {
      const bad = await cli(['bootstrap', join(dir, 'boot2.json'), FAITHFUL, ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
    }
  });
  it('predict --given and impute take a Bayesian model\'s point estimates with --point-estimates only', async () => {
    const f = await cli(['fit', FAITHFUL, '-k', '3', '--bayesian', '-q', '--out', join(dir, 'bgm3.json')]);
    expect(f.code, f.stderr).toBe(0);
    const bgm = lib.BayesianGaussianMixture.fromJSON(readFileSync(join(dir, 'bgm3.json'), 'utf8'));
    const pe = lib.GaussianMixture.fromParameters({ weights: bgm.weights, means: bgm.means, covariances: bgm.covariances }, { covarianceType: 'full' });
    const refused = await cli(['predict', join(dir, 'bgm3.json'), FAITHFUL, '--given', '0']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is a Bayesian mixture (fitted with --bayesian), whose conditionals are not defined');
    expect(refused.stderr).toContain('Add --point-estimates');
    const p = await cli(['predict', join(dir, 'bgm3.json'), FAITHFUL, '--given', '0', '--point-estimates']);
    expect(p.code, p.stderr).toBe(0);
    const want = pe.predictConditional(faithful.map((r) => [r[0]]), [0]).mean.data;
    expect(p.stdout.trim().split('\n').slice(1).map(Number)).toEqual(Array.from(want));
    writeFileSync(join(dir, 'holes.csv'), 'eruptions,waiting\n3.6,\n,54\n');
    expect((await cli(['impute', join(dir, 'bgm3.json'), join(dir, 'holes.csv')])).code).toBe(1);
    const im = await cli(['impute', join(dir, 'bgm3.json'), join(dir, 'holes.csv'), '--point-estimates']);
    expect(im.code, im.stderr).toBe(0);
    const filled = pe.impute([[3.6, NaN], [NaN, 54]]).data;
    expect(csvRows(im.stdout).slice(1)).toEqual([['3.6', String(filled[1])], [String(filled[2]), '54']]);
  });
  it('predict reads a model file written by hand with weights, means and covariances only', async () => {
    const file = { format: 'gmm-wasm', version: 1, options: { covarianceType: 'spherical' }, nFeatures: 2,
      weights: [0.35, 0.65], means: [[2, 54], [4.3, 80]], covariances: [3, 20], featureNames: NAMES };
    writeFileSync(join(dir, 'hand.json'), JSON.stringify(file));
    const r = await cli(['predict', join(dir, 'hand.json'), FAITHFUL, '--proba']);
    expect(r.code, r.stderr).toBe(0);
    const gm = lib.GaussianMixture.fromParameters({ weights: file.weights, means: file.means, covariances: file.covariances }, { covarianceType: 'spherical' });
    const p = gm.predictProba(faithful);
    expect(csvRows(r.stdout)[1].map(Number)).toEqual([gm.predict([faithful[0]])[0], p.data[0], p.data[1]]);
  });
  it('a Bayesian fit of one row names no flag the command line lacks', async () => {
    writeFileSync(join(dir, 'one-row.csv'), 'a,b\n1,2\n');
    const r = await cli(['fit', join(dir, 'one-row.csv'), '-k', '1', '--bayesian']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('needs at least two rows of positive weight: add data (or fit with the library\'s BayesianGaussianMixture, ' +
      'whose covariancePrior option the command line has no flag for).');
  });
  it('refuses the Bayesian options without --bayesian, and --missing with it', async () => {
    const a = await cli(['fit', FAITHFUL, '--weight-concentration', '1']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('add --bayesian');
    const b = await cli(['fit', FAITHFUL, '--bayesian', '--missing', 'marginalize']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('GaussianMixture only');
  });
});

describe.concurrent('fit: warnings', () => {
  it('components that hold less than half a row: more components than the data have distinct points', async () => {
    writeFileSync(join(dir, 'dup.csv'), 'a,b\n1,1\n1,1\n1,1\n1,1\n');
    const r = await cli(['fit', join(dir, 'dup.csv'), '-k', '3', '--out', join(dir, 'dup.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: components 1, 2 hold less than half a row \(weight [0-9.e-]+ at most\): the data may have fewer clusters or distinct points than -k 3 \(fit fewer components\), or EM stopped near a poor start \(raise --n-init\)\./);
    const s = await cli(['fit', join(dir, 'dup.csv'), '-k', '2', '--stream', '--out', join(dir, 'dup2.json')]);
    expect(s.stderr).toMatch(/warning: component 1 holds less than half a row \(weight [0-9.e-]+\)/);
    // none for an ordinary fit, nor for a Bayesian one, whose prior empties what it does not need
    expect((await cli(['fit', FAITHFUL, '-k', '2', '--out', join(dir, 'f2.json')])).stderr).not.toContain('warning');
    expect((await cli(['fit', FAITHFUL, '-k', '8', '--bayesian', '--weight-concentration', '0.001', '--out', join(dir, 'b8.json')])).stderr).not.toContain('half a row');
  });
});

describe('fit --stream: the file read once per EM pass', () => {
  it('gives the model of an in-memory fit, byte for byte, over a file of several blocks', async () => {
    // ~6 MB of CSV: more than one 4 MiB block of lines and several CHUNK_ROWS chunks
    let s = 7;
    const u = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
    const lines = ['x,y,z'];
    for (let i = 0; i < 150_000; i++) {
      const k = i % 3;
      lines.push(`${(u() * 3 + 2 * k).toFixed(9)},${(u() * 2 - k).toFixed(9)},${(u() + k).toFixed(9)}`);
    }
    const big = join(dir, 'big.csv');
    writeFileSync(big, lines.join('\n') + '\n');
    const a = await cli(['fit', big, '-k', '3', '--seed', '2', '--max-iter', '20', '--columns', 'x,z']);
    // an initialisation sample of every row makes the streamed fit the in-memory one
    const b = await cli(['fit', big, '-k', '3', '--seed', '2', '--max-iter', '20', '--columns', 'x,z', '--stream', '--init-sample', '150000']);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(b.stderr).toMatch(/streamed/);
    expect(b.stderr).toMatch(/150000 rows\s+BIC/);
    // the BIC printed is the in-memory one
    expect(b.stderr.match(/BIC (\S+)/)![1]).toBe(a.stderr.match(/BIC (\S+)/)![1]);
    // on workers: read whole, or gathered block by block (--stream), the same model and BIC
    for (const extra of [[], ['--stream']]) {
      const w = await cli(['fit', big, '-k', '3', '--seed', '2', '--max-iter', '20', '--columns', 'x,z', '--workers', '2', ...extra], undefined, undefined, COUNT_WORKERS);
      expect(w.code, w.stderr).toBe(0);
      expect(w.stderr).toContain('[worker threads started: 2]');
      expect(w.stdout).toBe(a.stdout);
      expect(w.stderr).toContain('150000 rows × 2 columns (x, z), CSV; fitted on 2 worker threads');
      expect(w.stderr.match(/BIC (\S+)/)![1]).toBe(a.stderr.match(/BIC (\S+)/)![1]);
    }
  });

  it('--workers --stream on a file without a header, columns picked by number: the in-memory model', async () => {
    const f = join(dir, 'no-header.csv');
    writeFileSync(f, Array.from({ length: 3000 }, (_, i) => `${(i % 7) + 0.01 * (i % 13)},${(i % 3) * 4 + 0.1 * (i % 5)},99`).join('\n') + '\n');
    const args = ['fit', f, '-k', '2', '--seed', '1', '--no-header', '--columns', '1,2', '-q'];
    const [a, b] = await Promise.all([cli(args), cli([...args, '--workers', '2', '--stream'])]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it('--workers --stream counts lines as the parser splits them: CR LF, a CR alone, no last line break', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i % 9},${(i * 7) % 11}`);
    for (const [name, text] of [['cr.csv', 'x,y\r' + rows.join('\r')], ['crlf.csv', 'x,y\r\n' + rows.join('\r\n') + '\r\n'],
      ['mixed.csv', 'x,y\n' + rows.slice(0, 25).join('\r') + '\r\n' + rows.slice(25).join('\n')]]) {
      const f = join(dir, name);
      writeFileSync(f, text);
      const args = ['fit', f, '-k', '2', '--seed', '1', '-q'];
      const [a, b] = await Promise.all([cli(args), cli([...args, '--workers', '2', '--stream'])]);
      expect(a.code, `${name}: ${a.stderr}`).toBe(0);
      expect(b.code, `${name}: ${b.stderr}`).toBe(0);
      expect(b.stdout).toBe(a.stdout);
    }
  });

  it('--workers: usage errors', async () => {
    const f = join(dir, 'w.csv');
    writeFileSync(f, '1,2\n3,4\n5,7\n');
    for (const [args, says] of [[['--workers', '-1'], '--workers needs'],
      [['--workers', '2', '--init-sample', '10'], '--init-sample applies']] as const) {
      const r = await cli(['fit', f, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(says);
    }
  });

  it('reports bad cells with their line in the file, and refuses stdin', async () => {
    const f = join(dir, 'late-bad.csv');
    writeFileSync(f, 'a,b\n' + Array.from({ length: 5000 }, (_, i) => `${i},${i % 7}`).join('\n') + '\n7,oops\n');
    const r = await cli(['fit', f, '--stream']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 5002, column 2');
    // past the first 4 MiB block too: the file's own message, not the stream's wrapping of it
    const far = join(dir, 'far-bad.csv');
    writeFileSync(far, 'a,b\n' + Array.from({ length: 700_000 }, (_, i) => `${i % 97},${i % 7}`).join('\n') + '\n7,oops\n');
    const f2 = await cli(['fit', far, '--stream', '-q']);
    expect(f2.code).toBe(1);
    expect(f2.stderr).toMatch(/^gmm-wasm: error: [^\n]*far-bad\.csv: line 700002, column 2: "oops" is not a number\.\n$/);
    // a ragged row past the first block is compared with the header, as in memory (not with the block's own first line)
    const ragged = join(dir, 'far-ragged.csv');
    writeFileSync(ragged, 'a,b,c,d\n' + Array.from({ length: 400_000 }, (_, i) => `${i % 97}.125,${i % 7}.5,${i % 11}.25,${i % 5}`).join('\n') + '\n7,8,9\n');
    const f3 = await cli(['fit', ragged, '--stream', '-q']);
    expect(f3.code).toBe(1);
    expect(f3.stderr).toMatch(/far-ragged\.csv: line 400002: 3 cells, but the header has 4: every row needs the same number of columns\.\n$/);
    const stdin = await cli(['fit', '-', '--stream'], '1,2\n3,4\n');
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toContain('--stream needs a file');
    const both = await cli(['fit', f, '--stream', '--no-stream']);
    expect(both.code).toBe(2);
  });
});

describe.concurrent('predict, score, sample', () => {
  it('predict: component per row, as the library', async () => {
    const r = await cli(['predict', join(dir, 'model.json'), FAITHFUL]);
    expect(r.code, r.stderr).toBe(0);
    const rows = csvRows(r.stdout);
    expect(rows[0]).toEqual(['component']);
    expect(rows.slice(1).map((x) => Number(x[0]))).toEqual(Array.from(model().predict(faithful)));
  });

  it('predict --proba: component and posterior probabilities', async () => {
    const r = await cli(['predict', join(dir, 'model.json'), FAITHFUL, '--proba']);
    expect(r.code, r.stderr).toBe(0);
    const rows = csvRows(r.stdout);
    expect(rows[0]).toEqual(['component', 'p0', 'p1']);
    expect(rows).toHaveLength(273);
    const p = model().predictProba(faithful);
    rows.slice(1).forEach((row, i) => {
      expect(row.slice(1).map(Number)).toEqual(Array.from(p.data.subarray(i * 2, i * 2 + 2)));
    });
    const bare = await cli(['predict', join(dir, 'model.json'), FAITHFUL, '--no-output-header']);
    expect(bare.stdout.split('\n')[0]).toMatch(/^\d$/);
  });

  it('predict --given: conditional means of the other features, as predictConditional', async () => {
    const ref = model().predictConditional(faithful.map((r) => [r[0]]), [0]).mean.data;
    // every feature in the data (the others ignored): named after the data's header
    const r = await cli(['predict', join(dir, 'model.json'), FAITHFUL, '--given', '0']);
    expect(r.code, r.stderr).toBe(0);
    const rows = csvRows(r.stdout);
    expect(rows[0]).toEqual(['waiting']);
    expect(rows.slice(1).map((x) => Number(x[0]))).toEqual(Array.from(ref));
    // the given feature only
    writeFileSync(join(dir, 'eruptions.csv'), faithful.map((x) => x[0]).join('\n') + '\n');
    const only = await cli(['predict', join(dir, 'model.json'), join(dir, 'eruptions.csv'), '--given', '0', '--no-output-header']);
    expect(only.code, only.stderr).toBe(0);
    expect(csvRows(only.stdout).map((x) => Number(x[0]))).toEqual(Array.from(ref));
    const other = await cli(['predict', join(dir, 'model.json'), FAITHFUL, '--given=1']);
    expect(csvRows(other.stdout)[0]).toEqual(['eruptions']);
    expect(csvRows(other.stdout).slice(1).map((x) => Number(x[0])))
      .toEqual(Array.from(model().predictConditional(faithful.map((x) => [x[1]]), [1]).mean.data));
    // a model without names: the means are named by the data's header, else by position
    writeFileSync(join(dir, 'plain.csv'), faithful.map((x) => x.join(',')).join('\n') + '\n');
    const nameless = await cli(['fit', join(dir, 'plain.csv'), '-k', '2', '-q', '--out', join(dir, 'nameless.json')]);
    expect(nameless.code, nameless.stderr).toBe(0);
    const headed = await cli(['predict', join(dir, 'nameless.json'), FAITHFUL, '--given', '0']);
    expect(headed.code, headed.stderr).toBe(0);
    expect(csvRows(headed.stdout)[0]).toEqual(['waiting']);
    const plain = await cli(['predict', join(dir, 'nameless.json'), join(dir, 'plain.csv'), '--given', '1']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(csvRows(plain.stdout)[0]).toEqual(['x1']);
  });

  it('predict --given: bad lists and shapes', async () => {
    let r = await cli(['predict', join(dir, 'model.json'), FAITHFUL, '--given', '0,,1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--given needs 0-based feature indices or the model\'s column names');
    r = await cli(['predict', join(dir, 'model.json'), FAITHFUL, '--given', 'a']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the model has no column named "a"; its columns are "eruptions", "waiting"');
    r = await cli(['predict', join(dir, 'model.json'), FAITHFUL, '--given', '0', '--proba']);
    expect(r.code).toBe(2);
    r = await cli(['predict', join(dir, 'model.json'), FAITHFUL, '--given', '0,1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('names every feature of the model: nothing is left to predict (each row\'s log-density is gmm-wasm score --per-row)');
    // a missing given value is told by the data's row
    writeFileSync(join(dir, 'given-na.csv'), 'eruptions,waiting\n3.6,79\nNA,54\n');
    const hm = await cli(['fit', FAITHFUL, '-k', '2', '--missing', 'marginalize', '-q', '--out', join(dir, 'given-na-model.json')]);
    expect(hm.code, hm.stderr).toBe(0);
    r = await cli(['predict', join(dir, 'given-na-model.json'), join(dir, 'given-na.csv'), '--given', 'eruptions']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('given-na.csv: data row 2 has no value for the given feature eruptions: --given needs every given value');
    // past the model's features: a usage error (a bad flag value), before the data are read
    r = await cli(['predict', join(dir, 'model.json'), FAITHFUL, '--given', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('feature 2 is past the model\'s 2 features');
    r = await cli(['predict', join(dir, 'model.json'), join(dir, 'three.csv'), '--given', '0', '--no-header']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a number'); // the header read as data
    writeFileSync(join(dir, 'three-plain.csv'), faithful.map((x, i) => `${i},${x.join(',')}`).join('\n') + '\n');
    r = await cli(['predict', join(dir, 'model.json'), join(dir, 'three-plain.csv'), '--given', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('need either the 1 given feature or all 2 features');
  });

  it('score: mean log-likelihood (and --per-row)', async () => {
    const r = await cli(['score', join(dir, 'model.json'), FAITHFUL]);
    expect(r.code, r.stderr).toBe(0);
    expect(Number(r.stdout.trim())).toBe(model().score(faithful));
    expect(r.stderr).toContain('BIC');
    const per = await cli(['score', join(dir, 'model.json'), FAITHFUL, '--per-row']);
    const rows = csvRows(per.stdout);
    expect(rows[0]).toEqual(['log_density']);
    expect(rows.slice(1).map((x) => Number(x[0]))).toEqual(Array.from(model().scoreSamples(faithful)));
  });

  it('sample: CSV of n rows, the same as the library with the same seed', async () => {
    const r = await cli(['sample', join(dir, 'model.json'), '-n', '500', '--seed', '3']);
    expect(r.code, r.stderr).toBe(0);
    const rows = csvRows(r.stdout);
    expect(rows[0]).toEqual(NAMES); // the model's columns (x1, x2 for a model fitted without a header)
    expect(rows).toHaveLength(501);
    const s = model().sample(500, { seed: 3 });
    expect(rows.slice(1).flat().map(Number)).toEqual(Array.from(s.X.data));
    const l = await cli(['sample', join(dir, 'model.json'), '-n', '5', '--seed', '3', '--labels']);
    const lr = csvRows(l.stdout);
    expect(lr[0]).toEqual([...NAMES, 'component']);
    expect(lr.slice(1).map((x) => Number(x[2]))).toEqual(Array.from(model().sample(5, { seed: 3 }).labels));
  });

  it('a model fitted on a header takes the data\'s columns by name: others ignored, a missing one named, --columns by position', async () => {
    const labels = Array.from(model().predict(faithful));
    const byName = await cli(['predict', join(dir, 'model.json'), join(dir, 'three.csv')]); // id, eruptions, waiting
    expect(byName.code, byName.stderr).toBe(0);
    expect(csvRows(byName.stdout).slice(1).map((x) => Number(x[0]))).toEqual(labels);
    // the model's columns first and another after them: still a header to read by name
    const extraLast = await cli(['predict', join(dir, 'model.json'), join(dir, 'extra-last.csv')]);
    expect(extraLast.code, extraLast.stderr).toBe(0);
    expect(csvRows(extraLast.stdout).slice(1).map((x) => Number(x[0]))).toEqual(labels);
    const sc = await cli(['score', join(dir, 'model.json'), join(dir, 'three.csv'), '-q']);
    expect(Number(sc.stdout.trim())).toBe(model().score(faithful));
    // impute writes the whole table: the model's columns filled, the others copied
    const imp = await cli(['impute', join(dir, 'model.json'), join(dir, 'three.csv'), '-q']);
    expect(csvRows(imp.stdout)[0]).toEqual(['id', ...NAMES]);
    expect(csvRows(imp.stdout)[5]).toEqual(['4', ...faithful[4].map(String)]);
    // reordered columns are read by name too
    writeFileSync(join(dir, 'swapped.csv'), 'waiting,eruptions\n' + faithful.map((x) => `${x[1]},${x[0]}`).join('\n') + '\n');
    const swapped = await cli(['predict', join(dir, 'model.json'), join(dir, 'swapped.csv')]);
    expect(csvRows(swapped.stdout).slice(1).map((x) => Number(x[0]))).toEqual(labels);
    writeFileSync(join(dir, 'renamed.csv'), 'eruptions,wait\n' + faithful.map((x) => x.join(',')).join('\n') + '\n');
    const missing = await cli(['predict', join(dir, 'model.json'), join(dir, 'renamed.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no column named "waiting"; the model was fitted on "eruptions", "waiting"');
    // --columns: the user's choice, taken by position whatever the header says
    const picked = await cli(['predict', join(dir, 'model.json'), join(dir, 'renamed.csv'), '--columns', '1,2']);
    expect(picked.code, picked.stderr).toBe(0);
    expect(csvRows(picked.stdout).slice(1).map((x) => Number(x[0]))).toEqual(labels);
    expect(picked.stderr).toContain('note: --columns picks "eruptions", "wait", read as the model\'s "eruptions", "waiting" (by position');
    // --given: the given features by name where the data lack the others; a header naming
    // them otherwise is refused, not read by position
    writeFileSync(join(dir, 'given-only.csv'), 'waiting\n' + faithful.map((x) => x[1]).join('\n') + '\n');
    const given = await cli(['predict', join(dir, 'model.json'), join(dir, 'given-only.csv'), '--given', '1']);
    expect(given.code, given.stderr).toBe(0);
    expect(csvRows(given.stdout)[0]).toEqual(['eruptions']);
    expect(csvRows(given.stdout).slice(1).map((x) => Number(x[0]))).toEqual(
      Array.from(model().predictConditional(faithful.map((x) => [x[1]]), [1]).mean.data));
    writeFileSync(join(dir, 'perm.csv'), 'waiting,other\n' + faithful.map((x) => `${x[1]},0`).join('\n') + '\n');
    const perm = await cli(['predict', join(dir, 'model.json'), join(dir, 'perm.csv'), '--given', '0']);
    expect(perm.code).toBe(1);
    expect(perm.stderr).toContain('no column named "eruptions"; the model was fitted on "eruptions", "waiting", the data have "waiting", "other"');
    // impute with --columns keeps the data's header in its output
    const imp2 = await cli(['impute', join(dir, 'model.json'), join(dir, 'three.csv'), '--columns', 'eruptions,waiting', '-q']);
    expect(imp2.code, imp2.stderr).toBe(0);
    expect(imp2.stdout).toBe(imp.stdout);
    // JSON objects' keys are names, trimmed as a CSV header's cells are
    writeFileSync(join(dir, 'spaced.json'), JSON.stringify(faithful.map((x) => ({ ' eruptions': x[0], 'waiting ': x[1] }))));
    const spaced = await cli(['fit', join(dir, 'spaced.json'), '-k', '2', '-q']);
    expect(JSON.parse(spaced.stdout).featureNames).toEqual(NAMES);
    // columns not read may hold anything (an id, a label): predict, score, impute, and fit
    // --columns, in memory, streamed and from JSON objects
    writeFileSync(join(dir, 'labelled.csv'), 'species,waiting,eruptions,note\n' +
      faithful.map((x, i) => `s${i % 3},${x[1]},${x[0]},${i % 2 ? '' : 'n/a?'}`).join('\n') + '\n');
    const lab = await cli(['predict', join(dir, 'model.json'), join(dir, 'labelled.csv')]);
    expect(lab.code, lab.stderr).toBe(0);
    expect(csvRows(lab.stdout).slice(1).map((x) => Number(x[0]))).toEqual(labels);
    expect((await cli(['score', join(dir, 'model.json'), join(dir, 'labelled.csv'), '-q'])).code).toBe(0);
    // impute copies the text columns as they were (empty cells too) and fills the model's
    writeFileSync(join(dir, 'labelled-holes.csv'), 'species,waiting,eruptions,note\n' +
      faithful.map((x, i) => `"s, ${i % 3}",${x[1]},${i % 5 ? x[0] : 'NA'},${i % 2 ? '' : 'n/a?'}`).join('\n') + '\n');
    const limp = await cli(['impute', join(dir, 'model.json'), join(dir, 'labelled-holes.csv')]);
    expect(limp.code, limp.stderr).toBe(0);
    expect(limp.stderr).toContain(`filled ${Math.ceil(faithful.length / 5)} missing cells`);
    const out = limp.stdout.trim().split('\n');
    expect(out[0]).toBe('species,waiting,eruptions,note');
    expect(out[2]).toBe(`"s, 1",${faithful[1][1]},${faithful[1][0]},`);
    const want = model().impute(faithful.map((x) => [NaN, x[1]]).slice(0, 1)).data[0];
    expect(out[1]).toBe(`"s, 0",${faithful[0][1]},${want},n/a?`);
    const fitted = await cli(['fit', join(dir, 'labelled.csv'), '-k', '2', '--columns', 'eruptions,waiting', '-q']);
    expect(fitted.code, fitted.stderr).toBe(0);
    expect(JSON.parse(fitted.stdout)).toEqual(JSON.parse((await cli(['fit', FAITHFUL, '-k', '2', '-q'])).stdout));
    const streamed = await cli(['fit', join(dir, 'labelled.csv'), '-k', '2', '--columns', 'eruptions,waiting', '--stream', '-q']);
    expect(streamed.code, streamed.stderr).toBe(0);
    writeFileSync(join(dir, 'labelled.json'), JSON.stringify(faithful.map((x, i) => ({ id: `r${i}`, eruptions: x[0], waiting: x[1] }))));
    const fromJson = await cli(['predict', join(dir, 'model.json'), join(dir, 'labelled.json')]);
    expect(fromJson.code, fromJson.stderr).toBe(0);
    expect(csvRows(fromJson.stdout).slice(1).map((x) => Number(x[0]))).toEqual(labels);
    // a '#' opens a comment only where the first column is read: here it is an id
    writeFileSync(join(dir, 'hash-ids.csv'), 'id,eruptions,waiting\n#1,3.6,79\n#2,1.8,54\n  x ,3,70\n');
    const hp = await cli(['predict', join(dir, 'model.json'), join(dir, 'hash-ids.csv')]);
    expect(hp.code, hp.stderr).toBe(0);
    expect(csvRows(hp.stdout)).toHaveLength(4);
    const hi = await cli(['impute', join(dir, 'model.json'), join(dir, 'hash-ids.csv'), '-q']);
    const hiRows = hi.stdout.trim().split('\n');
    expect(hiRows.map((l) => l.split(',')[0])).toEqual(['id', '"#1"', '"#2"', '"  x "']); // leading blanks kept, '#' quoted
    // impute's output reads back: the same three rows
    const back = await cli(['predict', join(dir, 'model.json'), '-'], hi.stdout);
    expect(back.code, back.stderr).toBe(0);
    expect(csvRows(back.stdout)).toHaveLength(4);
    // --columns errors while streaming are the plain ones (a usage error exits 2)
    const s0 = await cli(['fit', join(dir, 'labelled.csv'), '--columns', '0', '--stream']);
    expect(s0.code).toBe(2);
    expect(s0.stderr).toContain('--columns numbers columns from 1; got 0.');
    const sn = await cli(['fit', join(dir, 'labelled.csv'), '--columns', 'nope', '--stream']);
    expect(sn.code).toBe(1);
    expect(sn.stderr).toMatch(/^gmm-wasm: error: \S+labelled\.csv: --columns: no column named "nope"/);
    // observed cells are copied as written, only missing ones filled
    writeFileSync(join(dir, 'verbatim.csv'), 'eruptions,waiting\n3.600,79.0\nNA,54\n');
    const vb = (await cli(['impute', join(dir, 'model.json'), join(dir, 'verbatim.csv'), '-q'])).stdout.trim().split('\n');
    expect(vb[1]).toBe('3.600,79.0');
    expect(vb[2]).toMatch(/^\d\.\d+,54$/);
    // --given by the model's column names
    const byNames = await cli(['predict', join(dir, 'model.json'), join(dir, 'given-only.csv'), '--given', 'waiting']);
    expect(byNames.stdout).toBe(given.stdout);
    // a header that repeats a name: the model keeps no names (fit, in memory and streamed)
    writeFileSync(join(dir, 'twice.csv'), 'x,x\n' + faithful.map((x) => x.join(',')).join('\n') + '\n');
    for (const extra of [[], ['--stream']]) {
      const tw = await cli(['fit', join(dir, 'twice.csv'), '-k', '2', '-q', ...extra]);
      expect(tw.code, tw.stderr).toBe(0);
      expect(JSON.parse(tw.stdout).featureNames).toBeUndefined();
    }
    // a model fitted without a header names its samples' columns x1 … xd
    const plain = await cli(['fit', join(dir, 'faithful.json'), '-k', '2', '-q', '--out', join(dir, 'plain.json')]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(csvRows((await cli(['sample', join(dir, 'plain.json'), '-n', '2'])).stdout)[0]).toEqual(['x1', 'x2']);
    // ... and told at the header when the data are wider than it, before a text cell is read
    const wide = await cli(['predict', join(dir, 'plain.json'), join(dir, 'labelled.csv')]);
    expect(wide.code).toBe(1);
    expect(wide.stderr).toContain('labelled.csv: the data have 4 columns; the model reads 2: pick them with --columns.');
  });

  it('sample piped into head stops quietly', async () => {
    const r = await new Promise<Run>((resolve) => {
      execFile('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${CLI}" sample "${join(dir, 'model.json')}" -n 300000 | head -n 2`],
        { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? (err.code as number) : 0, stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('eruptions,waiting');
  });
});

describe('missing values: fit --missing marginalize, impute', () => {
  // faithful with holes: every 7th row loses eruptions (an empty cell), every 11th waiting
  // (NA), row 5 both (NaN and an empty cell)
  const cells = (): string[][] => faithful.map((r, i) => [
    i === 5 ? 'NaN' : i % 7 === 3 ? '' : String(r[0]),
    i === 5 ? '' : i % 11 === 4 ? 'NA' : String(r[1]),
  ]);
  const holes = (): number[][] => cells().map((r) => r.map((c) => (c === '' || c === 'NA' || c === 'NaN' ? NaN : Number(c))));
  let file: string;
  beforeAll(() => {
    file = join(dir, 'holes.csv');
    writeFileSync(file, 'eruptions,waiting\n' + cells().map((r) => r.join(',')).join('\n') + '\n');
  });

  it('without the flag a missing cell is an error that names the flag', async () => {
    const r = await cli(['fit', file, '-k', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 5, column 1: empty cell: missing values are not supported; pass --missing marginalize/);
  });

  it('fit --missing marginalize: empty, NA and NaN cells are missing; the model equals the library\'s', async () => {
    const r = await cli(['fit', file, '-k', '2', '--missing', 'marginalize', '-q', '--out', join(dir, 'holes-model.json')]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'holes-model.json'), 'utf8'));
    expect(json.options.missingValues).toBe('marginalize');
    const gm = new lib.GaussianMixture({ nComponents: 2, covarianceType: 'full', missingValues: 'marginalize' }).fit(named(holes()));
    expect(json).toEqual(gm.toJSON());
  });

  it('fit --missing marginalize: a row with nothing observed changes neither the model nor the criteria printed (streamed too)', async () => {
    const withEmpty = join(dir, 'holes-empty.csv');
    writeFileSync(withEmpty, 'eruptions,waiting\n' + [...cells().slice(0, 5), ['', 'NA'], ...cells().slice(5)].map((r) => r.join(',')).join('\n') + '\n');
    const bic = (stderr: string) => /BIC (\S+)/.exec(stderr)?.[1];
    const plain = await cli(['fit', file, '-k', '2', '--missing', 'marginalize']);
    expect(plain.code, plain.stderr).toBe(0);
    for (const extra of [[], ['--stream']]) {
      const r = await cli(['fit', withEmpty, '-k', '2', '--missing', 'marginalize', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(plain.stdout);
      expect(bic(r.stderr)).toBe(bic(plain.stderr));
    }
  });

  it('predict and score marginalise with such a model; a model without it names impute', async () => {
    const p = await cli(['predict', join(dir, 'holes-model.json'), file]);
    expect(p.code, p.stderr).toBe(0);
    const gm = model('holes-model.json');
    expect(csvRows(p.stdout).slice(1).map((x) => Number(x[0]))).toEqual(Array.from(gm.predict(holes())));
    const s = await cli(['score', join(dir, 'holes-model.json'), file, '--per-row', '-q']);
    expect(csvRows(s.stdout).slice(1).map((x) => Number(x[0]))).toEqual(Array.from(gm.scoreSamples(holes())));
    const bad = await cli(['predict', join(dir, 'model.json'), file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/fitted without --missing marginalize.*gmm-wasm impute/);
  });

  it('impute: the table with every missing cell filled (mean, or a seeded sample), the header kept', async () => {
    for (const m of ['model.json', 'holes-model.json']) {
      const r = await cli(['impute', join(dir, m), file, '-q']);
      expect(r.code, r.stderr).toBe(0);
      const rows = csvRows(r.stdout);
      expect(rows[0]).toEqual(['eruptions', 'waiting']);
      expect(rows.slice(1).map((x) => x.map(Number)).flat()).toEqual(Array.from(model(m).impute(holes()).data));
    }
    const a = await cli(['impute', join(dir, 'model.json'), file, '--method', 'sample', '--seed', '3', '-q', '--no-output-header']);
    const b = await cli(['impute', join(dir, 'model.json'), file, '--method', 'sample', '--seed', '3', '-q', '--no-output-header']);
    expect(a.stdout).toBe(b.stdout);
    expect(csvRows(a.stdout).map((x) => x.map(Number)).flat())
      .toEqual(Array.from(model().impute(holes(), { method: 'sample', seed: 3 }).data));
  });

  it('select --missing marginalize ranks missing-value fits', async () => {
    const r = await cli(['select', file, '--k', '1..3', '--covariance', 'full', '--missing', 'marginalize', '--json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const table = JSON.parse(r.stdout);
    expect(table).toHaveLength(3);
    const sel = lib.selectModel(holes(), { nComponents: [1, 3], covarianceTypes: ['full'], missingValues: 'marginalize' });
    expect(table.map((row: { bic: number }) => row.bic)).toEqual(sel.results.map((x: { bic: number }) => x.bic));
    const onWorkers = await cli(['select', file, '--k', '1..3', '--covariance', 'full', '--missing', 'marginalize', '--json', '-q', '--workers', '2']);
    expect(onWorkers.code, onWorkers.stderr).toBe(0);
    expect(onWorkers.stdout).toBe(r.stdout);
  });

  it('--missing marginalize with --stream and with --workers: the in-memory fit\'s model, byte for byte', async () => {
    const mem = await cli(['fit', file, '-k', '2', '--missing', 'marginalize', '-q']);
    expect(mem.code, mem.stderr).toBe(0);
    for (const extra of [['--stream'], ['--workers', '2']]) {
      const r = await cli(['fit', file, '-k', '2', '--missing', 'marginalize', '-q', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(mem.stdout);
    }
  });
});

describe.concurrent('select', () => {
  it('BIC table over K and every covariance type, best first', async () => {
    const r = await cli(['select', FAITHFUL, '--k', '1..4']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^rank\s+K\s+covariance\s+BIC\s+AIC\s+ICL\s+log-likelihood\s+iterations\s+converged$/);
    const rows = lines.slice(1).map((l) => l.trim().split(/\s+/));
    expect(rows).toHaveLength(16);
    const bics = rows.map((x) => Number(x[3]));
    expect([...bics].sort((a, b) => a - b)).toEqual(bics);
    expect(rows.map((x) => Number(x[0]))).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(new Set(rows.map((x) => x[2]))).toEqual(new Set(['full', 'tied', 'diag', 'spherical']));
    // the top row is the library's fit with those options
    const [, k, type] = rows[0];
    const gm = new lib.GaussianMixture({ nComponents: Number(k), covarianceType: type }).fit(faithful);
    expect(bics[0]).toBeCloseTo(gm.bic(faithful), 2);
    expect(r.stderr).toContain(`best by BIC: K = ${k}, ${type} covariance`);
  });

  it('select --covariance takes mclust\'s names, and refuses one model named twice or a name it does not know', async () => {
    const twice = await cli(['select', FAITHFUL, '--covariance', 'tied,EEE']);
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining('--covariance lists tied twice (as EEE).')]);
    const vvx = await cli(['select', FAITHFUL, '--covariance', 'full,VVX']);
    expect([vvx.code, vvx.stderr]).toEqual([2, expect.stringContaining('--covariance: "VVX" is not one of full, tied, diag, spherical, EII, EEI, EVI, VEI, EVV, VEE, EEV, VEV, EVE, VVE, VVV, EEE, VVI, VII (or all). Did you mean')]);
    const r = await cli(['select', FAITHFUL, '--k', '2,3', '--covariance', 'EII,VII,VEV', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ranked = (JSON.parse(r.stdout) as { covariance: string }[]).map((x) => x.covariance);
    expect(new Set(ranked)).toEqual(new Set(['EII', 'spherical', 'VEV']));
    // all: the fourteen models, as Mclust tries them
    const all = await cli(['select', FAITHFUL, '--k', '2', '--covariance', 'all', '--json']);
    expect(all.code, all.stderr).toBe(0);
    expect((JSON.parse(all.stdout) as { covariance: string }[]).map((x) => x.covariance).sort()).toEqual(
      ['EEI', 'EEV', 'EII', 'EVE', 'EVI', 'EVV', 'VEE', 'VEI', 'VEV', 'VVE', 'diag', 'full', 'spherical', 'tied']);
  });

  it('--covariance, --json and --out best.json', async () => {
    const r = await cli(['select', FAITHFUL, '--k', '1,2,3', '--covariance', 'full', '--json', '--out', join(dir, 'best.json')]);
    expect(r.code, r.stderr).toBe(0);
    const table = JSON.parse(r.stdout);
    expect(table.map((t: { k: number }) => t.k)).toEqual([2, 3, 1]);
    expect(table[0]).toMatchObject({ rank: 1, k: 2, covariance: 'full', converged: true, nParameters: 11 });
    const gm = new lib.GaussianMixture({ nComponents: 2 }).fit(named(faithful));
    expect(table[0].bic).toBe(gm.bic(faithful));
    expect(model('best.json').toJSON()).toEqual(gm.toJSON());
  });

  it('equals selectModel: every criterion, its table and the best model', async () => {
    const opts = { nComponents: { values: [1, 2, 3] }, covarianceTypes: ['full', 'diag'], seed: 3, nInit: 2 };
    for (const criterion of ['bic', 'aic', 'icl']) {
      const r = await cli(['select', FAITHFUL, '--k', '1..3', '-c', 'full,diag', '--seed', '3', '--n-init', '2', '--criterion', criterion,
        '--json', '--out', join(dir, `best-${criterion}.json`)]);
      expect(r.code, r.stderr).toBe(0);
      const table = JSON.parse(r.stdout);
      const sel = lib.selectModel(named(faithful), { ...opts, criterion });
      expect(table).toEqual(sel.results.map((x: Record<string, unknown>, i: number) => ({
        rank: i + 1, k: x.nComponents, covariance: x.covarianceType, bic: x.bic, aic: x.aic, icl: x.icl,
        logLikelihood: x.logLikelihood, nParameters: x.nParameters, nIter: x.nIter, converged: x.converged, collapsed: x.collapsed,
      })));
      expect(model(`best-${criterion}.json`).toJSON()).toEqual(sel.best.toJSON());
      const name = criterion.toUpperCase();
      expect(r.stderr).toContain(`best by ${name}: K = ${sel.results[0].nComponents}, ${sel.results[0].covarianceType} covariance ` +
        `(${name} ${sel.results[0][criterion].toFixed(2)})`);
    }
    const text = await cli(['select', FAITHFUL, '--k', '2,3', '-c', 'full', '--criterion', 'icl', '-q']);
    const row = text.stdout.trim().split('\n')[1].trim().split(/\s+/);
    const sel = lib.selectModel(faithful, { nComponents: { values: [2, 3] }, covarianceTypes: ['full'], criterion: 'icl' });
    expect(row.slice(3, 7)).toEqual([sel.results[0].bic, sel.results[0].aic, sel.results[0].icl, sel.results[0].logLikelihood].map((v: number) => v.toFixed(2)));
    const bad = await cli(['select', FAITHFUL, '--criterion', 'bci']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--criterion must be one of bic, aic, icl');
    expect(bad.stderr).toContain('Did you mean bic?');
  });

  it('--workers 2: the same table and best model as in this thread', async () => {
    const big = join(dir, 'big.csv');
    let s = 1;
    const u = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 4294967296;
    writeFileSync(big, 'x,y\n' + Array.from({ length: 5000 }, (_, i) => `${(i % 3) * 4 + u() * 3},${(i % 2) * 5 + u() * 3}`).join('\n') + '\n');
    const args = ['select', big, '--k', '1..3', '-c', 'full,spherical', '--criterion', 'icl', '--json'];
    const [a, b] = [await cli([...args, '--out', join(dir, 'big-a.json')]),
      await cli([...args, '--workers', '2', '--out', join(dir, 'big-b.json')], undefined, undefined, COUNT_WORKERS)];
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toContain('[worker threads started: 2]');
    expect(b.stdout).toBe(a.stdout);
    expect(readFileSync(join(dir, 'big-b.json'), 'utf8')).toBe(readFileSync(join(dir, 'big-a.json'), 'utf8'));
    expect((await cli([...args, '--workers', '-1'])).code).toBe(2);
  });

  it('warns when the best fit has a component on the --reg-covar floor, and names the best without', async () => {
    // x repeats one value in the second cluster: a diag or full component there sits on the floor
    const rows = ['x,y', ...Array.from({ length: 40 }, (_, i) => (i < 20 ? `${(i * 0.37) % 3},${(i * 0.61) % 2}` : `7,${5 + ((i * 0.43) % 2)}`))];
    writeFileSync(join(dir, 'floor.csv'), rows.join('\n') + '\n');
    const r = await cli(['select', join(dir, 'floor.csv'), '--k', '1..3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const table = JSON.parse(r.stdout) as { k: number; covariance: string; bic: number; collapsed: boolean }[];
    expect(table[0].collapsed).toBe(true);
    const sound = table.find((t) => !t.collapsed)!;
    expect(r.stderr).toContain("warning: that fit has a component on the --reg-covar floor");
    expect(r.stderr).toContain(`The best fit without one: K = ${sound.k}, ${sound.covariance} covariance (BIC ${sound.bic.toFixed(2)}).`);
    const f = await cli(['select', FAITHFUL, '--k', '1..2']);
    expect(f.stderr).not.toContain('warning');
  });

  it('every fit failing: the table says why, exit 1', async () => {
    const three = join(dir, 'three-points.csv');
    writeFileSync(three, Array.from({ length: 30 }, (_, i) => `${i % 3},${(i % 3) * 2 + (i % 3 === 1 ? 0.5 : 0)}`).join('\n') + '\n');
    const r = await cli(['select', three, '--k', '2..3', '-c', 'full', '--reg-covar', '0']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/converged\s+why$/); // a column for the reason, which the rows' last cell is
    expect(lines.slice(1).every((l) => /^\s*-\s+\d\s+full\s+failed\s+NOT_POSITIVE_DEFINITE: /.test(l))).toBe(true);
    // the reasons name the flags, as fit's error does, not the library's options
    expect(lines.slice(1).every((l) => l.includes('Raise --reg-covar (now 0)') && !l.includes('regCovar'))).toBe(true);
    expect(r.stderr).toContain('every fit failed');
  });

  it('K spelled -k or --k in both fit and select; select defaults to selectModel\'s K = 1 … min(10, rows)', async () => {
    const [short, long] = await Promise.all([cli(['fit', FAITHFUL, '-k', '2', '-q']), cli(['fit', FAITHFUL, '--k', '2', '-q'])]);
    expect(long.code, long.stderr).toBe(0);
    expect(long.stdout).toBe(short.stdout);
    const [a, b] = await Promise.all([cli(['select', FAITHFUL, '-k', '1..2', '-c', 'full', '--json', '-q']),
      cli(['select', FAITHFUL, '--k', '1..2', '-c', 'full', '--json', '-q'])]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const tiny = join(dir, 'six.csv');
    writeFileSync(tiny, '1,2\n1.5,2.5\n3,1\n4,4\n5,6\n7,1\n');
    const d = await cli(['select', tiny, '-c', 'spherical', '--json', '-q']);
    expect(d.code, d.stderr).toBe(0);
    const ks = (JSON.parse(d.stdout) as { k: number }[]).map((r) => r.k).sort((x, y) => x - y);
    expect(ks).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('lists failed fits last and rejects bad ranges', async () => {
    const tiny = join(dir, 'tiny.csv');
    writeFileSync(tiny, '1,2\n1.5,2.5\n3,1\n');
    const r = await cli(['select', tiny, '--k', '1..5', '-c', 'spherical']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(-2).every((l) => /^\s*-\s+\d\s+spherical\s+failed\s+K = \d exceeds the 3 rows$/.test(l))).toBe(true);
    const bad = await cli(['select', FAITHFUL, '--k', '5..2']);
    expect(bad.code).toBe(2);
    const c = await cli(['select', FAITHFUL, '-c', 'ful']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('Did you mean full?');
  });
});

describe.concurrent('errors: clear messages and non-zero exit codes', () => {
  it('unreadable files', async () => {
    let r = await cli(['fit', join(dir, 'nope.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`gmm-wasm: error: cannot read ${join(dir, 'nope.csv')}: no such file\n`);
    r = await cli(['fit', join(dir, 'a-directory')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('it is a directory');
    r = await cli(['predict', join(dir, 'nope.json'), FAITHFUL]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no such file');
  });

  it('ragged rows and non-numeric cells report line and column', async () => {
    let r = await cli(['fit', join(dir, 'ragged.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`gmm-wasm: error: ${join(dir, 'ragged.csv')}: line 3: 3 cells, but the header (line 1) has 2: every row needs the same number of columns.\n`);
    r = await cli(['fit', join(dir, 'words.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`gmm-wasm: error: ${join(dir, 'words.csv')}: line 3, column 2: "x7" is not a number.\n`);
    // a model with column names checks the header first; by position, the cells are read
    r = await cli(['predict', join(dir, 'model.json'), join(dir, 'words.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no column named "eruptions", "waiting"; the model was fitted on "eruptions", "waiting", the data have "a", "b"');
    r = await cli(['predict', join(dir, 'model.json'), join(dir, 'words.csv'), '--columns', '1,2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 3, column 2');
    r = await cli(['fit', '-'], '[[1, 2], [3]]');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stdin: row 2: 1 values, but row 1 has 2');
  });

  it('bad models, mismatched features, impossible fits', async () => {
    let r = await cli(['sample', join(dir, 'bad-model.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'bad-model.json')}: fromJSON: not valid JSON`);
    r = await cli(['predict', join(dir, 'model.json'), join(dir, 'three-cols.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('three-cols.csv: the data have 3 columns; the model reads 2 ("eruptions", "waiting"): pick them with --columns.');
    r = await cli(['predict', join(dir, 'model.json'), join(dir, 'three-cols.csv'), '--columns', '2']);
    expect(r.stderr).toContain('--columns picks 1 column; the model reads 2 ("eruptions", "waiting"): pick that many.');
    r = await cli(['fit', FAITHFUL, '-k', '300']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(TOO_FEW_SAMPLES)');
    r = await cli(['fit', FAITHFUL, '-k', '0']);
    expect(r.code).toBe(2); // a usage error, named by its flag
    expect(r.stderr).toContain('-k must be');
    r = await cli(['fit', FAITHFUL, '--out', join(dir, 'no-such-dir', 'm.json'), '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot write');
  });

  it('option values are checked before the data are read, as usage errors naming the flag', async () => {
    const missing = join(dir, 'no-such-file.csv');
    for (const args of [['-k', '0'], ['--tol', '-1'], ['--seed', '-1'], ['--max-iter', '-1'], ['--seed', '0x3'], ['--max-iter', '2.5'],
      ['--seed', '9007199254740993'], ['-k', '2', '--init-sample', '1']]) {
      const r = await cli(['fit', missing, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toContain('cannot read');
    }
    // decimal forms people type are numbers: an integer written 1e2 is one
    const forms = await cli(['fit', FAITHFUL, '-k', '2', '--max-iter', '1e2', '--tol', '.5e-3', '--reg-covar', '1E-6', '-q']);
    expect(forms.code, forms.stderr).toBe(0);
    const twice = await cli(['select', missing, '-c', 'full,full']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('full twice');
    const badTol = await cli(['select', missing, '--tol', '-1']);
    expect(badTol.code).toBe(2);
    expect(badTol.stderr).toContain('--tol');
  });

  it('"-o -" is stdout; the model and the data cannot both be stdin; a model file may start with a byte-order mark', async () => {
    const r = await cli(['fit', FAITHFUL, '-k', '2', '-q', '-o', '-'], undefined, dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).format).toBe('gmm-wasm');
    expect(existsSync(join(dir, '-'))).toBe(false);
    const both = await cli(['predict', '-', '-'], '[]');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('cannot both come from stdin');
    writeFileSync(join(dir, 'bom-model.json'), '\uFEFF' + readFileSync(join(dir, 'model.json'), 'utf8'));
    const p = await cli(['predict', join(dir, 'bom-model.json'), FAITHFUL, '-q']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toBe((await cli(['predict', join(dir, 'model.json'), FAITHFUL, '-q'])).stdout);
    const note = await cli(['fit', FAITHFUL, '-k', '2', '--init-sample', '100']);
    expect(note.code).toBe(0);
    expect(note.stderr).toContain('--init-sample applies to streamed fits');
  });

  it('never prints a stack trace for bad input', async () => {
    const runs = await Promise.all([
      cli(['fit', '-'], ''),
      cli(['fit', '-'], '\u0000\u0001garbage'),
      cli(['fit', '-'], 'x,y\n"1,2\n'),
      cli(['score', join(dir, 'model.json'), '-'], 'a,b\n'),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^gmm-wasm: error: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('the bin entry', () => {
  it('package.json "bin" points at dist/cli/cli.js, which starts with a node shebang', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.bin['gmm-wasm']).toBe('./dist/cli/cli.js');
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('runs through its shebang', async () => {
    const r = await new Promise<Run>((resolve) => {
      const c = spawn('sh', ['-c', `chmod +x "${CLI}" 2>/dev/null; "${CLI}" --version`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '', stderr = '';
      c.stdout.on('data', (d) => { stdout += d; });
      c.stderr.on('data', (d) => { stderr += d; });
      const t = setTimeout(() => c.kill('SIGKILL'), 20_000);
      c.on('close', (code) => { clearTimeout(t); resolve({ code, stdout, stderr }); });
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('a new user\'s trial of the command line (2026-11-29): each finding, as fixed', () => {
  it('--given past the model\'s features, or twice, is a usage error naming --given (exit 2), before the data are read', async () => {
    for (const given of ['5', '0,0']) {
      const r = await cli(['predict', join(dir, 'model.json'), join(dir, 'no-such.csv'), '--given', given]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('--given');
      expect(r.stderr).toContain('gmm-wasm predict --help');
    }
  });

  it('an --out that cannot be written is reported before the data are read (after the arguments)', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    for (const [out, why] of [[join(dir, 'no-dir', 'm.json'), 'no directory'], [join(dir, 'a-directory'), 'it is a directory'],
      [join(dir, 'a-file', 'm.json'), 'a part of the path is a file']]) {
      const r = await cli(['fit', join(dir, 'no-such.csv'), '--out', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot write ${out}: ${why}`);
      expect(r.stderr).not.toContain('no-such.csv');
    }
    const empty = await cli(['fit', FAITHFUL, '--out', '']);
    expect([empty.code, empty.stderr]).toEqual([2, expect.stringContaining('--out needs a file name')]);
    // a missing argument is told first (a usage error)
    const noData = await cli(['fit', '--out', join(dir, 'no-dir', 'm.json')]);
    expect(noData.code).toBe(2);
  });

  it('--columns 0 is a usage error pointing at the command\'s help', async () => {
    for (const columns of ['0']) {
      const r = await cli(['fit', FAITHFUL, '--columns', columns]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('gmm-wasm fit --help');
    }
  });

  it('impute --seed without --method sample is refused (the mean draws nothing)', async () => {
    const r = await cli(['impute', join(dir, 'model.json'), FAITHFUL, '--seed', '4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--method sample');
  });

  it('a header that repeats a name says the model keeps no names; one iteration is singular', async () => {
    writeFileSync(join(dir, 'dup.csv'), 'a,a\n1,2\n3,4\n5,7\n');
    const r = await cli(['fit', join(dir, 'dup.csv'), '-k', '1', '--max-iter', '1', '--tol', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('names "a" more than once');
    expect(r.stderr).toContain('within 1 iteration;');
  });

  it('a forced delimiter that is not the file\'s, and a text column, get hints that name the fix', async () => {
    const d = await cli(['fit', FAITHFUL, '--delimiter', ';']);
    expect(d.code).toBe(1);
    expect(d.stderr).toContain('check --delimiter');
    // a quoted cell of text: a text column (an unquoted "x7" may be a typo, and is told as it is)
    writeFileSync(join(dir, 'text.csv'), 'id,a,b\n1,"pt, 2",3\n2,"x",4\n');
    const t = await cli(['fit', join(dir, 'text.csv')]);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('A column of text? Pick the numeric columns');
    expect(t.stderr).not.toContain('decimal commas');
  });
});
