/** Stable error codes. Each names a class of problem; the message names the argument,
 *  what is wrong and how to fix it. */
export type GmmErrorCode =
  | 'NOT_INITIALIZED'     // a method was called before `await init()`
  | 'INIT_FAILED'         // the WebAssembly module could not be loaded
  | 'INVALID_TYPE'        // an argument has the wrong JavaScript type
  | 'EMPTY_INPUT'         // X has no rows or no columns
  | 'RAGGED_ROWS'         // rows of X have different lengths
  | 'SHAPE_MISMATCH'      // data.length ≠ rows × cols, or an initial parameter of the wrong shape
  | 'NOT_NUMERIC'         // an entry is not a number
  | 'NON_FINITE'          // an entry is NaN or ±Infinity
  | 'FEATURE_MISMATCH'    // X has a different number of features than the fitted model
  | 'TOO_FEW_SAMPLES'     // fewer samples than components
  | 'INVALID_OPTION'      // an option is unknown or out of range
  | 'INVALID_INIT'        // weightsInit / meansInit / precisionsInit are not valid parameters
  | 'INVALID_SAMPLE_WEIGHT' // sampleWeight has the wrong length, a negative or non-finite entry, or is all zero
  | 'NOT_FITTED'          // the call needs a fitted model
  | 'INVALID_ARGUMENT'    // another argument is out of range (e.g. sample(n) with n < 1)
  | 'INVALID_JSON'        // fromJSON input is malformed, truncated or of another version
  | 'NOT_POSITIVE_DEFINITE' // a covariance stopped being positive definite during EM
  | 'NUMERICAL'           // the log-likelihood became non-finite (data scale out of range)
  | 'TOO_LARGE'           // the job does not fit in WebAssembly's 4 GiB address space
  | 'REENTRANT'           // a fit or sample() from inside onIteration, or a fit while this model's fitAsync/fitStream runs
  | 'INVALID_STATISTICS'  // sufficient statistics are malformed, overlap, or leave gaps
  | 'STATISTICS_MISMATCH' // statistics of another model shape, type, parameters or format version
  | 'ABORTED'             // an asynchronous fit was stopped by its AbortSignal
  | 'WORKER_FAILED'       // a worker of fitAsync crashed or could not start
  | 'SOURCE_FAILED';      // fitStream's source threw or yielded something that is not a chunk

/** Every code, in the order above (for documentation and exhaustive tests). */
export const GMM_ERROR_CODES: readonly GmmErrorCode[] = [
  'NOT_INITIALIZED', 'INIT_FAILED', 'INVALID_TYPE', 'EMPTY_INPUT', 'RAGGED_ROWS', 'SHAPE_MISMATCH', 'NOT_NUMERIC',
  'NON_FINITE', 'FEATURE_MISMATCH', 'TOO_FEW_SAMPLES', 'INVALID_OPTION', 'INVALID_INIT', 'INVALID_SAMPLE_WEIGHT',
  'NOT_FITTED', 'INVALID_ARGUMENT', 'INVALID_JSON', 'NOT_POSITIVE_DEFINITE', 'NUMERICAL', 'TOO_LARGE', 'REENTRANT',
  'INVALID_STATISTICS', 'STATISTICS_MISMATCH', 'ABORTED', 'WORKER_FAILED', 'SOURCE_FAILED',
];

export class GmmError extends Error {
  readonly code: GmmErrorCode;
  constructor(code: GmmErrorCode, message: string) {
    super(message);
    this.name = 'GmmError';
    this.code = code;
  }
}

/** ABORTED for a call stopped by its AbortSignal: the signal's reason (abort(reason), or
 *  AbortSignal.timeout's TimeoutError) is the error's cause, so a caller tells a timeout from
 *  a cancel, and the message names a timeout. */
export function abortedBy(signal: AbortSignal | undefined, message: string): GmmError {
  const reason: unknown = signal?.reason;
  const timeout = reason instanceof Error && reason.name === 'TimeoutError';
  const e = new GmmError('ABORTED', timeout ? message.replace(/\.?$/, ' (its timeout ran out).') : message);
  if (reason !== undefined) Object.defineProperty(e, 'cause', { value: reason, writable: true, configurable: true });
  return e;
}
