/**
 * Trains the chosen baselines on a dataset's training split and scores them on its test split
 * with the metrics the evaluator gives networks: accuracy, macro F1, per-class precision /
 * recall / F1, the confusion matrix, latency per sample, the fitted model's size as stored
 * (its JSON), and the training time. A model with a sample cap trains on a seeded subset. With
 * `search`, each model's small grid (settings.ts) is fitted on train and scored on the
 * validation split first, and the best settings are the ones scored on test.
 */
import { classMetrics } from '../../src-engine/evaluate/evaluate';
import { StudioError } from '../../src-shared/errors';
import { createRng, deriveSeed, shuffleInPlace } from '../../src-shared/random';
import { BaselineSettings, gridOf, type BaselineModelName, type BaselineSettingsInput, type ModelSettings } from '../../src-shared/baselines/settings';
import type { LoadedDataset } from '../datasets/dataset-files';
import { featureRows, type FeatureRows, type FeatureSpace } from './features';
import { fitModel, MODELS, type Fitted } from './models';

/** A model's settings as stored: numbers, words ('scale') and null (no limit). */
export type SettingValues = Record<string, number | string | null>;

export interface BaselineResult {
  model: BaselineModelName;
  title: string;
  /** The settings the scored model was fitted with (the search's best when there was one). */
  settings: SettingValues;
  accuracy: number;
  /** Macro-averaged F1 over the classes present in the test split. */
  f1: number;
  perClass: { precision: number; recall: number; f1: number; support: number }[];
  confusion: number[][];
  /** Seconds to fit the scored model (the search's other fits not counted). */
  trainSeconds: number;
  /** Milliseconds per test sample, predicting the whole test split at once. */
  latencyMs: number;
  /** Bytes of the fitted model as JSON (its stored file). */
  sizeBytes: number;
  trainSamples: number;
  /** Set when the model trained on a subset: the cap it has. */
  subsampledTo: number | null;
  /** With a search: each setting tried and its validation accuracy. */
  search: { settings: SettingValues; valAccuracy: number }[] | null;
}

export interface BaselineRun {
  space: FeatureSpace;
  testSamples: number;
  results: BaselineResult[];
  /** Each result's fitted model as JSON, in the same order. */
  fitted: string[];
}

export interface BaselineOptions {
  seed: number;
  settings?: BaselineSettingsInput;
  /** Try each model's grid on the validation split first. */
  search?: boolean;
  signal?: AbortSignal;
  /** Progress: the share of the fits done, and which model is at work. */
  onProgress?: (fraction: number, model: BaselineModelName, index: number) => void;
}

/** A seeded subset of at most `max` of the rows (all of them, in order, when they fit). */
export function capped<T>(rows: T[], labels: number[], max: number, seed: number): { rows: T[]; labels: number[] } {
  if (rows.length <= max) return { rows, labels };
  const order = shuffleInPlace(Uint32Array.from(rows.keys()), createRng(deriveSeed(seed, 0xba5e))).subarray(0, max).sort();
  return { rows: Array.from(order, (i) => rows[i]!), labels: Array.from(order, (i) => labels[i]!) };
}

/** The first feature that is not a finite number, or null. */
function firstNonFinite(split: FeatureRows): { row: number; column: number } | null {
  for (let i = 0; i < split.rows.length; i++) {
    const r = split.rows[i]!;
    for (let j = 0; j < r.length; j++) if (!Number.isFinite(r[j]!)) return { row: i, column: j };
  }
  return null;
}

function accuracyOf(predicted: number[], labels: number[]): number {
  let correct = 0;
  labels.forEach((y, i) => (correct += predicted[i] === y ? 1 : 0));
  return labels.length ? correct / labels.length : 0;
}

