// The relay (src/parallel/relay-cluster.ts, relay-worker.ts): over a pool of workers, the
// EM iterations (GaussianMixture's and BayesianGaussianMixture's) run among the workers,
// each combining all nodes and running the M-step itself. The fits must be fit()'s bit for bit, onIteration
// must see fit()'s sequence, and errors, aborts, a throwing callback and a dying worker must
// end the fit as the coordinator's path does. Runs the built package (dist/).
import { beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import type * as Lib from '../../src/entry-node.js';
import type { CovarianceType, IterationInfo, Matrix } from '../../src/index.js';
import { overlapping, expectSameFit, rng, sameBits, within } from '../helpers.js';
import { CHUNK_ROWS } from '../../src/fit/chunks.js';
import { Peers } from '../../src/parallel/relay-worker.js';
import { receiveMessageOnPort, type MessagePort as NodePort } from 'node:worker_threads';

let lib: typeof Lib;
let distKernels: typeof import('../../src/core/core.js').kernels;
beforeAll(async () => {
  lib = (await import('../../dist/entry-node.js' as string)) as typeof Lib;
  distKernels = ((await import('../../dist/core/core.js' as string)) as typeof import('../../src/core/core.js')).kernels;
  await lib.init();
});

/** The test once for each way the workers exchange their statistics: shared memory
 *  (src/parallel/board.ts, the default where the runtime has it) and messages. */
function bothExchanges(name: string, fn: () => Promise<void>): void {
  for (const shared of [true, false]) {
    it(`${name} (${shared ? 'shared memory' : 'messages'})`, async () => {
      distKernels.sharedBoard = shared;
      try {
        await fn();
      } finally {
        distKernels.sharedBoard = true;
      }
    });
  }
}

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];
// 6 chunks: 3 a worker at 2 workers, 2 at 3
const X = overlapping(7, 5 * CHUNK_ROWS + 123, 3, 3);

function sameLabels(a: Lib.GaussianMixture, b: Lib.GaussianMixture): void {
  expect(Array.from(a.predict(X))).toEqual(Array.from(b.predict(X)));
}

describe('relay: the workers iterate among themselves, with fit()\'s bits', () => {
  for (const type of TYPES) {
    bothExchanges(`${type}: 2 and 3 workers, nInit 2 and a warm start = fit(), onIteration alike`, async () => {
      const o = { nComponents: 3, covarianceType: type, seed: 5, nInit: 2, maxIter: 40 };
      const seen: IterationInfo[] = [];
      const ref = new lib.GaussianMixture(o).fit(X, { onIteration: (i) => { seen.push({ ...i }); } });
      const warm = { ...o, nInit: 1, maxIter: 3, warmStart: true };
      const warmRef = new lib.GaussianMixture(warm);
      warmRef.fit(X);
      warmRef.fit(X);
      for (const workers of [2, 3]) {
        const pool = await lib.WorkerPool.create(X, { workers });
        try {
          const got: IterationInfo[] = [];
          const gm = await new lib.GaussianMixture(o).fitAsync(pool, { onIteration: (i) => { got.push(i); } });
          expectSameFit(gm, ref);
          sameLabels(gm, ref);
          expect(got).toEqual(seen);
          // the iterations did run as relays: one per initialisation on every worker
          expect(pool.workerTime('relay').map((t) => t.calls)).toEqual(new Array(workers).fill(2));
          const g = new lib.GaussianMixture(warm);
          await g.fitAsync(pool);
          await g.fitAsync(pool);
          expectSameFit(g, warmRef);
          expect(pool.workerTime('relay').map((t) => t.calls)).toEqual(new Array(workers).fill(4));
        } finally {
          pool.close();
        }
      }
    });
  }

  it('BayesianGaussianMixture relays too: every type, both prior types, data-dependent and given priors, = fit()', async () => {
    const sameVb = (a: Lib.BayesianGaussianMixture, b: Lib.BayesianGaussianMixture): void => {
      expectSameFit(a as never, b as never);
      const wa = a.weightConcentration, wb = b.weightConcentration;
      for (const [x, y] of Array.isArray(wa) ? wa.map((v, i) => [v, (wb as Float64Array[])[i]]) : [[wa, wb as Float64Array]])
        expect(sameBits(x, y)).toBe(true);
      expect(sameBits(a.meanPrecision, b.meanPrecision)).toBe(true);
      expect(sameBits(a.degreesOfFreedom, b.degreesOfFreedom)).toBe(true);
      expect(sameBits(a.covariancePrior, b.covariancePrior)).toBe(true);
    };
    for (const workers of [1, 2, 3]) {
      const pool = await lib.WorkerPool.create(X, { workers });
      try {
        let relays = 0;
        for (const type of TYPES) {
          for (const o of [
            { nComponents: 4, covarianceType: type, seed: 3, nInit: 2, maxIter: 15 },
            { nComponents: 4, covarianceType: type, seed: 4, maxIter: 15, weightConcentrationPriorType: 'dirichlet_distribution' as const,
              meanPrior: [0, 0, 0], degreesOfFreedomPrior: 5, meanPrecisionPrior: 0.5 },
          ]) {
            const seen: IterationInfo[] = [], heard: IterationInfo[] = [];
            const ref = new lib.BayesianGaussianMixture(o).fit(X, { onIteration: (i) => { seen.push({ ...i }); } });
            const got = await new lib.BayesianGaussianMixture(o).fitAsync(pool, { onIteration: (i) => { heard.push(i); } });
            sameVb(got, ref);
            expect(heard).toEqual(seen);
            relays += o.nInit ?? 1;
          }
        }
        // every initialisation's iterations ran as relays on every worker
        expect(pool.workerTime('relay').map((t) => t.calls)).toEqual(new Array(workers).fill(relays));
      } finally {
        pool.close();
      }
    }
  });

  it('one worker relays alone (no message an iteration)', async () => {
    const pool1 = await lib.WorkerPool.create(X, { workers: 1 });
    try {
      const o = { nComponents: 2, seed: 1, maxIter: 5 };
      const seen: IterationInfo[] = [], got: IterationInfo[] = [];
      const ref = new lib.GaussianMixture(o).fit(X, { onIteration: (i) => { seen.push({ ...i }); } });
      const gm = await new lib.GaussianMixture(o).fitAsync(pool1, { onIteration: (i) => { got.push(i); } });
      expectSameFit(gm, ref);
      sameLabels(gm, ref);
      expect(got).toEqual(seen);
      // the iterations ran in the worker, as one relay
      expect(pool1.workerTime('relay').map((t) => t.calls)).toEqual([1]);
    } finally {
      pool1.close();
    }
  });
});

