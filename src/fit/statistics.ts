// Public sufficient statistics: what an E-step over some chunks yields, as nodes of the
// fixed summation tree (tree.ts), with the chunk range they cover and a fingerprint of the
// parameters they were computed with. They merge in any order to the same bits, and
// serialise to a versioned little-endian format (see the README, "Fitting on more than one
// machine"):
//
//   offset  type     field
//   0       4 bytes  magic "GMMS"
//   4       u32      format version (2 with a shift; without one, 1, the same layout)
//   8       u32      covariance type (0 full, 1 tied, 2 diag, 3 spherical)
//   12      u32      K (components)
//   16      u32      d (features)
//   20      u32      rows per chunk (CHUNK_ROWS)
//   24      u32      first chunk
//   28      u32      one past the last chunk
//   32      f64      rows covered
//   40      u32      flags (bit 0: the last chunk is short, so it ends the data;
//                    bit 1: a shift follows the header)
//   44      u32      node count m
//   48      8 bytes  parameter fingerprint (of the shift too, when there is one)
//   56      K·d f64  the shift the statistics are taken about (only with flag bit 1;
//                    otherwise they are about the means)
//   then    m nodes: u32 level, u32 index, then S f64 (S = 2 + K + K·d + scatter size)
//
// Statistics without a shift are written as version 1 (bit 1 never set), which readers
// before the shift existed read too.
import { GmmError } from '../core/errors.js';
import { TYPE_CODE, TYPE_NAMES } from '../core/core.js';
import type { CovarianceType } from '../model/validate.js';
import { paramLength, type Params } from '../model/params.js';
import { CHUNK_ROWS } from './chunks.js';
import { mergeNodeSets, nodeRange, type TreeNode } from './tree.js';
import { statsHead } from './packing.js';

export const STATISTICS_FORMAT_VERSION = 2;
const MAGIC = 0x534d4d47; // "GMMS" little-endian
const HEADER_BYTES = 56;

/** f64 per statistics block (assembly/stats.ts statsSize). */
export function statisticsLength(type: CovarianceType, K: number, d: number): number {
  return statsHead(K, d) + paramLength(type, K, d); // the scatter has the covariances' shape
}

/** What makes a statistics block impossible, or null: a value that is NaN or infinite
 *  (only Σ w·lse may be −∞, from a row every component rules out), a negative Σ w, a mass
 *  below 0 or above Σ w, masses that do not sum to Σ w (both beyond rounding), a negative
 *  diagonal of a scatter (a sum of squares), or a cross product past √(SᵢᵢSⱼⱼ) (a scatter
 *  is positive semi-definite). Layout as in assembly/stats.ts. */
function impossibleValue(a: Float64Array, type: CovarianceType, K: number, d: number): string | null {
  for (let j = 0; j < a.length; j++) {
    if (!Number.isFinite(a[j]) && !(j === 0 && a[j] === -Infinity)) return `the value ${a[j]} at ${j}`;
  }
  const total = a[1];
  if (total < 0) return `a total weight of ${total}`;
  let masses = 0;
  for (let k = 0; k < K; k++) {
    const m = a[2 + k];
    if (m < 0 || m > total * (1 + 1e-9)) return `a mass of ${m} for component ${k} of a total weight of ${total}`;
    masses += m;
  }
  // each row's responsibilities sum to 1 (up to rounding), so the masses sum to the total
  if (!(Math.abs(masses - total) <= 1e-9 * total)) return `masses summing to ${masses} for a total weight of ${total}`;
  const s = statsHead(K, d);
  const diagonal = (at: number): number[] => Array.from({ length: d }, (_, i) => a[at + i * d + i]);
  const squares = type === 'full' ? Array.from({ length: K }, (_, k) => diagonal(s + k * d * d)).flat()
    : type === 'tied' ? diagonal(s) : Array.from(a.subarray(s));
  const neg = squares.findIndex((v) => v < 0);
  if (neg >= 0) return `a negative sum of squares (${squares[neg]})`;
  // a scatter Σ r·(x − c)(x − c)ᵀ is positive semi-definite: |Sᵢⱼ| ≤ √(Sᵢᵢ·Sⱼⱼ) (upper triangle)
  const blocks = type === 'full' ? K : type === 'tied' ? 1 : 0;
  for (let m = 0; m < blocks; m++) {
    const at = s + m * d * d;
    for (let i = 0; i < d; i++) {
      for (let j = i + 1; j < d; j++) {
        const v = a[at + i * d + j];
        if (Math.abs(v) > Math.sqrt(a[at + i * d + i] * a[at + j * d + j]) * (1 + 1e-9) + 1e-300) return `a cross product ${v} larger than its sums of squares allow`;
      }
    }
  }
  return null;
}

