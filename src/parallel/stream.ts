// fitStream: EM over data read from a source once per pass, so memory is bounded by one
// chunk and the initialisation sample, not by the number of rows. The source's pieces (of
// any size) are re-cut into the library's chunks (src/fit/chunks.ts), whose statistics are
// summed in the fixed tree as they come: the result equals fit() on the concatenation.
// Initialisation runs on a seeded reservoir sample (all rows when there are at most
// initSampleSize, which makes the whole fit identical to fit()).
import { privateCore, seedCore, TYPE_CODE, type CoreExports } from '../core/core.js';
import { Arena } from '../core/arena.js';
import { GmmError, type GmmErrorCode } from '../core/errors.js';
import type { FittedState } from '../model/params.js';
import { toMatrix, type Matrix, type ResolvedOptions } from '../model/validate.js';
import type { Coordinator } from '../fit/coordinator.js';
import { createCoordinator } from '../fit/variational.js';
import { Shard } from '../fit/shard.js';
import { LocalCluster, type Cluster, type KeyCandidates, type Pick } from '../fit/cluster.js';
import { fitProgram, runAsync, type IterationInfo } from '../fit/driver.js';
import { CHUNK_ROWS } from '../fit/chunks.js';
import { NodeStack, addInto } from '../fit/tree.js';
import { abortedError, nextTurn } from './fit-async.js';

/** A piece of a stream: rows, a row-major matrix, or an Apache Arrow table / record batch
 *  of numeric columns (recognised by shape: numRows and getChildAt). */
export type StreamChunk = ArrayLike<ArrayLike<number>> | { data: ArrayLike<number>; rows: number; cols: number } | ArrowLike;
export interface ArrowLike {
  numRows: number;
  numCols?: number;
  schema?: { fields: unknown[] };
  getChildAt(i: number): { toArray?(): ArrayLike<unknown>; get?(i: number): unknown; length: number } | null;
}
/** Called once per pass; returns the rows in the same order every time. */
export type StreamSource = () => Iterable<StreamChunk> | AsyncIterable<StreamChunk> | Promise<Iterable<StreamChunk> | AsyncIterable<StreamChunk>>;

export interface FitStreamOptions {
  signal?: AbortSignal;
  onIteration?: (info: IterationInfo) => void;
  /** Rows the initialisation sees at most (a seeded reservoir sample; default 100,000). */
  initSampleSize?: number;
}

function isArrow(v: unknown): v is ArrowLike {
  return v !== null && typeof v === 'object' && typeof (v as ArrowLike).numRows === 'number' &&
    typeof (v as ArrowLike).getChildAt === 'function';
}

/** An Arrow table or record batch as a row-major matrix (every entry checked: numeric, finite). */
function fromArrow(t: ArrowLike): Matrix {
  const cols = t.numCols ?? t.schema?.fields.length ?? 0;
  const rows = t.numRows;
  if (!Number.isSafeInteger(rows) || rows < 0) throw new GmmError('INVALID_TYPE', `an Arrow table's numRows is ${rows}, not a row count.`);
  if (!Number.isSafeInteger(cols) || cols < 1) {
    throw new GmmError('EMPTY_INPUT', 'an Arrow table has no columns (numCols or schema.fields): pass numeric columns.');
  }
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const col = t.getChildAt(j);
    if (!col) throw new GmmError('SHAPE_MISMATCH', `Arrow column ${j} is missing.`);
    const values = col.toArray ? col.toArray() : Array.from({ length: col.length }, (_, i) => col.get!(i));
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      const x = typeof v === 'bigint' ? Number(v) : (v as number);
      if (typeof v !== 'number' && typeof v !== 'bigint') {
        throw new GmmError('NOT_NUMERIC', `Arrow column ${j}, row ${i} is ${v === null ? 'null' : typeof v}, not a number.`);
      }
      if (!Number.isFinite(x)) throw new GmmError('NON_FINITE', `Arrow column ${j}, row ${i} is ${x}: remove or impute such rows.`);
      data[i * cols + j] = x;
    }
  }
  return { data, rows, cols };
}

