// Sufficient statistics of one EM pass, a flat f64 block that adds up across row ranges:
//
//   [0] Σ w·lse   [1] Σ w                                          (header, HEADER f64)
//   mass    K        Σₙ wₙ rₙₖ
//   sum     K·d      Σₙ wₙ rₙₖ (xₙ − cₖ)
//   scatter         Σₙ wₙ rₙₖ (xₙ − cₖ)(xₙ − cₖ)ᵀ   about the shift c (the current means):
//                   full K·d·d (upper triangle), tied d·d (summed over k, upper triangle),
//                   diag K·d (the diagonal only), spherical K (the trace only)
//
// Two blocks with the same shift add elementwise (except the min/argmin pair).

import { FULL, TIED, DIAG, SPHERICAL } from './types';
import { V, hsum, wmul } from './block';

export const HEADER: i32 = 2;

export function scatterSize(type: i32, K: i32, d: i32): i32 {
  if (type == FULL) return K * d * d;
  if (type == TIED) return d * d;
  if (type == DIAG) return K * d;
  return K;
}

/** Length in f64 of the statistics block. */
export function statsSize(type: i32, K: i32, d: i32): i32 {
  return HEADER + K + K * d + scatterSize(type, K, d);
}

export function statsReset(stats: usize, type: i32, K: i32, d: i32): void {
  memory.fill(stats, 0, <usize>statsSize(type, K, d) << 3);
}

// @ts-ignore: decorator
@inline export function massPtr(stats: usize): usize { return stats + (<usize>HEADER << 3); }
// @ts-ignore: decorator
@inline export function sumPtr(stats: usize, K: i32): usize { return stats + (<usize>(HEADER + K) << 3); }
// @ts-ignore: decorator
@inline export function scatterPtr(stats: usize, K: i32, d: i32): usize { return stats + (<usize>(HEADER + K + K * d) << 3); }

/** Scalar accumulation of the statistics for rows [r0, r0+rows) given weighted
 *  responsibilities resp (rows×K, already multiplied by the sample weight). tmp: d f64. */
export function accumulateScalar(
  x: usize, r0: i32, rows: i32, d: i32, K: i32, type: i32,
  resp: usize, shift: usize, stats: usize, tmp: usize
): void {
  const mass = massPtr(stats);
  const sum = sumPtr(stats, K);
  const scat = scatterPtr(stats, K, d);
  for (let k = 0; k < K; k++) {
    const c = shift + (<usize>(k * d) << 3);
    const sk = sum + (<usize>(k * d) << 3);
    const Sk = type == FULL ? scat + (<usize>(k * d * d) << 3)
      : type == TIED ? scat : type == DIAG ? scat + (<usize>(k * d) << 3) : scat + (<usize>k << 3);
    let m: f64 = 0;
    for (let r = 0; r < rows; r++) {
      const a = load<f64>(resp + (<usize>(r * K + k) << 3));
      if (a == 0.0) continue;
      m += a;
      const xr = x + (<usize>((r0 + r) * d) << 3);
      for (let i = 0; i < d; i++) {
        const t = load<f64>(xr + (<usize>i << 3)) - load<f64>(c + (<usize>i << 3));
        store<f64>(tmp + (<usize>i << 3), t);
        store<f64>(sk + (<usize>i << 3), load<f64>(sk + (<usize>i << 3)) + a * t);
      }
      if (type == FULL || type == TIED) {
        for (let i = 0; i < d; i++) {
          const ai = a * load<f64>(tmp + (<usize>i << 3));
          const row = Sk + (<usize>(i * d) << 3);
          for (let j = i; j < d; j++) {
            const p = row + (<usize>j << 3);
            store<f64>(p, load<f64>(p) + ai * load<f64>(tmp + (<usize>j << 3)));
          }
        }
      } else if (type == DIAG) {
        for (let i = 0; i < d; i++) {
          const t = load<f64>(tmp + (<usize>i << 3));
          const p = Sk + (<usize>i << 3);
          store<f64>(p, load<f64>(p) + a * t * t);
        }
      } else {
        let tr: f64 = 0;
        for (let i = 0; i < d; i++) {
          const t = load<f64>(tmp + (<usize>i << 3));
          tr += t * t;
        }
        store<f64>(Sk, load<f64>(Sk) + a * tr);
      }
    }
    store<f64>(mass + (<usize>k << 3), load<f64>(mass + (<usize>k << 3)) + m);
  }
}

// ---------------------------------------------------------------------------------------
// SIMD path over a pair block (see block.ts). resp: K·P v128 weighted responsibilities.
// For each component, over its kept pairs: D = x − c and A = r·D (full/tied: compacted into
// dbuf/abuf, pair-major) and the upper triangle of Aᵀ D in 2×4 register tiles, or Σ A and the
// diagonal Σ A·D two features per pass (diag; the sums alone four: featureSums4), or
// the trace (spherical: from the E-step's Σᵢ(xᵢ−μᵢ)² in ss, K·P v128, valid because the EM
// pass shifts by the current means; computed from D when ss is 0).

// @ts-ignore: decorator
@inline function addTo(p: usize, v: f64): void { store<f64>(p, load<f64>(p) + v); }

