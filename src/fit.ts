// The EM driver: initialisation, iterations to tol, restarts. Every kernel and every
// transcendental function runs in the core; JavaScript does only IEEE +, −, ×, ÷ (the same
// in every engine), comparisons and copies, so results are bit-identical across runtimes.
import { core, kernels, seedCore, TYPE_CODE, type CoreExports } from './core.js';
import { arenaFor, type Arena } from './arena.js';
import { GmmError } from './errors.js';
import { blockRows, paramLength, type FittedState, type Params } from './params.js';
import type { ResolvedOptions, Matrix } from './validate.js';
import { scoreInto } from './score.js';

const KMEANS_MAX_ITER = 300;

/** Bits of the Z-order key for m rows: about 8 rows per bucket, at most 2^20 buckets. */
function zOrderBits(m: number): number {
  return Math.max(1, Math.min(20, Math.ceil(Math.log2(Math.max(m, 2) / 8))));
}
const KMEANS_TOL = 1e-4;

export interface IterationInfo {
  /** 0-based initialisation index (restart). */
  init: number;
  /** 1-based EM iteration within the initialisation. */
  iter: number;
  /** Mean log-likelihood of the parameters before this iteration's M-step. */
  lowerBound: number;
  /** Change of lowerBound from the previous iteration. */
  change: number;
}

/** Byte offsets of one fit's buffers in the arena. */
interface Buffers {
  x: number; w: number; weights: number; means: number; cov: number; chol: number;
  logConst: number; stats: number; scratch: number; tmp: number;
  labels: number; idx: number; initScratch: number; order: number; balls: number;
}

function allocate(arena: Arena, c: CoreExports, X: Matrix, hasW: boolean, o: ResolvedOptions): Buffers {
  const n = X.rows, d = X.cols, K = o.nComponents;
  const type = TYPE_CODE[o.covarianceType];
  const P = paramLength(o.covarianceType, K, d);
  const B = blockRows(K, d);
  const S = c.statsSize(type, K, d);
  // init scratch: k-means++ (n + 1 + B + 8 + 4d + 2), Lloyd (K·d + K + B + 8), chooseRows (n), precisionsInit (P)
  const initF64 = Math.max(n + 1 + B + 8 + 4 * d + 2, K * d + K + B + 8, P);
  const scratchF64 = c.scratchSize(K, d, B);
  const f64 = n * d + d + (hasW ? n : 0) + K + K * d + 2 * P + K + S + scratchF64 + d * d + d + initF64;
  const buckets = (1 << zOrderBits(n)) + 1;
  const ballsF64 = c.ballsSize(n, d, B);
  arena.reserve(f64 * 8 + n * 4 + K * 4 + buckets * 4 + ballsF64 * 8 + 16 * 16, `fitting ${n}×${d} data with ${K} components`);
  const b: Buffers = {
    x: arena.put(X.data, d), // d spare f64: the pair layout pads an odd last block
    w: 0,
    weights: arena.allocF64(K),
    means: arena.allocF64(K * d),
    cov: arena.allocF64(P),
    chol: arena.allocF64(P),
    logConst: arena.allocF64(K),
    stats: arena.allocF64(S),
    scratch: arena.allocF64(scratchF64),
    tmp: arena.allocF64(d * d + d),
    labels: arena.alloc(n * 4),
    idx: arena.alloc(K * 4),
    initScratch: arena.allocF64(initF64),
    order: arena.alloc(buckets * 4),
    balls: arena.allocF64(ballsF64),
  };
  return b;
}

function notPd(k: number, o: ResolvedOptions, when: string, cov?: Float64Array): GmmError {
  const which = o.covarianceType === 'tied' ? 'the tied covariance' : `component ${k}'s covariance`;
  if (cov && !cov.every(Number.isFinite)) {
    return new GmmError('NOT_POSITIVE_DEFINITE', `${when}, ${which} overflowed to a non-finite value: the data's ` +
      'magnitude is beyond what double precision can square (about 1e154). Scale the data (e.g. standardise the features).');
  }
  return new GmmError('NOT_POSITIVE_DEFINITE', `${when}, ${which} is not positive definite (a collapsed or ` +
    `singular component: duplicate points or a constant feature). Raise regCovar (now ${o.regCovar}), ` +
    'reduce nComponents, or scale the data.');
}

/** Initial parameters into the arena (weights, means, cov, chol) by o.initParams,
 *  overridden by the user's weightsInit / meansInit / precisionsInit. */
