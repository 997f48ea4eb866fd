// Scoring a fitted model, streamed: X is copied into WebAssembly memory a chunk of rows at
// a time and the outputs copied out, so memory holds one chunk beyond the outputs.
import { core, kernels, TYPE_CODE, type CoreExports } from '../core/core.js';
import { arenaFor, type Arena } from '../core/arena.js';
import { blockRows, type Params } from './params.js';
import type { Matrix } from './validate.js';

const CHUNK_BYTES = 4 << 20;

export interface ScoreOutputs {
  lse?: Float64Array;     // n
  resp?: Float64Array;    // n·K
  labels?: Int32Array;    // n
  /** log maxₖ of each row's responsibilities (n; needs lse). */
  logMaxResp?: Float64Array;
  /** log wₖ + log N(x | k) per row and component (n·K, row-major). */
  logProb?: Float64Array;
}

/** The E-step's per-component constants of p into logConst (K): from the weights and
 *  factors, or the variational ones of a Bayesian mixture (as scikit-learn scores it). */
export function writeLogConstants(c: CoreExports, arena: Arena, p: Params, weights: number, chol: number, logConst: number): void {
  const { K, d } = p, type = TYPE_CODE[p.covarianceType], v = p.variational;
  if (!v) {
    c.logConstants(weights, chol, logConst, type, K, d);
    return;
  }
  const conc = arena.put(v.weightConcentration), dof = arena.put(v.degreesOfFreedom), beta = arena.put(v.meanPrecision);
  c.vbLogConstants(conc, v.process ? 1 : 0, chol, dof, beta, logConst, type, K, d);
}

export function scoreInto(p: Params, X: Matrix, out: ScoreOutputs): void {
  const c = core();
  const { K, d } = p;
  const type = TYPE_CODE[p.covarianceType];
  const B = blockRows(K, d);
  const chunk = Math.max(B, Math.floor(CHUNK_BYTES / (8 * (d + K + 2))));
  const rows = Math.min(chunk, X.rows);
  const arena = arenaFor(c);
  const weights = arena.put(p.weights);
  const means = arena.put(p.means);
  const chol = arena.put(p.precisionsCholesky);
  const logConst = arena.allocF64(K);
  const x = arena.allocF64(rows * d);
  const lse = out.lse ? arena.allocF64(rows) : 0;
  const resp = out.resp ? arena.allocF64(rows * K) : 0;
  const labels = out.labels ? arena.alloc(rows * 4) : 0;
  const logMax = out.logMaxResp ? arena.allocF64(rows) : 0;
  const logProb = out.logProb ? arena.allocF64(rows * K) : 0;
  const scratch = arena.allocF64(c.scratchSize(K, d, B));
  writeLogConstants(c, arena, p, weights, chol, logConst);
  for (let r0 = 0; r0 < X.rows; r0 += rows) {
    const m = Math.min(rows, X.rows - r0);
    arena.f64(x, m * d).set(X.data.subarray(r0 * d, (r0 + m) * d));
    c.scoreRows(x, m, d, K, type, means, chol, logConst, lse, resp, labels, scratch, B, kernels.simd ? 1 : 0, logMax, logProb);
    if (out.lse) out.lse.set(arena.f64(lse, m), r0);
    if (out.resp) out.resp.set(arena.f64(resp, m * K), r0 * K);
    if (out.labels) out.labels.set(arena.i32(labels, m), r0);
    if (out.logMaxResp) out.logMaxResp.set(arena.f64(logMax, m), r0);
    if (out.logProb) out.logProb.set(arena.f64(logProb, m * K), r0 * K);
  }
}
