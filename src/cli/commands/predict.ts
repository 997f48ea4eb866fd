// gmm-wasm predict: each row's component (--proba: with the posterior probabilities), or
// with --given the conditional means of the other features.
import { GaussianMixture } from '../../entry-node.js';
import { formatCsv, formatCsvCells, type Table } from '../csv.js';
import type { MatrixInput } from '../../index.js';
import { COMMON_OPTIONS, DATA_OPTIONS, InputError, MODEL_DATA_NOTE, UsageError, need, type Command, type Opts } from '../args.js';
import { readModel, readModelData, type Classifier } from '../input.js';
import { POINT_ESTIMATES_OPTION, forConditionals } from '../models.js';
import { remainingFeatures } from '../../model/conditional.js';
import { emit } from '../output.js';

export const predict: Command = {
  name: 'predict',
  args: ['<model.json>', '<data>'],
  summary: 'most likely component of each row (0-based), or --proba, or --given; or a classifier\'s class',
  options: [
    { name: 'proba', kind: 'flag', help: 'also print each component\'s posterior probability' },
    { name: 'given', kind: 'string', value: 'list', help: 'predict the other features from these (0-based feature indices, e.g. 0,2, or the model\'s column names)' },
    POINT_ESTIMATES_OPTION,
    { name: 'no-output-header', kind: 'flag', help: 'omit the header line of the output' },
    ...DATA_OPTIONS,
    ...COMMON_OPTIONS,
  ],
  examples: ['gmm-wasm predict model.json data.csv > labels.csv', 'gmm-wasm predict model.json data.csv --proba',
    'gmm-wasm predict model.json data.csv --given 0'],
  notes: 'Output: CSV with the column "component" (and p0 … p{K-1} with --proba), one line per input row.\n' +
    'With a classifier (gmm-wasm classify): the column "class" (and p_<class> for each class with --proba).\n' +
    'With --given: the conditional mean E[other features | given features] of each row (GaussianMixture.predictConditional);\n' +
    'the data hold either the given features only, in the order of --given, or every feature (the others are ignored).\n' + MODEL_DATA_NOTE,
  run(pos, o) {
    need(pos, 2, this, o);
    // usage errors before any file is read
    const spec = o.given === undefined ? null : givenSpec(String(o.given));
    if (spec && o.proba) throw new UsageError('--given and --proba do not combine: --given prints conditional means, not components.', 'predict');
    if (!spec && o['point-estimates']) throw new UsageError('--point-estimates applies with --given (conditional means) to a --bayesian model.', 'predict');
    const loaded = readModel(pos[0], true);
    if (!(loaded instanceof GaussianMixture)) {
      if (spec || o['point-estimates']) throw new UsageError('--given and --point-estimates apply to a mixture, not to a classifier.', 'predict');
      emit(classes(loaded, pos[1], o), o.out);
      return;
    }
    const gm = spec ? forConditionals(loaded, o, pos[0]) : loaded;
    const g = spec && givenIndices(spec, gm, String(o.given));
    const { t, X } = readModelData(gm, pos[1], o, g);
    if (g) {
      emit(conditionalMeans(gm, t, X, g, String(o.given), Boolean(o['no-output-header']), pos[1]), o.out);
      return;
    }
    const labels = gm.predict(X);
    const header = o['no-output-header'] ? null : ['component'];
    if (!o.proba) {
      emit(formatCsv(labels, t.rows, 1, header), o.out);
      return;
    }
    const p = gm.predictProba(X);
    const K = p.cols;
    const data = new Float64Array(t.rows * (K + 1));
    for (let r = 0; r < t.rows; r++) {
      data[r * (K + 1)] = labels[r];
      data.set(p.data.subarray(r * K, r * K + K), r * (K + 1) + 1);
    }
    emit(formatCsv(data, t.rows, K + 1, header ? [...header, ...Array.from({ length: K }, (_, k) => `p${k}`)] : null), o.out);
  },
};

/** A classifier's classes of the rows (column "class"), with --proba each class's
 *  probability (columns p_<class>). */
