// Accumulation of one block of rows into the statistics (stats.ts's layout): the scalar
// reference path over row-major rows, and the SIMD path over a pair block, which picks the
// kernels by covariance type (scatter.ts: full and tied; sums.ts: diag and spherical).

import { FULL, TIED, DIAG, SPHERICAL } from './types';
import { hsum } from './block';
import { massPtr, sumPtr, scatterPtr } from './stats';
import { addTo, nonzeroPairs, massPass, featureSums, featureSums4, diagBlock, SQUARES, TRACE } from './sums';
import { accumulate2, componentScatter, tiedBlock } from './scatter';

/** Scalar accumulation of the statistics for rows [r0, r0+rows) given weighted
 *  responsibilities resp (rows×K, already multiplied by the sample weight). tmp: d f64. */
export function accumulateScalar(
  x: usize, r0: i32, rows: i32, d: i32, K: i32, type: i32,
  resp: usize, shift: usize, stats: usize, tmp: usize
): void {
  const mass = massPtr(stats);
  const sum = sumPtr(stats, K);
  const scat = scatterPtr(stats, K, d);
  for (let k = 0; k < K; k++) {
    const c = shift + (<usize>(k * d) << 3);
    const sk = sum + (<usize>(k * d) << 3);
    const Sk = type == FULL ? scat + (<usize>(k * d * d) << 3)
      : type == TIED ? scat : type == DIAG ? scat + (<usize>(k * d) << 3) : scat + (<usize>k << 3);
    let m: f64 = 0;
    for (let r = 0; r < rows; r++) {
      const a = load<f64>(resp + (<usize>(r * K + k) << 3));
      if (a == 0.0) continue;
      m += a;
      const xr = x + (<usize>((r0 + r) * d) << 3);
      for (let i = 0; i < d; i++) {
        const t = load<f64>(xr + (<usize>i << 3)) - load<f64>(c + (<usize>i << 3));
        store<f64>(tmp + (<usize>i << 3), t);
        store<f64>(sk + (<usize>i << 3), load<f64>(sk + (<usize>i << 3)) + a * t);
      }
      if (type == FULL || type == TIED) {
        for (let i = 0; i < d; i++) {
          const ai = a * load<f64>(tmp + (<usize>i << 3));
          const row = Sk + (<usize>(i * d) << 3);
          for (let j = i; j < d; j++) {
            const p = row + (<usize>j << 3);
            store<f64>(p, load<f64>(p) + ai * load<f64>(tmp + (<usize>j << 3)));
          }
        }
      } else if (type == DIAG) {
        for (let i = 0; i < d; i++) {
          const t = load<f64>(tmp + (<usize>i << 3));
          const p = Sk + (<usize>i << 3);
          store<f64>(p, load<f64>(p) + a * t * t);
        }
      } else {
        let tr: f64 = 0;
        for (let i = 0; i < d; i++) {
          const t = load<f64>(tmp + (<usize>i << 3));
          tr += t * t;
        }
        store<f64>(Sk, load<f64>(Sk) + a * tr);
      }
    }
    store<f64>(mass + (<usize>k << 3), load<f64>(mass + (<usize>k << 3)) + m);
  }
}

// ---------------------------------------------------------------------------------------
// SIMD path over a pair block (see block.ts). resp: K·P v128 weighted responsibilities.
// For each component, over its kept pairs: D = x − c and A = r·D (full/tied: compacted into
// dbuf/abuf, pair-major) and the upper triangle of Aᵀ D in 2×4 register tiles, or Σ A and the
// diagonal Σ A·D two features per pass (diag; the sums alone four: featureSums4), or
// the trace (spherical: from the E-step's Σᵢ(xᵢ−μᵢ)² in ss, K·P v128, valid because the EM
// pass shifts by the current means; computed from D when ss is 0).

