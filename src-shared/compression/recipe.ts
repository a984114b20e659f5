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

/** Any recipe; the method says which. */
export const CompressionRecipe = z.discriminatedUnion('method', [QuantizeRecipe]);
export type CompressionRecipe = z.output<typeof CompressionRecipe>;
export type CompressionRecipeInput = z.input<typeof CompressionRecipe>;
export type CompressionMethod = CompressionRecipe['method'];
