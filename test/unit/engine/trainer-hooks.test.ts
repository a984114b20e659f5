/**
 * The trainer's hooks on the CPU backend with MNIST digits: a loss hook replaces the loss inside
 * the gradient scope, an after-step hook's changes (pruning masks) are what is trained and saved,
 * a model hook's model is the one trained and the built one is freed; no hooks, no change.
 */
import * as tf from '@tensorflow/tfjs-core';
import { input, model as functionalModel, layers, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { HyperParams } from '../../../src-shared/runs/hyper-params';
import type { MetricRecordInput } from '../../../src-shared/runs/metrics';
import { buildModel } from '../../../src-engine/model/build-model';
import { crossEntropy } from '../../../src-engine/train/loss';
import { Trainer } from '../../../src-engine/train/trainer';
import type { CheckpointArtifacts, CheckpointInfo, ModelContext, TrainerHooks, TrainerOptions } from '../../../src-engine/train/types';
import { ArrayProvider, loadMnistArrays } from '../../../src-main/training/array-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';
import { tinyCnn } from './tiny-cnn';

beforeAll(async () => {
  await setupNodeBackend('cpu');
});

// No dropout, so two runs from the same seed see the same forward pass.
const spec = tinyCnn({ dropout: false });
const digits = loadMnistArrays('train', 128);
const heldOut = loadMnistArrays('test', 64);
const CONV_KERNEL = 'conv2d_1/kernel';
const DENSE_KERNEL = 'dense_4/kernel';

type Hyper = Parameters<typeof HyperParams.parse>[0];
const hyperOf = (h: Partial<Hyper> = {}) =>
  HyperParams.parse({ epochs: 1, batchSize: 32, optimizer: 'adam', learningRate: 0.01, seed: 11, backend: 'cpu', ...h });

type Options = Partial<TrainerOptions> & { hyper: TrainerOptions['hyper'] };

/** Runs a trainer on `samples` digits, recording batches and checkpoints. */
async function train(opts: Options, samples = digits.y.length) {
  const batches: MetricRecordInput[] = [];
  const checkpoints: (CheckpointInfo & { artifacts: CheckpointArtifacts })[] = [];
  const models: (LayersModel | null)[] = [];
  const subset = { ...digits, x: digits.x.subarray(0, samples * 784), y: digits.y.subarray(0, samples) };
  const trainer: Trainer = new Trainer({
    spec,
    train: new ArrayProvider(subset, opts.hyper.seed),
    validation: new ArrayProvider(heldOut, null),
    ...opts,
    callbacks: {
      onBatch: (r) => {
        batches.push(r);
        models.push(trainer.model);
      },
      onCheckpoint: async (artifacts, info) => void checkpoints.push({ ...info, artifacts }),
    },
  });
  const result = await trainer.run();
  return { result, batches, checkpoints, models };
}

/** A checkpoint's weights by name. */
function weightsOf(a: CheckpointArtifacts): Record<string, Float32Array> {
  const map = tf.io.decodeWeights(a.weightData, a.weightSpecs as tf.io.WeightsManifestEntry[]);
  const out: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(map)) out[name] = t.dataSync() as Float32Array;
  tf.dispose(Object.values(map));
  return out;
}

