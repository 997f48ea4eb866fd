// Seeded workloads for the benchmark: well-separated Gaussian clusters with random
// covariances of the workload's structure, and one explicit starting point that every
// implementation is given (weights, means, covariances and the matching precisions).
//
// Everything here is deterministic: the same seed gives the same bytes on every machine
// (only +, −, ×, ÷, sqrt, log, cos, sin of doubles: V8 uses fdlibm-derived, platform-
// independent Math.log/cos/sin).
import { writeFileSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

/** The workloads of the issue. `quick` shrinks n for a smoke run (same K, d, type). */
export const WORKLOADS = [
  { name: 'blobs2d', n: 1000, d: 2, K: 3, type: 'full', quickN: 1000, seed: 11 },
  { name: 'm8', n: 100000, d: 8, K: 8, type: 'full', quickN: 20000, seed: 12 },
  { name: 'm8-tied', n: 100000, d: 8, K: 8, type: 'tied', quickN: 20000, seed: 13 },
  { name: 'm8-spherical', n: 100000, d: 8, K: 8, type: 'spherical', quickN: 20000, seed: 14 },
  // quick w64 keeps n ≥ K·d²/2: this core's fit with precisionsInit needs that many rows
  { name: 'w64', n: 20000, d: 64, K: 8, type: 'full', quickN: 16384, seed: 15 },
  { name: 'diag16', n: 200000, d: 16, K: 16, type: 'diag', quickN: 40000, seed: 16 },
];

/** splitmix32: a stream of 32-bit seeds from one (for seeding the generators). */
export function splitmix32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** xoshiro128** seeded by splitmix32; uniform doubles with 53 random bits. */
export class Rng {
  constructor(seed) {
    const next = splitmix32(seed);
    this.s = new Uint32Array([next(), next(), next(), next()]);
    this.spare = null;
  }

  u32() {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  }

  /** Uniform in [0, 1). */
  uniform() {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** Standard normal (Box–Muller). */
  normal() {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x, k) {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Lower Cholesky factor of a d×d SPD matrix (row-major), or throws. */
export function cholesky(A, d) {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * d + j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      if (i === j) {
        if (!(s > 0)) throw new Error('matrix not positive definite');
        L[i * d + i] = Math.sqrt(s);
      } else L[i * d + j] = s / L[j * d + j];
    }
  }
  return L;
}

/** A random SPD covariance: (A Aᵀ/d + 0.25·I) · scale, A with N(0, 1) entries. */
function randomFullCov(rng, d, scale) {
  const A = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) A[i] = rng.normal();
  const S = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += A[i * d + k] * A[j * d + k];
      s = (s / d + (i === j ? 0.25 : 0)) * scale;
      S[i * d + j] = s;
      S[j * d + i] = s;
    }
  }
  return S;
}

/** Largest-eigenvalue bound (Gershgorin) of a d×d matrix. */
function spectralBound(S, d) {
  let m = 0;
  for (let i = 0; i < d; i++) {
    let r = 0;
    for (let j = 0; j < d; j++) r += Math.abs(S[i * d + j]);
    m = Math.max(m, r);
  }
  return m;
}

/**
 * Generates one workload: X (n×d, rows shuffled so any prefix is a fair subsample), the
 * true parameters, and the start. The start is the same explicit point for every
 * implementation: uniform weights, the true means moved by N(0, 0.5²) per feature, and
 * isotropic covariances c·I with c a power of two (so that the precisions 1/c are exact and
 * the covariance ↔ precision conversion introduces no rounding difference between
 * implementations that take covariances and those that take precisions).
 */
export function generate(spec, nOverride) {
  const { d, K, type, seed } = spec;
  const n = nOverride ?? spec.n;
  const rng = new Rng(seed);
  // true covariances (full d×d each, of the workload's structure)
  const covs = [];
  const tiedCov = type === 'tied' ? randomFullCov(rng, d, 0.5 + rng.uniform()) : null;
  for (let k = 0; k < K; k++) {
    let S;
    if (type === 'full') S = randomFullCov(rng, d, 0.5 + 1.5 * rng.uniform());
    else if (type === 'tied') S = tiedCov;
    else {
      S = new Float64Array(d * d);
      const sph = 0.3 + 1.7 * rng.uniform();
      for (let i = 0; i < d; i++) S[i * d + i] = type === 'diag' ? 0.2 + 1.8 * rng.uniform() : sph;
    }
    covs.push(S);
  }
  // well-separated means: every pair ≥ 8·(σ₁ + σ₂) apart, σ = √(largest eigenvalue bound)
  const sig = covs.map((S) => Math.sqrt(spectralBound(S, d)));
  const means = new Float64Array(K * d);
  let R = 4;
  for (let k = 0; k < K; k++) {
    for (let tries = 0; ; tries++) {
      if (tries > 0 && tries % 100 === 0) R *= 1.25;
      for (let i = 0; i < d; i++) means[k * d + i] = R * rng.normal();
      let ok = true;
      for (let j = 0; j < k && ok; j++) {
        let dist = 0;
        for (let i = 0; i < d; i++) dist += (means[k * d + i] - means[j * d + i]) ** 2;
        ok = Math.sqrt(dist) >= 8 * (sig[k] + sig[j]);
      }
      if (ok) break;
    }
  }
  // weights in [0.5, 1.5] normalised; counts by largest remainder
  const wRaw = Array.from({ length: K }, () => 0.5 + rng.uniform());
  const wSum = wRaw.reduce((a, b) => a + b, 0);
  const weights = wRaw.map((w) => w / wSum);
  const counts = weights.map((w) => Math.floor(w * n));
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = weights.map((w, k) => [w * n - counts[k], k]).sort((a, b) => b[0] - a[0]);
  for (let i = 0; left > 0; i++, left--) counts[order[i % K][1]]++;
  // samples
  const X = new Float64Array(n * d);
  const labels = new Int32Array(n);
  const z = new Float64Array(d);
  let row = 0;
  for (let k = 0; k < K; k++) {
    const L = cholesky(covs[k], d);
    for (let c = 0; c < counts[k]; c++, row++) {
      for (let i = 0; i < d; i++) z[i] = rng.normal();
      for (let i = 0; i < d; i++) {
        let s = means[k * d + i];
        for (let j = 0; j <= i; j++) s += L[i * d + j] * z[j];
        X[row * d + i] = s;
      }
      labels[row] = k;
    }
  }
  // shuffle rows (Fisher–Yates)
  const tmp = new Float64Array(d);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    if (j === i) continue;
    tmp.set(X.subarray(i * d, i * d + d));
    X.copyWithin(i * d, j * d, j * d + d);
    X.set(tmp, j * d);
    const t = labels[i]; labels[i] = labels[j]; labels[j] = t;
  }
  // the start
  const start = startParams(spec, rng, means, covs);
  return { spec, n, d, K, type, X, labels, truth: { weights, means, covs }, start };
}

