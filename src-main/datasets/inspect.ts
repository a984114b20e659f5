/**
 * Looks at a path before importing it: which importer would read it, its classes (folders, zips)
 * or columns (CSV), and a one-line note for the import dialog.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DatasetInspection } from '../../src-shared/ipc/contract';
import { openClassTree, treeKind } from './importers/class-tree';
import { fmt } from './importers/common';
import { readCsvLayout } from './importers/csv';
import { importers } from './importers/index';
import { sniffIdx } from './importers/idx';

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

function nothing(note: string): DatasetInspection {
  return { importer: null, kind: null, classes: [], columns: [], note };
}

/** Describes what importing `path` would do; never throws for a bad path, the note says why. */
export async function inspectPath(path: string): Promise<DatasetInspection> {
  const st = await stat(path).catch(() => null);
  if (!st) return nothing(`Nothing found at ${path}.`);
  let type: (typeof importers)[number]['type'] | null = null;
  for (const importer of importers) {
    if (await importer.match(path)) {
      type = importer.type;
      break;
    }
  }
  try {
    switch (type) {
      case 'idx': {
        const info = await sniffIdx(path);
        const dims = info?.dims ?? [];
        const note =
          dims.length === 3
            ? `IDX image file: ${fmt(dims[0] ?? 0)} images of ${dims[1]}x${dims[2]}; choose its label file too.`
            : `IDX label file: ${fmt(dims[0] ?? 0)} labels; choose its image file too.`;
        return { importer: 'idx', kind: 'image', classes: [], columns: [], note };
      }
      case 'csv': {
        const layout = await readCsvLayout(path);
        const numeric = layout.columns.filter((_, c) =>
          layout.preview.every((r) => (r[c] ?? '').trim() === '' || Number.isFinite(Number(r[c]))),
        ).length;
        const kind = numeric >= layout.columns.length - 1 ? 'tabular' : 'text';
        const header = layout.hasHeader ? 'with a header' : 'no header, columns named col1..';
        return {
          importer: 'csv',
          kind,
          classes: [],
          columns: layout.columns,
          note:
            `CSV (${DELIMITER_NAMES[layout.delimiter]}-separated, ${header}): ` +
            `${layout.columns.length} columns; choose the label column.`,
        };
      }
      case 'images':
      case 'text': {
        const tree = await openClassTree(path, { requireClasses: false });
        await tree.close();
        const what = type === 'images' ? 'image' : 'text';
        const folder = what === 'image' ? 'image folder' : 'text folder';
        const container = tree.container === 'zip' ? `Zip of ${what === 'image' ? 'an' : 'a'} ${folder}` : `${folder[0]!.toUpperCase()}${folder.slice(1)}`;
        const n = tree.classNames.length;
        const warn = n < 2 ? ` A classifier needs at least two class subfolders.` : '';
        return {
          importer: type,
          kind: what,
          classes: tree.classNames,
          columns: [],
          note: `${container}: ${n} class${n === 1 ? '' : 'es'}, ${fmt(tree.files.length)} files.${warn}`,
        };
      }
      default: {
        if (st.isDirectory()) {
          const tree = await openClassTree(path, { requireClasses: false }).catch(() => null);
          await tree?.close();
          if (tree && tree.classNames.length > 0 && treeKind(tree.files) === null) {
            return nothing(`${basename(path)} has class folders but no images (PNG, JPEG, BMP, GIF, WebP) or texts (.txt, .eml).`);
          }
          return nothing(`${basename(path)} has no class subfolders: a dataset folder needs one subfolder per class.`);
        }
        if (path.toLowerCase().endsWith('.zip')) {
          // Say why a zip was not recognised (a zip bomb, one class…) rather than "unknown format".
          const err = await openClassTree(path).then(
            async (tree) => (await tree.close(), null),
            (e: unknown) => e,
          );
          if (err instanceof Error) return nothing(err.message);
          return nothing(`${basename(path)} holds no images (PNG, JPEG, BMP, GIF, WebP) or texts (.txt, .eml).`);
        }
        return nothing(`${basename(path)} is not a format Model Studio reads (IDX, CSV, a folder or .zip of class folders).`);
      }
    }
  } catch (err) {
    return nothing(`${basename(path)} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}