/** S (row-major d×d, upper triangle) += Aᵀ D over the n pairs, in 2×4 tiles (8
 *  accumulators; 6 loads per 8 multiply-adds). A and D are pair-major (pair q's d features
 *  at q·d), so a tile's six loads are one pointer plus constant offsets: with feature-major
 *  columns V8 kept six pointers, ran out of registers and recomputed them every pair (about
 *  50 integer instructions per 16 floating-point ones). A tile at the last features reads
 *  past its row into the next pair's (or, for the last pair, up to 3 v128 past the buffer,
 *  into the scratch beyond it); those lanes are computed and never stored. */
function syrkUpper(a: usize, dm: usize, n: i32, d: i32, S: usize): void {
  const stride = <usize>d << 4;
  const end = <usize>n * stride;
  for (let i = 0; i < d; i += 2) {
    const ai = a + (<usize>i << 4);
    for (let j = i; j < d; j += 4) {
      const dj = dm + (<usize>j << 4);
      if (j + 2 >= d) {
        syrkTail(ai, dj, end, stride, S + (<usize>(i * d + j) << 3), d, j > i, i + 1 < d, j + 1 < d);
        continue;
      }
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s02 = f64x2.splat(0), s03 = f64x2.splat(0);
      let s10 = f64x2.splat(0), s11 = f64x2.splat(0), s12 = f64x2.splat(0), s13 = f64x2.splat(0);
      for (let off: usize = 0; off < end; off += stride) {
        const x0 = v128.load(ai + off), x1 = v128.load(ai + off, 16);
        const y0 = v128.load(dj + off), y1 = v128.load(dj + off, 16);
        const y2 = v128.load(dj + off, 32), y3 = v128.load(dj + off, 48);
        s00 = f64x2.add(s00, f64x2.mul(x0, y0));
        s01 = f64x2.add(s01, f64x2.mul(x0, y1));
        s02 = f64x2.add(s02, f64x2.mul(x0, y2));
        s03 = f64x2.add(s03, f64x2.mul(x0, y3));
        s10 = f64x2.add(s10, f64x2.mul(x1, y0));
        s11 = f64x2.add(s11, f64x2.mul(x1, y1));
        s12 = f64x2.add(s12, f64x2.mul(x1, y2));
        s13 = f64x2.add(s13, f64x2.mul(x1, y3));
      }
      // store the entries that exist and lie on or above the diagonal
      const row0 = S + (<usize>(i * d) << 3), row1 = row0 + (<usize>d << 3);
      addTo(row0 + (<usize>j << 3), hsum(s00));
      if (j + 1 < d) addTo(row0 + (<usize>(j + 1) << 3), hsum(s01));
      if (j + 2 < d) addTo(row0 + (<usize>(j + 2) << 3), hsum(s02));
      if (j + 3 < d) addTo(row0 + (<usize>(j + 3) << 3), hsum(s03));
      if (i + 1 < d) {
        if (j > i) addTo(row1 + (<usize>j << 3), hsum(s10));
        if (j + 1 < d) addTo(row1 + (<usize>(j + 1) << 3), hsum(s11));
        if (j + 2 < d) addTo(row1 + (<usize>(j + 2) << 3), hsum(s12));
        if (j + 3 < d) addTo(row1 + (<usize>(j + 3) << 3), hsum(s13));
      }
    }
  }
}

/** The last one or two columns j, j + 1 of rows i, i + 1 of syrkUpper's tiles, as a 2×2
 *  tile: a 2×4 tile there computes twice the entries it keeps (d = 16: 4 of its 20 tiles).
 *  at: S's entry (i, j); the flags say which of (i + 1, j), (i + 1, j + 1), (i, j + 1) exist
 *  on or above the diagonal. */
// @ts-ignore: decorator
@inline function syrkTail(ai: usize, dj: usize, end: usize, stride: usize, at: usize, d: i32,
  below: bool, row1: bool, col1: bool): void {
  let s00 = f64x2.splat(0), s01 = s00, s10 = s00, s11 = s00;
  for (let off: usize = 0; off < end; off += stride) {
    const x0 = v128.load(ai + off), x1 = v128.load(ai + off, 16);
    const y0 = v128.load(dj + off), y1 = v128.load(dj + off, 16);
    s00 = f64x2.add(s00, f64x2.mul(x0, y0));
    s01 = f64x2.add(s01, f64x2.mul(x0, y1));
    s10 = f64x2.add(s10, f64x2.mul(x1, y0));
    s11 = f64x2.add(s11, f64x2.mul(x1, y1));
  }
  const next = at + (<usize>d << 3);
  addTo(at, hsum(s00));
  if (col1) addTo(at + 8, hsum(s01));
  if (row1) {
    if (below) addTo(next, hsum(s10));
    if (col1) addTo(next + 8, hsum(s11));
  }
}

/** Writes to idx (i32) the pairs whose responsibilities are not both exactly zero and
 *  returns their count. Skipping exact zeros is exact (they add +0), and with separated
 *  clusters most (pair, component) responsibilities underflow to zero, so the M-step then
 *  costs about one component per row instead of K. */
function nonzeroPairs(R: usize, P: i32, idx: usize, fac: usize): i32 {
  let cnt = 0;
  const zero = f64x2.splat(0);
  for (let p = 0; p < P; p++) {
    const r = V(R, p);
    if (v128.any_true(f64x2.ne(r, zero))) {
      // finish the normalisation normalizeBlock deferred, for kept pairs only
      if (fac) v128.store(R + (<usize>p << 4), f64x2.mul(r, V(fac, p)));
      store<i32>(idx + (<usize>cnt << 2), p);
      cnt++;
    }
  }
  return cnt;
}

