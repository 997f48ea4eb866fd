// A pool of long-lived workers holding the data: each worker has its own instance of the
// core (the module compiled once and sent to it) and a shard of whole chunks. Per request
// only parameters go out and per-chunk values or tree nodes come back. The data are sent
// once, so restarts, warm starts and fits of other K over the same data reuse the pool.
import { coreModule, kernels } from '../core/core.js';
import { GmmError, abortedBy, type GmmErrorCode } from '../core/errors.js';
import { CHUNK_ROWS, chunkCount } from '../fit/chunks.js';
import { columnNames, describe, peekShape, toMatrix, toSampleWeight, type Matrix, type MatrixInput } from '../model/validate.js';
import { rescaled, shardBytes, weightExponent } from '../fit/run.js';
import { missingData } from '../fit/missing-fit.js';
import { hasNaN } from '../model/missing.js';
import { ADDRESS_SPACE_BYTES } from '../core/arena.js';
import { availableCores } from './spawn.js';
import type { CallArgs, CallName, CallResult, FromWorker, RelayArgs, RelayResult, TaskArgs } from './protocol.js';
import type { IterationInfo } from '../fit/driver.js';
import { unknownOption } from '../model/option-names.js';
import type { ShardHandle } from './shard-cluster.js';
import { currentSpawner, type SpawnOptions, type Spawner, type WorkerPort } from './spawn.js';

/** What a worker's time is reported for: its answers to requests, its relays, and within
 *  those the E-steps ('em', with the answers to 'em') and the M-steps ('step'). */
export type TimedName = CallName | 'relay' | 'step' | 'task';

/** Time a worker reported spending in answers to one kind of request (diagnostic). */
export interface WorkerTime {
  /** Milliseconds inside the worker's answer() (performance.now() there). */
  ms: number;
  /** Answers counted. */
  calls: number;
}

/** @internal A worker as the pool and the clusters drive it. */
export class WorkerShard implements ShardHandle {
  totals: Float64Array = new Float64Array(0);
  /** Per request name, the worker's own time answering it (diagnostic: see WorkerPool.workerTime). */
  readonly time = new Map<TimedName, WorkerTime>();
  private next = 1;
  private readonly pending = new Map<number, {
    name: CallName | 'relay' | 'task'; resolve: (v: unknown) => void; reject: (e: unknown) => void; progress?: (info: IterationInfo) => void;
  }>();
  private waiting: { resolve: (m: FromWorker) => void; reject: (e: unknown) => void } | null = null;
  failure: GmmError | null = null;

  constructor(readonly port: WorkerPort, readonly firstChunk: number, readonly endChunk: number,
    private readonly onFail: (e: GmmError) => void) {
    port.onMessage((m) => this.receive(m as FromWorker));
    port.onFailure((why) => this.fail(this.failed(`${why.replace(/\.$/, '')}. Check that the worker script loads in this ` +
      'runtime (see workerUrl / createWorker), and that memory suffices.')));
  }