describe('relay: stopping and failing', () => {
  const slow = { nComponents: 3, tol: 0, maxIter: 100000, seed: 1 };

  bothExchanges('an abort mid-EM rejects with ABORTED and leaves the model unchanged', async () => {
    const pool = await lib.WorkerPool.create(X, { workers: 2 });
    try {
      // a fitted model with the slow options: fitted briefly, then loaded with them
      const json = { ...new lib.GaussianMixture({ ...slow, maxIter: 2 }).fit(X).toJSON() };
      json.options = { ...json.options, maxIter: slow.maxIter };
      const gm = lib.GaussianMixture.fromJSON(json);
      const before = JSON.stringify(gm.toJSON());
      const ac = new AbortController();
      let iters = 0;
      await expect(gm.fitAsync(pool, { signal: ac.signal, onIteration: () => { if (++iters === 5) ac.abort(); } }))
        .rejects.toMatchObject({ code: 'ABORTED' });
      expect(iters).toBeGreaterThanOrEqual(5);
      expect(JSON.stringify(gm.toJSON())).toBe(before);
    } finally {
      pool.close();
    }
  });

  bothExchanges('an onIteration that throws ends the relay with its error; the pool fits on, bit for bit', async () => {
    const pool = await lib.WorkerPool.create(X, { workers: 3 });
    try {
      const boom = new Error('stop here');
      let iters = 0;
      await expect(new lib.GaussianMixture(slow).fitAsync(pool, { onIteration: () => { if (++iters === 4) throw boom; } }))
        .rejects.toBe(boom);
      // the cancelled relay's leftover nodes must not reach the next one
      const o = { nComponents: 3, seed: 2, maxIter: 30 };
      expectSameFit(await new lib.GaussianMixture(o).fitAsync(pool), new lib.GaussianMixture(o).fit(X));
    } finally {
      pool.close();
    }
  });

  it('a lone worker stops soon after an onIteration that throws (it lets the cancel in)', async () => {
    const pool = await lib.WorkerPool.create(X, { workers: 1 });
    try {
      const boom = new Error('enough');
      const long = { ...slow, maxIter: 5000 };
      const before = pool.workerTime('em');
      await expect(new lib.GaussianMixture(long).fitAsync(pool, { onIteration: (i) => { if (i.iter === 2) throw boom; } }))
        .rejects.toBe(boom);
      // without the turn it let in, the relay ran all 5,000 iterations before it saw the cancel
      expect(pool.workerTime('em', before)[0].calls).toBeLessThan(1000);
      const o = { nComponents: 3, seed: 2, maxIter: 30 };
      expectSameFit(await new lib.GaussianMixture(o).fitAsync(pool), new lib.GaussianMixture(o).fit(X));
    } finally {
      pool.close();
    }
  });

  bothExchanges('close() during a fit rejects it with ABORTED; the pool then says it is closed', async () => {
    const pool = await lib.WorkerPool.create(X, { workers: 2 });
    const gm = new lib.GaussianMixture({ ...slow, maxIter: 5000 });
    let closing = false;
    const fit = gm.fitAsync(pool, { onIteration: () => { if (!closing) { closing = true; setTimeout(() => pool.close(), 0); } } });
    await expect(fit).rejects.toMatchObject({ code: 'ABORTED' });
    expect(gm.isFitted).toBe(false);
    await expect(new lib.GaussianMixture(slow).fitAsync(pool)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('closed') });
    await expect(new lib.GaussianMixture(slow).fitAsync(pool, { workers: 2 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('WorkerPool.create takes a signal: workers that never answer cannot hold it', async () => {
    const silent = (): Worker => new Worker('setInterval(() => {}, 1000)', { eval: true });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    await expect(lib.WorkerPool.create(X, { workers: 2, createWorker: silent, signal: ac.signal }))
      .rejects.toMatchObject({ code: 'ABORTED' });
    await expect(lib.WorkerPool.create(X, { signal: 'soon' } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  bothExchanges('a worker that dies mid-relay gives WORKER_FAILED, not a hang (its peers wait for its nodes)', async () => {
    const url = new URL('./crashing-worker.mjs', import.meta.url);
    let made = 0;
    const createWorker = (): Worker => new Worker(url, { workerData: { relayExitMs: made++ === 1 ? 100 : 0 } });
    const pool = await lib.WorkerPool.create(X, { workers: 2, createWorker });
    const gm = new lib.GaussianMixture(slow);
    let iters = 0;
    await expect(gm.fitAsync(pool, { onIteration: () => { iters++; } })).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    expect(iters).toBeGreaterThan(0); // it died in the relay, not before
    expect(gm.isFitted).toBe(false);
    pool.close();
  });

  it('a worker that cannot read its relay message fails the fit with WORKER_FAILED, not a hang', async () => {
    const url = new URL('./crashing-worker.mjs', import.meta.url);
    let made = 0;
    const createWorker = (): Worker => new Worker(url, { workerData: { unreadable: made++ === 1 } });
    const pool = await lib.WorkerPool.create(X, { workers: 2, createWorker });
    const gm = new lib.GaussianMixture(slow);
    await expect(gm.fitAsync(pool)).rejects.toMatchObject({ code: 'WORKER_FAILED', message: expect.stringContaining('unreadable') });
    expect(gm.isFitted).toBe(false);
    pool.close();
  });

  function codeAndMessage(p: () => unknown): Promise<{ code: string; message: string }> {
    return Promise.resolve().then(p).then(() => ({ code: 'none', message: '' }), (e) => ({ code: e.code, message: e.message }));
  }

  it('NOT_POSITIVE_DEFINITE and NUMERICAL in the iterations: fit()\'s code, the coordinator path\'s message', async () => {
    // a constant feature, regCovar 0 and an explicit start: the first M-step is singular
    const u = rng(3), n = 3 * CHUNK_ROWS, flat = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) flat[2 * i] = u() * 4 + (i % 2) * 6;
    const C: Matrix = { data: flat, rows: n, cols: 2 };
    const singular = {
      nComponents: 2, covarianceType: 'full' as const, regCovar: 0,
      weightsInit: [0.5, 0.5], meansInit: [[2, 0], [8, 0]], precisionsInit: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]],
    };
    // means far beyond any density: the first lower bound is -Infinity
    const far = { nComponents: 1, covarianceType: 'spherical' as const, weightsInit: [1], meansInit: [[1e200, 0]], precisionsInit: [1] };
    for (const [o, data, code] of [[singular, C, 'NOT_POSITIVE_DEFINITE'], [far, C, 'NUMERICAL']] as const) {
      const sync = await codeAndMessage(() => new lib.GaussianMixture(o).fit(data));
      expect(sync.code).toBe(code);
      // the coordinator's loop: in this thread (one worker relays too)
      const one = await codeAndMessage(() => new lib.GaussianMixture(o).fitAsync(data, { workers: 0 }));
      const pool = await lib.WorkerPool.create(data, { workers: 3 });
      try {
        const relayed = await codeAndMessage(() => new lib.GaussianMixture(o).fitAsync(pool));
        expect(relayed).toEqual(one);
        expect(relayed.code).toBe(code);
        // the failed relay left the pool usable: the next fit relays, with fit()'s bits
        const ok = { nComponents: 2, seed: 1, maxIter: 10, regCovar: 1e-3 };
        expectSameFit(await new lib.GaussianMixture(ok).fitAsync(pool), new lib.GaussianMixture(ok).fit(data));
        expect(pool.workerTime('relay').map((t) => t.calls)).toEqual([1, 1, 1]);
      } finally {
        pool.close();
      }
    }
  });
});

describe('relay: a worker\'s peers (Peers)', () => {
  it('keeps each relay\'s nodes apart: a cancelled relay\'s leftovers never enter the next', async () => {
    const ch = new MessageChannel();
    const a = new Peers(0, [null, ch.port1]), b = new Peers(1, [ch.port2, null]);
    const node = (v: number) => [{ level: 0, index: 1 - v % 2, data: new Float64Array([v]) }];
    try {
      a.begin(1);
      b.begin(1);
      // relay 1: a sends iteration 1 and waits; b never answers, and a is cancelled
      const waiting = a.exchange(1, node(0));
      a.cancel(1);
      await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
      await new Promise((r) => setTimeout(r, 20)); // a's nodes of relay 1 reach b
      a.begin(2);
      b.begin(2);
      const [fromA, fromB] = await Promise.all([a.exchange(1, node(2)), b.exchange(1, node(3))]);
      expect(fromA.map((n) => n.data[0]).sort()).toEqual([2, 3]);
      expect(fromB.map((n) => n.data[0]).sort()).toEqual([2, 3]);
      // and a cancelled relay stops before it sends anything more
      b.cancel(2);
      await expect(b.exchange(2, node(5))).rejects.toMatchObject({ code: 'ABORTED' });
    } finally {
      ch.port1.close();
      ch.port2.close();
    }
  });

  it('ignores the cancel of a relay already over: the relay now waiting goes on', async () => {
    const ch = new MessageChannel();
    const a = new Peers(0, [null, ch.port1]), b = new Peers(1, [ch.port2, null]);
    const node = (v: number) => [{ level: 0, index: v % 2, data: new Float64Array([v]) }];
    try {
      a.begin(2);
      b.begin(2);
      const waiting = a.exchange(1, node(2)); // waits for b's nodes
      a.cancel(1); // relay 1 is over: nothing to stop
      const [fromA, fromB] = await within(Promise.all([waiting, b.exchange(1, node(3))]), 3000, 'the exchange');
      expect(fromA.map((n) => n.data[0])).toEqual([2, 3]);
      expect(fromB.map((n) => n.data[0])).toEqual([3, 2]);
    } finally {
      ch.port1.close();
      ch.port2.close();
    }
  });

  it('takes nodes already queued at once (Node: receiveMessageOnPort), and sends copies, keeping its own', async () => {
    const node = (v: number) => [{ level: 0, index: v % 2, data: new Float64Array([v, v + 0.5]) }];
    for (const sync of [true, false]) {
      const ch = new MessageChannel();
      const take = (p: MessagePort) => receiveMessageOnPort(p as unknown as NodePort)?.message;
      const a = new Peers(0, [null, ch.port1], sync ? take : null), b = new Peers(1, [ch.port2, null]);
      try {
        a.begin(1);
        b.begin(1);
        const fromB = b.exchange(1, node(3)); // posts to a at once, then waits
        let fromA: { level: number; index: number; data: Float64Array }[] | null = null;
        const own = node(2);
        const done = a.exchange(1, own).then((v) => { fromA = v; });
        for (let i = 0; i < 5; i++) await Promise.resolve(); // microtasks only: no message event yet
        // with the synchronous receive, a has b's nodes before any turn of the event loop
        expect(fromA !== null).toBe(sync);
        await done;
        expect(fromA!.map((n) => Array.from(n.data))).toEqual([[2, 2.5], [3, 3.5]]);
        expect(Array.from(own[0].data)).toEqual([2, 2.5]); // a's own nodes were not moved away
        expect((await fromB).map((n) => Array.from(n.data))).toEqual([[3, 3.5], [2, 2.5]]);
      } finally {
        ch.port1.close();
        ch.port2.close();
      }
    }
  });
});
