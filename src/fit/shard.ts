// A shard: consecutive whole chunks of the data in one core instance, and every per-chunk
// pass of a fit over them (k-means++ potentials and draws, Lloyd sums, the random starts,
// the EM statistics). The same class runs in the caller's thread (fit), in each worker
// (fitAsync), over a stream's chunks (fitStream) and behind computeStatistics. Each chunk
// is a dataset of its own: its rows are reordered along a Z-order curve of its own box,
// laid out in pair blocks and given its own certified-group balls, so what a chunk yields
// depends on its rows alone (src/fit/tree.ts combines the chunks).
import type { CoreExports } from '../core/core.js';
import { kernels, TYPE_NAMES } from '../core/core.js';
import type { Arena } from '../core/arena.js';
import { blockRows, paramLength } from '../model/params.js';
import { CHUNK_ROWS, zOrderBits } from './chunks.js';
import { NodeStack, type TreeNode } from './tree.js';
import { packStats } from './packing.js';
import type { EStepArrays } from '../parallel/protocol.js';
import { byPattern, missingNotPd, missingRoute, patternKey, patternOrder, type PatternKey } from '../model/missing.js';

/** missingEStepGroups' mark of a group that starts a pattern (assembly/missing.ts). */
const NEW_PATTERN = 1 << 30;

interface Chunk {
  index: number; // global chunk index
  rows: number;
  bits: number; // of its Z-order keys (kept in labels until the first layout)
  x: number; w: number; labels: number; closest: number; balls: number;
  /** Tied fits: each pair block's total weight, mean and scatter, kept from pass to pass
   *  (assembly/scatter.ts tiedBlock; NaN until the first pass), or 0. */
  tied: number;
  /** Data with missing entries (NaN): the chunk's rows as given, sorted by missingness
   *  pattern (mx, their weights mw or 0), and the G + 1 offsets of the patterns' groups,
   *  for the incomplete-data E-step; x then holds the rows with NaN imputed, which the
   *  initialisation passes read. mx 0: no missing entries in the data. keys: each group's
   *  pattern (patternKey). */
  mx: number; mw: number; groups: number; G: number; keys: PatternKey[];
  /** Missing entries: the chunk's complete rows (its first group, where that pattern has no
   *  NaN) again, laid out for the ordinary E-step (cx, weights cw or 0, balls cballs), cn of
   *  them; 0 where none (prepare() makes them). whole: every row is complete, and the
   *  ordinary E-step reads x itself, as for data without NaN (the same bits). */
  cx: number; cw: number; cn: number; cballs: number; whole: boolean;
}

/** Whether a tied fit keeps each block's total scatter between passes: d·d + d + 1 f64 a
 *  block of B rows, at most an eighth of the block's rows (8d ≤ B), so the largest fit that
 *  fits in memory shrinks by a few per cent at most; where d is larger it is recomputed
 *  every pass, as it costs less beside the per-component sums there. */
export function keepsTiedTotals(type: string, d: number, B: number): boolean {
  return type === 'tied' && 8 * d <= B && kernels.tiedTotals;
}

/** Slots reduce() needs for chunks [first, end): the most nodes the stack holds at once,
 *  plus the leaf being pushed. A range that does not start on a power-of-two boundary keeps
 *  its unaligned head on the stack while the rest is built, so this is found by running the
 *  stack over the indices rather than from log₂ of the count. */
export function stackDepth(first: number, end: number): number {
  let most = 0;
  const held = new NodeStack<null>(() => {});
  for (let c = first; c < end; c++) {
    most = Math.max(most, held.nodes.length + 1);
    held.push(c, null);
  }
  return most + 1;
}

/** Where the E-step's parameters are in this shard's instance; shift: where the statistics
 *  are taken about, 0 for the means (see Coordinator.recentre). */
export interface ParamPtrs {
  means: number; chol: number; logConst: number; shift?: number;
  /** The weights and covariances, which the incomplete-data E-step also reads (missing). */
  weights?: number; cov?: number;
}

