/**
 * Structured pruning: which layers can lose filters, units and heads; the kept ones are those
 * with the largest norm; before fine-tuning the smaller model computes exactly what the big one
 * does with the removed channels' readers masked to zero (conv, batch norm, flatten, dense, and
 * attention heads and feed-forward units); fine-tuned on MNIST it keeps its accuracy and the
 * file shrinks.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { PruneRecipe } from '../../../src-shared/compression/recipe';
import { planStructured, requireStructuredPlan } from '../../../src-shared/compression/structured-plan';
import { inferModel } from '../../../src-shared/models/shape-inference';
import { parseModelSpec, type ModelSpec } from '../../../src-shared/models/spec';
import { templateFor } from '../../../src-shared/models/templates';
import { runCompression } from '../../../src-engine/compress/compress';
import type { ModelArtifacts } from '../../../src-engine/compress/quantize';
import { cutModel, normsAlong, strongest, takeAlong } from '../../../src-engine/compress/structured-prune';
import { modelArtifacts, loadModelFromArtifacts } from '../../../src-engine/model/artifacts';
import { buildModel } from '../../../src-engine/model/build-model';
import { ArrayProvider, loadMnistArrays } from '../../../src-main/training/array-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';
import { mnistModel, trainOneEpoch } from './compress-fixtures';

beforeAll(async () => {
  await setupNodeBackend('wasm');
});

const seedCnn = (): ModelSpec => templateFor('seed-cnn', { kind: 'image', height: 28, width: 28, channels: 1 }, 10);

describe('the structured plan', () => {
  it('cuts every conv and hidden dense layer of seed-cnn by the share, and keeps the classifier', () => {
    const plan = planStructured(seedCnn(), 0.5);
    expect(plan.cuts.map((c) => [c.layer, c.kind, c.before, c.after])).toEqual([
      ['conv2d_1', 'filters', 32, 16],
      ['conv2d_3', 'filters', 64, 32],
      ['conv2d_5', 'filters', 64, 32],
      ['dense_7', 'units', 64, 32],
    ]);
    expect(plan.kept).toEqual([{ layer: 'dense_8', reason: 'its softmax mixes its outputs' }]);
    expect(inferModel(plan.spec).totals.params).toBeLessThan(inferModel(seedCnn()).totals.params / 3);
  });

  it('cuts heads and feed-forward units of transformer blocks, keeping each head’s width', () => {
    const spec = templateFor('text-transformer', { kind: 'text', seqLength: 32, vocabSize: 500 }, 2);
    const plan = planStructured(spec, 0.5);
    expect(plan.cuts.map((c) => [c.layer, c.kind, c.before, c.after])).toEqual([
      ['transformerBlock_2', 'heads', 4, 2],
      ['transformerBlock_2', 'ffUnits', 128, 64],
      ['transformerBlock_3', 'heads', 4, 2],
      ['transformerBlock_3', 'ffUnits', 128, 64],
    ]);
    const block = plan.spec.layers[1]!;
    expect(block).toMatchObject({ type: 'transformerBlock', heads: 2, headDim: 16, dim: 64, ffDim: 64 });
    expect(inferModel(plan.spec).error).toBeNull();
  });

  it('says why nothing can be removed: too few filters at the share, or outputs that reach a layer norm or the output', () => {
    const tiny = mnistModel([
      { type: 'conv2d', filters: 4, kernelSize: 3 },
      { type: 'layerNorm' },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ]);
    expect(() => requireStructuredPlan(tiny, 0.5)).toThrow(/removes nothing.*conv2d_1: its outputs reach layerNorm_2 \(layerNorm\), which mixes them/);
    const small = mnistModel([{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }]);
    expect(() => requireStructuredPlan(small, 0.2)).toThrow(/removes nothing.*conv2d_1: 4 filters leave nothing to remove at 0.2/);
    const linear = mnistModel([{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'linear' }]);
    expect(() => requireStructuredPlan(linear, 0.5)).toThrow(/dense_2: it is the model’s output/);
  });
});

describe('slicing by norm', () => {
  it('keeps the filters with the largest L1 or L2 norm, in their order', () => {
    // Two input rows, four filters: |.|1 = 3, 0.2, 2, 1.5; squared L2 = 4.5, 0.02, 4, 1.25.
    const w = { shape: [2, 4], values: Float32Array.from([1, 0.1, 2, 0.5, -2, 0.1, 0, 1]) };
    expect(Array.from(normsAlong(w, 1, 'l1')).map((v) => +v.toFixed(6))).toEqual([3, 0.2, 2, 1.5]);
    expect(strongest(normsAlong(w, 1, 'l1'), 2)).toEqual([0, 2]);
    expect(Array.from(normsAlong(w, 1, 'l2')).map((v) => +v.toFixed(6))).toEqual([5, 0.02, 4, 1.25]);
    // L1 and L2 disagree: [3, 0, 0] has L1 3 and L2² 9; [1.5, 1.5, 1.5] has L1 4.5 and L2² 6.75.
    const v = { shape: [3, 2], values: Float32Array.from([3, 1.5, 0, 1.5, 0, 1.5]) };
    expect(strongest(normsAlong(v, 1, 'l1'), 1)).toEqual([1]);
    expect(strongest(normsAlong(v, 1, 'l2'), 1)).toEqual([0]);
    const t = takeAlong(w, 1, [0, 2]);
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.values)).toEqual([1, 2, -2, 0]);
  });
});

/** Random weights (batch norm statistics included) from a seed, so no channel is dead. */
async function randomised(spec: ModelSpec, seed: number): Promise<ModelArtifacts> {
  const net = buildModel(spec, { seed });
  try {
    net.setWeights(
      net.weights.map((w, i) => {
        const shape = w.shape as number[];
        return tf.tidy(() => (w.originalName.includes('variance') ? tf.randomUniform(shape, 0.5, 2, 'float32', seed + i) : tf.randomNormal(shape, 0, 0.3, 'float32', seed + i)));
      }),
    );
    return await modelArtifacts(net);
  } finally {
    net.dispose();
  }
}

