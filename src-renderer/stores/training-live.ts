/** The live run's state as the run view shows it, and helpers derived from it. */
import type { CheckpointData } from '../../src-shared/ipc/training-contract';
import type { MetricRecordInput } from '../../src-shared/runs/metrics';
import type { RunStatus } from '../../src-shared/runs/run-record';
import type { CheckpointArtifacts } from '../ml/training-protocol';
import type { Said } from '../../src-shared/messages/message';

/** The run the worker is training (or just trained) in this window. */
export interface LiveRun {
  runId: string;
  name: string;
  status: RunStatus;
  epochsTotal: number;
  /** The first epoch this session trains (not 0 when resumed). */
  startEpoch: number;
  batchSize: number;
  /** Samples per gradient slice (below batchSize when a batch does not fit in memory). */
  microBatchSize: number;
  batchesPerEpoch: number;
  samplesPerEpoch: number;
  backend: string;
  /** Set when the wanted backend was not available. */
  notice: { wanted: string; used: string } | null;
  /** Not reactive (they grow by hundreds a second); `tick` changes when they do. */
  batches: MetricRecordInput[];
  epochs: MetricRecordInput[];
  last: MetricRecordInput | null;
  memory: { numTensors: number; numBytes: number; numBytesInGPU: number | null } | null;
  error: Said | null;
  tick: number;
}

/** Seconds until the run ends at the current throughput, or null before it is known. */
export function liveEta(l: LiveRun): number | null {
  const r = l.last;
  if (!r || !(r.samplesPerSec > 0) || l.batchesPerEpoch === 0) return null;
  if (l.status !== 'running' && l.status !== 'paused') return 0;
  const total = l.epochsTotal * l.batchesPerEpoch;
  const done = r.kind === 'epoch' ? (r.epoch + 1) * l.batchesPerEpoch : r.epoch * l.batchesPerEpoch + (r.batch ?? 0) + 1;
  return (Math.max(0, total - done) * l.batchSize) / r.samplesPerSec;
}

/** A buffer holding exactly a byte view's bytes (a copy, so transferring it detaches nothing else). */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

/** A loaded checkpoint as the worker takes it. */
export function checkpointArtifacts(data: CheckpointData): CheckpointArtifacts {
  return {
    modelTopology: data.modelTopology,
    weightSpecs: data.weightSpecs,
    weightData: ownBuffer(data.weightData),
    optimizer:
      data.optimizer && data.optimizerWeightData
        ? { weightSpecs: data.optimizer.weightSpecs, weightData: ownBuffer(data.optimizerWeightData) }
        : null,
  };
}
