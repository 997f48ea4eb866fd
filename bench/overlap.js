// Overlapping Gaussian clusters, the realistic synthetic workloads of bench/run.js (the
// headline table) and of bench/scaling.js: every mean 5–6 from an earlier one and ≥ 5 from
// all others, covariance eigenvalues uniform in [0.25, 1.5], so the clusters overlap in their
// tails and responsibilities are soft (unlike bench/data.js's well-separated clusters).
// Deterministic: the same seed gives the same bytes on every machine (V8's Math.log/cos/sin
// are fdlibm ports).
import { splitmix32 } from './data.js';

const MIN_DIST = 5, MAX_DIST = 6; // every new mean 5–6 from an earlier one, ≥ 5 from all
const EIG_LO = 0.25, EIG_HI = 1.5;

/**
 * xorshift128 (Marsaglia) seeded by splitmix32, uniforms in (0, 1) from 32 bits, normals by
 * Box–Muller (parameters) or the polar method (rows: fillRows). Cheap, and the same numbers
 * on every machine (V8's Math.log/cos/sin are fdlibm ports).
 */
class XorShift {
  constructor(seed) {
    const next = splitmix32(seed);
    this.x = next() | 1; this.y = next(); this.z = next(); this.w = next();
  }

  u32() {
    const t = this.x ^ (this.x << 11);
    this.x = this.y; this.y = this.z; this.z = this.w;
    this.w = (this.w ^ (this.w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return this.w;
  }

  uniform() { return (this.u32() + 0.5) / 4294967296; }

  normal() {
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    return r * Math.cos(2 * Math.PI * this.uniform());
  }
}

/** A random rotation (Gram–Schmidt on a Gaussian matrix), rows orthonormal, d×d row-major. */
function rotation(rng, d) {
  const Q = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) Q[i] = rng.normal();
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      let p = 0;
      for (let k = 0; k < d; k++) p += Q[i * d + k] * Q[j * d + k];
      for (let k = 0; k < d; k++) Q[i * d + k] -= p * Q[j * d + k];
    }
    let s = 0;
    for (let k = 0; k < d; k++) s += Q[i * d + k] ** 2;
    s = Math.sqrt(s);
    for (let k = 0; k < d; k++) Q[i * d + k] /= s;
  }
  return Q;
}

/**
 * The mixture of a workload: K means, each drawn 5–6 from a random earlier one and kept only
 * if it is ≥ 5 from every other (so the nearest neighbour of each is 5–6 away: the clusters
 * overlap in their tails, unlike bench/data.js's well-separated ones), covariances with
 * eigenvalues uniform in [0.25, 1.5] (full: random rotation; diag: per-feature variances),
 * equal weights (tied: one full covariance for all; spherical: one eigenvalue per
 * component). A[k]: the factor with cov = A Aᵀ (x = μ + A z). The explicit start: weights
 * 1/K, the true means moved by N(0, 0.5²) per feature, precisions c⁻¹·I with c the power of
 * two nearest the component's mean variance.
 */
