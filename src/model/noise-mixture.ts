// mclust's noise component (Banfield & Raftery 1993; Mclust(X, initialization = list(noise =
// …))): beside K Gaussians, points scattered over the data's region, a uniform density 1/V
// with V the data's hypervolume (mclust's hypvol, hypervolume.ts; selectNoiseModel: noise-selection.ts):
//   p(x) = (1 − π₀)·Σₖ wₖ N(x | μₖ, Σₖ) + π₀ / V
// EM from mclust's start: the rows first taken as noise get the noise component, the others
// the Gaussians' start (initParams over them alone, one M-step). Each iteration the Gaussian
// part's density gᵢ = Σₖ wₖ N(xᵢ | k) (scoreSamples) gives each row's chance of not being noise,
//   fᵢ = (1 − π₀) gᵢ / p(xᵢ)   (log-sum-exp, the core's exp and log),
// the Gaussians' M-step takes the statistics of the rows weighted by fᵢ (computeStatistics,
// applyStatistics: responsibilities fᵢ·rᵢₖ, mclust's z), and π₀ = Σ wᵢ(1 − fᵢ) / Σ wᵢ. The
// lower bound is the mean log-likelihood Σ wᵢ log p(xᵢ) / Σ wᵢ, as a GaussianMixture's.
// nComponents 0 is the noise alone (mclust's G = 0): p(x) = 1/V, nothing to estimate.
import { GmmError } from '../core/errors.js';
import { core } from '../core/core.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { checkKeys } from './option-names.js';
import { MODEL_OPTIONS, describe, rowsOf, toMatrix, toSampleWeight, type GaussianMixtureOptions, type Matrix, type MatrixInput } from './validate.js';
import { logHypervolume } from './hypervolume.js';
import { parseJSONText, type GaussianMixtureJSON } from './serialize.js';
import type { IterationInfo } from '../fit/driver.js';
import { SHARED_START, type SharedStart } from '../fit/init-labels.js';
import type { FitOptions } from './gaussian-mixture.js';

export interface MixtureWithNoiseOptions extends Omit<GaussianMixtureOptions, 'nInit' | 'warmStart' | 'prior' | 'equalWeights' |
  'missingValues' | 'weightsInit' | 'meansInit' | 'precisionsInit'> {
  /** V, the volume the noise is uniform over (default: the fitted rows' hypervolume). */
  hypervolume?: number;
}

export interface MixtureWithNoiseFitOptions {
  /** The rows first taken as noise: one boolean (or 0/1) per row of X (mclust's initialization$noise). */
  noise: ArrayLike<boolean | number>;
  sampleWeight?: ArrayLike<number> | null;
  onIteration?: (info: IterationInfo) => void;
}

/** The JSON of a fitted MixtureWithNoise. */
export interface MixtureWithNoiseJSON {
  format: 'gmm-wasm-noise';
  version: 1;
  options: MixtureWithNoiseOptions;
  /** The Gaussians (null for nComponents 0, the noise alone). */
  mixture: GaussianMixtureJSON | null;
  /** The features (with mixture null, the only record of them). */
  nFeatures?: number;
  noiseWeight: number;
  /** ln V (V itself can lie beyond the doubles in many dimensions). */
  logHypervolume: number;
  converged: boolean;
  nIter: number;
  lowerBound: number | null;
}

export const REFUSED_WITH_NOISE = ['nInit', 'warmStart', 'prior', 'equalWeights', 'missingValues', 'weightsInit', 'meansInit', 'precisionsInit'];

/** A fit: the Gaussians (null for the noise alone), d, π₀, ln V and EM's record. */
interface State { gaussian: GaussianMixture | null; d: number; noiseWeight: number; logV: number; converged: boolean; nIter: number;
  lowerBound: number }

export class MixtureWithNoise {
  private readonly opts: MixtureWithNoiseOptions;
  private state: State | null = null;

