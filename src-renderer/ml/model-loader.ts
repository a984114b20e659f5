/**
 * Turns checkpoint artifacts into a live tf.LayersModel inside the worker, and a sample into
 * the tensor the model takes (through the engine's preprocessing, as in training).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ModelInput } from '../../src-shared/models/spec';
import { batchTensor } from '../../src-engine/data/preprocess';
import type { FeatureStandardization } from '../../src-engine/data/standardization';
import { loadModelFromArtifacts } from '../../src-engine/model/artifacts';
import type { CheckpointArtifacts } from '../../src-engine/train/types';
import type { SampleInput } from './training-protocol';

/** Loads a model (without its optimizer) from a checkpoint's topology and weights. */
export function loadArtifactsModel(a: CheckpointArtifacts): Promise<LayersModel> {
  return loadModelFromArtifacts(a);
}

/** One sample as a batch of one, preprocessed as in training; the caller disposes it. */
export function sampleTensor(input: ModelInput, sample: SampleInput, norm: FeatureStandardization | null): tf.Tensor {
  const shape = sample.shape[0] === 1 ? sample.shape : [1, ...sample.shape];
  return batchTensor(input, { x: sample.x, y: new Int32Array(1), size: 1, shape }, norm);
}
