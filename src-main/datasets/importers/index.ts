/**
 * The importer registry: every file format is one entry here, so nothing else in the studio
 * branches on file types. `importDataset` reads any ImportSource (built-in samples included).
 */
import type { ImportSource } from '../../../src-shared/datasets/schema';
import type { ImportContext, Importer, RawDataset } from '../raw-dataset';
import { openSample } from '../samples';
import { throwIfCancelled } from './common';
import { csvImporter } from './csv';
import { idxImporter } from './idx';
import { imageFolderImporter } from './image-folder';
import { textFolderImporter } from './text-folder';

type FileSource = Exclude<ImportSource, { type: 'sample' }>;

/** Every importer, in the order `inspectPath` tries them (cheapest and most specific first). */
export const importers: readonly Importer<FileSource>[] = [
  idxImporter,
  csvImporter,
  imageFolderImporter,
  textFolderImporter,
  // Each importer takes only its own source type; `importDataset` pairs them by `type`.
] as unknown as readonly Importer<FileSource>[];

/** Reads a source into memory with the importer of its type; rejects with StudioError. */
export async function importDataset(source: ImportSource, ctx: ImportContext): Promise<RawDataset> {
  throwIfCancelled(ctx.signal);
  if (source.type === 'sample') return openSample(source.sample, ctx);
  const importer = importers.find((i) => i.type === source.type);
  if (!importer) throw new Error(`no importer for ${source.type}`);
  const raw = await importer.open(source, ctx);
  throwIfCancelled(ctx.signal);
  return raw;
}
