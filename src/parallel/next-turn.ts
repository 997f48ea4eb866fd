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
