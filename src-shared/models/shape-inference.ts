/**
 * Shape inference for model specs: each layer's output shape, parameter count and forward FLOPs,
 * stopping with a clear message at the first layer that does not fit. Pure, for the live editor.
 *
 * Shapes leave out the batch axis. FLOPs count 2 x the multiply-adds of convolutions, matrix
 * products and attention, per sample and forward only; element-wise work (bias, activations,
 * normalisation, pooling) is left out, as most published FLOP counts do.
 */
import { type LayerSpec, type ModelInput, type ModelSpec, layerName, pair } from './spec';

/** One row of the model summary. */
export interface LayerSummary {
  index: number;
  type: LayerSpec['type'];
  name: string;
  outputShape: number[];
  params: number;
  flops: number;
}

/** What inferModel found; `layers` holds the rows before the first error. */
export interface ModelSummary {
  inputShape: number[];
  layers: LayerSummary[];
  totals: { params: number; flops: number };
  /** layerIndex counts from 0; the message numbers layers from 1, as the editor shows them. */
  error: null | { layerIndex: number; message: string };
  /** Problems that do not stop building, such as a classifier without softmax. */
  warnings: string[];
}

/** The data flowing between layers: a shape without batch, and whether it still holds raw token ids. */
interface Flow {
  shape: number[];
  tokens: boolean;
}

type Step = { shape: number[]; params: number; flops: number };

class LayerError extends Error {}

/** The per-sample input shape of a model input ([seq] of token ids for text). */
export function inputShape(input: ModelInput): number[] {
  if (input.kind === 'image') return [input.height, input.width, input.channels];
  if (input.kind === 'text') return [input.seqLength];
  return [input.features.length];
}

function describe(shape: number[]): string {
  return shape.length === 0 ? 'a scalar' : shape.join('x');
}

function fail(message: string): never {
  throw new LayerError(message);
}

/** Output length along one axis of a conv or pooling window. */
function windowOut(size: number, win: number, stride: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - win) / stride) + 1;
}

function needImage(flow: Flow, what: string): [number, number, number] {
  if (flow.shape.length !== 3) {
    fail(`${what} needs a 3-D (height x width x channels) input, got ${describe(flow.shape)}`);
  }
  return flow.shape as [number, number, number];
}

function fitWindow(
  [h, w]: [number, number, number],
  [kh, kw]: [number, number],
  padding: 'valid' | 'same',
  what: string,
  fix: string,
): void {
  if (padding === 'valid' && (kh > h || kw > w)) {
    fail(`${what} ${kh}x${kw} does not fit a ${h}x${w} input; ${fix}`);
  }
}

