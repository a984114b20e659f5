/**
 * The run recorder for Node callers (the CLI trainer, tests): the same runs, metrics,
 * checkpoints and evaluations as the IPC channels, through the same services, without IPC.
 * The project must be open for `clientId` in the studio's project service.
 */
import type { SplitName } from '../../src-shared/datasets/schema';
import { CheckpointSaveRequest } from '../../src-shared/ipc/training-contract';
import { EvalResult } from '../../src-shared/evaluations/eval-result';
import { HyperParams } from '../../src-shared/runs/hyper-params';
import { MetricRecord, type MetricRecordInput, type RunSummary } from '../../src-shared/runs/metrics';
import type { CheckpointKind, CheckpointMeta, EarlyStoppingState, WeightSpec } from '../../src-shared/checkpoints/checkpoint-meta';
import type { RunRecord, RunStatus } from '../../src-shared/runs/run-record';
import type { ModelSpec } from '../../src-shared/models/spec';
import type { CheckpointService } from '../checkpoints/checkpoint-service';
import { loadCheckpointArtifacts, type CheckpointArtifacts } from '../checkpoints/checkpoint-files';
import type { z } from 'zod';
import { requireEntry, requireProject } from '../services/open-project';
import type { ProjectService } from '../services/project-service';
import type { RunService } from './run-service';
import type { StopRun } from './training-jobs';
import type { Said } from '../../src-shared/messages/message';

/** What tf.io.withSaveHandler hands over (the fields a checkpoint keeps). */
export interface SavedArtifacts {
  modelTopology?: object | ArrayBuffer;
  trainingConfig?: object;
  weightSpecs?: WeightSpec[] | object[];
  weightData?: ArrayBuffer | ArrayBuffer[];
}

/** Where a checkpoint sits in its run. */
export interface CheckpointPoint {
  epoch: number;
  step: number;
  kind: CheckpointKind;
  metrics?: Partial<Record<'loss' | 'accuracy' | 'valLoss' | 'valAccuracy', number | null>>;
  /** The trainer's early-stopping state, so a resume from this checkpoint keeps counting patience. */
  earlyStopping?: EarlyStoppingState | undefined;
}

/** One ArrayBuffer (tfjs 4.22 may hand over several) as bytes. */
function bytesOf(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data);
  const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}

/** Runs, metrics, checkpoints and evaluations of one client's open project, for Node code. */
export class RunRecorder {
  constructor(
    private readonly deps: { projects: ProjectService; runs: RunService; checkpoints: CheckpointService },
    private readonly clientId: string,
  ) {}

  /** Starts a run record and its training job (see run:create); `stop` is how a cancel of the job reaches the trainer. */
  createRun(
    req: {
      name?: string;
      modelId?: string | null;
      spec?: ModelSpec;
      datasetId: string;
      hyper: z.input<typeof HyperParams>;
      resumedFrom?: { checkpointId: string } | null;
    },
    opts: { stop?: StopRun } = {},
  ): Promise<RunRecord> {
    return this.deps.runs.create(this.clientId, { ...req, hyper: HyperParams.parse(req.hyper) }, opts);
  }

  /** Appends metric records (validated like run:appendMetrics). */
  appendMetrics(runId: string, records: MetricRecordInput[]): Promise<{ appended: number; summary: RunSummary }> {
    return this.deps.runs.appendMetrics(this.clientId, runId, records.map((r) => MetricRecord.parse(r)));
  }

  /** Sets a run's status. */
  updateRun(runId: string, status: RunStatus, error?: Said | null): Promise<RunRecord> {
    return this.deps.runs.update(this.clientId, { runId, status, ...(error !== undefined ? { error } : {}) });
  }

  /** Saves the artifacts a tf.io.withSaveHandler received, and optionally the optimizer's weights. */
  saveCheckpoint(
    runId: string,
    at: CheckpointPoint,
    artifacts: SavedArtifacts,
    optimizer?: { weightSpecs: WeightSpec[]; weightData: ArrayBuffer | Uint8Array },
  ): Promise<CheckpointMeta> {
    const { modelTopology, weightSpecs, weightData } = artifacts;
    if (!modelTopology || modelTopology instanceof ArrayBuffer || !weightSpecs || !weightData) {
      throw new TypeError('saveCheckpoint needs JSON modelTopology, weightSpecs and weightData');
    }
    const req = CheckpointSaveRequest.parse({
      runId,
      epoch: at.epoch,
      step: at.step,
      kind: at.kind,
      metrics: at.metrics ?? {},
      ...(at.earlyStopping ? { earlyStopping: at.earlyStopping } : {}),
      modelTopology,
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      weightSpecs,
      weightData: bytesOf(weightData),
      ...(optimizer
        ? {
            optimizer: { weightSpecs: optimizer.weightSpecs },
            optimizerWeightData: optimizer.weightData instanceof Uint8Array ? optimizer.weightData : new Uint8Array(optimizer.weightData),
          }
        : {}),
    });
    return this.deps.checkpoints.save(this.clientId, req);
  }

  /** A checkpoint as tf.io.ModelArtifacts (for tf.io.fromMemory) with its optimizer weights and meta. */
  loadCheckpoint(id: string): Promise<{
    artifacts: CheckpointArtifacts;
    optimizer: { weightSpecs: WeightSpec[]; weightData: ArrayBuffer } | null;
    meta: CheckpointMeta;
  }> {
    const view = requireProject(this.deps.projects, this.clientId);
    requireEntry(view, 'checkpoints', id);
    return loadCheckpointArtifacts(view.dir, id);
  }

  /** Stores an evaluation (validated like eval:save). */
  saveEval(checkpointId: string, split: SplitName, result: z.input<typeof EvalResult>): Promise<EvalResult> {
    return this.deps.checkpoints.saveEval(this.clientId, checkpointId, split, EvalResult.parse(result));
  }
}
