/**
 * Where a training session reports: the app's worker relays each call to the UI, which records it
 * over IPC (RunForwarder); the CLI records it on disk (src-main/training/disk-sink.ts).
 */
import type { CheckpointMetrics, EarlyStoppingState } from '../../src-shared/checkpoints/checkpoint-meta';
import type { EpochMetrics, MetricRecordInput } from '../../src-shared/runs/metrics';
import type { CheckpointArtifacts, CheckpointKind, TrainResult } from '../train/types';
import type { Said } from '../../src-shared/messages/message';

/** What a session looks like once it trains. */
export interface SessionStarted {
  /** The TensorFlow.js backend actually running (a requested one may have fallen back). */
  backend: string;
  samplesPerEpoch: number;
  batchesPerEpoch: number;
  validationSamples: number;
  /** Samples per gradient slice: the batch size, or less when a batch does not fit in memory. */
  microBatchSize: number;
  /** The first epoch this session trains (not 0 when resumed). */
  startEpoch: number;
}

/** Where a checkpoint sits in its run, as stored with it. */
export interface CheckpointPoint {
  epoch: number;
  step: number;
  kind: CheckpointKind;
  /** The epoch's metrics (for a stop part-way: the epoch so far, no validation), or {} before any batch. */
  metrics: Partial<CheckpointMetrics>;
  /** Stored with the checkpoint, so a resume from it keeps counting patience. */
  earlyStopping: EarlyStoppingState;
}

/** A status change; the terminal one comes once, last, after every checkpoint. */
export type SessionStatus =
  | { status: 'running' | 'paused' }
  | { status: 'completed' | 'stopped'; result: TrainResult }
  | { status: 'failed'; error: Said };

/** How a session ended. */
export type SessionEnd = Exclude<SessionStatus, { status: 'running' | 'paused' }>;

/** TensorFlow.js memory in use, sampled while training. */
export interface SessionMemory {
  numTensors: number;
  numBytes: number;
  numBytesInGPU: number | null;
}

/** The receiving end of one training session. Awaited calls hold training until they settle. */
export interface TrainingSink {
  /** Batch records since the last call: throttled by the session, always flushed before the other calls. */
  batches(records: MetricRecordInput[]): void;
  /** An epoch ended, validation included. */
  epoch(record: MetricRecordInput, metrics: EpochMetrics): void | Promise<void>;
  /** Model and optimizer state at an epoch end or on stop; training waits for it. */
  checkpoint(artifacts: CheckpointArtifacts, point: CheckpointPoint): Promise<void>;
  status(update: SessionStatus): void | Promise<void>;
  memory?(memory: SessionMemory): void;
}

/** The checkpoint's metrics of an epoch (or of a stop part-way): the four the run view shows. */
export function checkpointMetrics(m: EpochMetrics | null): Partial<CheckpointMetrics> {
  return m ? { loss: m.loss, accuracy: m.accuracy, valLoss: m.valLoss, valAccuracy: m.valAccuracy } : {};
}
