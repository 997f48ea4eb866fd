// Drawing a two-dimensional mixture as SVG: the points coloured by component, each
// component's 1σ and 2σ ellipses and its mean, axes with ticks and labels. Pure string
// building, shared by the Node demo (demo.svg) and the demo page. The 2×2 eigen-
// decomposition here is only for drawing; nothing fitted depends on it.
import { modelNamed, structureOf } from '../model/covariance-models.js';

/** One component projected on the two plotted features. */
export interface Component2D {
  weight: number;
  mean: [number, number];
  /** Covariance [σxx, σxy, σyy]. */
  cov: [number, number, number];
}

/** What componentsOf() reads: the fields of GaussianMixture.toJSON(). */
export interface MixtureLike {
  options: { covarianceType?: unknown };
  nFeatures: number;
  weights: ArrayLike<number>;
  means: ArrayLike<ArrayLike<number>>;
  covariances: ArrayLike<number>;
}

/** The components of a fitted model (toJSON() output) on features dims[0] and dims[1];
 *  a Gaussian's marginal on two features is the 2×2 block of its covariance. */
export function componentsOf(model: MixtureLike, dims: [number, number] = [0, 1]): Component2D[] {
  const d = model.nFeatures;
  const K = model.weights.length;
  const [i, j] = dims;
  // the layout of the covariances: an mclust model's name (toJSON keeps it) is read as its layout's type
  const type = structureOf(modelNamed(model.options.covarianceType) ?? 'full');
  const c = model.covariances;
  const out: Component2D[] = [];
  for (let k = 0; k < K; k++) {
    let cov: [number, number, number];
    if (type === 'full' || type === 'tied') {
      const o = type === 'full' ? k * d * d : 0;
      cov = [c[o + i * d + i], c[o + i * d + j], c[o + j * d + j]];
    } else if (type === 'diag') {
      cov = [c[k * d + i], 0, c[k * d + j]];
    } else {
      cov = [c[k], 0, c[k]];
    }
    out.push({ weight: model.weights[k], mean: [model.means[k][i], model.means[k][j]], cov });
  }
  return out;
}

/** Semi-axes (standard deviations along the principal axes) and the angle of the first. */
export function principalAxes(cov: [number, number, number]): { sd1: number; sd2: number; angle: number } {
  const [a, b, c] = cov;
  const mid = (a + c) / 2;
  const r = Math.hypot((a - c) / 2, b);
  return { sd1: Math.sqrt(Math.max(mid + r, 0)), sd2: Math.sqrt(Math.max(mid - r, 0)), angle: 0.5 * Math.atan2(2 * b, a - c) };
}

/** Tableau 10, reordered so neighbours contrast. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#9c755f', '#ff9da7', '#edc948', '#bab0ac'];

export function colorOf(k: number): string {
  return PALETTE[((k % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function tickLabel(v: number, ticks: number[]): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9) + (step / 10 ** Math.floor(Math.log10(step)) === 2.5 ? 1 : 0)));
  return v.toFixed(decimals);
}

export interface PlotOptions {
  width?: number;
  height?: number;
  title?: string;
  subtitle?: string;
  xLabel?: string;
  yLabel?: string;
  /** Fixed axis ranges; default: the data's range with 6% padding. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Draw the legend (default true when there are components). */
  legend?: boolean;
  pointRadius?: number;
  /** Text shown in the middle of an empty plot. */
  emptyMessage?: string;
  /** Draw a vertical line at this x (the value a conditional p(y | x) is taken at). */
  markX?: number;
  /** Fade each component's ellipses and mean by its weight (a Bayesian mixture switching
   *  components off): opacity √(w / max w), at least 0.04. */
  fadeByWeight?: boolean;
}

/** Where things are drawn: pixel rectangle, data ranges and the mappings between them. */
export interface PlotLayout {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  xDomain: [number, number];
  yDomain: [number, number];
  toX(v: number): number;
  toY(v: number): number;
  /** Pixel → data (for clicks). */
  fromX(px: number): number;
  fromY(py: number): number;
}

/** Points as a row-major matrix (only the first two columns are drawn). */
export interface Points {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
}

function range(p: Points, col: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let r = 0; r < p.rows; r++) {
    const v = p.data[r * p.cols + col];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.06;
  return [lo - pad, hi + pad];
}

