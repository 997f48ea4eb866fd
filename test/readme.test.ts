// The README as a new user reads it: its "Use" example runs as written (imported by the
// package's own name, through its exports map, in a child Node process), and the figures it
// quotes for Old Faithful are the ones the library computes. A change that moves a quoted
// figure fails here until the README says the new one.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { BayesianGaussianMixture, selectModel } from '../src/index.js';
import type { ModelSelection } from '../src/index.js';
import { loadCore, runNode } from './helpers.js';
import { FAITHFUL } from '../src/demo/faithful.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const X = FAITHFUL as unknown as number[][];
/** Whether the README says `text`, whitespace and line breaks aside. */
const flat = (t: string) => t.replace(/\s+/g, ' ');
const says = (text: string) => expect(flat(readme)).toContain(flat(text));

beforeAll(loadCore);

/** The first fenced block after `heading`. */
function blockAfter(heading: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README has no "${heading}"`);
  const open = readme.indexOf('\n```', at);
  const start = readme.indexOf('\n', open + 1) + 1;
  return readme.slice(start, readme.indexOf('\n```', start));
}

/** Writes a module of imports, a prelude, a README block and a report; runs it with Node in
 *  the repository; parses the report's last line (JSON). A failing run fails the test with
 *  the script's stderr. */
