/**
 * Trains the chosen baselines on a dataset's training split and scores them on its test split
 * with the metrics the evaluator gives networks: accuracy, macro F1, per-class precision /
 * recall / F1, the confusion matrix, latency per sample, the fitted model's size as stored
 * (its JSON), and the training time. A model with a sample cap trains on a seeded subset.
 */
import { classMetrics } from '../../src-engine/evaluate/evaluate';
import { createRng, deriveSeed, shuffleInPlace } from '../../src-shared/random';
import type { LoadedDataset } from '../datasets/dataset-files';
import { featureRows, type FeatureSpace } from './features';
import { MODELS, type BaselineModelName } from './models';

export interface BaselineResult {
  model: BaselineModelName;
  title: string;
  accuracy: number;
  /** Macro-averaged F1 over the classes. */
  f1: number;
  perClass: { precision: number; recall: number; f1: number; support: number }[];
  confusion: number[][];
  trainSeconds: number;
  /** Milliseconds per test sample, predicting the whole test split at once. */
  latencyMs: number;
  /** Bytes of the fitted model as JSON. */
  sizeBytes: number;
  trainSamples: number;
  /** Set when the model trained on a subset: the cap it has. */
  subsampledTo: number | null;
}

export interface BaselineRun {
  space: FeatureSpace;
  testSamples: number;
  results: BaselineResult[];
}

/** A seeded subset of at most `max` of the rows (all of them, in order, when they fit). */
function capped<T>(rows: T[], labels: number[], max: number, seed: number): { rows: T[]; labels: number[] } {
  if (rows.length <= max) return { rows, labels };
  const order = shuffleInPlace(Uint32Array.from(rows.keys()), createRng(deriveSeed(seed, 0xba5e))).subarray(0, max).sort();
  return { rows: Array.from(order, (i) => rows[i]!), labels: Array.from(order, (i) => labels[i]!) };
}

/** Trains and scores each model in turn; `onModel` hears which one starts (progress). */
export async function runBaselines(
  data: LoadedDataset,
  models: readonly BaselineModelName[],
  opts: { seed: number; signal?: AbortSignal; onModel?: (name: BaselineModelName, index: number) => void },
): Promise<BaselineRun> {
  const classes = data.manifest.classNames.length;
  const { train, test, space } = await featureRows(data);
  if (new Set(train.labels).size < 2) throw new Error('The training split has only one class: a baseline needs two or more.');
  if (test.labels.length === 0) throw new Error('The test split is empty: nothing to score the baselines on.');
  const testRows = test.rows.map((r) => Array.from(r));
  const results: BaselineResult[] = [];
  for (const [index, name] of models.entries()) {
    opts.signal?.throwIfAborted();
    opts.onModel?.(name, index);
    const model = MODELS[name];
    const subset = capped(train.rows, train.labels, model.maxTrain, opts.seed);
    const rows = subset.rows.map((r) => Array.from(r));
    const t0 = performance.now();
    const fitted = await model.fit(rows, subset.labels, { seed: opts.seed, classes });
    const trainSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const predicted = fitted.predict(testRows);
    const latencyMs = (performance.now() - t1) / testRows.length;
    const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    let correct = 0;
    test.labels.forEach((y, i) => {
      const p = predicted[i]!;
      if (p === y) correct++;
      if (p >= 0 && p < classes) confusion[y]![p]!++;
    });
    const perClass = classMetrics(confusion);
    const present = perClass.filter((c) => c.support > 0);
    results.push({
      model: name,
      title: model.title,
      accuracy: correct / test.labels.length,
      f1: present.reduce((a, c) => a + c.f1, 0) / Math.max(1, present.length),
      perClass,
      confusion,
      trainSeconds,
      latencyMs,
      sizeBytes: Buffer.byteLength(JSON.stringify(fitted.toJSON())),
      trainSamples: rows.length,
      subsampledTo: train.rows.length > model.maxTrain ? model.maxTrain : null,
    });
  }
  return { space, testSamples: test.labels.length, results };
}
