// Weighted log-densities of rows under every component (scalar reference path).
//
//   lp[r, k] = logConst[k] − ½ ‖(xᵣ − μₖ)ᵀ Uₖ‖²      x: rows×d, μ: K×d, lp: rows×K
//
// full: Uₖ upper d×d per component; tied: one U; diag: per-feature precision sd⁻¹ (K×d);
// spherical: one per component (K).

import { FULL, TIED, DIAG } from './types';
import { V, splatAt } from './block';
import { quadFullPruned } from './prune';
import { tileColumns, fillTileAt, nanToInf } from './fulltile';
import { rangeOf, centreOf } from './certify';

/** Full models of at least this dimension prune their E-step (prune.ts) in an EM pass
 *  (cutoff < 0). Below it the bookkeeping costs what the skipped columns save: on letter
 *  (d = 16) a third of the pairs were done at 3d/4, and whole fits were no faster. */
const PRUNE_MIN_D = 24;
/** The component the pruned E-step computes first: the previous range's best. */
let pruneFirst: i32 = 0;

export function logProbScalar(
  x: usize, r0: i32, rows: i32, d: i32, K: i32, type: i32,
  means: usize, chol: usize, logConst: usize, lp: usize, tmp: usize
): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>((r0 + r) * d) << 3);
    for (let k = 0; k < K; k++) {
      const mu = means + (<usize>(k * d) << 3);
      let q: f64 = 0;
      if (type == FULL || type == TIED) {
        const u = type == FULL ? chol + (<usize>(k * d * d) << 3) : chol;
        for (let i = 0; i < d; i++)
          store<f64>(tmp + (<usize>i << 3), load<f64>(xr + (<usize>i << 3)) - load<f64>(mu + (<usize>i << 3)));
        for (let j = 0; j < d; j++) {
          let y: f64 = 0;
          for (let i = 0; i <= j; i++)
            y += load<f64>(tmp + (<usize>i << 3)) * load<f64>(u + (<usize>(i * d + j) << 3));
          q += y * y;
        }
      } else if (type == DIAG) {
        const p = chol + (<usize>(k * d) << 3);
        for (let i = 0; i < d; i++) {
          const y = (load<f64>(xr + (<usize>i << 3)) - load<f64>(mu + (<usize>i << 3))) * load<f64>(p + (<usize>i << 3));
          q += y * y;
        }
      } else {
        const p = load<f64>(chol + (<usize>k << 3));
        for (let i = 0; i < d; i++) {
          const y = (load<f64>(xr + (<usize>i << 3)) - load<f64>(mu + (<usize>i << 3))) * p;
          q += y * y;
        }
      }
      if (q != q) q = Infinity; // ∞ − ∞ inside y: the point is beyond double range from μ
      store<f64>(lp + (<usize>(r * K + k) << 3), load<f64>(logConst + (<usize>k << 3)) - 0.5 * q);
    }
  }
}

// ---------------------------------------------------------------------------------------
// SIMD path over a pair block (see block.ts): two rows per f64x2, four pairs at a time
// (full), six (diag, spherical, tied's distances).
//
//   full:      yⱼ = Σ_{i≤j} (xᵢ − μᵢ) Uᵢⱼ, 4 pairs × columns j, j+1 (fulltile.ts),
//              reading Uᵀ so each column is contiguous; in an EM pass at d ≥ 24, pairs
//              that cannot matter stop early (prune.ts); below, long ranges start from
//              x − g shared by the components near g (fullCentred);
//   tied:      (x − g)ᵀU once per row, minus (μₖ − g)ᵀU per component (quadTied), or as
//              full with the shared U when a mean is far from g (prepareFactors);
//   diag:      Σᵢ ((xᵢ − μᵢ) pᵢ)²;   spherical: p² Σᵢ (xᵢ − μᵢ)²  (Σᵢ(xᵢ−μᵢ)² kept in ss
//              for the M-step's trace).
//   lp[k·P + p] (v128) = logConst[k] − ½ q.   dbuf: 4·d v128.

