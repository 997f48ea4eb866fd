// Human-readable text for the command line and the Node demo: aligned tables, short
// numbers and a summary of a fitted model.
import type { GaussianMixtureJSON } from '../model/serialize.js';
import { modelNamed, structureOf } from '../model/covariance-models.js';

/** A number in about `digits` significant digits, without exponent noise for ordinary values. */
export function num(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e7) {
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
    return v.toFixed(Math.min(decimals, 12)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  }
  return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
}

/** Columns padded to equal width; `align` per column ('l' or 'r', default 'l'). */
export function formatTable(rows: string[][], align: ('l' | 'r')[] = [], indent = ''): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, j) => { widths[j] = Math.max(widths[j] ?? 0, [...c].length); });
  return rows.map((r) => indent + r.map((c, j) => {
    const pad = ' '.repeat(widths[j] - [...c].length);
    return align[j] === 'r' ? pad + c : j === r.length - 1 ? c : c + pad;
  }).join('  ')).join('\n');
}

/** Standard deviation of feature j in component k, for each covariance layout. */
export function featureSd(m: GaussianMixtureJSON, k: number, j: number): number {
  const d = m.nFeatures;
  const c = m.covariances;
  switch (structureOf(modelNamed(m.options.covarianceType) ?? 'full')) {
    case 'full': return Math.sqrt(c[k * d * d + j * d + j]);
    case 'tied': return Math.sqrt(c[j * d + j]);
    case 'diag': return Math.sqrt(c[k * d + j]);
    default: return Math.sqrt(c[k]);
  }
}

const MAX_FEATURES_SHOWN = 6;

/**
 * A few lines describing a fitted model: header line, convergence, then one row per
 * component with its weight and each feature's mean ± standard deviation.
 */
export function modelSummary(m: GaussianMixtureJSON, columns?: readonly string[] | null): string {
  const K = m.weights.length, d = m.nFeatures;
  const names = Array.from({ length: d }, (_, j) => columns?.[j] || `x${j + 1}`);
  const shown = Math.min(d, MAX_FEATURES_SHOWN);
  const lines: string[] = [];
  const type = String(m.options.covarianceType);
  lines.push(`${K} component${K === 1 ? '' : 's'}, ${type} covariance, ${d} feature${d === 1 ? '' : 's'}`);
  if (m.lowerBound === null) {
    lines.push(m.options.maxIter === 0 ? 'the start alone (maxIter 0): no EM iteration ran'
      : 'built from given parameters (GaussianMixture.fromParameters): no EM iteration ran');
  }
  else {
    lines.push(`${m.converged ? 'converged' : 'NOT converged'} after ${m.nIter} iteration${m.nIter === 1 ? '' : 's'}; ` +
      (m.variational ? `lower bound ${num(m.lowerBound, 6)} (variational, a total)` : `lower bound ${num(m.lowerBound, 6)} per row`));
  }
  const head = ['component', 'weight', ...names.slice(0, shown).map((n) => `${n} (mean ± sd)`)];
  if (shown < d) head.push(`… ${d - shown} more`);
  const rows = [head];
  // one number format per feature: 4 significant digits of its largest mean or sd
  const fmt: ((v: number) => string)[] = [];
  for (let j = 0; j < shown; j++) {
    let scale = 0;
    for (let k = 0; k < K; k++) scale = Math.max(scale, Math.abs(m.means[k][j]), featureSd(m, k, j));
    const decimals = 3 - Math.floor(Math.log10(scale || 1));
    fmt.push(scale >= 1e-4 && scale < 1e7 ? (v) => v.toFixed(Math.max(0, Math.min(decimals, 8))) : (v) => num(v));
  }
  for (let k = 0; k < K; k++) {
    const r = [String(k), m.weights[k].toFixed(3)];
    for (let j = 0; j < shown; j++) r.push(`${fmt[j](m.means[k][j])} ± ${fmt[j](featureSd(m, k, j))}`);
    if (shown < d) r.push('');
    rows.push(r);
  }
  lines.push(formatTable(rows, ['r', 'r'], '  '));
  return lines.join('\n');
}

/** JSON with one top-level key per line and compact values: valid, diffable and short. */
export function modelJsonText(m: object): string {
  const entries = Object.entries(m).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${entries.join(',\n')}\n}\n`;
}
