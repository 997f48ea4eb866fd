// The demo page: load a CSV or click to add points, pick K and the covariance type, and
// watch EM iterate (one fit() call per iteration: maxIter 1 with warmStart), with the
// ellipses redrawn each step, then compare K by BIC. Built by scripts/build-demo.js.
import { init, GaussianMixture, BayesianGaussianMixture, GmmError, selectModel } from 'gmm-wasm';
import type { CovarianceModel, GaussianMixtureJSON, InitParams } from 'gmm-wasm';
import { FAITHFUL, FAITHFUL_COLUMNS } from '../src/demo/faithful.js';
import { DataError, parseTable, type Table } from '../src/cli/csv.js';
import {
  componentsOf, plotLayout, renderConditionalSvg, renderMixtureSvg, type ConditionalDensity, type PlotOptions, type Points,
} from '../src/demo/svg.js';

const MAX_STEPS = 1000;
const WIDTH = 760, HEIGHT = 560;
const COND_WIDTH = 180, COND_GRID = 241;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const plot = $('plot');
const kInput = $<HTMLInputElement>('k');
const methodSelect = $<HTMLSelectElement>('method');
const wcpInput = $<HTMLInputElement>('wcp');
const covSelect = $<HTMLSelectElement>('covariance');
const initSelect = $<HTMLSelectElement>('init');
const seedInput = $<HTMLInputElement>('seed');
const speedInput = $<HTMLInputElement>('speed');
const runButton = $<HTMLButtonElement>('run');
const colX = $<HTMLSelectElement>('col-x');
const colY = $<HTMLSelectElement>('col-y');
const condPanel = $('conditional');
const condSlider = $<HTMLInputElement>('cond-x');
const condValue = $('cond-x-value');

interface State {
  xs: number[];
  ys: number[];
  names: [string, string];
  xDomain: [number, number];
  yDomain: [number, number];
  table: Table | null;        // a loaded file, for choosing its columns
  gm: GaussianMixture | null; // the model being iterated
  iter: number;
  prevLower: number;
  running: boolean;
  condX: number | null;       // where p(y | x) is drawn (null: the middle of the x range)
}

const state: State = {
  xs: [], ys: [], names: ['x', 'y'], xDomain: [0, 10], yDomain: [0, 10], table: null,
  gm: null, iter: 0, prevLower: -Infinity, running: false, condX: null,
};

function points(): Points {
  const n = state.xs.length;
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = state.xs[i];
    data[2 * i + 1] = state.ys[i];
  }
  return { data, rows: n, cols: 2 };
}

function plotOptions(): PlotOptions {
  return {
    width: WIDTH, height: HEIGHT, xLabel: state.names[0], yLabel: state.names[1],
    xDomain: state.xDomain, yDomain: state.yDomain, legend: true,
    emptyMessage: 'Click to add points, or load a data set',
  };
}

