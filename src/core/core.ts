// The instantiated core: memoised once by init(), then used synchronously everywhere.
import { GmmError } from './errors.js';
import { loadCore, instantiateCore, type InitSource } from './loader.js';

/** Covariance type codes, as in assembly/types.ts. */
export const TYPE_CODE = { full: 0, tied: 1, diag: 2, spherical: 3 } as const;
export const TYPE_NAMES = ['full', 'tied', 'diag', 'spherical'] as const;

/** The kernels exported by assembly/index.ts (pointers are byte offsets). */
export interface CoreExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  ln(x: number): number;
  rngSeed(lo: number, hi: number): void;
  precisionCholesky(cov: number, out: number, tmp: number, type: number, K: number, d: number): number;
  fromPrecisions(prec: number, covOut: number, cholOut: number, tmp: number, type: number, K: number, d: number): number;
  precisionsFromCholesky(chol: number, out: number, type: number, K: number, d: number): void;
  logConstants(weights: number, chol: number, out: number, type: number, K: number, d: number): void;
  statsSize(type: number, K: number, d: number): number;
  scratchSize(K: number, d: number, blockRows: number): number;
  pairsInPlace(x: number, n: number, d: number, blockRows: number, tmp: number): void;
  rowsInPlace(x: number, n: number, d: number, blockRows: number, tmp: number): void;
  gatherRows(x: number, n: number, d: number, blockRows: number, idx: number, count: number, out: number): void;
  emPass(x: number, w: number, n: number, d: number, K: number, type: number, means: number, chol: number,
    logConst: number, stats: number, scratch: number, blockRows: number, simd: number, balls: number, prune: number,
    shift: number, noCertify: number, pairwise: number, tied: number): number;
  /** f64 an EM pass's kept tied totals take for n rows (assembly/scatter.ts). */
  tiedCacheSize(n: number, d: number, blockRows: number): number;
  /** Ranges the E-step normalised component by component since the module started (assembly/estep.ts; for tests). */
  softRangeCount(): number;
  /** One range's EM normalisation, component by component where it can (soft) or pair by pair (assembly/estep.ts; for tests). */
  emNormalize(lp: number, P: number, p0: number, p1: number, K: number, wt: number, fac: number, lists: number, mx: number,
    keptBuf: number, lb: number, soft: number): number;
  /** Groups (pairs: false) or pairs (true) certified since the module started (assembly/em.ts; for tests). */
  certifiedCount(pairs: number): number;
  /** An EM pass's log-densities of a range of one pair block, of every component or of one as a certified group takes them (assembly/em.ts; for tests). */
  emLogDensities(x: number, P: number, p0: number, p1: number, d: number, K: number, type: number, k: number, means: number,
    chol: number, logConst: number, scratch: number, out: number): number;
  ballsSize(n: number, d: number, blockRows: number): number;
  groupBalls(x: number, n: number, d: number, blockRows: number, balls: number): void;
  /** The certified-group bound's per-pass table and one group's decision (assembly/certify.ts; for tests). */
  certifyTable(chol: number, means: number, type: number, K: number, d: number, table: number): void;
  certifyGroup(b: number, R: number, d: number, K: number, type: number, means: number, chol: number, logConst: number,
    table: number, cutoff: number, tmp: number): number;
  initStats(x: number, w: number, n: number, d: number, K: number, type: number, labels: number,
    resp: number, shift: number, stats: number, scratch: number, blockRows: number): void;
  /** pool: covariance-models.ts poolCode (assembly/mstep.ts POOL_*); tmp: mStepScratchSize(K, d) f64. */
  mStep(stats: number, shift: number, prior: number, K: number, d: number, type: number, pool: number, regCovar: number,
    weights: number, means: number, cov: number, chol: number, tmp: number, warm: boolean): number;
  mStepScratchSize(K: number, d: number): number;
  /** The M-step with mclust's conjugate prior (assembly/map.ts; rule: MAP_*, conjugate-prior.ts priorRule). */
  mapMStep(stats: number, shift: number, K: number, d: number, type: number, rule: number, regCovar: number,
    kappa: number, pmean: number, dof: number, scale: number,
    weights: number, means: number, cov: number, chol: number, tmp: number): number;
  /** A = V diag(ω) Vᵀ, ω descending (assembly/eigen.ts; a is destroyed). */
  symmetricEigen(a: number, d: number, values: number, vectors: number): void;
  /** mclust's hc(use) transform (use: HC_USES' index, 0 "SVD"): p columns, 0 (all constant), −1
   *  (collinear; SVD and SPH), −2 (out of range), −3 (n ≤ p) where wide is 0 (VVV) (assembly/hc.ts);
   *  wide: 1 for the models that take wide data (directions of no spread kept as 0). */
  hcTransform(x: number, n: number, d: number, z: number, work: number, wide: number, use: number): number;
  /** mclust's hcEII (Ward's) from the rows: hcWardBegin, hcWardMerge while it returns 1, then
   *  hcWardPairs' 2(n − 1) merged labels (assembly/hc-ward.ts). */
  hcWardWorkSize(n: number, p: number): number;
  hcWardBegin(z: number, n: number, p: number, work: number): number;
  hcWardMerge(): number;
  hcWardPairs(pairs: number): void;
  /** mclust's hcVII from the rows: hcViiBegin, hcViiMerge while it returns 1, then
   *  hcViiPairs' 2(n − 1) merged labels (assembly/hc-vii.ts). */
  hcViiWorkSize(n: number, p: number): number;
  hcViiBegin(z: number, n: number, p: number, work: number): number;
  hcViiMerge(): number;
  hcViiPairs(pairs: number): void;
  /** mclust's hcEEE from the rows: hcEeeBegin, hcEeeMerge while it returns 1, then
   *  hcEeePairs' 2(n − 1) merged labels (assembly/hc-eee.ts). */
  hcEeeWorkSize(n: number, p: number): number;
  hcEeeBegin(z: number, n: number, p: number, work: number): number;
  hcEeeMerge(): number;
  hcEeePairs(pairs: number): void;
  /** mclust's hcV (one feature): hcVII's kernels begun with α = ε (assembly/hc-vii.ts). */
  hcVBegin(z: number, n: number, p: number, work: number): number;
  hcWorkSize(n: number, p: number): number;
  /** mclust's hcVVV from singletons: hcBegin, then hcMerge while it returns 1, then hcPairs'
   *  2(n − 1) merged labels (assembly/hc.ts). */
  hcBegin(z: number, n: number, p: number, work: number): number;
  hcMerge(): number;
  hcPairs(pairs: number): void;
  shiftLoss(stats: number, shift: number, prior: number, K: number, d: number, type: number, regCovar: number,
    meansOut: number, tmp: number): number;
  nearlyEmpty(mass: number, masses: number): number;
  scoreRows(x: number, n: number, d: number, K: number, type: number, means: number, chol: number, logConst: number,
    lseOut: number, respOut: number, labelsOut: number, scratch: number, blockRows: number, simd: number,
    logMaxOut: number, logProbOut: number): void;
  drawRow(w: number, p: number, n: number, target: number): number;
  weightTotal(w: number, n: number, out: number): void;
  kppClosest(x: number, w: number, n: number, d: number, B: number, c: number, closest: number, scratch: number,
    first: boolean): number;
  kppTrials(x: number, w: number, n: number, d: number, B: number, closest: number, c: number, scratch: number,
    out: number): void;
  assignLabels(x: number, n: number, d: number, K: number, B: number, centers: number, labels: number, q: number): void;
  lloydSums(x: number, w: number, n: number, d: number, K: number, B: number, centers: number, labels: number,
    out: number, scratch: number, gap: number, moves: number, fresh: number): void;
  lloydUpdate(sums: number, K: number, d: number, centers: number): number;
  centreMoves(old: number, now: number, K: number, d: number, out: number): void;
  lloydKeptCount(): number;
  featureSums(x: number, w: number, n: number, d: number, B: number, out: number, scratch: number): void;
  featureSquares(x: number, w: number, n: number, d: number, B: number, mean: number, scratch: number): number;
  dataKeys(w: number, n: number, K: number, keys: number, idx: number): number;
  addInto(dst: number, src: number, n: number): void;
  rngSeedStream(lo: number, hi: number, stream: number): void;
  rngUniform(): number;
  rngSave(p: number): void;
  rngLoad(p: number): void;
  exp(x: number): number;
  spatialKeys(x: number, w: number, n: number, d: number, bits: number, labels: number, tmp: number): void;
  groupRowsToPairs(x: number, w: number, n: number, d: number, K: number, labels: number, counts: number, tmp: number,
    B: number): void;
  sortedPairs(src: number, x: number, w: number, n: number, d: number, K: number, labels: number, counts: number,
    work: number, B: number): void;
  firstNonFinite(x: number, n: number): number;
  sample(n: number, d: number, K: number, type: number, weights: number, means: number, chol: number,
    out: number, labels: number, z: number): void;
  conditionFactorsSize(type: number, K: number, m: number, q: number): number;
  conditionScratchSize(K: number, m: number, q: number): number;
  conditionFactors(cov: number, type: number, K: number, d: number, gIdx: number, m: number, rIdx: number, q: number,
    factors: number, covOut: number): number;
  conditionRows(x: number, n: number, type: number, K: number, d: number, m: number, q: number, weights: number,
    means: number, gIdx: number, rIdx: number, factors: number, respOut: number, compMeansOut: number, meanOut: number,
    covOut: number, scratch: number): void;
  featureScatter(x: number, w: number, n: number, d: number, B: number, mean: number, out: number, scratch: number): void;
  digamma(x: number): number;
  lgamma(x: number): number;
  betaln(a: number, b: number): number;
  vbLogConstants(conc: number, process: number, chol: number, dof: number, meanPrec: number, out: number,
    type: number, K: number, d: number): void;
  vbResponsibilityEntropy(stats: number, shift: number, means: number, chol: number, logConst: number, type: number,
    K: number, d: number): number;
  vbMStep(stats: number, shift: number, prior: number, K: number, d: number, type: number, regCovar: number, process: number,
    wcPrior: number, beta0: number, meanPrior: number, nu0: number, covPrior: number,
    conc: number, meanPrec: number, dof: number, weights: number, means: number, cov: number, chol: number, tmp: number): number;
  vbExpectedWeights(conc: number, K: number, process: number, weights: number): void;
  vbBoundTerms(chol: number, dof: number, meanPrec: number, conc: number, process: number, type: number, K: number, d: number): number;
  missingScratchSize(K: number, d: number): number;
  missingEStepGroups(gx: number, gw: number, gn: number, gslot: number, G: number, d: number, K: number, type: number,
    weights: number, means: number, cov: number, prec: number, stats: number, S: number, slots: number, scratch: number,
    route: number, shift: number): number;
  missingScore(x: number, groups: number, G: number, d: number, K: number, type: number, weights: number, means: number,
    cov: number, prec: number, lseOut: number, respOut: number, labelsOut: number, logMaxOut: number, scratch: number,
    route: number): number;
  missingImpute(x: number, groups: number, G: number, d: number, K: number, type: number, weights: number, means: number,
    cov: number, prec: number, method: number, scratch: number, route: number): number;
}