  private receive(m: FromWorker): void {
    if (m.type === 'error' && m.id < 0) {
      this.fail(this.failed(m.message));
      return;
    }
    if (m.type === 'progress') {
      this.pending.get(m.id)?.progress?.(m.info);
    } else if (m.type === 'result' || m.type === 'error') {
      const p = this.pending.get(m.id);
      if (!p) {
        // an error answering a control message (init, load: id 0) ends the exchange waiting for it
        if (m.type === 'error' && m.id === 0 && this.waiting) {
          const w = this.waiting;
          this.waiting = null;
          this.port.hold(false);
          w.reject(new GmmError((m.code as GmmErrorCode) ?? 'WORKER_FAILED', m.message));
        }
        return;
      }
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.port.hold(false);
      if (m.type === 'result') {
        // a relay's E-steps count as E-step answers, so workerTime('em') means one thing
        if (p.name === 'relay') {
          const r = m.value as RelayResult;
          this.count('em', r.emMs, r.emCalls);
          this.count('step', r.stepMs, r.emCalls);
        }
        this.count(p.name, m.ms, 1);
        p.resolve(m.value);
      }
      else p.reject(new GmmError((m.code as GmmErrorCode) ?? 'WORKER_FAILED', m.message));
    } else if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve(m);
    }
  }

  /** WORKER_FAILED naming this worker's chunks and why. */
  private failed(why: string): GmmError {
    return new GmmError('WORKER_FAILED', `worker for chunks ${this.firstChunk}–${this.endChunk - 1} failed: ${why}`);
  }

  private count(name: TimedName, ms: number, calls: number): void {
    const t = this.time.get(name);
    if (t) {
      t.ms += ms;
      t.calls += calls;
    } else this.time.set(name, { ms, calls });
  }

  /** Rejects everything in flight with e (and whatever is asked later). */
  fail(e: GmmError): void {
    if (this.failure) return;
    this.failure = e;
    this.port.terminate();
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.waiting?.reject(e);
    this.waiting = null;
    this.onFail(e);
  }

  /** Sends a control message and waits for the worker's next one. */
  exchange(m: unknown, transfer?: ArrayBuffer[]): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    this.port.hold(true);
    return new Promise<FromWorker>((resolve, reject) => {
      this.waiting = { resolve: (v) => { this.port.hold(false); resolve(v); }, reject };
      this.port.post(m, transfer);
    });
  }

  call<N extends CallName>(name: N, ...args: CallArgs<N>): Promise<CallResult<N>> {
    return this.request(name, (id) => ({ type: 'call', id, name, args })) as Promise<CallResult<N>>;
  }

  /** Starts a relay on this worker (relay-worker.ts); worker 0's iterations go to `progress`. */
  relay(args: RelayArgs, progress?: (info: IterationInfo) => void): Promise<RelayResult> {
    return this.request('relay', (id) => ({ type: 'relay', id, args }), progress) as Promise<RelayResult>;
  }

  /** A block of independent work on this worker (parallel/crew.ts). */
  task(args: TaskArgs): Promise<unknown> {
    return this.request('task', (id) => ({ type: 'task', id, args }));
  }

  /** Ends relay `run` on this worker wherever it waits (it answers with an error). */
  cancel(run: number): void {
    if (!this.failure) this.port.post({ type: 'cancel', run });
  }

  private request(name: CallName | 'relay' | 'task', message: (id: number) => unknown, progress?: (info: IterationInfo) => void): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    this.port.hold(true);
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { name, resolve, reject, progress });
      this.port.post(message(id));
    });
  }
}

/** A worker started by `spawn` as a WorkerShard (WORKER_FAILED when it cannot start). */
export function spawnShard(spawn: Spawner, o: SpawnOptions, firstChunk: number, endChunk: number, onFail: (e: GmmError) => void): WorkerShard {
  let port: WorkerPort;
  try {
    port = spawn(o);
  } catch (e) {
    throw new GmmError('WORKER_FAILED', `could not start a worker: ${(e as Error)?.message ?? e}. Pass workerUrl or createWorker.`);
  }
  return new WorkerShard(port, firstChunk, endChunk, onFail);
}

/** How long a started worker may take to answer its first message (the module's
 *  instantiation) before it counts as failed: a script that loads but is not gmm-wasm's
 *  worker entry never answers, and nothing else would end the wait. (An object, so that the
 *  tests can shorten it.) */
export const workerStart = { timeoutMs: 60_000 };

/** A started worker given the core's module and the kernels' switches; resolves once it is
 *  ready, or fails it (WORKER_FAILED) after workerStart.timeoutMs without an answer. */
export async function initShard(s: WorkerShard, module: WebAssembly.Module): Promise<void> {
  const timer = setTimeout(() => s.fail(new GmmError('WORKER_FAILED', `a worker did not answer within ${workerStart.timeoutMs / 1000} s ` +
    'of starting: check that workerUrl or createWorker runs gmm-wasm\'s worker entry (worker-node.js, worker-browser.js).')),
  workerStart.timeoutMs);
  try {
    const ready = await s.exchange({ type: 'init', module, kernels: { ...kernels } });
    if (ready.type !== 'ready') throw new GmmError('WORKER_FAILED', 'a worker answered out of turn while starting.');
  } finally {
    clearTimeout(timer);
  }
}

