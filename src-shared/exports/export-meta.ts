/**
 * An export: a checkpoint written in a format other runtimes load, in `exports/<id>/`, with its
 * verification by such a runtime. `export.json` (this schema, formatVersion 1) lists every file
 * of the folder with its sha256 and size.
 */
import { z } from 'zod';
import { CheckpointId, ExportId, ModelId } from '../project/entry-ids';

export const EXPORT_META_FORMAT_VERSION = 1;

/** The formats, and the precisions each writes. */
export const ExportFormat = z.enum(['tfjs', 'onnx']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/**
 * TF.js layers: `float32`; `float16` (half-precision weights, TF.js's own float16 dtype);
 * `uint8` (per-tensor affine, TF.js's own scheme: value = q·scale + min). ONNX: `float32`;
 * `float16` weights; `int8`, full static QDQ (int8 weights per channel, int32 biases, uint8
 * activations with calibrated ranges: onnxruntime's integer kernels); `int8-weights` (weights
 * only: smaller, not faster).
 */
export const ExportPrecision = z.enum(['float32', 'float16', 'uint8', 'int8', 'int8-weights']);
export type ExportPrecision = z.infer<typeof ExportPrecision>;

export const PRECISIONS: Record<ExportFormat, readonly ExportPrecision[]> = { tfjs: ['float32', 'float16', 'uint8'], onnx: ['float32', 'float16', 'int8', 'int8-weights'] };

const Count = z.number().int().min(0);
const Share = z.number().min(0).max(1);

/** What the independent runtime gave on test samples, against the studio's own predictions of the checkpoint. */
export const Verification = z.strictObject({
  /** The runtime that loaded the export (e.g. "TensorFlow.js 4.22.0 (cpu), stock loadLayersModel"). */
  runtime: z.string().min(1).max(200),
  split: z.enum(['train', 'validation', 'test']),
  samples: Count,
  /** Share of samples where both put the same class first. */
  agreement: Share,
  /** The largest difference of any class probability. */
  maxAbsDiff: z.number().min(0),
  /** Accuracy of the export and of the studio on those samples. */
  accuracy: Share,
  studioAccuracy: Share,
  /** The bounds it was held to, and whether it kept them. */
  minAgreement: Share,
  maxDiffBound: z.number().min(0),
  passed: z.boolean(),
  ms: z.number().min(0),
  /** ONNX: the runtime's median milliseconds per sample at batch 1, and samples per second at batch 256. */
  latencyMs: z.number().min(0).nullable().default(null),
  throughput: z.number().min(0).nullable().default(null),
  /** ONNX in another precision: the same two figures for the float32 export of the same checkpoint, timed in the same run. */
  float32LatencyMs: z.number().min(0).nullable().default(null),
  float32Throughput: z.number().min(0).nullable().default(null),
});
export type Verification = z.output<typeof Verification>;

export const ExportMeta = z.strictObject({
  formatVersion: z.literal(EXPORT_META_FORMAT_VERSION),
  id: ExportId,
  name: z.string().min(1).max(200),
  checkpointId: CheckpointId,
  modelId: ModelId.nullable(),
  datasetId: z.string().min(1).max(64),
  format: ExportFormat,
  precision: ExportPrecision,
  /** The files a runtime loads (the model and its weights, and the custom layers' script when needed). */
  modelFiles: z.array(z.string().min(1).max(200)).min(1),
  /** Their bytes together. */
  sizeBytes: Count,
  /** `verified` when the runtime agreed within the bounds, `failed` with its numbers otherwise. */
  status: z.enum(['verified', 'failed']),
  verification: Verification,
  generatedBy: z.string().max(200),
  createdAt: z.iso.datetime(),
  /** sha256 and size of every other file of the folder. */
  files: z.record(z.string(), z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: Count })),
});
export type ExportMeta = z.output<typeof ExportMeta>;
