// What the command line reads: data files (whole, or in blocks of lines), --columns,
// --header/--delimiter, and model JSON files; a file's problem becomes an InputError.
import { readFileSync } from 'node:fs';
import { GaussianMixture, BayesianGaussianMixture, GmmError } from '../entry-node.js';
import type { MatrixInput } from '../index.js';
import { DataError, parseTable, type ColumnKeep, type ReadOptions, type Table } from './csv.js';
import { lineBound, streamTable, type StreamedTable } from './stream-input.js';
import { FIT_MISSING_HINT, MODEL_MISSING_HINT, InputError, UsageError, type Opts } from './args.js';

export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'it is a directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    default: return (e as Error)?.message ?? String(e);
  }
}

function readInput(path: string): Buffer {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    throw new InputError(`cannot read ${path === '-' ? 'stdin' : path}: ${fsReason(e)}`);
  }
}

/** --header / --no-header and --delimiter as the parsers take them. */
export function layoutOptions(o: Opts): { header: boolean | undefined; delimiter: string | undefined } {
  if (o.header && o['no-header']) throw new UsageError('--header and --no-header contradict each other.');
  const d = o.delimiter as string | undefined;
  return {
    header: o.header ? true : o['no-header'] ? false : undefined,
    delimiter: d === undefined ? undefined : d === 'tab' || d === '\\t' ? '\t' : d === 'space' ? ' ' : d,
  };
}

/** A data file as a table, with --columns applied; keep (default: --columns's) says which
 *  columns are read as numbers at all, so that others (an id, a label) may hold anything. */
export function readData(path: string, o: Opts, missing = false, missingHint = FIT_MISSING_HINT, keep?: ColumnKeep): Table {
  const t = parseData(path, o, { missing, missingHint, keep: keep ?? specKeep(o, path) });
  return o.columns === undefined ? t : selectColumns(t, String(o.columns), path);
}

/** A data file as a table, every column (--columns not applied). */
function parseData(path: string, o: Opts, options: ReadOptions): Table {
  const layout = layoutOptions(o); // usage errors before the file is read
  return parseTable(readInput(path), { source: path === '-' ? 'stdin' : path, ...layout, ...options });
}

/** The columns --columns picks, as a mask of the file's (its names checked against the header
 *  as soon as it is read); undefined without --columns. */
export function specKeep(o: Opts, path: string): ColumnKeep | undefined {
  if (o.columns === undefined) return undefined;
  const spec = String(o.columns);
  return (columns, cols) => mask(pickIndices(spec, columns, cols, path), cols);
}

function mask(idx: readonly number[], cols: number): boolean[] {
  const m = new Array<boolean>(cols).fill(false);
  for (const j of idx) m[j] = true;
  return m;
}

/** The 0-based columns a --columns spec names (names or 1-based numbers), of a table with
 *  these header names (null: none) and cols columns. */
function pickIndices(spec: string, columns: string[] | null, cols: number, path: string): number[] {
  const picks = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (picks.length === 0) throw new UsageError('--columns needs at least one column name or number.');
  const idx = picks.map((p) => {
    if (/^\d+$/.test(p)) {
      const j = Number(p) - 1;
      if (j < 0) throw new UsageError(`--columns numbers columns from 1; got ${p}.`);
      if (j >= cols) throw new InputError(`${path}: --columns ${p}: the data have columns 1 to ${cols}.`);
      return j;
    }
    const j = columns?.indexOf(p) ?? -1;
    if (j < 0) {
      throw new InputError(columns
        ? `${path}: --columns: no column named ${JSON.stringify(p)}; the columns are ${columns.map((c) => JSON.stringify(c)).join(', ')}.`
        : `${path}: --columns ${JSON.stringify(p)}: the data have no header, so use column numbers (1 to ${cols}).`);
    }
    if (columns!.indexOf(p, j + 1) >= 0) {
      const named = columns!.flatMap((c, i) => (c === p ? [i + 1] : []));
      throw new InputError(`${path}: --columns: ${named.length} columns are named ${JSON.stringify(p)} ` +
        `(columns ${named.join(', ')}): pick one by its number.`);
    }
    return j;
  });
  const twice = idx.findIndex((j, k) => idx.indexOf(j) !== k);
  if (twice >= 0) throw new InputError(`${path}: --columns picks column ${idx[twice] + 1} twice: pick each column once.`);
  return idx;
}