export interface WorkerPoolOptions extends SpawnOptions {
  /** Number of workers (default: the available cores; at most one per chunk). */
  workers?: number;
}

/**
 * Workers holding X (and its sample weights), for fitAsync. Create it once to fit many
 * models over the same data (other K, restarts, warm starts) without sending the data again;
 * close() ends the workers (an idle pool does not keep Node from exiting).
 */
export class WorkerPool {
  readonly rows: number;
  readonly cols: number;
  /** Whether the rows carry sample weights. */
  readonly weighted: boolean;
  /** Rows of positive weight. */
  readonly positiveRows: number;
  private names: string[] | null = null;
  /** X's column names, which a model fitted on the pool keeps (null: X had none). */
  get featureNames(): string[] | null { return this.names?.slice() ?? null; }
  /** @internal */
  readonly shards: WorkerShard[];
  private broken: GmmError | null = null;
  private closed = false;
  /** @internal The sample weights were multiplied by a power of two (fit/run.ts rescaled). */
  weightsRescaled = false;
  /** A fit is running on the pool (its workers hold one fit's state at a time). */
  busy = false;
  /** @internal The workers hold ports to each other, so EM iterations can relay (relay-cluster.ts). */
  relay = false;
  /** The data had missing entries (created with missingValues 'marginalize', or a fitAsync's
   *  own pool): rows with nothing observed were left out, and the workers hold the others
   *  imputed and, where any has a NaN, as given for the incomplete-data E-step. */
  readonly missing: boolean;

  private constructor(rows: number, cols: number, weighted: boolean, positive: number, shards: WorkerShard[], missing: boolean) {
    this.missing = missing;
    this.rows = rows;
    this.cols = cols;
    this.weighted = weighted;
    this.positiveRows = positive;
    this.shards = shards;
  }

  /** Starts the workers and sends each its share of X (whole chunks). missingValues
   *  'marginalize': NaN in X is a missing entry, as for a model with that option (which the
   *  pool then serves alone): the workers hold the rows with an observed entry, as given and
   *  mean-imputed, as fitAsync(X) lays them out. */
  static async create(X: MatrixInput, options: WorkerPoolOptions & { sampleWeight?: ArrayLike<number> | null; signal?: AbortSignal;
    missingValues?: 'error' | 'marginalize' } = {}): Promise<WorkerPool> {
    const o = checkPoolOptions(options, ['sampleWeight', 'signal', 'missingValues'], true);
    const signal = checkSignal(options.signal);
    const mv = options.missingValues ?? 'error';
    if (mv !== 'error' && mv !== 'marginalize') {
      throw new GmmError('INVALID_OPTION', `missingValues must be 'error' or 'marginalize'; got ${describe(mv)}.`);
    }
    // from the shape alone, before any entry is read
    const shape = peekShape(X);
    const weighted = options.sampleWeight !== undefined && options.sampleWeight !== null;
    // (with missing values the workers hold the rows twice: as given, and imputed)
    if (shape) {
      checkShards(shape.rows, o.workers, (n) => shardBytes(n, shape.cols, weighted) * (mv === 'marginalize' ? 2 : 1),
        `${shape.rows}×${shape.cols} data`);
    }
    const m = toMatrix(X, 'X', mv === 'marginalize' ? 'allow' : 'refuse');
    const names = columnNames(X, m.cols);
    const w = toSampleWeight(options.sampleWeight, m.rows);
    if (signal?.aborted) throw abortedBy(signal, 'WorkerPool.create was aborted by its AbortSignal before it started.');
    let pool: WorkerPool;
    if (mv === 'marginalize' && hasNaN(m)) {
      // as fitAsync(X) (fit/missing-fit.ts): the kept rows, their weights rescaled; marked
      // missing even where only rows with nothing observed had NaN (left out: a model that
      // takes no missing values must not fit what is left)
      const md = missingData({ ...m, columns: names }, w, 1);
      pool = await WorkerPool.start(md.held, md.w, o.workers, o, signal, names, md.raw, true);
      pool.weightsRescaled = w !== null && weightExponent(Float64Array.from(md.kept, (r) => w[r])) !== 0;
    } else {
      pool = await WorkerPool.start(m, w ? rescaled(w) : null, o.workers, o, signal, names);
      pool.weightsRescaled = w !== null && weightExponent(w) !== 0;
    }
    return pool;
  }