// @ts-ignore: decorator
@inline function at(idx: usize, q: i32): usize { return <usize>load<i32>(idx + (<usize>q << 2)) << 4; }

/** Full/tied with d = 2 in one pass over the kept pairs, all in registers: mass, sum and
 *  the scatter's three upper entries (the general path compacts, then tiles). */
function accumulate2(xt: usize, P: i32, R: usize, c: usize, idx: usize, n: i32, fac: usize,
  mass: usize, sk: usize, Sk: usize): void {
  const c0 = v128.load64_splat(c), c1 = v128.load64_splat(c, 8);
  const x1 = xt + (<usize>P << 4);
  let ms = f64x2.splat(0), s0 = ms, s1 = ms, S00 = ms, S01 = ms, S11 = ms;
  for (let q = 0; q < n; q++) {
    const o = at(idx, q);
    let r = v128.load(R + o);
    if (fac) r = f64x2.mul(r, v128.load(fac + o));
    const D0 = f64x2.sub(v128.load(xt + o), c0);
    const D1 = f64x2.sub(v128.load(x1 + o), c1);
    const A0 = f64x2.mul(r, D0), A1 = f64x2.mul(r, D1);
    ms = f64x2.add(ms, r);
    s0 = f64x2.add(s0, A0);
    s1 = f64x2.add(s1, A1);
    S00 = f64x2.add(S00, f64x2.mul(A0, D0));
    S01 = f64x2.add(S01, f64x2.mul(A0, D1));
    S11 = f64x2.add(S11, f64x2.mul(A1, D1));
  }
  addTo(mass, hsum(ms));
  addTo(sk, hsum(s0));
  addTo(sk + 8, hsum(s1));
  addTo(Sk, hsum(S00));
  addTo(Sk + 8, hsum(S01));
  addTo(Sk + 24, hsum(S11));
}

const SQUARES = 1, TRACE = 2; // featureSums' modes

/** Σ r·D (D = x − c) of features i and i + 1 over the n kept pairs idx into sk; Σ r·D² per
 *  feature into Sk (mode SQUARES), or returned summed over the two (mode TRACE: the
 *  spherical trace; the sums alone: featureSums4). One index and one
 *  responsibility load serve both features, in four independent chains; at an odd d the
 *  second feature is the last one again, neither stored nor added. Inlined, so that each
 *  caller's constant choice of squares leaves no test in the loop. */
// @ts-ignore: decorator
@inline function featureSums(xt: usize, P: i32, d: i32, i: i32, R: usize, c: usize, idx: usize, n: i32, sk: usize,
  Sk: usize, mode: i32): v128 {
  const i1 = min(i + 1, d - 1);
  const c0 = v128.load64_splat(c + (<usize>i << 3)), c1 = v128.load64_splat(c + (<usize>i1 << 3));
  const x0 = xt + (<usize>(i * P) << 4), x1 = xt + (<usize>(i1 * P) << 4);
  let s0 = f64x2.splat(0), s1 = s0, S0 = s0, S1 = s0;
  for (let q = 0; q < n; q++) {
    const o = at(idx, q);
    const r = v128.load(R + o);
    const D0 = f64x2.sub(v128.load(x0 + o), c0), D1 = f64x2.sub(v128.load(x1 + o), c1);
    const A0 = f64x2.mul(r, D0), A1 = f64x2.mul(r, D1);
    s0 = f64x2.add(s0, A0);
    s1 = f64x2.add(s1, A1);
    S0 = f64x2.add(S0, f64x2.mul(A0, D0));
    S1 = f64x2.add(S1, f64x2.mul(A1, D1));
  }
  const two = i + 1 < d;
  addTo(sk + (<usize>i << 3), hsum(s0));
  if (two) addTo(sk + (<usize>(i + 1) << 3), hsum(s1));
  if (mode == SQUARES) {
    addTo(Sk + (<usize>i << 3), hsum(S0));
    if (two) addTo(Sk + (<usize>(i + 1) << 3), hsum(S1));
  }
  if (mode != TRACE) return f64x2.splat(0);
  return two ? f64x2.add(S0, S1) : S0;
}

/** Σ r·D (D = x − c) of features i … i + 3 over the n kept pairs idx into sk (the sums
 *  of featureSums, four features a pass: without squares they fit the registers). */