export function selectColumns(t: Table, spec: string, path: string): Table {
  return pick(t, pickIndices(spec, t.columns, t.cols, path));
}

/** Columns idx of t, in that order. */
function pick(t: Table, idx: readonly number[]): Table {
  const data = new Float64Array(t.rows * idx.length);
  for (let r = 0; r < t.rows; r++) idx.forEach((j, c) => { data[r * idx.length + c] = t.data[r * t.cols + j]; });
  return { ...t, data, cols: idx.length, columns: t.columns ? idx.map((j) => t.columns![j]) : null };
}

export function describeData(path: string, t: Table): string {
  const cols = t.columns ? ` (${t.columns.join(', ')})` : '';
  return `${path === '-' ? 'stdin' : path}: ${t.rows} rows × ${t.cols} column${t.cols === 1 ? '' : 's'}${cols}, ${t.format.toUpperCase()}`;
}

export function readModel(path: string): GaussianMixture {
  const text = readInput(path).toString('utf8').replace(/^\uFEFF/, ''); // a byte-order mark, as data files may have
  try {
    // parsed once; a Bayesian mixture's JSON carries its posterior in "variational"
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return GaussianMixture.fromJSON(text); // which reports the syntax error
    }
    const bayes = json !== null && typeof json === 'object' && 'variational' in json;
    return bayes ? BayesianGaussianMixture.fromJSON(json) : GaussianMixture.fromJSON(json);
  } catch (e) {
    if (e instanceof GmmError) throw new InputError(`${path}: ${e.message}`);
    throw e;
  }
}

/** Data a loaded model reads: t, the table as read (for messages and output headers), and X,
 *  what the library takes. Missing cells are NaN when the model was fitted with --missing
 *  marginalize (it marginalises them), and an error otherwise. Only the columns the model
 *  reads are read as numbers. */
export function readModelData(gm: GaussianMixture, path: string, o: Opts, given: number[] | null = null): ModelData {
  const t = readData(path, o, gm.options.missingValues === 'marginalize', MODEL_MISSING_HINT, modelKeep(gm, path, o, given));
  return modelColumns(gm, t, path, o, given);
}

export interface ModelData { t: Table; X: MatrixInput }

/** readData's keep for a loaded model: --columns's, else the columns modelColumns picks by
 *  name (their absence reported as soon as the header is read). */
export function modelKeep(gm: GaussianMixture, path: string, o: Opts, given: number[] | null = null): ColumnKeep | undefined {
  return specKeep(o, path) ?? ((columns, cols) => {
    const idx = byName(gm, columns, path, given);
    // every column read: a width the model cannot take is told before a cell is read
    if (!idx && !given && cols !== gm.nFeatures) throw widthError(gm, path, cols, false);
    return idx ? mask(idx, cols) : null;
  });
}

/** The data's (or --columns's) width is not the model's. */
function widthError(gm: GaussianMixture, path: string, cols: number, picked: boolean): InputError {
  const d = gm.nFeatures, names = gm.featureNames;
  return new InputError(`${path}: ${picked ? `--columns picks ${cols}` : `the data have ${cols}`} ` +
    `column${cols === 1 ? '' : 's'}; the model reads ${d}${names ? ` (${names.map((v) => JSON.stringify(v)).join(', ')})` : ''}` +
    `${picked ? ': pick that many' : ': pick them with --columns'}.`);
}

/** The columns of a table with these header names that a model with featureNames reads, in
 *  its order (with given, predict --given: where the data lack some of the model's columns,
 *  the given features'); null where names do not apply (no names, no header, or the header
 *  is the model's own). */
function byName(gm: GaussianMixture, have: string[] | null, path: string, given: number[] | null): number[] | null {
  const names = gm.featureNames;
  if (!names || !have || (have.length === names.length && have.every((v, j) => v === names[j]))) return null;
  const list = (a: readonly string[]): string => a.map((v) => JSON.stringify(v)).join(', ');
  let want = names;
  if (given && names.some((v) => !have.includes(v))) want = given.map((j) => names[j] ?? '');
  const missing = want.filter((v) => !have.includes(v));
  if (missing.length > 0) {
    throw new InputError(`${path}: no column named ${list(missing)}; the model was fitted on ${list(names)}, the data have ` +
      `${list(have)}: give the data ${given ? 'those (or the given ones)' : 'those columns (others are ignored)'}, or pick columns by position with --columns.`);
  }
  const idx = want.map((v) => have.indexOf(v));
  const twice = want.find((v, j) => have.indexOf(v, idx[j] + 1) >= 0);
  if (twice !== undefined) throw new InputError(`${path}: ${have.filter((v) => v === twice).length} columns are named ${JSON.stringify(twice)}: pick one with --columns.`);
  return idx;
}