  /** @internal Starts the workers and sends each its chunks (validated X, weights or null;
   *  names: X's column names or null). */
  static async start(X: Matrix, w: Float64Array | null, workers: number, o: SpawnOptions,
    signal?: AbortSignal, names: string[] | null = null, raw: Float64Array | null = null, missing = raw !== null): Promise<WorkerPool> {
    const spawn = currentSpawner();
    if (!spawn) throw new GmmError('WORKER_FAILED', 'this runtime has no workers: use fitAsync with workers: 0 (in-process).');
    // each caller has checked that every worker's share fits (checkShards): create() from the
    // shape, fitAsync and selectModelAsync with the fit's working memory too
    const C = chunkCount(X.rows), W = Math.max(1, Math.min(workers, C)), d = X.cols;
    const module = coreModule();
    const shards: WorkerShard[] = [];
    let pool: WorkerPool | null = null;
    const onFail = (e: GmmError): void => pool?.breakWith(e);
    let positive = 0;
    if (w) for (const v of w) positive += v > 0 ? 1 : 0;
    else positive = X.rows;
    try {
      for (let i = 0; i < W; i++) {
        const c0 = Math.floor((i * C) / W), c1 = Math.floor(((i + 1) * C) / W);
        shards.push(spawnShard(spawn, o, c0, c1, onFail));
      }
      pool = new WorkerPool(X.rows, d, w !== null, positive, shards, missing);
      pool.names = names;
      const abort = (): void => pool!.breakWith(abortedBy(signal, 'aborted by its AbortSignal while the workers started; no model was changed.'));
      signal?.addEventListener('abort', abort);
      try {
        await Promise.all(shards.map(async (s) => {
          await initShard(s, module);
          s.totals = await sendShard(s, X, w, raw);
        }));
      } finally {
        signal?.removeEventListener('abort', abort);
      }
      if (pool.broken) throw pool.broken;
      pool.relay = link(shards);
      return pool;
    } catch (e) {
      for (const s of shards) s.port.terminate();
      throw e;
    }
  }

  private breakWith(e: GmmError): void {
    if (this.broken) return;
    this.broken = e;
    for (const s of this.shards) s.fail(e);
  }

  /** @internal Throws if the pool cannot serve a fit. */
  check(): void {
    if (this.closed) throw new GmmError('INVALID_ARGUMENT', 'this WorkerPool is closed: create a new one.');
    if (this.busy) {
      throw new GmmError('INVALID_ARGUMENT', 'this WorkerPool is already running a fit: await it first (its workers hold one ' +
        'fit\'s state at a time), or create another pool.');
    }
    if (this.broken?.code === 'ABORTED') {
      throw new GmmError('INVALID_ARGUMENT', `this WorkerPool was stopped (${this.broken.message}): its workers are gone; create a new one.`);
    }
    if (this.broken) throw new GmmError('WORKER_FAILED', `this WorkerPool is unusable after an earlier failure (${this.broken.message}): create a new one.`);
  }

  /** @internal Stops a running fit: every worker ends and the pool is unusable. */
  abort(e: GmmError): void {
    this.breakWith(e);
  }