  constructor(options: MixtureWithNoiseOptions = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new GmmError('INVALID_TYPE', `MixtureWithNoise options must be an object; got ${describe(options)}.`);
    }
    checkKeys(options, 'MixtureWithNoise', [...MODEL_OPTIONS].filter((k) => !REFUSED_WITH_NOISE.includes(k)).concat(['hypervolume']),
      REFUSED_WITH_NOISE);
    const given = REFUSED_WITH_NOISE.find((k) => (options as Record<string, unknown>)[k] !== undefined);
    if (given) {
      throw new GmmError('INVALID_OPTION', `${given} is not an option of MixtureWithNoise: it starts once, from the rows that ` +
        "fit's noise option marks (mclust's noise start), without an explicit start, a prior, equal weights or missing values.");
    }
    const { hypervolume, ...gaussian } = options;
    const K = gaussian.nComponents;
    if (K !== undefined && !(typeof K === 'number' && Number.isInteger(K) && K >= 0)) {
      throw new GmmError('INVALID_OPTION', `nComponents must be an integer ≥ 0 (0: the noise alone); got ${describe(K)}.`);
    }
    if (hypervolume !== undefined && !(typeof hypervolume === 'number' && hypervolume > 0 && hypervolume < Infinity)) {
      throw new GmmError('INVALID_OPTION', `hypervolume must be a positive finite number; got ${describe(hypervolume)}.`);
    }
    gaussianOf(gaussian); // every other option checked now
    this.opts = { ...options };
  }

  /** Fits by EM from mclust's noise start. On any error the model is left as it was. */
  fit(X: MatrixInput, options: MixtureWithNoiseFitOptions): this {
    if (options === null || typeof options !== 'object') {
      throw new GmmError('INVALID_TYPE', 'fit needs options { noise }: one boolean per row, true for the rows first taken as noise.');
    }
    checkKeys(options, 'fit', ['noise', 'sampleWeight', 'onIteration']);
    const m = toMatrix(X, 'X', 'complete');
    const n = m.rows;
    const w = toSampleWeight(options.sampleWeight, n) ?? new Float64Array(n).fill(1);
    const { hypervolume: given, ...gaussian } = this.opts;
    const noise = noiseGuess(options.noise, w, gaussian.nComponents === 0);
    if (gaussian.nComponents === 0) return this.fitNoiseAlone(m, w, given);
    const g = new GaussianMixture({ ...gaussian, maxIter: 0 });
    const K = g.nComponents;
    const kept = noise.flatMap((v, i) => (v || !(w[i] > 0) ? [] : [i]));
    if (kept.length < K) {
      throw new GmmError('TOO_FEW_SAMPLES', `noise leaves ${kept.length} rows for nComponents = ${K}: mark fewer rows as noise, or fit fewer components.`);
    }
    const logV = given !== undefined ? core().ln(given) : logHypervolume(m, w);
    const maxIter = this.opts.maxIter ?? 100, tol = this.opts.tol ?? 1e-3;
    // the start: the Gaussians from the other rows (initParams over them, one M-step); the
    // candidates of selectNoiseModel share one agglomeration of them (initParams 'hc')
    const share = (options as { [SHARED_START]?: SharedStart })[SHARED_START];
    g.fit(rowsOf(m, kept), { sampleWeight: Float64Array.from(kept, (i) => w[i]), ...(share ? { [SHARED_START]: share } : {}) } as FitOptions);
    // (with the caller's maxIter: the start's model had 0)
    const j0 = g.toJSON();
    const fitter = GaussianMixture.fromJSON({ ...j0, options: { ...j0.options, maxIter } });
    const total = w.reduce((s, v) => s + v, 0);
    let pi0 = noise.reduce((s, v, i) => s + (v ? w[i] : 0), 0) / total;
    let lower = -Infinity, converged = false, iter = 0;
    for (iter = 1; iter <= maxIter; iter++) {
      const e = noiseEStep(fitter, m, pi0, logV);
      let sum = 0, kept2 = 0;
      const f = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        sum += w[i] * e.logp[i];
        f[i] = w[i] * e.notNoise[i];
        kept2 += f[i];
      }
      const prev = lower;
      lower = sum / total;
      if (!Number.isFinite(lower)) throw new GmmError('NUMERICAL', `at EM iteration ${iter} the log-likelihood is ${lower}: scale the features.`);
      fitter.applyStatistics(fitter.computeStatistics(m, { sampleWeight: f }));
      pi0 = 1 - kept2 / total;
      options.onIteration?.({ init: 0, iter, lowerBound: lower, change: lower - prev });
      if (Math.abs(lower - prev) < tol) {
        converged = true;
        break;
      }
    }
    this.state = { gaussian: fitter, d: m.cols, noiseWeight: pi0, logV, converged, nIter: Math.min(iter, maxIter), lowerBound: lower };
    return this;
  }

  /** nComponents 0 (mclust's G = 0): every row noise, π₀ = 1; the mean log-likelihood −ln V. */
  private fitNoiseAlone(m: Matrix, w: Float64Array, given: number | undefined): this {
    const logV = given !== undefined ? core().ln(given) : logHypervolume(m, w);
    this.state = { gaussian: null, d: m.cols, noiseWeight: 1, logV, converged: true, nIter: 0, lowerBound: -logV };
    return this;
  }

  /** The options given, with the defaults filled in (a copy). */
  get options(): MixtureWithNoiseOptions {
    const { hypervolume, ...gaussian } = this.opts;
    const o = Object.fromEntries(Object.entries(gaussianOf(gaussian).getParams()).filter(([k]) => !REFUSED_WITH_NOISE.includes(k)));
    return { ...o, ...(gaussian.nComponents === 0 ? { nComponents: 0 } : {}), ...(hypervolume !== undefined ? { hypervolume } : {}) } as MixtureWithNoiseOptions;
  }

  private fitted(what: string): State {
    if (!this.state) throw new GmmError('NOT_FITTED', `${what} needs a fitted model: call fit(X, { noise }) first (or MixtureWithNoise.fromJSON).`);
    return this.state;
  }

  /** The Gaussians, with the noise alone (nComponents 0) refused. */
  private gaussians(what: string): GaussianMixture {
    const g = this.fitted(what).gaussian;
    if (!g) throw new GmmError('INVALID_ARGUMENT', `${what}: this model is the noise alone (nComponents 0): it has no Gaussian components.`);
    return g;
  }

  /** The Gaussian components as a mixture of their own (weights summing to 1): their
   *  parameters, as fromParameters gives them (nIter 0; the fit's are this model's). */
  get mixture(): GaussianMixture {
    const { lowerBounds: _, ...j } = this.gaussians('mixture').toJSON();
    return GaussianMixture.fromJSON({ ...j, converged: false, nIter: 0, lowerBound: null });
  }
  /** π₀, the noise component's weight. */
  get noiseWeight(): number { return this.fitted('noiseWeight').noiseWeight; }
  /** V: the noise's density is π₀/V everywhere (Infinity or 0 beyond the doubles: see logHypervolume). */
  get hypervolume(): number { return core().exp(this.fitted('hypervolume').logV); }
  get logHypervolume(): number { return this.fitted('logHypervolume').logV; }
  /** K + 1 weights: the Gaussians' (1 − π₀)·wₖ, then π₀ (mclust's pro, noise last). */
  get weights(): Float64Array {
    const s = this.fitted('weights');
    return Float64Array.from([...Array.from(s.gaussian?.weights ?? [], (v) => (1 - s.noiseWeight) * v), s.noiseWeight]);
  }
  /** K × d (0 × d for the noise alone). */
  get means(): Matrix {
    const s = this.fitted('means');
    return s.gaussian ? s.gaussian.means : { data: new Float64Array(0), rows: 0, cols: s.d };
  }
  get covariances(): Float64Array { return this.fitted('covariances').gaussian?.covariances ?? new Float64Array(0); }
  get converged(): boolean { return this.fitted('converged').converged; }
  get nIter(): number { return this.fitted('nIter').nIter; }
  get lowerBound(): number { return this.fitted('lowerBound').lowerBound; }
  get nComponents(): number { return this.fitted('nComponents').gaussian?.nComponents ?? 0; }

  /** Each row's probabilities: rows × (K + 1), the Gaussian components then the noise. */
  predictProba(X: MatrixInput): Matrix {
    const s = this.fitted('predictProba');
    const m = this.rows(X, s);
    if (!s.gaussian) return { data: new Float64Array(m.rows).fill(1), rows: m.rows, cols: 1 };
    const r = s.gaussian.predictProba(m), e = noiseEStep(s.gaussian, m, s.noiseWeight, s.logV);
    const K = r.cols, out = new Float64Array(m.rows * (K + 1));
    for (let i = 0; i < m.rows; i++) {
      for (let k = 0; k < K; k++) out[i * (K + 1) + k] = e.notNoise[i] * r.data[i * K + k];
      out[i * (K + 1) + K] = 1 - e.notNoise[i];
    }
    return { data: out, rows: m.rows, cols: K + 1 };
  }

  /** Each row's most probable component, or −1 where the noise is (mclust's 0). */
  predict(X: MatrixInput): Int32Array {
    this.fitted('predict');
    const p = this.predictProba(X), C = p.cols;
    return Int32Array.from({ length: p.rows }, (_, i) => {
      let best = 0;
      for (let k = 1; k < C; k++) if (p.data[i * C + k] > p.data[i * C + best]) best = k;
      return best === C - 1 ? -1 : best;
    });
  }

  /** log p(x) per row, the noise included. */
  scoreSamples(X: MatrixInput): Float64Array {
    const s = this.fitted('scoreSamples');
    const m = this.rows(X, s);
    return s.gaussian ? noiseEStep(s.gaussian, m, s.noiseWeight, s.logV).logp : new Float64Array(m.rows).fill(-s.logV);
  }

  /** X checked; for the noise alone, against d here (the Gaussians check it otherwise). */
  private rows(X: MatrixInput, s: State): Matrix {
    const m = toMatrix(X, 'X');
    if (!s.gaussian && m.cols !== s.d) {
      throw new GmmError('FEATURE_MISMATCH', `X has ${m.cols} features but the model was fitted on ${s.d}: pass the same features.`);
    }
    return m;
  }

  /** Mean log-likelihood per row. */
  score(X: MatrixInput): number {
    const v = this.scoreSamples(X);
    return v.reduce((a, b) => a + b, 0) / v.length;
  }

  /** mclust's count with noise: the Gaussians' free parameters, K free weights, and the
   *  hypervolume, which is taken from the data (nMclustParams(noise = TRUE) adds 2); for the
   *  noise alone the hypervolume only (mclustBIC's G = 0: 2 log L − ln n). */
  nParameters(): number {
    const g = this.fitted('nParameters').gaussian;
    return g ? g.nParameters() + 2 : 1;
  }

  /** −2·log-likelihood + p·ln n (lower is better). */
  bic(X: MatrixInput): number {
    const v = this.scoreSamples(X);
    return -2 * v.reduce((a, b) => a + b, 0) + this.nParameters() * core().ln(v.length);
  }

  aic(X: MatrixInput): number {
    const v = this.scoreSamples(X);
    return -2 * v.reduce((a, b) => a + b, 0) + 2 * this.nParameters();
  }

  toJSON(): MixtureWithNoiseJSON {
    const s = this.fitted('toJSON');
    return { format: 'gmm-wasm-noise', version: 1, options: this.options, mixture: s.gaussian?.toJSON() ?? null, nFeatures: s.d,
      noiseWeight: s.noiseWeight, logHypervolume: s.logV, converged: s.converged, nIter: s.nIter,
      lowerBound: Number.isFinite(s.lowerBound) ? s.lowerBound : null };
  }

  static fromJSON(json: MixtureWithNoiseJSON | string): MixtureWithNoise {
    const j = parseJSONText(json, 'MixtureWithNoise.fromJSON') as MixtureWithNoiseJSON;
    const bad = (why: string): GmmError => new GmmError('INVALID_JSON', `MixtureWithNoise.fromJSON: ${why}`);
    if (!j || j.format !== 'gmm-wasm-noise' || j.version !== 1) throw bad('not a MixtureWithNoise written by toJSON() (format "gmm-wasm-noise", version 1).');
    if (!(typeof j.noiseWeight === 'number' && j.noiseWeight >= 0 && j.noiseWeight <= 1)) throw bad('"noiseWeight" must be a number in [0, 1].');
    if (!Number.isFinite(j.logHypervolume)) throw bad('"logHypervolume" must be a finite number.');
    if (typeof j.converged !== 'boolean' || !Number.isInteger(j.nIter) || j.nIter < 0 || !(j.lowerBound === null || Number.isFinite(j.lowerBound))) {
      throw bad('"converged", "nIter" and "lowerBound" must be a boolean, an integer ≥ 0 and a number (or null).');
    }
    const out = new MixtureWithNoise(j.options);
    const alone = out.opts.nComponents === 0;
    if (alone !== (j.mixture === null)) throw bad('"mixture" must be null exactly where options.nComponents is 0 (the noise alone).');
    const gaussian = j.mixture === null ? null : GaussianMixture.fromJSON(j.mixture);
    const d = gaussian ? gaussian.nFeatures : j.nFeatures;
    if (!(Number.isInteger(d) && d! >= 1)) throw bad('"nFeatures" must be an integer ≥ 1 for the noise alone.');
    if (alone && !(j.noiseWeight === 1 && j.nIter === 0 && j.converged && j.lowerBound === -j.logHypervolume)) {
      throw bad('the noise alone has "noiseWeight" 1, "nIter" 0, "converged" true and "lowerBound" −"logHypervolume".');
    }
    out.state = { gaussian, d: d!, noiseWeight: j.noiseWeight, logV: j.logHypervolume, converged: j.converged, nIter: j.nIter,
      lowerBound: j.lowerBound ?? -Infinity };
    return out;
  }
}

