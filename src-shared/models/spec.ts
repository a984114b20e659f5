/**
 * Model specs: the JSON description of a network that the project file stores, the model editor
 * edits and the ML engine builds. Pure and versioned (formatVersion 1).
 */
import { z } from 'zod';

export const MODEL_SPEC_FORMAT_VERSION = 1;

export const ACTIVATIONS = ['relu', 'gelu', 'tanh', 'sigmoid', 'softmax', 'linear'] as const;
export const Activation = z.enum(ACTIVATIONS);
export type Activation = z.infer<typeof Activation>;

export const Padding = z.enum(['valid', 'same']);
export type Padding = z.infer<typeof Padding>;

const Size = z.number().int().min(1).max(4096);
/** A square size (3) or [height, width] ([3, 5]). */
export const Size2 = z.union([Size, z.tuple([Size, Size])]);
export type Size2 = z.infer<typeof Size2>;

/** Optional readable layer name; the builder derives one from the type and position otherwise. */
/** A layer's name, given or derived (`conv2d_1`): a letter, then letters, digits and _. */
export const LayerNameText = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must start with a letter and hold only letters, digits and _');
const LayerName = LayerNameText.optional();

const Units = z.number().int().min(1).max(65_536);
const Rate = z.number().min(0).max(0.95);

export const Conv2dLayer = z.strictObject({
  type: z.literal('conv2d'),
  name: LayerName,
  filters: Units,
  kernelSize: Size2,
  strides: Size2.default(1),
  padding: Padding.default('valid'),
  activation: Activation.default('relu'),
});
export const MaxPool2dLayer = z.strictObject({
  type: z.literal('maxPool2d'),
  name: LayerName,
  poolSize: Size2.default(2),
  /** Defaults to poolSize (non-overlapping windows). */
  strides: Size2.optional(),
  padding: Padding.default('valid'),
});
export const AvgPool2dLayer = MaxPool2dLayer.extend({ type: z.literal('avgPool2d') });
export const FlattenLayer = z.strictObject({ type: z.literal('flatten'), name: LayerName });
export const DenseLayer = z.strictObject({
  type: z.literal('dense'),
  name: LayerName,
  units: Units,
  activation: Activation.default('linear'),
});
export const DropoutLayer = z.strictObject({ type: z.literal('dropout'), name: LayerName, rate: Rate });
export const BatchNormLayer = z.strictObject({
  type: z.literal('batchNorm'),
  name: LayerName,
  momentum: z.number().min(0).max(1).default(0.99),
  epsilon: z.number().positive().max(1).default(1e-3),
});
export const LayerNormLayer = z.strictObject({
  type: z.literal('layerNorm'),
  name: LayerName,
  epsilon: z.number().positive().max(1).default(1e-6),
});
/** Mean over the sequence (2-D input, padding tokens excluded) or over height and width (3-D input). */
export const GlobalAvgPoolLayer = z.strictObject({ type: z.literal('globalAvgPool'), name: LayerName });
/** Token embedding plus a learned positional embedding; must come first, on text input. */
export const TokenEmbeddingLayer = z.strictObject({
  type: z.literal('tokenEmbedding'),
  name: LayerName,
  dim: Units,
});
/** Non-overlapping patches (a conv with stride = patch size) plus a learned positional embedding. */
export const PatchEmbeddingLayer = z.strictObject({
  type: z.literal('patchEmbedding'),
  name: LayerName,
  patchSize: Size,
  dim: Units,
});
/**
 * A pre-norm transformer encoder block: x + Dropout(MHA(LN(x))), then x + Dropout(FFN(LN(x))) with
 * FFN = Dense(ffDim, gelu) -> Dense(dim). Pre-norm trains stably without learning-rate warm-up;
 * templates put a final layerNorm after the last block.
 */
export const TransformerBlockLayer = z.strictObject({
  type: z.literal('transformerBlock'),
  name: LayerName,
  heads: z.number().int().min(1).max(64),
  dim: Units,
  /**
   * The width of each head's query, key and value; default dim / heads (dim must divide).
   * Structured pruning sets it when it removes heads, so the kept heads keep their width.
   */
  headDim: Units.optional(),
  ffDim: Units,
  dropout: Rate.default(0.1),
});

