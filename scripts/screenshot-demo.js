// Builds the demo page, opens it in headless Chromium, fits Old Faithful (K = 2, full)
// step by step, runs the BIC comparison and saves a screenshot for the README.
// Usage: node scripts/screenshot-demo.js [docs/demo.png]
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildDemo } from './build-demo.js';
import { serveStatic } from './lib/serve.js';
import { launchChromium, chromiumUnavailable } from './lib/chromium.js';

/** Drives the page to a fitted state and screenshots it (used by test/demo.test.ts too). */
export async function screenshotDemo(baseUrl, context, path, { k = 2, covariance = 'full', init = 'random_from_data' } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${baseUrl}/index.html`);
  await page.evaluate(() => window.gmmDemo.ready);
  await page.fill('#k', String(k));
  await page.selectOption('#covariance', covariance);
  await page.selectOption('#init', init);
  await page.dispatchEvent('#k', 'change');
  await page.fill('#speed', '0');
  await page.click('#run');
  await page.waitForFunction(() => window.gmmDemo.snapshot().converged === true, null, { timeout: 20_000 });
  await page.click('#compare');
  await page.waitForSelector('#bic-table tr.best');
  await page.screenshot({ path, fullPage: true });
  return { page, errors };
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const out = process.argv[2] ?? 'docs/demo.png';
  const why = chromiumUnavailable();
  if (why) {
    console.error(why);
    process.exit(1);
  }
  const dir = await buildDemo();
  const server = await serveStatic(dir);
  const browser = await launchChromium({ viewport: { width: 1180, height: 760 } });
  try {
    mkdirSync(dirname(out), { recursive: true });
    const { errors } = await screenshotDemo(server.url, browser.context, out);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    await server.close();
  }
}
