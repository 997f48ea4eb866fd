// Conditionals of a mixture: the given features g (m of them, indices gIdx) fixed to
// values x, the remaining ones r (q, indices rIdx) distributed as a mixture again.
//
//   Σ_gg = L Lᵀ (Cholesky),  W = L⁻¹ Σ_gr (m×q),  z = L⁻¹ (x − μ_g)
//   weight   wₖ(x) ∝ πₖ N(x | μₖ,g, Σₖ,gg):  log = log πₖ − Σ log Lᵢᵢ − ½ ‖z‖² (+ a constant)
//   mean     mₖ(x) = μₖ,r + Σ_rg Σ_gg⁻¹ (x − μ_g) = μₖ,r + Wᵀ z
//   cov      Sₖ = Σₖ,rr − Σ_rg Σ_gg⁻¹ Σ_gr = Σₖ,rr − Wᵀ W   (Schur complement; not x-dependent)
//
// Only triangular solves: no inverse, no determinant. diag and spherical have Σ_gr = 0, so
// W vanishes, mₖ = μₖ,r and Sₖ = Σₖ,rr (conditioning only reweights).
//
// Factor set, one per component (tied: one for all), f64:
//   full, tied:      L (m·m, lower) | W (m·q) | S (q·q) | Σ log Lᵢᵢ (1)
//   diag, spherical: L diagonal (m) | S diagonal (q) | Σ log Lᵢᵢ (1)

import { FULL, TIED, DIAG } from './types';
import { choleskyLower } from './cholesky';

