// The worker entry for browsers (a module Web Worker). Bundlers find it through the
// `new Worker(new URL('./worker-browser.js', import.meta.url), { type: 'module' })` in
// spawn-browser.ts and emit it beside the bundle.
import { serve, UNREADABLE } from './worker-core.js';

const scope = globalThis as unknown as {
  postMessage(m: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(type: 'message' | 'messageerror', f: (e: { data: unknown }) => void): void;
};
const handle = serve((m, transfer) => scope.postMessage(m, transfer ?? []));
scope.addEventListener('message', (e) => { void handle(e.data as never); });
// a message this worker cannot read must not leave the caller waiting for its answer
scope.addEventListener('messageerror', () => scope.postMessage(UNREADABLE));
