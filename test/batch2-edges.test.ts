// Edges of the day's second batch (Coordinator.readyStats, parameter-only model files,
// fromParameters, the CLI reader's '#' lines, --point-estimates and the fit's messages) that
// the rest of the suite let through in a mutation audit: each test fails on a small change
// to src/ that every other test passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BayesianGaussianMixture, GaussianMixture } from '../src/index.js';
import { parseTable } from '../src/cli/csv.js';
import { blobs, loadCore, maxRelDiff, root, runCli, runNode, thrown } from './helpers.js';

beforeAll(loadCore);

describe('readyStats: masses totalling less than 1, scaled into [1, 2)', () => {
  const { X } = blobs(3, [[0, 0], [4, 1]], 32); // 64 rows
  const o = { nComponents: 2, seed: 1, maxIter: 30 };
  const fitW = (w: number, opts: object = o) => new GaussianMixture(opts).fit(X, { sampleWeight: new Float64Array(X.rows).fill(w) });

  it('uniform weights 2^-10 and 2^-21 (totals 2^-4, 2^-15) give the bits of weights 1/64 (total 1, not scaled)', () => {
    const ref = fitW(1 / 64);
    for (const w of [2 ** -10, 2 ** -21]) {
      const g = fitW(w);
      expect(g.lowerBound, String(w)).toBe(ref.lowerBound);
      expect(Array.from(g.weights), String(w)).toEqual(Array.from(ref.weights));
      expect(Array.from(g.means.data), String(w)).toEqual(Array.from(ref.means.data));
      expect(Array.from(g.covariances), String(w)).toEqual(Array.from(ref.covariances));
    }
  });

  it('a Bayesian fit is never scaled: its counts meet the priors', () => {
    // total 64·2^-40 against 64·2^-6 = 1: scaled, the two would be one fit
    const b = { nComponents: 2, seed: 1, maxIter: 50 };
    const w = (c: number) => new Float64Array(X.rows).fill(c);
    const tiny = new BayesianGaussianMixture(b).fit(X, { sampleWeight: w(2 ** -40) });
    const one = new BayesianGaussianMixture(b).fit(X, { sampleWeight: w(2 ** -6) });
    expect(maxRelDiff(tiny.weights, one.weights)).toBeGreaterThan(1e-3);
  });

  it('subnormal statistics (applyStatistics) are scaled in two exact steps, as 2^1066 is finite but 2^1074 is not', () => {
    // K = 1 and small integers: every sum is exact, so the scaled statistics are those of weights 1/16
    const Y = { data: Float64Array.from([0, 1, 2, 3, 1, 1, 2, 0, 3, 2, 1, 0, 2, 2, 0, 1, 1, 3, 2, 1, 0, 0, 3, 3, 1, 2, 2, 3, 0, 2, 1, 1]), rows: 16, cols: 2 };
    const once = { nComponents: 1, maxIter: 1, tol: 0, weightsInit: [1], meansInit: [[1, 1]], precisionsInit: [1, 0, 0, 1] };
    const step = (c: number) => {
      const gm = new GaussianMixture(once);
      return new GaussianMixture(once).applyStatistics(gm.computeStatistics(Y, { sampleWeight: new Float64Array(16).fill(c) }));
    };
    const ref = step(1 / 16), sub = step(2 ** -1070); // total 2^-1066
    expect(Array.from(sub.means.data)).toEqual(Array.from(ref.means.data));
    expect(Array.from(sub.covariances)).toEqual(Array.from(ref.covariances));
  });

  it('weights of 1e-25 (not rescaled by the wrapper) are recentred as unit weights are when a mean moves far', () => {
    // the start at 0, the data at 1e6: the statistics about 0 cancel unless recentred, and
    // the recentring's loss must be judged on the scaled masses (not swamped by 10·eps)
    const { X: F } = blobs(4, [[1e6, -2e6]], 60);
    const once = { nComponents: 1, maxIter: 1, tol: 0, weightsInit: [1], meansInit: [[0, 0]], precisionsInit: [1e-6, 0, 0, 1e-6] };
    const ones = new GaussianMixture(once).fit(F);
    const tiny = new GaussianMixture(once).fit(F, { sampleWeight: new Float64Array(F.rows).fill(1e-25) });
    expect(maxRelDiff(tiny.covariances, ones.covariances)).toBeLessThan(1e-9);
    expect(maxRelDiff(tiny.means.data, ones.means.data)).toBeLessThan(1e-12);
  });
});

