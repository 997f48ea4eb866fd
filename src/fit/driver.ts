// The EM driver, written once for every way of running a fit: initialisation, iterations
// to tol, restarts. It is a generator that yields requests to a Cluster (cluster.ts) and
// is resumed with their answers, so fit() runs it synchronously over a local shard and
// fitAsync()/fitStream() run it with awaits over workers or a stream (run.ts).
//
// Every kernel and transcendental function runs in the core; JavaScript does only IEEE
// +, −, ×, ÷ (the same in every engine), comparisons and copies. Per-chunk values are summed
// in chunk order and statistics in the fixed tree (tree.ts), so results are bit-identical
// across runtimes and however the chunks are split.
import { GmmError } from '../core/errors.js';
import type { FittedState, Params } from '../model/params.js';
import type { Cluster, Maybe, Pick } from './cluster.js';
import type { Coordinator } from './coordinator.js';

const KMEANS_MAX_ITER = 300;
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

/** A request to the cluster; the driver is resumed with its (awaited) answer. */
export type Request = (cl: Cluster) => Maybe<unknown>;
export type Program<T> = Generator<Request, T, unknown>;

export interface FitHooks {
  /** Called after every EM iteration. */
  onIteration?: (info: IterationInfo) => void;
  /** The NUMERICAL error for a non-finite lower bound (may name the offending row). */
  nonFinite?: (lower: number, iter: number, params: Params) => GmmError;
}

/** The error for a covariance that stopped being positive definite (with priorsHint's
 *  advice where it applies). */
export function notPd(k: number, co: Coordinator, when: string): GmmError {
  return new GmmError('NOT_POSITIVE_DEFINITE', notPdReason(k, co, when) + priorsHint(co.o));
}

/** Why component k's covariance is not positive definite, and the fix. */
function notPdReason(k: number, co: Coordinator, when: string): string {
  const o = co.o;
  const which = o.covarianceType === 'tied' ? 'the tied covariance' : `component ${k}'s covariance`;
  if (overflowed(co)) {
    return `${when}, ${which} overflowed to a non-finite value: the data's ` +
      'magnitude is beyond what double precision can square (about 1e154). Scale the data (e.g. standardise the features).';
  }
  if (underflowed(co)) {
    return `${when}, ${which} underflowed: the data's magnitude is so small ` +
      '(below about 1e-140) that squared deviations fall under the smallest double. Scale the data (e.g. standardise ' +
      `the features), or give regCovar (now ${o.regCovar}) in the data's squared units.`;
  }
  return `${when}, ${which} is not positive definite (a collapsed or ` +
    `singular component: duplicate points, a constant feature, or rows that span fewer dimensions than the features). Raise regCovar (now ${o.regCovar})` +
    `${o.variational ? ' or covariancePrior' : ''}, reduce nComponents, or scale the data.`;
}

/** For a Bayesian mixture given priors of its own: that they, not the data, may be the cause
 *  (a meanPrior far from the data with a large meanPrecisionPrior makes every covariance a
 *  huge rank-one term; priors near the ends of double range overflow the bound). */
function priorsHint(o: Coordinator['o']): string {
  const v = o.variational;
  if (!v) return '';
  const given = (['meanPrior', 'meanPrecisionPrior', 'degreesOfFreedomPrior', 'covariancePrior', 'weightConcentrationPrior'] as const)
    .filter((k) => v[k] != null);
  if (given.length === 0) return '';
  return ` The priors given (${given.join(', ')}) can cause this too: bring them to the data's scale (a meanPrior within ` +
    'the data\'s range; precisions, degrees of freedom and covariances of ordinary magnitude).';
}

/** The error a non-finite lower bound raises, with priorsHint's advice where it applies. */
function nonFiniteError(co: Coordinator, hooks: FitHooks, lower: number, iter: number): GmmError {
  const e = (hooks.nonFinite ?? defaultNonFinite)(lower, iter, co.read());
  const hint = priorsHint(co.o);
  return hint ? new GmmError(e.code, e.message + hint) : e;
}

/** A covariance entry infinite, or a non-finite one beside a mean beyond 1e100: data at a
 *  scale whose squares overflow. (A NaN beside means of ordinary size is a singular M-step's
 *  0/0, VEE's on rows spanning fewer dimensions than the features: not this.) */
function overflowed(co: Coordinator): boolean {
  return co.covariances.some((v) => Math.abs(v) === Infinity) ||
    (!co.covariances.every(Number.isFinite) && co.means.some((m) => !(Math.abs(m) <= 1e100)));
}

