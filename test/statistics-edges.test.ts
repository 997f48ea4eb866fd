// The map-reduce API at its edges: statistics bytes read from a view inside a larger buffer
// (a Node Buffer, a network frame), header fields that must agree with each other (flags,
// row count, chunk range, shift), values no rows can give, an empty merge, pieces merged
// more than once, a shift far from the means, the workers' E-steps about a shift without a
// relay (runtimes with no MessageChannel), and the k-means++ / random_from_data start after
// another fit has used the core's memory.
import { beforeAll, describe, expect, it } from 'vitest';
import { BayesianGaussianMixture, GaussianMixture, SufficientStatistics, CHUNK_ROWS } from '../src/index.js';
import type { Matrix } from '../src/index.js';
import type * as Lib from '../src/entry-node.js';
import { loadCore, overlapping, expectSameFit, errorCode, maxRelDiff } from './helpers.js';

let lib: typeof Lib;
beforeAll(async () => {
  await loadCore();
  // the built package: its workers run dist/
  lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
  await lib.init();
});

function rows(X: Matrix, r0: number, r1: number): Matrix {
  return { data: X.data.slice(r0 * X.cols, r1 * X.cols), rows: r1 - r0, cols: X.cols };
}

const d = 2, K = 2;
const n = 2 * CHUNK_ROWS + 100; // three chunks, the last short
const X = overlapping(5, n, d, K);
const opts = { nComponents: K, covarianceType: 'diag' as const, tol: 0, weightsInit: [0.5, 0.5],
  meansInit: [Array.from(X.data.subarray(0, d)), Array.from(X.data.subarray(d, 2 * d))], precisionsInit: [[1, 1], [1, 1]] };
const HEADER = 56;

/** Bytes with some header fields (u32 at 4-byte offsets, f64 at 32) rewritten. */
function edited(b: Uint8Array, f: (v: DataView) => void): Uint8Array {
  const c = b.slice();
  f(new DataView(c.buffer));
  return c;
}

