/** The handler table: one function per contract channel, each delegating to a service. */
import type { BaselineService } from '../baselines/baseline-service';
import type { CompressionService } from '../compression/compression-service';
import type { ExportService } from '../exports/export-service';
import type { CheckpointService } from '../checkpoints/checkpoint-service';
import type { DatasetService } from '../datasets/dataset-service';
import type { ModelService } from '../models/model-service';
import type { RunService } from '../runs/run-service';
import type { PlatformAdapter } from '../platform';
import type { JobService } from '../services/job-service';
import type { ProjectService } from '../services/project-service';
import type { TryService } from '../serve/try-service';
import type { SettingsService } from '../services/settings-service';
import type { RecentProjectsService } from '../services/recent-projects';
import { createDatasetHandlers } from './dataset-handlers';
import type { Handlers } from './dispatch';
import { createModelHandlers } from './model-handlers';
import { createBaselineHandlers } from './baseline-handlers';
import { createExportHandlers } from './export-handlers';
import { createTrainingHandlers } from './training-handlers';

/** What the handlers need; the container passes its services. */
export interface HandlerDeps {
  projects: ProjectService;
  jobs: JobService;
  recent: RecentProjectsService;
  datasets: DatasetService;
  models: ModelService;
  runs: RunService;
  checkpoints: CheckpointService;
  compression: CompressionService;
  exports: ExportService;
  baselines: BaselineService;
  tries: TryService;
  settings: SettingsService;
  platform: PlatformAdapter;
  appVersion: string;
}

/** Builds the handlers served to every transport (Electron IPC, the web host's socket, the CLI). */
export function createHandlers(deps: HandlerDeps): Handlers {
  const { projects, jobs, recent, platform } = deps;
  return {
    'app:info': () => ({
      name: 'Model Studio',
      version: deps.appVersion,
      platform: process.platform,
      shell: platform.shell,
      capabilities: { nativeDialogs: platform.nativeDialogs, nativeMenu: platform.nativeMenu },
      defaultParentDir: deps.settings.get().settings.projectsDir ?? platform.defaultParentDir,
    }),
    // The folder the New Project form suggests is made if missing (a new user has none); any other
    // must exist, so a mistyped path is not quietly created.
    'project:create': (req, ctx) => projects.create(req.name, req.parentDir, ctx.clientId, { makeParent: req.parentDir === platform.defaultParentDir && deps.settings.get().settings.projectsDir === null }),
    'project:open': (req, ctx) => projects.open(req.path, ctx.clientId),
    'project:current': (_req, ctx) => projects.current(ctx.clientId),
    'project:close': async (_req, ctx) => {
      // Jobs of this window write into its project (imports): they end with it.
      await jobs.cancelClient(ctx.clientId);
      await projects.close(ctx.clientId);
      return null;
    },
    'recent:list': () => recent.list(),
    'recent:remove': async (req) => {
      await recent.remove(req.path);
      return recent.list();
    },
    'dialog:openProject': async (_req, ctx) => ({ path: await platform.chooseProjectFile(ctx.clientId) }),
    'dialog:chooseFile': async (req, ctx) => ({
      path: await platform.chooseFile(ctx.clientId, {
        ...(req.defaultPath ? { defaultPath: req.defaultPath } : {}),
        ...(req.filters ? { filters: req.filters } : {}),
      }),
    }),
    'dialog:chooseFolder': async (req, ctx) => ({ path: await platform.chooseFolder(ctx.clientId, req.defaultPath) }),
    // A client sees and cancels its own jobs and the app-wide ones, never another window's.
    'shell:activity': async (req, ctx) => ({ applied: await platform.setActivity(ctx.clientId, req) }),
    'shell:notify': async (req, ctx) => ({ shown: await platform.notify(ctx.clientId, req) }),
    'settings:get': () => deps.settings.get(),
    'settings:set': (req) => deps.settings.update(req),
    'job:list': (_req, ctx) => jobs.list(ctx.clientId),
    'job:cancel': (req, ctx) => jobs.cancel(req.id, ctx.clientId),
    ...createDatasetHandlers(deps.datasets),
    ...createModelHandlers(deps.models),
    ...createTrainingHandlers(deps.runs, deps.checkpoints, deps.compression),
    ...createExportHandlers(deps.exports),
    ...createBaselineHandlers({ baselines: deps.baselines, checkpoints: deps.checkpoints, runs: deps.runs }),
    'try:prepare': (req, ctx) => deps.tries.prepare(ctx.clientId, req.datasetId, req),
    'try:export': (req, ctx) => deps.tries.predict(ctx.clientId, req.exportId, req, req.topK),
  };
}
