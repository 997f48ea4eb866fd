// The coordinator Worker: fits one Gaussian mixture over the rows of every shard Worker it
// is bound to (service bindings SHARD0, SHARD1, …), without ever seeing a row.
//
//   POST /fit   body: GaussianMixture options with an explicit start (weightsInit,
//               meansInit, precisionsInit); maxIter and tol as for fit()
//               answer: {"model": toJSON(), "nIter", "converged", "lowerBound",
//                        "lowerBounds": [one per iteration], "shards": [...],
//                        "traffic": [one per round of requests: one an iteration, two
//                        when the statistics were taken again about a shift]}
//
// Each EM iteration: the current parameters go out to every shard (JSON), each shard's
// sufficient statistics come back (bytes), the coordinator merges them and applies one
// M-step. When a mean moved far, the merged statistics would lose digits in the M-step:
// recentreShift says so, and the shards take the same E-step again about the shift it
// gives (fit() does the same). The result has the same bits as fit() on all the rows in
// one place.
import { init, GaussianMixture, SufficientStatistics } from 'gmm-wasm';

class BadRequest extends Error {
  status = 400;
}

/** The shard services, in binding order (SHARD0, SHARD1, …). Their order does not matter
 *  to the result: statistics merge to the same bits in any order. */
function shardBindings(env) {
  return Object.keys(env)
    .filter((name) => /^SHARD\d+$/.test(name))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    .map((name) => ({ name, service: env[name] }));
}

async function statisticsFrom(shard, body) {
  const res = await shard.service.fetch('http://shard/statistics', {
    method: 'POST', body, headers: { 'content-type': 'application/json' },
  });
  if (!res.ok) {
    // the shard's own typed error (a GmmError's code and message) stays the caller's to read
    const text = await res.text();
    let answer = null;
    try {
      answer = JSON.parse(text);
    } catch {
      // not JSON: the text as it came
    }
    const e = new Error(`${shard.name} answered ${res.status}: ${answer?.error ?? text}`);
    if (answer?.code) Object.assign(e, { code: answer.code, status: res.status === 400 ? 400 : 502 });
    throw e;
  }
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * EM by map-reduce: E-steps on the shards, merges and M-steps here, until the lower bound
 * moves by less than tol or maxIter iterations have run (exactly when fit() stops).
 * `expectedRows`, when known, guards against a shard left out of the bindings (the merged
 * statistics of the first shards alone would look like complete, shorter data).
 */
export async function fitAcrossShards(options, shards, expectedRows = null) {
  if (shards.length === 0) throw new Error('no shard bindings (SHARD0, SHARD1, …)');
  if (!options || typeof options !== 'object' || !options.weightsInit || !options.meansInit || !options.precisionsInit) {
    throw new BadRequest('send an explicit start (weightsInit, meansInit and precisionsInit): the usual initialisations ' +
      'need all the rows in one place; fit a model on a sample and start from its parameters.');
  }
  const gm = new GaussianMixture(options); // checks the options
  const maxIter = gm.options.maxIter;
  const encoder = new TextEncoder();
  const lowerBounds = [];
  const traffic = [];
  let pieces = [];
  const rows = expectedRows !== null ? { rows: expectedRows } : {};
  do {
    // before the first M-step the model is not fitted: its parameters are the explicit start
    const params = gm.isFitted ? { model: gm.toJSON() } : { options };
    const round = async (message) => {
      const body = encoder.encode(JSON.stringify(message));
      const bytes = await Promise.all(shards.map((shard) => statisticsFrom(shard, body)));
      traffic.push({ parametersBytes: body.byteLength * shards.length, statisticsBytes: bytes.map((b) => b.byteLength) });
      pieces = bytes.map((b) => SufficientStatistics.fromBytes(b));
      return GaussianMixture.mergeStatistics(pieces);
    };
    let merged = await round(params);
    // rare: the same E-step again about the means it gives (numbers survive JSON exactly)
    const shift = gm.recentreShift(merged, rows);
    if (shift) merged = await round({ ...params, shift: Array.from(shift) });
    // one M-step; nIter + 1, lowerBound and converged as in fit(). With the row count it also
    // refuses statistics that miss the last shard (INVALID_STATISTICS); a missing first
    // shard or a gap is refused anyway
    gm.applyStatistics(merged, rows);
    lowerBounds.push(gm.lowerBound);
  } while (!gm.converged && gm.nIter < maxIter);
  return {
    model: gm.toJSON(),
    nIter: gm.nIter,
    converged: gm.converged,
    lowerBound: gm.lowerBound,
    lowerBounds,
    shards: pieces.map((s, i) => ({ binding: shards[i].name, rows: s.rows, chunks: s.chunkRange })),
    traffic,
  };
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (request.method !== 'POST' || pathname !== '/fit') {
      return new Response('POST /fit with GaussianMixture options (JSON, with an explicit start)\n', { status: 404 });
    }
    try {
      await init();
      let options;
      try {
        options = await request.json();
      } catch {
        throw new BadRequest('the body is not JSON');
      }
      const expectedRows = env.N_ROWS ? Number(env.N_ROWS) : null;
      return Response.json(await fitAcrossShards(options, shardBindings(env), expectedRows));
    } catch (e) {
      const status = e?.status ?? (e?.name === 'GmmError' ? 400 : 500);
      return Response.json({ error: String(e?.message ?? e), code: e?.code ?? null }, { status });
    }
  },
};
