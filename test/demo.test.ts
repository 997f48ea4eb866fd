// The pictures: `npm run demo` (node dist/demo/demo.js → demo.svg) and the demo page (built by
// scripts/build-demo.js, driven in headless Chromium).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAITHFUL } from '../src/demo/faithful.js';
import { plotLayout } from '../src/demo/svg.js';
import { runNode } from './helpers.js';
// plain JavaScript helpers shared with scripts/
import { buildDemo } from '../scripts/build-demo.js';
import { serveStatic } from '../scripts/lib/serve.js';
import { chromiumUnavailable, launchChromium } from '../scripts/lib/chromium.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = fileURLToPath(new URL('../', import.meta.url));
const out = join(root, 'test/runtimes/.out');
const X = FAITHFUL as unknown as number[][];
let lib: Json;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/demo/demo.js'))) throw new Error('dist/demo/demo.js is missing: run `npm run build` first.');
  lib = await import(/* @vite-ignore */ join(root, 'dist/entry-node.js'));
  await lib.init();
});

function count(svg: string, re: RegExp): number {
  return (svg.match(re) ?? []).length;
}

describe('npm run demo (node dist/demo/demo.js)', () => {
  let dir: string;
  let stdout = '';
  let svg = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gmm-wasm-demo-'));
    stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [join(root, 'dist/demo/demo.js')], { cwd: dir, timeout: 30_000 }, (err, so, se) => (err ? reject(new Error(`${err.message}\n${se}`)) : resolve(so)));
    });
    svg = readFileSync(join(dir, 'demo.svg'), 'utf8');
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('chooses K by BIC, prints the model and writes demo.svg in the working directory', () => {
    const gm2 = new lib.GaussianMixture({ nComponents: 2 }).fit(X);
    expect(stdout).toContain(`2  ${gm2.bic(X).toFixed(2)}  ← lowest`);
    expect(stdout).toContain('2 components, full covariance, 2 features');
    expect(stdout).toMatch(/eruptions \(mean ± sd\)/);
    expect(stdout).toContain('wrote demo.svg');
  });

  it('refuses an unknown flag (exit 2, usage, no SVG written) and reports a bad value by the library\'s message (exit 1)', async () => {
    const run = (args: string[]) => runNode([join(root, 'dist/demo/demo.js'), ...args], { cwd: dir });
    const unknown = await run(['--bogus', '--out', 'bogus.svg']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown argument "--bogus"');
    expect(unknown.stderr).toContain('usage: npm run demo');
    expect(existsSync(join(dir, 'bogus.svg'))).toBe(false);
    const word = await run(['-k', 'abc', '--out', 'word.svg']);
    expect(word.code).toBe(2);
    expect(word.stderr).toContain('-k needs an integer; got "abc"');
    expect(existsSync(join(dir, 'word.svg'))).toBe(false);
    const bad = await run(['-k', '0', '--out', 'bad.svg']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('demo: error: nComponents must be an integer ≥ 1; got number 0. Use at least one component.');
    // a negative seed is an integer: the library's range message, not the demo's "needs an integer"
    const negative = await run(['--seed', '-1', '--out', 'neg.svg']);
    expect([negative.code, negative.stderr.trim()]).toEqual([1, 'demo: error: seed must be an integer between 0 and 2^53−1; got number -1.']);
    // a bad type named as the constructor's option, with the mclust hint, before the BIC search
    const eve = await run(['--covariance', 'EVX', '--out', 'eve.svg']);
    expect(eve.code).toBe(1);
    expect(eve.stderr).toContain(`demo: error: covarianceType must be one of 'full', 'tied', 'diag', 'spherical', 'EII', 'EEI', 'EVI', 'VEI', 'EVV', 'VEE', 'EEV', 'VEV', 'EVE', 'VVE'; got the string "EVX". Did you mean`);
  });

  it('draws every point coloured by component, 1σ and 2σ ellipses, means, axis labels', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(count(svg, /<circle class="point"/g)).toBe(272);
    expect(count(svg, /class="ellipse-1sd"/g)).toBe(2);
    expect(count(svg, /class="ellipse-2sd"/g)).toBe(2);
    expect(count(svg, /<g class="mean">/g)).toBe(2);
    const colours = new Set([...svg.matchAll(/<circle class="point"[^>]*fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]));
    expect(colours.size).toBe(2);
    expect(svg).toContain('Eruption duration (minutes)');
    expect(svg).toContain('Waiting time to the next eruption (minutes)');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });
});

