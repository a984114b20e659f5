/**
 * Compression recipes: what a compression does to a checkpoint, stored in the compressed
 * checkpoint's meta.json so its lineage says how it was made. Versioned like the project file
 * (formatVersion 1); every option has a default, so `{method: 'quantize', scheme: 'int8'}`
 * is a whole recipe.
 */
import { z } from 'zod';
import { LayerNameText } from '../models/spec';

export const COMPRESSION_RECIPE_FORMAT_VERSION = 1;

/**
 * Post-training quantization schemes:
 * - `int8`: weights int8, symmetric, one scale per output channel (conv and dense kernels,
 *   attention projections, patch-embedding kernels) or per row (token and position embeddings);
 * - `uint8`: weights uint8, affine, one scale and minimum per tensor (what stock TF.js loads);
 * - `float16`: every float weight in half precision;
 * - `full-int8`: int8 weights as above plus uint8 activations at every layer boundary, with
 *   ranges calibrated on training samples.
 * Biases and normalisation parameters stay float32 in the integer schemes.
 */
export const QUANTIZATION_SCHEMES = ['int8', 'uint8', 'float16', 'full-int8'] as const;
export const QuantizationScheme = z.enum(QUANTIZATION_SCHEMES);
export type QuantizationScheme = z.infer<typeof QuantizationScheme>;

/** How activation ranges are taken from the calibration samples. */
export const CalibrationMethod = z.enum(['minmax', 'percentile']);
export type CalibrationMethod = z.infer<typeof CalibrationMethod>;

export const Calibration = z.strictObject({
  /** Training samples the ranges are taken from (a seeded subset). */
  samples: z.number().int().min(1).max(100_000).default(256),
  method: CalibrationMethod.default('minmax'),
  /** For `percentile`: the share of values inside the range, in percent (the rest is clipped). */
  percentile: z.number().gt(50).max(100).default(99.99),
});
export type Calibration = z.output<typeof Calibration>;

export const QuantizeRecipe = z.strictObject({
  formatVersion: z.literal(COMPRESSION_RECIPE_FORMAT_VERSION).default(COMPRESSION_RECIPE_FORMAT_VERSION),
  method: z.literal('quantize'),
  scheme: QuantizationScheme,
  /** Only for `full-int8`. */
  calibration: Calibration.default(() => Calibration.parse({})),
  /** Layers (spec layer names, as in the report) whose weights and outputs stay float32. */
  keepFloat: z.array(LayerNameText).max(1000).default([]),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
});
export type QuantizeRecipe = z.output<typeof QuantizeRecipe>;

/** How the target sparsity is reached over the fine-tuning steps. */
export const PruningSchedule = z.enum(['polynomial', 'constant']);
export type PruningSchedule = z.infer<typeof PruningSchedule>;

/**
 * Magnitude pruning. Unstructured (the default): the smallest weights of conv and dense kernels,
 * attention projections and embeddings are set to exactly zero, then the model is fine-tuned
 * with the zeros held after every optimizer step, and stored as plain weights with exact zeros.
 * Structured: the conv filters, dense units, attention heads and feed-forward units with the
 * smallest norm are removed at once, the spec rebuilt smaller, then fine-tuned (the schedule,
 * scope and frequency are for unstructured pruning only).
 */
export const PruneRecipe = z.strictObject({
  formatVersion: z.literal(COMPRESSION_RECIPE_FORMAT_VERSION).default(COMPRESSION_RECIPE_FORMAT_VERSION),
  method: z.literal('prune'),
  /**
   * The share of prunable weights that end at zero (0 < s < 1); structured: the share of each
   * layer's filters, units or heads removed (floor(s·n), at least one kept).
   */
  sparsity: z.number().gt(0, 'must be above 0').lt(1, 'must be below 1'),
  structured: z.boolean().default(false),
  /** Structured: the norm that ranks filters, units and heads (the smallest go). */
  criterion: z.enum(['l1', 'l2']).default('l1'),
  /** `layer`: each layer reaches the sparsity; `global`: one threshold over all prunable weights. */
  scope: z.enum(['layer', 'global']).default('layer'),
  /**
   * `polynomial`: from `initialSparsity` to `sparsity` as TF-MOT's PolynomialDecay (power 3)
   * over the first 70% of the fine-tuning steps, the rest at `sparsity` to recover; masks
   * updated every `frequency` steps, and at least ten times over the ramp.
   * `constant`: the final sparsity from the first step.
   */
  schedule: PruningSchedule.default('polynomial'),
  initialSparsity: z.number().min(0).lt(1).default(0),
  frequency: z.number().int().min(1).max(1_000_000).default(100),
  /** Fine-tuning epochs on the model's training split; 0 prunes once without training. */
  fineTuneEpochs: z.number().int().min(0).max(1000).default(2),
  /** Adam's learning rate for fine-tuning, with cosine decay to 0 over it (Keras's default rate). */
  learningRate: z.number().positive().max(1).default(0.001),
  /** Default: the model's training batch size. */
  batchSize: z.number().int().min(1).max(65_536).optional(),
  /** Fine-tune on at most this many training samples (a seeded subset), or all when null. */
  limit: z.number().int().min(1).nullable().default(null),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
}).refine((r) => !(r.structured && r.scope === 'global'), {
  path: ['scope'],
  message: 'structured pruning removes the same share of every layer; a global threshold is for unstructured pruning',
});
export type PruneRecipe = z.output<typeof PruneRecipe>;

/** The model a distillation trains: a template at a width, or a model of the project. */
export const Student = z.union([
  z.strictObject({ template: z.string().min(1).max(64), width: z.number().gt(0).max(4).default(1) }),
  z.strictObject({ modelId: z.string().regex(/^md-[a-z0-9]{8}$/, 'is not a model id') }),
]);
export type Student = z.output<typeof Student>;

/**
 * Knowledge distillation (Hinton et al. 2015): the student trains on
 * α·T²·KL(softmax(z_t/T) ‖ softmax(z_s/T)) + (1−α)·CE(y, softmax(z_s)), the teacher (the
 * parent checkpoint) in inference mode on the same batches. With `compare`, the same student
 * also trains alone (cross-entropy only) from the same seed on the same data, for the report.
 */
export const DistillRecipe = z.strictObject({
  formatVersion: z.literal(COMPRESSION_RECIPE_FORMAT_VERSION).default(COMPRESSION_RECIPE_FORMAT_VERSION),
  method: z.literal('distill'),
  student: Student,
  temperature: z.number().gt(0).max(100).default(4),
  alpha: z.number().min(0).max(1).default(0.9),
  epochs: z.number().int().min(1).max(1000).default(5),
  /** Default: the student's training defaults (optimizer, rate, schedule, batch size). */
  learningRate: z.number().positive().max(10).optional(),
  batchSize: z.number().int().min(1).max(65_536).optional(),
  /** Train on at most this many training samples (a seeded subset), or all when null. */
  limit: z.number().int().min(1).nullable().default(null),
  compare: z.boolean().default(false),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
});
export type DistillRecipe = z.output<typeof DistillRecipe>;

/** Any recipe; the method says which. */
export const CompressionRecipe = z.discriminatedUnion('method', [QuantizeRecipe, PruneRecipe, DistillRecipe]);
export type CompressionRecipe = z.output<typeof CompressionRecipe>;
export type CompressionRecipeInput = z.input<typeof CompressionRecipe>;
export type CompressionMethod = CompressionRecipe['method'];