function quadFull(xt: usize, S: i32, N: i32, d: i32, mu: usize, ut: usize, lp: usize, c: f64, dbuf: usize): void {
  // 4 pairs at a time through the shared tile (fulltile.ts); a short last group repeats
  // its last pair
  const cv = f64x2.splat(c);
  for (let p = 0; p < N; p += 4) {
    fillTileAt(dbuf, xt, S, 0, d, mu, p, N);
    tileColumns(dbuf, ut, d, 0, d, true, lp + (<usize>p << 4), min(4, N - p), cv);
  }
}

/** Full with d = 2 (and tied in its direct form, for far means), the common case of plotted
 *  data: U's three entries stay in registers and there is no dbuf round trip.
 *  y₀ = (x₀−μ₀)U₀₀,  y₁ = (x₀−μ₀)U₀₁ + (x₁−μ₁)U₁₁  (ut = Uᵀ: [U₀₀, 0, U₀₁, U₁₁]). */
function quadFull2(xt: usize, S: i32, N: i32, mu: usize, ut: usize, lp: usize, c: f64): void {
  const half = f64x2.splat(-0.5);
  const cv = f64x2.splat(c);
  const m0 = splatAt(mu, 0), m1 = splatAt(mu, 1);
  const u00 = splatAt(ut, 0), u01 = splatAt(ut, 2), u11 = splatAt(ut, 3);
  const x1 = xt + (<usize>S << 4);
  for (let p = 0; p < N; p++) {
    const o = <usize>p << 4;
    const a0 = f64x2.sub(v128.load(xt + o), m0);
    const a1 = f64x2.sub(v128.load(x1 + o), m1);
    const y0 = f64x2.mul(a0, u00);
    const y1 = f64x2.add(f64x2.mul(a0, u01), f64x2.mul(a1, u11));
    const q = f64x2.add(f64x2.mul(y0, y0), f64x2.mul(y1, y1));
    v128.store(lp + o, f64x2.add(cv, f64x2.mul(half, nanToInf(q))));
  }
}

/** The E-step's spherical and tied log-densities of six consecutive pairs: with
 *  q = Σᵢ (xᵢ − cᵢ)², cv + scale·q into lp (6 v128; with inf, q NaN, from ∞ − ∞ in
 *  tied's (x − g)ᵀU − (μ − g)ᵀU, read as +∞), and with keepSums, q into ss. row0: the first pair's
 *  feature 0, step: the bytes from one feature's row to the next. V8 spends about nine
 *  integer instructions, a stack check among them, on every step of a loop; over six pairs
 *  rather than four they leave the floating-point units idle less (eight spill; quadDiag
 *  has its own loop, as a precision tested inside this one cost it 5%). Each pair's sum
 *  adds its features in order, as one pair alone would. */
// @ts-ignore: decorator
@inline function logDensity6(row0: usize, step: usize, d: i32, c: usize, lp: usize, cv: v128, scale: v128,
  ss: usize, keepSums: bool, inf: bool): void {
  let q0 = f64x2.splat(0), q1 = q0, q2 = q0, q3 = q0, q4 = q0, q5 = q0;
  const cEnd = c + (<usize>d << 3);
  for (let row = row0, ci = c; ci < cEnd; row += step, ci += 8) {
    const m = v128.load64_splat(ci);
    const t0 = f64x2.sub(v128.load(row), m), t1 = f64x2.sub(v128.load(row, 16), m);
    const t2 = f64x2.sub(v128.load(row, 32), m), t3 = f64x2.sub(v128.load(row, 48), m);
    const t4 = f64x2.sub(v128.load(row, 64), m), t5 = f64x2.sub(v128.load(row, 80), m);
    q0 = f64x2.add(q0, f64x2.mul(t0, t0));
    q1 = f64x2.add(q1, f64x2.mul(t1, t1));
    q2 = f64x2.add(q2, f64x2.mul(t2, t2));
    q3 = f64x2.add(q3, f64x2.mul(t3, t3));
    q4 = f64x2.add(q4, f64x2.mul(t4, t4));
    q5 = f64x2.add(q5, f64x2.mul(t5, t5));
  }
  if (keepSums) {
    v128.store(ss, q0); v128.store(ss, q1, 16); v128.store(ss, q2, 32);
    v128.store(ss, q3, 48); v128.store(ss, q4, 64); v128.store(ss, q5, 80);
  }
  v128.store(lp, f64x2.add(cv, f64x2.mul(scale, inf ? nanToInf(q0) : q0)));
  v128.store(lp, f64x2.add(cv, f64x2.mul(scale, inf ? nanToInf(q1) : q1)), 16);
  v128.store(lp, f64x2.add(cv, f64x2.mul(scale, inf ? nanToInf(q2) : q2)), 32);
  v128.store(lp, f64x2.add(cv, f64x2.mul(scale, inf ? nanToInf(q3) : q3)), 48);
  v128.store(lp, f64x2.add(cv, f64x2.mul(scale, inf ? nanToInf(q4) : q4)), 64);
  v128.store(lp, f64x2.add(cv, f64x2.mul(scale, inf ? nanToInf(q5) : q5)), 80);
}