export function plotLayout(points: Points, options: PlotOptions = {}): PlotLayout {
  const width = options.width ?? 760;
  const height = options.height ?? 560;
  const hasTitle = Boolean(options.title);
  const top = (hasTitle ? 46 : 14) + (options.subtitle ? 20 : 0) + (options.legend === false ? 0 : 26);
  const left = 68, right = width - 22, bottom = height - 56;
  const xDomain = options.xDomain ?? range(points, 0);
  const yDomain = options.yDomain ?? range(points, 1);
  const sx = (right - left) / (xDomain[1] - xDomain[0]);
  const sy = (bottom - top) / (yDomain[1] - yDomain[0]);
  return {
    width, height, left, right, top, bottom, xDomain, yDomain,
    toX: (v) => left + (v - xDomain[0]) * sx,
    toY: (v) => bottom - (v - yDomain[0]) * sy,
    fromX: (px) => xDomain[0] + (px - left) / sx,
    fromY: (py) => yDomain[0] + (bottom - py) / sy,
  };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const f = (v: number) => (Math.round(v * 100) / 100).toString();

/** The SVG path of the ellipse at Mahalanobis radius r around a component (drawn as a
 *  polygon in data space, so unequal axis scales are handled). */
export function ellipsePath(c: Component2D, r: number, L: PlotLayout, steps = 96): string {
  const { sd1, sd2, angle } = principalAxes(c.cov);
  const cos = Math.cos(angle), sin = Math.sin(angle);
  let d = '';
  for (let s = 0; s < steps; s++) {
    const t = (2 * Math.PI * s) / steps;
    const u = r * sd1 * Math.cos(t), v = r * sd2 * Math.sin(t);
    const x = c.mean[0] + u * cos - v * sin;
    const y = c.mean[1] + u * sin + v * cos;
    d += `${s === 0 ? 'M' : 'L'}${f(L.toX(x))},${f(L.toY(y))}`;
  }
  return d + 'Z';
}

/**
 * An SVG document: the points (coloured by `labels` if given), each component's 2σ and 1σ
 * ellipses and mean, axes, title and legend.
 */
export function renderMixtureSvg(
  points: Points, labels: ArrayLike<number> | null, components: Component2D[] | null, options: PlotOptions = {},
): string {
  const L = plotLayout(points, options);
  const { width, height, left, right, top, bottom } = L;
  const xt = niceTicks(L.xDomain[0], L.xDomain[1], Math.max(3, Math.round((right - left) / 90)));
  const yt = niceTicks(L.yDomain[0], L.yDomain[1], Math.max(3, Math.round((bottom - top) / 70)));
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" font-size="12">`);
  o.push(`<defs><clipPath id="plot-area"><rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/></clipPath></defs>`);
  o.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  o.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="#fbfbfc" stroke="#d0d4da"/>`);

  // grid and ticks
  o.push('<g stroke="#e8eaee" stroke-width="1">');
  for (const v of xt) o.push(`<line x1="${f(L.toX(v))}" y1="${top}" x2="${f(L.toX(v))}" y2="${bottom}"/>`);
  for (const v of yt) o.push(`<line x1="${left}" y1="${f(L.toY(v))}" x2="${right}" y2="${f(L.toY(v))}"/>`);
  o.push('</g>');
  o.push('<g fill="#555b66" font-size="11">');
  for (const v of xt) o.push(`<text x="${f(L.toX(v))}" y="${bottom + 16}" text-anchor="middle">${tickLabel(v, xt)}</text>`);
  for (const v of yt) o.push(`<text x="${left - 8}" y="${f(L.toY(v) + 4)}" text-anchor="end">${tickLabel(v, yt)}</text>`);
  o.push('</g>');
  if (options.xLabel) {
    o.push(`<text x="${f((left + right) / 2)}" y="${height - 14}" text-anchor="middle" fill="#2b2f36" font-size="13">${esc(options.xLabel)}</text>`);
  }
  if (options.yLabel) {
    const cy = (top + bottom) / 2;
    o.push(`<text x="18" y="${f(cy)}" transform="rotate(-90 18 ${f(cy)})" text-anchor="middle" fill="#2b2f36" font-size="13">${esc(options.yLabel)}</text>`);
  }

  // title, subtitle, legend
  let y = 0;
  if (options.title) {
    y = 28;
    o.push(`<text x="${left}" y="${y}" fill="#1d2128" font-size="17" font-weight="600">${esc(options.title)}</text>`);
  }
  if (options.subtitle) {
    y += y ? 20 : 24;
    o.push(`<text x="${left}" y="${y}" fill="#5b6170" font-size="12.5">${esc(options.subtitle)}</text>`);
  }
  if (components && components.length && options.legend !== false) {
    // the longest labels that fit on one line; the key to the ellipses if there is room
    const note = 'ellipses: 1σ solid, 2σ dashed · + mean';
    const formats = [
      (c: Component2D, k: number) => `Component ${k + 1} (weight ${(c.weight * 100).toFixed(1)}%)`,
      (c: Component2D, k: number) => `Component ${k + 1} · ${(c.weight * 100).toFixed(0)}%`,
      (c: Component2D, k: number) => `${k + 1} · ${(c.weight * 100).toFixed(0)}%`,
      (_c: Component2D, k: number) => `${k + 1}`,
    ];
    const widthOf = (label: string) => 22 + label.length * 6.9;
    let labels: string[] = [];
    let withNote = false;
    search: for (const noteToo of [true, false]) {
      for (const format of formats) {
        labels = components.map(format);
        const total = labels.reduce((sum, l) => sum + widthOf(l) + 12, 0) + (noteToo ? note.length * 6.6 + 16 : 0);
        if (total <= right - left) {
          withNote = noteToo;
          break search;
        }
      }
    }
    let lx = left;
    const ly = top - 12;
    o.push('<g font-size="12" fill="#2b2f36">');
    labels.forEach((label, k) => {
      o.push(`<circle cx="${f(lx + 5)}" cy="${ly - 4}" r="5" fill="${colorOf(k)}"/>`);
      o.push(`<text x="${f(lx + 15)}" y="${ly}">${esc(label)}</text>`);
      lx += widthOf(label) + 12;
    });
    if (withNote) o.push(`<text x="${right}" y="${ly}" text-anchor="end" fill="#5b6170">${note}</text>`);
    o.push('</g>');
  }

  o.push('<g clip-path="url(#plot-area)">');
  // ellipse fills under the points, their outlines over them
  const ellipses = (components ?? []).map((c) => [ellipsePath(c, 2, L), ellipsePath(c, 1, L)]);
  const top1 = Math.max(0, ...(components ?? []).map((c) => c.weight));
  const alpha = (k: number): number => (options.fadeByWeight && top1 > 0
    ? Math.max(0.04, Math.sqrt(components![k].weight / top1)) : 1);
  const faded = (k: number): string => (alpha(k) < 1 ? ` opacity="${alpha(k).toFixed(3)}"` : '');
  ellipses.forEach(([e2, e1], k) => {
    o.push(`<path d="${e2}" fill="${colorOf(k)}" fill-opacity="0.06"${faded(k)}/>`);
    o.push(`<path d="${e1}" fill="${colorOf(k)}" fill-opacity="0.12"${faded(k)}/>`);
  });
  // points
  const r = options.pointRadius ?? 3.2;
  o.push('<g stroke="#ffffff" stroke-width="0.7">');
  for (let i = 0; i < points.rows; i++) {
    const px = L.toX(points.data[i * points.cols]), py = L.toY(points.data[i * points.cols + 1]);
    const col = labels ? colorOf(labels[i]) : '#6b7280';
    o.push(`<circle class="point" cx="${f(px)}" cy="${f(py)}" r="${r}" fill="${col}" fill-opacity="0.8"/>`);
  }
  o.push('</g>');
  o.push('<g fill="none">');
  ellipses.forEach(([e2, e1], k) => {
    o.push(`<path class="ellipse-2sd" d="${e2}" stroke="${colorOf(k)}" stroke-width="1.5" stroke-dasharray="6 4"${faded(k)}/>`);
    o.push(`<path class="ellipse-1sd" d="${e1}" stroke="${colorOf(k)}" stroke-width="2.2"${faded(k)}/>`);
  });
  o.push('</g>');
  // means: a cross with a white halo
  if (components) {
    components.forEach((c, k) => {
      const mx = L.toX(c.mean[0]), my = L.toY(c.mean[1]);
      const cross = `M${f(mx)},${f(my - 10)}V${f(my + 10)}M${f(mx - 10)},${f(my)}H${f(mx + 10)}`;
      o.push(`<g class="mean"${faded(k)}><path d="${cross}" stroke="#ffffff" stroke-width="7" stroke-linecap="round"/>`);
      o.push(`<path d="${cross}" stroke="#1d2128" stroke-width="3" stroke-linecap="round"/>`);
      o.push(`<circle cx="${f(mx)}" cy="${f(my)}" r="3.2" fill="${colorOf(k)}" stroke="#ffffff" stroke-width="1.2"/></g>`);
    });
  }
  if (options.markX !== undefined) {
    const mx = f(L.toX(options.markX));
    o.push(`<line class="cond-line" x1="${mx}" y1="${top}" x2="${mx}" y2="${bottom}" stroke="#1d2128" stroke-width="1.5" stroke-dasharray="3 3"/>`);
  }
  o.push('</g>');
  if (points.rows === 0 && options.emptyMessage) {
    o.push(`<text x="${f((left + right) / 2)}" y="${f((top + bottom) / 2)}" text-anchor="middle" fill="#8a909c" font-size="15">${esc(options.emptyMessage)}</text>`);
  }
  o.push('</svg>');
  return o.join('\n');
}

/** What renderConditionalSvg draws: a density of y on a grid, with its mean and sd. */
export interface ConditionalDensity {
  x: number;
  ys: ArrayLike<number>;
  density: ArrayLike<number>;
  mean: number;
  sd: number;
}

/**
 * A narrow panel beside the plot: the density p(y | x) drawn sideways, on the plot's own
 * y scale (L), so that it lines up with the points; the conditional mean as a line and
 * mean ± sd as a band. `c` null: a message instead.
 */
export function renderConditionalSvg(c: ConditionalDensity | null, L: PlotLayout, width: number, xName: string): string {
  const { height, top, bottom } = L;
  const left = 10, right = width - 10;
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" font-size="12">`);
  o.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  o.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="#fbfbfc" stroke="#d0d4da"/>`);
  if (!c) {
    o.push(`<text x="${f(width / 2)}" y="${f((top + bottom) / 2)}" text-anchor="middle" fill="#8a909c" font-size="12">fit to see p(y | x)</text>`);
    o.push('</svg>');
    return o.join('\n');
  }
  let max = 0;
  for (let i = 0; i < c.density.length; i++) if (c.density[i] > max) max = c.density[i];
  const px = (v: number) => left + (max > 0 ? (v / max) * (right - left - 6) : 0);
  o.push(`<text class="cond-title" x="${left}" y="${top - 24}" fill="#1d2128" font-size="12.5" font-weight="600">p(y | x = ${c.x.toPrecision(4)})</text>`);
  o.push(`<text x="${left}" y="${top - 8}" fill="#5b6170" font-size="11">${esc(xName.length > 26 ? xName.slice(0, 25) + '…' : xName)}</text>`);
  o.push(`<defs><clipPath id="cond-area"><rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/></clipPath></defs>`);
  o.push('<g clip-path="url(#cond-area)">');
  const y1 = L.toY(c.mean + c.sd), y2 = L.toY(c.mean - c.sd);
  o.push(`<rect class="cond-sd" x="${left}" y="${f(y1)}" width="${right - left}" height="${f(y2 - y1)}" fill="#4e79a7" fill-opacity="0.08"/>`);
  let d = `M${left},${f(L.toY(c.ys[0]))}`;
  for (let i = 0; i < c.ys.length; i++) d += `L${f(px(c.density[i]))},${f(L.toY(c.ys[i]))}`;
  d += `L${left},${f(L.toY(c.ys[c.ys.length - 1]))}Z`;
  o.push(`<path class="density" d="${d}" fill="#4e79a7" fill-opacity="0.25" stroke="#4e79a7" stroke-width="1.8"/>`);
  const my = f(L.toY(c.mean));
  o.push(`<line class="cond-mean" x1="${left}" y1="${my}" x2="${right}" y2="${my}" stroke="#1d2128" stroke-width="1.5"/>`);
  o.push(`<text x="${right - 4}" y="${f(L.toY(c.mean) - 5)}" text-anchor="end" fill="#1d2128" font-size="11">E[y | x] = ${c.mean.toPrecision(4)}</text>`);
  o.push('</g>');
  o.push(`<text x="${f((left + right) / 2)}" y="${bottom + 16}" text-anchor="middle" fill="#5b6170" font-size="11">density →</text>`);
  o.push('</svg>');
  return o.join('\n');
}
