import { textOf } from '../../../../src-shared/messages/message';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../../../src-main/datasets/importers/index';
import { inspectPath } from '../../../../src-main/datasets/inspect';
import { useTempDirs } from '../../services/temp-dir';
import { solidImage, studioError, testContext } from './helpers';

const text = (s: string) => new TextEncoder().encode(s);

describe('zip archives', () => {
  const tempDir = useTempDirs();
  const writeZip = async (files: Record<string, Uint8Array>, name = 'data.zip') => {
    const path = join(await tempDir(), name);
    await writeFile(path, zipSync(files));
    return path;
  };

  it('imports a zipped image folder, unwrapping its top folder and ignoring macOS junk', async () => {
    const red = await solidImage('png', { r: 255, g: 0, b: 0 });
    const blue = await solidImage('webp', { r: 0, g: 0, b: 255 });
    const path = await writeZip({
      'pets/cat/1.png': red,
      'pets/cat/2.png': red,
      'pets/dog/1.webp': blue,
      '__MACOSX/pets/cat/._1.png': text('junk'),
      'pets/.DS_Store': text('junk'),
    });
    const raw = await importDataset({ type: 'images', path, image: { width: 4, height: 4, color: 'rgb' } }, testContext());
    expect(raw.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(raw.labels)).toEqual([0, 0, 1]);
    expect(Array.from(raw.images!.pixels.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(raw.skipped).toEqual([]);
    expect(textOf(raw.description)).toContain('Zip of an image folder');
    const seen = await inspectPath(path);
    expect(seen).toMatchObject({ importer: 'images', kind: 'image', classes: ['cat', 'dog'] });
  });

  it('imports a zipped text folder', async () => {
    const path = await writeZip({ 'ham/a.txt': text('see you at noon'), 'spam/b.eml': text('Subject: Win\n\nmoney') });
    const raw = await importDataset({ type: 'text', path }, testContext());
    expect(raw.texts).toEqual(['see you at noon', 'Win\n\nmoney']);
    expect((await inspectPath(path)).note.text).toBe('Zip of a text folder: 2 classes, 2 files.');
  });

  it('refuses an entry named ../../x and writes nothing outside', async () => {
    const dir = await tempDir();
    const path = join(dir, 'evil.zip');
    await writeFile(
      path,
      zipSync({ 'a/1.txt': text('one'), 'b/1.txt': text('two'), '../../x': text('escape'), '/etc/y': text('abs') }),
    );
    const raw = await importDataset({ type: 'text', path }, testContext());
    expect(raw.texts).toEqual(['one', 'two']);
    expect(raw.skipped.map((s) => ({ ...s, reason: textOf(s.reason) }))).toEqual([
      { item: '../../x', reason: 'zip entry refused: its name contains ".." (it would escape the folder)' },
      { item: '/etc/y', reason: 'zip entry refused: its name is an absolute path' },
    ]);
    // Said by key, why the name is unsafe nested in it.
    expect(raw.skipped[0]?.reason).toMatchObject({ key: 'skipped.zipUnsafeName', params: { why: { key: 'skipped.zipName.dotDot' } } });
    expect(existsSync(join(dir, '..', '..', 'x'))).toBe(false);
    expect(existsSync(join(dir, '..', 'x'))).toBe(false);
  });

  it('refuses a zip bomb with a clear error', async () => {
    const path = await writeZip({ 'a/bomb.txt': new Uint8Array(20 * 1024 * 1024), 'b/ok.txt': text('fine') });
    const err = await studioError(importDataset({ type: 'text', path }, testContext()));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/^data\.zip looks like a zip bomb: entry a\/bomb\.txt expands \d+:1 .* beyond the 200:1 limit\.$/);
    expect((await inspectPath(path)).note.text).toMatch(/^data\.zip looks like a zip bomb/);
    expect((await inspectPath(path)).note.key).toBe('errors.zipBombRatio');
  });

  it('skips an entry whose data does not match its header (a lying size)', async () => {
    const path = await writeZip({ 'a/1.txt': text('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), 'a/2.txt': text('a'), 'b/1.txt': text('b') });
    const bytes = await readFile(path);
    // Shrink a/1.txt's declared size (local header at 0, first central entry found by signature).
    bytes.writeUInt32LE(4, 22);
    bytes.writeUInt32LE(4, bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24);
    await writeFile(path, bytes);
    const raw = await importDataset({ type: 'text', path }, testContext());
    expect(raw.skipped.map((s) => ({ ...s, reason: textOf(s.reason) }))).toEqual([
      { item: 'a/1.txt', reason: 'cannot read the file: zip entry is corrupt (size or CRC mismatch)' },
    ]);
    expect(raw.skipped[0]?.reason).toMatchObject({ key: 'skipped.cannotRead', params: { reason: { key: 'skipped.zipEntryMismatch' } } });
    expect(raw.texts).toEqual(['a', 'b']);
  });
});
