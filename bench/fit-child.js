// One default fit (k-means init, tol 1e-3) in a fresh Node process, for the memory figures:
//   node --expose-gc bench/fit-child.js <distDir> <file.npy> <K> <covarianceType> <seed>
// Prints JSON: WebAssembly memory after the fit, and RSS before the fit / peak after it.
// A small fit first (200 rows) compiles and tiers up the code, so that the figures are of
// the data, not of V8's compilers.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { readNpy } from './data.js';

/** Resets the kernel's peak-RSS counter (VmHWM, which ru_maxrss reads) to the current RSS. */
function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function statusKiB(key) {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const [dist, path, K, type, seed] = process.argv.slice(2);
const { init, GaussianMixture } = await import(pathToFileURL(join(dist, 'entry-node.js')).href);
const X = readNpy(path);
await init();
const few = Math.min(X.rows, 200);
new GaussianMixture({ nComponents: Math.min(Number(K), few), covarianceType: type, seed: Number(seed), regCovar: 1e-3 })
  .fit({ data: X.data.subarray(0, few * X.cols), rows: few, cols: X.cols });
globalThis.gc?.();
const peakReset = resetPeak();
const rssBefore = statusKiB('VmRSS') ?? process.memoryUsage().rss;
const maxRssBefore = process.resourceUsage().maxRSS * 1024;
const gm = new GaussianMixture({ nComponents: Number(K), covarianceType: type, seed: Number(seed) });
const t0 = performance.now();
gm.fit(X);
const fitMs = performance.now() - t0;
// the core's memory: read through a model method that exposes nothing; the arena grows the
// one WebAssembly.Memory of the instance, which init() keeps: find it via the core module
let wasmBytes = null;
try {
  const { core } = await import(pathToFileURL(join(dist, 'core.js')).href);
  wasmBytes = core().memory.buffer.byteLength;
} catch {
  // internal module moved: no WebAssembly figure
}
const out = {
  wasmBytes,
  rssBefore, maxRssBefore, peakReset,
  maxRss: statusKiB('VmHWM') ?? process.resourceUsage().maxRSS * 1024,
  rssAfter: statusKiB('VmRSS') ?? process.memoryUsage().rss,
  fitMs, nIter: gm.nIter, lowerBound: gm.lowerBound,
};
process.stdout.write(JSON.stringify(out));
