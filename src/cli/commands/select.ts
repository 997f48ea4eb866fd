// gmm-wasm select: fits over a range of K and covariance types, ranked by BIC, AIC or ICL.
import { GaussianMixture, GmmError, selectModel, selectModelAsync } from '../../entry-node.js';
import type { SelectionCriterion, SelectionResult, SelectModelOptions } from '../../index.js';
import { formatTable, modelJsonText } from '../summary.js';
import { rowObserved } from '../../model/missing.js';
import { COMMON_OPTIONS, COVARIANCE_NAMES, DATA_OPTIONS, FIT_OPTIONS, InputError, UsageError, need, type Command } from '../args.js';
import { covarianceTypeHint } from '../../model/option-names.js';
import { COVARIANCE_MODELS, modelNamed, type CovarianceModel } from '../../model/covariance-models.js';
import { COVARIANCE_TYPES } from '../../model/validate.js';
import { PRIOR_MODELS } from '../../model/conjugate-prior.js';
import { describeData, readData } from '../input.js';
import { Progress, emit, info, progressMode } from '../output.js';
import { checkedModel, hasPrior, inFlags, tuningOptions } from '../models.js';

/** "1..10", "2-5", "3", "1,2,5" → sorted distinct K values (cmd: the command the errors name). */
export function parseKRange(s: string, cmd = 'select'): number[] {
  const out = new Set<number>();
  for (const part of s.split(',')) {
    const p = part.trim();
    const m = /^(\d+)\s*(?:\.\.|-)\s*(\d+)$/.exec(p);
    if (m) {
      const a = Number(m[1]), b = Number(m[2]);
      if (a < 1 || b < a) throw new UsageError(`--k ${JSON.stringify(s)}: a range needs 1 ≤ first ≤ last.`, cmd);
      if (b - a + 1 > 1000) throw new UsageError(`--k ${JSON.stringify(s)}: at most 1000 values.`, cmd);
      for (let k = a; k <= b; k++) out.add(k);
    } else if (/^\d+$/.test(p) && Number(p) >= 1) {
      out.add(Number(p));
    } else {
      throw new UsageError(`--k needs a range like 1..10, or a list like 2,3,5; got ${JSON.stringify(s)}.`, cmd);
    }
    if (out.size > 1000) throw new UsageError(`--k ${JSON.stringify(s)}: at most 1000 values.`, cmd);
  }
  return [...out].sort((a, b) => a - b);
}

const CRITERIA: SelectionCriterion[] = ['bic', 'aic', 'icl'];

