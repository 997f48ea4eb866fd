// `npm run demo`: fits the embedded Old Faithful data, choosing K by BIC, prints the model
// and writes demo.svg (points coloured by component, 1σ and 2σ ellipses, means).
// Options: --out <file.svg>, -k <K> (skip the BIC search), --covariance <type>, --seed <n>.
import { writeFileSync } from 'node:fs';
import { init, GaussianMixture, selectModel } from '../entry-node.js';
import type { CovarianceType } from '../index.js';
import { FAITHFUL, FAITHFUL_COLUMNS } from './faithful.js';
import { componentsOf, renderMixtureSvg } from './svg.js';
import { formatTable, modelSummary } from '../cli/summary.js';

function arg(name: string, short?: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || (short !== undefined && a === `-${short}`));
  return i >= 0 ? argv[i + 1] : undefined;
}

export async function demo(): Promise<void> {
  await init();
  const out = arg('out', 'o') ?? 'demo.svg';
  const type = (arg('covariance', 'c') ?? 'full') as CovarianceType;
  const seed = Number(arg('seed') ?? 0);
  const fixedK = arg('components', 'k');
  const X = FAITHFUL as unknown as number[][];

  let best: GaussianMixture;
  if (fixedK !== undefined) {
    best = new GaussianMixture({ nComponents: Number(fixedK), covarianceType: type, seed }).fit(X);
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
  writeFileSync(out, svg + '\n');
  console.log(`\nwrote ${out}`);
}

demo().catch((e) => {
  console.error(e?.stack ?? e);
  process.exitCode = 1;
});
