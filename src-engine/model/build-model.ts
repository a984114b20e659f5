/**
 * Builds a tf.LayersModel from a model spec (functional API). Layer names are stable and readable
 * (`conv2d_1`, `transformerBlock_2_attention`), so checkpoints, summaries and attention maps can
 * find layers by name. Text models take int32 token ids; everything else takes float32.
 */
import { initializers, input, layers, model, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { inferModel, inputShape } from '../../src-shared/models/shape-inference';
import { type LayerSpec, layerName, type ModelSpec, pair } from '../../src-shared/models/spec';
import {
  FakeQuant,
  LayerNorm,
  MultiHeadAttention,
  PatchEmbedding,
  SequenceMeanPool,
  TokenAndPositionEmbedding,
} from '../layers/register-layers';

/** Options for buildModel. */
export interface BuildOptions {
  /** Seeds every initialiser, so two builds with the same seed start from the same weights. */
  seed?: number;
  /**
   * Full-integer simulation: uint8 quantize-dequantize of the model's input (`input`) and of
   * the outputs of the spec layers named here (`<name>_quant` layers), with these ranges.
   */
  activationRanges?: { input?: ActivationRange; layers: Record<string, ActivationRange> };
}

/** A calibrated [min, max] of a tensor. */
export type ActivationRange = readonly [number, number];

/** The name of the layer that quantizes a spec layer's output (or the input's, for `input`). */
export function quantLayerName(name: string): string {
  return `${name}_quant`;
}

/** The tfjs layer names that make up one transformerBlock, for attention maps and tests. */
export function blockLayerNames(name: string) {
  return {
    norm1: `${name}_norm1`,
    attention: `${name}_attention`,
    dropout1: `${name}_dropout1`,
    residual1: `${name}_residual1`,
    norm2: `${name}_norm2`,
    feedForward1: `${name}_ff1`,
    feedForward2: `${name}_ff2`,
    dropout2: `${name}_dropout2`,
    output: name,
  };
}

type Sym = SymbolicTensor;

function apply(layer: { apply(x: Sym | Sym[]): unknown }, x: Sym | Sym[]): Sym {
  return layer.apply(x) as Sym;
}

/** Keras-style model names: letters, digits and _ only. */
function modelName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Za-z]/.test(clean) ? clean : `model_${clean}`;
}

/** Builds the model a spec describes; throws with the shape-inference message when it does not fit. */
export function buildModel(spec: ModelSpec, options: BuildOptions = {}): LayersModel {
  const summary = inferModel(spec);
  if (summary.error) throw new Error(summary.error.message);
  const text = spec.input.kind === 'text';
  const inp = input({ shape: inputShape(spec.input), dtype: text ? 'int32' : 'float32', name: 'input' });
  // The token ids travel beside the activations so attention and pooling can skip padding.
  const tokens = text ? inp : null;
  const ranges = options.activationRanges;
  const quantize = (x: Sym, name: string, range: ActivationRange | undefined): Sym =>
    range ? apply(new FakeQuant({ name: quantLayerName(name), min: range[0], max: range[1] }), x) : x;
  let x: Sym = quantize(inp, 'input', text ? undefined : ranges?.input);
  spec.layers.forEach((layer, index) => {
    const seedBase = options.seed === undefined ? undefined : options.seed + index * 16;
    const name = layerName(layer, index);
    x = quantize(addLayer(layer, name, x, { spec, tokens, seedBase }), name, ranges?.layers[name]);
  });
  return model({ inputs: inp, outputs: x, name: modelName(spec.name) });
}

interface Context {
  spec: ModelSpec;
  tokens: Sym | null;
  seedBase: number | undefined;
}

function seeded(ctx: Context, offset: number): number | undefined {
  return ctx.seedBase === undefined ? undefined : ctx.seedBase + offset;
}

function glorot(ctx: Context, offset = 0): ReturnType<typeof initializers.glorotUniform> {
  return initializers.glorotUniform({ seed: seeded(ctx, offset) });
}

