// fitStream: EM over data read from a source once per pass, so memory is bounded by one
// chunk and the initialisation sample, not by the number of rows. The source's pieces (of
// any size) are re-cut into the library's chunks (src/fit/chunks.ts), whose statistics are
// summed in the fixed tree as they come: the result equals fit() on the concatenation.
// Initialisation runs on a seeded reservoir sample (all rows when there are at most
// initSampleSize, which makes the whole fit identical to fit()).
import { privateCore, seedCore, TYPE_CODE, type CoreExports } from '../core/core.js';
import { Arena } from '../core/arena.js';
import { GmmError, type GmmErrorCode } from '../core/errors.js';
import { checkPriorShapes } from '../model/bayesian-options.js';
import type { FittedState } from '../model/params.js';
import { columnNames, nameMismatch, rowsOf, toMatrix, type Matrix, type ResolvedOptions } from '../model/validate.js';
import type { Coordinator } from '../fit/coordinator.js';
import { createCoordinator } from '../fit/variational.js';
import { checkConjugatePriorShape } from '../model/conjugate-prior.js';
import { Shard } from '../fit/shard.js';
import { LocalCluster, type Cluster, type KeyCandidates, type Pick } from '../fit/cluster.js';
import { fitProgram, runAsync, type IterationInfo, type LabelStart } from '../fit/driver.js';
import { fitStartSteps } from '../fit/init-labels.js';
import { runStepsAsync } from '../fit/hc-start.js';
import { CHUNK_ROWS } from '../fit/chunks.js';
import { NodeStack } from '../fit/tree.js';
import { abortedError } from './fit-async.js';
import { rowObserved } from '../model/missing.js';
import { pacer } from './next-turn.js';

/** A piece of a stream: rows, a row-major matrix (with its column names, optionally), or an
 *  Apache Arrow table / record batch of numeric columns (recognised by shape: numRows and
 *  getChildAt; its schema's field names are its columns'). */
export type StreamChunk = ArrayLike<ArrayLike<number>>
  | { data: ArrayLike<number>; rows: number; cols: number; columns?: readonly string[] | null } | ArrowLike;
export interface ArrowLike {
  numRows: number;
  numCols?: number;
  schema?: { fields?: unknown[] };
  getChildAt(i: number): ArrowColumn | null;
}
/** What fromArrow reads of a column (an Arrow Vector has all of it). */
interface ArrowColumn {
  length: number;
  toArray?(): ArrayLike<unknown>;
  get?(i: number): unknown;
  nullCount?: number;
  isValid?(i: number): boolean;
  type?: { typeId?: number; precision?: number; toString?(): string };
}
/** Called once per pass; returns the rows in the same order every time. */
export type StreamSource = () => Iterable<StreamChunk> | AsyncIterable<StreamChunk> | Promise<Iterable<StreamChunk> | AsyncIterable<StreamChunk>>;

/** initSampleSize's default and its largest value (the sample is held in memory). */
export const INIT_SAMPLE_DEFAULT = 100_000, INIT_SAMPLE_MAX = 2 ** 26;

export interface FitStreamOptions {
  signal?: AbortSignal;
  onIteration?: (info: IterationInfo) => void;
  /** Rows the initialisation sees at most (a seeded reservoir sample; default 100,000). */
  initSampleSize?: number;
}

// Arrow's type ids for integers and floating point, and the precision of a half float
const ARROW_INT = 2, ARROW_FLOAT = 3, ARROW_HALF = 0;

function isArrow(v: unknown): v is ArrowLike {
  return v !== null && typeof v === 'object' && typeof (v as ArrowLike).numRows === 'number' &&
    typeof (v as ArrowLike).getChildAt === 'function';
}

/** The values of the column `label` names (numbers or bigints, unchecked), or an error naming what it holds.
 *  toArray() gives the storage, which is the values only for integer and float columns
 *  without nulls (a half float's storage is its 16 bits); anything else is read by get(i). */
