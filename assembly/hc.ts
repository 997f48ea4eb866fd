// mclust's start: model-based agglomerative hierarchical clustering under the VVV model
// (Fraley 1998, "Algorithms for model-based Gaussian hierarchical clustering"), on the
// data transformed as by mclust's hcUse (Mclust()'s "SVD", or another). A port of mclust's
// Fortran (hcvvv and its helpers, mclust 6), kept operation for operation where the order
// decides which pair merges: the scan orders, `≤` keeping the last of equal costs, the slot
// moves of wardsw, the triangular factors' storage in the rows of x (including where mclust
// writes a merged group's first factor row into every stored row: its later costs depend on
// that).
//
// Merging groups i and j (nᵢ, nⱼ rows, scatter Wᵢⱼ = Wᵢ + Wⱼ + nᵢnⱼ/(nᵢ+nⱼ)·ΔΔᵀ, its
// Cholesky factor updated by Givens rotations) costs
//   tᵢⱼ − tᵢ − tⱼ,  t = n·log(det(W/n) + β(tr W + α)/n)   (vvvTerm; det from the factor;
// n·log(β(tr W + α)/n) while n ≤ p), α = traceW(Z/√(np)), β = 1; the cheapest pair merges,
// n − 1 times.
//
// Sizes: z n × p row-major (the transformed data, p ≤ n − 1); the work area hcWorkSize;
// pairs out 2(n − 1) i32, the labels merged at each step (1-based, smaller first, as hc()).

// ---- the transforms (hc(use = ...); "SVD": standardise, then Z = Xs·V·diag(σ^(−½)) = U·diag(σ^½),
// where Xs = U·diag(σ)·Vᵀ). The SVD by one-sided Jacobi rotations of Xs's columns (Hestenes):
// each rotation makes a pair of columns orthogonal, until every pair is (to rounding) or 64
// sweeps; the columns are then U·diag(σ), their norms σ. It works on Xs itself, not XsᵀXs,
// so a small σ keeps its relative accuracy (nearly collinear features, as LAPACK's SVD in R).
// Wide data (n ≤ q; the models that take them) instead: the n × n Gram matrix Xs·Xsᵀ = U·diag(σ²)·Uᵀ by
// Householder and QL (tridiagonal.ts), p = n columns, a σ² at rounding level taken as 0.

import { tridiagonalEigen } from './tridiagonal';
import { FLMAX, mergePairs, putRecord } from './hc-records';

// double's epsilon (mclust's EPSMAX): the floor of α, and the transform's rounding level
export const EPS: f64 = 2.2204460492503131e-16;

/** hc's scale(): x n × d row-major → z n × q row-major, each varying feature centred and,
 *  with scale, divided by its standard deviation (n − 1); a feature whose values are all
 *  equal is dropped (mclust's dropCols drops scale()'s NaN columns). work: 2d f64. Returns q;
 *  0 when every feature is constant; −2 when a feature's spread overflows or underflows. */
function standardise(x: usize, n: i32, d: i32, z: usize, work: usize, scale: bool): i32 {
  const mean = work, sd = mean + (<usize>d << 3);
  let q = 0;
  for (let j = 0; j < d; j++) {
    let s: f64 = 0, lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = load<f64>(x + (<usize>(i * d + j) << 3));
      s += v;
      lo = min(lo, v);
      hi = max(hi, v);
    }
    // the mean, corrected by the mean of the deviations from it (a large offset over a small
    // spread loses digits in the plain sum, where R's scale() sums in long double)
    let m = s / <f64>n, r: f64 = 0;
    for (let i = 0; i < n; i++) r += load<f64>(x + (<usize>(i * d + j) << 3)) - m;
    m += r / <f64>n;
    let ss: f64 = 0;
    for (let i = 0; i < n; i++) {
      const t = load<f64>(x + (<usize>(i * d + j) << 3)) - m;
      ss += t * t;
    }
    const kept = lo < hi;
    if (kept && !(ss > 0 && ss < Infinity)) return -2;
    store<f64>(mean + (<usize>j << 3), m);
    store<f64>(sd + (<usize>j << 3), kept ? Math.sqrt(ss / <f64>(n - 1)) : 0);
    if (kept) q++;
  }
  if (q == 0) return 0;
  // standardised kept columns into z (n × q)
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < d; j++) {
      const sj = load<f64>(sd + (<usize>j << 3));
      if (sj == 0) continue;
      const v = load<f64>(x + (<usize>(i * d + j) << 3)) - load<f64>(mean + (<usize>j << 3));
      store<f64>(z + (<usize>(i * q + c) << 3), scale ? v / sj : v);
      c++;
    }
  }
  return q;
}

/** One-sided Jacobi rotations (Hestenes) of the k vectors of length m at v + i·si + j·sj
 *  (vector i, entry j) until every pair is orthogonal (to rounding) or 64 sweeps. */