// @ts-ignore: decorator
@inline function featureSums4(xt: usize, P: i32, d: i32, i: i32, R: usize, c: usize, idx: usize, n: i32, sk: usize): void {
  const i1 = min(i + 1, d - 1), i2 = min(i + 2, d - 1), i3 = min(i + 3, d - 1);
  const c0 = v128.load64_splat(c + (<usize>i << 3)), c1 = v128.load64_splat(c + (<usize>i1 << 3));
  const c2 = v128.load64_splat(c + (<usize>i2 << 3)), c3 = v128.load64_splat(c + (<usize>i3 << 3));
  const x0 = xt + (<usize>(i * P) << 4), x1 = xt + (<usize>(i1 * P) << 4);
  const x2 = xt + (<usize>(i2 * P) << 4), x3 = xt + (<usize>(i3 * P) << 4);
  let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0;
  for (let q = 0; q < n; q++) {
    const o = at(idx, q);
    const r = v128.load(R + o);
    s0 = f64x2.add(s0, f64x2.mul(r, f64x2.sub(v128.load(x0 + o), c0)));
    s1 = f64x2.add(s1, f64x2.mul(r, f64x2.sub(v128.load(x1 + o), c1)));
    s2 = f64x2.add(s2, f64x2.mul(r, f64x2.sub(v128.load(x2 + o), c2)));
    s3 = f64x2.add(s3, f64x2.mul(r, f64x2.sub(v128.load(x3 + o), c3)));
  }
  const m = d - i; // features of this pass: min(m, 4)
  addTo(sk + (<usize>i << 3), hsum(s0));
  if (m > 1) addTo(sk + (<usize>(i + 1) << 3), hsum(s1));
  if (m > 2) addTo(sk + (<usize>(i + 2) << 3), hsum(s2));
  if (m > 3) addTo(sk + (<usize>(i + 3) << 3), hsum(s3));
}

/** One pass over component k's n kept pairs idx of R: multiplies out the deferred
 *  normalisation (fac, or 0 when there is none or it was applied already) and returns the
 *  mass Σ r; with ss2 (spherical: the E-step's Σᵢ(xᵢ−cᵢ)² of this component, whose shift is
 *  the current means) also adds the trace Σ r·ss2 into traceOut. */
// @ts-ignore: decorator
@inline function massPass(R: usize, idx: usize, n: i32, fac: usize, ss2: usize, traceOut: usize): f64 {
  let ms = f64x2.splat(0), tr = ms;
  for (let q = 0; q < n; q++) {
    const o = at(idx, q);
    let r = v128.load(R + o);
    if (fac) {
      r = f64x2.mul(r, v128.load(fac + o));
      v128.store(R + o, r);
    }
    ms = f64x2.add(ms, r);
    // 0 where r is 0: a zero-weight row's Σ(x−μ)² may have overflowed (0·∞)
    if (ss2) tr = f64x2.add(tr, wmul(r, v128.load(ss2 + o)));
  }
  if (ss2) addTo(traceOut, hsum(tr));
  return hsum(ms);
}

/** Tied: how much of a diagonal entry of the block's total scatter T the tied scatter must
 *  keep for tiedBlock's subtraction to stand (so at most log₁₀ 16 ≈ 1.2 digits are lost to
 *  cancellation; a block below it is summed per component). */
const TIED_KEEP: f64 = 1.0 / 16.0;

/** The rows of the n kept pairs idx whose responsibility in R is not 0, as byte offsets
 *  into a feature's row of the pair block (pair p, lane l: 16p + 8l), into rows (i32,
 *  room for 2n + 1); returns their count. Branch-free: every lane's offset is written, and
 *  counted only when kept. */
// @ts-ignore: decorator
@inline function keptRows(R: usize, idx: usize, n: i32, rows: usize): i32 {
  let m = 0;
  for (let q = 0; q < n; q++) {
    const o = at(idx, q);
    store<i32>(rows + (<usize>m << 2), <i32>o);
    m += <i32>(load<f64>(R + o) != 0.0);
    store<i32>(rows + (<usize>m << 2), <i32>o + 8);
    m += <i32>(load<f64>(R + o, 8) != 0.0);
  }
  return m;
}

/** Re-pairs the m kept rows (keptRows) two by two: their responsibilities into R itself,
 *  new pair q at R + 16q (in place: the rows of new pair q come from old pairs ≥ q, and no
 *  later new pair reads old pair q), and at an odd m a last row repeated with
 *  responsibility 0. Returns the number of new pairs. */
// @ts-ignore: decorator
@inline function repairRows(R: usize, rows: usize, m: i32): i32 {
  const Q = (m + 1) >> 1;
  if (m & 1) store<i32>(rows + (<usize>m << 2), load<i32>(rows + (<usize>(m - 1) << 2)));
  for (let q = 0; q < Q; q++) {
    const a = <usize>load<i32>(rows + (<usize>q << 3)), b = <usize>load<i32>(rows + (<usize>q << 3), 4);
    const rb = 2 * q + 1 < m ? load<f64>(R + b) : 0.0;
    const ra = load<f64>(R + a);
    store<f64>(R + (<usize>q << 4), ra);
    store<f64>(R + (<usize>q << 4), rb, 8);
  }
  return Q;
}

/** Σ r·(x − c)(x − c)ᵀ over the n kept pairs idx into S (upper triangle): D = x − c and
 *  A = r·D compacted to those pairs (compact), then the tiles; with sums, also Σ r·D per
 *  feature into sk. With rows (room for 2n + 1 i32; EM passes), where a pair's two rows
 *  often do not both keep the component (overlapping clusters: 18% of the lanes on letter,
 *  27% on o64), the kept rows are paired anew first (keptRows, repairRows; R is
 *  overwritten), so the tiles, most of the work, skip the zero lanes. */
