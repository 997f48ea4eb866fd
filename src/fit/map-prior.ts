// The coordinator of a fit with mclust's conjugate prior (the `prior` option): maximum
// likelihood's driver, clusters and E-step, with the core's MAP M-step (assembly/map.ts).
// The prior's data-dependent defaults (mclust's defaultPrior) come from one pass before the
// first start, as a Bayesian mixture's do.
import type { CoreExports } from '../core/core.js';
import type { Arena } from '../core/arena.js';
import type { Params } from '../model/params.js';
import type { ResolvedOptions } from '../model/validate.js';
import { Coordinator } from './coordinator.js';
import { GmmError } from '../core/errors.js';
import { checkPriorShape, matrixScale, priorRule, type PriorParams, type ResolvedPrior } from '../model/conjugate-prior.js';

export class MapCoordinator extends Coordinator {
  private readonly p: ResolvedPrior;
  private readonly rule: number;
  private readonly ptr: { mean: number; scale: number };
  private prior: PriorParams | null = null;

  constructor(c: CoreExports, arena: Arena, o: ResolvedOptions, d: number) {
    checkPriorShape(o.prior!, o.covarianceModel, d);
    super(c, arena, o, d);
    this.p = o.prior!;
    this.rule = priorRule(o.covarianceModel, this.K, d);
    this.ptr = { mean: arena.allocF64(d), scale: arena.allocF64(this.scaleLength) };
    if (!this.wantsDataMoments) this.resolve({ shrinkage: this.p.shrinkage, mean: this.p.mean!, dof: this.p.dof ?? d + 2, scale: this.p.scale! });
  }

  private get scaleLength(): number {
    return matrixScale(this.o.covarianceModel, this.d) ? this.d * this.d : 1;
  }

  override get wantsDataMoments(): boolean {
    return this.p.mean === null || this.p.scale === null;
  }

  /**
   * mclust's defaultPrior: the mean of the data, and the scale (1/K)^(2/d) times their
   * covariance (ellipsoidal models; its diagonal when Σw ≤ d, as mclust's with n ≤ d rows)
   * or times the mean of their variances (the others). The covariance divides by
   * Σw − min(1, Σw²/Σw), as a Bayesian mixture's default: n − 1 for unit weights, as R's var().
   */
  override setDataMoments(mean: Float64Array, scatter: Float64Array, sumW: number, sumW2: number): void {
    const { d, K } = this;
    let scale = this.p.scale;
    if (!scale) {
      const denom = sumW - Math.min(1, sumW2 / sumW);
      if (!Number.isFinite(sumW) || !Number.isFinite(sumW2)) {
        throw new GmmError('INVALID_SAMPLE_WEIGHT', 'the default prior scale weighs rows by sampleWeight, whose sums pass the ' +
          'range of doubles: divide the weights by a common factor, or give prior.scale.');
      }
      if (!(denom > 0)) {
        throw new GmmError('TOO_FEW_SAMPLES', 'the default prior scale is the data\'s covariance, which needs at least two rows ' +
          'of positive weight: add data, or give prior.scale.');
      }
      // (1/K)^(2/d) by the core's log and exp, the same bits in every runtime (1 for K = 1)
      const fac = this.c.exp((this.c.ln(1 / K) * 2) / d);
      const at = (i: number, j: number): number => scatter[i <= j ? i * d + j : j * d + i] / denom;
      if (matrixScale(this.o.covarianceModel, d)) {
        scale = new Float64Array(d * d);
        const full = sumW > d;
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) scale[i * d + j] = i === j || full ? fac * at(i, j) : 0;
      } else {
        let s = 0;
        for (let i = 0; i < d; i++) s += at(i, i);
        scale = Float64Array.of((fac * s) / d);
      }
    }
    this.resolve({ shrinkage: this.p.shrinkage, mean: this.p.mean ?? mean, dof: this.p.dof ?? this.d + 2, scale });
  }

  private resolve(p: PriorParams): void {
    this.prior = { ...p, mean: p.mean.slice(), scale: p.scale.slice() };
    this.arena.f64(this.ptr.mean, this.d).set(p.mean);
    this.arena.f64(this.ptr.scale, p.scale.length).set(p.scale);
  }

  override mStep(root: Float64Array | null, shift?: Float64Array, prior?: Float64Array): number {
    this.prepareMStep(root, shift, prior);
    const p = this.prior!;
    const bad = this.c.mapMStep(this.b.stats, this.b.means, this.K, this.d, this.type, this.rule, this.o.regCovar, p.shrinkage,
      this.ptr.mean, p.dof, this.ptr.scale, this.b.weights, this.b.means, this.b.cov, this.b.chol, this.b.tmp);
    this.equalWeights();
    return bad;
  }

  /** One-hot responsibilities on the K given points through the MAP M-step (k-means++ and
   *  random_from_data): their covariances come from the prior alone. */
  override pointStart(means: Float64Array): number {
    const stats = new Float64Array(this.S);
    stats.fill(1, 2, 2 + this.K);
    return this.mStep(stats, means);
  }

  override read(): Params {
    const p = super.read();
    const q = this.prior!;
    p.prior = { ...q, mean: q.mean.slice(), scale: q.scale.slice() };
    return p;
  }

  /** The parameters, and the prior they were fitted with, unless this fit resolved its own
   *  from the options and the data (a warm start takes new data's defaults, as a Bayesian
   *  mixture's). */
  override write(p: Params): void {
    super.write(p);
    if (!this.prior && p.prior) this.resolve(p.prior);
  }
}
