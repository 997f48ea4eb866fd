// The worker entry for Node (worker_threads).
import { parentPort } from 'node:worker_threads';
import { serve } from './worker-core.js';

const port = parentPort!;
const handle = serve((m, transfer) => port.postMessage(m, transfer ?? []));
port.on('message', (m) => { void handle(m); });