/** Seeds the core's PRNG with an integer in [0, 2^53) as two 32-bit halves. */
export function seedCore(c: CoreExports, seed: number): void {
  c.rngSeed(seed % 4294967296 >>> 0, Math.floor(seed / 4294967296) >>> 0);
}

/** Which kernels EM and scoring use: the SIMD ones (default) or the scalar reference
 *  path; whether the full E-step prunes (assembly/prune.ts), whether EM certifies groups
 *  (assembly/certify.ts), whether it normalises soft ranges component by component
 *  (assembly/estep.ts normalizeSoft), whether Lloyd's iterations skip rows by Hamerly's
 *  bound (assembly/kmeans.ts assign) and whether tied fits keep each block's total scatter
 *  between passes (fit/shard.ts keepsTiedTotals) and whether a relay's workers exchange
 *  statistics through shared memory (parallel/board.ts; all default, the same bits either way),
 *  for tests that compare them. Not part of the public API. */
export const kernels = { simd: true, prune: true, certify: true, normalizeSoft: true, lloydBound: true, tiedTotals: true,
  sharedBoard: true };

let instance: CoreExports | null = null;
let compiled: WebAssembly.Module | null = null;
let pending: Promise<void> | null = null;

/** Loads the core once; later calls return the same promise (the source is ignored). */
export function initCore(source: InitSource | (() => InitSource | Promise<InitSource>)): Promise<void> {
  if (instance) return Promise.resolve();
  if (!pending) {
    pending = (async () => {
      try {
        const src = typeof source === 'function' ? await source() : source;
        const loaded = await loadCore(src);
        instance = loaded.exports;
        compiled = loaded.module;
      } catch (e) {
        pending = null;
        if (e instanceof GmmError) throw e; // a source of the wrong type (loader.ts)
        throw new GmmError('INIT_FAILED', `could not load the gmm-wasm WebAssembly module: ${(e as Error)?.message ?? e}. ` +
          'Pass init() a WebAssembly.Module, the bytes of gmm.wasm, a Response or a URL to it.');
      }
    })();
  }
  return pending;
}

/** The compiled core (after init()): what workers instantiate. */
export function coreModule(): WebAssembly.Module {
  core();
  return compiled!;
}

/** A private instance of the core with its own memory and PRNG (asynchronous fits keep
 *  their state there, out of reach of whatever the caller runs between two awaits). */
export function privateCore(): Promise<CoreExports> {
  return instantiateCore(coreModule());
}

export function isInitialized(): boolean {
  return instance !== null;
}

export function core(): CoreExports {
  if (!instance) {
    throw new GmmError('NOT_INITIALIZED', 'gmm-wasm is not initialised: call `await init()` once before using GaussianMixture.');
  }
  return instance;
}
