// The package in its three runtimes (Node 20, workerd, headless Chromium), each loaded the
// way an application would load it (its `exports` condition, bundled where a bundler would
// bundle it). The same job (data, options, seeds) must give bit-identical fitted
// parameters, lower-bound traces, scores, samples, marginals and conditionals everywhere. Needs `npm run build`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAITHFUL } from '../src/demo/faithful.js';
import {
  bundleBrowser, bundleWorker, checkBuilt, here, outRoot, root, startWorkerd, workerdUnavailable, writeWorkerdConfig,
  type Workerd,
} from './runtimes/harness.js';
// plain JavaScript helpers shared with scripts/
import { serveStatic } from '../scripts/lib/serve.js';
import { marked } from './runtimes/mark.js';
import { chromiumUnavailable, launchChromium } from '../scripts/lib/chromium.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// ---- the job

/** A fixed pseudo-random 3-D data set (computed here once; it travels to every runtime as JSON). */
function blobs3d(n: number): number[][] {
  let s = 123456789;
  const u = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) + 0.5) / 4294967296;
  const centres = [[0, 0, 0], [4, 1, -2], [-3, 5, 2]];
  const scales = [[1, 0.5, 0.8], [0.6, 1.4, 0.7], [1.1, 0.9, 1.6]];
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const z = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    const a = z(), b = z(), c = z();
    rows.push([centres[k][0] + scales[k][0] * a, centres[k][1] + scales[k][1] * (b + 0.5 * a), centres[k][2] + scales[k][2] * c]);
  }
  return rows;
}

const TYPES = ['full', 'tied', 'diag', 'spherical'] as const;

