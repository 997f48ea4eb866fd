// The coordinator's side of a fit: the parameters, the M-step from combined statistics,
// the centre updates and the draws of the initialisation, all in one core instance (the
// caller's for fit(), a private one for the asynchronous fits, so that nothing the caller
// does between two awaits can touch them).
import { TYPE_CODE, seedCore, type CoreExports } from '../core/core.js';
import type { Arena } from '../core/arena.js';
import { GmmError } from '../core/errors.js';
import { paramLength, type Params } from '../model/params.js';
import { countsMeetPrior, type ResolvedOptions } from '../model/validate.js';
import type { ParamPtrs } from './shard.js';
import type { EStepArrays } from '../parallel/protocol.js';
import { poolCode } from '../model/covariance-models.js';

/**
 * The largest precision loss (assembly/mstep.ts shiftLoss) the M-step accepts from
 * statistics taken about the current means: beyond it, 6 bits (a variance off by about
 * 64 times the error of a computation centred on the new means), or a mean that moved by about 8 standard deviations in one iteration,
 * the E-step's statistics are taken again about the means they give (recentre()). It
 * is met in the first iterations from a poor start, and by features nearly constant
 * within a component (pixels of digits). A policy of the wrapper; the loss is the core's.
 */
export const SHIFT_LOSS_LIMIT = 64;

/**
 * The data's covariance from its weighted scatter about the mean (upper triangle, d×d), for a
 * prior that defaults to it: a full d×d matrix. The unbiased divisor takes one row's weight off
 * Σw: weights count rows, so that is 1 (integer weights give repeated rows' covariance;
 * unweighted, n − 1 as numpy's np.cov, scikit-learn and R's var), but never more than the
 * weight of one effective row, Σw²/Σw, so that weights below 1 keep a covariance (numpy's
 * aweights divisor there). Weights below about 1e-154 underflow Σw² (the divisor is then Σw).
 * `what` names the default in errors, `option` the option that replaces it.
 */
export function dataCovariance(scatter: Float64Array, sumW: number, sumW2: number, d: number, what: string, option: string): Float64Array {
  const denom = sumW - Math.min(1, sumW2 / sumW);
  if (!Number.isFinite(sumW) || !Number.isFinite(sumW2)) {
    throw new GmmError('INVALID_SAMPLE_WEIGHT', `the default ${what} weighs rows by sampleWeight, whose sums ` +
      `pass the range of doubles: divide the weights by a common factor, or give ${option}.`);
  }
  if (!(denom > 0)) {
    throw new GmmError('TOO_FEW_SAMPLES', `the default ${what} is the data's covariance, which needs at least ` +
      `two rows of positive weight: add data, or give ${option}.`);
  }
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j] = scatter[i <= j ? i * d + j : j * d + i] / denom;
  return cov;
}

export class Coordinator {
  readonly c: CoreExports;
  readonly arena: Arena;
  readonly o: ResolvedOptions;
  readonly K: number;
  readonly d: number;
  readonly type: number;
  readonly P: number;
  readonly S: number;
  readonly b: {
    weights: number; means: number; cov: number; chol: number; logConst: number;
    stats: number; sums: number; tmp: number; prec: number; shift: number; implied: number; prior: number;
  };

  constructor(c: CoreExports, arena: Arena, o: ResolvedOptions, d: number) {
    this.c = c;
    this.arena = arena;
    this.o = o;
    const K = (this.K = o.nComponents);
    this.d = d;
    this.type = TYPE_CODE[o.covarianceType];
    const P = (this.P = paramLength(o.covarianceType, K, d));
    this.S = c.statsSize(this.type, K, d);
    this.b = {
      weights: arena.allocF64(K), means: arena.allocF64(K * d), cov: arena.allocF64(P), chol: arena.allocF64(P),
      logConst: arena.allocF64(K), stats: arena.allocF64(this.S), sums: arena.allocF64(K * d + K),
      tmp: arena.allocF64(c.mStepScratchSize(K, d)), prec: arena.allocF64(P), shift: arena.allocF64(K * d),
      implied: arena.allocF64(K * d), prior: arena.allocF64(K * d),
    };
  }

