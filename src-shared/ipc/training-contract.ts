/**
 * The training part of the IPC contract: models, runs with their metrics, checkpoints and
 * evaluations. contract.ts spreads `trainingChannels` into its channel table. The stored
 * formats it carries live in their own modules (runs/, checkpoints/, evaluations/).
 */
import { z } from 'zod';
import { CompressionRecipe } from '../compression/recipe';
import { CompressionReport, LayerFigures, MeasuredFigures } from '../compression/report';
import { CheckpointKind, CheckpointMeta, CheckpointMetrics, EarlyStoppingState, Topology, WeightSpecs } from '../checkpoints/checkpoint-meta';
import { SplitName } from '../datasets/schema';
import { EvalResult } from '../evaluations/eval-result';
import { ModelSpec } from '../models/spec';
import { CheckpointId, ModelId, RunId } from '../project/entry-ids';
import { Message } from '../messages/message';
import { HyperParams } from '../runs/hyper-params';
import { MetricRecord, RunSummary } from '../runs/metrics';
import { RunRecord, RunStatus } from '../runs/run-record';

const DatasetRef = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'is not a dataset id');
const EntryName = z.string().trim().min(1, 'is empty').max(120, 'is longer than 120 characters');
const Bytes = z.instanceof(Uint8Array);
const Iso = z.iso.datetime();
const NonNegInt = z.number().int().min(0);
/** Why a run failed, as the run record keeps it: by key, or words of bounded length. */
const RunError = z.union([z.string().max(2000), Message.refine((m) => m.text.length <= 2000, 'is longer than 2,000 characters')]);

/** A model of the project: its manifest entry and its spec. */
export const ModelView = z.object({
  id: ModelId,
  name: z.string(),
  template: z.string().nullable(),
  datasetId: z.string().nullable(),
  spec: ModelSpec,
  createdAt: Iso,
  updatedAt: Iso,
});
export type ModelView = z.infer<typeof ModelView>;

/** A run with its metrics: every epoch record, batch records downsampled for charts. */
export const RunDetails = z.object({
  run: RunRecord,
  epochs: z.array(MetricRecord),
  batches: z.array(MetricRecord),
  /** Batch records on disk; more than `batches.length` when downsampled. */
  batchTotal: NonNegInt,
});
export type RunDetails = z.output<typeof RunDetails>;

/**
 * What the trainer hands main at an epoch end or on Stop: tf.io.ModelArtifacts plus the
 * optimizer's weights. Byte fields are top-level so the web host can carry them in one binary frame.
 */
export const CheckpointSaveRequest = z
  .strictObject({
    runId: RunId,
    /** The checkpoint's name (the app's language); main names it in English when absent. */
    name: EntryName.optional(),
    epoch: NonNegInt,
    step: NonNegInt,
    kind: CheckpointKind,
    metrics: CheckpointMetrics.partial(),
    earlyStopping: EarlyStoppingState.optional(),
    modelTopology: Topology,
    trainingConfig: Topology.optional(),
    weightSpecs: WeightSpecs,
    weightData: Bytes,
    optimizer: z.strictObject({ weightSpecs: WeightSpecs }).optional(),
    optimizerWeightData: Bytes.optional(),
  })
  .refine((r) => (r.optimizer === undefined) === (r.optimizerWeightData === undefined), {
    path: ['optimizerWeightData'],
    message: 'must be given together with optimizer (and only then)',
  });
export type CheckpointSaveRequest = z.input<typeof CheckpointSaveRequest>;

/**
 * What a compression run in the ML worker made, for main to store as a compressed checkpoint:
 * main reads the sizes off these bytes. Byte fields are top-level (the web host's binary frames).
 */
export const CompressionSaveRequest = z.strictObject({
  parentId: CheckpointId,
  recipe: CompressionRecipe,
  name: EntryName.optional(),
  spec: ModelSpec,
  modelId: ModelId.nullable().optional(),
  modelTopology: Topology,
  weightSpecs: WeightSpecs,
  weightData: Bytes,
  backend: z.string().min(1).max(50),
  evalSplit: SplitName,
  evalSamples: NonNegInt,
  before: MeasuredFigures,
  after: MeasuredFigures,
  layers: z.array(LayerFigures).max(10_000),
  compressMs: z.number().min(0),
  /** Distillation with `compare`: the student trained alone, and its weight bytes. */
  compare: MeasuredFigures.optional(),
  compareWeightData: Bytes.optional(),
}).refine((r) => (r.compare === undefined) === (r.compareWeightData === undefined), {
  path: ['compareWeightData'],
  message: 'must be given together with compare (and only then)',
});
export type CompressionSaveRequest = z.input<typeof CompressionSaveRequest>;

