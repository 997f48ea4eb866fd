// Gaussian mixtures on rows with missing entries (NaN), by marginalisation (Ghahramani &
// Jordan 1994). A row x splits into observed features o and missing ones m; under
// component k (mean μ, covariance Σ, any type):
//
//   x_o ~ N(μ_o, Σ_oo)                 Σ_oo = L Lᵀ (L lower, o×o), M = L⁻¹ (lower)
//   z   = M (x_o − μ_o)                log N(x_o) = −½‖z‖² − Σ log Lᵢᵢ − ½ o log 2π
//   W   = M Σ_om            (o×m)      x̂_m = E[x_m | x_o] = μ_m + Wᵀ z
//   C   = Σ_mm − Wᵀ W       (m×m)      Cov[x_m | x_o]
//
// Rows come sorted by missingness pattern, in groups (groups: G+1 i32 row offsets), so M, W
// and C are computed once per (group, component) and each row costs a triangular
// matrix-vector product (M is the observed block's precision Cholesky factor, transposed;
// it comes from the Cholesky factor by forward substitution, never a general inverse or a
// determinant). Diag and spherical: M is the diagonal of 1/σ, W = 0, C = diag(σ²_m).
//
// Full and tied have a second route, from the precision factor U (Σ⁻¹ = P = U Uᵀ), whose
// set-up per pattern grows with the missing features, not the observed ones — the cheap
// one when few entries are missing and most rows have a pattern of their own:
//
//   P_mm = U_m U_mᵀ = G Gᵀ (G lower, m×m), H = G⁻¹      δ = x − μ with δ_m := 0
//   y = Uᵀ δ,  b = U_m y = P_mo δ_o,  t = H b            ‖y‖² − ‖t‖² = δ_oᵀ Σ_oo⁻¹ δ_o
//   x̂_m = μ_m − Hᵀ t  (= μ_m − P_mm⁻¹ P_mo δ_o)          C = P_mm⁻¹ = Hᵀ H
//   log|Σ_oo| = log|Σ| + log|P_mm|  ⇒  −½ log|Σ_oo| = Σ log Uᵢᵢ − Σ log Gⱼⱼ
//
// Each group takes the route of the smaller estimated cost (pattern set-up plus its rows);
// `route` can force one (tests). Math.log/exp are the core's.
//
// The E-step writes the statistics block of stats.ts about the shift c (the current means,
// or another point when mstep.ts shiftLoss asks for one)
// for the completed rows x̃ = (x_o, x̂_m): mass Σ w·r, sum Σ w·r (x̃ − c), scatter
// Σ w·r (x̃ − c)(x̃ − c)ᵀ + (Σ_group w·r)·C at the missing coordinates (diag: C's diagonal;
// spherical: its trace), so mstep.ts gives the incomplete-data M-step unchanged. The
// header holds Σ w·log p(x_o) and Σ w. Rows of weight 0 are skipped; responsibilities
// below e⁻⁴⁰ of a row's largest are exactly 0, as in the ordinary E-step (estep.ts).
//
// scratch: missingScratchSize(K, d) f64 —
//   M K·d·d | W K·d·d | C K·d·d | cst K | lp K | xt K·d | R K | z d | idx 2d i32 | (to 16 bytes) |
//   diff d v128 | y d v128 | zK K·d v128 | lpP K v128 | (to 16 bytes) | M, W, C, cst again
// (the second set holds the precision route's factors while the first holds the
// covariance route's, so missingEStepGroups factorises a pattern once per route)
//
// Rows are taken two at a time, one per f64x2 lane (a group's odd last row fills both
// lanes), for the per-row products; normalisation and statistics then go row by row.

import { FULL, TIED, DIAG, LOG_2PI } from './types';
import { statsReset, massPtr, sumPtr, scatterPtr } from './stats';
import { choleskyLower } from './cholesky';
import * as rng from './rng';
import { RESP_CUTOFF } from './estep';

export function missingScratchSize(K: i32, d: i32): i32 {
  return 6 * K * d * d + 7 * K + 3 * K * d + 6 * d + 8;
}