/** A 64-bit FNV-1a hash (as 16 hex digits) of the type, shape and the bits of the weights,
 *  means and precision factors, and of the shift when the statistics are taken about one:
 *  statistics are only valid for the parameters (and shift) they were computed with. */
export function paramsFingerprint(p: Params, shift: Float64Array | null = null): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193 ^ 0x5bd1e995;
  const eat = (b: number): void => {
    h1 = Math.imul(h1 ^ b, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ b, 0x5bd1e995) >>> 0;
  };
  for (const v of [TYPE_CODE[p.covarianceType], p.K, p.d]) eat(v & 0xff), eat((v >>> 8) & 0xff);
  const v = p.variational;
  const arrays = [p.weights, p.means, p.precisionsCholesky];
  if (v) arrays.push(v.weightConcentration, v.meanPrecision, v.degreesOfFreedom);
  if (shift) arrays.push(new Float64Array([NaN]), shift); // a NaN no parameter holds marks where it starts
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) eat(bytes[i]);
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

function invalid(msg: string): GmmError {
  return new GmmError('INVALID_STATISTICS', msg);
}

export class SufficientStatistics {
  /** Chunk size the chunk indices refer to. */
  static readonly CHUNK_ROWS = CHUNK_ROWS;

  private constructor(
    readonly covarianceType: CovarianceType,
    readonly nComponents: number,
    readonly nFeatures: number,
    /** Fingerprint of the parameters the E-step used (paramsFingerprint). */
    readonly fingerprint: string,
    /** Chunk ranges covered, sorted and disjoint ([first, end) each). */
    readonly ranges: readonly (readonly [number, number])[],
    /** Rows covered. */
    readonly rows: number,
    /** Chunk index of a short last chunk (the end of the data), or -1. */
    readonly shortChunk: number,
    /** @internal the tree nodes */
    readonly nodes: readonly TreeNode[],
    /** The point (K×d, row-major) the statistics are taken about, or null for the means of
     *  the parameters (see GaussianMixture.recentreShift). */
    readonly shift: Float64Array | null = null,
  ) {
    // readonly at run time too: a reassigned rows or shift would slip past applyStatistics' checks
    Object.freeze(this.ranges);
    Object.freeze(this.nodes);
    Object.freeze(this);
  }

  /** @internal */
  static create(p: Params, firstChunk: number, rows: number, nodes: TreeNode[], shift: Float64Array | null = null): SufficientStatistics {
    const end = firstChunk + Math.ceil(rows / CHUNK_ROWS);
    const short = rows % CHUNK_ROWS !== 0 ? end - 1 : -1;
    return new SufficientStatistics(p.covarianceType, p.K, p.d, paramsFingerprint(p, shift), [[firstChunk, end]], rows, short,
      nodes, shift);
  }

  /** First chunk and one past the last, when the chunks covered are contiguous (else null). */
  get chunkRange(): [number, number] | null {
    return this.ranges.length === 1 ? [this.ranges[0][0], this.ranges[0][1]] : null;
  }