  /**
   * @internal Diagnostic, not API (bench/scaling.js uses it to tell the workers' compute from
   * messages, wake-ups and the coordinator's merge): per worker, in shard order, the time it
   * reported spending inside its answers to `name` (summed over answers; 'relay': whole relays,
   * whose E-steps count under 'em' and M-steps under 'step') and how many, since
   * the pool started; or, given an earlier result as `since`, the difference from it.
   */
  workerTime(name: TimedName, since?: readonly WorkerTime[]): WorkerTime[] {
    return this.shards.map((s, i) => {
      const t = s.time.get(name) ?? { ms: 0, calls: 0 };
      const b = since?.[i] ?? { ms: 0, calls: 0 };
      return { ms: t.ms - b.ms, calls: t.calls - b.calls };
    });
  }

  /** Ends the workers; a fit running on the pool rejects with ABORTED (its model unchanged). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.breakWith(new GmmError('ABORTED', 'the fit was stopped: its WorkerPool was closed while it ran; the model is unchanged.'));
    for (const s of this.shards) s.port.terminate();
  }
}

/** Rows of the largest share when `rows` rows are split over W workers as
 *  WorkerPool.start cuts them: chunks [⌊i·C/W⌋, ⌊(i+1)·C/W⌋) to worker i. */
function largestShare(rows: number, W: number): number {
  const C = chunkCount(rows), w = Math.max(1, Math.min(W, C));
  let most = 0;
  for (let i = 0; i < w; i++) {
    const c0 = Math.floor((i * C) / w), c1 = Math.floor(((i + 1) * C) / w);
    most = Math.max(most, Math.min(rows, c1 * CHUNK_ROWS) - c0 * CHUNK_ROWS);
  }
  return most;
}

/**
 * Throws TOO_LARGE, before any work, where some worker's shard of `rows` rows split over
 * `workers` workers (as WorkerPool.start cuts them) would need more than one WebAssembly
 * memory's 4 GiB (`need(n)` bytes for n rows), naming the fewest workers that would do
 * (found by bisection: the largest share shrinks as workers are added).
 */
export function checkShards(rows: number, workers: number, need: (n: number) => number, what: string): void {
  const C = chunkCount(rows);
  const fits = (W: number): boolean => need(largestShare(rows, W)) <= ADDRESS_SPACE_BYTES;
  if (fits(workers)) return;
  const largest = largestShare(rows, workers);
  const gib = (need(largest) / 2 ** 30).toFixed(2);
  if (!fits(C)) {
    throw new GmmError('TOO_LARGE', `${what}: even one chunk (${CHUNK_ROWS} rows) is more than a worker's 4 GiB of ` +
      'WebAssembly memory holds: use fewer features, components or a cheaper covarianceType.');
  }
  let lo = Math.max(1, workers), hi = C; // fits(hi); find the fewest
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  throw new GmmError('TOO_LARGE', `${what} over ${workers} worker${workers === 1 ? '' : 's'}: a worker's share of ` +
    `${largest} rows needs ${gib} GiB of WebAssembly memory, more than its 4 GiB: use workers: ${hi} or more ` +
    '(each worker holds its share in a memory of its own).');
}

/** Bytes of rows in one piece of a shard on its way to the worker (whole chunks, at least
 *  one). The sender fills one buffer again and again, as the worker hands it back with its
 *  answer: a copy of the whole shard would double the data's footprint while it lasts, and
 *  fresh pages cost seconds a GiB on some machines (4.5 GiB over 2 workers: 240 s to load
 *  with whole-shard copies and memory grown chunk by chunk, bench/beyond-4gib.js). */
const PIECE_BYTES = 8 * 2 ** 20;

/** Sends worker s its rows, piece by piece (raw: the same rows with their missing entries,
 *  or null); returns its chunks' totals. */
async function sendShard(s: WorkerShard, X: Matrix, w: Float64Array | null, raw: Float64Array | null): Promise<Float64Array> {
  const d = X.cols;
  const a = s.firstChunk * CHUNK_ROWS, b = Math.min(X.rows, s.endChunk * CHUNK_ROWS);
  const step = Math.max(1, Math.floor(PIECE_BYTES / (CHUNK_ROWS * d * 8))) * CHUNK_ROWS;
  let data: Float64Array = new Float64Array(Math.min(step, b - a) * d);
  let wd: Float64Array | null = w ? new Float64Array(Math.min(step, b - a)) : null;
  let rd: Float64Array | null = raw ? new Float64Array(data.length) : null;
  for (let r = a; ; r += step) {
    const m = Math.min(step, b - r), last = r + m >= b;
    data.set(X.data.subarray(r * d, (r + m) * d));
    if (wd) wd.set(w!.subarray(r, r + m));
    if (rd) rd.set(raw!.subarray(r * d, (r + m) * d));
    const got = await s.exchange({ type: 'load', chunk0: r === a ? s.firstChunk : null, rows: m, cols: d, data, w: wd, last, raw: rd },
      [data, wd, rd].filter((v) => v !== null).map((v) => v.buffer as ArrayBuffer));
    if (got.type !== 'loaded') throw new GmmError('WORKER_FAILED', 'a worker answered out of turn while loading.');
    if (last) return got.totals!;
    data = got.data;
    wd = got.w;
    rd = got.raw;
  }
}

/** Gives every pair of workers a MessageChannel of their own (each worker gets its ports by
 *  peer index, moved to it), for the relay. A lone worker relays too, to no one: its
 *  iterations then need no message at all. Returns false, leaving the workers unlinked,
 *  where the runtime has no MessageChannel for two or more. */
function link(shards: readonly WorkerShard[]): boolean {
  const W = shards.length;
  if (W > 1 && typeof MessageChannel !== 'function') return false;
  const ports: (MessagePort | null)[][] = shards.map(() => new Array<MessagePort | null>(W).fill(null));
  for (let i = 0; i < W; i++) {
    for (let j = i + 1; j < W; j++) {
      const ch = new MessageChannel();
      ports[i][j] = ch.port1;
      ports[j][i] = ch.port2;
    }
  }
  shards.forEach((s, i) => s.port.post({ type: 'peers', index: i, ports: ports[i] }, ports[i].filter((p) => p !== null)));
  return true;
}

/** The signal option of the asynchronous calls (fitAsync, fitStream, WorkerPool.create,
 *  selectModelAsync): undefined or an AbortSignal. */
export function checkSignal(v: unknown): AbortSignal | undefined {
  const signal = v as AbortSignal | undefined;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.addEventListener !== 'function')) {
    throw new GmmError('INVALID_OPTION', 'signal must be an AbortSignal (new AbortController().signal, or AbortSignal.timeout(ms)).');
  }
  return signal;
}

