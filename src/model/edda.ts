// EDDA (Bensmail & Celeux 1996; mclust's MclustDA(modelType = "EDDA")): one Gaussian per
// class, all classes under one covariance model. For each model, one M-step from the classes
// (a fit with initLabels and maxIter 0, as mclust's mstep(z = unmap(class))), ranked by BIC
// (or AIC) of the mixture of the classes with their shares as weights, the weights not counted
// (mclust's bic(…, equalPro = TRUE)); the winner's components become the classes' models.
import { core } from '../core/core.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { covarianceParameters, structureOf, type CovarianceModel, type CovarianceName } from './covariance-models.js';
import { collapsedComponent } from './collapse.js';
import { componentSlice } from './params.js';
import type { GaussianMixtureOptions, Matrix } from './validate.js';
import type { ClassLabel } from './class-labels.js';
import { selectCovarianceModel, type ModelResult, type Selection } from './covariance-selection.js';
import { typeValues } from './select.js';

/** One covariance model EDDA fitted, with its criteria (lower is better; the weights are not
 *  counted in nParameters, as mclust's EDDA counts them). */
export interface EddaResult extends ModelResult {
  /** Σ log Σc πc fc(x) over the rows, with πc the classes' shares. */
  logLikelihood: number;
}

/** What EDDA tried: every model fitted, best first (those with no class on the floor first,
 *  then by the criterion, fewer parameters, the order tried), and those that failed (a
 *  class's covariance not positive definite). */
export type EddaSelection = Selection<EddaResult>;

/** EDDA's free parameters (mclust's count): the C classes' means and one model's covariance
 *  parameters over them; the weights are the classes' shares, not parameters (equalPro). */
export function eddaParameters(model: CovarianceModel, C: number, d: number): number {
  return C * d + covarianceParameters(model, C, d);
}

/** EDDA: for each covariance model, one M-step from the classes, ranked by the criterion;
 *  the winner's components become the classes' one-component models. */
export function fitEdda(m: Matrix, labels: readonly ClassLabel[], classes: readonly ClassLabel[], covarianceTypes: readonly CovarianceName[],
criterion: 'bic' | 'aic', model: GaussianMixtureOptions): { models: GaussianMixture[]; selection: EddaSelection } {
  const C = classes.length, n = m.rows;
  const index = new Map(classes.map((c, k) => [c, k]));
  const initLabels = Int32Array.from(labels, (l) => index.get(l)!);
  const fit = (t: CovarianceModel): { gm: GaussianMixture; result: EddaResult } => {
    const gm = new GaussianMixture({ ...model, nComponents: C, covarianceType: t, maxIter: 0 }).fit(m, { initLabels });
    const p = eddaParameters(gm.covarianceType, C, m.cols), ll = gm.score(m) * n;
    return { gm, result: { covarianceType: gm.covarianceType, nParameters: p, bic: -2 * ll + p * core().ln(n), aic: -2 * ll + 2 * p,
      logLikelihood: ll, collapsed: collapsedComponent(gm) >= 0 } };
  };
  const { best: { gm: best }, selection } = selectCovarianceModel(typeValues(covarianceTypes), fit, criterion, 'fewer', 'EDDA',
    'Give classes more rows than features, or a positive regCovar.');
  const { covarianceType } = best, { regCovar } = best.options;
  const means = best.means.data, cov = best.covariances, d = m.cols;
  const models = classes.map((_, k) => GaussianMixture.fromParameters({ weights: [1], means: { data: means.subarray(k * d, (k + 1) * d), rows: 1, cols: d },
    covariances: componentSlice(structureOf(covarianceType), d, cov, k), featureNames: best.featureNames }, { covarianceType, regCovar }));
  return { models, selection };
}