// @ts-ignore: decorator
@inline function f(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function idx(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

function setSize(type: i32, m: i32, q: i32): i32 {
  return type == FULL || type == TIED ? m * m + m * q + q * q + 1 : m + q + 1;
}

/** f64 of the factor sets of conditionFactors. */
export function conditionFactorsSize(type: i32, K: i32, m: i32, q: i32): i32 {
  return (type == TIED ? 1 : K) * setSize(type, m, q);
}

/** f64 of conditionRows' scratch: z (m), log-weights (K), their constants (K), component
 *  means (K·q), mean (q), a component mean's deviation from it (q). */
export function conditionScratchSize(K: i32, m: i32, q: i32): i32 {
  return m + 2 * K + K * q + 2 * q;
}

/** o[b] += w·(s[b] + a·v[b]) for b in [from, q), two lanes at a time (s = 0: no s term);
 *  each lane rounds as the scalar expression would. */
// @ts-ignore: decorator
@inline function accumulate(o: usize, s: usize, v: usize, from: i32, q: i32, w: f64, a: f64): void {
  const wv = f64x2.splat(w), av = f64x2.splat(a);
  let b = from;
  for (; b + 1 < q; b += 2) {
    const off = <usize>b << 3;
    let t = f64x2.mul(av, v128.load(v + off));
    if (s) t = f64x2.add(v128.load(s + off), t);
    v128.store(o + off, f64x2.add(v128.load(o + off), f64x2.mul(wv, t)));
  }
  if (b < q) {
    const t = a * f(v, b);
    store<f64>(o + (<usize>b << 3), f(o, b) + w * (s ? f(s, b) + t : t));
  }
}

/**
 * The factor sets above from the model's covariances (cov, the model's layout over d
 * features); covOut (0 to skip) gets the conditional covariances Sₖ in the model's layout
 * over q features (full K·q·q, tied q·q, diag K·q, spherical K: the same variances).
 * Returns the first component whose Σ_gg is not positive definite, or -1.
 */
export function conditionFactors(
  cov: usize, type: i32, K: i32, d: i32, gIdx: usize, m: i32, rIdx: usize, q: i32, factors: usize, covOut: usize
): i32 {
  assert(K > 0 && m > 0 && q > 0 && m + q == d, 'conditionFactors: bad sizes');
  const size = <usize>setSize(type, m, q) << 3;
  if (type == FULL || type == TIED) {
    const count = type == FULL ? K : 1;
    for (let k = 0; k < count; k++) {
      const c = cov + <usize>k * (<usize>d * <usize>d << 3);
      const L = factors + <usize>k * size;
      const W = L + (<usize>(m * m) << 3);
      const S = W + (<usize>(m * q) << 3);
      // L ← chol(Σ_gg)
      for (let i = 0; i < m; i++) {
        const row = c + (<usize>(idx(gIdx, i) * d) << 3);
        for (let j = 0; j < m; j++) store<f64>(L + (<usize>(i * m + j) << 3), f(row, idx(gIdx, j)));
      }
      if (!choleskyLower(L, m)) return k;
      // W ← L⁻¹ Σ_gr, forward substitution down each column
      for (let i = 0; i < m; i++) {
        const row = c + (<usize>(idx(gIdx, i) * d) << 3);
        const li = L + (<usize>(i * m) << 3);
        const inv = 1.0 / f(li, i);
        for (let j = 0; j < q; j++) {
          let t = f(row, idx(rIdx, j));
          for (let l = 0; l < i; l++) t -= f(li, l) * f(W, l * q + j);
          store<f64>(W + (<usize>(i * q + j) << 3), t * inv);
        }
      }
      // S ← Σ_rr − Wᵀ W (upper triangle, mirrored)
      for (let a = 0; a < q; a++) {
        const row = c + (<usize>(idx(rIdx, a) * d) << 3);
        for (let b = a; b < q; b++) {
          let t = f(row, idx(rIdx, b));
          for (let l = 0; l < m; l++) t -= f(W, l * q + a) * f(W, l * q + b);
          store<f64>(S + (<usize>(a * q + b) << 3), t);
          store<f64>(S + (<usize>(b * q + a) << 3), t);
        }
      }
      let ld: f64 = 0;
      for (let i = 0; i < m; i++) ld += Math.log(f(L, i * m + i));
      store<f64>(S + (<usize>(q * q) << 3), ld);
      if (covOut) memory.copy(covOut + <usize>k * (<usize>(q * q) << 3), S, <usize>(q * q) << 3);
    }
    return -1;
  }
  for (let k = 0; k < K; k++) {
    const L = factors + <usize>k * size;
    const S = L + (<usize>m << 3);
    const row = type == DIAG ? cov + (<usize>(k * d) << 3) : 0;
    const v = type == DIAG ? 0.0 : f(cov, k);
    let ld: f64 = 0;
    for (let i = 0; i < m; i++) {
      const s = type == DIAG ? f(row, idx(gIdx, i)) : v;
      if (!(s > 0.0) || !(s < Infinity)) return k;
      const l = Math.sqrt(s);
      store<f64>(L + (<usize>i << 3), l);
      ld += Math.log(l);
    }
    for (let j = 0; j < q; j++) {
      const s = type == DIAG ? f(row, idx(rIdx, j)) : v;
      store<f64>(S + (<usize>j << 3), s);
      if (covOut && type == DIAG) store<f64>(covOut + (<usize>(k * q + j) << 3), s);
    }
    if (covOut && type != DIAG) store<f64>(covOut + (<usize>k << 3), v);
    store<f64>(S + (<usize>q << 3), ld);
  }
  return -1;
}

/**
 * For n rows of given values x (n×m) under the factors of conditionFactors: any of
 *   respOut      n×K     wₖ(x), normalised by log-sum-exp
 *   compMeansOut n×K×q   mₖ(x)
 *   meanOut      n×q     m(x) = Σₖ wₖ mₖ
 *   covOut       n×q×q   Σₖ wₖ Sₖ + Σₖ wₖ (mₖ − m)(mₖ − m)ᵀ  (moment-matched, centred form)
 * (0 to skip). A row whose every weight underflows (x beyond double range from every
 * component) gets weights 1/K. Components of weight exactly 0 add nothing to m and the
 * covariance (their mₖ may overflow). scratch: conditionScratchSize(K, m, q) f64.
 */
export function conditionRows(
  x: usize, n: i32, type: i32, K: i32, d: i32, m: i32, q: i32,
  weights: usize, means: usize, gIdx: usize, rIdx: usize, factors: usize,
  respOut: usize, compMeansOut: usize, meanOut: usize, covOut: usize, scratch: usize
): void {
  assert(n > 0 && K > 0 && m > 0 && q > 0 && m + q == d, 'conditionRows: bad sizes');
  const full = type == FULL || type == TIED;
  const size = <usize>setSize(type, m, q) << 3;
  const ldAt = full ? m * m + m * q + q * q : m + q;
  const sAt = <usize>(full ? m * m + m * q : m) << 3;
  const z = scratch;
  const lp = z + (<usize>m << 3);
  const lc = lp + (<usize>K << 3);
  const cmBuf = lc + (<usize>K << 3);
  const mean = cmBuf + (<usize>(K * q) << 3);
  const dev = mean + (<usize>q << 3);
  // once per call: log πₖ − Σ log Lᵢᵢ (the −½ m log 2π of every term cancels)
  for (let k = 0; k < K; k++) {
    const L = factors + (type == TIED ? 0 : <usize>k * size);
    store<f64>(lc + (<usize>k << 3), Math.log(f(weights, k)) - f(L, ldAt));
  }
  for (let row = 0; row < n; row++) {
    const xr = x + (<usize>(row * m) << 3);
    const cm = compMeansOut ? compMeansOut + (<usize>(row * K * q) << 3) : cmBuf;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      const L = factors + (type == TIED ? 0 : <usize>k * size);
      const mk = means + (<usize>(k * d) << 3);
      let quad: f64 = 0;
      for (let a = 0; a < m; a++) {
        let t = f(xr, a) - f(mk, idx(gIdx, a));
        let za: f64;
        if (full) {
          const la = L + (<usize>(a * m) << 3);
          for (let l = 0; l < a; l++) t -= f(la, l) * f(z, l);
          za = t / f(la, a);
        } else {
          za = t / f(L, a);
        }
        store<f64>(z + (<usize>a << 3), za);
        quad += za * za;
      }
      const v = f(lc, k) - 0.5 * quad;
      store<f64>(lp + (<usize>k << 3), v);
      if (v > mx) mx = v;
      const ck = cm + (<usize>(k * q) << 3);
      if (full) {
        const W = L + (<usize>(m * m) << 3);
        for (let j = 0; j < q; j++) {
          let t = f(mk, idx(rIdx, j));
          for (let a = 0; a < m; a++) t += f(W, a * q + j) * f(z, a);
          store<f64>(ck + (<usize>j << 3), t);
        }
      } else {
        for (let j = 0; j < q; j++) store<f64>(ck + (<usize>j << 3), f(mk, idx(rIdx, j)));
      }
    }
    // log-sum-exp normalisation of the weights. Where every component's density underflows
    // (a squared distance beyond double range) the weights are undefined: NaN, which the
    // wrapper reports as NUMERICAL, rather than a uniform 1/K that would look like an answer
    if (mx == -Infinity || isNaN(mx)) {
      for (let k = 0; k < K; k++) store<f64>(lp + (<usize>k << 3), NaN);
    } else {
      let s: f64 = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(f(lp, k) - mx);
        store<f64>(lp + (<usize>k << 3), e);
        s += e;
      }
      const inv = 1.0 / s;
      for (let k = 0; k < K; k++) store<f64>(lp + (<usize>k << 3), f(lp, k) * inv);
    }
    if (respOut) memory.copy(respOut + (<usize>(row * K) << 3), lp, <usize>K << 3);
    if (!meanOut && !covOut) continue;
    memory.fill(mean, 0, <usize>q << 3);
    for (let k = 0; k < K; k++) {
      const w = f(lp, k);
      if (w != 0) accumulate(mean, 0, cm + (<usize>(k * q) << 3), 0, q, w, 1.0);
    }
    if (meanOut) memory.copy(meanOut + (<usize>(row * q) << 3), mean, <usize>q << 3);
    if (!covOut) continue;
    // upper triangle, component by component (contiguous rows), then mirrored
    const out = covOut + (<usize>(row * q * q) << 3);
    memory.fill(out, 0, <usize>(q * q) << 3);
    for (let k = 0; k < K; k++) {
      const w = f(lp, k);
      if (w == 0) continue;
      const S = factors + (type == TIED ? 0 : <usize>k * size) + sAt;
      const ck = cm + (<usize>(k * q) << 3);
      for (let j = 0; j < q; j++) store<f64>(dev + (<usize>j << 3), f(ck, j) - f(mean, j));
      for (let a = 0; a < q; a++) {
        const da = f(dev, a);
        const o = out + (<usize>(a * q) << 3);
        if (full) {
          accumulate(o, S + (<usize>(a * q) << 3), dev, a, q, w, da);
        } else {
          store<f64>(o + (<usize>a << 3), f(o, a) + w * (f(S, a) + da * da));
          accumulate(o, 0, dev, a + 1, q, w, da);
        }
      }
    }
    for (let a = 1; a < q; a++) for (let b = 0; b < a; b++) store<f64>(out + (<usize>(a * q + b) << 3), f(out, b * q + a));
  }
}
