/**
 * The quantization schemes against direct computations, and against TF.js's own decoder for the
 * schemes it reads (uint8 affine, float16), so what the studio writes is what TF.js loads.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import type { WeightSpec } from '../../../src-shared/checkpoints/checkpoint-meta';
import {
  decodeForTfjs,
  decodeWeight,
  dequantizeFloat16,
  dequantizeInt8,
  dequantizeUint8,
  encodeWeights,
  fromFloat16Bits,
  quantizeFloat16,
  quantizeInt8,
  quantizeUint8,
  toFloat16Bits,
} from '../../../src-engine/compress/weight-codec';

/** Deterministic values in [-1, 1) times a per-channel magnitude along the last axis. */
function kernel(shape: number[], magnitude: (c: number) => number): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const channels = shape[shape.length - 1]!;
  let s = 12345;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * magnitude(i % channels);
  }
  return out;
}

describe('int8 per channel', () => {
  const shape = [3, 3, 4, 5];
  // Channels of very different size: one scale for all would crush the small ones.
  const values = kernel(shape, (c) => 10 ** (c - 2));

  it('gives each output channel its own scale, the largest |w| of that channel over 127', () => {
    const t = quantizeInt8(values, shape, 3);
    expect(t.scales).toHaveLength(5);
    for (let c = 0; c < 5; c++) {
      let max = 0;
      for (let i = c; i < values.length; i += 5) max = Math.max(max, Math.abs(values[i]!));
      expect(t.scales[c]).toBe(Math.fround(max / 127));
    }
  });

  it('round-trips each value within half a step of its channel', () => {
    const t = quantizeInt8(values, shape, 3);
    const back = dequantizeInt8(t, shape);
    for (let i = 0; i < values.length; i++) {
      expect(Math.abs(back[i]! - values[i]!)).toBeLessThanOrEqual(t.scales[i % 5]! / 2 + 1e-12);
      expect(Math.abs(t.q[i]!)).toBeLessThanOrEqual(127);
    }
  });

  it('takes rows along axis 0 for embeddings, and keeps exact zeros and an all-zero channel', () => {
    const rows = Float32Array.from([0, 0, 0, 1, -2, 0.5]);
    const t = quantizeInt8(rows, [2, 3], 0);
    expect(Array.from(t.scales)).toEqual([1, Math.fround(2 / 127)]);
    const back = dequantizeInt8(t, [2, 3]);
    expect(Array.from(back.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(back[4]).toBeCloseTo(-2, 6);
  });
});

describe('uint8 per tensor', () => {
  const values = kernel([64, 8], () => 1).map((v, i) => (i % 7 === 0 ? 0 : v + 0.3));

  it('is within half a step everywhere, keeps zeros exact, and TF.js decodes it to the same values', async () => {
    const t = quantizeUint8(values);
    const back = dequantizeUint8(t);
    for (let i = 0; i < values.length; i++) {
      expect(Math.abs(back[i]! - values[i]!)).toBeLessThanOrEqual(t.scale / 2 + 1e-6);
      if (values[i] === 0) expect(back[i]).toBe(0);
    }
    const spec: WeightSpec = { name: 'w', shape: [64, 8], dtype: 'float32', quantization: { dtype: 'uint8', scale: t.scale, min: t.min } };
    const tfjs = tf.io.decodeWeights(t.q.buffer as ArrayBuffer, [spec as tf.io.WeightsManifestEntry]);
    const theirs = await tfjs.w!.data();
    for (let i = 0; i < values.length; i++) expect(theirs[i]).toBeCloseTo(back[i]!, 5);
  });
});

describe('float16', () => {
  it('encodes known values to the IEEE bit patterns', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(70000)).toBe(0x7c00);
    expect(toFloat16Bits(0.1)).toBe(0x2e66);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(toFloat16Bits(1e-9)).toBe(0);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway: to even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(fromFloat16Bits(0x3555)).toBeCloseTo(0.33325, 5);
  });

  it('round-trips within half a unit in the last place, and TF.js decodes it identically', async () => {
    const values = kernel([100, 10], (c) => 10 ** (c - 5));
    const bits = quantizeFloat16(values);
    const back = dequantizeFloat16(bits);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const tolerance = Math.abs(v) >= 2 ** -14 ? Math.abs(v) * 2 ** -11 : 2 ** -25;
      expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(tolerance * 1.0001);
    }
    const spec = { name: 'w', shape: [100, 10], dtype: 'float32', quantization: { dtype: 'float16' } } as tf.io.WeightsManifestEntry;
    const theirs = await tf.io.decodeWeights(bits.buffer as ArrayBuffer, [spec]).w!.data();
    expect(Array.from(theirs)).toEqual(Array.from(back));
  });
});

describe('a weights manifest re-encoded', () => {
  const specs: WeightSpec[] = [
    { name: 'conv/kernel', shape: [2, 2, 1, 3], dtype: 'float32' },
    { name: 'conv/bias', shape: [3], dtype: 'float32' },
    { name: 'count', shape: [2], dtype: 'int32' },
  ];
  const kernelValues = kernel([2, 2, 1, 3], (c) => c + 1);
  const data = new Uint8Array(12 * 4 + 3 * 4 + 2 * 4);
  new Float32Array(data.buffer, 0, 12).set(kernelValues);
  new Float32Array(data.buffer, 48, 3).set([0.5, -0.25, 1]);
  new Int32Array(data.buffer, 60, 2).set([7, 9]);

  it('stores int8 kernels in a quarter of the bytes, leaves the rest, and decodes for TF.js to the dequantized values', () => {
    const out = encodeWeights({ specs, data }, (s) => (s.name.endsWith('kernel') ? { kind: 'int8', axis: 3 } : null));
    expect(out.data.byteLength).toBe(12 + 12 + 8);
    expect(out.specs[0]!.quantization).toMatchObject({ dtype: 'int8', axis: 3 });
    expect(out.specs[0]!.quantization!.scales).toHaveLength(3);
    expect(out.specs[2]).toEqual(specs[2]);
    const forTfjs = decodeForTfjs(out);
    expect(forTfjs.specs.every((s) => s.quantization === undefined)).toBe(true);
    expect(forTfjs.data.byteLength).toBe(data.byteLength);
    const decoded = decodeWeight(forTfjs.specs[0]!, forTfjs.data.subarray(0, 48));
    const direct = dequantizeInt8(quantizeInt8(kernelValues, [2, 2, 1, 3], 3), [2, 2, 1, 3]);
    expect(Array.from(decoded)).toEqual(Array.from(direct));
    expect(Array.from(new Int32Array(forTfjs.data.slice(60).buffer))).toEqual([7, 9]);
  });

  it('refuses a manifest whose bytes do not match its specs', () => {
    expect(() => encodeWeights({ specs, data: data.subarray(0, 50) }, () => null)).toThrow(/end before|describe/);
  });
});
