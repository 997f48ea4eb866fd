// Edges of the day's additions that the rest of the suite let through (from a mutation audit
// of fromParameters, the lowerBound null of the JSON, the CLI's --point-estimates and fit
// warnings, covarianceTypeHint and the CLI reader's tentative '#' records): each test fails
// on a small change to src/ that every other test passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BayesianGaussianMixture, GaussianMixture } from '../src/index.js';
import { parseTable } from '../src/cli/csv.js';
import { modelSummary } from '../src/cli/summary.js';
import { loadCore, root, runCli, thrown } from './helpers.js';

beforeAll(loadCore);

const OK = { weights: [0.25, 0.75], means: [[0, 0], [1, 1]], covariances: [[[1, 0.5], [0.5, 1]], [[2, 0], [0, 2]]] };

describe('fromParameters: the checks the other tests do not reach', () => {
  it('an array, null weights and no weights are refused with their own codes', () => {
    expect(thrown(() => GaussianMixture.fromParameters([1, 2] as never))).toMatchObject({ code: 'INVALID_TYPE', message: expect.stringMatching(/got an array/) });
    expect(thrown(() => GaussianMixture.fromParameters({ ...OK, weights: null } as never))).toMatchObject({ code: 'INVALID_TYPE', message: expect.stringMatching(/needs weights; got null/) });
    expect(thrown(() => GaussianMixture.fromParameters({ ...OK, weights: [] }))).toMatchObject({ code: 'SHAPE_MISMATCH', message: expect.stringMatching(/weights has shape \[0\]/) });
  });

  it('a zero weight is a component (≥ 0); a sum 1e-7 off 1 is not accepted', () => {
    const h = GaussianMixture.fromParameters({ ...OK, weights: [0, 1] });
    expect(Array.from(h.weights)).toEqual([0, 1]);
    expect(thrown(() => GaussianMixture.fromParameters({ ...OK, weights: [0.25, 0.75 + 1e-7] }))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/within 1e-8/) });
  });

  it('nested covariances of the right size but another shape are refused', () => {
    const e = thrown(() => GaussianMixture.fromParameters({ ...OK, covariances: [[1, 0.5, 0.5, 1], [2, 0, 0, 2]] }));
    expect([e.code, e.message]).toEqual(['SHAPE_MISMATCH', expect.stringMatching(/must have shape \[2, 2, 2\].*got shape \[2, 4\]/)]);
  });

  it('an asymmetric covariance after the first is named', () => {
    const e = thrown(() => GaussianMixture.fromParameters({ ...OK, covariances: [[[1, 0.5], [0.5, 1]], [[2, 0.1], [0, 2]]] }));
    expect([e.code, e.message]).toEqual(['INVALID_ARGUMENT', expect.stringMatching(/^covariances\[1\] is not symmetric/)]);
  });

  it('a covariance whose precision factor overflows doubles is refused', () => {
    // C = L Lᵀ for the lower bidiagonal L (diagonal 2⁻⁵⁰⁰, below it 2⁻⁴⁹⁰), every entry exact: the
    // core's Cholesky gives L back, and L⁻¹'s corner, 2^(10·53 + 500), is past the largest double
    const d = 54, s = 2 ** -500, t = 2 ** -490;
    const C = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) =>
      (i === j ? (i === 0 ? s * s : t * t + s * s) : Math.abs(i - j) === 1 ? t * s : 0)));
    const e = thrown(() => GaussianMixture.fromParameters({ weights: [1], means: [new Array(d).fill(0)], covariances: [C] }));
    expect([e.code, e.message]).toEqual(['NOT_POSITIVE_DEFINITE', expect.stringMatching(/too close to singular/)]);
  });

  it('means given as { data, rows, cols } and featureNames are copied', () => {
    const means = { data: Float64Array.from([0, 0, 1, 1]), rows: 2, cols: 2 };
    const names = ['a', 'b'];
    const h = GaussianMixture.fromParameters({ ...OK, means, featureNames: names });
    means.data[0] = 9;
    names[0] = 'z';
    expect(Array.from(h.means.data)).toEqual([0, 0, 1, 1]);
    expect(h.featureNames).toEqual(['a', 'b']);
  });

  it('options: null is refused, and nComponents is checked as the constructor checks it', () => {
    expect(thrown(() => GaussianMixture.fromParameters(OK, null as never))).toMatchObject({ code: 'INVALID_TYPE', message: expect.stringMatching(/options must be an object/) });
    expect(thrown(() => GaussianMixture.fromParameters(OK, { nComponents: 0 }))).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/^nComponents must be an integer/) });
  });
});

