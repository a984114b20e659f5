/**
 * Long-running jobs (imports, training, compression, export) as objects with an id, a status,
 * debounced progress and cancellation; whatever still runs is aborted when the app quits.
 */
import { randomUUID } from 'node:crypto';
import { StudioError, type StudioErrorData } from '../../src-shared/errors';
import type { JobSnapshot } from '../../src-shared/ipc/contract';
import type { Message } from '../../src-shared/messages/message';
import type { EventBus } from '../ipc/event-bus';
import { errorDataOf } from './io-errors';

/**
 * Why a job was aborted: a person cancelled it (job:cancel), the window or project it belongs to
 * went away, or the app is quitting.
 */
export type AbortCause = 'cancelled' | 'client-gone' | 'shutdown';

/** What a job's body gets: a signal to honour and a way to report progress. */
export interface JobContext {
  signal: AbortSignal;
  /** Why `signal` aborted; null while it has not. */
  abortCause(): AbortCause | null;
  /** Progress 0..1 (null while unknown) and an optional line for the UI (a Message: said in the UI's language). */
  report(progress: number | null, message?: string | Message): void;
}

/** A started job: its id and the promise of its result (rejects on failure or cancel). */
export interface JobHandle<T> {
  id: string;
  done: Promise<T>;
}

/** Options of `JobService.startJob`. */
export interface JobOptions {
  /** The client that started the job; its events go only there. Absent: every client. */
  clientId?: string;
  /**
   * How long cancel() waits for the body to notice its signal before it gives up on it (default
   * 3 s). A training run needs longer: it stops after its batch and writes a stop checkpoint.
   */
  cancelGraceMs?: number;
}

interface Job {
  snapshot: JobSnapshot;
  clientId: string | undefined;
  controller: AbortController;
  cause: AbortCause | null;
  settled: Promise<void>;
  graceMs: number;
  lastEmit: number;
  timer: NodeJS.Timeout | null;
}

/** Progress events per job are limited to this interval; the final state is always sent. */
const EMIT_INTERVAL_MS = 100;
/** Ended jobs kept for `list()`. */
const KEEP_ENDED = 50;
/** How long stop() and cancel() wait, by default, for a job body to notice its signal. */
const SETTLE_TIMEOUT_MS = 3_000;

/** A title or progress line as the snapshot holds it: its English, and its key where it has one. */
function shown(value: string | Message): { text: string; said?: Message } {
  return typeof value === 'string' ? { text: value } : { text: value.text, said: value };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}

/** Runs jobs and tells the UI about them through `job:updated`. */
export class JobService {
  private readonly jobs = new Map<string, Job>();
  private stopping = false;

  private readonly settleTimeoutMs: number;

  constructor(
    private readonly events: EventBus,
    opts: { settleTimeoutMs?: number } = {},
  ) {
    this.settleTimeoutMs = opts.settleTimeoutMs ?? SETTLE_TIMEOUT_MS;
  }

  /** Starts a job running `run` (a job, not the service: JobService has nothing to boot). */
  startJob<T>(kind: string, title: string | Message, run: (ctx: JobContext) => Promise<T>, opts: JobOptions = {}): JobHandle<T> {
    if (this.stopping) throw new StudioError('CANCELLED', 'Model Studio is shutting down; no new jobs start.');
    const id = randomUUID();
    const controller = new AbortController();
    const heading = shown(title);
    const job: Job = {
      snapshot: {
        id, kind, title: heading.text, ...(heading.said ? { titleSaid: heading.said } : {}), status: 'running', progress: null, message: '',
        startedAt: new Date().toISOString(), endedAt: null, error: null,
      },
      clientId: opts.clientId,
      controller,
      cause: null,
      settled: Promise.resolve(),
      graceMs: opts.cancelGraceMs ?? this.settleTimeoutMs,
      lastEmit: 0,
      timer: null,
    };
    this.jobs.set(id, job);
    this.emitNow(job);
    const ctx: JobContext = {
      signal: controller.signal,
      abortCause: () => job.cause,
      report: (progress, message) => this.report(job, progress, message),
    };
    // The body starts on the next tick, so a job cancelled right away never runs at all.
    const done = Promise.resolve().then(() => {
      controller.signal.throwIfAborted();
      return run(ctx);
    });
    job.settled = done.then(
      () => this.finish(job, controller.signal.aborted ? 'cancelled' : 'done'),
      (err: unknown) => this.finish(job, controller.signal.aborted ? 'cancelled' : 'failed', err),
    );
    const result = done.then((value) => {
      if (controller.signal.aborted) throw cancelledError(job);
      return value;
    }, (err: unknown) => {
      throw controller.signal.aborted ? cancelledError(job) : err;
    });
    // Callers that only watch events need not handle `done`; that must not crash the process.
    result.catch(() => undefined);
    return { id, done: result };
  }

