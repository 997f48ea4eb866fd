// gmm-wasm impute: the missing cells of a table filled under a model.
import { formatCsvCells } from '../csv.js';
import { COMMON_OPTIONS, DATA_OPTIONS, MODEL_DATA_NOTE, UsageError, checkSeed, need, type Command } from '../args.js';
import { describeData, readForImpute, readModel } from '../input.js';
import { POINT_ESTIMATES_OPTION, forConditionals } from '../models.js';
import { emit, info } from '../output.js';

export const impute: Command = {
  name: 'impute',
  args: ['<model.json>', '<data>'],
  summary: 'fill missing cells (empty, NA, N/A, NaN, null, None) under a model; print the completed table (CSV)',
  options: [
    { name: 'method', kind: 'string', value: 'm', help: 'mean (the conditional expectation, default) | sample (a draw, seeded)', choices: ['mean', 'sample'] },
    { name: 'seed', kind: 'int', value: 'n', help: 'random seed of --method sample (default: the model\'s seed)' },
    { name: 'no-output-header', kind: 'flag', help: 'omit the header line (written when the input has one)' },
    POINT_ESTIMATES_OPTION,
    ...DATA_OPTIONS,
    ...COMMON_OPTIONS,
  ],
  examples: ['gmm-wasm impute model.json data.csv > filled.csv', 'gmm-wasm impute model.json data.csv --method sample --seed 1'],
  notes: 'Every missing cell becomes its conditional expectation given the row\'s observed cells under the mixture\n' +
    '(or, with --method sample, a draw from that conditional distribution); every other cell is copied as it was read.\n' +
    'Output: the whole table, other columns (an id, a label) too. ' + MODEL_DATA_NOTE + '\n' +
    'Works with any GaussianMixture model, whether or not it was fitted with --missing marginalize; a --bayesian one with\n' +
    '--point-estimates (its weights, means and covariances).',
  run(pos, o) {
    need(pos, 2, this, o);
    checkSeed(o, 'impute');
    if (o.seed !== undefined && o.method !== 'sample') {
      throw new UsageError('--seed seeds --method sample\'s draws; the default method (mean) draws nothing. Add --method sample, or drop --seed.', 'impute');
    }
    const gm = forConditionals(readModel(pos[0]), o, pos[0]);
    const { t, X, idx } = readForImpute(gm, pos[1], o);
    info(describeData(pos[1], t));
    const filled = gm.impute(X, { method: (o.method as 'mean' | 'sample' | undefined) ?? 'mean', ...(o.seed === undefined ? {} : { seed: o.seed as number }) });
    // the model's missing cells filled; every other cell, of its columns or the others,
    // copied as it was read
    const d = idx.length, from = new Array<number>(t.cols).fill(-1);
    idx.forEach((j, c) => { from[j] = c; });
    let missing = 0;
    const rows: string[][] = [];
    for (let r = 0; r < t.rows; r++) {
      rows.push(from.map((c, j) => {
        const v = t.data[r * t.cols + j];
        if (c < 0 || v === v) return t.text![r * t.cols + j];
        missing++;
        return String(filled.data[r * d + c]);
      }));
    }
    info(`filled ${missing} missing cell${missing === 1 ? '' : 's'}`);
    emit(formatCsvCells(rows, o['no-output-header'] ? null : t.columns), o.out);
  },
};
