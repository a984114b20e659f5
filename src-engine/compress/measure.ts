/**
 * What a compression report measures of one model: parameters and non-zeros from the decoded
 * weights, FLOPs from the model's layers, accuracy and loss on evaluation samples, latency at
 * batch 1 and throughput at batch 256, all by running the model as it is stored.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { MeasuredFigures } from '../../src-shared/compression/report';
import type { ModelInput } from '../../src-shared/models/spec';
import { batchTensor } from '../data/preprocess';
import type { FeatureStandardization } from '../data/standardization';
import { evaluate } from '../evaluate/evaluate';
import type { BatchProvider } from '../train/types';
import { yieldToHost } from '../train/yield-to-host';
import { CompressionCancelled } from './cancelled';
import { decodeAll, type WeightSet } from './weight-codec';

/** Parameters and those not exactly zero, from the stored weights as they decode. */
export function countParams(set: WeightSet): { params: number; nonZeroParams: number } {
  let params = 0;
  let nonZeroParams = 0;
  for (const { values } of decodeAll(set).values()) {
    params += values.length;
    for (const v of values) if (v !== 0) nonZeroParams++;
  }
  return { params, nonZeroParams };
}

const product = (dims: readonly (number | null)[]) => dims.reduce<number>((a, b) => a * (b ?? 1), 1);

/**
 * Multiply-adds times two for one sample: convolutions, dense layers (once per position of a
 * sequence), attention (projections, scores and the weighted sum) and patch embeddings.
 * Pooling, norms and activations are left out, as FLOP counts usually do.
 */
export function modelFlops(net: LayersModel): number {
  let flops = 0;
  for (const layer of net.layers) {
    const kind = layer.getClassName();
    const out = layer.outputShape as (number | null)[];
    const kernel = layer.weights.find((w) => w.originalName.endsWith('/kernel'))?.shape as number[] | undefined;
    if ((kind === 'Conv2D' || kind === 'PatchEmbedding') && kernel) {
      const positions = product(out.slice(1, -1));
      flops += 2 * positions * product(kernel);
    } else if (kind === 'Dense' && kernel) {
      flops += 2 * product(out.slice(1, -1)) * product(kernel);
    } else if (kind === 'MultiHeadAttention') {
      const seq = out[1] ?? 1;
      const dim = out[out.length - 1] ?? 1;
      // The heads' total width (dim unless structured pruning removed heads).
      const inner = layer.weights.find((w) => w.originalName.endsWith('/query_kernel'))?.shape[1] ?? dim;
      flops += 2 * seq * dim * inner * 4 + 2 * 2 * seq * seq * inner;
    }
  }
  return Math.round(flops);
}

/** How to measure. */
export interface MeasureOptions {
  input: ModelInput;
  standardization: FeatureStandardization | null;
  classes: readonly string[];
  /** Timed batch-256 predictions run for at least this long (after a warm-up); default 1,000 ms. */
  throughputMs?: number;
  onProgress?(done: number, total: number): void;
  cancelled?(): boolean;
}

/** A batch of up to `size` samples of the provider's first epoch, as the model's input. */
export async function firstBatch(provider: BatchProvider, input: ModelInput, norm: FeatureStandardization | null, size: number): Promise<tf.Tensor | null> {
  for await (const batch of provider.epoch(0, { batchSize: size })) return batchTensor(input, batch, norm);
  return null;
}

/**
 * Samples per second predicted at batch 256 (the batch repeated up to 256 when smaller): as many
 * runs as fit in `minMs` after a warm-up, and at least three.
 */
export async function throughputAt256(net: LayersModel, batch: tf.Tensor, minMs = 1000): Promise<number> {
  const n = batch.shape[0] ?? 1;
  const x = n >= 256 ? tf.slice(batch, 0, 256) : tf.tidy(() => tf.slice(tf.concat(Array.from({ length: Math.ceil(256 / n) }, () => batch)), 0, 256));
  try {
    const once = async () => {
      const y = net.predict(x) as tf.Tensor;
      await y.data();
      y.dispose();
    };
    await once();
    await once();
    const t0 = performance.now();
    let runs = 0;
    while (runs < 3 || performance.now() - t0 < minMs) {
      await once();
      runs++;
      await yieldToHost();
    }
    const seconds = (performance.now() - t0) / 1000;
    return seconds > 0 ? (256 * runs) / seconds : 0;
  } finally {
    x.dispose();
  }
}

/** Accuracy, loss, latency and throughput of a model on the evaluation samples, and its FLOPs. */
export async function measureModel(
  net: LayersModel,
  weights: WeightSet,
  samples: BatchProvider,
  opts: MeasureOptions,
): Promise<MeasuredFigures> {
  const result = await evaluate(net, samples, opts.classes, {
    input: opts.input,
    standardization: opts.standardization,
    maxMisclassified: 0,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.cancelled ? { cancelled: opts.cancelled } : {}),
  }).catch((err: unknown) => {
    if (err instanceof Error && err.name === 'EvaluationCancelled') throw new CompressionCancelled();
    throw err;
  });
  const batch = await firstBatch(samples, opts.input, opts.standardization, 256);
  let throughput = 0;
  if (batch) {
    try {
      throughput = await throughputAt256(net, batch, opts.throughputMs ?? 1000);
    } finally {
      batch.dispose();
    }
  }
  return { ...countParams(weights), accuracy: result.accuracy, loss: result.loss, latencyMs: result.latencyMsPerSample ?? 0, throughput, flops: modelFlops(net) };
}
