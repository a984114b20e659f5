/**
 * The training part of the IPC contract: models, runs with their metrics, checkpoints and
 * evaluations. contract.ts spreads `trainingChannels` into its channel table; the schemas here
 * are also what main validates the stored files against.
 */
import { z } from 'zod';
import { SplitName } from '../datasets/schema';
import { LrSchedule, ModelSpec, Optimizer } from '../models/spec';

/** An id as main makes them: the prefix, a dash and 8 lowercase base36 characters. */
function prefixedId(prefix: string, what: string) {
  return z.string().regex(new RegExp(`^${prefix}-[a-z0-9]{8}$`), `is not a ${what} id`);
}
export const ModelId = prefixedId('md', 'model');
export const RunId = prefixedId('rn', 'run');
export const CheckpointId = prefixedId('ck', 'checkpoint');
const DatasetRef = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'is not a dataset id');
const EntryName = z.string().trim().min(1, 'is empty').max(120, 'is longer than 120 characters');
const Bytes = z.instanceof(Uint8Array);
const Iso = z.iso.datetime();
const NonNegInt = z.number().int().min(0);

/**
 * A metric value. Training can diverge, so NaN and ±Infinity are accepted on the way in and
 * stored as null (JSON has no NaN).
 */
export const Metric = z
  .union([z.custom<number>((v) => typeof v === 'number', 'is not a number'), z.null()])
  .transform((v) => (v !== null && Number.isFinite(v) ? v : null));
export type Metric = z.output<typeof Metric>;

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

export const RunStatus = z.enum(['running', 'paused', 'stopped', 'completed', 'failed']);
export type RunStatus = z.infer<typeof RunStatus>;
export const Backend = z.enum(['webgpu', 'webgl', 'wasm', 'cpu']);
export type Backend = z.infer<typeof Backend>;

export { LrSchedule } from '../models/spec';

/** Image augmentation at batch time (src-renderer/ml/augment.ts AugmentOptions). */
export const Augmentation = z.strictObject({
  maxShift: z.number().int().min(0).max(64).optional(),
  maxRotation: z.number().min(0).max(180).optional(),
  flip: z.boolean().optional(),
  noiseStd: z.number().min(0).max(255).optional(),
});

export const HyperParams = z.strictObject({
  epochs: z.number().int().min(1).max(10_000),
  batchSize: z.number().int().min(1).max(65_536),
  optimizer: Optimizer,
  learningRate: z.number().positive().max(10),
  /** SGD and RMSprop momentum; ignored by Adam. */
  momentum: z.number().min(0).max(0.999).default(0),
  schedule: LrSchedule.default({ type: 'constant' }),
  /** Batches of linear warm-up from 0 to the learning rate. */
  warmup: NonNegInt.max(1_000_000).default(0),
  /** Stop when the validation loss has not improved by minDelta for `patience` epochs. */
  earlyStopping: z.strictObject({ patience: z.number().int().min(1).max(1000), minDelta: z.number().min(0).default(0) }).nullable().default(null),
  seed: NonNegInt.max(2 ** 32 - 1),
  backend: Backend,
  augmentation: Augmentation.nullable().default(null),
  /** Train on at most this many training samples (quick runs), or all when null. */
  limit: z.number().int().min(1).nullable().default(null),
});
export type HyperParams = z.infer<typeof HyperParams>;

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
  error: z.string().nullable(),
});
export type RunRecord = z.output<typeof RunRecord>;

/** A run with its metrics: every epoch record, batch records downsampled for charts. */
export const RunDetails = z.object({
  run: RunRecord,
  epochs: z.array(MetricRecord),
  batches: z.array(MetricRecord),
  /** Batch records on disk; more than `batches.length` when downsampled. */
  batchTotal: NonNegInt,
});
export type RunDetails = z.output<typeof RunDetails>;

export const CheckpointKind = z.enum(['epoch', 'stop', 'final']);
export type CheckpointKind = z.infer<typeof CheckpointKind>;

/** A TF.js weights-manifest entry (tf.io.WeightsManifestEntry; other keys are dropped). */
export const WeightSpec = z.object({
  name: z.string().min(1).max(1000),
  shape: z.array(NonNegInt).max(16),
  dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']),
  group: z.string().max(100).optional(),
  quantization: z.object({ scale: z.number().optional(), min: z.number().optional(), dtype: z.enum(['uint16', 'uint8', 'float16']) }).optional(),
});
export type WeightSpec = z.infer<typeof WeightSpec>;
const WeightSpecs = z.array(WeightSpec).max(100_000);
const Topology = z.record(z.string(), z.unknown());

export const CheckpointMetrics = z.object({ loss: Metric, accuracy: Metric, valLoss: Metric, valAccuracy: Metric });

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
  createdAt: Iso,
  /** sha256 and size of each file of the checkpoint, checked on load. */
  files: z.record(z.string(), z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: NonNegInt })),
});
export type CheckpointMeta = z.output<typeof CheckpointMeta>;

/**
 * What the trainer hands main at an epoch end or on Stop: tf.io.ModelArtifacts plus the
 * optimizer's weights. Byte fields are top-level so the web host can carry them in one binary frame.
 */
export const CheckpointSaveRequest = z
  .strictObject({
    runId: RunId,
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

const Fraction = z.number().min(0).max(1);
/** `checkpoints/<id>/eval-<split>.json`: an evaluation of a checkpoint on one split. */
export const EvalResult = z
  .strictObject({
    accuracy: Fraction,
    loss: Metric,
    /** confusion[actual][predicted] = count. */
    confusion: z.array(z.array(NonNegInt)).min(1).max(10_000),
    perClass: z.array(z.strictObject({ precision: Fraction, recall: Fraction, f1: Fraction, support: NonNegInt })),
    latencyMsPerSample: z.number().min(0),
    backend: z.string().min(1).max(50),
    misclassified: z
      .array(z.strictObject({ index: NonNegInt, label: NonNegInt, predicted: NonNegInt, scores: z.array(z.number()).max(100_000) }))
      .max(200),
    createdAt: Iso,
  })
  .superRefine((r, ctx) => {
    const n = r.confusion.length;
    if (r.confusion.some((row) => row.length !== n)) ctx.addIssue({ code: 'custom', path: ['confusion'], message: 'is not square' });
    if (r.perClass.length !== n) ctx.addIssue({ code: 'custom', path: ['perClass'], message: `has ${r.perClass.length} entries for ${n} classes` });
  });
export type EvalResult = z.output<typeof EvalResult>;

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
    request: z.strictObject({ runId: RunId, status: RunStatus, summary: RunSummary.optional(), error: z.string().max(2000).nullable().optional() }),
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
} as const;
