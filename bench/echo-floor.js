#!/usr/bin/env node
// The floor under fitAsync's messages + merge on this machine: W worker_threads that each
// answer a message after `work` ms of busy work, with a payload like an EM iteration's (a
// 528-f64 parameter buffer out, `nodes` Float64Arrays of `len` back by transfer). Prints the
// round trip beyond the slowest worker's own time. With --relay, the other design: no
// coordinator; after its work each worker posts its nodes straight to every other worker
// (a MessageChannel per pair) and starts the next iteration once it has all of theirs, as
// workers that merged the statistics and ran the M-step themselves would; --spin US: each
// then waits awake (receiveMessageOnPort) up to US µs before sleeping (tried for fitAsync's
// relay, not kept: bench/README.md). Usage:
//
//   node bench/echo-floor.js [W = 2] [work ms = 15] [len = 530] [nodes = 5] [--relay [--spin US]]
import { Worker, MessageChannel } from 'node:worker_threads';

const relay = process.argv.includes('--relay');
const spinAt = process.argv.indexOf('--spin');
const spinUs = spinAt >= 0 ? Number(process.argv[spinAt + 1]) : 0;
const nums = process.argv.slice(2).filter((a, i, all) => a !== '--relay' && a !== '--spin' && all[i - 1] !== '--spin');
const [W, work, len, nodes] = [2, 15, 530, 5].map((v, i) => Number(nums[i] ?? v));
const ITERS = 200, SKIP = 20;

const busy = `const spin = (ms) => { const t0 = performance.now(); while (performance.now() - t0 < ms); return performance.now() - t0; };
const payload = (m) => Array.from({ length: m.nodes }, (_, i) => ({ level: i, index: 0, data: new Float64Array(m.len) }));`;

// coordinator: parameters out, nodes back, per iteration
const answer = `${busy}
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  const ms = spin(m.work);
  const out = payload(m);
  parentPort.postMessage({ ms, out }, out.map((n) => n.data.buffer));
});`;

// relay: each worker's own loop; iteration i ends when W − 1 peers' nodes of iteration i
// are in. Start times on the clock all threads share (timeOrigin + now).
const peer = `${busy}
const { parentPort, receiveMessageOnPort } = require('node:worker_threads');
parentPort.once('message', (m) => {
  const got = new Map();
  const ms = [], start = [];
  let it = 0;
  const step = () => {
    start.push(performance.timeOrigin + performance.now());
    ms.push(spin(m.work));
    for (const p of m.ports) {
      const out = payload(m);
      p.postMessage({ it, out }, out.map((n) => n.data.buffer));
    }
    // --spin: take the peers' nodes synchronously for up to spinUs µs (no wake-up)
    const until = performance.now() + m.spinUs / 1000;
    while (m.spinUs > 0 && (got.get(it) ?? 0) < m.ports.length && performance.now() < until) {
      for (const p of m.ports) { const r = receiveMessageOnPort(p); if (r) got.set(r.message.it, (got.get(r.message.it) ?? 0) + 1); }
    }
    next();
  };
  const next = () => {
    if ((got.get(it) ?? 0) < m.ports.length) return;
    got.delete(it);
    if (++it === m.iters) parentPort.postMessage({ ms, start });
    else step();
  };
  for (const p of m.ports) p.on('message', (x) => { got.set(x.it, (got.get(x.it) ?? 0) + 1); next(); });
  step();
});`;

const extra = [];
if (!relay) {
  const ws = Array.from({ length: W }, () => new Worker(answer, { eval: true }));
  const ask = (w, m) => new Promise((resolve) => { w.once('message', resolve); w.postMessage(m); });
  for (let i = 0; i < ITERS; i++) {
    const t0 = performance.now();
    const res = await Promise.all(ws.map((w) => ask(w, { work, nodes, len, params: new Float64Array(528) })));
    if (i >= SKIP) extra.push(performance.now() - t0 - Math.max(...res.map((r) => r.ms)));
  }
  for (const w of ws) await w.terminate();
} else {
  const ports = Array.from({ length: W }, () => []);
  for (let a = 0; a < W; a++) {
    for (let b = a + 1; b < W; b++) {
      const ch = new MessageChannel();
      ports[a].push(ch.port1);
      ports[b].push(ch.port2);
    }
  }
  const ws = ports.map((ps) => {
    const w = new Worker(peer, { eval: true });
    w.postMessage({ work, nodes, len, iters: ITERS, ports: ps, spinUs }, ps);
    return w;
  });
  const res = await Promise.all(ws.map((w) => new Promise((resolve) => w.once('message', resolve))));
  // an iteration: from the last worker's start of it to the last worker's start of the
  // next, minus the slowest worker's work
  const last = (i) => Math.max(...res.map((r) => r.start[i]));
  for (let i = SKIP; i + 1 < ITERS; i++) extra.push(last(i + 1) - last(i) - Math.max(...res.map((r) => r.ms[i])));
  for (const w of ws) await w.terminate();
}
extra.sort((a, b) => a - b);
const q = (f) => extra[Math.floor(f * (extra.length - 1))].toFixed(3);
console.log(`${relay ? `relay (no coordinator${spinUs ? `, spin ≤ ${spinUs} µs` : ''}), ` : ''}${W} workers, ${work} ms of work each: ` +
  `${relay ? 'an iteration' : 'round trip'} beyond the slowest worker, ms: median ${q(0.5)}, p10 ${q(0.1)}, p90 ${q(0.9)}`);