export const LayerSpec = z.discriminatedUnion('type', [
  Conv2dLayer,
  MaxPool2dLayer,
  AvgPool2dLayer,
  FlattenLayer,
  DenseLayer,
  DropoutLayer,
  BatchNormLayer,
  LayerNormLayer,
  GlobalAvgPoolLayer,
  TokenEmbeddingLayer,
  PatchEmbeddingLayer,
  TransformerBlockLayer,
]);
export type LayerSpec = z.infer<typeof LayerSpec>;
/** A layer as written by hand (defaults not yet applied). */
export type LayerSpecInput = z.input<typeof LayerSpec>;
export type LayerType = LayerSpec['type'];
export const LAYER_TYPES = LayerSpec.options.map((o) => o.shape.type.value) as LayerType[];

/**
 * The input a model expects: the dataset InputSpec without its storage dtype (extra keys are
 * dropped, so a dataset's InputSpec parses as is).
 */
export const ModelInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('image'),
    height: z.number().int().min(1).max(4096),
    width: z.number().int().min(1).max(4096),
    channels: z.number().int().min(1).max(16),
  }),
  z.object({
    kind: z.literal('text'),
    seqLength: z.number().int().min(1).max(4096),
    vocabSize: z.number().int().min(2).max(1_000_000),
    tokenizer: z.enum(['word', 'char']).optional(),
  }),
  z.object({ kind: z.literal('tabular'), features: z.array(z.string()).min(1) }),
]);
export type ModelInput = z.infer<typeof ModelInput>;

export const Optimizer = z.enum(['adam', 'sgd', 'rmsprop']);
export type Optimizer = z.infer<typeof Optimizer>;

/** Learning-rate schedule over epochs (warm-up, in batches, comes first). */
export const LrSchedule = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('constant') }),
  /** Multiply by `factor` every `every` epochs. */
  z.strictObject({ type: z.literal('step'), every: z.number().int().min(1).max(10_000), factor: z.number().gt(0).max(1) }),
  /** Cosine decay from the learning rate to `minLearningRate` over the run's epochs. */
  z.strictObject({ type: z.literal('cosine'), minLearningRate: z.number().min(0).default(0) }),
]);
export type LrSchedule = z.infer<typeof LrSchedule>;

export const TrainingDefaults = z
  .strictObject({
    optimizer: Optimizer.default('adam'),
    learningRate: z.number().positive().max(10).default(0.001),
    /** Used by sgd (and rmsprop); ignored by adam. */
    momentum: z.number().min(0).max(0.999).default(0),
    loss: z.literal('sparseCategoricalCrossentropy').default('sparseCategoricalCrossentropy'),
    batchSize: z.number().int().min(1).max(65_536).default(32),
    epochs: z.number().int().min(1).max(10_000).default(10),
    schedule: LrSchedule.default({ type: 'constant' }),
    /** Batches of linear warm-up from 0 to the learning rate. */
    warmup: z.number().int().min(0).max(1_000_000).default(0),
  });
export type TrainingDefaults = z.infer<typeof TrainingDefaults>;

export const ModelSpec = z.strictObject({
  formatVersion: z.literal(MODEL_SPEC_FORMAT_VERSION),
  name: z.string().trim().min(1).max(120),
  /** The template it started from, or null when built by hand. */
  template: z.string().min(1).max(64).nullable(),
  input: ModelInput,
  numClasses: z.number().int().min(2).max(100_000),
  layers: z.array(LayerSpec).min(1).max(500),
  training: TrainingDefaults.prefault({}),
}).superRefine((spec, ctx) => {
  const names = new Set<string>();
  spec.layers.forEach((layer, i) => {
    if (layer.name === undefined) return;
    if (names.has(layer.name)) {
      ctx.addIssue({ code: 'custom', path: ['layers', i, 'name'], message: `name "${layer.name}" is used twice` });
    }
    names.add(layer.name);
  });
});
export type ModelSpec = z.infer<typeof ModelSpec>;
export type ModelSpecInput = z.input<typeof ModelSpec>;

/** Parses and validates a spec (applying defaults); throws a ZodError listing every problem. */
export function parseModelSpec(value: unknown): ModelSpec {
  return ModelSpec.parse(value);
}

/** [height, width] of a Size2. */
export function pair(size: Size2): [number, number] {
  return typeof size === 'number' ? [size, size] : size;
}

/** The readable, stable name the builder gives a layer: its own name or `<type>_<position from 1>`. */
export function layerName(layer: LayerSpec, index: number): string {
  return layer.name ?? `${layer.type}_${index + 1}`;
}
