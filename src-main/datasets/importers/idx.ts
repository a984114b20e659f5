/**
 * IDX importer (MNIST, Fashion-MNIST): an idx3 image file and an idx1 label file, raw or gzipped,
 * optionally with the source's own test pair, which becomes the test split.
 */
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { ImportSource } from '../../../src-shared/datasets/schema';
import type { ImportContext, Importer, RawDataset } from '../raw-dataset';
import { badInput, checkClassNames, throwIfCancelled } from './common';
import { readSourceFile, readSourceHead } from './source-file';
import { say, type Said } from '../../../src-shared/messages/message';

type IdxSource = Extract<ImportSource, { type: 'idx' }>;

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;
/** A decompressed IDX file larger than this is refused (the full MNIST train images are 47 MB). */
const MAX_IDX_BYTES = 1024 * 1024 * 1024;
const MAX_SIDE = 1024;
const gunzipAsync = promisify(gunzip);

function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

/** Reads a file, gunzipping it when it starts with the gzip magic, with a size cap either way. */
async function readIdxFile(path: string): Promise<Buffer> {
  // A gzip file is no larger than what it expands to, so the same limit bounds the read.
  const raw = await readSourceFile(path, MAX_IDX_BYTES);
  if (!isGzip(raw)) return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: MAX_IDX_BYTES });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const file = basename(path);
    throw badInput(e.code === 'ERR_BUFFER_TOO_LARGE' ? say('errors.idxGzipTooLarge', { file }) : say('errors.idxNotGzip', { file, reason: e.message }));
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function checkMagic(buf: Buffer, name: string, expected: typeof IMAGES_MAGIC | typeof LABELS_MAGIC): void {
  if (buf.length < 4) throw badInput(say('errors.idxTooShort', { file: name, bytes: String(buf.length) }));
  const magic = buf.readUInt32BE(0);
  if (magic === expected) return;
  const params = { file: name, magic: hex(magic), expected: hex(expected) };
  // The other IDX kind is named: the two files were swapped.
  if (expected === IMAGES_MAGIC) throw badInput(say(magic === LABELS_MAGIC ? 'errors.idxLabelsNotImages' : 'errors.idxNotImageFile', params));
  throw badInput(say(magic === IMAGES_MAGIC ? 'errors.idxImagesNotLabels' : 'errors.idxNotLabelFile', params));
}

interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

/** Parses and validates an idx3-ubyte image file. */
export function parseIdxImages(buf: Buffer, name: string): IdxImages {
  checkMagic(buf, name, IMAGES_MAGIC);
  if (buf.length < 16) throw badInput(say('errors.idxHeaderShort', { file: name, need: '16', bytes: String(buf.length) }));
  const count = buf.readUInt32BE(4);
  const rows = buf.readUInt32BE(8);
  const cols = buf.readUInt32BE(12);
  if (count === 0) throw badInput(say('errors.idxNoImages', { file: name }));
  if (rows < 1 || cols < 1 || rows > MAX_SIDE || cols > MAX_SIDE) {
    throw badInput(say('errors.idxBadSize', { file: name, rows: String(rows), cols: String(cols), max: String(MAX_SIDE) }));
  }
  const need = 16 + count * rows * cols;
  if (buf.length < need) {
    throw badInput(say('errors.idxImagesTruncated', { file: name, n: count, rows: String(rows), cols: String(cols), need, bytes: buf.length }));
  }
  return { count, rows, cols, pixels: buf.subarray(16, need) };
}

/** Parses and validates an idx1-ubyte label file. */
export function parseIdxLabels(buf: Buffer, name: string): Uint8Array {
  checkMagic(buf, name, LABELS_MAGIC);
  if (buf.length < 8) throw badInput(say('errors.idxHeaderShort', { file: name, need: '8', bytes: String(buf.length) }));
  const count = buf.readUInt32BE(4);
  if (buf.length < 8 + count) {
    throw badInput(say('errors.idxLabelsTruncated', { file: name, n: count, have: buf.length - 8 }));
  }
  return buf.subarray(8, 8 + count);
}

async function readPair(imagesPath: string, labelsPath: string, signal: AbortSignal) {
  const [imgBuf, lblBuf] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
  throwIfCancelled(signal);
  const images = parseIdxImages(imgBuf, basename(imagesPath));
  const labels = parseIdxLabels(lblBuf, basename(labelsPath));
  if (labels.length !== images.count) {
    throw badInput(
      say('errors.idxCountMismatch', { labelFile: basename(labelsPath), labels: labels.length, imageFile: basename(imagesPath), images: images.count }),
    );
  }
  return { images, labels };
}