describe('statistics bytes: reading and header checks', () => {
  it('bytes inside a larger buffer (a view at an offset) read as the same statistics', () => {
    const gm = new GaussianMixture(opts);
    const s = gm.computeStatistics(X);
    const b = s.toBytes();
    const frame = new Uint8Array(b.length + 24);
    frame.set(b, 16);
    const view = frame.subarray(16, 16 + b.length);
    const again = SufficientStatistics.fromBytes(view);
    expect(Buffer.from(again.toBytes()).equals(Buffer.from(b))).toBe(true);
    // a DataView at an offset, and a Node Buffer (often a slice of a shared pool)
    expect(Buffer.from(SufficientStatistics.fromBytes(new DataView(frame.buffer, 16, b.length)).toBytes()).equals(Buffer.from(b))).toBe(true);
    const buf = Buffer.concat([Buffer.alloc(8, 0xff), Buffer.from(b)]).subarray(8);
    expect(Buffer.from(SufficientStatistics.fromBytes(buf).toBytes()).equals(Buffer.from(b))).toBe(true);
    const ref = new GaussianMixture(opts).applyStatistics(s, { rows: n });
    expectSameFit(new GaussianMixture(opts).applyStatistics(again, { rows: n }), ref);
  });

  it('flag bits beyond the two defined ones are refused, with and without a shift', () => {
    const gm = new GaussianMixture(opts);
    const plain = gm.computeStatistics(X).toBytes(); // flags 1 (short last chunk)
    expect(new DataView(plain.buffer).getUint32(40, true)).toBe(1);
    for (const flags of [4, 5, 1 | 0x80000000]) {
      expect(errorCode(() => SufficientStatistics.fromBytes(edited(plain, (v) => v.setUint32(40, flags, true))))).toBe('INVALID_STATISTICS');
    }
    const shift = new Float64Array(K * d).map((_, i) => opts.meansInit[Math.floor(i / d)][i % d]);
    const shifted = gm.computeStatistics(X, { shift }).toBytes(); // flags 3
    expect(new DataView(shifted.buffer).getUint32(40, true)).toBe(3);
    expect(errorCode(() => SufficientStatistics.fromBytes(edited(shifted, (v) => v.setUint32(40, 7, true))))).toBe('INVALID_STATISTICS');
  });

  it('a row count that does not fit the chunk range and the short flag is refused', () => {
    const gm = new GaussianMixture(opts);
    const whole = gm.computeStatistics(rows(X, 0, 2 * CHUNK_ROWS)).toBytes(); // chunks 0–1, full, flags 0
    const short = gm.computeStatistics(X).toBytes(); // chunks 0–2, the last short, flags 1
    const setRows = (b: Uint8Array, r: number, flags?: number) => edited(b, (v) => {
      v.setFloat64(32, r, true);
      if (flags !== undefined) v.setUint32(40, flags, true);
    });
    for (const [b, r, flags] of [
      [short, 3 * CHUNK_ROWS + 1, 1],   // more rows than the chunks hold
      [short, 3 * CHUNK_ROWS, 1],       // every chunk full, yet flagged short
      [short, 2 * CHUNK_ROWS, 1],       // the last chunk would be empty
      [short, 100, 1],                  // rows for one chunk, three covered
      [whole, 2 * CHUNK_ROWS - 1, 0],   // short but not flagged
      [whole, 1.5, 0],                  // not an integer
    ] as const) {
      expect(errorCode(() => SufficientStatistics.fromBytes(setRows(b, r, flags)))).toBe('INVALID_STATISTICS');
    }
    // the unedited bytes are read
    expect(SufficientStatistics.fromBytes(short).rows).toBe(n);
    expect(SufficientStatistics.fromBytes(whole).rows).toBe(2 * CHUNK_ROWS);
  });

  it('an empty chunk range, nodes outside the range and a chunk no node covers are refused', () => {
    const gm = new GaussianMixture(opts);
    const b = gm.computeStatistics(rows(X, 0, CHUNK_ROWS)).toBytes(); // one leaf, chunk 0
    // a header of no chunks, no rows and no nodes
    const empty = edited(b.subarray(0, HEADER), (v) => {
      v.setUint32(28, 0, true);
      v.setFloat64(32, 0, true);
      v.setUint32(44, 0, true);
    });
    expect(errorCode(() => SufficientStatistics.fromBytes(empty))).toBe('INVALID_STATISTICS');
    // the header names chunks 1–2 (a full and a short one), the leaf is chunk 0's
    const before = edited(b, (v) => {
      v.setUint32(24, 1, true);
      v.setUint32(28, 2, true);
    });
    expect(() => SufficientStatistics.fromBytes(before)).toThrow(expect.objectContaining({ code: 'INVALID_STATISTICS',
      message: expect.stringContaining('node 0 (chunks 0–0) lies outside chunks 1–1') }));
    // a node of a level no chunk index reaches
    const high = edited(b, (v) => v.setUint32(HEADER, 40, true));
    expect(() => SufficientStatistics.fromBytes(high)).toThrow(expect.objectContaining({ code: 'INVALID_STATISTICS',
      message: expect.stringContaining('node 0 has level 40') }));
    // the header names chunks 0–1, only chunk 0 has a node
    const missing = edited(b, (v) => {
      v.setUint32(28, 2, true);
      v.setFloat64(32, 2 * CHUNK_ROWS, true);
    });
    expect(() => SufficientStatistics.fromBytes(missing)).toThrow(expect.objectContaining({ code: 'INVALID_STATISTICS',
      message: expect.stringContaining('no node covers chunk 1') }));
  });

  it('a header of no components is refused, even with nodes the size it implies', () => {
    const b = new GaussianMixture(opts).computeStatistics(rows(X, 0, CHUNK_ROWS)).toBytes();
    // K = 0: a node holds Σ w·lse and Σ w only (2 values)
    const c = new Uint8Array(HEADER + 8 + 16);
    c.set(b.subarray(0, HEADER));
    const v = new DataView(c.buffer);
    v.setUint32(12, 0, true);
    v.setUint32(44, 1, true);
    v.setFloat64(HEADER + 8, -1, true);
    v.setFloat64(HEADER + 16, 5, true);
    expect(errorCode(() => SufficientStatistics.fromBytes(c))).toBe('INVALID_STATISTICS');
    v.setUint32(12, 1, true);
    v.setUint32(16, 0, true); // d = 0, K = 1: three values a node
    expect(errorCode(() => SufficientStatistics.fromBytes(c))).toBe('INVALID_STATISTICS');
  });

  it('a shift that is not finite, and −∞ anywhere but the first value, are refused', () => {
    const gm = new GaussianMixture(opts);
    const shift = Float64Array.from({ length: K * d }, (_, i) => opts.meansInit[Math.floor(i / d)][i % d] + 0.5);
    const b = gm.computeStatistics(rows(X, 0, CHUNK_ROWS), { shift }).toBytes();
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(errorCode(() => SufficientStatistics.fromBytes(edited(b, (v) => v.setFloat64(HEADER + 8 * (K * d - 1), bad, true)))))
        .toBe('INVALID_STATISTICS');
    }
    const plain = gm.computeStatistics(rows(X, 0, CHUNK_ROWS)).toBytes();
    const value = (j: number) => HEADER + 8 + 8 * j;
    // −∞ as Σ w·lse is a value rows can give; as the total weight, a mass, a sum or a sum of squares not
    expect(SufficientStatistics.fromBytes(edited(plain, (v) => v.setFloat64(value(0), -Infinity, true))).rows).toBe(CHUNK_ROWS);
    const S = (plain.length - HEADER - 8) / 8;
    for (const j of [1, 2, 2 + K, S - 1]) {
      expect(errorCode(() => SufficientStatistics.fromBytes(edited(plain, (v) => v.setFloat64(value(j), -Infinity, true)))))
        .toBe('INVALID_STATISTICS');
    }
  });
});