/** Adds a pair block's statistics for all K components. Kept pairs: from lists (written
 *  by estep.ts normalizeBlock: K·P i32, then K counts) or, when lists is 0, found here
 *  into idx (P i32). fac: the per-pair factors of a deferred normalisation, or 0. With lists,
 *  the pair weights wt and a workspace (scratch.ts sTied), tied with d > 2 may go through
 *  tiedBlock (tiedCache: the block's cache of its first term, or 0) and diag with d ≥ 4
 *  through diagBlock (its Y in dbuf and on into abuf). */
export function accumulateBlock(xt: usize, P: i32, d: i32, K: i32, type: i32, resp: usize, shift: usize,
  stats: usize, ss: usize, dbuf: usize, abuf: usize, idx: usize, fac: usize, lists: usize, wt: usize, work: usize,
  tiedCache: usize): void {
  // with lists (EM), idx (B f64: room for 2B i32) is free: componentScatter's re-paired rows
  const rows = lists ? idx : 0;
  if ((type == TIED && d > 2 || type == DIAG && d >= 4) && lists && wt && work) {
    // from two kept components per pair on (overlapping clusters); below, the per-block
    // work (tied: one rank-1 term per pair; diag: Y) costs more than it saves. Diag with
    // d < 4 would compute more padding than features in its passes of four
    let kept = 0;
    for (let k = 0; k < K; k++) kept += load<i32>(lists + (<usize>(K * P + k) << 2));
    if (kept >= 2 * P) {
      if (type == TIED) tiedBlock(xt, P, d, K, resp, shift, stats, dbuf, abuf, fac, lists, wt, work, rows, tiedCache);
      else diagBlock(xt, P, d, K, resp, shift, stats, dbuf, fac, lists, work);
      return;
    }
  }
  const mass = massPtr(stats);
  const sum = sumPtr(stats, K);
  const scat = scatterPtr(stats, K, d);
  for (let k = 0; k < K; k++) {
    const R = resp + (<usize>(k * P) << 4);
    const c = shift + (<usize>(k * d) << 3);
    const sk = sum + (<usize>(k * d) << 3);
    let n: i32;
    if (lists) {
      idx = lists + (<usize>(k * P) << 2);
      n = load<i32>(lists + (<usize>(K * P + k) << 2));
      if (d == 2 && (type == FULL || type == TIED)) {
        accumulate2(xt, P, R, c, idx, n, fac, mass + (<usize>k << 3), sk, type == FULL ? scat + (<usize>(k * 4) << 3) : scat);
        continue;
      }
    } else {
      n = nonzeroPairs(R, P, idx, fac);
    }
    if (n == 0) continue;
    // the deferred normalisation (EM; nonzeroPairs applied it already) and the mass; for
    // spherical in EM, in the first pass of the sums, with the trace from the E-step's ss
    const ss2 = type == SPHERICAL && ss ? ss + (<usize>(k * P) << 4) : 0;
    if (ss2) {
      // spherical in EM: the mass and trace in the first pass of the sums
      addTo(mass + (<usize>k << 3), featureSums4(xt, P, d, 0, R, c, idx, n, sk, true, lists ? fac : 0, ss2, scat + (<usize>k << 3)));
      for (let i = 4; i < d; i += 4) featureSums4(xt, P, d, i, R, c, idx, n, sk);
      continue;
    }
    addTo(mass + (<usize>k << 3), massPass(R, idx, n, lists ? fac : 0));
    if (type == FULL || type == TIED) {
      componentScatter(xt, P, d, R, c, idx, n, dbuf, abuf, type == FULL ? scat + (<usize>(k * d * d) << 3) : scat, sk, true,
        lists ? rows : 0);
    } else if (type == DIAG) {
      const Sk = scat + (<usize>(k * d) << 3);
      for (let i = 0; i < d; i += 2) featureSums(xt, P, d, i, R, c, idx, n, sk, Sk, SQUARES);
    } else {
      // spherical without the E-step's ss (an initialisation): the sums and the trace here
      let tr = f64x2.splat(0);
      for (let i = 0; i < d; i += 2) tr = f64x2.add(tr, featureSums(xt, P, d, i, R, c, idx, n, sk, 0, TRACE));
      addTo(scat + (<usize>k << 3), hsum(tr));
    }
  }
}
