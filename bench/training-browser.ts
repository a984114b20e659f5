/**
 * Training throughput (samples/s) in Chromium, through the studio's own ML worker (backend
 * switch, data feed from main, Trainer): seed-cnn on MNIST and text-transformer on the spam
 * sample at batch 32 and 256, on webgpu, webgl, and WASM with 1 thread and with one thread per
 * core (the page is cross-origin isolated; each thread count is its own page load, since the
 * WASM backend fixes its threads when it starts), and the threads' speed-up over 1 thread.
 * It uses the real web host and the built renderer (`npx electron-vite build`), and the
 * page's `?diagnostics` trainThroughput. Without a GPU Chromium renders with SwiftShader
 * (software), which is slow: every configuration gets a time cap, and one expected to run too
 * long is left out.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startWebHost, type WebHost } from '../src-main/web-host/server';
import { CHROMIUM_ARGS } from '../test/e2e/support/studio-page';
import { torchComparisonRows } from './pytorch';
import type { BenchRow, BenchSuite } from './report';

const SUITE = 'training-browser';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RENDERER_DIR = 'out/renderer';
/** Stop timing a configuration after this long (it still counts the batch under way). */
const CAP_MS = 20_000;
/** Leave out a configuration expected to take longer than this (seconds). */
const SKIP_S = 30;
/** What a configuration runs on; `wasmThreads` is the page's `?wasmThreads` (undefined: the app's default). */
interface Target {
  label: string;
  backend: 'webgpu' | 'webgl' | 'wasm';
  wasmThreads?: number;
}
const TARGETS: Target[] = [
  { label: 'webgpu', backend: 'webgpu' },
  { label: 'webgl', backend: 'webgl' },
  { label: 'wasm 1 thread', backend: 'wasm', wasmThreads: 1 },
  { label: 'wasm all threads', backend: 'wasm', wasmThreads: Math.min(8, availableParallelism()) },
];

/** What the page's trainThroughput diagnostic answers (src-renderer/ml/diagnostics.ts; DOM-typed, so not imported). */
interface TrainThroughputReport {
  backend: {
    backend: string | null;
    adapter: string | null;
    wasm?: { simd: boolean; threads: number };
    tried: { name: string; ok: boolean; error?: string }[];
  };
  samplesPerSecond: number;
  batches: number;
  warm: boolean;
  finite: boolean;
  ms: number;
}
type DiagnosticsWindow = { modelStudioDiagnostics: { trainThroughput(req: object): Promise<TrainThroughputReport> } };

interface Workload {
  name: string;
  template: string;
  sample: 'mnist' | 'spam';
  plan: Record<number, { warmup: number; batches: number }>;
}

const WORKLOADS: Workload[] = [
  { name: 'seed-cnn (MNIST)', template: 'seed-cnn', sample: 'mnist', plan: { 32: { warmup: 2, batches: 8 }, 256: { warmup: 1, batches: 2 } } },
  { name: 'text-transformer (spam, seq 256)', template: 'text-transformer', sample: 'spam', plan: { 32: { warmup: 1, batches: 2 }, 256: { warmup: 1, batches: 1 } } },
];

/** Opens the project in the page through the Open dialog, with diagnostics on. */
async function openProject(page: Page, host: WebHost, projectDir: string, wasmThreads?: number): Promise<void> {
  await page.goto(`${host.url}&diagnostics${wasmThreads ? `&wasmThreads=${wasmThreads}` : ''}`);
  await page.getByTestId('open-project-button').click();
  await page.getByTestId('open-path-input').fill(projectDir);
  await page.getByTestId('open-path-submit').click();
  await page.getByTestId('dataset-item').first().waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => 'modelStudioDiagnostics' in globalThis);
}