export class Shard {
  readonly c: CoreExports;
  private readonly arena: Arena;
  readonly d: number;
  readonly chunks: Chunk[] = [];
  private chunkTotals = new Float64Array(0);
  /** The arena's top after the chunks' buffers (prepare() frees back to it). */
  private dataTop: number;
  /** The arena's top after this shard's last allocation: prepare() frees back to dataTop,
   *  which is only safe while nothing else was allocated above the shard. */
  private end = 0;
  private B = 0; // current pair-block size (0: rows are row-major)
  private pairs = false;
  private sorted = false; // rows in Z-order (done by the first prepare())
  private K = 0;
  private type = -1;
  private S = 0;
  private slot = 0;
  private buf: Record<string, number> = {};
  private depth = 0;
  /** Rows of the longest chunk (what load() may take). */
  private capacity = 0;
  private readonly chunk0: number;
  /** The centres that the chunks' labels and Lloyd gaps (kept in `closest`, unused after
   *  k-means++) were last computed for, or null where anything else wrote either since:
   *  the next Lloyd step then bounds each row's move from them (assembly/kmeans.ts assign). */
  private lloydFrom: Float64Array | null = null;
  /** Whether the shard's data have missing entries (add's raw). */
  missing = false;

  /** An empty shard whose first chunk will be global chunk `chunk0`: add() gives it rows.
   *  passes: false where the shard's rows see one E-step each (a stream's buffer, reloaded
   *  for every chunk; computeStatistics), so it keeps nothing between passes. */
  constructor(c: CoreExports, arena: Arena, chunk0: number, d: number, private readonly passes = true) {
    this.c = c;
    this.arena = arena;
    this.d = d;
    this.chunk0 = chunk0;
    this.dataTop = this.end = arena.mark();
  }

  /**
   * Copies rows (row-major, `rows`×d, and their weights or null) into the arena as the next
   * chunks: every chunk but the shard's last has CHUNK_ROWS rows, so every call but the
   * last gives whole chunks (a pool sends a shard piece by piece). Before prepare() only.
   * raw: for data with missing entries, the same rows with their NaN (data then holds them
   * imputed, for the initialisation; null where no initialisation will read them: x then
   * holds raw with NaN as 0, finite for the layout); every call of a shard gives raw or none does.
   */
  add(data: Float64Array | null, rows: number, w: Float64Array | null, raw: Float64Array | null = null): this {
    const c = this.c, arena = this.arena, d = this.d;
    const last = this.chunks[this.chunks.length - 1];
    if (this.K !== 0 || (last && last.rows !== CHUNK_ROWS) || (last && (last.w !== 0) !== (w !== null)) || arena.mark() !== this.end ||
      (last && this.missing !== (raw !== null))) {
      throw new Error('Shard.add: after prepare(), after a partial chunk, with weights unlike the earlier rows (or missing entries unlike theirs), or above other allocations');
    }
    if (!data && !raw) throw new Error('Shard.add: no rows (data or raw)');
    this.missing = raw !== null;
    const first = this.chunks.length, count = Math.ceil(rows / CHUNK_ROWS);
    for (let i = 0; i < count; i++) {
      const r0 = i * CHUNK_ROWS, m = Math.min(CHUNK_ROWS, rows - r0);
      // d spare f64 after x: the pair layout pads an odd last block
      const x = arena.allocF64(m * d + d);
      const xv = arena.f64(x, m * d);
      if (data) xv.set(data.subarray(r0 * d, (r0 + m) * d));
      else {
        // a block copy, then the NaN to 0 (a select per value costs several times more)
        xv.set(raw!.subarray(r0 * d, (r0 + m) * d));
        for (let i = 0; i < m * d; i++) if (xv[i] !== xv[i]) xv[i] = 0;
      }
      let wp = 0;
      if (w) {
        wp = arena.allocF64(m);
        arena.f64(wp, m).set(w.subarray(r0, r0 + m));
      }
      const labels = arena.alloc(m * 4);
      const closest = arena.allocF64(m + 1);
      const ch: Chunk = { index: this.chunk0 + first + i, rows: m, bits: 0, x, w: wp, labels, closest, balls: 0, tied: 0, mx: 0, mw: 0,
        groups: 0, G: 0, keys: [], cx: 0, cw: 0, cn: 0, cballs: 0, whole: false };
      if (raw) this.addMissing(ch, raw.subarray(r0 * d, (r0 + m) * d), w ? w.subarray(r0, r0 + m) : null);
      this.chunks.push(ch);
      this.capacity = Math.max(this.capacity, m);
    }
    this.dataTop = arena.mark();
    const totals = new Float64Array(2 * this.chunks.length);
    totals.set(this.chunkTotals);
    this.chunkTotals = totals;
    for (let i = first; i < this.chunks.length; i++) {
      const ch = this.chunks[i];
      const tmp = arena.allocF64(3 * d + 2); // spatialKeys: 2d f64 and up to d i32
      c.weightTotal(ch.w, ch.rows, tmp);
      const t = arena.f64(tmp, 2);
      totals[2 * i] = t[0];
      totals[2 * i + 1] = t[1];
      // rows close in space next to each other (about 8 per Z-order bucket, weight-0 rows
      // last), so that most groups of consecutive rows are certified to one component and
      // skip most of the E-step (assembly/certify.ts); the order depends on the chunk alone.
      // The keys wait in labels: the first prepare() sorts and lays out in one go
      ch.bits = zOrderBits(t[1]);
      c.spatialKeys(ch.x, ch.w, ch.rows, d, ch.bits, ch.labels, tmp);
      arena.release(this.dataTop);
    }
    this.end = arena.mark();
    return this;
  }

