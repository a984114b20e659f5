/**
 * Reads a .zip's entries from its central directory and inflates them one at a time, in memory,
 * with guards: unsafe names are refused (nothing is ever written to disk anyway), and zip bombs
 * (too many entries, too large, implausible compression ratios) fail with a clear error.
 */
import type { FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { inflateSync } from 'fflate';
import type { SkippedItem } from '../raw-dataset';
import type { TreeEntry } from './tree-entry';
import { say, type Message } from '../../../src-shared/messages/message';
import { badInput, fmt, isJunkName } from './common';
import { openSourceFile } from './source-file';

/** Limits against zip bombs; exported so tests and the UI can name them. */
export const ZIP_LIMITS = {
  maxEntries: 200_000,
  maxTotalBytes: 2 * 1024 ** 3,
  maxEntryBytes: 256 * 1024 ** 2,
  /** Compression ratios above this are refused for entries larger than `ratioMinBytes`. */
  maxRatio: 200,
  ratioMinBytes: 1024 * 1024,
};

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;

/** Why an entry name is unsafe (skipped.zipName.*), or null when it is a plain relative path. */
export function unsafeZipName(name: string): Message | null {
  if (name.includes('\\')) return say('skipped.zipName.backslash');
  if (name.startsWith('/')) return say('skipped.zipName.absolute');
  if (/^[a-zA-Z]:/.test(name)) return say('skipped.zipName.driveLetter');
  if (name.includes('\0')) return say('skipped.zipName.nul');
  if (name.split('/').some((s) => s === '..')) return say('skipped.zipName.dotDot');
  return null;
}

let crcTable: Int32Array | null = null;
function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < data.length; i++) c = (crcTable[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, pos);
  return buf.subarray(0, bytesRead);
}

interface CentralEntry {
  name: string;
  method: number;
  encrypted: boolean;
  compressed: number;
  size: number;
  crc: number;
  localOffset: number;
}

async function readCentralDirectory(fh: FileHandle, fileSize: number, zipName: string): Promise<CentralEntry[]> {
  const tailLen = Math.min(fileSize, 22 + 65_535);
  const tail = await readAt(fh, fileSize - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === EOCD) { eocd = i; break; }
  if (eocd < 0) throw badInput(say('errors.zipNoEnd', { file: zipName }));
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw badInput(say('errors.zip64', { file: zipName }));
  if (count > ZIP_LIMITS.maxEntries) {
    throw badInput(say('errors.zipTooManyEntries', { file: zipName, n: fmt(count), max: fmt(ZIP_LIMITS.maxEntries) }));
  }
  if (cdOffset + cdSize > fileSize) throw badInput(say('errors.zipTruncated', { file: zipName }));
  const cd = await readAt(fh, cdOffset, cdSize);
  const out: CentralEntry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CEN) throw badInput(say('errors.zipCorrupt', { file: zipName }));
    const flags = cd.readUInt16LE(p + 8);
    const nameLen = cd.readUInt16LE(p + 28);
    const rawName = cd.subarray(p + 46, p + 46 + nameLen);
    out.push({
      // Bit 11: the name is UTF-8; older zips use CP437, of which latin1 is a fair reading.
      name: rawName.toString(flags & 0x800 ? 'utf8' : 'latin1'),
      method: cd.readUInt16LE(p + 10),
      encrypted: (flags & 1) !== 0,
      crc: cd.readUInt32LE(p + 16),
      compressed: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localOffset: cd.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
  }
  return out;
}

/** Checks the zip-bomb limits on the sizes the directory declares; throws a clear error. */
function checkBomb(entries: CentralEntry[], zipName: string): void {
  let total = 0;
  for (const e of entries) {
    total += e.size;
    if (e.size > ZIP_LIMITS.maxEntryBytes) {
      throw badInput(say('errors.zipBombEntry', { file: zipName, entry: e.name, bytes: fmt(e.size), mib: fmt(ZIP_LIMITS.maxEntryBytes / 1024 ** 2) }));
    }
    if (e.size >= ZIP_LIMITS.ratioMinBytes && e.size > ZIP_LIMITS.maxRatio * Math.max(1, e.compressed)) {
      const ratio = String(Math.round(e.size / Math.max(1, e.compressed)));
      throw badInput(
        say('errors.zipBombRatio', { file: zipName, entry: e.name, ratio, packed: fmt(e.compressed), bytes: fmt(e.size), limit: String(ZIP_LIMITS.maxRatio) }),
      );
    }
  }
  if (total > ZIP_LIMITS.maxTotalBytes) {
    throw badInput(say('errors.zipBomb', { file: zipName, bytes: fmt(total) }));
  }
}

/**
 * Opens a zip and returns its safe file entries (read lazily) and the refused ones; the caller
 * must call `close`.
 */
export async function openZipEntries(
  path: string,
): Promise<{ entries: TreeEntry[]; refused: SkippedItem[]; close(): Promise<void> }> {
  const zipName = basename(path);
  const { fh, size: fileSize } = await openSourceFile(path, zipName);
  try {
    const central = await readCentralDirectory(fh, fileSize, zipName);
    checkBomb(central, zipName);
    const refused: SkippedItem[] = [];
    const entries: TreeEntry[] = [];
    for (const e of central) {
      const why = unsafeZipName(e.name);
      if (why) {
        refused.push({ item: e.name, reason: say('skipped.zipUnsafeName', { why }) });
        continue;
      }
      if (e.name.endsWith('/') || e.name.split('/').some(isJunkName)) continue;
      if (e.encrypted) {
        refused.push({ item: e.name, reason: say('skipped.zipEncrypted') });
        continue;
      }
      if (e.method !== 0 && e.method !== 8) {
        refused.push({ item: e.name, reason: say('skipped.zipMethod', { method: String(e.method) }) });
        continue;
      }
      entries.push({ path: e.name, size: e.size, read: () => readEntry(fh, e, zipName) });
    }
    return { entries, refused, close: () => fh.close() };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

async function readEntry(fh: FileHandle, e: CentralEntry, zipName: string): Promise<Uint8Array> {
  const head = await readAt(fh, e.localOffset, 30);
  if (head.length < 30 || head.readUInt32LE(0) !== LOC) throw badInput(say('skipped.zipEntryCorrupt', { file: zipName }));
  const start = e.localOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  const data = await readAt(fh, start, e.compressed);
  if (data.length < e.compressed) throw badInput(say('skipped.zipEntryTruncated'));
  // The output buffer is exactly the declared size, so a lying header cannot make us allocate more.
  const out = e.method === 0 ? data : inflateSync(data, { out: new Uint8Array(e.size) });
  if (out.length !== e.size || crc32(out) !== e.crc) throw badInput(say('skipped.zipEntryMismatch'));
  return out;
}
