/**
 * A source file that grows after its size was taken: the read stops at the limit, not at the
 * size seen when it was opened. Simulated by a file handle whose stat reports the size the file
 * had (4 bytes) while the file on disk holds much more, as a file being appended to would.
 */
import type { FileHandle } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readSourceFile } from '../../../../src-main/datasets/importers/source-file';
import { useTempDirs } from '../../services/temp-dir';
import { studioError } from './helpers';

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const fh = await real.open(...args);
      if (!String(args[0]).endsWith('growing.idx')) return fh;
      const stat = fh.stat.bind(fh);
      return Object.assign(fh, { stat: async () => Object.assign(await stat(), { size: 4 }) }) as FileHandle;
    },
  };
});

const tempDir = useTempDirs();

describe('a source file that grows while it is read', () => {
  it('is refused at the limit while reading, though it was small when opened', async () => {
    const file = join(await tempDir(), 'growing.idx');
    await writeFile(file, Buffer.alloc(50_000, 7));
    const err = await studioError(readSourceFile(file, 10_000));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toBe('growing.idx is larger than the 9.8 KiB limit.');
    // Under the limit it reads all of it, past the size seen at the open.
    const whole = await readSourceFile(file, 100_000);
    expect(whole.byteLength).toBe(50_000);
  });
});
