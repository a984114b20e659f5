/**
 * The ONNX exporter against TF.js: each layer it writes (convolutions with valid and same
 * padding, strides and every activation, batch norm, both poolings, global pooling, flatten's
 * (h, w, c) order, dense, dropout) gives in onnxruntime what the studio's model gives on the same
 * random inputs, for every template (seed-cnn, text-transformer with padding and ids outside the
 * vocabulary, vit-tiny, the mlp), an odd-shaped CNN and edited attention models (pruned heads,
 * one head, a dense layer on the sequence); every file passes
 * onnx.checker.check_model(full_check=True) in Debian's python3-onnx. The float16, int8-weights and int8 (QDQ) variants of a CNN
 * trained on MNIST: their sizes, their agreement, and int8 running as integer kernels.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelSpec, type ModelSpec } from '../../../src-shared/models/spec';
import { templateFor } from '../../../src-shared/models/templates';
import { exportOnnx } from '../../../src-engine/export/onnx/onnx-exporter';
import { EXPORTERS, fakeQuantRanges } from '../../../src-engine/export/registry';
import { quantizeModel, type ModelArtifacts } from '../../../src-engine/compress/quantize';
import { QuantizeRecipe } from '../../../src-shared/compression/recipe';
import { loadModelFromArtifacts } from '../../../src-engine/model/artifacts';
import { ArrayProvider, loadMnistArrays } from '../../../src-main/training/array-provider';
import { mnistModel, trainOneEpoch } from './compress-fixtures';
import { modelArtifacts } from '../../../src-engine/model/artifacts';
import { buildModel } from '../../../src-engine/model/build-model';
import { setupNodeBackend } from '../../../src-main/training/tf-node';

/** Debian's python3-onnx lives with the system Python (a pyenv python3 may come first on PATH). */
const PYTHON = '/usr/bin/python3';
let dir: string;

beforeAll(async () => {
  await setupNodeBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'ms-onnx-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const odd = parseModelSpec({
  formatVersion: 1,
  name: 'odd',
  template: null,
  input: { kind: 'image', height: 13, width: 11, channels: 3 },
  numClasses: 4,
  layers: [
    { type: 'conv2d', filters: 5, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'gelu' },
    { type: 'batchNorm' },
    { type: 'avgPool2d', poolSize: 2, padding: 'same' },
    { type: 'conv2d', filters: 6, kernelSize: 3, padding: 'same', activation: 'tanh' },
    { type: 'maxPool2d', poolSize: 3, strides: 2, padding: 'same' },
    { type: 'conv2d', filters: 4, kernelSize: 1, activation: 'linear' },
    { type: 'flatten' },
    { type: 'dense', units: 7, activation: 'sigmoid' },
    { type: 'dropout', rate: 0.3 },
    { type: 'dense', units: 4, activation: 'softmax' },
  ],
});
// A linear conv with its batch norm (folded into the conv's weights), then the activation in the next conv.
const folded = parseModelSpec({
  ...odd,
  name: 'folded',
  layers: [
    { type: 'conv2d', filters: 6, kernelSize: 3, activation: 'linear' },
    { type: 'batchNorm', epsilon: 0.01 },
    { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, activation: 'relu' },
    { type: 'flatten' },
    { type: 'dense', units: 4, activation: 'softmax' },
  ],
});
const textInput = { kind: 'text', seqLength: 12, vocabSize: 40 } as const;
// Edited attention models: heads narrower than dim / heads (as structured pruning leaves them), one head, a dense layer on the sequence, flatten.
const editedText = parseModelSpec({
  formatVersion: 1,
  name: 'edited-text',
  template: null,
  input: textInput,
  numClasses: 3,
  layers: [
    { type: 'tokenEmbedding', dim: 16 },
    { type: 'transformerBlock', heads: 3, headDim: 4, dim: 16, ffDim: 24 },
    { type: 'transformerBlock', heads: 1, dim: 16, ffDim: 8 },
    { type: 'dense', units: 8, activation: 'tanh' },
    { type: 'layerNorm', epsilon: 1e-3 },
    { type: 'flatten' },
    { type: 'dense', units: 3, activation: 'softmax' },
  ],
});
const editedVit = parseModelSpec({
  formatVersion: 1,
  name: 'edited-vit',
  template: null,
  input: { kind: 'image', height: 12, width: 8, channels: 3 },
  numClasses: 4,
  layers: [
    { type: 'conv2d', filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' },
    { type: 'layerNorm' },
    { type: 'patchEmbedding', patchSize: 4, dim: 8 },
    { type: 'transformerBlock', heads: 2, dim: 8, ffDim: 16 },
    { type: 'globalAvgPool' },
    { type: 'dense', units: 4, activation: 'softmax' },
  ],
});
const pooled = parseModelSpec({ ...odd, name: 'pooled', layers: [odd.layers[0]!, odd.layers[3]!, { type: 'globalAvgPool' }, { type: 'dense', units: 4, activation: 'softmax' }] });

/** The model with random weights (batch norm statistics too), so no path hides behind zeros. */
async function randomModel(spec: ModelSpec, seed: number) {
  const net = buildModel(spec, { seed });
  net.setWeights(
    net.weights.map((w, i) => {
      const shape = w.shape as number[];
      return tf.tidy(() => (w.originalName.includes('variance') ? tf.randomUniform(shape, 0.5, 2, 'float32', seed + i) : tf.randomNormal(shape, 0, 0.4, 'float32', seed + i)));
    }),
  );
  return { net, artifacts: await modelArtifacts(net) };
}

/**
 * n random inputs for a spec: images and features in [0, 1); token ids with rows padded after a
 * random length (one all padding), some ids beyond the vocabulary.
 */
function randomInput(spec: ModelSpec, n: number): tf.Tensor {
  const input = spec.input;
  if (input.kind === 'image') return tf.randomUniform([n, input.height, input.width, input.channels], 0, 1, 'float32', 11);
  if (input.kind === 'tabular') return tf.randomUniform([n, input.features.length], 0, 1, 'float32', 11);
  const ids = new Int32Array(n * input.seqLength);
  let state = 7;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let r = 0; r < n; r++) {
    const length = r === 0 ? 0 : 1 + Math.floor(next() * input.seqLength);
    for (let c = 0; c < length; c++) ids[r * input.seqLength + c] = 1 + Math.floor(next() * (input.vocabSize + 5));
  }
  return tf.tensor2d(ids, [n, input.seqLength], 'int32');
}

