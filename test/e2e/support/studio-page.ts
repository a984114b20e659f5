/**
 * Boots the real web host (real services, built renderer) on loopback with a temporary data
 * folder, and opens it in Debian's headless Chromium through playwright-core.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startWebHost } from '../../../src-main/web-host/server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RENDERER_DIR = 'out/renderer';

/** Flags that keep Chromium off the network and give it a (software) WebGPU adapter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
  '--ignore-gpu-blocklist',
  // Not disable_robustness: WebGPU promises safe out-of-bounds reads and tfjs-backend-webgpu relies
  // on it (its small-output matmul reads B unchecked); without it SwiftShader's GPU process
  // segfaults while training a transformer, and it bought no measurable speed.
  '--enable-dawn-features=skip_validation,disable_workgroup_init',
];

export interface StudioSession {
  page: Page;
  /** A scratch folder for projects this test makes. */
  workDir: string;
  /** Console errors and uncaught page errors seen so far. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Starts a host and a browser page on it; the caller must close() it. */
export async function openStudio(): Promise<StudioSession> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium" or set CHROMIUM_PATH.`);
  }
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`${RENDERER_DIR}/index.html is missing: run "npm run build" first (npm test does).`);
  }
  const workDir = await mkdtemp(join(tmpdir(), 'mstudio-e2e-'));
  const dataDir = join(workDir, 'data');
  const host = await startWebHost({ dataDir, rendererDir: RENDERER_DIR, port: 0, appVersion: '0.0.0-e2e' });
  const context: BrowserContext = await chromium.launchPersistentContext(join(workDir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  await page.goto(host.url);
  return {
    page,
    workDir,
    pageErrors,
    async close() {
      await context.close().catch(() => undefined);
      await host.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
