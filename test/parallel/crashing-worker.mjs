// A worker that serves like gmm-wasm's own, then dies at its Nth request (workerData.after)
// or, with workerData.relayExitMs, that many ms into its first relay (by messages or shared memory) (the others then wait
// for its nodes): the pool must reject with WORKER_FAILED, end the other workers and leave
// the model as it was. With workerData.unreadable it answers a relay as a worker that could
// not read it does (worker-core.ts UNREADABLE). With workerData.loadCols, it loads its rows as if they had that many
// columns (its memory cannot hold them): the pool must reject with the worker's own error.
import { parentPort, workerData } from 'node:worker_threads';
import { serve } from '../../dist/parallel/worker-core.js';

let calls = 0;
// a relay through shared memory (src/parallel/board.ts) never turns this worker's event
// loop, so the timer below cannot fire there: its arrivals at the barrier check the clock
let relayDeadline = Infinity;
const add = Atomics.add;
Atomics.add = (...a) => {
  if (performance.now() > relayDeadline) process.exit(3);
  return add(...a);
};
const handle = serve((m, t) => parentPort.postMessage(m, t ?? []));
parentPort.on('message', (m) => {
  if (m.type === 'call' && workerData.after && ++calls >= workerData.after) process.exit(3);
  if (m.type === 'relay' && workerData.relayExitMs) {
    setTimeout(() => process.exit(3), workerData.relayExitMs);
    relayDeadline = performance.now() + workerData.relayExitMs;
  }
  if (m.type === 'load' && workerData.loadCols) m.cols = workerData.loadCols;
  // as if the relay's message could not be read ('messageerror'): the worker says so, id −1
  if (m.type === 'relay' && workerData.unreadable) return parentPort.postMessage({ type: 'error', id: -1, message: 'unreadable' });
  void handle(m);
});
