/**
 * The one place the main-process services are built and wired, in dependency order. Both shells
 * (Electron and the web host) and the CLI get their services from here.
 */
import { mkdir } from 'node:fs/promises';
import { BaselineService } from './baselines/baseline-service';
import { CheckpointService } from './checkpoints/checkpoint-service';
import { CompressionService } from './compression/compression-service';
import { DatasetService } from './datasets/dataset-service';
import { ExportService, type ExportServiceDeps } from './exports/export-service';
import { createHandlers } from './ipc/handlers';
import type { Handlers } from './ipc/dispatch';
import { EventBus } from './ipc/event-bus';
import { ModelService } from './models/model-service';
import type { PlatformAdapter } from './platform';
import { RunService } from './runs/run-service';
import { TrainingJobs } from './runs/training-jobs';
import { JobService } from './services/job-service';
import { ProjectService } from './services/project-service';
import { RecentProjectsService } from './services/recent-projects';
import { TryService } from './serve/try-service';
import { SettingsService } from './services/settings-service';

/** What the shell tells the container. */
export interface StudioOptions {
  dataDir: string;
  appVersion: string;
  platform: PlatformAdapter;
}

/** The running services, their handler table and their event bus. */
export interface Studio {
  events: EventBus;
  handlers: Handlers;
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
  /** Boots services in dependency order. */
  start(): Promise<void>;
  /** Cancels jobs, flushes autosave, releases locks: the reverse of start. */
  stop(): Promise<void>;
  /** A window closed or a socket dropped: save and close its project. */
  clientDisconnected(clientId: string): Promise<void>;
}

interface Lifecycle {
  name: string;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** Builds the studio; nothing touches the disk until `start()`. */
export function createStudio(opts: StudioOptions): Studio {
  const events = new EventBus();
  const recent = new RecentProjectsService(opts.dataDir);
  // Opening a project tidies what a crashed import, checkpoint save or removal left in its folders.
  const projects: ProjectService = new ProjectService({
    events,
    recent,
    appVersion: opts.appVersion,
    onOpen: async (view) => {
      await datasets.cleanupProject(view.dir);
      await checkpoints.cleanupProject(view.dir);
      await exports.cleanupProject(view.dir);
      await baselines.cleanupProject(view.dir);
      await runs.cleanupProject(view);
      return runs.recoverInterrupted(view);
    },
  });
  const jobs = new JobService(events);
  // A dataset's baselines go with it (they are nothing without its splits).
  const datasets: DatasetService = new DatasetService({ projects, jobs, removeDependents: (clientId, id) => baselines.removeForDataset(clientId, id) });
  const models = new ModelService({ projects });
  const checkpoints: CheckpointService = new CheckpointService({ projects, appVersion: opts.appVersion });
  const compression = new CompressionService({ projects, checkpoints, appVersion: opts.appVersion });
  const exportDeps: ExportServiceDeps = { projects, jobs, platform: opts.platform };
  const exports: ExportService = new ExportService(exportDeps);
  // The fits run in their own process (baseline-process.ts), loaded with the first run.
  const baselines: BaselineService = new BaselineService({
    projects,
    jobs,
    appVersion: opts.appVersion,
    run: async (req, o) => (await import('./baselines/baseline-process')).runBaselineProcess(req, o),
  });
  const runs = new RunService({ projects, checkpoints, trainingJobs: new TrainingJobs(jobs, events) });
  const tries = new TryService({ projects });
  const settings = new SettingsService(opts.dataDir);
  const handlers = createHandlers({
    projects, jobs, recent, datasets, models, runs, checkpoints, compression, exports, baselines, tries, settings, platform: opts.platform, appVersion: opts.appVersion,
  });

  // Jobs write into open projects, so they start after and stop before the project service.
  const order: Lifecycle[] = [
    { name: 'data folder', start: async () => void (await mkdir(opts.dataDir, { recursive: true })) },
    { name: 'recent projects', start: () => recent.start() },
    { name: 'settings', start: () => settings.start() },
    { name: 'projects', start: () => projects.start(), stop: () => projects.stop() },
    // Imports are jobs: stopping in reverse order cancels them before the datasets are dropped.
    { name: 'datasets', stop: () => datasets.stop() },
    // Metric appends and spec writes in flight reach the disk before the projects close.
    { name: 'models', stop: () => models.stop() },
    { name: 'runs', stop: () => runs.stop() },
    { name: 'jobs', stop: () => jobs.stop() },
    // Exports loaded for Try it.
    { name: 'try it', stop: () => tries.stop() },
  ];
  let started: Lifecycle[] = [];
  let stopping: Promise<void> | null = null;

  async function stopStarted(): Promise<void> {
    const errors: unknown[] = [];
    // Every service gets its chance to stop even when one before it fails.
    for (const svc of [...started].reverse()) {
      try {
        await svc.stop?.();
      } catch (err) {
        errors.push(err);
        console.error(`Stopping ${svc.name} failed:`, err);
      }
    }
    started = [];
    if (errors.length) throw errors[0];
  }

  const studio: Studio = {
    events,
    handlers,
    projects,
    jobs,
    recent,
    datasets,
    models,
    runs,
    checkpoints,
    compression,
    exports,
    baselines,
    async start() {
      for (const svc of order) {
        try {
          await svc.start?.();
        } catch (err) {
          await stopStarted().catch(() => undefined);
          throw err;
        }
        started.push(svc);
      }
    },
    stop() {
      stopping ??= stopStarted();
      return stopping;
    },
    async clientDisconnected(clientId) {
      // The window's jobs end with it; then its project is saved and unlocked even if saving fails.
      await jobs.cancelClient(clientId);
      await projects.disconnect(clientId);
    },
  };
  // An export reads through the studio's services; TensorFlow.js loads with the first export only.
  exportDeps.run = async (clientId, req, progress, signal) => {
    const { exportHeadless } = await import('./exports/headless-export');
    return exportHeadless(studio, clientId, { ...req, checkpoint: req.checkpointId, backend: 'wasm', appVersion: opts.appVersion }, progress, signal);
  };
  return studio;
}
