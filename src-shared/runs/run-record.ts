/** `runs/<id>/run.json`: a training run as stored. */
import { z } from 'zod';
import { ModelSpec } from '../models/spec';
import { CheckpointId, ModelId, RunId } from '../project/entry-ids';
import { HyperParams } from './hyper-params';
import { RunSummary } from './metrics';
import { Said } from '../messages/message';

const NonNegInt = z.number().int().min(0);
const Iso = z.iso.datetime();

export const RunStatus = z.enum(['running', 'paused', 'stopped', 'completed', 'failed']);
export type RunStatus = z.infer<typeof RunStatus>;
/** `runs/<id>/run.json`. */
export const RunRecord = z.object({
  formatVersion: z.literal(1),
  id: RunId,
  name: z.string(),
  /** The model it trains, or null for a run of a spec not saved as a model (CLI templates). */
  modelId: ModelId.nullable(),
  datasetId: z.string(),
  /** The spec as it was when the run started. */
  spec: ModelSpec,
  hyper: HyperParams,
  status: RunStatus,
  createdAt: Iso,
  updatedAt: Iso,
  endedAt: Iso.nullable(),
  summary: RunSummary,
  resumedFrom: z.object({ checkpointId: CheckpointId, runId: RunId, epoch: NonNegInt }).nullable(),
  /** Why the run failed: by key where the cause is known (older records: plain words). */
  error: Said.nullable(),
});
export type RunRecord = z.output<typeof RunRecord>;
