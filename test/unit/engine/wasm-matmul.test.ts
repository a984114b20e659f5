/**
 * The WASM matmul that splits batches and materialises transposes: the same products and
 * gradients as the CPU backend for every shape attention and dense layers use, broadcasting
 * included, and no tensor or WASM memory left behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getKernel } from '@tensorflow/tfjs-core';
import { registerTrainingKernels } from '../../../src-engine/kernels/register-kernels';
import { tf } from './tf-setup';

interface Case {
  a: number[];
  b: number[];
  ta?: boolean;
  tb?: boolean;
  /** tfjs-core's own matmul gradient does not reduce broadcast batches (on any backend). */
  forwardOnly?: true;
}

const CASES: Case[] = [
  { a: [5, 7], b: [7, 3] },
  { a: [7, 5], b: [7, 3], ta: true },
  { a: [5, 7], b: [3, 7], tb: true },
  { a: [7, 5], b: [3, 7], ta: true, tb: true },
  // Attention: [batch, heads, seq, dk] products in both orders.
  { a: [2, 3, 6, 4], b: [2, 3, 6, 4], tb: true },
  { a: [2, 3, 6, 6], b: [2, 3, 6, 4] },
  { a: [2, 3, 6, 6], b: [2, 3, 6, 4], ta: true },
  // Broadcast batches, either side.
  { a: [4, 5, 7], b: [1, 7, 3], forwardOnly: true },
  { a: [5, 7], b: [4, 7, 3], forwardOnly: true },
  { a: [1, 7, 5], b: [4, 3, 7], ta: true, tb: true, forwardOnly: true },
];

/** The product and (unless forwardOnly) d(sum(a·b ⊙ r))/da, /db on the current backend, from fixed seeded inputs. */
function productAndGrads(c: Case): number[][] {
  return tf.tidy(() => {
    const a = tf.randomNormal(c.a, 0, 1, 'float32', 1);
    const b = tf.randomNormal(c.b, 0, 1, 'float32', 2);
    const mm = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, c.ta ?? false, c.tb ?? false);
    const out = mm(a, b);
    if (c.forwardOnly) return [Array.from(out.dataSync())];
    const r = tf.randomNormal(out.shape, 0, 1, 'float32', 3);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(mm(x, y), r)))([a, b]);
    return [out, da!, db!].map((t) => Array.from(t.dataSync()));
  });
}

async function onBackend<T>(name: string, fn: () => T): Promise<T> {
  await tf.setBackend(name);
  await tf.ready();
  return fn();
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerTrainingKernels();
});

describe('WASM BatchMatMul (split into single products)', () => {
  it('is the engine kernel on WASM after registration, and registering again keeps one wrapper', () => {
    const first = getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    registerTrainingKernels();
    expect(getKernel('BatchMatMul', 'wasm')!.kernelFunc).toBe(first);
  });

  it.each(CASES)('agrees with the CPU backend, values and gradients: %o', async (c) => {
    const want = await onBackend('cpu', () => productAndGrads(c));
    const got = await onBackend('wasm', () => productAndGrads(c));
    for (const [k, values] of got.entries()) {
      expect(values).toHaveLength(want[k]!.length);
      values.forEach((v, i) => expect(v).toBeCloseTo(want[k]![i]!, 4));
    }
  });

  it('leaves no tensors and no WASM data behind over many batched products', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const a = tf.randomNormal([8, 16, 16]);
    const b = tf.randomNormal([8, 16, 4]);
    tf.matMul(a, b, true, false).dispose();
    const tensors = tf.memory().numTensors;
    const data = backend.numDataIds();
    for (let i = 0; i < 50; i++) tf.matMul(a, b, true, false).dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(data);
    tf.dispose([a, b]);
  });

  it('still reports mismatched shapes as an error', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.matMul(tf.ones([2, 3, 4]), tf.ones([2, 5, 6]))).toThrow(/inner shapes/i);
  });
});
