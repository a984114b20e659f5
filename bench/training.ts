/**
 * Training throughput (samples/s) of seed-cnn on MNIST and text-transformer on the spam sample
 * (seq 256) at batch 32 and 256, on each Node backend (wasm on 1 thread and on one per core, cpu,
 * and webgpu when an adapter exists), through the real Trainer: a few batches timed after warm-up batches. The
 * transformer is slow on 2 cores, so it gets fewer batches and every configuration a time cap.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { HyperParams } from '../src-shared/runs/hyper-params';
import type { ModelSpec } from '../src-shared/models/spec';
import { templateFor } from '../src-shared/models/templates';
import { Trainer } from '../src-engine/train/trainer';
import type { BatchProvider, InputArray } from '../src-engine/train/types';
import { registerWasmConvInputGradient, restoreDefaultWasmConvInputGradient } from '../src-engine/kernels/conv-input-grad';
import { registerWasmBatchMatMul, restoreDefaultWasmBatchMatMul } from '../src-engine/kernels/wasm-matmul';
import { registerWasmMaxPoolGrad, restoreDefaultWasmMaxPoolGrad } from '../src-engine/kernels/wasm-max-pool-grad';
import { registerWasmSum, restoreDefaultWasmSum } from '../src-engine/kernels/wasm-sum';
import { runCli } from '../src-main/cli/main';
import { ArrayProvider, loadMnistArrays, type ArraySamples } from '../src-main/training/array-provider';
import { openDiskBatchProvider } from '../src-main/training/disk-batch-provider';
import { setupNodeBackend, type NodeBackend } from '../src-main/training/tf-node';
import { nodeWasmThreads } from '../src-main/training/wasm-threads';
import { torchComparisonRows } from './pytorch';
import type { BenchRow, BenchSuite } from './report';

const SUITE = 'training';
const ONE_THREAD = 'wasm 1 thread';
/** Stop timing a configuration after this long (it still counts at least one batch). */
const CAP_MS = 12_000;
/** Leave out a configuration expected to take longer than this (seconds). */
const SKIP_S = 45;

interface Workload {
  name: string;
  spec: ModelSpec;
  samples: ArraySamples;
  plan: Record<number, { warmup: number; batches: number }>;
}

/**
 * Samples/s of up to `batches` training batches after `warmup` ones. A configuration over the
 * time cap stops early; when even the warm-up ran over, its own batches are timed instead.
 */
async function measure(w: Workload, batchSize: number, backend: NodeBackend): Promise<{ value: number; batches: number; warm: boolean; finite: boolean }> {
  const { warmup, batches } = w.plan[batchSize]!;
  const stamps: number[] = [];
  let finite = true;
  const n = Math.min(w.samples.y.length, (warmup + batches) * batchSize);
  const size = w.samples.sampleShape.reduce((a, b) => a * b, 1);
  const samples: ArraySamples = { x: w.samples.x.subarray(0, n * size) as InputArray, y: w.samples.y.subarray(0, n), sampleShape: w.samples.sampleShape };
  const t0 = performance.now();
  const trainer: Trainer = new Trainer({
    spec: w.spec,
    hyper: HyperParams.parse({ epochs: 1, batchSize, optimizer: 'adam', learningRate: 0.001, seed: 1, backend }),
    train: new ArrayProvider(samples, 1) as BatchProvider,
    validation: null,
    callbacks: {
      onBatch(r) {
        const t = performance.now();
        stamps.push(t);
        if (typeof r.loss !== 'number' || !Number.isFinite(r.loss)) finite = false;
        if (r.step >= warmup + batches || t - t0 > CAP_MS) trainer.stop();
      },
    },
  });
  await trainer.run();
  const timed = stamps.length - warmup;
  if (timed > 0) return { value: (timed * batchSize) / ((stamps.at(-1)! - stamps[warmup - 1]!) / 1000), batches: timed, warm: true, finite };
  return { value: (stamps.length * batchSize) / ((stamps.at(-1)! - t0) / 1000), batches: stamps.length, warm: false, finite };
}

