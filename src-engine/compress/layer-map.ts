/**
 * Which spec layer each tfjs layer and weight belongs to: a transformer block is one spec layer
 * but several tfjs layers (`<block>_attention`, `<block>_ff1`, ...), and a full-int8 model adds
 * `<name>_quant` layers. Per-layer reports and keep-in-float options speak in spec layers.
 */
import { type LayerSpec, layerName, type ModelSpec } from '../../src-shared/models/spec';
import { blockLayerNames } from '../model/build-model';

/** One spec layer: its name, its spec and the tfjs layer names it is built from. */
export interface SpecLayer {
  name: string;
  index: number;
  spec: LayerSpec;
  tfjsLayers: string[];
}

/** The spec's layers with the tfjs layers each is made of. */
export function specLayers(spec: ModelSpec): SpecLayer[] {
  return spec.layers.map((layer, index) => {
    const name = layerName(layer, index);
    const tfjsLayers = layer.type === 'transformerBlock' ? Object.values(blockLayerNames(name)) : [name];
    return { name, index, spec: layer, tfjsLayers };
  });
}

/** tfjs layer name -> spec layer name. */
export function tfjsToSpecLayer(spec: ModelSpec): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of specLayers(spec)) for (const t of l.tfjsLayers) out.set(t, l.name);
  return out;
}

/** The tfjs layer a weight belongs to (`conv2d_1/kernel` -> `conv2d_1`). */
export function weightLayer(weightName: string): string {
  const slash = weightName.lastIndexOf('/');
  return slash < 0 ? weightName : weightName.slice(0, slash);
}

/**
 * The axis of a weight's output channels (conv and dense kernels, attention projections,
 * patch-embedding kernels) or rows (embeddings), which int8 gives one scale each; null for
 * the weights integer schemes leave in float (biases, norms, batch-norm statistics).
 */
export function channelAxis(weightName: string, shape: readonly number[]): number | null {
  const leaf = weightName.slice(weightName.lastIndexOf('/') + 1);
  if (leaf.endsWith('embeddings') && shape.length === 2) return 0;
  if (leaf === 'kernel' || leaf.endsWith('_kernel')) return shape.length >= 2 ? shape.length - 1 : null;
  return null;
}