  seed(seed: number): void {
    seedCore(this.c, seed);
  }

  /** A uniform draw in [0, 1) from the core's PRNG. */
  uniform(): number {
    return this.c.rngUniform();
  }

  /** A 64-bit seed for per-chunk streams, drawn from the main stream (two 32-bit halves). */
  streamSeed(): [number, number] {
    return [Math.floor(this.uniform() * 4294967296) >>> 0, Math.floor(this.uniform() * 4294967296) >>> 0];
  }

  view(which: keyof Coordinator['b'], n: number): Float64Array {
    return this.arena.f64(this.b[which], n);
  }

  get means(): Float64Array { return this.view('means', this.K * this.d); }
  get covariances(): Float64Array { return this.view('cov', this.P); }

  /** The E-step's per-component constants from the current weights and factors. */
  logConstants(): void {
    this.c.logConstants(this.b.weights, this.b.chol, this.b.logConst, this.type, this.K, this.d);
  }

  /** The M-step from statistics (root, or null when already in the stats buffer) about
   *  `shift` (default: the current means); with `prior`, statistics taken again about the
   *  shift for an E-step whose means were prior (assembly/mstep.ts: the same M-step as
   *  about prior). Returns the first component whose covariance is not positive definite,
   *  or -1. */
  mStep(root: Float64Array | null, shift?: Float64Array, prior?: Float64Array, warm = false): number {
    this.prepareMStep(root, shift, prior);
    const bad = this.c.mStep(this.b.stats, this.b.means, prior ? this.b.prior : this.b.means, this.K, this.d, this.type,
      poolCode(this.o.covarianceModel), this.o.regCovar, this.b.weights, this.b.means, this.b.cov, this.b.chol, this.b.tmp, warm);
    this.equalWeights();
    return bad >= 0 ? bad : this.numericallySingular();
  }

  /** With equalWeights, every weight back at 1/K after an M-step (mclust's equalPro: the
   *  masses still weigh the means and covariances). */
  protected equalWeights(): void {
    if (this.o.equalWeights) this.view('weights', this.K).fill(1 / this.K);
  }

  /**
   * With regCovar 0 nothing keeps a covariance off singular: one singular in exact arithmetic
   * (fewer rows than features, rows on a plane) factors with pivots of rounding size, and its
   * densities mean nothing. The first full or tied covariance whose smallest Cholesky pivot²
   * (1/Uᵢᵢ², U the precision factor) is below 4·d·eps of its largest diagonal entry, else -1.
   * scikit-learn's Cholesky refuses such matrices ("ill-defined empirical covariance"). With
   * regCovar > 0 the floor keeps them positive definite by design.
   */
  private numericallySingular(): number {
    const { K, d } = this, type = this.o.covarianceType;
    if (this.o.regCovar !== 0 || (type !== 'full' && type !== 'tied')) return -1;
    const U = this.view('chol', this.P), cov = this.covariances;
    for (let k = 0; k < (type === 'full' ? K : 1); k++) {
      let maxU = 0, maxS = 0;
      for (let i = 0; i < d; i++) {
        maxU = Math.max(maxU, Math.abs(U[k * d * d + i * d + i]));
        maxS = Math.max(maxS, cov[k * d * d + i * d + i]);
      }
      if (1 / (maxU * maxU) < 4 * d * 2.220446049250313e-16 * maxS) return k;
    }
    return -1;
  }

