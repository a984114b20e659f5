/** Summaries the dataset manifest carries: per-split class counts and tabular feature statistics. */
import type { DatasetManifest, FeatureStats, SplitName } from '../../src-shared/datasets/schema';
import { classCounts, type SplitIndices } from '../../src-shared/datasets/split';

/** The manifest's `splits` block for a split of these labels. */
export function splitInfo(labels: ArrayLike<number>, splits: SplitIndices, numClasses: number): DatasetManifest['splits'] {
  const info = (name: SplitName) => ({ count: splits[name].length, classCounts: classCounts(labels, splits[name], numClasses) });
  return { train: info('train'), validation: info('validation'), test: info('test') };
}

/** Min, max, mean, standard deviation and missing count (NaN) of each feature over `indices`. */
export function featureStats(values: Float32Array, featureNames: string[], indices: ArrayLike<number>): FeatureStats[] {
  const f = featureNames.length;
  return featureNames.map((name, j) => {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let sumSq = 0;
    let n = 0;
    let missing = 0;
    for (let k = 0; k < indices.length; k++) {
      const v = values[indices[k]! * f + j]!;
      if (!Number.isFinite(v)) {
        missing++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      sumSq += v * v;
      n++;
    }
    if (n === 0) return { name, min: 0, max: 0, mean: 0, std: 0, missing };
    const mean = sum / n;
    // Population standard deviation; the max() guards against tiny negative rounding.
    const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    return { name, min, max, mean, std, missing };
  });
}
