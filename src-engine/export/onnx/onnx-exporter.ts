/**
 * The ONNX exporter (IR 8; opset 13, or 17 when a layer norm needs LayerNormalization): the
 * spec's layers as ONNX nodes over the checkpoint's weights. The input stays as the studio takes
 * it: NHWC images (a leading Transpose to NCHW for convolutions), int32 token ids for text.
 * Conv kernels go HWIO → OIHW; `same` padding becomes explicit pads (the extra one at the end,
 * as TF does); a batch norm right after a linear conv is folded into its weights (elsewhere it is
 * a BatchNormalization node); before a flatten the activations go back to NHWC, so the dense
 * kernel's rows keep TF.js's (h, w, c) order; dense layers are Gemm (MatMul and Add on
 * sequences); dropout is dropped. Embeddings, layer norm and transformer blocks are written by
 * attention-layers.ts.
 *
 * Variants: `float16` stores the weights in half precision, each Cast to float32 in the graph;
 * `int8` is full static QDQ: int8 weights per output channel (symmetric, as the studio's int8),
 * int32 biases at the input's scale times the weight's, and uint8 activations with the
 * calibrated ranges after each layer (QuantizeLinear/DequantizeLinear pairs, also after pooling
 * and reshapes on the same grid), which onnxruntime runs as integer kernels (QLinearConv, QGemm);
 * in attention models, as in the studio's full-int8, activations are quantized at the spec
 * layers' boundaries only (inside a transformer block they stay float);
 * `int8-weights` quantizes only the weights (smaller, not faster).
 */
import { inferModel } from '../../../src-shared/models/shape-inference';
import { layerName, type ModelSpec, pair } from '../../../src-shared/models/spec';
import type { ModelArtifacts } from '../../compress/quantize';
import { decodeAll } from '../../compress/weight-codec';
import type { ActivationRange } from '../../model/build-model';
import { layerNorm, paddingBias, patchEmbedding, sequenceMean, tokenEmbedding, transformerBlock } from './attention-layers';
import { GraphBuilder, hwioToOihw, type OnnxPrecision } from './graph-builder';
import { DataType, encodeModel } from './onnx-proto';

export type { OnnxPrecision } from './graph-builder';

export const ONNX_MODEL_FILE = 'model.onnx';
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'probabilities';
/** The opset: 13, or 17 when the model has layer norms (LayerNormalization came in 17). */
export const ONNX_OPSET = 13;
export const ONNX_OPSET_LAYER_NORM = 17;
export const ONNX_IR_VERSION = 8;

