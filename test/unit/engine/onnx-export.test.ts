/**
 * The ONNX exporter against TF.js: each layer it writes (convolutions with valid and same
 * padding, strides and every activation, batch norm, both poolings, global pooling, flatten's
 * (h, w, c) order, dense, dropout) gives in onnxruntime what the studio's model gives on the same
 * random inputs, for seed-cnn, an odd-shaped CNN and the mlp; every file passes
 * onnx.checker.check_model(full_check=True) in Debian's python3-onnx; models with layers not
 * built yet are refused by name.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelSpec, type ModelSpec } from '../../../src-shared/models/spec';
import { templateFor } from '../../../src-shared/models/templates';
import { exportOnnx, onnxProblem } from '../../../src-engine/export/onnx/onnx-exporter';
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
    ['the mlp', templateFor('mlp', { kind: 'tabular', features: ['a', 'b', 'c', 'd', 'e'] }, 3)],
  ];
  for (const [what, spec] of cases) {
    it(`exports ${what}: onnxruntime agrees with TF.js within 1e-5 and the checker passes it`, async () => {
      const { net, artifacts } = await randomModel(spec, 5);
      const bytes = exportOnnx(spec, artifacts, 'test');
      const file = join(dir, `${spec.name.replace(/\W+/g, '_')}.onnx`);
      writeFileSync(file, bytes);
      expect(check(file)).toBe('8 13');
      const shape = [16, ...(spec.input.kind === 'image' ? [spec.input.height, spec.input.width, spec.input.channels] : [(spec.input as { features: string[] }).features.length])];
      const x = tf.randomUniform(shape, 0, 1, 'float32', 11);
      const want = (await (net.predict(x) as tf.Tensor).data()) as Float32Array;
      const session = await ort.InferenceSession.create(bytes);
      expect(session.inputNames).toEqual(['input']);
      expect(session.outputNames).toEqual(['probabilities']);
      const out = await session.run({ input: new ort.Tensor('float32', (await x.data()) as Float32Array, shape) });
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

  it('refuses, naming them, the layers it does not write yet', () => {
    expect(onnxProblem(templateFor('text-transformer', { kind: 'text', seqLength: 8, vocabSize: 30 }, 2))).toMatch(/text models/);
    expect(onnxProblem(templateFor('vit-tiny', { kind: 'image', height: 28, width: 28, channels: 1 }, 10))).toMatch(/ONNX export of patchEmbedding, transformerBlock, layerNorm layers \(patchEmbedding_1, transformerBlock_2/);
    expect(onnxProblem(odd)).toBeNull();
  });
});
