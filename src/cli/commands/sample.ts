// gmm-wasm sample: rows drawn from a model, seeded, as CSV.
import { formatCsv } from '../csv.js';
import { COMMON_OPTIONS, UsageError, checkSeed, need, type Command } from '../args.js';
import { readModel } from '../input.js';
import { emit } from '../output.js';

export const sample: Command = {
  name: 'sample',
  args: ['<model.json>'],
  summary: 'draw samples from a model (CSV)',
  options: [
    { name: 'n', short: 'n', kind: 'int', value: 'count', help: 'number of samples (default 1)' },
    { name: 'seed', kind: 'int', value: 'n', help: 'random seed (default: the model\'s seed)' },
    { name: 'labels', kind: 'flag', help: 'add a "component" column with the component drawn' },
    { name: 'no-output-header', kind: 'flag', help: 'omit the header line' },
    ...COMMON_OPTIONS,
  ],
  examples: ['gmm-wasm sample model.json -n 1000 --seed 1 > samples.csv'],
  notes: 'Output: CSV with the model\'s column names (x1 … xd for a model fitted without a header; and "component" with ' +
    '--labels). The same seed gives the same samples in every runtime.',
  run(pos, o) {
    need(pos, 1, this, o);
    // option values first: a usage error before any file is read
    const n = (o.n as number | undefined) ?? 1;
    if (n < 1) throw new UsageError(`-n needs a count ≥ 1; got ${n}.`, 'sample');
    checkSeed(o, 'sample');
    const gm = readModel(pos[0]);
    const s = gm.sample(n, o.seed === undefined ? {} : { seed: o.seed as number });
    const d = s.X.cols;
    // the columns' names where the model knows them (fitted on a file with a header)
    const names = gm.featureNames ?? Array.from({ length: d }, (_, j) => `x${j + 1}`);
    let data: ArrayLike<number> = s.X.data;
    let cols = d;
    if (o.labels) {
      const withLabels = new Float64Array(n * (d + 1));
      for (let r = 0; r < n; r++) {
        withLabels.set(s.X.data.subarray(r * d, r * d + d), r * (d + 1));
        withLabels[r * (d + 1) + d] = s.labels[r];
      }
      data = withLabels;
      cols = d + 1;
      names.push('component');
    }
    emit(formatCsv(data, n, cols, o['no-output-header'] ? null : names), o.out);
  },
};
