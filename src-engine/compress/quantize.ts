/**
 * Post-training quantization of a checkpoint's model: its weights re-encoded (int8 per channel,
 * uint8 per tensor, float16) and, for full-int8, uint8 quantize-dequantize layers inserted at
 * the layer boundaries with ranges calibrated on training samples, so the model as stored is
 * the model as an integer runtime runs it.
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { WeightSpec } from '../../src-shared/checkpoints/checkpoint-meta';
import { checkKeepFloat } from '../../src-shared/compression/checks';
import type { QuantizeRecipe } from '../../src-shared/compression/recipe';
import type { ModelSpec } from '../../src-shared/models/spec';
import type { FeatureStandardization } from '../data/standardization';
import { loadModelFromArtifacts, modelArtifacts } from '../model/artifacts';
import { type ActivationRange, buildModel } from '../model/build-model';
import type { BatchProvider, CheckpointArtifacts } from '../train/types';
import { calibrate } from './calibrate';
import { channelAxis, specLayers, tfjsToSpecLayer, weightLayer } from './layer-map';
import { encodeWeights, type WeightEncoding } from './weight-codec';

/** A model in layers-format pieces, without optimizer state. */
export type ModelArtifacts = Omit<CheckpointArtifacts, 'optimizer'>;

/** What quantizeModel needs. */
export interface QuantizeJob {
  spec: ModelSpec;
  artifacts: ModelArtifacts;
  recipe: QuantizeRecipe;
  /** Training samples for full-int8's calibration (a seeded subset of recipe.calibration.samples). */
  calibration?: BatchProvider | null;
  standardization: FeatureStandardization | null;
  onProgress?(done: number, total: number): void;
  cancelled?(): boolean;
}

/** The quantized model, and the activation ranges full-int8 calibrated (by spec layer). */
export interface QuantizedModel {
  artifacts: ModelArtifacts;
  activationRanges: { input?: ActivationRange; layers: Record<string, ActivationRange> } | null;
}

/** Layers whose output keeps the grid of their input (ONNX's quantizers give them its scale). */
const SAME_GRID = new Set(['maxPool2d', 'flatten', 'dropout']);

/** The spec layers whose outputs full-int8 quantizes. */
export function quantizedOutputs(spec: ModelSpec, keepFloat: readonly string[]): string[] {
  const keep = new Set(keepFloat);
  const all = specLayers(spec);
  return all
    .filter((l, i) => {
      if (keep.has(l.name) || SAME_GRID.has(l.spec.type)) return false;
      // The classifier's probabilities stay float, as an integer runtime hands them back.
      const last = i === all.length - 1;
      return !(last && l.spec.type === 'dense' && l.spec.activation === 'softmax');
    })
    .map((l) => l.name);
}

/** The encoding of each weight under a scheme; null leaves it as stored. */
function encodingFor(recipe: QuantizeRecipe, spec: ModelSpec): (w: WeightSpec) => WeightEncoding | null {
  const keep = new Set(recipe.keepFloat);
  const owner = tfjsToSpecLayer(spec);
  return (w) => {
    const layer = owner.get(weightLayer(w.name));
    if (layer !== undefined && keep.has(layer)) return { kind: 'float32' };
    if (recipe.scheme === 'float16') return { kind: 'float16' };
    const axis = channelAxis(w.name, w.shape);
    if (axis === null) return { kind: 'float32' };
    return recipe.scheme === 'uint8' ? { kind: 'uint8' } : { kind: 'int8', axis };
  };
}

/** Copies every weighted layer's weights from `from` into the same-named layer of `to`. */
function copyWeights(from: LayersModel, to: LayersModel): void {
  for (const layer of from.layers) {
    if (layer.weights.length === 0) continue;
    to.getLayer(layer.name).setWeights(layer.getWeights());
  }
}

/** Quantizes a model as the recipe says. */
export async function quantizeModel(job: QuantizeJob): Promise<QuantizedModel> {
  const { spec, recipe } = job;
  checkKeepFloat(spec, recipe.keepFloat);
  let artifacts = job.artifacts;
  let activationRanges: QuantizedModel['activationRanges'] = null;
  if (recipe.scheme === 'full-int8') {
    if (!job.calibration || job.calibration.count === 0) throw new Error('Full-integer quantization needs calibration samples, and the training split has none');
    const float = await loadModelFromArtifacts(job.artifacts);
    try {
      activationRanges = await calibrate(float, job.calibration, recipe.calibration, {
        input: spec.input,
        standardization: job.standardization,
        layers: quantizedOutputs(spec, recipe.keepFloat),
        ...(job.onProgress ? { onProgress: job.onProgress } : {}),
        ...(job.cancelled ? { cancelled: job.cancelled } : {}),
      });
      const simulated = buildModel(spec, { activationRanges });
      try {
        copyWeights(float, simulated);
        artifacts = await modelArtifacts(simulated);
      } finally {
        simulated.dispose();
      }
    } finally {
      float.dispose();
    }
  }
  const encoded = encodeWeights({ specs: artifacts.weightSpecs, data: new Uint8Array(artifacts.weightData) }, encodingFor(recipe, spec));
  return {
    artifacts: { modelTopology: artifacts.modelTopology, weightSpecs: encoded.specs, weightData: exactBuffer(encoded.data) },
    activationRanges,
  };
}

function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
}