/** What compression:prepare found: what the worker needs besides the parent and the dataset. */
export const CompressionPrepared = z.strictObject({
  datasetId: DatasetRef,
  evalSplit: SplitName,
  /** Distillation: the student's spec, and the project model it is (null for a template). */
  student: z.strictObject({ spec: ModelSpec, modelId: ModelId.nullable() }).nullable(),
});
export type CompressionPrepared = z.output<typeof CompressionPrepared>;

/** A loaded checkpoint, checksums verified. */
export const CheckpointData = z.object({
  modelTopology: Topology,
  trainingConfig: Topology.nullable(),
  weightSpecs: WeightSpecs,
  weightData: Bytes,
  optimizer: z.object({ weightSpecs: WeightSpecs }).nullable(),
  optimizerWeightData: Bytes.nullable(),
  meta: CheckpointMeta,
});
export type CheckpointData = z.output<typeof CheckpointData>;

/** The request/response channels of models, runs, checkpoints and evaluations. */
export const trainingChannels = {
  'model:list': { request: z.strictObject({}), response: z.array(ModelView) },
  'model:get': { request: z.strictObject({ id: ModelId }), response: ModelView },
  'model:create': {
    request: z.strictObject({ name: EntryName, spec: ModelSpec, datasetId: DatasetRef.optional() }),
    response: ModelView,
  },
  'model:update': {
    request: z.strictObject({ id: ModelId, name: EntryName.optional(), spec: ModelSpec.optional(), datasetId: DatasetRef.nullable().optional() }),
    response: ModelView,
  },
  'model:remove': { request: z.strictObject({ id: ModelId }), response: z.null() },
  /** Starts a run record (the renderer's worker trains); `spec` defaults to the model's. */
  'run:create': {
    request: z.strictObject({
      name: EntryName.optional(),
      /** Without a name: how to name the run in the client's language, `{n}` the first free number ("运行 {n}"). */
      defaultName: EntryName.refine((t) => t.includes('{n}'), 'has no {n}').optional(),
      modelId: ModelId.nullable().optional(),
      spec: ModelSpec.optional(),
      datasetId: DatasetRef,
      hyper: HyperParams,
      resumedFrom: z.strictObject({ checkpointId: CheckpointId }).nullable().optional(),
    }),
    response: RunRecord,
  },
  'run:appendMetrics': {
    request: z.strictObject({ runId: RunId, records: z.array(MetricRecord).max(10_000) }),
    response: z.object({ appended: NonNegInt, summary: RunSummary }),
  },
  'run:update': {
    request: z.strictObject({ runId: RunId, status: RunStatus, summary: RunSummary.optional(), error: RunError.nullable().optional() }),
    response: RunRecord,
  },
  'run:list': { request: z.strictObject({}), response: z.array(RunRecord) },
  'run:get': {
    request: z.strictObject({ runId: RunId, maxBatchPoints: z.number().int().min(10).max(100_000).default(2000) }),
    response: RunDetails,
  },
  /** Deletes a run that is not training, with its metrics, checkpoints and their evaluations. */
  'run:remove': { request: z.strictObject({ id: RunId }), response: z.null() },
  'checkpoint:save': { request: CheckpointSaveRequest, response: CheckpointMeta },
  'checkpoint:list': { request: z.strictObject({ runId: RunId.optional() }), response: z.array(CheckpointMeta) },
  'checkpoint:load': { request: z.strictObject({ id: CheckpointId, optimizer: z.boolean().default(true) }), response: CheckpointData },
  'checkpoint:remove': { request: z.strictObject({ id: CheckpointId }), response: z.null() },
  'eval:save': { request: z.strictObject({ checkpointId: CheckpointId, split: SplitName, result: EvalResult }), response: EvalResult },
  'eval:get': { request: z.strictObject({ checkpointId: CheckpointId, split: SplitName }), response: EvalResult.nullable() },
  /** The before/after report of a compressed checkpoint (null for a checkpoint training made). */
  'compression:report': { request: z.strictObject({ checkpointId: CheckpointId }), response: CompressionReport.nullable() },
  /** Checks a recipe against a checkpoint before any work (the same checks as the CLI's). */
  'compression:prepare': { request: z.strictObject({ checkpointId: CheckpointId, recipe: CompressionRecipe }), response: CompressionPrepared },
  /** Stores what a compression made as a new checkpoint of kind `compressed`, with its report. */
  'compression:save': { request: CompressionSaveRequest, response: z.strictObject({ meta: CheckpointMeta, report: CompressionReport }) },
} as const;
