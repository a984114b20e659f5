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
  results: z.array(BaselineModelResult).min(1).max(20),
  generatedBy: z.string().max(200),
  createdAt: z.iso.datetime(),
  /** sha256 and size of every other file of the folder. */
  files: z.record(z.string(), z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: Count })),
});
export type BaselineMeta = z.output<typeof BaselineMeta>;

/** A stored baseline run as the app lists it: its metadata, and whether its files still match their checksums. */
export const BaselineListing = z.strictObject({ meta: BaselineMeta, damaged: z.string().nullable() });
export type BaselineListing = z.output<typeof BaselineListing>;
