/**
 * Text-folder importer: a folder (or a .zip of one) with one subfolder per class of .txt, .eml or
 * extensionless files. Each file is one sample; e-mails keep only their Subject and body (see
 * text-decode.ts). Empty files and other extensions are skipped and listed in the report.
 */
import type { ImportSource } from '../../../src-shared/datasets/schema';
import type { ImportContext, Importer, RawDataset, SkippedItem } from '../raw-dataset';
import { TEXT_EXTENSIONS, dropEmptyClasses, extOf, looksLike, openClassTree, type ClassTree } from './class-tree';
import { checkClassNames, forEachLimit, reasonOf, throttled } from './common';
import { textOfFile } from './text-decode';
import { say, type Message, type Said } from '../../../src-shared/messages/message';

type TextSource = Extract<ImportSource, { type: 'text' }>;

/** One text file larger than this is skipped: it is not one sample of a classifier. */
export const MAX_TEXT_FILE_BYTES = 10 * 1024 * 1024;

/** Reads every text file of an opened class tree; `ignore` drops files silently (e.g. metadata). */
export async function readTextTree(
  tree: ClassTree,
  ctx: ImportContext,
  ignore: (path: string) => boolean = () => false,
): Promise<Omit<RawDataset, 'description'>> {
  const skipped: SkippedItem[] = [...tree.skipped];
  const candidates = tree.files.filter((f) => {
    if (ignore(f.path)) return false;
    const ext = extOf(f.path);
    if (TEXT_EXTENSIONS.has(ext)) return true;
    skipped.push({ item: f.path, reason: say('skipped.notText', { ext }) });
    return false;
  });
  const texts = new Array<string | null>(candidates.length).fill(null);
  const failures = new Array<Message | null>(candidates.length).fill(null);
  const report = throttled(ctx.report);
  let done = 0;
  await forEachLimit(candidates, 16, ctx.signal, async (file, i) => {
    try {
      const bytes = await file.read();
      if (bytes.length > MAX_TEXT_FILE_BYTES) {
        failures[i] = say('skipped.textTooLarge', { mb: Math.round(bytes.length / 1024 ** 2) });
      } else {
        const text = textOfFile(bytes, extOf(file.path));
        if (text.trim() === '') failures[i] = say(bytes.length === 0 ? 'skipped.emptyFile' : 'skipped.noText');
        else texts[i] = text;
      }
    } catch (err) {
      failures[i] = say('skipped.cannotRead', { reason: err instanceof Error ? reasonOf(err) : String(err) });
    }
    done++;
    report(done / candidates.length, say('jobs.readFilesOf', { done, total: candidates.length }));
  });
  const kept: string[] = [];
  const labelList: number[] = [];
  candidates.forEach((file, i) => {
    const t = texts[i];
    if (t === null || t === undefined) skipped.push({ item: file.path, reason: failures[i] ?? say('skipped.cannotRead', { reason: 'unknown' }) });
    else {
      kept.push(t);
      labelList.push(file.classIndex);
    }
  });
  const warnings: Said[] = [];
  const classes = dropEmptyClasses(tree.classNames, Int32Array.from(labelList), warnings);
  checkClassNames(classes.classNames);
  ctx.report(1, say('jobs.readTexts', { n: kept.length }));
  return { kind: 'text', classNames: classes.classNames, labels: classes.labels, texts: kept, skipped, warnings };
}

/** Imports a text folder or a .zip of one. */
export async function openTextFolder(source: TextSource, ctx: ImportContext): Promise<RawDataset> {
  const tree = await openClassTree(source.path);
  try {
    const raw = await readTextTree(tree, ctx);
    const params = { path: source.path, n: raw.labels.length, classes: raw.classNames.length };
    return { ...raw, description: say(tree.container === 'zip' ? 'sources.textZip' : 'sources.textFolder', params) };
  } finally {
    await tree.close();
  }
}

/** The text-folder importer. */
export const textFolderImporter: Importer<TextSource> = {
  type: 'text',
  match: (path) => looksLike(path, 'text'),
  open: openTextFolder,
};
