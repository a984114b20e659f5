/**
 * The exporters by format: which precisions each writes and how it writes a checkpoint's model.
 * The worker and the CLI use the same code; main writes the files and verifies them.
 */
import { type ExportFormat, type ExportPrecision, PRECISIONS } from '../../src-shared/exports/export-meta';
import type { ModelArtifacts } from '../compress/quantize';
import { exportTfjs, type TfjsExport } from './tfjs-layers';

export interface Exporter {
  format: ExportFormat;
  precisions: readonly ExportPrecision[];
  /** The model's files, and the custom layers they need. */
  export(artifacts: ModelArtifacts, precision: ExportPrecision, generatedBy: string): TfjsExport;
}

export const EXPORTERS: Record<ExportFormat, Exporter> = {
  tfjs: { format: 'tfjs', precisions: PRECISIONS.tfjs, export: exportTfjs },
};

/** The exporter of a format, or an error naming the formats there are; checks the precision too. */
export function exporterFor(format: string, precision: string): Exporter {
  const e = (EXPORTERS as Record<string, Exporter | undefined>)[format];
  if (!e) throw new Error(`There is no ${format} exporter (formats: ${Object.keys(EXPORTERS).join(', ')})`);
  if (!(e.precisions as readonly string[]).includes(precision)) throw new Error(`The ${format} exporter writes ${e.precisions.join(', ')}, not ${precision}`);
  return e;
}
