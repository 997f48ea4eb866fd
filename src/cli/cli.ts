#!/usr/bin/env node
// The gmm-wasm command line: fit, predict, score, sample, impute and select (BIC, AIC or
// ICL over K and covariance types). Results go to stdout (or --out), everything for people to stderr.
// Exit codes: 0 success, 1 bad input or a failed fit, 2 bad usage.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { init, GaussianMixture, BayesianGaussianMixture, GmmError, selectModel, selectModelAsync, CHUNK_ROWS } from '../entry-node.js';
import type {
  WeightConcentrationPriorType,
  CovarianceType, GaussianMixtureJSON, GaussianMixtureOptions, InitParams, IterationInfo, SelectionCriterion, SelectionResult,
  SelectModelOptions,
} from '../index.js';
import { DataError, formatCsv, parseTable, type Table } from './csv.js';
import { formatTable, modelJsonText, modelSummary, num } from './summary.js';
import { lineBound, streamTable, type StreamedTable } from './stream-input.js';
import { core } from '../core/core.js';
import { rowObserved } from '../model/missing.js';
import { INIT_SAMPLE_DEFAULT, INIT_SAMPLE_MAX } from '../parallel/stream.js';

/** Files larger than this are fitted by streaming (GaussianMixture.fitStream) unless
 *  --no-stream is given; smaller ones with --stream. */
const STREAM_ABOVE_BYTES = 512 << 20;

const COVARIANCE_TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];
const INIT_METHODS: InitParams[] = ['kmeans', 'k-means++', 'random', 'random_from_data'];

class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
  }
}

class InputError extends Error {}

// ---------------------------------------------------------------------------------------
// Options

type Kind = 'flag' | 'string' | 'int' | 'number';

interface OptionSpec {
  name: string;
  short?: string;
  /** Another long name (fit's --components is also --k, as select's --k is also -k). */
  alias?: string;
  kind: Kind;
  value?: string;       // placeholder in help
  help: string;
  choices?: readonly string[];
}

const DATA_OPTIONS: OptionSpec[] = [
  { name: 'header', kind: 'flag', help: 'the first line is a header (default: auto-detected)' },
  { name: 'no-header', kind: 'flag', help: 'the first line is data' },
  { name: 'delimiter', kind: 'string', value: 'c', help: "',' ';' tab or space (default: auto-detected)", choices: [',', ';', 'tab', 'space', '\\t', ' '] },
  { name: 'columns', kind: 'string', value: 'list', help: 'use these columns: names or 1-based numbers, comma-separated' },
];

const FIT_OPTIONS: OptionSpec[] = [
  { name: 'covariance', short: 'c', kind: 'string', value: 'type', help: 'full | tied | diag | spherical (default full)', choices: COVARIANCE_TYPES },
  { name: 'init', kind: 'string', value: 'method', help: 'kmeans | k-means++ | random | random_from_data (default kmeans)', choices: INIT_METHODS },
  { name: 'n-init', kind: 'int', value: 'n', help: 'initialisations; the best lower bound wins (default 1)' },
  { name: 'max-iter', kind: 'int', value: 'n', help: 'EM iterations per initialisation (default 100)' },
  { name: 'tol', kind: 'number', value: 'x', help: 'stop when the lower bound changes less (default 1e-3)' },
  { name: 'reg-covar', kind: 'number', value: 'x', help: 'added to covariance diagonals (default 1e-6)' },
  { name: 'seed', kind: 'int', value: 'n', help: 'random seed: same seed, same result everywhere (default 0)' },
  { name: 'missing', kind: 'string', value: 'mode', help: 'error | marginalize: read empty, NA and NaN cells as missing and fit around them (default error)', choices: ['error', 'marginalize'] },
];

/** What a missing cell's error suggests, for the data of a fit and of a loaded model. */
const FIT_MISSING_HINT = 'pass --missing marginalize to fit with missing values, or remove or impute the row';
const MODEL_MISSING_HINT = 'the model was fitted without --missing marginalize: fill the row first (gmm-wasm impute), or remove it';

const COMMON_OPTIONS: OptionSpec[] = [
  { name: 'out', short: 'o', kind: 'string', value: 'file', help: 'write the result to a file instead of stdout ("-": stdout)' },
  { name: 'quiet', short: 'q', kind: 'flag', help: 'print nothing on stderr except errors' },
  { name: 'help', short: 'h', kind: 'flag', help: 'show this help' },
];

interface Command {
  name: string;
  args: string[];
  summary: string;
  options: OptionSpec[];
  examples: string[];
  notes?: string;
  run(pos: string[], o: Opts): Promise<void> | void;
}

type Opts = Record<string, string | number | boolean | undefined>;

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

