/**
 * One compression, start to finish, as the worker and the CLI both run it: the recipe applied to
 * the parent's model, then both models measured on the same evaluation samples in the same
 * process, and the per-layer comparison. Sizes are left to the host, which reads them off the
 * bytes it writes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CompressionRecipe } from '../../src-shared/compression/recipe';
import type { LayerFigures, MeasuredFigures } from '../../src-shared/compression/report';
import type { ModelSpec } from '../../src-shared/models/spec';
import type { StructureCut } from '../../src-shared/compression/structured-plan';
import type { FeatureStandardization } from '../data/standardization';
import { loadModelFromArtifacts } from '../model/artifacts';
import type { BatchProvider } from '../train/types';
import { CompressionCancelled } from './cancelled';
import type { StepMetrics } from './step-metrics';
import { layerReport } from './layer-report';
import { firstBatch, measureModel } from './measure';
import { distillModel } from './distill';
import { pruneModel, structuredPruneModel } from './prune';
import { quantizeModel, type ModelArtifacts } from './quantize';

/** The stages a compression reports progress in, in order. */
export type CompressionPhase = 'calibrating' | 'fine-tuning' | 'training-student' | 'measuring-before' | 'measuring-after';

/** What runCompression needs. */
export interface CompressionJob {
  spec: ModelSpec;
  artifacts: ModelArtifacts;
  recipe: CompressionRecipe;
  classes: readonly string[];
  standardization: FeatureStandardization | null;
  /** Training samples: calibration (a seeded subset of the recipe's size). */
  calibration: BatchProvider | null;
  /** The training split for fine-tuning and distillation, shuffled with the recipe's seed (and limit). */
  train?: BatchProvider | null;
  /** Distillation: the student's spec. */
  student?: ModelSpec | null;
  /** The samples both models are measured on (the test split, in a fixed order). */
  evaluation: BatchProvider;
  /** Where it is; training phases also give each step's metrics (for live charts). */
  onProgress?(phase: CompressionPhase, done: number, total: number, metrics?: StepMetrics): void;
  cancelled?(): boolean;
}

/** What a compression made, and the engine's part of its report. */
export interface CompressionOutcome {
  spec: ModelSpec;
  artifacts: ModelArtifacts;
  before: MeasuredFigures;
  after: MeasuredFigures;
  /** Distillation with `compare`: the student trained alone, and its weights (for its sizes). */
  compare: { figures: MeasuredFigures; artifacts: ModelArtifacts } | null;
  layers: LayerFigures[];
  backend: string;
  evalSamples: number;
  compressMs: number;
}

/** The layer rows with what structured pruning cut from each. */
function withCuts(layers: LayerFigures[], cuts: readonly StructureCut[]): LayerFigures[] {
  if (cuts.length === 0) return layers;
  return layers.map((l) => {
    const mine = cuts.filter((c) => c.layer === l.layer).map(({ kind, before, after }) => ({ kind, before, after }));
    return mine.length ? { ...l, cuts: mine } : l;
  });
}

/** Samples the per-layer output comparison runs on. */
const LAYER_SAMPLES = 64;

/** Applies the recipe and measures the parent and the result. */
export async function runCompression(job: CompressionJob): Promise<CompressionOutcome> {
  const check = () => {
    if (job.cancelled?.()) throw new CompressionCancelled();
  };
  const progress = (phase: CompressionPhase) => (done: number, total: number, metrics?: StepMetrics) => job.onProgress?.(phase, done, total, metrics);
  const t0 = performance.now();
  const cancelled = job.cancelled ? { cancelled: job.cancelled } : {};
  const recipe = job.recipe;
  let spec = job.spec;
  let alone: ModelArtifacts | null = null;
  let cuts: StructureCut[] = [];
  let made: { artifacts: ModelArtifacts; activationRanges: Awaited<ReturnType<typeof quantizeModel>>['activationRanges'] };
  if (recipe.method === 'quantize') {
    made = await quantizeModel({ spec, artifacts: job.artifacts, recipe, calibration: job.calibration, standardization: job.standardization, onProgress: progress('calibrating'), ...cancelled });
  } else if (recipe.method === 'prune') {
    const pruneJob = { spec, artifacts: job.artifacts, recipe, train: job.train ?? null, standardization: job.standardization, onStep: progress('fine-tuning'), ...cancelled };
    if (recipe.structured) {
      const out = await structuredPruneModel(pruneJob);
      spec = out.spec;
      cuts = out.cuts;
      made = { artifacts: out.artifacts, activationRanges: null };
    } else {
      made = { artifacts: await pruneModel(pruneJob), activationRanges: null };
    }
  } else {
    if (!job.student) throw new Error('Distillation needs a student model');
    if (!job.train) throw new Error('Distillation trains on the training split, and it has none');
    const out = await distillModel({ teacher: job.artifacts, teacherSpec: spec, student: job.student, recipe, train: job.train, standardization: job.standardization, onStep: progress('training-student'), ...cancelled });
    spec = job.student;
    alone = out.alone;
    made = { artifacts: out.artifacts, activationRanges: null };
  }
  const compressMs = performance.now() - t0;
  check();
  const beforeWeights = { specs: job.artifacts.weightSpecs, data: new Uint8Array(job.artifacts.weightData) };
  const afterWeights = { specs: made.artifacts.weightSpecs, data: new Uint8Array(made.artifacts.weightData) };
  const weightsOf = (a: ModelArtifacts) => ({ specs: a.weightSpecs, data: new Uint8Array(a.weightData) });
  const measure = { input: spec.input, standardization: job.standardization, classes: job.classes, ...(job.cancelled ? { cancelled: job.cancelled } : {}) };
  const beforeNet = await loadModelFromArtifacts(job.artifacts);
  try {
    const afterNet = await loadModelFromArtifacts(made.artifacts);
    try {
      const before = await measureModel(beforeNet, beforeWeights, job.evaluation, { ...measure, onProgress: progress('measuring-before') });
      const after = await measureModel(afterNet, afterWeights, job.evaluation, { ...measure, onProgress: progress('measuring-after') });
      let compare: CompressionOutcome['compare'] = null;
      if (alone) {
        const aloneNet = await loadModelFromArtifacts(alone);
        try {
          compare = { figures: await measureModel(aloneNet, weightsOf(alone), job.evaluation, { ...measure, onProgress: progress('measuring-after') }), artifacts: alone };
        } finally {
          aloneNet.dispose();
        }
      }
      const samples = await firstBatch(job.evaluation, spec.input, job.standardization, LAYER_SAMPLES);
      let layers: LayerFigures[];
      try {
        layers = await layerReport({
          spec: job.spec,
          before: { net: beforeNet, weights: beforeWeights },
          after: { net: afterNet, weights: afterWeights, spec },
          samples,
          activationRanges: made.activationRanges?.layers ?? null,
        });
      } finally {
        samples?.dispose();
      }
      return { spec, artifacts: made.artifacts, before, after, compare, layers: withCuts(layers, cuts), backend: tf.getBackend() ?? 'unknown', evalSamples: job.evaluation.count, compressMs };
    } finally {
      afterNet.dispose();
    }
  } finally {
    beforeNet.dispose();
  }
}
