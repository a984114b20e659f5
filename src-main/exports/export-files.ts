/**
 * An export's folder, `exports/<id>/`: written staged (`.incoming-<id>`, fsynced, renamed into
 * place), its `export.json` listing every other file with its sha256 and size, read back checked.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ExportMeta } from '../../src-shared/exports/export-meta';
import { writeDurable } from '../datasets/blob-files';
import { readJsonFile } from '../services/json-file';
import { projectPath } from '../services/project-paths';
import { writeStagedFolder } from '../services/staged-folder';
import { say } from '../../src-shared/messages/message';

export const EXPORTS_DIR = 'exports';
export const EXPORT_META_FILE = 'export.json';

/** Where an export's folder is, relative to the project. */
export const exportRelDir = (id: string) => `${EXPORTS_DIR}/${id}`;

/**
 * Writes an export: `write` gets the incoming folder and a `put(file, data)` that writes a file
 * durably and records its checksum, and returns the meta without `files`; export.json goes last.
 */
export async function writeExportFolder(
  projectDir: string,
  id: string,
  write: (incoming: string, put: (file: string, data: Uint8Array | string) => Promise<void>) => Promise<Omit<ExportMeta, 'files'>>,
): Promise<ExportMeta> {
  return writeStagedFolder(join(projectDir, EXPORTS_DIR), id, async (incoming) => {
    const files: ExportMeta['files'] = {};
    // Plain names, or a few folders deep (a Triton model repository): no '..', no absolute paths.
    const put = async (file: string, data: Uint8Array | string) => {
      const parts = file.split('/');
      if (file === EXPORT_META_FILE || parts.length > 4 || parts.some((p) => !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(p)) || file in files) throw new Error(`An export cannot hold a file named ${file}`);
      if (parts.length > 1) await mkdir(join(incoming, ...parts.slice(0, -1)), { recursive: true });
      files[file] = await writeDurable(join(incoming, ...parts), data);
    };
    const meta = ExportMeta.parse({ ...(await write(incoming, put)), files });
    await writeDurable(join(incoming, EXPORT_META_FILE), JSON.stringify(meta, null, 2));
    return meta;
  });
}

/** Reads and validates `exports/<id>/export.json`. */
export async function readExportMeta(projectDir: string, id: string): Promise<ExportMeta> {
  return readJsonFile(await projectPath(projectDir, EXPORTS_DIR, id, EXPORT_META_FILE), ExportMeta, say('files.exportMeta', { id }));
}
