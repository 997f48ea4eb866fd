// gmm-wasm fit: a model from a data file, in memory, streamed once per EM pass, or over
// worker threads; the summary to stderr, the model JSON to stdout or --out.
import { statSync } from 'node:fs';
import { BayesianGaussianMixture, CHUNK_ROWS, GmmError, type GaussianMixture } from '../../entry-node.js';
import type { Table } from '../csv.js';
import { DataError } from '../csv.js';
import { modelJsonText, modelSummary, num } from '../summary.js';
import { INIT_SAMPLE_DEFAULT, INIT_SAMPLE_MAX } from '../../parallel/stream.js';
import { rowObserved } from '../../model/missing.js';
import { COMMON_OPTIONS, DATA_OPTIONS, FIT_OPTIONS, InputError, UsageError, need, type Command, type Opts } from '../args.js';
import { describeData, fsReason, gatherBlocks, openBlocks, readData } from '../input.js';
import { Progress, emit, info, progressMode } from '../output.js';
import { checkedModel, criteriaLine, newModel } from '../models.js';

/** Files larger than this are fitted by streaming (GaussianMixture.fitStream) unless
 *  --no-stream is given; smaller ones with --stream. */
const STREAM_ABOVE_BYTES = 512 << 20;

/** `fit` over a file read once per EM pass: memory holds one block of lines and the
 *  initialisation sample, whatever the size of the file. */
