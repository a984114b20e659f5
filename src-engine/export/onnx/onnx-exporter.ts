/**
 * The ONNX exporter (IR 8, opset 13), float32: the spec's layers as ONNX nodes over the
 * checkpoint's weights. The input stays NHWC as the studio takes it (a leading Transpose to
 * NCHW for convolutions); conv kernels go HWIO → OIHW; `same` padding becomes explicit pads
 * (the extra one at the end, as TF does); a batch norm right after a linear conv is folded into
 * its weights (elsewhere it is a BatchNormalization node); before a flatten the activations go back to NHWC, so
 * the dense kernel's rows keep TF.js's (h, w, c) order; dense layers are Gemm; dropout is
 * dropped. Layers not built yet (embeddings, attention, layer norm) are refused by name.
 *
 * Variants: `float16` stores the weights in half precision, each Cast to float32 in the graph;
 * `int8` is full static QDQ: int8 weights per output channel (symmetric, as the studio's int8),
 * int32 biases at the input's scale times the weight's, and uint8 activations with the
 * calibrated ranges after each layer (QuantizeLinear/DequantizeLinear pairs, also after pooling
 * and reshapes on the same grid), which onnxruntime runs as integer kernels (QLinearConv, QGemm);
 * `int8-weights` quantizes only the weights (smaller, not faster).
 */
import { inferModel } from '../../../src-shared/models/shape-inference';
import { type Activation, type LayerSpec, layerName, type ModelSpec, pair } from '../../../src-shared/models/spec';
import type { ModelArtifacts } from '../../compress/quantize';
import { decodeAll, quantizeFloat16, quantizeInt8 } from '../../compress/weight-codec';
import { uint8Params } from '../../layers/fake-quant';
import type { ActivationRange } from '../../model/build-model';
import { DataType, encodeModel, type OnnxNode, type OnnxTensor } from './onnx-proto';

export const ONNX_MODEL_FILE = 'model.onnx';
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'probabilities';
export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 8;

/** The layer types this exporter writes. */
const SUPPORTED = new Set<LayerSpec['type']>(['conv2d', 'maxPool2d', 'avgPool2d', 'flatten', 'dense', 'dropout', 'batchNorm', 'globalAvgPool']);

/** Why a spec cannot be exported to ONNX yet (naming its layers), or null. */
export function onnxProblem(spec: ModelSpec): string | null {
  if (spec.input.kind === 'text') return 'text models (token embeddings and attention) are not built yet for ONNX';
  const missing = spec.layers.map((l, i) => [l, layerName(l, i)] as const).filter(([l]) => !SUPPORTED.has(l.type));
  if (missing.length) return `ONNX export of ${[...new Set(missing.map(([l]) => l.type))].join(', ')} layers (${missing.map(([, n]) => n).join(', ')}) is not built yet`;
  return null;
}

/** HWIO (TF.js conv kernels) → OIHW (ONNX). */
function hwioToOihw(w: Float32Array, [h, wd, i, o]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < h!; y++) for (let x = 0; x < wd!; x++) for (let c = 0; c < i!; c++) for (let k = 0; k < o!; k++) {
    out[((k * i! + c) * h! + y) * wd! + x] = w[((y * wd! + x) * i! + c) * o! + k]!;
  }
  return out;
}