async function runBlock(name: string, imports: string[], prelude: string[], code: string, report: string[]) {
  const lines = code.split('\n');
  const own = lines.filter((l) => l.startsWith('import '));
  const dir = join(root, 'test/runtimes/.out');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-${name}.mjs`);
  writeFileSync(file, [...imports, ...own, ...prelude, ...lines.filter((l) => !l.startsWith('import ')), ...report].join('\n'));
  const r = await runNode([file], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${file} exited with ${r.code}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('README "Use": the example runs as written', () => {
  it('imports gmm-wasm by name and every line runs, with the results it describes', async () => {
    const code = blockAfter('## Use');
    expect(code).toContain("from 'gmm-wasm'");
    // what the example leaves to the reader: X (Old Faithful, as its comment suggests), the
    // given features' rows, an AbortSignal and a chunk reader
    const prelude = [
      "const X = readFileSync('data/faithful.csv', 'utf8').trim().split('\\n').slice(1).map((l) => l.split(',').map(Number));",
      'const Xgiven = X.map((r) => [r[0]]);',
      'const signal = new AbortController().signal;',
      'async function* readChunks(file) { if (file !== \'big.csv\') throw new Error(file); yield X.slice(0, 100); yield X.slice(100); }',
    ];
    const report = [
      'console.log(JSON.stringify({ K: best.nComponents, type: best.covarianceType, first: results[0].nComponents,',
      '  gmK: gm.nComponents, converged: gm.converged, nIter: gm.nIter, labels: Array.from(gm.predict(X).slice(0, 3)), drawn: drawn.rows ?? drawn.length,',
      '  restored: JSON.stringify(GaussianMixture.fromJSON(json)) === json, score: gm.scoreSamples(X)[0] }));',
    ];
    const out = await runBlock('use', ["import { readFileSync } from 'node:fs';"], prelude, code, report);
    expect(out.K).toBe(2); // BIC's choice on Old Faithful (as "Model selection" says)
    expect(out.type).toBe('full');
    expect(out.first).toBe(2);
    // the example's last fit (fitStream over the two chunks) leaves gm a converged 3-component model
    expect([out.gmK, out.converged]).toEqual([3, true]);
    expect(out.nIter).toBeGreaterThan(0);
    expect(out.labels).toHaveLength(3);
    expect(out.drawn).toBe(1000);
    expect(out.restored).toBe(true);
    expect(Number.isFinite(out.score)).toBe(true);
  });
});

describe('README: its other worked examples run as written', () => {
  // a generated data set of 2·CHUNK_ROWS + 100 rows in 3 columns (three clusters), as JSON
  const rowsJs = [
    'const rng = (() => { let s = 12345; return () => ((s = (s * 1103515245 + 12345) >>> 0) + 0.5) / 4294967296; })();',
    'const X = Array.from({ length: 2 * CHUNK_ROWS + 100 }, (_, i) => [0, 1, 2].map((j) => 5 * ((i + j) % 3) + rng() + rng() + rng()));',
  ];

  it('"Sufficient statistics": the map-reduce block gives the bits of one EM iteration of fit()', async () => {
    const code = blockAfter('### Sufficient statistics: the map-reduce API');
    const start = "{ nComponents: 3, maxIter: 1, tol: 0, weightsInit: [0.3, 0.3, 0.4], meansInit: [[0, 0, 0], [5, 5, 5], [10, 10, 10]], precisionsInit: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1] }";
    const out = await runBlock('statistics', ["import { init, GaussianMixture, SufficientStatistics, CHUNK_ROWS } from 'gmm-wasm';"], [
      'await init();', ...rowsJs,
      `const gm = new GaussianMixture(${start});`,
      'const rowsA = X.slice(0, 2 * CHUNK_ROWS), rowsB = X.slice(2 * CHUNK_ROWS), n = X.length;',
    ], code, [
      `const ref = new GaussianMixture(${start}).fit(X);`,
      'const same = (a, b) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));',
      'console.log(JSON.stringify({ means: same(gm.means.data, ref.means.data), cov: same(gm.covariances, ref.covariances),',
      '  weights: same(gm.weights, ref.weights), lb: Object.is(gm.lowerBound, ref.lowerBound), nIter: gm.nIter }));',
    ]);
    expect(out).toEqual({ means: true, cov: true, weights: true, lb: true, nIter: 1 });
  });

  it('"fitAsync": the block runs, and a pool fit gives the bits of fit()', async () => {
    const code = blockAfter('### `fitAsync`: every core, never blocking the caller');
    const out = await runBlock('fitasync', ["import { init, GaussianMixture, WorkerPool, CHUNK_ROWS } from 'gmm-wasm';"], [
      'await init();', ...rowsJs,
      'const gm = new GaussianMixture({ nComponents: 3, seed: 1 });',
      'const signal = new AbortController().signal, its = [];',
      'const onIteration = (i) => its.push(i.iteration);',
      'const sampleWeight = X.map((_, i) => 1 + (i % 2));',
      'let last; // the last model of the block (its const m, renamed to be read after the loop)',
    ], code.replace('const m = await', 'last = await'), [
      'const ref = new GaussianMixture({ nComponents: 6, nInit: 3 }).fit(X, { sampleWeight });',
      'console.log(JSON.stringify({ its: its.length === gm.nIter && its.length > 0, K: last.nComponents,',
      '  same: Array.from(last.means.data).every((v, i) => Object.is(v, ref.means.data[i])) && Object.is(last.lowerBound, ref.lowerBound) }));',
    ]);
    expect(out).toEqual({ its: true, K: 6, same: true });
  });

  it('"fromParameters": the block runs, and its model is close to the fit of Old Faithful it was read from', async () => {
    const code = blockAfter('### A model from known parameters: `fromParameters`');
    const out = await runBlock('from-parameters', ["import { init, GaussianMixture } from 'gmm-wasm';"], [
      'await init();', `const X = ${JSON.stringify(X)};`,
    ], code.replace('gm.predictProba(X);', 'const p = gm.predictProba(X);'), [
      'const fitted = new GaussianMixture({ nComponents: 2, seed: 0 }).fit(X);',
      'const labels = gm.predict(X), mine = fitted.predict(X);',
      'const flip = fitted.means.data[0] > fitted.means.data[2];',
      'console.log(JSON.stringify({ rows: p.rows, agree: Array.from(labels).filter((v, i) => (flip ? 1 - v : v) === mine[i]).length,',
      '  lb: gm.lowerBound, iters: gm.nIter, score: gm.score(X) - fitted.score(X) }));',
    ]);
    expect(out.rows).toBe(272);
    expect(out.agree).toBe(272);
    expect([out.lb, out.iters]).toEqual([null, 0]); // −∞, which JSON writes null
    expect(Math.abs(out.score)).toBeLessThan(0.01);
  });

  it('"Missing values": fit, predict, scoreSamples and both imputations run on rows with NaN', async () => {
    const code = blockAfter('## Missing values');
    const out = await runBlock('missing', ["import { init, GaussianMixture } from 'gmm-wasm';", 'const CHUNK_ROWS = 500;'], [
      'await init();', ...rowsJs,
      'for (let i = 0; i < X.length; i += 7) X[i][i % 3] = NaN;',
    ], code, [
      'const nan = (M) => Array.from(M.data ?? M.flat()).filter(Number.isNaN).length;',
      'console.log(JSON.stringify({ K: gm.nComponents, inX: nan(X), filled: nan(filled), draw: nan(draw), rows: filled.rows ?? filled.length,',
      '  scores: Array.from(gm.scoreSamples(X)).every(Number.isFinite), differ: (filled.data ?? filled.flat()).some((v, i) => v !== (draw.data ?? draw.flat())[i]) }));',
    ]);
    expect(out).toEqual({ K: 3, inX: 158, filled: 0, draw: 0, rows: 1100, scores: true, differ: true });
  });
});

/** Runs the command line (dist/cli/cli.js) in dir; resolves with its exit code and output. */
function cli(args: string[], dir = root) {
  return runNode([join(root, 'dist/cli/cli.js'), ...args], { cwd: dir, timeoutMs: 60_000 });
}

describe('README "Command line": its transcripts', () => {
  it('the select example prints the rows shown', async () => {
    const block = readme.split('\n```text\n').map((b) => b.slice(0, b.indexOf('\n```'))).find((b) => b.startsWith('$ npx gmm-wasm '));
    expect(block).toBeDefined();
    const [command, ...shown] = block!.split('\n');
    const r = await cli(command.replace('$ npx gmm-wasm ', '').split(' '));
    expect(r.code).toBe(0);
    const printed = r.stdout.trimEnd().split('\n');
    const rows = shown.filter((l) => l.trim() !== '…');
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(printed.slice(0, rows.length)).toEqual(rows);
  });

  it('the error messages shown, with exit status 1', async () => {
    const block = blockAfter('the file, line and column:');
    const dir = join(root, 'test/runtimes/.out/readme-cli');
    mkdirSync(dir, { recursive: true });
    const cases = ['a,b\n1,2\n3,x7\n', 'a,b\n1,2\n3,4,5\n'];
    const lines = block.split('\n');
    expect(lines).toHaveLength(cases.length);
    for (let i = 0; i < cases.length; i++) {
      writeFileSync(join(dir, 'data.csv'), cases[i]);
      const r = await cli(['fit', 'data.csv', '-q'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(lines[i]);
    }
  });
});

describe('README: what it says about the package itself', () => {
  it('the size of the WebAssembly module to the kB, and its gzipped size within 1 kB (gzip implementations differ)', () => {
    const wasm = readFileSync(join(root, 'dist/gmm.wasm'));
    const m = /- (\d+) kB of WebAssembly \((\d+) kB gzipped;/.exec(readme);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(Math.round(wasm.length / 1000));
    expect(Math.abs(Number(m![2]) - gzipSync(wasm, { level: 9 }).length / 1000)).toBeLessThanOrEqual(1);
  });
});

describe('README: the figures it quotes for Old Faithful', () => {
  const bic = (r: { bic: number }) => r.bic.toFixed(2);
  const find = (s: ModelSelection, K: number, type: string) => {
    const r = s.results.find((x) => x.nComponents === K && x.covarianceType === type);
    if (!r) throw new Error(`no ${type} K=${K}`);
    return r;
  };

  it('"Model selection": results[0] of its example', () => {
    const s = selectModel(X, { nComponents: [1, 10], covarianceTypes: ['full', 'diag'], criterion: 'bic', nInit: 3, seed: 0 });
    const r = s.results[0];
    says(`results[0]; // on Old Faithful: { nComponents: ${r.nComponents}, covarianceType: '${r.covarianceType}', bic: ${bic(r)},`);
  });

  it('"Restarts matter here": the defaults, nInit 10, and nInit 10 with tol 1e-8', () => {
    const plain = selectModel(X, {});
    expect(plain.results[0].nComponents).toBe(2);
    expect(plain.results[0].covarianceType).toBe('full');
    says(`tied K = 3 stops at BIC ${bic(find(plain, 3, 'tied'))} and full K = 2 wins`);
    const ten = selectModel(X, { nInit: 10 });
    expect([ten.results[0].nComponents, ten.results[0].covarianceType]).toEqual([3, 'tied']);
    says(`with \`nInit: 10\` tied K = 3 reaches ${bic(ten.results[0])} and wins`);
    says(`picks tied K = 3 at ${bic(ten.results[0])})`);
    const tight = selectModel(X, { nInit: 10, tol: 1e-8, maxIter: 2000 });
    const w = tight.results[0];
    expect([w.nComponents, w.covarianceType]).toEqual([7, 'diag']);
    says(`diag K = 7 wins at ${bic(w)}`);
    // the collapse it describes: one component at the regCovar floor in `waiting`
    const m = tight.best, d = 2;
    const floor = Array.from(m.weights.keys()).filter((k) => m.covariances[k * d + 1] < 1.01e-6);
    expect(floor).toHaveLength(1);
    says(`through a component of weight ${m.weights[floor[0]].toFixed(3)} on the 14 rows with \`waiting\` = 83`);
    expect(m.means.data[floor[0] * d + 1]).toBeCloseTo(83, 6);
    expect(m.predict(X).filter((k) => k === floor[0]).length).toBe(14);
  });

  it('"Bayesian mixtures": the weights and nEffectiveComponents of its example', () => {
    const bgm = new BayesianGaussianMixture({ nComponents: 10, covarianceType: 'full', weightConcentrationPriorType: 'dirichlet_process',
      weightConcentrationPrior: 0.01 });
    bgm.fit(X);
    const w = Array.from(bgm.weights, (v, i) => (i < 2 ? v.toFixed(2) : v.toExponential(0)));
    says(`on Old Faithful ≈ [${w.slice(0, 4).join(', ')}, …]`);
    expect(bgm.nEffectiveComponents()).toBe(2);
    says('weights above 1e-2: 2 there');
  });
});
