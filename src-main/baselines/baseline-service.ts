/**
 * Baseline runs of a project's datasets: the checks before any work, the job (its own process,
 * progress per fit, Cancel kills it and removes the incoming folder), the staged write of
 * `baselines/<id>/` with its project entry, the list (each checked against its checksums) and
 * removal.
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { sameSplit, splitOf, type BaselineListing, type BaselineMeta } from '../../src-shared/baselines/baseline-meta';
import { BASELINE_MODELS, BASELINE_TITLES, type BaselineModelName, type BaselineSettingsInput } from '../../src-shared/baselines/settings';
import { StudioError } from '../../src-shared/errors';
import { say } from '../../src-shared/messages/message';
import { readDatasetManifest } from '../datasets/dataset-files';
import { removeFolder } from '../models/model-service';
import { newEntityId } from '../services/entity-ids';
import type { JobService } from '../services/job-service';
import { noEntryError, requireEntry, requireProject } from '../services/open-project';
import type { ProjectService } from '../services/project-service';
import { INCOMING_PREFIX, REMOVING_PREFIX, sweepLeftovers, writeStagedFolder } from '../services/staged-folder';
import { BASELINES_DIR, baselineFilesProblem, baselineRelDir, readBaselineMeta, type BaselineJob } from './baseline-files';

/** Fits a job's models into a folder (its own process in the app and the web host; in this process in the CLI). */
export type RunBaselineJob = (
  req: { projectDir: string; folder: string; job: BaselineJob },
  opts: { signal: AbortSignal; onProgress?: (fraction: number, model: BaselineModelName, index: number) => void },
) => Promise<BaselineMeta>;

export interface BaselineStartRequest {
  datasetId: string;
  models?: BaselineModelName[] | undefined;
  settings?: BaselineSettingsInput | undefined;
  search?: boolean | undefined;
  seed?: number | undefined;
  name?: string | undefined;
}

/** A stored run's name is at most this long (a longer one is cut, so a fit is never refused at its end). */
const MAX_NAME = 120;

/** A checked request, ready to fit. */
export interface PreparedBaseline {
  job: BaselineJob;
  projectId: string;
  projectDir: string;
}

export interface BaselineServiceDeps {
  projects: ProjectService;
  jobs: JobService;
  appVersion: string;
  run: RunBaselineJob;
}

/** The sizes and modification times of a folder's files, as one string (missing ones as such). */
async function filesStamp(folder: string, files: string[]): Promise<string> {
  const parts = await Promise.all(files.map((f) => lstat(join(folder, f)).then((st) => `${f}:${st.size}:${st.mtimeMs}:${st.ino}`, () => `${f}:missing`)));
  return parts.join('|');
}

export class BaselineService {
  private readonly busy = new Set<string>();
  /** Runs whose files matched their checksums, by folder: the files' sizes and times then. */
  private readonly checked = new Map<string, { stamp: string; meta: string }>();
  constructor(private readonly deps: BaselineServiceDeps) {}

  /** Removes what a crashed run left (incoming and half-removed folders). */
  async cleanupProject(projectDir: string): Promise<void> {
    await sweepLeftovers(join(projectDir, BASELINES_DIR), { prefixes: [INCOMING_PREFIX, REMOVING_PREFIX], busy: this.busy }).catch((err: unknown) => console.error(`Could not tidy ${projectDir}/${BASELINES_DIR}:`, err));
  }

  /**
   * Checks a request against the open project's dataset (classes, test split, validation split
   * for a search) and makes the job: a bad request is refused before any work.
   */
  async prepare(clientId: string, req: BaselineStartRequest): Promise<PreparedBaseline> {
    const view = requireProject(this.deps.projects, clientId);
    const entry = requireEntry(view, 'datasets', req.datasetId);
    const manifest = await readDatasetManifest(view.dir, entry.id);
    if (manifest.splits.train.classCounts.filter((c) => c > 0).length < 2) throw StudioError.say('BAD_REQUEST', say('errors.baselineOneClass', { dataset: entry.name }));
    if (manifest.splits.test.count === 0) throw StudioError.say('BAD_REQUEST', say('errors.baselineNoTest', { dataset: entry.name }));
    if (req.search && manifest.splits.validation.count === 0) throw StudioError.say('BAD_REQUEST', say('errors.baselineNoValidation', { dataset: entry.name }));
    const models = req.models?.length ? [...new Set(req.models)] : [...BASELINE_MODELS];
    const name = (req.name?.trim() || `Baselines · ${entry.name}`).slice(0, MAX_NAME);
    const job: BaselineJob = {
      id: newEntityId('bl'),
      name,
      datasetId: entry.id,
      models,
      ...(req.settings ? { settings: req.settings } : {}),
      search: req.search ?? false,
      seed: req.seed ?? 42,
      appVersion: this.deps.appVersion,
    };
    return { job, projectId: view.manifest.id, projectDir: view.dir };
  }

