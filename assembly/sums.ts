// Per-feature passes over a component's kept pairs of a pair block (block.ts): the mass
// (and the deferred normalisation), Σ r·(x − c) and Σ r·(x − c)² per feature, and the diag
// statistics of a whole block about one centre (diagBlock). Shared by accumulate.ts and
// scatter.ts (tied: the sums).

import { V, hsum, wmul } from './block';
import { massPtr, sumPtr, scatterPtr } from './stats';

// @ts-ignore: decorator
@inline export function addTo(p: usize, v: f64): void { store<f64>(p, load<f64>(p) + v); }

/** Writes to idx (i32) the pairs whose responsibilities are not both exactly zero and
 *  returns their count. Skipping exact zeros is exact (they add +0), and with separated
 *  clusters most (pair, component) responsibilities underflow to zero, so the M-step then
 *  costs about one component per row instead of K. */
export function nonzeroPairs(R: usize, P: i32, idx: usize, fac: usize): i32 {
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
@inline export function at(idx: usize, q: i32): usize { return <usize>load<i32>(idx + (<usize>q << 2)) << 4; }

/** The responsibility at R + o with the deferred normalisation multiplied out and stored
 *  (fac, or 0 when there is none or it was applied already). */
// @ts-ignore: decorator
@inline function finished(R: usize, o: usize, fac: usize): v128 {
  let r = v128.load(R + o);
  if (fac) {
    r = f64x2.mul(r, v128.load(fac + o));
    v128.store(R + o, r);
  }
  return r;
}

export const SQUARES = 1, TRACE = 2; // featureSums' modes

/** Σ r·D (D = x − c) of features i and i + 1 over the n kept pairs idx into sk; Σ r·D² per
 *  feature into Sk (mode SQUARES), or returned summed over the two (mode TRACE: the
 *  spherical trace; the sums alone: featureSums4). One index and one
 *  responsibility load serve both features, in four independent chains; at an odd d the
 *  second feature is the last one again, neither stored nor added. Inlined, so that each
 *  caller's constant choice of squares leaves no test in the loop. */
// @ts-ignore: decorator
@inline export function featureSums(xt: usize, P: i32, d: i32, i: i32, R: usize, c: usize, idx: usize, n: i32, sk: usize,
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
 *  of featureSums, four features a pass: without squares they fit the registers). With
 *  mass, the first pass over the pairs also does massPass's work (fac as there) and returns
 *  the mass (otherwise 0), and with ss2 (spherical: the E-step's Σᵢ(xᵢ−cᵢ)² of this
 *  component, whose shift is the current means) adds the trace Σ r·ss2 into traceOut. */
// @ts-ignore: decorator
@inline export function featureSums4(xt: usize, P: i32, d: i32, i: i32, R: usize, c: usize, idx: usize, n: i32, sk: usize,
  mass: bool = false, fac: usize = 0, ss2: usize = 0, traceOut: usize = 0): f64 {
  const i1 = min(i + 1, d - 1), i2 = min(i + 2, d - 1), i3 = min(i + 3, d - 1);
  const c0 = v128.load64_splat(c + (<usize>i << 3)), c1 = v128.load64_splat(c + (<usize>i1 << 3));
  const c2 = v128.load64_splat(c + (<usize>i2 << 3)), c3 = v128.load64_splat(c + (<usize>i3 << 3));
  const x0 = xt + (<usize>(i * P) << 4), x1 = xt + (<usize>(i1 * P) << 4);
  const x2 = xt + (<usize>(i2 * P) << 4), x3 = xt + (<usize>(i3 * P) << 4);
  let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0, ms = s0, tr = s0;
  for (let q = 0; q < n; q++) {
    const o = at(idx, q);
    const r = finished(R, o, mass ? fac : 0);
    if (mass) {
      ms = f64x2.add(ms, r);
      // 0 where r is 0: a zero-weight row's Σ(x−μ)² may have overflowed (0·∞)
      if (ss2) tr = f64x2.add(tr, wmul(r, v128.load(ss2 + o)));
    }
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
  if (mass && ss2) addTo(traceOut, hsum(tr));
  return mass ? hsum(ms) : 0;
}

/** One pass over component k's n kept pairs idx of R: multiplies out the deferred
 *  normalisation (fac, or 0 when there is none or it was applied already) and returns the
 *  mass Σ r (featureSums4 does the same in its first pass where the sums follow). */
// @ts-ignore: decorator
@inline export function massPass(R: usize, idx: usize, n: i32, fac: usize): f64 {
  let ms = f64x2.splat(0);
  for (let q = 0; q < n; q++) ms = f64x2.add(ms, finished(R, at(idx, q), fac));
  return hsum(ms);
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
export function diagBlock(xt: usize, P: i32, d: i32, K: i32, resp: usize, shift: usize, stats: usize,
  ybuf: usize, fac: usize, lists: usize, work: usize): void {
  const mk = work, g = mk + (<usize>K << 3), tmp = g + (<usize>d << 3);
  const counts = lists + (<usize>(K * P) << 2);
  const mass = massPtr(stats), sum = sumPtr(stats, K), scat = scatterPtr(stats, K, d);
  let M: f64 = 0;
  for (let k = 0; k < K; k++) {
    const n = load<i32>(counts + (<usize>k << 2));
    const m = n > 0 ? massPass(resp + (<usize>(k * P) << 4), lists + (<usize>(k * P) << 2), n, fac) : 0.0;
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
