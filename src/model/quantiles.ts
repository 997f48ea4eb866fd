// Quantiles for bootstrap summaries, as R computes them: the sample quantile of type 7
// (R's quantile() default) and the standard normal quantile by Wichura's AS 241 (R's qnorm),
// with the core's log so that the same bits come out in every runtime.
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
