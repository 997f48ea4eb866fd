// What the command line reads: data files (whole, or in blocks of lines; which columns:
// columns.ts), --header/--delimiter, and model JSON files; a file's problem becomes an
// InputError.
import { readFileSync } from 'node:fs';
import { GaussianMixture, BayesianGaussianMixture, GmmError, MixtureDiscriminant, SemiSupervisedMixture } from '../entry-node.js';
import type { MatrixInput } from '../index.js';
import { DataError, parseTable, type ColumnKeep, type ReadOptions, type Table } from './csv.js';
import { lineBound, streamTable, type StreamedTable } from './stream-input.js';
import { FIT_MISSING_HINT, MODEL_MISSING_HINT, InputError, UsageError, type Opts } from './args.js';
import { byName, modelColumns, modelKeep, pick, pickIndices, selectColumns, specKeep, type ModelData } from './columns.js';
import { repeatedName } from '../model/validate.js';
import { info } from './output.js';

export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'it is a directory';
    case 'ENOTDIR': return 'a part of the path is a file, not a directory';
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
 *  columns are read as numbers at all, so that others (an id, a label) may hold anything.
 *  fitting: a model is fitted from it (a repeated header name is then told, distinctNames). */
export function readData(path: string, o: Opts, missing = false, missingHint = FIT_MISSING_HINT, keep?: ColumnKeep,
  fitting = true): Table {
  const t = parseData(path, o, { missing, missingHint, keep: keep ?? specKeep(o, path) });
  return distinctNames(o.columns === undefined ? t : selectColumns(t, String(o.columns), path), fitting);
}

/** A data file as a table, every column (--columns not applied). */
function parseData(path: string, o: Opts, options: ReadOptions): Table {
  const layout = layoutOptions(o); // usage errors before the file is read
  return parseTable(readInput(path), { source: path === '-' ? 'stdin' : path, ...layout, ...options });
}

export function describeData(path: string, t: Table): string {
  const cols = t.columns ? ` (${t.columns.join(', ')})` : '';
  return `${path === '-' ? 'stdin' : path}: ${t.rows} rows × ${t.cols} column${t.cols === 1 ? '' : 's'}${cols}, ${t.format.toUpperCase()}`;
}

/** A classifier that classify wrote: MclustDA/EDDA's or MclustSSC's, and a GaussianMixture of
 *  its (its first class's, or its mixture) whose columns the data are read by. */
export interface Classifier { model: MixtureDiscriminant | SemiSupervisedMixture; columnsOf: GaussianMixture }

const CLASSIFIER_FORMATS = ['gmm-wasm-discriminant', 'gmm-wasm-semi-supervised'];

/** A model file: a GaussianMixture (a BayesianGaussianMixture where its JSON carries the
 *  posterior), or with classifiers true also a classifier (predict); another command given a
 *  classifier is told to use predict. */
export function readModel(path: string): GaussianMixture;
export function readModel(path: string, classifiers: true): GaussianMixture | Classifier;
export function readModel(path: string, classifiers = false): GaussianMixture | Classifier {
  const text = readInput(path).toString('utf8').replace(/^\uFEFF/, ''); // a byte-order mark, as data files may have
  try {
    // parsed once; a Bayesian mixture's JSON carries its posterior in "variational"
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return GaussianMixture.fromJSON(text); // which reports the syntax error
    }
    const format = json !== null && typeof json === 'object' ? (json as { format?: unknown }).format : undefined;
    if (typeof format === 'string' && CLASSIFIER_FORMATS.includes(format)) {
      if (!classifiers) throw new InputError(`${path} is a classifier (gmm-wasm classify): use gmm-wasm predict with it.`);
      if (format === 'gmm-wasm-discriminant') {
        const model = MixtureDiscriminant.fromJSON(json as never);
        return { model, columnsOf: model.models[0] };
      }
      const model = SemiSupervisedMixture.fromJSON(json as never);
      return { model, columnsOf: model.mixture };
    }
    const bayes = json !== null && typeof json === 'object' && 'variational' in json;
    return bayes ? BayesianGaussianMixture.fromJSON(json) : GaussianMixture.fromJSON(json);
  } catch (e) {
    if (e instanceof GmmError) throw new InputError(`${path}: ${e.message}`);
    throw e;
  }
}

/** A data file with a class column (classify): the other columns (or --columns') as numbers,
 *  and each row's class cell as text, null where it is empty or NA, N/A, NaN, null or None. */
