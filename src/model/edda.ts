// EDDA (Bensmail & Celeux 1996; mclust's MclustDA(modelType = "EDDA")): one Gaussian per
// class, all classes under one covariance model. For each model, one M-step from the classes
// (a fit with initLabels and maxIter 0, as mclust's mstep(z = unmap(class))), ranked by BIC
// (or AIC) of the mixture of the classes with their shares as weights, the weights not counted
// (mclust's bic(…, equalPro = TRUE)); the winner's components become the classes' models.
import { GmmError } from '../core/errors.js';
import { core } from '../core/core.js';
import { GaussianMixture } from './gaussian-mixture.js';
import { covarianceParameters, modelNamed, structureOf, type CovarianceModel, type CovarianceName } from './covariance-models.js';
import { collapsedComponent } from './collapse.js';
import { componentSlice } from './params.js';
import type { GaussianMixtureOptions, Matrix } from './validate.js';
import type { ClassLabel } from './class-labels.js';
import type { Failure } from './selection-json.js';


/** One covariance model EDDA fitted, with its criteria (lower is better; the weights are not
 *  counted in nParameters, as mclust's EDDA counts them). */
export interface EddaResult {
  covarianceType: CovarianceModel;
  bic: number;
  aic: number;
  /** Σ log Σc πc fc(x) over the rows, with πc the classes' shares. */
  logLikelihood: number;
  nParameters: number;
  /** A class's covariance has a direction on the regCovar floor, or one whose variance is
   *  rounding (as selectModel's results say): mclust reports such models NA. */
  collapsed: boolean;
}

/** What EDDA tried: every model fitted, best first (those with no class on the floor first,
 *  then by the criterion, fewer parameters, the order tried), and those that failed (a
 *  class's covariance not positive definite). */
export interface EddaSelection {
  criterion: 'bic' | 'aic';
  results: EddaResult[];
  failed: Failure[];
}

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
  const fits: { gm: GaussianMixture; result: EddaResult }[] = [];
  const failed: EddaSelection['failed'] = [];
  // each model once, whatever name it is given by
  const tried = [...new Set(covarianceTypes.map((t) => modelNamed(t)!))];
  for (const t of tried) {
    const gm = new GaussianMixture({ ...model, nComponents: C, covarianceType: t, maxIter: 0 });
    try {
      gm.fit(m, { initLabels });
    } catch (e) {
      if (!(e instanceof GmmError) || (e.code !== 'NOT_POSITIVE_DEFINITE' && e.code !== 'NUMERICAL')) throw e;
      failed.push({ covarianceType: gm.covarianceType, error: e });
      continue;
    }
    const p = eddaParameters(gm.covarianceType, C, m.cols), ll = gm.score(m) * n;
    const result: EddaResult = { covarianceType: gm.covarianceType, nParameters: p,
      bic: -2 * ll + p * core().ln(n), aic: -2 * ll + 2 * p, logLikelihood: ll, collapsed: collapsedComponent(gm) >= 0 };
    fits.push({ gm, result });
  }
  if (fits.length === 0) {
    throw new GmmError(failed[0].error.code, `EDDA could fit none of the covariance models (${failed.map((f) => f.covarianceType).join(', ')}): ` +
      `${failed[0].error.message} Give classes more rows than features, or a positive regCovar.`);
  }
  const by = criterion;
  // a model with a class on the floor (mclust: NA) only where every model has one
  const order = fits.map((_, i) => i).sort((a, b) => (+fits[a].result.collapsed - +fits[b].result.collapsed) ||
    (fits[a].result[by] - fits[b].result[by]) ||
    (fits[a].result.nParameters - fits[b].result.nParameters) || a - b);
  const best = fits[order[0]].gm;
  const { covarianceType } = best, { regCovar } = best.options;
  const means = best.means.data, cov = best.covariances, d = m.cols;
  const models = classes.map((_, k) => GaussianMixture.fromParameters({ weights: [1], means: { data: means.subarray(k * d, (k + 1) * d), rows: 1, cols: d },
    covariances: componentSlice(structureOf(covarianceType), d, cov, k), featureNames: best.featureNames }, { covarianceType, regCovar }));
  return { models, selection: { criterion: by, results: order.map((i) => fits[i].result), failed } };
}