function arrowValues(col: ArrowColumn, label: string, rows: number): ArrayLike<unknown> {
  if (col.length !== rows) {
    throw new GmmError('SHAPE_MISMATCH', `${label} has ${col.length} values but the table has ${rows} rows.`);
  }
  const id = col.type?.typeId;
  if (typeof id === 'number' && id !== ARROW_INT && id !== ARROW_FLOAT) {
    throw new GmmError('NOT_NUMERIC', `${label} is of type ${String(col.type)}, not numbers: cast it to a float or ` +
      'integer column first.');
  }
  const nulls = typeof col.nullCount === 'number' && col.nullCount > 0;
  const storage = id === ARROW_INT || (id === ARROW_FLOAT && col.type!.precision !== ARROW_HALF);
  if (col.toArray && !nulls && (storage || typeof id !== 'number')) {
    const v = col.toArray();
    if (v && typeof v.length === 'number' && v.length === rows) return v;
  }
  if (typeof col.get !== 'function') {
    throw new GmmError('INVALID_TYPE', `${label} has neither toArray() giving ${rows} values nor get(i).`);
  }
  const out = new Array<unknown>(rows);
  for (let i = 0; i < rows; i++) out[i] = nulls && col.isValid && !col.isValid(i) ? null : col.get(i);
  return out;
}

/** An Arrow table or record batch as a row-major matrix (every entry checked: numeric, finite;
 *  with missing, a null or NaN is a missing entry, NaN). */
function fromArrow(t: ArrowLike, missing: boolean): Matrix {
  const cols = t.numCols ?? t.schema?.fields?.length ?? 0;
  const rows = t.numRows;
  if (!Number.isSafeInteger(rows) || rows < 0) throw new GmmError('INVALID_TYPE', `an Arrow table's numRows is ${rows}, not a row count.`);
  if (!Number.isSafeInteger(cols) || cols < 1) {
    throw new GmmError('EMPTY_INPUT', 'an Arrow table has no columns (numCols or schema.fields): pass numeric columns.');
  }
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    // named where the schema names it: the index alone is 0-based, where the CLI counts from 1
    const name = (t.schema?.fields?.[j] as { name?: unknown } | undefined)?.name;
    const label = `Arrow column ${typeof name === 'string' ? `${JSON.stringify(name)} (index ${j})` : `${j} (0-based)`}`;
    const col = t.getChildAt(j);
    if (!col) throw new GmmError('SHAPE_MISMATCH', `${label} is missing.`);
    const values = arrowValues(col, label, rows);
    for (let i = 0; i < rows; i++) {
      const v = missing && values[i] == null ? NaN : values[i]; // null (or a hole): missing
      const x = typeof v === 'bigint' ? Number(v) : (v as number);
      if (missing && x !== x) {
        data[i * cols + j] = NaN;
        continue;
      }
      if (typeof v !== 'number' && typeof v !== 'bigint') {
        throw new GmmError('NOT_NUMERIC', `${label}, row ${i} is ${v === null ? 'null' : typeof v}, not a number` +
          (v === null ? " (or set missingValues: 'marginalize' to read nulls as missing entries)." : '.'));
      }
      if (!Number.isFinite(x)) throw new GmmError('NON_FINITE', `${label}, row ${i} is ${x}: remove or impute such rows.`);
      data[i * cols + j] = x;
    }
  }
  return { data, rows, cols };
}

/** The stream's column names: the first a piece with rows gives (null: none so far), the
 *  fitted model's featureNames; warm: a warm start's, which every named piece must match. */
interface StreamNames { value: string[] | null; warm: string[] | null }

/** A piece's column names: an Arrow schema's field names, or a { data, rows, cols, columns }'s. */
function pieceNames(v: unknown, cols: number): string[] | null {
  if (isArrow(v)) {
    const f = v.schema?.fields?.map((x) => (x as { name?: unknown })?.name);
    return f && f.length === cols && f.every((x) => typeof x === 'string') ? (f as string[]) : null;
  }
  return columnNames(v, cols, 'chunk');
}