/** TF's `same` padding of one axis: [before, after], the extra pixel after. */
function samePads(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export type OnnxPrecision = 'float32' | 'float16' | 'int8' | 'int8-weights';

/** Activation ranges (a full-int8 checkpoint's, or calibrated): the input's and each spec layer's output. */
export interface OnnxRanges {
  input?: ActivationRange;
  layers: Record<string, ActivationRange>;
}

/** The model as ONNX bytes. */
export function exportOnnx(spec: ModelSpec, artifacts: ModelArtifacts, generatedBy: string, precision: OnnxPrecision = 'float32', ranges: OnnxRanges | null = null): Uint8Array {
  if (precision === 'int8' && !ranges) throw new Error('The int8 export needs activation ranges (calibrate first)');
  const problem = onnxProblem(spec);
  if (problem) throw new Error(problem);
  const summary = inferModel(spec);
  if (summary.error) throw new Error(summary.error.message);
  const weights = decodeAll({ specs: artifacts.weightSpecs, data: new Uint8Array(artifacts.weightData) });
  const weight = (name: string) => {
    const w = weights.get(name);
    if (!w) throw new Error(`The checkpoint has no weight ${name}`);
    return { values: w.values, shape: [...w.spec.shape] };
  };
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const raw = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const init = (name: string, dims: number[], values: Float32Array | BigInt64Array) => {
    initializers.push({ name, dims, dataType: values instanceof BigInt64Array ? DataType.INT64 : DataType.FLOAT, raw: raw(values) });
    return name;
  };
  const initAs = (name: string, dims: number[], dataType: number, values: ArrayBufferView) => {
    initializers.push({ name, dims, dataType, raw: raw(values) });
    return name;
  };
  let x = ONNX_INPUT;
  let n = 0;
  const add = (op: string, inputs: string[], attributes?: OnnxNode['attributes'], out?: string) => {
    const output = out ?? `t${++n}_${op.toLowerCase()}`;
    nodes.push({ op, inputs, outputs: [output], name: `${op}_${n}`, ...(attributes ? { attributes } : {}) });
    return output;
  };
  /** Quantization of each quantized tensor: its scale and zero point initializers and scale value. */
  const grid = new Map<string, { scale: string; zp: string; s: number }>();
  const qdqWith = (t: string, q: { scale: string; zp: string; s: number }) => {
    const out = add('DequantizeLinear', [add('QuantizeLinear', [t, q.scale, q.zp]), q.scale, q.zp]);
    grid.set(out, q);
    return out;
  };
  /** t quantized to uint8 with the range, as the studio's StudioFakeQuant does (round half to even, both). */
  const qdq = (t: string, range: ActivationRange | undefined, label: string) => {
    if (precision !== 'int8' || !range) return t;
    const { scale, zeroPoint } = uint8Params(range[0], range[1]);
    return qdqWith(t, { scale: init(`${label}.scale`, [], Float32Array.of(scale)), zp: initAs(`${label}.zero_point`, [], DataType.UINT8, Uint8Array.of(zeroPoint)), s: Math.fround(scale) });
  };
  /** After a layer that keeps its input's grid (pooling, reshapes): the same quantization again. */
  const sameGrid = (from: string, t: string) => {
    const q = grid.get(from);
    return q && precision === 'int8' ? qdqWith(t, q) : t;
  };
  /** A kernel as the variant stores it: float, half (Cast back), or int8 per channel along `axis` (DequantizeLinear). */
  const kernel = (name: string, dims: number[], values: Float32Array, axis: number): { t: string; scales: Float32Array | null } => {
    if (precision === 'float16') return { t: add('Cast', [initAs(name, dims, DataType.FLOAT16, quantizeFloat16(values))], { to: DataType.FLOAT }), scales: null };
    if (precision === 'int8' || precision === 'int8-weights') {
      const q = quantizeInt8(values, dims, axis);
      const scale = init(`${name}.scale`, [dims[axis]!], q.scales);
      const zp = initAs(`${name}.zero_point`, [dims[axis]!], DataType.INT8, new Int8Array(dims[axis]!));
      return { t: add('DequantizeLinear', [initAs(`${name}.q`, dims, DataType.INT8, q.q), scale, zp], { axis }), scales: q.scales };
    }
    return { t: init(name, dims, values), scales: null };
  };
  /** A bias: int32 at scale s_input · s_weight[c] when both are quantized (full int8), else as the kernel's variant stores floats. */
  const bias = (name: string, values: Float32Array, input: string, weightScales: Float32Array | null) => {
    const sx = grid.get(input)?.s;
    if (precision === 'int8' && sx !== undefined && weightScales) {
      const scales = Float32Array.from(weightScales, (sw) => Math.fround(sx * sw));
      const q = Int32Array.from(values, (b, c) => Math.round(b / scales[c]!));
      const scale = init(`${name}.scale`, [values.length], scales);
      const zp = initAs(`${name}.zero_point`, [values.length], DataType.INT32, new Int32Array(values.length));
      return add('DequantizeLinear', [initAs(`${name}.q`, [values.length], DataType.INT32, q), scale, zp], { axis: 0 });
    }
    if (precision === 'float16') return add('Cast', [initAs(name, [values.length], DataType.FLOAT16, quantizeFloat16(values))], { to: DataType.FLOAT });
    return init(name, [values.length], values);
  };
  const activate = (a: Activation, t: string) => {
    switch (a) {
      case 'linear':
        return t;
      case 'relu':
        return add('Relu', [t]);
      case 'tanh':
        return add('Tanh', [t]);
      case 'sigmoid':
        return add('Sigmoid', [t]);
      case 'softmax':
        return add('Softmax', [t], { axis: -1 });
      case 'gelu': {
        // Opset 13 has no Gelu: x · ½(1 + erf(x / √2)), as tfjs-layers computes it.
        const half = init(`gelu_half_${n}`, [], Float32Array.of(0.5));
        const one = init(`gelu_one_${n}`, [], Float32Array.of(1));
        const invSqrt2 = init(`gelu_inv_sqrt2_${n}`, [], Float32Array.of(Math.SQRT1_2));
        const erf = add('Erf', [add('Mul', [t, invSqrt2])]);
        return add('Mul', [add('Mul', [t, half]), add('Add', [erf, one])]);
      }
    }
  };
  // Layout of the current tensor: the studio's NHWC input, NCHW inside convolutions, 2-D after.
  let layout: 'nhwc' | 'nchw' | 'flat' = spec.input.kind === 'image' ? 'nhwc' : 'flat';
  x = qdq(x, ranges?.input, 'input');
  /** Batch norms folded into the conv before them (by layer index). */
  const folded = new Set<number>();
  const toNchw = () => {
    if (layout === 'nhwc') x = sameGrid(x, add('Transpose', [x], { perm: [0, 3, 1, 2] }));
    layout = 'nchw';
  };
  spec.layers.forEach((layer, i) => {
    const name = layerName(layer, i);
    const inShape = i === 0 ? summary.inputShape : summary.layers[i - 1]!.outputShape;
    switch (layer.type) {
      case 'conv2d': {
        toNchw();
        const k = weight(`${name}/kernel`);
        const b = weight(`${name}/bias`);
        const [kh, kw] = pair(layer.kernelSize);
        const [sh, sw] = pair(layer.strides);
        const [ph, pw]: [number, number][] = layer.padding === 'same' ? [samePads(inShape[0]!, kh, sh), samePads(inShape[1]!, kw, sw)] : [[0, 0], [0, 0]];
        let oihw = hwioToOihw(k.values, k.shape);
        let bv = b.values;
        // A batch norm right after a linear conv is folded into it: W·g/√(v+ε), (b − m)·g/√(v+ε) + β.
        const next = spec.layers[i + 1];
        if (layer.activation === 'linear' && next?.type === 'batchNorm' && !(precision === 'int8' && ranges?.layers[name])) {
          const bn = layerName(next, i + 1);
          const [g, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((part) => weight(`${bn}/${part}`).values);
          const factor = Float32Array.from(g!, (gc, c) => gc / Math.sqrt(variance![c]! + next.epsilon));
          const per = oihw.length / factor.length;
          oihw = Float32Array.from(oihw, (v, j) => v * factor[Math.floor(j / per)]!);
          bv = Float32Array.from(bv, (bc, c) => (bc - mean![c]!) * factor[c]! + beta![c]!);
          folded.add(i + 1);
        }
        const w = kernel(`${name}.weight`, [k.shape[3]!, k.shape[2]!, kh, kw], oihw, 0);
        const bz = bias(`${name}.bias`, bv, x, w.scales);
        x = qdq(activate(layer.activation, add('Conv', [x, w.t, bz], { kernel_shape: [kh, kw], strides: [sh, sw], pads: [ph![0], pw![0], ph![1], pw![1]], dilations: [1, 1], group: 1 })), ranges?.layers[name], name);
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
        const pooled = layer.type === 'maxPool2d' ? add('MaxPool', [x], attrs) : add('AveragePool', [x], { ...attrs, count_include_pad: 0 });
        // Max pooling keeps its input's grid; average pooling has its own range when calibrated.
        x = ranges?.layers[name] ? qdq(pooled, ranges.layers[name], name) : sameGrid(x, pooled);
        break;
      }
      case 'flatten':
        if (layout === 'nchw') x = sameGrid(x, add('Transpose', [x], { perm: [0, 2, 3, 1] }));
        if (layout !== 'flat') x = sameGrid(x, add('Flatten', [x], { axis: 1 }));
        layout = 'flat';
        break;
      case 'globalAvgPool':
        toNchw();
        x = qdq(add('Flatten', [add('GlobalAveragePool', [x])], { axis: 1 }), ranges?.layers[name], name);
        layout = 'flat';
        break;
      case 'dense': {
        if (layout !== 'flat') throw new Error(`${name}: a dense layer on a ${layout} tensor (add flatten first)`);
        const k = weight(`${name}/kernel`);
        const b = weight(`${name}/bias`);
        const w = kernel(`${name}.weight`, k.shape, k.values, 1);
        const bz = bias(`${name}.bias`, b.values, x, w.scales);
        x = qdq(activate(layer.activation, add('Gemm', [x, w.t, bz], { transB: 0 })), ranges?.layers[name], name);
        break;
      }
      case 'batchNorm': {
        // Folded into the conv before it: only its output's quantization (int8) remains.
        if (folded.has(i)) {
          x = qdq(x, ranges?.layers[name], name);
          break;
        }
        // Channels are axis 1 in NCHW and in 2-D alike.
        if (layout === 'nhwc') toNchw();
        const p = (part: string) => init(`${name}.${part}`, weight(`${name}/${part}`).shape, weight(`${name}/${part}`).values);
        x = qdq(add('BatchNormalization', [x, p('gamma'), p('beta'), p('moving_mean'), p('moving_variance')], { epsilon: { float: layer.epsilon } }), ranges?.layers[name], name);
        break;
      }
      case 'dropout':
        break;
      default:
        throw new Error(`${name}: ${layer.type} is not built yet for ONNX`);
    }
  });
  // The classifier's output, named; a model ending inside convolutions is refused by the spec's own checks.
  if (layout !== 'flat') throw new Error('The model does not end in a flat output');
  nodes[nodes.length - 1]!.outputs = [ONNX_OUTPUT];
  const inputShape: (number | string)[] = ['batch', ...summary.inputShape];
  return encodeModel(
    {
      name: spec.name.replace(/[^A-Za-z0-9_]+/g, '_') || 'model',
      nodes,
      initializers,
      inputs: [{ name: ONNX_INPUT, elemType: DataType.FLOAT, shape: inputShape }],
      outputs: [{ name: ONNX_OUTPUT, elemType: DataType.FLOAT, shape: ['batch', spec.numClasses] }],
    },
    { irVersion: ONNX_IR_VERSION, opset: ONNX_OPSET, producer: 'Model Studio', producerVersion: generatedBy },
  );
}

