// The worker entry for Node (worker_threads).
import { parentPort, receiveMessageOnPort, type MessagePort as NodePort } from 'node:worker_threads';
import { serve, UNREADABLE } from './worker-core.js';

// fitAsync starts this file as a worker; imported anywhere else it has no parent to serve
if (!parentPort) {
  throw new Error('gmm-wasm/worker is the entry of fitAsync\'s worker threads, not a module to import: ' +
    'import { GaussianMixture } from \'gmm-wasm\' and call fitAsync, which starts it.');
}
const port = parentPort;
const handle = serve((m, transfer) => port.postMessage(m, transfer ?? []),
  (p) => receiveMessageOnPort(p as unknown as NodePort)?.message);
port.on('message', (m) => { void handle(m); });
// a message this worker cannot read must not leave the caller waiting for its answer
port.on('messageerror', () => port.postMessage(UNREADABLE));