function step(layer: LayerSpec, flow: Flow, input: ModelInput): Step {
  const last = flow.shape[flow.shape.length - 1] ?? 1;
  switch (layer.type) {
    case 'conv2d': {
      const img = needImage(flow, 'conv2d');
      const k = pair(layer.kernelSize);
      const s = pair(layer.strides);
      fitWindow(img, k, layer.padding, 'kernel', "use padding 'same' or a smaller kernel");
      const ho = windowOut(img[0], k[0], s[0], layer.padding);
      const wo = windowOut(img[1], k[1], s[1], layer.padding);
      const macs = ho * wo * layer.filters * k[0] * k[1] * img[2];
      return { shape: [ho, wo, layer.filters], params: k[0] * k[1] * img[2] * layer.filters + layer.filters, flops: 2 * macs };
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const img = needImage(flow, layer.type);
      const p = pair(layer.poolSize);
      const s = pair(layer.strides ?? layer.poolSize);
      fitWindow(img, p, layer.padding, 'pool', "use padding 'same', a smaller pool or fewer pooling layers");
      const ho = windowOut(img[0], p[0], s[0], layer.padding);
      const wo = windowOut(img[1], p[1], s[1], layer.padding);
      return { shape: [ho, wo, img[2]], params: 0, flops: 0 };
    }
    case 'flatten':
      return { shape: [flow.shape.reduce((a, b) => a * b, 1)], params: 0, flops: 0 };
    case 'dense': {
      if (flow.shape.length === 3) {
        fail(`dense after a 3-D output (${describe(flow.shape)}): add flatten or globalAvgPool first`);
      }
      // On a sequence, dense applies to each position (as in Keras).
      const positions = flow.shape.length === 2 ? (flow.shape[0] ?? 1) : 1;
      const shape = [...flow.shape.slice(0, -1), layer.units];
      return { shape, params: last * layer.units + layer.units, flops: 2 * positions * last * layer.units };
    }
    case 'dropout':
      return { shape: flow.shape, params: 0, flops: 0 };
    case 'batchNorm':
      // gamma, beta and the two moving statistics (tfjs counts the non-trainable ones too).
      return { shape: flow.shape, params: 4 * last, flops: 0 };
    case 'layerNorm':
      return { shape: flow.shape, params: 2 * last, flops: 0 };
    case 'globalAvgPool':
      if (flow.shape.length < 2) {
        fail(`globalAvgPool needs a sequence or an image, got a vector of ${describe(flow.shape)}`);
      }
      return { shape: [last], params: 0, flops: 0 };
    case 'tokenEmbedding': {
      if (input.kind !== 'text') fail(`tokenEmbedding needs text input, this model's input is ${input.kind}`);
      if (!flow.tokens) fail('tokenEmbedding must be the first layer: it reads the token ids');
      const seq = input.seqLength;
      return { shape: [seq, layer.dim], params: (input.vocabSize + seq) * layer.dim, flops: 0 };
    }
    case 'patchEmbedding': {
      const img = needImage(flow, 'patchEmbedding');
      const p = layer.patchSize;
      fitWindow(img, [p, p], 'valid', 'patch', 'use a smaller patchSize');
      const n = Math.floor(img[0] / p) * Math.floor(img[1] / p);
      const kernel = p * p * img[2] * layer.dim;
      return { shape: [n, layer.dim], params: kernel + layer.dim + n * layer.dim, flops: 2 * n * kernel };
    }
    case 'transformerBlock': {
      if (flow.shape.length !== 2) {
        fail(`transformerBlock needs a sequence (add tokenEmbedding or patchEmbedding first), got ${describe(flow.shape)}`);
      }
      const [seq, d] = flow.shape as [number, number];
      if (layer.headDim === undefined && layer.dim % layer.heads !== 0) {
        fail(`transformerBlock dim ${layer.dim} is not divisible by ${layer.heads} heads`);
      }
      if (layer.dim !== d) fail(`transformerBlock dim ${layer.dim} does not match its input's ${d} features`);
      const f = layer.ffDim;
      // The heads' total width: dim unless headDim says otherwise.
      const inner = layer.heads * (layer.headDim ?? layer.dim / layer.heads);
      const params = 3 * (d * inner + inner) + (inner * d + d) + 4 * d + (d * f + f) + (f * d + d);
      // Q, K, V and output projections, Q K^T and weights x V over all heads, the feed-forward pair.
      const macs = 4 * seq * d * inner + 2 * seq * seq * inner + 2 * seq * d * f;
      return { shape: [seq, d], params, flops: 2 * macs };
    }
  }
}

/** Infers every layer's output shape, parameters and FLOPs; stops at the first layer that does not fit. */
export function inferModel(spec: Pick<ModelSpec, 'input' | 'layers' | 'numClasses'>): ModelSummary {
  const start = inputShape(spec.input);
  let flow: Flow = { shape: start, tokens: spec.input.kind === 'text' };
  const summary: ModelSummary = {
    inputShape: start,
    layers: [],
    totals: { params: 0, flops: 0 },
    error: null,
    warnings: [],
  };
  for (const [index, layer] of spec.layers.entries()) {
    const label = `layer ${index + 1} (${layer.type})`;
    try {
      if (flow.tokens && layer.type !== 'tokenEmbedding') {
        fail('text input holds token ids: start the model with a tokenEmbedding');
      }
      const out = step(layer, flow, spec.input);
      if (out.shape.some((n) => !(n >= 1))) fail(`the output would be empty (${describe(out.shape)})`);
      flow = { shape: out.shape, tokens: false };
      summary.layers.push({
        index,
        type: layer.type,
        name: layerName(layer, index),
        outputShape: out.shape,
        params: out.params,
        flops: out.flops,
      });
      summary.totals.params += out.params;
      summary.totals.flops += out.flops;
    } catch (err) {
      if (!(err instanceof LayerError)) throw err;
      summary.error = { layerIndex: index, message: `${label}: ${err.message}` };
      return summary;
    }
  }
  const lastIndex = spec.layers.length - 1;
  const lastLayer = spec.layers[lastIndex];
  if (flow.shape.length !== 1 || flow.shape[0] !== spec.numClasses) {
    summary.error = {
      layerIndex: lastIndex,
      message:
        `layer ${lastIndex + 1} (${lastLayer?.type}): the model must end with ${spec.numClasses} outputs (one per class), ` +
        `it ends with ${describe(flow.shape)}; end with dense(${spec.numClasses}, softmax)`,
    };
  } else if (lastLayer?.type !== 'dense' || lastLayer.activation !== 'softmax') {
    summary.warnings.push('the last layer should be a dense layer with softmax: the loss expects class probabilities');
  }
  return summary;
}