describe('merging statistics', () => {
  it('an empty list, or one holding something else, is INVALID_ARGUMENT', () => {
    expect(errorCode(() => GaussianMixture.mergeStatistics([]))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => SufficientStatistics.merge([]))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => GaussianMixture.mergeStatistics([{}] as never))).toBe('INVALID_ARGUMENT');
  });

  it('pieces merged into one result are left as they were: merged again, or applied alone, they give the same', () => {
    const gm = new GaussianMixture(opts);
    const cuts = [0, CHUNK_ROWS, 2 * CHUNK_ROWS, n];
    const parts = [0, 1, 2].map((i) => gm.computeStatistics(rows(X, cuts[i], cuts[i + 1]), { rowOffset: cuts[i] }));
    const bytes = parts.map((p) => Buffer.from(p.toBytes()));
    const once = GaussianMixture.mergeStatistics(parts);
    parts.forEach((p, i) => expect(Buffer.from(p.toBytes()).equals(bytes[i])).toBe(true));
    const twice = GaussianMixture.mergeStatistics([parts[2], parts[0], parts[1]]);
    expect(Buffer.from(twice.toBytes()).equals(Buffer.from(once.toBytes()))).toBe(true);
    expect(Buffer.from(once.toBytes()).equals(Buffer.from(gm.computeStatistics(X).toBytes()))).toBe(true);
    // a merge of merges: the first two chunks, then the last
    const nested = GaussianMixture.mergeStatistics([GaussianMixture.mergeStatistics([parts[0], parts[1]]), parts[2]]);
    expect(Buffer.from(nested.toBytes()).equals(Buffer.from(once.toBytes()))).toBe(true);
    // chunks 1 and 2 first (siblings of no node: chunk 1 is a right child), then chunk 0
    const late = GaussianMixture.mergeStatistics([GaussianMixture.mergeStatistics([parts[1], parts[2]]), parts[0]]);
    expect(Buffer.from(late.toBytes()).equals(Buffer.from(once.toBytes()))).toBe(true);
    expectSameFit(new GaussianMixture(opts).applyStatistics(late, { rows: n }), new GaussianMixture(opts).applyStatistics(once, { rows: n }));
    parts.forEach((p, i) => expect(Buffer.from(p.toBytes()).equals(bytes[i])).toBe(true));
  });

  it('pieces of models over other features: the message names both shapes', () => {
    const a = new GaussianMixture(opts).computeStatistics(rows(X, 0, CHUNK_ROWS));
    const Y = overlapping(6, CHUNK_ROWS, 3, K);
    const wide = new GaussianMixture({ ...opts, meansInit: [[0, 0, 0], [1, 1, 1]], precisionsInit: [[1, 1, 1], [1, 1, 1]] })
      .computeStatistics(Y, { rowOffset: CHUNK_ROWS });
    expect(() => GaussianMixture.mergeStatistics([a, wide])).toThrow(expect.objectContaining({ code: 'STATISTICS_MISMATCH',
      message: expect.stringMatching(/2-component diag model over 3 features with those of a 2-component diag model over 2/) }));
  });

  it('pieces about a shift and pieces about the means: the message says which is which', () => {
    const gm = new GaussianMixture(opts);
    const shift = Float64Array.from({ length: K * d }, (_, i) => opts.meansInit[Math.floor(i / d)][i % d] + 0.5);
    const a = gm.computeStatistics(rows(X, 0, CHUNK_ROWS), { shift });
    const b = gm.computeStatistics(rows(X, CHUNK_ROWS, n), { rowOffset: CHUNK_ROWS });
    for (const list of [[a, b], [b, a]]) {
      expect(() => GaussianMixture.mergeStatistics(list)).toThrow(expect.objectContaining({ code: 'STATISTICS_MISMATCH',
        message: expect.stringContaining('same { shift } (or none)') }));
    }
  });

  it('a variational mixture: statistics of a posterior that differs only in its variational parameters do not mix', () => {
    const Y = overlapping(2, 500, 2, 2);
    const b = new BayesianGaussianMixture({ nComponents: 2, seed: 1, maxIter: 3, tol: 0 }).fit(Y);
    const json = JSON.parse(JSON.stringify(b.toJSON()));
    json.variational.degreesOfFreedom[0] += 1;
    const s = b.computeStatistics(Y);
    for (const other of [BayesianGaussianMixture.fromJSON(json)]) {
      // the same weights, means and factors, another E-step
      expect(other.means.data).toEqual(b.means.data);
      expect(errorCode(() => other.applyStatistics(s))).toBe('STATISTICS_MISMATCH');
      expect(errorCode(() => GaussianMixture.mergeStatistics([s, other.computeStatistics(Y)]))).toBe('STATISTICS_MISMATCH');
    }
    expect(b.applyStatistics(s).nIter).toBe(4);
  });

  it('the merged statistics keep the short last chunk and the row count of every piece', () => {
    const gm = new GaussianMixture(opts);
    const a = gm.computeStatistics(rows(X, 0, 2 * CHUNK_ROWS));
    const b = gm.computeStatistics(rows(X, 2 * CHUNK_ROWS, n), { rowOffset: 2 * CHUNK_ROWS });
    const m = GaussianMixture.mergeStatistics([b, a]);
    expect(m.rows).toBe(n);
    expect(m.shortChunk).toBe(2);
    expect(m.chunkRange).toEqual([0, 3]);
    expect(SufficientStatistics.fromBytes(m.toBytes()).rows).toBe(n);
    // a piece of whole chunks ends nowhere short
    expect(a.shortChunk).toBe(-1);
    expect(b.shortChunk).toBe(2);
  });
});