describe('lowerBound null in the JSON', () => {
  const h = () => GaussianMixture.fromParameters(OK);

  it('toJSON() itself writes null, and fromJSON reads its object back', () => {
    const j = h().toJSON();
    expect(j.lowerBound).toBeNull();
    expect(GaussianMixture.fromJSON(j).lowerBound).toBe(-Infinity);
  });

  it('null only with nIter 0, any other lower bound finite, and only −∞ written null', () => {
    const j = JSON.parse(JSON.stringify(h()));
    for (const bad of [{ nIter: 1 }, { lowerBound: 'x' }, { lowerBound: Infinity, nIter: 2 }, { lowerBound: -Infinity }]) {
      expect(thrown(() => GaussianMixture.fromJSON({ ...j, ...bad })).code, JSON.stringify(bad)).toBe('INVALID_JSON');
    }
    expect(GaussianMixture.fromJSON({ ...j, lowerBound: -1.5 }).lowerBound).toBe(-1.5);
    // only −∞ is written null: any finite bound, however low, is written as it is
    const low = GaussianMixture.fromJSON({ ...j, nIter: 2, lowerBound: -1e301 });
    expect(low.toJSON().lowerBound).toBe(-1e301);
  });

  it('the CLI\'s summary of such a model says no EM ran', () => {
    const s = modelSummary(h().toJSON(), ['u', 'v']);
    expect(s.split('\n')[1]).toBe('built from given parameters (GaussianMixture.fromParameters): no EM iteration ran');
  });
});

describe('covarianceTypeHint: blanks and distant words', () => {
  const said = (t: string): string => thrown(() => new GaussianMixture({ covarianceType: t as never })).message;
  it('an mclust name with blanks around it is still named back; a word two edits away gets a guess, three none', () => {
    expect(said(' VVE ')).toMatch(/Without the blanks: 'VVE'\.$/);
    expect(said(' EVI ')).toMatch(/Without the blanks: 'EVI'\.$/);
    expect(said('t')).toMatch(/got the string "t"\.$/);
    expect(said('fuxx')).toMatch(/Did you mean 'full'\?$/); // two edits
  });
});

describe('parseTable: tentative "#" records', () => {
  const col1 = (t: { data: Float64Array; cols: number; rows: number }) => Array.from({ length: t.rows }, (_, i) => t.data[i * t.cols + 1]);
  it('"#" rows after the first ordinary record stay in their place', () => {
    expect(col1(parseTable('#a,1\n2,3\n#b,4\n5,6\n', { header: false, keep: [false, true] }))).toEqual([1, 3, 4, 6]);
  });
  it('a held "#" line is a row only where its read cells are numbers', () => {
    expect(col1(parseTable('#a,1\n#b,x\n2,3\n', { header: false, keep: [false, true] }))).toEqual([1, 3]);
    // an unread column may hold anything
    expect(col1(parseTable('#a,1,x\n2,3,y\n', { header: false, keep: [false, true, false] }))).toEqual([1, 3]);
  });
});

