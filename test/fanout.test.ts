// examples/cloudflare-fanout under workerd: a coordinator Worker fits one mixture over three
// shard Workers (service bindings), each serving its own rows read from a disk service that
// stands in for object storage. Parameters go out as JSON, sufficient statistics come back
// as bytes, the coordinator merges them and applies one M-step per iteration. The fitted
// model must have the same bits as fit() in Node on the same rows with the same options.
// Needs `npm run build` (the Workers bundle dist/entry-workerd.js and dist/gmm.wasm).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as Lib from '../src/entry-node.js';
import {
  bundleWorker, checkBuilt, outRoot, root, startWorkerd, workerdUnavailable, type Workerd,
} from './runtimes/harness.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const example = join(root, 'examples/cloudflare-fanout');
const dir = join(outRoot, 'fanout');
const CHUNK = 2048;
const ROWS = Math.floor(3.5 * CHUNK); // four chunks, the last short: shards of 1, 1 and 2 chunks
const SHARDS = 3;

/** Hex of a double's 64 bits. */
function bits(x: number): string {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return v.getBigUint64(0).toString(16).padStart(16, '0');
}

/** Deep copy with every number replaced by the hex of its bits. */
function toBits(v: Json): Json {
  if (typeof v === 'number') return bits(v);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<unknown>, toBits);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).map((k) => [k, toBits(v[k])]));
  return v;
}

