/**
 * What an importer hands to dataset-files.ts: decoded samples in memory, before splitting,
 * tokenizing and writing. Importers never write into the project.
 */
import type { DatasetKind, ImageOptions, ImportSource } from '../../src-shared/datasets/schema';
import type { Message, Said } from '../../src-shared/messages/message';

/** A sample that could not be read: listed in the import report, not fatal. */
export interface SkippedItem {
  item: string;
  reason: Said;
}

export interface RawDataset {
  kind: DatasetKind;
  /** Class names in label order (label i is classNames[i]); at least two. */
  classNames: string[];
  /** One label per sample, each in [0, classNames.length). */
  labels: Int32Array;
  /** Image datasets: pixels of every sample back to back, row-major HWC, uint8. */
  images?: { height: number; width: number; channels: 1 | 3; pixels: Uint8Array };
  /** Text datasets: the raw text of every sample; the store tokenizes them. */
  texts?: string[];
  /** Tabular datasets: features of every sample back to back; NaN marks a missing value. */
  tabular?: { featureNames: string[]; values: Float32Array };
  /**
   * When the source brings its own test set (MNIST), samples from this index on are that test
   * set and are kept as the test split.
   */
  testStart?: number;
  skipped: SkippedItem[];
  warnings: Said[];
  /** A one-line description of where the data came from, shown in the dataset view. */
  description: Said;
}

/** Progress and cancellation for an import. */
export interface ImportContext {
  signal: AbortSignal;
  /** 0..1 of the reading/decoding work, or null when unknown. */
  report(progress: number | null, message?: string | Message): void;
}

/** An importer: recognises a path (`match`) and reads it (`open`). */
export interface Importer<S extends ImportSource = ImportSource> {
  /** The ImportSource type it reads. */
  type: S['type'];
  /** Whether it can read this path (extension, magic bytes, folder shape), checked cheaply. */
  match(path: string): Promise<boolean>;
  open(source: S, ctx: ImportContext): Promise<RawDataset>;
}

/** Default image decoding when an import does not say. */
export const DEFAULT_IMAGE_OPTIONS: ImageOptions = { width: 32, height: 32, color: 'rgb' };
