// Renders an SVG file to PNG with headless Chromium (to look at pictures the demo draws).
// Usage: node scripts/svg-to-png.js demo.svg [demo.png] [--scale 2]
import { readFileSync } from 'node:fs';
import { launchChromium, chromiumUnavailable } from './lib/chromium.js';

const args = process.argv.slice(2);
const scaleAt = args.indexOf('--scale');
const scale = scaleAt >= 0 ? Number(args.splice(scaleAt, 2)[1]) : 1;
const [input, output = input.replace(/\.svg$/i, '') + '.png'] = args;
if (!input) {
  console.error('usage: node scripts/svg-to-png.js <file.svg> [out.png] [--scale 2]');
  process.exit(2);
}
const why = chromiumUnavailable();
if (why) {
  console.error(why);
  process.exit(1);
}
const svg = readFileSync(input, 'utf8');
const browser = await launchChromium({ deviceScaleFactor: scale });
try {
  const page = await browser.context.newPage();
  await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
  await page.locator('svg').first().screenshot({ path: output });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
}
