// Delimited text too large to hold: read in blocks of whole lines, each parsed like any
// table (csv.ts) with the delimiter and header found in the first block, so that
// `gmm-wasm fit big.csv` streams through GaussianMixture.fitStream once per EM pass and
// holds one block at a time. Cells that span lines (quoted newlines) are not supported here.
import { createReadStream } from 'node:fs';
import { DataError, parseTable, type ColumnKeep, type Table } from './csv.js';

const BLOCK_BYTES = 4 << 20;

const DELIMITER: Record<string, string> = { csv: ',', tsv: '\t', semicolon: ';', whitespace: ' ' };

export interface StreamedTable {
  /** Column names of the header, or null. */
  columns: string[] | null;
  cols: number;
  format: Table['format'];
  /** Reads the file anew: tables of whole lines, in order. */
  blocks(): AsyncGenerator<Table>;
}

/** Lines of the file in blocks of about BLOCK_BYTES, cut at newlines; with each block the
 *  number of lines before it. */
async function* lineBlocks(path: string): AsyncGenerator<{ text: string; firstLine: number }> {
  let rest = '';
  let line = 1;
  const decoder = new TextDecoder('utf-8');
  for await (const buf of createReadStream(path, { highWaterMark: BLOCK_BYTES })) {
    const text = rest + decoder.decode(buf as Buffer, { stream: true });
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      rest = text;
      continue;
    }
    const block = text.slice(0, cut + 1);
    rest = text.slice(cut + 1);
    yield { text: block, firstLine: line };
    for (let i = 0; i < block.length; i++) if (block.charCodeAt(i) === 10) line++;
  }
  rest += decoder.decode();
  if (rest.trim() !== '') yield { text: rest, firstLine: line };
}

/** At least the file's number of lines, found without decoding or parsing (a fast first
 *  pass where the rows are counted): its line breaks as the parser splits them (LF, CR LF,
 *  or a CR alone), plus one for a last line without one. */
export async function lineBound(path: string): Promise<number> {
  let n = 1, prevCR = false;
  for await (const buf of createReadStream(path, { highWaterMark: BLOCK_BYTES })) {
    const b = buf as Buffer;
    for (let i = 0; i < b.length; i++) {
      const c = b[i];
      if (c === 10) { if (!prevCR) n++; prevCR = false; } else if (c === 13) { n++; prevCR = true; } else prevCR = false;
    }
  }
  return n;
}

function shifted(e: unknown, lines: number): unknown {
  if (!(e instanceof DataError) || e.line === null) return e;
  // a quoted cell over a line break may be cut where the file is read in blocks
  const why = e.code === 'BAD_QUOTE' ? ' Quoted cells that span lines are not supported when a file is streamed: use --no-stream.' : '';
  return new DataError(e.code, e.message.replace(/^.*?: line \d+(, column \d+)?: /, '') + why, e.source,
    { line: e.line + lines, column: e.column ?? undefined });
}

/** Opens a delimited text file for streaming: reads its first block to find the delimiter
 *  and header (options as parseTable's). */
export async function streamTable(path: string, options: { header?: boolean; delimiter?: string; source?: string; keep?: ColumnKeep;
  missing?: boolean; missingHint?: string }): Promise<StreamedTable> {
  const source = options.source ?? path;
  let first: Table | null = null;
  for await (const b of lineBlocks(path)) {
    if (/^\s*[[{]/.test(b.text)) {
      throw new DataError('INVALID_JSON', 'JSON input cannot be streamed: convert it to CSV, or fit it without --stream.', source);
    }
    first = parseTable(b.text, { ...options, source, format: 'delimited' });
    break;
  }
  if (!first) throw new DataError('EMPTY_INPUT', 'the file has no data rows.', source);
  const head = first;
  const delimiter = options.delimiter ?? DELIMITER[head.format];
  // the columns read as numbers, fixed by the header for every block
  const keep = options.keep === undefined ? undefined
    : typeof options.keep === 'function' ? options.keep(head.columns, head.cols) ?? undefined : options.keep;
  // what a ragged row in a later block is compared with, as the in-memory reader words it
  const firstRecord = head.columns ? 'the header' : 'the first row';
  return {
    columns: head.columns,
    cols: head.cols,
    format: head.format,
    async *blocks() {
      let firstBlock = true;
      for await (const b of lineBlocks(path)) {
        let t: Table;
        try {
          const mp = { missing: options.missing, missingHint: options.missingHint };
          t = firstBlock ? parseTable(b.text, { source, delimiter, format: 'delimited', header: head.columns !== null, keep, ...mp })
            : parseTable(b.text, { source, delimiter, format: 'delimited', header: false, width: { cols: head.cols, of: firstRecord }, keep, ...mp });
        } catch (e) {
          if (e instanceof DataError && e.code === 'EMPTY_INPUT') continue; // a block of blank or comment lines
          throw shifted(e, b.firstLine - 1);
        }
        firstBlock = false;
        if (t.cols !== head.cols) {
          throw new DataError('RAGGED_ROWS', `the rows from line ${b.firstLine} have ${t.cols} cells; the first rows have ${head.cols}.`, source, { line: b.firstLine });
        }
        yield { ...t, columns: head.columns };
      }
    },
  };
}