function jacobi(v: usize, k: i32, m: i32, si: usize, sj: usize): void {
  for (let sweep = 0; sweep < 64; sweep++) {
    let rotated = false;
    for (let j = 0; j < k - 1; j++) {
      for (let l = j + 1; l < k; l++) {
        let a: f64 = 0, b: f64 = 0, g: f64 = 0;
        for (let i = 0; i < m; i++) {
          const u = load<f64>(v + <usize>j * si + <usize>i * sj), w = load<f64>(v + <usize>l * si + <usize>i * sj);
          a += u * u; b += w * w; g += u * w;
        }
        if (!(Math.abs(g) > EPS * Math.sqrt(a * b))) continue;
        rotated = true;
        const zeta = (b - a) / (2 * g);
        const t = (zeta >= 0 ? 1.0 : -1.0) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), sn = c * t;
        for (let i = 0; i < m; i++) {
          const pu = v + <usize>j * si + <usize>i * sj, pv = v + <usize>l * si + <usize>i * sj;
          const u = load<f64>(pu), w = load<f64>(pv);
          store<f64>(pu, c * u - sn * w);
          store<f64>(pv, sn * u + c * w);
        }
      }
    }
    if (!rotated) break;
  }
}

/** hc()'s transforms of the data (mclust's hcUse), codes of hcTransform's `use`:
 *  SVD (Mclust()'s default) standardised, rotated to its principal axes, each scaled by
 *  σ^(−½); VARS the data as given; STD standardised; PCR standardised and rotated; PCS
 *  centred and rotated; SPH centred, rotated and sphered (each axis to variance 1, divisor n:
 *  √n·U). Rotations and scalings are the SVD's, X = U·diag(σ)·Vᵀ, Z = X·V·diag(f(σ)). */
const USE_SVD: i32 = 0, USE_VARS: i32 = 1, USE_STD: i32 = 2, USE_PCR: i32 = 3, USE_PCS: i32 = 4, USE_SPH: i32 = 5;

/**
 * hc(use = ...): x n × d row-major → z n × p row-major. Constant features (all values equal)
 * are dropped, as mclust's dropCols drops scale()'s NaN columns, except under VARS, which
 * keeps every column (p = d), and PCS (p = min(n, d), a constant feature a column of zeros);
 * q the varying features: STD p = q; the other rotations p = min(n, q), columns by σ
 * descending. work: 3d f64, and with n ≤ q (wide data) another n² + n. Returns
 * p; 0 when every feature is constant; −2 when a feature's spread overflows or underflows
 * double precision. Where the model takes no wide data (wide 0: VVV) also −3 when n ≤ p
 * (mclust's hcVVV needs more rows than features), and −1 under SVD and SPH when the features
 * are collinear (a σ at the rounding level of the largest: a direction of no spread, which
 * their scaling would blow up); for the others (wide 1: EII, VII, EEE, E, V) such a
 * direction's column is 0 (mclust's holds noise at rounding level). With n ≤ q the
 * rotations' SVD comes from the n × n Gram matrix of the rows.
 */
