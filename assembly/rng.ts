// Seeded PRNG: xoshiro256** seeded through splitmix64. Pure integer arithmetic plus the
// core's own log/sqrt, so a seed gives bit-identical streams in every runtime.

let s0: u64 = 1;
let s1: u64 = 2;
let s2: u64 = 3;
let s3: u64 = 4;
let spare: f64 = 0;
let hasSpare: bool = false;

function splitmix(x: u64): u64 {
  let z = x + 0x9E3779B97F4A7C15;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  return z ^ (z >> 31);
}

/** Seed the generator from a 64-bit seed given as two 32-bit halves. */
export function rngSeed(lo: u32, hi: u32): void {
  let x: u64 = (<u64>hi << 32) | <u64>lo;
  x = splitmix(x); s0 = x;
  x = splitmix(x); s1 = x;
  x = splitmix(x); s2 = x;
  x = splitmix(x); s3 = x;
  hasSpare = false;
}

// @ts-ignore: decorator
@inline
function rotl(x: u64, k: u64): u64 {
  return (x << k) | (x >> (64 - k));
}

export function nextU64(): u64 {
  const result = rotl(s1 * 5, 7) * 9;
  const t = s1 << 17;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 45);
  return result;
}

/** Uniform in [0, 1) with 53 random bits. */
export function uniform(): f64 {
  return <f64>(nextU64() >> 11) * 1.1102230246251565e-16;
}

/** Standard normal by Marsaglia's polar method (no trigonometry). */
export function normal(): f64 {
  if (hasSpare) { hasSpare = false; return spare; }
  let u: f64, v: f64, s: f64;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const m = Math.sqrt(-2.0 * Math.log(s) / s);
  spare = v * m;
  hasSpare = true;
  return u * m;
}