  /** A chunk's rows with missing entries, sorted by pattern within the chunk (so what the
   *  chunk yields depends on its rows alone, as for the others). */
  private addMissing(ch: Chunk, raw: Float64Array, w: Float64Array | null): void {
    const arena = this.arena, d = this.d, m = ch.rows;
    const rows = new Int32Array(m);
    for (let i = 0; i < m; i++) rows[i] = i; // (Int32Array.from with a mapper is slow in V8: every pass of a stream)
    const { order, groups } = patternOrder({ data: raw, rows: m, cols: d }, rows);
    ch.mx = arena.allocF64(m * d);
    const mx = arena.f64(ch.mx, m * d);
    for (let i = 0; i < m; i++) {
      // a plain loop: a subarray per row costs more than the copy
      const from = order[i] * d, to = i * d;
      for (let j = 0; j < d; j++) mx[to + j] = raw[from + j];
    }
    if (w) {
      ch.mw = arena.allocF64(m);
      const mw = arena.f64(ch.mw, m);
      for (let i = 0; i < m; i++) mw[i] = w[order[i]];
    }
    ch.G = groups.length - 1;
    ch.groups = arena.alloc(groups.length * 4);
    arena.i32(ch.groups, groups.length).set(groups);
    ch.keys = Array.from({ length: ch.G }, (_, g) => patternKey(raw, order[groups[g]] * d, d));
  }

  /** Every chunk's pattern groups, pattern by pattern (in patternOrder's order), then chunk
   *  by chunk, for missingEStepGroups: row and weight addresses, row counts and slot codes
   *  (the chunk's position, NEW_PATTERN where a pattern starts), 4 i32 arrays from `at`. */
  private missingGroups(at: { gx: number; gw: number; gn: number; gslot: number }): void {
    const d = this.d, arena = this.arena;
    const byKey = new Map<PatternKey, { chunk: number; g: number }[]>();
    this.chunks.forEach((ch, i) => ch.keys.forEach((key, g) => {
      if (g === 0 && ch.cn > 0) return; // the complete rows: the ordinary E-step (completeRows)
      const list = byKey.get(key);
      if (list) list.push({ chunk: i, g });
      else byKey.set(key, [{ chunk: i, g }]);
    }));
    const total = this.missingGroupCount();
    const gx = arena.i32(at.gx, total), gw = arena.i32(at.gw, total), gn = arena.i32(at.gn, total), gslot = arena.i32(at.gslot, total);
    let n = 0;
    for (const key of [...byKey.keys()].sort(byPattern)) {
      byKey.get(key)!.forEach(({ chunk, g }, j) => {
        const ch = this.chunks[chunk], offsets = arena.i32(ch.groups, ch.G + 1);
        gx[n] = ch.mx + offsets[g] * d * 8;
        gw[n] = ch.mw ? ch.mw + offsets[g] * 8 : 0;
        gn[n] = offsets[g + 1] - offsets[g];
        gslot[n] = chunk | (j === 0 ? NEW_PATTERN : 0);
        n++;
      });
    }
  }

  /** The groups missingEStepGroups takes: every chunk's but its complete rows'. */
  private missingGroupCount(): number {
    return this.chunks.reduce((s, ch) => s + ch.G - (ch.cn > 0 ? 1 : 0), 0);
  }