// @ts-ignore: decorator
@inline function componentScatter(xt: usize, P: i32, d: i32, R: usize, c: usize, idx: usize, n: i32,
  dbuf: usize, abuf: usize, S: usize, sk: usize, sums: bool, rows: usize): void {
  if (rows && d >= REPAIR_D) {
    const m = keptRows(R, idx, n, rows);
    // worth it from one pair in REPAIR_MIN saved: a re-paired row costs two lane loads
    if (REPAIR_MIN * (2 * n - m) >= 2 * n) {
      const Q = repairRows(R, rows, m);
      compact(xt, P, d, R, c, rows, Q, dbuf, abuf, sk, sums, true);
      syrkUpper(abuf, dbuf, Q, d, S);
      return;
    }
  }
  compact(xt, P, d, R, c, idx, n, dbuf, abuf, sk, sums, false);
  syrkUpper(abuf, dbuf, n, d, S);
}

/** Pairs saved, one in REPAIR_MIN at least, for componentScatter to re-pair a component's
 *  rows, and from which d (below, the tiles saved cost less than the lane loads). */
const REPAIR_MIN: i32 = 16;
const REPAIR_D: i32 = 12;

/** componentScatter's compaction: D = x − c and A = r·D of n pairs into dbuf and abuf,
 *  pair-major (pair q's features at q·d), and with sums Σ A per feature into sk. The pairs:
 *  kept pairs idx of the block, their responsibilities in R; or (repaired) new pairs of
 *  rows, pair q's rows at byte offsets idx[2q], idx[2q + 1] of each feature's row and its
 *  responsibilities at R + 16q (repairRows). Features i and i1 = i + 1 per pass (clamped:
 *  the last feature once more, written twice with the same values, its sum not stored).
 *  Inlined, so that each caller's constant choices leave no test in the loop. */
// @ts-ignore: decorator
@inline function compact(xt: usize, P: i32, d: i32, R: usize, c: usize, idx: usize, n: i32,
  dbuf: usize, abuf: usize, sk: usize, sums: bool, repaired: bool): void {
  const stride = <usize>d << 4;
  for (let i = 0; i < d; i += 2) {
    const i1 = min(i + 1, d - 1);
    const c0 = v128.load64_splat(c + (<usize>i << 3)), c1 = v128.load64_splat(c + (<usize>i1 << 3));
    let s0 = f64x2.splat(0), s1 = s0;
    const x0 = xt + (<usize>(i * P) << 4), x1 = xt + (<usize>(i1 * P) << 4);
    let di = dbuf + (<usize>i << 4), ai = abuf + (<usize>i << 4);
    const j1 = <usize>(i1 - i) << 4;
    for (let q = 0; q < n; q++) {
      let r: v128, X0: v128, X1: v128;
      if (repaired) {
        const a = <usize>load<i32>(idx + (<usize>q << 3)), b = <usize>load<i32>(idx + (<usize>q << 3), 4);
        r = v128.load(R + (<usize>q << 4));
        X0 = v128.load64_lane(x0 + b, v128.load64_zero(x0 + a), 1);
        X1 = v128.load64_lane(x1 + b, v128.load64_zero(x1 + a), 1);
      } else {
        const src = at(idx, q);
        r = v128.load(R + src);
        X0 = v128.load(x0 + src);
        X1 = v128.load(x1 + src);
      }
      const D0 = f64x2.sub(X0, c0), D1 = f64x2.sub(X1, c1);
      const A0 = f64x2.mul(r, D0), A1 = f64x2.mul(r, D1);
      v128.store(di, D0);
      v128.store(di + j1, D1);
      v128.store(ai, A0);
      v128.store(ai + j1, A1);
      di += stride;
      ai += stride;
      if (sums) {
        s0 = f64x2.add(s0, A0);
        s1 = f64x2.add(s1, A1);
      }
    }
    if (sums) {
      addTo(sk + (<usize>i << 3), hsum(s0));
      if (i + 1 < d) addTo(sk + (<usize>(i + 1) << 3), hsum(s1));
    }
  }
}

/** Tied statistics of a pair block (EM pass: lists, fac and the pair weights wt) through the
 *  block's total scatter about its weighted mean g, one rank-1 term per row instead of one
 *  per (row, kept component):
 *
 *    T = Σₙ wₙ (xₙ − g)(xₙ − g)ᵀ            (Σₖ rₙₖ = wₙ: the responsibilities are normalised)
 *    Σₖ Σₙ rₙₖ (xₙ − cₖ)(xₙ − cₖ)ᵀ = T − Σₖ [mₖ δₖδₖᵀ + δₖsₖᵀ + sₖδₖᵀ],   δₖ = cₖ − g,
 *
 *  with mₖ = Σₙ rₙₖ and sₖ = Σₙ rₙₖ (xₙ − cₖ) (the mass and sums, computed as before). The
 *  subtraction cancels where the block's components lie far apart compared with their
 *  spread; a block whose tied scatter keeps less than TIED_KEEP of a diagonal entry of T
 *  (or has no weight) is summed per component instead. Either way the result depends on
 *  the block's rows and the parameters only, so on no split of the data. */