/** The Gaussians' model of these options (checking them), the noise alone's (nComponents 0,
 *  no Gaussians) with one component in its place. */
function gaussianOf(o: GaussianMixtureOptions): GaussianMixture {
  return new GaussianMixture(o.nComponents === 0 ? { ...o, nComponents: 1 } : o);
}

/** Per row: log p(x) with the noise, and 1 − (the noise's share) = (1 − π₀) g(x) / p(x). */
function noiseEStep(g: GaussianMixture, m: Matrix, pi0: number, logV: number): { logp: Float64Array; notNoise: Float64Array } {
  const c = core();
  const s = g.scoreSamples(m);
  const la = c.ln(1 - pi0), lb = c.ln(pi0) - logV;
  const logp = new Float64Array(m.rows), notNoise = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    const a = la + s[i];
    const hi = Math.max(a, lb);
    const lse = hi === -Infinity ? -Infinity : hi + c.ln(c.exp(a - hi) + c.exp(lb - hi));
    logp[i] = lse;
    notNoise[i] = lse === -Infinity ? 0 : c.exp(a - lse);
  }
  return { logp, notNoise };
}

/** The noise guess checked (noiseRows) for rows of weights w: some of the rows of positive
 *  weight marked, and (unless all may be: the noise alone) not every one, which mclust refuses
 *  too ("All observations cannot be initialised as noise!"). */
