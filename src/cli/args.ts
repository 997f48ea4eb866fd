// The command line's arguments: the option specs shared by the commands, the parser (long
// and short options, --name=value, a suggestion for a typo) and the two errors the command
// line reports by exit code (usage: 2; input: 1).
import { checkOut } from './output.js';
import { hcUseHint, INIT_PARAMS } from '../model/validate.js';
import { HC_MODELS, HC_USES } from '../fit/hc-start.js';
import { covarianceTypeHint, suggest } from '../model/option-names.js';
import { COVARIANCE_MODELS, MCLUST_MODELS } from '../model/covariance-models.js';

export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
  }
}

export class InputError extends Error {}

/** What --covariance takes: the models, and mclust's names for scikit-learn's four. */
export const COVARIANCE_NAMES: readonly string[] = [...COVARIANCE_MODELS, 'VVV', 'EEE', 'VVI', 'VII'];

type Kind = 'flag' | 'string' | 'int' | 'number';

export interface OptionSpec {
  name: string;
  short?: string;
  /** Another long name (fit's --components is also --k, as select's --k is also -k). */
  alias?: string;
  kind: Kind;
  value?: string;       // placeholder in help
  help: string;
  choices?: readonly string[];
  /** What a value outside choices adds to the error (default: the nearest choice). */
  hint?: (value: string) => string;
}

/** How predict, score and impute choose a data file's columns (their --help notes). */
export const MODEL_DATA_NOTE = 'A model fitted on a file with a header reads those columns from the data\'s header by name, in any order,\n' +
  'ignoring (and not reading) the others; --columns picks columns by position instead; a file without a header is read by position.';

export const DATA_OPTIONS: OptionSpec[] = [
  { name: 'header', kind: 'flag', help: 'the first line is a header (default: auto-detected)' },
  { name: 'no-header', kind: 'flag', help: 'the first line is data' },
  { name: 'delimiter', kind: 'string', value: 'c', help: "',' ';' tab or space (default: auto-detected)", choices: [',', ';', 'tab', 'space', '\\t', ' '] },
  { name: 'columns', kind: 'string', value: 'list', help: 'use these columns: names or 1-based numbers, comma-separated' },
];

export const FIT_OPTIONS: OptionSpec[] = [
  { name: 'covariance', short: 'c', kind: 'string', value: 'type', help: `full | tied | diag | spherical, or mclust's ${Object.keys(MCLUST_MODELS).join(' | ')} (default full)`,
    choices: COVARIANCE_NAMES, hint: (v) => covarianceTypeHint(v, COVARIANCE_MODELS, (t) => t) },
  { name: 'init', kind: 'string', value: 'method', help: 'kmeans | k-means++ | random | random_from_data | hc (mclust\'s start) (default kmeans)', choices: INIT_PARAMS },
  { name: 'hc-model', kind: 'string', value: 'model', help: 'with --init hc: VVV | EII | VII | EEE, the agglomeration\'s model (mclust\'s hcModelName; default VVV)', choices: HC_MODELS },
  { name: 'hc-use', kind: 'string', value: 'transform', help: `with --init hc: ${HC_USES.join(' | ')}, the data's transform (mclust's hcUse; default SVD)`, choices: HC_USES,
    hint: (v) => hcUseHint(v, '--init random and --n-init') },
  { name: 'n-init', kind: 'int', value: 'n', help: 'initialisations; the best lower bound wins (default 1)' },
  { name: 'max-iter', kind: 'int', value: 'n', help: 'EM iterations per initialisation (default 100; 0: the start alone)' },
  { name: 'tol', kind: 'number', value: 'x', help: 'stop when the lower bound changes less (default 1e-3)' },
  { name: 'reg-covar', kind: 'number', value: 'x', help: 'added to covariance diagonals (default 1e-6)' },
  { name: 'seed', kind: 'int', value: 'n', help: 'random seed: same seed, same result everywhere (default 0)' },
  { name: 'prior', kind: 'flag', help: "mclust's conjugate prior with its defaults (priorControl()): EM finds the posterior mode" },
  { name: 'prior-shrinkage', kind: 'number', value: 'x', help: 'the prior\'s shrinkage κ ≥ 0 (default 0.01; implies --prior)' },
  { name: 'prior-mean', kind: 'string', value: 'list', help: 'the prior\'s mean, one number per column, comma-separated (default the data\'s; implies --prior)' },
  { name: 'prior-dof', kind: 'number', value: 'x', help: 'the prior\'s degrees of freedom ν > 0 (default columns + 2; implies --prior)' },
  { name: 'prior-scale', kind: 'string', value: 'list', help: 'the prior\'s scale: one number (diagonal and spherical models), or d·d comma-separated, row by row (ellipsoidal ones) (implies --prior)' },
  { name: 'equal-weights', kind: 'flag', help: "hold every component's weight at 1/k (mclust's equalPro)" },
  { name: 'missing', kind: 'string', value: 'mode', help: 'error | marginalize: read empty, NA and NaN cells as missing and fit around them (default error)', choices: ['error', 'marginalize'] },
];

