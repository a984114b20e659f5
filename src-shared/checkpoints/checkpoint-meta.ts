/** `checkpoints/<id>/meta.json` and the TF.js weight specs a checkpoint's files follow. */
import { z } from 'zod';
import { CompressionRecipe } from '../compression/recipe';
import { ModelSpec } from '../models/spec';
import { CheckpointId, ModelId, RunId } from '../project/entry-ids';
import { EpochMetrics, Metric } from '../runs/metrics';

const NonNegInt = z.number().int().min(0);
const Iso = z.iso.datetime();

/** `compressed`: made by a compression from another checkpoint (its `compression` says how). */
export const CheckpointKind = z.enum(['epoch', 'stop', 'final', 'compressed']);
export type CheckpointKind = z.infer<typeof CheckpointKind>;

/** A TF.js weights-manifest entry (tf.io.WeightsManifestEntry; other keys are dropped). */
export const WeightSpec = z.object({
  name: z.string().min(1).max(1000),
  shape: z.array(NonNegInt).max(16),
  dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']),
  group: z.string().max(100).optional(),
  /**
   * TF.js's own schemes (uint8/uint16 affine per tensor: v * scale + min; float16), and the
   * studio's int8: symmetric, v = q * scales[i] along `axis` (one scale per channel or row).
   * Stock TF.js cannot read int8 (it throws on the dtype); the engine decodes it before loading.
   */
  quantization: z
    .object({
      scale: z.number().optional(),
      min: z.number().optional(),
      dtype: z.enum(['uint16', 'uint8', 'float16', 'int8']),
      scales: z.array(z.number()).max(1_000_000).optional(),
      axis: z.number().int().min(0).max(15).optional(),
    })
    .optional(),
});
export type WeightSpec = z.infer<typeof WeightSpec>;
/** A weights manifest's entries. */
export const WeightSpecs = z.array(WeightSpec).max(100_000);
/** A TF.js model topology (model.json's `modelTopology`), checked only as a JSON object. */
export const Topology = z.record(z.string(), z.unknown());

export const CheckpointMetrics = z.object({ loss: Metric, accuracy: Metric, valLoss: Metric, valAccuracy: Metric });
export type CheckpointMetrics = z.output<typeof CheckpointMetrics>;

/**
 * The trainer's early-stopping state after the last whole epoch, kept in each checkpoint so a
 * resumed run counts patience on from where it was rather than from zero. Losses are null until
 * an epoch has a finite one (JSON has no Infinity).
 */
export const EarlyStoppingState = z.strictObject({
  /** The lowest monitored loss (validation, else training) and the metrics of its epoch. */
  bestLoss: z.number().nullable(),
  best: EpochMetrics.nullable(),
  /** The loss an epoch must beat by minDelta to count as an improvement. */
  watchLoss: z.number().nullable(),
  /** Whole epochs since the last improvement. */
  wait: NonNegInt,
});
export type EarlyStoppingState = z.output<typeof EarlyStoppingState>;

/** `checkpoints/<id>/meta.json`. */
export const CheckpointMeta = z.object({
  formatVersion: z.literal(1),
  id: CheckpointId,
  name: z.string(),
  runId: RunId,
  modelId: ModelId.nullable(),
  datasetId: z.string(),
  /** 0-based index of the epoch it ends (kind 'stop': the epoch it was stopped in), as in MetricRecord. */
  epoch: NonNegInt,
  step: NonNegInt,
  kind: CheckpointKind,
  metrics: CheckpointMetrics,
  /** Absent in checkpoints written before it was kept; a resume from one starts patience afresh. */
  earlyStopping: EarlyStoppingState.optional(),
  spec: ModelSpec,
  /** Kind 'compressed': the checkpoint it was made from and the recipe (its report is compression.json). */
  compression: z.strictObject({ parentId: CheckpointId, recipe: CompressionRecipe }).optional(),
  createdAt: Iso,
  /** sha256 and size of each file of the checkpoint, checked on load. */
  files: z.record(z.string(), z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: NonNegInt })),
});
export type CheckpointMeta = z.output<typeof CheckpointMeta>;