/** The spam sample tokenized like the app does (seq 256), through a temporary project. */
async function spamSamples(): Promise<ArraySamples> {
  const dir = await mkdtemp(join(tmpdir(), 'ms-bench-train-'));
  const previous = process.env.MODEL_STUDIO_DATA_DIR;
  process.env.MODEL_STUDIO_DATA_DIR = join(dir, 'data');
  let out = '';
  const io = { stdout: (t: string) => void (out = t), stderr: () => {}, env: process.env, cwd: dir };
  try {
    await runCli(['new', dir, '--name', 'Bench'], io);
    const project = out.trim();
    await runCli(['dataset', 'add', project, '--sample', 'spam'], io);
    const provider = await openDiskBatchProvider(dirname(project), out.trim(), 'train', { shuffle: true, seed: 1, limit: 600 });
    const xs: Int32Array[] = [];
    const ys: Int32Array[] = [];
    for await (const b of provider.epoch(0, { batchSize: 600 })) (xs.push(b.x as Int32Array), ys.push(b.y));
    return { x: xs[0]!, y: ys[0]!, sampleShape: [256] };
  } finally {
    if (previous === undefined) delete process.env.MODEL_STUDIO_DATA_DIR;
    else process.env.MODEL_STUDIO_DATA_DIR = previous;
    await rm(dir, { recursive: true, force: true });
  }
}

async function run(log: (line: string) => void): Promise<BenchRow[]> {
  const mnist = loadMnistArrays('train', 256 * 5);
  const spam = await spamSamples();
  const workloads: Workload[] = [
    {
      name: 'seed-cnn (MNIST)',
      spec: templateFor('seed-cnn', { kind: 'image', height: 28, width: 28, channels: 1 }, 10),
      samples: mnist,
      plan: { 32: { warmup: 3, batches: 15 }, 256: { warmup: 1, batches: 3 } },
    },
    {
      name: 'text-transformer (spam, seq 256)',
      spec: templateFor('text-transformer', { kind: 'text', seqLength: 256, vocabSize: 20_000, tokenizer: 'word' }, 2),
      samples: spam,
      plan: { 32: { warmup: 1, batches: 2 }, 256: { warmup: 1, batches: 1 } },
    },
  ];
  const rows: BenchRow[] = [];
  const rates = new Map<string, number>();
  const key = (w: Workload, bs: number, backend: string) => `${w.name}|${bs}|${backend}`;
  // A rate not measured yet is guessed from measured ones: the same workload at batch 32 on this
  // backend, else on wasm with tfjs's stock kernels (the other backends do not get the engine's
  // WASM kernels, which speed the two workloads up by different factors) scaled by how seed-cnn
  // compares between the two backends.
  const guess = (w: Workload, bs: number, backend: string): number | null => {
    const same = rates.get(key(w, 32, backend));
    if (same) return same;
    const stockKey = (x: Workload) => key(x, 32, 'wasm-stock');
    const base = rates.get(stockKey(w)) ?? rates.get(key(w, bs, ONE_THREAD)) ?? rates.get(key(w, 32, ONE_THREAD));
    const here = rates.get(key(workloads[0]!, 32, backend));
    const wasm = rates.get(stockKey(workloads[0]!)) ?? rates.get(key(workloads[0]!, 32, ONE_THREAD));
    return base && here && wasm ? (base * here) / wasm : null;
  };
  // WASM on one thread and on one per core (the CLI's default), each from its own backend start.
  const threads = nodeWasmThreads();
  const configs: { label: string; backend: NodeBackend; threads?: number }[] = [
    { label: ONE_THREAD, backend: 'wasm', threads: 1 },
    ...(threads > 1 ? [{ label: `wasm ${threads} threads`, backend: 'wasm' as const, threads }] : []),
    { label: 'cpu', backend: 'cpu' },
    { label: 'webgpu', backend: 'webgpu' },
  ];
  for (const { label, backend, threads } of configs) {
    try {
      const info = await setupNodeBackend(backend, { threads });
      if (info.adapter) log(`  ${backend}: ${info.adapter}`);
      if (info.wasm && info.wasm.threads !== threads) {
        const why = info.wasm.fallback ?? `the pool has ${info.wasm.threads}`;
        log(`  skipping ${label}: ${why}`);
        rows.push({ suite: SUITE, name: `${label}: skipped`, value: 0, unit: '-', note: why });
        continue;
      }
    } catch (err) {
      log(`  skipping ${label}: ${(err as Error).message}`);
      rows.push({ suite: SUITE, name: `${label}: skipped`, value: 0, unit: '-', note: (err as Error).message });
      continue;
    }
    for (const w of workloads) {
      for (const batchSize of [32, 256]) {
        const name = `${w.name} b${batchSize} ${label}`;
        const plan = { ...w.plan[batchSize]! };
        const rate = guess(w, batchSize, label);
        if (rate) {
          const seconds = ((plan.warmup + 1) * batchSize) / rate;
          if (seconds > SKIP_S) {
            log(`  ${name}: skipped (about ${Math.round(seconds)} s expected)`);
            rows.push({ suite: SUITE, name, value: 0, unit: 'skipped', note: `about ${Math.round(seconds)} s expected from the rates measured before` });
            continue;
          }
          plan.batches = Math.max(1, Math.min(plan.batches, Math.floor((SKIP_S * rate) / batchSize) - plan.warmup));
        }
        try {
          const r = await measure({ ...w, plan: { ...w.plan, [batchSize]: plan } }, batchSize, backend);
          rates.set(key(w, batchSize, label), r.value);
          log(`  ${name}: ${Math.round(r.value)} samples/s (${r.batches} batches)`);
          const how = r.warm ? `${r.batches} batches after ${plan.warmup} warm-up` : `${r.batches} batches incl. warm-up (time cap)`;
          // A backend that computes garbage (a kernel that fails to compile) shows as a non-finite loss.
          const bad = r.finite ? '' : '; LOSS NOT FINITE: the backend computed garbage';
          rows.push({ suite: SUITE, name, value: r.value, unit: 'samples/s', note: `${how}${bad}` });
        } catch (err) {
          // E.g. the WASM heap (4 GB at most) cannot hold batch 256 of seq-256 attention.
          const message = (err as Error).message || String(err);
          log(`  ${name}: failed (${message})`);
          rows.push({ suite: SUITE, name, value: 0, unit: 'failed', note: message.slice(0, 120) });
        }
      }
    }
    if (label === ONE_THREAD) {
      for (const row of await stockKernelRows(workloads, log)) {
        rows.push(row);
        const w = workloads.find((x) => row.name.startsWith(x.name));
        if (w && row.value > 0) rates.set(key(w, 32, 'wasm-stock'), row.value);
      }
    }
    tf.disposeVariables();
  }
  if (threads > 1) rows.push(...threadSpeedupRows(rates, workloads, threads, log));
  rows.push(...torchComparisonRows(SUITE, bestCpuRates(rates, workloads[0]!.name), log));
  return rows;
}

