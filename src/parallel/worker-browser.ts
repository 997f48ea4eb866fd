// The worker entry for browsers (a module Web Worker). Bundlers find it through the
// `new Worker(new URL('./worker-browser.js', import.meta.url), { type: 'module' })` in
// spawn-browser.ts and emit it beside the bundle.
import { serve } from './worker-core.js';

const scope = globalThis as unknown as {
  postMessage(m: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(type: 'message', f: (e: { data: unknown }) => void): void;
};
const handle = serve((m, transfer) => scope.postMessage(m, transfer ?? []));
scope.addEventListener('message', (e) => { void handle(e.data as never); });