/** Tied: one shared U, so (x − g)ᵀU is computed once per row (d²/2) and each component
 *  only subtracts its (μₖ − g)ᵀU (d per row and component). g, the mean of the μₖ, keeps
 *  both terms small. ut: Uᵀ (d·d), then g (d), then (μₖ − g)ᵀU (K·d). */
function quadTied(xt: usize, S: i32, N: i32, d: i32, k0: i32, k1: i32, ut: usize, logConst: usize, lp: usize, xu: usize,
  tile: usize): void {
  const g = ut + (<usize>(d * d) << 3);
  const mu = g + (<usize>d << 3);
  // xu[j·S + p] = Σ_{i≤j} (x_i − g_i) U_ij, in full's register tiles (fulltile.ts) of four
  // pairs, the sums stored instead of squared
  const zero = f64x2.splat(0);
  for (let p = 0; p < N; p += 4) {
    fillTileAt(tile, xt, S, 0, d, g, p, N);
    tileColumns(tile, ut, d, 0, d, true, 0, min(4, N - p), zero, 0, xu + (<usize>p << 4), S);
  }
  const half = f64x2.splat(-0.5);
  for (let k = k0; k < k1; k++) {
    const cv = f64x2.splat(load<f64>(logConst + (<usize>k << 3)));
    const mk = mu + (<usize>(k * d) << 3);
    const out = lp + (<usize>(k * S) << 4);
    let p = 0;
    const step = <usize>S << 4;
    for (; p + 5 < N; p += 6) logDensity6(xu + (<usize>p << 4), step, d, mk, out + (<usize>p << 4), cv, half, 0, false, true);
    for (; p + 1 < N; p += 2) {
      let q0 = f64x2.splat(0), q1 = f64x2.splat(0);
      for (let j = 0; j < d; j++) {
        const m = splatAt(mk, j);
        const row = xu + (<usize>(j * S + p) << 4);
        const y0 = f64x2.sub(v128.load(row), m);
        const y1 = f64x2.sub(v128.load(row, 16), m);
        q0 = f64x2.add(q0, f64x2.mul(y0, y0));
        q1 = f64x2.add(q1, f64x2.mul(y1, y1));
      }
      v128.store(out + (<usize>p << 4), f64x2.add(cv, f64x2.mul(half, nanToInf(q0))));
      v128.store(out + (<usize>p << 4), f64x2.add(cv, f64x2.mul(half, nanToInf(q1))), 16);
    }
    if (p < N) {
      let q0 = f64x2.splat(0);
      for (let j = 0; j < d; j++) {
        const y0 = f64x2.sub(V(xu, j * S + p), splatAt(mk, j));
        q0 = f64x2.add(q0, f64x2.mul(y0, y0));
      }
      v128.store(out + (<usize>p << 4), f64x2.add(cv, f64x2.mul(half, nanToInf(q0))));
    }
  }
}

