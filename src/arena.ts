// The single owner of WebAssembly memory: a bump allocator from the core's heap base that
// grows memory on demand and is reset before every call, so repeated jobs reuse the same
// pages. The core never allocates. Views are taken fresh after allocation (growth
// detaches the old ArrayBuffer).
import { GmmError } from './errors.js';
import type { CoreExports } from './core.js';

const PAGE = 65536;
const LIMIT = 4 * 1024 * 1024 * 1024; // wasm32 address space

export class Arena {
  private readonly core: CoreExports;
  private readonly base: number;
  private top: number;

  constructor(core: CoreExports) {
    this.core = core;
    this.base = align(core.heapBase());
    this.top = this.base;
  }

  reset(): void {
    this.top = this.base;
  }

  /** Throws TOO_LARGE before anything is allocated if `bytes` more would not fit. */
  reserve(bytes: number, what: string): void {
    if (this.top + bytes + 64 * 16 > LIMIT) {
      throw new GmmError('TOO_LARGE', `${what} needs ${(bytes / 2 ** 30).toFixed(2)} GiB of WebAssembly memory, ` +
        'more than its 4 GiB address space allows: fit on a subsample, or score the data in smaller batches.');
    }
  }

  /** Allocates `bytes` (16-byte aligned) and returns the byte offset. */
  alloc(bytes: number): number {
    const ptr = align(this.top);
    const end = ptr + bytes;
    if (end > LIMIT) this.reserve(bytes, 'this call');
    const mem = this.core.memory;
    if (end > mem.buffer.byteLength) {
      const need = Math.ceil((end - mem.buffer.byteLength) / PAGE);
      try {
        mem.grow(need);
      } catch {
        throw new GmmError('TOO_LARGE', `could not grow WebAssembly memory to ${(end / 2 ** 20).toFixed(0)} MiB: ` +
          'the runtime refused; use less data per call.');
      }
    }
    this.top = end;
    return ptr;
  }

  allocF64(n: number): number {
    return this.alloc(n * 8);
  }

  f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.core.memory.buffer, ptr, n);
  }

  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.core.memory.buffer, ptr, n);
  }

  /** Copies `src` into fresh arena memory and returns its offset. */
  put(src: ArrayLike<number>): number {
    const ptr = this.allocF64(src.length);
    this.f64(ptr, src.length).set(src);
    return ptr;
  }
}

function align(p: number): number {
  return Math.ceil(p / 16) * 16;
}

let shared: Arena | null = null;

export function arenaFor(core: CoreExports): Arena {
  if (!shared) shared = new Arena(core);
  shared.reset();
  return shared;
}