  /** Merges statistics of disjoint chunk ranges computed with the same parameters; the
   *  result has the same bits whatever the order of the list or of earlier merges. */
  static merge(list: readonly SufficientStatistics[]): SufficientStatistics {
    if (!Array.isArray(list) || list.length === 0 || !list.every((s) => s instanceof SufficientStatistics)) {
      throw new GmmError('INVALID_ARGUMENT', 'mergeStatistics needs a non-empty array of SufficientStatistics ' +
        '(from computeStatistics or SufficientStatistics.fromBytes).');
    }
    const a = list[0];
    for (const s of list) {
      if (s.covarianceType !== a.covarianceType || s.nComponents !== a.nComponents || s.nFeatures !== a.nFeatures) {
        throw new GmmError('STATISTICS_MISMATCH', `cannot merge statistics of a ${s.nComponents}-component ${s.covarianceType} ` +
          `model over ${s.nFeatures} features with those of a ${a.nComponents}-component ${a.covarianceType} model over ` +
          `${a.nFeatures}: compute every piece with the same model.`);
      }
      if ((s.shift === null) !== (a.shift === null)) {
        throw new GmmError('STATISTICS_MISMATCH', 'cannot merge statistics taken about a shift with statistics taken about ' +
          'the means: compute every piece with the same { shift } (or none).');
      }
      if (s.fingerprint !== a.fingerprint) {
        throw new GmmError('STATISTICS_MISMATCH', 'cannot merge statistics computed with different parameters or shifts ' +
          `(fingerprints ${s.fingerprint} and ${a.fingerprint}): compute every piece with the same model between two M-steps.`);
      }
    }
    const ranges = list.flatMap((s) => s.ranges.map((r) => [r[0], r[1]] as [number, number])).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < ranges.length; i++) {
      if (ranges[i][0] < ranges[i - 1][1]) {
        throw invalid(`two pieces both cover chunk ${ranges[i][0]} (rows from ${ranges[i][0] * CHUNK_ROWS}): ` +
          'each row must be in exactly one piece; check the rowOffset of each computeStatistics call.');
      }
    }
    const short = list.map((s) => s.shortChunk).filter((c) => c >= 0);
    const end = ranges[ranges.length - 1][1];
    if (short.length > 1 || (short.length === 1 && short[0] !== end - 1)) {
      throw invalid(`a piece ends with a short chunk (chunk ${Math.min(...short)}, fewer than ${CHUNK_ROWS} rows) but ` +
        'other rows come after it: only the last piece of the data may end between two chunk boundaries.');
    }
    const joined: [number, number][] = [];
    for (const r of ranges) {
      const last = joined[joined.length - 1];
      if (last && last[1] === r[0]) last[1] = r[1];
      else joined.push([r[0], r[1]]);
    }
    const nodes = mergeNodeSets(list.map((s) => s.nodes));
    return new SufficientStatistics(a.covarianceType, a.nComponents, a.nFeatures, a.fingerprint, joined,
      list.reduce((m, s) => m + s.rows, 0), short.length ? short[0] : -1, nodes, a.shift);
  }

  /** The versioned little-endian bytes (format above). */
  toBytes(): Uint8Array {
    const range = this.chunkRange;
    if (!range) {
      throw invalid(`these statistics cover chunks ${this.ranges.map((r) => `${r[0]}–${r[1] - 1}`).join(', ')}, ` +
        'with gaps between them: merge the missing pieces first (the format holds one contiguous range).');
    }
    const S = statisticsLength(this.covarianceType, this.nComponents, this.nFeatures);
    const shiftBytes = this.shift ? 8 * this.shift.length : 0;
    const buf = new ArrayBuffer(HEADER_BYTES + shiftBytes + this.nodes.length * (8 + 8 * S));
    const v = new DataView(buf);
    v.setUint32(0, MAGIC, true);
    v.setUint32(4, this.shift ? STATISTICS_FORMAT_VERSION : 1, true); // readers of version 1 read these
    v.setUint32(8, TYPE_CODE[this.covarianceType], true);
    v.setUint32(12, this.nComponents, true);
    v.setUint32(16, this.nFeatures, true);
    v.setUint32(20, CHUNK_ROWS, true);
    v.setUint32(24, range[0], true);
    v.setUint32(28, range[1], true);
    v.setFloat64(32, this.rows, true);
    v.setUint32(40, (this.shortChunk >= 0 ? 1 : 0) | (this.shift ? 2 : 0), true);
    v.setUint32(44, this.nodes.length, true);
    for (let i = 0; i < 8; i++) v.setUint8(48 + i, parseInt(this.fingerprint.slice(2 * i, 2 * i + 2), 16));
    let at = HEADER_BYTES;
    for (const x of this.shift ?? []) {
      v.setFloat64(at, x, true);
      at += 8;
    }
    for (const n of this.nodes) {
      v.setUint32(at, n.level, true);
      v.setUint32(at + 4, n.index, true);
      at += 8;
      for (let j = 0; j < S; j++, at += 8) v.setFloat64(at, n.data[j], true);
    }
    return new Uint8Array(buf);
  }

  /** Reads toBytes() output; INVALID_STATISTICS for a malformed header or node layout, or
   *  values no rows can give (impossibleValue). The numbers carry no checksum: damage that
   *  keeps them possible goes through. */
  static fromBytes(bytes: ArrayBuffer | ArrayBufferView): SufficientStatistics {
    if (!(bytes instanceof ArrayBuffer) && !ArrayBuffer.isView(bytes)) {
      throw new GmmError('INVALID_TYPE', 'SufficientStatistics.fromBytes needs the bytes toBytes() wrote: an ArrayBuffer or any ArrayBufferView (Uint8Array, Buffer, DataView).');
    }
    const v = bytes instanceof ArrayBuffer ? new DataView(bytes) : new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (v.byteLength < 4 || v.getUint32(0, true) !== MAGIC) {
      throw invalid('these bytes are not gmm-wasm sufficient statistics (no "GMMS" header): pass what toBytes() returned.');
    }
    if (v.byteLength < HEADER_BYTES) {
      throw invalid(`the statistics are truncated: ${v.byteLength} bytes, fewer than the ${HEADER_BYTES} of the header.`);
    }
    const version = v.getUint32(4, true);
    if (version !== 1 && version !== STATISTICS_FORMAT_VERSION) {
      throw new GmmError('STATISTICS_MISMATCH', `these statistics use format version ${version}; this gmm-wasm reads ` +
        `versions 1 and ${STATISTICS_FORMAT_VERSION}: compute them with the same gmm-wasm version on every machine.`);
    }
    const type = TYPE_NAMES[v.getUint32(8, true)];
    const K = v.getUint32(12, true), d = v.getUint32(16, true);
    if (!type || K < 1 || d < 1) throw invalid('the statistics header names no valid covariance type or shape.');
    if (v.getUint32(20, true) !== CHUNK_ROWS) {
      throw new GmmError('STATISTICS_MISMATCH', `these statistics were cut in chunks of ${v.getUint32(20, true)} rows; ` +
        `this gmm-wasm uses ${CHUNK_ROWS}: compute them with the same gmm-wasm version on every machine.`);
    }
    const first = v.getUint32(24, true), end = v.getUint32(28, true), rows = v.getFloat64(32, true);
    const flags = v.getUint32(40, true);
    const short = (flags & 1) !== 0, shifted = (flags & 2) !== 0;
    if (flags > 3 || (shifted && version === 1)) throw invalid(`the header's flags ${flags} are not valid for format version ${version}.`);
    const m = v.getUint32(44, true);
    const S = statisticsLength(type, K, d);
    const shiftBytes = shifted ? 8 * K * d : 0;
    if (end <= first || v.byteLength !== HEADER_BYTES + shiftBytes + m * (8 + 8 * S)) {
      throw invalid(`the statistics are truncated or malformed (${v.byteLength} bytes for ${m} nodes of ${S} values` +
        `${shifted ? ` and a shift of ${K * d}` : ''}).`);
    }
    let fp = '';
    for (let i = 0; i < 8; i++) fp += v.getUint8(48 + i).toString(16).padStart(2, '0');
    const nodes: TreeNode[] = [];
    let at = HEADER_BYTES;
    let shift: Float64Array | null = null;
    if (shifted) {
      shift = new Float64Array(K * d);
      for (let j = 0; j < K * d; j++, at += 8) shift[j] = v.getFloat64(at, true);
      if (!shift.every(Number.isFinite)) throw invalid('the shift holds a value that is not finite: the bytes were changed or damaged.');
    }
    if (!Number.isSafeInteger(rows) || rows > (end - first) * CHUNK_ROWS || rows <= (end - first - 1) * CHUNK_ROWS ||
      (!short && rows !== (end - first) * CHUNK_ROWS) || (short && rows === (end - first) * CHUNK_ROWS)) {
      throw invalid(`the header's row count ${rows} does not fit chunks ${first}–${end - 1}${short ? ' ending short' : ''}.`);
    }
    const spans: [number, number][] = [];
    for (let i = 0; i < m; i++) {
      const level = v.getUint32(at, true), index = v.getUint32(at + 4, true);
      at += 8;
      const data = new Float64Array(S);
      for (let j = 0; j < S; j++, at += 8) data[j] = v.getFloat64(at, true);
      if (level > 31) throw invalid(`node ${i} has level ${level}.`);
      const bad = impossibleValue(data, type, K, d);
      if (bad) {
        throw invalid(`node ${i} holds ${bad}, which no rows in the range of doubles give: the bytes were changed or damaged, ` +
          'or (a value that overflowed) the data need scaling before computeStatistics.');
      }
      const [a, b] = nodeRange(level, index);
      if (a < first || b > end) throw invalid(`node ${i} (chunks ${a}–${b - 1}) lies outside chunks ${first}–${end - 1}.`);
      spans.push([a, b]);
      nodes.push({ level, index, data });
    }
    // the nodes must tile [first, end): sorted, each starting where the last ended
    spans.sort((x, y) => x[0] - y[0]);
    let next = first;
    for (const [a, b] of spans) {
      if (a !== next) throw invalid(a < next ? `two nodes both cover chunk ${a}.` : `no node covers chunk ${next}.`);
      next = b;
    }
    if (next !== end) throw invalid(`no node covers chunk ${next}.`);
    return new SufficientStatistics(type, K, d, fp, [[first, end]], rows, short ? end - 1 : -1, nodes, shift);
  }
}