export function noiseGuess(v: unknown, w: ArrayLike<number>, all: boolean): boolean[] {
  const noise = noiseRows(v, w.length);
  const marked = noise.filter((_, i) => w[i] > 0);
  if (!marked.includes(true)) throw new GmmError('INVALID_ARGUMENT', 'noise marks no row (of positive weight): mark the rows first taken as noise.');
  if (!all && !marked.includes(false)) {
    throw new GmmError('INVALID_ARGUMENT', 'noise marks every row (of positive weight), which leaves the Gaussians nothing to start from ' +
      '(mclust refuses it too): leave the rows of the clusters unmarked.');
  }
  return noise;
}

/** noise checked: one boolean per row. */
function noiseRows(v: unknown, n: number): boolean[] {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') {
    throw new GmmError('INVALID_TYPE', `noise must be an array of ${n} booleans (true: a row first taken as noise); got ${describe(v)}.`);
  }
  const a = Array.from(v as ArrayLike<unknown>);
  if (a.length !== n) throw new GmmError('SHAPE_MISMATCH', `noise has ${a.length} entries but X has ${n} rows: give one per row.`);
  const bad = a.findIndex((x) => typeof x !== 'boolean' && x !== 0 && x !== 1);
  if (bad >= 0) throw new GmmError('INVALID_ARGUMENT', `noise[${bad}] is ${describe(a[bad])}: give true or false (or 1 or 0) for each row.`);
  return a.map((x) => x === true || x === 1);
}