/** A model's weights by name (the names checkpoints use). */
function modelWeights(m: LayersModel): Record<string, Float32Array> {
  return Object.fromEntries(m.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
}

const finalWeights = (run: Awaited<ReturnType<typeof train>>) => weightsOf(run.checkpoints.at(-1)!.artifacts);

describe('Trainer hooks (cpu)', () => {
  it('a loss hook replaces the loss: zero leaves the weights as built, twice cross-entropy reports twice the loss', async () => {
    const sgd = hyperOf({ optimizer: 'sgd', momentum: 0, learningRate: 0.1 });
    const before = tf.memory().numTensors;
    const initial = buildModel(spec, { seed: sgd.seed });
    const start = modelWeights(initial);
    initial.dispose();

    const zero = await train({ hyper: sgd, hooks: { loss: ({ outputs, labels }) => tf.mul(crossEntropy(outputs, labels), 0) } }, 64);
    const plain = await train({ hyper: sgd }, 64);
    expect(zero.batches).toHaveLength(2);
    expect(zero.batches.every((b) => b.loss === 0)).toBe(true);
    const zeroW = finalWeights(zero);
    const plainW = finalWeights(plain);
    expect(Object.keys(zeroW).sort()).toEqual(Object.keys(start).sort());
    for (const name of Object.keys(start)) {
      expect(zeroW[name], name).toEqual(start[name]);
      if (name.endsWith('kernel')) expect(plainW[name], name).not.toEqual(start[name]);
    }
    // The accuracy still comes from the outputs, whatever the loss.
    expect(zero.batches[0]!.accuracy).toBe(plain.batches[0]!.accuracy);

    const seen: { outputs: number[]; labels: number[]; labelDtype: string; inputs: number[]; step: number; training: boolean; model: LayersModel }[] = [];
    const double = await train({
      hyper: sgd,
      hooks: {
        loss: ({ outputs, labels, inputs, step, training, model }) => {
          seen.push({ outputs: outputs.shape, labels: labels.shape, labelDtype: labels.dtype, inputs: inputs.shape, step, training, model });
          return tf.mul(crossEntropy(outputs, labels), 2);
        },
      },
    }, 64);
    // Scaling by 2 is exact in float32, so the reported loss is exactly twice the default's.
    expect(double.batches[0]!.loss).toBe(2 * (plain.batches[0]!.loss as number));
    expect(seen.map((s) => s.step)).toEqual([1, 2]);
    expect(seen[0]).toMatchObject({ outputs: [32, 10], labels: [32], labelDtype: 'int32', inputs: [32, 28, 28, 1], training: true });
    expect(seen[0]!.model).toBe(double.models[0]);

    // Micro-batched, the hook sees each slice and the trainer weights the slices by their share.
    const slicedSeen: number[][] = [];
    const hooks: TrainerHooks = { loss: ({ outputs, labels, inputs }) => {
      slicedSeen.push([outputs.shape[0]!, labels.shape[0], inputs.shape[0]!]);
      return tf.mul(crossEntropy(outputs, labels), 2);
    } };
    const sliced = await train({ hyper: sgd, hooks, maxMicroBatch: 24 }, 32);
    const slicedPlain = await train({ hyper: sgd, maxMicroBatch: 24 }, 32);
    expect(slicedSeen).toEqual([[24, 24, 24], [8, 8, 8]]);
    expect(sliced.batches[0]!.loss).toBe(2 * (slicedPlain.batches[0]!.loss as number));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an after-step hook that zeroes half the conv kernel: Adam trains the rest, the checkpoints hold the zeros', async () => {
    const before = tf.memory().numTensors;
    const mask = tf.tensor4d(Array.from({ length: 36 }, (_, i) => (i % 2 ? 1 : 0)), [3, 3, 1, 4]);
    const steps: [number, number][] = [];
    const run = await train({
      hyper: hyperOf({ epochs: 2 }),
      hooks: {
        afterStep: ({ step, epoch, variables }) => {
          steps.push([step, epoch]);
          const kernel = variables.find((v) => v.shape.length === 4)!;
          // No tf.tidy here: the trainer runs the hook in one.
          kernel.assign(tf.mul(kernel, mask));
        },
      },
    });
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((s) => [s, s <= 4 ? 0 : 1]));
    expect(run.batches.map((b) => b.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    const initial = buildModel(spec, { seed: 11 });
    const start = modelWeights(initial)[CONV_KERNEL]!;
    initial.dispose();
    expect(run.checkpoints.map((c) => c.kind)).toEqual(['epoch', 'final']);
    for (const c of run.checkpoints) {
      const kernel = weightsOf(c.artifacts)[CONV_KERNEL]!;
      expect(kernel).toHaveLength(36);
      kernel.forEach((v, i) => {
        // A negative weight times 0 is -0, which is still exactly zero.
        if (i % 2 === 0) expect(Math.abs(v), `element ${i}`).toBe(0);
        else {
          expect(v, `element ${i}`).not.toBe(0);
          // Adam moved every kept weight away from its initial value, so it would move the masked ones.
          expect(v, `element ${i}`).not.toBe(start[i]);
        }
      });
    }
    mask.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('awaits an async after-step hook before the batch goes to onBatch', async () => {
    const events: string[] = [];
    const trainer = new Trainer({
      spec,
      hyper: hyperOf(),
      train: new ArrayProvider({ ...digits, x: digits.x.subarray(0, 64 * 784), y: digits.y.subarray(0, 64) }, 11),
      validation: null,
      hooks: {
        afterStep: async ({ step }) => {
          await new Promise((r) => setTimeout(r, 5));
          events.push(`after ${step}`);
        },
      },
      callbacks: { onBatch: (r) => void events.push(`batch ${r.step}`) },
    });
    await trainer.run();
    expect(events).toEqual(['after 1', 'batch 1', 'after 2', 'batch 2']);
  });

  it("a model hook's model is the one trained (a frozen layer stays put) and the built model is freed", async () => {
    const before = tf.memory().numTensors;
    const calls: Omit<ModelContext, 'spec' | 'hyper'>[] = [];
    let replacement: LayersModel | null = null;
    let builtKernel: tf.Tensor | null = null;
    const reference = buildModel(spec, { seed: 99 });
    const seed99 = modelWeights(reference);
    reference.dispose();
    const hyper = hyperOf();
    const run = await train({
      hyper,
      hooks: {
        model: ({ spec: s, hyper: h, built, resumed }) => {
          expect(s).toBe(spec);
          expect(h).toBe(hyper);
          calls.push({ built, resumed });
          builtKernel = built.weights[0]!.read();
          replacement = buildModel(s, { seed: 99 });
          replacement.getLayer('conv2d_1').trainable = false;
          return replacement;
        },
      },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.resumed).toBe(false);
    expect(builtKernel!.isDisposed).toBe(true);
    expect(run.models.every((m) => m === replacement)).toBe(true);
    const w = finalWeights(run);
    // The frozen conv kernel is the replacement's initial one; the dense layer trained.
    expect(w[CONV_KERNEL]).toEqual(seed99[CONV_KERNEL]);
    expect(w[DENSE_KERNEL]).not.toEqual(seed99[DENSE_KERNEL]);
    expect(run.result.step).toBe(4);
    expect(tf.memory().numTensors).toBe(before);

    // A resumed run hands the restored model over, saying so; keeping it disposes nothing early.
    const last = run.checkpoints.at(-1)!;
    const resumedCalls: boolean[] = [];
    const resumed = await train({
      hyper: hyperOf({ epochs: 2 }),
      resume: { artifacts: last.artifacts, nextEpoch: 1, step: last.step },
      hooks: { model: ({ built, resumed: r }) => (resumedCalls.push(r), built) },
    });
    expect(resumedCalls).toEqual([true]);
    expect(resumed.batches.map((b) => b.step)).toEqual([5, 6, 7, 8]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['grows', 'applies', 'reapplies the layers of'] as const)('a model hook that %s the built model: its weights stay alive while trained and are freed at the end', async (how) => {
    const before = tf.memory().numTensors;
    let wrapped: LayersModel | null = null;
    const run = await train({
      hyper: hyperOf(),
      hooks: {
        model: ({ built }) => {
          // One layer on top, as a quantisation wrapper may: over built's own graph (its layers
          // used once), applying built as a layer, or built's layers applied anew (each used twice).
          const top = layers.dense({ units: 10, activation: 'softmax', name: 'extra', kernelInitializer: 'identity' });
          const inputs = how === 'grows' ? built.inputs[0]! : input({ shape: [28, 28, 1] });
          let inner = how === 'grows' ? built.outputs[0]! : inputs;
          if (how === 'applies') inner = built.apply(inputs) as SymbolicTensor;
          if (how === 'reapplies the layers of') for (const layer of built.layers.slice(1)) inner = layer.apply(inner) as SymbolicTensor;
          wrapped = functionalModel({ inputs, outputs: top.apply(inner) as SymbolicTensor });
          return wrapped;
        },
      },
    }, 64);
    expect(run.batches).toHaveLength(2);
    expect(run.models.every((m) => m === wrapped)).toBe(true);
    const names = Object.keys(finalWeights(run));
    expect(names.some((n) => n.endsWith(CONV_KERNEL))).toBe(true);
    expect(names).toContain('extra/kernel');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('no hooks, or empty hooks, train exactly as before', async () => {
    const plain = await train({ hyper: hyperOf() }, 64);
    const empty = await train({ hyper: hyperOf(), hooks: {} }, 64);
    expect(empty.batches.map((b) => b.loss)).toEqual(plain.batches.map((b) => b.loss));
    expect(finalWeights(empty)).toEqual(finalWeights(plain));
  });
});
