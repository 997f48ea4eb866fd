// Reading and writing numeric tables, for the command line and the demo page: delimited
// text (CSV, TSV, semicolon- or whitespace-separated; header optional and auto-detected)
// or JSON (an array of rows). Every problem with the input is a DataError that names the
// line and column, never another kind of exception.

export type DataErrorCode =
  | 'EMPTY_INPUT'     // no data rows
  | 'RAGGED_ROWS'     // a row has a different number of cells than the first
  | 'NOT_NUMERIC'     // a cell is not a number
  | 'MISSING_VALUE'   // a cell is empty or NA / NaN / null
  | 'NON_FINITE'      // a cell is ±Infinity or overflows a double
  | 'BAD_QUOTE'       // an unterminated quoted cell, or text after a closing quote
  | 'INVALID_JSON';   // JSON that does not parse or is not an array of rows

export interface DataLocation {
  /** 1-based line of the text (for JSON: where the syntax error is). */
  line?: number;
  /** 1-based column: the cell's position in its row. */
  column?: number;
  /** 1-based row of a JSON array (JSON input only). */
  row?: number;
}

export class DataError extends Error {
  readonly code: DataErrorCode;
  readonly source: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly row: number | null;

  constructor(code: DataErrorCode, message: string, source: string, at: DataLocation = {}) {
    const where = [
      at.line !== undefined ? `line ${at.line}` : null,
      at.row !== undefined ? `row ${at.row}` : null,
      at.column !== undefined ? `column ${at.column}` : null,
    ].filter(Boolean).join(', ');
    super(`${source}: ${where ? where + ': ' : ''}${message}`);
    this.name = 'DataError';
    this.code = code;
    this.source = source;
    this.line = at.line ?? null;
    this.column = at.column ?? null;
    this.row = at.row ?? null;
  }
}

export type TableFormat = 'csv' | 'tsv' | 'semicolon' | 'whitespace' | 'json';

/** A parsed table: row-major numbers (the shape every GaussianMixture method accepts). */
export interface Table {
  data: Float64Array;
  rows: number;
  cols: number;
  /** Column names from the header line (or JSON object keys); null without a header. */
  columns: string[] | null;
  format: TableFormat;
  /** With ReadOptions.keepText: every cell's text as read (row-major, rows × cols), for
   *  output that copies cells verbatim. */
  text?: string[];
}

export interface ReadOptions {
  /** Name used in error messages (default "input"). */
  source?: string;
  /** true: the first line is a header; false: it is data; undefined: auto-detect (a first
   *  line with no numeric cell is a header). */
  header?: boolean;
  /** ',', '\t', ';' or ' ' (any run of spaces/tabs); undefined: auto-detect. */
  delimiter?: string;
  /** 'json' or 'delimited'; undefined: JSON if the text starts with '[' or '{'. */
  format?: 'json' | 'delimited';
  /** true: empty cells, NA, N/A, NaN, null and None (and JSON null) are missing values,
   *  read as NaN; otherwise they are a MISSING_VALUE error. */
  missing?: boolean;
  /** What the MISSING_VALUE error suggests (default: remove or impute the row). */
  missingHint?: string;
  /** A later block of a streamed file: its rows must have the width the file's first
   *  record set, which a ragged row's error names (e.g. "the header (line 1)"). */
  width?: { cols: number; of: string };
  /** The columns whose cells are read as numbers; the others (an id, a label) are not read
   *  and hold NaN, for a caller that picks the kept ones. A mask, or a function of the header
   *  (null without one) and the width that gives one (null: every column). */
  keep?: ColumnKeep;
  /** Also keep every cell's text (Table.text). */
  keepText?: boolean;
}

export type ColumnKeep = readonly boolean[] | ((columns: string[] | null, cols: number) => readonly boolean[] | null);

function keepMask(keep: ColumnKeep | undefined, columns: string[] | null, cols: number): readonly boolean[] | null {
  return keep === undefined ? null : typeof keep === 'function' ? keep(columns, cols) : keep;
}

