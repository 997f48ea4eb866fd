// One turn of the event loop, for code that must let messages and abort events in between
// two pieces of its own work.

/** A macrotask turn, so that timers, I/O and abort events run between two pieces of work:
 *  setImmediate where there is one (Node; setTimeout(0) waits 1 ms there), else a message
 *  to ourselves (browsers, workerd), else setTimeout. */
export function nextTurn(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === 'function') return new Promise((r) => g.setImmediate!(r));
  if (typeof g.MessageChannel === 'function') {
    return new Promise((r) => {
      const ch = new g.MessageChannel!();
      ch.port1.onmessage = () => {
        ch.port1.close();
        r();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

/** Paces work done on this thread: the function it returns throws `aborted()` once the
 *  signal is aborted, and gives the event loop a turn (nextTurn) when `every` ms of work
 *  have passed since the last one, so that timers and the abort event itself can run. One
 *  pacer per fit, called between its pieces of work: its clock runs across them all. */
export function pacer(signal: AbortSignal | undefined, aborted: () => Error, every = 10): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (signal?.aborted) throw aborted();
    if (Date.now() - last > every) {
      await nextTurn();
      last = Date.now();
      if (signal?.aborted) throw aborted();
    }
  };
}
