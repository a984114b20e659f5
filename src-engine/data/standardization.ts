/**
 * Tabular inputs are standardised with the training split's per-feature mean and std, which the
 * dataset manifest carries. Pure (no TensorFlow.js), so the UI thread can use it too.
 */
import type { DatasetManifest } from '../../src-shared/datasets/schema';

/** Per-feature mean and standard deviation of the training split (tabular inputs). */
export interface FeatureStandardization {
  mean: number[];
  std: number[];
}

/** A tabular dataset's training-split feature mean and std, else null (images, text). */
export function standardizationOf(manifest: DatasetManifest): FeatureStandardization | null {
  const stats = manifest.featureStats;
  if (manifest.input.kind !== 'tabular' || !stats || stats.length === 0) return null;
  return { mean: stats.map((f) => f.mean), std: stats.map((f) => f.std) };
}
