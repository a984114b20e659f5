/**
 * The training, evaluation and explanation part of the worker protocol: request and event
 * types that protocol.ts merges into WorkerMethods and WorkerEvents.
 */
import type { EpochMetrics, MetricRecordInput } from '../../src-shared/runs/metrics';
import type { EvalResult } from '../../src-shared/evaluations/eval-result';
import type { Backend, HyperParams } from '../../src-shared/runs/hyper-params';
import type { ModelInput, ModelSpec } from '../../src-shared/models/spec';
import type { FeatureStandardization } from '../../src-engine/data/standardization';
import type { CheckpointPoint, SessionMemory, SessionStarted, SessionStatus } from '../../src-engine/session/training-sink';
import type { BackendReport } from './backend-report';
import type { CheckpointArtifacts, ResumePoint } from '../../src-engine/train/types';

export type { CheckpointArtifacts };

/** Starts training a run on feeds the UI opened with openDataFeed. */
export interface TrainStartRequest {
  runId: string;
  spec: ModelSpec;
  hyper: HyperParams;
  feeds: { train: string; validation: string | null };
  /** Tabular inputs: the training split's feature mean and std (the manifest's featureStats). */
  standardization: FeatureStandardization | null;
  /** Continue from a checkpoint (its ArrayBuffers are transferred with the request). */
  resume?: ResumePoint;
}

/** What train:start answers once training is under way (it ends with a terminal train:status). */
export interface TrainStarted extends SessionStarted {
  runId: string;
}

/** Evaluates a checkpoint on one feed (a split read in order). */
export interface EvalRunRequest {
  /** Names this evaluation in eval:progress and eval:cancel. */
  evalId: string;
  artifacts: CheckpointArtifacts;
  feedId: string;
  classNames: string[];
  /** Evaluate at most this many samples (the first ones of the split), or all when null. */
  limit: number | null;
  input: ModelInput;
  standardization: FeatureStandardization | null;
}

/** A sample to explain with a checkpoint. */
export interface ExplainRequest {
  artifacts: CheckpointArtifacts;
  sample: SampleInput;
  input: ModelInput;
  standardization: FeatureStandardization | null;
}

/** One sample as the model takes it: [1, ...sampleShape] values of the input's dtype. */
export interface SampleInput {
  x: Uint8Array | Int32Array | Float32Array;
  shape: number[];
}

/** Attention weights of one layer for one sample: data[h][q][k] flattened. */
export interface AttentionLayerMap {
  layer: string;
  heads: number;
  /** Query (and key) positions. */
  length: number;
  data: Float32Array;
}

/** A Grad-CAM heat map over an image: values 0..1, row-major, height x width of the input. */
export interface GradCamMap {
  height: number;
  width: number;
  data: Float32Array;
  classIndex: number;
  /** The model's probabilities for the sample. */
  scores: number[];
}

/** Requests the worker answers for training, evaluation and explanations. */
export interface TrainingMethods {
  /** Makes a backend current (falling back in the studio's order) and reports which one runs. */
  'backend:use': { request: { backend: Backend }; response: BackendReport };
  'train:start': { request: TrainStartRequest; response: TrainStarted };
  'train:pause': { request: { runId: string }; response: null };
  'train:resume': { request: { runId: string }; response: null };
  'train:stop': { request: { runId: string }; response: null };
  'eval:run': { request: EvalRunRequest; response: EvalResult };
  /** Stops an evaluation after its batch (eval:run then fails with "The evaluation was cancelled."). */
  'eval:cancel': { request: { evalId: string }; response: null };
  'explain:attention': { request: ExplainRequest; response: { maps: AttentionLayerMap[]; scores: number[] } };
  'explain:gradcam': { request: ExplainRequest & { classIndex: number }; response: GradCamMap };
  /**
   * Try it: the probabilities for one input, with Grad-CAM for the top class (CNNs) or the
   * attention maps (attention models). The last checkpoint tried stays loaded: `artifacts` may be
   * null when `checkpointId` is the one loaded.
   */
  'explain:try': { request: TryRequest; response: TryResult };
}

export interface TryRequest extends Omit<ExplainRequest, 'artifacts'> {
  checkpointId: string;
  artifacts: CheckpointArtifacts | null;
}

export interface TryResult {
  scores: number[];
  gradcam: GradCamMap | null;
  attention: AttentionLayerMap[] | null;
}

/** Status of the session; the terminal one carries how the run ended. */
export type TrainStatusEvent = { runId: string } & SessionStatus;

/** Events the worker pushes while a run trains: one per call of the session's sink (training-sink.ts). */
export interface TrainingEvents {
  /** Batch records since the last event (sent at most ~10 times a second). */
  'train:batch': { runId: string; records: MetricRecordInput[] };
  'train:epoch': { runId: string; record: MetricRecordInput; metrics: EpochMetrics };
  /** Model and optimizer state and where it sits; its ArrayBuffers were transferred. */
  'train:checkpoint': { runId: string; artifacts: CheckpointArtifacts } & CheckpointPoint;
  'train:status': TrainStatusEvent;
  'train:memory': { runId: string } & SessionMemory;
  /** Samples an evaluation has done of its total (a few times a second). */
  'eval:progress': { evalId: string; done: number; total: number };
}
