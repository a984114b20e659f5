/**
 * Atomic file replacement: readers see either the old file or the new one, never a half-written
 * file, and a crash at any moment leaves one of the two on disk.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { confirmOpened } from './project-paths';

/** The temp-file prefix, so a crash leftover is recognisable beside the real file. */
export const TEMP_PREFIX = '.mstudio-tmp-';

/** Fsyncs a folder so a rename or new file in it survives a crash (a no-op where unsupported). */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Windows cannot open or fsync a directory; its renames are durable without it.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw err;
  } finally {
    await handle?.close();
  }
}

/** Writes `data` to `path` through a temp file in the same folder, fsync and rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${TEMP_PREFIX}${basename(path)}-${process.pid}-${randomBytes(6).toString('hex')}`);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      // Not through a folder swapped for a link since it was checked (the temp file goes again below).
      await confirmOpened(temp, handle.fd);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    renamed = true;
    await fsyncDir(dir);
  } catch (err) {
    if (!renamed) await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
}
