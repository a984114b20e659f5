/**
 * File primitives of a dataset's files: durable writes (fsync of file and folder), checksums,
 * and reads that verify a blob against the sha256 its manifest recorded.
 */
import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../src-shared/errors';
import type { DatasetManifest } from '../../src-shared/datasets/schema';
import { confirmOpened, readFileNoFollow } from '../services/project-paths';
import { say } from '../../src-shared/messages/message';

/** The sha256 of some bytes, as lowercase hex. */
export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Bytes of a typed array, without copying. */
export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Writes a new file and fsyncs it; returns its checksum entry. */
export async function writeDurable(path: string, data: Uint8Array | string): Promise<{ sha256: string; bytes: number }> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const handle = await open(path, 'wx', 0o644);
  try {
    try {
      // Not through a folder swapped for a link since it was checked: the file made there goes again.
      await confirmOpened(path, handle.fd);
    } catch (err) {
      await rm(path, { force: true }).catch(() => undefined);
      throw err;
    }
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { sha256: sha256(bytes), bytes: bytes.byteLength };
}

/** Reads one blob of a dataset and checks it against the manifest's checksum. */
export async function readVerified(dir: string, manifest: DatasetManifest, file: string): Promise<Buffer> {
  const expected = manifest.blobs[file];
  if (!expected) throw StudioError.say('IO_ERROR', say('errors.integrity.datasetUnlisted', { name: manifest.name, file }), { file });
  let data: Buffer;
  try {
    data = await readFileNoFollow(join(dir, file));
  } catch (err) {
    if (err instanceof StudioError) throw err;
    throw StudioError.say('IO_ERROR', say('errors.integrity.datasetUnreadable', { name: manifest.name, file, reason: (err as Error).message }), { file });
  }
  if (data.byteLength !== expected.bytes || sha256(data) !== expected.sha256) {
    throw StudioError.say('IO_ERROR', say('errors.integrity.datasetChecksum', { name: manifest.name, file }), { file });
  }
  return data;
}

/** A typed view on bytes read from disk, copying only when they are not aligned for it. */
export function viewAs<T extends Int32Array | Uint32Array | Float32Array>(
  Ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; new (length: number): T; BYTES_PER_ELEMENT: number },
  data: Uint8Array,
): T {
  const n = Math.floor(data.byteLength / Ctor.BYTES_PER_ELEMENT);
  if (data.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(data.buffer, data.byteOffset, n);
  const copy = new Uint8Array(n * Ctor.BYTES_PER_ELEMENT);
  copy.set(data.subarray(0, copy.byteLength));
  return new Ctor(copy.buffer, 0, n);
}
