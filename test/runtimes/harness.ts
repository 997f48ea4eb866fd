// Builds and starts what the runtime tests need: esbuild bundles (the way wrangler and
// browser bundlers resolve the package), a workerd process, Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const here = fileURLToPath(new URL('./', import.meta.url));
export const outRoot = join(here, '.out');

export const WORKERD_PATH = process.env.WORKERD_PATH || join(root, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd');

/** Why workerd cannot run here, or null if it can. With GMM_REQUIRE_RUNTIMES=1 (CI) a
 *  missing workerd throws instead, so its tests fail rather than skip. */
export function workerdUnavailable(): string | null {
  if (existsSync(WORKERD_PATH)) return null;
  const why = `no workerd binary at ${WORKERD_PATH} (npm install the workerd devDependency or set WORKERD_PATH)`;
  if (process.env.GMM_REQUIRE_RUNTIMES === '1') throw new Error(`GMM_REQUIRE_RUNTIMES=1: ${why}`);
  return why;
}

/** The build must exist: every runtime test loads the package from dist/. */
export function checkBuilt(): void {
  for (const f of ['dist/entry-node.js', 'dist/entry-browser.js', 'dist/entry-workerd.js', 'dist/gmm.wasm']) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` first.`);
  }
}

/**
 * Bundles a Worker as wrangler does: esbuild, ESM, conditions workerd/worker/browser, and
 * every `.wasm` import left external as a module of its own (copied beside the bundle).
 * Returns the module files: the bundle first, then the wasm modules.
 */
export async function bundleWorker(entry: string, outDir: string): Promise<{ main: string; wasm: string[] }> {
  mkdirSync(outDir, { recursive: true });
  const wasm = new Map<string, string>();
  await esbuild.build({
    entryPoints: [entry],
    outfile: join(outDir, 'worker.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    logLevel: 'silent',
    plugins: [{
      name: 'wasm-modules',
      setup(build) {
        build.onResolve({ filter: /\.wasm$/ }, async (args) => {
          if (args.pluginData?.inner) return undefined;
          const r = await build.resolve(args.path, {
            kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { inner: true },
          });
          if (r.errors.length) return { errors: r.errors };
          const name = basename(r.path);
          wasm.set(name, r.path);
          return { path: `./${name}`, external: true };
        });
      },
    }],
  });
  for (const [name, path] of wasm) copyFileSync(path, join(outDir, name));
  return { main: 'worker.js', wasm: [...wasm.keys()] };
}

/** A workerd config serving each Worker directory on its own loopback socket (port 0). */
export function writeWorkerdConfig(dir: string, workers: { name: string; dir: string; wasm: string[] }[]): string {
  const services = workers.map((w) => `(name = "${w.name}", worker = .${w.name})`).join(',\n    ');
  const sockets = workers.map((w) => `(name = "${w.name}", address = "127.0.0.1:0", http = (), service = "${w.name}")`).join(',\n    ');
  const defs = workers.map((w) => {
    const mods = [`(name = "worker.js", esModule = embed "${w.dir}/worker.js")`,
      ...w.wasm.map((m) => `(name = "${m}", wasm = embed "${w.dir}/${m}")`)];
    return `const ${w.name} :Workerd.Worker = (\n  modules = [\n    ${mods.join(',\n    ')}\n  ],\n  compatibilityDate = "2025-01-01",\n);`;
  }).join('\n\n');
  const text = `using Workerd = import "/workerd/workerd.capnp";\n\nconst config :Workerd.Config = (\n  services = [\n    ${services}\n  ],\n  sockets = [\n    ${sockets}\n  ],\n);\n\n${defs}\n`;
  const file = join(dir, 'config.capnp');
  writeFileSync(file, text);
  return file;
}

export interface Workerd {
  ports: Record<string, number>;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts workerd; resolves once every socket listens (reported on its control fd). */
export async function startWorkerd(config: string, sockets: string[], timeoutMs = 20_000): Promise<Workerd> {
  const child: ChildProcess = spawn(WORKERD_PATH, ['serve', config, '--control-fd=3'], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  // if this process dies first, take workerd with it
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let log = '';
  child.stdout!.on('data', (d) => { log += d; });
  child.stderr!.on('data', (d) => { log += d; });
  const stop = (): Promise<void> => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => { child.kill('SIGKILL'); }, 5000);
    child.once('exit', () => { clearTimeout(t); resolve(); });
    child.kill('SIGTERM');
  });
  const ports: Record<string, number> = {};
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`workerd did not start within ${timeoutMs} ms:\n${log}`)), timeoutMs);
      let buf = '';
      (child.stdio[3] as NodeJS.ReadableStream).on('data', (d) => {
        buf += d;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            const ev = JSON.parse(line);
            if (ev.event === 'listen') ports[ev.socket] = ev.port;
          } catch { /* not ours */ }
          if (sockets.every((s) => ports[s])) {
            clearTimeout(timer);
            resolve();
          }
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`workerd exited (${code ?? signal}) before listening:\n${log}`));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { ports, output: () => log, stop };
}

/** Bundles a page script as a browser bundler would (the `browser` condition, ESM) and
 *  puts gmm.wasm beside it, where `new URL('./gmm.wasm', import.meta.url)` points, and the
 *  fitAsync worker entry (bundled on its own, as an esbuild user does), where
 *  `new URL('./worker-browser.js', import.meta.url)` points. */
export async function bundleBrowser(entry: string, outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [entry],
    outfile: join(outDir, 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  copyFileSync(join(root, 'dist/gmm.wasm'), join(outDir, 'gmm.wasm'));
  await esbuild.build({
    entryPoints: [join(root, 'dist/parallel/worker-browser.js')],
    outfile: join(outDir, 'worker-browser.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
}
