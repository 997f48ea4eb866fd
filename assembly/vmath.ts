// exp and log on two lanes at once, for log-sum-exp over a block.
//
// exp (arguments ≤ 0 there):
//
//   x = (32·k + j)·ln2/32 + r, |r| ≤ ln2/64, j ∈ [0, 32);  eˣ = 2ᵏ · 2^(j/32) · eʳ
//   eʳ − 1 by its degree-6 Taylor polynomial q (remainder < 4e-18); s = 2^(j/32) from a table
//   of the correctly rounded values, its exponent field raised by k; eˣ = s + s·q, so the
//   result rounds once near s (within 1 ulp of mpmath on test/vmath.test.ts's 726 points).
//   32k + j = round(x·32·log₂e) (ties to even). The table costs two lane loads and saves
//   seven multiply-adds over the degree-13 polynomial a reduction by ln2 alone needs.
//
// Results below 2⁻¹⁰²² (x < −708.39) flush to 0, which only drops responsibilities
// under 1e-307. Callers pass finite or −∞ arguments only. Pure IEEE add/mul/nearest and
// integer bit operations, so it rounds the same in every runtime. exp(0) is exactly 1.

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-01; // low 21 bits zero: k·LN2_HI/32 is exact
const LN2_LO: f64 = 1.90821492927058770002e-10;
const X_MIN: f64 = -708.3964185322641;
const SHIFTER: f64 = 6755399441055744.0; // 1.5·2⁵²

// The constants live in a static table, each twice (one v128): V8 would otherwise build every
// f64x2.splat of a constant from an immediate in three instructions at each use; a load from
// the table is one, and can fold into the arithmetic.
const EXP_TABLE: usize = memory.data<f64>([
  X_MIN, X_MIN, 32.0 * LOG2E, 32.0 * LOG2E, SHIFTER, SHIFTER, LN2_HI / 32.0, LN2_HI / 32.0, // 0 … 48
  LN2_LO / 32.0, LN2_LO / 32.0, 0.0, 0.0, 0.5, 0.5, 1.0 / 6.0, 1.0 / 6.0, // 64 … 112 (80 unused)
  1.0 / 24.0, 1.0 / 24.0, 1.0 / 120.0, 1.0 / 120.0, 1.0 / 720.0, 1.0 / 720.0, // 128 … 160
], 16);
const EXP_MASK: usize = memory.data<i64>([31, 31], 16); // the table index's bits

// 2^(j/32), j = 0 … 31, correctly rounded (mpmath at 200 bits)
const EXP2_J: usize = memory.data<f64>([
  1.0, 1.0218971486541166, 1.0442737824274138, 1.0671404006768237, 1.0905077326652577, 1.1143867425958924,
  1.1387886347566916, 1.1637248587775775, 1.189207115002721, 1.215247359980469, 1.241857812073484,
  1.2690509571917332, 1.2968395546510096, 1.3252366431597413, 1.3542555469368927, 1.383909881963832,
  1.4142135623730951, 1.4451808069770467, 1.4768261459394993, 1.5091644275934228, 1.5422108254079407,
  1.5759808451078865, 1.6104903319492543, 1.645755478153965, 1.681792830507429, 1.718619298122478,
  1.7562521603732995, 1.7947090750031072, 1.8340080864093424, 1.8741676341103, 1.9152065613971474,
  1.9571441241754002,
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
  // n = 32k + j = round(x·32·log₂e) by the 1.5·2⁵² shifter: t's low mantissa bits hold n
  // (two's complement), t − S is n exactly
  const t = f64x2.add(f64x2.mul(xc, ec(16)), ec(32));
  const n = f64x2.sub(t, ec(32));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(n, ec(48))), f64x2.mul(n, ec(64)));
  // Estrin's scheme: short dependency chains, so several exps overlap in the pipeline
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const p23 = f64x2.add(ec(96), f64x2.mul(r, ec(112)));
  const p45 = f64x2.add(ec(128), f64x2.mul(r, ec(144)));
  const q1 = f64x2.add(p45, f64x2.mul(ec(160), r2));
  // eʳ − 1, small: adding it to 1 last (as s + s·q below) rounds once, near s
  const q = f64x2.add(r, f64x2.add(f64x2.mul(p23, r2), f64x2.mul(q1, r4)));
  // 2^(j/32) from the table, its exponent raised by k = n >> 5 (the low 12 bits of t's
  // shifted bits are k mod 2¹²; shifted to the exponent field they add k·2⁵² mod 2⁶⁴; a
  // logical shift, one instruction where x86 has no 64-bit arithmetic one, as the bits it
  // gets wrong are shifted out). X_MIN keeps k ≥ −1022, so the scaled entry stays normal.
  const j = v128.and(t, v128.load(EXP_MASK));
  const j0 = <usize>i64x2.extract_lane(j, 0), j1 = <usize>i64x2.extract_lane(j, 1);
  const tab = v128.load64_lane(EXP2_J + (j1 << 3), v128.load64_zero(EXP2_J + (j0 << 3)), 1);
  const scale = i64x2.add(tab, i64x2.shl(i64x2.shr_u(t, 5), 52));
  return v128.and(f64x2.add(scale, f64x2.mul(scale, q)), keep);
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

/** x[i] ← exp x[i] (expv) for n f64, x 16-byte aligned; for the tests' accuracy check
 *  against mpmath. An odd n takes its last value alone. */
export function expBlock(x: usize, n: i32): void {
  for (let i = 0; i + 1 < n; i += 2) v128.store(x + (<usize>i << 3), expv(v128.load(x + (<usize>i << 3))));
  if (n & 1) store<f64>(x + (<usize>(n - 1) << 3), f64x2.extract_lane(expv(f64x2.splat(load<f64>(x + (<usize>(n - 1) << 3)))), 0));
}

/** x[i] ← log x[i] (logv, x[i] ≥ 1) for n f64, as expBlock. */
export function logBlock(x: usize, n: i32): void {
  for (let i = 0; i + 1 < n; i += 2) v128.store(x + (<usize>i << 3), logv(v128.load(x + (<usize>i << 3))));
  if (n & 1) store<f64>(x + (<usize>(n - 1) << 3), f64x2.extract_lane(logv(f64x2.splat(load<f64>(x + (<usize>(n - 1) << 3)))), 0));
}
