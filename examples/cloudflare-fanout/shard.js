// A shard Worker: holds one contiguous piece of the rows and, for each EM iteration, runs
// the E-step over them with the parameters the coordinator sends, answering with the
// sufficient statistics as bytes.
//
//   POST /statistics   body: {"options": {...}} (first iteration: the constructor options with
//                      an explicit start) or {"model": <toJSON() of the current model>},
//                      and "shift" (K·d numbers) to take the statistics about it
//                      answer: application/octet-stream, SufficientStatistics#toBytes()
//   GET  /             {"key", "rowOffset", "rows", "nFeatures"}: what this shard serves
//
// Bindings: SHARD_KEY (text: the object holding this shard's rows), ROW_OFFSET (text: the
// global index of its first row, a multiple of CHUNK_ROWS), N_FEATURES (text), and where the
// rows live: STORE (a service: workerd's disk service, GET http://store/<key>) or BUCKET (an
// R2 bucket binding). The file is little-endian float64, row-major, no header.
import { init, GaussianMixture, CHUNK_ROWS } from 'gmm-wasm';

// Per isolate: the rows are read once, then every request reuses them. (The value is kept,
// not the promise, so no request ever waits on I/O that another request started.)
let cached = null;

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

async function readObject(env, key) {
  if (env.BUCKET) {
    const object = await env.BUCKET.get(key);
    if (!object) throw new Error(`no object ${key} in the bucket`);
    return object.arrayBuffer();
  }
  const res = await env.STORE.fetch(`http://store/${encodeURIComponent(key)}`);
  if (!res.ok) throw new Error(`GET ${key} from the store: ${res.status} ${res.statusText}`);
  return res.arrayBuffer();
}

async function shardRows(env) {
  if (cached) return cached;
  const key = env.SHARD_KEY;
  const rowOffset = Number(env.ROW_OFFSET);
  const cols = Number(env.N_FEATURES);
  if (!key) throw new Error('SHARD_KEY is not bound');
  if (!Number.isSafeInteger(rowOffset) || rowOffset < 0 || rowOffset % CHUNK_ROWS !== 0) {
    throw new Error(`ROW_OFFSET must be a multiple of ${CHUNK_ROWS}, not ${env.ROW_OFFSET}`);
  }
  if (!Number.isSafeInteger(cols) || cols < 1) throw new Error(`N_FEATURES must be a positive integer, not ${env.N_FEATURES}`);
  const buffer = await readObject(env, key);
  if (buffer.byteLength === 0 || buffer.byteLength % (8 * cols) !== 0) {
    throw new Error(`${key} has ${buffer.byteLength} bytes: not whole rows of ${cols} float64`);
  }
  let data;
  if (LITTLE_ENDIAN) {
    data = new Float64Array(buffer);
  } else {
    const view = new DataView(buffer);
    data = Float64Array.from({ length: buffer.byteLength / 8 }, (_, i) => view.getFloat64(8 * i, true));
  }
  cached = { key, rowOffset, X: { data, rows: data.length / cols, cols } };
  return cached;
}

function failure(e) {
  // a GmmError (bad parameters, rows off the chunk grid, …) is the caller's; anything else ours
  const status = e?.name === 'GmmError' ? 400 : 500;
  return Response.json({ error: String(e?.message ?? e), code: e?.code ?? null }, { status });
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    try {
      await init();
      if (request.method === 'GET' && pathname === '/') {
        const { key, rowOffset, X } = await shardRows(env);
        return Response.json({ key, rowOffset, rows: X.rows, nFeatures: X.cols });
      }
      if (request.method !== 'POST' || pathname !== '/statistics') {
        return new Response('POST /statistics with {"options"} or {"model"}; GET / for this shard\n', { status: 404 });
      }
      const message = await request.json();
      const { rowOffset, X } = await shardRows(env);
      // the coordinator's current parameters, bit for bit (numbers survive JSON exactly)
      const gm = message.model ? GaussianMixture.fromJSON(message.model) : new GaussianMixture(message.options);
      const statistics = gm.computeStatistics(X, { rowOffset, shift: message.shift ?? null });
      return new Response(statistics.toBytes(), { headers: { 'content-type': 'application/octet-stream' } });
    } catch (e) {
      return failure(e);
    }
  },
};
