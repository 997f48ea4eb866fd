// The runtime-independent API. The entry files (entry-node, entry-browser, entry-workerd)
// add init()'s default source for their runtime.
export { GaussianMixture } from './model/gaussian-mixture.js';
export type { FitOptions, FitAsyncOptions, SampleResult, CriterionOptions } from './model/gaussian-mixture.js';
export { selectModel, selectModelAsync, SELECTION_CRITERIA } from './model/select.js';
export type {
  SelectModelOptions, SelectModelAsyncOptions, ModelSelection, SelectionResult, SelectionFailure, SelectionCriterion, ComponentGrid,
} from './model/select.js';
export type { ConditionalPrediction } from './model/conditional.js';
export { BayesianGaussianMixture } from './model/bayesian-mixture.js';
export type { BayesianGaussianMixtureOptions, WeightConcentrationPriorType } from './model/bayesian-options.js';
export { WorkerPool } from './parallel/workers.js';
export type { WorkerPoolOptions } from './parallel/workers.js';
export type { StreamSource, StreamChunk, FitStreamOptions, ArrowLike } from './parallel/stream.js';
export { GmmError } from './core/errors.js';
export { SufficientStatistics, STATISTICS_FORMAT_VERSION } from './fit/statistics.js';
export { CHUNK_ROWS } from './fit/chunks.js';
export type { GmmErrorCode } from './core/errors.js';
export { GMM_ERROR_CODES } from './core/errors.js';
export type { IterationInfo } from './fit/driver.js';
export type { GaussianMixtureJSON } from './model/serialize.js';
export type { MixtureParameters } from './model/from-parameters.js';
export type { GaussianMixtureOptions, ResolvedOptions, CovarianceType, InitParams, Matrix, MatrixInput, MissingValues } from './model/validate.js';
export type { CovarianceModel, CovarianceName } from './model/covariance-models.js';
export { COVARIANCE_MODELS } from './model/covariance-models.js';
export { PRIOR_MODELS } from './model/conjugate-prior.js';
export { bootstrapLRT, bootstrapLRTAsync } from './model/bootstrap-lrt.js';
export { bootstrapParameters, bootstrapParametersAsync, ParameterBootstrap, BOOTSTRAP_TYPES } from './model/bootstrap-parameters.js';
export { adjustedRandIndex } from './model/metrics.js';
export { agglomerate } from './model/agglomerate.js';
export { mixtureCdf, mixtureQuantile } from './model/mixture-cdf.js';
export { dimensionReduction } from './model/dimension-reduction.js';
export type { DimensionReduction } from './model/dimension-reduction.js';
export { MixtureWithNoise } from './model/noise-mixture.js';
export { SemiSupervisedMixture } from './model/semi-supervised.js';
export { combineComponents } from './model/combine.js';
export { hypervolume } from './model/hypervolume.js';
export { selectNoiseModel } from './model/noise-selection.js';
export type { MixtureWithNoiseOptions, MixtureWithNoiseFitOptions, MixtureWithNoiseJSON } from './model/noise-mixture.js';
export type { ComponentCombination, CombinationLevel } from './model/combine.js';
export type { SemiSupervisedOptions, SemiSupervisedFitOptions, SemiSupervisedResult, SemiSupervisedSelection, SemiSupervisedMixtureJSON } from './model/semi-supervised.js';
export type { NoiseModelSelection, NoiseSelectionResult, SelectNoiseModelOptions } from './model/noise-selection.js';
export type { Agglomeration } from './model/agglomerate.js';
export type { AgglomerateModel, HcModel, HcUse } from './fit/hc-start.js';
export { HC_USES } from './fit/hc-start.js';
export { MixtureDiscriminant } from './model/discriminant.js';
export type { MixtureDiscriminantOptions, MixtureDiscriminantJSON, ClassLabel, DiscriminantModelType, EddaResult, EddaSelection, CrossValidation } from './model/discriminant.js';
export type { BootstrapLRT, BootstrapLRTOptions, BootstrapLRTAsyncOptions, LikelihoodRatioTest } from './model/bootstrap-lrt.js';
export type { BootstrapType, BootstrapParametersOptions, BootstrapParametersAsyncOptions, ParameterSummary, ParameterIntervals } from './model/bootstrap-parameters.js';
export type { ConjugatePriorOptions, PriorParams } from './model/conjugate-prior.js';
export type { InitSource } from './core/loader.js';
export { isInitialized } from './core/core.js';
import { initCore } from './core/core.js';
import type { InitSource } from './core/loader.js';

/** Loads the WebAssembly core once (later calls are no-ops). Every method after it is
 *  synchronous. `source`: a WebAssembly.Module, the bytes of gmm.wasm, a Response or a URL. */
export function init(source: InitSource | Promise<InitSource>): Promise<void> {
  return initCore(() => source);
}