async function fitStreamed(path: string, o: Opts, gm: GaussianMixture): Promise<void> {
  if (path === '-') throw new UsageError('--stream needs a file: EM reads the data once per pass, and stdin can be read only once.', 'fit');
  const { st, pick, columns, cols } = await openBlocks(path, o, o.missing === 'marginalize');
  // the columns read (--columns's), as the in-memory reader's summary names them
  info(`${path}: streamed, ${cols} column${cols === 1 ? '' : 's'}${columns ? ` (${columns.join(', ')})` : ''}, ${st.format.toUpperCase()}`);
  const progress = new Progress(o.quiet ? 'never' : 'always', 'pass', gm.options.nInit);
  const t0 = Date.now();
  async function* source(): AsyncGenerator<Table> {
    for await (const t of st.blocks()) yield pick(t);
  }
  try {
    await gm.fitStream(source, { onIteration: progress.onIteration, initSampleSize: (o['init-sample'] as number | undefined) ?? INIT_SAMPLE_DEFAULT });
  } catch (e) {
    // the file's own error (a bad cell, with its line), not the stream's wrapping of it
    const cause = (e as { cause?: unknown }).cause;
    if (e instanceof GmmError && e.code === 'SOURCE_FAILED' && cause instanceof DataError) throw cause;
    throw e;
  } finally {
    progress.done();
  }
  // the criteria need the log-likelihood of every row: one more pass (rows with nothing
  // observed, which a missing-value fit leaves out, score 0 and are not counted)
  let ll = 0, n = 0;
  for await (const t of source()) {
    const v = gm.scoreSamples(t);
    for (let i = 0; i < v.length; i++) ll += v[i];
    n += observedRows(t);
  }
  const model = gm.toJSON();
  info(`${modelSummary(model, columns)}\n  ${n} rows   ${criteriaLine(gm, ll, n)}   (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
  fitWarnings(gm, n);
  emit(modelJsonText(model), o.out);
}

/** The rows of t with an observed cell: those a fit counts (bic's n). */
function observedRows(t: Table): number {
  let n = 0;
  for (let r = 0; r < t.rows; r++) if (rowObserved(t, r)) n++;
  return n;
}

/** What a finished fit of n rows should warn of: no convergence, and components that hold
 *  less than half a row (more components than the data have clusters or distinct points,
 *  which scikit-learn's k-means warns of, or a poor start). Not for a Bayesian fit, whose prior empties the
 *  components it does not need. */
function fitWarnings(gm: GaussianMixture, n: number): void {
  const m = gm.options.maxIter;
  // --max-iter 0 asks for the start alone
  if (!gm.converged && m > 0) info(`warning: EM did not converge within ${m} iteration${m === 1 ? '' : 's'}; raise --max-iter or --tol.`);
  if (gm instanceof BayesianGaussianMixture) return;
  const w = gm.weights;
  const empty = Array.from(w.keys()).filter((k) => w[k] * n < 0.5);
  if (empty.length > 0) {
    info(`warning: component${empty.length === 1 ? '' : 's'} ${empty.join(', ')} hold${empty.length === 1 ? 's' : ''} less than half a row ` +
      `(weight ${num(Math.max(...empty.map((k) => w[k])), 3)}${empty.length === 1 ? '' : ' at most'}): the data may have fewer clusters or ` +
      `distinct points than -k ${w.length} (fit fewer components), or EM stopped near a poor start (raise --n-init` +
      `${gm.converged ? '' : ' or --max-iter'}).`);
  }
}

export const fit: Command = {
  name: 'fit',
  args: ['<data>'],
  summary: 'fit a Gaussian mixture; print the model as JSON',
  options: [
    // -k (short) and --k (alias), as select's K
    { name: 'components', short: 'k', alias: 'k', kind: 'int', value: 'K', help: 'number of components (default 1; also --k)' },
    ...FIT_OPTIONS,
    ...DATA_OPTIONS,
    { name: 'progress', kind: 'flag', help: 'show the progress line even for short fits' },
    { name: 'stream', kind: 'flag', help: 'read the file in blocks, once per EM pass instead of into memory (with --workers: once, into their memory); automatic above 512 MiB' },
    { name: 'no-stream', kind: 'flag', help: 'read the file into memory whatever its size' },
    { name: 'init-sample', kind: 'int', value: 'n', help: 'when streaming: rows the initialisation sees (default 100000)' },
    { name: 'workers', kind: 'int', value: 'n', help: 'fit on n worker threads that hold the data (fitAsync; the same model; default 0: this thread)' },
    { name: 'bayesian', kind: 'flag', help: 'a BayesianGaussianMixture: -k is an upper bound, unneeded components get weights near 0' },
    { name: 'weight-prior', kind: 'string', value: 'type', help: 'with --bayesian: dirichlet_process | dirichlet_distribution (default dirichlet_process)', choices: ['dirichlet_process', 'dirichlet_distribution'] },
    { name: 'weight-concentration', kind: 'number', value: 'x', help: 'with --bayesian: the weight prior γ₀ > 0; small values favour few components (default 1/K)' },
    ...COMMON_OPTIONS,
  ],
  examples: ['gmm-wasm fit data.csv -k 3 --covariance full --seed 0 --out model.json', 'gmm-wasm fit data.csv -k 10 --bayesian --weight-concentration 0.01', 'cat data.tsv | gmm-wasm fit - -k 2 > model.json',
    'gmm-wasm fit big.csv -k 8 --stream --out model.json', 'gmm-wasm fit big.csv -k 8 --workers 8 --out model.json',
    'gmm-wasm fit holes.csv -k 3 --missing marginalize --out model.json'],
  notes: '<data> is CSV, TSV, semicolon- or whitespace-separated text (header optional), or JSON (an array of rows: arrays, or objects\n' +
    'whose keys name the columns; or { "data": rows }); "-" reads stdin. The model keeps the header\'s column names (featureNames).\n' +
    'The summary goes to stderr, the model JSON to stdout (or --out); GaussianMixture.fromJSON() (BayesianGaussianMixture.fromJSON() with ' +
    '--bayesian) reads it back.',
  async run(pos, o) {
    need(pos, 1, this, o);
    if (!o.bayesian && (o['weight-prior'] !== undefined || o['weight-concentration'] !== undefined)) {
      throw new UsageError('--weight-prior and --weight-concentration apply to a Bayesian mixture: add --bayesian.', 'fit');
    }
    if (o.bayesian && o.missing === 'marginalize') {
      throw new UsageError('--missing marginalize fits a GaussianMixture only; drop --bayesian, or impute the data first (gmm-wasm impute).', 'fit');
    }
    if (o.stream && o['no-stream']) throw new UsageError('--stream and --no-stream contradict each other.', 'fit');
    const workers = (o.workers as number | undefined) ?? 0;
    if (workers < 0) throw new UsageError('--workers needs an integer ≥ 0.', 'fit');
    if (workers > 0 && o['init-sample'] !== undefined) {
      throw new UsageError('--init-sample applies to a streamed fit; with --workers every row is held and seen.', 'fit');
    }
    if (o['init-sample'] !== undefined && !o.stream && (pos[0] === '-' || o['no-stream'])) {
      throw new UsageError('--init-sample applies only when streaming (--stream).', 'fit');
    }
    // the options are checked before any data are read
    const gm = checkedModel(() => newModel(o), 'fit');
    const sample = o['init-sample'] as number | undefined;
    if (sample !== undefined && (sample < gm.nComponents || sample > INIT_SAMPLE_MAX)) {
      throw new UsageError(`--init-sample must be an integer from -k (${gm.nComponents}) to 2^26; got ${sample}.`, 'fit');
    }
    let big = false;
    if (pos[0] !== '-' && !o['no-stream']) {
      try {
        big = statSync(pos[0]).size > STREAM_ABOVE_BYTES;
      } catch (e) {
        throw new InputError(`cannot read ${pos[0]}: ${fsReason(e)}`);
      }
    }
    if (o.stream && pos[0] === '-') throw new UsageError('--stream needs a file: stdin can be read only once (and is read whole without --stream).', 'fit');
    if ((o.stream || big) && workers === 0) return fitStreamed(pos[0], o, gm);
    if (sample !== undefined) info('note: --init-sample applies to streamed fits; this file is read into memory, where the initialisation sees every row.');
    // with --workers a file read in blocks (--stream, or a big one) is gathered once, into memory
    const missing = o.missing === 'marginalize';
    const t = o.stream || big ? await gatherBlocks(pos[0], o, missing) : readData(pos[0], o, missing);
    // a pool uses at most one worker per chunk
    const used = Math.min(workers, Math.ceil(t.rows / CHUNK_ROWS));
    info(describeData(pos[0], t) + (workers > 0 ? `; fitted on ${used} worker thread${used === 1 ? '' : 's'}` : ''));
    const progress = new Progress(progressMode(o), '', gm.options.nInit);
    const t0 = Date.now();
    try {
      if (workers > 0) await gm.fitAsync(t, { workers, onIteration: progress.onIteration });
      else gm.fit(t, { onIteration: progress.onIteration });
    } finally {
      progress.done();
    }
    const model = gm.toJSON();
    info(`${modelSummary(model, t.columns)}\n` +
      `  ${criteriaLine(gm, gm.score(t) * t.rows, observedRows(t))}   (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
    fitWarnings(gm, t.rows);
    emit(modelJsonText(model), o.out);
  },
};
