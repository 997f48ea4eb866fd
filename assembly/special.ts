// Digamma ψ and log-gamma lnΓ for x > 0, in the core so that the variational mixture's
// constants have the same bits in every runtime (the host's Math has neither, and its log
// may differ between engines).
//
//   x ≥ 10:  ψ(x)  = ln x − 1/(2x) − Σₖ B₂ₖ / (2k·x²ᵏ)                    (asymptotic, 7 terms)
//            lnΓ(x) = (x − ½) ln x − x + ½ ln 2π + Σₖ B₂ₖ / (2k(2k−1)·x²ᵏ⁻¹)
//   x < 10:  ψ(x)  = ψ(x + n) − Σᵢ<ₙ 1/(x + i)
//            lnΓ(x) = lnΓ(x + n) − ln Πᵢ<ₙ (x + i)          (n: the steps up to 10)
//
// At x ≥ 10 the first omitted terms are below 1e-16 relative. The recurrences lose a few
// ulp; ψ has a root at x₀ ≈ 1.4616 where its error is absolute (about 3e-16), and lnΓ
// has roots at 1 and 2 where the same holds.

const HALF_LOG_2PI: f64 = 0.9189385332046728; // ½ ln 2π

export function digamma(x: f64): f64 {
  if (!(x > 0.0)) return NaN;
  let acc: f64 = 0;
  while (x < 10.0) {
    acc += 1.0 / x;
    x += 1.0;
  }
  const z = 1.0 / (x * x);
  // −Σ B₂ₖ/(2k) z^k for k = 1..7, Horner from the smallest term
  const series = z * (1.0 / 12.0 - z * (1.0 / 120.0 - z * (1.0 / 252.0 - z * (1.0 / 240.0 - z * (1.0 / 132.0 -
    z * (691.0 / 32760.0 - z * (1.0 / 12.0)))))));
  return Math.log(x) - 0.5 / x - series - acc;
}

export function lgamma(x: f64): f64 {
  if (!(x > 0.0)) return NaN;
  let prod: f64 = 1;
  while (x < 10.0) {
    prod *= x;
    x += 1.0;
  }
  const z = 1.0 / (x * x);
  // Σ B₂ₖ/(2k(2k−1)) x^(1−2k) for k = 1..7
  const series = (1.0 / 12.0 - z * (1.0 / 360.0 - z * (1.0 / 1260.0 - z * (1.0 / 1680.0 - z * (1.0 / 1188.0 -
    z * (691.0 / 360360.0 - z * (1.0 / 156.0))))))) / x;
  const big = (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series;
  return prod == 1.0 ? big : big - Math.log(prod);
}

/** ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a + b). */
export function betaln(a: f64, b: f64): f64 {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}
