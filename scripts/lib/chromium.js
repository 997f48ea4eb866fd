// Headless Chromium through playwright-core, with a fresh throw-away profile.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Why Chromium cannot run here, or null if it can. With GMM_REQUIRE_RUNTIMES=1 (CI) a
 *  missing Chromium throws instead, so its tests fail rather than skip. */
export function chromiumUnavailable() {
  const why = existsSync(CHROMIUM_PATH) ? null : `no Chromium at ${CHROMIUM_PATH} (install Debian's chromium or set CHROMIUM_PATH)`;
  if (why && process.env.GMM_REQUIRE_RUNTIMES === '1') throw new Error(`GMM_REQUIRE_RUNTIMES=1: ${why}`);
  return why;
}

/**
 * Launches Chromium with a fresh user-data-dir. close() shuts it down (bounded in time)
 * and deletes the profile.
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, close(): Promise<void> }>}
 */
export async function launchChromium(options = {}) {
  const { chromium } = await import('playwright-core');
  const userDataDir = await mkdtemp(join(tmpdir(), 'gmm-wasm-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
      viewport: options.viewport ?? { width: 1200, height: 800 },
      deviceScaleFactor: options.deviceScaleFactor ?? 1,
    });
  } catch (e) {
    await rm(userDataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    context,
    async close() {
      await Promise.race([context.close(), new Promise((r) => setTimeout(r, 10_000).unref())]);
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