function suggest(word: string, candidates: string[]): string {
  const best = candidates.map((c) => [c, editDistance(word, c)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(2, Math.floor(word.length / 3)) ? ` Did you mean ${best[0]}?` : '';
}

function parseArgs(cmd: Command, argv: string[]): { pos: string[]; opts: Opts } {
  const byName = new Map(cmd.options.flatMap((s) => (s.alias ? [[s.name, s], [s.alias, s]] : [[s.name, s]]) as [string, OptionSpec][]));
  const byShort = new Map(cmd.options.filter((s) => s.short).map((s) => [s.short!, s]));
  const pos: string[] = [];
  const opts: Opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      pos.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let value: string | undefined;
    let shown = a;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      shown = `--${name}`;
      spec = byName.get(name);
      if (!spec) {
        throw new UsageError(`unknown option ${shown} for "${cmd.name}".${suggest(shown, cmd.options.map((s) => `--${s.name}`))}`, cmd.name);
      }
      if (eq >= 0) value = a.slice(eq + 1);
    } else if (a.startsWith('-') && a.length > 1 && !/^-[\d.]/.test(a)) {
      spec = byShort.get(a[1]);
      shown = `-${a[1]}`;
      if (!spec) throw new UsageError(`unknown option ${shown} for "${cmd.name}".`, cmd.name);
      if (a.length > 2) value = a.slice(2).replace(/^=/, '');
    } else {
      pos.push(a);
      continue;
    }
    if (spec.kind === 'flag') {
      if (value !== undefined) throw new UsageError(`${shown} takes no value.`, cmd.name);
      opts[spec.name] = true;
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${shown} needs a value (${spec.value ?? 'value'}).`, cmd.name);
      value = argv[++i];
    }
    opts[spec.name] = convert(spec, shown, value, cmd.name);
  }
  return { pos, opts };
}

function convert(spec: OptionSpec, shown: string, value: string, cmd: string): string | number {
  if (spec.kind === 'int' || spec.kind === 'number') {
    // decimal only (Number() would also take 0x10, 0b1 and Infinity); an integer exactly (1e3 is one, 2^53 + 1 is not)
    const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isFinite(v) || (spec.kind === 'int' && !Number.isSafeInteger(v))) {
      throw new UsageError(`${shown} needs ${spec.kind === 'int' ? 'an integer' : 'a number'}; got ${JSON.stringify(value)}.`, cmd);
    }
    return v;
  }
  if (spec.choices && !spec.choices.includes(value)) {
    throw new UsageError(`${shown} must be one of ${spec.choices.filter((c) => c !== ' ' && c !== '\\t').join(', ')}; got ${JSON.stringify(value)}.${suggest(value, [...spec.choices])}`, cmd);
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// Output

let quiet = false;

function info(text: string): void {
  if (!quiet) process.stderr.write(text.endsWith('\n') ? text : text + '\n');
}

function emit(text: string, out: unknown): void {
  if (typeof out === 'string' && out !== '-') { // "-": stdout, as "-" is stdin for input
    try {
      writeFileSync(out, text);
    } catch (e) {
      throw new InputError(`cannot write ${out}: ${fsReason(e)}`);
    }
    info(`wrote ${out}`);
  } else {
    process.stdout.write(text);
  }
}

/** The progress line on stderr: shown once a fit has run for a moment (at once with
 *  --progress), redrawn in place on a terminal, a line at a time otherwise. */
class Progress {
  private readonly start = Date.now();
  private last = 0;
  private drawn = false;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly mode: 'auto' | 'always' | 'never', private readonly label: string, private readonly nInit: number) {}

  readonly onIteration = (it: IterationInfo): void => {
    if (this.mode === 'never') return;
    const now = Date.now();
    if (this.mode === 'auto') {
      if (now - this.start < 400) return;
      if (now - this.last < (this.tty ? 100 : 2000)) return;
    }
    this.last = now;
    const parts = [this.label];
    if (this.nInit > 1) parts.push(`init ${it.init + 1}/${this.nInit}`);
    parts.push(`iter ${it.iter}`, `lower bound ${num(it.lowerBound, 8)}`,
      `change ${Number.isFinite(it.change) ? it.change.toExponential(2) : '—'}`);
    const line = parts.filter(Boolean).join('  ');
    if (this.tty) process.stderr.write(`\r\x1b[K${line}`);
    else process.stderr.write(line + '\n');
    this.drawn = true;
  };

  done(): void {
    if (this.drawn && this.tty) process.stderr.write('\r\x1b[K');
  }
}

function progressMode(o: Opts): 'auto' | 'always' | 'never' {
  return o.quiet ? 'never' : o.progress ? 'always' : 'auto';
}

// ---------------------------------------------------------------------------------------
// Input

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'it is a directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    default: return (e as Error)?.message ?? String(e);
  }
}

function readInput(path: string): Buffer {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    throw new InputError(`cannot read ${path === '-' ? 'stdin' : path}: ${fsReason(e)}`);
  }
}

/** --header / --no-header and --delimiter as the parsers take them. */
function layoutOptions(o: Opts): { header: boolean | undefined; delimiter: string | undefined } {
  if (o.header && o['no-header']) throw new UsageError('--header and --no-header contradict each other.');
  const d = o.delimiter as string | undefined;
  return {
    header: o.header ? true : o['no-header'] ? false : undefined,
    delimiter: d === undefined ? undefined : d === 'tab' || d === '\\t' ? '\t' : d === 'space' ? ' ' : d,
  };
}

function readData(path: string, o: Opts, missing = false, missingHint = FIT_MISSING_HINT): Table {
  const layout = layoutOptions(o); // usage errors before the file is read
  const t = parseTable(readInput(path), { source: path === '-' ? 'stdin' : path, ...layout, missing, missingHint });
  return o.columns === undefined ? t : selectColumns(t, String(o.columns), path);
}

function selectColumns(t: Table, spec: string, path: string): Table {
  const picks = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (picks.length === 0) throw new UsageError('--columns needs at least one column name or number.');
  const idx = picks.map((p) => {
    if (/^\d+$/.test(p)) {
      const j = Number(p) - 1;
      if (j < 0 || j >= t.cols) throw new InputError(`${path}: --columns ${p}: the data have columns 1 to ${t.cols}.`);
      return j;
    }
    const j = t.columns?.indexOf(p) ?? -1;
    if (j < 0) {
      throw new InputError(t.columns
        ? `${path}: --columns: no column named ${JSON.stringify(p)}; the columns are ${t.columns.map((c) => JSON.stringify(c)).join(', ')}.`
        : `${path}: --columns ${JSON.stringify(p)}: the data have no header, so use column numbers (1 to ${t.cols}).`);
    }
    return j;
  });
  const data = new Float64Array(t.rows * idx.length);
  for (let r = 0; r < t.rows; r++) idx.forEach((j, c) => { data[r * idx.length + c] = t.data[r * t.cols + j]; });
  return { ...t, data, cols: idx.length, columns: t.columns ? idx.map((j) => t.columns![j]) : null };
}

function describeData(path: string, t: Table): string {
  const cols = t.columns ? ` (${t.columns.join(', ')})` : '';
  return `${path === '-' ? 'stdin' : path}: ${t.rows} rows × ${t.cols} column${t.cols === 1 ? '' : 's'}${cols}, ${t.format.toUpperCase()}`;
}

function readModel(path: string): GaussianMixture {
  const text = readInput(path).toString('utf8').replace(/^\uFEFF/, ''); // a byte-order mark, as data files may have
  try {
    // parsed once; a Bayesian mixture's JSON carries its posterior in "variational"
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return GaussianMixture.fromJSON(text); // which reports the syntax error
    }
    const bayes = json !== null && typeof json === 'object' && 'variational' in json;
    return bayes ? BayesianGaussianMixture.fromJSON(json) : GaussianMixture.fromJSON(json);
  } catch (e) {
    if (e instanceof GmmError) throw new InputError(`${path}: ${e.message}`);
    throw e;
  }
}

/** Data scored by a loaded model: missing cells are read as NaN when the model was fitted
 *  with --missing marginalize (it marginalises them), and are an error otherwise. */
function readModelData(gm: GaussianMixture, path: string, o: Opts): Table {
  return readData(path, o, gm.options.missingValues === 'marginalize', MODEL_MISSING_HINT);
}

function need(pos: string[], n: number, cmd: Command): void {
  if (pos.length < n) throw new UsageError(`"${cmd.name}" needs ${cmd.args.slice(pos.length, n).join(' ')}.`, cmd.name);
  if (pos.length > cmd.args.length) throw new UsageError(`unexpected argument ${JSON.stringify(pos[cmd.args.length])}.`, cmd.name);
  if (pos.filter((p) => p === '-').length > 1) {
    throw new UsageError(`${cmd.args.filter((_, i) => pos[i] === '-').join(' and ')} cannot both come from stdin ("-"): give one as a file.`, cmd.name);
  }
}

/** The command line's name for each option of the library's models, for their errors. */
const FLAG_OF: Record<string, string> = {
  nComponents: '-k', covarianceType: '--covariance', tol: '--tol', regCovar: '--reg-covar', maxIter: '--max-iter',
  nInit: '--n-init', initParams: '--init', seed: '--seed', weightConcentrationPrior: '--weight-concentration',
  weightConcentrationPriorType: '--weight-prior',
};

/** make() (a model built from the command line's options), its option errors turned into
 *  usage errors that name the flags, before any data are read. */
function checkedModel<T>(make: () => T, cmd: string): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof GmmError && e.code === 'INVALID_OPTION') {
      // the library's messages start with the option's name
      const name = /^\w+/.exec(e.message)?.[0] ?? '';
      throw new UsageError(name in FLAG_OF ? FLAG_OF[name] + e.message.slice(name.length) : e.message, cmd);
    }
    throw e;
  }
}

function fitOptions(o: Opts, k: number, covarianceType: CovarianceType): GaussianMixtureOptions {
  return { nComponents: k, covarianceType, ...tuningOptions(o) };
}

/** The options other than K and the covariance type, as given on the command line. */
/** The model fit asks for: a GaussianMixture, or with --bayesian a BayesianGaussianMixture. */
function newModel(o: Opts): GaussianMixture {
  const base = fitOptions(o, (o.components as number | undefined) ?? 1, (o.covariance as CovarianceType | undefined) ?? 'full');
  if (!o.bayesian) return new GaussianMixture(base);
  return new BayesianGaussianMixture({
    ...base,
    ...(o['weight-prior'] !== undefined ? { weightConcentrationPriorType: o['weight-prior'] as WeightConcentrationPriorType } : {}),
    ...(o['weight-concentration'] !== undefined ? { weightConcentrationPrior: o['weight-concentration'] as number } : {}),
  });
}

/** The fit's closing line: BIC, AIC and the log-likelihood, or a Bayesian mixture's bound
 *  and effective components (it has no BIC). */
function criteriaLine(gm: GaussianMixture, ll: number, n: number): string {
  if (gm instanceof BayesianGaussianMixture) {
    return `effective components ${gm.nEffectiveComponents(0.01)} of ${gm.nComponents} (weight > 0.01)   ` +
      `log-likelihood (variational) ${num(ll, 7)}`;
  }
  const p = gm.nParameters();
  return `BIC ${num(-2 * ll + p * core().ln(n), 7)}   AIC ${num(-2 * ll + 2 * p, 7)}   log-likelihood ${num(ll, 7)}`;
}

function tuningOptions(o: Opts): GaussianMixtureOptions {
  const opts: GaussianMixtureOptions = {};
  if (o.init !== undefined) opts.initParams = o.init as InitParams;
  if (o['n-init'] !== undefined) opts.nInit = o['n-init'] as number;
  if (o['max-iter'] !== undefined) opts.maxIter = o['max-iter'] as number;
  if (o.tol !== undefined) opts.tol = o.tol as number;
  if (o['reg-covar'] !== undefined) opts.regCovar = o['reg-covar'] as number;
  if (o.seed !== undefined) opts.seed = o.seed as number;
  if (o.missing !== undefined) opts.missingValues = o.missing as 'error' | 'marginalize';
  return opts;
}

/** "1..10", "2-5", "3", "1,2,5" → sorted distinct K values. */
function parseKRange(s: string): number[] {
  const out = new Set<number>();
  for (const part of s.split(',')) {
    const p = part.trim();
    const m = /^(\d+)\s*(?:\.\.|-)\s*(\d+)$/.exec(p);
    if (m) {
      const a = Number(m[1]), b = Number(m[2]);
      if (a < 1 || b < a) throw new UsageError(`--k ${JSON.stringify(s)}: a range needs 1 ≤ first ≤ last.`, 'select');
      if (b - a + 1 > 1000) throw new UsageError(`--k ${JSON.stringify(s)}: at most 1000 values.`, 'select');
      for (let k = a; k <= b; k++) out.add(k);
    } else if (/^\d+$/.test(p) && Number(p) >= 1) {
      out.add(Number(p));
    } else {
      throw new UsageError(`--k needs a range like 1..10, or a list like 2,3,5; got ${JSON.stringify(s)}.`, 'select');
    }
    if (out.size > 1000) throw new UsageError(`--k ${JSON.stringify(s)}: at most 1000 values.`, 'select');
  }
  return [...out].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------
// Commands

/** A delimited file read in blocks of lines (stream-input.ts), with --columns applied to
 *  each block (pick) and to the header (columns). */
async function openBlocks(path: string, o: Opts): Promise<{ st: StreamedTable; pick: (t: Table) => Table; columns: string[] | null; cols: number }> {
  const layout = layoutOptions(o);
  let st: StreamedTable;
  try {
    st = await streamTable(path, layout);
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new InputError(`cannot read ${path}: ${fsReason(e)}`);
  }
  const pick = (t: Table): Table => (o.columns === undefined ? t : selectColumns(t, String(o.columns), path));
  const picked = o.columns === undefined ? null : selectColumns({ data: new Float64Array(st.cols), rows: 1, cols: st.cols,
    columns: st.columns, format: st.format }, String(o.columns), path);
  return { st, pick, columns: picked ? picked.columns : st.columns, cols: picked ? picked.cols : st.cols };
}

/** A delimited file of any size as one table, read in blocks (never as one string, which
 *  JavaScript caps near 512 MiB) and parsed once, into an array sized by a count of the
 *  file's line feeds: memory holds the array and one block. */
async function gatherBlocks(path: string, o: Opts): Promise<Table> {
  const { st, pick, columns, cols } = await openBlocks(path, o);
  const most = await lineBound(path);
  let data: Float64Array;
  try {
    data = new Float64Array(most * cols);
  } catch {
    throw new InputError(`${path}: up to ${most} rows × ${cols} columns (${((most * cols * 8) / 2 ** 30).toFixed(1)} GiB) do not fit in memory: drop --workers to stream the file instead.`);
  }
  let at = 0;
  for await (const b of st.blocks()) {
    const t = pick(b);
    if (at + t.data.length > data.length) throw new Error(`gatherBlocks: ${path} has more rows than its line breaks (${most})`);
    data.set(t.data, at);
    at += t.data.length;
  }
  return { data: data.subarray(0, at), rows: at / cols, cols, columns, format: st.format };
}

/** `fit` over a file read once per EM pass: memory holds one block of lines and the
 *  initialisation sample, whatever the size of the file. */
async function fitStreamed(path: string, o: Opts, gm: GaussianMixture): Promise<void> {
  if (o.missing === 'marginalize') {
    throw new UsageError('--missing marginalize reads the data into memory (missing-value fits run in fit() only): drop --stream.', 'fit');
  }
  if (path === '-') throw new UsageError('--stream needs a file: EM reads the data once per pass, and stdin can be read only once.', 'fit');
  const { st, pick, columns } = await openBlocks(path, o);
  info(`${path}: streamed, ${st.cols} column${st.cols === 1 ? '' : 's'}${st.columns ? ` (${st.columns.join(', ')})` : ''}, ${st.format.toUpperCase()}`);
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
  // the criteria need the log-likelihood of every row: one more pass
  let ll = 0, n = 0;
  for await (const t of source()) {
    const v = gm.scoreSamples(t);
    for (let i = 0; i < v.length; i++) ll += v[i];
    n += t.rows;
  }
  const model = gm.toJSON();
  info(`${modelSummary(model, columns)}\n  ${n} rows   ${criteriaLine(gm, ll, n)}   (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
  if (!gm.converged) info(`warning: EM did not converge within ${gm.options.maxIter} iterations; raise --max-iter or --tol.`);
  emit(modelJsonText(model), o.out);
}

const fit: Command = {
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
  notes: '<data> is CSV, TSV, semicolon- or whitespace-separated text (header optional), or JSON (an array of rows); "-" reads stdin.\n' +
    'The summary goes to stderr, the model JSON to stdout (or --out); GaussianMixture.fromJSON() (BayesianGaussianMixture.fromJSON() with ' +
    '--bayesian) reads it back.',
  async run(pos, o) {
    need(pos, 1, this);
    if (!o.bayesian && (o['weight-prior'] !== undefined || o['weight-concentration'] !== undefined)) {
      throw new UsageError('--weight-prior and --weight-concentration apply to a Bayesian mixture: add --bayesian.', 'fit');
    }
    if (o.bayesian && o.missing === 'marginalize') {
      throw new UsageError('--missing marginalize fits a GaussianMixture only; drop --bayesian, or impute the data first (gmm-wasm impute).', 'fit');
    }
    if (o.stream && o['no-stream']) throw new UsageError('--stream and --no-stream contradict each other.', 'fit');
    const workers = (o.workers as number | undefined) ?? 0;
    if (workers < 0) throw new UsageError('--workers needs an integer ≥ 0.', 'fit');
    if (workers > 0 && o.missing === 'marginalize') {
      throw new UsageError('--missing marginalize fits in this thread only (missing-value fits run in fit()): drop --workers.', 'fit');
    }
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
    // missing-value fits run in memory only: a big file is not streamed automatically
    if (pos[0] !== '-' && !o['no-stream'] && o.missing !== 'marginalize') {
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
    const t = o.stream || big ? await gatherBlocks(pos[0], o) : readData(pos[0], o, o.missing === 'marginalize');
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
      `  ${criteriaLine(gm, gm.score(t) * t.rows, t.rows)}   (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
    if (!gm.converged) info(`warning: EM did not converge within ${gm.options.maxIter} iterations; raise --max-iter or --tol.`);
    emit(modelJsonText(model), o.out);
  },
};

const predict: Command = {
  name: 'predict',
  args: ['<model.json>', '<data>'],
  summary: 'most likely component of each row (0-based), or --proba, or --given',
  options: [
    { name: 'proba', kind: 'flag', help: 'also print each component\'s posterior probability' },
    { name: 'given', kind: 'string', value: 'list', help: 'predict the other features from these (0-based feature indices, e.g. 0,2)' },
    { name: 'no-output-header', kind: 'flag', help: 'omit the header line of the output' },
    ...DATA_OPTIONS,
    ...COMMON_OPTIONS,
  ],
  examples: ['gmm-wasm predict model.json data.csv > labels.csv', 'gmm-wasm predict model.json data.csv --proba',
    'gmm-wasm predict model.json data.csv --given 0'],
  notes: 'Output: CSV with the column "component" (and p0 … p{K-1} with --proba), one line per input row.\n' +
    'With --given: the conditional mean E[other features | given features] of each row (GaussianMixture.predictConditional);\n' +
    'the data hold either the given features only, in the order of --given, or every feature (the others are ignored).',
  run(pos, o) {
    need(pos, 2, this);
    const gm = readModel(pos[0]);
    const t = readModelData(gm, pos[1], o);
    if (o.given !== undefined) {
      if (o.proba) throw new UsageError('--given and --proba do not combine: --given prints conditional means, not components.', 'predict');
      emit(conditionalMeans(gm, t, String(o.given), Boolean(o['no-output-header'])), o.out);
      return;
    }
    const labels = gm.predict(t);
    const header = o['no-output-header'] ? null : ['component'];
    if (!o.proba) {
      emit(formatCsv(labels, t.rows, 1, header), o.out);
      return;
    }
    const p = gm.predictProba(t);
    const K = p.cols;
    const data = new Float64Array(t.rows * (K + 1));
    for (let r = 0; r < t.rows; r++) {
      data[r * (K + 1)] = labels[r];
      data.set(p.data.subarray(r * K, r * K + K), r * (K + 1) + 1);
    }
    emit(formatCsv(data, t.rows, K + 1, header ? [...header, ...Array.from({ length: K }, (_, k) => `p${k}`)] : null), o.out);
  },
};

/** predict --given: E[other features | given] per row, as CSV. */
function conditionalMeans(gm: GaussianMixture, t: Table, spec: string, noHeader: boolean): string {
  const given = spec.split(',').map((x) => x.trim());
  if (given.some((x) => !/^\d+$/.test(x))) {
    throw new UsageError(`--given needs 0-based feature indices separated by commas, e.g. 0,2; got ${JSON.stringify(spec)}.`, 'predict');
  }
  const g = given.map(Number);
  const d = gm.nFeatures;
  let X: Table = t;
  if (t.cols === d && g.length < d) {
    // every feature: keep the given ones (validated by predictConditional)
    X = { ...t, cols: g.length, columns: null, data: new Float64Array(t.rows * g.length) };
    if (g.every((j) => j < d)) for (let r = 0; r < t.rows; r++) g.forEach((j, i) => { X.data[r * g.length + i] = t.data[r * d + j]; });
  } else if (t.cols !== g.length) {
    throw new InputError(`the data have ${t.cols} columns: with --given ${spec} they need either the ${g.length} given ` +
      `feature${g.length === 1 ? '' : 's'} or all ${d} features of the model.`);
  }
  const p = gm.predictConditional(X, g);
  const rest = Array.from({ length: d }, (_, j) => j).filter((j) => !g.includes(j));
  const names = rest.map((j) => (t.cols === d && t.columns ? t.columns[j] : `feature${j}`));
  return formatCsv(p.mean.data, p.mean.rows, p.mean.cols, noHeader ? null : names);
}

const score: Command = {
  name: 'score',
  args: ['<model.json>', '<data>'],
  summary: 'mean log-likelihood of the rows (or --per-row log-densities)',
  options: [
    { name: 'per-row', kind: 'flag', help: 'print the log-density of every row (CSV) instead of the mean' },
    { name: 'no-output-header', kind: 'flag', help: 'omit the header line of the --per-row output' },
    ...DATA_OPTIONS,
    ...COMMON_OPTIONS,
  ],
  examples: ['gmm-wasm score model.json data.csv', 'gmm-wasm score model.json data.csv --per-row > logp.csv'],
  notes: 'Prints the mean log-likelihood per row (as scikit-learn\'s score()); BIC and AIC on the data go to stderr.',
  run(pos, o) {
    need(pos, 2, this);
    const gm = readModel(pos[0]);
    const t = readModelData(gm, pos[1], o);
    info(describeData(pos[1], t));
    if (o['per-row']) {
      const v = gm.scoreSamples(t);
      emit(formatCsv(v, t.rows, 1, o['no-output-header'] ? null : ['log_density']), o.out);
    } else {
      const s = gm.score(t);
      info(`log-likelihood ${num(s * t.rows, 7)} (${num(s, 7)} per row)` +
        (gm instanceof BayesianGaussianMixture ? '' : `   BIC ${num(gm.bic(t), 7)}   AIC ${num(gm.aic(t), 7)}`));
      emit(`${s}\n`, o.out);
    }
  },
};

const sample: Command = {
  name: 'sample',
  args: ['<model.json>'],
  summary: 'draw samples from a model (CSV)',
  options: [
    { name: 'n', short: 'n', kind: 'int', value: 'count', help: 'number of samples (default 1)' },
    { name: 'seed', kind: 'int', value: 'n', help: 'random seed (default: the model\'s seed)' },
    { name: 'labels', kind: 'flag', help: 'add a "component" column with the component drawn' },
    { name: 'no-output-header', kind: 'flag', help: 'omit the header line' },
    ...COMMON_OPTIONS,
  ],
  examples: ['gmm-wasm sample model.json -n 1000 --seed 1 > samples.csv'],
  notes: 'Output: CSV with columns x1 … xd (and "component" with --labels). The same seed gives the same samples in every runtime.',
  run(pos, o) {
    need(pos, 1, this);
    const gm = readModel(pos[0]);
    const n = (o.n as number | undefined) ?? 1;
    if (n < 1) throw new UsageError(`-n needs a count ≥ 1; got ${n}.`, 'sample');
    const s = gm.sample(n, o.seed === undefined ? {} : { seed: o.seed as number });
    const d = s.X.cols;
    const names = Array.from({ length: d }, (_, j) => `x${j + 1}`);
    let data: ArrayLike<number> = s.X.data;
    let cols = d;
    if (o.labels) {
      const withLabels = new Float64Array(n * (d + 1));
      for (let r = 0; r < n; r++) {
        withLabels.set(s.X.data.subarray(r * d, r * d + d), r * (d + 1));
        withLabels[r * (d + 1) + d] = s.labels[r];
      }
      data = withLabels;
      cols = d + 1;
      names.push('component');
    }
    emit(formatCsv(data, n, cols, o['no-output-header'] ? null : names), o.out);
  },
};

const impute: Command = {
  name: 'impute',
  args: ['<model.json>', '<data>'],
  summary: 'fill missing cells (empty, NA, NaN) under a model; print the completed table (CSV)',
  options: [
    { name: 'method', kind: 'string', value: 'm', help: 'mean (the conditional expectation, default) | sample (a draw, seeded)', choices: ['mean', 'sample'] },
    { name: 'seed', kind: 'int', value: 'n', help: 'random seed of --method sample (default: the model\'s seed)' },
    { name: 'no-output-header', kind: 'flag', help: 'omit the header line (written when the input has one)' },
    ...DATA_OPTIONS,
    ...COMMON_OPTIONS,
  ],
  examples: ['gmm-wasm impute model.json data.csv > filled.csv', 'gmm-wasm impute model.json data.csv --method sample --seed 1'],
  notes: 'Every missing cell becomes its conditional expectation given the row\'s observed cells under the mixture\n' +
    '(or, with --method sample, a draw from that conditional distribution); other cells are copied exactly.\n' +
    'Works with any GaussianMixture model, whether or not it was fitted with --missing marginalize; a --bayesian one is refused.',
  run(pos, o) {
    need(pos, 2, this);
    const gm = readModel(pos[0]);
    const t = readData(pos[1], o, true);
    info(describeData(pos[1], t));
    let missing = 0;
    for (let i = 0; i < t.data.length; i++) if (t.data[i] !== t.data[i]) missing++;
    const filled = gm.impute(t, { method: (o.method as 'mean' | 'sample' | undefined) ?? 'mean', ...(o.seed === undefined ? {} : { seed: o.seed as number }) });
    info(`filled ${missing} missing cell${missing === 1 ? '' : 's'}`);
    emit(formatCsv(filled.data, t.rows, t.cols, o['no-output-header'] ? null : t.columns), o.out);
  },
};

const CRITERIA: SelectionCriterion[] = ['bic', 'aic', 'icl'];

const select: Command = {
  name: 'select',
  args: ['<data>'],
  summary: 'fit a range of K (and covariance types); print BIC, AIC and ICL, best first',
  options: [
    { name: 'k', short: 'k', kind: 'string', value: 'range', help: 'values of K: 1..10, 2-6 or 1,2,4 (default 1 to min(10, rows), as selectModel)' },
    { name: 'covariance', short: 'c', kind: 'string', value: 'types', help: 'covariance types to try, comma-separated (default: all four)' },
    { name: 'criterion', kind: 'string', value: 'name', help: 'bic | aic | icl: what ranks the fits (default bic)', choices: CRITERIA },
    { name: 'workers', kind: 'int', value: 'n', help: 'fit on n worker threads holding the data (default 0: this thread); the same results' },
    ...FIT_OPTIONS.filter((s) => s.name !== 'covariance'),
    ...DATA_OPTIONS,
    { name: 'json', kind: 'flag', help: 'print the table as JSON' },
    { name: 'progress', kind: 'flag', help: 'show the progress line even for short fits' },
    { name: 'out', short: 'o', kind: 'string', value: 'file', help: 'also write the best model\'s JSON to this file' },
    ...COMMON_OPTIONS.filter((s) => s.name !== 'out'),
  ],
  examples: ['gmm-wasm select data.csv --k 1..10', 'gmm-wasm select data.csv --k 2..5 --covariance full,diag --criterion icl --out best.json'],
  notes: 'BIC = −2·log-likelihood + parameters·ln(rows); AIC = −2·log-likelihood + 2·parameters; ICL = BIC − 2·Σ log ' +
    '(each row\'s largest responsibility), which also penalises overlapping components. Lower is better; ties go to ' +
    'fewer parameters. Fits that fail (e.g. a collapsed component) are listed last with the reason.',
  async run(pos, o) {
    need(pos, 1, this);
    const given = o.k === undefined ? null : parseKRange(String(o.k));
    const types = o.covariance === undefined ? COVARIANCE_TYPES : String(o.covariance).split(',').map((s) => s.trim()).map((s) => {
      if (!COVARIANCE_TYPES.includes(s as CovarianceType)) {
        throw new UsageError(`--covariance: ${JSON.stringify(s)} is not one of ${COVARIANCE_TYPES.join(', ')}.${suggest(s, COVARIANCE_TYPES)}`, 'select');
      }
      return s as CovarianceType;
    });
    const twice = types.find((t, i) => types.indexOf(t) !== i);
    if (twice) throw new UsageError(`--covariance lists ${twice} twice.`, 'select');
    // the options are checked before any data are read
    for (const covarianceType of types) checkedModel(() => new GaussianMixture({ nComponents: 1, covarianceType, ...tuningOptions(o) }), 'select');
    const criterion = (o.criterion ?? 'bic') as SelectionCriterion;
    const name = criterion.toUpperCase();
    const workers = o.workers as number | undefined;
    if (workers !== undefined && workers < 0) throw new UsageError('--workers needs an integer ≥ 0.', 'select');
    if (workers !== undefined && workers > 0 && o.missing === 'marginalize') {
      throw new UsageError('--missing marginalize selects in this thread only (missing-value fits run in fit()): drop --workers.', 'select');
    }
    const t = readData(pos[0], o, o.missing === 'marginalize');
    info(describeData(pos[0], t));
    // the library's default: K = 1 … min(10, rows), counting rows with an observed value
    let rows = t.rows;
    if (o.missing === 'marginalize') {
      rows = 0;
      for (let i = 0; i < t.rows; i++) if (rowObserved(t, i)) rows++;
    }
    const ks = given ?? Array.from({ length: Math.min(10, rows) }, (_, i) => i + 1);
    const fitted = ks.filter((k) => k <= rows);
    const failures = new Map<string, string>();
    const what = rows === t.rows ? 'rows' : 'rows with an observed value';
    for (const k of ks) if (k > rows) for (const type of types) failures.set(`${type} ${k}`, `K = ${k} exceeds the ${rows} ${what}`);
    const mode = progressMode(o);
    let progress: Progress | null = null, label = '';
    const rest = tuningOptions(o);
    let ranked: SelectionResult[] = [];
    if (fitted.length > 0) {
      const options: SelectModelOptions = {
        ...rest, nComponents: { values: fitted }, covarianceTypes: types, criterion,
        onIteration: (it) => {
          const l = `K=${it.nComponents} ${it.covarianceType}`;
          if (l !== label) {
            progress?.done();
            label = l;
            progress = new Progress(mode, l, rest.nInit ?? 1);
          }
          progress!.onIteration(it);
        },
        onFit: (r) => {
          progress?.done();
          progress = null;
          label = '';
          if ('error' in r) failures.set(`${r.covarianceType} ${r.nComponents}`, `${r.error.code}: ${r.error.message}`);
        },
      };
      try {
        ranked = (workers ? await selectModelAsync(t, { ...options, workers }) : selectModel(t, options)).results;
      } catch (e) {
        // every fit failed: the table lists why
        if (!(e instanceof GmmError) || failures.size !== ks.length * types.length) throw e;
      }
    }
    const failed = types.flatMap((type) => ks.filter((k) => failures.has(`${type} ${k}`)).map((k) => ({ k, type, error: failures.get(`${type} ${k}`)! })));
    if (o.json) {
      const rows = [
        ...ranked.map((r, i) => ({ rank: i + 1, k: r.nComponents, covariance: r.covarianceType, bic: r.bic, aic: r.aic, icl: r.icl,
          logLikelihood: r.logLikelihood, nParameters: r.nParameters, nIter: r.nIter, converged: r.converged })),
        ...failed.map((f) => ({ rank: null, k: f.k, covariance: f.type, error: f.error })),
      ];
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    } else {
      const rows = [['rank', 'K', 'covariance', 'BIC', 'AIC', 'ICL', 'log-likelihood', 'iterations', 'converged', ...(failed.length ? ['why'] : [])]];
      ranked.forEach((r, i) => rows.push([String(i + 1), String(r.nComponents), r.covarianceType, r.bic.toFixed(2), r.aic.toFixed(2),
        r.icl.toFixed(2), r.logLikelihood.toFixed(2), String(r.nIter), r.converged ? 'yes' : 'no']));
      failed.forEach((f) => rows.push(['-', String(f.k), f.type, 'failed', '', '', '', '', '', f.error]));
      process.stdout.write(formatTable(rows, ['r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'l']) + '\n');
    }
    if (ranked.length === 0) throw new InputError('every fit failed; see the table above.');
    const best = ranked[0];
    info(`best by ${name}: K = ${best.nComponents}, ${best.covarianceType} covariance (${name} ${best[criterion].toFixed(2)})`);
    if (typeof o.out === 'string') emit(modelJsonText(best.model.toJSON()), o.out);
  },
};

const COMMANDS: Command[] = [fit, predict, score, sample, impute, select];

// ---------------------------------------------------------------------------------------
// Help

function optionHelp(specs: OptionSpec[]): string {
  const rows = specs.map((s) => [
    `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.value ? ` <${s.value}>` : ''}`,
    s.help,
  ]);
  return formatTable(rows, [], '  ');
}

function commandHelp(c: Command): string {
  return [
    `Usage: gmm-wasm ${c.name} ${c.args.join(' ')} [options]`,
    '',
    `${c.summary[0].toUpperCase()}${c.summary.slice(1)}.`,
    ...(c.notes ? ['', c.notes] : []),
    '',
    'Options:',
    optionHelp(c.options),
    '',
    'Examples:',
    ...c.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

function version(): string {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function mainHelp(): string {
  return [
    `gmm-wasm ${version()}: Gaussian mixture models from the command line`,
    '',
    'Usage: gmm-wasm <command> [arguments] [options]',
    '',
    'Commands:',
    formatTable(COMMANDS.map((c) => [`${c.name} ${c.args.join(' ')}`, c.summary]), [], '  '),
    '',
    'Run "gmm-wasm <command> --help" for the options of a command.',
    'Data files: CSV, TSV, semicolon- or whitespace-separated (header auto-detected), or JSON; "-" is stdin.',
    'Exit status: 0 success, 1 unreadable or invalid input or a failed fit, 2 wrong usage.',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------
// Main

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const c = COMMANDS.find((x) => x.name === rest[0]);
    process.stdout.write(c ? commandHelp(c) : mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(version() + '\n');
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  try {
    if (!cmd) throw new UsageError(`unknown command ${JSON.stringify(name)}.${suggest(name, COMMANDS.map((c) => c.name))} The commands are ${COMMANDS.map((c) => c.name).join(', ')}.`);
    const { pos, opts } = parseArgs(cmd, rest);
    if (opts.help) {
      process.stdout.write(commandHelp(cmd));
      return 0;
    }
    quiet = Boolean(opts.quiet);
    await init();
    await cmd.run(pos, opts);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`gmm-wasm: ${e.message}\nRun "gmm-wasm ${e.command ?? ''}${e.command ? ' ' : ''}--help" for usage.\n`);
      return 2;
    }
    if (e instanceof DataError) {
      process.stderr.write(`gmm-wasm: error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof InputError) {
      process.stderr.write(`gmm-wasm: error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof GmmError) {
      process.stderr.write(`gmm-wasm: error (${e.code}): ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`gmm-wasm: internal error: ${(e as Error)?.stack ?? e}\n`);
    return 70;
  }
}

// stdout closed early (e.g. `gmm-wasm sample … | head`): stop quietly
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