/** Every variance below 1e-280 while the means are nonzero but below 1e-140: data at a
 *  scale whose squares underflow, not a collapse (whose means keep the data's scale). */
function underflowed(co: Coordinator): boolean {
  const { K, d } = co;
  const cov = co.covariances, means = co.means;
  const diag = co.o.covarianceType === 'full' ? (i: number) => cov[Math.floor(i / d) * d * d + (i % d) * (d + 1)]
    : co.o.covarianceType === 'tied' ? (i: number) => cov[(i % d) * (d + 1)]
      : co.o.covarianceType === 'diag' ? (i: number) => cov[i] : (i: number) => cov[Math.floor(i / d)];
  let mu = 0;
  for (let i = 0; i < K * d; i++) {
    if (!(Math.abs(diag(i)) < 1e-280)) return false;
    mu = Math.max(mu, Math.abs(means[i]));
  }
  return mu > 0 && mu < 1e-140;
}

function defaultNonFinite(lower: number, iter: number): GmmError {
  return new GmmError('NUMERICAL', `the log-likelihood became ${lower} at iteration ${iter}: the data are out of the ` +
    'range the model can represent; scale the features (e.g. standardise them).');
}

/** Sums per-chunk vectors of length m (in chunk order) into one vector. */
function foldChunks(v: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < v.length; i += m) for (let j = 0; j < m; j++) out[j] += v[i + j];
  return out;
}

/** A draw ∝ per-chunk masses: the chunk whose running total (in chunk order) first exceeds
 *  u·total, and the target left inside it. */
function pick(co: Coordinator, mass: Float64Array, stride: number, byPotential: boolean): Pick {
  let total = 0;
  for (let i = 0; i < mass.length; i += stride) total += mass[i];
  const target = co.uniform() * total;
  let acc = 0, last = -1;
  for (let c = 0; c * stride < mass.length; c++) {
    const m = mass[c * stride];
    if (!(m > 0)) continue;
    last = c;
    if (acc + m > target) return { chunk: c, target: target - acc, byPotential };
    acc += m;
  }
  // rounding left the target at the very end: the last row of positive mass
  return { chunk: Math.max(last, 0), target: last >= 0 ? mass[last * stride] : 0, byPotential };
}

/** Weighted k-means++ (greedy, 2 + ⌊ln K⌋ trials per centre as scikit-learn): the centres. */
function* kmeansPlusPlus(co: Coordinator): Program<Float64Array> {
  const K = co.K, d = co.d;
  const centres = new Float64Array(K * d);
  const totals = ((yield (cl) => cl.totals) as Float64Array);
  const first = (yield (cl) => cl.pickRows([pick(co, totals, 2, false)])) as Float64Array;
  centres.set(first, 0);
  let pots = (yield (cl) => cl.kppClosest(first, true)) as Float64Array;
  const trials = 2 + Math.floor(co.c.ln(K));
  for (let c = 1; c < K; c++) {
    let best: Float64Array | null = null;
    let bestPot = Infinity;
    let pot = 0;
    for (let i = 0; i < pots.length; i++) pot += pots[i];
    // trials four at a time: draw, then score the four in one pass; a missing trial repeats
    // the group's first and cannot win the strict comparison
    for (let t = 0; t < trials; t += 4) {
      const left = trials - t;
      const picks: Pick[] = [];
      for (let j = 0; j < Math.min(4, left); j++) picks.push(pot > 0 ? pick(co, pots, 1, true) : pick(co, totals, 2, false));
      const got = (yield (cl) => cl.pickRows(picks)) as Float64Array;
      const rows = new Float64Array(4 * d);
      for (let j = 0; j < 4; j++) {
        const from = j < picks.length ? j : 0;
        rows.set(got.subarray(from * d, (from + 1) * d), j * d);
      }
      const s = foldChunks((yield (cl) => cl.kppTrials(rows)) as Float64Array, 4);
      for (let j = 0; j < picks.length; j++) {
        if ((best === null && j === 0) || s[j] < bestPot) {
          bestPot = s[j];
          best = rows.slice(j * d, (j + 1) * d);
        }
      }
    }
    centres.set(best!, c * d);
    pots = (yield (cl) => cl.kppClosest(best!, false)) as Float64Array;
  }
  return centres;
}

/** Lloyd iterations from the centres until the squared centre shift is at most KMEANS_TOL ×
 *  the mean weighted feature variance, or KMEANS_MAX_ITER; then the statistics of the
 *  final labelling into the coordinator's buffer (or returned). */
