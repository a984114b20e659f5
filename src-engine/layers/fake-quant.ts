/**
 * Quantize-dequantize of activations (uint8, affine): what a full-integer runtime does to a
 * tensor between two integer kernels, simulated in float so the studio evaluates, explains and
 * exports a full-int8 model as it runs. y = (clamp(round(x / scale) + zero, 0, 255) - zero) * scale,
 * with scale and zero point from the calibrated range [min, max] (widened to hold 0, and
 * nudged so 0 is exact). Its gradient is the identity (straight-through), so Grad-CAM works.
 */
import * as tf from '@tensorflow/tfjs-core';
import { layers, type Shape } from '@tensorflow/tfjs-layers';

/** Constructor arguments (and serialized config) of FakeQuant. */
export interface FakeQuantArgs {
  name?: string;
  /** The calibrated range of the tensor. */
  min: number;
  max: number;
}

/** The uint8 scale and zero point of a range, as ONNX QuantizeLinear takes them. */
export function uint8Params(min: number, max: number): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  if (hi === lo) return { scale: 1, zeroPoint: 0 };
  const scale = (hi - lo) / 255;
  return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
}

export class FakeQuant extends layers.Layer {
  static className = 'StudioFakeQuant';
  readonly min: number;
  readonly max: number;

  constructor(args: FakeQuantArgs) {
    super(args);
    if (!Number.isFinite(args.min) || !Number.isFinite(args.max) || args.min > args.max) {
      throw new Error(`FakeQuant needs a finite range, got [${args.min}, ${args.max}]`);
    }
    this.min = args.min;
    this.max = args.max;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const { scale, zeroPoint } = uint8Params(this.min, this.max);
    const quantize = tf.customGrad(((t: tf.Tensor) => {
      const value = tf.tidy(() => {
        const q = tf.clipByValue(tf.add(tf.round(tf.div(t, scale)), zeroPoint), 0, 255);
        return tf.mul(tf.sub(q, zeroPoint), scale);
      });
      return { value, gradFunc: (dy: tf.Tensor) => dy };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return quantize(x);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), min: this.min, max: this.max };
  }
}
