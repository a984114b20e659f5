/**
 * The same seed-cnn training step in PyTorch on the CPU (bench/python/seed_cnn_torch.py), when
 * Debian's python3-torch is installed, on the MNIST samples the studio's rows train on. The
 * training suites put our best CPU path beside it as a ratio. Timed once per `npm run bench`
 * (both suites share the figures) and never while another suite is timing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inferModel } from '../src-shared/models/shape-inference';
import { templateFor } from '../src-shared/models/templates';
import { loadMnistArrays } from '../src-main/training/array-provider';
import type { BenchRow } from './report';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'python', 'seed_cnn_torch.py');
const SAMPLES = 256 * 8;
const PLAN = { warmup: 3, batches: 12, repeats: 5 };

/** PyTorch's samples/s by batch size, with its version and threads; or why there is none. */
export type TorchRates = { rates: Map<number, number>; spread: Map<number, [number, number]>; threads: number; version: string } | { missing: string };

let cached: TorchRates | null = null;

/**
 * A seed-cnn training step's arithmetic per sample, taken as three times its forward FLOPs (the
 * forward pass, the input and the weight gradients), for the GFLOP/s beside the ratio.
 */
const TRAINING_FLOPS = 3 * inferModel(templateFor('seed-cnn', { kind: 'image', height: 28, width: 28, channels: 1 }, 10)).totals.flops;

/** Times PyTorch at batch 32 and 256 (once per process): the median of a few windows, and their spread. */
export function torchSeedCnnRates(log: (line: string) => void): TorchRates {
  if (cached) return cached;
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return (cached = { missing: `no PyTorch at ${PYTHON} (apt-get install python3-torch)` });
  const work = mkdtempSync(join(tmpdir(), 'ms-bench-torch-'));
  try {
    const mnist = loadMnistArrays('train', SAMPLES);
    const x = Float32Array.from(mnist.x, (v) => v / 255);
    writeFileSync(join(work, 'x.f32'), new Uint8Array(x.buffer));
    writeFileSync(join(work, 'y.i32'), new Uint8Array(mnist.y.buffer, mnist.y.byteOffset, mnist.y.byteLength));
    log('  PyTorch seed-cnn on the CPU (same step, same samples)…');
    const r = spawnSync(PYTHON, [SCRIPT, join(work, 'x.f32'), join(work, 'y.i32'), String(SAMPLES), '32,256', String(PLAN.warmup), String(PLAN.batches), String(PLAN.repeats)], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (r.status !== 0) return (cached = { missing: `PyTorch failed: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}` });
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { batchSize: number; samplesPerSecond: number; spread: [number, number]; threads: number; torch: string });
    const rates = new Map(lines.map((l) => [l.batchSize, l.samplesPerSecond]));
    const spread = new Map(lines.map((l) => [l.batchSize, l.spread]));
    return (cached = { rates, spread, threads: lines[0]!.threads, version: lines[0]!.torch });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Rows for PyTorch itself and for `ours` (best samples/s by batch size, and which path gave it)
 * against it, e.g. "seed-cnn b32: best CPU path / PyTorch".
 */
export function torchComparisonRows(suite: string, ours: Map<number, { rate: number; path: string }>, log: (line: string) => void): BenchRow[] {
  const torch = torchSeedCnnRates(log);
  if ('missing' in torch) {
    log(`  PyTorch: skipped (${torch.missing})`);
    return [{ suite, name: 'PyTorch seed-cnn: skipped', value: 0, unit: '-', note: torch.missing }];
  }
  const rows: BenchRow[] = [];
  for (const [batchSize, rate] of torch.rates) {
    const [lo, hi] = torch.spread.get(batchSize) ?? [rate, rate];
    rows.push({
      suite,
      name: `seed-cnn (MNIST) b${batchSize} PyTorch CPU`,
      value: rate,
      unit: 'samples/s',
      note: `torch ${torch.version}, ${torch.threads} threads, median of ${PLAN.repeats} windows of ${PLAN.batches} batches (${lo.toFixed(0)}-${hi.toFixed(0)}) after ${PLAN.warmup} warm-up`,
    });
    const best = ours.get(batchSize);
    if (!best) continue;
    const ratio = best.rate / rate;
    const gflops = (samplesPerSecond: number) => ((TRAINING_FLOPS * samplesPerSecond) / 1e9).toFixed(1);
    log(`  seed-cnn b${batchSize}: ${best.path} ${best.rate.toFixed(0)} vs PyTorch ${rate.toFixed(0)} samples/s = ${ratio.toFixed(2)}`);
    rows.push({ suite, name: `seed-cnn (MNIST) b${batchSize} best CPU path / PyTorch`, value: ratio, unit: 'x', note: `${best.path}: ${best.rate.toFixed(0)} vs ${rate.toFixed(0)} samples/s, ${gflops(best.rate)} vs ${gflops(rate)} GFLOP/s (goal 0.5)` });
  }
  return rows;
}
