// The README as a new user reads it: its "Use" example runs as written (imported by the
// package's own name, through its exports map, in a child Node process), and the figures it
// quotes for Old Faithful are the ones the library computes. A change that moves a quoted
// figure fails here until the README says the new one.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BayesianGaussianMixture, selectModel } from '../src/index.js';
import type { ModelSelection } from '../src/index.js';
import { loadCore } from './helpers.js';
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

/** Runs a module file with Node; resolves with its stdout. */
function runNode(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout));
  });
}

describe('README "Use": the example runs as written', () => {
  it('imports gmm-wasm by name and every line runs, with the results it describes', async () => {
    const code = blockAfter('## Use');
    expect(code).toContain("from 'gmm-wasm'");
    // what the example leaves to the reader: X (Old Faithful, as its comment suggests), the
    // given features' rows, an AbortSignal and a chunk reader
    const prelude = [
      "import { readFileSync } from 'node:fs';",
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
    // the example's imports must come first in a module: hoist them above the prelude
    const lines = code.split('\n');
    const imports = lines.filter((l) => l.startsWith('import '));
    const body = lines.filter((l) => !l.startsWith('import '));
    const dir = join(root, 'test/runtimes/.out');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'readme-use.mjs');
    writeFileSync(file, [...imports, ...prelude, ...body, ...report].join('\n'));
    const out = JSON.parse((await runNode(file)).trim().split('\n').pop()!);
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
