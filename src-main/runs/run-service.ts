/**
 * Training runs of each client's open project: `runs/<id>/run.json` (configuration, status,
 * summary; replaced atomically) and `runs/<id>/metrics.jsonl` (append-only metrics). The
 * renderer's worker trains; this service only records.
 */
import { firstFreeName } from '../../src-shared/runs/default-name';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../src-shared/errors';
import type { RunDetails } from '../../src-shared/ipc/training-contract';
import { RunRecord, RunStatus } from '../../src-shared/runs/run-record';
import type { HyperParams } from '../../src-shared/runs/hyper-params';
import type { MetricRecord, RunSummary } from '../../src-shared/runs/metrics';
import type { ModelSpec } from '../../src-shared/models/spec';
import type { ProjectView } from '../../src-shared/ipc/contract';
import type { ProjectManifest } from '../../src-shared/project/manifest';
import { readCheckpointMeta } from '../checkpoints/checkpoint-files';
import { readDatasetManifest } from '../datasets/dataset-files';
import { KeyedQueue } from '../services/keyed-queue';
import { badField } from '../ipc/bad-field';
import { newEntityId } from '../services/entity-ids';
import { readJsonFile } from '../services/json-file';
import { projectPath } from '../services/project-paths';
import { requireEntry, requireProject } from '../services/open-project';
import { readModelSpec, removeFolder } from '../models/model-service';
import { writeFileAtomic } from '../services/atomic-write';
import type { ProjectService } from '../services/project-service';
import { appendRecords, downsample, readRecords, summarize } from './metrics-file';
import type { StopRun, TrainingJobs } from './training-jobs';
import { dropRemovalJournal, finishRemovals, writeRemovalJournal } from './run-removal';
import { say, type Said } from '../../src-shared/messages/message';

export const RUNS_DIR = 'runs';
const RUN_FILE = 'run.json';
const METRICS_FILE = 'metrics.jsonl';
const ENDED: ReadonlySet<RunStatus> = new Set(['stopped', 'completed', 'failed']);

/** `runs/<id>` relative to the project folder. */
export function runRelDir(id: string): string {
  return `${RUNS_DIR}/${id}`;
}

/** Reads and validates `runs/<id>/run.json`. */
export async function readRun(projectDir: string, id: string): Promise<RunRecord> {
  return readJsonFile(await projectPath(projectDir, RUNS_DIR, id, RUN_FILE), RunRecord, say('files.runRecord', { id }));
}

async function writeRun(projectDir: string, run: RunRecord): Promise<void> {
  await writeFileAtomic(await projectPath(projectDir, RUNS_DIR, run.id, RUN_FILE), JSON.stringify(run, null, 2));
}

/** Batches in one epoch of a run, from its dataset's training split; null when it cannot be read. */
async function batchesPerEpoch(projectDir: string, run: RunRecord): Promise<number | null> {
  try {
    const manifest = await readDatasetManifest(projectDir, run.datasetId);
    const samples = Math.min(manifest.splits.train.count, run.hyper.limit ?? Number.POSITIVE_INFINITY);
    return Math.max(1, Math.ceil(samples / run.hyper.batchSize));
  } catch {
    return null;
  }
}

/** What run:create asks for (parsed). */
export interface RunCreateRequest {
  name?: string | undefined;
  defaultName?: string | undefined;
  modelId?: string | null | undefined;
  spec?: ModelSpec | undefined;
  datasetId: string;
  hyper: HyperParams;
  resumedFrom?: { checkpointId: string } | null | undefined;
}

/** What the run service needs. */
export interface RunServiceDeps {
  projects: ProjectService;
  /** Removing a run removes its checkpoints through their service; typed by the method, as that service imports this file. */
  checkpoints: { removeMany(clientId: string, ids: readonly string[]): Promise<void> };
  /** Each run that trains is a job; without it (some tests) runs are only recorded. */
  trainingJobs?: TrainingJobs;
}

/** Records the runs of the projects open in the studio. */
export class RunService {
  private readonly queue = new KeyedQueue();

  constructor(private readonly deps: RunServiceDeps) {}

  /** Waits until every append and rewrite has reached the disk. */
  async stop(): Promise<void> {
    await this.queue.idle();
  }