function padded(v: number[]): [number, number] {
  let lo = Math.min(...v), hi = Math.max(...v);
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

// ---- drawing and status

function draw(): void {
  const p = points();
  const gm = state.gm?.isFitted ? state.gm : null;
  const model = gm?.toJSON() ?? null;
  const labels = gm && p.rows > 0 ? gm.predict(p) : null;
  const cond = gm ? conditional(gm) : null;
  const opts = plotOptions();
  const fade = gm instanceof BayesianGaussianMixture;
  plot.innerHTML = renderMixtureSvg(p, labels, model ? componentsOf(model) : null,
    { ...opts, fadeByWeight: fade, ...(cond ? { markX: cond.x } : {}) });
  condPanel.innerHTML = renderConditionalSvg(cond, plotLayout(p, opts), COND_WIDTH, state.names[0]);
  const [lo, hi] = state.xDomain;
  condSlider.min = String(lo);
  condSlider.max = String(hi);
  condSlider.step = String((hi - lo) / 400);
  condSlider.value = String(condX());
  condValue.textContent = condX().toPrecision(4);
}

// ---- the conditional density p(y | x)

function condX(): number {
  return state.condX ?? (state.xDomain[0] + state.xDomain[1]) / 2;
}

let lastConditional: ConditionalDensity | null = null;

/** p(y | x) on a grid over the plotted y range: the fitted model conditioned on x
 *  (GaussianMixture.condition), and its mean and sd (predictConditional). */
function conditional(gm: GaussianMixture): ConditionalDensity | null {
  const x = condX();
  const [lo, hi] = state.yDomain;
  const ys = Array.from({ length: COND_GRID }, (_, i) => lo + ((hi - lo) * i) / (COND_GRID - 1));
  try {
    const logp = gm.condition([0], [x]).scoreSamples(ys.map((y) => [y]));
    const p = gm.predictConditional([[x]], [0], { covariance: true });
    lastConditional = { x, ys, density: Array.from(logp, Math.exp), mean: p.mean.data[0], sd: Math.sqrt(p.covariance![0]) };
  } catch {
    lastConditional = null; // e.g. x far beyond every component: no panel
  }
  return lastConditional;
}

function fmt(v: number, digits = 5): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '–';
}

function setStatus(state_: string): void {
  const gm = state.gm?.isFitted ? state.gm : null;
  $('s-iter').textContent = gm ? String(state.iter) : '–';
  $('s-lower').textContent = gm ? fmt(gm.lowerBound) : '–';
  $('s-change').textContent = gm && state.iter > 1 ? gm.lowerBound - state.prevLower >= 0
    ? `+${(gm.lowerBound - state.prevLower).toExponential(2)}` : (gm.lowerBound - state.prevLower).toExponential(2) : '–';
  $('s-state').textContent = state_;
  const p = points();
  // a Bayesian mixture has a lower bound (a total) instead of a likelihood, and no BIC/AIC
  const bayes = gm instanceof BayesianGaussianMixture;
  $('s-lower-label').textContent = bayes ? 'Lower bound (total)' : 'Log-likelihood / row';
  $('s-bic').textContent = gm && !bayes ? gm.bic(p).toFixed(2) : '–';
  $('s-aic').textContent = gm && !bayes ? gm.aic(p).toFixed(2) : '–';
  $('s-eff').textContent = gm ? String(bayes ? gm.nEffectiveComponents(0.01) : gm.nComponents) : '–';
}

function showError(e: unknown): void {
  const el = $('error');
  if (e === null) {
    el.hidden = true;
    el.textContent = '';
    return;
  }
  el.hidden = false;
  el.textContent = e instanceof GmmError || e instanceof DataError ? e.message : String((e as Error)?.message ?? e);
}

function dataInfo(): void {
  const n = state.xs.length;
  $('data-info').textContent = n === 0 ? 'No data yet: click the plot to add points.'
    : `${n} point${n === 1 ? '' : 's'} · x: ${state.names[0]} · y: ${state.names[1]}`;
}

// ---- model

/** Forgets the model (after the data or an option changed). */
function resetModel(): void {
  state.running = false;
  state.gm = null;
  state.iter = 0;
  state.prevLower = -Infinity;
  showError(null);
  setStatus('not fitted');
  updateRunButton();
  draw();
}

function newModel(): GaussianMixture {
  const o = {
    nComponents: Math.max(1, Math.round(Number(kInput.value) || 1)),
    covarianceType: covSelect.value as CovarianceModel,
    initParams: initSelect.value as InitParams,
    seed: Math.max(0, Math.round(Number(seedInput.value) || 0)),
    maxIter: 1,
    warmStart: true,
  };
  // Bayesian: K is an upper bound; components the data do not need fade as their weights shrink
  return methodSelect.value === 'bayes'
    ? new BayesianGaussianMixture({ ...o, weightConcentrationPrior: Number(wcpInput.value) || 0.01 })
    : new GaussianMixture(o);
}

