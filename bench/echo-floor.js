#!/usr/bin/env node
// The floor under fitAsync's messages + merge on this machine: W worker_threads that each
// answer a message after `work` ms of busy work, with a payload like an EM iteration's (a
// 528-f64 parameter buffer out, `nodes` Float64Arrays of `len` back by transfer). Prints the
// round trip beyond the slowest worker's own time. Usage:
//
//   node bench/echo-floor.js [W = 2] [work ms = 15] [len = 530] [nodes = 5]
import { Worker } from 'node:worker_threads';

const [W, work, len, nodes] = [2, 15, 530, 5].map((v, i) => Number(process.argv[2 + i] ?? v));
const src = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  const t0 = performance.now();
  while (performance.now() - t0 < m.work);
  const out = Array.from({ length: m.nodes }, (_, i) => ({ level: i, index: 0, data: new Float64Array(m.len) }));
  parentPort.postMessage({ ms: performance.now() - t0, out }, out.map((n) => n.data.buffer));
});`;
const ws = Array.from({ length: W }, () => new Worker(src, { eval: true }));
const ask = (w, m) => new Promise((resolve) => { w.once('message', resolve); w.postMessage(m); });
const extra = [];
for (let i = 0; i < 200; i++) {
  const t0 = performance.now();
  const res = await Promise.all(ws.map((w) => ask(w, { work, nodes, len, params: new Float64Array(528) })));
  if (i >= 20) extra.push(performance.now() - t0 - Math.max(...res.map((r) => r.ms)));
}
extra.sort((a, b) => a - b);
const q = (f) => extra[Math.floor(f * (extra.length - 1))].toFixed(3);
console.log(`${W} workers, ${work} ms of work each: round trip beyond the slowest worker, ms: median ${q(0.5)}, p10 ${q(0.1)}, p90 ${q(0.9)}`);
for (const w of ws) await w.terminate();
