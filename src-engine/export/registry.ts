/**
 * The exporters by format: which precisions each writes and how it writes a checkpoint's model.
 * The worker and the CLI use the same code; main writes the files and verifies them.
 */
import { type ExportFormat, type ExportPrecision, PRECISIONS } from '../../src-shared/exports/export-meta';
import type { ModelArtifacts } from '../compress/quantize';
import type { ModelSpec } from '../../src-shared/models/spec';
import { exportOnnx, ONNX_MODEL_FILE } from './onnx/onnx-exporter';
import { customLayersOf, exportTfjs } from './tfjs-layers';

/** What an exporter writes for a runtime. */
export interface ExportedModel {
  /** The model's files by name. */
  files: Record<string, string | Uint8Array>;
  /** The studio's own layer classes it needs registered (TF.js: then studio-layers.js goes with it). */
  customLayers: string[];
}

export interface Exporter {
  format: ExportFormat;
  precisions: readonly ExportPrecision[];
  /** The model's files, and the custom layers they need. */
  export(spec: ModelSpec, artifacts: ModelArtifacts, precision: ExportPrecision, generatedBy: string): ExportedModel;
}

export const EXPORTERS: Record<ExportFormat, Exporter> = {
  tfjs: { format: 'tfjs', precisions: PRECISIONS.tfjs, export: (_spec, a, p, g) => exportTfjs(a, p, g) },
  onnx: {
    format: 'onnx',
    precisions: PRECISIONS.onnx,
    export: (spec, a, _p, g) => {
      // Its activations are quantized in the studio's graph: a float ONNX graph would not compute what it computes.
      if (customLayersOf(a.modelTopology).includes('StudioFakeQuant')) {
        throw new Error('it is full-integer (its activations are quantized after each layer), and the ONNX int8 (QDQ) export is not built yet: export its parent, or export it to TF.js');
      }
      return { files: { [ONNX_MODEL_FILE]: exportOnnx(spec, a, g) }, customLayers: [] };
    },
  },
};

/** The exporter of a format, or an error naming the formats there are; checks the precision too. */
export function exporterFor(format: string, precision: string): Exporter {
  const e = (EXPORTERS as Record<string, Exporter | undefined>)[format];
  if (!e) throw new Error(`There is no ${format} exporter (formats: ${Object.keys(EXPORTERS).join(', ')})`);
  if (!(e.precisions as readonly string[]).includes(precision)) throw new Error(`The ${format} exporter writes ${e.precisions.join(', ')}, not ${precision}`);
  return e;
}