const OK = { weights: [0.25, 0.75], means: [[0, 0], [1, 1]], covariances: [[[1, 0.5], [0.5, 1]], [[2, 0], [0, 2]]] };
const FILE = { format: 'gmm-wasm', version: 1, options: {}, nFeatures: 2, ...OK };

describe('fromJSON: which files are parameters only', () => {
  it('another version is refused as a fit\'s file is, not read as parameters', () => {
    const e = thrown(() => GaussianMixture.fromJSON({ ...FILE, version: 2 }));
    expect([e.code, e.message]).toEqual(['INVALID_JSON', expect.stringMatching(/"version" is 2; this gmm-wasm reads version 1/)]);
  });
  it('a file with a variational part is checked as a fit\'s (not as parameters with an unknown field)', () => {
    const e = thrown(() => GaussianMixture.fromJSON({ ...FILE, variational: {} }));
    expect(e.code).toBe('INVALID_JSON');
    expect(e.message).not.toMatch(/parameters only|unknown field/);
  });
  it('options that are not an object are named as the file\'s "options"', () => {
    for (const options of [[], 'x', 3]) {
      const e = thrown(() => GaussianMixture.fromJSON({ ...FILE, options }));
      expect([e.code, e.message], JSON.stringify(options)).toEqual(['INVALID_JSON', expect.stringMatching(/computed\): "options" must be an object\.$/)]);
    }
  });
  it('before init() a parameters-only file throws NOT_INITIALIZED, as every method does (not INVALID_JSON)', async () => {
    const entry = new URL('dist/entry-node.js', root).href;
    const script = `import { GaussianMixture } from ${JSON.stringify(entry)};\n` +
      `try { GaussianMixture.fromJSON(${JSON.stringify(JSON.stringify(FILE))}); console.log('loaded'); } catch (e) { console.log(e.code); }`;
    const r = await runNode(['--input-type=module', '-e', script]);
    expect([r.code, r.stdout.trim()], r.stderr).toEqual([0, 'NOT_INITIALIZED']);
  });
});

describe('fromParameters: the means\' shape', () => {
  it('means nested three deep, or of rows with no numbers, are refused with their shape', () => {
    const three = thrown(() => GaussianMixture.fromParameters({ weights: [0.5, 0.5], means: [[[0, 0]], [[1, 1]]] as never, covariances: [1, 1] }, { covarianceType: 'spherical' }));
    expect([three.code, three.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/^means has shape \[2, 1, 2\]: give K rows of d numbers/)]);
    const empty = thrown(() => GaussianMixture.fromParameters({ weights: [0.5, 0.5], means: [[], []], covariances: [1, 1] }, { covarianceType: 'spherical' }));
    expect([empty.code, empty.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/^means has shape \[2, 0\]: give K rows of d numbers/)]);
  });
});

describe('parseTable: \'#\' lines where column 1 is not read, and the comments EMPTY_INPUT counts', () => {
  const empty = (text: string, o: Parameters<typeof parseTable>[1]): string => {
    try {
      parseTable(text, o);
    } catch (e) {
      expect((e as { code?: string }).code).toBe('EMPTY_INPUT');
      return (e as Error).message;
    }
    throw new Error('read rows');
  };
  const col1 = (t: { data: Float64Array; cols: number; rows: number }) => Array.from({ length: t.rows }, (_, i) => t.data[i * t.cols + 1]);

  it('plain comments are counted', () => {
    expect(empty('# just a note\n\n', {})).toMatch(/no data rows \(1 line starting with '#' was read as a comment\)\.$/);
    expect(empty('#a\n#b\n', {})).toMatch(/no data rows \(2 lines starting with '#' were read as comments\)\.$/);
  });
  it('held lines that are not rows are counted: above a header, of another width, with a cell not a number', () => {
    expect(empty('#x,1\na,b\n', { keep: [false, true] })).toMatch(/only a header line, no data rows \(1 line starting with '#' was read as a comment\)\.$/);
    expect(empty('a,b\n#x\n', { keep: [false, true] })).toMatch(/only a header line, no data rows \(1 line starting with '#' was read as a comment\)\.$/);
    expect(empty('#a,x\n#b,y\n', { header: false, keep: [false, true] })).toMatch(/no data rows \(2 lines starting with '#' were read as comments\)\.$/);
  });
  it('with header: true and no header line, \'#\' lines stay comments', () => {
    expect(empty('#1,2\n#3,4\n', { header: true, keep: [false, true] })).toMatch(/no data rows \(2 lines starting with '#' were read as comments\)\.$/);
  });
  it('\'#\' lines only: rows only where a mask of their width reads some column', () => {
    expect(empty('#a,1\n#b,2\n', { header: false, keep: [false, false] })).toMatch(/2 lines starting with '#' were read as comments/);
    expect(empty('#a,1\n#b,2\n', { header: false, keep: [false, true, true] })).toMatch(/2 lines starting with '#' were read as comments/);
    expect(col1(parseTable('#a,1\n#b,2\n', { header: false, keep: [false, true] }))).toEqual([1, 2]);
  });
  it('after the first record a \'#\' row with a bad cell is an error, never a row lost', () => {
    expect(() => parseTable('1,2\n#c,x\n3,4\n', { header: false, keep: [false, true] })).toThrow(/line 2/);
  });
  it('a streamed block knows its mask from the start: its first \'#\' line is a row, read as any other', () => {
    const block = { header: false, width: { cols: 2, of: 'the header (line 1)' }, keep: [false, true] } as const;
    expect(() => parseTable('#c,x\n1,2\n', block)).toThrow(/line 1/);
    expect(col1(parseTable('#c,5\n1,2\n', block))).toEqual([5, 2]);
  });
});