/** One EM iteration; returns whether to go on. */
function step(): boolean {
  try {
    showError(null);
    if (!state.gm) {
      state.gm = newModel();
      state.iter = 0;
      state.prevLower = -Infinity;
    } else if (state.gm.isFitted) {
      state.prevLower = state.gm.lowerBound;
    }
    state.gm.fit(points());
    state.iter++;
    const done = state.gm.converged;
    setStatus(done ? `converged ✓ (tol ${state.gm.options.tol})` : state.running ? 'running…' : 'paused');
    draw();
    return !done && state.iter < MAX_STEPS;
  } catch (e) {
    state.gm = null;
    state.running = false;
    setStatus('failed');
    showError(e);
    draw();
    return false;
  }
}

function updateRunButton(): void {
  runButton.textContent = state.running ? '⏸ Pause' : '▶ Run EM';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(): Promise<void> {
  if (state.running) {
    state.running = false;
    updateRunButton();
    return;
  }
  if (state.gm?.isFitted && state.gm.converged) resetModel();
  state.running = true;
  updateRunButton();
  while (state.running) {
    const more = step();
    if (!more) break;
    await sleep(Number(speedInput.value));
  }
  if (state.running) {
    state.running = false;
    if (state.gm?.isFitted && !state.gm.converged) setStatus(`stopped after ${MAX_STEPS} iterations`);
  } else if (state.gm?.isFitted && !state.gm.converged) setStatus('paused');
  updateRunButton();
}

// ---- BIC over K

function compareK(): void {
  const p = points();
  const rows: { k: number; bic: number | null; error?: string }[] = [];
  if (p.rows > 0) {
    try {
      const sel = selectModel(p, {
        nComponents: [1, Math.min(8, p.rows)], covarianceTypes: [covSelect.value as CovarianceModel],
        initParams: initSelect.value as InitParams, seed: Math.max(0, Math.round(Number(seedInput.value) || 0)),
      });
      for (const r of sel.results) rows.push({ k: r.nComponents, bic: r.bic });
      for (const f of sel.failed) rows.push({ k: f.nComponents, bic: null, error: f.error.code });
    } catch (e) {
      // every K failed (selectModel throws the first failure)
      for (let k = 1; k <= Math.min(8, p.rows); k++) rows.push({ k, bic: null, error: (e as GmmError).code ?? 'failed' });
    }
    rows.sort((a, b) => a.k - b.k);
  }
  const ok = rows.filter((r) => r.bic !== null) as { k: number; bic: number }[];
  const el = $('bic-table');
  if (ok.length === 0) {
    el.innerHTML = '<p class="muted">Add some points first.</p>';
    return;
  }
  const min = Math.min(...ok.map((r) => r.bic)), max = Math.max(...ok.map((r) => r.bic));
  const best = ok.find((r) => r.bic === min)!.k;
  el.innerHTML = `<table><thead><tr><th>K</th><th>BIC</th><th class="bar"></th></tr></thead><tbody>${rows.map((r) => {
    if (r.bic === null) return `<tr data-k="${r.k}"><td>${r.k}</td><td>${r.error}</td><td></td></tr>`;
    const w = max > min ? 8 + 92 * (max - r.bic) / (max - min) : 100;
    return `<tr data-k="${r.k}" class="${r.k === best ? 'best' : ''}" title="click to use K = ${r.k}"><td>${r.k}</td><td>${r.bic.toFixed(2)}</td>` +
      `<td class="bar"><span style="width:${w.toFixed(1)}%"></span></td></tr>`;
  }).join('')}</tbody></table><p class="muted">Lowest BIC: K = ${best} (${covSelect.value}). Click a row to use it.</p>`;
  el.querySelectorAll('tbody tr').forEach((tr) => tr.addEventListener('click', () => {
    kInput.value = (tr as HTMLElement).dataset.k!;
    resetModel();
    void run();
  }));
}

// ---- data

function setData(xs: number[], ys: number[], names: [string, string]): void {
  state.xs = xs;
  state.ys = ys;
  state.names = names;
  state.condX = null;
  if (xs.length > 0) {
    state.xDomain = padded(xs);
    state.yDomain = padded(ys);
  } else {
    state.xDomain = [0, 10];
    state.yDomain = [0, 10];
  }
  $('bic-table').innerHTML = '';
  dataInfo();
  resetModel();
}

function fromTable(): void {
  const t = state.table!;
  const i = Number(colX.value), j = Number(colY.value);
  const xs: number[] = [], ys: number[] = [];
  for (let r = 0; r < t.rows; r++) {
    xs.push(t.data[r * t.cols + i]);
    ys.push(t.data[r * t.cols + j]);
  }
  const name = (c: number) => t.columns?.[c] || `column ${c + 1}`;
  setData(xs, ys, [name(i), name(j)]);
}

/** A CSV file's table, its text columns (an id, a label: those whose first row is not a
 *  number) not read, as the command line's --columns leaves the columns it does not pick; a
 *  bad number in a numeric column is still an error naming its line and column. */
function readFile(bytes: Uint8Array, source: string): { t: Table; numeric: boolean[] } {
  const all = parseTable(bytes, { source, keep: (_c, cols) => new Array<boolean>(cols).fill(false), keepText: true });
  const text = all.text!;
  let first = 0; // the first row that is no '#' line (held ones may be comments)
  while (first < all.rows - 1 && text[first * all.cols].trimStart().startsWith('#')) first++;
  const numeric = Array.from({ length: all.cols }, (_, c) => {
    const v = text[first * all.cols + c].trim();
    return v !== '' && Number.isFinite(Number(v));
  });
  if (numeric.filter(Boolean).length < 2) {
    throw new DataError('NOT_NUMERIC', `the plot needs two numeric columns; the first row has ${numeric.filter(Boolean).length}.`, source);
  }
  return { t: parseTable(bytes, { source, keep: numeric }), numeric };
}

function loadTable(t: Table, numeric: boolean[] = new Array<boolean>(t.cols).fill(true)): void {
  if (t.cols < 2) throw new DataError('RAGGED_ROWS', `the plot needs two columns; the file has ${t.cols}.`, 'file');
  state.table = t;
  const picks = Array.from({ length: t.cols }, (_, c) => c).filter((c) => numeric[c]);
  const options = picks.map((c) => `<option value="${c}">${escapeHtml(t.columns?.[c] || `column ${c + 1}`)}</option>`).join('');
  colX.innerHTML = options;
  colY.innerHTML = options;
  colX.value = String(picks[0]);
  colY.value = String(picks[1]);
  $('columns').hidden = picks.length <= 2;
  fromTable();
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]!));
}

