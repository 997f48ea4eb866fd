// initParams 'hc' against R's mclust 6.0.0 (test/fixtures/generate_hc.R): the merges of
// hc(X, "VVV", use = "SVD"), hclass's classifications, and Mclust() fits from them.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { core } from '../src/core/core.js';
import { Arena } from '../src/core/arena.js';
import { hcClasses, hcMerges } from '../src/fit/hc-start.js';
import { loadCore } from './helpers.js';

interface Case {
  name: string; n: number; d: number; x: number[]; z: number[]; zCols: number; pairs: number[]; pairsOfZ: number[];
  classes: Record<string, number[]>;
  fits: { G: number; model: string; loglik: number; bic: number; pro: number[]; mean: number[] }[];
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/hc.json', import.meta.url), 'utf8')) as { cases: Case[] };

beforeAll(loadCore);

function merges(x: number[], n: number, d: number): Int32Array {
  const c = core();
  return hcMerges(c, new Arena(c), Float64Array.from(x), n, d);
}

describe('mclust hc', () => {
  for (const k of fx.cases) {
    it(`${k.name}: hcVVV on R's transformed data merges as R's`, () => {
      const c = core(), arena = new Arena(c);
      const z = arena.put(k.z), work = arena.allocF64(c.hcWorkSize(k.n, k.zCols)), pairs = arena.alloc(8 * (k.n - 1));
      c.hcVVV(z, k.n, k.zCols, work, pairs);
      const got = Array.from(arena.i32(pairs, 2 * (k.n - 1)));
      const first = got.findIndex((v, i) => v !== k.pairsOfZ[i]);
      expect(first, `first difference at merge ${first >> 1}`).toBe(-1);
    });
    it(`${k.name}: hc(X) merges and hclass as R's`, () => {
      const got = merges(k.x, k.n, k.d);
      const first = Array.from(got).findIndex((v, i) => v !== k.pairs[i]);
      expect(first, `first difference at merge ${first >> 1}`).toBe(-1);
      for (const G of Object.keys(k.classes)) {
        expect(Array.from(hcClasses(got, k.n, Number(G))).map((l) => l + 1)).toEqual(k.classes[G]);
      }
    });
  }
});
