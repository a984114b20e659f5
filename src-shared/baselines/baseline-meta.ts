/**
 * A baseline run: classical models fitted on one dataset's training split and scored on its
 * test split, in `baselines/<id>/`. `baseline.json` (this schema, formatVersion 1) holds the
 * settings, the metrics and the feature space, and lists every other file of the folder with
 * its sha256 and size: `features.json` (how rows are made: for text the vocabulary and IDF)
 * and one `<model>.json` per fitted model.
 */
import { z } from 'zod';
import { BaselineId } from '../project/entry-ids';
import { BaselineModelName } from './settings';

export const BASELINE_META_FORMAT_VERSION = 1;
export const BASELINE_META_FILE = 'baseline.json';
export const BASELINE_FEATURES_FILE = 'features.json';

const Count = z.number().int().min(0);
const Share = z.number().min(0).max(1);
const Settings = z.record(z.string().max(50), z.union([z.number(), z.string().max(50), z.null()]));

export const BaselineModelResult = z.strictObject({
  model: BaselineModelName,
  title: z.string().min(1).max(100),
  settings: Settings,
  accuracy: Share,
  /** Macro F1 over the classes present in the test split. */
  f1: Share,
  perClass: z.array(z.strictObject({ precision: Share, recall: Share, f1: Share, support: Count })),
  /** confusion[actual][predicted] = count. */
  confusion: z.array(z.array(Count)),
  trainSeconds: z.number().min(0),
  latencyMs: z.number().min(0),
  /** Bytes of the model's file as written. */
  sizeBytes: Count,
  trainSamples: Count,
  subsampledTo: Count.nullable(),
  /** With a grid search: each setting tried and its validation accuracy. */
  search: z.array(z.strictObject({ settings: Settings, valAccuracy: Share })).max(1000).nullable(),
  /** The fitted model's file in the folder. */
  file: z.string().regex(/^[a-z-]+\.json$/),
});
export type BaselineModelResult = z.output<typeof BaselineModelResult>;

export const BaselineMeta = z.strictObject({
  format: z.literal('model-studio/baseline'),
  formatVersion: z.literal(BASELINE_META_FORMAT_VERSION),
  id: BaselineId,
  name: z.string().min(1).max(200),
  datasetId: z.string().min(1).max(64),
  seed: Count,
  search: z.boolean(),
  features: z.strictObject({ kind: z.enum(['image', 'tabular', 'text']), features: Count }),
  testSamples: Count,
  /**
   * The dataset's split when the run was scored (its seed and shares, and the samples per
   * split): a re-split since makes the run stale.
   */
  split: z.strictObject({ seed: Count, validationFraction: Share, testFraction: Share, counts: z.tuple([Count, Count, Count]) }),
  results: z.array(BaselineModelResult).min(1).max(20),
  generatedBy: z.string().max(200),
  createdAt: z.iso.datetime(),
  /** sha256 and size of every other file of the folder (plain names: nothing outside it is ever read). */
  files: z.record(z.string().regex(/^[a-z-]+\.json$/), z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: Count })),
}).superRefine((meta, ctx) => {
  meta.results.forEach((r, i) => {
    if (!(r.file in meta.files)) ctx.addIssue({ code: 'custom', path: ['results', i, 'file'], message: `is not among the files listed` });
  });
});
export type BaselineMeta = z.output<typeof BaselineMeta>;

/**
 * A stored baseline run as the app lists it: its metadata, whether its files still match their
 * checksums, and whether the dataset was re-split since (then it was scored on other samples).
 */
export const BaselineListing = z.strictObject({ meta: BaselineMeta, damaged: z.string().nullable(), stale: z.boolean() });
export type BaselineListing = z.output<typeof BaselineListing>;

/** The part of a dataset's manifest that says which samples each split holds. */
export function splitOf(manifest: { split: { seed: number; validationFraction: number; testFraction: number }; splits: Record<'train' | 'validation' | 'test', { count: number }> }): BaselineMeta['split'] {
  const { seed, validationFraction, testFraction } = manifest.split;
  return { seed, validationFraction, testFraction, counts: [manifest.splits.train.count, manifest.splits.validation.count, manifest.splits.test.count] };
}

/** Whether a run was scored on the split a dataset has now. */
export function sameSplit(a: BaselineMeta['split'], b: BaselineMeta['split']): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
