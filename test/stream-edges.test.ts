// fitStream at the edges of a stream: row-less pieces, NaN told by the piece it came in, a
// last chunk of one row, as many rows as components, an abort before or during a pass, the
// initialisation sample drawn from the whole stream, a source that throws.
import { beforeAll, describe, expect, it } from 'vitest';
import { GaussianMixture, CHUNK_ROWS } from '../src/index.js';
import { loadCore, overlapping, expectSameFit, pieces, rng } from './helpers.js';

beforeAll(loadCore);

const start2 = { nComponents: 2, tol: 0, maxIter: 3, weightsInit: [0.5, 0.5], meansInit: [[0, 0], [3, 3]],
  precisionsInit: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] };

describe('fitStream: edges of the stream', () => {
  it('an explicit start holds a row-less piece to the model width', async () => {
    const X = overlapping(21, 300, 2, 2);
    await expect(new GaussianMixture(start2).fitStream(() => [{ data: [], rows: 0, cols: 3 }, X]))
      .rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });

  const d = 3, n = 7000, data = new Float64Array(n * d);
  const u = rng(11);
  for (let i = 0; i < n * d; i++) data[i] = u() * 4;
  const start3 = { nComponents: 2, tol: 0, maxIter: 3, weightsInit: [0.5, 0.5], meansInit: [[1, 1, 1], [3, 3, 3]],
    precisionsInit: [[[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]] };
  it('a NaN in the second whole chunk of one piece is named by its row in the piece', async () => {
    const x = data.slice();
    x[3000 * d + 1] = NaN;
    await expect(new GaussianMixture(start3).fitStream(() => [{ data: x, rows: n, cols: d }]))
      .rejects.toMatchObject({ code: 'NON_FINITE', message: expect.stringContaining('fitStream pass 1, chunk 0: chunk[3000][1] is NaN') });
  });
  it('a NaN in the first row of a piece that completes a cut chunk is named by that piece', async () => {
    const x = data.slice();
    x[3000 * d + 2] = NaN; // chunk 1 = rows 2048..4095, cut from pieces 0 and 1; row 3000 is piece 1's row 0
    const src = () => [0, 3000, 6000].map((r) => ({ data: x.subarray(r * d, Math.min(n, r + 3000) * d), rows: Math.min(n, r + 3000) - r, cols: d }));
    await expect(new GaussianMixture(start3).fitStream(src))
      .rejects.toMatchObject({ code: 'NON_FINITE', message: expect.stringContaining('fitStream pass 1, chunk 1: chunk[0][2] is NaN') });
  });

  it('a stream of exactly nComponents rows fits as fit() does', async () => {
    const X = { data: Float64Array.from([0, 0, 1, 1, 5, 4]), rows: 3, cols: 2 };
    const o = { nComponents: 3, seed: 1, maxIter: 2, tol: 0 };
    expectSameFit(await new GaussianMixture(o).fitStream(() => [X]), new GaussianMixture(o).fit(X));
  });

  it('an explicit start over fewer rows than components is TOO_FEW_SAMPLES', async () => {
    await expect(new GaussianMixture(start2).fitStream(() => [[[1, 2]]])).rejects.toMatchObject({ code: 'TOO_FEW_SAMPLES' });
  });

  it('a stream whose last chunk holds one row equals fit()', async () => {
    const X = overlapping(3, 2 * CHUNK_ROWS + 1, 3, 2);
    const o = { nComponents: 3, seed: 4, maxIter: 5, tol: 0 };
    expectSameFit(await new GaussianMixture(o).fitStream(pieces(X, 1000)), new GaussianMixture(o).fit(X));
  });

  it('an already-aborted signal does not call the source', async () => {
    const ac = new AbortController();
    ac.abort();
    let calls = 0;
    await expect(new GaussianMixture({ nComponents: 2 }).fitStream(() => { calls++; return [[[1, 2], [3, 4]]]; }, { signal: ac.signal }))
      .rejects.toMatchObject({ code: 'ABORTED' });
    expect(calls).toBe(0);
  });

  it('a long synchronous pass gives the event loop turns (an abort lands mid-pass)', async () => {
    const X = overlapping(5, 100, 2, 2);
    let served = 0;
    const ac = new AbortController();
    const source = function* () {
      for (let i = 0; i < 200; i++) {
        const t = Date.now();
        while (Date.now() - t < 1) { /* 1 ms of work per piece */ }
        if (served++ === 0) setImmediate(() => ac.abort()); // once the pass has begun
        yield X;
      }
    };
    await expect(new GaussianMixture({ nComponents: 2 }).fitStream(source, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(served).toBeLessThan(200);
  });

  it('the initialisation sample is drawn from the whole stream, not its head', async () => {
    // 10,000 rows: the first half near 0, the second near 10; a sample of 100 rows
    const z = rng(5);
    const X = { data: Float64Array.from({ length: 10000 }, (_, i) => (i < 5000 ? 0 : 10) + 0.1 * (z() - 0.5)), rows: 10000, cols: 1 };
    const gm = await new GaussianMixture({ nComponents: 2, seed: 1, maxIter: 1, tol: 0 }).fitStream(pieces(X, 1000), { initSampleSize: 100 });
    const m = Array.from(gm.means.data).sort((a, b) => a - b);
    expect(Math.abs(m[0] - 0)).toBeLessThan(0.05);
    expect(Math.abs(m[1] - 10)).toBeLessThan(0.05);
  });

  it('meansInit alone (no weightsInit/precisionsInit) streams as fit() does', async () => {
    const X = overlapping(9, 3000, 2, 2);
    const o = { nComponents: 2, seed: 1, maxIter: 5, tol: 0, meansInit: [[0, 0], [3, 3]] };
    expectSameFit(await new GaussianMixture(o).fitStream(pieces(X, 1000)), new GaussianMixture(o).fit(X));
  });

  it('a source function that throws: SOURCE_FAILED with the error as its cause', async () => {
    const boom = new Error('no such file');
    const e = await new GaussianMixture({ nComponents: 2 }).fitStream(() => { throw boom; }).catch((x) => x);
    expect(e).toMatchObject({ code: 'SOURCE_FAILED' });
    expect(e.cause).toBe(boom);
  });
});
