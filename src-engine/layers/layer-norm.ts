/**
 * Layer normalisation over the last axis, serializable. tfjs-layers' own LayerNormalization tiles
 * gamma and beta to the input's shape, and the gradient of tile is a loop of one slice per copy:
 * for a [32, 256, 64] sequence that is 8,192 slices per layer and step (seconds on WASM). This one
 * broadcasts, so its gradient is a plain sum.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';

/** Constructor arguments (and serialized config) of LayerNorm. */
export interface LayerNormArgs {
  epsilon?: number;
  name?: string;
  trainable?: boolean;
}

/** (x - mean) / sqrt(var + epsilon) * gamma + beta, statistics over the last axis. */
export class LayerNorm extends layers.Layer {
  static className = 'LayerNorm';
  readonly epsilon: number;
  private gamma: LayerVariable | null = null;
  private beta: LayerVariable | null = null;

  constructor(args: LayerNormArgs = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-5;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const dim = shape[shape.length - 1];
    if (dim == null) throw new Error('LayerNorm needs a known last dimension');
    this.gamma = this.addWeight('gamma', [dim], 'float32', initializers.ones());
    this.beta = this.addWeight('beta', [dim], 'float32', initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      if (!this.gamma || !this.beta) throw new Error('LayerNorm used before build');
      const { mean, variance } = tf.moments(x, -1, true);
      const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normed, this.gamma.read()), this.beta.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
