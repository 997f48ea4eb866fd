// Measures this machine's WebAssembly SIMD f64 peak: compiles bench/peak.ts with the
// project's AssemblyScript compiler into bench/.data/peak.wasm (rebuilt when the source or
// the compiler changes) and times its multiply-add loops.
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const SRC = join(here, 'peak.ts');
const OUT_DIR = join(here, '.data');
const OUT = join(OUT_DIR, 'peak.wasm');

async function compile() {
  const require = createRequire(import.meta.url);
  const ascVersion = require('assemblyscript/package.json').version;
  const src = readFileSync(SRC);
  const key = createHash('sha256').update(src).update(ascVersion).digest('hex');
  const stamp = `${OUT}.key`;
  if (existsSync(OUT) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return readFileSync(OUT);
  mkdirSync(OUT_DIR, { recursive: true });
  const asc = (await import('assemblyscript/asc')).default;
  let stderr = '';
  const { error } = await asc.main(
    [SRC, '--outFile', OUT, '-O3', '--enable', 'simd', '--runtime', 'stub', '--noAssert', '--use', 'abort='],
    { stderr: { write: (s) => { stderr += s; return true; } }, stdout: { write: () => true } },
  );
  if (error) throw new Error(`asc failed to compile bench/peak.ts: ${error.message}\n${stderr}`);
  writeFileSync(stamp, key);
  return readFileSync(OUT);
}

/**
 * Returns { gflops, best, variants: { name: gflops }, medians } — the best rate over the
 * repetitions (the machine's capability: on a shared machine other load only slows a run
 * down) for each accumulator count, the peak being the best SIMD variant. One
 * multiply-add per lane counts as 2 flops.
 */
export async function measurePeak({ reps = 7, targetMs = 60 } = {}) {
  const bytes = await compile();
  const { instance } = await WebAssembly.instantiate(bytes, { env: { abort() {} } });
  const ex = instance.exports;
  const variants = [
    { name: 'f64x2 ×4 acc', fn: ex.peak4, flopsPerIter: 4 * 2 * 2, simd: true },
    { name: 'f64x2 ×8 acc', fn: ex.peak8, flopsPerIter: 8 * 2 * 2, simd: true },
    { name: 'f64x2 ×12 acc', fn: ex.peak12, flopsPerIter: 12 * 2 * 2, simd: true },
    { name: 'f64x2 ×16 acc', fn: ex.peak16, flopsPerIter: 16 * 2 * 2, simd: true },
    { name: 'scalar f64 ×8 acc', fn: ex.scalar8, flopsPerIter: 8 * 2, simd: false },
  ];
  // warm-up: V8 runs a wasm function in its baseline tier (Liftoff) until it is hot, and a
  // call that started in Liftoff finishes there, so call everything a few times first
  for (let r = 0; r < 20; r++) for (const v of variants) v.fn(1 << 12, 0.5, 0.5);
  const out = {}, medians = {};
  let best = null;
  for (const v of variants) {
    // calibrate the iteration count to ~targetMs
    let iters = 1 << 16;
    for (;;) {
      const t0 = performance.now();
      v.fn(iters, 0.5, 0.5);
      const t = performance.now() - t0;
      if (t > targetMs / 4 || iters > 1 << 30) {
        iters = Math.min(2 ** 31 - 1, Math.max(1, Math.round(iters * targetMs / Math.max(t, 1e-3))));
        break;
      }
      iters *= 4;
    }
    const rates = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      const s = v.fn(iters, 0.5, 0.5);
      const t = performance.now() - t0;
      if (!Number.isFinite(s)) throw new Error('peak kernel produced a non-finite value');
      rates.push((iters * v.flopsPerIter) / (t * 1e6));
    }
    rates.sort((a, b) => a - b);
    medians[v.name] = rates[Math.floor(rates.length / 2)];
    out[v.name] = rates[rates.length - 1];
    if (v.simd && (!best || out[v.name] > out[best])) best = v.name;
  }
  return { gflops: out[best], best, variants: out, medians };
}