function blobs(): void {
  // three to four random clusters with random shapes
  const K = 3 + Math.floor(Math.random() * 2);
  const xs: number[] = [], ys: number[] = [];
  const gauss = () => Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  for (let k = 0; k < K; k++) {
    const cx = 1.5 + Math.random() * 7, cy = 1.5 + Math.random() * 7;
    const a = 0.3 + Math.random() * 0.9, b = 0.2 + Math.random() * 0.6, th = Math.random() * Math.PI;
    const n = 40 + Math.floor(Math.random() * 80);
    for (let i = 0; i < n; i++) {
      const u = a * gauss(), v = b * gauss();
      xs.push(+(cx + u * Math.cos(th) - v * Math.sin(th)).toFixed(3));
      ys.push(+(cy + u * Math.sin(th) + v * Math.cos(th)).toFixed(3));
    }
  }
  state.table = null;
  $('columns').hidden = true;
  setData(xs, ys, ['x', 'y']);
  state.xDomain = [0, 10];
  state.yDomain = [0, 10];
  draw();
}

// ---- events

plot.addEventListener('click', (ev) => {
  const svg = plot.querySelector('svg');
  if (!svg) return;
  const rect = svg.getBoundingClientRect();
  const px = (ev.clientX - rect.left) * (WIDTH / rect.width);
  const py = (ev.clientY - rect.top) * (HEIGHT / rect.height);
  const L = plotLayout(points(), plotOptions());
  if (px < L.left || px > L.right || py < L.top || py > L.bottom) return;
  if (ev.shiftKey) {
    // Shift+click picks the x of the conditional p(y | x) instead of adding a point
    state.condX = L.fromX(px);
    draw();
    return;
  }
  state.xs.push(+L.fromX(px).toPrecision(6));
  state.ys.push(+L.fromY(py).toPrecision(6));
  state.table = null;
  $('columns').hidden = true;
  dataInfo();
  resetModel();
});

