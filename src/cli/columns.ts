// Which columns of a data file the command line reads: those --columns picks (by name or
// number), or those a model fitted on a file with a header knows by name; as masks for the
// parser (columns not picked are not read at all) and as picks of a parsed table.
import type { GaussianMixture } from '../entry-node.js';
import type { MatrixInput } from '../index.js';
import type { ColumnKeep, Table } from './csv.js';
import { InputError, UsageError, type Opts } from './args.js';
import { info } from './output.js';
import { nameMismatch, repeatedName } from '../model/validate.js';

/** What a loaded model reads of a table: t (for messages and output headers) and X. */
export interface ModelData { t: Table; X: MatrixInput }

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
 *  these header names (null: none) and cols columns; `flag` names the option in errors
 *  (classify's --class: one name, which may hold commas). */
export function pickIndices(spec: string, columns: string[] | null, cols: number, path: string, flag = '--columns'): number[] {
  const picks = flag === '--columns' ? spec.split(',').map((s) => s.trim()).filter((s) => s !== '') : [spec.trim()].filter((s) => s !== '');
  if (picks.length === 0) throw new UsageError(`${flag} needs a column name or number.`);
  const idx = picks.map((p) => {
    if (/^\d+$/.test(p)) {
      const j = Number(p) - 1;
      if (j < 0) throw new UsageError(`${flag} numbers columns from 1; got ${p}.`);
      if (j >= cols) throw new InputError(`${path}: ${flag} ${p}: the data have columns 1 to ${cols}.`);
      return j;
    }
    const j = columns?.indexOf(p) ?? -1;
    if (j < 0) {
      throw new InputError(columns
        ? `${path}: ${flag}: no column named ${JSON.stringify(p)}; the columns are ${columns.map((c) => JSON.stringify(c)).join(', ')}.`
        : `${path}: ${flag} ${JSON.stringify(p)}: the data have no header, so use column numbers (1 to ${cols}).`);
    }
    if (columns!.indexOf(p, j + 1) >= 0) {
      const named = columns!.flatMap((c, i) => (c === p ? [i + 1] : []));
      throw new InputError(`${path}: ${flag}: ${named.length} columns are named ${JSON.stringify(p)} ` +
        `(columns ${named.join(', ')}): pick one by its number.`);
    }
    return j;
  });
  const twice = idx.findIndex((j, k) => idx.indexOf(j) !== k);
  if (twice >= 0) throw new InputError(`${path}: ${flag} picks column ${idx[twice] + 1} twice: pick each column once.`);
  return idx;
}

export function selectColumns(t: Table, spec: string, path: string): Table {
  return pick(t, pickIndices(spec, t.columns, t.cols, path));
}

/** Columns idx of t, in that order. */
export function pick(t: Table, idx: readonly number[]): Table {
  const data = new Float64Array(t.rows * idx.length);
  for (let r = 0; r < t.rows; r++) idx.forEach((j, c) => { data[r * idx.length + c] = t.data[r * t.cols + j]; });
  return { ...t, data, cols: idx.length, columns: t.columns ? idx.map((j) => t.columns![j]) : null };
}

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
export function byName(gm: GaussianMixture, have: string[] | null, path: string, given: number[] | null): number[] | null {
  const names = gm.featureNames;
  if (!names || !have || nameMismatch(have, names) < 0) return null;
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
  // --columns reads by position; where the picked header names are not the model's, say so
  const names = gm.featureNames;
  if (o.columns !== undefined && !given && names && out.columns && nameMismatch(out.columns, names) >= 0) {
    info(`note: --columns picks ${out.columns.map((v) => JSON.stringify(v)).join(', ')}, read as the model's ` +
      `${names.map((v) => JSON.stringify(v)).join(', ')} (by position, as --columns asks).`);
  }
  // the library takes names only where each names one column (a header "x,x" has none)
  const named = o.columns === undefined && !(out.columns && repeatedName(out.columns) !== undefined);
  return { t: out, X: named ? out : { data: out.data, rows: out.rows, cols: out.cols } };
}
