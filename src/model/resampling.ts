// What the bootstraps (bootstrap-lrt.ts, bootstrap-parameters.ts) share: the JSON of a model
// to start each refit from its parameters, and the seed of each draw.
import type { GaussianMixture } from './gaussian-mixture.js';
import type { GaussianMixtureJSON } from './serialize.js';

/** A model's JSON made to start the next fit from its parameters alone (mclust's
 *  em(parameters = …)): without its bound on X, which a warm start would otherwise take as
 *  the bound before its first iteration, stopping EM early on data that happen to score near it. */
export function warmStart(gm: GaussianMixture): GaussianMixtureJSON {
  const { lowerBounds: _, ...j } = gm.toJSON();
  return { ...j, converged: false, nIter: 0, lowerBound: null, options: { ...j.options, warmStart: true } };
}

const MASK = (1n << 64n) - 1n;

/** SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijection of 64-bit integers that
 *  spreads every input bit over the output. */
function mix64(x: bigint): bigint {
  let z = (x + 0x9e3779b97f4a7c15n) & MASK;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}

/**
 * The seed of one draw, in [0, 2^53): the run's seed and the draw's indices (its test, its
 * replicate, its attempt…) folded in by mix64, so that every draw of a run has a seed of its
 * own and runs with other seeds share none (a seed plus the draw's index would give seed s
 * and seed s + 1 the same draws, shifted by one). Exact integers: the same in every runtime.
 */
export function drawSeed(seed: number, ...indices: number[]): number {
  let z = mix64(BigInt(seed));
  for (const i of indices) z = mix64(z ^ BigInt(i));
  return Number(z >> 11n);
}
