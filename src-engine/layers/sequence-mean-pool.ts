/**
 * Mean over a sequence that leaves padding tokens out: called on `[x, tokenIds]` it averages only
 * the positions whose id is not 0; called on `x` alone it is a plain global average.
 */
import * as tf from '@tensorflow/tfjs-core';
import { layers, type Shape } from '@tensorflow/tfjs-layers';
import { firstShape, unpack } from './multi-head-attention';

/** Constructor arguments (and serialized config) of SequenceMeanPool. */
export interface SequenceMeanPoolArgs {
  name?: string;
  trainable?: boolean;
}

/** [batch, seq, dim] (+ optional [batch, seq] token ids) -> [batch, dim]. */
export class SequenceMeanPool extends layers.Layer {
  static className = 'SequenceMeanPool';

  constructor(args: SequenceMeanPoolArgs = {}) {
    super(args);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstShape(inputShape);
    return [shape[0] ?? null, shape[shape.length - 1] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [x, ids] = unpack(inputs);
      if (!ids) return tf.mean(x, 1);
      // where(), not cast(): on WebGPU a bool->float32 cast shares the bool's int32 buffer, and
      // tfjs 4.22's Transpose (inside sum over axis 1) then emits WGSL that Dawn rejects (NaN loss).
      const real = tf.notEqual(tf.cast(ids, 'int32'), 0);
      const keep = tf.expandDims(tf.where(real, tf.ones(real.shape), tf.zeros(real.shape)), 2);
      // An all-padding sample divides by 1, not 0, and pools to zeros.
      const count = tf.maximum(tf.sum(keep, 1), 1);
      return tf.div(tf.sum(tf.mul(x, keep), 1), count);
    });
  }
}
