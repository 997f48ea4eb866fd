// Layout of the per-call scratch (f64 units) for blocks of B rows (B even, B ≥ 8), shared
// by the EM pass and scoring. The wrapper allocates scratchSize(K, d, B) f64.
//
//   xt d·B | wt B | lp K·B | ss K·B | dbuf d·B | abuf d·B | idx B | fac B | lists K·B/4 + K |
//   ut K·d·d + K·d + d + 1 | hdr 8 | cert 2K + 1 + d + K | tied K + K·d + d + d·d | kept K
//
// xt: a block transposed into pairs when scoring, and the tmp of pairsInPlace/rowsInPlace
// (an EM pass reads x, already in pair blocks, in place); wt: a block's pair weights; lp: log-densities then responsibilities (K·P v128);
// ss: spherical Σ(x−μ)², or the pruned full E-step's running row maxima (P v128, prune.ts, which also
// keeps its partial sums in abuf and its list of pairs in idx); dbuf/abuf: per-component differences and weighted differences
// (abuf doubles as (x−g)ᵀU for tied in the E-step, and as full's centred tiles of x − g,
// logdensity.ts fullCentred; the E-step's 4-pair tile needs dbuf ≥ 8·d, hence B ≥ 8, and
// the centred full E-step 16·d, hence B ≥ 16, which prepareBlock checks); idx: kept pair indices (i32), in an EM pass the M-step's re-paired rows (scatter.ts componentScatter) and normalizeSoft's
// row maxima (P v128, estep.ts), or, when scoring, the per-row lse; fac: per-pair normalisation factors (EM); lists: each component's kept pairs (EM,
// i32); ut: prepared precision factors (logdensity.ts prepareFactors); hdr: a statistics
// header for scoring; cert: certifyGroup's per-pass table (certify.ts certifyTable), a piece's centre and its workspace (EM, certify.ts);
// tied: scatter.ts tiedBlock's workspace (EM), or diagBlock's (K + d + 8 ≤ its size for d ≥ 3; diagBlock
// keeps its Y, 4⌈d/4⌉·P v128 ≤ 2·d·B f64, in dbuf and abuf); kept: estep.ts softPair's (EM, K i32). The scalar reference path uses the first B·K + d·d + 8.

export function scratchSize(K: i32, d: i32, B: i32): i32 {
  return max(3 * d * B + 3 * B + 2 * K * B + (K * B >> 2) + K + K * d * d + K * d + d + 1 + 8 + 3 * K + d + 1
    + K + K * d + d + d * d + K, B * K + d * d + 8);
}

// @ts-ignore: decorator
@inline export function sWt(base: usize, K: i32, d: i32, B: i32): usize { return base + (<usize>(d * B) << 3); }
// @ts-ignore: decorator
@inline export function sLp(base: usize, K: i32, d: i32, B: i32): usize { return base + (<usize>(d * B + B) << 3); }
// @ts-ignore: decorator
@inline export function sSs(base: usize, K: i32, d: i32, B: i32): usize { return base + (<usize>(d * B + B + K * B) << 3); }
// @ts-ignore: decorator
@inline export function sDbuf(base: usize, K: i32, d: i32, B: i32): usize { return base + (<usize>(d * B + B + 2 * K * B) << 3); }
// @ts-ignore: decorator
@inline export function sAbuf(base: usize, K: i32, d: i32, B: i32): usize { return base + (<usize>(2 * d * B + B + 2 * K * B) << 3); }
// @ts-ignore: decorator
@inline export function sIdx(base: usize, K: i32, d: i32, B: i32): usize { return base + (<usize>(3 * d * B + B + 2 * K * B) << 3); }
// @ts-ignore: decorator
@inline export function sFac(base: usize, K: i32, d: i32, B: i32): usize { return base + (<usize>(3 * d * B + 2 * B + 2 * K * B) << 3); }
// @ts-ignore: decorator
@inline export function sLists(base: usize, K: i32, d: i32, B: i32): usize { return base + (<usize>(3 * d * B + 3 * B + 2 * K * B) << 3); }
// @ts-ignore: decorator
@inline export function sUt(base: usize, K: i32, d: i32, B: i32): usize { return base + (<usize>(3 * d * B + 3 * B + 2 * K * B + (K * B >> 2) + K) << 3); }
// @ts-ignore: decorator
@inline export function sHdr(base: usize, K: i32, d: i32, B: i32): usize { return sUt(base, K, d, B) + (<usize>(K * d * d + K * d + d + 1) << 3); }
// @ts-ignore: decorator
@inline export function sCert(base: usize, K: i32, d: i32, B: i32): usize { return sHdr(base, K, d, B) + (8 << 3); }
// @ts-ignore: decorator
@inline export function sTied(base: usize, K: i32, d: i32, B: i32): usize { return sCert(base, K, d, B) + (<usize>(3 * K + d + 1) << 3); }
// @ts-ignore: decorator
@inline export function sKept(base: usize, K: i32, d: i32, B: i32): usize { return sTied(base, K, d, B) + (<usize>(K + K * d + d + d * d) << 3); }
