/**
 * Magnitude pruning: masks that zero exactly floor(s·n) of the smallest weights, TF-MOT's
 * polynomial schedule, the zeros held after every optimizer step of a fine-tune on real MNIST
 * digits, and exact zeros after stripping, at exactly the target sparsity.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PruneRecipe } from '../../../src-shared/compression/recipe';
import { HyperParams } from '../../../src-shared/runs/hyper-params';
import { runCompression } from '../../../src-engine/compress/compress';
import { isPrunable, magnitudeMasks, PruningHooks, scheduledSparsity } from '../../../src-engine/compress/prune';
import type { ModelArtifacts } from '../../../src-engine/compress/quantize';
import { decodeAll } from '../../../src-engine/compress/weight-codec';
import type { StepContext } from '../../../src-engine/train/hooks';
import { Trainer } from '../../../src-engine/train/trainer';
import { ArrayProvider, loadMnistArrays } from '../../../src-main/training/array-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';
import { mnistModel, trainOneEpoch } from './compress-fixtures';

describe('magnitude masks', () => {
  it('zero exactly floor(s·n) of the smallest |w| of each tensor, or under one global threshold', () => {
    const a = Float32Array.from([0.1, -0.5, 0.05, 2, -0.01, 0.3, 0, 0.7, -0.2, 0.9]);
    const b = Float32Array.from([5, -4, 3, 2]);
    const [ma, mb] = magnitudeMasks([a, b], 0.5, 'layer');
    expect(Array.from(ma!)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(Array.from(mb!)).toEqual([1, 1, 0, 0]);
    // Global: the 7 smallest of all 14 values, wherever they are: all of b survives.
    const [ga, gb] = magnitudeMasks([a, b], 0.5, 'global');
    expect(ga!.reduce((n, v) => n + (v ? 0 : 1), 0)).toBe(7);
    expect(Array.from(gb!)).toEqual([1, 1, 1, 1]);
  });

  it('prunes kernels and embeddings, not biases or norms', () => {
    expect(isPrunable('conv2d_1/kernel', [3, 3, 1, 8])).toBe(true);
    expect(isPrunable('x_attention/query_kernel', [64, 64])).toBe(true);
    expect(isPrunable('tokenEmbedding_1/token_embeddings', [100, 64])).toBe(true);
    expect(isPrunable('conv2d_1/bias', [8])).toBe(false);
    expect(isPrunable('layerNorm_4/gamma', [64])).toBe(false);
  });
});

describe('the sparsity schedule', () => {
  const r = PruneRecipe.parse({ method: 'prune', sparsity: 0.8, initialSparsity: 0.5, frequency: 7 });
  it('follows TF-MOT PolynomialDecay (power 3) over the first 70% of the steps, stepping every `frequency` steps, then holds the target', () => {
    expect(scheduledSparsity(r, 0, 100)).toBeCloseTo(0.5, 12);
    expect(scheduledSparsity(r, 35, 100)).toBeCloseTo(0.8 + (0.5 - 0.8) * (1 - 35 / 70) ** 3, 12);
    expect(scheduledSparsity(r, 41, 100)).toBe(scheduledSparsity(r, 35, 100));
    expect(scheduledSparsity(r, 70, 100)).toBe(0.8);
    expect(scheduledSparsity(r, 100, 100)).toBe(0.8);
    // A frequency longer than the ramp still updates ten times over it.
    expect(scheduledSparsity({ ...r, frequency: 1000 }, 7, 100)).toBeGreaterThan(0.5);
    for (let t = 1; t <= 100; t++) expect(scheduledSparsity(r, t, 100)).toBeGreaterThanOrEqual(scheduledSparsity(r, t - 1, 100));
    expect(scheduledSparsity({ ...r, schedule: 'constant' }, 0, 100)).toBe(0.8);
  });
});

const spec = mnistModel([
  { type: 'conv2d', filters: 8, kernelSize: 3 },
  { type: 'maxPool2d', poolSize: 2 },
  { type: 'flatten' },
  { type: 'dense', units: 32, activation: 'relu' },
  { type: 'dense', units: 10, activation: 'softmax' },
]);
const train = new ArrayProvider(loadMnistArrays('train', 1500), 9);
let trained: ModelArtifacts;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  trained = await trainOneEpoch(spec, train, { seed: 4, learningRate: 0.003 });
}, 120_000);

const zeros = (v: ArrayLike<number>) => Array.from(v).filter((x) => x === 0).length;

describe('pruning with fine-tuning on MNIST', () => {
  it('holds the zeros after every optimizer step and ends at exactly the target sparsity', async () => {
    const recipe = PruneRecipe.parse({ method: 'prune', sparsity: 0.75, fineTuneEpochs: 1, frequency: 10 });
    const totalSteps = Math.ceil(train.count / 32);
    const hooks = new PruningHooks(trained, recipe, totalSteps);
    const checked: number[] = [];
    const watching = {
      model: () => hooks.model(),
      afterStep: async (ctx: StepContext) => {
        await hooks.afterStep(ctx);
        // Each prunable kernel has at least the zeros its current mask asks for, right after the step.
        for (const w of ctx.model.trainableWeights.filter((x) => isPrunable(x.originalName, x.shape as number[]))) {
          const v = await w.read().data();
          expect(zeros(v)).toBeGreaterThanOrEqual(Math.floor(hooks.sparsity * v.length));
        }
        checked.push(ctx.step);
      },
    };
    let last: ModelArtifacts | null = null;
    const trainer = new Trainer({
      spec,
      hyper: HyperParams.parse({ epochs: 1, batchSize: 32, optimizer: 'adam', learningRate: 0.0005, seed: 1, backend: 'wasm' }),
      train,
      validation: null,
      hooks: watching,
      callbacks: { onCheckpoint: async (a) => void (last = a) },
    });
    await trainer.run();
    hooks.dispose();
    expect(checked).toHaveLength(totalSteps);
    expect(hooks.sparsity).toBe(0.75);
    const weights = decodeAll({ specs: last!.weightSpecs, data: new Uint8Array(last!.weightData) });
    for (const [name, { values }] of weights) {
      if (isPrunable(name, [...weights.get(name)!.spec.shape])) expect(zeros(values), name).toBe(Math.floor(0.75 * values.length));
    }
  }, 60_000);

  it('a compression to 80% under one global threshold keeps accuracy close after fine-tuning, and reports the sparsity per layer', async () => {
    const test = new ArrayProvider(loadMnistArrays('test', 400), null);
    const out = await runCompression({
      spec,
      artifacts: trained,
      // Global: this small model's 72-weight first conv would not survive 80% of its own.
      recipe: PruneRecipe.parse({ method: 'prune', sparsity: 0.8, fineTuneEpochs: 2, scope: 'global' }),
      classes: Array.from({ length: 10 }, (_, i) => String(i)),
      standardization: null,
      calibration: null,
      train,
      evaluation: test,
    });
    const dense = out.layers.find((l) => l.layer === 'dense_4')!;
    const conv = out.layers.find((l) => l.layer === 'conv2d_1')!;
    expect(dense.sparsity).toBeGreaterThan(0.8);
    expect(conv.sparsity).toBeLessThan(0.8);
    expect(conv.encoding).toBe('float32');
    expect(out.after.nonZeroParams).toBeLessThan(out.before.nonZeroParams * 0.25);
    expect(out.after.params).toBe(out.before.params);
    expect(out.after.accuracy).toBeGreaterThan(out.before.accuracy - 0.05);
    expect(tf.memory().numTensors).toBeLessThan(200);
  }, 60_000);

  it('prunes once without training when asked for no fine-tuning epochs', async () => {
    const test = new ArrayProvider(loadMnistArrays('test', 100), null);
    const out = await runCompression({
      spec,
      artifacts: trained,
      recipe: PruneRecipe.parse({ method: 'prune', sparsity: 0.5, fineTuneEpochs: 0, scope: 'global' }),
      classes: Array.from({ length: 10 }, (_, i) => String(i)),
      standardization: null,
      calibration: null,
      train: null,
      evaluation: test,
    });
    const prunable = out.layers.filter((l) => l.type === 'conv2d' || l.type === 'dense');
    const kernelParams = [3 * 3 * 8, 1352 * 32, 32 * 10];
    const pruned = prunable.reduce((n, l) => n + (l.params - l.nonZeroParams), 0);
    expect(pruned).toBeGreaterThanOrEqual(Math.floor(0.5 * kernelParams.reduce((a, b) => a + b, 0)));
  }, 30_000);
});