/** Which columns of t a loaded model reads. With --columns, those (t already holds just
 *  them), by position: the user's choice, whatever their names (X carries none). Else, where
 *  the model knows its columns' names (fitted on a file with a header) and the data have a
 *  header, those names (byName), other columns ignored. Else all of them, by position.
 *  picked: t holds the chosen columns already (readForImpute). */
export function modelColumns(gm: GaussianMixture, t: Table, path: string, o: Opts, given: number[] | null = null,
  picked = false): ModelData {
  const idx = o.columns === undefined && !picked ? byName(gm, t.columns, path, given) : null;
  const out = idx ? pick(t, idx) : t;
  // the width, in the command line's words (--given checks its own two shapes)
  if (!given && out.cols !== gm.nFeatures) throw widthError(gm, path, out.cols, o.columns !== undefined);
  return { t: out, X: o.columns !== undefined ? { data: out.data, rows: out.rows, cols: out.cols } : out };
}

/** impute's input: the whole table t (with the text of the columns the model does not read,
 *  which impute copies), X, the columns the model reads, and idx, the column of t each of
 *  X's comes from (chosen as modelColumns chooses them). */
export function readForImpute(gm: GaussianMixture, path: string, o: Opts): { t: Table; X: MatrixInput; idx: number[] } {
  const t = parseData(path, o, { missing: true, keep: modelKeep(gm, path, o), keepText: true });
  const idx = o.columns !== undefined ? pickIndices(String(o.columns), t.columns, t.cols, path)
    : byName(gm, t.columns, path, null) ?? Array.from({ length: t.cols }, (_, j) => j);
  const { X } = modelColumns(gm, pick(t, idx), path, o, null, true); // the width checked there
  return { t, X, idx };
}

/** A delimited file read in blocks of lines (stream-input.ts), with --columns applied to
 *  each block (pick) and to the header (columns). */
export async function openBlocks(path: string, o: Opts): Promise<{ st: StreamedTable; pick: (t: Table) => Table; columns: string[] | null; cols: number }> {
  const layout = layoutOptions(o);
  let st: StreamedTable;
  try {
    st = await streamTable(path, { ...layout, keep: specKeep(o, path) });
  } catch (e) {
    // the file's own errors, and --columns's (checked against its header), as they are
    if (e instanceof DataError || e instanceof InputError || e instanceof UsageError) throw e;
    throw new InputError(`cannot read ${path}: ${fsReason(e)}`);
  }
  const pick = (t: Table): Table => (o.columns === undefined ? t : selectColumns(t, String(o.columns), path));
  const picked = o.columns === undefined ? null : selectColumns({ data: new Float64Array(st.cols), rows: 1, cols: st.cols,
    columns: st.columns, format: st.format }, String(o.columns), path);
  return { st, pick, columns: picked ? picked.columns : st.columns, cols: picked ? picked.cols : st.cols };
}

/** A delimited file of any size as one table, read in blocks (never as one string, which
 *  JavaScript caps near 512 MiB) and parsed once, into an array sized by a count of the
 *  file's line feeds: memory holds the array and one block. */
export async function gatherBlocks(path: string, o: Opts): Promise<Table> {
  const { st, pick, columns, cols } = await openBlocks(path, o);
  const most = await lineBound(path);
  let data: Float64Array;
  try {
    data = new Float64Array(most * cols);
  } catch {
    throw new InputError(`${path}: up to ${most} rows × ${cols} columns (${((most * cols * 8) / 2 ** 30).toFixed(1)} GiB) do not fit in memory: drop --workers to stream the file instead.`);
  }
  let at = 0;
  for await (const b of st.blocks()) {
    const t = pick(b);
    if (at + t.data.length > data.length) throw new Error(`gatherBlocks: ${path} has more rows than its line breaks (${most})`);
    data.set(t.data, at);
    at += t.data.length;
  }
  return { data: data.subarray(0, at), rows: at / cols, cols, columns, format: st.format };
}
