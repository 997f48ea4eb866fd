// What the fit driver (driver.ts) asks of the data: passes over every chunk, wherever the
// chunks live. A cluster answers with per-chunk values in chunk order, or with the root of
// the summation tree (tree.ts), so the driver never sees how the chunks are split.
// LocalCluster is one shard in the coordinator's own instance (fit(), and the in-process
// asynchronous fits); src/parallel/ has the worker pool and the stream.
import type { Coordinator } from './coordinator.js';
import type { Shard } from './shard.js';
import type { EmOutcome, FitHooks } from './driver.js';

/** Either a value or a promise of it: the same driver runs synchronously and asynchronously. */
export type Maybe<T> = T | Promise<T>;

export interface Pick { chunk: number; target: number; byPotential: boolean }
export interface KeyCandidates { keys: number[]; chunks: number[]; rows: number[]; x: Float64Array }

export interface Cluster {
  /** Number of chunks of the data (global). */
  readonly chunkCount: number;
  /** Per chunk: Σ w and the number of rows of positive weight (2 f64 a chunk). */
  readonly totals: Float64Array;
  /** Lays the data out for K components of a covariance type (a type code). */
  prepare(K: number, type: number): Maybe<void>;
  /** EM statistics with the coordinator's current parameters, about its shift buffer when
   *  `shifted` (Coordinator.recentre), else its means: the root, or null when it was
   *  written straight into the coordinator's statistics buffer. */
  em(co: Coordinator, shifted: boolean): Maybe<Float64Array | null>;
  kppClosest(centre: Float64Array, first: boolean): Maybe<Float64Array>;
  kppTrials(trials: Float64Array): Maybe<Float64Array>;
  pickRows(picks: Pick[]): Maybe<Float64Array>;
  featureSums(): Maybe<Float64Array>;
  featureSquares(mean: Float64Array): Maybe<Float64Array>;
  /** Per chunk: Σ w·(x − mean)(x − mean)ᵀ (upper triangle, d·d) and Σ w² (d·d + 1 f64 a chunk). */
  featureScatter(mean: Float64Array): Maybe<Float64Array>;
  /** Lloyd sums: the root, or null when written into the coordinator's sums buffer. */
  lloyd(co: Coordinator, centres: Float64Array): Maybe<Float64Array | null>;
  labelStats(co: Coordinator, centres: Float64Array): Maybe<Float64Array | null>;
  randomStats(co: Coordinator, shift: Float64Array, seedLo: number, seedHi: number): Maybe<Float64Array | null>;
  dataKeys(seedLo: number, seedHi: number): Maybe<KeyCandidates>;
  /** Runs one initialisation's EM iterations where the data live, from the coordinator's
   *  parameters and lower bound, leaving the final parameters in the coordinator; absent
   *  (or null) where the driver runs them itself. */
  relayEm?(co: Coordinator, init: number, lower: number, hooks: FitHooks): Maybe<EmOutcome | null>;
}

/** A cluster holding no rows, for a fit of no iterations from a given start (runFit: the
 *  M-step reads the start's statistics alone): it runs no iterations itself (no relayEm), and
 *  any request for rows is an internal error. */
export const NO_ROWS: Cluster = new Proxy({} as Cluster, {
  get(_, key) {
    if (key === 'relayEm' || key === 'then') return undefined;
    throw new Error(`internal: a fit of no iterations asked its cluster for ${String(key)}`);
  },
});

/** One shard holding every chunk, in the coordinator's instance: roots go straight into the
 *  coordinator's buffers, and the E-step reads its parameters in place. */
export class LocalCluster implements Cluster {
  constructor(readonly shard: Shard) {}
  get chunkCount(): number { return this.shard.chunks.length; }
  get totals(): Float64Array { return this.shard.totals; }
  prepare(K: number, type: number): void { this.shard.prepare(K, type); }
  em(co: Coordinator, shifted: boolean): null {
    this.shard.em(co.eStepPtrs(shifted), co.b.stats);
    return null;
  }
  kppClosest(centre: Float64Array, first: boolean): Float64Array { return this.shard.kppClosest(centre, first); }
  kppTrials(trials: Float64Array): Float64Array { return this.shard.kppTrials(trials); }
  pickRows(picks: Pick[]): Float64Array { return this.shard.pickRows(picks); }
  featureSums(): Float64Array { return this.shard.featureSums(); }
  featureSquares(mean: Float64Array): Float64Array { return this.shard.featureSquares(mean); }
  featureScatter(mean: Float64Array): Float64Array { return this.shard.featureScatter(mean); }
  lloyd(co: Coordinator, centres: Float64Array): null {
    this.shard.lloyd(centres, co.b.sums);
    return null;
  }
  labelStats(co: Coordinator, centres: Float64Array): null {
    this.shard.labelStats(centres, co.b.stats);
    return null;
  }
  randomStats(co: Coordinator, shift: Float64Array, seedLo: number, seedHi: number): null {
    this.shard.randomStats(shift, seedLo, seedHi, co.b.stats);
    return null;
  }
  dataKeys(seedLo: number, seedHi: number): KeyCandidates { return this.shard.dataKeys(seedLo, seedHi); }
}