  /**
   * The statistics buffer (root copied in first, when given), for maximum likelihood with
   * its components' masses totalling less than 1 multiplied by the power of two that brings
   * that total into [1, 2), which is exact: only ratios of weights matter there, but for the
   * 10·eps every component's mass gets in the M-step (scikit-learn's rule for unit weights),
   * which would otherwise move the parameters by up to 10·eps/Σw of themselves (covariances
   * 40 % off at a total of 1e-14). Not with a prior (variational or mclust's), whose counts
   * meet the masses. The header scales too, so the lower bound's ratio keeps its bits, and
   * a second call changes nothing. Every fit, pool, stream and
   * applyStatistics reaches the M-step through here, so they all agree.
   */
  protected readyStats(root: Float64Array | null): void {
    const stats = this.view('stats', this.S);
    if (root) stats.set(root);
    // the masses' total (the header's Σw is not filled by an initialisation's statistics)
    let total = 0;
    for (let k = 0; k < this.K; k++) total += stats[2 + k];
    if (countsMeetPrior(this.o) || !(total > 0 && total < 1)) return;
    let e = 0;
    for (let t = total; t < 1; t *= 2) e++;
    // 2^e in two exact factors (2^1074, which the smallest subnormal total needs, is not a double)
    const fa = 2 ** Math.ceil(e / 2), fb = 2 ** (e - Math.ceil(e / 2));
    for (let i = 0; i < stats.length; i++) stats[i] = stats[i] * fa * fb;
  }

  /** mStep's buffers: the statistics, the prior (before the means change) and the shift. */
  protected prepareMStep(root: Float64Array | null, shift?: Float64Array, prior?: Float64Array): void {
    this.readyStats(root);
    if (prior) this.view('prior', this.K * this.d).set(prior);
    if (shift) this.means.set(shift);
  }

  /**
   * Whether an E-step's statistics about the current means (root, or null when in the
   * statistics buffer) lose more than SHIFT_LOSS_LIMIT to cancellation in the M-step; if
   * so, the means they give are in the shift buffer, and the same E-step about them (the
   * same responsibilities and lower bound) loses nothing. The decision reads the combined
   * statistics only, so it is the same however the rows are split.
   */
  recentre(root: Float64Array | null): boolean {
    if (this.shiftLoss(root, false) <= SHIFT_LOSS_LIMIT) return false;
    this.shift.set(this.view('implied', this.K * this.d));
    return true;
  }

  /** The M-step's precision loss (assembly/mstep.ts shiftLoss) from statistics (root, or
   *  null when in the statistics buffer) about the shift buffer, or about the means, for an
   *  E-step with the current means; the M-step's means go into the implied buffer. */
  shiftLoss(root: Float64Array | null, shifted: boolean): number {
    this.readyStats(root);
    return this.c.shiftLoss(this.b.stats, shifted ? this.b.shift : this.b.means, this.b.means, this.K, this.d, this.type,
      this.o.regCovar, this.b.implied, this.b.tmp);
  }

  /**
   * Why statistics about the shift buffer would cost the M-step too much precision (after
   * shiftLoss(…, true) gave `loss`), or null. Any shift gives the same model in exact
   * arithmetic (assembly/mstep.ts), so this guards only against gross misuse: sums that
   * overflowed, or a loss beyond 2^26 (half the digits; infinite where it cannot be
   * computed) with a component whose implied mean lies more than 2^13 ulps from its shift;
   * or a nearly empty component (not weighed in the loss) whose shift is that far from its mean.
   * A right shift can carry some ulps of the first pass's rounding, and a component
   * collapsed onto copies of a point has a huge loss at it; neither is refused.
   */
  shiftCost(loss: number): string | null {
    const { K, d } = this;
    const stats = this.view('stats', this.S), shift = this.shift, implied = this.view('implied', K * d), means = this.means;
    const ulps = 8192 * 2.220446049250313e-16; // 2^13 ulps
    // a nearly empty component (the core's own test; masses summed in shiftLoss's order) is
    // not weighed by shiftLoss, and recentre() leaves its shift at its mean: one far from it
    // would cost its covariance unseen
    let total = 0;
    for (let k = 0; k < K; k++) total += stats[2 + k];
    for (let k = 0; k < K; k++) {
      const m = stats[2 + k];
      if (!this.c.nearlyEmpty(m, total)) continue;
      for (let i = k * d; i < (k + 1) * d; i++) {
        if (!(Math.abs(shift[i] - means[i]) <= ulps * Math.max(Math.abs(shift[i]), Math.abs(means[i])))) {
          return `component ${k} is nearly empty (mass ${m}) and keeps its mean as its shift; feature ${i % d} lies ` +
            `${Math.abs(shift[i] - means[i]).toPrecision(3)} from it`;
        }
      }
    }
    if (loss <= 2 ** 26) return null;
    // Σ w·lse at [0] may be −∞ for other reasons (NUMERICAL)
    for (let j = 1; j < stats.length; j++) if (!Number.isFinite(stats[j])) return 'the sums about it overflowed';
    for (let i = 0; i < K * d; i++) {
      const scale = Math.max(Math.abs(implied[i]), Math.abs(shift[i]), Math.abs(means[i]));
      if (!(Math.abs(implied[i] - shift[i]) <= ulps * scale)) {
        return `component ${Math.floor(i / d)}'s mean lies ${Math.abs(implied[i] - shift[i]).toPrecision(3)} from it in feature ` +
          `${i % d}, and the M-step would lose ${Number.isFinite(loss) ? `a factor ${loss.toPrecision(3)}` : 'every digit'} of precision`;
      }
    }
    return null;
  }