/** Reads the source once, re-cut into chunks of CHUNK_ROWS rows (the last may be short). */
async function* chunksOf(source: StreamSource, pass: number, d: number | null, signal?: AbortSignal):
  AsyncGenerator<{ index: number; data: Float64Array; rows: number; cols: number }> {
  let it: Iterable<StreamChunk> | AsyncIterable<StreamChunk>;
  const fail = (code: GmmErrorCode, msg: string): GmmError => new GmmError(code, msg);
  try {
    it = await source();
  } catch (e) {
    throw e instanceof GmmError ? e : fail('SOURCE_FAILED', `fitStream pass ${pass}: the source threw: ${(e as Error)?.message ?? e}.`);
  }
  if (it === null || typeof it !== 'object' || (!(Symbol.iterator in it) && !(Symbol.asyncIterator in it))) {
    throw fail('SOURCE_FAILED', `fitStream pass ${pass}: the source must return an iterable or async iterable of chunks; got ${it === null ? 'null' : typeof it}.`);
  }
  let buf: Float64Array | null = null, fill = 0, index = 0, piece = 0;
  const given = d !== null; // the model's width (a warm or explicit start), not the first chunk's
  let last = Date.now();
  const iterator = (Symbol.asyncIterator in it ? (it as AsyncIterable<StreamChunk>)[Symbol.asyncIterator]()
    : (it as Iterable<StreamChunk>)[Symbol.iterator]()) as AsyncIterator<StreamChunk> | Iterator<StreamChunk>;
  try {
    for (;;) {
      let r: IteratorResult<StreamChunk>;
      try {
        r = await iterator.next();
      } catch (e) {
        throw e instanceof GmmError ? e : fail('SOURCE_FAILED', `fitStream pass ${pass}, chunk ${piece}: the source threw: ${(e as Error)?.message ?? e}.`);
      }
      if (r.done) break;
      const where = `fitStream pass ${pass}, chunk ${piece}`;
      let m: Matrix;
      try {
        // empty pieces (no rows) are skipped, whatever their form
        const v = r.value as { length?: unknown; rows?: unknown; numRows?: unknown };
        if (v !== null && typeof v === 'object' && (v.length === 0 || v.rows === 0 || v.numRows === 0)) {
          piece++;
          continue;
        }
        m = isArrow(r.value) ? fromArrow(r.value) : toMatrix(r.value, 'chunk');
      } catch (e) {
        if (e instanceof GmmError) throw new GmmError(e.code, `${where}: ${e.message}`);
        throw e;
      }
      piece++;
      if (m.rows === 0) continue;
      if (d === null) d = m.cols;
      if (m.cols !== d) {
        throw new GmmError(given ? 'FEATURE_MISMATCH' : 'SHAPE_MISMATCH', given
          ? `${where} has ${m.cols} columns but the model has ${d} features: stream the features the model was fitted or started with.`
          : `${where} has ${m.cols} columns but the earlier ones have ${d}: every chunk must have the same features.`);
      }
      let at = 0;
      while (at < m.rows) {
        if (fill === 0 && m.rows - at >= CHUNK_ROWS) {
          // a whole chunk inside this piece: handed over as a view (the shard copies it at once)
          yield { index: index++, data: m.data.subarray(at * d, (at + CHUNK_ROWS) * d), rows: CHUNK_ROWS, cols: d };
          at += CHUNK_ROWS;
          continue;
        }
        buf ??= new Float64Array(CHUNK_ROWS * d);
        const take = Math.min(CHUNK_ROWS - fill, m.rows - at);
        buf.set(m.data.subarray(at * d, (at + take) * d), fill * d);
        fill += take;
        at += take;
        if (fill === CHUNK_ROWS) {
          yield { index: index++, data: buf, rows: fill, cols: d };
          fill = 0;
        }
      }
      if (signal?.aborted) throw abortedError();
      if (Date.now() - last > 10) {
        await nextTurn();
        last = Date.now();
        if (signal?.aborted) throw abortedError();
      }
    }
  } finally {
    await (iterator as AsyncIterator<StreamChunk>).return?.();
  }
  if (fill > 0) yield { index: index++, data: buf!.subarray(0, fill * d!), rows: fill, cols: d! };
}

/** The data as the driver sees it: initialisation requests go to the sample (in memory),
 *  E-steps to a pass over the source. */
class StreamCluster implements Cluster {
  rows = -1;
  constructor(private readonly c: CoreExports, private readonly arena: Arena, private readonly source: StreamSource,
    private readonly d: number, private readonly sample: LocalCluster | null, private readonly signal?: AbortSignal) {}
  private K = 0;
  private type = 0;
  private pass = 0;
  private init(): LocalCluster {
    if (!this.sample) throw new Error('fitStream: no initialisation sample');
    return this.sample;
  }
  get chunkCount(): number { return this.init().chunkCount; }
  get totals(): Float64Array { return this.init().totals; }
  prepare(K: number, type: number): void {
    this.K = K;
    this.type = type;
    this.sample?.prepare(K, type);
  }
  async em(co: Coordinator): Promise<Float64Array> {
    this.pass++;
    const stack = new NodeStack<Float64Array>(addInto);
    let rows = 0;
    for await (const ch of chunksOf(this.source, this.pass, this.d, this.signal)) {
      const top = this.arena.mark();
      const shard = new Shard(this.c, this.arena, ch.index, ch.data, ch.rows, this.d, null);
      shard.prepare(this.K, this.type);
      const [leaf] = shard.em({ means: co.b.means, chol: co.b.chol, logConst: co.b.logConst });
      this.arena.release(top);
      stack.push(ch.index, leaf.data);
      rows += ch.rows;
    }
    if (this.rows >= 0 && rows !== this.rows) {
      throw new GmmError('SOURCE_FAILED', `fitStream pass ${this.pass}: the source gave ${rows} rows, but ${this.rows} before: ` +
        'it must give the same rows in the same order on every call.');
    }
    if (rows < co.K) {
      throw new GmmError('TOO_FEW_SAMPLES', `nComponents = ${co.K} needs at least that many samples; the stream has ${rows}. ` +
        'Reduce nComponents or add data.');
    }
    this.rows = rows;
    return stack.root();
  }
  kppClosest(centre: Float64Array, first: boolean): Float64Array { return this.init().kppClosest(centre, first); }
  kppTrials(t: Float64Array): Float64Array { return this.init().kppTrials(t); }
  pickRows(p: Pick[]): Float64Array { return this.init().pickRows(p); }
  featureSums(): Float64Array { return this.init().featureSums(); }
  featureSquares(m: Float64Array): Float64Array { return this.init().featureSquares(m); }
  featureScatter(m: Float64Array): Float64Array { return this.init().featureScatter(m); }
  lloyd(co: Coordinator, c: Float64Array): null { return this.init().lloyd(co, c); }
  labelStats(co: Coordinator, c: Float64Array): null { return this.init().labelStats(co, c); }
  randomStats(co: Coordinator, s: Float64Array, lo: number, hi: number): null { return this.init().randomStats(co, s, lo, hi); }
  dataKeys(lo: number, hi: number): KeyCandidates { return this.init().dataKeys(lo, hi); }
}