function node(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: root, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`node ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** An explicit start: equal weights, three rows far apart as means, unit precisions. */
function explicitStart(X: { data: Float64Array; cols: number }): Json {
  const row = (i: number) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols));
  const eye = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  return { weightsInit: [1 / 3, 1 / 3, 1 / 3], meansInit: [row(0), row(Math.floor(ROWS / 3)), row(Math.floor((2 * ROWS) / 3))], precisionsInit: [eye, eye, eye] };
}

const noWorkerd = workerdUnavailable();
if (noWorkerd) console.warn(`SKIPPING the fan-out example test: ${noWorkerd}`);

describe.skipIf(noWorkerd)(`examples/cloudflare-fanout: a coordinator and ${SHARDS} shard Workers in workerd${noWorkerd ? ` — skipped: ${noWorkerd}` : ''}`, () => {
  let lib: typeof Lib;
  let wd: Workerd | null = null;
  let manifest: Json;
  let X: { data: Float64Array; rows: number; cols: number };

  beforeAll(async () => {
    checkBuilt();
    lib = (await import('../dist/entry-node.js' as string)) as typeof Lib;
    await lib.init();
    rmSync(dir, { recursive: true, force: true });
    // the example's own script: shard files, manifest and workerd config (port 0: any free one)
    await node([join(example, 'make-data.js'), '--out', dir, '--rows', String(ROWS), '--shards', String(SHARDS), '--address', '127.0.0.1:0']);
    manifest = JSON.parse(readFileSync(join(dir, 'data/manifest.json'), 'utf8'));
    // the reference reads back exactly the bytes the shards will serve
    const parts = manifest.shards.map((s: Json) => readFileSync(join(dir, 'data', s.key)));
    const all = Buffer.concat(parts);
    const data = new Float64Array(all.length / 8);
    for (let i = 0; i < data.length; i++) data[i] = all.readDoubleLE(8 * i);
    X = { data, rows: data.length / manifest.nFeatures, cols: manifest.nFeatures };
    // bundled as wrangler would (gmm.wasm kept as a module), where the config embeds them
    await bundleWorker(join(example, 'coordinator.js'), join(dir, 'build/coordinator'));
    await bundleWorker(join(example, 'shard.js'), join(dir, 'build/shard'));
    wd = await startWorkerd(join(dir, 'workerd.capnp'), ['http']);
  });

  afterAll(async () => {
    await wd?.stop();
  });

  async function post(body: unknown): Promise<{ status: number; body: Json }> {
    const res = await fetch(`http://127.0.0.1:${wd!.ports.http}/fit`, {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: await res.json() };
  }

  /** fit() in Node, with the lower bound of every iteration. */
  function reference(options: Json): { model: Json; lowerBounds: number[] } {
    const lowerBounds: number[] = [];
    const gm = new lib.GaussianMixture(options).fit(X, { onIteration: (it) => lowerBounds.push(it.lowerBound) });
    return { model: gm.toJSON(), lowerBounds };
  }

  it('writes whole chunks per shard (the last ends short) and the rows the test expects', () => {
    expect(manifest.rows).toBe(ROWS);
    expect(X.rows).toBe(ROWS);
    expect(manifest.shards.map((s: Json) => [s.rowOffset, s.rows])).toEqual([[0, CHUNK], [CHUNK, CHUNK], [2 * CHUNK, ROWS - 2 * CHUNK]]);
    expect(lib.CHUNK_ROWS).toBe(CHUNK);
  });

  for (const [label, extra] of [['until converged (tol 1e-6)', { maxIter: 200, tol: 1e-6 }], ['stopped by maxIter 20', { maxIter: 20, tol: 0 }]] as const) {
    it(`full covariance, K=3, explicit start, ${label}: the same bits as fit() in Node`, async () => {
      const options = { nComponents: 3, covarianceType: 'full', ...explicitStart(X), ...extra };
      const r = await post(options);
      expect(r.status, JSON.stringify(r.body).slice(0, 2000)).toBe(200);
      const ref = reference(options);
      expect(toBits(r.body.model)).toEqual(toBits(ref.model));
      expect(toBits(r.body.lowerBounds)).toEqual(toBits(ref.lowerBounds));
      expect(r.body.nIter).toBe(ref.model.nIter);
      expect(r.body.nIter).toBeGreaterThan(1);
      expect(r.body.lowerBounds).toHaveLength(r.body.nIter);
      // one run stops on tol, the other on maxIter, as fit() does
      if (extra.tol > 0) expect(r.body.converged).toBe(true);
      else expect([r.body.converged, r.body.nIter]).toEqual([false, 20]);
      // every shard answered for its own rows
      expect(r.body.shards).toEqual([
        { binding: 'SHARD0', rows: CHUNK, chunks: [0, 1] },
        { binding: 'SHARD1', rows: CHUNK, chunks: [1, 2] },
        { binding: 'SHARD2', rows: ROWS - 2 * CHUNK, chunks: [2, 4] },
      ]);
      // bytes back per shard and iteration: a 56-byte header and one tree node (each shard is
      // one aligned block of chunks) of 8 + 8·S bytes, S = 2 + K + K·d + K·d² (full)
      const K = 3, d = 3, S = 2 + K + K * d + K * d * d;
      for (const t of r.body.traffic) expect(t.statisticsBytes).toEqual([56 + (8 + 8 * S), 56 + (8 + 8 * S), 56 + (8 + 8 * S)]);
      // the model round-trips through fromJSON to the same bits
      expect(toBits(lib.GaussianMixture.fromJSON(r.body.model).toJSON())).toEqual(toBits(ref.model));
    });
  }

  it('a start far from the data: the statistics are taken again about a shift, and the bits are still fit()\'s', async () => {
    // the means start 1000 units off: the first M-step would cancel most of its digits
    const start = explicitStart(X);
    const options = { nComponents: 3, covarianceType: 'full', ...start, maxIter: 30, tol: 1e-6,
      meansInit: start.meansInit.map((m: number[]) => m.map((v) => v + 1000)) };
    const r = await post(options);
    expect(r.status, JSON.stringify(r.body).slice(0, 2000)).toBe(200);
    const ref = reference(options);
    expect(toBits(r.body.model)).toEqual(toBits(ref.model));
    expect(toBits(r.body.lowerBounds)).toEqual(toBits(ref.lowerBounds));
    // more rounds than iterations: the extra ones carry the shift (K·d f64 after the header)
    const K = 3, d = 3, S = 2 + K + K * d + K * d * d;
    expect(r.body.traffic.length).toBeGreaterThan(r.body.nIter);
    const shifted = r.body.traffic.filter((t: Json) => t.statisticsBytes[0] === 56 + 8 * K * d + (8 + 8 * S));
    expect(shifted).toHaveLength(r.body.traffic.length - r.body.nIter);
  });

  it('refuses options without an explicit start (no rows here to initialise from)', async () => {
    const r = await post({ nComponents: 3, covarianceType: 'full' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/explicit start/);
  });

  it('a shard\'s typed error reaches the caller with its code (400): here a start of another feature count', async () => {
    const eye2 = [[1, 0], [0, 1]];
    const r = await post({ nComponents: 2, covarianceType: 'full', weightsInit: [0.5, 0.5], meansInit: [[0, 0], [1, 1]], precisionsInit: [eye2, eye2] });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.code).toBe('FEATURE_MISMATCH');
  });
});
