/**
 * Training runs as jobs, like imports: a run that trains is listed by job:list with its progress
 * (epochs and batches from the metrics it records), counted in the status bar, and job:cancel
 * stops it after its batch with a stop checkpoint. The trainer lives elsewhere (the app's worker,
 * the CLI), so cancelling asks it to stop and the job ends when the run's status says it has.
 * When its window or project goes, or the app quits, the job just ends: nothing is asked of a
 * trainer that is going too, and the run left 'running' is marked stopped when the project opens.
 */
import { StudioError } from '../../src-shared/errors';
import type { MetricRecord } from '../../src-shared/runs/metrics';
import type { RunRecord, RunStatus } from '../../src-shared/runs/run-record';
import type { EventBus } from '../ipc/event-bus';
import type { JobContext, JobService } from '../services/job-service';
import { say, type Said } from '../../src-shared/messages/message';

/** How long a cancelled run may take to stop (its batch and its stop checkpoint). */
const STOP_GRACE_MS = 120_000;

/** The error a failed run's job ends with: its cause by key where it has one. */
function trainingFailed(error: Said | null | undefined, run: { id: string; name: string }): StudioError {
  if (error && typeof error !== 'string') return StudioError.say('TRAINING_FAILED', error, { runId: run.id });
  return new StudioError('TRAINING_FAILED', error || `${run.name} failed.`, { runId: run.id });
}

/** Asks the trainer of a run to stop. */
export type StopRun = (runId: string) => void;

/** Where a run that trains is, for its job's progress. */
interface ActiveRun {
  ctx: JobContext;
  epochs: number;
  batchesPerEpoch: number | null;
  end(status: 'stopped' | 'completed' | 'failed', error?: Said | null): void;
}

/** The job of each run that trains. */
export class TrainingJobs {
  private readonly active = new Map<string, ActiveRun>();

  constructor(
    private readonly jobs: Pick<JobService, 'startJob'>,
    private readonly events: Pick<EventBus, 'emit'>,
  ) {}

  /**
   * Starts the job of a run that has just been created. `stop` is how a cancel reaches its
   * trainer; by default the client that created the run is asked (run:stopRequested).
   */
  begin(run: RunRecord, opts: { clientId: string; batchesPerEpoch: number | null; stop?: StopRun | undefined }): string {
    const stop = opts.stop ?? ((runId: string) => this.events.emit('run:stopRequested', { runId }, { clientId: opts.clientId }));
    const handle = this.jobs.startJob(
      'train',
      say('jobs.trainingTitle', { name: run.name }),
      (ctx) =>
        new Promise<RunStatus>((resolve, reject) => {
          this.active.set(run.id, {
            ctx,
            epochs: run.hyper.epochs,
            batchesPerEpoch: opts.batchesPerEpoch,
            end: (status, error) => {
              this.active.delete(run.id);
              if (status === 'failed') reject(trainingFailed(error, run));
              else resolve(status);
            },
          });
          ctx.report(0, say('jobs.starting'));
          ctx.signal.addEventListener(
            'abort',
            () => {
              // A person asked: the trainer stops after its batch and the run's status ends the job.
              if (ctx.abortCause() === 'cancelled') stop(run.id);
              else this.active.get(run.id)?.end('stopped');
            },
            { once: true },
          );
        }),
      { clientId: opts.clientId, cancelGraceMs: STOP_GRACE_MS },
    );
    return handle.id;
  }

  /** Moves a run's progress on with the metric records it has just recorded. */
  recorded(runId: string, records: readonly MetricRecord[]): void {
    const a = this.active.get(runId);
    const last = records.at(-1);
    if (!a || !last) return;
    const done = last.kind === 'epoch' ? last.epoch + 1 : last.epoch + (a.batchesPerEpoch ? ((last.batch ?? 0) + 1) / a.batchesPerEpoch : 0);
    const epoch = { epoch: Math.min(last.epoch + 1, a.epochs), epochs: a.epochs };
    a.ctx.report(
      done / a.epochs,
      last.kind === 'batch' && a.batchesPerEpoch
        ? say('jobs.epochBatchOf', { ...epoch, batch: (last.batch ?? 0) + 1, batches: a.batchesPerEpoch })
        : say('jobs.epochOf', epoch),
    );
  }

  /** Follows a run's status: paused shows in the job's line, and an ended run ends its job. */
  statusChanged(runId: string, status: RunStatus, error?: Said | null): void {
    const a = this.active.get(runId);
    if (!a) return;
    if (status === 'paused') a.ctx.report(null, say('jobs.paused'));
    else if (status === 'stopped' || status === 'completed' || status === 'failed') a.end(status, error);
  }
}
