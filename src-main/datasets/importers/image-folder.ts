/**
 * Image-folder importer: a folder (or a .zip of one) with one subfolder of images per class,
 * decoded and resized to the chosen size and colour. Files that are not images or cannot be
 * decoded are skipped and listed in the report; they never fail the import.
 */
import type { ImportSource } from '../../../src-shared/datasets/schema';
import { DEFAULT_IMAGE_OPTIONS, type ImportContext, type Importer, type RawDataset, type SkippedItem } from '../raw-dataset';
import { IMAGE_EXTENSIONS, dropEmptyClasses, extOf, looksLike, openClassTree, type ClassTree } from './class-tree';
import { badInput, checkClassNames, forEachLimit, reasonOf, throttled } from './common';
import { ImageSkip, decodeImage } from './image-decode';
import { say, type Message, type Said } from '../../../src-shared/messages/message';

type ImagesSource = Extract<ImportSource, { type: 'images' }>;

/** Files decoded at once: libvips is multi-threaded already; a few in flight keep it busy. */
const CONCURRENCY = 8;

/** Decodes every image of an opened class tree. */
export async function readImageTree(
  tree: ClassTree,
  image: ImagesSource['image'],
  ctx: ImportContext,
): Promise<Omit<RawDataset, 'description'>> {
  const opts = image ?? DEFAULT_IMAGE_OPTIONS;
  const channels = opts.color === 'grayscale' ? 1 : 3;
  const skipped: SkippedItem[] = [...tree.skipped];
  const candidates = tree.files.filter((f) => {
    if (IMAGE_EXTENSIONS.has(extOf(f.path))) return true;
    skipped.push({ item: f.path, reason: extOf(f.path) ? say('skipped.notImage', { ext: extOf(f.path) }) : say('skipped.notImageNoExt') });
    return false;
  });
  const decoded = new Array<Uint8Array | null>(candidates.length).fill(null);
  const failures = new Array<Message | null>(candidates.length).fill(null);
  const report = throttled(ctx.report);
  let done = 0;
  await forEachLimit(candidates, CONCURRENCY, ctx.signal, async (file, i) => {
    try {
      decoded[i] = await decodeImage(await file.read(), opts);
    } catch (err) {
      if (!(err instanceof ImageSkip) && !(err instanceof Error)) throw err;
      failures[i] = err instanceof ImageSkip ? err.said : say('skipped.cannotRead', { reason: reasonOf(err) });
    }
    done++;
    report(done / candidates.length, say('jobs.decodedOf', { done, total: candidates.length }));
  });
  const sampleBytes = opts.width * opts.height * channels;
  const okCount = decoded.filter((d) => d !== null).length;
  const pixels = new Uint8Array(okCount * sampleBytes);
  let labels = new Int32Array(okCount);
  let n = 0;
  candidates.forEach((file, i) => {
    const d = decoded[i];
    if (d) {
      pixels.set(d, n * sampleBytes);
      labels[n++] = file.classIndex;
    } else skipped.push({ item: file.path, reason: failures[i] ?? say('skipped.imageUnreadable') });
  });
  if (okCount === 0) {
    const first = skipped[0];
    const n = tree.files.length;
    throw badInput(first ? say('errors.noReadableImage', { n, item: first.item, reason: first.reason }) : say('errors.noReadableImageNoExample', { n }));
  }
  const warnings: Said[] = [];
  const kept = dropEmptyClasses(tree.classNames, labels, warnings);
  labels = kept.labels;
  checkClassNames(kept.classNames);
  ctx.report(1, say('jobs.decoded', { n: okCount }));
  return {
    kind: 'image',
    classNames: kept.classNames,
    labels,
    images: { height: opts.height, width: opts.width, channels, pixels },
    skipped,
    warnings,
  };
}

/** Imports an image folder or a .zip of one. */
export async function openImageFolder(source: ImagesSource, ctx: ImportContext): Promise<RawDataset> {
  const tree = await openClassTree(source.path);
  try {
    const raw = await readImageTree(tree, source.image, ctx);
    const opts = source.image ?? DEFAULT_IMAGE_OPTIONS;
    const params = { path: source.path, n: raw.labels.length, classes: raw.classNames.length, width: String(opts.width), height: String(opts.height), color: opts.color };
    return { ...raw, description: say(tree.container === 'zip' ? 'sources.imageZip' : 'sources.imageFolder', params) };
  } finally {
    await tree.close();
  }
}

/** The image-folder importer. */
export const imageFolderImporter: Importer<ImagesSource> = {
  type: 'images',
  match: (path) => looksLike(path, 'image'),
  open: openImageFolder,
};
