// A fitted model from known parameters (scikit-learn: setting weights_, means_,
// covariances_ and precisions_cholesky_ by hand; mclust: dens(parameters = …)): checked as
// a fit's would be, the precision factors computed by the core's own Cholesky, so the
// model scores, samples and conditions exactly as one whose fit ended at these parameters.
import { GmmError } from '../core/errors.js';
import { covarianceShape, paramLength, type FittedState } from './params.js';
import { eigenvalues, precisionFactors } from './factors.js';
import { asymmetricEntry, describe, repeatedName, toTensor, type MatrixInput } from './validate.js';
import { checkConstraint, structureOf, type CovarianceModel } from './covariance-models.js';

/** The parameters of a mixture, in the layouts a fitted model's getters give them. */
export interface MixtureParameters {
  /** K mixing weights, non-negative, summing to 1 (within 1e-8). */
  weights: ArrayLike<number>;
  /** K × d means (rows, or { data, rows, cols } as `gm.means`). */
  means: MatrixInput;
  /** As `gm.covariances` for the type: K·d·d (full), d·d (tied), K·d (diag) or K (spherical)
   *  numbers, flat or nested ([K][d][d], [d][d], [K][d]). */
  covariances: ArrayLike<number> | readonly unknown[];
  /** Column names, as a fit keeps them (default: the columns of means given as
   *  { data, rows, cols, columns }; null: none). */
  featureNames?: readonly string[] | null;
}

/** The fitted state for p under a covariance model (K from the weights, d from the means):
 *  converged false, nIter 0 and lowerBound −∞, as no fit ran. Every check, beforeWork's
 *  too, comes before the core is asked for the precision factors; a constrained model's
 *  constraint is checked on them. */
