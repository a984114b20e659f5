/**
 * The New run form: its fields with the model spec's training defaults, and the HyperParams
 * (validated by the contract's schema) it stands for.
 */
import { BACKENDS, HyperParams, type Backend } from '../../../src-shared/runs/hyper-params';
import type { LrSchedule } from '../../../src-shared/models/spec';
import type { RunRecord } from '../../../src-shared/runs/run-record';
import type { ModelSpec, Optimizer } from '../../../src-shared/models/spec';
import { fieldProblemOf, type FieldProblem } from '../../util/field-problem';

export type BackendChoice = 'auto' | Backend;
export const BACKEND_CHOICES: BackendChoice[] = ['auto', ...BACKENDS];

export interface RunForm {
  name: string;
  modelId: string;
  datasetId: string;
  epochs: number;
  batchSize: number;
  optimizer: Optimizer;
  learningRate: number;
  momentum: number;
  schedule: LrSchedule['type'];
  stepEvery: number;
  stepFactor: number;
  minLearningRate: number;
  warmup: number;
  earlyStopping: boolean;
  patience: number;
  minDelta: number;
  seed: number;
  augment: boolean;
  maxShift: number;
  maxRotation: number;
  flip: boolean;
  noiseStd: number;
  backend: BackendChoice;
  /** Empty string: no limit. */
  limit: number | '';
}

/** The form for a model, with its spec's training defaults. */
export function defaultForm(modelId: string, datasetId: string, spec: ModelSpec | null): RunForm {
  const tr = spec?.training;
  return {
    name: '',
    modelId,
    datasetId,
    epochs: tr?.epochs ?? 10,
    batchSize: tr?.batchSize ?? 32,
    optimizer: tr?.optimizer ?? 'adam',
    learningRate: tr?.learningRate ?? 0.001,
    momentum: tr?.momentum ?? 0,
    schedule: tr?.schedule.type ?? 'constant',
    stepEvery: tr?.schedule.type === 'step' ? tr.schedule.every : 5,
    stepFactor: tr?.schedule.type === 'step' ? tr.schedule.factor : 0.5,
    minLearningRate: tr?.schedule.type === 'cosine' ? tr.schedule.minLearningRate : 0,
    warmup: tr?.warmup ?? 0,
    earlyStopping: false,
    patience: 3,
    minDelta: 0,
    seed: 42,
    augment: false,
    maxShift: 2,
    maxRotation: 10,
    flip: false,
    noiseStd: 0,
    backend: 'auto',
    limit: '',
  };
}

/** The form of an earlier run (to resume it), its backend kept as the override. */
export function formFromRun(run: RunRecord): RunForm {
  const h = run.hyper;
  const base = defaultForm(run.modelId ?? '', run.datasetId, run.spec);
  const s = h.schedule;
  const a = h.augmentation;
  return {
    ...base,
    epochs: h.epochs,
    batchSize: h.batchSize,
    optimizer: h.optimizer,
    learningRate: h.learningRate,
    momentum: h.momentum,
    schedule: s.type,
    ...(s.type === 'step' ? { stepEvery: s.every, stepFactor: s.factor } : {}),
    ...(s.type === 'cosine' ? { minLearningRate: s.minLearningRate } : {}),
    warmup: h.warmup,
    earlyStopping: h.earlyStopping !== null,
    ...(h.earlyStopping ? { patience: h.earlyStopping.patience, minDelta: h.earlyStopping.minDelta } : {}),
    seed: h.seed,
    augment: a !== null,
    ...(a ? { maxShift: a.maxShift ?? 0, maxRotation: a.maxRotation ?? 0, flip: a.flip ?? false, noiseStd: a.noiseStd ?? 0 } : {}),
    backend: h.backend,
    limit: h.limit ?? '',
  };
}

function schedule(f: RunForm): LrSchedule {
  if (f.schedule === 'step') return { type: 'step', every: f.stepEvery, factor: f.stepFactor };
  if (f.schedule === 'cosine') return { type: 'cosine', minLearningRate: f.minLearningRate };
  return { type: 'constant' };
}

/** The label (a key under runs) of a HyperParams path's last part where the two differ. */
const LABELS: Record<string, string> = { every: 'stepEvery', factor: 'stepFactor' };
const LABELLED = new Set(['epochs', 'batchSize', 'learningRate', 'momentum', 'stepEvery', 'stepFactor', 'minLearningRate', 'warmup', 'patience', 'minDelta', 'seed', 'maxShift', 'maxRotation', 'noiseStd', 'limit']);

/** A value a run refuses: the field's label (a key under runs) and the rule it breaks. */
export interface RunProblem {
  label: string;
  problem: FieldProblem;
}

/** The run's HyperParams, or the first problem. `backend` is the one to record. */
export function hyperFromForm(f: RunForm, backend: Backend, images: boolean): { hyper: HyperParams } | { problem: RunProblem } {
  const parsed = HyperParams.safeParse({
    epochs: f.epochs,
    batchSize: f.batchSize,
    optimizer: f.optimizer,
    learningRate: f.learningRate,
    momentum: f.momentum,
    schedule: schedule(f),
    warmup: f.warmup,
    earlyStopping: f.earlyStopping ? { patience: f.patience, minDelta: f.minDelta } : null,
    seed: f.seed,
    backend,
    augmentation: images && f.augment ? { maxShift: f.maxShift, maxRotation: f.maxRotation, flip: f.flip, noiseStd: f.noiseStd } : null,
    limit: f.limit === '' ? null : f.limit,
  });
  if (parsed.success) return { hyper: parsed.data };
  const issue = parsed.error.issues[0];
  const last = [...(issue?.path ?? [])].reverse().find((p) => typeof p === 'string') as string | undefined;
  const label = last === undefined ? 'aSetting' : (LABELS[last] ?? last);
  return { problem: { label: LABELLED.has(label) ? label : 'aSetting', problem: fieldProblemOf(issue) } };
}
