// Builds the demo page into build/demo/ (index.html, style.css, main.js, gmm.wasm): the
// page script bundled by esbuild with the package's `browser` entry, as an application
// would bundle it, and gmm.wasm beside the bundle where `new URL('./gmm.wasm',
// import.meta.url)` finds it. Needs `npm run build` first. Serve build/demo/ statically,
// or run `node scripts/build-demo.js --serve [port]` (127.0.0.1, default port 8080).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));

export async function buildDemo({ outDir = join(root, 'build/demo'), minify = true } = {}) {
  for (const f of ['dist/entry-browser.js', 'dist/gmm.wasm']) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` first.`);
  }
  mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(root, 'demo/main.ts')],
    outfile: join(outDir, 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify,
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'demo', f), join(outDir, f));
  copyFileSync(join(root, 'dist/gmm.wasm'), join(outDir, 'gmm.wasm'));
  return outDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildDemo();
  if (process.argv.includes('--serve')) {
    // node scripts/build-demo.js --serve [port]: serve it on loopback until Ctrl-C
    const { serveStatic } = await import('./lib/serve.js');
    const port = Number(process.argv[process.argv.indexOf('--serve') + 1]) || 8080;
    const server = await serveStatic(out, {}, port);
    console.log(`demo at ${server.url}/ (Ctrl-C to stop)`);
    process.once('SIGINT', () => server.close().then(() => process.exit(0)));
  } else {
    console.log(`demo built in ${out}: serve that directory with any static server (or: node scripts/build-demo.js --serve)`);
  }
}