export function parametersState(p: unknown, model: CovarianceModel, nComponents: number | undefined,
  beforeWork: (d: number) => void = () => {}): FittedState {
  const type = structureOf(model);
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    throw new GmmError('INVALID_TYPE', `fromParameters needs { weights, means, covariances }; got ${describe(p)}.`);
  }
  const o = p as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['weights', 'means', 'covariances', 'featureNames'].includes(key)) {
      throw new GmmError('INVALID_ARGUMENT', `fromParameters: unknown parameter "${key}"; the parameters are weights, means, ` +
        'covariances and featureNames (the precision factors are computed from the covariances).');
    }
  }
  for (const key of ['weights', 'means', 'covariances']) {
    if (o[key] == null) throw new GmmError('INVALID_TYPE', `fromParameters needs ${key}; got ${describe(o[key])}.`);
  }
  const w = toTensor(o.weights, 'weights', 'INVALID_ARGUMENT');
  if (w.shape.length !== 1 || w.data.length < 1) {
    throw new GmmError('SHAPE_MISMATCH', `weights has shape [${w.shape.join(', ')}]: give a flat array of one weight per component.`);
  }
  const weights = w.data;
  const K = weights.length;
  if (nComponents !== undefined && nComponents !== K) {
    throw new GmmError('SHAPE_MISMATCH', `options.nComponents is ${nComponents} but there are ${K} weights: leave nComponents out, or give one weight per component.`);
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    if (!(weights[k] >= 0)) throw new GmmError('INVALID_ARGUMENT', `weights[${k}] is ${weights[k]}: weights must be ≥ 0.`);
    sum += weights[k];
  }
  if (!(Math.abs(1 - sum) <= 1e-8)) {
    throw new GmmError('INVALID_ARGUMENT', `weights must sum to 1 (within 1e-8); they sum to ${sum}. Divide them by their sum.`);
  }
  const m = toTensor(o.means, 'means', 'INVALID_ARGUMENT');
  if (m.shape.length !== 2 || m.shape[1] < 1) {
    throw new GmmError('SHAPE_MISMATCH', `means has shape [${m.shape.join(', ')}]: give K rows of d numbers (or { data, rows, cols }).`);
  }
  if (m.shape[0] !== K) throw new GmmError('SHAPE_MISMATCH', `means has ${m.shape[0]} rows but there are ${K} weights: give one mean per component.`);
  const d = m.shape[1];
  const c = toTensor(o.covariances, 'covariances', 'INVALID_ARGUMENT');
  const want = paramLength(type, K, d), canonical = covarianceShape(type, K, d);
  if (c.data.length !== want || (c.shape.length > 1 && c.shape.join() !== canonical.join())) {
    throw new GmmError('SHAPE_MISMATCH', `covariances for covarianceType '${type}' must have shape [${canonical.join(', ')}] ` +
      `(or be one flat array of ${want} numbers); got shape [${c.shape.join(', ')}].`);
  }
  const cov = c.data;
  if (type === 'full' || type === 'tied') {
    for (let k = 0; k < (type === 'full' ? K : 1); k++) {
      const off = k * d * d;
      const asym = asymmetricEntry(cov, off, d);
      if (asym) {
        const [i, j] = asym;
        throw new GmmError('INVALID_ARGUMENT', `covariances${type === 'full' ? `[${k}]` : ''} is not symmetric (entry [${i}][${j}] = ` +
          `${cov[off + i * d + j]}, [${j}][${i}] = ${cov[off + j * d + i]}): use (C + Cᵀ) / 2.`);
      }
      // within numpy's tolerance: stored as (C + Cᵀ)/2, which leaves a symmetric C's bits, so
      // that the conditionals (upper triangle), the Cholesky (lower) and fromJSON agree
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < i; j++) cov[off + i * d + j] = cov[off + j * d + i] = (cov[off + i * d + j] + cov[off + j * d + i]) / 2;
      }
    }
  } else {
    for (let i = 0; i < want; i++) {
      if (!(cov[i] > 0)) throw new GmmError('NOT_POSITIVE_DEFINITE', `covariances entry ${i} is ${cov[i]}: ${type} variances must be > 0.`);
    }
  }
  // featureNames (null: none), else the columns of means given as { data, rows, cols, columns }
  const given = (o.means as { columns?: unknown }).columns;
  const names = o.featureNames === undefined ? (Array.isArray(given) ? given : undefined) : o.featureNames ?? undefined;
  if (names !== undefined && (!Array.isArray(names) || names.length !== d || !names.every((v) => typeof v === 'string'))) {
    throw new GmmError('INVALID_ARGUMENT', `featureNames must be an array of ${d} strings (one per feature of the means), or null.`);
  }
  if (names !== undefined && repeatedName(names as string[]) !== undefined) {
    throw new GmmError('INVALID_ARGUMENT', `featureNames names ${JSON.stringify(repeatedName(names as string[]))} twice: each column has a name of its own.`);
  }
  beforeWork(d); // the caller's checks that need d (the options' initial parameters)
  // the precision factors by the core's Cholesky, which also says whether each covariance is
  // positive definite (the same factorisation a fit runs on the covariances it stores)
  const { bad, chol } = precisionFactors(type, K, d, cov);
  if (bad >= 0) {
    throw new GmmError('NOT_POSITIVE_DEFINITE', `covariances${type === 'tied' ? '' : `[${bad}]`} is not positive definite: ` +
      'a covariance must be symmetric with positive eigenvalues (add a small multiple of the identity if it is nearly singular).');
  }
  for (let i = 0; i < want; i++) {
    if (!Number.isFinite(chol[i])) {
      throw new GmmError('NOT_POSITIVE_DEFINITE', 'covariances are too close to singular for their precision factors to be finite doubles.');
    }
  }
  checkConstraint(model, K, d, cov, chol, () => eigenvalues(K, d, cov));
  return {
    params: { covarianceType: type, K, d, weights: weights.slice(), means: m.data, covariances: cov, precisionsCholesky: chol },
    converged: false, nIter: 0, lowerBound: -Infinity, lowerBounds: [],
    featureNames: names ? (names as string[]).slice() : null,
  };
}
