// The unit of determinism: every pass over the data works on fixed chunks of CHUNK_ROWS
// rows cut by global row index (the last may be shorter), and combines their results in an
// order that depends only on chunk indices (tree.ts). Hence fit(), fitAsync() with any
// number of workers, fitStream() over any chunking of the same rows, and statistics
// computed shard by shard give the same bits.

/** Rows per chunk (a power of two). Workers, streams and computeStatistics pieces split
 *  the data at multiples of it. */
export const CHUNK_ROWS = 2048;

/** Number of chunks of n rows. */
export function chunkCount(n: number): number {
  return Math.ceil(n / CHUNK_ROWS);
}

/** Bits of the Z-order key for m rows: about 8 rows per bucket, at most 2^20 buckets. */
export function zOrderBits(m: number): number {
  return Math.max(1, Math.min(20, Math.ceil(Math.log2(Math.max(m, 2) / 8))));
}
