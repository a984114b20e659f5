/**
 * The trainer's contract on the CPU backend: deterministic resume for every optimiser, pause,
 * resume and stop, early stopping, the learning-rate schedule, tabular standardisation, no leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { HyperParams } from '../../../src-shared/runs/hyper-params';
import type { MetricRecordInput } from '../../../src-shared/runs/metrics';
import { parseModelSpec, type ModelSpec } from '../../../src-shared/models/spec';
import { Trainer } from '../../../src-engine/train/trainer';
import type { CheckpointArtifacts, CheckpointKind, TrainerOptions, TrainerStatus } from '../../../src-engine/train/types';
import { ArrayProvider, loadMnistArrays } from '../../../src-main/training/array-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';
import { createRng } from '../../../src-shared/random';
import { tinyCnn as makeTinyCnn } from './tiny-cnn';

beforeAll(async () => {
  await setupNodeBackend('cpu');
});

/** A small CNN with a seeded dropout, quick on the CPU backend. */
const tinyCnn: ModelSpec = makeTinyCnn();
const digits = loadMnistArrays('train', 256);
const heldOut = loadMnistArrays('test', 128);

type Hyper = Parameters<typeof HyperParams.parse>[0];
const hyperOf = (h: Partial<Hyper> = {}) =>
  HyperParams.parse({ epochs: 3, batchSize: 32, optimizer: 'adam', learningRate: 0.01, seed: 11, backend: 'cpu', ...h });

interface Saved {
  kind: CheckpointKind;
  epoch: number;
  step: number;
  artifacts: CheckpointArtifacts;
}

/** Runs a trainer, recording batches, epochs, checkpoints and statuses. */
async function train(opts: Partial<TrainerOptions> & { hyper: TrainerOptions['hyper'] }, onBatch?: (r: MetricRecordInput, t: Trainer) => void) {
  const batches: MetricRecordInput[] = [];
  const checkpoints: Saved[] = [];
  const statuses: TrainerStatus[] = [];
  const tensors: number[] = [];
  const trainer: Trainer = new Trainer({
    spec: tinyCnn,
    train: new ArrayProvider(digits, opts.hyper.seed),
    validation: new ArrayProvider(heldOut, null),
    ...opts,
    callbacks: {
      onBatch: (r) => {
        batches.push(r);
        onBatch?.(r, trainer);
      },
      onEpoch: () => void tensors.push(tf.memory().numTensors),
      onCheckpoint: async (artifacts, info) => void checkpoints.push({ ...info, artifacts }),
      onStatus: (s) => void statuses.push(s),
    },
  });
  const result = await trainer.run();
  return { result, batches, checkpoints, statuses, tensors };
}

function weights(a: CheckpointArtifacts): Float32Array {
  return new Float32Array(a.weightData);
}

