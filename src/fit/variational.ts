// The coordinator of a variational Bayesian mixture (BayesianGaussianMixture): the same
// driver, clusters and E-step as maximum likelihood, with the per-component constants,
// the M-step and the lower bound of assembly/variational.ts. The priors' data-dependent
// defaults (mean and covariance of the data) come from one pass before the first start.
import type { CoreExports } from '../core/core.js';
import type { Arena } from '../core/arena.js';
import { priorLength, type Params, type Priors } from '../model/params.js';
import type { ResolvedOptions } from '../model/validate.js';
import { Coordinator, dataCovariance } from './coordinator.js';
import { checkPriorShapes } from '../model/bayesian-options.js';
import { MapCoordinator } from './map-prior.js';

/** The variational options, resolved (null: the data-dependent or scikit-learn default). */
export interface VariationalOptions {
  process: boolean;
  weightConcentrationPrior: number | null;
  meanPrecisionPrior: number | null;
  meanPrior: Float64Array | null;
  degreesOfFreedomPrior: number | null;
  covariancePrior: Float64Array | null;
  /** The nesting covariancePrior was given with ([] for a number). */
  covariancePriorShape?: number[] | null;
}

export class VariationalCoordinator extends Coordinator {
  readonly v: VariationalOptions;
  private readonly vb: { conc: number; meanPrec: number; dof: number; meanPrior: number; covPrior: number };
  private priors: Priors | null = null;

  constructor(c: CoreExports, arena: Arena, o: ResolvedOptions, d: number) {
    checkPriorShapes(o, d);
    super(c, arena, o, d);
    this.v = o.variational!;
    const K = this.K;
    this.vb = {
      conc: arena.allocF64(2 * K), meanPrec: arena.allocF64(K), dof: arena.allocF64(K),
      meanPrior: arena.allocF64(d), covPrior: arena.allocF64(priorLength(o.covarianceType, d)),
    };
    // priors that all are given need no pass over the data
    if (!this.wantsDataMoments) this.resolvePriors(o.variational!.meanPrior!, o.variational!.covariancePrior!);
  }

  private f64(which: keyof VariationalCoordinator['vb'], n: number): Float64Array {
    return this.arena.f64(this.vb[which], n);
  }

  private get process(): number { return this.v.process ? 1 : 0; }
  private get concLength(): number { return this.v.process ? 2 * this.K : this.K; }
  private get dofLength(): number { return this.o.covarianceType === 'tied' ? 1 : this.K; }

  override get wantsDataMoments(): boolean {
    return this.v.meanPrior === null || this.v.covariancePrior === null;
  }

  /**
   * Resolves the priors. Defaults as scikit-learn: γ₀ = 1/K, β₀ = 1, ν₀ = d, m₀ the
   * (weighted) mean of the data and Ψ₀ its covariance (coordinator.ts dataCovariance; n − 1
   * for unit weights): the full matrix (full, tied), its diagonal (diag) or the diagonal's
   * mean (spherical).
   */
  override setDataMoments(mean: Float64Array, scatter: Float64Array, sumW: number, sumW2: number): void {
    const { d } = this, type = this.o.covarianceType;
    let cov = this.v.covariancePrior;
    if (!cov) {
      const full = dataCovariance(scatter, sumW, sumW2, d, 'covariancePrior', 'covariancePrior');
      if (type === 'full' || type === 'tied') {
        cov = full;
      } else if (type === 'diag') {
        cov = Float64Array.from({ length: d }, (_, i) => full[i * d + i]);
      } else {
        let s = 0;
        for (let i = 0; i < d; i++) s += full[i * d + i];
        cov = Float64Array.of(s / d);
      }
    }
    this.resolvePriors(this.v.meanPrior ?? mean, cov);
  }

