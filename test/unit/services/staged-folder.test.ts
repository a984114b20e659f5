import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStagedFolder, sweepLeftovers, writeStagedFolder } from '../../../src-main/services/staged-folder';
import { useTempDirs } from './temp-dir';

const tempDir = useTempDirs();

describe('writeStagedFolder', () => {
  it('writes inside .incoming-<name> and renames it into place when complete', async () => {
    const root = join(await tempDir(), 'things');
    const result = await writeStagedFolder(root, 'th-1', async (incoming) => {
      expect(incoming).toBe(join(root, '.incoming-th-1'));
      await writeFile(join(incoming, 'a.txt'), 'A');
      return 42;
    });
    expect(result).toBe(42);
    expect(await readdir(root)).toEqual(['th-1']);
    expect(await readFile(join(root, 'th-1', 'a.txt'), 'utf8')).toBe('A');
  });

  it('removes the incoming folder and keeps nothing when the writer fails', async () => {
    const root = await tempDir();
    const write = writeStagedFolder(root, 'th-1', async (incoming) => {
      await writeFile(join(incoming, 'a.txt'), 'A');
      throw new Error('disk full');
    });
    await expect(write).rejects.toThrow('disk full');
    expect(await readdir(root)).toEqual([]);
  });

  it('does not commit when the signal aborts during the write', async () => {
    const root = await tempDir();
    const controller = new AbortController();
    const write = writeStagedFolder(root, 'th-1', async (incoming) => {
      await writeFile(join(incoming, 'a.txt'), 'A');
      controller.abort();
    }, { signal: controller.signal });
    await expect(write).rejects.toThrow();
    expect(await readdir(root)).toEqual([]);
  });

  it('replaces an existing folder through the replaced name, leaving only the new folder', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'th-1'));
    await writeFile(join(root, 'th-1', 'old.txt'), 'old');
    await writeStagedFolder(root, 'th-1', (incoming) => writeFile(join(incoming, 'new.txt'), 'new'), {
      incomingSuffix: '-abcd',
      replacedName: '.replaced-th-1',
    });
    expect(await readdir(root)).toEqual(['th-1']);
    expect(await readdir(join(root, 'th-1'))).toEqual(['new.txt']);
  });
});

describe('removeStagedFolder', () => {
  it('deletes the folder, leaves no .removing- folder and accepts a folder that is not there', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'th-1', 'sub'), { recursive: true });
    await removeStagedFolder(root, 'th-1', 'thing th-1');
    await removeStagedFolder(root, 'th-2', 'thing th-2');
    expect(await readdir(root)).toEqual([]);
  });

  it('names the folder in the error when it cannot be renamed aside', async () => {
    const root = join(await tempDir(), 'a-file');
    await writeFile(root, '');
    await expect(removeStagedFolder(root, 'th-1', 'thing th-1')).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('Cannot remove thing th-1:') });
  });
});

describe('sweepLeftovers', () => {
  it('deletes prefixed leftovers except busy ones and hands other names on', async () => {
    const root = await tempDir();
    for (const name of ['.incoming-a', '.incoming-busy', '.removing-b-0000', '.other-c', 'keep']) await mkdir(join(root, name));
    const seen: string[] = [];
    const removed = await sweepLeftovers(root, {
      prefixes: ['.incoming-', '.removing-'],
      busy: new Set(['.incoming-busy']),
      other: async (name) => {
        seen.push(name);
        return name === '.other-c';
      },
    });
    expect(removed.sort()).toEqual(['.incoming-a', '.other-c', '.removing-b-0000']);
    expect(seen.sort()).toEqual(['.incoming-busy', '.other-c', 'keep']);
    expect((await readdir(root)).sort()).toEqual(['.incoming-busy', '.other-c', 'keep']);
    expect(await sweepLeftovers(join(root, 'absent'), { prefixes: ['.incoming-'] })).toEqual([]);
  });
});
