// mclust's hypvol: the volume the noise component's uniform density spreads over.
import { GmmError } from '../core/errors.js';
import { core } from '../core/core.js';
import { eigenDecomposition } from './factors.js';
import { weightedMoments } from './moments.js';
import { toMatrix, toSampleWeight, type Matrix, type MatrixInput } from './validate.js';

/** mclust's hypvol(X) (below); rows of weight 0 do not count, and weights count as repeated rows. */
export function hypervolume(X: MatrixInput, options: { sampleWeight?: ArrayLike<number> | null } = {}): number {
  const m = toMatrix(X, 'X');
  return core().exp(logHypervolume(m, toSampleWeight(options?.sampleWeight, m.rows)));
}

/**
 * ln of mclust's hypvol(X): the smaller of the volumes of the data's bounding box and of its
 * box along the principal axes (the ranges of princomp's scores: the rows centred on their
 * weighted mean, times the eigenvectors of their weighted covariance with divisor Σw), as a
 * sum of the core's logs; one feature: its range. Where the covariance is isotropic its axes,
 * and so this volume, are arbitrary (as in R).
 */
export function logHypervolume(m: Matrix, w: Float64Array | null): number {
  const d = m.cols, c = core();
  const rows = Array.from({ length: m.rows }, (_, i) => i).filter((i) => !w || w[i] > 0);
  const logRanges = (value: (i: number, j: number) => number): number => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      let lo = Infinity, hi = -Infinity;
      for (const i of rows) {
        const v = value(i, j);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      s += c.ln(hi - lo);
    }
    return s;
  };
  let vol = logRanges((i, j) => m.data[i * d + j]);
  if (d > 1) {
    const { mean, cov } = weightedMoments(m, w);
    const V = eigenDecomposition(cov, d).vectors;
    vol = Math.min(vol, logRanges((i, j) => {
      let s = 0;
      for (let a = 0; a < d; a++) s += (m.data[i * d + a] - mean[a]) * V[a * d + j];
      return s;
    }));
  }
  if (!Number.isFinite(vol)) {
    throw new GmmError('INVALID_ARGUMENT', 'the data span no volume (a feature is constant, or the rows lie in a plane): ' +
      'give the hypervolume option.');
  }
  return vol;
}
