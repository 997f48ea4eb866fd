// Digamma ψ and log-gamma lnΓ for x > 0, in the core so that the variational mixture's
// constants have the same bits in every runtime (the host's Math has neither, and its log
// may differ between engines).
//
//   x ≥ 10:  ψ(x)  = ln x − 1/(2x) − Σₖ B₂ₖ / (2k·x²ᵏ)                    (asymptotic, 7 terms)
//            lnΓ(x) = (x − ½) ln x − x + ½ ln 2π + Σₖ B₂ₖ / (2k(2k−1)·x²ᵏ⁻¹)
//   x < 10:  lnΓ(2 + z) = (1 − γ) z + Σₖ≥₂ (−1)ᵏ (ζ(k) − 1) zᵏ / k   for |z| ≤ ½
//            ψ(2 + z)  = (1 − γ) + Σₖ≥₂ (−1)ᵏ (ζ(k) − 1) zᵏ⁻¹        (its derivative)
//            and the recurrences lnΓ(x) = lnΓ(x − n) + ln Πᵢ (x − i), ψ(x) = ψ(x − n) +
//            Σᵢ 1/(x − i) above 2.5 (exact arguments x − i), or lnΓ(x) = lnΓ(x + 1) − ln x,
//            ψ(x) = ψ(x + 1) − 1/x below 1.5. No large terms cancel, so lnΓ keeps its
//            relative accuracy at its roots 1 and 2.
//
// At x ≥ 10 the first omitted terms are below 1e-16 relative; the series are cut at k = 30
// (terms below 1e-18). ψ's root x₀ ≈ 1.4616 sits where ψ(x + 1) − 1/x cancels, so there
// its error is absolute (about 3e-16).

const HALF_LOG_2PI: f64 = 0.9189385332046728; // ½ ln 2π

export function digamma(x: f64): f64 {
  if (!(x > 0.0)) return NaN;
  if (x < 10.0) {
    if (x < 1.5) {
      // ψ(x) = ψ(x + 1) − 1/x, and below ½ once more
      if (x < 0.5) return digammaNear2(x) - 1.0 / (1.0 + x) - 1.0 / x;
      return digammaNear2(x - 1.0) - 1.0 / x;
    }
    // down to [1.5, 2.5): ψ(x) = ψ(x − n) + Σ 1/(x − i), exact arguments, all terms positive
    let acc: f64 = 0;
    while (x >= 2.5) {
      x -= 1.0;
      acc += 1.0 / x;
    }
    return digammaNear2(x - 2.0) + acc;
  }
  const z = 1.0 / (x * x);
  // −Σ B₂ₖ/(2k) z^k for k = 1..7, Horner from the smallest term
  const series = z * (1.0 / 12.0 - z * (1.0 / 120.0 - z * (1.0 / 252.0 - z * (1.0 / 240.0 - z * (1.0 / 132.0 -
    z * (691.0 / 32760.0 - z * (1.0 / 12.0)))))));
  return Math.log(x) - 0.5 / x - series;
}

const EULER_GAMMA: f64 = 0.5772156649015329;
// ζ(k) − 1 for k = 2..30 (the Riemann zeta function; mpmath at 40 digits, rounded to double)
const ZETA_M1: StaticArray<f64> = [
  0.6449340668482264, 0.2020569031595943, 0.08232323371113819, 0.03692775514336993, 0.01734306198444914,
  0.008349277381922827, 0.00407735619794434, 0.0020083928260822143, 0.0009945751278180853, 0.0004941886041194645,
  0.0002460865533080483, 0.00012271334757848915, 6.124813505870483e-05, 3.058823630702049e-05, 1.528225940865187e-05,
  7.637197637899763e-06, 3.81729326499984e-06, 1.908212716553939e-06, 9.539620338727962e-07, 4.769329867878064e-07,
  2.38450502727733e-07, 1.1921992596531106e-07, 5.960818905125948e-08, 2.980350351465228e-08, 1.4901554828365043e-08,
  7.45071178983543e-09, 3.725334024788457e-09, 1.862659723513049e-09, 9.313274324196682e-10,
];

/** ln(1 + x) without the rounding of 1 + x (Goldberg's correction). */
function log1p(x: f64): f64 {
  const u = 1.0 + x;
  return u == 1.0 ? x : Math.log(u) * (x / (u - 1.0));
}

/** lnΓ(2 + z) for |z| ≤ ½ by its Taylor series about 2 (Horner from the smallest term). */
function lgammaNear2(z: f64): f64 {
  let s: f64 = 0;
  for (let k = 30; k >= 2; k--) {
    const c = unchecked(ZETA_M1[k - 2]) / <f64>k;
    s = (k & 1 ? -c : c) + z * s;
  }
  return (1.0 - EULER_GAMMA) * z + z * z * s;
}

/** ψ(2 + z) for |z| ≤ ½: the derivative of lgammaNear2's series. */
function digammaNear2(z: f64): f64 {
  let s: f64 = 0;
  for (let k = 30; k >= 2; k--) {
    const c = unchecked(ZETA_M1[k - 2]);
    s = (k & 1 ? -c : c) + z * s;
  }
  return (1.0 - EULER_GAMMA) + z * s;
}

export function lgamma(x: f64): f64 {
  if (!(x > 0.0)) return NaN;
  if (x < 10.0) {
    if (x < 1.5) {
      // lnΓ(x) = lnΓ(x + 1) − ln x, and below ½ once more: lnΓ(2 + x) − ln(1 + x) − ln x
      if (x < 0.5) return lgammaNear2(x) - log1p(x) - Math.log(x);
      return lgammaNear2(x - 1.0) - Math.log(x);
    }
    // down to [1.5, 2.5): x − i is exact for x ≥ 1
    let prod: f64 = 1;
    while (x >= 2.5) {
      x -= 1.0;
      prod *= x;
    }
    return lgammaNear2(x - 2.0) + Math.log(prod);
  }
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingTail(x);
}

/** Σ B₂ₖ/(2k(2k−1)) x^(1−2k) for k = 1..7: lnΓ(x) less its leading terms, for x ≥ 10. */
function stirlingTail(x: f64): f64 {
  const z = 1.0 / (x * x);
  return (1.0 / 12.0 - z * (1.0 / 360.0 - z * (1.0 / 1260.0 - z * (1.0 / 1680.0 - z * (1.0 / 1188.0 -
    z * (691.0 / 360360.0 - z * (1.0 / 156.0))))))) / x;
}

/**
 * ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a + b). With y = max(a, b) ≥ 10 and x the other, the
 * two large terms are taken together from Stirling's series, so they do not cancel:
 *   lnΓ(y) − lnΓ(x + y) = −(y − ½) ln(1 + x/y) − x ln(x + y) + x + ω(y) − ω(x + y)
 * (ω the series' tail); the direct sum loses everything once y ≫ 1/ε·x.
 */
export function betaln(a: f64, b: f64): f64 {
  const x = min(a, b), y = max(a, b);
  if (y < 10.0) return lgamma(a) + lgamma(b) - lgamma(a + b);
  const s = x + y;
  const diff = -(y - 0.5) * log1p(x / y) - x * Math.log(s) + x + (stirlingTail(y) - stirlingTail(s));
  return lgamma(x) + diff;
}