/** The big model with the named kernels' rows (along an axis) zeroed. */
async function masked(a: ModelArtifacts, zero: { kernel: string; axis: number; rows: number[] }[]): Promise<LayersModel> {
  const net = await loadModelFromArtifacts(a);
  for (const z of zero) {
    const v = net.weights.find((w) => w.originalName === z.kernel)!;
    const values = (await v.read().data()).slice() as Float32Array;
    const shape = v.shape as number[];
    const n = shape[z.axis]!;
    const inner = shape.slice(z.axis + 1).reduce((x, y) => x * y, 1);
    for (let i = 0; i < values.length; i++) if (z.rows.includes(Math.floor(i / inner) % n)) values[i] = 0;
    v.write(tf.tensor(values, shape));
  }
  return net;
}

const removed = (kept: number[], n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => !kept.includes(i));

async function maxDiff(a: LayersModel, b: LayersModel, x: tf.Tensor): Promise<number> {
  const ya = a.predict(x) as tf.Tensor;
  const yb = b.predict(x) as tf.Tensor;
  const d = (await tf.max(tf.abs(tf.sub(ya, yb))).data())[0]!;
  tf.dispose([ya, yb]);
  return d;
}

describe('the pruned model before fine-tuning', () => {
  it('equals the big CNN with the removed filters’ and units’ readers masked (batch norm, pooling, flatten, dropout between)', async () => {
    const spec = mnistModel([
      { type: 'conv2d', filters: 8, kernelSize: 3 },
      { type: 'batchNorm' },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'conv2d', filters: 6, kernelSize: 3, padding: 'same' },
      { type: 'flatten' },
      { type: 'dropout', rate: 0.3 },
      { type: 'dense', units: 16, activation: 'relu' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ]);
    const big = await randomised(spec, 3);
    const cut = await cutModel(spec, big, PruneRecipe.parse({ method: 'prune', sparsity: 0.5, structured: true }));
    expect(cut.cuts.map((c) => [c.layer, c.after])).toEqual([['conv2d_1', 4], ['conv2d_4', 3], ['dense_7', 8]]);
    const [c1, c4, d7] = cut.cuts;
    // conv2d_4's outputs are 13x13 positions of 6 channels once flattened: rows p·6 + c.
    const flatRows = Array.from({ length: 169 }, (_, p) => removed(c4!.kept, 6).map((c) => p * 6 + c)).flat();
    const reference = await masked(big, [
      { kernel: 'conv2d_4/kernel', axis: 2, rows: removed(c1!.kept, 8) },
      { kernel: 'dense_7/kernel', axis: 0, rows: flatRows },
      { kernel: 'dense_8/kernel', axis: 0, rows: removed(d7!.kept, 16) },
    ]);
    const small = await loadModelFromArtifacts(cut.artifacts);
    const x = tf.tensor4d(loadMnistArrays('test', 32).x, [32, 28, 28, 1]);
    expect(await maxDiff(reference, small, x)).toBeLessThan(1e-5);
    // And the masking matters: the unmasked big model differs.
    const whole = await loadModelFromArtifacts(big);
    expect(await maxDiff(whole, small, x)).toBeGreaterThan(1e-3);
    tf.dispose(x);
    [reference, small, whole].forEach((n) => n.dispose());
  });

  it('equals the big transformer with the removed heads’ and feed-forward units’ rows masked', async () => {
    const spec = parseModelSpec({
      formatVersion: 1,
      name: 'tt',
      template: null,
      input: { kind: 'text', seqLength: 12, vocabSize: 50 },
      numClasses: 3,
      layers: [
        { type: 'tokenEmbedding', dim: 16 },
        { type: 'transformerBlock', heads: 4, dim: 16, ffDim: 24, dropout: 0 },
        { type: 'layerNorm' },
        { type: 'globalAvgPool' },
        { type: 'dense', units: 3, activation: 'softmax' },
      ],
    });
    const big = await randomised(spec, 11);
    const cut = await cutModel(spec, big, PruneRecipe.parse({ method: 'prune', sparsity: 0.5, structured: true, criterion: 'l2' }));
    const [heads, ff] = cut.cuts;
    expect([heads!.kind, heads!.after, ff!.kind, ff!.after]).toEqual(['heads', 2, 'ffUnits', 12]);
    const headRows = removed(heads!.kept, 4).flatMap((h) => [0, 1, 2, 3].map((i) => h * 4 + i));
    const reference = await masked(big, [
      { kernel: 'transformerBlock_2_attention/output_kernel', axis: 0, rows: headRows },
      { kernel: 'transformerBlock_2_ff2/kernel', axis: 0, rows: removed(ff!.kept, 24) },
    ]);
    const small = await loadModelFromArtifacts(cut.artifacts);
    // Token ids with padding (0) at the end of some rows, as the tokenizer writes them.
    const ids = tf.tensor2d(Array.from({ length: 8 * 12 }, (_, i) => (i % 12 > 8 + (i % 3) ? 0 : 1 + ((i * 7) % 49))), [8, 12], 'int32');
    expect(await maxDiff(reference, small, ids)).toBeLessThan(1e-5);
    const whole = await loadModelFromArtifacts(big);
    expect(await maxDiff(whole, small, ids)).toBeGreaterThan(1e-4);
    tf.dispose(ids);
    [reference, small, whole].forEach((n) => n.dispose());
  });
});