  /**
   * Each chunk's complete rows (the pattern without NaN sorts first) laid out again for the
   * ordinary E-step, which certifies and prunes where the incomplete-data kernel takes every
   * (row, component) term: about a quarter of its time for them (m8). The chunk's block is
   * the incomplete rows' statistics plus the complete rows' (missingEStep), the same sum
   * however the chunks are split.
   */
  private completeRows(B: number): void {
    const c = this.c, d = this.d, arena = this.arena;
    for (const ch of this.chunks) {
      const offsets = arena.i32(ch.groups, ch.G + 1);
      const first = arena.f64(ch.mx, d);
      let complete = ch.G > 0;
      for (let j = 0; j < d && complete; j++) complete = first[j] === first[j];
      const rows = complete ? offsets[1] - offsets[0] : 0;
      // a chunk without NaN: x holds its rows as they are, laid out as for data without NaN
      ch.whole = complete && rows === ch.rows;
      if (ch.whole) {
        ch.cn = rows;
        continue;
      }
      // rows of weight 0 left out, as the incomplete-data kernel skips them: so a fit with
      // them equals the fit without them, bit for bit
      let n = 0;
      if (ch.mw) {
        const w = arena.f64(ch.mw, rows);
        for (let r = 0; r < rows; r++) if (w[r] > 0) n++;
      } else n = rows;
      ch.cn = n;
      if (n === 0) continue;
      ch.cx = arena.allocF64(n * d + d);
      ch.cw = ch.mw ? arena.allocF64(n) : 0;
      // views taken after the allocations, which may grow the memory
      const mx = arena.f64(ch.mx, rows * d), cx = arena.f64(ch.cx, n * d);
      const mw = ch.mw ? arena.f64(ch.mw, rows) : null, cw = ch.mw ? arena.f64(ch.cw, n) : null;
      for (let r = 0, k = 0; r < rows; r++) {
        if (mw && !(mw[r] > 0)) continue;
        cx.set(mx.subarray(r * d, r * d + d), k * d);
        if (cw) cw[k] = mw![r];
        k++;
      }
      c.pairsInPlace(ch.cx, n, d, B, this.buf.scratch); // as x is after prepare()
      ch.cballs = arena.allocF64(c.ballsSize(n, d, B));
      c.groupBalls(ch.cx, n, d, B, ch.cballs);
    }
  }

  /** Per chunk: Σ w and the number of rows of positive weight. */
  get totals(): Float64Array { return this.chunkTotals; }

  get firstChunk(): number { return this.chunks[0].index; }
  get endChunk(): number { return this.chunks[this.chunks.length - 1].index + 1; }
  get rows(): number { return this.chunks.reduce((s, ch) => s + ch.rows, 0); }

  /** Lays the chunks out for K components of a covariance type (pair blocks of
   *  blockRows(K, d) rows) and allocates the working memory. */
  prepare(K: number, type: number): void {
    if (K === this.K && type === this.type) return;
    this.lloydFrom = null;
    const c = this.c, d = this.d, arena = this.arena;
    if (arena.mark() !== this.end) throw new Error('Shard.prepare: something was allocated above the shard in its arena');
    const B = blockRows(K, d);
    arena.release(this.dataTop);
    if (!this.sorted) {
      // sort each chunk by its Z-order keys and lay it out in pair blocks, one copy each way
      const most = Math.max(...this.chunks.map((ch) => ch.rows));
      const counts = arena.alloc(((1 << Math.max(...this.chunks.map((ch) => ch.bits))) + 1) * 4);
      const tmp = arena.allocF64(most * (d + 2));
      for (const ch of this.chunks) c.groupRowsToPairs(ch.x, ch.w, ch.rows, d, (1 << ch.bits) + 1, ch.labels, counts, tmp, B);
      this.sorted = true;
    } else if (this.B !== B || !this.pairs) {
      const tmp = arena.allocF64(Math.max(this.B, B) * d + 16);
      if (this.pairs) for (const ch of this.chunks) c.rowsInPlace(ch.x, ch.rows, d, this.B, tmp);
      for (const ch of this.chunks) c.pairsInPlace(ch.x, ch.rows, d, B, tmp);
    }
    this.pairs = true;
    arena.release(this.dataTop);
    this.B = B;
    this.K = K;
    this.type = type;
    this.S = c.statsSize(type, K, d);
    // the certified groups' balls (assembly/certify.ts): the data do not change, so once
    for (const ch of this.chunks) {
      ch.balls = arena.allocF64(c.ballsSize(ch.rows, d, B));
      c.groupBalls(ch.x, ch.rows, d, B, ch.balls);
      ch.tied = this.passes && keepsTiedTotals(TYPE_NAMES[type], d, B) ? arena.allocF64(c.tiedCacheSize(ch.rows, d, B)) : 0;
      this.forgetTiedTotals(ch);
    }
    this.depth = stackDepth(this.firstChunk, this.endChunk);
    const P = paramLength(TYPE_NAMES[type], K, d);
    // a stack slot holds EM statistics or Lloyd sums, whichever is longer
    const slot = (this.slot = Math.max(this.S, K * d + K));
    this.buf = {
      scratch: arena.allocF64(Math.max(c.scratchSize(K, d, B), B * d, B + 8 + 4 * d)),
      stack: arena.allocF64(slot * this.depth),
      weights: arena.allocF64(K), means: arena.allocF64(K * d), chol: arena.allocF64(P), logConst: arena.allocF64(K),
      shift: arena.allocF64(K * d), centres: arena.allocF64(K * d), rowsOut: arena.allocF64(4 * d), out: arena.allocF64(8),
      keys: arena.allocF64(K), idx: arena.alloc(4 * K), rng: arena.allocF64(6),
      prevCentres: arena.allocF64(K * d), moves: arena.allocF64(K + 1),
      missing: this.missing ? arena.allocF64(c.missingScratchSize(K, d)) : 0, cov: this.missing ? arena.allocF64(P) : 0,
    };
    if (this.missing) {
      this.completeRows(B);
      // the other pattern groups of every chunk and a statistics block per chunk (missingEStepGroups)
      const G = this.missingGroupCount();
      const at = { gx: arena.alloc(4 * G), gw: arena.alloc(4 * G), gn: arena.alloc(4 * G), gslot: arena.alloc(4 * G) };
      this.missingGroups(at);
      Object.assign(this.buf, at, { G, slots: arena.allocF64(this.S * this.chunks.length), complete: arena.allocF64(this.S) });
    }
    this.end = arena.mark();
  }