async function run(log: (line: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const skipAll = (why: string) => {
    log(`  skipping ${SUITE}: ${why}`);
    return [{ suite: SUITE, name: 'chromium: skipped', value: 0, unit: '-', note: why }];
  };
  if (!existsSync(CHROMIUM)) return skipAll(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) return skipAll(`${RENDERER_DIR} is missing: run "npx electron-vite build" first`);

  const work = await mkdtemp(join(tmpdir(), 'ms-bench-browser-'));
  let host: WebHost | null = null;
  let context: BrowserContext | null = null;
  try {
    host = await startWebHost({ dataDir: join(work, 'data'), rendererDir: RENDERER_DIR, port: 0, appVersion: 'bench' });
    const { studio } = host;
    log('  importing the MNIST and spam samples (not timed)…');
    await studio.projects.create('Bench', work, 'bench');
    const ids: Record<string, string> = {};
    for (const sample of ['mnist', 'spam'] as const) {
      ids[sample] = (await studio.datasets.startImport('bench', { source: { type: 'sample', sample } }).done).id;
    }
    await studio.projects.close('bench');

    context = await chromium.launchPersistentContext(join(work, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    let openWith: number | undefined | null = null;

    const rates = new Map<string, number>();
    const key = (w: Workload, bs: number, target: string) => `${w.template}|${bs}|${target}`;
    // A rate not measured yet is guessed from the same workload at batch 32 on this target.
    const guess = (w: Workload, bs: number, target: string) => (bs === 32 ? null : (rates.get(key(w, 32, target)) ?? null));
    for (const target of TARGETS) {
      const { backend } = target;
      if (openWith !== (target.wasmThreads ?? undefined)) {
        openWith = target.wasmThreads ?? undefined;
        await openProject(page, host, join(work, 'Bench'), openWith);
      }
      for (const w of WORKLOADS) {
        for (const batchSize of [32, 256]) {
          const name = `${w.name} b${batchSize} ${target.label}`;
          const plan = { ...w.plan[batchSize]! };
          const rate = guess(w, batchSize, target.label);
          if (rate) {
            const seconds = ((plan.warmup + 1) * batchSize) / rate;
            if (seconds > SKIP_S) {
              log(`  ${name}: skipped (about ${Math.round(seconds)} s expected)`);
              rows.push({ suite: SUITE, name, value: 0, unit: 'skipped', note: `about ${Math.round(seconds)} s expected from b32 (${rate.toFixed(1)} samples/s)` });
              continue;
            }
            plan.batches = Math.max(1, Math.min(plan.batches, Math.floor((SKIP_S * rate) / batchSize) - plan.warmup));
          }
          try {
            const r = (await page.evaluate(
              (req) => (globalThis as unknown as DiagnosticsWindow).modelStudioDiagnostics.trainThroughput(req),
              { datasetId: ids[w.sample]!, template: w.template, backend, batchSize, ...plan, maxMs: CAP_MS },
            )) as TrainThroughputReport;
            const used = r.backend.backend ?? 'none';
            if (used !== backend) {
              const why = r.backend.tried.find((t) => t.name === backend)?.error ?? `fell back to ${used}`;
              log(`  ${name}: ${backend} unavailable (${why})`);
              rows.push({ suite: SUITE, name, value: 0, unit: 'unavailable', note: why.slice(0, 120) });
              continue;
            }
            rates.set(key(w, batchSize, target.label), r.samplesPerSecond);
            const on = describe(r.backend);
            log(`  ${name}: ${r.samplesPerSecond.toFixed(1)} samples/s (${r.batches} batches, ${Math.round(r.ms / 1000)} s) on ${on}`);
            const how = r.warm ? `${r.batches} batches after ${plan.warmup} warm-up` : `${r.batches} batches incl. warm-up (time cap)`;
            const bad = r.finite ? '' : '; LOSS NOT FINITE: the backend computed garbage';
            rows.push({ suite: SUITE, name, value: r.samplesPerSecond, unit: 'samples/s', note: `${how}; ${on}${bad}` });
          } catch (err) {
            const message = (err as Error).message || String(err);
            log(`  ${name}: failed (${message})`);
            rows.push({ suite: SUITE, name, value: 0, unit: 'failed', note: message.slice(0, 120) });
          }
        }
      }
    }
    rows.push(...threadSpeedups(rates));
    await context.close();
    context = null;
    rows.push(...torchComparisonRows(SUITE, bestWasmRates(rates), log));
  } finally {
    await context?.close().catch(() => undefined);
    await host?.close();
    await rm(work, { recursive: true, force: true });
  }
  return rows;
}

/** What the worker trained on, as a person reads it: the adapter, or WASM's SIMD and threads. */
function describe(r: TrainThroughputReport['backend']): string {
  if (r.wasm) return `${r.wasm.simd ? 'SIMD' : 'no SIMD'}, ${r.wasm.threads} thread${r.wasm.threads === 1 ? '' : 's'}`;
  return r.adapter ?? 'unknown adapter';
}

/** WASM with every thread against 1 thread, per workload and batch size (both measured in this run). */
function threadSpeedups(rates: Map<string, number>): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const w of WORKLOADS) {
    for (const batchSize of [32, 256]) {
      const one = rates.get(`${w.template}|${batchSize}|wasm 1 thread`);
      const all = rates.get(`${w.template}|${batchSize}|wasm all threads`);
      if (!one || !all) continue;
      rows.push({ suite: SUITE, name: `${w.name} b${batchSize} wasm threads speed-up`, value: all / one, unit: 'x', note: `${all.toFixed(1)} vs ${one.toFixed(1)} samples/s on 1 thread (target 1.7x on 2 cores)` });
    }
  }
  return rows;
}

/** The fastest Chromium WASM configuration for seed-cnn at each batch size. */
function bestWasmRates(rates: Map<string, number>): Map<number, { rate: number; path: string }> {
  const best = new Map<number, { rate: number; path: string }>();
  for (const batchSize of [32, 256]) {
    for (const t of TARGETS.filter((x) => x.backend === 'wasm')) {
      const rate = rates.get(`seed-cnn|${batchSize}|${t.label}`);
      if (rate && rate > (best.get(batchSize)?.rate ?? 0)) best.set(batchSize, { rate, path: `Chromium ${t.label}` });
    }
  }
  return best;
}

/** The Chromium training suite of `npm run bench` (`npm run bench -- training-browser`). */
export const trainingBrowserSuite: BenchSuite = { name: SUITE, run };