export function hcTransform(x: usize, n: i32, d: i32, z: usize, work: usize, wide: i32, use: i32): i32 {
  const sigma = work + (<usize>(2 * d) << 3);
  const q = standardise(x, n, d, z, work, use != USE_PCS && use != USE_SPH);
  if (q <= 0) return q;
  if (use == USE_VARS) {
    if (n <= d && !wide) return -3;
    memory.copy(z, x, <usize>(n * d) << 3);
    return d;
  }
  if (n <= q && !wide) return -3;
  if (use == USE_STD) return q;
  let p = q;
  if (n <= q) {
    // Xs = U·diag(σ)·Vᵀ from the n × n Gram matrix Xs·Xsᵀ = U·diag(σ²)·Uᵀ (tridiagonal.ts): its
    // q-long rows make it cheaper than rotating them when q ≫ n; a σ² below rounding (centred
    // data have one) is 0. z becomes U·diag(σ) (n × n), as the column rotations below leave it
    const gram = sigma + (<usize>n << 3), e = gram + (<usize>(n * n) << 3);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s: f64 = 0;
        for (let k = 0; k < q; k++) s += load<f64>(z + (<usize>(i * q + k) << 3)) * load<f64>(z + (<usize>(j * q + k) << 3));
        store<f64>(gram + (<usize>(i * n + j) << 3), s);
        store<f64>(gram + (<usize>(j * n + i) << 3), s);
      }
    }
    tridiagonalEigen(gram, n, sigma, e);
    // σ² within the eigenvalues' rounding (about n·eps of the largest) is 0: its square root
    // would lift that rounding to a σ of √eps relative size
    let big: f64 = 0;
    for (let k = 0; k < n; k++) big = max(big, load<f64>(sigma + (<usize>k << 3)));
    for (let k = 0; k < n; k++) {
      const s2 = load<f64>(sigma + (<usize>k << 3));
      store<f64>(sigma + (<usize>k << 3), s2 > big * 16 * <f64>n * EPS ? Math.sqrt(s2) : 0.0);
    }
    // eigenvector k is row k of gram: U[i][k]
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) store<f64>(z + (<usize>(i * n + k) << 3), load<f64>(gram + (<usize>(k * n + i) << 3)) * load<f64>(sigma + (<usize>k << 3)));
    }
    p = n;
  } else {
    // the columns of Xs rotated to U·diag(σ) (they work on Xs itself, not XsᵀXs, so a small σ
    // keeps its relative accuracy: nearly collinear features, as LAPACK's SVD in R)
    jacobi(z, q, n, 8, <usize>q << 3);
  }
  let top: f64 = 0;
  for (let j = 0; j < p; j++) {
    let a: f64 = 0;
    for (let i = 0; i < n; i++) { const u = load<f64>(z + (<usize>(i * p + j) << 3)); a += u * u; }
    const sg = Math.sqrt(a);
    store<f64>(sigma + (<usize>j << 3), sg);
    top = max(top, sg);
  }
  // a σ at rounding level of the largest (the entries' rounding, about q·eps of it) is a
  // direction of no spread, which a scaling by 1/σ would blow up from noise
  const floor = top * 16 * <f64>q * EPS;
  const scaled = use == USE_SVD || use == USE_SPH;
  if (!wide && scaled) for (let j = 0; j < p; j++) if (!(load<f64>(sigma + (<usize>j << 3)) > floor)) return -1;
  // columns by σ descending (a selection sort of p columns), then scaled: SVD σ^(−½), SPH √n/σ
  for (let j = 0; j < p; j++) {
    let at = j;
    for (let k = j + 1; k < p; k++) if (load<f64>(sigma + (<usize>k << 3)) > load<f64>(sigma + (<usize>at << 3))) at = k;
    if (at != j) {
      const t = load<f64>(sigma + (<usize>j << 3));
      store<f64>(sigma + (<usize>j << 3), load<f64>(sigma + (<usize>at << 3)));
      store<f64>(sigma + (<usize>at << 3), t);
      for (let i = 0; i < n; i++) {
        const pu = z + (<usize>(i * p + j) << 3), pv = z + (<usize>(i * p + at) << 3);
        const u = load<f64>(pu);
        store<f64>(pu, load<f64>(pv));
        store<f64>(pv, u);
      }
    }
    if (!scaled) continue;
    const sg = load<f64>(sigma + (<usize>j << 3));
    const f = !(sg > floor) ? 0.0 : use == USE_SVD ? 1 / Math.sqrt(sg) : Math.sqrt(<f64>n) / sg;
    for (let i = 0; i < n; i++) { const pu = z + (<usize>(i * p + j) << 3); store<f64>(pu, load<f64>(pu) * f); }
  }
  // PCS drops no feature before its SVD, so a constant one (centred: 0) is a last column of
  // zeros, as R's: rows widened in place from the last
  const cols = min(n, d);
  if (use == USE_PCS && p < cols) {
    for (let i = n - 1; i >= 0; i--) {
      memory.copy(z + (<usize>(i * cols) << 3), z + (<usize>(i * p) << 3), <usize>p << 3);
      memory.fill(z + (<usize>(i * cols + p) << 3), 0, <usize>(cols - p) << 3);
    }
    p = cols;
    if (!wide && n <= p) return -3;
  }
  return p;
}

// ---- the agglomeration (mclust's hcvvv with every row its own group, as Mclust() calls it)

const RTHALF: f64 = 0.7071067811865476;

// the state of one run; the Fortran's arrays, 1-based through the accessors below
let N: i32 = 0, P: i32 = 0;
let X: usize = 0; // n × (p + 1), column-major (mclust's x, its last column the traces/terms)
let U: usize = 0, S: usize = 0, R: usize = 0, V: usize = 0; // p × p column-major; p
let D: usize = 0; // the packed pair costs, then the merge records
let IC: usize = 0; // n i32: group pointers
let CM: usize = 0, CA: usize = 0; // per column j of the packed costs: its least (f64), its last row holding it (i32)
let ALPHA: f64 = 0, BETA: f64 = 1, ABLOG: f64 = 0;
let CS: f64 = 0, SN: f64 = 0; // rotg's outputs

