/**
 * Multi-head self-attention as a serializable TensorFlow.js layer (tfjs 4.22 has none): separate
 * Q, K, V and output projections, softmax(Q K^T / sqrt(d_k)) V per head, and an optional padding
 * mask from the token ids (id 0 = padding) so padded positions are never attended to.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';

/** Constructor arguments (and serialized config) of MultiHeadAttention. */
export interface MultiHeadAttentionArgs {
  heads: number;
  /** Each head's width; null: the input's dim / heads. */
  headDim?: number | null;
  /** Seed for the projection initialisers, so a seeded build gives the same weights. */
  seed?: number | null;
  name?: string;
  trainable?: boolean;
}

/** Added to the scores of padded keys: large enough to zero them after softmax, finite to avoid NaN. */
const MASKED = -1e9;

type Projection = { kernel: LayerVariable; bias: LayerVariable };

/** The padding mask's additive bias [batch, 1, 1, seq]: 0 for real tokens, MASKED for id 0. */
export function paddingBias(tokenIds: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // where(), not cast() of the bool: on WebGPU that cast keeps the int32 buffer, which some
    // kernels (Transpose) then read with the wrong WGSL type; see sequence-mean-pool.ts.
    const pad = tf.equal(tf.cast(tokenIds, 'int32'), 0);
    const [b, s] = tokenIds.shape as [number, number];
    return tf.reshape(tf.where(pad, tf.fill(pad.shape, MASKED), tf.zeros(pad.shape)), [b, 1, 1, s]);
  });
}

/**
 * Self-attention over a [batch, seq, dim] input. Call it on `x` or on `[x, tokenIds]` to mask
 * padding keys. The output has the input's shape.
 */
export class MultiHeadAttention extends layers.Layer {
  static className = 'MultiHeadAttention';
  readonly heads: number;
  readonly headDim: number | null;
  private readonly seed: number | null;
  private projections: Record<'query' | 'key' | 'value' | 'output', Projection> | null = null;

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    if (!Number.isInteger(args.heads) || args.heads < 1) throw new Error(`heads must be a positive integer, got ${args.heads}`);
    this.heads = args.heads;
    if (args.headDim != null && (!Number.isInteger(args.headDim) || args.headDim < 1)) throw new Error(`headDim must be a positive integer, got ${args.headDim}`);
    this.headDim = args.headDim ?? null;
    this.seed = args.seed ?? null;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    const dim = shape[shape.length - 1];
    if (dim == null || (this.headDim === null && dim % this.heads !== 0)) {
      throw new Error(`MultiHeadAttention: dim ${dim} is not divisible by ${this.heads} heads`);
    }
    // The heads' total width; the output projection maps it back to dim.
    const inner = this.heads * (this.headDim ?? dim / this.heads);
    const make = (part: string, i: number): Projection => ({
      kernel: this.addWeight(
        `${part}_kernel`,
        part === 'output' ? [inner, dim] : [dim, inner],
        'float32',
        initializers.glorotUniform({ seed: this.seed == null ? undefined : this.seed + i }),
      ),
      bias: this.addWeight(`${part}_bias`, [part === 'output' ? dim : inner], 'float32', initializers.zeros()),
    });
    this.projections = { query: make('query', 0), key: make('key', 1), value: make('value', 2), output: make('output', 3) };
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return firstShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [x, ids] = unpack(inputs);
      const { output, weights } = this.attend(x, ids);
      weights.dispose();
      return output;
    });
  }

  /**
   * The attention weights [batch, heads, seq(query), seq(key)] for an input (each row sums to 1);
   * pass the token ids to mask padding as training does. Builds the layer if needed.
   */
  attentionScores(x: tf.Tensor, tokenIds?: tf.Tensor): tf.Tensor4D {
    if (!this.built) this.build(x.shape);
    return tf.tidy(() => this.attend(x, tokenIds ?? null).weights);
  }

  private attend(x: tf.Tensor, ids: tf.Tensor | null): { output: tf.Tensor; weights: tf.Tensor4D } {
    const p = this.projections;
    if (!p) throw new Error('MultiHeadAttention used before build');
    const [b, s, d] = x.shape as [number, number, number];
    const h = this.heads;
    const dk = this.headDim ?? d / h;
    const flat = tf.reshape(x, [b * s, d]);
    const project = (proj: Projection, t: tf.Tensor) => tf.add(tf.matMul(t as tf.Tensor2D, proj.kernel.read() as tf.Tensor2D), proj.bias.read());
    // [b*s, d] -> [b, h, s, dk]: each head sees its own dk-wide slice of the projection.
    const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [b, s, h, dk]), [0, 2, 1, 3]);
    const q = heads(project(p.query, flat));
    const k = heads(project(p.key, flat));
    const v = heads(project(p.value, flat));
    let scores: tf.Tensor = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dk));
    if (ids) scores = tf.add(scores, paddingBias(ids));
    const weights = tf.softmax(scores) as tf.Tensor4D;
    const context = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [b * s, h * dk]);
    const output = tf.reshape(project(p.output, context), [b, s, d]);
    return { output, weights };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, ...(this.headDim === null ? {} : { headDim: this.headDim }), seed: this.seed };
  }
}

/** The shape of the first input when a layer takes [x, tokenIds]. */
export function firstShape(inputShape: Shape | Shape[]): Shape {
  return Array.isArray(inputShape[0]) ? (inputShape[0] as Shape) : (inputShape as Shape);
}

/** Splits a layer's inputs into x and the optional token ids. */
export function unpack(inputs: tf.Tensor | tf.Tensor[]): [tf.Tensor, tf.Tensor | null] {
  if (!Array.isArray(inputs)) return [inputs, null];
  const [x, ids] = inputs;
  if (!x) throw new Error('layer called without inputs');
  return [x, ids ?? null];
}