/** A chunk as a pass reads it: CHUNK_ROWS rows (the last may be short), and the error for
 *  a value that is not finite at an index of data, named by its source piece and row. */
interface StreamedChunk { index: number; data: Float64Array; rows: number; cols: number; nonFinite(at: number): GmmError }

/** A Float64Array matrix as it is, its values unchecked (the E-step passes check each chunk
 *  in the core once it is in memory); anything else through toMatrix, which checks all. */
function asMatrix(v: StreamChunk, checked: boolean, missing: boolean): Matrix {
  const m = v as { data?: unknown; rows?: unknown; cols?: unknown };
  if (!checked && !missing && m.data instanceof Float64Array && Number.isInteger(m.rows) && Number.isInteger(m.cols) &&
    (m.rows as number) > 0 && (m.cols as number) > 0 && m.data.length === (m.rows as number) * (m.cols as number)) {
    return { data: m.data, rows: m.rows as number, cols: m.cols as number };
  }
  return toMatrix(v, 'chunk', missing ? 'allow' : 'refuse');
}

/** A piece's rows that have an observed entry (missing values: a row with none carries no
 *  information, and fit() leaves it out before cutting chunks), or m itself when all do. */
function observedRows(m: Matrix): Matrix {
  const keep: number[] = [];
  for (let r = 0; r < m.rows; r++) if (rowObserved(m, r)) keep.push(r);
  if (keep.length === m.rows) return m;
  return { data: rowsOf(m, keep).data, rows: keep.length, cols: m.cols };
}

/** p, or ABORTED as soon as the signal fires while p is pending (a source that stalls cannot
 *  hold an aborted fit). */
