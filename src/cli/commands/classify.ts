// gmm-wasm classify: a classifier from a data file with a class column: mclust's MclustDA
// (a mixture per class; --model-type edda: one Gaussian per class under one covariance
// model) or, with --semi-supervised, MclustSSC (a row whose class cell is empty or NA has an
// unknown class). The summary goes to stderr, the classifier's JSON to stdout (or --out);
// gmm-wasm predict classifies new rows with it.
import { MixtureDiscriminant, SemiSupervisedMixture } from '../../entry-node.js';
import type { ComponentGrid, MixtureDiscriminantOptions, SemiSupervisedOptions } from '../../index.js';
import { COMMON_OPTIONS, DATA_OPTIONS, FIT_OPTIONS, InputError, UsageError, need, type Command } from '../args.js';
import { describeData, readLabelled } from '../input.js';
import { emit, info } from '../output.js';
import { checkedModel, hasPrior, tuningOptions } from '../models.js';
import { num } from '../summary.js';
import { parseKRange, selectTypes } from './select.js';

export const classify: Command = {
  name: 'classify',
  args: ['<data>'],
  summary: 'fit a classifier from a class column (mclust\'s MclustDA, EDDA or MclustSSC); print it as JSON',
  options: [
    { name: 'class', kind: 'string', value: 'column', help: 'the class column: its name or 1-based number (required)' },
    { name: 'model-type', kind: 'string', value: 'type', help: 'mclustda: a mixture per class (default) | edda: one Gaussian per class, one covariance model for all', choices: ['mclustda', 'edda'] },
    { name: 'semi-supervised', kind: 'flag', help: 'rows whose class cell is empty or NA have an unknown class: one Gaussian per class fitted to every row (MclustSSC)' },
    { name: 'k', short: 'k', kind: 'string', value: 'range', help: 'mclustda: components per class to try, 1..5 or 1,2,4 (default 1..5)' },
    { name: 'covariance', short: 'c', kind: 'string', value: 'types', help: 'covariance models to try, comma-separated (full, EEE, VEV, …) or all (default: all fourteen; with --prior the ten mclust has a prior for)' },
    // EM's stopping rule: mclust's for --semi-supervised (on the sum, not the mean)
    ...FIT_OPTIONS.filter((s) => !['covariance', 'missing', 'equal-weights'].includes(s.name)).map((s) => (s.name === 'max-iter'
      ? { ...s, help: 'EM iterations (default 100; with --semi-supervised 1000, and at least 1)' }
      : s.name === 'tol' ? { ...s, help: 'stop when the lower bound changes less (default 1e-3; with --semi-supervised 1e-5, on the log-likelihood\'s sum, as MclustSSC)' } : s)),
    ...DATA_OPTIONS,
    ...COMMON_OPTIONS,
  ],
  examples: ['gmm-wasm classify train.csv --class species --out classifier.json',
    'gmm-wasm classify train.csv --class species --model-type edda --covariance all',
    'gmm-wasm classify partly-labelled.csv --class species --semi-supervised --out classifier.json',
    'gmm-wasm predict classifier.json new.csv --proba'],
  notes: 'The features are every column but the class column (or --columns). Class cells are read as text; with\n' +
    '--semi-supervised an empty, NA, N/A, NaN, null or None cell is an unknown class. The summary (classes, models\n' +
    'chosen, errors on the labelled rows) goes to stderr, the classifier JSON to stdout (or --out);\n' +
    'MixtureDiscriminant.fromJSON() or SemiSupervisedMixture.fromJSON() reads it back.',
  run(pos, o) {
    need(pos, 1, this, o);
    if (o.class === undefined) throw new UsageError('--class names the class column (its name or 1-based number).', 'classify');
    const classSpec = String(o.class); // one name (commas included) or number
    const semi = Boolean(o['semi-supervised']);
    if (semi && o['model-type'] !== undefined) throw new UsageError('--model-type applies without --semi-supervised (MclustSSC fits one Gaussian per class).', 'classify');
    const edda = o['model-type'] === 'edda';
    if ((semi || edda) && o.k !== undefined) throw new UsageError('-k applies to --model-type mclustda: the other classifiers fit one Gaussian per class.', 'classify');
    if (edda && o.seed !== undefined) throw new UsageError('--seed applies to --model-type mclustda (its random starts): EDDA fits each class once, with nothing random.', 'classify');
    // the options are checked before any data are read
    const covarianceTypes = o.covariance === undefined ? undefined : [...selectTypes(o.covariance, hasPrior(o), 'classify')];
    const model = { ...tuningOptions(o), ...(covarianceTypes ? { covarianceTypes } : {}) };
    const classifier = checkedModel(() => (semi ? new SemiSupervisedMixture(model as SemiSupervisedOptions)
      : new MixtureDiscriminant({ ...model, modelType: edda ? 'EDDA' : 'MclustDA',
        ...(o.k !== undefined ? { nComponents: { values: parseKRange(String(o.k), 'classify') } as ComponentGrid } : {}) } as MixtureDiscriminantOptions)), 'classify');
    const { t, labels, classColumn } = readLabelled(pos[0], o, classSpec);
    if (t.cols === 0) throw new InputError(`${pos[0]}: no column besides the class column ${classColumn}: the features are the other columns.`);
    info(`${describeData(pos[0], t)}; classes from ${classColumn}`);
    const unknown = labels.filter((l) => l === null).length;
    if (!semi && unknown > 0) {
      const r = labels.indexOf(null);
      throw new InputError(`${pos[0]}: data row ${r + 1}${t.columns ? ' (not counting the header)' : ''} has no class (an empty or NA cell ` +
        `in ${classColumn}; ${unknown} rows in all): ` +
        'give every row a class, or pass --semi-supervised to fit rows of unknown class too.');
    }
    if (semi && unknown === 0) throw new InputError(`${pos[0]}: every row has a class in ${classColumn}: drop --semi-supervised (or empty the cells whose class is unknown).`);
    if (unknown === labels.length) throw new InputError(`${pos[0]}: no row has a class in ${classColumn}: label some rows of each class.`);
    const t0 = Date.now();
    const fitted = semi ? (classifier as SemiSupervisedMixture).fit(t, labels) : (classifier as MixtureDiscriminant).fit(t, labels as string[]);
    const classes = fitted.classes as string[];
    const predicted = fitted.predict(t);
    let wrong = 0, known = 0;
    labels.forEach((l, i) => { if (l !== null) { known++; if (predicted[i] !== l) wrong++; } });
    const count = (c: string): number => labels.filter((l) => l === c).length;
    const lines = [`classes: ${classes.map((c) => `${c} (${count(c)})`).join(', ')}${unknown ? `; ${unknown} rows of unknown class` : ''}`];
    if (fitted instanceof SemiSupervisedMixture) {
      lines.push(`model: ${fitted.covarianceType}, BIC ${num(fitted.bic, 7)}, ${fitted.nIter} EM iterations${fitted.converged ? '' : ' (did not converge)'}`);
    } else if (fitted.modelType === 'EDDA') {
      lines.push(`model: EDDA ${fitted.models[0].covarianceType}, BIC ${num(fitted.bic(t), 7)}`);
    } else {
      lines.push(...fitted.models.map((m, k) => `class ${classes[k]}: ${m.nComponents} component${m.nComponents === 1 ? '' : 's'}, ${m.covarianceType}`));
    }
    lines.push(`misclassified ${wrong} of ${known} labelled rows (${num((100 * wrong) / known, 3)}%)   (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
    info(lines.join('\n'));
    emit(JSON.stringify(fitted.toJSON()) + '\n', o.out);
  },
};