function makeJob(): Json {
  const cases: Json[] = [];
  for (const [i, type] of TYPES.entries()) {
    // default initialisation (kmeans: k-means++ seeding with the core's PRNG, then Lloyd)
    cases.push({ name: `faithful K=3 ${type}`, dataset: 'faithful', options: { nComponents: 3, covarianceType: type, seed: i }, sampleN: 64, sampleSeed: 100 + i });
    cases.push({ name: `blobs K=3 ${type} nInit=2`, dataset: 'blobs', options: { nComponents: 3, covarianceType: type, nInit: 2, seed: 7 + i }, sampleN: 64, sampleSeed: 200 + i });
  }
  cases.push({ name: 'blobs K=4 full k-means++', dataset: 'blobs', options: { nComponents: 4, initParams: 'k-means++', seed: 5 }, sampleN: 16, sampleSeed: 1 });
  cases.push({ name: 'blobs K=3 diag random_from_data', dataset: 'blobs', options: { nComponents: 3, covarianceType: 'diag', initParams: 'random_from_data', seed: 6 }, sampleN: 16, sampleSeed: 2 });
  cases.push({ name: 'faithful K=2 random tol=0', dataset: 'faithful', options: { nComponents: 2, initParams: 'random', tol: 0, maxIter: 30, seed: 9 }, sampleN: 16, sampleSeed: 3 });
  // mclust's hierarchical start: its transform's eigenvectors, Givens rotations and logs
  cases.push({ name: 'faithful K=3 EEE hc', dataset: 'faithful', options: { nComponents: 3, covarianceType: 'EEE', initParams: 'hc', regCovar: 0 }, sampleN: 16, sampleSeed: 4 });
  cases.push({ name: 'blobs K=4 full hc', dataset: 'blobs', options: { nComponents: 4, initParams: 'hc' }, sampleN: 16, sampleSeed: 5 });
  // mclust's prior: its defaults' (1/K)^(2/d) by the core's log and exp, the MAP M-steps
  cases.push({ name: 'faithful K=3 VEV prior hc', dataset: 'faithful', options: { nComponents: 3, covarianceType: 'VEV', initParams: 'hc', regCovar: 0, prior: true }, sampleN: 16, sampleSeed: 6 });
  cases.push({ name: 'blobs K=4 VEI prior', dataset: 'blobs', options: { nComponents: 4, covarianceType: 'VEI', prior: { shrinkage: 0.2, dof: 7 } }, sampleN: 16, sampleSeed: 7 });
  // mclust's constrained models: their M-steps' logs, exps, Jacobi rotations and inner loops
  for (const [i, [type, dataset]] of ([['EII', 'faithful'], ['VEI', 'blobs'], ['EVV', 'faithful'], ['VEE', 'blobs'], ['EEV', 'blobs'],
    ['VEV', 'faithful'], ['EVE', 'blobs'], ['VVE', 'faithful']] as const).entries()) {
    cases.push({ name: `${dataset} K=3 ${type}`, dataset, options: { nComponents: 3, covarianceType: type, seed: 20 + i }, sampleN: 16, sampleSeed: 300 + i });
  }
  // the asynchronous fits on data of five chunks (CHUNK_ROWS = 2048), so two workers each
  // hold a shard, and the stream's pieces straddle the chunks
  const asyncCases = [
    { name: 'big blobs K=3 full kmeans', dataset: 'big', options: { nComponents: 3, seed: 3, maxIter: 20 }, streamChunk: 5000 },
    { name: 'big blobs K=3 diag random', dataset: 'big', options: { nComponents: 3, covarianceType: 'diag', initParams: 'random', seed: 4, maxIter: 10 }, streamChunk: 3333 },
    { name: 'big blobs K=3 VEV kmeans', dataset: 'big', options: { nComponents: 3, covarianceType: 'VEV', seed: 5, maxIter: 10 }, streamChunk: 4096 },
    { name: 'big holes K=3 full kmeans, missing values', dataset: 'bigHoles', options: { nComponents: 3, seed: 6, maxIter: 10, missingValues: 'marginalize' }, streamChunk: 3000 },
  ];
  // missing values: blobs with about 20% of the entries missing (null in JSON)
  let s = 42;
  const punch = (rows: number[][]) => rows.map((r) => r.map((v) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) < 0.2 * 4294967296 ? null : v)));
  const holes = punch(blobs3d(600));
  const bigHoles = punch(blobs3d(9000));
  const missingCases = [
    { name: 'holes K=3 full kmeans', dataset: 'holes', options: { nComponents: 3, seed: 2, missingValues: 'marginalize' }, imputeSeed: 5 },
    { name: 'holes K=3 diag random', dataset: 'holes', options: { nComponents: 3, covarianceType: 'diag', initParams: 'random', seed: 3, missingValues: 'marginalize' }, imputeSeed: 6 },
  ];
  // bootstrapLRTAsync: 24 draws of faithful's 1-against-2 test (on the runtime's workers)
  const lrt = { dataset: 'faithful', options: { covarianceType: 'VVV', nBoot: 24, maxComponents: 1, initParams: 'hc', regCovar: 0 } };
  return { datasets: { faithful: FAITHFUL, blobs: blobs3d(600), big: blobs3d(9000), holes, bigHoles }, cases, asyncCases, missingCases, lrt };
}

const job = makeJob();
const jobText = JSON.stringify(job);

