/**
 * The TF.js layers exporter: a checkpoint's model as `model.json` and one weights file that
 * stock `tf.loadLayersModel` reads, in float32, float16 or uint8 (per-tensor affine). TF.js
 * reads only its own schemes (an int8 dtype throws; an array scale loads as NaN), so every
 * weight is re-encoded from whatever the checkpoint stores, and the result is checked to hold
 * nothing else. Models with the studio's own layers need `studio-layers.js` beside them.
 */
import type { WeightSpec } from '../../src-shared/checkpoints/checkpoint-meta';
import type { ExportPrecision } from '../../src-shared/exports/export-meta';
import type { ModelArtifacts } from '../compress/quantize';
import { encodeWeights, type WeightEncoding } from '../compress/weight-codec';
import { CUSTOM_LAYERS } from '../layers/register-layers';

export const TFJS_MODEL_FILE = 'model.json';
export const TFJS_WEIGHTS_FILE = 'group1-shard1of1.bin';
/** The custom layers' script a model that uses them ships (resources/tfjs/studio-layers.js). */
export const STUDIO_LAYERS_FILE = 'studio-layers.js';

/** The class names of the studio's own layers. */
const CUSTOM = new Set(CUSTOM_LAYERS.map((c) => c.className));

/** The studio's own layer classes a topology uses, in order of first use. */
export function customLayersOf(topology: Record<string, unknown>): string[] {
  const config = (topology.model_config ?? topology) as { config?: { layers?: { class_name?: string }[] } };
  const used = (config.config?.layers ?? []).map((l) => l.class_name ?? '').filter((c) => CUSTOM.has(c));
  return [...new Set(used)];
}

/** Throws, naming the weight, when TF.js's loader would not read it as stored. */
export function checkTfjsReadable(specs: readonly WeightSpec[]): void {
  for (const s of specs) {
    const q = s.quantization;
    if (!q) {
      if (s.dtype !== 'float32' && s.dtype !== 'int32') throw new Error(`TF.js cannot read the weight ${s.name} stored as ${s.dtype}`);
      continue;
    }
    if (q.dtype === 'float16') continue;
    if ((q.dtype === 'uint8' || q.dtype === 'uint16') && typeof q.scale === 'number' && Number.isFinite(q.scale) && typeof q.min === 'number' && Number.isFinite(q.min) && !('scales' in q)) continue;
    throw new Error(`TF.js cannot read the weight ${s.name} quantized as ${q.dtype}${'scales' in q ? ' with one scale per channel' : ''}`);
  }
}

/** What an export writes for a runtime. */
export interface TfjsExport {
  /** `model.json` (text) and the weights file. */
  files: Record<string, string | Uint8Array>;
  /** The custom layer classes it needs registered (then studio-layers.js must go with it). */
  customLayers: string[];
}

/** The model in TF.js layers format at a precision. */
export function exportTfjs(artifacts: ModelArtifacts, precision: ExportPrecision, generatedBy: string): TfjsExport {
  if (precision !== 'float32' && precision !== 'float16' && precision !== 'uint8') throw new Error(`TF.js reads float32, float16 and uint8 weights, not ${precision}`);
  const encoding: WeightEncoding = { kind: precision };
  const set = encodeWeights({ specs: artifacts.weightSpecs, data: new Uint8Array(artifacts.weightData) }, (spec) =>
    // Integer weights (none in the studio's layers today) stay as they are.
    spec.dtype === 'float32' ? encoding : null,
  );
  checkTfjsReadable(set.specs);
  const modelJson = {
    format: 'layers-model',
    generatedBy,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: set.specs }],
  };
  return {
    files: { [TFJS_MODEL_FILE]: JSON.stringify(modelJson), [TFJS_WEIGHTS_FILE]: set.data },
    customLayers: customLayersOf(artifacts.modelTopology),
  };
}
