/**
 * Looks at a path before importing it: which importer would read it, its classes (folders, zips)
 * or columns (CSV), and a one-line note for the import dialog.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { StudioError } from '../../src-shared/errors';
import type { DatasetInspection } from '../../src-shared/ipc/contract';
import { say, type Message } from '../../src-shared/messages/message';
import { openClassTree, treeKind } from './importers/class-tree';
import { readCsvLayout } from './importers/csv';
import { importers } from './importers/index';
import { sniffIdx } from './importers/idx';

/** How a delimiter is shown in the note: quoted, or Tab (a word both languages' users read). */
const DELIMITERS_SHOWN: Record<string, string> = { ',': '“,”', ';': '“;”', '\t': 'Tab', '|': '“|”' };

function nothing(note: Message): DatasetInspection {
  return { importer: null, kind: null, classes: [], columns: [], note };
}

/** Why `path` cannot be imported: what the importer said by key, else its words under "cannot be read". */
function reasonOf(path: string, err: unknown): Message {
  if (err instanceof StudioError && err.said) return err.said;
  return say('inspect.unreadable', { name: basename(path), reason: err instanceof Error ? err.message : String(err) });
}

/** Describes what importing `path` would do; never throws for a bad path, the note says why. */
export async function inspectPath(path: string): Promise<DatasetInspection> {
  const st = await stat(path).catch(() => null);
  if (!st) return nothing(say('errors.nothingAt', { path }));
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
            ? say('inspect.idxImages', { n: dims[0] ?? 0, rows: dims[1] ?? 0, cols: dims[2] ?? 0 })
            : say('inspect.idxLabels', { n: dims[0] ?? 0 });
        return { importer: 'idx', kind: 'image', classes: [], columns: [], note };
      }
      case 'csv': {
        const layout = await readCsvLayout(path);
        const numeric = layout.columns.filter((_, c) =>
          layout.preview.every((r) => (r[c] ?? '').trim() === '' || Number.isFinite(Number(r[c]))),
        ).length;
        const kind = numeric >= layout.columns.length - 1 ? 'tabular' : 'text';
        return {
          importer: 'csv',
          kind,
          classes: [],
          columns: layout.columns,
          note: say(layout.hasHeader ? 'inspect.csvHeader' : 'inspect.csvNoHeader', {
            delimiter: DELIMITERS_SHOWN[layout.delimiter] ?? `“${layout.delimiter}”`,
            n: layout.columns.length,
          }),
        };
      }
      case 'images':
      case 'text': {
        const tree = await openClassTree(path, { requireClasses: false });
        await tree.close();
        const what = type === 'images' ? 'image' : 'text';
        const n = tree.classNames.length;
        const counts = { n, files: tree.files.length };
        const key = tree.container === 'zip' ? (`inspect.${what}Zip` as const) : (`inspect.${what}Folder` as const);
        return {
          importer: type,
          kind: what,
          classes: tree.classNames,
          columns: [],
          note: n < 2 ? say('inspect.fewClasses', { name: basename(path), n }) : say(key, counts),
        };
      }
      default: {
        if (st.isDirectory()) {
          const tree = await openClassTree(path, { requireClasses: false }).catch(() => null);
          await tree?.close();
          if (tree && tree.classNames.length > 0 && treeKind(tree.files) === null) {
            return nothing(say('inspect.classFoldersNoData', { name: basename(path) }));
          }
          return nothing(say('inspect.noClassFolders', { name: basename(path) }));
        }
        if (path.toLowerCase().endsWith('.zip')) {
          // Say why a zip was not recognised (a zip bomb, one class…) rather than "unknown format".
          const err = await openClassTree(path).then(
            async (tree) => (await tree.close(), null),
            (e: unknown) => e,
          );
          if (err instanceof Error) return nothing(reasonOf(path, err));
          return nothing(say('inspect.zipNoData', { name: basename(path) }));
        }
        return nothing(say('inspect.unknownFormat', { name: basename(path) }));
      }
    }
  } catch (err) {
    return nothing(reasonOf(path, err));
  }
}
