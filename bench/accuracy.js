#!/usr/bin/env node
// How exact gmm-wasm's log-densities are: per workload, the model after 10 EM iterations
// from the benchmark's start, its scoreSamples (SIMD kernels and the scalar reference path)
// and scikit-learn's, each against the same parameters evaluated in long double (NumPy's
// longdouble, 80-bit on x86). Usage:
//
//   node bench/accuracy.js [--only letter,o8,shuttle] [--dist DIR]
//
// Prints max and rms absolute error of log p(x) per evaluation. Full covariances only
// (scikit-learn's _estimate_log_gaussian_prob with the fitted precisions' Cholesky factors).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WORKLOADS, generate } from './workloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (k, dflt) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : dflt; };
const only = opt('--only', 'letter,o8,shuttle').split(',');
const dist = resolve(opt('--dist', join(here, '..', 'dist')));
const lib = await import(pathToFileURL(join(dist, 'entry-node.js')).href);
const { kernels } = await import(pathToFileURL(join(dist, 'core', 'core.js')).href);
await lib.init();

const PY = String.raw`
import sys, numpy as np
from scipy.special import logsumexp
from sklearn.mixture._gaussian_mixture import _estimate_log_gaussian_prob
a = np.fromfile(sys.argv[1])
n, d, K = int(a[0]), int(a[1]), int(a[2]); o = 3
def take(m):
    global o
    v = a[o:o + m]; o += m; return v
X = take(n * d).reshape(n, d); w = take(K); mu = take(K * d).reshape(K, d); U = take(K * d * d).reshape(K, d, d)
simd = take(n); scalar = take(n)
L = np.longdouble
Xl, ml, Ul = X.astype(L), mu.astype(L), U.astype(L)
lp = np.empty((n, K), dtype=L)
for k in range(K):
    y = (Xl - ml[k]) @ Ul[k]
    lp[:, k] = -0.5 * d * np.log(L(2) * L(np.pi)) + np.sum(np.log(np.diagonal(Ul[k]))) - 0.5 * np.sum(y * y, axis=1) + np.log(L(w[k]))
m = lp.max(axis=1)
exact = m + np.log(np.exp(lp - m[:, None]).sum(axis=1))
sk = logsumexp(_estimate_log_gaussian_prob(X, mu, U, 'full') + np.log(w), axis=1)
def err(v):
    e = np.abs(v.astype(L) - exact)
    return 'max %.1e rms %.1e' % (float(e.max()), float(np.sqrt((e * e).mean())))
print('gmm-wasm SIMD %s | scalar path %s | scikit-learn %s' % (err(simd), err(scalar), err(sk)))
`;

const tmp = mkdtempSync(join(tmpdir(), 'gmm-accuracy-'));
try {
  for (const name of only) {
    const spec = WORKLOADS.find((w) => w.name === name);
    if (!spec || spec.type !== 'full') { console.log(`${name}: not a full-covariance workload`); continue; }
    const w = generate(spec, spec.kind === 'real' ? undefined : 20000);
    const X = { data: w.X, rows: w.n, cols: w.d };
    const gm = new lib.GaussianMixture({ nComponents: w.K, covarianceType: 'full', tol: 0, maxIter: 10, regCovar: 1e-6,
      weightsInit: w.start.weights, meansInit: { data: w.start.means, rows: w.K, cols: w.d }, precisionsInit: w.start.precisions }).fit(X);
    const simd = gm.scoreSamples(X);
    kernels.simd = false;
    const scalar = gm.scoreSamples(X);
    kernels.simd = true;
    const file = join(tmp, `${name}.bin`);
    writeFileSync(file, new Float64Array([w.n, w.d, w.K, ...w.X, ...gm.weights, ...gm.means.data, ...gm.precisionsCholesky, ...simd, ...scalar]));
    const r = spawnSync(process.env.GMM_BENCH_PYTHON ?? '/usr/bin/python3', ['-c', PY, file], { encoding: 'utf8' });
    console.log(`${name} (${w.n}×${w.d}, K=${w.K}), |log p − long double|: ${r.status === 0 ? r.stdout.trim() : `python failed: ${r.stderr.trim().split('\n').pop()}`}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