/** TF's `same` padding of one axis: [before, after], the extra pixel after. */
function samePads(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Activation ranges (a full-int8 checkpoint's, or calibrated): the input's and each spec layer's output. */
export interface OnnxRanges {
  input?: ActivationRange;
  layers: Record<string, ActivationRange>;
}

/** The opset a spec's export declares. */
export function onnxOpset(spec: ModelSpec): number {
  return spec.layers.some((l) => l.type === 'layerNorm' || l.type === 'transformerBlock') ? ONNX_OPSET_LAYER_NORM : ONNX_OPSET;
}

/** The model as ONNX bytes. */
export function exportOnnx(spec: ModelSpec, artifacts: ModelArtifacts, generatedBy: string, precision: OnnxPrecision = 'float32', ranges: OnnxRanges | null = null): Uint8Array {
  if (precision === 'int8' && !ranges) throw new Error('The int8 export needs activation ranges (calibrate first)');
  const summary = inferModel(spec);
  if (summary.error) throw new Error(summary.error.message);
  const g = new GraphBuilder(precision, decodeAll({ specs: artifacts.weightSpecs, data: new Uint8Array(artifacts.weightData) }));
  const text = spec.input.kind === 'text';
  // Layout of the current tensor: the studio's NHWC input, NCHW inside convolutions, [batch, seq, dim] sequences, 2-D after.
  let layout: 'nhwc' | 'nchw' | 'seq' | 'flat' = spec.input.kind === 'image' ? 'nhwc' : text ? 'seq' : 'flat';
  const ids = text ? ONNX_INPUT : null;
  let x = text ? ONNX_INPUT : g.qdq(ONNX_INPUT, ranges?.input, 'input');
  // Padding keys are masked in every block: the bias is computed once from the ids.
  const mask = ids && spec.layers.some((l) => l.type === 'transformerBlock') ? paddingBias(g, ids) : null;
  /** Batch norms folded into the conv before them (by layer index). */
  const folded = new Set<number>();
  const toNchw = () => {
    if (layout === 'nhwc') x = g.sameGrid(x, g.add('Transpose', [x], { perm: [0, 3, 1, 2] }));
    layout = 'nchw';
  };
  const out = (t: string, name: string) => {
    x = g.qdq(t, ranges?.layers[name], name);
  };
  spec.layers.forEach((layer, i) => {
    const name = layerName(layer, i);
    const inShape = i === 0 ? summary.inputShape : summary.layers[i - 1]!.outputShape;
    switch (layer.type) {
      case 'conv2d': {
        toNchw();
        const k = g.weight(`${name}/kernel`);
        const b = g.weight(`${name}/bias`);
        const [kh, kw] = pair(layer.kernelSize);
        const [sh, sw] = pair(layer.strides);
        const [ph, pw]: [number, number][] = layer.padding === 'same' ? [samePads(inShape[0]!, kh, sh), samePads(inShape[1]!, kw, sw)] : [[0, 0], [0, 0]];
        let oihw = hwioToOihw(k.values, k.shape);
        let bv = b.values;
        // A batch norm right after a linear conv is folded into it: W·g/√(v+ε), (b − m)·g/√(v+ε) + β.
        const next = spec.layers[i + 1];
        if (layer.activation === 'linear' && next?.type === 'batchNorm' && !(precision === 'int8' && ranges?.layers[name])) {
          const bn = layerName(next, i + 1);
          const [gamma, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((part) => g.weight(`${bn}/${part}`).values);
          const factor = Float32Array.from(gamma!, (gc, c) => gc / Math.sqrt(variance![c]! + next.epsilon));
          const per = oihw.length / factor.length;
          oihw = Float32Array.from(oihw, (v, j) => v * factor[Math.floor(j / per)]!);
          bv = Float32Array.from(bv, (bc, c) => (bc - mean![c]!) * factor[c]! + beta![c]!);
          folded.add(i + 1);
        }
        const w = g.kernel(`${name}.weight`, [k.shape[3]!, k.shape[2]!, kh, kw], oihw, 0);
        const bz = g.bias(`${name}.bias`, bv, x, w.scales);
        out(g.activate(layer.activation, g.add('Conv', [x, w.t, bz], { kernel_shape: [kh, kw], strides: [sh, sw], pads: [ph![0], pw![0], ph![1], pw![1]], dilations: [1, 1], group: 1 })), name);
        break;
      }
      case 'maxPool2d':
      case 'avgPool2d': {
        toNchw();
        const [kh, kw] = pair(layer.poolSize);
        const [sh, sw] = pair(layer.strides ?? layer.poolSize);
        const [ph, pw]: [number, number][] = layer.padding === 'same' ? [samePads(inShape[0]!, kh, sh), samePads(inShape[1]!, kw, sw)] : [[0, 0], [0, 0]];
        const attrs = { kernel_shape: [kh, kw], strides: [sh, sw], pads: [ph![0], pw![0], ph![1], pw![1]] };
        // TF's average pooling leaves the padding out of the count.
        const pooled = layer.type === 'maxPool2d' ? g.add('MaxPool', [x], attrs) : g.add('AveragePool', [x], { ...attrs, count_include_pad: 0 });
        // Max pooling keeps its input's grid; average pooling has its own range when calibrated.
        if (ranges?.layers[name]) out(pooled, name);
        else x = g.sameGrid(x, pooled);
        break;
      }
      case 'flatten':
        if (layout === 'nchw') x = g.sameGrid(x, g.add('Transpose', [x], { perm: [0, 2, 3, 1] }));
        if (layout !== 'flat') x = g.sameGrid(x, g.add('Flatten', [x], { axis: 1 }));
        layout = 'flat';
        break;
      case 'globalAvgPool':
        if (layout === 'seq') out(sequenceMean(g, x, ids), name);
        else {
          toNchw();
          out(g.add('Flatten', [g.add('GlobalAveragePool', [x])], { axis: 1 }), name);
        }
        layout = 'flat';
        break;
      case 'dense':
        if (layout === 'nhwc' || layout === 'nchw') throw new Error(`${name}: a dense layer on an image tensor (add flatten first)`);
        out(g.activate(layer.activation, g.dense(name, x, `${name}/kernel`, `${name}/bias`, layout === 'seq' ? 3 : 2)), name);
        break;
      case 'batchNorm': {
        // Folded into the conv before it: only its output's quantization (int8) remains.
        if (folded.has(i)) {
          out(x, name);
          break;
        }
        // Channels are axis 1 in NCHW and in 2-D alike; sequences keep them last.
        if (layout === 'nhwc') toNchw();
        if (layout === 'seq') throw new Error(`${name}: batch norm on a sequence is not written for ONNX; use layerNorm`);
        const p = (part: string) => g.init(`${name}.${part}`, g.weight(`${name}/${part}`).shape, g.weight(`${name}/${part}`).values);
        out(g.add('BatchNormalization', [x, p('gamma'), p('beta'), p('moving_mean'), p('moving_variance')], { epsilon: { float: layer.epsilon } }), name);
        break;
      }
      case 'layerNorm':
        // Over the last axis: channels of an image are last in NHWC.
        if (layout === 'nchw') {
          x = g.sameGrid(x, g.add('Transpose', [x], { perm: [0, 2, 3, 1] }));
          layout = 'nhwc';
        }
        out(layerNorm(g, name, x, layer.epsilon), name);
        break;
      case 'tokenEmbedding':
        if (!ids || spec.input.kind !== 'text') throw new Error(`${name}: a token embedding needs text input`);
        out(tokenEmbedding(g, name, ids, spec.input.vocabSize), name);
        layout = 'seq';
        break;
      case 'patchEmbedding':
        toNchw();
        out(patchEmbedding(g, name, x, layer), name);
        layout = 'seq';
        break;
      case 'transformerBlock':
        if (layout !== 'seq') throw new Error(`${name}: a transformer block needs a sequence (an embedding first)`);
        out(transformerBlock(g, name, x, layer, mask), name);
        break;
      case 'dropout':
        break;
    }
  });
  // The classifier's output, named; a model ending inside convolutions is refused by the spec's own checks.
  if (layout !== 'flat') throw new Error('The model does not end in a flat output');
  g.nodes[g.nodes.length - 1]!.outputs = [ONNX_OUTPUT];
  const inputShape: (number | string)[] = ['batch', ...summary.inputShape];
  return encodeModel(
    {
      name: spec.name.replace(/[^A-Za-z0-9_]+/g, '_') || 'model',
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [{ name: ONNX_INPUT, elemType: text ? DataType.INT32 : DataType.FLOAT, shape: inputShape }],
      outputs: [{ name: ONNX_OUTPUT, elemType: DataType.FLOAT, shape: ['batch', spec.numClasses] }],
    },
    { irVersion: ONNX_IR_VERSION, opset: onnxOpset(spec), producer: 'Model Studio', producerVersion: generatedBy },
  );
}
