// exp and log on two lanes at once, for log-sum-exp over a block.
//
// exp (arguments ≤ 0 there):
//
//   x = k·ln2 + r, |r| ≤ ln2/2;  eʳ by its degree-13 Taylor polynomial (remainder < 1e-17);
//   eˣ = eʳ·2ᵏ with 2ᵏ built from its exponent bits; k = round(x·log₂e) (ties to even).
//
// Results below 2⁻¹⁰²² (x < −708.39) flush to 0, which only drops responsibilities
// under 1e-307. Callers pass finite or −∞ arguments only. Pure IEEE add/mul/nearest, so it rounds the same in every runtime.

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const X_MIN: f64 = -708.3964185322641;
const SHIFTER: f64 = 6755399441055744.0; // 1.5·2⁵²

// The constants live in a static table, each twice (one v128): V8 would otherwise build every
// f64x2.splat of a constant from an immediate in three instructions at each use, about half
// of expv's instructions; a load from the table is one, and can fold into the arithmetic.
const EXP_TABLE: usize = memory.data<f64>([
  X_MIN, X_MIN, LOG2E, LOG2E, SHIFTER, SHIFTER, LN2_HI, LN2_HI, LN2_LO, LN2_LO, // 0 … 64
  1.0, 1.0, 0.5, 0.5, 1.0 / 6.0, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 24.0, 1.0 / 120.0, 1.0 / 120.0, // 80 … 144
  1.0 / 720.0, 1.0 / 720.0, 1.0 / 5040.0, 1.0 / 5040.0, 1.0 / 40320.0, 1.0 / 40320.0, // 160 … 192
  1.0 / 362880.0, 1.0 / 362880.0, 1.0 / 3628800.0, 1.0 / 3628800.0, 1.0 / 39916800.0, 1.0 / 39916800.0, // 208 … 240
  1.0 / 479001600.0, 1.0 / 479001600.0, 1.0 / 6227020800.0, 1.0 / 6227020800.0, // 256, 272
], 16);

// @ts-ignore: decorator
@inline function ec(offset: usize): v128 { return v128.load(EXP_TABLE + offset); }

// @ts-ignore: decorator
@inline
export function expv(x: v128): v128 {
  const xmin = ec(0);
  const keep = f64x2.ge(x, xmin); // false for x too small (NaN never reaches here)
  // pmax is one instruction (max has NaN/−0 rules that cost several); −∞ clamps to X_MIN
  const xc = f64x2.pmax(x, xmin);
  // k = round(x·log₂e) by the 1.5·2⁵² shifter: t's low mantissa bits hold k, t − S is k exactly
  const t = f64x2.add(f64x2.mul(xc, ec(16)), ec(32));
  const k = f64x2.sub(t, ec(32));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(k, ec(48))), f64x2.mul(k, ec(64)));
  // Estrin's scheme: short dependency chains, so several exps overlap in the pipeline
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const p01 = f64x2.add(ec(80), r);
  const p23 = f64x2.add(ec(96), f64x2.mul(r, ec(112)));
  const p45 = f64x2.add(ec(128), f64x2.mul(r, ec(144)));
  const p67 = f64x2.add(ec(160), f64x2.mul(r, ec(176)));
  const p89 = f64x2.add(ec(192), f64x2.mul(r, ec(208)));
  const pab = f64x2.add(ec(224), f64x2.mul(r, ec(240)));
  const pcd = f64x2.add(ec(256), f64x2.mul(r, ec(272)));
  const q0 = f64x2.add(p01, f64x2.mul(p23, r2));
  const q1 = f64x2.add(p45, f64x2.mul(p67, r2));
  const q2 = f64x2.add(p89, f64x2.mul(pab, r2));
  const t0 = f64x2.add(q0, f64x2.mul(q1, r4));
  const t1 = f64x2.add(q2, f64x2.mul(pcd, r4));
  const poly = f64x2.add(t0, f64x2.mul(t1, r8));
  // 2^k = (k + 1023) << 52, taking k from t's low bits (the shift drops the rest)
  const scale = i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
  return v128.and(f64x2.mul(poly, scale), keep);
}