export const select: Command = {
  name: 'select',
  args: ['<data>'],
  summary: 'fit a range of K (and covariance types); print BIC, AIC and ICL, best first',
  options: [
    { name: 'k', short: 'k', kind: 'string', value: 'range', help: 'values of K: 1..10, 2-6 or 1,2,4 (default 1 to min(10, rows), as selectModel)' },
    { name: 'covariance', short: 'c', kind: 'string', value: 'types', help: 'covariance types to try, comma-separated, as fit\'s --covariance names them (full, EEE, VEV, …), or all: the fourteen of scikit-learn and mclust, as Mclust tries them (with --prior the ten mclust has a prior for) (default: full,tied,diag,spherical)' },
    { name: 'criterion', kind: 'string', value: 'name', help: 'bic | aic | icl: what ranks the fits (default bic)', choices: CRITERIA },
    { name: 'workers', kind: 'int', value: 'n', help: 'fit on n worker threads holding the data (default 0: this thread); the same results' },
    ...FIT_OPTIONS.filter((s) => s.name !== 'covariance'),
    ...DATA_OPTIONS,
    { name: 'json', kind: 'flag', help: 'print the table as JSON' },
    { name: 'progress', kind: 'flag', help: 'show the progress line even for short fits' },
    { name: 'out', short: 'o', kind: 'string', value: 'file', help: 'also write the best model\'s JSON to this file' },
    ...COMMON_OPTIONS.filter((s) => s.name !== 'out'),
  ],
  examples: ['gmm-wasm select data.csv --k 1..10', 'gmm-wasm select data.csv --k 2..5 --covariance full,diag --criterion icl --out best.json',
    'gmm-wasm select data.csv --k 1..9 --covariance all --n-init 10'],
  notes: 'BIC = −2·log-likelihood + parameters·ln(rows); AIC = −2·log-likelihood + 2·parameters; ICL = BIC − 2·Σ log ' +
    '(each row\'s largest responsibility), which also penalises overlapping components. Lower is better; ties go to ' +
    'fewer parameters. Fits that fail (e.g. a collapsed component) are listed last with the reason.',
  async run(pos, o) {
    need(pos, 1, this, o);
    const given = o.k === undefined ? null : parseKRange(String(o.k));
    const types = selectTypes(o.covariance, hasPrior(o));
    // the options are checked before any data are read
    for (const covarianceType of types) checkedModel(() => new GaussianMixture({ nComponents: 1, covarianceType, ...tuningOptions(o) }), 'select');
    const criterion = (o.criterion ?? 'bic') as SelectionCriterion;
    const name = criterion.toUpperCase();
    const workers = o.workers as number | undefined;
    if (workers !== undefined && workers < 0) throw new UsageError('--workers needs an integer ≥ 0.', 'select');
    const t = readData(pos[0], o, o.missing === 'marginalize');
    info(describeData(pos[0], t));
    // the library's default: K = 1 … min(10, rows), counting rows with an observed value
    let rows = t.rows;
    if (o.missing === 'marginalize') {
      rows = 0;
      for (let i = 0; i < t.rows; i++) if (rowObserved(t, i)) rows++;
    }
    const ks = given ?? Array.from({ length: Math.min(10, rows) }, (_, i) => i + 1);
    const fitted = ks.filter((k) => k <= rows);
    const failures = new Map<string, string>();
    const what = rows === t.rows ? 'rows' : 'rows with an observed value';
    for (const k of ks) if (k > rows) for (const type of types) failures.set(`${type} ${k}`, `K = ${k} exceeds the ${rows} ${what}`);
    const mode = progressMode(o);
    let progress: Progress | null = null, label = '';
    const rest = tuningOptions(o);
    let ranked: SelectionResult[] = [];
    if (fitted.length > 0) {
      const options: SelectModelOptions = {
        ...rest, nComponents: { values: fitted }, covarianceTypes: types, criterion,
        onIteration: (it) => {
          const l = `K=${it.nComponents} ${it.covarianceType}`;
          if (l !== label) {
            progress?.done();
            label = l;
            progress = new Progress(mode, l, rest.nInit ?? 1);
          }
          progress!.onIteration(it);
        },
        onFit: (r) => {
          progress?.done();
          progress = null;
          label = '';
          // told in flags, as fit tells the same failure
          if ('error' in r) failures.set(`${r.covarianceType} ${r.nComponents}`, `${r.error.code}: ${inFlags(r.error.message)}`);
        },
      };
      try {
        ranked = (workers ? await selectModelAsync(t, { ...options, workers }) : selectModel(t, options)).results;
      } catch (e) {
        // every fit failed: the table lists why
        if (!(e instanceof GmmError) || failures.size !== ks.length * types.length) throw e;
      }
    }
    const failed = types.flatMap((type) => ks.filter((k) => failures.has(`${type} ${k}`)).map((k) => ({ k, type, error: failures.get(`${type} ${k}`)! })));
    if (o.json) {
      const rows = [
        ...ranked.map((r, i) => ({ rank: i + 1, k: r.nComponents, covariance: r.covarianceType, bic: r.bic, aic: r.aic, icl: r.icl,
          logLikelihood: r.logLikelihood, nParameters: r.nParameters, nIter: r.nIter, converged: r.converged, collapsed: r.collapsed })),
        ...failed.map((f) => ({ rank: null, k: f.k, covariance: f.type, error: f.error })),
      ];
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    } else {
      const rows = [['rank', 'K', 'covariance', 'BIC', 'AIC', 'ICL', 'log-likelihood', 'iterations', 'converged', ...(failed.length ? ['why'] : [])]];
      ranked.forEach((r, i) => rows.push([String(i + 1), String(r.nComponents), r.covarianceType, r.bic.toFixed(2), r.aic.toFixed(2),
        r.icl.toFixed(2), r.logLikelihood.toFixed(2), String(r.nIter), r.converged ? 'yes' : 'no']));
      failed.forEach((f) => rows.push(['-', String(f.k), f.type, 'failed', '', '', '', '', '', f.error]));
      process.stdout.write(formatTable(rows, ['r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'l']) + '\n');
    }
    if (ranked.length === 0) throw new InputError('every fit failed; see the table above.');
    const best = ranked[0];
    info(`best by ${name}: K = ${best.nComponents}, ${best.covarianceType} covariance (${name} ${best[criterion].toFixed(2)})`);
    if (best.collapsed) {
      const sound = ranked.find((r) => !r.collapsed);
      info(`warning: that fit has a component on the --reg-covar floor (a variance within a thousandth of it: rows repeating a ` +
        `value, or an empty component); mclust marks such fits NA. ` + (sound
        ? `The best fit without one: K = ${sound.nComponents}, ${sound.covarianceType} covariance (${name} ${sound[criterion].toFixed(2)}).`
        : 'Every fit has one.'));
    }
    if (typeof o.out === 'string') emit(modelJsonText(best.model.toJSON()), o.out);
  },
};

/** --covariance's models: the default four, all fourteen (with --prior the ten mclust has a
 *  prior for, as mclustBIC fits), or a comma-separated list of names (each model once, under
 *  any of its names). */
export function selectTypes(v: unknown, prior: boolean, cmd = 'select'): readonly CovarianceModel[] {
  if (v === undefined) return COVARIANCE_TYPES; // selectModel's default: scikit-learn's four
  if (String(v).trim() === 'all') return prior ? PRIOR_MODELS : COVARIANCE_MODELS;
  const named = new Map<CovarianceModel, string>();
  for (const s of String(v).split(',').map((x) => x.trim())) {
    const m = modelNamed(s);
    if (!m) {
      throw new UsageError(`--covariance: ${JSON.stringify(s)} is not one of ${COVARIANCE_NAMES.join(', ')} (or all).` +
        covarianceTypeHint(s, COVARIANCE_MODELS, (t) => t), cmd);
    }
    const before = named.get(m);
    if (before !== undefined) {
      throw new UsageError(`--covariance lists ${m} twice${before === s && m === s ? '' : ` (as ${[before, s].filter((x) => x !== m).join(' and ')})`}.`, cmd);
    }
    named.set(m, s);
  }
  return [...named.keys()];
}