function mixture(spec) {
  const { d, K, type, seed } = spec;
  const rng = new XorShift(seed);
  const means = new Float64Array(K * d);
  const dir = new Float64Array(d);
  for (let k = 1; k < K; k++) {
    for (let tries = 0; ; tries++) {
      if (tries > 100000) throw new Error(`${spec.name}: could not place mean ${k}`);
      const j = Math.floor(rng.uniform() * k);
      let s = 0;
      for (let i = 0; i < d; i++) { dir[i] = rng.normal(); s += dir[i] ** 2; }
      const r = (MIN_DIST + (MAX_DIST - MIN_DIST) * rng.uniform()) / Math.sqrt(s);
      for (let i = 0; i < d; i++) means[k * d + i] = means[j * d + i] + r * dir[i];
      let ok = true;
      for (let m = 0; m < k && ok; m++) {
        let dist = 0;
        for (let i = 0; i < d; i++) dist += (means[k * d + i] - means[m * d + i]) ** 2;
        ok = Math.sqrt(dist) >= MIN_DIST;
      }
      if (ok) break;
    }
  }
  const A = [], meanVar = [];
  for (let k = 0; k < K; k++) {
    if (type === 'tied' && k > 0) { // one covariance for all
      A.push(A[0]);
      meanVar.push(meanVar[0]);
      continue;
    }
    const F = new Float64Array(d * d);
    if (type === 'spherical') {
      const lam = EIG_LO + (EIG_HI - EIG_LO) * rng.uniform();
      meanVar.push(lam);
      for (let i = 0; i < d; i++) F[i * d + i] = Math.sqrt(lam);
      A.push(F);
      continue;
    }
    const lam = Array.from({ length: d }, () => EIG_LO + (EIG_HI - EIG_LO) * rng.uniform());
    meanVar.push(lam.reduce((a, b) => a + b, 0) / d);
    if (type === 'full' || type === 'tied') {
      const Q = rotation(rng, d);
      // cov = Qᵀ Λ Q, so A = Qᵀ Λ^½: A[i][j] = Q[j][i]·√λ_j
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) F[i * d + j] = Q[j * d + i] * Math.sqrt(lam[j]);
    } else if (type === 'diag') {
      for (let i = 0; i < d; i++) F[i * d + i] = Math.sqrt(lam[i]);
    } else throw new Error(`type ${type} not generated here`);
    A.push(F);
  }
  let minDist = Infinity;
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < a; b++) {
      let dist = 0;
      for (let i = 0; i < d; i++) dist += (means[a * d + i] - means[b * d + i]) ** 2;
      minDist = Math.min(minDist, Math.sqrt(dist));
    }
  }
  // the start
  const weights = new Float64Array(K).fill(1 / K);
  const m0 = new Float64Array(K * d);
  for (let i = 0; i < K * d; i++) m0[i] = means[i] + 0.5 * rng.normal();
  // precisions in scikit-learn's layout: full K·d·d, tied d·d, diag K·d, spherical K
  const P = new Float64Array({ full: K * d * d, tied: d * d, diag: K * d, spherical: K }[type]);
  for (let k = 0; k < K; k++) {
    const c = 2 ** Math.round(Math.log2(meanVar[k]));
    if (type === 'spherical') P[k] = 1 / c;
    else if (type === 'tied') { for (let i = 0; i < d; i++) P[i * d + i] = 1 / c; }
    else for (let i = 0; i < d; i++) P[type === 'full' ? k * d * d + i * d + i : k * d + i] = 1 / c;
  }
  return { d, K, type, means, A, minDist, start: { weights, means: m0, precisions: P }, rng };
}

/** Writes `rows` rows of the mixture into out (row-major, from offset 0): row i from
 *  component comp[i] (or a uniform draw when comp is null). Normals by Marsaglia's polar
 *  method (no trigonometry: about twice as fast as Box–Muller here), xorshift128 inlined. */
function fillRows(mix, rng, out, rows, comp) {
  const { d, K, means, A } = mix;
  const z = new Float64Array(d + 1);
  let x = rng.x | 0, y = rng.y | 0, zz = rng.z | 0, w = rng.w | 0, t = 0;
  for (let r = 0; r < rows; r++) {
    let k;
    if (comp) k = comp[r];
    else {
      t = x ^ (x << 11); x = y; y = zz; zz = w; w = w ^ (w >>> 19) ^ t ^ (t >>> 8);
      k = (w >>> 0) % K;
    }
    for (let i = 0; i < d; i += 2) {
      let u, v, s;
      do {
        t = x ^ (x << 11); x = y; y = zz; zz = w; w = w ^ (w >>> 19) ^ t ^ (t >>> 8);
        u = (w + 0.5) / 2147483648; // (−1, 1)
        t = x ^ (x << 11); x = y; y = zz; zz = w; w = w ^ (w >>> 19) ^ t ^ (t >>> 8);
        v = (w + 0.5) / 2147483648;
        s = u * u + v * v;
      } while (s >= 1);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      z[i] = u * f;
      z[i + 1] = v * f;
    }
    const F = A[k], o = r * d, mo = k * d;
    for (let i = 0; i < d; i++) {
      let s = means[mo + i];
      const fo = i * d;
      for (let j = 0; j < d; j++) s += F[fo + j] * z[j];
      out[o + i] = s;
    }
  }
  rng.x = x; rng.y = y; rng.z = zz; rng.w = w;
}

/** X (n×d) with equal counts per component, rows in a shuffled order. */
function generate(spec, n) {
  const mix = mixture(spec);
  const comp = new Uint8Array(n);
  for (let i = 0; i < n; i++) comp[i] = i % mix.K;
  const rng = mix.rng;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = comp[i]; comp[i] = comp[j]; comp[j] = t;
  }
  const X = new Float64Array(n * mix.d);
  fillRows(mix, rng, X, n, comp);
  return { ...mix, n, X };
}
export { MIN_DIST, MAX_DIST, EIG_LO, EIG_HI, XorShift, rotation, mixture, fillRows, generate };