function tiedBlock(xt: usize, P: i32, d: i32, K: i32, resp: usize, shift: usize, stats: usize,
  dbuf: usize, abuf: usize, fac: usize, lists: usize, wt: usize, work: usize, rows: usize): void {
  // work (scratch.ts sTied): mₖ (K), sₖ (K·d), g (d), T (d·d)
  const mloc = work, sloc = work + (<usize>K << 3);
  const g = sloc + (<usize>(K * d) << 3), T = g + (<usize>d << 3);
  memory.fill(sloc, 0, <usize>(K * d) << 3);
  for (let k = 0; k < K; k++) {
    const R = resp + (<usize>(k * P) << 4);
    const c = shift + (<usize>(k * d) << 3);
    const idx = lists + (<usize>(k * P) << 2);
    const n = load<i32>(lists + (<usize>(K * P + k) << 2));
    store<f64>(mloc + (<usize>k << 3), massPass(R, idx, n, fac, 0, 0));
    if (n > 0) for (let i = 0; i < d; i += 4) featureSums4(xt, P, d, i, R, c, idx, n, sloc + (<usize>(k * d) << 3));
  }
  // g: the weighted mean of the block's rows
  let wv = f64x2.splat(0);
  for (let p = 0; p < P; p++) wv = f64x2.add(wv, V(wt, p));
  const W = hsum(wv);
  let ok = W > 0;
  if (ok) {
    for (let j = 0; j < d; j++) {
      const row = xt + (<usize>(j * P) << 4);
      let a = f64x2.splat(0);
      for (let p = 0; p < P; p++) a = f64x2.add(a, f64x2.mul(V(wt, p), V(row, p)));
      store<f64>(g + (<usize>j << 3), hsum(a) / W);
    }
    // T by the same tiles, over every pair (padding lanes have weight 0)
    const stride = <usize>d << 4;
    for (let i = 0; i < d; i++) {
      const gi = v128.load64_splat(g + (<usize>i << 3));
      const row = xt + (<usize>(i * P) << 4);
      let di = dbuf + (<usize>i << 4), ai = abuf + (<usize>i << 4);
      for (let p = 0; p < P; p++) {
        const D = f64x2.sub(V(row, p), gi);
        v128.store(di, D);
        v128.store(ai, f64x2.mul(V(wt, p), D));
        di += stride;
        ai += stride;
      }
    }
    memory.fill(T, 0, <usize>(d * d) << 3);
    syrkUpper(abuf, dbuf, P, d, T);
    // T − Σₖ [mₖ δₖδₖᵀ + δₖsₖᵀ + sₖδₖᵀ] on the upper triangle, diagonal first (the guard)
    for (let j = 0; j < d && ok; j++) {
      const tj = T + (<usize>(j * d + j) << 3);
      const t = load<f64>(tj);
      let corr: f64 = 0;
      for (let k = 0; k < K; k++) {
        const dj = load<f64>(shift + (<usize>(k * d + j) << 3)) - load<f64>(g + (<usize>j << 3));
        const sj = load<f64>(sloc + (<usize>(k * d + j) << 3));
        corr += load<f64>(mloc + (<usize>k << 3)) * dj * dj + 2.0 * dj * sj;
      }
      const v = t - corr;
      store<f64>(tj, v);
      ok = v > TIED_KEEP * t; // false for NaN
    }
  }
  const mass = massPtr(stats), sum = sumPtr(stats, K), scat = scatterPtr(stats, K, d);
  for (let k = 0; k < K; k++) addTo(mass + (<usize>k << 3), load<f64>(mloc + (<usize>k << 3)));
  addInto(sum, sloc, K * d);
  if (!ok) {
    for (let k = 0; k < K; k++) {
      const n = load<i32>(lists + (<usize>(K * P + k) << 2));
      if (n > 0) componentScatter(xt, P, d, resp + (<usize>(k * P) << 4), shift + (<usize>(k * d) << 3),
        lists + (<usize>(k * P) << 2), n, dbuf, abuf, scat, 0, false, rows);
    }
    return;
  }
  for (let i = 0; i < d; i++) {
    const gi = load<f64>(g + (<usize>i << 3));
    for (let j = i + 1; j < d; j++) {
      const gj = load<f64>(g + (<usize>j << 3));
      let corr: f64 = 0;
      for (let k = 0; k < K; k++) {
        const di = load<f64>(shift + (<usize>(k * d + i) << 3)) - gi;
        const dj = load<f64>(shift + (<usize>(k * d + j) << 3)) - gj;
        corr += load<f64>(mloc + (<usize>k << 3)) * di * dj + di * load<f64>(sloc + (<usize>(k * d + j) << 3))
          + load<f64>(sloc + (<usize>(k * d + i) << 3)) * dj;
      }
      const tij = T + (<usize>(i * d + j) << 3);
      store<f64>(tij, load<f64>(tij) - corr);
    }
    for (let j = i; j < d; j++) addTo(scat + (<usize>(i * d + j) << 3), load<f64>(T + (<usize>(i * d + j) << 3)));
  }
}

/** Diag: how much of b + δ²m a (component, feature) scatter S must keep for diagBlock's
 *  shift back to stand. The shift back's rounding error is at most about 2/DIAG_KEEP times
 *  the direct sum's (its terms are bounded by b + δ²m), so at most about 2.1 digits are lost
 *  (TIED_KEEP's 1/16 would send a quarter of o16d's (component, feature) sums to the
 *  fallback and save nothing); below it, those two features are summed about cₖ as before. */
const DIAG_KEEP: f64 = 1.0 / 64.0;

