// Semi-supervised classification: mclust's MclustSSC (Murphy & Scrucca's mclust 6). Some rows
// have a known class, the others none (null); one Gaussian per class, fitted by EM over all the
// rows, where a labelled row's responsibilities stay fixed at its class:
//
//   z⁽⁰⁾: a labelled row one-hot at its class, an unlabelled row 1/G for each of the G classes
//   repeat: θ ← M-step(z) (a fit with initResponsibilities and maxIter 0: mclust's mstep)
//           z ← E-step(θ) for the unlabelled rows (the labelled keep theirs)
//           ℓ = Σ_unlabelled log Σₖ τₖ φₖ(x) + Σ_labelled log τ_c φ_c(x)   (c the row's class)
//   until ℓ rises by tol or less (mclust's test: on the sum, not the mean per row)
//
// for each covariance model tried, the best by BIC with mclust's count of parameters,
//   df = (G − 1) + G·d + the covariance model's parameters,   BIC = −2ℓ + df·ln n.
// The log-likelihood's terms come from the core's scoring (log τₖ + log φₖ per row and its
// log-sum-exp); only their sums are taken here.
import { GmmError } from '../core/errors.js';
import { core } from '../core/core.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { checkKeys } from './option-names.js';
import { classLabels, classesFromJSON, rowMaxima, sortedClasses, type ClassLabel } from './class-labels.js';
import { collapsedComponent } from './collapse.js';
import { MCLUST_ORDER, ONE_FEATURE_MODELS, covarianceParameters, type CovarianceModel, type CovarianceName } from './covariance-models.js';
import { typeValues } from './select.js';
import { PRIOR_MODELS } from './conjugate-prior.js';
import { MODEL_OPTIONS, columnNames, describe, toMatrix, type GaussianMixtureOptions, type Matrix, type MatrixInput } from './validate.js';
import { parseJSONText, type GaussianMixtureJSON } from './serialize.js';
import { selectCovarianceModelSteps, selectionFromJSON, selectionToJSON, type ModelResult, type Selection, type SelectionJSON } from './covariance-selection.js';
import { runSteps, runStepsAsync, type Steps } from '../fit/hc-start.js';
import { pacer } from '../parallel/next-turn.js';
import { abortedError } from '../parallel/fit-async.js';

/** Options of a GaussianMixture that do not apply: the classes give the components and the
 *  start, there is nothing random, and rows are complete. */
const NOT_SEMI = ['nComponents', 'covarianceType', 'nInit', 'initParams', 'hcModelName', 'hcUse', 'warmStart', 'seed', 'weightsInit',
  'meansInit', 'precisionsInit', 'equalWeights', 'missingValues'];

export interface SemiSupervisedOptions extends Omit<GaussianMixtureOptions, 'nComponents' | 'covarianceType' | 'nInit' | 'initParams' |
  'hcModelName' | 'hcUse' | 'warmStart' | 'seed' | 'weightsInit' | 'meansInit' | 'precisionsInit' | 'equalWeights' | 'missingValues'> {
  /** Covariance models tried (default all fourteen, as MclustSSC; one feature: EII and VII,
   *  mclust's E and V; with no more rows than features, without EEE, EEV, VEV and full). */
  covarianceTypes?: CovarianceName[];
  /** What picks the model (default 'bic', as MclustSSC). */
  criterion?: 'bic' | 'aic';
  // tol: EM stops when the log-likelihood (the sum over the rows) rises by tol or less (default
  // 1e-5, MclustSSC's); maxIter: at most this many iterations (default 1000; MclustSSC: none)
}

export interface SemiSupervisedFitOptions {
  /** Called after every EM iteration of every model (progress; throwing from it stops the
   *  fit, and the model is left as it was). */
  onIteration?: (info: { covarianceType: CovarianceModel; iter: number; logLikelihood: number; change: number }) => void;
}

/** One covariance model fitted. */
export interface SemiSupervisedResult extends ModelResult {
  /** ℓ: the unlabelled rows' log-likelihood plus the labelled rows' log τ_c φ_c(x). */
  logLikelihood: number;
  nIter: number;
  converged: boolean;
}