/** The fastest Node CPU path (wasm on any threads, or cpu) for seed-cnn at each batch size. */
function bestCpuRates(rates: Map<string, number>, seedCnn: string): Map<number, { rate: number; path: string }> {
  const best = new Map<number, { rate: number; path: string }>();
  for (const [k, rate] of rates) {
    const [name, batch, label] = k.split('|') as [string, string, string];
    if (name !== seedCnn || label === 'wasm-stock' || !(label.startsWith('wasm') || label === 'cpu')) continue;
    const batchSize = Number(batch);
    if (rate > (best.get(batchSize)?.rate ?? 0)) best.set(batchSize, { rate, path: `Node ${label}` });
  }
  return best;
}

/** All threads over one thread, per workload and batch size, both measured in this run. */
function threadSpeedupRows(rates: Map<string, number>, workloads: Workload[], threads: number, log: (line: string) => void): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const w of workloads) {
    for (const batchSize of [32, 256]) {
      const one = rates.get(`${w.name}|${batchSize}|${ONE_THREAD}`);
      const all = rates.get(`${w.name}|${batchSize}|wasm ${threads} threads`);
      if (!one || !all) continue;
      const name = `${w.name} b${batchSize} wasm ${threads} threads / 1 thread`;
      log(`  ${name}: ${(all / one).toFixed(2)}x`);
      rows.push({ suite: SUITE, name, value: all / one, unit: 'x', note: `${all.toFixed(1)} vs ${one.toFixed(1)} samples/s (Node, threaded SIMD build vs stock SIMD build)` });
    }
  }
  return rows;
}

/**
 * Both workloads at batch 32 on WASM with tfjs's own BatchMatMul, Conv2DBackpropInput and Sum
 * instead of the engine's (wasm-matmul.ts, conv-input-grad.ts, wasm-sum.ts), to show what they buy.
 */
async function stockKernelRows(workloads: Workload[], log: (line: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  restoreDefaultWasmBatchMatMul();
  restoreDefaultWasmConvInputGradient();
  restoreDefaultWasmSum();
  restoreDefaultWasmMaxPoolGrad();
  try {
    for (const w of workloads) {
      const name = `${w.name} b32 wasm, stock tfjs kernels`;
      try {
        const r = await measure(w, 32, 'wasm');
        log(`  ${name}: ${r.value.toFixed(1)} samples/s`);
        rows.push({ suite: SUITE, name, value: r.value, unit: 'samples/s', note: `${r.batches} batches; compare with the row without "stock"` });
      } catch (err) {
        rows.push({ suite: SUITE, name, value: 0, unit: 'failed', note: ((err as Error).message || String(err)).slice(0, 120) });
      }
    }
  } finally {
    registerWasmBatchMatMul();
    registerWasmConvInputGradient();
    registerWasmSum();
    registerWasmMaxPoolGrad();
  }
  return rows;
}

export const trainingSuite: BenchSuite = { name: SUITE, run };