  /** The shift recentre() chose (a view). */
  get shift(): Float64Array { return this.view('shift', this.K * this.d); }

  /**
   * One EM update from an E-step's statistics (root, or null when in the statistics
   * buffer), about the shift buffer when `shifted`, else the current means: the lower
   * bound, then the M-step unless the bound is not finite. Returns the bound and the first
   * component whose covariance is not positive definite (or -1).
   */
  update(root: Float64Array | null, shifted = false): { lower: number; bad: number } {
    const lower = this.statsLowerBound(root);
    if (!Number.isFinite(lower)) return { lower, bad: -1 };
    // taken again about the shift: the E-step's means are the prior
    // warm: the covariances are the E-step's (mclust's EVE and VVE start their orientation there)
    return { lower, bad: shifted ? this.mStep(root, this.shift, this.means, true) : this.mStep(root, undefined, undefined, true) };
  }

  /** The data's weighted mean and scatter, for models whose priors depend on the data
   *  (none here: see variational.ts). */
  get wantsDataMoments(): boolean { return false; }
  setDataMoments(_mean: Float64Array, _scatter: Float64Array, _sumW: number, _sumW2: number): void {}

  /** The mean log-likelihood in the statistics' header (Σ w·lse / Σ w). */
  statsLowerBound(root: Float64Array | null): number {
    if (root) return root[0] / root[1];
    return this.arena.readF64(this.b.stats) / this.arena.readF64(this.b.stats + 8);
  }

  /** Moves centres (K×d) to the means of their combined Lloyd sums; returns the squared shift. */
  lloydUpdate(root: Float64Array | null, centres: Float64Array): number {
    const K = this.K, d = this.d;
    if (root) this.view('sums', K * d + K).set(root);
    this.means.set(centres);
    const shift = this.c.lloydUpdate(this.b.sums, K, d, this.b.means);
    centres.set(this.means);
    return shift;
  }

  /** Whether a start on K points (pointStart) goes through the M-step, as one-hot
   *  statistics of mass 1 about each point: a fit whose M-step has a prior (variational, or
   *  mclust's), where the covariances come from the prior. Maximum likelihood sets them. */
  protected get pointsThroughMStep(): boolean { return false; }

  /** Means at the given points, weights 1/K and covariances regCovar·I (the k-means++ and
   *  random_from_data starts; with a prior, the M-step of one-hot responsibilities on them);
   *  returns the first component not positive definite, or -1. */
  pointStart(means: Float64Array): number {
    if (this.pointsThroughMStep) {
      const stats = new Float64Array(this.S);
      stats.fill(1, 2, 2 + this.K);
      return this.mStep(stats, means);
    }
    this.means.set(means);
    this.view('weights', this.K).fill(1 / this.K);
    const cov = this.covariances, d = this.d, reg = this.o.regCovar;
    if (this.o.covarianceType === 'full' || this.o.covarianceType === 'tied') {
      cov.fill(0);
      for (let k = 0; k < cov.length / (d * d); k++) for (let i = 0; i < d; i++) cov[k * d * d + i * d + i] = reg;
    } else {
      cov.fill(reg);
    }
    return this.c.precisionCholesky(this.b.cov, this.b.chol, this.b.tmp, this.type, this.K, this.d);
  }

