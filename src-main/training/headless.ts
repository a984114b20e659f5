/**
 * Headless training of a project's dataset (the `train` command): resolves the dataset and the
 * model (template, saved model or checkpoint to resume), runs the engine's training session on a
 * Node backend, and records the run, its metrics and checkpoints through a DiskSink, exactly
 * as the app does. The project must be open for `clientId`.
 */
import { StudioError } from '../../src-shared/errors';
import { HyperParams } from '../../src-shared/runs/hyper-params';
import type { LrSchedule, ModelSpec, Optimizer } from '../../src-shared/models/spec';
import { listTemplates, templateFor } from '../../src-shared/models/templates';
import { standardizationOf } from '../../src-engine/data/standardization';
import { canResume, resumePoint } from '../../src-engine/session/resume';
import { TrainingSession, type SessionOutcome } from '../../src-engine/session/training-session';
import type { TrainResult } from '../../src-engine/train/types';
import type { Studio } from '../container';
import { readDatasetManifest } from '../datasets/dataset-files';
import { entryByIdOrName, requireProject } from '../services/open-project';
import { readModelSpec } from '../models/model-service';
import { readRun } from '../runs/run-service';
import { RunRecorder } from '../runs/run-recorder';
import { openDiskBatchProvider, DiskBatchProvider } from './disk-batch-provider';
import { DiskSink, type DiskSinkProgress } from './disk-sink';
import { setupNodeBackend, type BackendInfo, type NodeBackend } from './tf-node';
import { textOf } from '../../src-shared/messages/message';

/** What to train; unset hyperparameters come from the model's training defaults. */
export interface HeadlessTrainRequest {
  dataset?: string | undefined;
  model?: string | undefined;
  resume?: string | undefined;
  epochs?: number | undefined;
  batchSize?: number | undefined;
  limit?: number | undefined;
  seed?: number | undefined;
  learningRate?: number | undefined;
  optimizer?: Optimizer | undefined;
  /** Learning-rate schedule (default: the model's). */
  schedule?: LrSchedule | undefined;
  /** Batches of linear warm-up (default: the model's). */
  warmup?: number | undefined;
  backend: NodeBackend;
}

/** Progress for a person watching (the CLI prints it). */
export interface HeadlessProgress extends DiskSinkProgress {
  started?(info: { runId: string; backend: BackendInfo; samples: number; batchesPerEpoch: number; microBatchSize: number; spec: ModelSpec; hyper: HyperParams }): void;
  stopping?(): void;
}

/** How a headless run ended. */
export interface HeadlessTrainSummary extends TrainResult {
  runId: string;
  datasetId: string;
  model: string;
  checkpointIds: string[];
  backend: string;
  adapter: string | null;
  /** WASM's thread count (null on other backends). */
  wasmThreads: number | null;
  samplesPerSec: number | null;
}