function quadDiag(xt: usize, S: i32, N: i32, d: i32, mu: usize, prec: usize, lp: usize, c: f64): void {
  const half = f64x2.splat(-0.5);
  const cv = f64x2.splat(c);
  // six pairs a feature, pointers stepped, for logDensity6's reasons; its own loop, since
  // testing for a precision inside logDensity6's loop cost o16d 5%
  const step = <usize>S << 4, muEnd = mu + (<usize>d << 3);
  let p = 0;
  for (; p + 5 < N; p += 6) {
    let q0 = f64x2.splat(0), q1 = q0, q2 = q0, q3 = q0, q4 = q0, q5 = q0;
    for (let row = xt + (<usize>p << 4), mi = mu, pi = prec; mi < muEnd; row += step, mi += 8, pi += 8) {
      const m = v128.load64_splat(mi);
      const pr = v128.load64_splat(pi);
      const t0 = f64x2.mul(f64x2.sub(v128.load(row), m), pr);
      const t1 = f64x2.mul(f64x2.sub(v128.load(row, 16), m), pr);
      const t2 = f64x2.mul(f64x2.sub(v128.load(row, 32), m), pr);
      const t3 = f64x2.mul(f64x2.sub(v128.load(row, 48), m), pr);
      const t4 = f64x2.mul(f64x2.sub(v128.load(row, 64), m), pr);
      const t5 = f64x2.mul(f64x2.sub(v128.load(row, 80), m), pr);
      q0 = f64x2.add(q0, f64x2.mul(t0, t0));
      q1 = f64x2.add(q1, f64x2.mul(t1, t1));
      q2 = f64x2.add(q2, f64x2.mul(t2, t2));
      q3 = f64x2.add(q3, f64x2.mul(t3, t3));
      q4 = f64x2.add(q4, f64x2.mul(t4, t4));
      q5 = f64x2.add(q5, f64x2.mul(t5, t5));
    }
    const out = lp + (<usize>p << 4);
    v128.store(out, f64x2.add(cv, f64x2.mul(half, q0)));
    v128.store(out, f64x2.add(cv, f64x2.mul(half, q1)), 16);
    v128.store(out, f64x2.add(cv, f64x2.mul(half, q2)), 32);
    v128.store(out, f64x2.add(cv, f64x2.mul(half, q3)), 48);
    v128.store(out, f64x2.add(cv, f64x2.mul(half, q4)), 64);
    v128.store(out, f64x2.add(cv, f64x2.mul(half, q5)), 80);
  }
  for (; p < N; p++) {
    let q = f64x2.splat(0);
    for (let row = xt + (<usize>p << 4), mi = mu, pi = prec; mi < muEnd; row += step, mi += 8, pi += 8) {
      const t = f64x2.mul(f64x2.sub(v128.load(row), v128.load64_splat(mi)), v128.load64_splat(pi));
      q = f64x2.add(q, f64x2.mul(t, t));
    }
    v128.store(lp + (<usize>p << 4), f64x2.add(cv, f64x2.mul(half, q)));
  }
}

/** Spherical: also keeps Σᵢ(xᵢ−μᵢ)² per pair in ss for the M-step's trace (six pairs at a
 *  time: logDensity6). */
function quadSpherical(xt: usize, S: i32, N: i32, d: i32, mu: usize, prec: f64, lp: usize, c: f64, ss: usize): void {
  const hp2 = f64x2.splat(-0.5 * prec * prec);
  const cv = f64x2.splat(c);
  const step = <usize>S << 4, muEnd = mu + (<usize>d << 3);
  let p = 0;
  for (; p + 5 < N; p += 6) logDensity6(xt + (<usize>p << 4), step, d, mu, lp + (<usize>p << 4), cv, hp2, ss + (<usize>p << 4), true, false);
  for (; p < N; p++) {
    let q = f64x2.splat(0);
    for (let row = xt + (<usize>p << 4), mi = mu; mi < muEnd; row += step, mi += 8) {
      const t = f64x2.sub(v128.load(row), v128.load64_splat(mi));
      q = f64x2.add(q, f64x2.mul(t, t));
    }
    v128.store(ss + (<usize>p << 4), q);
    v128.store(lp + (<usize>p << 4), f64x2.add(cv, f64x2.mul(hp2, q)));
  }
}

/** Weighted log-densities of pairs [p0, p1) of a pair block (P pairs) under all K
 *  components into lp (K·P v128, the same pairs). ut: Uᵀ per component (full), or for tied
 *  Uᵀ, g and (μₖ−g)ᵀU (see prepareFactors below); for diag/spherical the precision
 *  factors. xu (tied): d·P v128 workspace. ss (spherical only): K·P v128 of Σᵢ(xᵢ−μᵢ)².
 *  dbuf: 4·d v128. cutoff < 0 marks an EM pass (RESP_CUTOFF): full at d < PRUNE_MIN_D then
 *  takes its centred form (fullCentred), and with a list (2P i32) full at d ≥ PRUNE_MIN_D
 *  prunes (prune.ts), with ss, dbuf, xu and list as its workspace. Scoring passes 0 for
 *  both: the direct form, so a row's score never depends on the rows scored with it. */
