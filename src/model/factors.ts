// The core's Cholesky of covariances given from outside a fit (a model file, fromParameters,
// a shifted copy for collapse.ts): the factorisation every fit runs on the covariances it
// stores, so a fit's own covariances pass and give its factors bit for bit.
import { core, TYPE_CODE } from '../core/core.js';
import { arenaFor } from '../core/arena.js';
import type { CovarianceType } from './validate.js';

/** The precision factors of cov (paramLength(type, K, d) numbers) and the first covariance
 *  (the tied one: 0) that is not positive definite, or −1 (then chol is complete). Uses the
 *  core's scratch memory only. */
export function precisionFactors(type: CovarianceType, K: number, d: number, cov: Float64Array): { bad: number; chol: Float64Array } {
  const c = core();
  const arena = arenaFor(c);
  const src = arena.put(cov), out = arena.allocF64(cov.length);
  const bad = c.precisionCholesky(src, out, arena.allocF64(d * d), TYPE_CODE[type], K, d);
  return { bad, chol: arena.f64(out, cov.length).slice() };
}

/** Symmetric d×d a = V diag(ω) Vᵀ by the core's Jacobi (assembly/eigen.ts): ω descending, V
 *  row-major with the vectors as its columns. Uses the core's scratch memory only. */
export function eigenDecomposition(a: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const c = core(), arena = arenaFor(c);
  const A = arena.put(a), values = arena.allocF64(d), vectors = arena.allocF64(d * d);
  c.symmetricEigen(A, d, values, vectors);
  return { values: arena.f64(values, d).slice(), vectors: arena.f64(vectors, d * d).slice() };
}

/** The eigenvalues of K symmetric d×d matrices (K·d, each component's descending), by the
 *  core's Jacobi (assembly/eigen.ts). Uses the core's scratch memory only. */
export function eigenvalues(K: number, d: number, cov: Float64Array): Float64Array {
  const c = core();
  const arena = arenaFor(c);
  const a = arena.allocF64(d * d), vectors = arena.allocF64(d * d), values = arena.allocF64(K * d);
  for (let k = 0; k < K; k++) {
    arena.f64(a, d * d).set(cov.subarray(k * d * d, (k + 1) * d * d));
    c.symmetricEigen(a, d, values + 8 * k * d, vectors);
  }
  return arena.f64(values, K * d).slice();
}