/** Diag statistics of a pair block about one centre g per feature, which saves the
 *  subtraction per (pair, component, feature):
 *
 *    mₖ = Σₙ rₙₖ,   g = Σₖ mₖ cₖ / Σₖ mₖ        (about the block's weighted mean; d)
 *    Y = x − g                            in groups of 4 features, pair-major: group G's
 *                                         (P × 4 v128) pair p at G·4P + 4p, once a block
 *    a = Σₙ rₙₖ Yₙⱼ,  b = Σₙ rₙₖ Yₙⱼ²       per component k and feature j, over k's kept pairs
 *    sₖⱼ = a − δ·mₖ,   Sₖⱼ = b − 2δ·a + δ²·mₖ,     δ = cₖⱼ − gⱼ
 *
 *  A group's four Y sit at constant offsets from one pointer (four feature-major rows would
 *  need four, more than the registers hold); a last group of fewer features is padded
 *  with zeros, computed and never stored. Sₖⱼ cancels where δ is large against the
 *  component's spread in the block: each half of a group where some S keeps less than
 *  DIAG_KEEP of b + δ²m (or is NaN) is summed about cₖ instead (featureSums). Either way
 *  the result depends on the block's rows and the parameters only.
 *  ybuf: 4⌈d/4⌉·P v128; work: K + d + 8 f64 (m, g, a group's sums and squares). */
function diagBlock(xt: usize, P: i32, d: i32, K: i32, resp: usize, shift: usize, stats: usize,
  ybuf: usize, fac: usize, lists: usize, work: usize): void {
  const mk = work, g = mk + (<usize>K << 3), tmp = g + (<usize>d << 3);
  const counts = lists + (<usize>(K * P) << 2);
  const mass = massPtr(stats), sum = sumPtr(stats, K), scat = scatterPtr(stats, K, d);
  let M: f64 = 0;
  for (let k = 0; k < K; k++) {
    const n = load<i32>(counts + (<usize>k << 2));
    const m = n > 0 ? massPass(resp + (<usize>(k * P) << 4), lists + (<usize>(k * P) << 2), n, fac, 0, 0) : 0.0;
    store<f64>(mk + (<usize>k << 3), m);
    addTo(mass + (<usize>k << 3), m);
    M += m;
  }
  memory.fill(g, 0, <usize>d << 3);
  for (let k = 0; k < K; k++) {
    const w = load<f64>(mk + (<usize>k << 3)) / M;
    for (let j = 0; j < d; j++) addTo(g + (<usize>j << 3), w * load<f64>(shift + (<usize>(k * d + j) << 3)));
  }
  const groups = (d + 3) >> 2, gstride = <usize>P << 6;
  for (let j = 0; j < groups << 2; j++) {
    let y = ybuf + <usize>(j >> 2) * gstride + (<usize>(j & 3) << 4);
    if (j >= d) {
      for (let p = 0; p < P; p++, y += 64) v128.store(y, f64x2.splat(0));
      continue;
    }
    const row = xt + (<usize>(j * P) << 4), gv = v128.load64_splat(g + (<usize>j << 3));
    for (let p = 0; p < P; p++, y += 64) v128.store(y, f64x2.sub(V(row, p), gv));
  }
  for (let k = 0; k < K; k++) {
    const n = load<i32>(counts + (<usize>k << 2));
    if (n == 0) continue;
    const R = resp + (<usize>(k * P) << 4), idx = lists + (<usize>(k * P) << 2);
    const c = shift + (<usize>(k * d) << 3), sk = sum + (<usize>(k * d) << 3), Sk = scat + (<usize>(k * d) << 3);
    const m = load<f64>(mk + (<usize>k << 3));
    const end = idx + (<usize>n << 2);
    let yg = ybuf;
    for (let i = 0; i < d; i += 4, yg += gstride) {
      let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      for (let ip = idx; ip < end; ip += 4) {
        const o = <usize>load<i32>(ip) << 4;
        const r = v128.load(R + o), y = yg + (o << 2);
        const Y0 = v128.load(y), Y1 = v128.load(y, 16), Y2 = v128.load(y, 32), Y3 = v128.load(y, 48);
        const A0 = f64x2.mul(r, Y0), A1 = f64x2.mul(r, Y1), A2 = f64x2.mul(r, Y2), A3 = f64x2.mul(r, Y3);
        a0 = f64x2.add(a0, A0); b0 = f64x2.add(b0, f64x2.mul(A0, Y0));
        a1 = f64x2.add(a1, A1); b1 = f64x2.add(b1, f64x2.mul(A1, Y1));
        a2 = f64x2.add(a2, A2); b2 = f64x2.add(b2, f64x2.mul(A2, Y2));
        a3 = f64x2.add(a3, A3); b3 = f64x2.add(b3, f64x2.mul(A3, Y3));
      }
      // two halves (features i, i + 1 and i + 2, i + 3), each kept or summed again
      const nf = min(4, d - i);
      const lo = shiftBack(hsum(a0), hsum(b0), c, g, i, m, tmp) && (nf < 2 || shiftBack(hsum(a1), hsum(b1), c, g, i + 1, m, tmp + 16));
      const hi = nf < 3 || shiftBack(hsum(a2), hsum(b2), c, g, i + 2, m, tmp + 32) && (nf < 4 || shiftBack(hsum(a3), hsum(b3), c, g, i + 3, m, tmp + 48));
      for (let h = 0; h < nf; h += 2) {
        if (h == 0 ? lo : hi) {
          for (let f = h; f < min(h + 2, nf); f++) {
            addTo(sk + (<usize>(i + f) << 3), load<f64>(tmp + (<usize>f << 4)));
            addTo(Sk + (<usize>(i + f) << 3), load<f64>(tmp + (<usize>f << 4), 8));
          }
        } else featureSums(xt, P, d, i + h, R, c, idx, n, sk, Sk, SQUARES);
      }
    }
  }
}