function check(file: string): string {
  const r = spawnSync(PYTHON, ['-c', 'import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(m.ir_version, m.opset_import[0].version)', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`onnx.checker failed: ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}

describe('the ONNX exporter', () => {
  const cases: [string, ModelSpec][] = [
    ['seed-cnn', templateFor('seed-cnn', { kind: 'image', height: 28, width: 28, channels: 1 }, 10)],
    ['an odd-shaped CNN (same padding, strides, batch norm, average pooling, gelu, tanh, sigmoid)', odd],
    ['a CNN with global average pooling', pooled],
    ['a linear conv with its batch norm folded in', folded],
    ['the mlp', templateFor('mlp', { kind: 'tabular', features: ['a', 'b', 'c', 'd', 'e'] }, 3)],
    ['text-transformer (padding masked, ids outside the vocabulary clamped)', templateFor('text-transformer', textInput, 2)],
    ['vit-tiny', templateFor('vit-tiny', { kind: 'image', height: 28, width: 28, channels: 1 }, 10)],
    ['an edited text transformer (narrow heads, one head, dense on the sequence, layer norm, flatten)', editedText],
    ['an edited ViT (a conv and a layer norm on the image before the patches)', editedVit],
  ];
  for (const [what, spec] of cases) {
    it(`exports ${what}: onnxruntime agrees with TF.js within 1e-5 and the checker passes it`, async () => {
      const { net, artifacts } = await randomModel(spec, 5);
      const bytes = exportOnnx(spec, artifacts, 'test');
      const file = join(dir, `${spec.name.replace(/\W+/g, '_')}.onnx`);
      writeFileSync(file, bytes);
      const attention = spec.layers.some((l) => l.type === 'layerNorm' || l.type === 'transformerBlock');
      expect(check(file)).toBe(attention ? '8 17' : '8 13');
      const x = randomInput(spec, 16);
      const want = (await (net.predict(x) as tf.Tensor).data()) as Float32Array;
      const session = await ort.InferenceSession.create(bytes);
      expect(session.inputNames).toEqual(['input']);
      expect(session.outputNames).toEqual(['probabilities']);
      const out = await session.run({ input: new ort.Tensor(x.dtype as 'float32' | 'int32', (await x.data()) as Float32Array | Int32Array, x.shape) });
      const got = out.probabilities!.data as Float32Array;
      expect(out.probabilities!.dims).toEqual([16, spec.numClasses]);
      let diff = 0;
      for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
      expect(diff).toBeLessThan(1e-5);
      // Softmax outputs that are not all alike: the comparison means something.
      expect(Math.max(...want) - Math.min(...want)).toBeGreaterThan(0.05);
      net.dispose();
      x.dispose();
    });
  }

  it('folds a batch norm that follows a linear conv into its weights, and keeps one after an activation as a node', async () => {
    const ops = async (spec: ModelSpec) => {
      const { net, artifacts } = await randomModel(spec, 2);
      net.dispose();
      const bytes = exportOnnx(spec, artifacts, 'test');
      // Node op types appear as plain strings in the protobuf.
      return Buffer.from(bytes).toString('latin1');
    };
    expect(await ops(folded)).not.toContain('BatchNormalization');
    expect(await ops(odd)).toContain('BatchNormalization');
  });

});

describe('the ONNX variants of a small CNN trained on MNIST', () => {
  const spec = mnistModel([
    { type: 'conv2d', filters: 16, kernelSize: 3 },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'conv2d', filters: 32, kernelSize: 3 },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 32, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ]);
  const n = 300;
  let trained: ModelArtifacts;
  let x: tf.Tensor;
  let xs: Float32Array;
  beforeAll(async () => {
    trained = await trainOneEpoch(spec, new ArrayProvider(loadMnistArrays('train', 2000), 4), { seed: 4, learningRate: 0.003 });
    xs = Float32Array.from(loadMnistArrays('test', n).x, (v) => v / 255);
    x = tf.tensor4d(xs, [n, 28, 28, 1]);
  }, 60_000);

  const studio = async (a: ModelArtifacts) => {
    const net = await loadModelFromArtifacts(a);
    const y = net.predict(x) as tf.Tensor;
    const out = (await y.data()) as Float32Array;
    tf.dispose(y);
    net.dispose();
    return out;
  };
  const onnx = async (bytes: Uint8Array, opts: ort.InferenceSession.SessionOptions = {}) => {
    const session = await ort.InferenceSession.create(bytes, opts);
    const out = await session.run({ input: new ort.Tensor('float32', xs, [n, 28, 28, 1]) });
    await session.release();
    return out.probabilities!.data as Float32Array;
  };
  const compare = (a: Float32Array, b: Float32Array) => {
    let diff = 0;
    let agree = 0;
    const arg = (p: Float32Array, i: number) => p.subarray(i * 10, i * 10 + 10).reduce((best, v, c, all) => (v > all[best]! ? c : best), 0);
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    for (let i = 0; i < n; i++) if (arg(a, i) === arg(b, i)) agree++;
    return { diff, agreement: agree / n };
  };
  const save = (name: string, bytes: Uint8Array) => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    expect(check(file)).toBe('8 13');
    return file;
  };

  it('float16 halves the file and keeps the predictions; int8-weights quarters it', async () => {
    const want = await studio(trained);
    const f32 = exportOnnx(spec, trained, 't');
    const f16 = EXPORTERS.onnx.export(spec, trained, 'float16', 't').files['model.onnx'] as Uint8Array;
    const w8 = EXPORTERS.onnx.export(spec, trained, 'int8-weights', 't').files['model.onnx'] as Uint8Array;
    save('f16.onnx', f16);
    save('w8.onnx', w8);
    expect(f32.byteLength / f16.byteLength).toBeGreaterThan(1.9);
    expect(f32.byteLength / w8.byteLength).toBeGreaterThan(3.5);
    const half = compare(want, await onnx(f16));
    expect(half.diff).toBeLessThan(5e-3);
    expect(half.agreement).toBe(1);
    expect(compare(want, await onnx(w8)).agreement).toBeGreaterThanOrEqual(0.98);
  });

  it('int8 from a full-int8 checkpoint keeps its ranges, computes what the studio simulates, and runs as integer kernels', async () => {
    const q = await quantizeModel({
      spec,
      artifacts: trained,
      recipe: QuantizeRecipe.parse({ method: 'quantize', scheme: 'full-int8' }),
      calibration: new ArrayProvider(loadMnistArrays('train', 256, 5000), 1),
      standardization: null,
    });
    expect(fakeQuantRanges(q.artifacts.modelTopology)!.layers).toEqual(q.activationRanges!.layers);
    // A full-integer checkpoint in float would not compute what it computes: refused.
    expect(() => EXPORTERS.onnx.export(spec, q.artifacts, 'float32', 't')).toThrow(/full-integer .* export it as int8/);
    const bytes = EXPORTERS.onnx.export(spec, q.artifacts, 'int8', 't').files['model.onnx'] as Uint8Array;
    save('int8.onnx', bytes);
    const simulated = await studio(q.artifacts);
    const got = compare(simulated, await onnx(bytes));
    expect(got.agreement).toBeGreaterThanOrEqual(0.99);
    expect(got.diff).toBeLessThan(0.05);
    // onnxruntime fuses the QDQ pairs into integer convolutions and matrix products.
    const optimized = join(dir, 'int8.optimized.onnx');
    await onnx(bytes, { graphOptimizationLevel: 'all', optimizedModelFilePath: optimized });
    const text = readFileSync(optimized).toString('latin1');
    expect(text).toContain('QLinearConv');
    expect(exportOnnx(spec, trained, 't').byteLength / bytes.byteLength).toBeGreaterThan(3.3);
    // A float checkpoint needs ranges first.
    expect(() => exportOnnx(spec, trained, 't', 'int8')).toThrow(/needs activation ranges/);
  }, 60_000);
});
