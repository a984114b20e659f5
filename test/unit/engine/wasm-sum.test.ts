/**
 * The WASM Sum that adds rows straight from the heap when it reduces leading axes: the same
 * results as the CPU backend for every axis choice (the others still go to tfjs's kernel).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmSum, restoreDefaultWasmSum } from '../../../src-engine/kernels/wasm-sum';
import { tf } from './tf-setup';

const CASES: { shape: number[]; axis: number | number[]; keepDims?: boolean }[] = [
  // Rows in blocks of four, with 0 to 3 left over.
  { shape: [9, 7], axis: 0 },
  { shape: [3, 6], axis: 0 },
  { shape: [2, 5, 3], axis: [0, 1] },
  { shape: [2, 5, 3], axis: [1, 0], keepDims: true },
  { shape: [4, 3, 2, 5], axis: [0, 1, 2] },
  // Not leading axes, or all of them: tfjs's own path.
  { shape: [2, 5, 3], axis: 1 },
  { shape: [2, 5, 3], axis: [0, 2] },
  { shape: [2, 5, 3], axis: -1, keepDims: true },
  { shape: [6, 4], axis: [0, 1] },
];

function sums(): { values: number[]; shape: number[] }[] {
  return CASES.map((c) =>
    tf.tidy(() => {
      const s = tf.sum(tf.randomNormal(c.shape, 0, 1, 'float32', 5), c.axis, c.keepDims ?? false);
      return { values: Array.from(s.dataSync()), shape: s.shape };
    }),
  );
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  registerWasmSum();
});

describe('WASM Sum over leading axes', () => {
  it('equals the CPU backend for every axis choice, shapes included, and leaks nothing', async () => {
    await tf.setBackend('cpu');
    const want = sums();
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const got = sums();
    expect(tf.memory().numTensors).toBe(before);
    got.forEach((g, i) => {
      expect(g.shape).toEqual(want[i]!.shape);
      g.values.forEach((v, j) => expect(v).toBeCloseTo(want[i]!.values[j]!, 4));
    });
  });

  it('gives the same bias gradient as tfjs\'s own kernel', async () => {
    await tf.setBackend('wasm');
    const grad = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([3, 8, 6], 0, 1, 'float32', 1);
        const r = tf.randomNormal([3, 8, 6], 0, 1, 'float32', 2);
        const g = tf.grad((b: tf.Tensor) => tf.sum(tf.mul(tf.add(x, b), r)))(tf.zeros([6]));
        return Array.from(g.dataSync());
      });
    const ours = grad();
    restoreDefaultWasmSum();
    const stock = grad();
    registerWasmSum();
    ours.forEach((v, i) => expect(v).toBeCloseTo(stock[i]!, 4));
  });
});