// @ts-ignore: decorator
@inline function f(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function sf(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline function ix(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }

// the scratch layout and the current pattern (module globals: the stub runtime must not allocate)
let sM: usize = 0, sW: usize = 0, sC: usize = 0, sCst: usize = 0, sLp: usize = 0, sXt: usize = 0, sR: usize = 0;
let sZ: usize = 0, sObs: usize = 0, sMis: usize = 0, sDf: usize = 0, sZK: usize = 0, sLpP: usize = 0;
let sSet0: usize = 0, sSet1: usize = 0; // where the two sets of M, W, C, cst start
let nObs: i32 = 0, nMis: i32 = 0, pairStart: i32 = 0;
let usePrec: bool = false; // the current group's route (full, tied): from the precision factor
let tiedType: bool = false; // tied: every component shares component 0's factors
let tiedCommon: f64 = 0; // the log-constant less log wₖ, of component 0

/** Tied, component k > 0: component 0's factors (M or H, W, C) copied, its log-constant with
 *  log wₖ. Returns whether it did (so the caller skips the factorisation). */
function tiedCopy(weights: usize, k: i32, d: i32): bool {
  if (!tiedType || k == 0) return false;
  const dd = <usize>(d * d) << 3, at = <usize>k * dd;
  memory.copy(sM + at, sM, dd);
  memory.copy(sW + at, sW, dd);
  memory.copy(sC + at, sC, dd);
  sf(sCst, k, Math.log(f(weights, k)) + tiedCommon);
  return true;
}

function layout(scratch: usize, K: i32, d: i32): void {
  const dd = <usize>(K * d * d) << 3;
  sM = scratch;
  sW = scratch + dd;
  sC = scratch + 2 * dd;
  sCst = scratch + 3 * dd;
  sLp = sCst + (<usize>K << 3);
  sXt = sLp + (<usize>K << 3);
  sR = sXt + (<usize>(K * d) << 3);
  sZ = sR + (<usize>K << 3);
  sObs = sZ + (<usize>d << 3);
  sMis = sObs + (<usize>d << 2);
  sDf = (sMis + (<usize>d << 2) + 15) & ~(<usize>15);
  sZK = sDf + (<usize>d << 5);
  sLpP = sZK + (<usize>(K * d) << 4);
  sSet0 = scratch;
  sSet1 = (sLpP + (<usize>K << 4) + 15) & ~(<usize>15);
}

/** Points M, W, C and cst at factor set 0 or 1 (layout's first or second). */
function useSet(set: i32, K: i32, d: i32): void {
  const base = set ? sSet1 : sSet0, dd = <usize>(K * d * d) << 3;
  sM = base;
  sW = base + dd;
  sC = base + 2 * dd;
  sCst = base + 3 * dd;
}

/** Whether a group of `rows` rows of the current pattern takes the precision route (full,
 *  tied): the smaller estimated cost of set-up plus rows, or as `route` forces. */
function precRoute(type: i32, d: i32, rows: i32, route: i32): bool {
  if (type != FULL && type != TIED) return false;
  const r = <f64>rows, fo = <f64>nObs, fm = <f64>nMis, fd = <f64>d;
  const viaCov = fo * fo * fo * 0.5 + fo * fo * fm + fo * fm * fm * 0.5 + r * (fo * fo * 0.5 + fo * fm);
  const viaPrec = fm * fm * fd * 0.5 + fm * fm * fm * 0.5 + r * (fd * fd * 0.5 + fm * fd + fm * fm);
  return route == 2 || (route == 0 && viaPrec < viaCov);
}

/** The pattern of row x: observed and missing indices (ascending) into sObs / sMis. */
function pattern(x: usize, d: i32): void {
  let o = 0, m = 0;
  for (let i = 0; i < d; i++) {
    const v = f(x, i);
    if (v != v) { store<i32>(sMis + (<usize>m << 2), i); m++; }
    else { store<i32>(sObs + (<usize>o << 2), i); o++; }
  }
  nObs = o;
  nMis = m;
}

/** inv ← F⁻¹ for the n×n lower-triangular F (row-major, stride n; inv lower too): column c
 *  solves F v = e_c by forward substitution (v_a = 0 for a < c). Once per pattern, so the
 *  rows need products only. */
function invLower(F: usize, inv: usize, n: i32): void {
  for (let c = 0; c < n; c++) {
    for (let a = 0; a < c; a++) sf(inv, a * n + c, 0.0);
    for (let a = c; a < n; a++) {
      let s: f64 = a == c ? 1.0 : 0.0;
      for (let b = c; b < a; b++) s -= f(F, a * n + b) * f(inv, b * n + c);
      sf(inv, a * n + c, s / f(F, a * n + a));
    }
  }
}

/** Σₖ[i][j] of any type (diag/spherical: 0 off the diagonal). */
// @ts-ignore: decorator
@inline function sigma(cov: usize, type: i32, k: i32, d: i32, i: i32, j: i32): f64 {
  if (type == FULL) return f(cov, (k * d + i) * d + j);
  if (type == TIED) return f(cov, i * d + j);
  if (i != j) return 0.0;
  return type == DIAG ? f(cov, k * d + i) : f(cov, k);
}

/** M, W, C and the log-constant of every component for the current pattern. chol: also
 *  factor C (lower Cholesky in place, for draws). Returns -1, k when Σ_oo of component k is
 *  not positive definite, or K + k when C of component k is not (chol only). */
function factorAll(weights: usize, cov: usize, prec: usize, type: i32, K: i32, d: i32, chol: bool, rows: i32, route: i32): i32 {
  const o = nObs, m = nMis;
  tiedType = type == TIED;
  usePrec = precRoute(type, d, rows, route);
  if (usePrec) return factorPrec(weights, prec, type, K, d, chol);
  for (let k = 0; k < K; k++) {
    if (tiedCopy(weights, k, d)) continue;
    const M = sM + (<usize>(k * d * d) << 3);
    const W = sW + (<usize>(k * d * d) << 3);
    const C = sC + (<usize>(k * d * d) << 3);
    let logDet: f64 = 0;
    if (type == FULL || type == TIED) {
      // the Cholesky factor L of Σ_oo in C's place (free until C is formed), then M = L⁻¹
      const F = C;
      for (let a = 0; a < o; a++) {
        const ia = ix(sObs, a);
        for (let b = 0; b < o; b++) sf(F, a * o + b, sigma(cov, type, k, d, ia, ix(sObs, b)));
      }
      if (!choleskyLower(F, o)) return k;
      for (let a = 0; a < o; a++) logDet += Math.log(f(F, a * o + a));
      invLower(F, M, o);
      // W = M Σ_om (M lower triangular)
      for (let a = 0; a < o; a++) {
        for (let j = 0; j < m; j++) {
          const mj = ix(sMis, j);
          let s: f64 = 0;
          for (let b = 0; b <= a; b++) s += f(M, a * o + b) * sigma(cov, type, k, d, ix(sObs, b), mj);
          sf(W, a * m + j, s);
        }
      }
      for (let i = 0; i < m; i++) {
        const mi = ix(sMis, i);
        for (let j = i; j < m; j++) {
          let s = sigma(cov, type, k, d, mi, ix(sMis, j));
          for (let a = 0; a < o; a++) s -= f(W, a * m + i) * f(W, a * m + j);
          sf(C, i * m + j, s);
          sf(C, j * m + i, s);
        }
      }
    } else {
      // M holds the observed 1/σ, C the missing variances (diagonal)
      for (let a = 0; a < o; a++) {
        const v = sigma(cov, type, k, d, ix(sObs, a), ix(sObs, a));
        if (!(v > 0.0) || !(v < Infinity)) return k;
        const s = Math.sqrt(v);
        sf(M, a, 1.0 / s);
        logDet += Math.log(s);
      }
      for (let j = 0; j < m; j++) sf(C, j, sigma(cov, type, k, d, ix(sMis, j), ix(sMis, j)));
    }
    tiedCommon = -logDet - 0.5 * <f64>o * LOG_2PI;
    sf(sCst, k, Math.log(f(weights, k)) + tiedCommon);
    if (chol && m > 0) {
      if (type == FULL || type == TIED) {
        if (!choleskyLower(C, m)) return K + k;
      } else {
        for (let j = 0; j < m; j++) {
          const v = f(C, j);
          if (!(v > 0.0) || !(v < Infinity)) return K + k;
          sf(C, j, Math.sqrt(v));
        }
      }
    }
  }
  return -1;
}

/** The precision route (full, tied; see the top): per component H = G⁻¹ into W's place, C
 *  (or its lower Cholesky factor when chol) into C's, the log-constant. Returns as factorAll. */
function factorPrec(weights: usize, prec: usize, type: i32, K: i32, d: i32, chol: bool): i32 {
  const o = nObs, m = nMis;
  for (let k = 0; k < K; k++) {
    if (tiedCopy(weights, k, d)) continue;
    const U = type == FULL ? prec + (<usize>(k * d * d) << 3) : prec;
    const H = sW + (<usize>(k * d * d) << 3);
    const C = sC + (<usize>(k * d * d) << 3);
    let ld: f64 = 0;
    for (let i = 0; i < d; i++) ld += Math.log(f(U, i * d + i));
    // G = chol(P_mm) in C's place; U is upper triangular, so row mi starts at column mi
    const G = C;
    for (let i = 0; i < m; i++) {
      const mi = ix(sMis, i);
      for (let j = 0; j <= i; j++) {
        const mj = ix(sMis, j);
        let s: f64 = 0;
        for (let l = mi; l < d; l++) s += f(U, mi * d + l) * f(U, mj * d + l);
        sf(G, i * m + j, s);
        sf(G, j * m + i, s);
      }
    }
    if (!choleskyLower(G, m)) return k;
    for (let j = 0; j < m; j++) ld -= Math.log(f(G, j * m + j));
    // H = G⁻¹, then C = Hᵀ H over G's place
    invLower(G, H, m);
    for (let i = 0; i < m; i++) {
      for (let j = i; j < m; j++) {
        let s: f64 = 0;
        for (let a = j; a < m; a++) s += f(H, a * m + i) * f(H, a * m + j);
        sf(C, i * m + j, s);
        sf(C, j * m + i, s);
      }
    }
    tiedCommon = ld - 0.5 * <f64>o * LOG_2PI;
    sf(sCst, k, Math.log(f(weights, k)) + tiedCommon);
    if (chol && m > 0 && !choleskyLower(C, m)) return K + k;
  }
  return -1;
}

/** For rows x0 and x1 (lanes 0 and 1): lpP[k] = log wₖ + log N(x_o | k), and zK[k] =
 *  M (x_o − μ_o) (full, tied), or t = H U_m Uᵀ δ (the precision route). */
function rowTerms(x0: usize, x1: usize, means: usize, prec: usize, type: i32, K: i32, d: i32): void {
  const o = nObs, df = sDf;
  const half = f64x2.splat(0.5);
  for (let k = 0; k < K; k++) {
    const mu = means + (<usize>(k * d) << 3);
    const M = sM + (<usize>(k * d * d) << 3);
    let q = f64x2.splat(0);
    if (usePrec) {
      q = precTerms(x0, x1, mu, type == FULL ? prec + (<usize>(k * d * d) << 3) : prec,
        sW + (<usize>(k * d * d) << 3), sZK + (<usize>(k * d) << 4), d);
    } else if (type == FULL || type == TIED) {
      const z = sZK + (<usize>(k * d) << 4);
      for (let a = 0; a < o; a++) {
        const ia = ix(sObs, a);
        const m = f(mu, ia);
        v128.store(df + (<usize>a << 4), f64x2(f(x0, ia) - m, f(x1, ia) - m));
      }
      // independent dot products (no chain of divisions)
      for (let a = 0; a < o; a++) {
        const Ma = M + (<usize>(a * o) << 3);
        let s = f64x2.splat(0);
        for (let b = 0; b <= a; b++) s = f64x2.add(s, f64x2.mul(f64x2.splat(f(Ma, b)), v128.load(df + (<usize>b << 4))));
        v128.store(z + (<usize>a << 4), s);
        q = f64x2.add(q, f64x2.mul(s, s));
      }
    } else {
      for (let a = 0; a < o; a++) {
        const ia = ix(sObs, a);
        const m = f(mu, ia);
        const s = f64x2.mul(f64x2(f(x0, ia) - m, f(x1, ia) - m), f64x2.splat(f(M, a)));
        q = f64x2.add(q, f64x2.mul(s, s));
      }
    }
    v128.store(sLpP + (<usize>k << 4), f64x2.sub(f64x2.splat(f(sCst, k)), f64x2.mul(half, q)));
  }
}

/** The precision route's δ_oᵀ Σ_oo⁻¹ δ_o for both lanes (y = Uᵀ δ, b = U_m y, t = H b into
 *  z). It equals ‖y‖² − ‖t‖², but that difference cancels where a missing feature is
 *  strongly correlated with an observed one (P_oo far larger than Σ_oo⁻¹). It is summed
 *  instead as ‖Uᵀ δ*‖², δ* = (δ_o, x̂_m − μ_m) = δ with δ_m := −Hᵀ t: the minimum over δ_m
 *  of δᵀ P δ, a sum of squares: its error grows with ‖Uᵀ δ*‖·‖Uᵀ δ‖·ε, not ‖Uᵀ δ‖²·ε. */
function precTerms(x0: usize, x1: usize, mu: usize, U: usize, H: usize, z: usize, d: i32): v128 {
  const o = nObs, m = nMis, df = sDf, y = sDf + (<usize>d << 4);
  for (let i = 0; i < d; i++) v128.store(df + (<usize>i << 4), f64x2.splat(0));
  for (let a = 0; a < o; a++) {
    const ia = ix(sObs, a);
    const v = f(mu, ia);
    v128.store(df + (<usize>ia << 4), f64x2(f(x0, ia) - v, f(x1, ia) - v));
  }
  for (let i = 0; i < d; i++) {
    let s = f64x2.splat(0);
    for (let j = 0; j <= i; j++) s = f64x2.add(s, f64x2.mul(f64x2.splat(f(U, j * d + i)), v128.load(df + (<usize>j << 4))));
    v128.store(y + (<usize>i << 4), s);
  }
  // b into df's first m slots (δ is no longer needed), then t = H b
  for (let j = 0; j < m; j++) {
    const mj = ix(sMis, j);
    let s = f64x2.splat(0);
    for (let i = mj; i < d; i++) s = f64x2.add(s, f64x2.mul(f64x2.splat(f(U, mj * d + i)), v128.load(y + (<usize>i << 4))));
    v128.store(df + (<usize>j << 4), s);
  }
  for (let a = 0; a < m; a++) {
    let s = f64x2.splat(0);
    for (let c = 0; c <= a; c++) s = f64x2.add(s, f64x2.mul(f64x2.splat(f(H, a * m + c)), v128.load(df + (<usize>c << 4))));
    v128.store(z + (<usize>a << 4), s);
  }
  // y += U_mᵀ δ*_m, δ*_m = −Hᵀ t (H lower): y becomes Uᵀ δ*
  for (let j = 0; j < m; j++) {
    let s = f64x2.splat(0);
    for (let a = j; a < m; a++) s = f64x2.sub(s, f64x2.mul(f64x2.splat(f(H, a * m + j)), v128.load(z + (<usize>a << 4))));
    const mj = ix(sMis, j);
    for (let i = mj; i < d; i++) {
      const yi = y + (<usize>i << 4);
      v128.store(yi, f64x2.add(v128.load(yi), f64x2.mul(f64x2.splat(f(U, mj * d + i)), s)));
    }
  }
  let q = f64x2.splat(0);
  for (let i = 0; i < d; i++) {
    const v = v128.load(y + (<usize>i << 4));
    q = f64x2.add(q, f64x2.mul(v, v));
  }
  // the observed values are finite, so a NaN here is an overflow (∞ − ∞ in the update):
  // the row is as far as the covariance route's +∞ says
  return v128.bitselect(f64x2.splat(Infinity), q, f64x2.ne(q, q));
}

/** lp[k] = the lane's lpP[k] (the row's weighted log-densities, for normalize). */
function takeLane(lane: i32, K: i32): void {
  for (let k = 0; k < K; k++) sf(sLp, k, load<f64>(sLpP + (<usize>k << 4) + (<usize>lane << 3)));
}

/** The completed row xt[k] = (x_o, x̂_m) of component k for row x in `lane` of rowTerms
 *  (only where needed: components of non-zero responsibility). */
function completeRow(x: usize, lane: i32, means: usize, type: i32, k: i32, d: i32): void {
  const o = nObs, m = nMis;
  const mu = means + (<usize>(k * d) << 3);
  const xt = sXt + (<usize>(k * d) << 3);
  for (let a = 0; a < o; a++) {
    const ia = ix(sObs, a);
    sf(xt, ia, f(x, ia));
  }
  if (usePrec) {
    // x̂_m = μ_m − Hᵀ t (H lower triangular)
    const H = sW + (<usize>(k * d * d) << 3);
    const t = sZK + (<usize>(k * d) << 4) + (<usize>lane << 3);
    for (let j = 0; j < m; j++) {
      let s: f64 = 0;
      for (let a = j; a < m; a++) s += f(H, a * m + j) * load<f64>(t + (<usize>a << 4));
      const mj = ix(sMis, j);
      sf(xt, mj, f(mu, mj) - s);
    }
  } else if (type == FULL || type == TIED) {
    const W = sW + (<usize>(k * d * d) << 3);
    const z = sZK + (<usize>(k * d) << 4) + (<usize>lane << 3);
    for (let j = 0; j < m; j++) {
      let s: f64 = 0;
      for (let a = 0; a < o; a++) s += f(W, a * m + j) * load<f64>(z + (<usize>a << 4));
      const mj = ix(sMis, j);
      sf(xt, mj, f(mu, mj) + s);
    }
  } else {
    for (let j = 0; j < m; j++) {
      const mj = ix(sMis, j);
      sf(xt, mj, f(mu, mj));
    }
  }
}

/** The lane of row r in rowTerms' pairs: row r of a pair (r, r+1) that starts at an even
 *  offset from the group's start r0 computes both rows (lane 0); row r+1 reads lane 1. A
 *  group's odd last row fills both lanes. Called for every row in order (pairStart: the
 *  group's first row). */
function pairUp(x: usize, r: i32, r1: i32, d: i32, means: usize, prec: usize, type: i32, K: i32): i32 {
  if (((r - pairStart) & 1) == 1) return 1;
  const r2 = r + 1 < r1 ? r + 1 : r;
  rowTerms(x + (<usize>(r * d) << 3), x + (<usize>(r2 * d) << 3), means, prec, type, K, d);
  return 0;
}

/** lp becomes the responsibilities; returns the log-sum-exp. A row with no observed feature
 *  gets lse 0 (the marginal over no features is 1) and the weights; one whose every term
 *  is −∞ (or NaN) gets uniform responsibilities and lse −∞ (NaN). Terms more than −cutoff
 *  below the largest get exactly 0 and stay out of the sum (the E-step's e⁻⁴⁰, as in
 *  estep.ts: below rounding in every statistic; −∞ when scoring). */
function normalize(weights: usize, K: i32, cutoff: f64): f64 {
  const lp = sLp;
  if (nObs == 0) {
    for (let k = 0; k < K; k++) sf(lp, k, f(weights, k));
    return 0.0;
  }
  let mx = -Infinity;
  for (let k = 0; k < K; k++) mx = max(mx, f(lp, k));
  if (!(mx > -Infinity && mx < Infinity)) {
    for (let k = 0; k < K; k++) sf(lp, k, 1.0 / <f64>K);
    return mx != mx ? NaN : mx;
  }
  let s: f64 = 0;
  for (let k = 0; k < K; k++) {
    const t = f(lp, k) - mx;
    const e = t >= cutoff ? Math.exp(t) : 0.0;
    sf(lp, k, e);
    s += e;
  }
  const inv = 1.0 / s;
  for (let k = 0; k < K; k++) sf(lp, k, f(lp, k) * inv);
  return mx + Math.log(s);
}

/** NEW_PATTERN, in a group's slot code: the group starts another pattern. */
const NEW_PATTERN: i32 = 1 << 30;

/**
 * The E-step over groups of rows, each group rows of one missingness pattern, into one
 * statistics block (slot) per chunk: group g has gn[g] rows at gx[g] (row-major, d f64
 * each; byte addresses, i32), their weights at gw[g] (or 0: all ones) and slot code
 * gslot[g], the slot's index (its block at stats + slot·S f64) plus NEW_PATTERN where the
 * group's pattern differs from the group before's. Each of the `slots` blocks is reset
 * first and then gets, in group order, exactly the additions the E-step of its chunk alone
 * makes, about `shift` (0: the means; see em.ts emPass): so a chunk's statistics do not
 * depend on the chunks beside it, while a pattern met in many chunks is factorised once per
 * route (the groups come pattern by pattern; the factors depend on the pattern, the route
 * and the parameters only, and the route on the group's rows, as for a chunk alone).
 * Returns -1, or the first component whose Σ_oo is not positive definite.
 */
export function missingEStepGroups(
  gx: usize, gw: usize, gn: usize, gslot: usize, G: i32, d: i32, K: i32, type: i32,
  weights: usize, means: usize, cov: usize, prec: usize, stats: usize, S: i32, slots: i32, scratch: usize, route: i32,
  shift: usize
): i32 {
  assert(d > 0 && K > 0 && G >= 0 && slots >= 0, 'missingEStepGroups: bad sizes');
  const centres = shift ? shift : means;
  layout(scratch, K, d);
  for (let s = 0; s < slots; s++) statsReset(stats + (<usize>(s * S) << 3), type, K, d);
  let have = 0; // bit r: route r's factors of the current pattern are in set r
  for (let g = 0; g < G; g++) {
    const code = ix(gslot, g), n = ix(gn, g);
    const x = <usize>ix(gx, g), w = <usize>ix(gw, g);
    if (code & NEW_PATTERN) {
      pattern(x, d);
      have = 0;
    }
    const set = precRoute(type, d, n, route) ? 1 : 0;
    useSet(set, K, d);
    if (have & (1 << set)) {
      usePrec = set == 1;
      tiedType = type == TIED;
    } else {
      const bad = factorAll(weights, cov, prec, type, K, d, false, n, route);
      if (bad >= 0) return bad;
      have |= 1 << set;
    }
    eStepGroup(x, w, n, d, K, type, weights, means, prec, centres, stats + (<usize>((code & ~NEW_PATTERN) * S) << 3));
  }
  return -1;
}

/** One group's rows (n rows of the current pattern at x, weights w or 0) added to the
 *  statistics block `stats`, its header's Σ w·log p(x_o) and Σ w included. */
function eStepGroup(x: usize, w: usize, n: i32, d: i32, K: i32, type: i32, weights: usize, means: usize, prec: usize,
  centres: usize, stats: usize): void {
  const mass = massPtr(stats), sum = sumPtr(stats, K), scat = scatterPtr(stats, K, d);
  let ll = f(stats, 0), ws = f(stats, 1);
  memory.fill(sR, 0, <usize>K << 3);
  pairStart = 0;
  for (let r = 0; r < n; r++) {
    const lane = pairUp(x, r, n, d, means, prec, type, K);
    const wr: f64 = w ? f(w, r) : 1.0;
    if (wr == 0.0) continue;
    takeLane(lane, K);
    const lse = normalize(weights, K, RESP_CUTOFF);
    ll += wr * lse;
    ws += wr;
    for (let k = 0; k < K; k++) {
      const a = wr * f(sLp, k);
      if (a == 0.0) continue;
      completeRow(x + (<usize>(r * d) << 3), lane, means, type, k, d);
      sf(mass, k, f(mass, k) + a);
      sf(sR, k, f(sR, k) + a);
      const c = centres + (<usize>(k * d) << 3);
      const xt = sXt + (<usize>(k * d) << 3);
      const sk = sum + (<usize>(k * d) << 3);
      // xt becomes x̃ − c in place
      for (let i = 0; i < d; i++) {
        const t = f(xt, i) - f(c, i);
        sf(xt, i, t);
        sf(sk, i, f(sk, i) + a * t);
      }
      if (type == FULL || type == TIED) {
        const S = type == FULL ? scat + (<usize>(k * d * d) << 3) : scat;
        for (let i = 0; i < d; i++) {
          const ai = a * f(xt, i);
          const row = S + (<usize>(i * d) << 3);
          for (let j = i; j < d; j++) sf(row, j, f(row, j) + ai * f(xt, j));
        }
      } else if (type == DIAG) {
        const S = scat + (<usize>(k * d) << 3);
        for (let i = 0; i < d; i++) {
          const t = f(xt, i);
          sf(S, i, f(S, i) + a * t * t);
        }
      } else {
        let tr: f64 = 0;
        for (let i = 0; i < d; i++) tr += f(xt, i) * f(xt, i);
        sf(scat, k, f(scat, k) + a * tr);
      }
    }
  }
  sf(stats, 0, ll);
  sf(stats, 1, ws);
  // the conditional covariance, once per group: Σ_group w·r · C at the missing coordinates
  const m = nMis;
  if (m == 0) return;
  for (let k = 0; k < K; k++) {
    const Rk = f(sR, k);
    if (Rk == 0.0) continue;
    const C = sC + (<usize>(k * d * d) << 3);
    if (type == FULL || type == TIED) {
      const S = type == FULL ? scat + (<usize>(k * d * d) << 3) : scat;
      for (let i = 0; i < m; i++) {
        const mi = ix(sMis, i);
        for (let j = i; j < m; j++) {
          const p = S + (<usize>(mi * d + ix(sMis, j)) << 3);
          store<f64>(p, load<f64>(p) + Rk * f(C, i * m + j));
        }
      }
    } else if (type == DIAG) {
      const S = scat + (<usize>(k * d) << 3);
      for (let j = 0; j < m; j++) {
        const mj = ix(sMis, j);
        sf(S, mj, f(S, mj) + Rk * f(C, j));
      }
    } else {
      let tr: f64 = 0;
      for (let j = 0; j < m; j++) tr += f(C, j);
      sf(scat, k, f(scat, k) + Rk * tr);
    }
  }
}

/**
 * Scoring of n sorted rows (groups as above): per row the log-density of its observed
 * features (lseOut), the responsibilities (respOut, n×K), the most likely component
 * (labelsOut, i32) and the log of its responsibility (logMaxOut); any output may be 0. Returns -1, or the first component whose Σ_oo is
 * not positive definite.
 */
export function missingScore(
  x: usize, groups: usize, G: i32, d: i32, K: i32, type: i32,
  weights: usize, means: usize, cov: usize, prec: usize, lseOut: usize, respOut: usize, labelsOut: usize, logMaxOut: usize,
  scratch: usize, route: i32
): i32 {
  assert(d > 0 && K > 0 && G >= 0, 'missingScore: bad sizes');
  layout(scratch, K, d);
  for (let g = 0; g < G; g++) {
    const r0 = ix(groups, g), r1 = ix(groups, g + 1);
    pattern(x + (<usize>(r0 * d) << 3), d);
    const bad = factorAll(weights, cov, prec, type, K, d, false, r1 - r0, route);
    if (bad >= 0) return bad;
    pairStart = r0;
    for (let r = r0; r < r1; r++) {
      takeLane(pairUp(x, r, r1, d, means, prec, type, K), K);
      if (labelsOut) {
        // the largest weighted log-density (the first on ties); no feature: the largest weight
        const v = nObs == 0 ? weights : sLp;
        let best = 0;
        let bv = f(v, 0);
        for (let k = 1; k < K; k++) if (f(v, k) > bv) { bv = f(v, k); best = k; }
        store<i32>(labelsOut + (<usize>r << 2), best);
      }
      // log of the largest responsibility: maxₖ log wₖN(x_o | k) − lse (no feature: log max wₖ)
      let top = -Infinity;
      if (logMaxOut) for (let k = 0; k < K; k++) top = max(top, nObs == 0 ? Math.log(f(weights, k)) : f(sLp, k));
      const lse = normalize(weights, K, -Infinity);
      if (lseOut) sf(lseOut, r, lse);
      if (logMaxOut) sf(logMaxOut, r, top - lse);
      if (respOut) memory.copy(respOut + (<usize>(r * K) << 3), sLp, <usize>K << 3);
    }
  }
  return -1;
}

/**
 * Imputation of n sorted rows in place (groups as above): every NaN becomes
 *   method 0 (mean):   Σₖ p(k | x_o) x̂ₖ,m
 *   method 1 (sample): x̂ₖ,m + chol(Cₖ) z with k ~ p(k | x_o) and z ~ N(0, I), from the
 *                      core's PRNG (seeded by the caller), rows in order
 * Returns -1, k when Σ_oo of component k is not positive definite, or K + k when its
 * conditional covariance is not (sample only).
 */
export function missingImpute(
  x: usize, groups: usize, G: i32, d: i32, K: i32, type: i32,
  weights: usize, means: usize, cov: usize, prec: usize, method: i32, scratch: usize, route: i32
): i32 {
  assert(d > 0 && K > 0 && G >= 0, 'missingImpute: bad sizes');
  layout(scratch, K, d);
  for (let g = 0; g < G; g++) {
    const r0 = ix(groups, g), r1 = ix(groups, g + 1);
    pattern(x + (<usize>(r0 * d) << 3), d);
    const m = nMis;
    if (m == 0) continue;
    const bad = factorAll(weights, cov, prec, type, K, d, method == 1, r1 - r0, route);
    if (bad >= 0) return bad;
    pairStart = r0;
    for (let r = r0; r < r1; r++) {
      const xr = x + (<usize>(r * d) << 3);
      const lane = pairUp(x, r, r1, d, means, prec, type, K);
      takeLane(lane, K);
      if (!(normalize(weights, K, -Infinity) > -Infinity)) {
        // every component's density underflows: the weights, and so the values, are
        // undefined; NaN, which the wrapper reports as NUMERICAL naming the row
        for (let j = 0; j < m; j++) sf(xr, ix(sMis, j), NaN);
        continue;
      }
      if (method == 0) {
        for (let k = 0; k < K; k++) completeRow(xr, lane, means, type, k, d);
        for (let j = 0; j < m; j++) {
          const mj = ix(sMis, j);
          let s: f64 = 0;
          for (let k = 0; k < K; k++) s += f(sLp, k) * f(sXt + (<usize>(k * d) << 3), mj);
          sf(xr, mj, s);
        }
        continue;
      }
      const u = rng.uniform();
      let acc: f64 = 0;
      let k = K - 1;
      for (let j = 0; j < K; j++) {
        acc += f(sLp, j);
        if (u < acc) { k = j; break; }
      }
      completeRow(xr, lane, means, type, k, d);
      const C = sC + (<usize>(k * d * d) << 3);
      const xt = sXt + (<usize>(k * d) << 3);
      const z = sZ;
      for (let j = 0; j < m; j++) sf(z, j, rng.normal());
      for (let i = 0; i < m; i++) {
        let s: f64 = 0;
        if (type == FULL || type == TIED) {
          for (let j = 0; j <= i; j++) s += f(C, i * m + j) * f(z, j);
        } else {
          s = f(C, i) * f(z, i);
        }
        const mi = ix(sMis, i);
        sf(xr, mi, f(xt, mi) + s);
      }
    }
  }
  return -1;
}
