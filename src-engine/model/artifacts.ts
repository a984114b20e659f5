/**
 * A model in TF.js layers-format pieces (CheckpointArtifacts) and back: model.save through a
 * save handler, tf.loadLayersModel from memory (custom layers registered first).
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import type { WeightSpec } from '../../src-shared/checkpoints/checkpoint-meta';
import { decodeForTfjs } from '../compress/weight-codec';
import { registerCustomLayers } from '../layers/register-layers';
import type { CheckpointArtifacts } from '../train/types';

/** The model's topology and weights (no optimizer state). */
export async function modelArtifacts(model: LayersModel): Promise<Omit<CheckpointArtifacts, 'optimizer'>> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = saved as tf.io.ModelArtifacts | null;
  if (!a || !a.modelTopology || a.modelTopology instanceof ArrayBuffer || !a.weightSpecs || !a.weightData) {
    throw new Error('The model could not be serialised');
  }
  return {
    modelTopology: a.modelTopology as Record<string, unknown>,
    weightSpecs: a.weightSpecs as WeightSpec[],
    // tfjs may hand the weights over in several buffers; a checkpoint keeps one.
    weightData: tf.io.CompositeArrayBuffer.join(a.weightData),
  };
}

/**
 * Loads a model from its layers-format pieces. The studio's int8 weights are decoded to float32
 * first (TF.js reads only its own uint8, uint16 and float16 schemes, which it decodes itself).
 */
export function loadModelFromArtifacts(a: Pick<CheckpointArtifacts, 'modelTopology' | 'weightSpecs' | 'weightData'>): Promise<LayersModel> {
  registerCustomLayers();
  const weights = decodeForTfjs({ specs: a.weightSpecs, data: new Uint8Array(a.weightData) });
  const data = weights.data.byteOffset === 0 && weights.data.byteLength === weights.data.buffer.byteLength ? weights.data.buffer : weights.data.slice().buffer;
  return loadLayersModel(
    tf.io.fromMemory({
      modelTopology: a.modelTopology,
      weightSpecs: weights.specs as tf.io.WeightsManifestEntry[],
      weightData: data as ArrayBuffer,
    }),
  );
}