  /**
   * A prepared shard of one chunk (made from a stream's first chunk, the longest) takes the
   * rows of another chunk, at most as many: copied in and checked, then ordered, laid out
   * and given balls as the first prepare() did (the sort reads the copy, so no row is moved
   * twice). fitStream's one buffer for every chunk of
   * every pass. Returns -1, or the index of the first value that is not finite (NaN, ±∞),
   * in which case the shard holds nothing usable.
   */
  load(index: number, data: Float64Array, rows: number): number {
    const c = this.c, d = this.d, arena = this.arena, ch = this.chunks[0];
    if (this.chunks.length !== 1 || ch.w || !this.sorted || rows > this.capacity) throw new Error('Shard.load: not a prepared one-chunk shard of enough rows');
    this.lloydFrom = null;
    // the rows land in a staging buffer, from which the sort lays them out in x
    const top = arena.mark();
    const bits = zOrderBits(rows);
    const stage = arena.allocF64(rows * d), work = arena.alloc(rows * 4), counts = arena.alloc(((1 << bits) + 1) * 4);
    const tmp = arena.allocF64(3 * d + 2);
    try {
      arena.f64(stage, rows * d).set(data.subarray(0, rows * d));
      const bad = c.firstNonFinite(stage, rows * d);
      if (bad >= 0) return bad;
      ch.index = index;
      ch.rows = rows;
      this.totals[0] = this.totals[1] = rows;
      c.spatialKeys(stage, 0, rows, d, bits, ch.labels, tmp);
      c.sortedPairs(stage, ch.x, 0, rows, d, (1 << bits) + 1, ch.labels, counts, work, this.B);
      c.groupBalls(ch.x, rows, d, this.B, ch.balls);
      this.forgetTiedTotals(ch);
    } finally {
      arena.release(top);
    }
    this.pairs = true;
    return -1;
  }

  /** Marks a chunk's kept tied totals as not computed (its rows are new). */
  private forgetTiedTotals(ch: Chunk): void {
    if (ch.tied) this.arena.f64(ch.tied, this.c.tiedCacheSize(ch.rows, this.d, this.B)).fill(NaN);
  }

  private layout(pairs: boolean): void {
    if (this.pairs === pairs) return;
    const to = (x: number, rows: number): void => {
      if (pairs) this.c.pairsInPlace(x, rows, this.d, this.B, this.buf.scratch);
      else this.c.rowsInPlace(x, rows, this.d, this.B, this.buf.scratch);
    };
    for (const ch of this.chunks) {
      to(ch.x, ch.rows);
      if (ch.cx) to(ch.cx, ch.cn); // the complete rows' copy (completeRows) keeps x's layout
    }
    this.pairs = pairs;
  }

