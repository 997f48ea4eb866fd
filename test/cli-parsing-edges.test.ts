// Edge cases of the command line's parsing, from a mutation audit of src/cli/csv.ts (the table
// reader and CSV writer), src/cli/args.ts (the option parser) and src/cli/columns.ts (--columns):
// each test here fails on a small change to that code that the rest of the suite let pass.
// Covered: upper-case exponents, header detection (an empty header name, a first line of
// infinities), a BOM before JSON or a quoted header, a comma/semicolon tie, empty cells in TSV,
// line numbers after CR LF and inside quoted cells, blanks after a closing quote, verbatim cell
// text, header names trimmed, quoting on output, option values given as --opt=value, -k=3 and
// -k3, '--', repeated options, integers out of range, unknown short options, --columns picks.
// All through the modules' exported functions (no process is spawned).
import { describe, expect, it } from 'vitest';
import { DataError, detectDelimiter, formatCsvCells, parseTable, type DataErrorCode } from '../src/cli/csv.js';
import { UsageError, checkSeed, need, parseArgs } from '../src/cli/args.js';
import { InputError } from '../src/cli/args.js';
import { byName, pickIndices, selectColumns } from '../src/cli/columns.js';
import type { GaussianMixture } from '../src/entry-node.js';
import { fit } from '../src/cli/commands/fit.js';

function rows(t: { data: Float64Array; rows: number; cols: number }): number[][] {
  return Array.from({ length: t.rows }, (_, i) => Array.from(t.data.subarray(i * t.cols, (i + 1) * t.cols)));
}

