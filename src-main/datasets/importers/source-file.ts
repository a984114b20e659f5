/**
 * Opening the files a person names for an import. Only a regular file is read, once links are
 * resolved: a FIFO, /dev/zero, /dev/stdin, a socket or a folder is refused by what the opened
 * descriptor is (so a swap between a check and the open cannot slip through), and a FIFO is
 * opened without blocking for a writer. Every read is bounded, while reading too, since a file
 * can grow after its size was taken.
 */
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { say, type Message } from '../../../src-shared/messages/message';
import { badInput } from './common';

/** What a non-regular file is, in words (errors.fileKind.*). */
function kindOf(st: Stats): Message {
  if (st.isDirectory()) return say('errors.fileKind.folder');
  if (st.isFIFO()) return say('errors.fileKind.pipe');
  if (st.isCharacterDevice() || st.isBlockDevice()) return say('errors.fileKind.device');
  if (st.isSocket()) return say('errors.fileKind.socket');
  return say('errors.fileKind.other');
}

/** "1 GiB": a limit in messages. */
export function formatLimit(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

/** An open regular file and its size when opened; the caller closes it. */
export interface SourceFile {
  fh: FileHandle;
  size: number;
}

/** Opens `path` for reading if, links resolved, it is a regular file; BAD_REQUEST with the reason otherwise. */
export async function openSourceFile(path: string, what = basename(path)): Promise<SourceFile> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw badInput(say('errors.noSuchFile', { file: what }), { path });
    if (e.code === 'EISDIR') throw badInput(say('errors.isFolder', { file: what }), { path });
    throw badInput(say('errors.cannotReadFile', { file: what, reason: e.message }), { path });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw badInput(say('errors.notRegularFile', { file: what, kind: kindOf(st) }), { path });
    return { fh, size: st.size };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** Reads at most the first `bytes` of a source file (for sniffing a format). */
export async function readSourceHead(path: string, bytes: number): Promise<Buffer> {
  const { fh } = await openSourceFile(path);
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Reads a whole source file of at most `max` bytes, refusing a larger one before and during the read. */
export async function readSourceFile(path: string, max: number, what = basename(path)): Promise<Buffer> {
  const { fh, size } = await openSourceFile(path, what);
  const tooBig = () => badInput(say('errors.tooLarge', { file: what, limit: formatLimit(max) }), { path, limit: max });
  try {
    if (size > max) throw tooBig();
    const chunks: Buffer[] = [];
    let total = 0;
    for (let first = true; ; first = false) {
      // The whole file in one read when its size holds; one byte past the limit tells it grew over.
      const buf = Buffer.allocUnsafe(Math.min(first ? size + 1 : 8 << 20, max + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > max) throw tooBig();
      chunks.push(buf.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await fh.close();
  }
}