// @ts-ignore: decorator
@inline function xa(i: i32, j: i32): usize { return X + (<usize>((j - 1) * N + i - 1) << 3); }
// @ts-ignore: decorator
@inline function ma(m: usize, i: i32, j: i32): usize { return m + (<usize>((j - 1) * P + i - 1) << 3); }
// @ts-ignore: decorator
@inline function ic(i: i32): i32 { return load<i32>(IC + (<usize>(i - 1) << 2)); }
// @ts-ignore: decorator
@inline function setIc(i: i32, v: i32): void { store<i32>(IC + (<usize>(i - 1) << 2), v); }
// @ts-ignore: decorator
@inline function dAt(i: i32): f64 { return load<f64>(D + (<usize>(i - 1) << 3)); }
// @ts-ignore: decorator
@inline function colMin(j: i32): f64 { return load<f64>(CM + (<usize>j << 3)); }
// @ts-ignore: decorator
@inline function colArg(j: i32): i32 { return load<i32>(CA + (<usize>j << 2)); }
// @ts-ignore: decorator
@inline function setD(i: i32, v: f64): void { store<f64>(D + (<usize>(i - 1) << 3), v); }

// BLAS level 1, strides in elements; a source stride of 0 repeats its one value (shared with
// hc-eee.ts, as mclust's agglomerations share them)
export function copy(n: i32, x: usize, incx: i32, y: usize, incy: i32): void {
  for (let k = 0; k < n; k++) store<f64>(y + (<usize>(k * incy) << 3), load<f64>(x + (<usize>(k * incx) << 3)));
}
function zero(n: i32, y: usize): void { memory.fill(y, 0, <usize>n << 3); }
export function scal(n: i32, a: f64, x: usize, inc: i32): void {
  for (let k = 0; k < n; k++) { const p = x + (<usize>(k * inc) << 3); store<f64>(p, a * load<f64>(p)); }
}
export function axpy(n: i32, a: f64, x: usize, incx: i32, y: usize, incy: i32): void {
  for (let k = 0; k < n; k++) {
    const p = y + (<usize>(k * incy) << 3);
    store<f64>(p, load<f64>(p) + a * load<f64>(x + (<usize>(k * incx) << 3)));
  }
}
export function dot(n: i32, x: usize, incx: i32, y: usize, incy: i32): f64 {
  let s: f64 = 0;
  for (let k = 0; k < n; k++) s += load<f64>(x + (<usize>(k * incx) << 3)) * load<f64>(y + (<usize>(k * incy) << 3));
  return s;
}
/** The Givens rotation zeroing b against a (reference BLAS drotg): a ← r, b ← z. */
function rotg(pa: usize, pb: usize): void {
  const a = load<f64>(pa), b = load<f64>(pb);
  const roe = Math.abs(a) > Math.abs(b) ? a : b;
  const scale = Math.abs(a) + Math.abs(b);
  if (scale == 0) {
    CS = 1; SN = 0;
    store<f64>(pa, 0); store<f64>(pb, 0);
    return;
  }
  const as = a / scale, bs = b / scale;
  let r = scale * Math.sqrt(as * as + bs * bs);
  if (roe < 0) r = -r;
  CS = a / r; SN = b / r;
  let z: f64 = 1;
  if (Math.abs(a) > Math.abs(b)) z = SN;
  if (Math.abs(b) >= Math.abs(a) && CS != 0) z = 1 / CS;
  store<f64>(pa, r); store<f64>(pb, z);
}
function rot(n: i32, x: usize, incx: i32, y: usize, incy: i32, c: f64, s: f64): void {
  for (let k = 0; k < n; k++) {
    const px = x + (<usize>(k * incx) << 3), py = y + (<usize>(k * incy) << 3);
    const a = load<f64>(px), b = load<f64>(py);
    store<f64>(px, c * a + s * b);
    store<f64>(py, c * b - s * a);
  }
}

// @ts-ignore: decorator
@inline function el(r: usize, lr: i32, i: i32, j: i32): usize { return r + (<usize>((j - 1) * lr + i - 1) << 3); }

/** mclrup: row v (n long) joins the l − 1 rows of the triangular factor r (leading
 *  dimension lr) by Givens rotations. */
export function rankOneUpdate(l: i32, n: i32, v: usize, r: usize, lr: i32): void {
  if (l == 1) return;
  const k = l - 1;
  if (k <= n) {
    copy(n, v, 1, el(r, lr, k, 1), lr);
    if (k == 1) return;
    if (n > 1) {
      let i = 1, m = n;
      for (let j = 2; j <= k; j++) {
        rotg(el(r, lr, i, i), el(r, lr, k, i));
        m--;
        rot(m, el(r, lr, i, j), lr, el(r, lr, k, j), lr, CS, SN);
        i = j;
      }
    } else {
      rotg(el(r, lr, 1, 1), el(r, lr, k, 1));
    }
  } else {
    if (n > 1) {
      let i = 1, m = n;
      for (let j = 2; j <= n; j++) {
        rotg(el(r, lr, i, i), v + (<usize>(i - 1) << 3));
        m--;
        rot(m, el(r, lr, i, j), lr, v + (<usize>(j - 1) << 3), 1, CS, SN);
        i = j;
      }
    }
    rotg(el(r, lr, n, n), v + (<usize>(n - 1) << 3));
  }
}