function dataError(input: string, options = {}): DataError {
  try {
    parseTable(input, { source: 'in.csv', ...options });
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error(`expected a DataError for ${JSON.stringify(input)}`);
}

function expectDataError(input: string, code: DataErrorCode, line: number, column?: number, options = {}): DataError {
  const e = dataError(input, options);
  expect(e.code, e.message).toBe(code);
  expect(e.line, e.message).toBe(line);
  if (column !== undefined) expect(e.column, e.message).toBe(column);
  return e;
}

function usageError(argv: string[]): UsageError {
  try {
    parseArgs(fit, argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(argv)}`);
}

describe('parseTable: numbers and header detection', () => {
  it('reads exponents written with an upper-case E', () => {
    expect(rows(parseTable('x,y\n1E-3,2.5E+2\n'))).toEqual([[0.001, 250]]);
  });

  it('a header with an empty name (R write.csv\'s row-name column) is still a header', () => {
    const t = parseTable('"","x","y"\n"1",3.6,79\n"2",1.8,54\n');
    expect(t.columns).toEqual(['', 'x', 'y']);
    expect(rows(t)).toEqual([[1, 3.6, 79], [2, 1.8, 54]]);
  });

  it('a first line of infinities is data (and refused), not a header', () => {
    expectDataError('Inf,-Infinity\n1,2\n', 'NON_FINITE', 1, 1);
  });

  it('"Infinity" spelled out is NON_FINITE, not NOT_NUMERIC', () => {
    const e = expectDataError('x\n1\nInfinity\n', 'NON_FINITE', 3, 1);
    expect(e.message).toContain('infinite values are not supported');
  });

  it('a decimal comma is named in the error', () => {
    const e = expectDataError('x;y\n1,5;2\n', 'NOT_NUMERIC', 2, 1);
    expect(e.message).toContain('decimal commas are not supported');
  });

  it('the header hint is given for the first data line only', () => {
    expect(dataError('1,a\n').message).toContain('If line 1 is a header');
    expect(dataError('1,2\n3,z\n', {}).message).toBe('in.csv: line 2, column 2: "z" is not a number.');
  });
});

describe('parseTable: byte-order marks, delimiters, cells', () => {
  it('a BOM in a string before JSON or before a quoted header is dropped', () => {
    expect(rows(parseTable('\ufeff[[1, 2], [3, 4]]'))).toEqual([[1, 2], [3, 4]]);
    const t = parseTable('\ufeff"x","y"\n1,2\n');
    expect(t.columns).toEqual(['x', 'y']);
    expect(rows(t)).toEqual([[1, 2]]);
  });

  it('as many commas as semicolons: the comma wins', () => {
    expect(detectDelimiter('a;b,c\n')).toBe(',');
    expect(detectDelimiter('a,b;c\n')).toBe(',');
  });

  it('the format reported for each delimiter', () => {
    expect(parseTable('x;y\n1;2\n').format).toBe('semicolon');
    expect(parseTable('x\ty\n1\t2\n').format).toBe('tsv');
    expect(parseTable('x y\n1 2\n').format).toBe('whitespace');
    expect(parseTable('x,y\n1,2\n').format).toBe('csv');
  });

  it('TSV: an empty first or last cell is an empty cell, not a blank to skip', () => {
    expect(rows(parseTable('x\ty\n\t2\n3\t\n', { missing: true }))).toEqual([[NaN, 2], [3, NaN]]);
    expectDataError('x\ty\n\t2\n', 'MISSING_VALUE', 2, 1);
  });

  it('blanks between a closing quote and the delimiter are allowed', () => {
    const t = parseTable('"x" , "y"\n"1" ,2\n');
    expect(t.columns).toEqual(['x', 'y']);
    expect(rows(t)).toEqual([[1, 2]]);
  });

  it('header names are trimmed', () => {
    expect(parseTable('a , b\n1,2\n').columns).toEqual(['a', 'b']);
  });

  it('keepText keeps an unquoted cell\'s leading blanks', () => {
    const t = parseTable('id,x\n  a ,1\n', { keep: [false, true], keepText: true });
    expect(t.text).toEqual(['  a ', '1']);
    expect(rows(t)[0][1]).toBe(1);
  });

  it('where the first column is not read, a "#" there is data, not a comment', () => {
    const t = parseTable('id,x\n#1,2\n#2,3\n', { keep: [false, true] });
    expect(t.rows).toBe(2);
    expect(rows(t).map((r) => r[1])).toEqual([2, 3]);
  });

  it('"#" lines before the first ordinary record wait for the kept columns to be known', () => {
    // headerless, first column unread: every '#' line of the table's width is data, in order
    const t = parseTable('#a,1.5\n#b,2.5\nc,3.5\n#d,4.5\n', { header: false, keep: [false, true], keepText: true });
    expect(rows(t).map((r) => r[1])).toEqual([1.5, 2.5, 3.5, 4.5]);
    expect(t.text).toEqual(['#a', '1.5', '#b', '2.5', 'c', '3.5', '#d', '4.5']);
    expect(rows(parseTable('#a,1\r\n2,3\r\n', { header: false, keep: [false, true] })).map((r) => r[1])).toEqual([1, 3]);
    // a '#' line of another width is a comment; so is one whose quote is never closed
    const w = parseTable('# a comment\n#note,"odd\n#x,1\n3,4\n', { keep: (_c, cols) => (cols === 2 ? [false, true] : null) });
    expect(rows(w).map((r) => r[1])).toEqual([1, 4]);
    // ... or one whose quoted cell would run on into the next line, which is read on its own
    expect(rows(parseTable('#c,"q\n6",5\n1,2\n', { header: false, keep: [false, true] })).map((r) => r[1])).toEqual([5, 2]);
    // where the first column is read, or above a header, '#' lines stay comments
    expect(rows(parseTable('#1,2\n3,4\n', { header: false, keep: [true, true] }))).toEqual([[3, 4]]);
    const h = parseTable('#1,2\nid,x\n#3,4\n', { keep: [false, true] });
    expect(h.columns).toEqual(['id', 'x']);
    expect(rows(h).map((r) => r[1])).toEqual([4]);
    // before the first ordinary record, only '#' lines whose read cells are numbers are rows:
    // a comment with commas and a commented header stay comments
    const read = (text: string, o: object) => rows(parseTable(text, { keep: [false, true], ...o })).map((r) => r[1]);
    expect(read('# a comment, here\n1,2\n3,4\n', { header: false })).toEqual([2, 4]);
    expect(read('#id,x\n1,2\n3,4\n', {})).toEqual([2, 4]);
    expect(read('#a,NA\n#b,1\n2,3\n', { header: false, missing: true })).toEqual([NaN, 1, 3]);
    expect(read('#a,NA\n#b,1\n2,3\n', { header: false })).toEqual([1, 3]);
    // after it, a '#' line of the table's width is a row like any other (a bad cell is an
    // error, never a row lost); one of another width is a comment
    const late = dataError('id,x\n#1,2\n#2,oops\n', { keep: [false, true] });
    expect([late.code, late.line, late.column]).toEqual(['NOT_NUMERIC', 3, 2]);
    expect(read('id,x\n#1,2\n# note\n#2,3\n', {})).toEqual([2, 3]);
    // '#' lines only: rows of the first one's width, unless a header was declared
    expect(read('#1,2\n#2,3\n', {})).toEqual([2, 3]);
    expect(read('#ff0000,1.5\n#00ff00,2.5\n', { header: false })).toEqual([1.5, 2.5]);
    expect(dataError('#1,2\n#2,3\n', { header: true, keep: [false, true] }).message)
      .toMatch(/no data rows \(2 lines starting with '#' were read as comments\)\.$/);
    expect(dataError('# only a comment\n', { keep: [false, true] }).message).toMatch(/no data rows \(1 line starting with '#' was read as a comment\)\.$/);
    expect(dataError('\n\n', {}).message).toMatch(/no data rows \(the input is empty\)\.$/);
    // a streamed block knows its width and mask from the start
    expect(read('#1,2\n#x\n#2,3\n', { header: false, width: { cols: 2, of: 'the header (line 1)' } })).toEqual([2, 3]);
    const after = dataError('#c,"q\n6",z\n', { header: false, keep: [false, true] });
    expect([after.code, after.line, after.column]).toEqual(['NOT_NUMERIC', 2, 2]);
  });
});

describe('parseTable: line numbers in errors', () => {
  it('CR LF line ends count once each (records, blank lines and comments)', () => {
    expectDataError('x,y\r\n1,2\r\n3,z\r\n', 'NOT_NUMERIC', 3, 2);
    expectDataError('# note\r\nx,y\r\n\r\n1,z\r\n', 'NOT_NUMERIC', 4, 2);
  });

  it('inside a quoted cell, CR LF counts once and a lone CR counts too', () => {
    expectDataError('"a\r\nb",c\r\n1,2\r\n3,x\r\n', 'NOT_NUMERIC', 4, 2);
    expectDataError('"a\rb",c\n1,x\n', 'NOT_NUMERIC', 3, 2);
  });
});

describe('formatCsvCells: cells the reader would misread are quoted', () => {
  it('a leading "#" (else a comment) and leading or trailing blanks', () => {
    expect(formatCsvCells([['#1', '2']], ['id', 'x'])).toBe('id,x\n"#1",2\n');
    expect(formatCsvCells([['  x ', '1']])).toBe('"  x ",1\n');
    // and they read back as written
    const back = parseTable(formatCsvCells([['#1', '2'], ['  x ', '3']], ['id', 'v']), { keep: [false, true], keepText: true });
    expect(back.text).toEqual(['#1', '2', '  x ', '3']);
  });
});

describe('parseArgs: option forms', () => {
  it('--name=value and -k=3 / -k3 give the value without the "="', () => {
    expect(parseArgs(fit, ['--tol=1e-3', '--covariance=diag']).opts).toMatchObject({ tol: 0.001, covariance: 'diag' });
    expect(parseArgs(fit, ['-k=3']).opts.components).toBe(3);
    expect(parseArgs(fit, ['-k3']).opts.components).toBe(3);
    expect(parseArgs(fit, ['-cdiag']).opts.covariance).toBe('diag');
  });

  it('--covariance takes mclust\'s fourteen models, and names the type in its case', () => {
    for (const m of ['VVV', 'EEE', 'VVI', 'VII', 'EII', 'EEI', 'EVI', 'VEI', 'EVV', 'VEE', 'EEV', 'VEV', 'EVE', 'VVE']) expect(parseArgs(fit, ['--covariance', m]).opts.covariance).toBe(m);
    expect(usageError(['-cEVX']).message).toMatch(/must be one of .*; got "EVX"\. Did you mean EVI\?$/);
    expect(usageError(['--covariance', 'evi']).message).toMatch(/mclust's names are upper case: EVI\.$/);
    expect(usageError(['--covariance=Diag']).message).toMatch(/Types are lower case: diag\.$/);
    expect(usageError(['--covariance', 'tide']).message).toMatch(/Did you mean tied\?$/);
  });

  it('a repeated option: the last one wins', () => {
    expect(parseArgs(fit, ['-k', '2', 'data.csv', '-k', '3']).opts.components).toBe(3);
  });

  it('"--" ends the options; what follows is positional, "--" itself is not', () => {
    expect(parseArgs(fit, ['-k', '2', '--', '-k']).pos).toEqual(['-k']);
  });

  it('an argument that starts with "-" and a digit or "." is positional, "-" alone is stdin', () => {
    expect(parseArgs(fit, ['-5', '-.5', '-']).pos).toEqual(['-5', '-.5', '-']);
  });

  it('a flag given a value, an unknown short option, a bad choice: usage errors', () => {
    expect(usageError(['--quiet=yes']).message).toBe('--quiet takes no value.');
    expect(usageError(['-x']).message).toBe('unknown option -x for "fit".');
    expect(usageError(['-c', 'ful']).message).toContain('Did you mean full?');
  });
});

describe('parseArgs: numbers', () => {
  it('integers: not 2.5, not beyond 2^53; numbers with blanks around are read', () => {
    expect(usageError(['--max-iter', '2.5']).message).toBe('--max-iter needs an integer; got "2.5".');
    expect(usageError(['--seed', '9007199254740993']).message).toContain('--seed needs an integer');
    expect(parseArgs(fit, ['--seed', String(2 ** 53 - 1)]).opts.seed).toBe(2 ** 53 - 1);
    expect(parseArgs(fit, ['--seed', ' 2 ', '--tol', '-.5', '--max-iter', '1e2']).opts).toMatchObject({ seed: 2, tol: -0.5, 'max-iter': 100 });
  });

  it('checkSeed takes 0 and refuses negatives', () => {
    expect(() => checkSeed({ seed: 0 }, 'sample')).not.toThrow();
    expect(() => checkSeed({ seed: -1 }, 'sample')).toThrow(UsageError);
  });

  it('need: one positional too many is refused', () => {
    expect(() => need(['a.csv'], 1, fit, {})).not.toThrow();
    expect(() => need(['a.csv', 'b.csv'], 1, fit, {})).toThrow('unexpected argument "b.csv".');
  });
});

describe('pickIndices (--columns)', () => {
  it('numbers from 1 to cols, names, blanks and empty items ignored', () => {
    expect(pickIndices(' 3 ,, 1', null, 3, 'f.csv')).toEqual([2, 0]);
    expect(pickIndices('y,x', ['x', 'y', 'z'], 3, 'f.csv')).toEqual([1, 0]);
    expect(() => pickIndices('0', null, 3, 'f.csv')).toThrow(UsageError);
    expect(() => pickIndices('4', null, 3, 'f.csv')).toThrow('the data have columns 1 to 3');
    expect(() => pickIndices(',', null, 3, 'f.csv')).toThrow(UsageError);
  });

  it('a column picked twice (by name and number) or a name two columns share: InputError', () => {
    expect(() => pickIndices('x,1', ['x', 'y'], 2, 'f.csv')).toThrow('picks column 1 twice');
    expect(() => pickIndices('x', ['x', 'x', 'y'], 3, 'f.csv')).toThrow(InputError);
    expect(() => pickIndices('x', ['x', 'x', 'y'], 3, 'f.csv')).toThrow('2 columns are named "x"');
  });

  it('selectColumns: the picked columns\' numbers and names, row by row, in the order picked', () => {
    const t = selectColumns(parseTable('a,b,c\n1,2,3\n4,5,6\n7,8,9\n'), 'c,1', 'f.csv');
    expect(t.columns).toEqual(['c', 'a']);
    expect([t.rows, t.cols]).toEqual([3, 2]);
    expect(rows(t)).toEqual([[3, 1], [6, 4], [9, 7]]);
  });

  it('byName: a model\'s column that the data\'s header names twice is refused, not read from the first', () => {
    const gm = { featureNames: ['x', 'y'], nFeatures: 2 } as unknown as GaussianMixture;
    expect(byName(gm, ['y', 'id', 'x'], 'f.csv', null)).toEqual([2, 0]);
    expect(() => byName(gm, ['x', 'x', 'y'], 'f.csv', null)).toThrow('f.csv: 2 columns are named "x": pick one with --columns.');
  });
});