function initialize(c: CoreExports, arena: Arena, b: Buffers, X: Matrix, w: Float64Array | null, o: ResolvedOptions): void {
  const n = X.rows, d = X.cols, K = o.nComponents;
  const type = TYPE_CODE[o.covarianceType];
  const B = blockRows(K, d);
  const all = o.weightsInit && o.meansInit && o.precisionsInit;
  // precisionsInit replaces whatever covariances the method gives, so those are not checked
  const check = (bad: number, when: string): void => {
    if (!o.precisionsInit) checkPd(bad, o, when, covOf(arena, b, o, d));
  };
  if (!all) {
    if (o.initParams === 'kmeans') {
      c.kmeansPlusPlus(b.x, b.w, n, d, K, B, b.means, b.idx, b.initScratch);
      c.lloyd(b.x, b.w, n, d, K, B, b.means, b.labels, KMEANS_MAX_ITER, KMEANS_TOL, b.initScratch);
      c.initStats(b.x, b.w, n, d, K, type, b.labels, b.means, b.stats, b.scratch, B);
      check(c.mStep(b.stats, b.means, K, d, type, o.regCovar, b.weights, b.means, b.cov, b.chol, b.tmp), 'after k-means initialisation');
    } else if (o.initParams === 'random') {
      // shift every component by the (weighted) data mean: one M-step-like pass
      const means = arena.f64(b.means, K * d);
      weightedMean(X, w, means.subarray(0, d));
      for (let k = 1; k < K; k++) means.copyWithin(k * d, 0, d);
      c.initStats(b.x, b.w, n, d, K, type, 0, b.means, b.stats, b.scratch, B);
      check(c.mStep(b.stats, b.means, K, d, type, o.regCovar, b.weights, b.means, b.cov, b.chol, b.tmp), 'after random initialisation');
    } else {
      // 'k-means++' and 'random_from_data': one-hot responsibilities on K chosen rows give
      // means at those rows and covariances regCovar·I, as scikit-learn's M-step does
      // (its weights are (1+10·eps)/n each and do not sum to 1; these are 1/K).
      if (o.initParams === 'k-means++') {
        c.kmeansPlusPlus(b.x, b.w, n, d, K, B, b.means, b.idx, b.initScratch); // writes the means
      } else {
        c.chooseRows(b.w, n, K, b.idx, b.initScratch);
        c.gatherRows(b.x, n, d, B, b.idx, K, b.means);
      }
      arena.f64(b.weights, K).fill(1 / K);
      const cov = covOf(arena, b, o, d);
      if (o.covarianceType === 'full' || o.covarianceType === 'tied') {
        cov.fill(0);
        for (let k = 0; k < cov.length / (d * d); k++) for (let i = 0; i < d; i++) cov[k * d * d + i * d + i] = o.regCovar;
      } else {
        cov.fill(o.regCovar);
      }
      check(c.precisionCholesky(b.cov, b.chol, b.tmp, type, K, d), `after '${o.initParams}' initialisation (covariances are regCovar·I)`);
    }
  }
  if (o.weightsInit) arena.f64(b.weights, K).set(o.weightsInit);
  if (o.meansInit) arena.f64(b.means, K * d).set(o.meansInit);
  if (o.precisionsInit) {
    const P = paramLength(o.covarianceType, K, d);
    const prec = arena.f64(b.initScratch, P);
    prec.set(o.precisionsInit);
    const bad = c.fromPrecisions(b.initScratch, b.cov, b.chol, b.tmp, type, K, d);
    if (bad >= 0) {
      throw new GmmError('INVALID_INIT', `precisionsInit${o.covarianceType === 'tied' ? '' : `[${bad}]`} is not positive definite: ` +
        'precisions must be symmetric positive definite (inverse covariances).');
    }
  }
}

function checkPd(bad: number, o: ResolvedOptions, when: string, cov?: Float64Array): void {
  if (bad >= 0) throw notPd(bad, o, when, cov);
}

/** The NUMERICAL error, naming the first row whose log-density is not finite (found by
 *  scoring the data again: this runs only on the way out). */
function nonFinite(lower: number, iter: number, params: Params, X: Matrix, w: Float64Array | null): GmmError {
  const lse = new Float64Array(X.rows);
  scoreInto(params, X, { lse });
  // rows of weight 0 do not enter the log-likelihood
  const row = lse.findIndex((v, i) => !Number.isFinite(v) && (w === null || w[i] > 0));
  return new GmmError('NUMERICAL', `the log-likelihood became ${lower} at iteration ${iter}` +
    (row >= 0 ? ` (row ${row} has log-density ${lse[row]})` : '') +
    ': the data are out of the range the model can represent; scale the features (e.g. standardise them).');
}

function covOf(arena: Arena, b: Buffers, o: ResolvedOptions, d: number): Float64Array {
  return arena.f64(b.cov, paramLength(o.covarianceType, o.nComponents, d));
}

function weightedMean(X: Matrix, w: Float64Array | null, out: Float64Array): void {
  // The shift of the random initialisation's statistics: any point near the data keeps
  // them free of cancellation (the M-step re-centres from it). X and w in the caller's
  // order (the arena's copy is reordered).
  const d = X.cols;
  let ws = 0;
  out.fill(0);
  for (let i = 0; i < X.rows; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    ws += wi;
    for (let j = 0; j < d; j++) out[j] += wi * X.data[i * d + j];
  }
  for (let j = 0; j < d; j++) out[j] /= ws;
}

function readParams(arena: Arena, b: Buffers, o: ResolvedOptions, d: number): Params {
  const K = o.nComponents;
  const P = paramLength(o.covarianceType, K, d);
  return {
    covarianceType: o.covarianceType, K, d,
    weights: arena.f64(b.weights, K).slice(),
    means: arena.f64(b.means, K * d).slice(),
    covariances: arena.f64(b.cov, P).slice(),
    precisionsCholesky: arena.f64(b.chol, P).slice(),
  };
}

