// WebAssembly SIMD f64 peak microkernel (AssemblyScript, compiled by bench/peak.js with
// `asc --enable simd -O3`). Each call runs `iters` rounds of
//
//   accᵢ ← accᵢ · m + c        (f64x2.mul then f64x2.add, i = 0 … A−1)
//
// on A independent f64x2 accumulators, so the loop is bound by multiply/add throughput,
// not by the latency of one dependency chain. One round = A × 2 lanes × 2 flops.
// m and c are arguments (no constant folding); m·c chosen by the caller keep every
// accumulator at a fixed point-ish normal value (no overflow, no denormals).

// @ts-ignore: decorator
@inline function round(a: v128, m: v128, c: v128): v128 {
  return f64x2.add(f64x2.mul(a, m), c);
}

function lanes(a: v128): f64 {
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
}

/** 4 accumulators. */
export function peak4(iters: i32, mul: f64, add: f64): f64 {
  const m = f64x2.splat(mul), c = f64x2.splat(add);
  let a0 = f64x2.splat(1.0), a1 = f64x2.splat(1.1), a2 = f64x2.splat(1.2), a3 = f64x2.splat(1.3);
  for (let i = 0; i < iters; i++) {
    a0 = round(a0, m, c); a1 = round(a1, m, c); a2 = round(a2, m, c); a3 = round(a3, m, c);
  }
  return lanes(a0) + lanes(a1) + lanes(a2) + lanes(a3);
}

/** 8 accumulators. */
export function peak8(iters: i32, mul: f64, add: f64): f64 {
  const m = f64x2.splat(mul), c = f64x2.splat(add);
  let a0 = f64x2.splat(1.0), a1 = f64x2.splat(1.1), a2 = f64x2.splat(1.2), a3 = f64x2.splat(1.3);
  let a4 = f64x2.splat(1.4), a5 = f64x2.splat(1.5), a6 = f64x2.splat(1.6), a7 = f64x2.splat(1.7);
  for (let i = 0; i < iters; i++) {
    a0 = round(a0, m, c); a1 = round(a1, m, c); a2 = round(a2, m, c); a3 = round(a3, m, c);
    a4 = round(a4, m, c); a5 = round(a5, m, c); a6 = round(a6, m, c); a7 = round(a7, m, c);
  }
  return lanes(a0) + lanes(a1) + lanes(a2) + lanes(a3) + lanes(a4) + lanes(a5) + lanes(a6) + lanes(a7);
}

/** 12 accumulators. */
export function peak12(iters: i32, mul: f64, add: f64): f64 {
  const m = f64x2.splat(mul), c = f64x2.splat(add);
  let a0 = f64x2.splat(1.0), a1 = f64x2.splat(1.1), a2 = f64x2.splat(1.2), a3 = f64x2.splat(1.3);
  let a4 = f64x2.splat(1.4), a5 = f64x2.splat(1.5), a6 = f64x2.splat(1.6), a7 = f64x2.splat(1.7);
  let a8 = f64x2.splat(1.8), a9 = f64x2.splat(1.9), a10 = f64x2.splat(2.0), a11 = f64x2.splat(2.1);
  for (let i = 0; i < iters; i++) {
    a0 = round(a0, m, c); a1 = round(a1, m, c); a2 = round(a2, m, c); a3 = round(a3, m, c);
    a4 = round(a4, m, c); a5 = round(a5, m, c); a6 = round(a6, m, c); a7 = round(a7, m, c);
    a8 = round(a8, m, c); a9 = round(a9, m, c); a10 = round(a10, m, c); a11 = round(a11, m, c);
  }
  return lanes(a0) + lanes(a1) + lanes(a2) + lanes(a3) + lanes(a4) + lanes(a5) +
    lanes(a6) + lanes(a7) + lanes(a8) + lanes(a9) + lanes(a10) + lanes(a11);
}

/** 16 accumulators (may spill on 16-register machines; the best count is taken). */
export function peak16(iters: i32, mul: f64, add: f64): f64 {
  const m = f64x2.splat(mul), c = f64x2.splat(add);
  let a0 = f64x2.splat(1.0), a1 = f64x2.splat(1.1), a2 = f64x2.splat(1.2), a3 = f64x2.splat(1.3);
  let a4 = f64x2.splat(1.4), a5 = f64x2.splat(1.5), a6 = f64x2.splat(1.6), a7 = f64x2.splat(1.7);
  let a8 = f64x2.splat(1.8), a9 = f64x2.splat(1.9), a10 = f64x2.splat(2.0), a11 = f64x2.splat(2.1);
  let a12 = f64x2.splat(2.2), a13 = f64x2.splat(2.3), a14 = f64x2.splat(2.4), a15 = f64x2.splat(2.5);
  for (let i = 0; i < iters; i++) {
    a0 = round(a0, m, c); a1 = round(a1, m, c); a2 = round(a2, m, c); a3 = round(a3, m, c);
    a4 = round(a4, m, c); a5 = round(a5, m, c); a6 = round(a6, m, c); a7 = round(a7, m, c);
    a8 = round(a8, m, c); a9 = round(a9, m, c); a10 = round(a10, m, c); a11 = round(a11, m, c);
    a12 = round(a12, m, c); a13 = round(a13, m, c); a14 = round(a14, m, c); a15 = round(a15, m, c);
  }
  return lanes(a0) + lanes(a1) + lanes(a2) + lanes(a3) + lanes(a4) + lanes(a5) + lanes(a6) + lanes(a7) +
    lanes(a8) + lanes(a9) + lanes(a10) + lanes(a11) + lanes(a12) + lanes(a13) + lanes(a14) + lanes(a15);
}

/** Scalar f64 reference with 8 accumulators (the same flops, one lane). */
export function scalar8(iters: i32, mul: f64, add: f64): f64 {
  let a0: f64 = 1.0, a1: f64 = 1.1, a2: f64 = 1.2, a3: f64 = 1.3, a4: f64 = 1.4, a5: f64 = 1.5, a6: f64 = 1.6, a7: f64 = 1.7;
  for (let i = 0; i < iters; i++) {
    a0 = a0 * mul + add; a1 = a1 * mul + add; a2 = a2 * mul + add; a3 = a3 * mul + add;
    a4 = a4 * mul + add; a5 = a5 * mul + add; a6 = a6 * mul + add; a7 = a7 * mul + add;
  }
  return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}