/** Every model fitted, best first, and those a fit failure ruled out (a covariance not
 *  positive definite, or non-finite numbers). */
export type SemiSupervisedSelection = Selection<SemiSupervisedResult>;

/** The JSON of a fitted SemiSupervisedMixture. */
export interface SemiSupervisedMixtureJSON {
  format: 'gmm-wasm-semi-supervised';
  version: 1;
  options: SemiSupervisedOptions;
  classes: ClassLabel[];
  mixture: GaussianMixtureJSON;
  /** Results only: the models are not kept. */
  selection: SelectionJSON<SemiSupervisedResult>;
}

interface State { classes: ClassLabel[]; gm: GaussianMixture; selection: SemiSupervisedSelection; classification: ClassLabel[] | null }

export class SemiSupervisedMixture {
  private readonly opts: SemiSupervisedOptions;
  private state: State | null = null;
  private running = false;

  constructor(options: SemiSupervisedOptions = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new GmmError('INVALID_TYPE', `SemiSupervisedMixture options must be an object; got ${describe(options)}.`);
    }
    checkKeys(options, 'SemiSupervisedMixture', [...MODEL_OPTIONS].filter((k) => !NOT_SEMI.includes(k)).concat(['covarianceTypes', 'criterion']), NOT_SEMI);
    const given = NOT_SEMI.find((k) => (options as Record<string, unknown>)[k] !== undefined);
    if (given) {
      throw new GmmError('INVALID_OPTION', given === 'covarianceType'
        ? `SemiSupervisedMixture tries covarianceTypes, a list: give covarianceTypes: ['${String((options as Record<string, unknown>).covarianceType)}'] for one model.`
        : `${given} is not an option of SemiSupervisedMixture: it fits one component per class, from the labelled rows and ` +
          'equal shares for the others (MclustSSC), with no random start, on complete rows.');
    }
    const { covarianceTypes, criterion, ...model } = options;
    const types = covarianceTypes === undefined ? [] : typeValues(covarianceTypes);
    if (criterion !== undefined && criterion !== 'bic' && criterion !== 'aic') {
      throw new GmmError('INVALID_OPTION', `criterion must be 'bic' or 'aic'; got ${describe(criterion)}.`);
    }
    // with a prior, every model tried must have one (checked now, not after the first fits)
    if (model.prior) for (const t of types) new GaussianMixture({ ...model, covarianceType: t });
    if (new GaussianMixture(withSemiDefaults(model)).options.maxIter === 0) { // the rest checked now
      throw new GmmError('INVALID_OPTION', 'maxIter must be at least 1: SemiSupervisedMixture runs EM (one M-step at least).');
    }
    this.opts = { ...options, ...(covarianceTypes ? { covarianceTypes: covarianceTypes.slice() } : {}) };
  }

  /**
   * Fits one Gaussian per class of y by EM over every row of X: y has one label per row, null
   * (or undefined or NaN) where the class is unknown. Each covariance model tried is fitted,
   * and the best by the criterion kept. On any error the model is left as it was.
   */
  fit(X: MatrixInput, y: ArrayLike<ClassLabel | null | undefined>, options: SemiSupervisedFitOptions = {}, ...rest: unknown[]): this {
    this.begin('fit()');
    try {
      this.state = runSteps(this.fitSteps(X, y, options, rest, ['onIteration']));
    } finally {
      this.running = false;
    }
    return this;
  }

  /**
   * fit in this thread, giving the event loop a turn every 10 ms of work (between EM
   * iterations), so that a page or server stays responsive; `signal` stops it with ABORTED
   * and the model is left as it was.
   */
  async fitAsync(X: MatrixInput, y: ArrayLike<ClassLabel | null | undefined>, options: SemiSupervisedFitOptions & { signal?: AbortSignal } = {},
    ...rest: unknown[]): Promise<this> {
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new GmmError('INVALID_OPTION', `signal must be an AbortSignal; got ${describe(signal)}.`);
    if (signal?.aborted) throw abortedError(signal);
    this.begin('fitAsync()');
    try {
      this.state = await runStepsAsync(this.fitSteps(X, y, options, rest, ['onIteration', 'signal']), pacer(signal, () => abortedError(signal)));
    } finally {
      this.running = false;
    }
    return this;
  }

  /** A fit starts: REENTRANT while another of this model runs (from its onIteration, or
   *  beside a fitAsync), whose result would overwrite this one's. */
  private begin(what: string): void {
    if (this.running) {
      throw new GmmError('REENTRANT', `${what} was called while a fit of this model is running (from its onIteration, or beside ` +
        'a fitAsync): await it first, or use another SemiSupervisedMixture.');
    }
    this.running = true;
  }

  /** The fit, its options checked first, in steps: one per EM iteration. */
  private *fitSteps(X: MatrixInput, y: ArrayLike<ClassLabel | null | undefined>, options: SemiSupervisedFitOptions, rest: unknown[],
    keys: string[]): Steps<State> {
    if (options === null || typeof options !== 'object') throw new GmmError('INVALID_TYPE', `fit options must be an object such as { onIteration }; got ${describe(options)}.`);
    if (rest.length > 0) throw new GmmError('INVALID_ARGUMENT', 'SemiSupervisedMixture.fit takes X, y and options { onIteration } (MclustSSC has no sample weights).');
    checkKeys(options, 'fit', keys);
    const { onIteration } = options;
    if (onIteration !== undefined && typeof onIteration !== 'function') {
      throw new GmmError('INVALID_OPTION', `onIteration must be a function; got ${describe(onIteration)}.`);
    }
    const m = { ...toMatrix(X, 'X', 'complete'), columns: null as string[] | null };
    m.columns = columnNames(X, m.cols);
    const labels = classLabels(y, m.rows, true);
    const classes = sortedClasses(labels);
    const unlabelled = labels.filter((l) => l === null).length;
    if (classes.length < 2) {
      throw new GmmError('INVALID_ARGUMENT', `y has ${classes.length} known class${classes.length === 1 ? '' : 'es'}: give labels of at least two classes.`);
    }
    if (unlabelled === 0) {
      throw new GmmError('INVALID_ARGUMENT', 'every row of y has a class: that is supervised classification (MixtureDiscriminant); ' +
        'mark the rows whose class is unknown with null.');
    }
    const { covarianceTypes, criterion = 'bic', ...model } = this.opts;
    const d = m.cols, n = m.rows;
    let types = covarianceTypes ? typeValues(covarianceTypes) : [...(d === 1 ? ONE_FEATURE_MODELS : model.prior ? PRIOR_MODELS : MCLUST_ORDER)];
    // as MclustSSC: with n ≤ d the models with a free orientation per component or overall go
    if (covarianceTypes === undefined && n <= d) types = types.filter((t) => !['tied', 'EEV', 'VEV', 'full'].includes(t));
    const index = new Map(classes.map((c, k) => [c, k]));
    const cls = Int32Array.from(labels, (l) => (l === null ? -1 : index.get(l)!));
    const { best, selection } = yield* selectCovarianceModelSteps(types, (t) => fitModel(m, cls, classes.length, t, model, onIteration),
      criterion, 'later', 'SemiSupervisedMixture', 'Give more labelled rows per class, fewer features, or a positive regCovar.');
    // mclust's classification: the class of largest responsibility in the z of the last M-step
    const classification = Array.from(rowMaxima({ data: best.z, rows: n, cols: classes.length }), (k) => classes[k]);
    return { classes, gm: best.gm, selection, classification };
  }

  private fitted(what: string): State {
    if (!this.state) throw new GmmError('NOT_FITTED', `${what} needs a fitted model: call fit(X, y) first (or SemiSupervisedMixture.fromJSON).`);
    return this.state;
  }

  /** The options given, with the defaults filled in (a copy). */
  get options(): SemiSupervisedOptions {
    const { covarianceTypes, criterion, ...model } = this.opts;
    const o = Object.fromEntries(Object.entries(new GaussianMixture(withSemiDefaults(model)).getParams()).filter(([k]) => !NOT_SEMI.includes(k)));
    return { ...o, ...(covarianceTypes ? { covarianceTypes: covarianceTypes.slice() } : {}), criterion: criterion ?? 'bic' } as SemiSupervisedOptions;
  }

  get classes(): ClassLabel[] { return this.fitted('classes').classes.slice(); }
  /** The chosen model as a mixture of its own: one component per class, in the order of
   *  `classes`, as fromParameters gives it (nIter 0; the fit's are this model's), with this
   *  model's regCovar and prior (tol and maxIter are GaussianMixture's defaults: this model's
   *  tol is on the sum of the log-likelihood, a GaussianMixture's on its mean). */
  get mixture(): GaussianMixture {
    const { lowerBounds: _, ...j } = this.fitted('mixture').gm.toJSON();
    const { tol: __, maxIter: ___, ...fitted } = j.options;
    return GaussianMixture.fromJSON({ ...j, options: fitted, converged: false, nIter: 0, lowerBound: null });
  }
  get covarianceType(): CovarianceModel { return this.fitted('covarianceType').gm.covarianceType; }
  get weights(): Float64Array { return this.fitted('weights').gm.weights; }
  get means(): Matrix { return this.fitted('means').gm.means; }
  get covariances(): Float64Array { return this.fitted('covariances').gm.covariances; }
  /** Every covariance model fitted, best first. */
  get selection(): SemiSupervisedSelection {
    const s = this.fitted('selection').selection;
    return { criterion: s.criterion, results: s.results.map((r) => ({ ...r })), failed: s.failed.slice() };
  }
  /** The chosen model's result. */
  private chosen(what: string): SemiSupervisedResult { return this.fitted(what).selection.results[0]; }
  /** ℓ of the chosen model over the rows it was fitted to. */
  get logLikelihood(): number { return this.chosen('logLikelihood').logLikelihood; }
  get nParameters(): number { return this.chosen('nParameters').nParameters; }
  /** −2ℓ + nParameters·ln n (lower is better; mclust's bic has the other sign). */
  get bic(): number { return this.chosen('bic').bic; }
  get nIter(): number { return this.chosen('nIter').nIter; }
  get converged(): boolean { return this.chosen('converged').converged; }
  /** The classes of the rows fitted, as MclustSSC's classification: a labelled row its own
   *  class, another its most probable in the last M-step's responsibilities (null after
   *  fromJSON). */
  get classification(): ClassLabel[] | null { return this.fitted('classification').classification?.slice() ?? null; }

  /** Each row's class probabilities: rows × classes, in the order of `classes` (predict.MclustSSC). */
  predictProba(X: MatrixInput): Matrix { return this.fitted('predictProba').gm.predictProba(X); }

  /** Each row's most probable class (the first of equal ones). */
  predict(X: MatrixInput): ClassLabel[] {
    const s = this.fitted('predict');
    return Array.from(s.gm.predict(X), (k) => s.classes[k]);
  }

  toJSON(): SemiSupervisedMixtureJSON {
    const s = this.fitted('toJSON');
    return { format: 'gmm-wasm-semi-supervised', version: 1, options: this.options, classes: s.classes.slice(), mixture: s.gm.toJSON(),
      selection: selectionToJSON(s.selection) };
  }

  static fromJSON(json: SemiSupervisedMixtureJSON | string): SemiSupervisedMixture {
    const j = parseJSONText(json, 'SemiSupervisedMixture.fromJSON') as SemiSupervisedMixtureJSON;
    const bad = (why: string): GmmError => new GmmError('INVALID_JSON', `SemiSupervisedMixture.fromJSON: ${why}`);
    if (!j || j.format !== 'gmm-wasm-semi-supervised' || j.version !== 1) {
      throw bad('not a SemiSupervisedMixture written by toJSON() (format "gmm-wasm-semi-supervised", version 1).');
    }
    const classes = classesFromJSON(j.classes);
    if (!classes) throw bad('"classes" must list at least two distinct labels, all numbers or all strings.');
    let selection: SemiSupervisedSelection;
    try {
      selection = selectionFromJSON(j.selection, ['bic', 'aic', 'logLikelihood', 'nParameters', 'nIter'], ['converged', 'collapsed']);
    } catch (e) {
      throw bad((e as Error).message);
    }
    const gm = GaussianMixture.fromJSON(j.mixture);
    if (gm.nComponents !== classes.length) throw bad(`the mixture has ${gm.nComponents} components for ${classes.length} classes.`);
    if (gm.covarianceType !== selection.results[0].covarianceType) throw bad('the mixture is not the selection\'s first model.');
    let out: SemiSupervisedMixture;
    try {
      out = new SemiSupervisedMixture(j.options);
    } catch (e) {
      throw bad(`"options": ${(e as Error).message}`);
    }
    if (out.options.criterion !== selection.criterion) {
      throw bad(`"options" rank by ${out.options.criterion} but the selection is ranked by ${selection.criterion}.`);
    }
    out.state = { classes, gm, classification: null, selection };
    return out;
  }
}