/** Validates the worker options shared by WorkerPool.create (pool: at least one worker) and fitAsync. */
export function checkPoolOptions(o: unknown, extra: string[], pool = false): WorkerPoolOptions & { workers: number } {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    throw new GmmError('INVALID_TYPE', 'options must be an object such as { workers: 4 }.');
  }
  const known = ['workers', 'workerUrl', 'createWorker', ...extra];
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new GmmError('INVALID_OPTION', unknownOption('option', k, known));
  }
  const r = o as WorkerPoolOptions;
  const workers = r.workers ?? (currentSpawner() ? availableCores() : 0);
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < (pool ? 1 : 0)) {
    throw new GmmError('INVALID_OPTION', pool
      ? `a WorkerPool needs workers, an integer ≥ 1; got ${describe(workers)}. (fitAsync with workers: 0 runs in this thread.)`
      : `workers must be an integer ≥ 0 (0: in this thread); got ${describe(workers)}.`);
  }
  if (r.createWorker !== undefined && typeof r.createWorker !== 'function') {
    throw new GmmError('INVALID_OPTION', 'createWorker must be a function returning a Worker that runs gmm-wasm\'s worker entry.');
  }
  if (r.workerUrl !== undefined && typeof r.workerUrl !== 'string' && !(r.workerUrl instanceof URL)) {
    throw new GmmError('INVALID_OPTION', 'workerUrl must be a string or URL of gmm-wasm\'s worker entry.');
  }
  return { ...r, workers };
}