/** V ← a·x(i, ·) − b·x(j, ·), as mclust's dcopy, dscal, daxpy round it. */
function scaledDifference(i: i32, a: f64, j: i32, b: f64): void {
  copy(P, xa(i, 1), N, V, 1);
  scal(P, a, V, 1);
  axpy(P, -b, xa(j, 1), N, V, 1);
}

/** V ← (x(i, ·) − x(j, ·))·√½: two singletons' difference, as mclust rounds it. */
function singletonDifference(i: i32, j: i32): void {
  copy(P, xa(i, 1), N, V, 1);
  axpy(P, -1, xa(j, 1), N, V, 1);
  scal(P, RTHALF, V, 1);
}

/** Group g's stored factor rows into `into` (p × p), walking its chain; its size. */
function loadFactor(g: i32, into: usize): i32 {
  let m = P, r = 1, l = ic(g);
  do {
    copy(m, xa(l, r), N, ma(into, r, r), P);
    r++; m--;
    l = ic(l);
  } while (l <= N);
  return l - N;
}

/** Group g's stored factor rows joined into the factor at `into` one by one (rankOneUpdate,
 *  its row count from k0: mclust's loops 310 and 410 raise it a row, loop 630 does not);
 *  the group's size. */
function foldFactor(g: i32, into: usize, k0: i32, grow: bool): i32 {
  let m = P, r = 1, k = k0, l = ic(g);
  do {
    copy(m, xa(l, r), N, V, 1);
    rankOneUpdate(k, m, V, ma(into, r, r), P);
    if (grow) k++;
    r++; m--;
    l = ic(l);
  } while (l <= N);
  return l - N;
}

/** det2mc: log |det (s·r)|² of the p × p triangular factor r (column-major), or −FLMAX for a
 *  zero pivot; with s = 1 mclust's detmc2 (hc-eee.ts), the same operations. */
export function logDetSquared(r: usize, p: i32, s: f64): f64 {
  let det: f64 = 0;
  for (let k = 1; k <= p; k++) {
    const q = load<f64>(r + (<usize>((k - 1) * p + k - 1) << 3)) * s;
    if (Math.abs(q) <= 0) return -FLMAX;
    det += Math.log(Math.abs(q));
  }
  return 2 * det;
}

/** vvvtij: the term of a group of l rows with factor r (scaled by s) and scatter trace trac. */
function vvvTerm(l: i32, r: usize, s: f64, trac: f64): f64 {
  const fl = <f64>l;
  let t: f64;
  if (l <= P) {
    t = Math.log(BETA * (trac + ALPHA) / fl);
  } else if (trac == 0) {
    t = Math.log((ALPHA * BETA) / fl);
  } else {
    const det = logDetSquared(r, P, s);
    if (det == -FLMAX) t = Math.log(BETA * (trac + ALPHA) / fl);
    else if (det <= 0) t = Math.log(Math.exp(det) + BETA * (trac + ALPHA) / fl);
    else t = Math.log(1 + Math.exp(-det) * (BETA * (trac + ALPHA) / fl)) + det;
  }
  return fl * t;
}

/** wardsw: group i's costs trade places with group n's in the packed triangle d (and
 *  the column minima follow: column i anew, row i of the columns after it). */
function swapCosts(i: i32, n: i32): void {
  const i1 = i - 1, n1 = n - 1;
  let ii = (i1 * (i1 - 1)) / 2 + 1, nn = (n1 * (n1 - 1)) / 2 + 1;
  for (let k = 0; k < i1; k++) {
    const t = dAt(ii + k); setD(ii + k, dAt(nn + k)); setD(nn + k, t);
  }
  scanColumn(i);
  ii = ii + i1 + i1;
  nn = nn + i;
  if (n1 == i) return;
  let k = i;
  do {
    const t = dAt(ii); setD(ii, dAt(nn)); setD(nn, t);
    costChanged(k + 1, i, dAt(ii));
    ii += k; nn += 1; k += 1;
  } while (k < n1);
}

// The search for the cheapest pair keeps each column's least cost and its last row, so a
// merge rescans only the columns whose least it raised, not all n²/2 costs (the O(n³) part
// of mclust's loop). The same pair as mclust's scan: the last of equal costs in packed
// order is the last column holding the least, at its last row there.

/** Column j's least cost over rows 1 … j − 1, and the last row holding it, anew (NaN never least). */
function scanColumn(j: i32): void {
  const base = ((j - 1) * (j - 2)) / 2;
  let best = Infinity, at = 0;
  for (let i = 1; i < j; i++) {
    const c = dAt(base + i);
    if (c <= best) { best = c; at = i; }
  }
  store<f64>(CM + (<usize>j << 3), best);
  store<i32>(CA + (<usize>j << 2), at);
}