  /** The user's weightsInit / meansInit / precisionsInit over whatever the method gave. */
  applyExplicitStart(): void {
    const o = this.o;
    if (o.weightsInit) this.view('weights', this.K).set(o.weightsInit);
    if (o.meansInit) this.means.set(o.meansInit);
    if (o.precisionsInit) {
      const prec = this.view('prec', this.P);
      prec.set(o.precisionsInit);
      // a precision symmetric only within tolerance is read by its lower triangle, as
      // scikit-learn's Cholesky (numpy's) reads it: the upper one is mirrored from it
      if (this.type === TYPE_CODE.full || this.type === TYPE_CODE.tied) {
        const { d } = this;
        for (let k = 0; k < (this.type === TYPE_CODE.full ? this.K : 1); k++) {
          for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) prec[k * d * d + i * d + j] = prec[k * d * d + j * d + i];
        }
      }
      const bad = this.c.fromPrecisions(this.b.prec, this.b.cov, this.b.chol, this.b.tmp, this.type, this.K, this.d);
      if (bad >= 0) {
        throw new GmmError('INVALID_INIT', `precisionsInit${o.covarianceType === 'tied' ? '' : `[${bad}]`} is not positive definite: ` +
          'precisions must be symmetric positive definite (inverse covariances).');
      }
    }
  }

  read(): Params {
    const { K, d, P } = this;
    return {
      covarianceType: this.o.covarianceType, K, d,
      weights: this.view('weights', K).slice(),
      means: this.means.slice(),
      covariances: this.view('cov', P).slice(),
      precisionsCholesky: this.view('chol', P).slice(),
    };
  }

  write(p: Params): void {
    this.view('weights', p.K).set(p.weights);
    this.means.set(p.means);
    this.view('cov', p.covariances.length).set(p.covariances);
    this.view('chol', p.precisionsCholesky.length).set(p.precisionsCholesky);
  }

  /** Where the E-step's parameters are in this instance (a shard in the same one reads them
   *  in place). */
  eStepPtrs(shifted: boolean): ParamPtrs {
    const b = this.b;
    return { means: b.means, chol: b.chol, logConst: b.logConst, shift: shifted ? b.shift : 0, weights: b.weights, cov: b.cov };
  }

  /** What a shard needs for an E-step: means, precision factors and log-constants, copied
   *  into views of one new buffer, which a message to a worker copies in one piece (Node:
   *  faster than three arrays, and than moving a new buffer by transfer). The factors go
   *  whole: packing their upper triangles (packing.ts) costs the coordinator more than the
   *  smaller copy saves. With `missing`, the weights and covariances too (the
   *  incomplete-data E-step's). */
  eStepParams(shifted = false, missing = false): EStepArrays {
    const { K, d, P } = this;
    const sizes = [K * d, P, K, shifted ? K * d : 0, missing ? K : 0, missing ? P : 0];
    const all = new Float64Array(sizes.reduce((a, b) => a + b, 0));
    const parts: Float64Array[] = [];
    let at = 0;
    for (const n of sizes) {
      parts.push(all.subarray(at, at + n));
      at += n;
    }
    parts[0].set(this.means);
    parts[1].set(this.view('chol', P));
    parts[2].set(this.view('logConst', K));
    const p: EStepArrays = { means: parts[0], chol: parts[1], logConst: parts[2] };
    if (shifted) {
      parts[3].set(this.shift);
      p.shift = parts[3];
    }
    if (missing) {
      parts[4].set(this.view('weights', K));
      parts[5].set(this.covariances);
      p.weights = parts[4];
      p.cov = parts[5];
    }
    return p;
  }
}