export function logProbBlock(xt: usize, P: i32, p0: i32, p1: i32, d: i32, K: i32, type: i32, means: usize, ut: usize,
  logConst: usize, lp: usize, ss: usize, dbuf: usize, xu: usize, cutoff: f64, list: usize): void {
  // the kernels see the range as a block of its own, with the block's stride P
  const o = <usize>p0 << 4;
  const N = p1 - p0;
  if (N <= 0) return;
  if (tiedCentred(type, ut, d, K)) {
    quadTied(xt + o, P, N, d, 0, K, ut, logConst, lp + o, xu + o, dbuf);
    return;
  }
  if (type == FULL && d >= PRUNE_MIN_D && cutoff < 0 && list && K > 1) {
    fullPruned(xt, P, p0, p1, d, K, means, ut, logConst, lp, ss, dbuf, xu, cutoff, list);
    return;
  }
  if (fullMayCentre(type, d) && cutoff < 0) {
    fullCentred(xt, P, p0, p1, d, K, means, ut, logConst, lp, dbuf, xu);
    return;
  }
  for (let k = 0; k < K; k++) logProbComponent(xt, P, p0, p1, d, K, type, k, means, ut, logConst, lp, ss, dbuf);
}

/** A component goes direct unless Σᵢ |(μ − g)ᵢ Uᵢⱼ| ≤ this for every column j. The centred
 *  yⱼ = −bⱼ + Σᵢ Yᵢ Uᵢⱼ rounds its terms where the direct one rounds Σᵢ (xᵢ − μᵢ) Uᵢⱼ's, and
 *  Σᵢ |Yᵢ Uᵢⱼ| ≤ Σᵢ |(xᵢ − μᵢ) Uᵢⱼ| + Σᵢ |(μ − g)ᵢ Uᵢⱼ|, so this bounds the extra rounding by
 *  about eps·2·16 per coordinate, also where U's entries are large and cancel (strongly
 *  correlated features; a bound on |bⱼ| alone let those lose up to 6e-9 against the scalar
 *  path). At 8 too few of letter's and o8's components qualify to pay; at 16 and 32 the
 *  SIMD-vs-scalar differences of 10-iteration fits on letter, o8 and shuttle are alike
 *  (bench/HISTORY.md). */
const FULL_CENTRED_MAX: f64 = 16.0;

// Full, centred (EM passes, 3 ≤ d < PRUNE_MIN_D; at larger d the pruned E-step and the
// scoring that its test compares with stay direct): the rows' differences from one centre g
// per block serve every component near it,
//
//   g = centre of the bounding box of every 4th pair's rows of the block and its last (d)
//   bₖ = (μₖ − g)ᵀUₖ (d, per component, once per block);   Y = x − g in 4-pair tiles
//   yⱼ = −bₖⱼ + Σ_{i≤j} Yᵢ Uₖᵢⱼ
//
// which spares quadFull's x − μₖ per (pair, component, feature) (fillTile: a ninth of the
// work at d = 16, a fifth at d = 8). A component with some Σᵢ|(μ − g)ᵢUᵢⱼ| > FULL_CENTRED_MAX
// goes through quadFull, and with fewer than two near g every one does (Y costs about what
// one component's differences do). All of it is decided per block, before its ranges, so a
// pair's log-densities are the same however certification cuts the block (logProbComponent
// takes the same form for a certified group), and depend on the block's rows only, not on
// how the data were split. The decisions live in the tail of ut, which full leaves free:
// g (d), then −bₖ (K·d), its first entry NaN for a component that goes direct.

/** Whether full may take its centred form at this d in an EM pass (below PRUNE_MIN_D). */
// @ts-ignore: decorator
@inline function fullMayCentre(type: i32, d: i32): bool {
  return type == FULL && d >= 3 && d < PRUNE_MIN_D;
}

