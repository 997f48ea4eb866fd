// The single owner of WebAssembly memory: a bump allocator from the core's heap base that
// grows memory on demand and is reset before every call, so repeated jobs reuse the same
// pages. The core never allocates. Views are taken fresh after allocation (growth
// detaches the old ArrayBuffer).
//
// A job that calls back into user code (fit's onIteration) runs the callback inside
// withNestedArena(): jobs started from the callback allocate above the outer job's
// buffers instead of resetting over them, and the outer job's top is restored after.
import { GmmError } from './errors.js';
import { core as currentCore, type CoreExports } from './core.js';

const PAGE = 65536;
const LIMIT = 4 * 1024 * 1024 * 1024; // wasm32 address space
/** The most pages Arena.grow adds beyond the need (16 MiB): 64 steps a GiB. */
const GROW_STEP = 256;

/** Bytes a wasm32 memory can address (4 GiB). */
export const ADDRESS_SPACE_BYTES = LIMIT;

export class Arena {
  private readonly core: CoreExports;
  private readonly base: number;
  /** Where reset() starts: base, or the outer job's top while a callback runs. */
  private floor: number;
  private top: number;
  /** Where the current job started (its first reset). */
  private jobStart: number;
  /** Highest end of any allocation since the last memoryStats(true) (a test hook). */
  peak: number;
  /** Largest working set of one job (bytes from its start to its highest end) since then. */
  peakJob: number;

  constructor(core: CoreExports) {
    this.core = core;
    this.base = align(core.heapBase());
    this.floor = this.base;
    this.top = this.base;
    this.jobStart = this.base;
    this.peak = this.base;
    this.peakJob = 0;
  }

  reset(): void {
    this.top = this.floor;
    this.jobStart = this.top;
  }

  /** Runs fn with the current allocations protected: arenaFor() inside fn resets to the
   *  current top, and the top is restored when fn returns or throws. */
  nested<T>(fn: () => T): T {
    const floor = this.floor, top = this.top, jobStart = this.jobStart;
    this.floor = align(top);
    try {
      return fn();
    } finally {
      this.floor = floor;
      this.top = top;
      this.jobStart = jobStart;
    }
  }

  /** The current top: allocations after it can be dropped with release(). */
  mark(): number {
    return this.top;
  }

  /** Drops every allocation made after mark() returned `top`. */
  release(top: number): void {
    this.top = top;
  }

  /** Throws TOO_LARGE before anything is allocated if `bytes` more would not fit. */
  reserve(bytes: number, what: string): void {
    if (this.top + bytes + 64 * 16 > LIMIT) throw tooLarge(`${what} needs ${(bytes / 2 ** 30).toFixed(2)} GiB`);
  }

  /** Allocates `bytes` (16-byte aligned) and returns the byte offset. */
  alloc(bytes: number): number {
    const ptr = align(this.top);
    const end = ptr + bytes;
    if (end > LIMIT) throw tooLarge(`this call needs more than ${(end / 2 ** 30).toFixed(2)} GiB`);
    const mem = this.core.memory;
    if (end > mem.buffer.byteLength) this.grow(end);
    this.top = end;
    if (end > this.peak) this.peak = end;
    if (end - this.jobStart > this.peakJob) this.peakJob = end - this.jobStart;
    return ptr;
  }

  /** Grows memory to hold `end` bytes: by at least half its size up to GROW_STEP (a memory
   *  grown a few pages at a time, chunk by chunk, spends over a millisecond a step in V8),
   *  or by exactly what is needed where the runtime refuses more. The step is capped, not
   *  doubling, because a runtime may count a memory's whole size against a small limit
   *  (Cloudflare Workers: 128 MB an isolate) whether its pages are written or not. */
  private grow(end: number): void {
    const mem = this.core.memory;
    const have = mem.buffer.byteLength / PAGE;
    const need = Math.ceil(end / PAGE) - have;
    const ample = Math.min(Math.max(need, Math.min(Math.ceil(have / 2), GROW_STEP)), LIMIT / PAGE - have);
    try {
      mem.grow(ample);
      return;
    } catch {
      // fall through: the exact need
    }
    try {
      mem.grow(need);
    } catch {
      throw new GmmError('TOO_LARGE', `could not grow WebAssembly memory to ${(end / 2 ** 20).toFixed(0)} MiB: ` +
        'the runtime refused; use less data per call.');
    }
  }

  allocF64(n: number): number {
    return this.alloc(n * 8);
  }

  private whole: Float64Array | null = null;

  /** The f64 at byte offset ptr (through one cached view of all memory, re-taken after growth:
   *  growing detaches the old buffer, which leaves the view with length 0; testing that spares
   *  the memory.buffer getter, a call into the engine, on every read). */
  readF64(ptr: number): number {
    if (this.whole === null || this.whole.length === 0) this.whole = new Float64Array(this.core.memory.buffer);
    return this.whole[ptr >>> 3];
  }

  f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.core.memory.buffer, ptr, n);
  }

  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.core.memory.buffer, ptr, n);
  }

  /** Copies `src` into fresh arena memory (with `spare` more f64 after it) and returns its offset. */
  put(src: ArrayLike<number>, spare = 0): number {
    const ptr = this.allocF64(src.length + spare);
    this.f64(ptr, src.length).set(src);
    return ptr;
  }
}

/** TOO_LARGE for a job past the address space; `needs`: what needs how much. */
function tooLarge(needs: string): GmmError {
  return new GmmError('TOO_LARGE', `${needs} of WebAssembly memory, more than its 4 GiB address space allows: ` +
    (needs.startsWith('sampling') ? 'draw the rows in smaller batches (each with its own seed).'
      : 'fit on a subsample, or score the data in smaller batches.'));
}

function align(p: number): number {
  return Math.ceil(p / 16) * 16;
}

let shared: Arena | null = null;

/** The arena, reset for a new job (there is one core instance, so one arena). */
export function arenaFor(core: CoreExports): Arena {
  if (!shared) shared = new Arena(core);
  shared.reset();
  return shared;
}

/** Runs fn (a user callback) so that jobs it starts cannot overwrite the running job's
 *  WebAssembly buffers. */
export function withNestedArena<T>(fn: () => T): T {
  return shared ? shared.nested(fn) : fn();
}

export interface MemoryStats {
  /** Current size of WebAssembly memory (memory.buffer.byteLength). */
  memoryBytes: number;
  /** First byte the arena may use (the core's heap base, aligned). */
  heapBase: number;
  /** Highest byte offset any job reached since the last memoryStats(true) (heapBase if none). */
  peak: number;
  /** Largest working set of a single job since then: bytes from where the job started
   *  (heapBase, or above the running job for a job started from a callback) to its highest
   *  allocation. Memory grows only past heapBase + the largest of these, and then by at
   *  most half its size (16 MiB at most) or the need (grow()). */
  peakJob: number;
}

/** Test and diagnostics hook: how much WebAssembly memory the jobs have used. Needs init(). */
export function memoryStats(resetPeak = false): MemoryStats {
  const c = currentCore();
  const a = shared ?? (shared = new Arena(c));
  const s = { memoryBytes: c.memory.buffer.byteLength, heapBase: align(c.heapBase()), peak: a.peak, peakJob: a.peakJob };
  if (resetPeak) {
    a.peak = s.heapBase;
    a.peakJob = 0;
  }
  return s;
}
