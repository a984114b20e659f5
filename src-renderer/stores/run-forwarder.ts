/**
 * The app's end of a training session (the IPC-backed TrainingSink): what the worker's session
 * reports goes to main: batch metrics to run:appendMetrics at most once a second (and at every
 * epoch end), checkpoints to checkpoint:save, status changes to run:update. Everything goes
 * through one queue, so main sees them in the order they happened.
 */
import type { CheckpointMeta } from '../../src-shared/checkpoints/checkpoint-meta';
import type { MetricRecordInput, RunSummary } from '../../src-shared/runs/metrics';
import type { RunRecord, RunStatus } from '../../src-shared/runs/run-record';
import type { StudioClient } from '../bridge/client';
import type { CheckpointPoint, SessionStatus, TrainingSink } from '../../src-engine/session/training-sink';
import type { CheckpointArtifacts } from '../../src-engine/train/types';
import type { Said } from '../../src-shared/messages/message';

const FLUSH_MS = 1000;

/** A byte view of a buffer without copying. */
function bytes(buffer: ArrayBuffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(buffer);
}

/** The name to send, unless it is too long for a name (a long run name): then main names it. */
function checkpointName(name: string): { name?: string } {
  return name.length <= 120 ? { name } : {};
}

export interface ForwarderHooks {
  /** The name a checkpoint of this run gets (in the UI's language). */
  nameCheckpoint(point: CheckpointPoint): string;
  onCheckpoint(meta: CheckpointMeta): void;
  onRun(run: RunRecord): void;
  onError(err: unknown): void;
}

export class RunForwarder implements TrainingSink {
  private queue: Promise<void> = Promise.resolve();
  private pending: MetricRecordInput[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private summary: RunSummary | null = null;
  private recorded: RunStatus = 'running';

  constructor(
    private readonly studio: StudioClient,
    readonly runId: string,
    private readonly hooks: ForwarderHooks,
  ) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
  }

  /** Queues work after everything queued before; a failure is reported, not thrown. */
  private enqueue(fn: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(fn).catch((err: unknown) => this.hooks.onError(err));
    return this.queue;
  }

  batches(records: MetricRecordInput[]): void {
    this.pending.push(...records);
  }

  epoch(record: MetricRecordInput): void {
    this.pending.push(record);
    this.flush();
  }

  /** Sends the metrics gathered so far. */
  flush(): Promise<void> {
    if (this.pending.length === 0) return this.queue;
    const records = this.pending;
    this.pending = [];
    return this.enqueue(async () => {
      const res = await this.studio.call(this.studio.api.run.appendMetrics({ runId: this.runId, records }));
      this.summary = res.summary;
    });
  }

  /** Queues the checkpoint's save; resolves at once (the worker has moved on). */
  async checkpoint(a: CheckpointArtifacts, point: CheckpointPoint): Promise<void> {
    this.flush();
    void this.enqueue(async () => {
      const meta = await this.studio.call(
        this.studio.api.checkpoint.save({
          runId: this.runId,
          ...checkpointName(this.hooks.nameCheckpoint(point)),
          epoch: point.epoch,
          step: point.step,
          kind: point.kind,
          metrics: point.metrics,
          ...(point.earlyStopping ? { earlyStopping: point.earlyStopping } : {}),
          modelTopology: a.modelTopology,
          weightSpecs: a.weightSpecs,
          weightData: bytes(a.weightData),
          ...(a.optimizer ? { optimizer: { weightSpecs: a.optimizer.weightSpecs }, optimizerWeightData: bytes(a.optimizer.weightData) } : {}),
        }),
      );
      this.hooks.onCheckpoint(meta);
    });
  }

  /** Records a status change (and the end of the run, with its error). */
  status(update: SessionStatus): Promise<void> {
    return this.setStatus(update.status, update.status === 'failed' ? update.error : undefined);
  }

  private setStatus(status: RunStatus, error?: Said): Promise<void> {
    if (status === this.recorded && !error) return this.queue;
    this.recorded = status;
    this.flush();
    return this.enqueue(async () => {
      const run = await this.studio.call(
        this.studio.api.run.update({
          runId: this.runId,
          status,
          ...(this.summary ? { summary: this.summary } : {}),
          ...(error !== undefined ? { error } : {}),
        }),
      );
      this.hooks.onRun(run);
    });
  }

  /** Stops the timer after sending what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