/** g and −bₖ of the block of P pairs at xt into ut's tail (see above), for an EM pass with
 *  full covariances at 3 ≤ d < PRUNE_MIN_D; work: d f64. Nothing for other types or d. The
 *  centred form keeps two 4-pair tiles in dbuf (16·d f64), which blocks of B ≥ 16 rows give
 *  (params.ts blockRows); below, every component goes direct. */
export function prepareBlock(xt: usize, P: i32, d: i32, K: i32, type: i32, means: usize, ut: usize, work: usize,
  B: i32): void {
  if (!fullMayCentre(type, d)) return;
  const g = ut + (<usize>(K * d * d) << 3), bneg = g + (<usize>d << 3);
  if (B < 16) {
    for (let k = 0; k < K; k++) store<f64>(bneg + (<usize>(k * d) << 3), NaN);
    return;
  }
  // every fourth pair (all of them would cost 3% of the work where no component qualifies)
  for (let i = 0; i < d; i++) centreOf(rangeOf(xt + (<usize>(i * P) << 4), 0, P, 4), g + (<usize>i << 3));
  let near = 0;
  for (let k = 0; k < K; k++) {
    const b = bneg + (<usize>(k * d) << 3);
    if (K > 1 && centredB(means + (<usize>(k * d) << 3), ut + (<usize>(k * d * d) << 3), g, d, work, b)) near++;
    else store<f64>(b, NaN);
  }
  if (near < 2) for (let k = 0; k < K; k++) store<f64>(bneg + (<usize>(k * d) << 3), NaN);
}

/** −bₖ of component k when the block's prepareBlock centred it, else 0. */
// @ts-ignore: decorator
@inline function centredAt(ut: usize, d: i32, K: i32, k: i32): usize {
  const b = ut + (<usize>(K * d * d + d + k * d) << 3);
  return load<f64>(b) == load<f64>(b) ? b : 0;
}

/** Whether component k's log-densities take full's centred form in this block (EM). */
export function centredForm(type: i32, ut: usize, d: i32, K: i32, k: i32): bool {
  return fullMayCentre(type, d) && centredAt(ut, d, K, k) != 0;
}

/** Y = x − g of the N pairs at x (stride P) in 4-pair tiles: whole ones in xu (d·N v128 at
 *  most), a short last one in part (4·d v128). */
// @ts-ignore: decorator
@inline function centredTiles(x: usize, P: i32, N: i32, d: i32, g: usize, xu: usize, part: usize): void {
  const tileBytes = <usize>(4 * d) << 4;
  for (let p = 0; p < N; p += 4) fillTileAt(p + 4 <= N ? xu + <usize>(p >> 2) * tileBytes : part, x, P, 0, d, g, p, N);
}

/** One centred component's log-densities of the N pairs from their Y tiles (centredTiles). */
// @ts-ignore: decorator
@inline function centredSolve(N: i32, d: i32, u: usize, c: f64, bneg: usize, xu: usize, part: usize, out: usize): void {
  const tileBytes = <usize>(4 * d) << 4, cv = f64x2.splat(c);
  for (let p = 0; p < N; p += 4)
    tileColumns(p + 4 <= N ? xu + <usize>(p >> 2) * tileBytes : part, u, d, 0, d, true, out + (<usize>p << 4),
      min(4, N - p), cv, bneg);
}

/** Full log-densities of pairs [p0, p1) in an EM pass at 3 ≤ d < PRUNE_MIN_D: the centred
 *  form for the components prepareBlock centred, quadFull for the others. */
function fullCentred(xt: usize, P: i32, p0: i32, p1: i32, d: i32, K: i32, means: usize, ut: usize,
  logConst: usize, lp: usize, dbuf: usize, xu: usize): void {
  const o = <usize>p0 << 4;
  const N = p1 - p0;
  const x = xt + o;
  // dbuf: quadFull's tile (8d f64), then a short last tile of Y (8d)
  const part = dbuf + (<usize>(8 * d) << 3), g = ut + (<usize>(K * d * d) << 3);
  let any = false;
  for (let k = 0; k < K && !any; k++) any = centredAt(ut, d, K, k) != 0;
  if (any) centredTiles(x, P, N, d, g, xu, part);
  for (let k = 0; k < K; k++) {
    const mu = means + (<usize>(k * d) << 3), u = ut + (<usize>(k * d * d) << 3);
    const c = load<f64>(logConst + (<usize>k << 3));
    const out = lp + (<usize>(k * P) << 4) + o;
    const bneg = centredAt(ut, d, K, k);
    if (bneg) centredSolve(N, d, u, c, bneg, xu, part, out);
    else quadFull(x, P, N, d, mu, u, out, c, dbuf);
  }
}