describe('recentreShift and applyStatistics read the statistics without changing them', () => {
  it('the same merged statistics give the same shift and the same M-step, asked twice', () => {
    // a start far from the data: recentreShift has a shift to give
    const far = { ...opts, meansInit: opts.meansInit.map((m) => m.map((v) => v + 200)) };
    const gm = new GaussianMixture(far);
    const parts = [gm.computeStatistics(rows(X, 0, CHUNK_ROWS)), gm.computeStatistics(rows(X, CHUNK_ROWS, n), { rowOffset: CHUNK_ROWS })];
    const t = GaussianMixture.mergeStatistics(parts);
    const before = Buffer.from(t.toBytes());
    const s1 = gm.recentreShift(t, { rows: n });
    const s2 = gm.recentreShift(t, { rows: n });
    expect(s1).not.toBeNull();
    expect(s2).toEqual(s1);
    expect(Buffer.from(t.toBytes()).equals(before)).toBe(true);
    const a = new GaussianMixture(far).applyStatistics(t);
    const b = new GaussianMixture(far).applyStatistics(t);
    expectSameFit(a, b);
    expect(Buffer.from(t.toBytes()).equals(before)).toBe(true);
  });
});

describe('statistics about a shift far from the means are refused, with the reason', () => {
  const gm = () => new GaussianMixture(opts);
  const means = Float64Array.from({ length: K * d }, (_, i) => opts.meansInit[Math.floor(i / d)][i % d]);
  it('a shift 1e5 from the means (data of scale 1): the M-step would lose more than half the digits', () => {
    const m = gm();
    expect(() => m.applyStatistics(m.computeStatistics(X, { shift: means.map((v) => v + 1e5) })))
      .toThrow(expect.objectContaining({ code: 'INVALID_STATISTICS', message: expect.stringContaining('far from the means') }));
    expect(m.isFitted).toBe(false);
    // a shift a few units off loses a few bits only: accepted
    expect(m.applyStatistics(m.computeStatistics(X, { shift: means.map((v) => v + 3) })).nIter).toBe(1);
  });
  it('a nearly empty component: a shift some ulps from its mean is its mean; one further is refused', () => {
    const U = { data: Float64Array.from({ length: 1000 }, (_, i) => -1 + (2 * i) / 999), rows: 1000, cols: 1 };
    const light = () => new GaussianMixture({ nComponents: 2, covarianceType: 'diag', tol: 0, meansInit: [[0], [40]],
      precisionsInit: [[1], [1]], weightsInit: [0.5, 0.5] });
    const ref = light().applyStatistics(light().computeStatistics(U));
    const m = light();
    m.applyStatistics(m.computeStatistics(U, { shift: [0, 40 * (1 + 4 * Number.EPSILON)] }));
    expect(m.nIter).toBe(1);
    expect(maxRelDiff(m.means.data, ref.means.data)).toBeLessThan(1e-12);
    const far = light();
    expect(() => far.applyStatistics(far.computeStatistics(U, { shift: [0, 40 + 1e-6] })))
      .toThrow(expect.objectContaining({ code: 'INVALID_STATISTICS', message: expect.stringContaining('component 1 is nearly empty') }));
  });

  it('a shift so far that the sums about it overflow is named as such', () => {
    const m = gm();
    expect(() => m.applyStatistics(m.computeStatistics(X, { shift: means.map((v) => v + 1e160) })))
      .toThrow(expect.objectContaining({ code: 'INVALID_STATISTICS', message: expect.stringContaining('the sums about it overflowed') }));
  });
});

