// Classification by class densities: mclust's MclustDA (Fraley & Raftery 2002). Each class's
// rows get a Gaussian mixture of their own, chosen by selectModel (BIC over numbers of
// components and covariance models, as MclustDA runs mclustBIC per class); or, with modelType
// 'EDDA', one Gaussian per class, all classes under one covariance model (edda.ts). A row's
// class posterior is then πc·fc(x) / Σ πk·fk(x), with πc the class's prior (default its share
// of the rows) and fc its density, normalised by log-sum-exp with the core's exp and log.
// crossValidate is mclust's cvMclustDA (folds and pooling: cross-validation.ts).
import { core } from '../core/core.js';
import { eddaParameters, fitEdda, type EddaResult, type EddaSelection } from './edda.js';
import { selectionFromJSON, selectionToJSON, type SelectionJSON } from './covariance-selection.js';
import { balancedFolds, pooled, type CrossValidation } from './cross-validation.js';
import { checkKeys } from './option-names.js';
import { parseJSONText } from './serialize.js';
import { classLabels, classesFromJSON, sortedClasses, type ClassLabel } from './class-labels.js';
import { GmmError } from '../core/errors.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { SELECTION_CRITERIA, isFitFailure, selectModel, typeValues, type ComponentGrid, type SelectionCriterion } from './select.js';
import { COVARIANCE_MODELS, MCLUST_ORDER, ONE_FEATURE_MODELS, modelNamed, type CovarianceModel, type CovarianceName } from './covariance-models.js';
import { PRIOR_MODELS } from './conjugate-prior.js';
import { MODEL_OPTIONS, columnNames, describe, rowsOf, toMatrix, type GaussianMixtureOptions, type Matrix, type MatrixInput } from './validate.js';

export type { ClassLabel } from './class-labels.js';
export type { EddaResult, EddaSelection } from './edda.js';
export type { CrossValidation } from './cross-validation.js';

/** mclust's two kinds of MclustDA: a mixture per class, or EDDA's one Gaussian per class
 *  under one covariance model. */
export type DiscriminantModelType = 'MclustDA' | 'EDDA';


/** Options that EDDA, which runs no EM, refuses (each class is one component, its weight the
 *  class's share). */
const NOT_EDDA = ['nComponents', 'equalWeights', 'initParams', 'hcModelName', 'hcUse', 'nInit', 'tol', 'maxIter', 'warmStart'];

export interface MixtureDiscriminantOptions extends Omit<GaussianMixtureOptions, 'nComponents' | 'covarianceType' | 'weightsInit' | 'meansInit' | 'precisionsInit'> {
  /** Numbers of components tried per class (default [1, 5], as MclustDA; capped at the class's rows). */
  nComponents?: ComponentGrid;
  /** Covariance models tried per class (default all fourteen, as MclustDA; with a prior the ten
   *  mclust has one for). */
  covarianceTypes?: CovarianceName[];
  /** What picks each class's mixture (default 'bic'). */
  criterion?: SelectionCriterion;
  /** The classes' prior probabilities, in the order of `classes` (default: their shares of the rows). */
  priors?: ArrayLike<number> | null;
  /** 'MclustDA' (default): a mixture per class; 'EDDA': one Gaussian per class, one covariance
   *  model for all, chosen from covarianceTypes (default all fourteen; with one feature 'EII'
   *  and 'spherical' (VII), mclust's E and V). */
  modelType?: DiscriminantModelType;
}

/** The JSON of a fitted MixtureDiscriminant: its classes, priors and one mixture's JSON per class. */
export interface MixtureDiscriminantJSON {
  format: 'gmm-wasm-discriminant';
  version: 1;
  classes: ClassLabel[];
  priors: number[];
  /** The classes' shares of the rows fitted (absent in files written before them: the priors). */
  shares?: number[];
  models: ReturnType<GaussianMixture['toJSON']>[];
  /** Absent in files written before EDDA: 'MclustDA'. */
  modelType?: DiscriminantModelType;
  /** EDDA's selection (results only; absent for MclustDA and in files written before it). */
  selection?: SelectionJSON<EddaResult>;
}

export class MixtureDiscriminant {
  private readonly opts: MixtureDiscriminantOptions;
  private state: { classes: ClassLabel[]; priors: Float64Array; shares: Float64Array; models: GaussianMixture[]; modelType: DiscriminantModelType;
    selection: EddaSelection | null } | null = null;

