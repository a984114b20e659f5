/**
 * The CLI's end of a training session: records the run's metrics, checkpoints and status on disk
 * through the RunRecorder (the same services the app's IPC channels use), and tells a person
 * watching how it goes.
 */
import type { CheckpointArtifacts } from '../../src-engine/train/types';
import type { CheckpointPoint, SessionStatus, TrainingSink } from '../../src-engine/session/training-sink';
import type { EpochMetrics, MetricRecordInput } from '../../src-shared/runs/metrics';
import type { RunRecorder } from '../runs/run-recorder';

/** What a person watching a headless run sees (the CLI prints it). */
export interface DiskSinkProgress {
  batch?(record: MetricRecordInput): void;
  epoch?(metrics: EpochMetrics, info: { samplesPerSec: number; checkpointId: string; kind: string }): void;
}

/** Writes one run's records as its session reports them. */
export class DiskSink implements TrainingSink {
  /** Ids of the checkpoints written, in order. */
  readonly checkpointIds: string[] = [];
  /** The last epoch's training throughput. */
  samplesPerSec: number | null = null;
  private pending: MetricRecordInput[] = [];
  private lastEpoch: EpochMetrics | null = null;

  constructor(
    private readonly recorder: RunRecorder,
    private readonly runId: string,
    private readonly progress: DiskSinkProgress = {},
  ) {}

  batches(records: MetricRecordInput[]): void {
    this.pending.push(...records);
    for (const r of records) this.progress.batch?.(r);
  }

  async epoch(record: MetricRecordInput, metrics: EpochMetrics): Promise<void> {
    this.pending.push(record);
    this.samplesPerSec = record.samplesPerSec;
    this.lastEpoch = metrics;
    // Metrics reach the disk every epoch, so a crash loses at most the current one.
    await this.flush();
  }

  async checkpoint(artifacts: CheckpointArtifacts, point: CheckpointPoint): Promise<void> {
    await this.flush();
    const { optimizer, ...model } = artifacts;
    const meta = await this.recorder.saveCheckpoint(this.runId, point, model, optimizer ?? undefined);
    this.checkpointIds.push(meta.id);
    const m = this.lastEpoch;
    if (m && point.kind !== 'stop' && m.epoch === point.epoch) {
      this.progress.epoch?.(m, { samplesPerSec: this.samplesPerSec ?? 0, checkpointId: meta.id, kind: point.kind });
    }
  }

  async status(update: SessionStatus): Promise<void> {
    // Pauses are the app's; a headless run only ends.
    if (update.status === 'running' || update.status === 'paused') return;
    if (update.status === 'failed') {
      await this.flush().catch(() => undefined);
      await this.recorder.updateRun(this.runId, 'failed', typeof update.error === 'string' ? update.error.slice(0, 2000) : update.error).catch(() => undefined);
      return;
    }
    await this.flush();
    await this.recorder.updateRun(this.runId, update.status);
  }

  private async flush(): Promise<void> {
    if (this.pending.length) await this.recorder.appendMetrics(this.runId, this.pending);
    this.pending = [];
  }
}
