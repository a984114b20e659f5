/**
 * The CLI's WASM on threads: tfjs's threaded SIMD build started in Node (src-main/training/wasm-threads.ts),
 * checked against the stock single-threaded build on the same seed-cnn gradients of real digits.
 */
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { templateFor } from '../../../src-shared/models/templates';
import { buildModel } from '../../../src-engine/model/build-model';
import { loadMnistArrays } from '../../../src-main/training/array-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';
import { MAX_WASM_THREADS } from '../../../src-shared/runs/hyper-params';
import { nodeWasmThreads } from '../../../src-main/training/wasm-threads';

/** seed-cnn's loss gradients on 64 MNIST digits, from fixed weights, flattened. */
function seedCnnGradients(): Float32Array[] {
  const digits = loadMnistArrays('train', 64);
  const model = buildModel(templateFor('seed-cnn', { kind: 'image', height: 28, width: 28, channels: 1 }, 10), { seed: 5 });
  try {
    return tf.tidy(() => {
      const x = tf.div(tf.tensor4d(Float32Array.from(digits.x), [64, 28, 28, 1]), 255);
      const y = tf.oneHot(tf.tensor1d(digits.y, 'int32'), 10);
      const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.predict(x) as tf.Tensor) as tf.Scalar);
      return Object.keys(grads).sort().map((k) => grads[k]!.dataSync() as Float32Array);
    });
  } finally {
    model.dispose();
  }
}

describe('WASM threads in Node', () => {
  afterAll(async () => {
    await setupNodeBackend('wasm', { threads: 1 });
  });

  it('asks for one thread per core, or MODEL_STUDIO_WASM_THREADS, at most 8', () => {
    expect(nodeWasmThreads({}, 2)).toBe(2);
    expect(nodeWasmThreads({}, 64)).toBe(MAX_WASM_THREADS);
    expect(nodeWasmThreads({ MODEL_STUDIO_WASM_THREADS: '1' }, 16)).toBe(1);
    expect(nodeWasmThreads({ MODEL_STUDIO_WASM_THREADS: '3' }, 2)).toBe(3);
    // Not a whole number from 1: the default.
    for (const bad of ['0', '-2', '1.5', 'two', '']) expect(nodeWasmThreads({ MODEL_STUDIO_WASM_THREADS: bad }, 4)).toBe(4);
  });

  it('runs the threaded build on 2 threads, with the same gradients as 1 thread, and switches back', async () => {
    const one = await setupNodeBackend('wasm', { threads: 1 });
    expect(one.wasm).toEqual({ threads: 1, fallback: null });
    const reference = seedCnnGradients();

    const two = await setupNodeBackend('wasm', { threads: 2 });
    expect(two.wasm).toEqual({ threads: 2, fallback: null });
    expect(tf.getBackend()).toBe('wasm');
    const before = tf.memory().numTensors;
    const threaded = seedCnnGradients();
    expect(tf.memory().numTensors).toBe(before);
    expect(threaded.map((g) => g.length)).toEqual(reference.map((g) => g.length));
    threaded.forEach((g, i) => {
      const want = reference[i]!;
      const scale = Math.max(1e-6, ...Array.from(want, Math.abs));
      const worst = Math.max(...Array.from(g, (v, j) => Math.abs(v - want[j]!)));
      expect(worst / scale).toBeLessThan(1e-4); // the same sums, split across threads in another order
    });
    // The scripts the workers load sit in a folder only this user can write.
    if (typeof process.getuid === 'function') {
      const dir = statSync(join(tmpdir(), `model-studio-${process.getuid()}`));
      expect(dir.mode & 0o077).toBe(0);
      expect(dir.uid).toBe(process.getuid());
    }

    const again = await setupNodeBackend('wasm', { threads: 1 });
    expect(again.wasm).toEqual({ threads: 1, fallback: null });
    expect(seedCnnGradients()[0]).toEqual(reference[0]);
  }, 60_000);
});
