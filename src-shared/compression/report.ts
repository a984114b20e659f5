/**
 * The before/after report of a compression, stored beside the compressed checkpoint
 * (`checkpoints/<id>/compression.json`). Every figure is measured from the artifacts: sizes from
 * the weight file's bytes, accuracy and loss by running each model on the same test samples,
 * latency and throughput in the same process on the same backend. Ratios in dB that are
 * infinite (an exact copy) are stored as null, since JSON has no Infinity.
 */
import { z } from 'zod';

const Count = z.number().int().min(0);
const Finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** What one model measures; `before` (the parent) and `after` (the compressed one) alike. */
export const ModelFigures = z.strictObject({
  params: Count,
  /** Parameters that are not exactly zero once decoded. */
  nonZeroParams: Count,
  /** The weight file's bytes, raw and gzipped (level 9): gzipped is the honest size of sparse weights. */
  sizeBytes: Count,
  gzipBytes: Count,
  /** On the evaluation samples, as the model runs (quantized weights and activations included). */
  accuracy: Finite.min(0).max(1),
  /** Null when it is not finite (a model that puts probability 0 on a true class). */
  loss: Finite.min(0).nullable(),
  /** Median milliseconds of one prediction of one sample. */
  latencyMs: Finite.min(0),
  /** Samples per second predicted at batch 256. */
  throughput: Finite.min(0),
  /** Multiply-adds times two, for one sample. */
  flops: Count,
});
export type ModelFigures = z.output<typeof ModelFigures>;

/** How one weight tensor is stored. */
export const WeightEncoding = z.enum(['float32', 'float16', 'uint8', 'int8']);
export type WeightEncoding = z.infer<typeof WeightEncoding>;

/** One layer of the compressed model (by its spec name) against the same layer of the parent. */
export const LayerFigures = z.strictObject({
  layer: z.string().min(1).max(200),
  type: z.string().max(100),
  params: Count,
  nonZeroParams: Count,
  /** Share of exactly-zero parameters. */
  sparsity: Finite.min(0).max(1),
  /** Bytes its weights take in the weight file. */
  bytes: Count,
  /** How its largest weight is stored (float32 for a layer kept in float or without weights). */
  encoding: WeightEncoding,
  /** Whether the parent has this layer with weights of the same shapes (not so for a distilled student). */
  compared: z.boolean(),
  /** Signal-to-quantization-noise ratio of its weights against the parent's, in dB (null: equal, or not compared). */
  weightSqnrDb: Finite.nullable(),
  /** Its output against the parent's on the same samples: the largest difference, and the SQNR. */
  outputMaxDiff: Finite.min(0).nullable(),
  outputSqnrDb: Finite.nullable(),
  /** The calibrated range of its output, when activations are quantized after it. */
  activationRange: z.tuple([Finite, Finite]).nullable(),
  /** Structured pruning: what the layer lost (filters, units, heads, feed-forward units), counted in the two models. */
  cuts: z.array(z.strictObject({ kind: z.enum(['filters', 'units', 'heads', 'ffUnits']), before: Count, after: Count })).max(4).optional(),
});
export type LayerFigures = z.output<typeof LayerFigures>;

export const COMPRESSION_REPORT_FORMAT_VERSION = 1;

export const CompressionReport = z.strictObject({
  formatVersion: z.literal(COMPRESSION_REPORT_FORMAT_VERSION),
  method: z.string().max(50),
  backend: z.string().max(50),
  /** The split the accuracy and loss come from, and how many of its samples. */
  evalSplit: z.enum(['train', 'validation', 'test']),
  evalSamples: Count,
  before: ModelFigures,
  after: ModelFigures,
  layers: z.array(LayerFigures).max(10_000),
  /** Distillation with `compare`: the same student trained alone (same seed, epochs and data). */
  compare: ModelFigures.optional(),
  /** Wall-clock milliseconds of the compression itself (not the measuring). */
  compressMs: Finite.min(0),
  createdAt: z.iso.datetime(),
});
export type CompressionReport = z.output<typeof CompressionReport>;

/** The report as the engine measures it: everything but the sizes, which main reads off the bytes. */
export const MeasuredFigures = ModelFigures.omit({ sizeBytes: true, gzipBytes: true });
export type MeasuredFigures = z.output<typeof MeasuredFigures>;
