// gmm-wasm bootstrap: standard errors and intervals of a fitted model's parameters by
// resampling the data it was fitted to (bootstrapParameters, mclust's MclustBootstrap).
import { GaussianMixture, bootstrapParameters, bootstrapParametersAsync, BOOTSTRAP_TYPES } from '../../entry-node.js';
import type { BootstrapType } from '../../index.js';
import { formatTable, num } from '../summary.js';
import { COMMON_OPTIONS, DATA_OPTIONS, MODEL_DATA_NOTE, UsageError, need, type Command } from '../args.js';
import { describeData, readModel, readModelData } from '../input.js';
import { emit, info } from '../output.js';

export const bootstrap: Command = {
  name: 'bootstrap',
  args: ['<model.json>', '<data>'],
  summary: 'standard errors and intervals of a fitted model\'s weights, means and variances (mclust\'s MclustBootstrap)',
  options: [
    { name: 'type', kind: 'string', value: 't', help: 'bs | wlbs | pb | jk: how replicates are drawn (default bs: rows with replacement)',
      choices: BOOTSTRAP_TYPES },
    { name: 'boot', kind: 'int', value: 'n', help: 'replicates (default 999; jk: one per row)' },
    { name: 'level', kind: 'number', value: 'x', help: 'the intervals\' level (default 0.95)' },
    { name: 'alpha', kind: 'number', value: 'a', help: 'wlbs: the Dirichlet weights\' concentration (default 1)' },
    { name: 'seed', kind: 'int', value: 'n', help: 'seed of the draws (default the model\'s)' },
    { name: 'workers', kind: 'int', value: 'n', help: 'refit on n worker threads (default 0: this thread); the same results' },
    ...DATA_OPTIONS,
    { name: 'json', kind: 'flag', help: 'print the standard errors, averages and intervals as JSON' },
    ...COMMON_OPTIONS,
  ],
  examples: ['gmm-wasm fit data.csv -k 2 > model.json && gmm-wasm bootstrap model.json data.csv', 'gmm-wasm bootstrap model.json data.csv --type jk'],
  notes: 'The model is first run on by EM to tol 1e-8 (the estimate printed); each replicate refits it from there to a resample of the data it was ' +
    'fitted to: bs rows drawn with replacement, wlbs Dirichlet weights, pb rows sampled from the model, jk each row left out. ' +
    'Prints each parameter with its standard error and interval (percentiles; for jk average ± z·standard error).\n' + MODEL_DATA_NOTE,
  async run(pos, o) {
    need(pos, 2, this, o);
    const type = (o.type ?? 'bs') as BootstrapType;
    if (o.boot !== undefined && type === 'jk') throw new UsageError('--boot does not apply to --type jk, which has one replicate per row.', 'bootstrap');
    if (o.boot !== undefined && (o.boot as number) < 2) throw new UsageError(`--boot ${o.boot}: give at least 2 replicates.`, 'bootstrap');
    const level = (o.level ?? 0.95) as number;
    if (!(level > 0 && level < 1)) throw new UsageError(`--level ${o.level}: a level lies in (0, 1).`, 'bootstrap');
    if (o.workers !== undefined && (o.workers as number) < 0) throw new UsageError('--workers needs an integer ≥ 0.', 'bootstrap');
    const gm = readModel(pos[0]);
    if (!(gm instanceof GaussianMixture) || gm.options.variational) {
      throw new UsageError(`${pos[0]} is a Bayesian mixture: bootstrap resamples a GaussianMixture's point estimates.`, 'bootstrap');
    }
    const { t, X } = readModelData(gm, pos[1], o);
    info(describeData(pos[1], t));
    if (o.alpha !== undefined && type !== 'wlbs') throw new UsageError('--alpha applies to --type wlbs only.', 'bootstrap');
    if (o.alpha !== undefined && !((o.alpha as number) > 0)) throw new UsageError(`--alpha ${o.alpha}: give a positive number.`, 'bootstrap');
    const options = { type, ...(o.boot !== undefined ? { nBoot: o.boot as number } : {}), ...(o.seed !== undefined ? { seed: o.seed as number } : {}),
      ...(o.alpha !== undefined ? { alpha: o.alpha as number } : {}) };
    const b = o.workers ? await bootstrapParametersAsync(gm, X, { ...options, workers: o.workers as number }) : bootstrapParameters(gm, X, options);
    const se = b.standardErrors(), ci = b.confidenceIntervals(level);
    const K = b.nComponents, d = b.nFeatures;
    const names = gm.featureNames ?? Array.from({ length: d }, (_, j) => `x${j + 1}`);
    if (o.json) {
      const arr = (v: Float64Array): number[] => Array.from(v);
      emit(JSON.stringify({ type: b.type, replicates: b.nBoot, nonfit: b.nonfit, level, features: names,
        standardErrors: { weights: arr(se.weights), means: arr(se.means), covariances: arr(se.covariances) },
        average: Object.fromEntries(Object.entries(b.average()).map(([k, v]) => [k, arr(v)])),
        intervals: { weights: [arr(ci.weights.lower), arr(ci.weights.upper)], means: [arr(ci.means.lower), arr(ci.means.upper)],
          variances: [arr(ci.variances.lower), arr(ci.variances.upper)] } }, null, 2) + '\n', o.out);
    } else {
      const pct = `${num(level * 100, 3)}% interval`;
      const rows = [['component', 'parameter', 'estimate', 'std. error', pct]];
      // the estimate: the model run on to the replicates' tol (what they start from)
      const e = b.estimate!, cov = e.covariances, structure = e.options.covarianceType;
      const variance = (k: number, j: number): number => structure === 'full' ? cov[(k * d + j) * d + j] : structure === 'tied' ? cov[j * d + j]
        : structure === 'diag' ? cov[k * d + j] : cov[k];
      for (let k = 0; k < K; k++) {
        rows.push([String(k), 'weight', num(e.weights[k]), num(se.weights[k]), `${num(ci.weights.lower[k])} … ${num(ci.weights.upper[k])}`]);
        for (let j = 0; j < d; j++) {
          const i = k * d + j;
          rows.push(['', `mean ${names[j]}`, num(e.means.data[i]), num(se.means[i]), `${num(ci.means.lower[i])} … ${num(ci.means.upper[i])}`]);
        }
        for (let j = 0; j < d; j++) {
          const i = k * d + j;
          rows.push(['', `variance ${names[j]}`, num(variance(k, j)), num(se.covariances[(k * d + j) * d + j]),
            `${num(ci.variances.lower[i])} … ${num(ci.variances.upper[i])}`]);
        }
      }
      emit(formatTable(rows, ['l', 'l', 'r', 'r', 'l']) + '\n', o.out);
    }
    info(`${b.nBoot} ${({ bs: 'nonparametric', wlbs: 'weighted likelihood', pb: 'parametric', jk: 'jackknife' } as const)[b.type]} replicates` +
      (b.nonfit ? ` (${b.nonfit} that failed to fit ${b.type === 'jk' ? 'left out' : 'drawn again'})` : ''));
  },
};