function pow2Near(v) {
  return 2 ** Math.round(Math.log2(v));
}

function startParams(spec, rng, means, covs) {
  const { d, K, type } = spec;
  const weights = new Float64Array(K).fill(1 / K);
  const m0 = new Float64Array(K * d);
  for (let i = 0; i < K * d; i++) m0[i] = means[i] + 0.5 * rng.normal();
  // c: a power of two near the average variance, per component (full/diag/spherical) or shared (tied)
  const avgVar = (S) => {
    let t = 0;
    for (let i = 0; i < d; i++) t += S[i * d + i];
    return t / d;
  };
  let covariances, precisions;
  if (type === 'full') {
    covariances = new Float64Array(K * d * d);
    precisions = new Float64Array(K * d * d);
    for (let k = 0; k < K; k++) {
      const c = pow2Near(avgVar(covs[k]));
      for (let i = 0; i < d; i++) {
        covariances[k * d * d + i * d + i] = c;
        precisions[k * d * d + i * d + i] = 1 / c;
      }
    }
  } else if (type === 'tied') {
    covariances = new Float64Array(d * d);
    precisions = new Float64Array(d * d);
    const c = pow2Near(avgVar(covs[0]));
    for (let i = 0; i < d; i++) {
      covariances[i * d + i] = c;
      precisions[i * d + i] = 1 / c;
    }
  } else if (type === 'diag') {
    covariances = new Float64Array(K * d);
    precisions = new Float64Array(K * d);
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < d; i++) {
        const c = pow2Near(covs[k][i * d + i]);
        covariances[k * d + i] = c;
        precisions[k * d + i] = 1 / c;
      }
    }
  } else {
    covariances = new Float64Array(K);
    precisions = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      const c = pow2Near(avgVar(covs[k]));
      covariances[k] = c;
      precisions[k] = 1 / c;
    }
  }
  return { weights, means: m0, covariances, precisions };
}

/** Full d×d covariance matrices (as nested arrays) of a start, for peers that only know 'full'. */
export function fullCovariances(w, start) {
  const { d, K, type } = w;
  const out = [];
  for (let k = 0; k < K; k++) {
    const S = [];
    for (let i = 0; i < d; i++) {
      const r = new Array(d).fill(0);
      for (let j = 0; j < d; j++) {
        if (type === 'full') r[j] = start.covariances[k * d * d + i * d + j];
        else if (type === 'tied') r[j] = start.covariances[i * d + j];
        else if (i === j) r[j] = type === 'diag' ? start.covariances[k * d + i] : start.covariances[k];
      }
      S.push(r);
    }
    out.push(S);
  }
  return out;
}

/** Writes X as a version-1 .npy file (little-endian float64, C order). */
export function writeNpy(path, X, rows, cols) {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const base = 10 + header.length + 1;
  header += ' '.repeat((64 - (base % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(X.buffer, X.byteOffset, X.byteLength);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

/** Writes X to dir/<name>-<n>.npy unless an identical file is there; returns the path. */
export function ensureNpy(dir, name, X, rows, cols) {
  mkdirSync(dir, { recursive: true });
  const path = `${dir}/${name}-${rows}x${cols}.npy`;
  const hash = createHash('sha256').update(Buffer.from(X.buffer, X.byteOffset, X.byteLength)).digest('hex');
  const stamp = `${path}.sha256`;
  if (!(existsSync(path) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash)) {
    writeNpy(path, X, rows, cols);
    writeFileSync(stamp, hash);
  }
  return { path, hash };
}

/** Reads a little-endian float64 C-order .npy file (as written by writeNpy). */
export function readNpy(path) {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not a .npy file`);
  const hlen = buf[6] === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const off = buf[6] === 1 ? 10 : 12;
  const header = buf.toString('latin1', off, off + hlen);
  if (!/'descr':\s*'<f8'/.test(header) || /'fortran_order':\s*True/.test(header)) throw new Error(`${path}: need <f8 C order`);
  const [rows, cols] = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(header).slice(1).map(Number);
  const start = off + hlen;
  const data = new Float64Array(rows * cols);
  new Uint8Array(data.buffer).set(buf.subarray(start, start + rows * cols * 8));
  return { data, rows, cols };
}
