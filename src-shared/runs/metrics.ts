/** Training metrics as stored: `runs/<id>/metrics.jsonl` records, epoch metrics and run summaries. */
import { z } from 'zod';

const NonNegInt = z.number().int().min(0);

/**
 * A metric value. Training can diverge, so NaN and ±Infinity are accepted on the way in and
 * stored as null (JSON has no NaN).
 */
export const Metric = z
  .union([z.custom<number>((v) => typeof v === 'number', 'is not a number'), z.null()])
  .transform((v) => (v !== null && Number.isFinite(v) ? v : null));
export type Metric = z.output<typeof Metric>;

/** One line of `runs/<id>/metrics.jsonl`. `time` is milliseconds since 1970 (Date.now()). */
export const MetricRecord = z.strictObject({
  kind: z.enum(['batch', 'epoch']),
  epoch: NonNegInt,
  batch: NonNegInt.optional(),
  step: NonNegInt,
  loss: Metric,
  accuracy: Metric,
  valLoss: Metric.optional(),
  valAccuracy: Metric.optional(),
  lr: z.number().min(0),
  samplesPerSec: z.number().min(0),
  time: z.number().min(0),
});
export type MetricRecord = z.output<typeof MetricRecord>;
export type MetricRecordInput = z.input<typeof MetricRecord>;

/** Metrics at the end of one epoch. */
export const EpochMetrics = z.object({
  epoch: NonNegInt,
  step: NonNegInt,
  loss: Metric,
  accuracy: Metric,
  valLoss: Metric,
  valAccuracy: Metric,
});
export type EpochMetrics = z.output<typeof EpochMetrics>;

/** Best (lowest validation loss, else training loss) and last epoch of a run. */
export const RunSummary = z.object({ epochsDone: NonNegInt, best: EpochMetrics.nullable(), last: EpochMetrics.nullable() });
export type RunSummary = z.output<typeof RunSummary>;