function writeParams(arena: Arena, b: Buffers, p: Params): void {
  arena.f64(b.weights, p.K).set(p.weights);
  arena.f64(b.means, p.K * p.d).set(p.means);
  arena.f64(b.cov, p.covariances.length).set(p.covariances);
  arena.f64(b.chol, p.precisionsCholesky.length).set(p.precisionsCholesky);
}

/** Only ratios of sample weights matter. Weights far from 1 (max beyond 2^±100) are
 *  multiplied by the power of two that brings their maximum into [1, 2), which is exact,
 *  so that w·x cannot overflow (or underflow) where the data itself would not. */
function rescaled(w: Float64Array): Float64Array {
  let m = 0;
  for (const v of w) if (v > m) m = v;
  if (m <= 2 ** 100 && m >= 2 ** -100) return w;
  let scale = 1;
  while (m * scale >= 2) scale *= 0.5;
  while (m * scale < 1) scale *= 2;
  return w.map((v) => v * scale);
}

/** Runs EM. `warm` continues from previous parameters (warmStart) with its lower bound. */
export function runFit(
  X: Matrix, sampleWeight: Float64Array | null, o: ResolvedOptions,
  warm: { params: Params; lowerBound: number } | null,
  onIteration?: (info: IterationInfo) => void,
): FittedState {
  const c = core();
  const n = X.rows, d = X.cols, K = o.nComponents;
  const type = TYPE_CODE[o.covarianceType];
  const arena = arenaFor(c);
  const b = allocate(arena, c, X, sampleWeight !== null, o);
  const w = sampleWeight ? rescaled(sampleWeight) : null;
  if (w) b.w = arena.put(w);
  const B = blockRows(K, d);
  seedCore(c, o.seed);
  // Rows close in space next to each other (a Z-order curve, about 8 rows per bucket), so
  // that most groups of consecutive rows are certified to one component and skip most of
  // the E-step (assembly/certify.ts). The order depends on the data alone (weight-0 rows
  // last), so fits of the same data, warm starts included, agree bit for bit; the copy is
  // ours, and the caller's X keeps its order.
  const bits = zOrderBits(sampleWeight ? sampleWeight.reduce((m, v) => m + (v > 0 ? 1 : 0), 0) : n);
  c.spatialKeys(b.x, b.w, n, d, bits, b.labels, b.tmp);
  c.groupRows(b.x, b.w, n, d, (1 << bits) + 1, b.labels, b.order);
  // initialisation and the SIMD EM pass read x in pair blocks (block.ts): transposed once
  // (the scalar reference EM, a test mode, goes back to rows and returns for each restart)
  c.pairsInPlace(b.x, n, d, B, b.scratch);
  // the bounding balls of the E-step's groups of rows (assembly/certify.ts): the data do
  // not change during a fit, so once (about (d+1)/64 of the data's size)
  c.groupBalls(b.x, n, d, B, b.balls);
  const nInit = warm ? 1 : o.nInit;
  let best: FittedState | null = null;
  for (let init = 0; init < nInit; init++) {
    let lower = -Infinity;
    if (warm) {
      writeParams(arena, b, warm.params);
      lower = warm.lowerBound;
    } else {
      initialize(c, arena, b, X, w, o);
    }
    // the scalar reference EM reads rows; everything else reads the pair blocks
    if (!kernels.simd) c.rowsInPlace(b.x, n, d, B, b.scratch);
    let converged = false;
    let iter = 0;
    for (iter = 1; iter <= o.maxIter; iter++) {
      const prev = lower;
      c.logConstants(b.weights, b.chol, b.logConst, type, K, d);
      lower = c.emPass(b.x, b.w, n, d, K, type, b.means, b.chol, b.logConst, b.stats, b.scratch, B, kernels.simd ? 1 : 0, b.balls);
      if (!Number.isFinite(lower)) throw nonFinite(lower, iter, readParams(arena, b, o, d), X, sampleWeight);
      const bad = c.mStep(b.stats, b.means, K, d, type, o.regCovar, b.weights, b.means, b.cov, b.chol, b.tmp);
      if (bad >= 0) throw notPd(bad, o, `at EM iteration ${iter}`, covOf(arena, b, o, d));
      const change = lower - prev;
      onIteration?.({ init, iter, lowerBound: lower, change });
      if (Math.abs(change) < o.tol) {
        converged = true;
        break;
      }
    }
    if (iter > o.maxIter) iter = o.maxIter;
    if (!kernels.simd && init + 1 < nInit) c.pairsInPlace(b.x, n, d, B, b.scratch); // the next initialisation reads pairs
    // a later restart must beat the best by more than rounding: restarts that reach the
    // same optimum (often with the components in another order) keep the first, whichever
    // kernels ran and in whatever order the sums were taken
    if (best === null || lower - best.lowerBound > 1e-12 * Math.abs(best.lowerBound)) {
      best = { params: readParams(arena, b, o, d), converged, nIter: iter, lowerBound: lower };
    }
  }
  return best!;
}