describe('a review of the day\'s diff: its findings, fixed', () => {
  it('fromParameters stores (C + Cᵀ)/2 and takes weights within 1e-8 of 1: its JSON always loads back', () => {
    const g = GaussianMixture.fromParameters({ weights: [0.25, 0.75 + 5e-9], means: [[0, 0], [1, 1]],
      covariances: [[[1, 0.2], [0.2 + 1e-9, 1]], [[2, 0], [0, 2]]] });
    expect(g.covariances[1]).toBe(g.covariances[2]);
    expect(g.covariances[1]).toBe((0.2 + (0.2 + 1e-9)) / 2);
    const back = GaussianMixture.fromJSON(JSON.stringify(g));
    expect(Array.from(back.covariances)).toEqual(Array.from(g.covariances));
    // a symmetric input keeps its bits
    const sym = GaussianMixture.fromParameters(OK);
    expect(Array.from(sym.covariances)).toEqual([1, 0.5, 0.5, 1, 2, 0, 0, 2]);
  });
  it('feature names from the means\' columns, or none with null', () => {
    const means = { data: Float64Array.from([0, 0, 1, 1]), rows: 2, cols: 2, columns: ['a', 'b'] };
    expect(GaussianMixture.fromParameters({ ...OK, means }).featureNames).toEqual(['a', 'b']);
    expect(GaussianMixture.fromParameters({ ...OK, means, featureNames: ['c', 'd'] }).featureNames).toEqual(['c', 'd']);
    expect(GaussianMixture.fromParameters({ ...OK, means, featureNames: null }).featureNames).toBeNull();
  });
  it('a model file of parameters only refuses a field it does not know; a Bayesian one never has a null lower bound', () => {
    const file = { format: 'gmm-wasm', version: 1, options: {}, nFeatures: 2, weights: [0.25, 0.75], means: OK.means, covariances: OK.covariances };
    expect(GaussianMixture.fromJSON(file).nComponents).toBe(2);
    expect(thrown(() => GaussianMixture.fromJSON({ ...file, featureName: ['a', 'b'] })).message)
      .toMatch(/unknown field "featureName"; a model of parameters only has format, version, options, nFeatures, weights, means, covariances, featureNames\./);
    const bgm = JSON.parse(JSON.stringify(new BayesianGaussianMixture({ nComponents: 2, seed: 1, maxIter: 5 }).fit([[0, 0], [1, 1], [5, 5], [6, 6], [0, 1]])));
    expect(thrown(() => BayesianGaussianMixture.fromJSON({ ...bgm, nIter: 0, lowerBound: null })).message).toMatch(/"lowerBound" must be a finite number/);
  });
  it('messages: ±Infinity in impute is no missing entry, a NaN mean is a parameter, a blank around a type', () => {
    const g = GaussianMixture.fromParameters(OK);
    expect(thrown(() => g.impute([[Infinity, NaN]])).message).toMatch(/X\[0\]\[0\] is Infinity: not a value a mixture can read, nor a missing entry: replace it by NaN \(missing\) or by a finite number\./);
    const nanMean = thrown(() => GaussianMixture.fromParameters({ ...OK, means: [[NaN, 0], [1, 1]] }));
    expect([nanMean.code, nanMean.message]).toEqual(['NON_FINITE', 'means[0][0] is NaN: means must be finite.']);
    expect(thrown(() => new GaussianMixture({ covarianceType: ' full' as never })).message).toMatch(/Without the blanks: 'full'\.$/);
  });
  it('the command line names no prior it has no flag for', async () => {
    const { inFlags } = await import('../src/cli/models.js');
    expect(inFlags('Raise regCovar (now 0) or covariancePrior, reduce nComponents, or scale the data.'))
      .toBe('Raise --reg-covar (now 0) (or, through the library, its covariancePrior), reduce -k, or scale the data.');
  });
});

// ---- the command line (node dist/cli/cli.js) ------------------------------------------------

const FAITHFUL = join(fileURLToPath(root), 'data/faithful.csv');
const cli = runCli;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gmm-wasm-today-'));
  writeFileSync(join(dir, 'six.csv'), 'a,b\n0,0\n0,0\n0,0\n5,5\n5,5.1\n10,0\n');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('CLI: --point-estimates keeps the model\'s type, names and seed', () => {
  it('a diag --bayesian model: predict --given by column name, and impute --method sample with the model\'s seed', async () => {
    const bgmPath = join(dir, 'bd.json');
    const f = await cli(['fit', FAITHFUL, '-k', '3', '--bayesian', '--covariance', 'diag', '--seed', '7', '-q', '--out', bgmPath]);
    expect(f.code, f.stderr).toBe(0);
    const bgm = BayesianGaussianMixture.fromJSON(readFileSync(bgmPath, 'utf8'));
    const pe = GaussianMixture.fromParameters({ weights: bgm.weights, means: bgm.means, covariances: bgm.covariances }, { covarianceType: 'diag', seed: 7 });
    const p = await cli(['predict', bgmPath, FAITHFUL, '--given', 'eruptions', '--point-estimates']);
    expect(p.code, p.stderr).toBe(0);
    const lines = p.stdout.trim().split('\n');
    expect(lines[0]).toBe('waiting');
    expect(Number(lines[1])).toBe(pe.predictConditional([[3.6]], [0]).mean.data[0]);
    writeFileSync(join(dir, 'holes.csv'), 'eruptions,waiting\n3.6,\n,54\n');
    const im = await cli(['impute', bgmPath, join(dir, 'holes.csv'), '--point-estimates', '--method', 'sample']);
    expect(im.code, im.stderr).toBe(0);
    const drawn = pe.impute([[3.6, NaN], [NaN, 54]], { method: 'sample' }).data;
    expect(im.stdout.trim().split('\n').slice(1)).toEqual([`3.6,${drawn[1]}`, `${drawn[2]},54`]);
  });
});

