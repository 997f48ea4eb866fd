// Shared by the tests: loads the core once from the built module (dist/gmm.wasm).
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { init, GmmError } from '../src/index.js';
import type { Matrix, GaussianMixture } from '../src/index.js';
import { expect } from 'vitest';
import { core } from '../src/core/core.js';
import { Arena } from '../src/core/arena.js';

export const root = new URL('../', import.meta.url);

export async function loadCore(): Promise<void> {
  await init(readFileSync(new URL('dist/gmm.wasm', root)));
}

export function matrix(data: ArrayLike<number>, rows: number, cols: number): Matrix {
  return { data: Float64Array.from(data), rows, cols };
}

/** The GmmError code f throws ('no error' if it returns); fails on any other exception. */
export function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GmmError);
    return (e as GmmError).code;
  }
  return 'no error';
}

/** The GmmError f throws (fails the test if f returns or throws anything else). */
export function thrown(f: () => unknown): GmmError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GmmError);
    return e as GmmError;
  }
  throw new Error('expected a GmmError, and none was thrown');
}

/** max |a−b| / max(1, |b|) */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

// ---- shared by the correctness and robustness tests -------------------------------------

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws from a uniform source (Box–Muller). */
export function normal(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Gaussian blobs: `perCluster` rows around each centre with standard deviation `sd`
 *  (a number or one per centre), rows interleaved by cluster. */
export function blobs(seed: number, centers: number[][], perCluster: number, sd: number | number[] = 1): { X: Matrix; labels: Int32Array } {
  const z = normal(rng(seed));
  const K = centers.length, d = centers[0].length, n = K * perCluster;
  const data = new Float64Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % K;
    labels[i] = k;
    const s = typeof sd === 'number' ? sd : sd[k];
    for (let j = 0; j < d; j++) data[i * d + j] = centers[k][j] + s * z();
  }
  return { X: { data, rows: n, cols: d }, labels };
}

/** True when a and b are the same labelling up to a renaming of the labels. */
export function sameUpToPermutation(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  const ab = new Map<number, number>(), ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]) ?? b[i]) !== b[i] || (ba.get(b[i]) ?? a[i]) !== a[i]) return false;
    ab.set(a[i], b[i]);
    ba.set(b[i], a[i]);
  }
  return true;
}

/** Bit-for-bit equality of two Float64Arrays (distinguishes −0 and NaN payloads). */
export function sameBits(a: Float64Array | Int32Array, b: Float64Array | Int32Array): boolean {
  if (a.length !== b.length || a.constructor !== b.constructor) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Problems with a fitted model's parameters (empty when valid): finite, weights ≥ 0 summing
 *  to 1, positive covariance diagonals and a positive precision-Cholesky diagonal. */
export function modelProblems(gm: {
  weights: Float64Array; means: Matrix; covariances: Float64Array; precisionsCholesky: Float64Array;
  covarianceType: string; nComponents: number; nFeatures: number; lowerBound: number;
}): string[] {
  const out: string[] = [];
  const K = gm.nComponents, d = gm.nFeatures, t = gm.covarianceType;
  const all = { weights: gm.weights, means: gm.means.data, covariances: gm.covariances, precisionsCholesky: gm.precisionsCholesky };
  for (const [name, a] of Object.entries(all)) if (!a.every(Number.isFinite)) out.push(`${name} not finite`);
  if (!Number.isFinite(gm.lowerBound)) out.push(`lowerBound ${gm.lowerBound}`);
  if (!gm.weights.every((w) => w >= 0)) out.push('negative weight');
  const ws = gm.weights.reduce((s, w) => s + w, 0);
  if (Math.abs(ws - 1) > 1e-12) out.push(`weights sum to ${ws}`);
  const diag = (a: Float64Array): number[] => {
    if (t === 'full') return Array.from({ length: K * d }, (_, i) => a[Math.floor(i / d) * d * d + (i % d) * (d + 1)]);
    if (t === 'tied') return Array.from({ length: d }, (_, i) => a[i * (d + 1)]);
    return Array.from(a);
  };
  if (!diag(gm.covariances).every((v) => v > 0)) out.push('covariance diagonal not > 0');
  if (!diag(gm.precisionsCholesky).every((v) => v > 0)) out.push('precisionsCholesky diagonal not > 0');
  return out;
}

/** Row sums of a rows×cols matrix. */
export function rowSums(m: Matrix): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += m.data[i * m.cols + j];
    out.push(s);
  }
  return out;
}

