// lowerBounds, scikit-learn's lower_bounds_ (1.7): the bound after each EM iteration of the
// fit kept, whichever way the fit ran.
import { beforeAll, describe, expect, it } from 'vitest';
import { BayesianGaussianMixture, GaussianMixture } from '../src/index.js';
import type * as Lib from '../src/entry-node.js';
import { errorCode, loadCore, overlapping, pieces, sameBits } from './helpers.js';

beforeAll(loadCore);

describe('lowerBounds', () => {
  it("is onIteration's bounds of the restart kept, nIter of them, the last lowerBound; a warm start's own; JSON keeps them", () => {
    const X = overlapping(4, 900, 2, 3);
    for (const make of [
      () => new GaussianMixture({ nComponents: 3, nInit: 3, seed: 2, tol: 1e-6 }),
      () => new BayesianGaussianMixture({ nComponents: 3, nInit: 2, seed: 2 }),
    ]) {
      const seen: number[][] = [];
      const gm = make().fit(X, { onIteration: (i) => { (seen[i.init] ??= []).push(i.lowerBound); } });
      const b = gm.lowerBounds;
      expect(b.length).toBe(gm.nIter);
      expect(b[b.length - 1]).toBe(gm.lowerBound);
      // the restart kept: the one whose last bound is the lower bound
      const kept = seen.find((s) => s[s.length - 1] === gm.lowerBound)!;
      expect(Array.from(b)).toEqual(kept);
      const back = (gm instanceof BayesianGaussianMixture ? BayesianGaussianMixture : GaussianMixture).fromJSON(JSON.stringify(gm));
      expect(sameBits(back.lowerBounds, b)).toBe(true);
    }
    const warm = new GaussianMixture({ nComponents: 3, warmStart: true, maxIter: 5 }).fit(X);
    const first = warm.lowerBounds;
    warm.fit(X);
    expect(warm.lowerBounds.length).toBe(warm.nIter);
    expect(warm.lowerBounds[0]).toBeGreaterThanOrEqual(first[first.length - 1] - 1e-12);
  });

  it('applyStatistics appends its bound; a model no fit produced has none; a file with the wrong count is refused', () => {
    const X = overlapping(5, 500, 2, 2);
    const gm = new GaussianMixture({ nComponents: 2, maxIter: 4 }).fit(X);
    const before = Array.from(gm.lowerBounds);
    gm.applyStatistics(gm.computeStatistics(X));
    expect(Array.from(gm.lowerBounds)).toEqual([...before, gm.lowerBound]);
    expect(gm.lowerBounds.length).toBe(gm.nIter);
    const byHand = GaussianMixture.fromParameters({ weights: [1], means: [[0, 0]], covariances: [[[1, 0], [0, 1]]] });
    expect(byHand.lowerBounds.length).toBe(0);
    const j = JSON.parse(JSON.stringify(gm));
    j.lowerBounds.pop();
    expect(errorCode(() => GaussianMixture.fromJSON(j))).toBe('INVALID_JSON');
    delete j.lowerBounds; // files written before lowerBounds load with none, and keep none after applyStatistics
    const old = GaussianMixture.fromJSON(j);
    expect(old.lowerBounds.length).toBe(0);
    old.applyStatistics(old.computeStatistics(X));
    expect(old.lowerBounds.length).toBe(0);
    expect(GaussianMixture.fromJSON(JSON.stringify(old)).nIter).toBe(old.nIter);
  });

  it('the same bits from fitAsync (relayed on 2 workers) and fitStream', async () => {
    const lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
    await lib.init();
    const X = overlapping(6, 5000, 3, 3);
    const make = (): Lib.GaussianMixture => new lib.GaussianMixture({ nComponents: 3, maxIter: 12, tol: 0 });
    const ref = make().fit(X);
    for (const gm of [await make().fitAsync(X, { workers: 2 }), await make().fitStream(pieces(X, 777))]) {
      expect(sameBits(gm.lowerBounds, ref.lowerBounds)).toBe(true);
    }
  });
});
