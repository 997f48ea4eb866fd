// The relay's exchange in shared memory (src/parallel/board.ts), on its own: what a worker
// reads back, the two slots by parity, and a cancel that must release a wait. The fits
// through it (every covariance type, aborts, crashes) are in relay.test.ts.
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { Board, cancelBoard, createBoard } from '../../src/parallel/board.js';
import type { TreeNode } from '../../src/fit/tree.js';

const node = (level: number, index: number, values: number[]): TreeNode => ({ level, index, data: Float64Array.from(values) });
const arrive = (sab: SharedArrayBuffer, n: number): number => Atomics.add(new Int32Array(sab, 0, 4), 0, n);

describe('Board: the relay\'s exchange in shared memory', () => {
  it('returns the own nodes, then each peer\'s as written, by the parity of the iteration', () => {
    const spec = createBoard(3, 2, 4, 100, 0)!;
    const [b0, b1, b2] = [0, 1, 2].map((i) => new Board(spec, i));
    // one thread plays all three: workers 1 and 2 exchange first with two arrivals lent to
    // them (so neither waits), which are taken back before worker 0 arrives last
    const w1 = [node(1, 1, [1, 2, 3, 4])], w2 = [node(0, 4, [5, 6]), node(0, 5, [7])];
    arrive(spec.sab, 2);
    b1.exchange(1, w1);
    b2.exchange(1, w2);
    arrive(spec.sab, -2);
    const got = b0.exchange(1, [node(1, 0, [9, 9, 9, 9])]);
    expect(got.map((n) => [n.level, n.index, Array.from(n.data)])).toEqual([
      [1, 0, [9, 9, 9, 9]], [1, 1, [1, 2, 3, 4]], [0, 4, [5, 6]], [0, 5, [7]],
    ]);
    // iteration 2 writes the other slots: iteration 1's views still read what they read
    arrive(spec.sab, 2);
    b1.exchange(2, [node(1, 1, [-1, -2, -3, -4])]);
    b2.exchange(2, w2);
    arrive(spec.sab, -2);
    const second = b0.exchange(2, [node(1, 0, [0, 0, 0, 0])]);
    expect(Array.from(second[1].data)).toEqual([-1, -2, -3, -4]);
    expect(Array.from(got[1].data)).toEqual([1, 2, 3, 4]);
  });

  it('refuses more nodes than it was sized for', () => {
    const spec = createBoard(2, 1, 2, 10, 0)!;
    expect(() => new Board(spec, 0).exchange(1, [node(0, 0, [1, 2]), node(0, 1, [3, 4])])).toThrow(/2 nodes for 1 places/);
  });

  it('is not made where the barrier count could overflow in maxIter iterations (two exchanges each), nor past 256 MiB', () => {
    expect(createBoard(16, 4, 10, 2 ** 25, 0)).toBeNull();
    expect(createBoard(16, 4, 10, 2 ** 24, 0)).not.toBeNull();
    // d = 1000, full, K = 16: a node is 8 M values; messages then
    expect(createBoard(16, 3, 16 * 500500 + 16018, 100, 0)).toBeNull();
  });

  it('a cancel releases a worker asleep at the barrier (ABORTED) and every later arrival', async () => {
    const spec = createBoard(2, 1, 1, 10, 0)!;
    // worker 1 in a thread of its own, asleep until worker 0 (never) arrives
    const src = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.url).then(({ Board }) => {
        try { new Board(workerData.spec, 1).exchange(1, [{ level: 0, index: 1, data: new Float64Array([1]) }]); parentPort.postMessage('returned'); }
        catch (e) { parentPort.postMessage(e.code); }
      });`;
    const url = new URL('../../dist/parallel/board.js', import.meta.url).href;
    const w = new Worker(src, { eval: true, workerData: { spec, url } });
    try {
      // it has arrived (the count is 1) and sleeps; then the cancel
      for (let i = 0; i < 200 && Atomics.load(new Int32Array(spec.sab, 0, 4), 0) < 1; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      const answer = new Promise((r) => w.once('message', r));
      cancelBoard(spec);
      expect(await answer).toBe('ABORTED');
      expect(() => new Board(spec, 0).exchange(1, [node(0, 0, [2])])).toThrow(expect.objectContaining({ code: 'ABORTED' }));
    } finally {
      await w.terminate();
    }
  });
});
