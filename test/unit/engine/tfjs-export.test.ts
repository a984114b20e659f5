/**
 * The TF.js layers exporter: for each precision, stock tf.loadLayersModel reads what it wrote
 * (model.json's manifest, the weights file) and predicts what the studio predicts for the
 * checkpoint (exactly in float32, closely in float16 and uint8); only schemes TF.js reads are
 * written; the studio's own layers are named; studio-layers.js is what the sources make.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WeightSpec } from '../../../src-shared/checkpoints/checkpoint-meta';
import { templateFor } from '../../../src-shared/models/templates';
import { checkTfjsReadable, customLayersOf, exportTfjs, TFJS_MODEL_FILE, TFJS_WEIGHTS_FILE } from '../../../src-engine/export/tfjs-layers';
import { exporterFor } from '../../../src-engine/export/registry';
import { loadModelFromArtifacts, modelArtifacts } from '../../../src-engine/model/artifacts';
import { buildModel } from '../../../src-engine/model/build-model';
import { ArrayProvider, loadMnistArrays } from '../../../src-main/training/array-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';
import { bundleStudioLayers, STUDIO_LAYERS_FILE } from '../../../scripts/bundle-studio-layers';
import { mnistModel, trainOneEpoch } from './compress-fixtures';

let trained: Awaited<ReturnType<typeof trainOneEpoch>>;
const spec = mnistModel([
  { type: 'conv2d', filters: 8, kernelSize: 3 },
  { type: 'maxPool2d', poolSize: 2 },
  { type: 'flatten' },
  { type: 'dense', units: 32, activation: 'relu' },
  { type: 'dense', units: 10, activation: 'softmax' },
]);

beforeAll(async () => {
  await setupNodeBackend('wasm');
  trained = await trainOneEpoch(spec, new ArrayProvider(loadMnistArrays('train', 1000), 3), { seed: 3, learningRate: 0.003 });
}, 60_000);

/** Loads exported files the way tf.io.http does: model.json, then its manifest's weight files in order. */
function loadExported(files: Record<string, string | Uint8Array>): Promise<LayersModel> {
  const json = JSON.parse(files[TFJS_MODEL_FILE] as string);
  const paths: string[] = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths);
  const bytes = files[paths[0]!] as Uint8Array;
  return loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights), weightData: bytes.slice().buffer }),
  );
}

async function predictions(net: LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = net.predict(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  y.dispose();
  return out;
}

describe('the TF.js layers exporter', () => {
  it('writes float32, float16 and uint8 models that stock loadLayersModel reads and that predict what the studio predicts', async () => {
    const x = tf.tensor4d(Float32Array.from(loadMnistArrays('test', 200).x, (v) => v / 255), [200, 28, 28, 1]);
    const studio = await predictions(await loadModelFromArtifacts(trained), x);
    const sizes: Record<string, number> = {};
    for (const [precision, bound] of [['float32', 1e-6], ['float16', 5e-3], ['uint8', 5e-2]] as const) {
      const out = exportTfjs(trained, precision, 'test');
      const json = JSON.parse(out.files[TFJS_MODEL_FILE] as string);
      expect(json.format).toBe('layers-model');
      expect(json.weightsManifest[0].paths).toEqual([TFJS_WEIGHTS_FILE]);
      const dtypes = new Set(json.weightsManifest[0].weights.map((w: WeightSpec) => w.quantization?.dtype ?? w.dtype));
      expect([...dtypes]).toEqual([precision]);
      sizes[precision] = (out.files[TFJS_WEIGHTS_FILE] as Uint8Array).byteLength;
      const got = await predictions(await loadExported(out.files), x);
      let diff = 0;
      let agree = 0;
      for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i]! - studio[i]!));
      for (let i = 0; i < 200; i++) {
        const arg = (p: Float32Array) => p.subarray(i * 10, i * 10 + 10).reduce((b, v, c, a) => (v > a[b]! ? c : b), 0);
        if (arg(got) === arg(studio)) agree++;
      }
      expect(diff, precision).toBeLessThan(bound);
      expect(agree / 200, precision).toBeGreaterThanOrEqual(0.98);
      expect(out.customLayers).toEqual([]);
    }
    expect(sizes.float32! / sizes.float16!).toBeCloseTo(2, 2);
    expect(sizes.float32! / sizes.uint8!).toBeGreaterThan(3.9);
    x.dispose();
  });

  it('re-encodes a checkpoint the studio stores in int8 into what TF.js reads, and refuses to write what it would misread', () => {
    const int8: WeightSpec = { name: 'dense/kernel', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'int8', scales: [0.1, 0.2], axis: 1 } };
    expect(() => checkTfjsReadable([int8])).toThrow(/dense\/kernel quantized as int8 with one scale per channel/);
    expect(() => checkTfjsReadable([{ name: 'w', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', scale: [0.1, 0.2] as never, min: 0 } }])).toThrow(/TF.js cannot read the weight w/);
    expect(() => checkTfjsReadable([{ name: 'w', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1, min: -1 } }])).not.toThrow();
    // A studio int8 checkpoint exports as float32 (decoded) or uint8 (per tensor), never int8.
    const set = { specs: [int8], data: Int8Array.from([10, -20, 127, 0]) };
    const out = exportTfjs({ modelTopology: {}, weightSpecs: set.specs, weightData: new Uint8Array(set.data.buffer).slice().buffer }, 'float32', 't');
    expect(new Float32Array((out.files[TFJS_WEIGHTS_FILE] as Uint8Array).slice().buffer)).toEqual(Float32Array.from([1, -4, 12.7, 0].map((v) => Math.fround(v))));
  });

  it('names the studio’s own layers a model uses, and ships a studio-layers.js that is what the sources make', async () => {
    const text = templateFor('text-transformer', { kind: 'text', seqLength: 16, vocabSize: 40 }, 2);
    const net = buildModel(text, { seed: 1 });
    const a = await modelArtifacts(net);
    net.dispose();
    expect(customLayersOf(a.modelTopology)).toEqual(['TokenAndPositionEmbedding', 'LayerNorm', 'MultiHeadAttention', 'SequenceMeanPool']);
    expect(customLayersOf((await modelArtifacts(buildModel(spec))).modelTopology)).toEqual([]);
    expect(await readFile(STUDIO_LAYERS_FILE, 'utf8'), 'run npm run build:layers').toBe(await bundleStudioLayers());
  });

  it('has one exporter per format, each with the precisions it writes', () => {
    expect(exporterFor('tfjs', 'uint8').format).toBe('tfjs');
    expect(exporterFor('onnx', 'float32').format).toBe('onnx');
    expect(() => exporterFor('keras', 'float32')).toThrow(/no keras exporter \(formats: tfjs, onnx\)/);
    expect(() => exporterFor('onnx', 'uint8')).toThrow(/The onnx exporter writes float32, float16, int8, int8-weights, not uint8/);
    expect(() => exporterFor('tfjs', 'int8')).toThrow(/writes float32, float16, uint8, not int8/);
  });
});