describe('the demo page source', () => {
  it('type-checks against the package\'s own typings (import from "gmm-wasm", init() without arguments)', async () => {
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'demo/tsconfig.json')],
        { cwd: root, timeout: 60_000 }, (err, so, se) => resolve({ code: err ? 1 : 0, out: so + se }));
    });
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });
});

const noChromium = chromiumUnavailable();
if (noChromium) console.warn(`SKIPPING the Chromium demo tests: ${noChromium}`);

describe.skipIf(noChromium)(`the demo page in headless Chromium${noChromium ? ` — skipped: ${noChromium}` : ''}`, () => {
  let server: Json;
  let browser: Json;
  let page: Json;
  const errors: string[] = [];

  beforeAll(async () => {
    const dir = await buildDemo({ outDir: join(out, 'demo'), minify: false });
    server = await serveStatic(dir, {
      '/demo.svg': (_req: unknown, res: Json) => {
        const f = join(out, 'demo.svg');
        res.writeHead(existsSync(f) ? 200 : 404, { 'content-type': 'image/svg+xml' }).end(existsSync(f) ? readFileSync(f) : '');
      },
    });
    browser = await launchChromium({ viewport: { width: 1400, height: 800 } });
    page = await browser.context.newPage();
    page.on('pageerror', (e: Error) => errors.push(String(e)));
    page.on('console', (m: Json) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${server.url}/index.html`, { timeout: 20_000 });
    await page.evaluate(() => (window as Json).gmmDemo.ready);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const snapshot = () => page.evaluate(() => (window as Json).gmmDemo.snapshot());
  const text = (sel: string) => page.textContent(sel);

  /** Runs EM at full speed until the page says converged; the page's snapshot then. */
  async function runToConvergence(timeout = 20_000): Promise<Json> {
    await page.fill('#speed', '0');
    await page.click('#run');
    await page.waitForFunction(() => (window as Json).gmmDemo.snapshot().converged === true, null, { timeout });
    return snapshot();
  }

  async function choose(k: number, covariance: string, init: string): Promise<void> {
    await page.fill('#k', String(k));
    await page.dispatchEvent('#k', 'change');
    await page.selectOption('#covariance', covariance);
    await page.selectOption('#init', init);
  }

  it('opens with Old Faithful loaded and nothing fitted', async () => {
    const s = await snapshot();
    expect(s.points).toBe(272);
    expect(s.model).toBeNull();
    expect(await page.locator('#plot circle.point').count()).toBe(272);
    expect(errors).toEqual([]);
  });

  it('fits an mclust model picked from the list (VEV), as fit() does, its ellipses from the full layout', async () => {
    await choose(3, 'VEV', 'kmeans');
    const s = await runToConvergence();
    const ref = new lib.GaussianMixture({ nComponents: 3, covarianceType: 'VEV', initParams: 'kmeans' }).fit(X).toJSON();
    expect(s.model.options.covarianceType).toBe('VEV');
    for (const k of ['weights', 'means', 'covariances', 'lowerBound']) expect(s.model[k]).toEqual(ref[k]);
    expect(await page.locator('#plot path.ellipse-1sd').count()).toBe(3);
  });

  it('runs EM to convergence, one warm-started iteration per step, equal to one fit()', async () => {
    await choose(2, 'full', 'kmeans');
    const s = await runToConvergence();
    const gm = new lib.GaussianMixture({ nComponents: 2, covarianceType: 'full', initParams: 'kmeans' }).fit(X);
    const ref = gm.toJSON();
    for (const k of ['weights', 'means', 'covariances', 'precisionsCholesky', 'lowerBound', 'converged']) expect(s.model[k]).toEqual(ref[k]);
    expect(s.iter).toBe(gm.nIter);
    expect(await text('#s-state')).toContain('converged');
    expect(await text('#s-bic')).toBe(gm.bic(X).toFixed(2));
    expect(await text('#s-iter')).toBe(String(gm.nIter));
    expect(await page.locator('#plot path.ellipse-1sd').count()).toBe(2);
    expect(await page.locator('#plot path.ellipse-2sd').count()).toBe(2);
    expect(await page.locator('#plot g.mean').count()).toBe(2);
  });

  it('draws the conditional density p(y | x) beside the plot: the library\'s condition() at the x the slider or Shift+click picks', async () => {
    const s0 = await snapshot();
    expect(s0.converged).toBe(true); // the model of the test before
    expect(await page.locator('#conditional path.density').count()).toBe(1);
    expect(await page.locator('#plot line.cond-line').count()).toBe(1);
    // the slider
    await page.evaluate(() => {
      const el = document.getElementById('cond-x') as HTMLInputElement;
      el.value = '2';
      el.dispatchEvent(new Event('input'));
    });
    let s = await snapshot();
    const c = s.conditional;
    expect(Math.abs(c.x - 2)).toBeLessThan(0.02);
    expect(await text('#cond-x-value')).toBe(c.x.toPrecision(4));
    const gm = lib.GaussianMixture.fromJSON(s.model);
    const ref = gm.predictConditional([[c.x]], [0], { covariance: true });
    expect(c.mean).toBe(ref.mean.data[0]);
    expect(c.sd).toBe(Math.sqrt(ref.covariance[0]));
    const logp = gm.condition([0], [c.x]).scoreSamples(c.ys.map((y: number) => [y]));
    c.density.forEach((v: number, i: number) => expect(Math.abs(v - Math.exp(logp[i]))).toBeLessThanOrEqual(1e-14 * Math.exp(logp[i])));
    // a density: it integrates to about 1 over the plotted range (short eruptions: waiting ≈ 54 ± 6 min)
    let mass = 0;
    for (let i = 1; i < c.ys.length; i++) mass += ((c.density[i] + c.density[i - 1]) / 2) * (c.ys[i] - c.ys[i - 1]);
    expect(mass).toBeGreaterThan(0.98);
    expect(mass).toBeLessThan(1.0001);
    expect(c.mean).toBeGreaterThan(45);
    expect(c.mean).toBeLessThan(65);
    expect(await text('#conditional .cond-title')).toBe(`p(y | x = ${c.x.toPrecision(4)})`);
    // Shift+click on the plot picks x = 4 (long eruptions) without adding a point
    const pad = (v: number[]): [number, number] => {
      const lo = Math.min(...v), hi = Math.max(...v), p = (hi - lo) * 0.08;
      return [lo - p, hi + p];
    };
    const L = plotLayout({ data: [], rows: 0, cols: 2 }, {
      width: 760, height: 560, xDomain: pad(X.map((r) => r[0])), yDomain: pad(X.map((r) => r[1])), legend: true,
    });
    await page.click('#plot svg', { modifiers: ['Shift'], position: { x: L.toX(4), y: L.toY(70) } });
    s = await snapshot();
    expect(s.points).toBe(272);
    expect(Math.abs(s.conditional.x - 4)).toBeLessThan(0.02);
    expect(s.conditional.mean).toBe(gm.predictConditional([[s.conditional.x]], [0]).mean.data[0]);
    expect(s.conditional.mean).toBeGreaterThan(75);
    expect(errors).toEqual([]);
  });

  it('Step redraws the ellipses at every iteration', async () => {
    await choose(3, 'diag', 'random_from_data');
    const seen: string[] = [];
    for (let i = 1; i <= 4; i++) {
      await page.click('#step');
      expect(await text('#s-iter')).toBe(String(i));
      seen.push(await page.getAttribute('#plot path.ellipse-1sd', 'd'));
      expect(await page.locator('#plot path.ellipse-1sd').count()).toBe(3);
    }
    expect(new Set(seen).size).toBe(4);
    const gm = new lib.GaussianMixture({ nComponents: 3, covarianceType: 'diag', initParams: 'random_from_data', maxIter: 4, tol: 0 }).fit(X);
    expect((await snapshot()).model.means).toEqual(gm.toJSON().means);
  });

  it('compares K by BIC', async () => {
    await choose(2, 'full', 'kmeans');
    await page.click('#compare');
    await page.waitForSelector('#bic-table tr.best');
    const rows = await page.$$eval('#bic-table tbody tr', (trs: Element[]) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)));
    expect(rows).toHaveLength(8);
    for (const [k, bic] of rows) {
      expect(bic).toBe(new lib.GaussianMixture({ nComponents: Number(k), initParams: 'kmeans' }).fit(X).bic(X).toFixed(2));
    }
    expect(await text('#bic-table tr.best td')).toBe('2');
  });

  it('Bayesian mode: a BayesianGaussianMixture iterated step by step, unneeded components fading with their weights', async () => {
    await page.selectOption('#method', 'bayes');
    expect(await page.inputValue('#k')).toBe('6'); // an upper bound on K
    await choose(6, 'full', 'kmeans');
    await page.fill('#wcp', '0.01');
    await page.dispatchEvent('#wcp', 'change');
    const s = await runToConvergence(30_000);
    const bgm = new lib.BayesianGaussianMixture({ nComponents: 6, covarianceType: 'full', initParams: 'kmeans', weightConcentrationPrior: 0.01 }).fit(X);
    const ref = bgm.toJSON();
    for (const k of ['weights', 'means', 'covariances', 'lowerBound', 'variational']) expect(s.model[k]).toEqual((ref as Json)[k]);
    expect(s.iter).toBe(bgm.nIter);
    expect(s.method).toBe('bayes');
    expect(s.effectiveComponents).toBe(bgm.nEffectiveComponents(0.01));
    expect(s.effectiveComponents).toBeLessThan(6);
    expect(await text('#s-eff')).toBe(String(s.effectiveComponents));
    expect(await text('#s-lower-label')).toBe('Lower bound (total)');
    expect(await text('#s-bic')).toBe('–');
    // six ellipses, those of the components switched off nearly transparent
    const opacity = await page.$$eval('#plot path.ellipse-1sd', (ps: Element[]) => ps.map((p) => Number(p.getAttribute('opacity') ?? 1)));
    expect(opacity).toHaveLength(6);
    const w = bgm.weights, top = Math.max(...w);
    opacity.forEach((o: number, k: number) => expect(o).toBeCloseTo(Math.max(0.04, Math.sqrt(w[k] / top)), 3));
    expect(opacity.filter((o: number) => o < 0.2).length).toBe(6 - s.effectiveComponents);
    await page.selectOption('#method', 'em');
    expect(errors).toEqual([]);
  });

  it('adds points where the plot is clicked', async () => {
    await page.click('#clear');
    expect((await snapshot()).points).toBe(0);
    const L = plotLayout({ data: [], rows: 0, cols: 2 }, { width: 760, height: 560, xDomain: [0, 10], yDomain: [0, 10], legend: true });
    await page.locator('#plot svg').scrollIntoViewIfNeeded();
    const box = await page.locator('#plot svg').boundingBox();
    const targets = [[2, 3], [2.5, 3.5], [7, 8], [7.5, 7]];
    for (const [x, y] of targets) await page.mouse.click(box.x + L.toX(x), box.y + L.toY(y));
    const s = await snapshot();
    expect(s.points).toBe(4);
    s.xs.forEach((x: number, i: number) => expect(Math.abs(x - targets[i][0])).toBeLessThan(0.03));
    s.ys.forEach((y: number, i: number) => expect(Math.abs(y - targets[i][1])).toBeLessThan(0.03));
    expect(await page.locator('#plot circle.point').count()).toBe(4);
    // too many components for 4 points: a clear message, no crash
    await choose(5, 'full', 'kmeans');
    await page.click('#step');
    expect(await page.isVisible('#error')).toBe(true);
    expect(await text('#error')).toContain('nComponents = 5 needs at least');
    await choose(2, 'spherical', 'kmeans');
    await page.click('#run');
    await page.waitForFunction(() => (window as Json).gmmDemo.snapshot().converged === true, null, { timeout: 20_000 });
    expect(await page.isVisible('#error')).toBe(false);
  });

  it('loads a CSV file and lets you choose its columns', async () => {
    const csv = 'id,eruptions,waiting\n' + X.map((r, i) => `${i},${r[0]},${r[1]}`).join('\n') + '\n';
    await page.setInputFiles('#file', { name: 'faithful3.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForFunction(() => (window as Json).gmmDemo.snapshot().points === 272);
    expect(await page.isVisible('#columns')).toBe(true);
    expect((await snapshot()).xs.slice(0, 3)).toEqual([0, 1, 2]);
    await page.selectOption('#col-x', '1');
    await page.selectOption('#col-y', '2');
    const s = await snapshot();
    expect(s.xs.slice(0, 2)).toEqual([X[0][0], X[1][0]]);
    expect(s.ys.slice(0, 2)).toEqual([X[0][1], X[1][1]]);
    expect(await text('#data-info')).toContain('x: eruptions · y: waiting');
    // a broken file: the error names the line and column
    await page.setInputFiles('#file', { name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y\n1,2\n3,oops\n') });
    await page.waitForSelector('#error:not([hidden])');
    expect(await text('#error')).toBe('broken.csv: line 3, column 2: "oops" is not a number.');
    // a text column (a label) is not read, and not offered: the numeric ones are plotted
    await page.setInputFiles('#file', { name: 'labels.csv', mimeType: 'text/csv', buffer: Buffer.from('species,x,y\nsetosa,1,2\nversicolor,3,4\nvirginica,5,7\n') });
    await page.waitForFunction(() => (window as Json).gmmDemo.snapshot().points === 3);
    expect((await snapshot()).xs).toEqual([1, 3, 5]);
    expect((await snapshot()).ys).toEqual([2, 4, 7]);
    expect(await page.isVisible('#columns')).toBe(false);
    expect(await page.locator('#col-x option').count()).toBe(2);
    // with one numeric column there is nothing to plot
    await page.setInputFiles('#file', { name: 'one.csv', mimeType: 'text/csv', buffer: Buffer.from('name,v\na,1\nb,2\n') });
    await page.waitForSelector('#error:not([hidden])');
    expect(await text('#error')).toBe('one.csv: the plot needs two numeric columns; the first row has 1.');
  });

  it('renders demo.svg and the page without errors (screenshots in test/runtimes/.out)', async () => {
    await page.click('#load-faithful');
    await choose(2, 'full', 'random_from_data');
    await page.click('#run');
    await page.waitForFunction(() => (window as Json).gmmDemo.snapshot().converged === true, null, { timeout: 20_000 });
    await page.screenshot({ path: join(out, 'demo-page.png'), fullPage: true });
    // the SVG of `npm run demo` is well-formed and renders
    const svgDir = mkdtempSync(join(tmpdir(), 'gmm-wasm-svg-'));
    try {
      await new Promise<void>((resolve, reject) => execFile(process.execPath, [join(root, 'dist/demo/demo.js'), '--out', join(out, 'demo.svg'), '-k', '3'],
        { cwd: svgDir, timeout: 30_000 }, (err) => (err ? reject(err) : resolve())));
    } finally {
      rmSync(svgDir, { recursive: true, force: true });
    }
    const p2 = await browser.context.newPage();
    await p2.goto(`${server.url}/demo.svg`);
    expect(await p2.evaluate(() => document.documentElement.tagName)).toBe('svg');
    expect(await p2.evaluate(() => document.getElementsByTagName('parsererror').length)).toBe(0);
    expect(await p2.locator('path.ellipse-1sd').count()).toBe(3);
    await p2.screenshot({ path: join(out, 'demo-svg.png') });
    await p2.close();
    expect(errors).toEqual([]);
  });
});