/** Column j's cost at row r has just become v. */
function costChanged(j: i32, r: i32, v: f64): void {
  const m = colMin(j), a = colArg(j);
  if (v < m) {
    store<f64>(CM + (<usize>j << 3), v);
    store<i32>(CA + (<usize>j << 2), r);
  } else if (v == m) {
    if (r > a) store<i32>(CA + (<usize>j << 2), r);
  } else if (a == r) {
    scanColumn(j); // its least rose (or became NaN)
  }
}

/** traceW (mcltrw) of x's rows (n × p column-major) scaled by 1/√(np): α for β = 1, as
 *  mclust's hcVVV and hcVII take it (alpha · traceW(data/sqrt(n*p))). v: p f64 of work. */
export function traceW(x: usize, n: i32, p: i32, v: usize): f64 {
  const fac = 1 / Math.sqrt(<f64>n);
  const sc = Math.sqrt(<f64>n * <f64>p);
  zero(p, v);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) {
    const at = v + (<usize>j << 3);
    store<f64>(at, load<f64>(at) + fac * (load<f64>(x + (<usize>(j * n + i) << 3)) / sc));
  }
  let ss: f64 = 0;
  for (let j = 0; j < p; j++) {
    const u = load<f64>(v + (<usize>j << 3));
    let col: f64 = 0;
    for (let i = 0; i < n; i++) {
      const t = load<f64>(x + (<usize>(j * n + i) << 3)) / sc + -fac * u;
      col += t * t;
    }
    ss += col;
  }
  return ss;
}

/** f64 of the merge records and pair costs (mclust's ld; in f64: from 46,342 rows n(n − 1)
 *  overflows i32, and the caller's reserve refuses the size as TOO_LARGE first). */
function ndOf(n: i32): f64 { return max(max(<f64>n, <f64>n * <f64>(n - 1) / 2 + 1), 3 * <f64>(n - 1)); }

/** Work (f64) the agglomeration needs for n rows of p features. */
export function hcWorkSize(n: i32, p: i32): f64 {
  return <f64>n * <f64>(p + 1) + 3 * <f64>p * <f64>p + <f64>p + ndOf(n) + <f64>((n + 1) >> 1) + <f64>(n + 1) + <f64>((n + 2) >> 1);
}

// mclust's locals that live from one merge to the next: groups left (lg), packed costs (ld),
// the next merge record (lo), merges done (ls), and the cheapest pair with its sizes, scales,
// trace and term
let lg = 0, ld = 0, lo = 0, ls = 0, iopt = 0, jopt = 0, niop = 0, njop = 0, nopt = 0;
let dopt: f64 = 0, trop: f64 = 0, tmop: f64 = 0, siop: f64 = 0, sjop: f64 = 0;

/**
 * mclust's hcVVV(Z) from singletons, in three calls: hcBegin (z n × p row-major, n > p ≥ 1;
 * work hcWorkSize f64, 8-byte aligned) costs every pair of rows and returns whether merges
 * remain for hcMerge, which makes one a call and returns whether more remain; then
 * hcPairs writes the n − 1 merges (2(n − 1) i32). One call a merge, rather than one long
 * call, lets V8 run the merges in optimised code after the first few (a loop inside a single
 * call would run in baseline code to its end: 3× slower).
 */
export function hcBegin(z: usize, n: i32, p: i32, work: usize): i32 {
  N = n; P = p;
  const nd = <i32>ndOf(n);
  X = work;
  U = X + (<usize>(n * (p + 1)) << 3);
  S = U + (<usize>(p * p) << 3);
  R = S + (<usize>(p * p) << 3);
  V = R + (<usize>(p * p) << 3);
  D = V + (<usize>p << 3);
  IC = D + (<usize>nd << 3);
  CM = IC + (<usize>((n + 1) >> 1) << 3);
  CA = CM + (<usize>(n + 1) << 3);
  for (let i = 1; i <= n; i++) for (let j = 1; j <= p; j++) store<f64>(xa(i, j), load<f64>(z + (<usize>((i - 1) * p + j - 1) << 3)));
  for (let i = 1; i <= n; i++) store<f64>(xa(i, p + 1), 0);
  zero(nd, D);
  zero(p * p, U); zero(p * p, S); zero(p * p, R);
  if (n < 2) return 0;

  BETA = 1;
  ALPHA = max(traceW(X, N, P, V), EPS);
  ABLOG = Math.log(BETA * ALPHA);
  const ng = n;
  lg = ng; ld = (ng * (ng - 1)) / 2; lo = nd; ls = 1;
  iopt = 0; jopt = 0; niop = 0; njop = 0; nopt = 0;
  dopt = FLMAX; trop = 0; tmop = 0; siop = 0; sjop = 0;
  let trcij: f64 = 0, trmij: f64 = 0, dij: f64 = 0, ij = 0;

  // every row a singleton: ic(k) = 1
  for (let q = 1; q <= ng; q++) setIc(q, 1);

  // the costs of all pairs of singletons, and the cheapest
  ij = 0;
  for (let j = 2; j <= ng; j++) {
    for (let i = 1; i < j; i++) {
      singletonDifference(i, j);
      trcij = dot(p, V, 1, V, 1);
      copy(p, V, 1, U, p);
      trmij = 2 * Math.log(BETA * (trcij + ALPHA) / 2);
      dij = trmij - (ABLOG + ABLOG);
      ij++;
      setD(ij, dij);
      if (dij <= dopt) {
        dopt = dij; trop = trcij; tmop = trmij; nopt = 2; niop = 1; njop = 1;
        siop = RTHALF; sjop = RTHALF; iopt = i; jopt = j;
        copy(p, ma(U, 1, 1), P, ma(R, 1, 1), P); // min(nij − 1, p) = 1 row
      }
    }
  }

  for (let j = 2; j <= ng; j++) scanColumn(j);
  return n > 2 ? 1 : 0;
}

