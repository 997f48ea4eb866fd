// The normal distribution and sample quantiles as R computes them: the sample quantile of type
// 7 (R's quantile() default), the standard normal quantile by Wichura's AS 241 (R's qnorm) and
// distribution function by Cody's algorithm (R's pnorm), with the core's log and exp so that
// the same bits come out in every runtime.
import { core } from '../core/core.js';

/**
 * R's quantile(x, p, type = 7) of the numbers that are not NaN (NaN when none): with the
 * sorted values x₁ ≤ … ≤ xₘ and h = 1 + (m − 1)p, lo = ⌊h⌋, hi = ⌈h⌉,
 *   q = x_lo, or (1 − (h − lo))·x_lo + (h − lo)·x_hi where h > lo and x_hi ≠ x_lo.
 */
export function quantile7(values: ArrayLike<number>, p: number): number {
  const x = Float64Array.from(values).filter((v) => !Number.isNaN(v)).sort();
  const m = x.length;
  if (m === 0) return NaN;
  const h = 1 + Math.max(m - 1, 0) * p, lo = Math.floor(h), hi = Math.ceil(h);
  const q = x[lo - 1];
  if (!(h > lo && x[hi - 1] !== q)) return q;
  const f = h - lo;
  return (1 - f) * q + f * x[hi - 1];
}

/** The mean and the sample standard deviation (n − 1 divisor, R's sd) of the numbers that
 *  are not NaN. */
export function meanAndSd(values: ArrayLike<number>): { mean: number; sd: number; count: number } {
  let n = 0, sum = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) { n++; sum += values[i]; }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) ss += (values[i] - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN, count: n };
}

/**
 * The standard normal quantile Φ⁻¹(p), p in (0, 1): Wichura (1988), AS 241 PPND16, as R's
 * qnorm: a rational function of q = p − ½ near the centre, of r = √(−ln min(p, 1 − p)) in
 * the tails (relative error about 1e-16).
 */
export function normalQuantile(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
      45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r +
      3.387132872796366608) / (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
      21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r + 42.313330701600911252) * r + 1);
  }
  let r = Math.sqrt(-core().ln(q < 0 ? p : 1 - p)), v: number;
  if (r <= 5) {
    r -= 1.6;
    v = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
      1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r +
      1.42343711074968357734) / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
      0.0151986665636164571966) * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
      2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    v = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
      0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r +
      6.6579046435011037772) / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
      1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r +
      0.13692988092273580531) * r + 0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -v : v;
}

const PA = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const PB = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const PC = [0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8];
const PD = [22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727];
const PP = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5,
  0.02307344176494017303];
const PQ = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];

/**
 * The standard normal distribution function Φ(x) (lower tail), by Cody (1993), as R's pnorm:
 * a rational function of x² near 0 (|x| ≤ Φ⁻¹(¾)), else exp(−x²/2) times one of |x| (to √32)
 * or of 1/x², the square split as R splits it so that its exp loses no digits; 0 and 1 past
 * R 4's cut-offs (−37.5193, 8.2924). The core's exp may differ from the C library's in the
 * last bit.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const c = core(), y = Math.abs(x);
  if (y <= 0.67448975) {
    let num = 0, den = 0;
    if (y > 1.11e-16) {
      const xsq = x * x;
      num = PA[4] * xsq;
      den = xsq;
      for (let i = 0; i < 3; i++) {
        num = (num + PA[i]) * xsq;
        den = (den + PB[i]) * xsq;
      }
    }
    return 0.5 + (x * (num + PA[3])) / (den + PB[3]);
  }
  let tail: number;
  if (y <= 5.656854249492380195206754896838) {
    let num = PC[8] * y, den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + PC[i]) * y;
      den = (den + PD[i]) * y;
    }
    tail = split(c, y) * ((num + PC[7]) / (den + PD[7]));
  } else if (x > -37.5193 && x < 8.2924) {
    const xsq = 1 / (x * x);
    let num = PP[5] * xsq, den = xsq;
    for (let i = 0; i < 4; i++) {
      num = (num + PP[i]) * xsq;
      den = (den + PQ[i]) * xsq;
    }
    const t = (xsq * (num + PP[4])) / (den + PQ[4]);
    tail = split(c, y) * ((0.398942280401432677939946059934 - t) / y);
  } else {
    // beyond R's cut-offs: its lower tail is 0 below −37.5193 and 1 above 8.2924
    return x > 0 ? 1 : 0;
  }
  return x > 0 ? 1 - tail : tail;
}

/** exp(−y²/2) as R takes it: y split at 1/16 so that the square of its first part is exact. */
function split(c: { exp: (x: number) => number }, y: number): number {
  const ysq = Math.trunc(y * 16) / 16, del = (y - ysq) * (y + ysq);
  return c.exp(-ysq * ysq * 0.5) * c.exp(-del * 0.5);
}