  constructor(options: MixtureDiscriminantOptions = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new GmmError('INVALID_TYPE', `MixtureDiscriminant options must be an object; got ${describe(options)}.`);
    }
    for (const k of ['weightsInit', 'meansInit', 'precisionsInit', 'covarianceType']) {
      if ((options as Record<string, unknown>)[k] !== undefined) {
        throw new GmmError('INVALID_OPTION', k === 'covarianceType'
          ? 'MixtureDiscriminant tries covarianceTypes, a list (as selectModel), per class: give covarianceTypes: [\'' +
            `${String((options as Record<string, unknown>).covarianceType)}'] for one model.`
          : `${k} is not an option of MixtureDiscriminant: each class's mixture starts from initParams.`);
      }
    }
    // its own options and a GaussianMixture's, named as such when a key is unknown
    const known = [...MODEL_OPTIONS].filter((k) => !['weightsInit', 'meansInit', 'precisionsInit', 'covarianceType'].includes(k) &&
      !(options.modelType === 'EDDA' && NOT_EDDA.includes(k))).concat(['covarianceTypes', 'criterion', 'priors', 'modelType']);
    checkKeys(options, 'MixtureDiscriminant', known, ['weightsInit', 'meansInit', 'precisionsInit', 'covarianceType', ...NOT_EDDA]);
    const modelType = options.modelType ?? 'MclustDA';
    if (modelType !== 'MclustDA' && modelType !== 'EDDA') {
      throw new GmmError('INVALID_OPTION', `modelType must be 'MclustDA' or 'EDDA'; got ${describe(modelType)}.`);
    }
    if (modelType === 'EDDA') {
      const given = NOT_EDDA.find((k) => (options as Record<string, unknown>)[k] !== undefined);
      if (given) {
        throw new GmmError('INVALID_OPTION', `${given} does not apply to modelType 'EDDA', which fits each class as one ` +
          'component by one M-step from its rows (no EM, no start, the weights the classes\' shares): leave it out.');
      }
      if (options.criterion === 'icl') {
        throw new GmmError('INVALID_OPTION', "criterion 'icl' does not apply to modelType 'EDDA', whose classes are known: use 'bic' or 'aic'.");
      }
    }
    // every option checked now (unknown ones too), as selectModel checks before its first fit
    const { nComponents, covarianceTypes, criterion, priors, modelType: _, ...model } = options;
    const probe = new GaussianMixture({ ...model, nComponents: 1 });
    if (probe.options.missingValues === 'marginalize') {
      throw new GmmError('INVALID_OPTION', "MixtureDiscriminant takes complete rows: missingValues 'marginalize' does not apply " +
        '(impute X first, or leave the incomplete rows out).');
    }
    if (nComponents !== undefined && !validGrid(nComponents)) {
      throw new GmmError('INVALID_OPTION', `nComponents must be a number, a range [min, max] or { values: [...] } of integers ≥ 1; got ${describe(nComponents)}.`);
    }
    const types = covarianceTypes === undefined ? [] : typeValues(covarianceTypes);
    // with a prior, every model given must have one (refused now, not swapped for another at fit)
    if (model.prior) for (const t of types) new GaussianMixture({ ...model, nComponents: 1, covarianceType: t });
    if (criterion !== undefined && !SELECTION_CRITERIA.includes(criterion)) {
      throw new GmmError('INVALID_OPTION', `criterion must be one of ${SELECTION_CRITERIA.join(', ')}; got ${describe(criterion)}.`);
    }
    // a copy: later changes to the caller's arrays must not reach the classifier
    this.opts = { ...options, ...(priors != null ? { priors: checkPriors(Float64Array.from(priors)) } : {}),
      ...(covarianceTypes ? { covarianceTypes: covarianceTypes.slice() } : {}) };
  }

  /** Fits one mixture per class of y (one label per row of X: numbers or strings). */
  fit(X: MatrixInput, y: ArrayLike<ClassLabel>, ...rest: unknown[]): this {
    if (rest.length > 0) throw new GmmError('INVALID_ARGUMENT', 'MixtureDiscriminant.fit takes X and y only (no sample weights or other fit options).');
    const m = { ...toMatrix(X, 'X', 'complete'), columns: null as string[] | null };
    m.columns = columnNames(X, m.cols);
    const labels = classLabels(y, m.rows);
    const classes = sortedClasses(labels);
    if (classes.length < 2) throw new GmmError('INVALID_ARGUMENT', `y has ${classes.length} class: a classifier needs at least two.`);
    this.state = this.fitClasses(m, labels, classes, this.priorsFor(classes, labels), shareOf(classes, labels), null);
    return this;
  }

  /** The classes' models from X's rows: chosen (fixed null), or each class's given number of
   *  components and covariance model refitted (crossValidate). Where every candidate of a class
   *  fails, MclustDA's fallback: with one model, the model before it in mclust's order (below
   *  EII one component fewer), with several, one component fewer. */
  private fitClasses(m: Matrix, labels: ClassLabel[], classes: ClassLabel[], priors: Float64Array, shares: Float64Array,
    fixed: { nComponents: number; covarianceType: CovarianceModel }[] | null): NonNullable<MixtureDiscriminant['state']> {
    if (this.opts.modelType === 'EDDA') {
      return { classes, priors, shares, modelType: 'EDDA', ...this.fitEdda(m, labels, classes, fixed?.[0].covarianceType) };
    }
    const { nComponents = [1, 5] as ComponentGrid, covarianceTypes = this.defaultModels(m.cols), criterion = 'bic', priors: _, modelType: __, ...model } = this.opts;
    const models = classes.map((c, k) => {
      const Xc = rowsOf(m, labels.flatMap((l, i) => (l === c ? [i] : [])));
      let grid: ComponentGrid | null = fixed ? fixed[k].nComponents : capped(nComponents, Xc.rows);
      let types: readonly CovarianceName[] = fixed ? [fixed[k].covarianceType] : covarianceTypes;
      for (;;) {
        try {
          return selectModel(Xc, { ...model, criterion, nComponents: capped(grid, Xc.rows), covarianceTypes: types }).best;
        } catch (e) {
          if (!isFitFailure(e, true)) throw e;
          // every candidate failed: MclustDA's fallback
          const t = types.length === 1 ? MCLUST_ORDER.indexOf(modelNamed(types[0])!) : -1;
          if (t > 0) types = [MCLUST_ORDER[t - 1]];
          else grid = fewer(grid);
          if (grid === null) throw new GmmError(e.code, `class ${JSON.stringify(c)} (${Xc.rows} rows): ${e.message}`);
        }
      }
    });
    return { classes, priors, shares, models, modelType: 'MclustDA', selection: null };
  }

  /**
   * mclust's cvMclustDA: the classification error and Brier score of this classifier by
   * cross-validation over X and y (the rows it was fitted to), each fold's classes refitted
   * with the models this fit chose (number of components and covariance model; EDDA: its
   * model) and predicted with this fit's priors. Folds are balanced over the classes, their
   * rows drawn with the core's PRNG from seed; nFolds = rows is leave-one-out, which draws nothing.
   */
  crossValidate(X: MatrixInput, y: ArrayLike<ClassLabel>, options: { nFolds?: number; seed?: number } = {}): CrossValidation {
    const s = this.fitted('crossValidate');
    if (options === null || typeof options !== 'object') throw new GmmError('INVALID_TYPE', 'crossValidate options must be an object such as { nFolds: 10 }.');
    checkKeys(options, 'crossValidate', ['nFolds', 'seed']);
    const m = toMatrix(X, 'X', 'complete');
    const labels = classLabels(y, m.rows);
    const n = m.rows, C = s.classes.length;
    const { nFolds = Math.min(10, n), seed = this.opts.seed ?? 0 } = options;
    if (!Number.isInteger(nFolds) || nFolds < 2 || nFolds > n) {
      throw new GmmError('INVALID_OPTION', `nFolds must be an integer from 2 to the rows (${n}, leave-one-out); got ${describe(nFolds)}.`);
    }
    if (!Number.isSafeInteger(seed) || seed < 0) throw new GmmError('INVALID_OPTION', `seed must be an integer ≥ 0; got ${describe(seed)}.`);
    const index = new Map(s.classes.map((c, k) => [c, k]));
    const unknown = labels.find((l) => !index.has(l));
    if (unknown !== undefined) throw new GmmError('INVALID_ARGUMENT', `y has the class ${JSON.stringify(unknown)}, which the classifier was not fitted on.`);
    const fold = balancedFolds(labels.map((l) => index.get(l)!), C, nFolds, seed);
    const fixed = s.models.map((gm) => ({ nComponents: gm.nComponents, covarianceType: gm.covarianceType }));
    const classification: ClassLabel[] = new Array(n);
    const proba = new Float64Array(n * C);
    const errors: number[] = [], briers: number[] = [], sizes: number[] = [];
    for (let f = 0; f < nFolds; f++) {
      const test: number[] = [], train: number[] = [];
      for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
      const trainLabels = train.map((i) => labels[i]);
      const missing = s.classes.find((c) => !trainLabels.includes(c));
      if (missing !== undefined) {
        throw new GmmError('INVALID_ARGUMENT', `fold ${f} leaves no row of class ${JSON.stringify(missing)} to fit it on: use fewer folds, or more rows of that class.`);
      }
      const inner = new MixtureDiscriminant(this.opts);
      inner.state = inner.fitClasses(rowsOf(m, train), trainLabels, s.classes, s.priors, shareOf(s.classes, trainLabels), fixed);
      const p = inner.predictProba(rowsOf(m, test));
      let wrong = 0, brier = 0;
      test.forEach((i, r) => {
        let best = 0;
        for (let k = 0; k < C; k++) {
          const z = p.data[r * C + k];
          proba[i * C + k] = z;
          if (z > p.data[r * C + best]) best = k;
          brier += (z - (index.get(labels[i]) === k ? 1 : 0)) ** 2;
        }
        classification[i] = s.classes[best];
        if (classification[i] !== labels[i]) wrong++;
      });
      errors.push(wrong / test.length);
      briers.push(brier / (2 * test.length));
      sizes.push(test.length);
    }
    const [error, errorSE] = pooled(errors, sizes), [brier, brierSE] = pooled(briers, sizes);
    return { classification, proba: { data: proba, rows: n, cols: C }, error, errorSE, brier, brierSE, nFolds };
  }

  /** EDDA (edda.ts) with this classifier's options; only: that one model (crossValidate). */
  private fitEdda(m: Matrix, labels: ClassLabel[], classes: ClassLabel[], only?: CovarianceModel): { models: GaussianMixture[]; selection: EddaSelection } {
    // (nComponents is refused with EDDA)
    const { covarianceTypes = this.defaultModels(m.cols), criterion = 'bic', priors: _, modelType: __, nComponents: ___, ...model } = this.opts;
    return fitEdda(m, labels, classes, only ? [only] : covarianceTypes, criterion as 'bic' | 'aic', model);
  }

  /** The covariance models tried where covarianceTypes is not given: every one (EDDA with one
   *  feature: E and V, which are all there are), those mclust has a prior for with the prior. */
  private defaultModels(d: number): CovarianceName[] {
    if (this.opts.modelType === 'EDDA' && d === 1) return [...ONE_FEATURE_MODELS];
    return [...(this.opts.prior ? PRIOR_MODELS : COVARIANCE_MODELS)];
  }

  /** The class priors the options give, or the classes' shares of the rows. */
  private priorsFor(classes: ClassLabel[], labels: ClassLabel[]): Float64Array {
    const given = this.opts.priors;
    if (given == null) return shareOf(classes, labels);
    if (given.length !== classes.length) {
      throw new GmmError('SHAPE_MISMATCH', `priors has ${given.length} numbers for ${classes.length} classes (${classes.join(', ')}): give one per class, in that order.`);
    }
    return checkPriors(Float64Array.from(given));
  }

  private fitted(what: string): NonNullable<MixtureDiscriminant['state']> {
    if (!this.state) throw new GmmError('NOT_FITTED', `${what} needs a fitted classifier: call fit(X, y) first (or load one with MixtureDiscriminant.fromJSON).`);
    return this.state;
  }

  get classes(): ClassLabel[] { return this.fitted('classes').classes.slice(); }
  get priors(): Float64Array { return this.fitted('priors').priors.slice(); }
  /** The classes' shares of the rows fitted: what logLikelihood, bic and dimensionReduction
   *  weigh the classes by (mclust's prop), whatever the priors. */
  get shares(): Float64Array { return this.fitted('shares').shares.slice(); }
  /** Each class's mixture, in the order of `classes` (EDDA: one component each). */
  get models(): GaussianMixture[] { return this.fitted('models').models.slice(); }
  get modelType(): DiscriminantModelType { return this.fitted('modelType').modelType; }
  /** EDDA's covariance models, best first (null for MclustDA; from JSON, the results without the models). */
  get selection(): EddaSelection | null { return this.fitted('selection').selection; }

  /** Per class, each row's log wc + log fc(x), with wc the priors or the shares; and per row
   *  their log-sum-exp (the core's exp and log). NUMERICAL for a row no class density reaches. */
  private classLogs(X: MatrixInput, what: string, by: 'priors' | 'shares'): { logs: Float64Array[]; lse: Float64Array } {
    const s = this.fitted(what), c = core();
    const logs = s.models.map((gm, k) => {
      const lw = c.ln(s[by][k]);
      return gm.scoreSamples(X).map((v) => v + lw);
    });
    const C = logs.length, lse = new Float64Array(logs[0].length);
    for (let i = 0; i < lse.length; i++) {
      let top = -Infinity;
      for (let k = 0; k < C; k++) top = Math.max(top, logs[k][i]);
      if (top === -Infinity) {
        throw new GmmError('NUMERICAL', `row ${i} lies so far from every class that no class density is a double (each is 0): ` +
          `its ${what === 'predictProba' ? 'posteriors are' : 'likelihood is'} undefined. Scale the features, or leave such rows out.`);
      }
      let sum = 0;
      for (let k = 0; k < C; k++) sum += c.exp(logs[k][i] - top);
      lse[i] = top + c.ln(sum);
    }
    return { logs, lse };
  }

  /** Each row's class posterior probabilities: rows × classes, in the order of `classes`. */
  predictProba(X: MatrixInput): Matrix {
    const c = core(), { logs, lse } = this.classLogs(X, 'predictProba', 'priors'), C = logs.length;
    const n = lse.length, out = new Float64Array(n * C);
    for (let i = 0; i < n; i++) for (let k = 0; k < C; k++) out[i * C + k] = c.exp(logs[k][i] - lse[i]);
    return { data: out, rows: n, cols: C };
  }

  /** Σ log Σc sc fc(x) over X's rows, sc the classes' shares (mclust's logLik.MclustDA). */
  logLikelihood(X: MatrixInput): number {
    return this.classLogs(X, 'logLikelihood', 'shares').lse.reduce((a, v) => a + v, 0);
  }

  /** mclust 6.0.0's df of the classifier: each class's mixture's parameters (EDDA: the
   *  classes' means and one model's covariance parameters over them); the class priors are
   *  not counted (mclust 6.1 adds their C − 1). */
  nParameters(): number {
    const s = this.fitted('nParameters');
    const C = s.classes.length, d = s.models[0].nFeatures;
    return s.modelType === 'EDDA' ? eddaParameters(s.models[0].covarianceType, C, d) : s.models.reduce((a, gm) => a + gm.nParameters(), 0);
  }

  /** −2·logLikelihood(X) + nParameters()·ln n (lower is better; mclust's bic with the other sign). */
  bic(X: MatrixInput): number {
    const n = toMatrix(X, 'X').rows;
    return -2 * this.logLikelihood(X) + this.nParameters() * core().ln(n);
  }

  /** Each row's most probable class (the first of equal ones). */
  predict(X: MatrixInput): ClassLabel[] {
    const s = this.fitted('predict');
    const p = this.predictProba(X), C = p.cols;
    return Array.from({ length: p.rows }, (_, i) => {
      let best = 0;
      for (let k = 1; k < C; k++) if (p.data[i * C + k] > p.data[i * C + best]) best = k;
      return s.classes[best];
    });
  }

  toJSON(): MixtureDiscriminantJSON {
    const s = this.fitted('toJSON');
    return { format: 'gmm-wasm-discriminant', version: 1, classes: s.classes.slice(), priors: Array.from(s.priors), shares: Array.from(s.shares),
      models: s.models.map((m) => m.toJSON()), modelType: s.modelType,
      ...(s.selection ? { selection: selectionToJSON(s.selection) } : {}) };
  }

  static fromJSON(json: MixtureDiscriminantJSON | string): MixtureDiscriminant {
    const j = parseJSONText(json, 'MixtureDiscriminant.fromJSON') as MixtureDiscriminantJSON;
    const bad = (why: string): GmmError => new GmmError('INVALID_JSON', `MixtureDiscriminant.fromJSON: ${why}`);
    if (!j || j.format !== 'gmm-wasm-discriminant' || j.version !== 1) throw bad('not a MixtureDiscriminant written by toJSON() (format "gmm-wasm-discriminant", version 1).');
    if (!Array.isArray(j.classes) || !Array.isArray(j.priors) || !Array.isArray(j.models) || j.classes.length < 2 ||
      j.priors.length !== j.classes.length || j.models.length !== j.classes.length) {
      throw bad('"classes", "priors" and "models" must be arrays of one entry per class (at least two).');
    }
    const modelType = j.modelType ?? 'MclustDA';
    if (modelType !== 'MclustDA' && modelType !== 'EDDA') throw bad('"modelType" must be "MclustDA" or "EDDA".');
    const classes = classesFromJSON(j.classes);
    if (!classes) throw bad('"classes" must be distinct labels, all numbers or all strings.');
    const out = new MixtureDiscriminant();
    const models = j.models.map((m) => GaussianMixture.fromJSON(m));
    if (models.some((m) => m.nFeatures !== models[0].nFeatures)) throw bad('the classes\' models have different numbers of features.');
    try {
      // (files written before shares: the priors, which were the shares unless given)
      const shares = j.shares === undefined ? j.priors : j.shares;
      if (!Array.isArray(shares) || shares.length !== j.classes.length) throw new Error('"shares" must be an array of one number per class.');
      if (j.selection !== undefined && modelType !== 'EDDA') throw new Error('"selection" is EDDA\'s; a MclustDA classifier has none.');
      const selection: EddaSelection | null = j.selection === undefined ? null
        : selectionFromJSON(j.selection, ['bic', 'aic', 'logLikelihood', 'nParameters'], ['collapsed']);
      if (selection && selection.results[0].covarianceType !== models[0].covarianceType) throw new Error('the classes\' models are not the selection\'s first.');
      out.state = { classes, priors: checkPriors(Float64Array.from(j.priors)), shares: checkPriors(Float64Array.from(shares)),
        models, modelType, selection };
    } catch (e) {
      throw bad((e as Error).message);
    }
    return out;
  }
}

