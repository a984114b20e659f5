/**
 * A dataset split as feature rows for the classical baselines: tabular features standardised
 * with the training split's mean and std (a missing value becomes the mean), as the networks
 * get them; images as flattened pixels in [0, 1]; text as TF-IDF over the training split's most
 * frequent tokens of the dataset's own tokenizer (at most TEXT_VOCAB of them: a stated
 * reduction, since a dense row per e-mail over a 20,000-word vocabulary does not fit).
 */
import type { DatasetManifest, SplitName } from '../../src-shared/datasets/schema';
import { preprocessValues } from '../../src-engine/data/preprocess';
import { standardizationOf } from '../../src-engine/data/standardization';
import type { LoadedDataset } from '../datasets/dataset-files';
import { DiskBatchProvider, sampleShape } from '../training/disk-batch-provider';

/** Text features: the most frequent tokens of the training split, at most this many. */
export const TEXT_VOCAB = 2000;
/** Token ids below this are padding and the unknown token, never features. */
const FIRST_WORD_ID = 2;

export interface FeatureRows {
  rows: Float64Array[];
  labels: number[];
}

/** How the rows were made, for the results to say. */
export interface FeatureSpace {
  kind: DatasetManifest['kind'];
  features: number;
  /** For text: the token ids the columns stand for, and each one's IDF (from the training split). */
  vocabulary?: number[];
  idf?: number[];
}

async function rawSplit(data: LoadedDataset, split: SplitName): Promise<{ x: ArrayLike<number>; y: Int32Array; n: number; width: number }> {
  const provider = new DiskBatchProvider(data, split, { shuffle: false, seed: 0 });
  const width = sampleShape(data.manifest).reduce((a, b) => a * b, 1);
  if (provider.count === 0) return { x: new Float32Array(0), y: new Int32Array(0), n: 0, width };
  for await (const batch of provider.epoch(0, { batchSize: provider.count })) return { x: batch.x, y: batch.y, n: batch.size, width };
  throw new Error(`The ${split} split yielded nothing.`);
}

/** Chooses the text vocabulary on the training split: the most frequent ids, with their IDF. */
function textSpace(ids: ArrayLike<number>, n: number, seqLength: number): { vocabulary: number[]; idf: number[] } {
  const df = new Map<number, number>();
  const tf = new Map<number, number>();
  for (let s = 0; s < n; s++) {
    const seen = new Set<number>();
    for (let t = 0; t < seqLength; t++) {
      const id = ids[s * seqLength + t]!;
      if (id < FIRST_WORD_ID) continue;
      tf.set(id, (tf.get(id) ?? 0) + 1);
      seen.add(id);
    }
    for (const id of seen) df.set(id, (df.get(id) ?? 0) + 1);
  }
  const vocabulary = [...tf.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, TEXT_VOCAB).map(([id]) => id);
  // Smoothed IDF, as scikit-learn's TfidfVectorizer: ln((1 + n) / (1 + df)) + 1.
  const idf = vocabulary.map((id) => Math.log((1 + n) / (1 + (df.get(id) ?? 0))) + 1);
  return { vocabulary, idf };
}

function textRows(ids: ArrayLike<number>, n: number, seqLength: number, space: { vocabulary: number[]; idf: number[] }): Float64Array[] {
  const column = new Map(space.vocabulary.map((id, j) => [id, j]));
  const rows: Float64Array[] = [];
  for (let s = 0; s < n; s++) {
    const row = new Float64Array(space.vocabulary.length);
    for (let t = 0; t < seqLength; t++) {
      const j = column.get(ids[s * seqLength + t]!);
      if (j !== undefined) row[j]! += 1;
    }
    // TF-IDF, L2-normalised per row (scikit-learn's default).
    let norm = 0;
    for (let j = 0; j < row.length; j++) {
      row[j] = row[j]! * space.idf[j]!;
      norm += row[j]! ** 2;
    }
    if (norm > 0) for (let j = 0; j < row.length; j++) row[j] = row[j]! / Math.sqrt(norm);
    rows.push(row);
  }
  return rows;
}

/** The training and test splits (and validation, when asked) as feature rows, in the same feature space. */
export async function featureRows(data: LoadedDataset, opts: { val?: boolean } = {}): Promise<{ train: FeatureRows; val: FeatureRows | null; test: FeatureRows; space: FeatureSpace }> {
  const manifest = data.manifest;
  const train = await rawSplit(data, 'train');
  const others = { test: await rawSplit(data, 'test'), val: opts.val ? await rawSplit(data, 'validation') : null };
  const input = manifest.input;
  if (input.kind === 'text') {
    const space = textSpace(train.x, train.n, input.seqLength);
    const rows = (r: typeof train): FeatureRows => ({ rows: textRows(r.x, r.n, input.seqLength, space), labels: Array.from(r.y) });
    return { train: rows(train), val: others.val && rows(others.val), test: rows(others.test), space: { kind: 'text', features: space.vocabulary.length, ...space } };
  }
  const norm = standardizationOf(manifest);
  const rows = (r: typeof train): FeatureRows => {
    const values = preprocessValues(input, r.x as Float32Array | Uint8Array, norm);
    return { rows: Array.from({ length: r.n }, (_, i) => Float64Array.from(values.subarray(i * r.width, (i + 1) * r.width))), labels: Array.from(r.y) };
  };
  return { train: rows(train), val: others.val && rows(others.val), test: rows(others.test), space: { kind: manifest.kind, features: train.width } };
}