/** Trains as the request says; `signal` aborting stops after the current batch with a 'stop' checkpoint. */
export async function trainHeadless(
  studio: Studio,
  clientId: string,
  req: HeadlessTrainRequest,
  progress: HeadlessProgress = {},
  signal?: AbortSignal,
): Promise<HeadlessTrainSummary> {
  const view = requireProject(studio.projects, clientId);
  const recorder = new RunRecorder({ projects: studio.projects, runs: studio.runs, checkpoints: studio.checkpoints }, clientId);
  const resumed = req.resume ? await recorder.loadCheckpoint(req.resume) : null;
  if (resumed && !canResume(resumed.meta)) {
    throw new StudioError('BAD_REQUEST', `${resumed.meta.name} is a compressed checkpoint, which cannot be resumed (it has no optimizer state); resume from ${resumed.meta.compression?.parentId ?? 'its parent'} instead.`);
  }
  const datasetKey = req.dataset ?? resumed?.meta.datasetId;
  if (!datasetKey) throw new StudioError('BAD_REQUEST', 'Say which dataset to train on (--dataset <id|name>).');
  const dsEntry = entryByIdOrName(view.manifest.datasets, datasetKey);
  if (!dsEntry) throw new StudioError('NOT_FOUND', `${view.manifest.name} has no dataset "${datasetKey}".`);
  const manifest = await readDatasetManifest(view.dir, dsEntry.id);

  let spec: ModelSpec;
  let modelId: string | null = null;
  let modelLabel: string;
  if (resumed) {
    spec = resumed.meta.spec;
    modelId = resumed.meta.modelId;
    modelLabel = `${spec.name} (resumed from ${resumed.meta.id})`;
  } else {
    const key = req.model;
    if (!key) throw new StudioError('BAD_REQUEST', 'Say which model to train (--model <template|model-id>).');
    const saved = entryByIdOrName(view.manifest.models, key);
    if (saved) {
      spec = await readModelSpec(view.dir, saved.id);
      modelId = saved.id;
    } else if (listTemplates().some((t) => t.name === key)) {
      spec = templateFor(key, manifest.input, manifest.classNames.length);
    } else {
      throw new StudioError('NOT_FOUND', `"${key}" is neither a model of ${view.manifest.name} nor a template (${listTemplates().map((t) => t.name).join(', ')}).`);
    }
    modelLabel = spec.name;
  }
  if (spec.numClasses !== manifest.classNames.length) {
    throw new StudioError('BAD_REQUEST', `The model has ${spec.numClasses} classes but ${manifest.name} has ${manifest.classNames.length}.`);
  }

  // A resumed run continues with the hyper-parameters of the run it came from (so the schedule,
  // shuffling and augmentation carry on where they were); a new one starts from the model's.
  // A checkpoint whose run record is unreadable still resumes, with the model's defaults.
  const before = resumed ? await readRun(view.dir, resumed.meta.runId).then((r) => r.hyper, () => null) : null;
  const d = spec.training;
  const hyper = HyperParams.parse({
    ...(before ?? {}),
    epochs: req.epochs ?? before?.epochs ?? d.epochs,
    batchSize: req.batchSize ?? before?.batchSize ?? d.batchSize,
    optimizer: req.optimizer ?? before?.optimizer ?? d.optimizer,
    learningRate: req.learningRate ?? before?.learningRate ?? d.learningRate,
    momentum: before?.momentum ?? d.momentum,
    schedule: req.schedule ?? before?.schedule ?? d.schedule,
    warmup: req.warmup ?? before?.warmup ?? d.warmup,
    seed: req.seed ?? before?.seed ?? 42,
    backend: req.backend,
    limit: req.limit ?? before?.limit ?? null,
  });
  const backend = await setupNodeBackend(req.backend);
  const train = await openDiskBatchProvider(view.dir, dsEntry.id, 'train', { shuffle: true, seed: hyper.seed, limit: hyper.limit });
  // A quick run (--limit) validates on at most as many samples as it trains on, like the app.
  const validationSplit = new DiskBatchProvider(train.data, 'validation', { shuffle: false, seed: hyper.seed, limit: hyper.limit });
  const validation = validationSplit.count > 0 ? validationSplit : null;
  let session: TrainingSession | null = null;
  const run = await recorder.createRun(
    {
      modelId,
      spec,
      datasetId: dsEntry.id,
      hyper,
      ...(resumed ? { resumedFrom: { checkpointId: resumed.meta.id } } : {}),
    },
    // Cancelling the run's job (job:cancel) stops it as Ctrl+C does.
    { stop: () => session?.stop() },
  );
  const sink = new DiskSink(recorder, run.id, progress);
  try {
    session = new TrainingSession({
      spec,
      hyper,
      train,
      validation,
      standardization: standardizationOf(manifest),
      sink,
      ...(resumed ? { resume: resumePoint({ ...resumed.artifacts, optimizer: resumed.optimizer }, resumed.meta) } : {}),
    });
  } catch (err) {
    // The run is recorded: it must not stay 'running' (nor its job) when it cannot start.
    await recorder.updateRun(run.id, 'failed', String((err as Error)?.message ?? err).slice(0, 2000)).catch(() => undefined);
    throw err;
  }
  const { started } = session;
  progress.started?.({ runId: run.id, backend, samples: started.samplesPerEpoch, batchesPerEpoch: started.batchesPerEpoch, microBatchSize: started.microBatchSize, spec, hyper });
  const onAbort = () => {
    progress.stopping?.();
    session.stop();
  };
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let end: SessionOutcome;
  try {
    end = await session.run();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (end.status === 'failed') {
    const cause = end.cause;
    const words = textOf(end.error);
    throw cause instanceof Error && cause.message === words ? cause : new Error(words, { cause });
  }
  const { result } = end;
  return { ...result, runId: run.id, datasetId: dsEntry.id, model: modelLabel, checkpointIds: sink.checkpointIds, backend: backend.backend, adapter: backend.adapter, wasmThreads: backend.wasm?.threads ?? null, samplesPerSec: sink.samplesPerSec };
}
