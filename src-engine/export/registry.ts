/**
 * The exporters by format: which precisions each writes and how it writes a checkpoint's model.
 * The worker and the CLI use the same code; main writes the files and verifies them.
 */
import { type ExportFormat, type ExportPrecision, PRECISIONS } from '../../src-shared/exports/export-meta';
import type { ModelArtifacts } from '../compress/quantize';
import type { ModelSpec } from '../../src-shared/models/spec';
import { exportOnnx, ONNX_MODEL_FILE, type OnnxPrecision, type OnnxRanges } from './onnx/onnx-exporter';
import { exportTfjs } from './tfjs-layers';

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
  /** The model's files, and the custom layers they need; `ranges`: calibrated activation ranges for int8 (ONNX). */
  export(spec: ModelSpec, artifacts: ModelArtifacts, precision: ExportPrecision, generatedBy: string, ranges?: OnnxRanges | null): ExportedModel;
}

/**
 * The activation ranges a full-int8 checkpoint's graph holds (its StudioFakeQuant layers:
 * `input_quant` and `<layer>_quant`), or null when it has none.
 */
export function fakeQuantRanges(topology: Record<string, unknown>): OnnxRanges | null {
  const config = (topology.model_config ?? topology) as { config?: { layers?: { class_name?: string; config?: { name?: string; min?: number; max?: number } }[] } };
  const out: OnnxRanges = { layers: {} };
  let any = false;
  for (const l of config.config?.layers ?? []) {
    if (l.class_name !== 'StudioFakeQuant' || !l.config?.name || typeof l.config.min !== 'number' || typeof l.config.max !== 'number') continue;
    const owner = l.config.name.replace(/_quant$/, '');
    if (owner === 'input') out.input = [l.config.min, l.config.max];
    else out.layers[owner] = [l.config.min, l.config.max];
    any = true;
  }
  return any ? out : null;
}

export const EXPORTERS: Record<ExportFormat, Exporter> = {
  tfjs: { format: 'tfjs', precisions: PRECISIONS.tfjs, export: (_spec, a, p, g) => exportTfjs(a, p, g) },
  onnx: {
    format: 'onnx',
    precisions: PRECISIONS.onnx,
    export: (spec, a, p, g, given) => {
      // A full-int8 checkpoint's activations are quantized in its graph: only int8 computes what it computes, with its own ranges.
      const own = fakeQuantRanges(a.modelTopology);
      if (own && p !== 'int8') throw new Error(`it is full-integer (its activations are quantized after each layer): export it as int8, which keeps its ranges, or export its parent as ${p}`);
      const ranges = own ?? given ?? null;
      return { files: { [ONNX_MODEL_FILE]: exportOnnx(spec, a, g, p as OnnxPrecision, ranges) }, customLayers: [] };
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