  /** The ordinary E-step (assembly/em.ts emPass) of n rows at x, laid out as layout() left
   *  them, with their weights, balls and tied totals (or 0), into the block at out. */
  private ePass(p: ParamPtrs, x: number, w: number, n: number, balls: number, tied: number, out: number): void {
    this.c.emPass(x, w, n, this.d, this.K, this.type, p.means, p.chol, p.logConst, out, this.buf.scratch, this.B, kernels.simd ? 1 : 0,
      balls, kernels.prune ? 1 : 0, p.shift ?? 0, kernels.certify ? 0 : 1, kernels.normalizeSoft ? 0 : 1, tied);
  }

  /** Writes the parameters the E-step reads into this shard's own buffers. */
  setParams(p: EStepArrays): ParamPtrs {
    const put = (at: number, v: Float64Array): number => {
      this.arena.f64(at, v.length).set(v);
      return at;
    };
    return {
      means: put(this.buf.means, p.means), chol: put(this.buf.chol, p.chol), logConst: put(this.buf.logConst, p.logConst),
      shift: p.shift ? put(this.buf.shift, p.shift) : 0,
      weights: p.weights ? put(this.buf.weights, p.weights) : 0, cov: p.cov ? put(this.buf.cov, p.cov) : 0,
    };
  }

  /**
   * Runs `leaf` for every chunk into a slot of `len` f64 and sums the slots in the fixed
   * tree (tree.ts). With `root` (the shard holds every chunk from 0 to the end of the data),
   * returns the root in `into` (a pointer in this instance); otherwise the shard's whole
   * nodes, copied out (with `wire`, blocks of statistics in the packed form of packing.ts).
   */
  private reduce(len: number, leaf: (ch: Chunk, out: number) => void, into = 0, wire = false): TreeNode[] {
    const c = this.c, stackBase = this.buf.stack, slot = this.slot;
    if (into && this.chunks.length === 1) {
      leaf(this.chunks[0], into); // one chunk: the leaf is the root
      return [];
    }
    let used = 0;
    const stack = new NodeStack<number>((l, r) => { c.addInto(l, r, len); used--; });
    for (const ch of this.chunks) {
      if (used >= this.depth) throw new Error(`Shard.reduce: the tree stack overflows its ${this.depth} slots`); // stackDepth is exact
      const out = stackBase + 8 * slot * used++;
      leaf(ch, out);
      stack.push(ch.index, out);
    }
    if (into) {
      this.arena.f64(into, len).set(this.arena.f64(stack.root(), len));
      return [];
    }
    const copy = (v: Float64Array): Float64Array => (wire ? packStats(v, this.type, this.K, this.d) : v.slice());
    return stack.nodes.map((n) => ({ level: n.level, index: n.index, data: copy(this.arena.f64(n.value, len)) }));
  }

  /** EM statistics (assembly/stats.ts) about p.shift, or the current means; for data with
   *  missing entries, of the incomplete-data E-step (assembly/missing.ts), which throws
   *  NOT_POSITIVE_DEFINITE where a covariance restricted to a pattern is not. */
  em(p: ParamPtrs, into = 0, wire = false): TreeNode[] {
    if (this.missing) {
      // every chunk's block at once (a pattern is factorised once, not once per chunk), then
      // the blocks as the tree's leaves
      const b = this.buf, S = this.S;
      this.missingEStep(p);
      return this.reduce(S, (ch, out) => {
        const at = b.slots + 8 * S * (ch.index - this.firstChunk);
        this.arena.f64(out, S).set(this.arena.f64(at, S));
      }, into, wire);
    }
    this.layout(kernels.simd);
    return this.reduce(this.S, (ch, out) => this.ePass(p, ch.x, ch.w, ch.rows, ch.balls, ch.tied, out), into, wire);
  }

  /** The incomplete-data E-step of every chunk (missing entries), each chunk's statistics
   *  block handed to `visit` in chunk order (its position in the shard, its address, valid
   *  until the next call on the shard): the leaves of em()'s tree, for a caller that sums
   *  them with chunks held elsewhere (fitStream). */
  missingLeaves(p: ParamPtrs, visit: (i: number, block: number) => void): void {
    this.missingEStep(p);
    this.chunks.forEach((_, i) => visit(i, this.buf.slots + 8 * this.S * i));
  }