/** How a reader treats missing cells (ReadOptions.missing / missingHint). */
interface MissingPolicy { missing?: boolean; missingHint?: string }

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** The delimiters a cell's text may betray when another one was given (--delimiter takes these). */
const CELL_DELIMITERS = [',', ';', '\t'];
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none']);
const INFINITE = /^[+-]?(?:inf|infinity)$/i;

function show(s: string): string {
  return JSON.stringify(s.length > 24 ? s.slice(0, 24) + '…' : s);
}

/** Converts one cell; throws the DataError that explains why it is not a finite number. */
function toNumber(raw: string, source: string, at: DataLocation, hint = '', mp: MissingPolicy = {}): number {
  const s = raw.trim();
  if (NUMBER.test(s)) {
    const v = Number(s);
    if (Number.isFinite(v)) return v;
    throw new DataError('NON_FINITE', `${show(s)} overflows a double-precision number.`, source, at);
  }
  if (MISSING.has(s.toLowerCase())) {
    if (mp.missing) return NaN;
    throw new DataError('MISSING_VALUE', `${s === '' ? 'empty cell' : show(s)}: ${missingMessage(mp)}`, source, at);
  }
  if (INFINITE.test(s)) throw new DataError('NON_FINITE', `${show(s)}: infinite values are not supported.`, source, at);
  // 1,5 or 1.234,5: a decimal comma; 3.6,79: two numbers and another delimiter than the one used
  const decimalComma = /^[+-]?(\d{1,3}(\.\d{3})+|\d*),\d+$/.test(s);
  const sep = decimalComma ? undefined : CELL_DELIMITERS.find((c) => s.includes(c) && s.split(c).every((v) => NUMBER.test(v.trim())));
  const why = decimalComma ? ' (decimal commas are not supported)'
    : sep ? ` (it holds numbers separated by ${show(sep)}: is that the file's delimiter? check --delimiter)` : '';
  throw new DataError('NOT_NUMERIC', `${show(s)} is not a number${why}.${hint}`, source, at);
}

function missingMessage(mp: MissingPolicy): string {
  return `missing values are not supported; ${mp.missingHint ?? 'remove or impute the row'}.`;
}

function isNumeric(raw: string): boolean {
  const s = raw.trim();
  return NUMBER.test(s) || MISSING.has(s.toLowerCase()) && s !== '' || INFINITE.test(s);
}

