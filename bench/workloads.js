// The benchmark's workloads, in two regimes (bench/run.js prints one table each):
//
//   realistic (the headline): overlapping synthetic clusters of every covariance type
//     (bench/overlap.js) and real datasets, standardised (bench/realdata.js); responsibilities
//     are soft, so every (row, component) needs its exponential and its share of the M-step;
//   easy: the well-separated clusters of bench/data.js, where nearly every row belongs to one
//     component outright.
import { WORKLOADS as SEPARATED, generate as generateSeparated } from './data.js';
import { generate as generateOverlap } from './overlap.js';
import { generateReal } from './realdata.js';

/** kind: 'overlap' | 'real' | 'easy'; quickN: rows in --quick (real data: always all). */
export const WORKLOADS = [
  { name: 'o8', kind: 'overlap', n: 100000, d: 8, K: 8, type: 'full', quickN: 20000, seed: 801 },
  { name: 'o8-tied', kind: 'overlap', n: 100000, d: 8, K: 8, type: 'tied', quickN: 20000, seed: 802 },
  { name: 'o8-spherical', kind: 'overlap', n: 100000, d: 8, K: 8, type: 'spherical', quickN: 20000, seed: 803 },
  { name: 'o16d', kind: 'overlap', n: 200000, d: 16, K: 16, type: 'diag', quickN: 40000, seed: 1602 },
  { name: 'o64', kind: 'overlap', n: 20000, d: 64, K: 8, type: 'full', quickN: 16384, seed: 6403 },
  { name: 'digits', kind: 'real', file: 'digits', n: 1797, d: 64, K: 10, type: 'full' },
  { name: 'letter', kind: 'real', file: 'letter', n: 20000, d: 16, K: 26, type: 'full' },
  { name: 'shuttle', kind: 'real', file: 'shuttle', n: 58000, d: 9, K: 7, type: 'full' },
  { name: 'satellite', kind: 'real', file: 'satellite', n: 6435, d: 36, K: 6, type: 'full' },
  ...SEPARATED.map((w) => ({ ...w, kind: 'easy' })),
];

/** gmm-wasm ÷ scikit-learn per EM iteration: the realistic regime's targets (issue 11) against
 *  scikit-learn limited to one thread, the easy regime's (as before) against its default. */
export const TARGET_RATIO = {
  o8: 0.10, 'o8-tied': 0.12, 'o8-spherical': 0.12, o16d: 0.20, letter: 0.15, shuttle: 0.15,
  blobs2d: 0.10, m8: 0.15, 'm8-tied': 0.20, 'm8-spherical': 0.20, diag16: 0.20, w64: 0.90,
};

/** GaussianMixture options for maxIter EM iterations from a generated workload's explicit
 *  start (tol 0, regCovar 1e-6), as the benchmark times them. */
export function fixedStart(w, maxIter) {
  return {
    nComponents: w.K, covarianceType: w.type, tol: 0, maxIter, regCovar: 1e-6,
    weightsInit: w.start.weights, meansInit: { data: w.start.means, rows: w.K, cols: w.d }, precisionsInit: w.start.precisions,
  };
}

/** X (n×d), the start and the shape of a workload; n only for the synthetic ones. */
export function generate(spec, n) {
  if (spec.kind === 'real') {
    const w = generateReal(spec);
    if (w.n !== spec.n || w.d !== spec.d || w.K !== spec.K) throw new Error(`${spec.name}: file is ${w.n}×${w.d} K=${w.K}`);
    return w;
  }
  if (spec.kind === 'overlap') {
    const w = generateOverlap(spec, n ?? spec.n);
    return { ...w, spec };
  }
  return generateSeparated(spec, n);
}