let sklearnFixture: { datasets: Record<string, { rows: number; cols: number; data: number[] }> } | null = null;

/** A dataset of test/fixtures/sklearn.json: faithful (272×2), blobs3d (400×3), blobs5d
 *  (600×5, overlapping clusters) or small2d (60×2). */
export function dataset(name: 'faithful' | 'blobs3d' | 'blobs5d' | 'small2d'): Matrix {
  sklearnFixture ??= JSON.parse(readFileSync(new URL('test/fixtures/sklearn.json', root), 'utf8'));
  const ds = sklearnFixture!.datasets[name];
  return matrix(ds.data, ds.rows, ds.cols);
}

// ---- shared by the determinism tests (statistics, parallel) --------------------------------

/** Overlapping clusters: n rows, d features, K centres 2.5 apart. */
export function overlapping(seed: number, n: number, d: number, K: number): Matrix {
  const z = normal(rng(seed));
  const centres = Array.from({ length: K }, () => Array.from({ length: d }, () => 2.5 * z()));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const k = i % K;
    for (let j = 0; j < d; j++) data[i * d + j] = centres[k][j] + (1 + 0.3 * j) * z();
  }
  return { data, rows: n, cols: d };
}

/** A fitStream source: X in chunks of `size` rows (views, not copies), anew at each pass. */
export function pieces(X: Matrix, size: number): () => Generator<Matrix> {
  return function* () {
    for (let a = 0; a < X.rows; a += size) {
      const b = Math.min(X.rows, a + size);
      yield { data: X.data.subarray(a * X.cols, b * X.cols), rows: b - a, cols: X.cols };
    }
  };
}

export function expectSameFit(a: GaussianMixture, b: GaussianMixture): void {
  expect(sameBits(a.weights, b.weights)).toBe(true);
  expect(sameBits(a.means.data, b.means.data)).toBe(true);
  expect(sameBits(a.covariances, b.covariances)).toBe(true);
  expect(sameBits(a.precisionsCholesky, b.precisionsCholesky)).toBe(true);
  expect(Object.is(a.lowerBound, b.lowerBound)).toBe(true);
  expect(a.nIter).toBe(b.nIter);
  expect(a.converged).toBe(b.converged);
}

/** Normal draws by Box–Muller from the Park–Miller generator (seed ≥ 1): the sequence the
 *  adversarial reviews found their cases with, kept so those cases stay reproducible. */
export function parkMillerNormal(seed: number): () => number {
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return () => Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
}

/** A child process's exit code (null when killed, e.g. by the timeout) and output. */
export interface Run { code: number | null; stdout: string; stderr: string }

/** Runs Node with `args` (a script and its arguments, node flags first) in cwd (default
 *  the repository), with `input` on stdin; resolves when it exits, whatever the code. */
export function runNode(args: string[], opts: { cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, args, { cwd: opts.cwd ?? fileURLToPath(root), timeout: opts.timeoutMs ?? 30_000,
      maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
    child.stdin!.end(opts.input ?? '');
  });
}

/** p, or a rejection naming `what` after `ms` (a hang shows as a failure, not a test timeout). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Runs the built command line (dist/cli/cli.js) with args, from the repository root. */
export function runCli(args: string[]): Promise<Run> {
  return runNode([fileURLToPath(new URL('dist/cli/cli.js', root)), ...args]);
}

/** Inverse of a small symmetric positive definite matrix, row-major d×d (Gauss–Jordan: an
 *  independent check, never the library's way). */
