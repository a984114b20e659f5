/**
 * Registers the studio's custom layers with TensorFlow.js serialization, so checkpoints that use
 * them load through tf.loadLayersModel. Importing this module registers them once.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FakeQuant } from './fake-quant';
import { PatchEmbedding, TokenAndPositionEmbedding } from './embeddings';
import { LayerNorm } from './layer-norm';
import { MultiHeadAttention } from './multi-head-attention';
import { SequenceMeanPool } from './sequence-mean-pool';

/** Every custom layer class the engine builds. */
export const CUSTOM_LAYERS = [MultiHeadAttention, TokenAndPositionEmbedding, PatchEmbedding, SequenceMeanPool, LayerNorm, FakeQuant];

let registered = false;

/** Registers the custom layers (idempotent). */
export function registerCustomLayers(): void {
  if (registered) return;
  for (const cls of CUSTOM_LAYERS) tf.serialization.registerClass(cls);
  registered = true;
}

registerCustomLayers();

export { FakeQuant, LayerNorm, MultiHeadAttention, PatchEmbedding, SequenceMeanPool, TokenAndPositionEmbedding };
