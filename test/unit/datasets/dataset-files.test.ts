import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src-main/datasets/blob-files';
import {
  cleanupDatasets,
  loadDataset,
  newDatasetId,
  readDatasetManifest,
  readTexts,
  removeDatasetFiles,
  resplitDataset,
  writeDataset,
  type NewDataset,
} from '../../../src-main/datasets/dataset-files';
import type { RawDataset } from '../../../src-main/datasets/raw-dataset';
import { useTempDirs } from '../services/temp-dir';
import { rawImages, rawTabular, rawTexts } from './dataset-fixtures';

const tempDir = useTempDirs();
const split = { seed: 42, validationFraction: 0.1, testFraction: 0.2 };

function input(raw: RawDataset, id = newDatasetId()): NewDataset {
  return { id, name: 'Pets', createdAt: new Date().toISOString(), sourceType: 'images', raw, split, startedAt: Date.now() };
}

describe('dataset files', () => {
  it('writes blobs with checksums into datasets/<id> and reads them back', async () => {
    const dir = await tempDir();
    const ds = input(rawImages());
    const written = await writeDataset(dir, ds);
    expect(ds.id).toMatch(/^ds-[0-9a-z]{8}$/);
    expect(await readdir(join(dir, 'datasets'))).toEqual([ds.id]);
    const files = (await readdir(join(dir, 'datasets', ds.id))).sort();
    expect(files).toEqual(['dataset.json', 'split-test.u32', 'split-train.u32', 'split-validation.u32', 'x.bin', 'y.bin']);
    for (const [file, blob] of Object.entries(written.blobs)) {
      const bytes = await readFile(join(dir, 'datasets', ds.id, file));
      expect(sha256(bytes)).toBe(blob.sha256);
      expect(bytes.byteLength).toBe(blob.bytes);
    }
    const manifest = await readDatasetManifest(dir, ds.id);
    expect(manifest).toMatchObject({ kind: 'image', count: 100, classNames: ['cat', 'dog'], input: { kind: 'image', height: 4, width: 4, channels: 1 } });
    expect(manifest.splits.test).toEqual({ count: 20, classCounts: [10, 10] });
    expect(manifest.splits.validation.count + manifest.splits.train.count).toBe(80);
    expect(manifest.report).toMatchObject({ imported: 100, skippedTotal: 1, skipped: [{ item: 'broken.png', reason: 'not an image' }] });
    const loaded = await loadDataset(dir, manifest);
    expect(loaded.x[17 * 16]).toBe(17);
    expect(loaded.y[17]).toBe(1);
    expect(loaded.splits.train.length).toBe(manifest.splits.train.count);
  });

  it('reports a tampered blob by name', async () => {
    const dir = await tempDir();
    const ds = input(rawImages());
    const manifest = await writeDataset(dir, ds);
    const xPath = join(dir, 'datasets', ds.id, 'x.bin');
    const bytes = await readFile(xPath);
    bytes[5] = 255 - bytes[5]!;
    await writeFile(xPath, bytes);
    await expect(loadDataset(dir, manifest)).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: 'dataset Pets: x.bin failed its checksum',
      said: { key: 'errors.integrity.datasetChecksum', params: { name: 'Pets', file: 'x.bin' } },
    });
  });

  it('tokenizes text from the training split and keeps the texts for snippets', async () => {
    const dir = await tempDir();
    const ds = { ...input(rawTexts()), text: { tokenizer: 'word' as const, vocabSize: 50, seqLength: 6, lowercase: true } };
    const manifest = await writeDataset(dir, ds);
    expect(manifest.input).toMatchObject({ kind: 'text', seqLength: 6, tokenizer: 'word', dtype: 'int32' });
    expect(manifest.blobs['x.bin']!.bytes).toBe(40 * 6 * 4);
    const tokenizer = JSON.parse(await readFile(join(dir, 'datasets', ds.id, 'tokenizer.json'), 'utf8'));
    expect(tokenizer.vocab.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    expect(tokenizer.vocab.length).toBe(manifest.input.kind === 'text' ? manifest.input.vocabSize : -1);
    expect((await readTexts(dir, manifest))![1]).toBe('buy cheap pills now 1');
  });

  it('records feature statistics of the training split for tables', async () => {
    const dir = await tempDir();
    const manifest = await writeDataset(dir, input(rawTabular()));
    const [f1, f2] = manifest.featureStats!;
    expect(f1).toMatchObject({ name: 'f1', missing: 0 });
    expect(f1!.min).toBeGreaterThanOrEqual(0);
    expect(f1!.max).toBeLessThanOrEqual(29);
    expect(f2).toMatchObject({ name: 'f2', min: 1, max: 1, mean: 1, std: 0 });
    expect(f2!.missing).toBeGreaterThan(0);
  });

  it('leaves nothing behind when the write is aborted', async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    const write = writeDataset(dir, input(rawImages()), { signal: controller.signal, onProgress: (f) => f >= 0.7 && controller.abort() });
    await expect(write).rejects.toThrow();
    expect(await readdir(join(dir, 'datasets'))).toEqual([]);
  });

  it('re-splits with another seed, rewriting only the split files and the manifest', async () => {
    const dir = await tempDir();
    const ds = input(rawImages(200));
    const before = await writeDataset(dir, ds);
    const after = await resplitDataset(dir, before, { seed: 7, validationFraction: 0.2, testFraction: 0.1 });
    expect(after.split).toMatchObject({ seed: 7, validationFraction: 0.2, testFraction: 0.1 });
    expect(after.splits.validation.count).toBe(40);
    expect(after.blobs['x.bin']).toEqual(before.blobs['x.bin']);
    expect(after.blobs['split-test.u32']).not.toEqual(before.blobs['split-test.u32']);
    expect(await readDatasetManifest(dir, ds.id)).toEqual(after);
    const loaded = await loadDataset(dir, after);
    expect(loaded.splits.validation.length).toBe(40);
    expect(await readdir(join(dir, 'datasets'))).toEqual([ds.id]);
  });

  it('keeps a source test set when re-splitting', async () => {
    const dir = await tempDir();
    const raw = { ...rawImages(100), testStart: 80 };
    const before = await writeDataset(dir, input(raw));
    expect(before.split.testFromSource).toBe(true);
    expect(before.splits.test.count).toBe(20);
    const after = await resplitDataset(dir, before, { seed: 9, validationFraction: 0.25, testFraction: 0.1 });
    const loaded = await loadDataset(dir, after);
    expect(Array.from(loaded.splits.test)).toEqual(Array.from({ length: 20 }, (_, i) => 80 + i));
    expect(after.splits.validation.count).toBe(20);
  });

  it('removes a dataset folder, and cleanup removes leftovers of crashed imports', async () => {
    const dir = await tempDir();
    const ds = input(rawImages());
    await writeDataset(dir, ds);
    const other = input(rawImages());
    await writeDataset(dir, other);
    await writeFile(join(dir, 'datasets', 'x'), '');
    await mkdir(join(dir, 'datasets', '.incoming-ds-dead0000'));
    await mkdir(join(dir, 'datasets', '.incoming-ds-busy0000'));
    await removeDatasetFiles(dir, ds.id);
    const removed = await cleanupDatasets(dir, new Set(['.incoming-ds-busy0000']));
    expect(removed).toEqual(['.incoming-ds-dead0000']);
    expect((await readdir(join(dir, 'datasets'))).sort()).toEqual(['.incoming-ds-busy0000', other.id, 'x'].sort());
    await expect(readDatasetManifest(dir, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
