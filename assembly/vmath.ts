// exp and log on two lanes at once, for log-sum-exp over a block.
//
// exp (arguments ≤ 0 there):
//
//   x = (256·k + j)·ln2/256 + r, |r| ≤ ln2/512, j ∈ [0, 256);  eˣ = 2ᵏ · 2^(j/256) · eʳ
//   eʳ − 1 by its degree-4 Taylor polynomial q (remainder < 4e-17); s = 2^(j/256) from a
//   table of the correctly rounded values (2 KiB), its exponent field raised by k;
//   eˣ = s + s·q, so the result rounds once near s (within 1 ulp of mpmath on
//   test/vmath.test.ts's 726 points). 256k + j = round(x·256·log₂e) (ties to even). The
//   table costs two lane loads and saves nine multiply-adds over the degree-13 polynomial
//   a reduction by ln2 alone needs.
//
// Results below 2⁻¹⁰²² (x < −708.39) flush to 0, which only drops responsibilities
// under 1e-307. Callers pass finite or −∞ arguments only. Pure IEEE add/mul/nearest and
// integer bit operations, so it rounds the same in every runtime. exp(0) is exactly 1.

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-01; // low 21 bits zero: n·LN2_HI/256 is exact
const LN2_LO: f64 = 1.90821492927058770002e-10;
const X_MIN: f64 = -708.3964185322641;
/** Below this expv flushes to 0 (and expInRange is not exact). */
export const EXP_X_MIN: f64 = X_MIN;
const SHIFTER: f64 = 6755399441055744.0; // 1.5·2⁵²

// The constants live in a static table, each twice (one v128): V8 would otherwise build every
// f64x2.splat of a constant from an immediate in three instructions at each use; a load from
// the table is one, and can fold into the arithmetic.
const EXP_TABLE: usize = memory.data<f64>([
  X_MIN, X_MIN, 256.0 * LOG2E, 256.0 * LOG2E, SHIFTER, SHIFTER, LN2_HI / 256.0, LN2_HI / 256.0, // 0 … 48
  LN2_LO / 256.0, LN2_LO / 256.0, 0.0, 0.0, 0.5, 0.5, 1.0 / 6.0, 1.0 / 6.0, // 64 … 112 (80 unused)
  1.0 / 24.0, 1.0 / 24.0, // 128
], 16);
const EXP_MASK: usize = memory.data<i64>([255, 255], 16); // the table index's bits