  /** missingEStepGroups into the chunks' blocks (buf.slots), then each chunk's complete
   *  rows by the ordinary E-step, added to its block. */
  private missingEStep(p: ParamPtrs): void {
    const c = this.c, b = this.buf, K = this.K, type = this.type, d = this.d, S = this.S;
    const bad = c.missingEStepGroups(b.gx, b.gw, b.gn, b.gslot, b.G, d, K, type, p.weights!, p.means, p.cov!, p.chol,
      b.slots, S, this.chunks.length, b.missing, missingRoute.route, p.shift ?? 0);
    if (bad >= 0) throw missingNotPd(bad, { K, covarianceType: TYPE_NAMES[type] }, 'in an EM iteration');
    this.layout(kernels.simd);
    this.chunks.forEach((ch, i) => {
      const slot = b.slots + 8 * S * i;
      // a chunk without NaN: its block is the ordinary E-step's, as em() makes it for data without NaN
      if (ch.whole) this.ePass(p, ch.x, ch.w, ch.rows, ch.balls, ch.tied, slot);
      else if (ch.cn > 0) {
        this.ePass(p, ch.cx, ch.cw, ch.cn, ch.cballs, 0, b.complete);
        c.addInto(slot, b.complete, S);
      }
    });
  }

  /** Per chunk: Σ w·‖x − centre‖², after closest = ‖x − centre‖² (first) or the minimum of both. */
  kppClosest(centre: Float64Array, first: boolean): Float64Array {
    this.layout(true);
    this.lloydFrom = null;
    this.arena.f64(this.buf.centres, this.d).set(centre);
    return Float64Array.from(this.chunks, (ch) =>
      this.c.kppClosest(ch.x, ch.w, ch.rows, this.d, this.B, this.buf.centres, ch.closest, this.buf.scratch, first));
  }

  /** Per chunk, the potentials with each of four trial centres (4×d) added: 4 f64 a chunk. */
  kppTrials(trials: Float64Array): Float64Array {
    this.layout(true);
    this.arena.f64(this.buf.rowsOut, 4 * this.d).set(trials);
    const out = new Float64Array(4 * this.chunks.length);
    this.chunks.forEach((ch, i) => {
      this.c.kppTrials(ch.x, ch.w, ch.rows, this.d, this.B, ch.closest, this.buf.rowsOut, this.buf.scratch, this.buf.out);
      out.set(this.arena.f64(this.buf.out, 4), 4 * i);
    });
    return out;
  }

  /** The rows drawn by (chunk, target) pairs: the first row of the chunk whose running sum
   *  of w (byPotential: w·closest) exceeds target. */
  pickRows(picks: readonly { chunk: number; target: number; byPotential: boolean }[]): Float64Array {
    this.layout(true);
    const d = this.d, out = new Float64Array(picks.length * d);
    picks.forEach((pk, i) => {
      const ch = this.chunks[pk.chunk - this.firstChunk];
      const r = Math.max(0, this.c.drawRow(ch.w, pk.byPotential ? ch.closest : 0, ch.rows, pk.target));
      this.arena.i32(this.buf.idx, 1)[0] = r;
      this.c.gatherRows(ch.x, ch.rows, d, this.B, this.buf.idx, 1, this.buf.rowsOut);
      out.set(this.arena.f64(this.buf.rowsOut, d), i * d);
    });
    return out;
  }

  /** Per chunk: Σ w·x per feature and Σ w (d + 1 f64 a chunk). */
  featureSums(): Float64Array {
    this.layout(true);
    const d = this.d, out = new Float64Array((d + 1) * this.chunks.length);
    this.chunks.forEach((ch, i) => {
      this.c.featureSums(ch.x, ch.w, ch.rows, d, this.B, this.buf.rowsOut, this.buf.scratch);
      out.set(this.arena.f64(this.buf.rowsOut, d + 1), i * (d + 1));
    });
    return out;
  }

  /** Per chunk: Σ w·‖x − mean‖². */
  featureSquares(mean: Float64Array): Float64Array {
    this.layout(true);
    this.arena.f64(this.buf.centres, this.d).set(mean);
    return Float64Array.from(this.chunks, (ch) =>
      this.c.featureSquares(ch.x, ch.w, ch.rows, this.d, this.B, this.buf.centres, this.buf.scratch));
  }