  /**
   * Starts a run record with a snapshot of the model's spec, and its training job; `stop` is how
   * a cancel of that job reaches the trainer.
   */
  async create(clientId: string, req: RunCreateRequest, opts: { stop?: StopRun } = {}): Promise<RunRecord> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'datasets', req.datasetId);
    const modelId = req.modelId ?? null;
    if (modelId !== null) requireEntry(view, 'models', modelId);
    const spec = req.spec ?? (modelId !== null ? await readModelSpec(view.dir, modelId) : null);
    if (!spec) throw badField('spec', 'is required when no modelId is given');
    let resumedFrom: RunRecord['resumedFrom'] = null;
    if (req.resumedFrom) {
      const { checkpointId } = req.resumedFrom;
      requireEntry(view, 'checkpoints', checkpointId);
      const meta = await readCheckpointMeta(view.dir, checkpointId);
      resumedFrom = { checkpointId, runId: meta.runId, epoch: meta.epoch };
    }
    // Without a name, the first free "Run N", in the client's language when it gives its pattern.
    const runs = view.manifest.runs;
    const pattern = req.defaultName ?? 'Run {n}';
    const name = req.name ?? firstFreeName(runs.map((r) => r.name), (n) => pattern.replace('{n}', String(n)), runs.length + 1);
    const id = newEntityId('rn');
    const now = new Date().toISOString();
    const run: RunRecord = RunRecord.parse({
      formatVersion: 1,
      id,
      name,
      modelId,
      datasetId: req.datasetId,
      spec,
      hyper: req.hyper,
      status: 'running',
      createdAt: now,
      updatedAt: now,
      endedAt: null,
      summary: { epochsDone: 0, best: null, last: null },
      resumedFrom,
      error: null,
    });
    // Checked before anything is made: runs/ itself may be a link (project-paths.ts).
    const dir = await projectPath(view.dir, RUNS_DIR, id);
    await mkdir(dir, { recursive: true });
    try {
      await appendRecords(join(dir, METRICS_FILE), []);
      await writeRun(view.dir, run);
      await this.deps.projects.update(clientId, (m) => {
        if (m.id !== view.manifest.id) throw new StudioError('CANCELLED', 'The project was closed while the run was being created.');
        m.runs.push({ id, name, createdAt: now, dir: runRelDir(id), modelId, datasetId: req.datasetId, status: run.status });
      });
    } catch (err) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
    try {
      this.deps.trainingJobs?.begin(run, { clientId, batchesPerEpoch: await batchesPerEpoch(view.dir, run), stop: opts.stop });
    } catch (err) {
      // The app is quitting and starts no jobs: the run is recorded, and its trainer goes with the app.
      if (!(err instanceof StudioError && err.code === 'CANCELLED')) throw err;
    }
    return run;
  }

  /** Appends metric records (fsynced) and folds epoch records into the run's summary. */
  appendMetrics(clientId: string, runId: string, records: readonly MetricRecord[]): Promise<{ appended: number; summary: RunSummary }> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'runs', runId);
    return this.queue.run(`${view.dir}\0${runId}`, async () => {
      const run = await readRun(view.dir, runId);
      await appendRecords(await projectPath(view.dir, RUNS_DIR, runId, METRICS_FILE), records);
      this.deps.trainingJobs?.recorded(runId, records);
      if (!records.some((r) => r.kind === 'epoch')) return { appended: records.length, summary: run.summary };
      const next = { ...run, summary: summarize(run.summary, records), updatedAt: new Date().toISOString() };
      await writeRun(view.dir, next);
      return { appended: records.length, summary: next.summary };
    });
  }

  /** Sets a run's status (running, paused, stopped, completed, failed) and optionally its summary. */
  update(
    clientId: string,
    req: { runId: string; status: RunStatus; summary?: RunSummary | undefined; error?: Said | null | undefined },
  ): Promise<RunRecord> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'runs', req.runId);
    return this.queue.run(`${view.dir}\0${req.runId}`, async () => {
      const run = await readRun(view.dir, req.runId);
      const now = new Date().toISOString();
      const next: RunRecord = {
        ...run,
        status: req.status,
        updatedAt: now,
        endedAt: ENDED.has(req.status) ? (run.endedAt ?? now) : null,
        summary: req.summary ?? run.summary,
        error: req.error !== undefined ? req.error : req.status === 'failed' ? run.error : null,
      };
      await writeRun(view.dir, next);
      this.deps.trainingJobs?.statusChanged(req.runId, next.status, next.error);
      if (run.status !== next.status) {
        await this.deps.projects.update(clientId, (m) => {
          const entry = m.runs.find((e) => e.id === req.runId);
          if (entry) entry.status = next.status;
        });
      }
      return next;
    });
  }

  /**
   * Deletes a run and everything of it: its checkpoints with their evaluations, then its record
   * and metrics. BUSY while the run is running or paused: the trainer still writes to it.
   */
  remove(clientId: string, id: string): Promise<void> {
    const { dir } = requireProject(this.deps.projects, clientId);
    // In the run's queue, so no append or status change of it is half-way when it goes; the
    // manifest is read inside, as it was when the turn came.
    return this.queue.run(`${dir}\0${id}`, async () => {
      const view = requireProject(this.deps.projects, clientId);
      const entry = requireEntry(view, 'runs', id);
      // A damaged run.json must not make a run impossible to delete: the manifest mirrors its status.
      const status = await readRun(view.dir, id).then(
        (r) => r.status,
        () => (RunStatus.safeParse(entry.status).data ?? 'stopped'),
      );
      if (status === 'running' || status === 'paused') {
        throw StudioError.say('BUSY', say(`errors.runBusy.${status}`, { name: entry.name }), { id, status });
      }
      const checkpointIds = view.manifest.checkpoints.filter((e) => e.runId === id).map((e) => e.id);
      // Each step drops manifest entries (written to disk) before their folders, so no entry ever
      // outlives its files; the journal lets the next open delete folders a crash left behind.
      await writeRemovalJournal(view.dir, { runId: id, checkpointIds });
      await this.deps.checkpoints.removeMany(clientId, checkpointIds);
      await this.deps.projects.update(clientId, (m) => {
        m.runs = m.runs.filter((e) => e.id !== id);
      });
      await this.deps.projects.flushAll();
      await removeFolder(view, RUNS_DIR, id);
      await dropRemovalJournal(view.dir, id);
    });
  }

  /** Finishes run removals a crash cut short (see run-removal.ts); runs when a project opens. */
  async cleanupProject(view: ProjectView): Promise<void> {
    await finishRemovals(view).catch((err: unknown) => console.error(`Could not tidy ${view.dir}/${RUNS_DIR}:`, err));
  }

  /**
   * Marks runs left 'running' or 'paused' as stopped: the project lock proves no trainer is
   * still writing them, so the app closed or crashed mid-run. Returns the matching manifest change.
   */
  async recoverInterrupted(view: ProjectView): Promise<((m: ProjectManifest) => void) | undefined> {
    const fixed: string[] = [];
    for (const entry of view.manifest.runs) {
      let run: RunRecord;
      try {
        run = await readRun(view.dir, entry.id);
      } catch {
        continue; // An unreadable run is reported when it is listed.
      }
      if (ENDED.has(run.status)) continue;
      const now = new Date().toISOString();
      await writeRun(view.dir, {
        ...run,
        status: 'stopped',
        updatedAt: now,
        endedAt: now,
        error: say(view.manifest.checkpoints.some((c) => c.runId === entry.id) ? 'training.interrupted' : 'training.interruptedEarly'),
      });
      this.deps.trainingJobs?.statusChanged(entry.id, 'stopped');
      fixed.push(entry.id);
    }
    if (fixed.length === 0) return undefined;
    return (m) => {
      for (const e of m.runs) if (fixed.includes(e.id)) e.status = 'stopped';
    };
  }

  /** The client's runs, newest last; an unreadable one is left out and logged. */
  async list(clientId: string): Promise<RunRecord[]> {
    const view = requireProject(this.deps.projects, clientId);
    const out: RunRecord[] = [];
    for (const entry of view.manifest.runs) {
      try {
        out.push(await readRun(view.dir, entry.id));
      } catch (err) {
        console.error(`Skipping run ${entry.name}:`, (err as Error).message);
      }
    }
    return out;
  }

  /** A run with every epoch record and at most `maxBatchPoints` (downsampled) batch records. */
  async get(clientId: string, runId: string, maxBatchPoints = 2000): Promise<RunDetails> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'runs', runId);
    // Wait for appends in flight so a get right after an append sees it.
    const { run, records } = await this.queue.run(`${view.dir}\0${runId}`, async () => ({
      run: await readRun(view.dir, runId),
      records: (await readRecords(await projectPath(view.dir, RUNS_DIR, runId, METRICS_FILE))).records,
    }));
    const epochs = records.filter((r) => r.kind === 'epoch');
    const batches = records.filter((r) => r.kind === 'batch');
    return { run, epochs, batches: downsample(batches, maxBatchPoints), batchTotal: batches.length };
  }
}