export function inverse(a: number[], d: number): number[] {
  const m = a.slice(), inv = Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0));
  for (let c = 0; c < d; c++) {
    const p = m[c * d + c];
    for (let j = 0; j < d; j++) { m[c * d + j] /= p; inv[c * d + j] /= p; }
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = m[r * d + c];
      for (let j = 0; j < d; j++) { m[r * d + j] -= f * m[c * d + j]; inv[r * d + j] -= f * inv[c * d + j]; }
    }
  }
  return inv;
}

/** gm continued by exactly one more EM iteration on X (a warm start of maxIter 1): its
 *  parameters are the M-step for the responsibilities of gm's. */
export function oneMoreIteration(gm: GaussianMixture, X: Matrix): GaussianMixture {
  return (gm.constructor as typeof GaussianMixture).fromJSON({ ...gm.toJSON(), options: { ...gm.getParams(), warmStart: true, maxIter: 1 } })
    .fit(X);
}

/** For responsibilities R (rows × K) and means mu (K × d): each component's mass nₖ and
 *  its covariance Sₖ = Σᵢ rᵢₖ (xᵢ − μₖ)(xᵢ − μₖ)ᵀ / nₖ (d×d, row-major), in plain arithmetic. */
export function weightedCovariances(X: Matrix, R: ArrayLike<number>, K: number, mu: ArrayLike<number>): { n: number[]; S: number[][] } {
  const d = X.cols, n: number[] = [], S: number[][] = [];
  for (let k = 0; k < K; k++) {
    let nk = 0;
    const s = new Array(d * d).fill(0);
    for (let i = 0; i < X.rows; i++) {
      const r = R[i * K + k];
      nk += r;
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s[a * d + b] += r * (X.data[i * d + a] - mu[k * d + a]) * (X.data[i * d + b] - mu[k * d + b]);
    }
    n.push(nk);
    S.push(s.map((v) => v / nk));
  }
  return { n, S };
}

/** An hc model's kernels in the core, by the names of their exports: hcWard* (EII, and E),
 *  hcVii* (VII, and V with hcVBegin), hcEee*. */
export type HcKernelName = 'Ward' | 'Vii' | 'Eee' | 'V';

/** The merges (2(n − 1) labels) of an hc model's kernels on z (n × p row-major, already
 *  transformed): begin, merge while it returns 1, pairs. */
export function hcKernelMerges(name: HcKernelName, z: ArrayLike<number>, n: number, p: number): number[] {
  const c = core() as unknown as Record<string, (...a: number[]) => number>, arena = new Arena(core());
  const k = name === 'V' ? 'Vii' : name;
  const zp = arena.put(Float64Array.from(z)), work = arena.allocF64(c[`hc${k}WorkSize`](n, p)), pairs = arena.alloc(8 * (n - 1));
  if (c[`hc${name}Begin`](zp, n, p, work)) while (c[`hc${k}Merge`]());
  c[`hc${k}Pairs`](pairs);
  return Array.from(arena.i32(pairs, 2 * (n - 1)));
}

/** The first index where got's merges differ from R's (−1: none), asserted −1 unless the case
 *  is listed as a known difference, which must then still differ (else update the list). */
export function expectMerges(got: ArrayLike<number>, want: number[], listed: boolean): number {
  const first = Array.from(got).findIndex((v, i) => v !== want[i]);
  if (listed) expect(first, 'a listed difference that vanished: update the list').toBeGreaterThanOrEqual(0);
  else expect(first, `first difference at merge ${first >> 1}`).toBe(-1);
  return first;
}

/** An agglomeration's classes for each G of hclass's (1-based there) equal R's. */
export function expectClasses(a: { classes(G: number): Int32Array }, classes: Record<string, number[]>): void {
  for (const G of Object.keys(classes)) expect(Array.from(a.classes(Number(G)), (l) => l + 1), `G = ${G}`).toEqual(classes[G]);
}
