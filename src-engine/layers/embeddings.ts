/**
 * Embedding layers for transformers, serializable: token + learned positional embedding for text,
 * and patch embedding (a conv with stride = patch size) + learned positional embedding for images.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';

/** Constructor arguments (and serialized config) of TokenAndPositionEmbedding. */
export interface TokenAndPositionEmbeddingArgs {
  vocabSize: number;
  seqLength: number;
  dim: number;
  seed?: number | null;
  name?: string;
  trainable?: boolean;
}

// Small normal init (as BERT/ViT use) keeps token and position embeddings on the same scale.
const embeddingInit = (seed: number | null, offset: number) =>
  initializers.randomNormal({ mean: 0, stddev: 0.02, seed: seed == null ? undefined : seed + offset });

/** Maps [batch, seq] token ids to [batch, seq, dim] token embeddings plus position embeddings. */
export class TokenAndPositionEmbedding extends layers.Layer {
  static className = 'TokenAndPositionEmbedding';
  readonly vocabSize: number;
  readonly seqLength: number;
  readonly dim: number;
  private readonly seed: number | null;
  private tokens: LayerVariable | null = null;
  private positions: LayerVariable | null = null;

  constructor(args: TokenAndPositionEmbeddingArgs) {
    super(args);
    this.vocabSize = args.vocabSize;
    this.seqLength = args.seqLength;
    this.dim = args.dim;
    this.seed = args.seed ?? null;
  }

  override build(): void {
    this.tokens = this.addWeight('token_embeddings', [this.vocabSize, this.dim], 'float32', embeddingInit(this.seed, 0));
    this.positions = this.addWeight('position_embeddings', [this.seqLength, this.dim], 'float32', embeddingInit(this.seed, 1));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    return [shape[0] ?? null, this.seqLength, this.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = tf.cast(Array.isArray(inputs) ? inputs[0]! : inputs, 'int32');
      if (!this.tokens || !this.positions) throw new Error('TokenAndPositionEmbedding used before build');
      // Ids outside the vocabulary (a mismatched dataset) must not read garbage: clamp to the last id.
      // Not clipByValue: on WASM (tfjs 4.22) it leaves int32 values above the bound as they are.
      const safe = tf.minimum(tf.maximum(ids, tf.scalar(0, 'int32')), tf.scalar(this.vocabSize - 1, 'int32'));
      return tf.add(tf.gather(this.tokens.read(), safe), this.positions.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), vocabSize: this.vocabSize, seqLength: this.seqLength, dim: this.dim, seed: this.seed };
  }
}

/** Constructor arguments (and serialized config) of PatchEmbedding. */
export interface PatchEmbeddingArgs {
  patchSize: number;
  dim: number;
  seed?: number | null;
  name?: string;
  trainable?: boolean;
}

/** Cuts [batch, h, w, c] images into non-overlapping patches and embeds them: [batch, patches, dim]. */
export class PatchEmbedding extends layers.Layer {
  static className = 'PatchEmbedding';
  readonly patchSize: number;
  readonly dim: number;
  private readonly seed: number | null;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;
  private positions: LayerVariable | null = null;

  constructor(args: PatchEmbeddingArgs) {
    super(args);
    this.patchSize = args.patchSize;
    this.dim = args.dim;
    this.seed = args.seed ?? null;
  }

  private patchCount(shape: Shape): number {
    const [, h, w] = shape;
    if (h == null || w == null) throw new Error('PatchEmbedding needs a known image height and width');
    return Math.floor(h / this.patchSize) * Math.floor(w / this.patchSize);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const channels = shape[3];
    if (channels == null) throw new Error('PatchEmbedding needs a known channel count');
    const p = this.patchSize;
    const seed = this.seed == null ? undefined : this.seed;
    this.kernel = this.addWeight('kernel', [p, p, channels, this.dim], 'float32', initializers.glorotUniform({ seed }));
    this.bias = this.addWeight('bias', [this.dim], 'float32', initializers.zeros());
    this.positions = this.addWeight('position_embeddings', [this.patchCount(shape), this.dim], 'float32', embeddingInit(this.seed, 1));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    return [shape[0] ?? null, this.patchCount(shape), this.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      if (!this.kernel || !this.bias || !this.positions) throw new Error('PatchEmbedding used before build');
      const p = this.patchSize;
      const patches = tf.conv2d(x, this.kernel.read() as tf.Tensor4D, p, 'valid');
      const [b, ph, pw] = patches.shape;
      const seq = tf.reshape(tf.add(patches, this.bias.read()), [b, ph * pw, this.dim]);
      return tf.add(seq, this.positions.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), patchSize: this.patchSize, dim: this.dim, seed: this.seed };
  }
}
