// Cross-validation of a classifier as mclust's cvMclustDA: folds balanced over the classes,
// and the fold values pooled by fold size with mclust's standard errors.
import { core, seedCore } from '../core/core.js';
import type { Matrix } from './validate.js';
import type { ClassLabel } from './class-labels.js';

/** crossValidate's result: each row's prediction and class probabilities from the fold that
 *  held it out, the classification error and Brier score (mclust's cvMclustDA: ce, brier)
 *  and their standard errors. */
export interface CrossValidation {
  classification: ClassLabel[];
  proba: Matrix;
  error: number; errorSE: number;
  brier: number; brierSE: number;
  nFolds: number;
}

/**
 * Each row's fold (0 … F − 1), balanced over the classes: each class's rows in an order drawn
 * with the core's PRNG (seeded), dealt to the folds in turn, the deal going on from class to
 * class so that the folds' sizes differ by one at most. With F = n every row is its own fold.
 */
export function balancedFolds(codes: number[], C: number, F: number, seed: number): Int32Array {
  const n = codes.length, fold = new Int32Array(n);
  if (F === n) return fold.map((_, i) => i);
  const c = core();
  seedCore(c, seed);
  let next = 0;
  for (let k = 0; k < C; k++) {
    const rows = codes.flatMap((v, i) => (v === k ? [i] : []));
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.min(i, Math.floor(c.rngUniform() * (i + 1)));
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    for (const r of rows) fold[r] = next++ % F;
  }
  return fold;
}

/** mclust's pooled estimate of a fold metric (weighted by the folds' sizes) and its standard
 *  error, sqrt(Σ (vₓ − v̄)² sizeₓ / (n (F − 1)/F) / F). */
export function pooled(v: readonly number[], sizes: readonly number[]): [number, number] {
  const n = sizes.reduce((a, b) => a + b, 0), F = v.length;
  const mean = v.reduce((a, x, f) => a + x * sizes[f], 0) / n;
  const spread = v.reduce((a, x, f) => a + (x - mean) ** 2 * sizes[f], 0) / ((n * (F - 1)) / F);
  return [mean, Math.sqrt(spread / F)];
}