  /** Per chunk: Σ w·(x − mean)(x − mean)ᵀ (upper triangle) and Σ w² (d·d + 1 f64 a chunk). */
  featureScatter(mean: Float64Array): Float64Array {
    this.layout(true);
    const d = this.d, len = d * d + 1, out = new Float64Array(len * this.chunks.length);
    this.arena.f64(this.buf.centres, d).set(mean);
    const mark = this.arena.mark();
    const tmp = this.arena.allocF64(len);
    try {
      this.chunks.forEach((ch, i) => {
        this.c.featureScatter(ch.x, ch.w, ch.rows, d, this.B, this.buf.centres, tmp, this.buf.scratch);
        out.set(this.arena.f64(tmp, len), i * len);
      });
    } finally {
      this.arena.release(mark);
    }
    return out;
  }

  /** One Lloyd step: labels to the nearest centre, then per centre Σ w·x and Σ w. Rows
   *  whose nearest centre provably stayed the same since the last step keep their labels
   *  without a distance computed (the same labels either way). */
  lloyd(centres: Float64Array, into = 0): TreeNode[] {
    this.layout(true);
    const c = this.c, K = this.K, d = this.d, buf = this.buf;
    const from = kernels.lloydBound ? this.lloydFrom : null;
    this.lloydFrom = null; // until every chunk is done
    if (from) this.arena.f64(buf.prevCentres, K * d).set(from);
    this.arena.f64(buf.centres, K * d).set(centres);
    if (from) c.centreMoves(buf.prevCentres, buf.centres, K, d, buf.moves);
    const nodes = this.reduce(K * d + K, (ch, out) =>
      c.lloydSums(ch.x, ch.w, ch.rows, d, K, this.B, buf.centres, ch.labels, out, buf.scratch, ch.closest, buf.moves, from ? 0 : 1), into);
    this.lloydFrom = centres.slice();
    return nodes;
  }

  /** The statistics of a hard start: labels to the nearest centre, rₙₖ = [labelₙ = k],
   *  about the centres. */
  labelStats(centres: Float64Array, into = 0, wire = false): TreeNode[] {
    this.layout(true);
    this.lloydFrom = null;
    const c = this.c, K = this.K, d = this.d;
    this.arena.f64(this.buf.centres, K * d).set(centres);
    return this.reduce(this.S, (ch, out) => {
      c.assignLabels(ch.x, ch.rows, d, K, this.B, this.buf.centres, ch.labels, this.buf.scratch);
      c.initStats(ch.x, ch.w, ch.rows, d, K, this.type, ch.labels, 0, this.buf.centres, out, this.buf.scratch, this.B);
    }, into, wire);
  }

  /** The statistics of random responsibilities about `shift` (K×d), each chunk drawing from
   *  its own stream of the seed. */
  randomStats(shift: Float64Array, seedLo: number, seedHi: number, into = 0, wire = false): TreeNode[] {
    this.layout(true);
    const c = this.c, K = this.K, d = this.d;
    this.arena.f64(this.buf.centres, K * d).set(shift);
    c.rngSave(this.buf.rng); // the caller's stream continues afterwards (one instance may serve both)
    try {
      return this.reduce(this.S, (ch, out) => {
        c.rngSeedStream(seedLo, seedHi, ch.index);
        c.initStats(ch.x, ch.w, ch.rows, d, K, this.type, 0, 0, this.buf.centres, out, this.buf.scratch, this.B);
      }, into, wire);
    } finally {
      c.rngLoad(this.buf.rng);
    }
  }

  /** Per chunk, its K rows with the largest keys log(u)/w ('random_from_data'). */
  dataKeys(seedLo: number, seedHi: number): { keys: number[]; chunks: number[]; rows: number[]; x: Float64Array } {
    this.layout(true);
    const c = this.c, K = this.K, d = this.d;
    const keys: number[] = [], chunks: number[] = [], rows: number[] = [], xs: number[] = [];
    c.rngSave(this.buf.rng);
    try {
      for (const ch of this.chunks) {
        c.rngSeedStream(seedLo, seedHi, ch.index);
        const found = c.dataKeys(ch.w, ch.rows, K, this.buf.keys, this.buf.idx);
        const kv = this.arena.f64(this.buf.keys, K).slice(), iv = this.arena.i32(this.buf.idx, K).slice();
        for (let j = 0; j < found; j++) {
          c.gatherRows(ch.x, ch.rows, d, this.B, this.buf.idx + 4 * j, 1, this.buf.rowsOut);
          keys.push(kv[j]);
          chunks.push(ch.index);
          rows.push(iv[j]);
          xs.push(...this.arena.f64(this.buf.rowsOut, d));
        }
      }
    } finally {
      c.rngLoad(this.buf.rng);
    }
    return { keys, chunks, rows, x: Float64Array.from(xs) };
  }
}