/** The first place where a and b differ (a path and both values), or null. */
function firstDifference(a: Json, b: Json, path = ''): string | null {
  if (a === b) return null;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return `${path || '(root)'}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

function fromBits(hex: string): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setBigUint64(0, BigInt(`0x${hex}`));
  return v.getFloat64(0);
}

function run(cmd: string, args: string[], input?: string, timeout = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { cwd: root, timeout, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

// ---- Node: the reference

let nodeRun: Json;

beforeAll(async () => {
  checkBuilt();
  for (const d of ['workerd', 'browser', 'vite']) rmSync(join(outRoot, d), { recursive: true, force: true });
  nodeRun = JSON.parse(await run(process.execPath, [join(here, 'node/run.mjs')], jobText));
});

describe(`Node ${process.versions.node} (the \`node\` condition, gmm.wasm read from beside the module)`, () => {
  it('refuses before init(), then fits every case', () => {
    expect(nodeRun.beforeInit).toBe('NOT_INITIALIZED');
    const cases = nodeRun.result.cases as Json[];
    expect(cases.map((c) => c.name)).toEqual(job.cases.map((c: Json) => c.name));
    expect(new Set(cases.map((c) => c.model.options.covarianceType))).toEqual(new Set([...TYPES, 'EII', 'VEI', 'EVV', 'VEE', 'EEV', 'VEV', 'EVE', 'VVE']));
    expect(nodeRun.result.selection).toHaveLength(12);
    expect((nodeRun.result.bootstrap as Json[]).map((b) => b.means.length)).toEqual([6 * 2 * 2, 6 * 2 * 2, 6 * 2 * 2, FAITHFUL.length * 2 * 2]);
    expect(nodeRun.result.edda.proba.length).toBeGreaterThan(0);
    expect(nodeRun.result.noise.weights).toHaveLength(3);
    expect(nodeRun.result.semi.proba.length).toBeGreaterThan(0);
    for (const c of cases) {
      const w = (c.model.weights as string[]).map(fromBits);
      expect(Math.abs(w.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-9);
      expect(Number.isFinite(fromBits(c.model.lowerBound))).toBe(true);
      expect(c.trace.length).toBeGreaterThan(0);
      expect(c.sample.X.length).toBeGreaterThan(0);
      expect(c.conditional.predictConditional.mean.length).toBeGreaterThan(0);
      // a conditional keeps the model, or for EVV, EEV, VEV, EVE and VVE takes its layout's type
      const kept = { EVV: 'full', EEV: 'full', VEV: 'full', EVE: 'full', VVE: 'full' }[c.model.options.covarianceType as string] ?? c.model.options.covarianceType;
      expect(c.conditional.condition.options.covarianceType).toBe(kept);
    }
    const missing = nodeRun.result.missing as Json[];
    expect(missing.map((c) => c.name)).toEqual(job.missingCases.map((c: Json) => c.name));
    for (const c of missing) {
      expect(Number.isFinite(fromBits(c.model.lowerBound))).toBe(true);
      expect((c.imputeSample as string[]).map(fromBits).every(Number.isFinite)).toBe(true);
      expect(c.imputeSample).not.toEqual(c.imputeMean);
    }
  });

  it('fitAsync (2 worker_threads) and fitStream equal fit() bit for bit', () => {
    const a = nodeRun.asyncResult.cases as Json[];
    expect(a.map((c) => c.name)).toEqual(job.asyncCases.map((c: Json) => c.name));
    for (const c of a) {
      expect(firstDifference(c.fitAsync, c.fit)).toBeNull();
      expect(firstDifference(c.fitStream, c.fit)).toBeNull();
    }
    // bootstrapLRTAsync on 2 workers: bootstrapLRT's bits (the other runtimes' must equal Node's)
    expect(nodeRun.asyncResult.lrt.async).toEqual(nodeRun.asyncResult.lrt.sync);
    expect(nodeRun.asyncResult.lrt.sync[0].bootstrap).toHaveLength(24);
    // bootstrapParametersAsync on 2 workers: bootstrapParameters' bits
    expect(nodeRun.asyncResult.parameters.async).toEqual(nodeRun.asyncResult.parameters.sync);
    expect(nodeRun.asyncResult.parameters.sync.means).toHaveLength(8 * 2 * 2);
  });

  it('gives the same results in a second process (determinism)', async () => {
    const again = JSON.parse(await run(process.execPath, [join(here, 'node/run.mjs')], jobText));
    expect(firstDifference(again.result, nodeRun.result)).toBeNull();
  });

  describe('init(source) variants, each in a fresh process', () => {
    let server: Json;
    let reference: Json;
    beforeAll(async () => {
      // the http variants fetch a marked copy (test/runtimes/mark.js), as the others read one
      const served = mkdtempSync(join(tmpdir(), 'gmm-served-'));
      writeFileSync(join(served, 'gmm.wasm'), marked(readFileSync(join(root, 'dist/gmm.wasm'))));
      writeFileSync(join(served, 'http-url.wasm'), marked(readFileSync(join(root, 'dist/gmm.wasm')))); // its own request
      server = await serveStatic(served);
      reference = JSON.parse(await run(process.execPath, [join(here, 'node/variant.mjs'), 'default']));
    });
    afterAll(async () => {
      await server?.close();
    });
    const variants = ['module', 'buffer', 'uint8array', 'arraybuffer', 'dataview', 'response', 'response-untyped',
      'promise-of-bytes', 'file-url', 'path-string', 'http-url', 'fetch-promise', 'retry-after-failure'];
    it('default (no argument)', () => {
      expect(reference.error).toBeUndefined();
      expect(reference.beforeInit).toBe('NOT_INITIALIZED');
      expect(reference.sync).toBe(true);
      expect(reference.marked).toBe(false); // the package's own gmm.wasm
    });
    it.concurrent.each(variants)('%s', async (variant) => {
      const file = variant === 'http-url' ? 'http-url.wasm' : 'gmm.wasm';
      const r = JSON.parse(await run(process.execPath, [join(here, 'node/variant.mjs'), variant, `${server.url}/${file}`]));
      expect(r.error, r.error).toBeUndefined();
      expect(r.beforeInit).toBe('NOT_INITIALIZED');
      expect(r.sync).toBe(true);
      // init compiled the source given (marked) or read the Response given, not the
      // package's file; the retry's second call has no argument
      if (variant === 'retry-after-failure') expect(r.marked).toBe(false);
      else {
        if (variant === 'http-url') expect(server.requests).toContain('/http-url.wasm');
        expect(r.used).toBe(true);
      }
      expect(firstDifference(r.result, reference.result)).toBeNull();
    });
  });
});

// ---- workerd

const noWorkerd = workerdUnavailable();
if (noWorkerd) console.warn(`SKIPPING the workerd tests: ${noWorkerd}`);

describe.skipIf(noWorkerd)(`workerd (the \`workerd\` condition, gmm.wasm as a wasm module)${noWorkerd ? ` — skipped: ${noWorkerd}` : ''}`, () => {
  let wd: Workerd | null = null;
  const dir = join(outRoot, 'workerd');
  const results: Record<string, Json> = {};

  beforeAll(async () => {
    // the module worker-explicit.js passes to init(): a marked copy, told apart from the package's
    mkdirSync(outRoot, { recursive: true });
    writeFileSync(join(outRoot, 'gmm-marked.wasm'), marked(readFileSync(join(root, 'dist/gmm.wasm'))));
    const a = await bundleWorker(join(here, 'workerd/worker-default.js'), join(dir, 'default'));
    const b = await bundleWorker(join(here, 'workerd/worker-explicit.js'), join(dir, 'explicit'));
    const config = writeWorkerdConfig(dir, [{ name: 'dflt', dir: 'default', wasm: a.wasm }, { name: 'explicit', dir: 'explicit', wasm: b.wasm }]);
    wd = await startWorkerd(config, ['dflt', 'explicit']);
  });

  afterAll(async () => {
    await wd?.stop();
  });

  async function post(socket: string): Promise<Json> {
    const res = await fetch(`http://127.0.0.1:${wd!.ports[socket]}/fit`, {
      method: 'POST', body: jobText, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(30_000),
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body).slice(0, 2000)).toBe(200);
    return body;
  }

  it('bundles the package as wrangler would: gmm.wasm stays an external module', () => {
    const bundle = readFileSync(join(dir, 'default/worker.js'), 'utf8');
    expect(bundle).toMatch(/import \w+ from "\.\/gmm\.wasm"/);
    expect(bundle).toContain('entry-workerd');
    expect(bundle).not.toContain('entry-browser');
    expect(readFileSync(join(dir, 'default/gmm.wasm'))).toEqual(readFileSync(join(root, 'dist/gmm.wasm')));
  });

  it('init() with the imported module: refuses before, then matches Node bit for bit', async () => {
    const r = results.dflt = await post('dflt');
    expect(r.beforeInit).toBe('NOT_INITIALIZED');
    expect(firstDifference(r.result, nodeRun.result)).toBeNull();
  });

  it('fitAsync (in-process: Workers have no threads) and fitStream match Node bit for bit', () => {
    expect(firstDifference(results.dflt.asyncResult, nodeRun.asyncResult)).toBeNull();
  });

  it('init(module the Worker imports) uses that module and matches Node bit for bit', async () => {
    const r = results.explicit = await post('explicit');
    expect(r.beforeInit).toBe('NOT_INITIALIZED');
    expect(r.initUsed).toBe('given');
    expect(firstDifference(r.result, nodeRun.result)).toBeNull();
  });

  it('never compiles or instantiates from bytes', () => {
    // the first is init(); fitAsync and fitStream instantiate the same Module again, privately
    for (const r of Object.values(results)) {
      expect(r.wasmCalls[0]).toBe('instantiate(Module)');
      expect(new Set(r.wasmCalls)).toEqual(new Set(['instantiate(Module)']));
    }
    expect(Object.keys(results)).toHaveLength(2);
  });
});

// ---- Chromium

const BROWSER_VARIANTS = ['url', 'url-string', 'response', 'fetch-promise', 'arraybuffer', 'uint8array', 'module'];

const noChromium = chromiumUnavailable();
if (noChromium) console.warn(`SKIPPING the Chromium tests: ${noChromium}`);

describe.skipIf(noChromium)(`headless Chromium (the \`browser\` condition: esbuild and Vite bundles)${noChromium ? ` — skipped: ${noChromium}` : ''}`, () => {
  let server: Json;
  let browser: Json;
  const dir = join(outRoot, 'browser');

  beforeAll(async () => {
    await bundleBrowser(join(here, 'browser/main.js'), dir);
    const { copyFileSync } = await import('node:fs');
    copyFileSync(join(here, 'browser/index.html'), join(dir, 'index.html'));
    for (const v of BROWSER_VARIANTS) writeFileSync(join(dir, `source-${v}.wasm`), marked(readFileSync(join(root, 'dist/gmm.wasm'))));
    server = await serveStatic(dir, {
      '/job.json': (_req: unknown, res: Json) => res.writeHead(200, { 'content-type': 'application/json' }).end(jobText),
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function inPage(variant: string, input: Json, base = server.url): Promise<Json> {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e: Error) => errors.push(String(e)));
    try {
      await page.goto(`${base}/index.html`, { timeout: 20_000 });
      await page.waitForFunction(() => typeof (window as Json).runVariant === 'function', null, { timeout: 20_000 });
      const r = await page.evaluate(([v, inp]: [string, Json]) => (window as Json).runVariant(v, inp), [variant, input]);
      expect(errors).toEqual([]);
      return r;
    } finally {
      await page.close();
    }
  }

  it('bundles the package through its `browser` entry, which points at gmm.wasm beside the bundle', () => {
    const bundle = readFileSync(join(dir, 'main.js'), 'utf8');
    expect(bundle).toContain('entry-browser');
    expect(bundle).not.toContain('entry-node');
    expect(bundle).toContain('new URL("./gmm.wasm", import.meta.url)');
  });

  it('init() loads gmm.wasm beside the bundle, refuses before, and matches Node bit for bit', async () => {
    const r = await inPage('default', job);
    expect(r.error, r.error).toBeUndefined();
    expect(r.beforeInit).toBe('NOT_INITIALIZED');
    expect(firstDifference(r.result, nodeRun.result)).toBeNull();
    expect(server.requests).toContain('/gmm.wasm');
    // fitAsync on two module Web Workers, and fitStream
    expect(server.requests).toContain('/worker-browser.js');
    expect(firstDifference(r.asyncResult, nodeRun.asyncResult)).toBeNull();
    expect(r.isolated).toBe(false); // the workers exchange statistics by messages
  });

  it('on a cross-origin-isolated page the workers exchange statistics in shared memory, with the same bits', async () => {
    const isolated = await serveStatic(dir, {}, 0, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    try {
      const r = await inPage('default', job, isolated.url);
      expect(r.error, r.error).toBeUndefined();
      expect(r.isolated).toBe(true);
      expect(firstDifference(r.result, nodeRun.result)).toBeNull();
      expect(firstDifference(r.asyncResult, nodeRun.asyncResult)).toBeNull();
    } finally {
      await isolated.close();
    }
  });

  it('a worker script that fails to load gives WORKER_FAILED naming the script', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${server.url}/index.html`, { timeout: 20_000 });
      await page.waitForFunction(() => typeof (window as Json).missingWorker === 'function', null, { timeout: 20_000 });
      const r = await page.evaluate(() => (window as Json).missingWorker(false));
      expect(r.code).toBe('WORKER_FAILED');
      expect(r.message).toContain(`${server.url}/no-such-worker.js`);
      const f = await page.evaluate(() => (window as Json).missingWorker(true));
      expect(f.code).toBe('WORKER_FAILED');
      expect(f.message).toContain('the worker createWorker made');
    } finally {
      await page.close();
    }
  });

  it('a Vite production build (gmm.wasm emitted as a hashed asset) matches Node bit for bit', async () => {
    const { build } = await import('vite');
    const viteDir = join(outRoot, 'vite');
    await build({
      root: join(here, 'browser'), configFile: false, logLevel: 'warn',
      build: { outDir: viteDir, emptyOutDir: true, target: 'es2022' },
    });
    const assets = readdirSync(join(viteDir, 'assets'));
    expect(assets.some((f) => /^gmm-[\w-]+\.wasm$/.test(f))).toBe(true);
    const viteServer = await serveStatic(viteDir);
    try {
      const r = await inPage('default', job, viteServer.url);
      expect(r.error, r.error).toBeUndefined();
      expect(firstDifference(r.result, nodeRun.result)).toBeNull();
      // Vite emits the worker entry it finds in `new Worker(new URL(…), { type: 'module' })`
      expect(assets.some((f) => /^worker-browser-[\w-]+\.js$/.test(f))).toBe(true);
      expect(firstDifference(r.asyncResult, nodeRun.asyncResult)).toBeNull();
      expect(viteServer.requests.some((p: string) => p.endsWith('.wasm'))).toBe(true);
    } finally {
      await viteServer.close();
    }
  });

  const small = { datasets: { faithful: FAITHFUL }, cases: [job.cases[0], job.cases[job.cases.length - 1]] };
  it.each(BROWSER_VARIANTS)('init(%s)', async (variant) => {
    const r = await inPage(variant, small);
    expect(r.error, r.error).toBeUndefined();
    expect(r.beforeInit).toBe('NOT_INITIALIZED');
    // init() used the source given: a Response read, the Module given instantiated, the
    // marked bytes compiled; a URL, its own file requested (by init: the page does not)
    if (variant === 'url' || variant === 'url-string') expect(server.requests).toContain(`/source-${variant}.wasm`);
    else expect(r.used).toBe(true);
    const ref = nodeRun.result.cases.filter((c: Json) => small.cases.some((s: Json) => s.name === c.name));
    expect(firstDifference(r.result.cases, ref)).toBeNull();
  });
});
