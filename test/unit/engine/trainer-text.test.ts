/**
 * The trainer on the names sample (character-level text, read through the dataset store) with
 * the text-transformer template: custom layers and seeded dropout survive a checkpoint, so a
 * resumed run ends with the same weights as a straight one (CPU backend).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HyperParams } from '../../../src-shared/runs/hyper-params';
import { templateFor } from '../../../src-shared/models/templates';
import { Trainer } from '../../../src-engine/train/trainer';
import type { CheckpointArtifacts, TrainerOptions } from '../../../src-engine/train/types';
import { runCli } from '../../../src-main/cli/main';
import { openDiskBatchProvider, DiskBatchProvider } from '../../../src-main/training/disk-batch-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';

let work: string;
let train: DiskBatchProvider;
let validation: DiskBatchProvider;

beforeAll(async () => {
  await setupNodeBackend('cpu');
  work = mkdtempSync(join(tmpdir(), 'ms-trainer-text-'));
  let out = '';
  const io = { stdout: (t: string) => void (out = t), stderr: () => {}, env: { ...process.env, MODEL_STUDIO_DATA_DIR: join(work, 'data') }, cwd: work };
  expect(await runCli(['new', work, '--name', 'Names'], io)).toBe(0);
  const project = out.trim();
  expect(await runCli(['dataset', 'add', project, '--sample', 'names'], io)).toBe(0);
  train = await openDiskBatchProvider(dirname(project), out.trim(), 'train', { shuffle: true, seed: 5, limit: 96 });
  validation = new DiskBatchProvider(train.data, 'validation', { shuffle: false, seed: 5, limit: 32 });
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(extra: Partial<TrainerOptions>): Promise<{ last: CheckpointArtifacts; first: { artifacts: CheckpointArtifacts; step: number } | null; losses: number[] }> {
  const input = train.data.manifest.input;
  if (input.kind !== 'text') throw new Error('names is a text dataset');
  const spec = templateFor('text-transformer', input, 2);
  const saved: { artifacts: CheckpointArtifacts; epoch: number; step: number }[] = [];
  const losses: number[] = [];
  await new Trainer({
    spec,
    hyper: HyperParams.parse({ epochs: 2, batchSize: 32, optimizer: 'adam', learningRate: 0.003, seed: 9, backend: 'cpu' }),
    train,
    validation,
    ...extra,
    callbacks: {
      onEpoch: (_r, m) => void losses.push(m.loss ?? NaN),
      onCheckpoint: async (artifacts, info) => void saved.push({ artifacts, ...info }),
    },
  }).run();
  const first = saved.find((s) => s.epoch === 0) ?? null;
  return { last: saved.at(-1)!.artifacts, first, losses };
}

describe('Trainer on the names sample (cpu)', () => {
  it('text-transformer: two epochs straight equal one, a resume and one more', async () => {
    const before = tf.memory().numTensors;
    const straight = await run({});
    const resumed = await run({ resume: { artifacts: straight.first!.artifacts, nextEpoch: 1, step: straight.first!.step } });
    const a = new Float32Array(straight.last.weightData);
    const b = new Float32Array(resumed.last.weightData);
    expect(b.length).toBe(a.length);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    expect(diff).toBeLessThan(1e-6);
    // It trained: the comparison is not between two untouched models.
    expect(straight.losses[1]).toBeLessThan(straight.losses[0]!);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
