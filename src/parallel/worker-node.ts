// The worker entry for Node (worker_threads).
import { parentPort, receiveMessageOnPort, type MessagePort as NodePort } from 'node:worker_threads';
import { serve } from './worker-core.js';

const port = parentPort!;
const handle = serve((m, transfer) => port.postMessage(m, transfer ?? []),
  (p) => receiveMessageOnPort(p as unknown as NodePort)?.message);
port.on('message', (m) => { void handle(m); });