/** One merge of hcVVV (hcBegin): returns whether more remain. */
export function hcMerge(): i32 {
  const n = N, p = P, ns = N - 1;
  let si: f64 = 0, sj: f64 = 0, sij: f64 = 0, ri: f64 = 0, rj: f64 = 0;
  let trcij: f64 = 0, trmij: f64 = 0, traci: f64 = 0, tracj: f64 = 0, termi: f64 = 0, termj: f64 = 0, dij: f64 = 0;
  let ni = 0, nj = 0, nij = 0, m = 0, l = 0, k = 0, ij = 0, icj = 0, ici = 0;
  // merge jopt into iopt; the last group moves into jopt's slot
  scaledDifference(iopt, siop, jopt, -sjop);
  if (jopt != lg) {
    swapCosts(jopt, lg);
    copy(p, xa(lg, 1), n, xa(jopt, 1), n);
    m = ic(jopt);
    icj = ic(lg);
    if (icj != 1) store<f64>(xa(jopt, p + 1), load<f64>(xa(lg, p + 1)));
    setIc(jopt, icj);
    setIc(lg, m);
  }
  if (niop == 1) {
    setIc(iopt, lg);
  } else {
    l = ic(iopt);
    for (k = 1; k <= min(niop - 1, p); k++) { m = l; l = ic(l); }
    setIc(m, lg);
  }
  l = ic(iopt);
  for (k = 1; k <= min(nopt - 1, p); k++) {
    copy(p, ma(R, 1, 1), P, xa(l, 1), n); // the factor's first row, as mclust stores it
    m = l;
    l = ic(l);
  }
  setIc(m, nopt + n);
  store<f64>(xa(iopt, p + 1), 0);
  if (nopt >= 2) {
    store<f64>(xa(iopt, p + 1), trop);
    store<f64>(xa(ic(iopt), p + 1), tmop);
  }
  copy(p, V, 1, xa(iopt, 1), n);

  putRecord(D, lo, dopt, iopt, jopt);
  lo -= 3;
  lg--;
  ld -= lg;

  const iold = iopt;
  dopt = FLMAX;
  ni = nopt;
  ri = <f64>ni;
  termi = tmop;
  traci = trop;

  // the merged group's costs against every other group
  ij = ((iold - 1) * (iold - 2)) / 2;
  let i = 0;
  for (let j = 1; j <= lg; j++) {
    if (j == iold) {
      i = iold;
      ij += i;
      continue;
    }
    zero(p * p, U);
    // R's first min(ni − 1, p) rows (from their diagonals) into U: by columns, whose entries
    // are contiguous, where mclust copies by rows (the same entries)
    const rows = min(ni - 1, p);
    for (k = 1; k <= p; k++) memory.copy(ma(U, 1, k), ma(R, 1, k), <usize>min(k, rows) << 3);
    nj = 1;
    icj = ic(j);
    if (icj == 1) {
      nij = ni + 1;
      const qij = 1 / <f64>nij, qi = ri * qij;
      si = Math.sqrt(qi); sj = Math.sqrt(qij); sij = sj;
      scaledDifference(j, si, iold, sj);
      trcij = traci + dot(p, V, 1, V, 1);
      termj = ABLOG;
    } else {
      nj = foldFactor(j, U, ni + 1, true);
      tracj = load<f64>(xa(j, p + 1));
      termj = load<f64>(xa(ic(j), p + 1));
      rj = <f64>nj;
      nij = ni + nj;
      const qij = 1 / <f64>nij, qi = ri * qij, qj = rj * qij;
      si = Math.sqrt(qi); sj = Math.sqrt(qj); sij = Math.sqrt(qij);
      scaledDifference(j, si, iold, sj);
      trcij = (traci + tracj) + dot(p, V, 1, V, 1);
    }
    rankOneUpdate(nij, p, V, U, P);
    trmij = vvvTerm(nij, U, sij, trcij);
    dij = trmij - (termi + termj);
    const lower = j < iold;
    if (lower) { ij++; setD(ij, dij); } else { setD(ij, dij); ij += i; i = j; costChanged(j, iold, dij); }
    if (dij <= dopt) {
      dopt = dij; trop = trcij; tmop = trmij; nopt = nij;
      if (lower) { niop = nj; njop = ni; siop = sj; sjop = si; iopt = j; jopt = iold; }
      else { niop = ni; njop = nj; siop = si; sjop = sj; iopt = iold; jopt = j; }
      m = p;
      for (k = 1; k <= min(nij - 1, p); k++) { copy(m, ma(U, k, k), P, ma(S, k, k), P); m--; }
    }
  }

  if (iold >= 2) scanColumn(iold); // its every row was set above
  // the cheapest pair overall (the last of equal costs), by its packed index
  jopt = 2; iopt = 1;
  dopt = dAt(1);
  if (lg == 2) return 0;
  ij = cheapest();
  dopt = dAt(ij);
  for (let q = 2; q <= ij; q++) {
    iopt++;
    if (iopt >= jopt) { jopt++; iopt = 1; }
  }
  zero(p * p, R);

  if (iopt != iold && jopt != iold) {
    // neither is the group just merged: its factor again, into R
    const ii = iopt, jj = jopt;
    nj = 1; icj = ic(jj); ni = 1; ici = ic(ii);
    if (icj == 1) {
      termj = ABLOG;
      if (ici == 1) {
        nij = 2;
        si = RTHALF; sj = RTHALF;
        singletonDifference(ii, jj);
        trcij = dot(p, V, 1, V, 1);
        copy(p, V, 1, R, p);
        termi = ABLOG;
      } else {
        ni = loadFactor(ii, R);
        traci = load<f64>(xa(ii, p + 1));
        termi = load<f64>(xa(ic(ii), p + 1));
        ri = <f64>ni;
        nij = ni + 1;
        const qij = 1 / <f64>nij, qi = ri * qij;
        si = Math.sqrt(qi); sj = Math.sqrt(qij);
        scaledDifference(ii, sj, jj, si);
        trcij = traci + dot(p, V, 1, V, 1);
        rankOneUpdate(nij, p, V, R, P);
      }
    } else {
      nj = loadFactor(jj, R);
      tracj = load<f64>(xa(jj, p + 1));
      termj = load<f64>(xa(ic(jj), p + 1));
      rj = <f64>nj;
      if (ici == 1) {
        nij = nj + 1;
        const qij = 1 / <f64>nij, qj = rj * qij;
        si = Math.sqrt(qij); sj = Math.sqrt(qj);
        scaledDifference(ii, sj, jj, si);
        trcij = tracj + dot(p, V, 1, V, 1);
        termi = ABLOG;
      } else {
        ni = foldFactor(ii, R, nj + 1, false);
        traci = load<f64>(xa(ii, p + 1));
        termi = load<f64>(xa(ic(ii), p + 1));
        ri = <f64>ni;
        nij = ni + nj;
        const qij = 1 / <f64>nij, qi = ri * qij, qj = rj * qij;
        si = Math.sqrt(qi); sj = Math.sqrt(qj);
        scaledDifference(ii, sj, jj, si);
        trcij = (traci + tracj) + dot(p, V, 1, V, 1);
      }
      rankOneUpdate(nij, p, V, R, P);
    }
    trop = trcij;
    tmop = dopt + (termi + termj);
    nopt = nij; niop = ni; njop = nj; siop = si; sjop = sj;
  } else {
    m = p;
    for (k = 1; k <= min(nopt - 1, p); k++) { copy(m, ma(S, k, k), P, ma(R, k, k), P); m--; }
    niop = chainCount(iopt);
    njop = chainCount(jopt);
    nopt = niop + njop;
  }

  ls++;
  return ls == ns ? 0 : 1;

}

/** hcVVV's merges (hcBegin), as hc() gives them: 2(n − 1) i32 labels, pair s merging group
 *  pairs[2s + 1] into pairs[2s] (1-based). */
export function hcPairs(pairs: usize): void {
  mergePairs(D, IC, <i32>ndOf(N), N, lo, dopt, iopt, jopt, pairs);
}

/** The packed index of the cheapest pair of the lg groups, the last of equal costs. */
function cheapest(): i32 {
  let best = Infinity, bj = 0;
  for (let j = 2; j <= lg; j++) {
    const c = colMin(j);
    if (c <= best && colArg(j) > 0) { best = c; bj = j; }
  }
  return bj == 0 ? 1 : ((bj - 1) * (bj - 2)) / 2 + colArg(bj);
}

/** The rows of the group headed at slot g, by walking its chain (1 for a singleton). */
function chainCount(g: i32): i32 {
  let l = ic(g);
  if (l == 1) return 1;
  while (l <= N) l = ic(l);
  return l - N;
}