describe('a worker pool without a relay (no MessageChannel) takes the statistics again about the shift', () => {
  it('a start far from the data: fitAsync over the pool equals fit()', async () => {
    const far = { ...opts, maxIter: 3, meansInit: opts.meansInit.map((m) => m.map((v) => v + 200)) };
    const first = new lib.GaussianMixture(far);
    expect(first.recentreShift(first.computeStatistics(X))).not.toBeNull(); // the first iteration needs the shift
    const pool = await lib.WorkerPool.create(X, { workers: 2 });
    try {
      (pool as unknown as { relay: boolean }).relay = false; // as where MessageChannel is missing
      expectSameFit(await new lib.GaussianMixture(far).fitAsync(pool), new lib.GaussianMixture(far).fit(X));
    } finally {
      pool.close();
    }
  });
});

describe('an explicit start', () => {
  it('a precision that is not positive definite is named by its component', () => {
    const eye = [[1, 0], [0, 1]];
    const o = { nComponents: 2, covarianceType: 'full' as const, weightsInit: [0.5, 0.5], meansInit: [[0, 0], [1, 1]],
      precisionsInit: [eye, [[1, 2], [2, 1]]] };
    expect(() => new GaussianMixture(o).computeStatistics(X)).toThrow(expect.objectContaining({ code: 'INVALID_INIT',
      message: expect.stringContaining('precisionsInit[1] is not positive definite') }));
    expect(() => new GaussianMixture({ ...o, covarianceType: 'tied', precisionsInit: [[1, 2], [2, 1]] }).fit(X))
      .toThrow(expect.objectContaining({ code: 'INVALID_INIT', message: expect.stringContaining('precisionsInit is not positive definite') }));
  });
});