function* lloyd(co: Coordinator, centres: Float64Array): Program<Float64Array | null> {
  const d = co.d;
  const sums = foldChunks((yield (cl) => cl.featureSums()) as Float64Array, d + 1);
  const wsum = sums[d];
  const mean = sums.subarray(0, d).map((v) => v / wsum);
  const sq = foldChunks((yield (cl) => cl.featureSquares(mean)) as Float64Array, 1)[0];
  const tol = KMEANS_TOL * sq / wsum / d;
  for (let it = 0; it < KMEANS_MAX_ITER; it++) {
    const root = (yield (cl) => cl.lloyd(co, centres)) as Float64Array | null;
    if (co.lloydUpdate(root, centres) <= tol) break;
  }
  return (yield (cl) => cl.labelStats(co, centres)) as Float64Array | null;
}

/** The statistics of a classification (initLabels, or initParams 'hc''s: one-hot
 *  responsibilities) about `shift` (taken again about it after a first pass about `prior`,
 *  when given: see mStep); `from` names it in errors. */
export interface LabelStart { root: Float64Array; shift: Float64Array; prior?: Float64Array; from: string }

/** The data's weighted mean and scatter about it, for priors that default to them. */
function* dataMoments(co: Coordinator): Program<void> {
  const d = co.d;
  const sums = foldChunks((yield (cl) => cl.featureSums()) as Float64Array, d + 1);
  const mean = sums.subarray(0, d).map((v) => v / sums[d]);
  const sc = foldChunks((yield (cl) => cl.featureScatter(mean)) as Float64Array, d * d + 1);
  co.setDataMoments(mean, sc.subarray(0, d * d), sums[d], sc[d * d]);
}

/** Initial parameters into the coordinator by o.initParams (or the user's labels),
 *  overridden by the user's weightsInit / meansInit / precisionsInit. */
function* initialize(co: Coordinator, start: LabelStart | null): Program<void> {
  const o = co.o, K = co.K, d = co.d;
  // precisionsInit replaces whatever covariances the method gives, so those are not checked
  const check = (bad: number, when: string): void => {
    if (bad >= 0 && !o.precisionsInit) throw notPd(bad, co, when);
  };
  if (start) {
    // one M-step from one-hot responsibilities, as scikit-learn starts from its k-means labels
    check(co.mStep(start.root, start.shift, start.prior), `after ${start.from}`);
  } else if (!(o.weightsInit && o.meansInit && o.precisionsInit)) {
    if (o.initParams === 'kmeans') {
      const centres = yield* kmeansPlusPlus(co);
      const root = yield* lloyd(co, centres);
      check(co.mStep(root, centres), 'after k-means initialisation');
    } else if (o.initParams === 'random') {
      // random responsibilities about the (weighted) data mean: any point near the data keeps
      // the statistics free of cancellation (the M-step re-centres from it)
      const sums = foldChunks((yield (cl) => cl.featureSums()) as Float64Array, d + 1);
      const shift = new Float64Array(K * d);
      for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) shift[k * d + j] = sums[j] / sums[d];
      const [lo, hi] = co.streamSeed();
      const root = (yield (cl) => cl.randomStats(co, shift, lo, hi)) as Float64Array | null;
      check(co.mStep(root, shift), 'after random initialisation');
    } else {
      // 'k-means++' and 'random_from_data': one-hot responsibilities on K chosen rows give
      // means at those rows and covariances regCovar·I, as scikit-learn's M-step does
      // (its weights are (1+10·eps)/n each and do not sum to 1; these are 1/K).
      let means: Float64Array;
      if (o.initParams === 'k-means++') {
        means = yield* kmeansPlusPlus(co);
      } else {
        const [lo, hi] = co.streamSeed();
        const c = (yield (cl) => cl.dataKeys(lo, hi)) as { keys: number[]; chunks: number[]; rows: number[]; x: Float64Array };
        // the K largest keys over all chunks; ties to the earlier row
        const order = c.keys.map((_, i) => i).sort((a, b) =>
          (c.keys[b] - c.keys[a]) || (c.chunks[a] - c.chunks[b]) || (c.rows[a] - c.rows[b]));
        means = new Float64Array(K * d);
        for (let k = 0; k < K; k++) means.set(c.x.subarray(order[k] * d, order[k] * d + d), k * d);
      }
      check(co.pointStart(means), `after '${o.initParams}' initialisation (covariances are regCovar·I)`);
    }
  }
  co.applyExplicitStart();
}

/** How one initialisation's EM iterations ended: the last lower bound, the iterations run
 *  (at most maxIter), whether |change| fell below tol, and the bound after each iteration. */
export interface EmOutcome { lower: number; nIter: number; converged: boolean; bounds: number[] }