describe('Trainer (cpu)', () => {
  it.each(['adam', 'sgd', 'rmsprop'] as const)('%s: N epochs straight equal N-1 epochs, a resume from the checkpoint and one more', async (optimizer) => {
    const hyper = hyperOf({ optimizer, momentum: optimizer === 'adam' ? 0 : 0.9, learningRate: { adam: 0.01, sgd: 0.05, rmsprop: 0.002 }[optimizer], schedule: { type: 'cosine', minLearningRate: 0 }, warmup: 5 });
    const before = tf.memory().numTensors;
    const straight = await train({ hyper });
    const second = straight.checkpoints.find((c) => c.epoch === 1)!;
    const resumed = await train({ hyper, resume: { artifacts: second.artifacts, nextEpoch: 2, step: second.step } });
    expect(resumed.batches[0]).toMatchObject({ epoch: 2, step: second.step + 1 });
    expect(resumed.batches.map((b) => b.lr)).toEqual(straight.batches.filter((b) => b.epoch === 2).map((b) => b.lr));
    const a = weights(straight.checkpoints.at(-1)!.artifacts);
    const b = weights(resumed.checkpoints.at(-1)!.artifacts);
    expect(b.length).toBe(a.length);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    expect(diff).toBeLessThan(1e-6);
    // Something was learned, so the comparison is not between two untouched models.
    expect(straight.result.last!.valAccuracy).toBeGreaterThan(0.3);
    expect(straight.tensors[2]).toBe(straight.tensors[1]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains a batch as slices (micro-batches) to the same weights and metrics as in one piece', async () => {
    // No dropout: its masks are drawn per slice, so they differ from one whole-batch draw.
    const spec = makeTinyCnn({ dropout: false });
    const hyper = hyperOf({ epochs: 3, batchSize: 64 });
    const before = tf.memory().numTensors;
    const whole = await train({ hyper, spec });
    const sliced = await train({ hyper, spec, maxMicroBatch: 24 });
    expect(sliced.batches.map((b) => b.step)).toEqual(whole.batches.map((b) => b.step));
    sliced.batches.forEach((b, i) => {
      expect(b.loss).toBeCloseTo(whole.batches[i]!.loss as number, 5);
      expect(b.accuracy).toBe(whole.batches[i]!.accuracy);
    });
    const a = weights(whole.checkpoints.at(-1)!.artifacts);
    const b = weights(sliced.checkpoints.at(-1)!.artifacts);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    expect(diff).toBeLessThan(1e-5);
    expect(whole.result.last!.valAccuracy).toBeGreaterThan(0.3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pauses between batches, resumes, and stops after the current batch with a stop checkpoint', async () => {
    let pausedAt = -1;
    let countWhilePaused = -1;
    const run = await train({ hyper: hyperOf({ epochs: 5 }) }, (r, t) => {
      if (r.step === 2) {
        t.pause();
        pausedAt = r.step;
        setTimeout(() => {
          countWhilePaused = r.step;
          expect(t.status).toBe('paused');
          t.resume();
        }, 150);
      }
      if (r.step === 11) t.stop();
    });
    expect(pausedAt).toBe(2);
    expect(countWhilePaused).toBe(2);
    expect(run.statuses).toEqual(['paused', 'running', 'stopped']);
    expect(run.result).toMatchObject({ status: 'stopped', epochsDone: 1, step: 11 });
    expect(run.batches).toHaveLength(11);
    expect(run.checkpoints.map((c) => [c.kind, c.epoch, c.step])).toEqual([
      ['epoch', 0, 8],
      ['stop', 1, 11],
    ]);
    // The stop checkpoint resumes the epoch it was stopped in.
    const stopped = run.checkpoints[1]!;
    const resumed = await train({ hyper: hyperOf({ epochs: 2 }), resume: { artifacts: stopped.artifacts, nextEpoch: 1, step: stopped.step } });
    expect(resumed.result).toMatchObject({ status: 'completed', epochsDone: 1, step: 19 });
  });

  it('stops early when the validation loss stops improving by minDelta', async () => {
    const run = await train({ hyper: hyperOf({ epochs: 6, earlyStopping: { patience: 2, minDelta: 1e6 } }) });
    expect(run.result.status).toBe('early-stopped');
    expect(run.result.epochsDone).toBe(3);
    expect(run.checkpoints.map((c) => c.kind)).toEqual(['epoch', 'epoch', 'final']);
    expect(run.statuses.at(-1)).toBe('completed');
  });

  it('applies warm-up and the step schedule per batch', async () => {
    const run = await train({ hyper: hyperOf({ epochs: 2, learningRate: 0.01, warmup: 4, schedule: { type: 'step', every: 1, factor: 0.5 } }) });
    const lrs = run.batches.map((b) => b.lr);
    expect(lrs.slice(0, 5)).toEqual([0.0025, 0.005, 0.0075, 0.01, 0.01].map((v) => expect.closeTo(v, 12)));
    expect(lrs.slice(8)).toEqual(new Array(8).fill(0.005));
  });

  it('standardises raw tabular features with the training split statistics', async () => {
    // Two classes apart by 3 standard deviations of a feature centred at 5,000: raw, it does not train.
    const rng = createRng(5);
    const n = 400;
    const x = new Float32Array(n * 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      x[2 * i] = 5000 + 100 * (rng() - 0.5) + (y[i] ? 150 : -150);
      x[2 * i + 1] = 20 * rng();
    }
    const samples = { x, y, sampleShape: [2] };
    const spec = parseModelSpec({
      formatVersion: 1, name: 'tab', template: null, input: { kind: 'tabular', features: ['a', 'b'] }, numClasses: 2,
      layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }],
    });
    const trainer = new Trainer({ spec, hyper: hyperOf({ epochs: 3, learningRate: 0.05 }), train: new ArrayProvider(samples, 1), validation: new ArrayProvider(samples, null) });
    const result = await trainer.run();
    expect(trainer.standardization!.mean[0]).toBeCloseTo(5000, -1);
    expect(trainer.standardization!.std[0]).toBeGreaterThan(100);
    expect(result.last!.valAccuracy).toBeGreaterThan(0.95);
  });
});