/** bneg ← −(μ − g)ᵀU (d f64; ut: Uᵀ, column j of U at ut + j·d; m: d f64 of workspace)
 *  when every column's Σᵢ|(μ − g)ᵢUᵢⱼ| ≤ FULL_CENTRED_MAX; returns whether they are (false
 *  for NaN). Stops at the first column beyond: with separated clusters most components are,
 *  and early columns are short. */
function centredB(mu: usize, ut: usize, g: usize, d: i32, m: usize, bneg: usize): bool {
  for (let i = 0; i < d; i++) store<f64>(m + (<usize>i << 3), load<f64>(mu + (<usize>i << 3)) - load<f64>(g + (<usize>i << 3)));
  for (let j = 0; j < d; j++) {
    let s: f64 = 0;
    const col = ut + (<usize>(j * d) << 3);
    let a: f64 = 0;
    for (let i = 0; i <= j; i++) {
      const t = load<f64>(m + (<usize>i << 3)) * load<f64>(col + (<usize>i << 3));
      s += t;
      a += abs(t);
    }
    if (!(a <= FULL_CENTRED_MAX)) return false;
    store<f64>(bneg + (<usize>j << 3), -s);
  }
  return true;
}

/** Full in an EM pass (prune.ts): the previous range's best component first, in full, so
 *  that the others meet a high maximum early; then the others with pruning. The running
 *  maxima live in ss (spherical only otherwise), the pruned kernel's x − μ in dbuf, its
 *  partial sums in xu and its lists of pairs in list (2N i32). */
function fullPruned(xt: usize, P: i32, p0: i32, p1: i32, d: i32, K: i32, means: usize, ut: usize,
  logConst: usize, lp: usize, ss: usize, dbuf: usize, xu: usize, cutoff: f64, list: usize): void {
  const o = <usize>p0 << 4;
  const N = p1 - p0;
  const mx = ss + o;
  const first = min(pruneFirst, K - 1);
  logProbComponent(xt, P, p0, p1, d, K, FULL, first, means, ut, logConst, lp, ss, dbuf);
  memory.copy(mx, lp + (<usize>(first * P) << 4) + o, <usize>N << 4);
  for (let k = 0; k < K; k++) {
    if (k == first) continue;
    quadFullPruned(xt + o, P, N, d, means + (<usize>(k * d) << 3), ut + (<usize>(k * d * d) << 3),
      lp + (<usize>(k * P) << 4) + o, load<f64>(logConst + (<usize>k << 3)), dbuf, list, xu, mx, cutoff);
  }
  // the best component of the range's middle row, for the next range (a neighbour in the
  // rows' spatial order); it only decides the order, never a value
  const mid = lp + (<usize>((p0 + p1) >> 1) << 4);
  let best = 0;
  let top = load<f64>(mid);
  for (let k = 1; k < K; k++) {
    const v = load<f64>(mid + (<usize>(k * P) << 4));
    if (v > top) { top = v; best = k; }
  }
  pruneFirst = best;
}

/** Whether tied takes its centred form this pass (prepareFactors' flag after the (μₖ − g)ᵀU). */
// @ts-ignore: decorator
@inline function tiedCentred(type: i32, ut: usize, d: i32, K: i32): bool {
  return type == TIED && load<f64>(ut + (<usize>(d * d + d + K * d) << 3)) != 0.0;
}

/** Component k's log-densities of pairs [p0, p1) (as logProbBlock; tied and full in their
 *  direct forms unless xu, a d·P v128 workspace, is given in an EM pass: then in the form
 *  logProbBlock takes, after prepareBlock for full). */
