// Checks of data on their way in: fitStream copies each chunk into memory first and checks
// it here, two values a comparison, instead of value by value in JavaScript.

/** The index of the first value of x (n f64) that is not finite (NaN or ±∞), or −1.
 *  v − v is 0 for every finite v and NaN otherwise. */
export function firstNonFinite(x: usize, n: i32): i32 {
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const v = v128.load(x + (<usize>i << 3));
    if (v128.any_true(f64x2.ne(f64x2.sub(v, v), zero))) break;
  }
  for (; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    if (v - v != 0) return i;
  }
  return -1;
}
