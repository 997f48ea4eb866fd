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

/** Seeds the generator for one stream (a chunk) of a 64-bit seed: the streams of one seed
 *  are independent, and each depends only on (seed, stream). */
export function rngSeedStream(lo: u32, hi: u32, stream: u32): void {
  const x: u64 = splitmix((<u64>hi << 32) | <u64>lo) ^ splitmix(<u64>stream + 0x632BE59BD9B4E019);
  rngSeed(<u32>x, <u32>(x >> 32));
}

/** A uniform draw in [0, 1) for the wrapper's own draws. */
export function rngUniform(): f64 {
  return uniform();
}

/** Saves the generator's state (6 × 8 bytes) at p, so a caller can seed streams and then
 *  continue the main one with rngLoad. */
export function rngSave(p: usize): void {
  store<u64>(p, s0);
  store<u64>(p, s1, 8);
  store<u64>(p, s2, 16);
  store<u64>(p, s3, 24);
  store<f64>(p, spare, 32);
  store<u64>(p, hasSpare ? 1 : 0, 40);
}

export function rngLoad(p: usize): void {
  s0 = load<u64>(p);
  s1 = load<u64>(p, 8);
  s2 = load<u64>(p, 16);
  s3 = load<u64>(p, 24);
  spare = load<f64>(p, 32);
  hasSpare = load<u64>(p, 40) != 0;
}
