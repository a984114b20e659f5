/**
 * Attention maps of a built model: for each MultiHeadAttention layer, the weights each head gives
 * every key position for every query position, computed on the inputs that layer sees in the model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { model as functionalModel, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { MultiHeadAttention } from '../layers/register-layers';

/** One attention layer's weights: [batch, heads, query position, key position], rows summing to 1. */
export interface AttentionMap {
  layer: string;
  scores: tf.Tensor4D;
}

/** The names of a model's attention layers, in order. */
export function attentionLayerNames(model: LayersModel): string[] {
  return model.layers.filter((l) => l instanceof MultiHeadAttention).map((l) => l.name);
}

/**
 * Computes every attention layer's weights for a batch of model inputs (token ids or images).
 * The caller disposes the returned tensors.
 */
export function attentionMaps(model: LayersModel, x: tf.Tensor): AttentionMap[] {
  const maps: AttentionMap[] = [];
  for (const layer of model.layers) {
    if (!(layer instanceof MultiHeadAttention)) continue;
    const node = layer.inboundNodes[0];
    if (!node) continue;
    // The layer's own inputs in the graph: the normalised sequence and, for text, the token ids.
    const inputs = node.inputTensors as SymbolicTensor[];
    const probe = functionalModel({ inputs: model.inputs, outputs: inputs });
    const values = tf.tidy(() => {
      const out = probe.predict(x);
      return Array.isArray(out) ? out : [out];
    });
    maps.push({ layer: layer.name, scores: layer.attentionScores(values[0]!, values[1]) });
    tf.dispose(values);
  }
  return maps;
}