describe('structured pruning on MNIST', () => {
  it('halves the filters and units, shrinks the file, and keeps accuracy after fine-tuning', async () => {
    const spec = mnistModel([
      { type: 'conv2d', filters: 16, kernelSize: 3 },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'conv2d', filters: 16, kernelSize: 3 },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 32, activation: 'relu' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ]);
    const train = new ArrayProvider(loadMnistArrays('train', 2000), 5);
    const trained = await trainOneEpoch(spec, train, { seed: 2, learningRate: 0.003 });
    const out = await runCompression({
      spec,
      artifacts: trained,
      recipe: PruneRecipe.parse({ method: 'prune', sparsity: 0.5, structured: true, fineTuneEpochs: 1 }),
      classes: Array.from({ length: 10 }, (_, i) => String(i)),
      standardization: null,
      calibration: null,
      train,
      evaluation: new ArrayProvider(loadMnistArrays('test', 500), null),
    });
    expect(out.spec.layers.map((l) => ('filters' in l ? l.filters : 'units' in l ? l.units : l.type))).toEqual([8, 'maxPool2d', 8, 'maxPool2d', 'flatten', 16, 10]);
    // Counted from the weights: a third of the parameters or fewer, and no zeros needed.
    expect(out.after.params).toBeLessThan(out.before.params / 3);
    expect(out.after.nonZeroParams).toBeGreaterThan(out.after.params * 0.99);
    expect(out.after.flops).toBeLessThan(out.before.flops * 0.5);
    expect(out.after.accuracy).toBeGreaterThan(out.before.accuracy - 0.03);
    expect(out.layers.find((l) => l.layer === 'conv2d_3')!.cuts).toEqual([{ kind: 'filters', before: 16, after: 8 }]);
    expect(out.layers.find((l) => l.layer === 'dense_7')!.cuts).toBeUndefined();
  }, 120_000);
});
