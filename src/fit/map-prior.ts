// The coordinator of a fit with mclust's conjugate prior (the `prior` option): maximum
// likelihood's driver, clusters and E-step, with the core's MAP M-step (assembly/map.ts).
// The prior's data-dependent defaults (mclust's defaultPrior) come from one pass before the
// first start, as a Bayesian mixture's do.
import type { CoreExports } from '../core/core.js';
import type { Arena } from '../core/arena.js';
import type { Params } from '../model/params.js';
import type { ResolvedOptions } from '../model/validate.js';
import { Coordinator, dataCovariance } from './coordinator.js';
import { checkConjugatePriorShape, copyPrior, matrixScale, priorRule, priorScaleLength, type PriorParams, type ResolvedPrior } from '../model/conjugate-prior.js';

export class MapCoordinator extends Coordinator {
  private readonly p: ResolvedPrior;
  private readonly rule: number;
  private readonly ptr: { mean: number; scale: number };
  private prior: PriorParams | null = null;

  constructor(c: CoreExports, arena: Arena, o: ResolvedOptions, d: number) {
    checkConjugatePriorShape(o.prior!, o.covarianceModel, d);
    super(c, arena, o, d);
    this.p = o.prior!;
    this.rule = priorRule(o.covarianceModel, this.K, d);
    this.ptr = { mean: arena.allocF64(d), scale: arena.allocF64(priorScaleLength(o.covarianceModel, d)) };
    if (!this.wantsDataMoments) this.resolve({ shrinkage: this.p.shrinkage, mean: this.p.mean!, dof: this.p.dof ?? d + 2, scale: this.p.scale! });
  }

  override get wantsDataMoments(): boolean {
    return this.p.mean === null || this.p.scale === null;
  }

  /**
   * mclust's defaultPrior: the mean of the data, and the scale (1/K)^(2/d) times their
   * covariance (coordinator.ts dataCovariance: n − 1 for unit weights, as R's var), for the
   * ellipsoidal models (its diagonal when Σw ≤ d, as mclust's with n ≤ d rows), or times the
   * mean of their variances (the others).
   */
  override setDataMoments(mean: Float64Array, scatter: Float64Array, sumW: number, sumW2: number): void {
    const { d, K } = this;
    let scale = this.p.scale;
    if (!scale) {
      const cov = dataCovariance(scatter, sumW, sumW2, d, 'prior scale', 'prior.scale');
      // (1/K)^(2/d) by the core's log and exp, the same bits in every runtime (1 for K = 1)
      const fac = this.c.exp((this.c.ln(1 / K) * 2) / d);
      if (matrixScale(this.o.covarianceModel, d)) {
        const full = sumW > d;
        scale = cov.map((v, ij) => (full || ij % (d + 1) === 0 ? fac * v : 0));
      } else {
        let s = 0;
        for (let i = 0; i < d; i++) s += cov[i * d + i];
        scale = Float64Array.of((fac * s) / d);
      }
    }
    this.resolve({ shrinkage: this.p.shrinkage, mean: this.p.mean ?? mean, dof: this.p.dof ?? this.d + 2, scale });
  }

  private resolve(p: PriorParams): void {
    this.prior = copyPrior(p);
    this.arena.f64(this.ptr.mean, this.d).set(p.mean);
    this.arena.f64(this.ptr.scale, p.scale.length).set(p.scale);
  }

  /** The MAP M-step (assembly/map.ts). Statistics about any shift give the same x̄ = c + sum/n
   *  exactly (no 10·eps term to correct, as maximum likelihood's keptDelta has), so the
   *  E-step's means that the base class passes along are not needed. */
  override mStep(root: Float64Array | null, shift?: Float64Array): number {
    this.prepareMStep(root, shift);
    const p = this.prior!;
    const bad = this.c.mapMStep(this.b.stats, this.b.means, this.K, this.d, this.type, this.rule, this.o.regCovar, p.shrinkage,
      this.ptr.mean, p.dof, this.ptr.scale, this.b.weights, this.b.means, this.b.cov, this.b.chol, this.b.tmp);
    this.equalWeights();
    return bad;
  }

  /** k-means++ and random_from_data start through the MAP M-step: their covariances come from the prior. */
  protected override get pointsThroughMStep(): boolean { return true; }

  override read(): Params {
    const p = super.read();
    p.prior = copyPrior(this.prior!);
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
