// `npm run demo`: fits the embedded Old Faithful data, choosing K by BIC, prints the model
// and writes demo.svg (points coloured by component, 1σ and 2σ ellipses, means).
// Options: --out <file.svg>, -k <K> (skip the BIC search), --covariance <type>, --seed <n>, --help;
// anything else is a usage error (exit 2).
import { writeFileSync } from 'node:fs';
import { init, GaussianMixture, GmmError, selectModel } from '../entry-node.js';
import type { CovarianceType } from '../index.js';
import { FAITHFUL, FAITHFUL_COLUMNS } from './faithful.js';
import { componentsOf, renderMixtureSvg } from './svg.js';
import { formatTable, modelSummary } from '../cli/summary.js';

const USAGE = 'usage: npm run demo -- [--out file.svg] [-k K] [--covariance full|tied|diag|spherical|EII|EEI|EVI|VEI|EVV|VEE|EEV|VEV|EVE|VVE] [--seed n]\n' +
  '  fits Old Faithful (K by BIC over 1–5 unless -k is given), prints the model and writes the SVG (default demo.svg)';
/** The demo's flags: each takes a value; anything else is a usage error. */
const FLAGS: Record<string, string> = { '--out': 'out', '-o': 'out', '--covariance': 'covariance', '-c': 'covariance',
  '--seed': 'seed', '--components': 'components', '-k': 'components' };

class UsageError extends Error {}

function parseArgs(argv: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const name = FLAGS[a];
    if (name === undefined) throw new UsageError(`unknown argument ${JSON.stringify(a)}`);
    if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
    o[name] = argv[++i];
  }
  return o;
}

/** A flag's value as a decimal integer (the library checks its range), else a usage error. */
function integerFlag(v: string, flag: string): number {
  if (!/^[+-]?\d+$/.test(v)) throw new UsageError(`${flag} needs an integer; got ${JSON.stringify(v)}`);
  return Number(v);
}

export async function demo(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await init();
  const out = args.out ?? 'demo.svg';
  const type = (args.covariance ?? 'full') as CovarianceType;
  const seed = integerFlag(args.seed ?? '0', '--seed');
  const fixedK = args.components === undefined ? undefined : integerFlag(args.components, '-k');
  const X = FAITHFUL as unknown as number[][];
  // the options checked as one model takes them, so a bad type is named as the constructor's
  // covarianceType (selectModel's message would name its covarianceTypes list)
  new GaussianMixture({ nComponents: fixedK ?? 1, covarianceType: type, seed });

  let best: GaussianMixture;
  if (fixedK !== undefined) {
    best = new GaussianMixture({ nComponents: fixedK, covarianceType: type, seed }).fit(X);
  } else {
    // choose K by BIC
    const sel = selectModel(X, { nComponents: [1, 5], covarianceTypes: [type], seed });
    best = sel.best;
    const byK = [...sel.results, ...sel.failed].sort((a, b) => a.nComponents - b.nComponents);
    const rows = [['K', 'BIC', ''], ...byK.map((r) => [String(r.nComponents),
      'error' in r ? `failed (${r.error.code})` : r.bic.toFixed(2), 'model' in r && r.model === best ? '← lowest' : ''])];
    console.log(`Old Faithful (${X.length} eruptions): BIC of ${type}-covariance mixtures\n${formatTable(rows, ['r', 'r'], '  ')}\n`);
  }

  const model = best.toJSON();
  console.log(modelSummary(model, FAITHFUL_COLUMNS));
  const labels = best.predict(X);
  const flat = { data: Float64Array.from(X.flat()), rows: X.length, cols: 2 };
  const svg = renderMixtureSvg(flat, labels, componentsOf(model), {
    width: 820,
    height: 600,
    title: `Old Faithful: a ${best.nComponents}-component Gaussian mixture`,
    subtitle: `${X.length} eruptions · ${type} covariance · BIC ${best.bic(X).toFixed(1)} · points coloured by most likely component`,
    xLabel: 'Eruption duration (minutes)',
    yLabel: 'Waiting time to the next eruption (minutes)',
  });
  try {
    writeFileSync(out, svg + '\n');
  } catch (e) {
    throw new CannotWrite(`cannot write ${out}: ${(e as Error).message.replace(/^[A-Z]+: /, '')}. Give -o a path in a directory that exists and is writable.`);
  }
  console.log(`\nwrote ${out}`);
}

/** The SVG could not be written: a message, not a stack. */
class CannotWrite extends Error {}

demo().catch((e) => {
  // a usage error or the library's own message (which names the problem and the fix); a stack only for anything else
  if (e instanceof UsageError) {
    console.error(`demo: ${e.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(e instanceof GmmError || e instanceof CannotWrite ? `demo: error: ${e.message}` : (e?.stack ?? e));
    process.exitCode = 1;
  }
});
