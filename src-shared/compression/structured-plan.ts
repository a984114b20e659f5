/**
 * What structured pruning removes from a spec: whole conv filters, dense units, attention heads
 * and feed-forward units, the same share of each layer's. Pure (spec in, spec out), so the CLI
 * and the app can refuse a recipe that removes nothing before any work, and the engine slices
 * the weights by the same plan.
 *
 * A conv or dense layer can lose outputs only when what reads them can lose inputs with them:
 * the next conv, dense or patch embedding, through dropout, pooling, batch norm, flatten and
 * global pooling (which keep channels apart). It cannot when its outputs reach a layer norm
 * (which mixes channels), a transformer block's residual or the model's output, or when its
 * activation is softmax.
 */
import { inferModel } from '../models/shape-inference';
import { type LayerSpec, layerName, type ModelSpec, parseModelSpec } from '../models/spec';

/** What one cut removes from a layer. */
export type StructureKind = 'filters' | 'units' | 'heads' | 'ffUnits';

export interface StructureCut {
  /** The spec layer (a conv, dense or transformer block) that loses outputs. */
  layer: string;
  index: number;
  kind: StructureKind;
  before: number;
  after: number;
}

/** Where a conv's or dense layer's outputs are read, and how they are laid out there. */
export interface Consumer {
  /** Spec layer index of the conv, dense or patch embedding that reads them. */
  index: number;
  /** Layers between them that hold one value per channel (batch norms), whose parameters shrink too. */
  perChannel: number[];
  /**
   * Positions per channel at the reader when a flatten came between: channel c of C is then
   * inputs p·C + c for p below this; 1 without a flatten.
   */
  positions: number;
}

/** Layers that pass channels through unmixed. */
const PASS_THROUGH = new Set<LayerSpec['type']>(['dropout', 'maxPool2d', 'avgPool2d', 'batchNorm', 'flatten', 'globalAvgPool']);
const READERS = new Set<LayerSpec['type']>(['conv2d', 'dense', 'patchEmbedding']);

/** Where layer `index`'s outputs are read, or why they cannot lose channels. */
export function consumerOf(spec: ModelSpec, index: number): Consumer | { reason: string } {
  const summary = inferModel(spec);
  if (summary.error) return { reason: summary.error.message };
  const perChannel: number[] = [];
  let positions = 1;
  let flattened = false;
  for (let j = index + 1; j < spec.layers.length; j++) {
    const next = spec.layers[j]!;
    if (READERS.has(next.type)) return { index: j, perChannel, positions };
    if (!PASS_THROUGH.has(next.type)) return { reason: `its outputs reach ${layerName(next, j)} (${next.type}), which mixes them` };
    if (next.type === 'batchNorm') perChannel.push(j);
    if (next.type === 'flatten' && !flattened) {
      const shape = summary.layers[j - 1]!.outputShape;
      positions = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      flattened = true;
    }
    if (next.type === 'globalAvgPool') flattened = true;
  }
  return { reason: 'it is the model’s output' };
}

/** How many of n go at this sparsity: floor(s·n), keeping at least one. */
export function removedCount(n: number, sparsity: number): number {
  return Math.min(n - 1, Math.floor(sparsity * n));
}

export interface StructuredPlan {
  /** The layers that lose something, and how much. */
  cuts: StructureCut[];
  /** Conv and dense layers left whole, and why. */
  kept: { layer: string; reason: string }[];
  /** The smaller spec (same layer names, so weights and reports line up). */
  spec: ModelSpec;
}

/** The cuts at a sparsity (0 < s < 1) and the spec they leave. */
export function planStructured(spec: ModelSpec, sparsity: number): StructuredPlan {
  if (!(sparsity > 0 && sparsity < 1)) throw new Error(`Sparsity must be above 0 and below 1, got ${sparsity}`);
  const cuts: StructureCut[] = [];
  const kept: StructuredPlan['kept'] = [];
  const cut = (layer: string, index: number, kind: StructureKind, n: number) => {
    const after = n - removedCount(n, sparsity);
    if (after < n) cuts.push({ layer, index, kind, before: n, after });
    else kept.push({ layer, reason: `${n} ${kind === 'ffUnits' ? 'feed-forward units' : kind} leave nothing to remove at ${sparsity}` });
    return after;
  };
  const layers = spec.layers.map((layer, index): LayerSpec => {
    const name = layerName(layer, index);
    if (layer.type === 'conv2d' || layer.type === 'dense') {
      const reason = layer.activation === 'softmax' ? 'its softmax mixes its outputs' : (() => {
        const c = consumerOf(spec, index);
        return 'reason' in c ? c.reason : null;
      })();
      if (reason) {
        kept.push({ layer: name, reason });
        return layer;
      }
      return layer.type === 'conv2d'
        ? { ...layer, filters: cut(name, index, 'filters', layer.filters) }
        : { ...layer, units: cut(name, index, 'units', layer.units) };
    }
    if (layer.type === 'transformerBlock') {
      const headDim = layer.headDim ?? layer.dim / layer.heads;
      const heads = layer.heads > 1 ? cut(name, index, 'heads', layer.heads) : layer.heads;
      const ffDim = cut(name, index, 'ffUnits', layer.ffDim);
      return { ...layer, heads, headDim, ffDim };
    }
    return layer;
  });
  return { cuts, kept, spec: parseModelSpec({ ...spec, layers }) };
}

/** The plan, or an error naming why nothing can be removed. */
export function requireStructuredPlan(spec: ModelSpec, sparsity: number): StructuredPlan {
  const plan = planStructured(spec, sparsity);
  if (plan.cuts.length === 0) {
    const why = plan.kept.map((k) => `${k.layer}: ${k.reason}`).join('; ');
    throw new Error(`Structured pruning at ${sparsity} removes nothing from this model${why ? ` (${why})` : ' (it has no conv, dense or transformer layers)'}`);
  }
  return plan;
}
