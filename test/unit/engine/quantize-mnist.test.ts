/**
 * Post-training quantization of a CNN trained on real MNIST digits (WASM, as the CLI runs):
 * each scheme's model as stored is the model as it runs, its accuracy is measured, not assumed,
 * and full-int8 really puts activations on a uint8 grid with the calibrated ranges.
 */
import * as tf from '@tensorflow/tfjs-core';
import { model as functionalModel, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { QuantizeRecipe } from '../../../src-shared/compression/recipe';
import { runCompression } from '../../../src-engine/compress/compress';
import { quantizeModel, type ModelArtifacts } from '../../../src-engine/compress/quantize';
import { decodeAll } from '../../../src-engine/compress/weight-codec';
import { uint8Params } from '../../../src-engine/layers/fake-quant';
import { loadModelFromArtifacts } from '../../../src-engine/model/artifacts';
import { ArrayProvider, loadMnistArrays } from '../../../src-main/training/array-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';
import { mnistModel, trainOneEpoch } from './compress-fixtures';

const spec = mnistModel([
  { type: 'conv2d', filters: 8, kernelSize: 3 },
  { type: 'maxPool2d', poolSize: 2 },
  { type: 'conv2d', filters: 16, kernelSize: 3 },
  { type: 'maxPool2d', poolSize: 2 },
  { type: 'flatten' },
  { type: 'dense', units: 32, activation: 'relu' },
  { type: 'dense', units: 10, activation: 'softmax' },
]);
const classes = Array.from({ length: 10 }, (_, i) => String(i));
const test = new ArrayProvider(loadMnistArrays('test', 400), null);
const calibration = new ArrayProvider(loadMnistArrays('train', 256, 3000), null);
let trained: ModelArtifacts;

const recipe = (r: object) => QuantizeRecipe.parse({ method: 'quantize', ...r });
const job = (r: object) => ({ spec, artifacts: trained, recipe: recipe(r), calibration, standardization: null, classes, evaluation: test });

beforeAll(async () => {
  await setupNodeBackend('wasm');
  trained = await trainOneEpoch(spec, new ArrayProvider(loadMnistArrays('train', 2000), 5), { seed: 5, learningRate: 0.003 });
}, 120_000);

/** The first n test digits as the model takes them. */
const digits = (n: number) => tf.div(tf.tensor4d(Float32Array.from(loadMnistArrays('test', n).x), [n, 28, 28, 1]), 255);

async function predict(net: LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = net.predict(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  y.dispose();
  return out;
}

describe('post-training quantization on MNIST', () => {
  it('int8: a quarter of the kernel bytes, the stored model predicts as the dequantized float model does, accuracy measured on both', async () => {
    const out = await runCompression(job({ scheme: 'int8' }));
    expect(out.after.params).toBe(out.before.params);
    expect(out.before.accuracy).toBeGreaterThan(0.8);
    expect(Math.abs(out.after.accuracy - out.before.accuracy)).toBeLessThan(0.02);
    const conv = out.layers.find((l) => l.layer === 'conv2d_3')!;
    expect(conv).toMatchObject({ encoding: 'int8', params: 3 * 3 * 8 * 16 + 16, bytes: 3 * 3 * 8 * 16 + 16 * 4 });
    expect(conv.weightSqnrDb!).toBeGreaterThan(30);
    expect(conv.outputMaxDiff!).toBeGreaterThan(0);
    expect(out.layers.find((l) => l.layer === 'flatten_5')).toMatchObject({ params: 0, encoding: 'float32' });

    // The direct computation: a float model carrying the dequantized values, against the stored model.
    const dequantized = [...decodeAll({ specs: out.artifacts.weightSpecs, data: new Uint8Array(out.artifacts.weightData) }).values()];
    const float = await loadModelFromArtifacts(trained);
    const stored = await loadModelFromArtifacts(out.artifacts);
    float.setWeights(dequantized.map((w) => tf.tensor(w.values, w.spec.shape)));
    const x = digits(16);
    const [a, b] = [await predict(float, x), await predict(stored, x)];
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
    x.dispose();
    float.dispose();
    stored.dispose();
  });

  it('uint8 and float16 store what stock TF.js reads, at a quarter and a half of the bytes', async () => {
    for (const [scheme, ratio] of [['uint8', 1], ['float16', 2]] as const) {
      const q = await quantizeModel({ spec, artifacts: trained, recipe: recipe({ scheme }), standardization: null });
      const kernels = q.artifacts.weightSpecs.filter((s) => s.name.endsWith('/kernel'));
      expect(kernels.every((s) => s.quantization?.dtype === scheme)).toBe(true);
      const kernelParams = kernels.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
      expect(q.artifacts.weightData.byteLength).toBeLessThanOrEqual(kernelParams * ratio + (trained.weightData.byteLength - kernelParams * 4) + 1);
    }
  });

  it('full-int8: ranges from calibration, every quantized output on its uint8 grid, and the classifier left in float', async () => {
    const q = await quantizeModel({ spec, artifacts: trained, recipe: recipe({ scheme: 'full-int8' }), calibration, standardization: null });
    const ranges = q.activationRanges!;
    expect(ranges.input).toEqual([0, 1]);
    expect(Object.keys(ranges.layers)).toEqual(['conv2d_1', 'conv2d_3', 'dense_6']);
    const net = await loadModelFromArtifacts(q.artifacts);
    const names = net.layers.map((l) => l.name);
    expect(names).toContain('conv2d_1_quant');
    expect(names).not.toContain('dense_7_quant');
    const probe = functionalModel({ inputs: net.inputs, outputs: net.getLayer('conv2d_3_quant').output as SymbolicTensor });
    const x = digits(8);
    const values = await (probe.predict(x) as tf.Tensor).data();
    const { scale, zeroPoint } = uint8Params(...ranges.layers.conv2d_3!);
    for (const v of values) {
      const code = v / scale + zeroPoint;
      expect(Math.abs(code - Math.round(code))).toBeLessThan(1e-3);
      expect(code).toBeGreaterThanOrEqual(-1e-3);
      expect(code).toBeLessThanOrEqual(255 + 1e-3);
    }
    x.dispose();
    net.dispose();
  });

  it('keeps a layer named to stay in float exactly as it was, and names an unknown one', async () => {
    const q = await quantizeModel({ spec, artifacts: trained, recipe: recipe({ scheme: 'int8', keepFloat: ['dense_7'] }), standardization: null });
    const dense = q.artifacts.weightSpecs.find((s) => s.name === 'dense_7/kernel')!;
    expect(dense.quantization).toBeUndefined();
    const before = decodeAll({ specs: trained.weightSpecs, data: new Uint8Array(trained.weightData) }).get('dense_7/kernel')!.values;
    const after = decodeAll({ specs: q.artifacts.weightSpecs, data: new Uint8Array(q.artifacts.weightData) }).get('dense_7/kernel')!.values;
    expect(Array.from(after)).toEqual(Array.from(before));
    await expect(quantizeModel({ spec, artifacts: trained, recipe: recipe({ scheme: 'int8', keepFloat: ['dense_99'] }), standardization: null })).rejects.toThrow(/no layer dense_99/);
  });

  it('refuses full-int8 without calibration samples', async () => {
    const empty = new ArrayProvider({ x: new Uint8Array(0), y: new Int32Array(0), sampleShape: [28, 28, 1] }, null);
    await expect(quantizeModel({ spec, artifacts: trained, recipe: recipe({ scheme: 'full-int8' }), calibration: empty, standardization: null })).rejects.toThrow(/calibration samples/);
  });
});