function classes(c: Classifier, path: string, o: Opts): string {
  const { X } = readModelData(c.columnsOf, path, o, null, 'a classifier reads complete rows: fill the row first, or remove it');
  const labels = c.model.predict(X).map(String);
  const header = o['no-output-header'] ? null : ['class'];
  if (!o.proba) return formatCsvCells(labels.map((l) => [l]), header);
  const p = c.model.predictProba(X), C = p.cols;
  const rows = labels.map((l, r) => [l, ...Array.from(p.data.subarray(r * C, (r + 1) * C), (v) => String(v))]);
  return formatCsvCells(rows, header && [...header, ...c.model.classes.map((k) => `p_${k}`)]);
}

/** --given's entries: 0-based feature indices or column names, separated by commas. */
function givenSpec(spec: string): string[] {
  const given = spec.split(',').map((x) => x.trim());
  if (given.some((x) => x === '')) {
    throw new UsageError(`--given needs 0-based feature indices or the model's column names, separated by commas, e.g. 0,2; got ${JSON.stringify(spec)}.`, 'predict');
  }
  return given;
}

/** --given's entries as feature indices: numbers as they are, names by the model's featureNames. */
function givenIndices(given: string[], gm: GaussianMixture, spec: string): number[] {
  const names = gm.featureNames;
  const d = gm.nFeatures;
  const seen = new Set<number>();
  return given.map((x) => {
    const j = /^\d+$/.test(x) ? Number(x) : names ? names.indexOf(x) : -1;
    if (/^\d+$/.test(x) && j >= d) {
      throw new UsageError(`--given ${JSON.stringify(spec)}: feature ${x} is past the model's ${d} features (0-based: 0 to ${d - 1}).`, 'predict');
    }
    if (j >= 0 && seen.has(j)) throw new UsageError(`--given ${JSON.stringify(spec)} names feature ${x} twice.`, 'predict');
    seen.add(j);
    if (/^\d+$/.test(x)) return j;
    if (j < 0) {
      throw new UsageError(names
        ? `--given ${JSON.stringify(spec)}: the model has no column named ${JSON.stringify(x)}; its columns are ${names.map((v) => JSON.stringify(v)).join(', ')}.`
        : `--given ${JSON.stringify(spec)}: the model has no column names (it was fitted without a header), so give 0-based feature indices.`, 'predict');
    }
    return j;
  });
}

/** predict --given: E[other features | given] per row, as CSV (t: the table read, Xin: what
 *  the library reads of it). */
function conditionalMeans(gm: GaussianMixture, t: Table, Xin: MatrixInput, g: number[], spec: string, noHeader: boolean,
  path: string): string {
  const d = gm.nFeatures;
  if (g.every((j) => j < d) && new Set(g).size >= d) {
    throw new UsageError(`--given ${spec} names every feature of the model: nothing is left to predict (each row's ` +
      'log-density is gmm-wasm score --per-row).', 'predict');
  }
  let X: MatrixInput = Xin;
  if (t.cols === d && g.length < d) {
    // every feature: keep the given ones (validated by predictConditional)
    const data = new Float64Array(t.rows * g.length);
    if (g.every((j) => j < d)) for (let r = 0; r < t.rows; r++) g.forEach((j, i) => { data[r * g.length + i] = t.data[r * d + j]; });
    X = { data, rows: t.rows, cols: g.length };
  } else if (t.cols !== g.length) {
    throw new InputError(`${path}: the data have ${t.cols} columns: with --given ${spec} they need either the ${g.length} given ` +
      `feature${g.length === 1 ? '' : 's'} or all ${d} features of the model.`);
  }
  // a missing given value, told by the data's row (the library would name its own index)
  const xm = X as { data: ArrayLike<number>; rows: number; cols: number };
  for (let i = 0; i < xm.rows * xm.cols; i++) {
    if (xm.data[i] !== xm.data[i]) {
      throw new InputError(`${path}: data row ${Math.floor(i / xm.cols) + 1} has no value for the given feature ` +
        `${gm.featureNames?.[g[i % xm.cols]] ?? g[i % xm.cols]}: --given needs every given value; fill the rows first (gmm-wasm impute), or leave them out.`);
    }
  }
  const p = gm.predictConditional(X, g);
  // the model's names come with the means; else the data's header where it has every feature,
  // else x1 … xd, as sample writes them
  const names = p.mean.columns ?? Array.from(remainingFeatures(d, Int32Array.from(g)),
    (j) => (t.cols === d && t.columns ? t.columns[j] : `x${j + 1}`));
  return formatCsv(p.mean.data, p.mean.rows, p.mean.cols, noHeader ? null : names);
}
