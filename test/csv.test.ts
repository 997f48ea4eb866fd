// The table reader of the command line and the demo: formats, header detection, the
// errors (with line and column), and a fuzz test on mangled input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { DataError, detectDelimiter, formatCsv, jsonErrorOffset, parseTable, type DataErrorCode } from '../src/cli/csv.js';

const faithfulCsv = readFileSync(new URL('../data/faithful.csv', import.meta.url));

function rows(t: { data: Float64Array; rows: number; cols: number }): number[][] {
  return Array.from({ length: t.rows }, (_, i) => Array.from(t.data.subarray(i * t.cols, (i + 1) * t.cols)));
}

function fails(input: string, code: DataErrorCode, at: { line?: number; column?: number; row?: number } = {}, options = {}): DataError {
  let err: unknown;
  try {
    parseTable(input, { source: 'in.csv', ...options });
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${code} for ${JSON.stringify(input)}`).toBeInstanceOf(DataError);
  const e = err as DataError;
  expect(e.code, e.message).toBe(code);
  if (at.line !== undefined) expect(e.line).toBe(at.line);
  if (at.column !== undefined) expect(e.column).toBe(at.column);
  if (at.row !== undefined) expect(e.row).toBe(at.row);
  expect(e.message.startsWith('in.csv: ')).toBe(true);
  return e;
}

describe('parseTable: formats', () => {
  it('reads the Old Faithful CSV (quoted header, auto-detected)', () => {
    const t = parseTable(faithfulCsv, { source: 'faithful.csv' });
    expect(t.rows).toBe(272);
    expect(t.cols).toBe(2);
    expect(t.columns).toEqual(['eruptions', 'waiting']);
    expect(t.format).toBe('csv');
    expect(rows(t)[0]).toEqual([3.6, 79]);
    expect(rows(t)[271]).toEqual([4.467, 74]);
  });

  it('CSV without a header, CRLF, blank lines, comments, spaces and a trailing newline', () => {
    const t = parseTable('# a comment\r\n1, 2\r\n\r\n  3 ,4e-1\r\n-5,+.5\r\n');
    expect(t.columns).toBeNull();
    expect(rows(t)).toEqual([[1, 2], [3, 0.4], [-5, 0.5]]);
  });

  it('TSV, semicolons, whitespace-separated (R write.table style)', () => {
    expect(rows(parseTable('a\tb\n1\t2\n3\t4\n'))).toEqual([[1, 2], [3, 4]]);
    expect(parseTable('a\tb\n1\t2\n').format).toBe('tsv');
    expect(rows(parseTable('x;y\n1.5;2\n'))).toEqual([[1.5, 2]]);
    const ws = parseTable('"eruptions" "waiting"\n  3.6   79\n1.8 54  \n');
    expect(ws.format).toBe('whitespace');
    expect(ws.columns).toEqual(['eruptions', 'waiting']);
    expect(rows(ws)).toEqual([[3.6, 79], [1.8, 54]]);
  });

  it('quoted cells: delimiters, doubled quotes and newlines inside', () => {
    const t = parseTable('"a,1","say ""hi""\nthere"\n"1",2\n3,"4"\n');
    expect(t.columns).toEqual(['a,1', 'say "hi"\nthere']);
    expect(rows(t)).toEqual([[1, 2], [3, 4]]);
  });

  it('one column, a UTF-8 BOM, UTF-16 with a BOM', () => {
    expect(rows(parseTable('x\n1\n2\n'))).toEqual([[1], [2]]);
    expect(rows(parseTable('\ufeffx,y\n1,2\n'))).toEqual([[1, 2]]);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x,y\n1,2\n', 'utf16le')]);
    expect(rows(parseTable(new Uint8Array(le)))).toEqual([[1, 2]]);
    const be = Buffer.from(le.subarray(2)).swap16();
    expect(rows(parseTable(new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))))).toEqual([[1, 2]]);
  });

  it('header forced on or off', () => {
    expect(parseTable('1,2\n3,4\n', { header: true }).columns).toEqual(['1', '2']);
    fails('a,b\n1,2\n', 'NOT_NUMERIC', { line: 1, column: 1 }, { header: false });
  });

  it('explicit delimiter', () => {
    expect(rows(parseTable('1;2\n', { delimiter: ';' }))).toEqual([[1, 2]]);
    expect(detectDelimiter('a b c\n')).toBe(' ');
    expect(detectDelimiter('a,b;c;d\n')).toBe(';');
    expect(detectDelimiter('"x,y";z\n')).toBe(';');
  });

  it('JSON: arrays of rows, arrays of objects, a flat array, { data }', () => {
    expect(rows(parseTable('[[1, 2], [3.5, -4]]'))).toEqual([[1, 2], [3.5, -4]]);
    const t = parseTable('[{"x": 1, "y": 2}, {"y": 4, "x": 3}]');
    expect(t.columns).toEqual(['x', 'y']);
    expect(rows(t)).toEqual([[1, 2], [3, 4]]);
    expect(rows(parseTable(' [1, 2, 3]'))).toEqual([[1], [2], [3]]);
    expect(rows(parseTable('{"data": [[1], [2]]}'))).toEqual([[1], [2]]);
    expect(parseTable('[[1]]').format).toBe('json');
  });

  it('formatCsv round-trips doubles exactly', () => {
    const data = Float64Array.from([0.1, 1 / 3, -1e-300, 12345678.9, 5e-324, -0]);
    const text = formatCsv(data, 3, 2, ['a', 'b,c']);
    expect(text.split('\n')[0]).toBe('a,"b,c"');
    const back = parseTable(text);
    expect(back.columns).toEqual(['a', 'b,c']);
    expect(Array.from(back.data)).toEqual(Array.from(data).map((v) => (Object.is(v, -0) ? 0 : v)));
  });
});

describe('parseTable: errors name the line and column', () => {
  it('ragged rows', () => {
    const e = fails('a,b\n1,2\n3,4,5\n', 'RAGGED_ROWS', { line: 3 });
    expect(e.message).toContain('header (line 1) has 2');
    fails('1,2\n3\n', 'RAGGED_ROWS', { line: 2 });
  });

  it('non-numeric cells', () => {
    const e = fails('x,y\n1,2\n3,abc\n', 'NOT_NUMERIC', { line: 3, column: 2 });
    expect(e.message).toBe('in.csv: line 3, column 2: "abc" is not a number.');
    fails('x;y\n1,5;2\n', 'NOT_NUMERIC', { line: 2, column: 1 });
    fails('x,y\n0x10,2\n', 'NOT_NUMERIC', { line: 2, column: 1 });
    // a first line mixing numbers and words is data with a typo, not a header
    expect(fails('1,abc\n2,3\n', 'NOT_NUMERIC', { line: 1, column: 2 }).message).toContain('header');
  });

  it('missing and non-finite values', () => {
    fails('x,y\n1,\n', 'MISSING_VALUE', { line: 2, column: 2 });
    fails('x,y\n1,NA\n', 'MISSING_VALUE', { line: 2, column: 2 });
    fails('x,y\nNaN,1\n', 'MISSING_VALUE', { line: 2, column: 1 });
    fails('x,y\n1,2,\n', 'RAGGED_ROWS', { line: 2 });
    fails('x,y\n1,-Inf\n', 'NON_FINITE', { line: 2, column: 2 });
    fails('x,y\n1,1e999\n', 'NON_FINITE', { line: 2, column: 2 });
  });

  it('missing values as NaN only with { missing: true }; the error carries the given hint', () => {
    const t = parseTable('x,y,z\n1,,NA\nNaN,n/a,2\nnull,None,3\n', { missing: true });
    expect(rows(t)).toEqual([[1, NaN, NaN], [NaN, NaN, 2], [NaN, NaN, 3]]);
    expect(rows(parseTable('[[1, null], [null, 2]]', { missing: true }))).toEqual([[1, NaN], [NaN, 2]]);
    expect(rows(parseTable('[[1, "NA"], [2, 3]]', { missing: true }))).toEqual([[1, NaN], [2, 3]]);
    // infinities and words stay errors
    fails('x,y\n1,Inf\n', 'NON_FINITE', { line: 2, column: 2 }, { missing: true });
    fails('x,y\n1,abc\n', 'NOT_NUMERIC', { line: 2, column: 2 }, { missing: true });
    expect(fails('x,y\n1,\n', 'MISSING_VALUE', {}, { missingHint: 'use the flag' }).message).toMatch(/not supported; use the flag\.$/);
  });

  it('quotes', () => {
    fails('x,y\n1,"2\n3,4\n', 'BAD_QUOTE', { line: 2, column: 2 });
    fails('x,y\n"1"2,3\n', 'BAD_QUOTE', { line: 2, column: 1 });
    // a newline inside quotes counts for the lines after it
    fails('"a\nb",c\n1,2\n3,x\n', 'NOT_NUMERIC', { line: 4, column: 2 });
  });

  it('empty input', () => {
    fails('', 'EMPTY_INPUT');
    fails('\n  \n# only a comment\n', 'EMPTY_INPUT');
    expect(fails('x,y\n', 'EMPTY_INPUT').message).toContain('only a header');
    fails('[]', 'EMPTY_INPUT');
  });

  it('JSON errors', () => {
    const e = fails('[[1, 2],\n [3, oops]]', 'INVALID_JSON', { line: 2, column: 6 });
    expect(e.message).toBe('in.csv: line 2, column 6: not valid JSON: unexpected "o".');
    fails('[[1, 2],\n [3, 4]', 'INVALID_JSON', { line: 2, column: 8 });
    fails('[{"x": 1,}]', 'INVALID_JSON', { line: 1, column: 10 });
    fails('[[1]] x', 'INVALID_JSON', { line: 1, column: 7 });
    fails('{"a": 1}', 'INVALID_JSON');
    fails('[[1, 2], [3]]', 'RAGGED_ROWS', { row: 2 });
    fails('[[1, 2], [3, "x"]]', 'NOT_NUMERIC', { row: 2, column: 2 });
    fails('[[1, 2], [3, null]]', 'MISSING_VALUE', { row: 2, column: 2 });
    fails('[[1, 2], [3, 1e999]]', 'NON_FINITE', { row: 2, column: 2 });
    fails('[{"x": 1}, {"y": 2}]', 'RAGGED_ROWS', { row: 2 });
    fails('[[1], 2]', 'INVALID_JSON', { row: 2 });
    fails('["a"]', 'INVALID_JSON', { row: 1 });
  });
});

describe('parseTable: fuzzing with mangled input', () => {
  const CODES = new Set<DataErrorCode>(['EMPTY_INPUT', 'RAGGED_ROWS', 'NOT_NUMERIC', 'MISSING_VALUE', 'NON_FINITE', 'BAD_QUOTE', 'INVALID_JSON']);
  const seeds = [
    new Uint8Array(faithfulCsv.subarray(0, 400)),
    new TextEncoder().encode('x\ty\tz\n1\t2\t3\n4.5\t-6\t7e3\n'),
    new TextEncoder().encode('"a","b ""q""",c\n1,"2",3\n"4",5,6\n'),
    new TextEncoder().encode('[[1, 2], [3, 4.5], [-6, 7e-3]]'),
    new TextEncoder().encode('[{"x": 1, "y": 2}, {"x": 3, "y": 4}]'),
    new TextEncoder().encode('a b\n 1 2\n3  4\n'),
  ];
  // bytes that matter to the parser, plus arbitrary ones (invalid UTF-8 included)
  const special = [0x22, 0x2c, 0x0a, 0x0d, 0x09, 0x3b, 0x20, 0x5b, 0x5d, 0x7b, 0x7d, 0x23, 0x2d, 0x2e, 0x65, 0x30, 0x00, 0xff, 0xfe, 0xc3];
  const byte = fc.oneof(fc.constantFrom(...special), fc.integer({ min: 0, max: 255 }));
  const edit = fc.oneof(
    fc.record({ op: fc.constant('set' as const), at: fc.nat(), b: byte }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), b: byte }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat(), b: byte }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat(), b: byte }),
  );

  function mangle(src: Uint8Array, edits: { op: string; at: number; b: number }[]): Uint8Array {
    let a = Array.from(src);
    for (const e of edits) {
      const at = a.length ? e.at % (a.length + 1) : 0;
      if (e.op === 'set' && at < a.length) a[at] = e.b;
      else if (e.op === 'insert') a.splice(at, 0, e.b);
      else if (e.op === 'delete') a.splice(at, 1);
      else if (e.op === 'truncate') a = a.slice(0, at);
    }
    return Uint8Array.from(a);
  }

  it('either parses to a well-formed table or throws a DataError, never anything else', () => {
    let parsed = 0, rejected = 0;
    fc.assert(fc.property(fc.nat(seeds.length - 1), fc.array(edit, { minLength: 1, maxLength: 8 }), fc.boolean(), (s, edits, asText) => {
      const bytes = mangle(seeds[s], edits);
      const input = asText ? new TextDecoder().decode(bytes) : bytes;
      try {
        const t = parseTable(input, { source: 'fuzz' });
        expect(t.rows).toBeGreaterThan(0);
        expect(t.cols).toBeGreaterThan(0);
        expect(t.data.length).toBe(t.rows * t.cols);
        for (const v of t.data) expect(Number.isFinite(v)).toBe(true);
        if (t.columns) expect(t.columns.length).toBe(t.cols);
        parsed++;
      } catch (e) {
        if (!(e instanceof DataError)) throw new Error(`non-DataError for ${JSON.stringify(Array.from(bytes))}: ${(e as Error)?.stack ?? e}`);
        expect(CODES.has(e.code)).toBe(true);
        expect(e.message.startsWith('fuzz: ')).toBe(true);
        if (e.line !== null) expect(e.line).toBeGreaterThanOrEqual(1);
        if (e.column !== null) expect(e.column).toBeGreaterThanOrEqual(1);
        if (e.message.includes('not valid JSON')) expect(e.line).not.toBeNull();
        rejected++;
      }
    }), { seed: 20261122, numRuns: 3000 });
    // the fuzzer exercises both outcomes
    expect(parsed).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });

  it('the JSON error locator agrees with JSON.parse', () => {
    const json = [seeds[3], seeds[4], new TextEncoder().encode('{"data": [[1, -2.5e3], [true, null]], "s": "a\\u00e9\\n"}')];
    fc.assert(fc.property(fc.nat(json.length - 1), fc.array(edit, { minLength: 0, maxLength: 4 }), (s, edits) => {
      const text = new TextDecoder().decode(mangle(json[s], edits));
      let ok = true;
      try {
        JSON.parse(text);
      } catch {
        ok = false;
      }
      expect(jsonErrorOffset(text) < 0, text).toBe(ok);
    }), { seed: 11, numRuns: 3000 });
    expect(jsonErrorOffset('['.repeat(200000))).toBe(200000);
  });

  it('random byte strings', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        parseTable(bytes);
      } catch (e) {
        if (!(e instanceof DataError)) throw e;
      }
    }), { seed: 7, numRuns: 2000 });
  });
});

describe('keep: only the kept columns are read as numbers', () => {
  it('a mask or a function of the header; the others hold NaN whatever they contain', () => {
    const text = 'id,x,label,y\nr1,1.5,cat,2\nr2,3,,4.25\n';
    const t = parseTable(text, { keep: (columns, cols) => columns!.map((c) => c === 'x' || c === 'y').slice(0, cols) });
    expect(t.columns).toEqual(['id', 'x', 'label', 'y']);
    expect(rows(t).map((r) => [r[1], r[3]])).toEqual([[1.5, 2], [3, 4.25]]);
    expect(rows(t).every((r) => Number.isNaN(r[0]) && Number.isNaN(r[2]))).toBe(true);
    // without it the same text is refused at its first text cell
    fails(text, 'NOT_NUMERIC', { line: 2, column: 1 });
    // a mask for a headerless block (a stream's later block), and JSON objects and arrays
    expect(rows(parseTable('a,1\nb,2\n', { header: false, keep: [false, true] })).map((r) => r[1])).toEqual([1, 2]);
    const json = parseTable('[{"id": "a", "x": 1}, {"id": "b", "x": 2}]', { keep: (c) => c!.map((v) => v === 'x') });
    expect(rows(json).map((r) => r[1])).toEqual([1, 2]);
    expect(rows(parseTable('[["a", 1], ["b", 2]]', { keep: [false, true] })).map((r) => r[1])).toEqual([1, 2]);
    // a kept column is read as always: its bad cell is still an error
    fails('x,y\n1,z\n', 'NOT_NUMERIC', { line: 2, column: 2 }, { keep: [true, true] });
  });
});
