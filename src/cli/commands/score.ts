// gmm-wasm score: the mean log-likelihood of the rows, or each row's log-density.
import { BayesianGaussianMixture } from '../../entry-node.js';
import { formatCsv } from '../csv.js';
import { num } from '../summary.js';
import { COMMON_OPTIONS, DATA_OPTIONS, MODEL_DATA_NOTE, need, type Command } from '../args.js';
import { describeData, readModel, readModelData } from '../input.js';
import { emit, info } from '../output.js';

export const score: Command = {
  name: 'score',
  args: ['<model.json>', '<data>'],
  summary: 'mean log-likelihood of the rows (or --per-row log-densities)',
  options: [
    { name: 'per-row', kind: 'flag', help: 'print the log-density of every row (CSV) instead of the mean' },
    { name: 'no-output-header', kind: 'flag', help: 'omit the header line of the --per-row output' },
    ...DATA_OPTIONS,
    ...COMMON_OPTIONS,
  ],
  examples: ['gmm-wasm score model.json data.csv', 'gmm-wasm score model.json data.csv --per-row > logp.csv'],
  notes: 'Prints the mean log-likelihood per row (as scikit-learn\'s score()); BIC and AIC on the data go to stderr.\n' + MODEL_DATA_NOTE,
  run(pos, o) {
    need(pos, 2, this, o);
    const gm = readModel(pos[0]);
    const { t, X } = readModelData(gm, pos[1], o);
    info(describeData(pos[1], t));
    if (o['per-row']) {
      const v = gm.scoreSamples(X);
      emit(formatCsv(v, t.rows, 1, o['no-output-header'] ? null : ['log_density']), o.out);
    } else {
      const s = gm.score(X);
      info(`log-likelihood ${num(s * t.rows, 7)} (${num(s, 7)} per row)` +
        (gm instanceof BayesianGaussianMixture ? '' : `   BIC ${num(gm.bic(X), 7)}   AIC ${num(gm.aic(X), 7)}`));
      emit(`${s}\n`, o.out);
    }
  },
};