describe('set_params with the fitted state kept: options edited in the JSON', () => {
  it('a Bayesian fit stopped at maxIter 5 continues from its posterior with maxIter 500, as the README shows', () => {
    const X = [[0, 0], [0.2, 0.1], [0.1, 0.3], [5, 5], [5.2, 5.1], [4.9, 5.3], [0.3, 0.2], [5.1, 4.8]];
    const b = new BayesianGaussianMixture({ nComponents: 2, seed: 0, maxIter: 1, warmStart: true }).fit(X);
    const j = b.toJSON();
    const more = BayesianGaussianMixture.fromJSON({ ...j, options: { ...j.options, maxIter: 500 } });
    expect([more.options.maxIter, more.nIter, Array.from(more.weights)]).toEqual([500, b.nIter, Array.from(b.weights)]);
    more.fit(X);
    expect(more.converged).toBe(true);
  });
});

describe.concurrent('CLI: a streamed fit names the columns it reads', () => {
  it('--stream --columns 2,3,4 says 3 columns, with their names', async () => {
    writeFileSync(join(dir, 'ids.csv'), 'id,a,b,c\n1,2,3,4\n2,3,4,5\n3,4,5,7\n4,1,1,1\n');
    const r = await cli(['fit', join(dir, 'ids.csv'), '--stream', '--columns', '2,3,4', '-k', '1', '--out', join(dir, 'ids.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('ids.csv: streamed, 3 columns (a, b, c), CSV');
  });
});

describe.concurrent('CLI: --point-estimates where it does nothing is refused', () => {
  it('without --given (predict), and on a model that is not Bayesian', async () => {
    const gmPath = join(dir, 'plain.json');
    expect((await cli(['fit', FAITHFUL, '-k', '2', '-q', '--out', gmPath])).code).toBe(0);
    const a = await cli(['predict', gmPath, FAITHFUL, '--point-estimates']);
    expect([a.code, a.stderr]).toEqual([2, expect.stringContaining('--point-estimates applies with --given (conditional means) to a --bayesian model.')]);
    const b = await cli(['predict', gmPath, FAITHFUL, '--given', '0', '--point-estimates']);
    expect([b.code, b.stderr]).toEqual([1, expect.stringContaining('--point-estimates applies to a --bayesian model;')]);
  });
});

describe.concurrent('CLI: fit warns of components under half a row, and of those only', () => {
  const fit = (extra: string[]) => cli(['fit', join(dir, 'six.csv'), '--init', 'random', ...extra, '--out', join(dir, `w${extra.join('')}.json`)]);
  it('0.06 of a row is warned of', async () => {
    const r = await fit(['-k', '3', '--max-iter', '3', '--seed', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: component 1 holds less than half a row \(weight 0\.0106\)/);
  });
  it('0.8 of a row is not', async () => {
    const r = await fit(['-k', '3', '--max-iter', '2', '--seed', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: EM did not converge'); // warnings are printed
    expect(r.stderr).not.toContain('half a row');
  });
  it('of two, the larger weight is quoted', async () => {
    const r = await fit(['-k', '4', '--max-iter', '2', '--seed', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: components 1, 2 hold less than half a row \(weight 0\.0821 at most\)/);
  });
  it('a streamed fit counts its rows', async () => {
    const r = await cli(['fit', FAITHFUL, '-k', '2', '--stream', '--out', join(dir, 'fs.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('272 rows');
    expect(r.stderr).not.toContain('half a row');
  });
});
