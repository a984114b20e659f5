/**
 * How an export's predictions compare with the studio's own for the same checkpoint and samples,
 * and the bounds each precision is held to before it is called verified.
 */
import type { ExportPrecision, Verification } from '../../src-shared/exports/export-meta';

/** Least top-1 agreement and largest probability difference an export may show. */
export const BOUNDS: Record<ExportPrecision, { minAgreement: number; maxDiff: number }> = {
  // The same arithmetic, on another backend: rounding only.
  float32: { minAgreement: 0.999, maxDiff: 1e-4 },
  float16: { minAgreement: 0.99, maxDiff: 2e-2 },
  // Coarse weights: agreement is what counts; the difference is reported, not bounded.
  uint8: { minAgreement: 0.97, maxDiff: 1 },
  // Integer arithmetic (ONNX): at least 99% of the studio's top-1 answers.
  int8: { minAgreement: 0.99, maxDiff: 1 },
  'int8-weights': { minAgreement: 0.99, maxDiff: 1 },
};

const argmax = (p: Float32Array, at: number, k: number) => {
  let best = 0;
  for (let c = 1; c < k; c++) if (p[at + c]! > p[at + best]!) best = c;
  return best;
};

/** Agreement, largest difference and both accuracies over n samples of k classes. */
export function compareOutputs(studio: Float32Array, exported: Float32Array, labels: Int32Array, k: number): Pick<Verification, 'agreement' | 'maxAbsDiff' | 'accuracy' | 'studioAccuracy' | 'samples'> {
  const n = labels.length;
  if (studio.length !== n * k || exported.length !== n * k) throw new Error(`Expected ${n}×${k} probabilities, got ${studio.length} from the studio and ${exported.length} from the export`);
  let agree = 0;
  let right = 0;
  let studioRight = 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < n; i++) {
    const a = argmax(studio, i * k, k);
    const b = argmax(exported, i * k, k);
    if (a === b) agree++;
    if (b === labels[i]) right++;
    if (a === labels[i]) studioRight++;
    for (let c = 0; c < k; c++) {
      const d = Math.abs(studio[i * k + c]! - exported[i * k + c]!);
      // NaN (weights TF.js misread) is the worst difference there is.
      maxAbsDiff = Number.isNaN(d) ? Infinity : Math.max(maxAbsDiff, d);
    }
  }
  return { samples: n, agreement: n ? agree / n : 0, maxAbsDiff: Number.isFinite(maxAbsDiff) ? maxAbsDiff : Number.MAX_VALUE, accuracy: n ? right / n : 0, studioAccuracy: n ? studioRight / n : 0 };
}