/** Reads IDX images + labels (and the optional test pair) into one raw dataset. */
export async function openIdx(source: IdxSource, ctx: ImportContext): Promise<RawDataset> {
  if ((source.testImages === undefined) !== (source.testLabels === undefined)) {
    throw badInput(say('errors.idxTestPair'));
  }
  ctx.report(0, say('jobs.readingIdx'));
  const train = await readPair(source.images, source.labels, ctx.signal);
  const test =
    source.testImages && source.testLabels ? await readPair(source.testImages, source.testLabels, ctx.signal) : null;
  if (test && (test.images.rows !== train.images.rows || test.images.cols !== train.images.cols)) {
    throw badInput(
      say('errors.idxTestSize', {
        testRows: String(test.images.rows),
        testCols: String(test.images.cols),
        rows: String(train.images.rows),
        cols: String(train.images.cols),
      }),
    );
  }
  const { rows, cols } = train.images;
  const total = train.images.count + (test?.images.count ?? 0);
  const pixels = new Uint8Array(total * rows * cols);
  pixels.set(train.images.pixels, 0);
  const labels = new Int32Array(total);
  labels.set(train.labels, 0);
  if (test) {
    pixels.set(test.images.pixels, train.images.pixels.length);
    labels.set(test.labels, train.labels.length);
  }
  let maxLabel = 0;
  for (let i = 0; i < total; i++) if ((labels[i] as number) > maxLabel) maxLabel = labels[i] as number;
  const classNames = Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  checkClassNames(classNames, say('errors.noClassesWhy.idxAllZero'));
  const warnings: Said[] = [];
  const counts = new Int32Array(maxLabel + 1);
  for (let i = 0; i < total; i++) counts[labels[i] as number]!++;
  const empty = classNames.filter((_, i) => counts[i] === 0);
  // IDX labels number the classes 0..N-1: a few stray large values would make mostly empty classes.
  if (empty.length > classNames.length - empty.length) {
    throw badInput(say('errors.idxSparseLabels', { max: String(maxLabel), used: classNames.length - empty.length }));
  }
  if (empty.length > 0) warnings.push(say('warnings.emptyLabels', { labels: empty.join(', ') }));
  ctx.report(1, say('jobs.readIdx'));
  // Sizes read as written (28x28), not as counts with separators.
  const dims = { rows: String(rows), cols: String(cols) };
  return {
    kind: 'image',
    classNames,
    labels,
    images: { height: rows, width: cols, channels: 1, pixels },
    ...(test ? { testStart: train.images.count } : {}),
    skipped: [],
    warnings,
    description: test
      ? say('sources.idxWithTest', { file: basename(source.images), n: train.images.count, test: test.images.count, ...dims })
      : say('sources.idx', { file: basename(source.images), n: train.images.count, ...dims }),
  };
}

/** Reads the first bytes of a file, gunzipping a gzip start, to see an IDX magic. */
export async function sniffIdx(path: string): Promise<{ magic: number; dims: number[] } | null> {
  try {
    let buf = await readSourceHead(path, 64 * 1024);
    if (isGzip(buf)) {
      // A partial gzip stream: inflate what we have and ignore the "unexpected end" error.
      const { gunzipSync, constants } = await import('node:zlib');
      // 256 input bytes inflate to at most ~264 KB (deflate's ratio is under 1032:1).
      buf = gunzipSync(buf.subarray(0, 256), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 1024 * 1024 });
    }
    if (buf.length < 8 || buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 8) return null;
    const ndim = buf[3] as number;
    if (ndim < 1 || ndim > 3 || buf.length < 4 + 4 * ndim) return null;
    const dims = Array.from({ length: ndim }, (_, i) => buf.readUInt32BE(4 + 4 * i));
    return { magic: buf.readUInt32BE(0), dims };
  } catch {
    return null;
  }
}

/** The IDX importer: matches an idx3 image file or an idx1 label file (raw or .gz). */
export const idxImporter: Importer<IdxSource> = {
  type: 'idx',
  async match(path) {
    const info = await sniffIdx(path);
    return info !== null && (info.magic === IMAGES_MAGIC || info.magic === LABELS_MAGIC);
  },
  open: openIdx,
};
