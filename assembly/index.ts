// The core's exports: a flat list of kernels over pointers (byte offsets into this
// module's memory) and sizes. The wrapper (src/) owns memory, options and errors.

export { rngSeed, rngSeedStream, rngUniform, rngSave, rngLoad } from './rng';
export { precisionCholesky, fromPrecisions, precisionsFromCholesky, logConstants } from './cholesky';
export { statsSize, addInto } from './stats';
export { emPass, initStats, certifiedCount, emLogDensities } from './em';
export { softRangeCount, emNormalize } from './estep';
export { pairsInPlace, rowsInPlace, gatherRows } from './block';
export { scratchSize } from './scratch';
export { tiedCacheSize } from './scatter';
export { mStep, mStepScratchSize, shiftLoss, nearlyEmpty } from './mstep';
export { mapMStep } from './map';
export { symmetricEigen } from './eigen';
export { hcTransform, hcWorkSize, hcBegin, hcMerge, hcPairs } from './hc';
export { hcWardWorkSize, hcWardBegin, hcWardMerge, hcWardPairs } from './hc-ward';
export { hcViiWorkSize, hcViiBegin, hcVBegin, hcViiMerge, hcViiPairs } from './hc-vii';
export { hcEeeWorkSize, hcEeeBegin, hcEeeMerge, hcEeePairs } from './hc-eee';
export { vbLogConstants, vbResponsibilityEntropy, vbMStep, vbExpectedWeights, vbBoundTerms } from './variational';
export { digamma, lgamma, betaln } from './special';
export { expBlock, logBlock } from './vmath';
export { scoreRows } from './score';
export {
  drawRow, weightTotal, kppClosest, kppTrials, assignLabels, lloydSums, lloydUpdate, centreMoves, lloydKeptCount, featureSums, featureSquares, featureScatter, dataKeys,
} from './kmeans';
export { spatialKeys, groupRowsToPairs, sortedPairs } from './order';
export { firstNonFinite } from './check';
export { ballsSize, groupBalls, certifyTable, certifyGroup } from './certify';
export { sample } from './sample';
export { conditionFactorsSize, conditionScratchSize, conditionFactors, conditionRows } from './conditional';
export { missingScratchSize, missingEStepGroups, missingScore, missingImpute } from './missing';

/** First free byte after the module's static data: the wrapper's arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Natural logarithm of the core, so that results never depend on the host's Math.log. */
export function ln(x: f64): f64 {
  return Math.log(x);
}

/** Exponential of the core (the stream's reservoir sample draws its skips with it). */
export function exp(x: f64): f64 {
  return Math.exp(x);
}