$('load-faithful').addEventListener('click', () => {
  state.table = null;
  $('columns').hidden = true;
  setData(FAITHFUL.map((r) => r[0]), FAITHFUL.map((r) => r[1]),
    [`${FAITHFUL_COLUMNS[0]}: eruption duration (min)`, `${FAITHFUL_COLUMNS[1]}: waiting time (min)`]);
});
$('load-blobs').addEventListener('click', blobs);
$('clear').addEventListener('click', () => {
  state.table = null;
  $('columns').hidden = true;
  setData([], [], ['x', 'y']);
});
$<HTMLInputElement>('file').addEventListener('change', async (ev) => {
  const input = ev.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  try {
    const { t, numeric } = readFile(new Uint8Array(await file.arrayBuffer()), file.name);
    loadTable(t, numeric);
  } catch (e) {
    showError(e);
  }
  input.value = '';
});
condSlider.addEventListener('input', () => {
  state.condX = Number(condSlider.value);
  draw();
});
colX.addEventListener('change', fromTable);
colY.addEventListener('change', fromTable);
for (const el of [kInput, covSelect, initSelect, seedInput, wcpInput]) el.addEventListener('change', resetModel);
methodSelect.addEventListener('change', () => {
  const bayes = methodSelect.value === 'bayes';
  document.body.classList.toggle('bayes', bayes);
  // an upper bound on K is the point of the Bayesian mixture
  if (bayes && Number(kInput.value) < 6) kInput.value = '6';
  resetModel();
});
runButton.addEventListener('click', () => void run());
$('step').addEventListener('click', () => {
  state.running = false;
  updateRunButton();
  step();
  if (state.gm?.isFitted && !state.gm.converged) setStatus('paused');
});
$('reset').addEventListener('click', resetModel);
$('compare').addEventListener('click', () => {
  try {
    compareK();
  } catch (e) {
    showError(e);
  }
});

// ---- start

interface DemoHandle {
  ready: Promise<void>;
  snapshot(): { points: number; iter: number; running: boolean; converged: boolean | null; model: GaussianMixtureJSON | null; xs: number[]; ys: number[];
    method: string; effectiveComponents: number | null;
    conditional: ConditionalDensity | null };
}

const ready = (async () => {
  draw();
  dataInfo();
  try {
    await init(); // gmm.wasm from beside this bundle
  } catch (e) {
    showError(e);
    throw e;
  }
  $('load-faithful').click();
})();

(window as unknown as { gmmDemo: DemoHandle }).gmmDemo = {
  ready,
  snapshot: () => ({
    points: state.xs.length,
    iter: state.iter,
    running: state.running,
    converged: state.gm?.isFitted ? state.gm.converged : null,
    model: state.gm?.isFitted ? state.gm.toJSON() : null,
    xs: [...state.xs],
    ys: [...state.ys],
    conditional: state.gm?.isFitted ? lastConditional : null,
    method: methodSelect.value,
    effectiveComponents: state.gm instanceof BayesianGaussianMixture && state.gm.isFitted ? state.gm.nEffectiveComponents(0.01) : null,
  }),
};
