// The wire form of the statistics a shard sends its coordinator every iteration. Full and
// tied keep d×d scatter matrices of which only the upper triangle is ever written
// (assembly/stats.ts), so the tree nodes carry the upper triangles alone: for large d about
// half the bytes to copy out of the worker's memory, and half the elementwise sums the
// coordinator makes of the shards' nodes. Packed nodes add entry by entry exactly as whole
// ones do, so the root has the same bits. (The precision factors go out whole: packing
// them costs the coordinator more than the smaller copy saves.)
//
//   whole:  [head values][matrix 0: d×d row-major] … [matrix m−1]
//   packed: [head values][matrix 0: row i from column i, i = 0 … d−1] … [matrix m−1]
import { TYPE_CODE } from '../core/core.js';

/** d×d scatter matrices in a block of statistics: K (full), 1 (tied), 0 (diag, spherical). */
export function matrixCount(type: number, K: number): number {
  return type === TYPE_CODE.full ? K : type === TYPE_CODE.tied ? 1 : 0;
}

/** Values before the scatter matrices in a block of statistics (assembly/stats.ts):
 *  the header (Σ w·lse, Σ w), the masses and the sums. */
export function statsHead(K: number, d: number): number {
  return 2 + K + K * d;
}

/** Length of the packed form of `whole` values that end in m d×d matrices. */
export function packedLength(whole: number, m: number, d: number): number {
  return whole - (m * d * (d - 1)) / 2;
}

/** The packed copy of src (head values, then m d×d matrices); a plain copy when m = 0. */
export function packUpper(src: Float64Array, head: number, m: number, d: number): Float64Array {
  if (m === 0) return src.slice();
  const out = new Float64Array(packedLength(head + m * d * d, m, d));
  out.set(src.subarray(0, head));
  let at = head;
  for (let k = 0; k < m; k++) {
    const base = head + k * d * d;
    for (let i = 0; i < d; i++) {
      out.set(src.subarray(base + i * d + i, base + i * d + d), at);
      at += d - i;
    }
  }
  return out;
}

/** Writes packed (from packUpper) into dst (head + m·d·d values) in whole form, with 0 below
 *  each diagonal. */
export function unpackUpper(packed: Float64Array, dst: Float64Array, head: number, m: number, d: number): void {
  if (m === 0) {
    dst.set(packed);
    return;
  }
  const want = packedLength(head + m * d * d, m, d);
  if (packed.length !== want) throw new Error(`unpackUpper: ${packed.length} values, expected ${want}`);
  dst.set(packed.subarray(0, head));
  let at = head;
  for (let k = 0; k < m; k++) {
    const base = head + k * d * d;
    for (let i = 0; i < d; i++) {
      dst.fill(0, base + i * d, base + i * d + i);
      dst.set(packed.subarray(at, at + d - i), base + i * d + i);
      at += d - i;
    }
  }
}

/** A block of statistics (type code, K, d) in its wire form: packUpper with its head and matrices. */
export function packStats(stats: Float64Array, type: number, K: number, d: number): Float64Array {
  return packUpper(stats, statsHead(K, d), matrixCount(type, K), d);
}

/** packStats undone into dst (a whole block of statistics). */
export function unpackStats(packed: Float64Array, dst: Float64Array, type: number, K: number, d: number): void {
  unpackUpper(packed, dst, statsHead(K, d), matrixCount(type, K), d);
}
