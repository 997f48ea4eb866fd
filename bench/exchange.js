#!/usr/bin/env node
// What the relay's exchange between workers costs, shared memory (src/parallel/board.ts)
// against messages (a MessageChannel per pair), two ways:
//
//   node bench/exchange.js [--peers 15] [--only o8,o16d] [--workers 2,4,8] [--pairs 7]
//
// 1. In one thread, the work one worker does per iteration to hand its tree nodes to
//    `peers` others and take theirs, without any wake-up: messages (a copy per peer, a
//    transfer, receiveMessageOnPort) against the board (one copy into shared memory, views
//    of the peers' slots), for the node sizes of the workloads (packed statistics, as many
//    nodes as a worker's 1/(peers + 1) share of bench/scaling.js's o8, 1,000,000 rows, or
//    o16d, 200,000 rows, holds).
// 2. fitAsync on bench/run.js's workloads (o8: 100,000 rows; o16d: 200,000) over one
//    WorkerPool per worker count, the two exchanges alternating (the
//    coordinator's test switch kernels.sharedBoard), from the benchmark's start: ms per EM
//    iteration = (min T(10 iterations) − min T(1)) / 9 over the pairs, and their ratio.
//    More workers than cores oversubscribe them: there the figures show the messages'
//    CPU cost (every worker's, on the same cores), not what a machine with that many
//    cores would see.
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { WORKLOADS, fixedStart, generate } from './workloads.js';

const args = process.argv.slice(2);
const opt = (k, dflt) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : dflt; };
const PEERS = Number(opt('--peers', 15));
const only = opt('--only', 'o8,o16d').split(',');
const counts = opt('--workers', '2,4,8').split(',').map(Number);
const PAIRS = Number(opt('--pairs', 7));
const N = 10;

const lib = await import('../dist/entry-node.js');
const { kernels, core, TYPE_CODE } = await import('../dist/core/core.js');
const { Board, createBoard } = await import('../dist/parallel/board.js');
const { nodeCount } = await import('../dist/fit/tree.js');
const { packedLength, matrixCount } = await import('../dist/fit/packing.js');
const { chunkCount } = await import('../dist/fit/chunks.js');
await lib.init();
/** The rows of bench/scaling.js's workloads, whose shares part 1 sizes its nodes by. */
const SCALING_ROWS = { o8: 1_000_000, o16d: 200_000 };

function perIteration(fn) {
  for (let i = 0; i < 300; i++) fn();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best * 1000; // µs
}

console.log(`1. One worker's side of an iteration's exchange with ${PEERS} peers, in one thread (no wake-ups), µs`);
for (const name of only) {
  const w = WORKLOADS.find((x) => x.name === name);
  const t = TYPE_CODE[w.type];
  const len = packedLength(core().statsSize(t, w.K, w.d), matrixCount(t, w.K), w.d);
  const C = chunkCount(SCALING_ROWS[name] ?? w.n), share = Math.ceil(C / (PEERS + 1));
  const nodes = nodeCount(share, 2 * share);
  const own = Array.from({ length: nodes }, (_, i) => ({ level: i, index: i, data: new Float64Array(len).fill(i) }));
  const chans = Array.from({ length: PEERS }, () => new MessageChannel());
  const messages = () => {
    for (const ch of chans) {
      const copy = own.map((n) => ({ level: n.level, index: n.index, data: n.data.slice() }));
      ch.port1.postMessage({ run: 1, iter: 1, nodes: copy }, copy.map((n) => n.data.buffer));
    }
    let got = 0;
    for (const ch of chans) got += receiveMessageOnPort(ch.port2).message.nodes.length;
    return got;
  };
  // the board's barrier is met at once: every other worker has arrived already
  const spec = createBoard(PEERS + 1, nodes, len, 1e6, 0);
  const ctrl = new Int32Array(spec.sab, 0, 4);
  const board = new Board(spec, 0);
  let iter = 0;
  const shared = () => { iter++; Atomics.add(ctrl, 0, PEERS); return board.exchange(iter, own).length; };
  console.log(`   ${name}: ${nodes} nodes of ${len} values: messages ${perIteration(messages).toFixed(1)}, shared memory ${perIteration(shared).toFixed(1)}`);
  for (const ch of chans) { ch.port1.close(); ch.port2.close(); }
}

console.log(`2. fitAsync ms per EM iteration, shared memory ÷ messages (${PAIRS} pair${PAIRS === 1 ? '' : 's'}, alternating)`);
for (const name of only) {
  const w = generate(WORKLOADS.find((x) => x.name === name));
  const X = { data: w.X, rows: w.n, cols: w.d };
  for (const W of counts) {
    const pool = await lib.WorkerPool.create(X, { workers: W });
    const best = new Map([[true, [Infinity, Infinity]], [false, [Infinity, Infinity]]]);
    const time = async (maxIter) => {
      const t0 = performance.now();
      await new lib.GaussianMixture(fixedStart(w, maxIter)).fitAsync(pool);
      return performance.now() - t0;
    };
    try {
      for (let p = 0; p < PAIRS; p++) {
        for (const shared of [true, false]) {
          kernels.sharedBoard = shared;
          const b = best.get(shared);
          b[0] = Math.min(b[0], await time(1));
          b[1] = Math.min(b[1], await time(N));
        }
      }
    } finally {
      kernels.sharedBoard = true;
      pool.close();
    }
    const it = (s) => (best.get(s)[1] - best.get(s)[0]) / (N - 1);
    console.log(`   ${name} (${w.n} × ${w.d}, K=${w.K} ${w.type}), ${W} workers: shared memory ${it(true).toFixed(2)} ms, messages ` +
      `${it(false).toFixed(2)} ms, ratio ${(it(true) / it(false)).toFixed(3)}`);
  }
}