export function logProbComponent(xt: usize, P: i32, p0: i32, p1: i32, d: i32, K: i32, type: i32, k: i32,
  means: usize, ut: usize, logConst: usize, lp: usize, ss: usize, dbuf: usize, xu: usize = 0): void {
  const o = <usize>p0 << 4;
  const N = p1 - p0;
  // with xu (EM), the form logProbBlock takes, so that a certified group's log-densities
  // (and the lower bound) have the bits the full E-step gives them
  if (xu && tiedCentred(type, ut, d, K)) {
    quadTied(xt + o, P, N, d, k, k + 1, ut, logConst, lp + o, xu + o, dbuf);
    return;
  }
  if (xu && fullMayCentre(type, d)) {
    const bneg = centredAt(ut, d, K, k);
    if (bneg) {
      const part = dbuf + (<usize>(8 * d) << 3);
      centredTiles(xt + o, P, N, d, ut + (<usize>(K * d * d) << 3), xu, part);
      centredSolve(N, d, ut + (<usize>(k * d * d) << 3), load<f64>(logConst + (<usize>k << 3)), bneg, xu, part,
        lp + (<usize>(k * P) << 4) + o);
      return;
    }
  }
  const mu = means + (<usize>(k * d) << 3);
  const c = load<f64>(logConst + (<usize>k << 3));
  const out = lp + (<usize>(k * P) << 4) + o;
  if (type == FULL || type == TIED) {
    const u = type == FULL ? ut + (<usize>(k * d * d) << 3) : ut;
    if (d == 2) quadFull2(xt + o, P, N, mu, u, out, c);
    else quadFull(xt + o, P, N, d, mu, u, out, c, dbuf);
  }
  else if (type == DIAG) quadDiag(xt + o, P, N, d, mu, ut + (<usize>(k * d) << 3), out, c);
  else quadSpherical(xt + o, P, N, d, mu, load<f64>(ut + (<usize>k << 3)), out, c, ss + (<usize>(k * P) << 4) + o);
}

// ---------------------------------------------------------------------------------------
// Per-pass preparation of the factors for the SIMD E-step.

/** Copies the transpose of the d×d matrix u into ut (ut[j][i] = u[i][j]), so the E-step
 *  reads each column of U contiguously. */
function transposeSquare(u: usize, ut: usize, d: i32): void {
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++)
      store<f64>(ut + (<usize>(j * d + i) << 3), load<f64>(u + (<usize>(i * d + j) << 3)));
}

/** Beyond this whitened distance of a mean from the centre g, (x−g)ᵀU − (μₖ−g)ᵀU would
 *  lose more than ~1e-13 to cancellation, so tied falls back to (x−μₖ)ᵀU per component. */
const TIED_CENTRED_MAX: f64 = 512.0;

/** Prepares the precision factors (ut: K·d·d + K·d + d + 1 f64) and returns the pointer
 *  logProbBlock takes: Uᵀ per component (full); for tied Uᵀ, then the centre g = mean of
 *  the μₖ (d), then (μₖ − g)ᵀU (K·d), then a flag (1: centred form, 0: direct form);
 *  diag/spherical use chol as it is. */
export function prepareFactors(chol: usize, ut: usize, type: i32, K: i32, d: i32, means: usize): usize {
  if (type == FULL) {
    for (let k = 0; k < K; k++)
      transposeSquare(chol + (<usize>(k * d * d) << 3), ut + (<usize>(k * d * d) << 3), d);
    return ut;
  }
  if (type == TIED) {
    transposeSquare(chol, ut, d);
    const g = ut + (<usize>(d * d) << 3);
    const mu = g + (<usize>d << 3);
    for (let i = 0; i < d; i++) {
      let s: f64 = 0;
      for (let k = 0; k < K; k++) s += load<f64>(means + (<usize>(k * d + i) << 3));
      store<f64>(g + (<usize>i << 3), s / <f64>K);
    }
    let far: f64 = 0;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) {
        let s: f64 = 0;
        for (let i = 0; i <= j; i++)
          s += (load<f64>(means + (<usize>(k * d + i) << 3)) - load<f64>(g + (<usize>i << 3))) * load<f64>(chol + (<usize>(i * d + j) << 3));
        store<f64>(mu + (<usize>(k * d + j) << 3), s);
        far = max(far, abs(s));
      }
    }
    store<f64>(mu + (<usize>(K * d) << 3), far <= TIED_CENTRED_MAX ? 1.0 : 0.0);
    return ut;
  }
  return chol;
}
