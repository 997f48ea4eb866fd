// The host's other load, shared by the benchmarks (run.js, scaling.js): on a shared machine
// a measurement says how many cores other processes used meanwhile, and a run can first
// wait for a quiet moment.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let TICK = 100;
try {
  TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) || 100;
} catch { /* the usual 100 Hz */ }

/** Busy ticks of the machine and of this process (with its children), or null off Linux. */
export function cpuSnapshot() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] || 0); // user nice system irq softirq steal
    const st = readFileSync('/proc/self/stat', 'utf8');
    const x = st.slice(st.lastIndexOf(')') + 2).split(' ').map(Number); // from field 3 (state)
    const own = x[11] + x[12] + x[13] + x[14]; // utime stime cutime cstime (fields 14–17)
    return { busy, own, t: performance.now() };
  } catch {
    return null;
  }
}

/** Average number of cores used by other processes between two snapshots. */
export function foreignCores(a, b) {
  if (!a || !b || b.t - a.t < 200) return null;
  return Math.max(0, (b.busy - b.own - (a.busy - a.own)) / TICK / ((b.t - a.t) / 1000));
}

/** Waits (at most maxS seconds) until other processes use under 0.2 cores; returns the last reading. */
export async function waitIdle(maxS, log = console.log) {
  const until = performance.now() + maxS * 1000;
  for (;;) {
    const a = cpuSnapshot();
    await new Promise((r) => setTimeout(r, 3000));
    const f = foreignCores(a, cpuSnapshot());
    if (f === null || f < 0.2) return f;
    if (performance.now() > until) {
      log(`  still ${f.toFixed(2)} cores busy with other processes after ${maxS} s: starting anyway`);
      return f;
    }
    log(`  waiting: other processes use ${f.toFixed(2)} cores …`);
  }
}
