import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src-main/services/atomic-write';
import { useTempDirs } from './temp-dir';

const tempDir = useTempDirs();

describe('writeFileAtomic', () => {
  it('creates a file and replaces its content, leaving no temp files', async () => {
    const dir = await tempDir();
    const file = join(dir, 'A.mstudio');
    await writeFileAtomic(file, 'first');
    await writeFileAtomic(file, 'second, longer content');
    await writeFileAtomic(file, new TextEncoder().encode('third'));
    expect(await readFile(file, 'utf8')).toBe('third');
    expect(await readdir(dir)).toEqual(['A.mstudio']);
  });

  it('keeps the old file and removes its temp file when the write fails midway', async () => {
    const dir = await tempDir();
    const file = join(dir, 'A.mstudio');
    await writeFile(file, 'original');
    // Not a string or bytes: the temp file is opened, then writing it throws.
    await expect(writeFileAtomic(file, 42 as unknown as string)).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe('original');
    expect(await readdir(dir)).toEqual(['A.mstudio']);
  });

  it('removes its temp file when the rename fails', async () => {
    const dir = await tempDir();
    const target = join(dir, 'taken');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'x');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readFile(join(target, 'keep.txt'), 'utf8')).toBe('x');
  });

  it('fails when the folder does not exist', async () => {
    const dir = await tempDir();
    await expect(writeFileAtomic(join(dir, 'missing', 'f'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
