/** Models, runs, checkpoints, evaluations and a scriptable ML worker, for the training component tests. */
import type { ModelView } from '../../src-shared/ipc/training-contract';
import type { CheckpointMeta } from '../../src-shared/checkpoints/checkpoint-meta';
import type { EvalResult } from '../../src-shared/evaluations/eval-result';
import type { RunRecord } from '../../src-shared/runs/run-record';
import { templateFor } from '../../src-shared/models/templates';
import type { MlClient } from '../../src-renderer/ml/ml-client';
import type { BackendReport } from '../../src-renderer/ml/backend-report';
import type { WorkerEventName, WorkerEvents } from '../../src-renderer/ml/protocol';
import { mnistManifest } from './dataset-fixtures';

const T = '2025-01-02T03:04:05.000Z';
export const SHA = 'b'.repeat(64);

/** A seed-cnn model for the MNIST fixture. */
export function seedCnnModel(overrides: Partial<ModelView> = {}): ModelView {
  const m = mnistManifest();
  return {
    id: 'md-seedcnn1',
    name: 'Seed CNN · MNIST',
    template: 'seed-cnn',
    datasetId: m.id,
    spec: templateFor('seed-cnn', m.input, 10),
    createdAt: T,
    updatedAt: T,
    ...overrides,
  };
}

/** A run record of the seed-cnn model. */
export function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  const model = seedCnnModel();
  return {
    formatVersion: 1,
    id: 'rn-run00001',
    name: 'Run 1',
    modelId: model.id,
    datasetId: model.datasetId!,
    spec: model.spec,
    hyper: {
      epochs: 10, batchSize: 32, optimizer: 'adam', learningRate: 0.001, momentum: 0, schedule: { type: 'constant' },
      warmup: 0, earlyStopping: null, seed: 42, backend: 'webgpu', augmentation: null, limit: null,
    },
    status: 'running',
    createdAt: T,
    updatedAt: T,
    endedAt: null,
    summary: { epochsDone: 0, best: null, last: null },
    resumedFrom: null,
    error: null,
    ...overrides,
  };
}

/** A checkpoint of run 1. */
export function checkpointMeta(overrides: Partial<CheckpointMeta> = {}): CheckpointMeta {
  const run = runRecord();
  return {
    formatVersion: 1,
    id: 'ck-check001',
    name: 'Run 1 · epoch 1',
    runId: run.id,
    modelId: run.modelId,
    datasetId: run.datasetId,
    epoch: 0,
    step: 1688,
    kind: 'epoch',
    metrics: { loss: 0.12, accuracy: 0.964, valLoss: 0.06, valAccuracy: 0.981 },
    spec: run.spec,
    createdAt: T,
    files: { 'model.json': { sha256: SHA, bytes: 10 } },
    ...overrides,
  };
}

/** A 3-class evaluation: 10 + 8 + 9 correct out of 30. */
export function evalResult(): EvalResult {
  return {
    accuracy: 0.9,
    loss: 0.31,
    confusion: [
      [10, 0, 0],
      [1, 8, 1],
      [0, 1, 9],
    ],
    perClass: [
      { precision: 10 / 11, recall: 1, f1: 0.952, support: 10 },
      { precision: 8 / 9, recall: 0.8, f1: 0.842, support: 10 },
      { precision: 0.9, recall: 0.9, f1: 0.9, support: 10 },
    ],
    latencyMsPerSample: 1.5,
    backend: 'webgpu',
    misclassified: [{ index: 11, label: 1, predicted: 0, scores: [0.7, 0.2, 0.1] }],
    createdAt: T,
  };
}

export const WEBGPU: BackendReport = { backend: 'webgpu', adapter: 'SwiftShader', tried: [{ name: 'webgpu', ok: true }] };

/** An ML client that answers like the worker and lets the test push worker events. */
export function scriptedMl(extra: Record<string, (payload: never) => unknown> = {}) {
  const requests: { type: string; payload: unknown }[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const answers: Record<string, (payload: never) => unknown> = {
    init: () => WEBGPU,
    status: () => WEBGPU,
    'backend:use': () => WEBGPU,
    'feed:open': (p: { plan: { feedId: string } }) => ({ feedId: p.plan.feedId }),
    'feed:close': () => null,
    'train:start': (p: { runId: string }) => ({ runId: p.runId, backend: 'webgpu', samplesPerEpoch: 54000, batchesPerEpoch: 1688, validationSamples: 6000, microBatchSize: 32 }),
    'train:pause': () => null,
    'train:resume': () => null,
    'train:stop': () => null,
    ...extra,
  };
  const ml: MlClient = {
    request: ((type: string, payload: unknown) => {
      requests.push({ type, payload });
      const answer = answers[type];
      return answer ? Promise.resolve(answer(payload as never)) : new Promise(() => {});
    }) as MlClient['request'],
    on(event, fn) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(fn as (p: unknown) => void);
      return () => set.delete(fn as (p: unknown) => void);
    },
    dispose: () => {},
  };
  return {
    ml,
    requests,
    requestsOf: (type: string) => requests.filter((r) => r.type === type).map((r) => r.payload),
    emit<E extends WorkerEventName>(event: E, payload: WorkerEvents[E]) {
      for (const fn of listeners.get(event) ?? []) fn(payload);
    },
  };
}