export function readLabelled(path: string, o: Opts, classSpec: string): { t: Table; labels: (string | null)[]; classColumn: string } {
  let at = -1;
  const keep: ColumnKeep = (columns, cols) => {
    [at] = pickIndices(classSpec, columns, cols, path, '--class');
    const m = new Array<boolean>(cols).fill(true);
    m[at] = false;
    if (o.columns !== undefined) {
      m.fill(false);
      for (const j of pickIndices(String(o.columns), columns, cols, path)) {
        if (j === at) throw new UsageError(`--columns picks the class column (${classSpec}): the features are the other columns.`, 'classify');
        m[j] = true;
      }
    }
    return m;
  };
  const all = parseData(path, o, { keep, keepText: true });
  const labels = Array.from({ length: all.rows }, (_, r) => {
    const s = all.text![r * all.cols + at].trim();
    return MISSING_CLASS.has(s.toLowerCase()) ? null : s;
  });
  const idx = o.columns !== undefined ? pickIndices(String(o.columns), all.columns, all.cols, path)
    : Array.from({ length: all.cols }, (_, j) => j).filter((j) => j !== at);
  return { t: distinctNames(pick(all, idx), true), labels, classColumn: all.columns?.[at] ?? `column ${at + 1}` };
}

/** Class cells that mean an unknown class (csv.ts's missing cells). */
const MISSING_CLASS = new Set(['', 'na', 'n/a', 'nan', 'null', 'none']);

/** Data a loaded model reads: t, the table as read (for messages and output headers), and X,
 *  what the library takes. Missing cells are NaN when the model was fitted with --missing
 *  marginalize (it marginalises them), and an error otherwise. Only the columns the model
 *  reads are read as numbers. */
export function readModelData(gm: GaussianMixture, path: string, o: Opts, given: number[] | null = null, missingHint = MODEL_MISSING_HINT): ModelData {
  const t = readData(path, o, gm.options.missingValues === 'marginalize', missingHint, modelKeep(gm, path, o, given), false);
  return modelColumns(gm, t, path, o, given);
}

/** impute's input: the whole table t (with every cell's text, which impute copies where it
 *  fills nothing), X, the columns the model reads, and idx, the column of t each of X's
 *  comes from (chosen as modelColumns chooses them). */
export function readForImpute(gm: GaussianMixture, path: string, o: Opts): { t: Table; X: MatrixInput; idx: number[] } {
  const t = parseData(path, o, { missing: true, keep: modelKeep(gm, path, o), keepText: true });
  const idx = o.columns !== undefined ? pickIndices(String(o.columns), t.columns, t.cols, path)
    : byName(gm, t.columns, path, null) ?? Array.from({ length: t.cols }, (_, j) => j);
  const { X } = modelColumns(gm, pick(t, idx), path, o, null, true); // the width checked there
  return { t, X, idx };
}

/** t without column names where they repeat (a header "x,x"): a model keeps names only when
 *  each names one column. note: say so (once, where a model is fitted from t). */
function distinctNames(t: Table, note = false): Table {
  const twice = t.columns ? repeatedName(t.columns) : undefined;
  if (twice === undefined) return t;
  if (note) {
    info(`note: the header names ${JSON.stringify(twice)} more than once, so the model keeps no column names (its features are ` +
      'read by position); rename the columns to keep them.');
  }
  return { ...t, columns: null };
}

/** A delimited file read in blocks of lines (stream-input.ts), with --columns applied to
 *  each block (pick) and to the header (columns). */
export async function openBlocks(path: string, o: Opts, missing = false): Promise<{ st: StreamedTable; pick: (t: Table) => Table; columns: string[] | null; cols: number }> {
  const layout = layoutOptions(o);
  let st: StreamedTable;
  try {
    st = await streamTable(path, { ...layout, keep: specKeep(o, path), missing, missingHint: FIT_MISSING_HINT });
  } catch (e) {
    // the file's own errors, and --columns's (checked against its header), as they are
    if (e instanceof DataError || e instanceof InputError || e instanceof UsageError) throw e;
    throw new InputError(`cannot read ${path}: ${fsReason(e)}`);
  }
  const select = (t: Table): Table => (o.columns === undefined ? t : selectColumns(t, String(o.columns), path));
  const pick = (t: Table): Table => distinctNames(select(t));
  // the header's names, told once (fit streams blocks from here)
  const picked = distinctNames(select({ data: new Float64Array(st.cols), rows: 1, cols: st.cols, columns: st.columns, format: st.format }), true);
  return { st, pick, columns: picked.columns, cols: picked.cols };
}

/** A delimited file of any size as one table, read in blocks (never as one string, which
 *  JavaScript caps near 512 MiB) and parsed once, into an array sized by a count of the
 *  file's line feeds: memory holds the array and one block. */
export async function gatherBlocks(path: string, o: Opts, missing = false): Promise<Table> {
  const { st, pick, columns, cols } = await openBlocks(path, o, missing);
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
