/**
 * Evaluation of a trained model on a split: accuracy, loss, confusion matrix, per-class
 * precision / recall / F1, the most confident mistakes, and inference latency per sample.
 * Environment-neutral (worker and CLI); the provider should yield the split in a fixed order,
 * since a mistake's `index` is its position in that order.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { EvalResult } from '../../src-shared/evaluations/eval-result';
import type { ModelInput } from '../../src-shared/models/spec';
import { batchTensor, modelInputTensor } from '../data/preprocess';
import type { FeatureStandardization } from '../data/standardization';
import { crossEntropyPerSample } from '../train/loss';
import type { BatchProvider, TrainBatch } from '../train/types';
import { yieldToHost } from '../train/yield-to-host';

/** How to evaluate. */
export interface EvaluateOptions {
  /** The model's input; when absent it is read off the model and the batches. */
  input?: ModelInput;
  /** Tabular inputs: the training split's feature mean and std. */
  standardization?: FeatureStandardization | null;
  batchSize?: number;
  /** Mistakes kept, most confident first (the contract allows 200). */
  maxMisclassified?: number;
  /** Timed single-sample predictions after the warm-up. */
  latencyRuns?: number;
  /** After every batch: samples evaluated so far and in all. */
  onProgress?(done: number, total: number): void;
  /** Checked between batches: when it says stop, evaluation ends with EvaluationCancelled. */
  cancelled?(): boolean;
}

/** Thrown when `cancelled()` said stop; nothing was computed that lasts. */
export class EvaluationCancelled extends Error {
  constructor() {
    super('The evaluation was cancelled.');
    this.name = 'EvaluationCancelled';
  }
}

/** Precision, recall, F1 and support of each class from confusion[actual][predicted]. */
export function classMetrics(confusion: number[][]): EvalResult['perClass'] {
  const n = confusion.length;
  return confusion.map((row, c) => {
    const tp = row[c] ?? 0;
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let r = 0; r < n; r++) predicted += confusion[r]![c] ?? 0;
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
}

type Mistake = EvalResult['misclassified'][number];

function confidence(m: Mistake): number {
  return m.scores[m.predicted] ?? 0;
}

/** Median milliseconds of a single-sample prediction, after a warm-up. */
async function latencyPerSample(model: LayersModel, x: tf.Tensor, runs: number): Promise<number> {
  const one = tf.slice(x, 0, 1);
  try {
    const predict = async () => {
      const out = model.predict(one) as tf.Tensor;
      await out.data();
      out.dispose();
    };
    // The first calls compile kernels and allocate; they are not what a user waits for later.
    for (let i = 0; i < 3; i++) await predict();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await predict();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? 0;
  } finally {
    one.dispose();
  }
}

/** Evaluates `model` on every batch of `provider`; `classes` are the class names (or their count). */
export async function evaluate(
  model: LayersModel,
  provider: BatchProvider,
  classes: readonly string[] | number,
  opts: EvaluateOptions = {},
): Promise<EvalResult> {
  const numClasses = typeof classes === 'number' ? classes : classes.length;
  const maxMistakes = opts.maxMisclassified ?? 200;
  const norm = opts.standardization ?? null;
  const int32 = model.inputs[0]?.dtype === 'int32';
  const toTensor = (b: TrainBatch) => (opts.input ? batchTensor(opts.input, b, norm) : modelInputTensor(int32, b, norm));
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let mistakes: Mistake[] = [];
  let lossSum = 0;
  let seen = 0;
  let correct = 0;
  let latency = 0;
  let timed = false;
  for await (const batch of provider.epoch(0, { batchSize: opts.batchSize ?? 128 })) {
    const x = toTensor(batch);
    try {
      const y = tf.tensor1d(batch.y, 'int32');
      const [probsT, lossT] = tf.tidy(() => {
        const probs = model.predict(x) as tf.Tensor;
        return [probs, crossEntropyPerSample(probs, y)];
      });
      y.dispose();
      const [probs, losses] = await Promise.all([probsT.data(), lossT.data()]);
      tf.dispose([probsT, lossT]);
      const k = probsT.shape[1] ?? numClasses;
      for (let i = 0; i < batch.size; i++) {
        const row = probs.subarray(i * k, (i + 1) * k);
        let predicted = 0;
        for (let c = 1; c < k; c++) if (row[c]! > row[predicted]!) predicted = c;
        const label = batch.y[i]!;
        if (label >= 0 && label < numClasses && predicted < numClasses) confusion[label]![predicted]!++;
        lossSum += losses[i]!;
        if (predicted === label) correct++;
        else mistakes.push({ index: seen + i, label, predicted, scores: Array.from(row) });
      }
      seen += batch.size;
      opts.onProgress?.(seen, provider.count);
      if (mistakes.length > 2 * maxMistakes) mistakes = mistakes.sort((a, b) => confidence(b) - confidence(a)).slice(0, maxMistakes);
      if (!timed) {
        latency = await latencyPerSample(model, x, opts.latencyRuns ?? 20);
        timed = true;
      }
    } finally {
      x.dispose();
    }
    // A turn for the host (progress events, Cancel) on synchronous backends too.
    await yieldToHost();
    if (opts.cancelled?.()) throw new EvaluationCancelled();
  }
  if (seen === 0) throw new Error('There is nothing to evaluate: the split is empty');
  return {
    accuracy: correct / seen,
    loss: lossSum / seen,
    confusion,
    perClass: classMetrics(confusion),
    latencyMsPerSample: latency,
    backend: tf.getBackend() ?? 'unknown',
    misclassified: mistakes.sort((a, b) => confidence(b) - confidence(a)).slice(0, maxMistakes),
    createdAt: new Date().toISOString(),
  };
}
