/**
 * The compression part of the worker protocol: a compression of a checkpoint runs in the worker
 * on feeds the UI opened (the training split for calibration, fine-tuning and distillation; the
 * test or validation split, in order, for measuring), posting progress; protocol.ts merges these
 * into WorkerMethods and WorkerEvents.
 */
import type { CompressionRecipe } from '../../src-shared/compression/recipe';
import type { LayerFigures, MeasuredFigures } from '../../src-shared/compression/report';
import type { ModelSpec } from '../../src-shared/models/spec';
import type { CompressionPhase } from '../../src-engine/compress/compress';
import type { FeatureStandardization } from '../../src-engine/data/standardization';
import type { CheckpointArtifacts } from '../../src-engine/train/types';

export type { CompressionPhase };

export interface CompressRunRequest {
  /** Names this compression in compress:progress and compress:cancel. */
  jobId: string;
  spec: ModelSpec;
  /** The parent's model (its weightData transferred with the request). */
  artifacts: CheckpointArtifacts;
  recipe: CompressionRecipe;
  classNames: string[];
  standardization: FeatureStandardization | null;
  /** The training split shuffled with the recipe's seed (null when the recipe needs none), and the measuring split in order. */
  feeds: { train: string | null; evaluation: string };
  /** Measure on at most this many samples (the first ones), or all when null. */
  evalLimit: number | null;
  /** Distillation: the student's spec. */
  student: ModelSpec | null;
}

/** A model as layers-format pieces, its buffer transferred. */
export interface ModelPieces {
  modelTopology: Record<string, unknown>;
  weightSpecs: CheckpointArtifacts['weightSpecs'];
  weightData: ArrayBuffer;
}

/** What the compression made and what both models measured (main adds the sizes). */
export interface CompressRunResult {
  spec: ModelSpec;
  model: ModelPieces;
  before: MeasuredFigures;
  after: MeasuredFigures;
  layers: LayerFigures[];
  /** Distillation with `compare`: the student trained alone, and its weights (for their sizes). */
  compare: { figures: MeasuredFigures; weightData: ArrayBuffer } | null;
  backend: string;
  evalSamples: number;
  compressMs: number;
}

export interface CompressionMethods {
  'compress:run': { request: CompressRunRequest; response: CompressRunResult };
  /** Stops a compression at its next batch (compress:run then fails with "The compression was cancelled."). */
  'compress:cancel': { request: { jobId: string }; response: null };
}

/** One training step of a fine-tuning or a student's training, for the live charts. */
export interface CompressionStepRecord {
  step: number;
  loss: number | null;
  accuracy: number | null;
  /** The student trained without the teacher (distillation with compare). */
  alone: boolean;
}

export interface CompressionEvents {
  /**
   * Where a compression is: the phase and its steps (batches or samples) done of all, a few
   * times a second, with the training steps since the last event.
   */
  'compress:progress': { jobId: string; phase: CompressionPhase; done: number; total: number; records: CompressionStepRecord[] };
}