describe('covarianceShape and precisionFactors', () => {
  it('diag covariances and precisionsInit nest as [K][d] (K = 2, d = 3)', () => {
    const g = GaussianMixture.fromParameters({ weights: [0.5, 0.5], means: [[0, 0, 0], [1, 1, 1]], covariances: [[1, 2, 3], [4, 5, 6]] }, { covarianceType: 'diag' });
    expect(Array.from(g.covariances)).toEqual([1, 2, 3, 4, 5, 6]);
    const fit = new GaussianMixture({ nComponents: 2, covarianceType: 'diag', maxIter: 2, precisionsInit: [[1, 1, 1], [1, 1, 1]] })
      .fit([[0, 0, 1], [1, 1, 2], [2, 2, 0], [3, 4, 1]]);
    expect(fit.nIter).toBeGreaterThan(0);
  });
  it('a precisionsInit of the wrong length names its shape K×d×d', () => {
    const e = thrown(() => new GaussianMixture({ nComponents: 2, precisionsInit: [1, 2, 3] }).fit([[0, 0], [1, 1], [2, 2], [3, 4]]));
    expect([e.code, e.message]).toEqual(['SHAPE_MISMATCH', "precisionsInit for covarianceType 'full' must have shape 2×2×2 (8 numbers); got 3."]);
  });
  it('a full covariance of d = 200 is factored in a d×d scratch of its own', () => {
    const d = 200;
    const C = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 2 : 0.001)));
    const g = GaussianMixture.fromParameters({ weights: [1], means: [new Array(d).fill(0)], covariances: [C] });
    expect(Number.isFinite(g.scoreSamples([new Array(d).fill(0)])[0])).toBe(true);
  });
});

// ---- the command line (node dist/cli/cli.js) ------------------------------------------------

const cli = runCli;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gmm-wasm-batch2-'));
  writeFileSync(join(dir, 'six.csv'), 'a,b\n0,0\n0,0\n0,0\n5,5\n5,5.1\n10,0\n');
  writeFileSync(join(dir, 'ids.csv'), 'id,a,b,c\n1,2,3,4\n2,3,4,5\n3,4,5,7\n4,1,1,1\n');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('CLI: the fit\'s warning of near-empty components, in full', () => {
  const fit = (extra: string[]) => cli(['fit', join(dir, 'six.csv'), '--init', 'random', ...extra, '--out', join(dir, `b${extra.join('')}.json`)]);
  it('a converged fit: fewer clusters, or a poor start (raise --n-init)', async () => {
    const r = await fit(['-k', '4', '--seed', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('did not converge');
    expect(r.stderr).toContain('warning: component 1 holds less than half a row (weight 0.0513): the data may have fewer clusters or ' +
      'distinct points than -k 4 (fit fewer components), or EM stopped near a poor start (raise --n-init).');
  });
  it('a fit that did not converge: raise --n-init or --max-iter', async () => {
    const r = await fit(['-k', '3', '--max-iter', '3', '--seed', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: EM did not converge');
    expect(r.stderr).toMatch(/\(fit fewer components\), or EM stopped near a poor start \(raise --n-init or --max-iter\)\.\n/);
  });
});

describe.concurrent('CLI: a streamed fit of one column', () => {
  it('--stream --columns 2 says "1 column (a)"', async () => {
    const r = await cli(['fit', join(dir, 'ids.csv'), '--stream', '--columns', '2', '-k', '1', '--out', join(dir, 'one.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('ids.csv: streamed, 1 column (a), CSV');
  });
});
