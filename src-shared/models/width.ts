/**
 * A model at another width: every conv's filters, hidden dense layer's units and embedding and
 * transformer widths scaled by a factor (the classifier keeps one unit per class), for
 * distillation students. Attention widths stay a multiple of their heads; nothing drops below 1.
 */
import { type LayerSpec, type ModelSpec, parseModelSpec } from './spec';

const scaled = (n: number, f: number, multiple = 1) => Math.max(multiple, Math.round((n * f) / multiple) * multiple);

/** The spec with its widths times `width` (0 < width <= 4), named after it. */
export function scaleSpec(spec: ModelSpec, width: number): ModelSpec {
  if (!(width > 0 && width <= 4)) throw new Error(`A width factor must be above 0 and at most 4, got ${width}`);
  const heads = Math.max(1, ...spec.layers.map((l) => (l.type === 'transformerBlock' ? l.heads : 1)));
  const dim = (d: number) => scaled(d, width, heads);
  const last = spec.layers.length - 1;
  const layers = spec.layers.map((l, i): LayerSpec => {
    switch (l.type) {
      case 'conv2d':
        return { ...l, filters: scaled(l.filters, width) };
      case 'dense':
        return i === last ? l : { ...l, units: scaled(l.units, width) };
      case 'tokenEmbedding':
      case 'patchEmbedding':
        return { ...l, dim: dim(l.dim) };
      case 'transformerBlock':
        return { ...l, dim: dim(l.dim), ffDim: scaled(l.ffDim, width) };
      default:
        return l;
    }
  });
  return parseModelSpec({ ...spec, name: `${spec.name} ×${width}`.slice(0, 120), layers });
}
