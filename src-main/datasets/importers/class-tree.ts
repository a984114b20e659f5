/**
 * A "class tree": the files of a folder (or a .zip of one) with one subfolder per class, listed
 * without reading them, so the image and text importers share the folder rules.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { SkippedItem } from '../raw-dataset';
import { badInput, checkClassNames, compareNames, fmt, isJunkName } from './common';
import type { TreeEntry } from './tree-entry';
import { readSourceFile, readSourceHead } from './source-file';
import { openZipEntries, ZIP_LIMITS } from './zip';
import { say, type Said } from '../../../src-shared/messages/message';

/** One file somewhere below the root; kept in tree-entry.ts so zip.ts need not import this file. */
export type { TreeEntry } from './tree-entry';

/** A file of one class. */
export interface TreeFile extends TreeEntry {
  classIndex: number;
}

export interface ClassTree {
  /** Class names (subfolder names), sorted. */
  classNames: string[];
  /** The files of every class, class by class, each class's files sorted by path. */
  files: TreeFile[];
  /** Entries refused while listing (outside any class folder, unsafe zip names…). */
  skipped: SkippedItem[];
  /** 'folder' or 'zip'. */
  container: 'folder' | 'zip';
  /** Releases the open zip file, if any. */
  close(): Promise<void>;
}

/** Walking stops at this many files: a class folder dataset is not a whole disk. */
export const MAX_TREE_FILES = 200_000;

/** Lists every file below `root` (not following symbolic links), skipping junk names. */
export async function listFolder(root: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const walk = async (rel: string): Promise<void> => {
    const dirents = await readdir(join(root, rel), { withFileTypes: true });
    for (const d of dirents) {
      if (isJunkName(d.name)) continue;
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) await walk(childRel);
      else if (d.isFile()) {
        if (out.length >= MAX_TREE_FILES) throw badInput(say('errors.folderTooManyFiles', { max: fmt(MAX_TREE_FILES) }));
        const abs = join(root, childRel);
        // A file in a class folder is at most what a zip entry may be.
        out.push({ path: childRel, size: -1, read: () => readSourceFile(abs, ZIP_LIMITS.maxEntryBytes, childRel) });
      }
    }
  };
  await walk('');
  return out;
}

/**
 * Groups entries by their first folder into classes. A single top-level folder wrapping the
 * class folders (as zips often have) is unwrapped; files outside any class folder are skipped.
 */
export function groupByClass(entries: TreeEntry[]): { classNames: string[]; files: TreeFile[]; skipped: SkippedItem[] } {
  let list = entries;
  let prefix = '';
  for (;;) {
    const tops = new Set(list.map((e) => e.path.split('/')[0]));
    const allNested = list.every((e) => e.path.includes('/'));
    const [only] = tops;
    // Unwrap only when the single folder itself holds folders: otherwise it is one class.
    if (tops.size !== 1 || !allNested || only === undefined) break;
    const inner = list.map((e) => ({ ...e, path: e.path.slice(only.length + 1) }));
    if (!inner.some((e) => e.path.includes('/'))) break;
    prefix += `${only}/`;
    list = inner;
  }
  const skipped: SkippedItem[] = [];
  const byClass = new Map<string, TreeEntry[]>();
  for (const e of list) {
    const slash = e.path.indexOf('/');
    if (slash < 0) {
      skipped.push({ item: prefix + e.path, reason: say('skipped.notInClassFolder') });
      continue;
    }
    const name = e.path.slice(0, slash);
    const bucket = byClass.get(name) ?? [];
    bucket.push({ ...e, path: prefix + e.path });
    byClass.set(name, bucket);
  }
  const classNames = [...byClass.keys()].sort(compareNames);
  const files: TreeFile[] = [];
  classNames.forEach((name, classIndex) => {
    const bucket = (byClass.get(name) ?? []).sort((a, b) => compareNames(a.path, b.path));
    for (const e of bucket) files.push({ ...e, classIndex });
  });
  return { classNames, files, skipped };
}

async function isZipFile(path: string): Promise<boolean> {
  if (extname(path).toLowerCase() === '.zip') return true;
  const head = await readSourceHead(path, 4);
  return head.length === 4 && head.readUInt32LE(0) === 0x04034b50;
}

/** Lists a folder or a .zip of one as classes and files; checks there are at least two classes. */
export async function openClassTree(path: string, opts: { requireClasses?: boolean } = {}): Promise<ClassTree> {
  const st = await stat(path).catch(() => {
    throw badInput(say('errors.nothingAt', { path }));
  });
  let entries: TreeEntry[];
  let skipped: SkippedItem[] = [];
  let close = async (): Promise<void> => {};
  let container: ClassTree['container'] = 'folder';
  if (st.isDirectory()) {
    entries = await listFolder(path);
  } else if (st.isFile() && (await isZipFile(path))) {
    const zip = await openZipEntries(path);
    entries = zip.entries;
    skipped = zip.refused;
    close = zip.close;
    container = 'zip';
  } else {
    throw badInput(say('errors.notFolderOrZip', { path }));
  }
  const grouped = groupByClass(entries);
  if (opts.requireClasses !== false) {
    try {
      checkClassNames(grouped.classNames);
    } catch (err) {
      await close();
      throw err;
    }
  }
  return { ...grouped, skipped: [...skipped, ...grouped.skipped], container, close };
}

/** Lowercase extension without the dot ('' when none). */
export function extOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

export const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'jfif', 'bmp', 'gif', 'webp']);
export const TEXT_EXTENSIONS = new Set(['txt', 'eml', '']);

/** Whether a tree holds mostly images or mostly texts, judged by extensions. */
export function treeKind(files: readonly TreeEntry[]): 'image' | 'text' | null {
  let images = 0;
  let texts = 0;
  for (const f of files) {
    const ext = extOf(f.path);
    if (IMAGE_EXTENSIONS.has(ext)) images++;
    else if (TEXT_EXTENSIONS.has(ext)) texts++;
  }
  if (images === 0 && texts === 0) return null;
  return images >= texts ? 'image' : 'text';
}

/** Drops classes left without samples (every file skipped) and renumbers the labels. */
export function dropEmptyClasses(
  classNames: string[],
  labels: Int32Array<ArrayBuffer>,
  warnings: Said[],
): { classNames: string[]; labels: Int32Array<ArrayBuffer> } {
  const counts = new Array<number>(classNames.length).fill(0);
  for (const l of labels) counts[l]!++;
  const keep = classNames.map((_, i) => (counts[i] as number) > 0);
  if (keep.every(Boolean)) return { classNames, labels };
  const dropped = classNames.filter((_, i) => !keep[i]);
  warnings.push(say(dropped.length > 1 ? 'warnings.droppedClasses' : 'warnings.droppedClass', { classes: dropped.join(', ') }));
  const remap = new Int32Array(classNames.length).fill(-1);
  const kept: string[] = [];
  classNames.forEach((name, i) => {
    if (keep[i]) remap[i] = kept.push(name) - 1;
  });
  return { classNames: kept, labels: labels.map((l) => remap[l] as number) };
}

/** Whether `path` is a folder or .zip whose class subfolders hold mostly images (or texts). */
export async function looksLike(path: string, kind: 'image' | 'text'): Promise<boolean> {
  try {
    const st = await stat(path);
    if (!st.isDirectory() && !path.toLowerCase().endsWith('.zip')) return false;
    const tree = await openClassTree(path, { requireClasses: false });
    await tree.close();
    return tree.classNames.length > 0 && treeKind(tree.files) === kind;
  } catch {
    return false;
  }
}