// 2^(j/256), j = 0 … 255, correctly rounded (mpmath at 200 bits)
const EXP2_J: usize = memory.data<f64>([
  1.0, 1.0027112750502025, 1.0054299011128027, 1.0081558981184175, 1.0108892860517005, 1.0136300849514894,
  1.016378314910953, 1.019133996077738, 1.0218971486541166, 1.0246677928971357, 1.0274459491187637, 1.030231637686041,
  1.0330248790212284, 1.0358256936019572, 1.0386341019613787, 1.041450124688316, 1.0442737824274138, 1.0471050958792898,
  1.0499440858006872, 1.0527907730046264, 1.0556451783605572, 1.0585073227945128, 1.061377227289262, 1.0642549128844645,
  1.0671404006768237, 1.0700337118202419, 1.0729348675259756, 1.075843889062791, 1.0787607977571199, 1.0816856149932152,
  1.0846183622133092, 1.0875590609177697, 1.0905077326652577, 1.0934643990728858, 1.0964290818163769, 1.099401802630222,
  1.102382583307841, 1.1053714457017412, 1.1083684117236787, 1.1113735033448175, 1.1143867425958924, 1.1174081515673693,
  1.1204377524096067, 1.12347556733302, 1.1265216186082418, 1.129575928566288, 1.1326385195987192, 1.1357094141578055,
  1.1387886347566916, 1.1418762039695616, 1.1449721444318042, 1.148076478840179, 1.1511892299529827, 1.154310420590216,
  1.1574400736337511, 1.1605782120274988, 1.1637248587775775, 1.1668800369524817, 1.1700437696832502, 1.1732160801636373,
  1.1763969916502812, 1.1795865274628758, 1.182784710984341, 1.1859915656609938, 1.189207115002721, 1.1924313825831512,
  1.1956643920398273, 1.1989061670743806, 1.202156731452703, 1.2054161090051239, 1.2086843236265816, 1.2119613992768012,
  1.215247359980469, 1.2185422298274085, 1.2218460329727576, 1.2251587936371455, 1.22848053610687, 1.2318112847340759,
  1.2351510639369334, 1.2384998981998165, 1.241857812073484, 1.245224830175258, 1.2486009771892048, 1.2519862778663162,
  1.255380757024691, 1.2587844395497165, 1.2621973503942507, 1.2656195145788063, 1.2690509571917332, 1.2724917033894028,
  1.275941778396392, 1.2794012075056693, 1.2828700160787783, 1.2863482295460256, 1.2898358734066657, 1.2933329732290895,
  1.2968395546510096, 1.3003556433796506, 1.3038812651919358, 1.3074164459346773, 1.3109612115247644, 1.3145155879493546,
  1.318079601266064, 1.3216532776031575, 1.3252366431597413, 1.3288297242059544, 1.3324325470831615, 1.3360451382041458,
  1.339667524053303, 1.3432997311868353, 1.3469417862329458, 1.3505937158920345, 1.3542555469368927, 1.3579273062129011,
  1.3616090206382248, 1.365300717204012, 1.3690024229745905, 1.3727141650876684, 1.3764359707545302, 1.380167867260238,
  1.383909881963832, 1.387662042298529, 1.3914243757719262, 1.3951969099662003, 1.3989796725383112, 1.4027726912202048,
  1.4065759938190154, 1.4103896082172707, 1.4142135623730951, 1.4180478843204152, 1.4218926021691656, 1.4257477441054942,
  1.42961333839197, 1.433489413367789, 1.4373759974489824, 1.4412731191286257, 1.4451808069770467, 1.449099089642035,
  1.4530279958490526, 1.4569675544014438, 1.460917794180647, 1.4648787441464057, 1.4688504333369818, 1.4728328908693675,
  1.4768261459394993, 1.4808302278224719, 1.4848451658727524, 1.488870989524397, 1.4929077282912648, 1.4969554117672355,
  1.5010140696264256, 1.5050837316234065, 1.5091644275934228, 1.5132561874526098, 1.5173590411982147, 1.5214730189088146,
  1.5255981507445384, 1.529734466947287, 1.533881997840956, 1.5380407738316568, 1.5422108254079407, 1.5463921831410214,
  1.550584877685, 1.5547889397770887, 1.559004400237837, 1.5632312899713576, 1.567469639965553, 1.5717194812923414,
  1.5759808451078865, 1.5802537626528246, 1.5845382652524937, 1.588834384317164, 1.593142151342267, 1.597461597908627,
  1.6017927556826934, 1.606135656416771, 1.6104903319492543, 1.6148568142048607, 1.6192351351948637, 1.6236253270173289,
  1.6280274218573478, 1.632441451987275, 1.6368674497669644, 1.6413054476440063, 1.645755478153965, 1.6502175739206177,
  1.6546917676561943, 1.6591780921616162, 1.6636765803267364, 1.6681872651305825, 1.6727101796415966, 1.6772453570178785,
  1.681792830507429, 1.6863526334483934, 1.6909247992693053, 1.6955093614893326, 1.7001063537185235, 1.7047158096580513,
  1.709337763100463, 1.713972247929926, 1.718619298122478, 1.723278947746274, 1.7279512309618377, 1.732636182022311,
  1.7373338352737062, 1.7420442251551564, 1.746767386199169, 1.7515033530318782, 1.7562521603732995, 1.761013843037584,
  1.7657884359332727, 1.7705759740635547, 1.7753764925265212, 1.7801900265154245, 1.785016611318935, 1.789856282321401,
  1.7947090750031072, 1.7995750249405351, 1.804454167806624, 1.809346539371032, 1.8142521755003989, 1.8191711121586085,
  1.8241033854070534, 1.8290490314048973, 1.8340080864093424, 1.8389805867758937, 1.843966568958626, 1.8489660695104508,
  1.8539791250833855, 1.8590057724288205, 1.864046048397789, 1.8690999899412386, 1.8741676341103, 1.8792490180565602,
  1.8843441790323345, 1.8894531543909392, 1.8945759815869656, 1.8997126981765553, 1.9048633418176741, 1.9100279502703899,
  1.9152065613971474, 1.9203992131630474, 1.925605943636125, 1.930826790987627, 1.9360617934922943, 1.9413109895286405,
  1.9465744175792332, 1.9518521162309783, 1.9571441241754002, 1.9624504802089273, 1.9677712232331759, 1.9731063922552343,
  1.978456026387951, 1.9838201648502194, 1.9891988469672663, 1.9945921121709402,
], 16);

