/** Small in-memory RawDatasets for store and service tests. */
import type { RawDataset } from '../../../src-main/datasets/raw-dataset';

/** n images of 4x4 gray pixels in 2 classes; pixel values encode the sample index. */
export function rawImages(n = 100, classes = ['cat', 'dog']): RawDataset {
  const pixels = new Uint8Array(n * 16);
  for (let i = 0; i < n; i++) pixels.fill(i % 256, i * 16, (i + 1) * 16);
  return {
    kind: 'image',
    classNames: classes,
    labels: Int32Array.from({ length: n }, (_, i) => i % classes.length),
    images: { height: 4, width: 4, channels: 1, pixels },
    skipped: [{ item: 'broken.png', reason: 'not an image' }],
    warnings: [],
    description: 'test images',
  };
}

/** Short texts in 2 classes. */
export function rawTexts(): RawDataset {
  const texts = Array.from({ length: 40 }, (_, i) => (i % 2 ? `buy cheap pills now ${i}` : `meeting notes for monday ${i}`));
  return { kind: 'text', classNames: ['ham', 'spam'], labels: Int32Array.from(texts, (_, i) => i % 2), texts, skipped: [], warnings: [], description: 'test texts' };
}

/** Two features, one of them sometimes missing. */
export function rawTabular(): RawDataset {
  const n = 30;
  const values = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    values[i * 2] = i;
    values[i * 2 + 1] = i % 5 === 0 ? NaN : 1;
  }
  return { kind: 'tabular', classNames: ['a', 'b', 'c'], labels: Int32Array.from({ length: n }, (_, i) => i % 3), tabular: { featureNames: ['f1', 'f2'], values }, skipped: [], warnings: [], description: 'test table' };
}

/** n samples whose first 4 pixel bytes hold the sample index (uint32 LE), to identify samples in shards. */
export function rawIndexed(n: number, classes = 4): RawDataset {
  const pixels = new Uint8Array(n * 16);
  const view = new DataView(pixels.buffer);
  for (let i = 0; i < n; i++) view.setUint32(i * 16, i, true);
  return {
    kind: 'image',
    classNames: Array.from({ length: classes }, (_, c) => `c${c}`),
    labels: Int32Array.from({ length: n }, (_, i) => i % classes),
    images: { height: 4, width: 4, channels: 1, pixels },
    skipped: [],
    warnings: [],
    description: 'indexed',
  };
}

/** The sample indices a shard's x bytes hold (see rawIndexed). */
export function shardIndices(x: Uint8Array): number[] {
  const view = new DataView(x.buffer, x.byteOffset, x.byteLength);
  return Array.from({ length: x.byteLength / 16 }, (_, k) => view.getUint32(k * 16, true));
}
