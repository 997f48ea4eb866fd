// A control for bench/scaling.js on a many-core machine: how much faster P cores run P
// *independent* single-threaded fits than one core runs one. P separate processes each fit
// their own 1/16 share of o8 (62,500 × 8, K=8 full) or all of o64 (20,000 × 64), with no
// workers and no messages; each reports its ms per EM iteration. If this already drops with P
// (turbo frequency, shared caches, memory bandwidth, hyper-threads), the same drop in
// fitAsync's speedup is the machine's, not the messages'.
//   node bench/cores-control.js [--max 16]
// (bench/scaling.js --control runs it for o8 at 1 and the largest worker count, before and
// after its workloads.)
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

async function child(name) {
  const { WORKLOADS, generate } = await import('./scaling.js');
  const lib = await import('../dist/entry-node.js');
  await lib.init();
  const spec = WORKLOADS.find((w) => w.name === name);
  const n = name === 'o8' ? 62_500 : spec.n;
  const w = generate(spec, n);
  const X = { data: w.X, rows: n, cols: w.d };
  const opts = (it) => ({
    nComponents: w.K, covarianceType: w.type, tol: 0, maxIter: it, regCovar: 1e-6,
    weightsInit: w.start.weights, meansInit: { data: w.start.means, rows: w.K, cols: w.d }, precisionsInit: w.start.precisions,
  });
  let t1 = Infinity, tN = Infinity;
  for (let r = 0; r < 4; r++) {
    let t = performance.now(); new lib.GaussianMixture(opts(1)).fit(X); t1 = Math.min(t1, performance.now() - t);
    t = performance.now(); new lib.GaussianMixture(opts(6)).fit(X); tN = Math.min(tN, performance.now() - t);
  }
  process.stdout.write(JSON.stringify({ msPerIter: (tN - t1) / 5 }));
}

function run(name) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [here, '--child', name], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out).msPerIter) : reject(new Error(`child exited ${code}`))));
  });
}

/** The control for each workload name and each process count in counts (the first must be
 *  1): per count the median ms/iter, its min and max, and the throughput P × (alone ÷ median).
 *  Also used by bench/scaling.js --control. */
export async function coresControl(names, counts, onRow = () => {}) {
  const rows = [];
  for (const name of names) {
    let alone = 0;
    for (const P of counts) {
      const t = (await Promise.all(Array.from({ length: P }, () => run(name)))).sort((a, b) => a - b);
      const med = t[Math.floor(t.length / 2)];
      if (P === 1) alone = med;
      const row = { name, P, med, min: t[0], max: t[t.length - 1], throughput: (P * alone) / med };
      rows.push(row);
      onRow(row);
    }
  }
  return rows;
}

/** A control row as text. */
export function controlLine(r) {
  return `${r.name} (${r.name === 'o8' ? '62,500 × 8' : '20,000 × 64'})  P=${String(r.P).padStart(2)}  ${r.med.toFixed(2).padStart(8)} ms/iter  ` +
    `(min ${r.min.toFixed(2)}, max ${r.max.toFixed(2)})  throughput ${r.throughput.toFixed(2)}× one core`;
}

async function main() {
  const i = process.argv.indexOf('--max');
  const max = i > 0 ? Number(process.argv[i + 1]) : os.availableParallelism();
  console.log(`${os.cpus()[0]?.model}; ${os.availableParallelism()} cores; P independent processes, ms/iter each (median), and P × (ms/iter alone ÷ ms/iter)`);
  const counts = [];
  for (let P = 1; P <= max; P *= 2) counts.push(P);
  await coresControl(['o8', 'o64'], counts, (r) => console.log(controlLine(r)));
}

// run when executed (not when imported by bench/scaling.js)
if (process.argv[2] === '--child') await child(process.argv[3]);
else if (process.argv[1] && here === (await import('node:fs')).realpathSync(process.argv[1])) await main();