/** One of the exponential's constants, by its byte offset in the table (0: X_MIN; 16, 32,
 *  48, 64, 96, 112 and 128: expWith's), or (expMask) the table index's mask. */
// @ts-ignore: decorator
@inline export function expConst(offset: usize): v128 { return v128.load(EXP_TABLE + offset); }
// @ts-ignore: decorator
@inline export function expMask(): v128 { return v128.load(EXP_MASK); }

// @ts-ignore: decorator
@inline
export function expv(x: v128): v128 {
  const xmin = expConst(0);
  const keep = f64x2.ge(x, xmin); // false for x too small (NaN never reaches here)
  // pmax is one instruction (max has NaN/−0 rules that cost several); −∞ clamps to X_MIN
  return v128.and(expInRange(f64x2.pmax(x, xmin)), keep);
}

/** expv for lanes in [X_MIN, 0], with expv's bits there. Lanes outside give garbage (the
 *  table index stays in bounds for any input), so a caller that masks every lane below a
 *  cutoff ≥ X_MIN to 0 itself (the E-step's normalisation, RESP_CUTOFF) saves expv's clamp
 *  and mask. */
// @ts-ignore: decorator
@inline
export function expInRange(xc: v128): v128 {
  return expWith(xc, expConst(16), expConst(32), expConst(48), expConst(64), expConst(96), expConst(112), expConst(128),
    expMask());
}

/** expInRange with its constants passed in (expConst, expMask), for a loop that loads them
 *  once before it: V8 reloads a table constant at every use in a loop, but keeps a value
 *  loaded before it in a register where the loop leaves one free (estep.ts normalizeSoft). */
// @ts-ignore: decorator
@inline
export function expWith(xc: v128, c16: v128, c32: v128, c48: v128, c64: v128, c96: v128, c112: v128, c128: v128,
  mask: v128): v128 {
  // n = 256k + j = round(x·256·log₂e) by the 1.5·2⁵² shifter: t's low mantissa bits hold n
  // (two's complement), t − S is n exactly
  const t = f64x2.add(f64x2.mul(xc, c16), c32);
  const n = f64x2.sub(t, c32);
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(n, c48)), f64x2.mul(n, c64));
  // short dependency chains, so several exps overlap in the pipeline
  const r2 = f64x2.mul(r, r);
  const p23 = f64x2.add(c96, f64x2.mul(r, c112));
  // eʳ − 1, small: adding it to 1 last (as s + s·q below) rounds once, near s
  const q = f64x2.add(r, f64x2.mul(r2, f64x2.add(p23, f64x2.mul(r2, c128))));
  // 2^(j/256) from the table, its exponent raised by k = n >> 8 (the low 12 bits of t's
  // shifted bits are k mod 2¹²; shifted to the exponent field they add k·2⁵² mod 2⁶⁴; a
  // logical shift, one instruction where x86 has no 64-bit arithmetic one, as the bits it
  // gets wrong are shifted out). X_MIN keeps k ≥ −1022, so the scaled entry stays normal.
  const j = v128.and(t, mask);
  const j0 = <usize>i64x2.extract_lane(j, 0), j1 = <usize>i64x2.extract_lane(j, 1);
  const tab = v128.load64_lane(EXP2_J + (j1 << 3), v128.load64_zero(EXP2_J + (j0 << 3)), 1);
  const scale = i64x2.add(tab, i64x2.shl(i64x2.shr_u(t, 8), 52));
  return f64x2.add(scale, f64x2.mul(scale, q));
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
