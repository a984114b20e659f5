/**
 * Exports of a project's checkpoints: the checks before any work, the staged write of
 * `exports/<id>/` with its project entry (format, precision, source checkpoint, size, status),
 * the list, and removal. What goes into the folder is the headless export's (headless-export.ts).
 */
import { join } from 'node:path';
import { StudioError } from '../../src-shared/errors';
import { say } from '../../src-shared/messages/message';
import type { CheckpointMeta } from '../../src-shared/checkpoints/checkpoint-meta';
import type { DatasetManifest } from '../../src-shared/datasets/schema';
import type { ExportFormat, ExportMeta, ExportPrecision } from '../../src-shared/exports/export-meta';
import type { PlatformAdapter } from '../platform';
import type { JobService } from '../services/job-service';
import { newEntityId } from '../services/entity-ids';
import { readCheckpointMeta } from '../checkpoints/checkpoint-files';
import { readDatasetManifest } from '../datasets/dataset-files';
import { removeFolder } from '../models/model-service';
import { noEntryError, requireEntry, requireProject } from '../services/open-project';
import type { ProjectService } from '../services/project-service';
import { INCOMING_PREFIX, REMOVING_PREFIX, sweepLeftovers } from '../services/staged-folder';
import { EXPORTS_DIR, exportRelDir, readExportMeta, writeExportFolder } from './export-files';

/** What an export job runs (the headless export, wired by the container). */
export type RunExport = (clientId: string, req: ExportJobRequest, progress: (stage: 'writing' | 'verifying') => void, signal: AbortSignal) => Promise<ExportMeta>;

export interface ExportJobRequest {
  id: string;
  checkpointId: string;
  format: ExportFormat;
  precision: ExportPrecision;
  verify: number;
  name?: string | undefined;
  triton?: boolean;
}

export interface ExportServiceDeps {
  projects: ProjectService;
  jobs: JobService;
  platform: PlatformAdapter;
  /** Set by the container once the studio exists (the export reads through its services). */
  run?: RunExport;
}

export class ExportService {
  private readonly busy = new Set<string>();
  constructor(private readonly deps: ExportServiceDeps) {}

  /** Removes what a crashed export left (incoming and half-removed folders). */
  async cleanupProject(projectDir: string): Promise<void> {
    await sweepLeftovers(join(projectDir, EXPORTS_DIR), { prefixes: [INCOMING_PREFIX, REMOVING_PREFIX], busy: this.busy }).catch((err: unknown) => console.error(`Could not tidy ${projectDir}/${EXPORTS_DIR}:`, err));
  }

  /** The checkpoint to export and its dataset (for labels, preprocessing and verification). */
  async source(clientId: string, checkpointId: string): Promise<{ checkpoint: CheckpointMeta; manifest: DatasetManifest }> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'checkpoints', checkpointId);
    const checkpoint = await readCheckpointMeta(view.dir, checkpointId);
    if (!view.manifest.datasets.some((d) => d.id === checkpoint.datasetId)) {
      throw StudioError.say('NOT_FOUND', say('errors.exportDatasetGone', { name: checkpoint.name, dataset: checkpoint.datasetId }));
    }
    return { checkpoint, manifest: await readDatasetManifest(view.dir, checkpoint.datasetId) };
  }

  /** Writes an export folder (staged) and adds it to the project; the folder goes again if the entry cannot be saved. */
  async create(clientId: string, id: string, write: Parameters<typeof writeExportFolder>[2]): Promise<ExportMeta> {
    const view = requireProject(this.deps.projects, clientId);
    this.busy.add(`${INCOMING_PREFIX}${id}`);
    try {
      const meta = await writeExportFolder(view.dir, id, write);
      try {
        await this.deps.projects.update(clientId, (pm) => {
          if (pm.id !== view.manifest.id) throw StudioError.say('CANCELLED', say('errors.export.projectClosed'));
          pm.exports.push({ id, name: meta.name, createdAt: meta.createdAt, dir: exportRelDir(id), checkpointId: meta.checkpointId, format: meta.format, precision: meta.precision, sizeBytes: meta.sizeBytes, status: meta.status });
        });
        await this.deps.projects.flushAll();
      } catch (err) {
        await removeFolder(view, EXPORTS_DIR, id).catch(() => undefined);
        throw err;
      }
      return meta;
    } finally {
      this.busy.delete(`${INCOMING_PREFIX}${id}`);
    }
  }

  /**
   * Starts an export as a job of the client's (progress: writing, then verifying; Cancel stops
   * it with nothing left behind). The checks run first, so a bad request is refused at once.
   */
  async startExport(clientId: string, req: Omit<ExportJobRequest, 'id'>): Promise<{ jobId: string; exportId: string }> {
    const run = this.deps.run;
    if (!run) throw new StudioError('UNSUPPORTED', 'Exports are not available here.');
    const { checkpoint } = await this.source(clientId, req.checkpointId);
    const id = newEntityId('ex');
    const handle = this.deps.jobs.startJob(
      'export',
      say('jobs.exportTitle', { name: checkpoint.name, format: req.format, precision: req.precision }),
      async (ctx) => {
        ctx.report(null, say('jobs.exportLoading'));
        return run(clientId, { ...req, id }, (stage) => ctx.report(stage === 'writing' ? 0.3 : 0.6, say(stage === 'writing' ? 'jobs.exportWriting' : 'jobs.exportVerifying')), ctx.signal);
      },
      { clientId },
    );
    void handle.done.catch(() => undefined);
    return { jobId: handle.id, exportId: id };
  }

  /** Shows the export's folder in the file manager where the shell can; its path either way. */
  async reveal(clientId: string, id: string): Promise<{ shown: boolean; path: string }> {
    const view = requireProject(this.deps.projects, clientId);
    if (!view.manifest.exports.some((e) => e.id === id)) throw noEntryError('exports', id);
    const path = join(view.dir, EXPORTS_DIR, id, 'README.md');
    return { shown: await this.deps.platform.showItemInFolder(path), path: join(view.dir, EXPORTS_DIR, id) };
  }

  /** The project's exports, oldest first (one whose metadata cannot be read is skipped and logged). */
  async list(clientId: string): Promise<ExportMeta[]> {
    const view = requireProject(this.deps.projects, clientId);
    const out: ExportMeta[] = [];
    for (const entry of view.manifest.exports) {
      try {
        out.push(await readExportMeta(view.dir, entry.id));
      } catch (err) {
        console.error(`Skipping export ${entry.name}:`, (err as Error).message);
      }
    }
    return out;
  }

  /** Removes an export: its entry leaves the project file first, then its folder. */
  async remove(clientId: string, id: string): Promise<void> {
    const view = requireProject(this.deps.projects, clientId);
    if (!view.manifest.exports.some((e) => e.id === id)) throw noEntryError('exports', id);
    await this.deps.projects.update(clientId, (m) => {
      m.exports = m.exports.filter((e) => e.id !== id);
    });
    await this.deps.projects.flushAll();
    await removeFolder(view, EXPORTS_DIR, id);
  }
}