/** What a missing cell's error suggests, for the data of a fit and of a loaded model. */
export const FIT_MISSING_HINT = 'pass --missing marginalize to fit with missing values, or remove or impute the row';
export const MODEL_MISSING_HINT = 'the model was fitted without --missing marginalize: fill the row first (gmm-wasm impute), or remove it';

export const COMMON_OPTIONS: OptionSpec[] = [
  { name: 'out', short: 'o', kind: 'string', value: 'file', help: 'write the result to a file instead of stdout ("-": stdout)' },
  { name: 'quiet', short: 'q', kind: 'flag', help: 'print nothing on stderr except errors' },
  { name: 'help', short: 'h', kind: 'flag', help: 'show this help' },
];

export interface Command {
  name: string;
  args: string[];
  summary: string;
  options: OptionSpec[];
  examples: string[];
  notes?: string;
  run(pos: string[], o: Opts): Promise<void> | void;
}

export type Opts = Record<string, string | number | boolean | undefined>;

export function parseArgs(cmd: Command, argv: string[]): { pos: string[]; opts: Opts } {
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
    // punctuation (a delimiter) quoted, so that "," reads as a choice and not as the list's
    // comma, and never offered as a guess
    const word = (c: string): boolean => /^[\w-]+$/.test(c);
    const listed = spec.choices.filter((c) => c !== ' ' && c !== '\\t').map((c) => (word(c) ? c : JSON.stringify(c)));
    throw new UsageError(`${shown} must be one of ${listed.join(', ')}; got ${JSON.stringify(value)}.${spec.hint ? spec.hint(value) : suggest(value, spec.choices.filter(word))}`, cmd);
  }
  return value;
}

/** --seed as the library takes it (an integer in [0, 2⁵³)), checked as a usage error before
 *  any file is read, for the commands that pass it to a call rather than to a model. */
export function checkSeed(o: Opts, cmd: string): void {
  const seed = o.seed as number | undefined;
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) {
    throw new UsageError(`--seed needs an integer in [0, 2^53); got ${seed}.`, cmd);
  }
}

/** The positional arguments of cmd (at least n, at most its list, stdin ("-") once), then
 *  --out (output.ts checkOut): what a command checks before it reads any data. */
export function need(pos: string[], n: number, cmd: Command, o: Opts): void {
  if (pos.length < n) throw new UsageError(`"${cmd.name}" needs ${cmd.args.slice(pos.length, n).join(' ')}.`, cmd.name);
  if (pos.length > cmd.args.length) throw new UsageError(`unexpected argument ${JSON.stringify(pos[cmd.args.length])}.`, cmd.name);
  if (pos.filter((p) => p === '-').length > 1) {
    throw new UsageError(`${cmd.args.filter((_, i) => pos[i] === '-').join(' and ')} cannot both come from stdin ("-"): give one as a file.`, cmd.name);
  }
  checkOut(o.out, cmd.name);
}