  /** Starts a baseline run as a job of the client's; the job's result is the stored run's meta. */
  async start(clientId: string, req: BaselineStartRequest): Promise<{ jobId: string; baselineId: string }> {
    const prepared = await this.prepare(clientId, req);
    const { job } = prepared;
    const handle = this.deps.jobs.startJob(
      'baseline',
      `${job.name} (${job.models.length} model${job.models.length === 1 ? '' : 's'})`,
      async (ctx) => {
        ctx.report(0, say('jobs.baselinesReading'));
        return this.store(clientId, prepared, { signal: ctx.signal, onProgress: (fraction, model) => ctx.report(fraction, say('jobs.fitting', { model: BASELINE_TITLES[model] })) });
      },
      // The process is killed at once on cancel; the grace is for removing its folder.
      { clientId, cancelGraceMs: 10_000 },
    );
    void handle.done.catch(() => undefined);
    return { jobId: handle.id, baselineId: job.id };
  }

  /**
   * Fits a prepared job into a staged folder (with `run`, the service's own by default) and adds
   * the entry; the folder goes again if the entry cannot be saved.
   */
  async store(
    clientId: string,
    { job, projectId, projectDir }: PreparedBaseline,
    opts: { signal: AbortSignal; onProgress?: (fraction: number, model: BaselineModelName, index: number) => void },
    run: RunBaselineJob = this.deps.run,
  ): Promise<BaselineMeta> {
    this.busy.add(`${INCOMING_PREFIX}${job.id}`);
    try {
      const meta = await writeStagedFolder(join(projectDir, BASELINES_DIR), job.id, (folder) => run({ projectDir, folder, job }, opts), { signal: opts.signal });
      try {
        await this.deps.projects.update(clientId, (pm) => {
          if (pm.id !== projectId) throw new StudioError('CANCELLED', 'The project was closed while the baselines were being fitted.');
          if (!pm.datasets.some((d) => d.id === job.datasetId)) throw new StudioError('CANCELLED', 'The dataset was removed while its baselines were being fitted.');
          pm.baselines.push({ id: job.id, name: meta.name, createdAt: meta.createdAt, dir: baselineRelDir(job.id), datasetId: meta.datasetId });
        });
        await this.deps.projects.flushAll();
      } catch (err) {
        await removeFolder({ dir: projectDir }, BASELINES_DIR, job.id).catch(() => undefined);
        throw err;
      }
      return meta;
    } finally {
      this.busy.delete(`${INCOMING_PREFIX}${job.id}`);
    }
  }

  /** The project's baseline runs (of one dataset when given), oldest first, each checked against its checksums. */
  async list(clientId: string, datasetId?: string): Promise<BaselineListing[]> {
    const view = requireProject(this.deps.projects, clientId);
    const out: BaselineListing[] = [];
    const splits = new Map<string, Promise<BaselineMeta['split'] | null>>();
    const splitNow = (id: string) => {
      if (!splits.has(id)) splits.set(id, readDatasetManifest(view.dir, id).then(splitOf, () => null));
      return splits.get(id)!;
    };
    for (const entry of view.manifest.baselines) {
      if (datasetId !== undefined && entry.datasetId !== datasetId) continue;
      try {
        const meta = await readBaselineMeta(view.dir, entry.id);
        const damaged = meta.id !== entry.id ? `baseline.json is of another run (${meta.id})` : await this.filesProblem(view.dir, meta);
        const now = await splitNow(meta.datasetId);
        out.push({ meta, damaged, stale: now !== null && !sameSplit(meta.split, now) });
      } catch (err) {
        console.error(`Skipping baseline ${entry.name}:`, (err as Error).message);
      }
    }
    return out;
  }

  /**
   * What is wrong with a run's files, checked against their sha256 once per version of each
   * file (its size and modification time): listing again does not read tens of MB again.
   */
  private async filesProblem(projectDir: string, meta: BaselineMeta): Promise<string | null> {
    const key = join(projectDir, BASELINES_DIR, meta.id);
    const stamp = await filesStamp(key, Object.keys(meta.files));
    const known = this.checked.get(key);
    if (known && known.stamp === stamp && known.meta === JSON.stringify(meta.files)) return null;
    const problem = await baselineFilesProblem(projectDir, meta);
    if (problem === null) this.checked.set(key, { stamp, meta: JSON.stringify(meta.files) });
    else this.checked.delete(key);
    return problem;
  }

  /** Removes every baseline run of a dataset (the dataset is being removed): the entries first, then the folders. */
  async removeForDataset(clientId: string, datasetId: string): Promise<void> {
    const view = requireProject(this.deps.projects, clientId);
    const ids = view.manifest.baselines.filter((e) => e.datasetId === datasetId).map((e) => e.id);
    if (!ids.length) return;
    await this.deps.projects.update(clientId, (m) => {
      m.baselines = m.baselines.filter((e) => !ids.includes(e.id));
    });
    await this.deps.projects.flushAll();
    for (const id of ids) await removeFolder(view, BASELINES_DIR, id);
  }

  /** Removes a baseline run: its entry leaves the project file first, then its folder. */
  async remove(clientId: string, id: string): Promise<void> {
    const view = requireProject(this.deps.projects, clientId);
    if (!view.manifest.baselines.some((e) => e.id === id)) throw noEntryError('baselines', id);
    await this.deps.projects.update(clientId, (m) => {
      m.baselines = m.baselines.filter((e) => e.id !== id);
    });
    await this.deps.projects.flushAll();
    await removeFolder(view, BASELINES_DIR, id);
  }
}