/** diagBlock's shift back of feature j's a = Σ r·Y and b = Σ r·Y² from g to c: (s, S) into
 *  out; whether S keeps DIAG_KEEP of b + δ²m (false for NaN). */
// @ts-ignore: decorator
@inline function shiftBack(a: f64, b: f64, c: usize, g: usize, j: i32, m: f64, out: usize): bool {
  const e = load<f64>(c + (<usize>j << 3)) - load<f64>(g + (<usize>j << 3));
  const em = e * e * m;
  const S = b - 2.0 * e * a + em;
  store<f64>(out, a - e * m);
  store<f64>(out, S, 8);
  return S > DIAG_KEEP * (b + em);
}

/** Adds a pair block's statistics for all K components. Kept pairs: from lists (written
 *  by estep.ts normalizeBlock: K·P i32, then K counts) or, when lists is 0, found here
 *  into idx (P i32). fac: the per-pair factors of a deferred normalisation, or 0. With lists,
 *  the pair weights wt and a workspace (scratch.ts sTied), tied with d > 2 may go through
 *  tiedBlock and diag with d ≥ 4 through diagBlock (its Y in dbuf and on into abuf). */
export function accumulateBlock(xt: usize, P: i32, d: i32, K: i32, type: i32, resp: usize, shift: usize,
  stats: usize, ss: usize, dbuf: usize, abuf: usize, idx: usize, fac: usize, lists: usize, wt: usize, work: usize): void {
  // with lists (EM), idx (B f64: room for 2B i32) is free: componentScatter's re-paired rows
  const rows = lists ? idx : 0;
  if ((type == TIED && d > 2 || type == DIAG && d >= 4) && lists && wt && work) {
    // from two kept components per pair on (overlapping clusters); below, the per-block
    // work (tied: one rank-1 term per pair; diag: Y) costs more than it saves. Diag with
    // d < 4 would compute more padding than features in its passes of four
    let kept = 0;
    for (let k = 0; k < K; k++) kept += load<i32>(lists + (<usize>(K * P + k) << 2));
    if (kept >= 2 * P) {
      if (type == TIED) tiedBlock(xt, P, d, K, resp, shift, stats, dbuf, abuf, fac, lists, wt, work, rows);
      else diagBlock(xt, P, d, K, resp, shift, stats, dbuf, fac, lists, work);
      return;
    }
  }
  const mass = massPtr(stats);
  const sum = sumPtr(stats, K);
  const scat = scatterPtr(stats, K, d);
  for (let k = 0; k < K; k++) {
    const R = resp + (<usize>(k * P) << 4);
    const c = shift + (<usize>(k * d) << 3);
    const sk = sum + (<usize>(k * d) << 3);
    let n: i32;
    if (lists) {
      idx = lists + (<usize>(k * P) << 2);
      n = load<i32>(lists + (<usize>(K * P + k) << 2));
      if (d == 2 && (type == FULL || type == TIED)) {
        accumulate2(xt, P, R, c, idx, n, fac, mass + (<usize>k << 3), sk, type == FULL ? scat + (<usize>(k * 4) << 3) : scat);
        continue;
      }
    } else {
      n = nonzeroPairs(R, P, idx, fac);
    }
    if (n == 0) continue;
    // the deferred normalisation (EM; nonzeroPairs applied it already), the mass and, for
    // spherical in EM, the trace from the E-step's ss
    const ss2 = type == SPHERICAL && ss ? ss + (<usize>(k * P) << 4) : 0;
    addTo(mass + (<usize>k << 3), massPass(R, idx, n, lists ? fac : 0, ss2, scat + (<usize>k << 3)));
    if (type == FULL || type == TIED) {
      componentScatter(xt, P, d, R, c, idx, n, dbuf, abuf, type == FULL ? scat + (<usize>(k * d * d) << 3) : scat, sk, true,
        lists ? rows : 0);
    } else if (type == DIAG) {
      const Sk = scat + (<usize>(k * d) << 3);
      for (let i = 0; i < d; i += 2) featureSums(xt, P, d, i, R, c, idx, n, sk, Sk, SQUARES);
    } else {
      // spherical: the sum per feature, and the trace (from ss above or, without it, here)
      if (ss) for (let i = 0; i < d; i += 4) featureSums4(xt, P, d, i, R, c, idx, n, sk);
      else {
        let tr = f64x2.splat(0);
        for (let i = 0; i < d; i += 2) tr = f64x2.add(tr, featureSums(xt, P, d, i, R, c, idx, n, sk, 0, TRACE));
        addTo(scat + (<usize>k << 3), hsum(tr));
      }
    }
  }
}

/** dst += src elementwise over n f64 (combining the statistics of two row ranges: the
 *  wrapper adds them in a fixed tree over chunk indices, src/fit/tree.ts). */
export function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const o = <usize>i << 3;
    v128.store(dst + o, f64x2.add(v128.load(dst + o), v128.load(src + o)));
  }
  if (i < n) store<f64>(dst + (<usize>i << 3), load<f64>(dst + (<usize>i << 3)) + load<f64>(src + (<usize>i << 3)));
}