describe('point starts (k-means++, random_from_data) do not depend on what the core computed before', () => {
  for (const type of ['full', 'tied'] as const) {
    for (const initParams of ['k-means++', 'random_from_data'] as const) {
      it(`${type}, ${initParams}: the same fit before and after another fit`, () => {
        const Y = overlapping(8, 600, 3, 3);
        const o = { nComponents: 3, covarianceType: type, initParams, seed: 3, maxIter: 2, tol: 0 };
        const first = new GaussianMixture(o).fit(Y);
        // leaves full covariances with large off-diagonal entries in the core's memory
        const Z = { data: Y.data.map((v, i) => (i % 3 === 0 ? v * 40 + Y.data[i + 1] * 40 : v)), rows: Y.rows, cols: 3 };
        new GaussianMixture({ nComponents: 3, covarianceType: 'full', seed: 1, maxIter: 3, tol: 0 }).fit(Z);
        expectSameFit(new GaussianMixture(o).fit(Y), first);
      });
    }
  }
});

describe('statistics bytes changed in their numbers (a new user\'s trial, 2026-11-29)', () => {
  beforeAll(loadCore);

  it('a total weight that the masses do not sum to, a mass past it, or a cross product past its squares: INVALID_STATISTICS; the model unchanged', () => {
    const X = overlapping(21, 3000, 3, 3);
    const gm = new GaussianMixture({ nComponents: 3, covarianceType: 'full', seed: 2, maxIter: 3 }).fit(X);
    const before = JSON.stringify(gm.toJSON());
    const bytes = gm.computeStatistics(X).toBytes();
    // the first node's values start after the 56-byte header and its level and index (8 bytes)
    const at = (j: number): number => 56 + 8 + 8 * j;
    const K = 3, d = 3, head = 2 + K + K * d;
    const changed = (j: number, f: (v: number) => number): Uint8Array => {
      const b = bytes.slice();
      const v = new DataView(b.buffer);
      v.setFloat64(at(j), f(v.getFloat64(at(j), true)), true);
      return b;
    };
    for (const [b, why] of [[changed(1, (v) => 2 * v), 'masses summing to'], [changed(2, (v) => v * 0.5), 'masses summing to'],
      [changed(head + 1, (v) => 1e6 * (Math.abs(v) + 1)), 'cross product']] as const) {
      expect(() => SufficientStatistics.fromBytes(b)).toThrow(expect.objectContaining({ code: 'INVALID_STATISTICS', message: expect.stringContaining(why) }));
    }
    expect(JSON.stringify(gm.toJSON())).toBe(before);
    expect(() => SufficientStatistics.fromBytes(bytes)).not.toThrow();
  });
});
