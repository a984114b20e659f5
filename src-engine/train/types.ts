/**
 * The trainer's interface, shared by the renderer's ML worker (batches from a MessagePort feed)
 * and the Node CLI (batches from the dataset's files). Environment-neutral: no DOM, no Node.
 */
import type { EarlyStoppingState, WeightSpec } from '../../src-shared/checkpoints/checkpoint-meta';
import type { EpochMetrics, MetricRecordInput } from '../../src-shared/runs/metrics';
import type { HyperParams } from '../../src-shared/runs/hyper-params';
import type { ModelSpec } from '../../src-shared/models/spec';
import type { AugmentOptions } from '../data/augment';
import type { TrainerHooks } from './hooks';

export type { LossContext, ModelContext, StepContext, TrainerHooks } from './hooks';

/** Sample inputs as they arrive: uint8 pixels, int32 token ids or float32 features. */
export type InputArray = Uint8Array | Int32Array | Float32Array;

/** One batch: `size` samples, inputs shaped [size, ...sampleShape], int32 labels. */
export interface TrainBatch {
  x: InputArray;
  y: Int32Array;
  size: number;
  shape: number[];
}

/** Where batches come from; the worker's BatchSource satisfies it. */
export interface BatchProvider {
  /** Samples in one epoch. */
  readonly count: number;
  /** The batches of one epoch, in an order seeded by the provider's seed and `epoch`. */
  epoch(
    epoch: number,
    opts: { batchSize: number; dropRemainder?: boolean; augment?: AugmentOptions },
  ): AsyncIterable<TrainBatch>;
}

/** A model (and optionally its optimizer state) in TF.js layers-format pieces. */
export interface CheckpointArtifacts {
  modelTopology: Record<string, unknown>;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  optimizer: { weightSpecs: WeightSpec[]; weightData: ArrayBuffer } | null;
}

export type CheckpointKind = 'epoch' | 'stop' | 'final';
export type TrainerStatus = 'running' | 'paused' | 'stopped' | 'completed' | 'failed';

/** Where a checkpoint sits in its run, and what a resume from it needs besides the weights. */
export interface CheckpointInfo {
  epoch: number;
  step: number;
  kind: CheckpointKind;
  metrics: EpochMetrics | null;
  earlyStopping: EarlyStoppingState;
}

/** Continue from a checkpoint: weights and optimizer state, and the next epoch/step to run. */
export interface ResumePoint {
  artifacts: CheckpointArtifacts;
  nextEpoch: number;
  step: number;
  /** The checkpoint's early-stopping state; absent (old checkpoints) starts patience afresh. */
  earlyStopping?: EarlyStoppingState | undefined;
}

export interface TrainerCallbacks {
  /** After every batch (the caller throttles what it forwards). */
  onBatch?(record: MetricRecordInput): void;
  /** After every epoch, validation included. */
  onEpoch?(record: MetricRecordInput, metrics: EpochMetrics): void | Promise<void>;
  /**
   * At each epoch end, and on stop; training waits for it, so checkpoints are never skipped.
   * `earlyStopping` is the state after the last whole epoch, to store with the checkpoint.
   */
  onCheckpoint?(artifacts: CheckpointArtifacts, info: CheckpointInfo): Promise<void>;
  onStatus?(status: TrainerStatus): void;
}

export interface TrainerOptions {
  spec: ModelSpec;
  hyper: HyperParams;
  train: BatchProvider;
  validation: BatchProvider | null;
  /** Continue from a checkpoint rather than from fresh weights. */
  resume?: ResumePoint;
  callbacks?: TrainerCallbacks;
  /** Seams that change the training (loss, after each step, the model trained); see hooks.ts. */
  hooks?: TrainerHooks;
  /**
   * Tabular inputs: the training split's per-feature mean and std (the dataset manifest's
   * featureStats); computed in a first pass over `train` when absent.
   */
  standardization?: { mean: number[]; std: number[] } | null;
  /**
   * At most this many samples per gradient slice of a batch, below what the memory budget allows
   * (micro-batch.ts); for tests and benchmarks. The optimiser step is the same either way.
   */
  maxMicroBatch?: number;
}

/** How a run ended. */
export interface TrainResult {
  status: 'completed' | 'stopped' | 'early-stopped';
  epochsDone: number;
  step: number;
  last: EpochMetrics | null;
  best: EpochMetrics | null;
}