  /** The running jobs and the recently ended ones, newest first; only those the client may see. */
  list(clientId?: string): JobSnapshot[] {
    return [...this.jobs.values()]
      .filter((j) => clientId === undefined || j.clientId === undefined || j.clientId === clientId)
      .map((j) => ({ ...j.snapshot }))
      .reverse();
  }

  /** A job's current snapshot; NOT_FOUND for unknown ids. */
  get(id: string, clientId?: string): JobSnapshot {
    return { ...this.find(id, clientId).snapshot };
  }

  /** Aborts a running job and resolves with its snapshot once it has ended (or gave up waiting). */
  async cancel(id: string, clientId?: string): Promise<JobSnapshot> {
    const job = this.find(id, clientId);
    await this.abort(job, 'cancelled', job.graceMs);
    return { ...job.snapshot };
  }

  /** Cancels the running jobs a client started (its window closed: nothing there finishes them, so no long grace). */
  async cancelClient(clientId: string): Promise<void> {
    const mine = [...this.jobs.values()].filter((j) => j.clientId === clientId && j.snapshot.status === 'running');
    await Promise.all(mine.map((j) => this.abort(j, 'client-gone', Math.min(j.graceMs, this.settleTimeoutMs))));
  }

  private async abort(job: Job, cause: AbortCause, graceMs: number): Promise<void> {
    if (job.snapshot.status !== 'running') return;
    job.cause = cause;
    job.controller.abort(cancelledError(job));
    await Promise.race([job.settled, delay(graceMs)]);
    // A body that ignores its signal is abandoned: the user asked for it to stop.
    this.finish(job, 'cancelled');
  }

  /** Aborts every running job and waits, bounded, for them to settle. */
  async stop(): Promise<void> {
    this.stopping = true;
    const running = [...this.jobs.values()].filter((j) => j.snapshot.status === 'running');
    for (const j of running) {
      j.cause = 'shutdown';
      j.controller.abort(cancelledError(j));
    }
    await Promise.race([Promise.all(running.map((j) => j.settled)), delay(this.settleTimeoutMs)]);
    for (const j of running) this.finish(j, 'cancelled');
  }

  private find(id: string, clientId?: string): Job {
    const job = this.jobs.get(id);
    if (!job || (clientId !== undefined && job.clientId !== undefined && job.clientId !== clientId)) {
      throw new StudioError('NOT_FOUND', `No job with id ${id}.`, { id });
    }
    return job;
  }

  private report(job: Job, progress: number | null, message?: string | Message): void {
    if (job.snapshot.status !== 'running') return;
    const p = progress === null || !Number.isFinite(progress) ? null : Math.min(1, Math.max(0, progress));
    if (message !== undefined) {
      const line = shown(message);
      const { messageSaid: _old, ...rest } = job.snapshot;
      job.snapshot = { ...rest, message: line.text, ...(line.said ? { messageSaid: line.said } : {}) };
    }
    job.snapshot = { ...job.snapshot, progress: p };
    const wait = job.lastEmit + EMIT_INTERVAL_MS - Date.now();
    if (wait <= 0) this.emitNow(job);
    else job.timer ??= setTimeout(() => this.emitNow(job), wait);
  }

  private finish(job: Job, status: 'done' | 'failed' | 'cancelled', err?: unknown): void {
    if (job.snapshot.status !== 'running') return;
    const error =
      status === 'failed' ? pick(errorDataOf(err)) : status === 'cancelled' ? { code: 'CANCELLED', message: 'Cancelled.' } : null;
    job.snapshot = {
      ...job.snapshot,
      status,
      progress: status === 'done' ? 1 : job.snapshot.progress,
      endedAt: new Date().toISOString(),
      error,
    };
    this.emitNow(job);
    this.trim();
  }

  private emitNow(job: Job): void {
    if (job.timer) {
      clearTimeout(job.timer);
      job.timer = null;
    }
    job.lastEmit = Date.now();
    this.events.emit('job:updated', { ...job.snapshot }, job.clientId === undefined ? {} : { clientId: job.clientId });
  }

  private trim(): void {
    const ended = [...this.jobs.values()].filter((j) => j.snapshot.status !== 'running');
    for (const j of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) this.jobs.delete(j.snapshot.id);
  }
}

function pick(e: StudioErrorData): NonNullable<JobSnapshot['error']> {
  return { code: e.code, message: e.message, ...(e.said ? { said: e.said } : {}) };
}

function cancelledError(job: Job): StudioError {
  return new StudioError('CANCELLED', `${job.snapshot.title} was cancelled.`, { id: job.snapshot.id });
}
