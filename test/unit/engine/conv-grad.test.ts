import { describe, expect, it } from 'vitest';
import { templateFor } from '../../../src-shared/models/templates';
import { buildModel } from '../../../src-engine/model/build-model';
import {
  hasConvFilterGradient,
  registerConvFilterGradient,
  restoreDefaultConvFilterGradient,
} from '../../../src-engine/kernels/conv-filter-grad';
import { registerWasmConvInputGradient, restoreDefaultWasmConvInputGradient } from '../../../src-engine/kernels/conv-input-grad';
import { registerTrainingKernels } from '../../../src-engine/kernels/register-kernels';
import { loadMnist, tf } from './tf-setup';

type Shape4 = [number, number, number, number];
type Case = { x: Shape4; filter: Shape4; strides: number | [number, number]; pad: 'valid' | 'same' };

const CASES: Case[] = [
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 10, 11, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'valid' },
  { x: [2, 10, 11, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'same' },
  { x: [1, 8, 9, 2], filter: [5, 3, 2, 2], strides: [3, 2], pad: 'same' },
  // Patch embeddings: stride = kernel = patch, including a patch that leaves a remainder.
  { x: [3, 28, 28, 1], filter: [7, 7, 1, 8], strides: 7, pad: 'valid' },
  { x: [2, 13, 13, 3], filter: [4, 4, 3, 6], strides: 4, pad: 'valid' },
];

/** d(sum(conv(x, f) * r))/dx and /df for fixed random x, f, r. */
function convGrads(c: Case): [number[], number[]] {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
    const f = tf.randomNormal(c.filter, 0, 1, 'float32', 2) as tf.Tensor4D;
    const out = tf.conv2d(x, f, c.strides, c.pad);
    const r = tf.randomNormal(out.shape, 0, 1, 'float32', 3);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), r)));
    const [dx, df] = g([x, f]);
    return [Array.from(dx!.dataSync()), Array.from(df!.dataSync())];
  });
}

function expectClose(got: number[], want: number[]): void {
  expect(got).toHaveLength(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i]!)));
  expect(worst / scale).toBeLessThan(1e-4);
}

/** Mean loss of a model over a batch, as a number. */
function lossOf(model: ReturnType<typeof buildModel>, x: tf.Tensor, y: tf.Tensor): number {
  return tf.tidy(() => {
    const p = model.predict(x) as tf.Tensor;
    const picked = tf.sum(tf.mul(p, tf.oneHot(tf.cast(y, 'int32'), p.shape[1]!)), 1);
    return tf.mean(tf.neg(tf.log(tf.maximum(picked, 1e-7)))).dataSync()[0]!;
  });
}

describe('conv filter gradient', () => {
  it('equals the CPU backend\'s own gradients on CPU and WASM, input gradient included', async () => {
    await tf.setBackend('cpu');
    restoreDefaultConvFilterGradient();
    const reference = CASES.map(convGrads);
    registerConvFilterGradient();
    registerConvFilterGradient(); // idempotent
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      expect(hasConvFilterGradient(backend)).toBe(true);
      const before = tf.memory().numTensors;
      CASES.forEach((c, i) => {
        const [dx, df] = convGrads(c);
        expectClose(dx, reference[i]![0]);
        expectClose(df, reference[i]![1]);
      });
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('computes the WASM input gradient as a forward convolution, equal to the CPU backend\'s', async () => {
    const cases: Case[] = [
      ...CASES,
      // Stride 1 is the rewritten path: odd sizes, wide and tall kernels, both paddings.
      { x: [2, 7, 12, 3], filter: [5, 3, 3, 4], strides: 1, pad: 'same' },
      { x: [2, 7, 12, 3], filter: [2, 4, 3, 4], strides: 1, pad: 'same' },
      { x: [1, 6, 5, 2], filter: [4, 2, 2, 3], strides: 1, pad: 'valid' },
    ];
    await tf.setBackend('cpu');
    const reference = cases.map(convGrads);
    await tf.setBackend('wasm');
    registerConvFilterGradient();
    registerWasmConvInputGradient();
    registerWasmConvInputGradient(); // idempotent
    const before = tf.memory().numTensors;
    cases.forEach((c, i) => expectClose(convGrads(c)[0], reference[i]![0]));
    expect(tf.memory().numTensors).toBe(before);
    restoreDefaultWasmConvInputGradient();
    cases.forEach((c, i) => expectClose(convGrads(c)[0], reference[i]![0]));
    registerWasmConvInputGradient();
  });

  it('makes the gather gradient (token embeddings) work on WASM and match CPU', async () => {
    registerTrainingKernels();
    const grad = () =>
      tf.tidy(() => {
        const table = tf.randomNormal([6, 3], 0, 1, 'float32', 4);
        const ids = tf.tensor2d([[1, 2, 2], [0, 5, 1]], [2, 3], 'int32');
        const w = tf.randomNormal([2, 3, 3], 0, 1, 'float32', 5);
        return Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)))(table).dataSync());
      });
    await tf.setBackend('cpu');
    const want = grad();
    await tf.setBackend('wasm');
    expectClose(grad(), want);
  });

  it('lets seed-cnn train on WASM: a few steps on real MNIST digits lower the loss', async () => {
    registerTrainingKernels();
    await tf.setBackend('wasm');
    const { x, y } = loadMnist(512);
    const model = buildModel(templateFor('seed-cnn', { kind: 'image', height: 28, width: 28, channels: 1 }, 10), { seed: 1 });
    model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
    const start = lossOf(model, x, y);
    let tensors = 0;
    for (let i = 0; i < 512; i += 32) {
      const xb = tf.slice(x, [i, 0, 0, 0], [32, 28, 28, 1]);
      const yb = tf.slice(y, [i], [32]);
      await model.trainOnBatch(xb, yb);
      tf.dispose([xb, yb]);
      // The first step creates the optimizer's slots; after that no step may leave tensors behind.
      if (i === 0) tensors = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(tensors);
    const end = lossOf(model, x, y);
    expect(start).toBeGreaterThan(2); // about ln(10) untrained
    expect(end).toBeLessThan(start * 0.8);
    tf.dispose([x, y]);
    model.dispose();
  }, 60_000);
});