/**
 * A seeded reservoir sample of at most k rows (Li's algorithm L: O(k·log(n/k)) draws from
 * the core's PRNG, on a stream of its own), in stream order while n ≤ k. Returns the rows
 * seen, the width and the sample.
 */
async function reservoir(c: CoreExports, source: StreamSource, k: number, seed: number, signal?: AbortSignal):
  Promise<{ n: number; d: number; sample: Matrix }> {
  c.rngSeedStream(seed % 4294967296 >>> 0, Math.floor(seed / 4294967296) >>> 0, 0xffffffff);
  let res: Float64Array | null = null, n = 0, d = 0;
  let W = 0, next = 0;
  const u = (): number => 1 - c.rngUniform(); // (0, 1]
  const skip = (): number => Math.floor(c.ln(u()) / c.ln(1 - W)) + 1;
  for await (const ch of chunksOf(source, 0, null, signal)) {
    d = ch.cols;
    res ??= new Float64Array(k * d);
    for (let i = 0; i < ch.rows; i++, n++) {
      if (n < k) {
        res.set(ch.data.subarray(i * d, i * d + d), n * d);
        if (n === k - 1) {
          W = c.exp(c.ln(u()) / k);
          next = n + skip();
        }
      } else if (n === next) {
        const slot = Math.min(k - 1, Math.floor(c.rngUniform() * k));
        res.set(ch.data.subarray(i * d, i * d + d), slot * d);
        W *= c.exp(c.ln(u()) / k);
        next = n + skip();
      }
    }
  }
  const m = Math.min(n, k);
  return { n, d, sample: { data: res ? res.subarray(0, m * d) : new Float64Array(0), rows: m, cols: d } };
}

/** Runs one streamed fit. d: the features, if known (a warm start or an explicit start). */
export async function runFitStream(source: StreamSource, o: ResolvedOptions, warm: { params: FittedState['params']; lowerBound: number } | null,
  opts: FitStreamOptions & { initSampleSize: number }): Promise<FittedState> {
  const { signal } = opts;
  if (signal?.aborted) throw abortedError();
  const c = await privateCore();
  const arena = new Arena(c);
  const explicit = warm !== null || (o.weightsInit !== null && o.meansInit !== null && o.precisionsInit !== null);
  let sample: LocalCluster | null = null;
  let d: number, rows = -1;
  let co: Coordinator;
  if (explicit) {
    d = warm ? warm.params.d : o.meansInit!.length / o.nComponents;
    co = createCoordinator(c, arena, o, d);
  } else {
    const r = await reservoir(c, source, opts.initSampleSize, o.seed, signal);
    if (r.n < o.nComponents) {
      throw new GmmError('TOO_FEW_SAMPLES', `nComponents = ${o.nComponents} needs at least that many samples; the stream has ${r.n}. ` +
        'Reduce nComponents or add data.');
    }
    d = r.d;
    rows = r.n;
    seedCore(c, o.seed);
    // the coordinator first: the sample's shard frees back to its own data when it lays
    // itself out, so it must be the last thing in the arena
    co = createCoordinator(c, arena, o, d);
    sample = new LocalCluster(new Shard(c, arena, 0, r.sample.data, r.sample.rows, d, null));
  }
  const cluster = new StreamCluster(c, arena, source, d, sample, signal);
  cluster.rows = rows;
  cluster.prepare(o.nComponents, TYPE_CODE[o.covarianceType]);
  return runAsync(fitProgram(co, warm, { onIteration: opts.onIteration }), cluster, () => {
    if (signal?.aborted) throw abortedError();
  });
}