/** Trains and scores each model in turn. */
export async function runBaselines(data: LoadedDataset, models: readonly BaselineModelName[], opts: BaselineOptions): Promise<BaselineRun> {
  const classes = data.manifest.classNames.length;
  const settings = BaselineSettings.parse(opts.settings ?? {});
  const { train, val, test, space } = await featureRows(data, { val: opts.search === true });
  if (new Set(train.labels).size < 2) throw new StudioError('BAD_REQUEST', 'The training split has only one class: a baseline needs two or more.');
  if (test.labels.length === 0) throw new StudioError('BAD_REQUEST', 'The test split is empty: nothing to score the baselines on.');
  if (opts.search && (!val || val.labels.length === 0)) throw new StudioError('BAD_REQUEST', 'The dataset has no validation samples: a grid search scores its settings on the validation split. Re-split the dataset with a validation share, or run without the search.');
  for (const [name, split] of [['training', train], ['validation', val], ['test', test]] as const) {
    const bad = split && firstNonFinite(split);
    if (bad) throw new StudioError('BAD_REQUEST', `Feature ${bad.column + 1} of ${name} sample ${bad.row + 1} is not a number (NaN or infinite): the baselines need finite features. Fix the data and import it again.`, { split: name, ...bad });
  }
  const testRows = test.rows.map((r) => Array.from(r));
  const valRows = val?.rows.map((r) => Array.from(r)) ?? [];
  const grids = models.map((name) => (opts.search ? gridOf(name, settings[name] as ModelSettings<typeof name>) : [settings[name]]));
  const totalFits = grids.reduce((a, g) => a + g.length, 0);
  let fits = 0;
  const results: BaselineResult[] = [];
  const fitted: string[] = [];
  for (const [index, name] of models.entries()) {
    const model = MODELS[name];
    const subset = capped(train.rows, train.labels, model.maxTrain, opts.seed);
    const rows = subset.rows.map((r) => Array.from(r));
    let best: { fitted: Fitted; settings: SettingValues; seconds: number; val: number } | null = null;
    const search: BaselineResult['search'] = opts.search ? [] : null;
    for (const candidate of grids[index]!) {
      opts.signal?.throwIfAborted();
      opts.onProgress?.(fits / totalFits, name, index);
      const t0 = performance.now();
      const f = await fitModel(name, rows, subset.labels, { seed: opts.seed, classes, settings: candidate as never });
      const seconds = (performance.now() - t0) / 1000;
      fits++;
      const valAccuracy = search ? accuracyOf(f.predict(valRows), val!.labels) : 0;
      search?.push({ settings: { ...candidate }, valAccuracy });
      // Ties keep the earlier candidate: the grids list the default first.
      if (!best || valAccuracy > best.val) {
        best?.fitted.dispose?.();
        best = { fitted: f, settings: { ...candidate }, seconds, val: valAccuracy };
      } else f.dispose?.();
    }
    opts.signal?.throwIfAborted();
    const t1 = performance.now();
    const predicted = best!.fitted.predict(testRows);
    const latencyMs = (performance.now() - t1) / testRows.length;
    const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    test.labels.forEach((y, i) => {
      const p = predicted[i]!;
      if (p >= 0 && p < classes) confusion[y]![p]!++;
    });
    const perClass = classMetrics(confusion);
    const present = perClass.filter((c) => c.support > 0);
    const json = JSON.stringify(best!.fitted.toJSON());
    best!.fitted.dispose?.();
    fitted.push(json);
    results.push({
      model: name,
      title: model.title,
      settings: best!.settings,
      accuracy: accuracyOf(predicted, test.labels),
      f1: present.reduce((a, c) => a + c.f1, 0) / Math.max(1, present.length),
      perClass,
      confusion,
      trainSeconds: best!.seconds,
      latencyMs,
      sizeBytes: Buffer.byteLength(json),
      trainSamples: rows.length,
      subsampledTo: train.rows.length > model.maxTrain ? model.maxTrain : null,
      search,
    });
  }
  opts.onProgress?.(1, models.at(-1)!, models.length - 1);
  return { space, testSamples: test.labels.length, results, fitted };
}