function addLayer(layer: LayerSpec, name: string, x: Sym, ctx: Context): Sym {
  switch (layer.type) {
    case 'conv2d':
      return apply(
        layers.conv2d({
          name,
          filters: layer.filters,
          kernelSize: pair(layer.kernelSize),
          strides: pair(layer.strides),
          padding: layer.padding,
          activation: layer.activation,
          kernelInitializer: glorot(ctx),
        }),
        x,
      );
    case 'maxPool2d':
    case 'avgPool2d': {
      const args = { name, poolSize: pair(layer.poolSize), strides: pair(layer.strides ?? layer.poolSize), padding: layer.padding };
      return apply(layer.type === 'maxPool2d' ? layers.maxPooling2d(args) : layers.averagePooling2d(args), x);
    }
    case 'flatten':
      return apply(layers.flatten({ name }), x);
    case 'dense':
      return apply(
        layers.dense({ name, units: layer.units, activation: layer.activation, kernelInitializer: glorot(ctx) }),
        x,
      );
    case 'dropout':
      return apply(layers.dropout({ name, rate: layer.rate, seed: seeded(ctx, 0) }), x);
    case 'batchNorm':
      return apply(layers.batchNormalization({ name, momentum: layer.momentum, epsilon: layer.epsilon }), x);
    case 'layerNorm':
      // Our own: tfjs's LayerNormalization trains very slowly on sequences (see layer-norm.ts).
      return apply(new LayerNorm({ name, epsilon: layer.epsilon }), x);
    case 'globalAvgPool':
      if (x.shape.length === 4) return apply(layers.globalAveragePooling2d({ name }), x);
      return apply(new SequenceMeanPool({ name }), ctx.tokens ? [x, ctx.tokens] : x);
    case 'tokenEmbedding': {
      if (ctx.spec.input.kind !== 'text') throw new Error('tokenEmbedding needs text input');
      const { vocabSize, seqLength } = ctx.spec.input;
      return apply(new TokenAndPositionEmbedding({ name, vocabSize, seqLength, dim: layer.dim, seed: seeded(ctx, 0) }), x);
    }
    case 'patchEmbedding':
      return apply(new PatchEmbedding({ name, patchSize: layer.patchSize, dim: layer.dim, seed: seeded(ctx, 0) }), x);
    case 'transformerBlock':
      return transformerBlock(layer, name, x, ctx);
  }
}

/** Pre-norm encoder block: x + Drop(MHA(LN(x))), then x + Drop(FFN(LN(x))). */
function transformerBlock(layer: Extract<LayerSpec, { type: 'transformerBlock' }>, name: string, x: Sym, ctx: Context): Sym {
  const n = blockLayerNames(name);
  const norm1 = apply(new LayerNorm({ name: n.norm1, epsilon: 1e-5 }), x);
  const attention = new MultiHeadAttention({ name: n.attention, heads: layer.heads, headDim: layer.headDim ?? null, seed: seeded(ctx, 0) ?? null });
  const attended = apply(attention, ctx.tokens ? [norm1, ctx.tokens] : norm1);
  const drop1 = apply(layers.dropout({ name: n.dropout1, rate: layer.dropout, seed: seeded(ctx, 4) }), attended);
  const mid = apply(layers.add({ name: n.residual1 }), [x, drop1]);
  const norm2 = apply(new LayerNorm({ name: n.norm2, epsilon: 1e-5 }), mid);
  const ff1 = apply(
    layers.dense({ name: n.feedForward1, units: layer.ffDim, activation: 'gelu', kernelInitializer: glorot(ctx, 5) }),
    norm2,
  );
  const ff2 = apply(layers.dense({ name: n.feedForward2, units: layer.dim, kernelInitializer: glorot(ctx, 6) }), ff1);
  const drop2 = apply(layers.dropout({ name: n.dropout2, rate: layer.dropout, seed: seeded(ctx, 7) }), ff2);
  return apply(layers.add({ name: n.output }), [mid, drop2]);
}