// log (arguments in [1, ∞): the sums of a log-sum-exp, whose largest term is exactly 1):
//
//   s = 2ᵉ·m with m ∈ [√½, √2);  log m = 2·atanh z = 2(z + z³/3 + … + z²³/23), z = (m−1)/(m+1)
//   (|z| ≤ 0.172, so the remainder is below 1e-17); log s = e·ln2 + log m.
const SQRT2: f64 = 1.4142135623730951;
const TWO52: f64 = 4503599627370496.0;

const LOG_TABLE: usize = memory.data<f64>([
  1.0, 1.0, SQRT2, SQRT2, 0.5, 0.5, TWO52 + 1023.0, TWO52 + 1023.0, LN2_HI, LN2_HI, LN2_LO, LN2_LO, // 0 … 80
  1.0 / 3.0, 1.0 / 3.0, 1.0 / 5.0, 1.0 / 5.0, 1.0 / 7.0, 1.0 / 7.0, 1.0 / 9.0, 1.0 / 9.0, // 96 … 144
  1.0 / 11.0, 1.0 / 11.0, 1.0 / 13.0, 1.0 / 13.0, 1.0 / 15.0, 1.0 / 15.0, 1.0 / 17.0, 1.0 / 17.0, // 160 … 208
  1.0 / 19.0, 1.0 / 19.0, 1.0 / 21.0, 1.0 / 21.0, 1.0 / 23.0, 1.0 / 23.0, // 224 … 256
], 16);

// @ts-ignore: decorator
@inline function lc(offset: usize): v128 { return v128.load(LOG_TABLE + offset); }

// @ts-ignore: decorator
@inline
export function logv(s: v128): v128 {
  const bits = s;
  const one = lc(0);
  // m: s's mantissa with the exponent of 1.0; eb: s's biased exponent, as f64 exactly
  let m = v128.or(v128.and(bits, i64x2.splat(0x000FFFFFFFFFFFFF)), i64x2.splat(0x3FF0000000000000));
  let e = f64x2.sub(
    v128.or(i64x2.shr_u(bits, 52), i64x2.splat(0x4330000000000000)),
    lc(48));
  const big = f64x2.gt(m, lc(16));
  m = v128.bitselect(f64x2.mul(m, lc(32)), m, big);
  e = f64x2.add(e, v128.and(one, big));
  const z = f64x2.div(f64x2.sub(m, one), f64x2.add(m, one));
  const z2 = f64x2.mul(z, z);
  const z4 = f64x2.mul(z2, z2);
  const z8 = f64x2.mul(z4, z4);
  // Σₖ z²ᵏ/(2k+1), k = 0..11, by Estrin's scheme
  const a0 = f64x2.add(one, f64x2.mul(z2, lc(96)));
  const a1 = f64x2.add(lc(112), f64x2.mul(z2, lc(128)));
  const a2 = f64x2.add(lc(144), f64x2.mul(z2, lc(160)));
  const a3 = f64x2.add(lc(176), f64x2.mul(z2, lc(192)));
  const a4 = f64x2.add(lc(208), f64x2.mul(z2, lc(224)));
  const a5 = f64x2.add(lc(240), f64x2.mul(z2, lc(256)));
  const b0 = f64x2.add(a0, f64x2.mul(a1, z4));
  const b1 = f64x2.add(a2, f64x2.mul(a3, z4));
  const b2 = f64x2.add(a4, f64x2.mul(a5, z4));
  const series = f64x2.add(f64x2.add(b0, f64x2.mul(b1, z8)), f64x2.mul(b2, f64x2.mul(z8, z8)));
  const logm = f64x2.mul(f64x2.add(z, z), series);
  return f64x2.add(f64x2.mul(e, lc(64)), f64x2.add(f64x2.mul(e, lc(80)), logm));
}