/** What the EM iterations ask of the data: the E-step alone. A worker relaying to its
 *  peers (src/parallel/relay-worker.ts) answers it without the rest of a Cluster. */
export type EmSource = { em: Cluster['em'] };

/**
 * The EM iterations of one initialisation from the coordinator's parameters and the lower
 * bound before them (-Infinity, or a warm start's): E-step, M-step, the checks and the
 * stopping rule. The one copy of the loop: the driver runs it over any cluster, and each
 * worker of a relay (src/parallel/relay-worker.ts) runs it over its peers, so both stop
 * at the same iteration with the same error.
 */
export function* emIterations(co: Coordinator, init: number, lower: number, hooks: FitHooks):
  Generator<(cl: EmSource) => Maybe<unknown>, EmOutcome, unknown> {
  const o = co.o;
  const bounds: number[] = [];
  let iter = 0;
  for (iter = 1; iter <= o.maxIter; iter++) {
    const prev = lower;
    co.logConstants();
    let root = (yield (cl) => cl.em(co, false)) as Float64Array | null;
    // statistics about means that moved far lose precision in the M-step: the same E-step
    // again, about the means they give (Coordinator.recentre; rare after the first steps)
    const shifted = Number.isFinite(co.statsLowerBound(root)) && co.recentre(root);
    if (shifted) root = (yield (cl) => cl.em(co, true)) as Float64Array | null;
    const u = co.update(root, shifted);
    lower = u.lower;
    // a covariance that is not positive definite first: a variational update reports it
    // with a NaN bound, which is not the data's fault
    if (u.bad >= 0) throw notPd(u.bad, co, `at EM iteration ${iter}`);
    if (!Number.isFinite(lower)) throw nonFiniteError(co, hooks, lower, iter); // update() left the parameters
    const change = lower - prev;
    bounds.push(lower);
    hooks.onIteration?.({ init, iter, lowerBound: lower, change });
    if (Math.abs(change) < o.tol) return { lower, nIter: iter, converged: true, bounds };
  }
  return { lower, nIter: o.maxIter, converged: false, bounds };
}

/**
 * The whole fit: nInit initialisations (or one warm start), each iterated to tol or
 * maxIter; the best lower bound wins. The cluster must be prepared for K and the type (or,
 * with maxIter 0 from a given start and no data moments wanted, hold no rows: NO_ROWS).
 */
export function* fitProgram(
  co: Coordinator, warm: { params: Params; lowerBound: number } | null, hooks: FitHooks = {},
  start: LabelStart | null = null,
): Program<FittedState> {
  const o = co.o;
  co.seed(o.seed);
  if (co.wantsDataMoments) yield* dataMoments(co);
  const nInit = warm ? 1 : o.nInit;
  let best: FittedState | null = null;
  for (let init = 0; init < nInit; init++) {
    let lower = -Infinity;
    if (warm) {
      co.write(warm.params);
      lower = warm.lowerBound;
    } else {
      yield* initialize(co, start);
    }
    // a cluster that runs the iterations itself (workers relaying to each other:
    // src/parallel/relay-cluster.ts) answers with their outcome; any other answers null
    const relayed = (yield (cl) => cl.relayEm?.(co, init, lower, hooks) ?? null) as EmOutcome | null;
    const out = relayed ?? (yield* emIterations(co, init, lower, hooks));
    // a later restart must beat the best by more than rounding: restarts that reach the
    // same optimum (often with the components in another order) keep the first
    if (best === null || out.lower - best.lowerBound > 1e-12 * Math.abs(best.lowerBound)) {
      best = { params: co.read(), converged: out.converged, nIter: out.nIter, lowerBound: out.lower, lowerBounds: out.bounds };
    }
  }
  return best!;
}

/** Runs a program against a cluster synchronously (every answer must be a value). */
export function runSync<T>(program: Program<T>, cl: Cluster): T {
  let r = program.next();
  while (!r.done) {
    const v = r.value(cl);
    if (v instanceof Promise) throw new Error('runSync: the cluster answered asynchronously');
    r = program.next(v);
  }
  return r.value;
}

/** Runs a program against a cluster, awaiting each answer; `between` runs before every
 *  request (abort checks, yielding to the event loop). */
export async function runAsync<T, C = Cluster>(program: Generator<(cl: C) => Maybe<unknown>, T, unknown>, cl: C,
  between?: () => Maybe<void>): Promise<T> {
  let r = program.next();
  while (!r.done) {
    if (between) await between();
    r = program.next(await r.value(cl));
  }
  return r.value;
}
