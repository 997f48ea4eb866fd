// gmm-wasm lrt: how many components, by mclust's bootstrap likelihood ratio test
// (bootstrapLRT): g against g + 1 for g = 1, 2, … until a test is not significant.
import { GaussianMixture, bootstrapLRT, bootstrapLRTAsync } from '../../entry-node.js';
import type { CovarianceType } from '../../index.js';
import { formatTable } from '../summary.js';
import { COMMON_OPTIONS, DATA_OPTIONS, FIT_OPTIONS, UsageError, need, type Command } from '../args.js';
import { describeData, readData } from '../input.js';
import { info } from '../output.js';
import { checkedModel, tuningOptions } from '../models.js';

export const lrt: Command = {
  name: 'lrt',
  args: ['<data>'],
  summary: 'how many components: the bootstrap likelihood ratio test of k against k + 1 (mclust\'s mclustBootstrapLRT)',
  options: [
    ...FIT_OPTIONS.filter((s) => s.name !== 'missing'), // the draws are complete rows
    { name: 'boot', kind: 'int', value: 'n', help: 'bootstrap draws per test (default 999)' },
    { name: 'level', kind: 'number', value: 'x', help: 'the tests stop at the first p-value above it (default 0.05)' },
    { name: 'max-k', kind: 'int', value: 'k', help: 'test k = 1 … max-k against k + 1, every one (default: until p > level, at most 8)' },
    { name: 'workers', kind: 'int', value: 'n', help: 'draw on n worker threads (default 0: this thread); the same results' },
    ...DATA_OPTIONS,
    { name: 'json', kind: 'flag', help: 'print the tests as JSON (with their bootstrap statistics)' },
    ...COMMON_OPTIONS.filter((s) => s.name !== 'out'),
  ],
  examples: ['gmm-wasm lrt data.csv --covariance VVV --init hc --reg-covar 0'],
  notes: 'For k = 1, 2, …: LRTS = 2·(log-likelihood of k + 1 components − that of k); its p-value counts the bootstrap ' +
    'samples, drawn from the k-component fit and fitted by EM from both fits, whose statistic reaches it: ' +
    '(1 + count)/(boot + 1). The fits take the fit options given here; --tol and --max-iter default to 1e-8 and 100000 ' +
    '(EM run to its end: a looser stop biases the p-values low).',
  async run(pos, o) {
    need(pos, 1, this, o);
    const model = { covarianceType: (o.covariance as CovarianceType | undefined) ?? 'full', ...tuningOptions(o) };
    // the options are checked before any data are read (--boot, --max-k and --workers are integers already)
    checkedModel(() => new GaussianMixture({ nComponents: 1, ...model }), 'lrt');
    if (o.boot !== undefined && (o.boot as number) < 1) throw new UsageError(`--boot ${o.boot}: give at least 1 draw.`, 'lrt');
    if (o['max-k'] !== undefined && (o['max-k'] as number) < 1) throw new UsageError(`--max-k ${o['max-k']}: give at least 1.`, 'lrt');
    if (o.level !== undefined && !((o.level as number) > 0 && (o.level as number) < 1)) throw new UsageError(`--level ${o.level}: a level lies in (0, 1).`, 'lrt');
    if (o.workers !== undefined && (o.workers as number) < 0) throw new UsageError('--workers needs an integer ≥ 0.', 'lrt');
    const options = {
      ...model,
      ...(o.boot !== undefined ? { nBoot: o.boot as number } : {}),
      ...(o.level !== undefined ? { level: o.level as number } : {}),
      ...(o['max-k'] !== undefined ? { maxComponents: o['max-k'] as number } : {}),
    };
    const t = readData(pos[0], o, false);
    info(describeData(pos[0], t));
    const r = o.workers ? await bootstrapLRTAsync(t, { ...options, workers: o.workers as number }) : bootstrapLRT(t, options);
    if (o.json) {
      process.stdout.write(JSON.stringify({ covariance: r.covarianceType, k: r.nComponents,
        tests: r.tests.map((x) => ({ k: x.nComponents, statistic: x.statistic, pValue: x.pValue, bootstrap: Array.from(x.bootstrap) })) }, null, 2) + '\n');
    } else {
      const rows = [['test', 'LRTS', 'p-value']];
      for (const x of r.tests) rows.push([`${x.nComponents} vs ${x.nComponents + 1}`, x.statistic.toFixed(4), x.pValue.toFixed(4)]);
      process.stdout.write(formatTable(rows, ['l', 'r', 'r']) + '\n');
    }
    info(r.nComponents === null
      ? `every test was significant: more than ${r.tests.length} components (raise --max-k)`
      : `${r.nComponents} component${r.nComponents === 1 ? '' : 's'} (the first test not significant at ${o.level ?? 0.05})`);
  },
};
