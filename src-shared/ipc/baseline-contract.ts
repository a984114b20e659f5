/** The baseline:* channels (merged into the contract's channel table in contract.ts). */
import { z } from 'zod';
import { BaselineListing } from '../baselines/baseline-meta';
import { BaselineModelName, BaselineSettings } from '../baselines/settings';
import { BaselineId, CheckpointId } from '../project/entry-ids';

/** One line of a dataset's leaderboard: a fitted baseline, or a network's checkpoint with a test evaluation. */
export const LeaderboardRow = z.strictObject({
  kind: z.enum(['baseline', 'network']),
  /** The baseline run's or the checkpoint's id. */
  sourceId: z.union([BaselineId, CheckpointId]),
  /** The baseline model, for a baseline. */
  model: BaselineModelName.nullable(),
  /** The model's title (baseline) or the checkpoint's name (network). */
  name: z.string(),
  /** The baseline run's name, or the network's model name. */
  group: z.string(),
  accuracy: z.number().min(0).max(1),
  f1: z.number().min(0).max(1),
  /** Bytes on disk: the fitted model's file, or the checkpoint's files. */
  sizeBytes: z.number().int().min(0),
  latencyMs: z.number().min(0),
  /** Seconds of fitting, or of training batches up to the checkpoint; null where the record does not say. */
  trainSeconds: z.number().min(0).nullable(),
  /** Where the latency was measured: "Node" for baselines, the network's backend. */
  measuredOn: z.string(),
  testSamples: z.number().int().min(0),
  createdAt: z.iso.datetime(),
});
export type LeaderboardRow = z.output<typeof LeaderboardRow>;

export const baselineChannels = {
  /** The project's baseline runs (of one dataset when given), oldest first. */
  'baseline:list': { request: z.strictObject({ datasetId: z.string().min(1).max(64).optional() }), response: z.array(BaselineListing) },
  /** Starts fitting baselines on a dataset as a job; its result is stored as `baselines/<id>/`. */
  'baseline:start': {
    request: z.strictObject({
      datasetId: z.string().min(1).max(64),
      models: z.array(BaselineModelName).min(1).max(20).optional(),
      settings: BaselineSettings.partial().optional(),
      search: z.boolean().default(false),
      seed: z.number().int().min(0).max(2 ** 32 - 1).default(42),
      /** Cut to 120 characters. */
      name: z.string().trim().min(1).max(400).optional(),
    }),
    response: z.strictObject({ jobId: z.string(), baselineId: BaselineId }),
  },
  'baseline:remove': { request: z.strictObject({ id: BaselineId }), response: z.null() },
  /** Every baseline and every evaluated network of a dataset, best accuracy first. */
  'baseline:leaderboard': { request: z.strictObject({ datasetId: z.string().min(1).max(64) }), response: z.array(LeaderboardRow) },
} as const;
