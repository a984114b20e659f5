/**
 * Shape inference for model specs: each layer's output shape, parameter count and forward FLOPs,
 * stopping with a clear message at the first layer that does not fit. Pure, for the live editor.
 *
 * Shapes leave out the batch axis. FLOPs count 2 x the multiply-adds of convolutions, matrix
 * products and attention, per sample and forward only; element-wise work (bias, activations,
 * normalisation, pooling) is left out, as most published FLOP counts do.
 */
import { say, type Message, type MessageKey, type MessageParams } from '../messages/message';
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
  /**
   * layerIndex counts from 0; the message numbers layers from 1, as the editor shows them.
   * `message` is the English sentence; `problem` says it without the layer, by key (the app
   * says it in the UI's language).
   */
  error: null | { layerIndex: number; message: string; problem: Message };
  /** Problems that do not stop building, such as a classifier without softmax. */
  warnings: Message[];
}

/** The data flowing between layers: a shape without batch, and whether it still holds raw token ids. */
interface Flow {
  shape: number[];
  tokens: boolean;
}

type Step = { shape: number[]; params: number; flops: number };

class LayerError extends Error {
  constructor(readonly said: Message) {
    super(said.text);
  }
}

/** The per-sample input shape of a model input ([seq] of token ids for text). */
export function inputShape(input: ModelInput): number[] {
  if (input.kind === 'image') return [input.height, input.width, input.channels];
  if (input.kind === 'text') return [input.seqLength];
  return [input.features.length];
}

function describe(shape: number[]): string {
  return shape.length === 0 ? 'a scalar' : shape.join('x');
}

function fail(key: MessageKey, params: MessageParams = {}): never {
  throw new LayerError(say(key, params));
}

/** Output length along one axis of a conv or pooling window. */
function windowOut(size: number, win: number, stride: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - win) / stride) + 1;
}

function needImage(flow: Flow, what: string): [number, number, number] {
  if (flow.shape.length !== 3) {
    fail('model.needsImage', { what, shape: describe(flow.shape) });
  }
  return flow.shape as [number, number, number];
}

function fitWindow(
  [h, w]: [number, number, number],
  [kh, kw]: [number, number],
  padding: 'valid' | 'same',
  key: 'model.kernelTooBig' | 'model.poolTooBig' | 'model.patchTooBig',
): void {
  if (padding === 'valid' && (kh > h || kw > w)) fail(key, { kh: String(kh), kw: String(kw), h: String(h), w: String(w) });
}

function step(layer: LayerSpec, flow: Flow, input: ModelInput): Step {
  const last = flow.shape[flow.shape.length - 1] ?? 1;
  switch (layer.type) {
    case 'conv2d': {
      const img = needImage(flow, 'conv2d');
      const k = pair(layer.kernelSize);
      const s = pair(layer.strides);
      fitWindow(img, k, layer.padding, 'model.kernelTooBig');
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
      fitWindow(img, p, layer.padding, 'model.poolTooBig');
      const ho = windowOut(img[0], p[0], s[0], layer.padding);
      const wo = windowOut(img[1], p[1], s[1], layer.padding);
      return { shape: [ho, wo, img[2]], params: 0, flops: 0 };
    }
    case 'flatten':
      return { shape: [flow.shape.reduce((a, b) => a * b, 1)], params: 0, flops: 0 };
    case 'dense': {
      if (flow.shape.length === 3) {
        fail('model.denseAfterImage', { shape: describe(flow.shape) });
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
        fail('model.poolNeedsSequence', { shape: describe(flow.shape) });
      }
      return { shape: [last], params: 0, flops: 0 };
    case 'tokenEmbedding': {
      if (input.kind !== 'text') fail(`model.embeddingNeedsText.${input.kind}`);
      if (!flow.tokens) fail('model.embeddingFirst');
      const seq = input.seqLength;
      return { shape: [seq, layer.dim], params: (input.vocabSize + seq) * layer.dim, flops: 0 };
    }
    case 'patchEmbedding': {
      const img = needImage(flow, 'patchEmbedding');
      const p = layer.patchSize;
      fitWindow(img, [p, p], 'valid', 'model.patchTooBig');
      const n = Math.floor(img[0] / p) * Math.floor(img[1] / p);
      const kernel = p * p * img[2] * layer.dim;
      return { shape: [n, layer.dim], params: kernel + layer.dim + n * layer.dim, flops: 2 * n * kernel };
    }
    case 'transformerBlock': {
      if (flow.shape.length !== 2) {
        fail('model.blockNeedsSequence', { shape: describe(flow.shape) });
      }
      const [seq, d] = flow.shape as [number, number];
      if (layer.headDim === undefined && layer.dim % layer.heads !== 0) {
        fail('model.headsDivide', { dim: String(layer.dim), heads: String(layer.heads) });
      }
      if (layer.dim !== d) fail('model.dimMismatch', { dim: String(layer.dim), features: String(d) });
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

/** The error at a layer: "layer 5 (conv2d): …" in English, and the problem by key. */
function atLayer(layerIndex: number, type: string, problem: Message): NonNullable<ModelSummary['error']> {
  return { layerIndex, message: say('model.atLayer', { n: String(layerIndex + 1), type, problem: problem.text }).text, problem };
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
    try {
      if (flow.tokens && layer.type !== 'tokenEmbedding') {
        fail('model.startWithEmbedding');
      }
      const out = step(layer, flow, spec.input);
      if (out.shape.some((n) => !(n >= 1))) fail('model.emptyOutput', { shape: describe(out.shape) });
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
      summary.error = atLayer(index, layer.type, err.said);
      return summary;
    }
  }
  const lastIndex = spec.layers.length - 1;
  const lastLayer = spec.layers[lastIndex];
  if (flow.shape.length !== 1 || flow.shape[0] !== spec.numClasses) {
    summary.error = atLayer(lastIndex, lastLayer?.type ?? 'none', say('model.classOutputs', { classes: String(spec.numClasses), shape: describe(flow.shape) }));
  } else if (lastLayer?.type !== 'dense' || lastLayer.activation !== 'softmax') {
    summary.warnings.push(say('model.noSoftmax'));
  }
  return summary;
}