/** Decodes bytes as UTF-8 (or UTF-16 with a byte-order mark); invalid bytes become U+FFFD. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    // UTF-16BE: swap to little-endian (TextDecoder's utf-16be is not available everywhere)
    const n = (bytes.length - 2) & ~1;
    const le = new Uint8Array(n);
    for (let i = 0; i < n; i += 2) {
      le[i] = bytes[i + 3];
      le[i + 1] = bytes[i + 2];
    }
    return new TextDecoder('utf-16le').decode(le);
  }
  return new TextDecoder('utf-8').decode(bytes);
}

/** Parses a numeric table from text or bytes. */
export function parseTable(input: string | Uint8Array, options: ReadOptions = {}): Table {
  const source = options.source ?? 'input';
  let text = typeof input === 'string' ? input : decodeText(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const format = options.format ?? (/^\s*[[{]/.test(text) ? 'json' : 'delimited');
  if (format === 'json') return parseJsonTable(text, source, options);
  return parseDelimited(text, source, options);
}

// ---------------------------------------------------------------------------------------
// Delimited text

interface Cell {
  text: string;
  quoted: boolean;
}

const WS = ' ';

/** Picks the delimiter from the first non-blank, non-comment line (outside quotes). */
export function detectDelimiter(text: string): string {
  const lines = text.split(/\r\n|\n|\r/);
  const first = lines.find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
  let inQuote = false;
  let tabs = 0, commas = 0, semis = 0;
  let outside = '';
  for (const ch of first) {
    if (ch === '"') inQuote = !inQuote;
    else if (!inQuote) {
      if (ch === '\t') tabs++;
      else if (ch === ',') commas++;
      else if (ch === ';') semis++;
      outside += ch;
    } else outside += 'x';
  }
  if (tabs > 0) return '\t';
  if (commas > 0 || semis > 0) return semis > commas ? ';' : ',';
  if (/\S[ ]+\S/.test(outside.trim())) return WS;
  return ',';
}

function parseDelimited(text: string, source: string, options: ReadOptions): Table {
  const delim = options.delimiter ?? detectDelimiter(text);
  if (![',', '\t', ';', WS].includes(delim)) {
    throw new TypeError(`delimiter must be ',', '\\t', ';' or ' ' (whitespace); got ${JSON.stringify(delim)}`);
  }
  const ws = delim === WS;
  const n = text.length;
  let i = 0;
  let line = 1;

  const values: number[] = [];
  let columns: string[] | null = null;
  let cols = options.width?.cols ?? -1;
  let firstLine = 0;
  let rows = 0;
  let mask: readonly boolean[] | null | undefined; // options.keep's, once the header is known
  const texts: string[] | null = options.keepText ? [] : null;

  const isBlank = (c: string) => c === ' ' || (c === '\t' && delim !== '\t');
  const atEol = (c: string) => c === '\n' || c === '\r';

  /** Reads one record from i (which it advances past the record's line end). */
  const readRecord = (): Cell[] => {
    const cells: Cell[] = [];
    for (;;) {
      const pre = i; // an unquoted cell's text keeps its leading blanks (numbers are trimmed)
      if (ws) while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      else while (i < n && isBlank(text[i])) i++;
      const cellLine = line;
      if (i < n && text[i] === '"') {
        // quoted cell ("" is a literal quote; newlines allowed inside)
        i++;
        let buf = '';
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            throw new DataError('BAD_QUOTE', `a quoted cell opened on line ${cellLine} is never closed.`, source, { line: cellLine, column: cells.length + 1 });
          }
          const chunk = text.slice(i, q);
          for (let k = 0; k < chunk.length; k++) {
            if (chunk[k] === '\n' || (chunk[k] === '\r' && chunk[k + 1] !== '\n')) line++;
          }
          buf += chunk;
          if (text[q + 1] === '"') {
            buf += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        while (i < n && (ws ? text[i] === ' ' || text[i] === '\t' : isBlank(text[i]))) i++;
        if (!ws && i < n && !atEol(text[i]) && text[i] !== delim) {
          const other = CELL_DELIMITERS.includes(text[i]) ? ` The cells seem to be separated by ${show(text[i])}, not ${show(delim)}: check --delimiter.` : '';
          throw new DataError('BAD_QUOTE', `unexpected ${show(text[i])} after the closing quote of a cell.${other}`, source, { line, column: cells.length + 1 });
        }
        cells.push({ text: buf, quoted: true });
      } else {
        const start = ws ? i : pre;
        if (ws) while (i < n && text[i] !== ' ' && text[i] !== '\t' && !atEol(text[i])) i++;
        else while (i < n && text[i] !== delim && !atEol(text[i])) i++;
        cells.push({ text: text.slice(start, i), quoted: false });
      }
      if (i >= n) break;
      const c = text[i];
      if (atEol(c)) {
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        break;
      }
      if (ws) {
        // whitespace runs separate cells; trailing whitespace ends the record
        let k = i;
        while (k < n && (text[k] === ' ' || text[k] === '\t')) k++;
        if (k >= n || atEol(text[k])) {
          i = k;
          if (i < n) {
            i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
            line++;
          }
          break;
        }
        i = k;
      } else {
        i++; // the delimiter
      }
    }
    return cells;
  };

  /** A row of numbers: the unread columns hold NaN. */
  const emit = (cells: Cell[], recLine: number) => {
    const hint = rows === 0 && columns === null && options.header === undefined
      ? ` If line ${recLine} is a header, declare it (header option, or --header on the command line).` : '';
    for (let k = 0; k < cells.length; k++) {
      const skip = mask !== null && !mask![k];
      // a quoted cell of text where every column is read: a text column to leave out
      const text = cells[k].quoted && mask === null && /\p{L}/u.test(cells[k].text);
      const h = hint || (text ? ' A column of text? Pick the numeric columns (--columns on the command line).' : '');
      values.push(skip ? NaN : toNumber(cells[k].text, source, { line: recLine, column: k + 1 }, h, options));
      if (texts) texts.push(cells[k].text);
    }
    rows++;
  };

  // '#' lines are comments, except where the first column is not read (options.keep: an id
  // "#1", a colour): there a '#' line of the table's width is a row, read as any other (a bad
  // cell is an error). Lines met before the kept columns are known (the header or the first
  // ordinary record still to come) are held: then only those whose read cells are numbers
  // are rows, as a commented header or a comment with commas may come first. A streamed
  // block (header: false, its width and mask given) knows them from the start.
  if (options.header === false && cols >= 0 && Array.isArray(options.keep)) mask = options.keep as readonly boolean[];
  const numbersWhereRead = (cells: Cell[], recLine: number): boolean => {
    for (let k = 1; k < cells.length; k++) {
      if (!mask![k]) continue;
      try {
        toNumber(cells[k].text, source, { line: recLine, column: k + 1 }, '', options);
      } catch {
        return false;
      }
    }
    return true;
  };
  const pending: { cells: Cell[]; line: number }[] = [];
  let comments = 0; // '#' lines read as comments, for EMPTY_INPUT's message
  const settle = () => {
    for (const p of pending) {
      if (mask && !mask[0] && p.cells.length === cols && numbersWhereRead(p.cells, p.line)) emit(p.cells, p.line);
      else comments++;
    }
    pending.length = 0;
  };

  while (i < n) {
    // skip blank lines and '#' comment lines
    let j = i;
    while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
    if (j >= n) break;
    if (text[j] === '#' && (mask === undefined ? options.keep !== undefined : mask !== null && !mask[0])) {
      // read it tentatively: a line whose quotes do not parse, or run past its end, is a comment
      let eol = j;
      while (eol < n && !atEol(text[eol])) eol++;
      const lineEnd = eol >= n ? n : eol + (text[eol] === '\r' && text[eol + 1] === '\n' ? 2 : 1);
      const atLine = line;
      let cells: Cell[] | null = null;
      try {
        cells = readRecord();
      } catch {
        cells = null;
      }
      if (cells && i <= lineEnd) {
        if (mask === undefined) pending.push({ cells, line: atLine });
        else if (cells.length === cols) emit(cells, atLine);
        else comments++;
        continue; // held, a row, or a comment now read
      }
      line = atLine; // and skip it from j, below
    }
    if (text[j] === '#') comments++;
    if (atEol(text[j]) || text[j] === '#') {
      while (j < n && !atEol(text[j])) j++;
      if (text[j] === '\r' && text[j + 1] === '\n') j++;
      i = j + 1;
      line++;
      continue;
    }

    const recLine = line;
    const cells = readRecord();

    // the record: header, or a row of numbers
    if (cols < 0) {
      cols = cells.length;
      firstLine = recLine;
      const header = options.header ?? cells.every((c) => !isNumeric(c.text));
      if (header) {
        columns = cells.map((c) => c.text.trim());
        mask = keepMask(options.keep, columns, cols);
        comments += pending.length; // '#' lines above a header are comments
        pending.length = 0;
        continue;
      }
    } else if (cells.length !== cols) {
      const what = options.width?.of ?? (columns ? `the header (line ${firstLine})` : `line ${firstLine}`);
      throw new DataError('RAGGED_ROWS', `${cells.length} cell${cells.length === 1 ? '' : 's'}, but ${what} has ${cols}: every row needs the same number of columns.`,
        source, { line: recLine });
    }
    if (mask === undefined) {
      mask = keepMask(options.keep, columns, cols);
      settle();
    }
    emit(cells, recLine);
  }
  if (pending.length > 0 && options.header !== true) {
    // '#' lines only: rows of the first one's width where a mask for that width leaves the
    // first column unread (one-cell comments never are)
    if (cols < 0) cols = pending[0].cells.length;
    const m = keepMask(options.keep, null, cols);
    mask = m && m.length === cols && m.some(Boolean) ? m : null;
    settle();
  }
  comments += pending.length; // held above a header that never came
  if (rows === 0) {
    const why = comments > 0 ? ` (${comments} line${comments === 1 ? '' : 's'} starting with '#' ${comments === 1 ? 'was' : 'were'} read as ${comments === 1 ? 'a comment' : 'comments'})` : '';
    throw new DataError('EMPTY_INPUT', columns ? `only a header line, no data rows${why}.` : `no data rows${why || ' (the input is empty)'}.`, source);
  }
  const format: TableFormat = delim === '\t' ? 'tsv' : delim === ';' ? 'semicolon' : ws ? 'whitespace' : 'csv';
  return { data: Float64Array.from(values), rows, cols, columns, format, ...(texts ? { text: texts } : {}) };
}

// ---------------------------------------------------------------------------------------
// JSON

/** Offset of the first JSON syntax error in `t` (JSON.parse's messages do not always say
 *  where). Iterative, so deeply nested input cannot overflow the stack. */
export function jsonErrorOffset(t: string): number {
  const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const STR = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
  const LIT = /true|false|null/y;
  let i = 0;
  const ws = () => { while (i < t.length && (t[i] === ' ' || t[i] === '\t' || t[i] === '\n' || t[i] === '\r')) i++; };
  const match = (re: RegExp) => {
    re.lastIndex = i;
    if (!re.test(t)) return false;
    i = re.lastIndex;
    return true;
  };
  const key = () => {
    ws();
    if (!match(STR)) return false;
    ws();
    if (t[i] !== ':') return false;
    i++;
    return true;
  };
  const stack: string[] = [];
  for (;;) {
    // a value
    ws();
    const c = t[i];
    if (c === '[' || c === '{') {
      i++;
      ws();
      if (t[i] === (c === '[' ? ']' : '}')) i++;
      else {
        stack.push(c === '[' ? ']' : '}');
        if (c === '{' && !key()) return i;
        continue;
      }
    } else if (!(c === '"' ? match(STR) : c === '-' || (c >= '0' && c <= '9') ? match(NUM) : match(LIT))) {
      return i;
    }
    // after a value: commas and closers
    for (;;) {
      ws();
      if (stack.length === 0) return i < t.length ? i : -1;
      if (t[i] === stack[stack.length - 1]) {
        stack.pop();
        i++;
        continue;
      }
      if (t[i] !== ',') return i;
      i++;
      if (stack[stack.length - 1] === '}' && !key()) return i;
      break;
    }
  }
}

function jsonSyntaxLocation(text: string, pos: number): DataLocation {
  if (pos < 0) pos = text.length;
  let line = 1, col = 1;
  for (let k = 0; k < pos; k++) {
    if (text[k] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return { line, column: col };
}

function jsonCell(v: unknown, source: string, at: DataLocation, mp: MissingPolicy): number {
  if (typeof v === 'number') return v; // JSON numbers are finite, except overflow:
  if (v === null) {
    if (mp.missing) return NaN;
    throw new DataError('MISSING_VALUE', `null: ${missingMessage(mp)}`, source, at);
  }
  if (typeof v === 'string') return toNumber(v, source, at, '', mp);
  throw new DataError('NOT_NUMERIC', `${Array.isArray(v) ? 'an array' : typeof v} is not a number.`, source, at);
}

function parseJsonTable(text: string, source: string, mp: ReadOptions): Table {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const pos = jsonErrorOffset(text);
    const what = pos < 0 || pos >= text.length ? 'unexpected end of input' : `unexpected ${show(text[pos])}`;
    throw new DataError('INVALID_JSON', `not valid JSON: ${what}.`, source, jsonSyntaxLocation(text, pos));
  }
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && Array.isArray((doc as { data?: unknown }).data)) {
    doc = (doc as { data: unknown }).data;
  }
  if (!Array.isArray(doc)) {
    throw new DataError('INVALID_JSON', 'expected an array of rows, e.g. [[1.5, 2], [3, 4.25]] or [{"x": 1.5, "y": 2}, …].', source);
  }
  if (doc.length === 0) throw new DataError('EMPTY_INPUT', 'the array has no rows.', source);
  const values: number[] = [];
  let columns: string[] | null = null;
  let cols: number;
  let mask: readonly boolean[] | null = null;
  const texts: string[] | null = mp.keepText ? [] : null;
  // one value: read, or (not kept) NaN with its text
  const cell = (v: unknown, i: number, j: number): void => {
    const skip = mask !== null && !mask[j];
    values.push(skip ? NaN : jsonCell(v, source, { row: i + 1, column: j + 1 }, mp));
    if (texts) texts.push(v === null ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v));
  };
  const first = doc[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    const fields = Object.keys(first);
    // the columns' names trimmed, as a CSV header's cells are (the fields keep their keys)
    columns = fields.map((k) => k.trim());
    cols = fields.length;
    if (cols === 0) throw new DataError('EMPTY_INPUT', 'the first row has no fields.', source, { row: 1 });
    const keySet = new Set(fields);
    mask = keepMask(mp.keep, columns, cols);
    doc.forEach((r, i) => {
      if (r === null || typeof r !== 'object' || Array.isArray(r)) {
        throw new DataError('INVALID_JSON', 'expected an object like the first row.', source, { row: i + 1 });
      }
      const keys = Object.keys(r);
      if (keys.length !== cols || !keys.every((k) => keySet.has(k))) {
        throw new DataError('RAGGED_ROWS', `fields ${JSON.stringify(keys)} differ from the first row's ${JSON.stringify(fields)}.`, source, { row: i + 1 });
      }
      fields.forEach((k, j) => cell((r as Record<string, unknown>)[k], i, j));
    });
  } else if (Array.isArray(first)) {
    cols = first.length;
    if (cols === 0) throw new DataError('EMPTY_INPUT', 'the first row has no columns.', source, { row: 1 });
    mask = keepMask(mp.keep, null, cols);
    doc.forEach((r, i) => {
      if (!Array.isArray(r)) throw new DataError('INVALID_JSON', 'expected an array like the first row.', source, { row: i + 1 });
      if (r.length !== cols) {
        throw new DataError('RAGGED_ROWS', `${r.length} values, but row 1 has ${cols}: every row needs the same number of columns.`, source, { row: i + 1 });
      }
      r.forEach((v, j) => cell(v, i, j));
    });
  } else if (typeof first === 'number') {
    // a flat array: one column
    cols = 1;
    doc.forEach((v, i) => cell(v, i, 0));
  } else {
    throw new DataError('INVALID_JSON', 'expected an array of rows (arrays or objects of numbers).', source, { row: 1 });
  }
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k]) && !(mp.missing && values[k] !== values[k]) && !(mask && !mask[k % cols])) {
      throw new DataError('NON_FINITE', 'a number overflows a double-precision number.', source, { row: Math.floor(k / cols) + 1, column: (k % cols) + 1 });
    }
  }
  return { data: Float64Array.from(values), rows: doc.length, cols, columns, format: 'json', ...(texts ? { text: texts } : {}) };
}

// ---------------------------------------------------------------------------------------
// Writing

function csvCell(s: string): string {
  // quoted where CSV needs it, and a leading '#', which the reader would take for a comment
  return /[",\r\n]/.test(s) || s !== s.trim() || s.startsWith('#') ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of rows of cells (written as given, quoted where CSV needs it). */
export function formatCsvCells(rows: readonly (readonly string[])[], header?: readonly string[] | null): string {
  const out: string[] = [];
  if (header) out.push(header.map(csvCell).join(','));
  for (const r of rows) out.push(r.map(csvCell).join(','));
  return out.join('\n') + '\n';
}

/** CSV text of a row-major matrix; numbers are written so they read back exactly. */
export function formatCsv(data: ArrayLike<number>, rows: number, cols: number, header?: readonly string[] | null): string {
  const out: string[] = [];
  if (header) out.push(header.map(csvCell).join(','));
  for (let i = 0; i < rows; i++) {
    const row = new Array<string>(cols);
    for (let j = 0; j < cols; j++) row[j] = String(data[i * cols + j]);
    out.push(row.join(','));
  }
  return out.join('\n') + '\n';
}