/** The model options with MclustSSC's defaults where not given: tol 1e-5 (on the sum) and
 *  at most 1000 iterations. */
function withSemiDefaults(model: GaussianMixtureOptions): GaussianMixtureOptions {
  return { ...model, tol: model.tol ?? 1e-5, maxIter: model.maxIter ?? 1000 };
}

/** EM for one covariance model (see the top of the file); G components, cls[i] the class
 *  index of row i or −1. Returns the last M-step's model, its result and the z it came from. */
function* fitModel(m: Matrix, cls: Int32Array, G: number, type: CovarianceModel, model: GaussianMixtureOptions,
  onIteration: SemiSupervisedFitOptions['onIteration']): Steps<{ gm: GaussianMixture; result: SemiSupervisedResult; z: Float64Array }> {
  const c = core();
  const n = m.rows, d = m.cols;
  const { tol, maxIter, ...rest } = withSemiDefaults(model);
  const z = new Float64Array(n * G);
  for (let i = 0; i < n; i++) {
    if (cls[i] >= 0) z[i * G + cls[i]] = 1;
    else z.fill(1 / G, i * G, (i + 1) * G);
  }
  const lse = new Float64Array(n), resp = new Float64Array(n * G), logProb = new Float64Array(n * G);
  let ll = -Infinity, iter = 0, converged = false;
  const used = new Float64Array(n * G);
  // one M-step a fit (its options checked once); the last fit's parameters are the model's
  const gm = new GaussianMixture({ ...rest, nComponents: G, covarianceType: type, maxIter: 0 });
  while (iter < maxIter!) {
    iter++;
    used.set(z);
    try {
      gm.fit(m, { initResponsibilities: { data: z, rows: n, cols: G } });
    } catch (e) {
      // the M-step is this EM's, not a start the caller gave
      if (e instanceof GmmError) {
        throw new GmmError(e.code, e.message.replace('the M-step from initResponsibilities', `the M-step of EM iteration ${iter}`)
          .replace(', reduce nComponents,', ',')); // the components are the classes
      }
      throw e;
    }
    gm.scoreWith(m, { lse, resp, logProb });
    let next = 0;
    for (let i = 0; i < n; i++) {
      if (cls[i] >= 0) {
        next += logProb[i * G + cls[i]];
      } else {
        next += lse[i];
        z.set(resp.subarray(i * G, (i + 1) * G), i * G);
      }
    }
    if (!Number.isFinite(next)) {
      throw new GmmError('NUMERICAL', `at EM iteration ${iter} the log-likelihood is ${next}: a labelled row lies where its class's ` +
        'density is 0 in doubles; scale the features, or check the labels.');
    }
    const change = next - ll;
    ll = next;
    onIteration?.({ covarianceType: type, iter, logLikelihood: ll, change });
    yield;
    if (!(change > tol!)) {
      converged = true;
      break;
    }
  }
  const p = (G - 1) + G * d + covarianceParameters(type, G, d);
  return { gm, z: used, result: { covarianceType: type, logLikelihood: ll, nParameters: p, bic: -2 * ll + p * c.ln(n), aic: -2 * ll + 2 * p,
    nIter: iter, converged, collapsed: collapsedComponent(gm) >= 0 } };
}
