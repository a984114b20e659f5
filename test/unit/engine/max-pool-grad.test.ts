import { describe, expect, it } from 'vitest';
import { registerWasmMaxPoolGrad, restoreDefaultWasmMaxPoolGrad } from '../../../src-engine/kernels/wasm-max-pool-grad';
import { tf } from './tf-setup';

type Case = { name: string; x: [number, number, number, number]; size: number | [number, number]; strides: number | [number, number]; pad: 'valid' | 'same' };

const CASES: Case[] = [
  // seed-cnn's pools: 2x2 windows, stride 2, and an odd size whose last row and column no window reads.
  { name: '2x2/2 valid', x: [2, 8, 8, 5], size: 2, strides: 2, pad: 'valid' },
  { name: '2x2/2 valid, odd size', x: [2, 7, 9, 3], size: 2, strides: 2, pad: 'valid' },
  { name: '2x2/2 same, odd size (windows over the edge)', x: [1, 7, 5, 4], size: 2, strides: 2, pad: 'same' },
  { name: '3x3/2 same', x: [2, 9, 8, 3], size: 3, strides: 2, pad: 'same' },
  { name: '2x2/1 valid (windows overlap, gradients add)', x: [1, 6, 6, 2], size: 2, strides: 1, pad: 'valid' },
  { name: '3x2/[1,2] valid', x: [1, 7, 8, 3], size: [3, 2], strides: [1, 2], pad: 'valid' },
];

/**
 * The value at flat index i: many ties (rounded to halves, as after a ReLU many are 0), some NaN;
 * in the first sample, rows 0-1 by columns 0-1 all -Infinity (a window none wins) and columns 2-3
 * NaN and -Infinity mixed (another).
 */
function valueAt(v: number, i: number, [, h, w, ch]: Case['x']): number {
  const col = Math.floor(i / ch) % w;
  const row = Math.floor(i / (ch * w)) % h;
  const first = i < h * w * ch;
  if (first && row < 2 && col < 2) return Number.NEGATIVE_INFINITY;
  if (first && row < 2 && col < 4) return (row + col) % 2 === 0 ? Number.NaN : Number.NEGATIVE_INFINITY;
  return i % 37 === 5 ? Number.NaN : Math.max(0, Math.round(v * 2) / 2);
}

/** d(sum(maxPool(x) * r))/dx for x of valueAt's values. */
function poolGrad(c: Case): number[] {
  return tf.tidy(() => {
    const raw = tf.randomNormal(c.x, 0, 1, 'float32', 11).dataSync() as Float32Array;
    const values = Float32Array.from(raw, (v, i) => valueAt(v, i, c.x));
    const x = tf.tensor4d(values, c.x);
    const y = tf.maxPool(x, c.size, c.strides, c.pad);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', 12);
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.size, c.strides, c.pad), r)))(x);
    return Array.from(dx.dataSync());
  });
}

describe('WASM max-pool gradient', () => {
  it('gives each window\'s gradient to its first largest input, as the CPU backend does', async () => {
    await tf.setBackend('cpu');
    const reference = CASES.map(poolGrad);
    await tf.setBackend('wasm');
    registerWasmMaxPoolGrad();
    registerWasmMaxPoolGrad(); // idempotent
    const before = tf.memory().numTensors;
    CASES.forEach((c, i) => {
      const got = poolGrad(c);
      const want = reference[i]!;
      expect(got.length, c.name).toBe(want.length);
      const worst = Math.max(...got.map((g, j) => (Number.isNaN(g) !== Number.isNaN(want[j]!) ? Infinity : Math.abs(g - want[j]!) || 0)));
      expect(worst, c.name).toBeLessThan(1e-5);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('can be put back to tfjs\'s own kernel and registered again', async () => {
    await tf.setBackend('wasm');
    registerWasmMaxPoolGrad();
    const ours = tf.getKernel('MaxPoolGrad', 'wasm')!.kernelFunc;
    restoreDefaultWasmMaxPoolGrad();
    const theirs = tf.getKernel('MaxPoolGrad', 'wasm')!.kernelFunc;
    expect(theirs).not.toBe(ours);
    registerWasmMaxPoolGrad();
    expect(tf.getKernel('MaxPoolGrad', 'wasm')!.kernelFunc).not.toBe(theirs);
  });
});