  /** The priors from the options, the data's mean and covariance standing in for those not given. */
  private resolvePriors(mean: Float64Array, cov: Float64Array): void {
    const v = this.v;
    this.setPriors({
      weightConcentration: v.weightConcentrationPrior ?? 1 / this.K,
      meanPrecision: v.meanPrecisionPrior ?? 1,
      mean: mean.slice(),
      degreesOfFreedom: v.degreesOfFreedomPrior ?? this.d,
      covariance: cov.slice(),
    });
  }

  private setPriors(p: Priors): void {
    this.priors = p;
    this.f64('meanPrior', this.d).set(p.mean);
    this.f64('covPrior', p.covariance.length).set(p.covariance);
  }

  override logConstants(): void {
    this.c.vbLogConstants(this.vb.conc, this.process, this.b.chol, this.vb.dof, this.vb.meanPrec, this.b.logConst, this.type, this.K, this.d);
  }

  override mStep(root: Float64Array | null, shift?: Float64Array, prior?: Float64Array): number {
    this.prepareMStep(root, shift, prior);
    const p = this.priors!;
    return this.c.vbMStep(this.b.stats, this.b.means, prior ? this.b.prior : this.b.means, this.K, this.d, this.type,
      this.o.regCovar, this.process,
      p.weightConcentration, p.meanPrecision, this.vb.meanPrior, p.degreesOfFreedom, this.vb.covPrior,
      this.vb.conc, this.vb.meanPrec, this.vb.dof, this.b.weights, this.b.means, this.b.cov, this.b.chol, this.b.tmp);
  }

  /**
   * scikit-learn's lower bound: −Σ w·r·ln r from this E-step (with the parameters it ran
   * with), then the parameter terms after the M-step. A total over the rows, not a mean,
   * so tol applies to the total as in scikit-learn.
   */
  override update(root: Float64Array | null, shifted = false): { lower: number; bad: number } {
    if (root) this.view('stats', this.S).set(root);
    const header = this.statsLowerBound(null);
    if (!Number.isFinite(header)) return { lower: header, bad: -1 };
    const c = this.c;
    // the statistics' scatter moved back to the E-step's means when taken about a shift
    const entropy = c.vbResponsibilityEntropy(this.b.stats, shifted ? this.b.shift : 0, this.b.means, this.b.chol,
      this.b.logConst, this.type, this.K, this.d);
    const bad = shifted ? this.mStep(null, this.shift, this.means) : this.mStep(null);
    if (bad >= 0) return { lower: NaN, bad };
    const terms = c.vbBoundTerms(this.b.chol, this.vb.dof, this.vb.meanPrec, this.vb.conc, this.process, this.type, this.K, this.d);
    return { lower: -entropy + terms, bad };
  }

  /** k-means++ and random_from_data start through the variational M-step (scikit-learn's start). */
  protected override get pointsThroughMStep(): boolean { return true; }

  override read(): Params {
    const p = super.read();
    p.variational = {
      process: this.v.process,
      weightConcentration: this.f64('conc', this.concLength).slice(),
      meanPrecision: this.f64('meanPrec', this.K).slice(),
      degreesOfFreedom: this.f64('dof', this.dofLength).slice(),
      priors: { ...this.priors!, mean: this.priors!.mean.slice(), covariance: this.priors!.covariance.slice() },
    };
    return p;
  }

  /** The parameters, and the priors unless this fit resolved its own from the data
   *  (a warm start takes new data's defaults, as scikit-learn). */
  override write(p: Params): void {
    super.write(p);
    const v = p.variational;
    if (!v) return;
    this.f64('conc', v.weightConcentration.length).set(v.weightConcentration);
    this.f64('meanPrec', this.K).set(v.meanPrecision);
    this.f64('dof', v.degreesOfFreedom.length).set(v.degreesOfFreedom);
    if (!this.priors) this.setPriors(v.priors);
  }
}

/** The coordinator the options call for. */
export function createCoordinator(c: CoreExports, arena: Arena, o: ResolvedOptions, d: number): Coordinator {
  if (o.variational) return new VariationalCoordinator(c, arena, o, d);
  return o.prior ? new MapCoordinator(c, arena, o, d) : new Coordinator(c, arena, o, d);
}
