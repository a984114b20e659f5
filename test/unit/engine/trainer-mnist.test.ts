/**
 * The trainer on real data (WASM, as the CLI runs): seed-cnn on 1,500 MNIST digits for two
 * epochs, then the evaluator and Grad-CAM on the checkpoint it wrote.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { EvalResult } from '../../../src-shared/evaluations/eval-result';
import { HyperParams } from '../../../src-shared/runs/hyper-params';
import { MetricRecord, type MetricRecordInput } from '../../../src-shared/runs/metrics';
import { templateFor } from '../../../src-shared/models/templates';
import { evaluate } from '../../../src-engine/evaluate/evaluate';
import { gradCam } from '../../../src-engine/evaluate/grad-cam';
import { loadModelFromArtifacts } from '../../../src-engine/model/artifacts';
import { Trainer } from '../../../src-engine/train/trainer';
import type { CheckpointArtifacts, CheckpointKind } from '../../../src-engine/train/types';
import { ArrayProvider, loadMnistArrays } from '../../../src-main/training/array-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';

const spec = templateFor('seed-cnn', { kind: 'image', height: 28, width: 28, channels: 1 }, 10);
const heldOut = loadMnistArrays('test', 500);

interface Trained {
  batches: MetricRecordInput[];
  epochs: MetricRecordInput[];
  tensorsAtEpochEnd: number[];
  checkpoints: { kind: CheckpointKind; epoch: number; step: number; artifacts: CheckpointArtifacts }[];
  before: number;
  after: number;
  result: Awaited<ReturnType<Trainer['run']>>;
}
let trained: Trained;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  const t: Omit<Trained, 'result' | 'after'> = { batches: [], epochs: [], tensorsAtEpochEnd: [], checkpoints: [], before: tf.memory().numTensors };
  const trainer = new Trainer({
    spec,
    hyper: HyperParams.parse({ epochs: 2, batchSize: 32, optimizer: 'adam', learningRate: 0.001, seed: 3, backend: 'wasm' }),
    train: new ArrayProvider(loadMnistArrays('train', 1500), 3),
    validation: new ArrayProvider(heldOut, null),
    callbacks: {
      onBatch: (r) => void t.batches.push(r),
      onEpoch: (r) => {
        t.epochs.push(r);
        t.tensorsAtEpochEnd.push(tf.memory().numTensors);
      },
      onCheckpoint: async (artifacts, info) => void t.checkpoints.push({ ...info, artifacts }),
    },
  });
  const result = await trainer.run();
  trained = { ...t, result, after: tf.memory().numTensors };
}, 60_000);

describe('Trainer on MNIST (wasm)', () => {
  it('beats chance by far on held-out digits after two epochs of 1,500', () => {
    expect(trained.result.status).toBe('completed');
    expect(trained.result.epochsDone).toBe(2);
    expect(trained.result.last!.valAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(trained.result.last!.loss).toBeLessThan(trained.epochs[0]!.loss as number);
  });

  it('reports valid per-batch and per-epoch records with throughput', () => {
    expect(trained.batches).toHaveLength(2 * Math.ceil(1500 / 32));
    for (const r of [...trained.batches, ...trained.epochs]) expect(() => MetricRecord.parse(r)).not.toThrow();
    expect(trained.batches.map((r) => r.step)).toEqual(trained.batches.map((_, i) => i + 1));
    expect(trained.epochs.map((r) => r.step)).toEqual([47, 94]);
    expect(trained.epochs.every((r) => r.samplesPerSec > 10)).toBe(true);
  });

  it('leaks no tensors: the same count at every epoch end, none left after the run', () => {
    expect(trained.tensorsAtEpochEnd[1]).toBe(trained.tensorsAtEpochEnd[0]);
    expect(trained.after).toBe(trained.before);
  });

  it('checkpoints each epoch end with the optimizer state', () => {
    expect(trained.checkpoints.map((c) => [c.kind, c.epoch, c.step])).toEqual([
      ['epoch', 0, 47],
      ['final', 1, 94],
    ]);
    const opt = trained.checkpoints[1]!.artifacts.optimizer!;
    // Adam: the iteration count, then a first and a second moment per weight.
    expect(opt.weightSpecs[0]).toMatchObject({ dtype: 'int32', shape: [] });
    expect(opt.weightSpecs).toHaveLength(1 + 2 * 10);
  });

  it('evaluates the final checkpoint like the last validation pass', async () => {
    const model = await loadModelFromArtifacts(trained.checkpoints[1]!.artifacts);
    const before = tf.memory().numTensors;
    const result = await evaluate(model, new ArrayProvider(heldOut, null), 10, { latencyRuns: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => EvalResult.parse(result)).not.toThrow();
    expect(result.accuracy).toBeCloseTo(trained.result.last!.valAccuracy!, 6);
    expect(result.loss).toBeCloseTo(trained.result.last!.valLoss!, 4);
    expect(result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(500);
    expect(result.misclassified).toHaveLength(Math.round(500 * (1 - result.accuracy)));
    const conf = result.misclassified.map((m) => m.scores[m.predicted]!);
    expect(conf).toEqual([...conf].sort((a, b) => b - a));
    expect(result.misclassified.every((m) => heldOut.y[m.index] === m.label && m.label !== m.predicted)).toBe(true);
    expect(result.latencyMsPerSample).toBeGreaterThan(0);
    expect(result.backend).toBe('wasm');
    model.dispose();
  });

  it('Grad-CAM highlights the stroke more than the empty border', async () => {
    const model = await loadModelFromArtifacts(trained.checkpoints[1]!.artifacts);
    const before = tf.memory().numTensors;
    let stroke = 0;
    let border = 0;
    for (let s = 0; s < 8; s++) {
      const px = heldOut.x.subarray(s * 784, (s + 1) * 784);
      const x = tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(px), [1, 28, 28, 1]), 255));
      const map = await gradCam(model, x);
      x.dispose();
      expect(map).toMatchObject({ height: 28, width: 28, classIndex: map.scores.indexOf(Math.max(...map.scores)) });
      expect(map.data).toHaveLength(784);
      expect(Math.min(...map.data)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...map.data)).toBeCloseTo(1, 5);
      let sSum = 0, sN = 0, bSum = 0, bN = 0;
      for (let i = 0; i < 784; i++) {
        const r = Math.floor(i / 28), c = i % 28;
        if (px[i]! > 128) (sSum += map.data[i]!), sN++;
        else if (r < 3 || r > 24 || c < 3 || c > 24) (bSum += map.data[i]!), bN++;
      }
      stroke += sSum / sN;
      border += bSum / bN;
    }
    expect(stroke).toBeGreaterThan(border);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
