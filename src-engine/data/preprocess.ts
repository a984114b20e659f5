/**
 * Turns raw batches into model inputs: uint8 pixels scaled to [0, 1], token ids as int32, tabular
 * features standardised with the training split's mean and standard deviation. The models do
 * not include this step, so training, evaluation and inference all go through here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelInput } from '../../src-shared/models/spec';
import type { BatchProvider, TrainBatch } from '../train/types';
import { yieldToHost } from '../train/yield-to-host';

import type { FeatureStandardization } from './standardization';

/** Scaled or standardised float32 values of a batch (token ids are passed through by batchTensor). */
export function preprocessValues(input: ModelInput, x: TrainBatch['x'], norm: FeatureStandardization | null): Float32Array {
  const out = new Float32Array(x.length);
  if (input.kind === 'tabular') {
    if (!norm) throw new Error('Tabular inputs need the training split\'s feature mean and std');
    const f = input.features.length;
    for (let i = 0; i < x.length; i++) {
      const j = i % f;
      const std = norm.std[j]!;
      const v = (x[i]! - norm.mean[j]!) / (std > 1e-12 ? std : 1);
      // A missing value (NaN) becomes the mean, i.e. 0 after standardisation.
      out[i] = Number.isNaN(v) ? 0 : v;
    }
    return out;
  }
  // Pixels arrive as uint8; a float32 feed is taken to hold pixel levels too.
  for (let i = 0; i < x.length; i++) out[i] = x[i]! / 255;
  return out;
}

/** The model input tensor of a batch; the caller disposes it. */
export function batchTensor(input: ModelInput, batch: TrainBatch, norm: FeatureStandardization | null): tf.Tensor {
  if (input.kind === 'text') {
    const ids = batch.x instanceof Int32Array ? batch.x : Int32Array.from(batch.x);
    return tf.tensor(ids, batch.shape, 'int32');
  }
  return tf.tensor(preprocessValues(input, batch.x, norm), batch.shape, 'float32');
}

/** Mean and (population) standard deviation of each feature over one pass of a provider. */
export async function computeStandardization(provider: BatchProvider, features: number): Promise<FeatureStandardization> {
  const sum = new Float64Array(features);
  const sumSq = new Float64Array(features);
  const n = new Float64Array(features);
  for await (const batch of provider.epoch(0, { batchSize: 1024 })) {
    for (let i = 0; i < batch.x.length; i++) {
      const v = batch.x[i]!;
      if (Number.isNaN(v)) continue;
      const j = i % features;
      sum[j] = sum[j]! + v;
      sumSq[j] = sumSq[j]! + v * v;
      n[j] = n[j]! + 1;
    }
    // The host's turn between batches (the disk provider no longer yields itself).
    await yieldToHost();
  }
  const mean = Array.from(sum, (s, j) => (n[j] ? s / n[j]! : 0));
  const std = Array.from(sumSq, (s, j) => (n[j] ? Math.sqrt(Math.max(0, s / n[j]! - mean[j]! ** 2)) : 1));
  return { mean, std };
}

/**
 * The input tensor of a batch for a loaded model when the spec is not at hand (evaluation of a
 * checkpoint): token ids for int32 models, uint8 pixels scaled, float32 features standardised
 * when `norm` is given.
 */
export function modelInputTensor(int32Input: boolean, batch: TrainBatch, norm: FeatureStandardization | null): tf.Tensor {
  if (int32Input) return batchTensor({ kind: 'text', seqLength: 1, vocabSize: 2 }, batch, null);
  if (batch.x instanceof Uint8Array) return batchTensor({ kind: 'image', height: 1, width: 1, channels: 1 }, batch, null);
  if (norm) return batchTensor({ kind: 'tabular', features: norm.mean.map(String) }, batch, norm);
  return tf.tensor(batch.x, batch.shape, 'float32');
}