/** Whether v is a ComponentGrid (selectModel checks its values against the rows). */
function validGrid(v: unknown): boolean {
  const int = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x >= 1;
  if (int(v)) return true;
  if (Array.isArray(v)) return v.length === 2 && v.every(int) && v[0] <= v[1];
  const values = (v as { values?: unknown } | null)?.values;
  return v !== null && typeof v === 'object' && Array.isArray(values) && values.length > 0 && values.every(int);
}

/** Each class's share of the labels. */
function shareOf(classes: readonly ClassLabel[], labels: readonly ClassLabel[]): Float64Array {
  return Float64Array.from(classes, (c) => labels.filter((l) => l === c).length / labels.length);
}

/** Class priors checked: positive, summing to 1. */
function checkPriors(p: Float64Array): Float64Array {
  let s = 0;
  for (const v of p) {
    if (!(v > 0 && v < Infinity)) throw new GmmError('INVALID_OPTION', `priors must be positive numbers; got ${describe(v)}.`);
    s += v;
  }
  if (!(Math.abs(s - 1) <= 1e-8)) throw new GmmError('INVALID_OPTION', `priors must sum to 1 (within 1e-8); they sum to ${s}.`);
  return p;
}

/** The grid one component lower (values below 1 left out), or null when nothing is left. */
function fewer(grid: ComponentGrid): ComponentGrid | null {
  if (typeof grid === 'number') return grid > 1 ? grid - 1 : null;
  if (Array.isArray(grid)) return grid[1] > 1 ? [Math.max(1, grid[0] - 1), grid[1] - 1] : null;
  const values = (grid as { values: readonly number[] }).values.map((v) => v - 1).filter((v) => v >= 1);
  return values.length ? { values } : null;
}

/** The grid of numbers of components, without those above a class's rows. */
function capped(grid: ComponentGrid, rows: number): ComponentGrid {
  if (typeof grid === 'number') return Math.min(grid, rows);
  if (Array.isArray(grid)) return [Math.min(grid[0], rows), Math.min(grid[1], rows)];
  const values = (grid as { values: readonly number[] }).values.filter((k) => k <= rows);
  return { values: values.length ? values : [rows] };
}