function untilAborted<T>(p: T | Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return Promise.resolve(p);
  if (signal.aborted) return Promise.reject(abortedError(signal));
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(abortedError(signal));
    signal.addEventListener('abort', stop, { once: true });
    Promise.resolve(p).then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

/** A piece with no rows, skipped (whatever its form) once its shape is consistent; d: the
 *  model's width, against which its cols is checked (null: the stream's own width, which a
 *  row-less piece may precede on the first pass, so it is not held to it). */
function isEmptyPiece(v: unknown, d: number | null): boolean {
  if (v === null || typeof v !== 'object') return false;
  const o = v as { length?: unknown; rows?: unknown; cols?: unknown; data?: { length?: unknown }; numRows?: unknown };
  if (o.length === 0 || o.numRows === 0) return true;
  if (o.rows !== 0) return false;
  if (o.data?.length !== 0) {
    throw new GmmError('SHAPE_MISMATCH', `it has rows: 0 but ${String(o.data?.length)} values in data: rows × cols must equal data.length.`);
  }
  if (d !== null && o.cols !== d) {
    throw new GmmError('SHAPE_MISMATCH', `it has rows: 0 and cols: ${String(o.cols)}, but the other chunks have ${d} columns.`);
  }
  return true;
}

/** Reads the source once, re-cut into chunks of CHUNK_ROWS rows (the last may be short).
 *  pace: the fit's pacer (next-turn.ts), called after each piece. checked: every value of a
 *  Float64Array piece is checked here too (else the caller checks each chunk with nonFinite).
 *  missing: NaN is a missing entry (every piece checked here for ±Infinity), and rows with
 *  nothing observed are left out before the rows are cut into chunks, as fit() leaves them. */
async function* chunksOf(source: StreamSource, pass: number, d: number | null, given: boolean, signal: AbortSignal | undefined,
  pace: () => Promise<void>, checked: boolean, names: StreamNames, missing = false): AsyncGenerator<StreamedChunk> {
  let it: Iterable<StreamChunk> | AsyncIterable<StreamChunk>;
  // cause: what the source threw (a caller such as the command line may report it as it is)
  const fail = (code: GmmErrorCode, msg: string, cause?: unknown): GmmError =>
    Object.assign(new GmmError(code, msg), cause === undefined ? {} : { cause });
  try {
    it = await untilAborted(source(), signal);
  } catch (e) {
    throw e instanceof GmmError ? e : fail('SOURCE_FAILED', `fitStream pass ${pass}: the source threw: ${(e as Error)?.message ?? e}`, e);
  }
  if (it === null || typeof it !== 'object' || (!(Symbol.iterator in it) && !(Symbol.asyncIterator in it))) {
    throw fail('SOURCE_FAILED', `fitStream pass ${pass}: the source must return an iterable or async iterable of chunks; got ${it === null ? 'null' : typeof it}.`);
  }
  let buf: Float64Array | null = null, fill = 0, index = 0, piece = 0;
  // where the rows of buf came from: (first row in buf, piece, first row in the piece) each
  let from: number[] = [];
  const origin = (segments: number[], data: Float64Array, cols: number) => (at: number): GmmError => {
    const row = Math.floor(at / cols), col = at % cols;
    let s = 0;
    while (s + 3 < segments.length && segments[s + 3] <= row) s += 3;
    const r = segments[s + 2] + row - segments[s];
    return new GmmError('NON_FINITE', `fitStream pass ${pass}, chunk ${segments[s + 1]}: chunk[${r}][${col}] is ${data[at]}: ` +
      'remove or impute rows with NaN or ±Infinity before fitting.');
  };
  // given: d is the model's width (a warm or explicit start), not the first chunk's
  let iterator: AsyncIterator<StreamChunk> | Iterator<StreamChunk>;
  try {
    iterator = (Symbol.asyncIterator in it ? (it as AsyncIterable<StreamChunk>)[Symbol.asyncIterator]()
      : (it as Iterable<StreamChunk>)[Symbol.iterator]()) as AsyncIterator<StreamChunk> | Iterator<StreamChunk>;
  } catch (e) {
    throw fail('SOURCE_FAILED', `fitStream pass ${pass}: the source's iterator threw: ${(e as Error)?.message ?? e}.`);
  }
  // done: the iterator finished (no return() owed); waiting: a next() is still pending
  // (the abort came first), which return() would queue behind
  let done = false, waiting = false;
  try {
    for (;;) {
      let r: IteratorResult<StreamChunk>;
      try {
        waiting = true;
        r = await untilAborted(iterator.next(), signal);
        waiting = false;
      } catch (e) {
        if (!(signal?.aborted && e instanceof GmmError && e.code === 'ABORTED')) {
          waiting = false;
          done = true; // the iterator threw: it is finished, and owes no return()
        }
        throw e instanceof GmmError ? e : fail('SOURCE_FAILED', `fitStream pass ${pass}, chunk ${piece}: the source threw: ${(e as Error)?.message ?? e}`, e);
      }
      if (r.done) {
        done = true;
        break;
      }
      const where = `fitStream pass ${pass}, chunk ${piece}`;
      let m: Matrix, pn: string[] | null;
      try {
        if (isEmptyPiece(r.value, given ? d : null)) {
          piece++;
          continue;
        }
        m = isArrow(r.value) ? fromArrow(r.value, missing) : asMatrix(r.value, checked, missing);
        pn = pieceNames(r.value, m.cols);
      } catch (e) {
        if (e instanceof GmmError) throw new GmmError(e.code, `${where}: ${e.message}`);
        throw fail('SOURCE_FAILED', `${where}: reading it threw: ${(e as Error)?.message ?? e}`, e);
      }
      const at0 = piece++;
      if (m.rows === 0) continue;
      if (d === null) d = m.cols;
      if (m.cols !== d) {
        throw new GmmError(given ? 'FEATURE_MISMATCH' : 'SHAPE_MISMATCH', given
          ? `${where} has ${m.cols} columns but the model has ${d} features: stream the features the model was fitted or started with.`
          : `${where} has ${m.cols} columns but the earlier ones have ${d}: every chunk must have the same features.`);
      }
      // names: the first a piece gives; a piece with other names is another dataset, refused
      // at once (a warm start's at the first piece, before any work)
      const list = (a: readonly string[]): string => a.map((v) => JSON.stringify(v)).join(', ');
      if (pn && names.warm && nameMismatch(pn, names.warm) >= 0) {
        throw new GmmError('FEATURE_MISMATCH', `${where} names its columns ${list(pn)}, but the model being warm-started was ` +
          `fitted on ${list(names.warm)}: stream those columns, in that order, or use a model with warmStart: false.`);
      }
      if (pn && names.value && nameMismatch(pn, names.value) >= 0) {
        throw new GmmError('FEATURE_MISMATCH', `${where} names its columns ${list(pn)}, but an earlier chunk ${list(names.value)}: ` +
          'every chunk must have the same columns in the same order.');
      }
      if (pn && !names.value) names.value = pn;
      if (missing) m = observedRows(m);
      let at = 0;
      while (at < m.rows) {
        if (fill === 0 && m.rows - at >= CHUNK_ROWS) {
          // a whole chunk inside this piece: handed over as a view (the shard copies it at once)
          yield { index: index++, data: m.data.subarray(at * d, (at + CHUNK_ROWS) * d), rows: CHUNK_ROWS, cols: d,
            nonFinite: origin([0, at0, at], m.data.subarray(at * d), d) };
          at += CHUNK_ROWS;
          continue;
        }
        buf ??= new Float64Array(CHUNK_ROWS * d);
        const take = Math.min(CHUNK_ROWS - fill, m.rows - at);
        buf.set(m.data.subarray(at * d, (at + take) * d), fill * d);
        from.push(fill, at0, at);
        fill += take;
        at += take;
        if (fill === CHUNK_ROWS) {
          yield { index: index++, data: buf, rows: fill, cols: d, nonFinite: origin(from, buf, d) };
          fill = 0;
          from = [];
        }
      }
      await pace();
    }
  } finally {
    // an early exit (an error, an abort) closes the source; its own failure to close does
    // not hide the error that stopped the pass
    if (!done) {
      try {
        const closing = (iterator as AsyncIterator<StreamChunk>).return?.();
        if (waiting) Promise.resolve(closing).catch(() => {});
        else await closing;
      } catch {
        // ignored: see above
      }
    }
  }
  if (fill > 0) yield { index: index++, data: buf!.subarray(0, fill * d!), rows: fill, cols: d!, nonFinite: origin(from, buf!, d!) };
}

/** Chunks of a missing-value stream taken through one shard at a time: a pattern is
 *  factorised once for all of them, and memory holds their rows three times (the batch
 *  here, the shard's two copies in the core). */
const MISSING_BATCH = 8;

/** The data as the driver sees it: initialisation requests go to the sample (in memory),
 *  E-steps to a pass over the source. */
class StreamCluster implements Cluster {
  rows = -1;
  constructor(private readonly c: CoreExports, private readonly arena: Arena, private readonly source: StreamSource,
    private readonly d: number, private readonly sample: LocalCluster | null, private readonly signal: AbortSignal | undefined,
    private readonly pace: () => Promise<void>,
    /** Whether d is the model's (an explicit or warm start) rather than the stream's. */
    private readonly dFromModel: boolean,
    private readonly names: StreamNames,
    /** NaN is a missing entry (missingValues 'marginalize'): rows with nothing observed are
     *  left out, and where `missing`, the E-step is the incomplete-data one, chunks taken
     *  MISSING_BATCH at a time through a shard of their own. */
    private readonly marginalize = false,
    private readonly missing = false) {}
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
  /** One chunk's shard, reused for every chunk of every pass (made at the first). */
  private slot: Shard | null = null;
  /** The summation tree's held nodes, in this instance's memory (S f64 each). */
  private readonly nodes: number[] = [];

  async em(co: Coordinator, shifted: boolean): Promise<null> {
    this.pass++;
    const c = this.c, d = this.d, S = c.statsSize(this.type, this.K, d);
    const p = co.eStepPtrs(shifted);
    let held = 0;
    const stack = new NodeStack<number>((left, right) => {
      c.addInto(left, right, S);
      held--;
    });
    let rows = 0;
    // missing values: up to MISSING_BATCH chunks' rows at a time, as given (raw), through a
    // shard of their own (a pattern factorised once for all of them), each chunk's block a leaf
    let raw: Float64Array | null = null, n = 0;
    const batch: number[] = []; // the batch's chunk indices
    const flush = (): void => {
      if (batch.length === 0) return;
      while (this.nodes.length < held + batch.length) this.nodes.push(this.arena.allocF64(S));
      const top = this.arena.mark();
      try {
        // no initialisation reads these chunks: the shard needs their rows as given only
        const shard = new Shard(c, this.arena, batch[0], d, false).add(null, n, null, raw!.subarray(0, n * d));
        shard.prepare(this.K, this.type);
        shard.missingLeaves(p, (i, block) => {
          const leaf = this.nodes[held++];
          this.arena.f64(leaf, S).set(this.arena.f64(block, S));
          stack.push(batch[i], leaf);
        });
      } finally {
        this.arena.release(top);
      }
      batch.length = 0;
      n = 0;
    };
    for await (const ch of chunksOf(this.source, this.pass, d, this.dFromModel, this.signal, this.pace, false, this.names, this.marginalize)) {
      if (this.rows >= 0 && rows + ch.rows > this.rows) {
        // before the rows reach the shard, which was sized by an earlier pass's chunks
        throw new GmmError('SOURCE_FAILED', `fitStream pass ${this.pass}: the source gave at least ${rows + ch.rows} rows, but ` +
          `${this.rows} before: it must give the same rows in the same order on every call.`);
      }
      rows += ch.rows;
      if (this.missing) {
        // copied at once: the chunk's data may be the reader's buffer, refilled for the next
        raw ??= new Float64Array(MISSING_BATCH * CHUNK_ROWS * d);
        raw.set(ch.data, n * d);
        n += ch.rows;
        batch.push(ch.index);
        if (batch.length === MISSING_BATCH) flush();
        continue;
      }
      if (held === this.nodes.length) this.nodes.push(this.arena.allocF64(S));
      const leaf = this.nodes[held++];
      if (!this.slot) {
        // the first chunk is the longest: the buffers fit every later one
        this.slot = new Shard(c, this.arena, ch.index, d, false).add(ch.data, ch.rows, null);
        this.slot.prepare(this.K, this.type);
      }
      const bad = this.slot.load(ch.index, ch.data, ch.rows);
      if (bad >= 0 && this.marginalize) {
        // ±Infinity was refused as the chunk was read: a NaN in a row with an observed entry,
        // where pass 0 found none (and chose the E-step by it)
        throw new GmmError('SOURCE_FAILED', `fitStream pass ${this.pass}: chunk ${ch.index} has a missing entry (NaN) in a row ` +
          'with observed ones, where the first pass found none: the source must give the same rows in the same order on every call.');
      }
      if (bad >= 0) throw ch.nonFinite(bad);
      this.slot.em(p, leaf);
      stack.push(ch.index, leaf);
    }
    flush();
    if (this.rows >= 0 && rows !== this.rows) {
      throw new GmmError('SOURCE_FAILED', `fitStream pass ${this.pass}: the source gave ${rows} rows, but ${this.rows} before: ` +
        'it must give the same rows in the same order on every call.');
    }
    if (rows === 0) throw noRows(this.pass, this.marginalize);
    if (rows < co.K) {
      throw new GmmError('TOO_FEW_SAMPLES', `nComponents = ${co.K} needs at least that many samples; the stream has ${rows}. ` +
        'Reduce nComponents or add data.');
    }
    this.rows = rows;
    this.arena.f64(co.b.stats, S).set(this.arena.f64(stack.root(), S));
    return null;
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
 * seen, the width and the sample. missing: NaN is a missing entry (rows with nothing observed
 * left out), and the sample comes back with each NaN replaced by its feature's mean over
 * every row read (summed in row order, as fit() imputes before its initialisation).
 */
async function reservoir(c: CoreExports, source: StreamSource, k: number, seed: number, signal: AbortSignal | undefined,
  pace: () => Promise<void>, modelD: number | null, names: StreamNames, onWidth: (d: number) => void = () => {},
  missing = false): Promise<{ n: number; d: number; sample: Matrix; sawNaN: boolean }> {
  c.rngSeedStream(seed % 4294967296 >>> 0, Math.floor(seed / 4294967296) >>> 0, 0xffffffff);
  let res: Float64Array | null = null, n = 0, d = 0;
  let W = 0, next = 0;
  const u = (): number => 1 - c.rngUniform(); // (0, 1]
  const skip = (): number => Math.floor(c.ln(u()) / c.ln(1 - W)) + 1;
  // modelD: a warm or explicit start's width, held against every chunk from the first
  let sum: Float64Array | null = null, seen: Float64Array | null = null, sawNaN = false;
  for await (const ch of chunksOf(source, 0, modelD, modelD !== null, signal, pace, true, names, missing)) {
    if (n === 0 && d === 0) onWidth(ch.cols); // options that need the width, checked at once
    d = ch.cols;
    if (missing) {
      sum ??= new Float64Array(d);
      seen ??= new Float64Array(d);
      for (let i = 0; i < ch.rows * d; i++) {
        const v = ch.data[i];
        if (v === v) {
          sum[i % d] += v; // fit()'s meanImputed adds 1·v: the same bits
          seen[i % d] += 1;
        } else sawNaN = true;
      }
    }
    // grown with the rows seen, up to k (a short stream never pays for the whole sample)
    if (!res || (res.length < k * d && res.length < (n + ch.rows) * d)) res = grown(res, Math.min(k, Math.max(2 * n, n + ch.rows)) * d);
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
  if (n === 0) throw noRows(0, missing);
  const m = Math.min(n, k);
  const data = res ? res.subarray(0, m * d) : new Float64Array(0);
  if (missing) {
    const never = seen!.indexOf(0);
    if (never >= 0) {
      const name = names.value?.[never] == null ? '' : ` (${JSON.stringify(names.value[never])})`;
      throw new GmmError('EMPTY_INPUT', `fitStream pass 0: feature ${never}${name} is missing (NaN) in every row: nothing can be learnt ` +
        'about it; drop that column.');
    }
    for (let i = 0; i < data.length; i++) if (data[i] !== data[i]) data[i] = sum![i % d] / seen![i % d];
  }
  return { n, d, sample: { data, rows: m, cols: d }, sawNaN };
}

/** Whether a kept row of the stream (one with an observed entry) has a missing entry: fit()
 *  takes the incomplete-data E-step only then (without, its ordinary one, bit for bit), so a
 *  stream decides the same before its first E-step. Stops at the first such row. */
async function keptNaN(source: StreamSource, d: number, signal: AbortSignal | undefined, pace: () => Promise<void>,
  names: StreamNames): Promise<boolean> {
  for await (const ch of chunksOf(source, 0, d, true, signal, pace, true, names, true)) {
    for (let i = 0; i < ch.rows * d; i++) if (ch.data[i] !== ch.data[i]) return true;
  }
  return false;
}

/** EMPTY_INPUT for a pass that read no rows. */
function noRows(pass: number, marginalize = false): GmmError {
  return new GmmError('EMPTY_INPUT', marginalize
    ? `fitStream pass ${pass}: the source gave no row with an observed entry (every entry missing, NaN, or no rows): give it at least nComponents rows with values.`
    : `fitStream pass ${pass}: the source gave no rows: give it at least nComponents rows.`);
}

/** A copy of a (or a new array) with room for `length` values; TOO_LARGE where the
 *  runtime cannot allocate it. */
function grown(a: Float64Array | null, length: number): Float64Array {
  let b: Float64Array;
  try {
    b = new Float64Array(length);
  } catch {
    throw new GmmError('TOO_LARGE', `fitStream's initialisation sample needs ${length / 2 ** 17} MiB that this runtime could not ` +
      'allocate: pass a smaller initSampleSize, or an explicit start (weightsInit, meansInit, precisionsInit), which needs no sample.');
  }
  if (a) b.set(a);
  return b;
}

/** Runs one streamed fit. d: the features, if known (a warm start or an explicit start). */
export async function runFitStream(source: StreamSource, o: ResolvedOptions, warm: { params: FittedState['params']; lowerBound: number } | null,
  opts: FitStreamOptions & { initSampleSize: number; warmNames?: string[] | null }): Promise<FittedState> {
  const { signal } = opts;
  if (signal?.aborted) throw abortedError(signal);
  // a turn of the event loop every 10 ms of work, within passes and across them: a sync
  // source, or a pass too short to give one, would otherwise hold the thread (and the
  // signal) to the end
  const pace = pacer(signal, () => abortedError(signal));
  const c = await privateCore();
  const arena = new Arena(c);
  const explicit = warm !== null || (o.weightsInit !== null && o.meansInit !== null && o.precisionsInit !== null);
  let sample: LocalCluster | null = null, start: LabelStart | null = null;
  let d: number, rows = -1;
  let co: Coordinator;
  // the reservoir sample: for the initialisation, and for the data's moments where a
  // Bayesian fit takes priors from them (warm starts too)
  // a prior (Bayesian or mclust's) of the wrong width is refused at the first chunk, not after the pass
  const names: StreamNames = { value: null, warm: opts.warmNames ?? null };
  // missing values: taken as such where a kept row has one (pass 0 tells; an explicit start
  // reads the stream once more to know), else the ordinary fit of the kept rows, as fit()
  const marginalize = o.missingValues === 'marginalize';
  let missing = marginalize;
  const draw = (modelD: number | null) => reservoir(c, source, opts.initSampleSize, o.seed, signal, pace, modelD, names,
    (d) => { if (o.variational) checkPriorShapes(o, d); if (o.prior) checkConjugatePriorShape(o.prior, o.covarianceModel, d); }, marginalize);
  const keep = (r: Awaited<ReturnType<typeof draw>>): LocalCluster => {
    rows = r.n;
    // after the coordinator: the sample's shard frees back to its own data when it lays
    // itself out, so it must be the last thing in the arena
    return new LocalCluster(new Shard(c, arena, 0, r.d).add(r.sample.data, r.sample.rows, null));
  };
  if (explicit) {
    d = warm ? warm.params.d : o.meansInit!.length / o.nComponents;
    co = createCoordinator(c, arena, o, d);
    if (co.wantsDataMoments) sample = keep(await draw(d));
    else if (missing) missing = await keptNaN(source, d, signal, pace, names);
  } else {
    const r = await draw(null);
    missing &&= r.sawNaN;
    if (r.n < o.nComponents) {
      throw new GmmError('TOO_FEW_SAMPLES', `nComponents = ${o.nComponents} needs at least that many samples; the stream has ${r.n}. ` +
        'Reduce nComponents or add data.');
    }
    d = r.d;
    seedCore(c, o.seed);
    co = createCoordinator(c, arena, o, d);
    sample = keep(r);
    // initParams 'hc' agglomerates the sample: the stream's rows in order while they fit in it
    start = await runStepsAsync(fitStartSteps(c, arena, r.sample, null, null, o, false), pace);
  }
  const cluster = new StreamCluster(c, arena, source, d, sample, signal, pace, explicit, names, marginalize, missing);
  cluster.rows = rows;
  cluster.prepare(o.nComponents, TYPE_CODE[o.covarianceType]);
  const state = await runAsync(fitProgram(co, warm, { onIteration: opts.onIteration }, start), cluster, pace);
  return { ...state, featureNames: names.value };
}
