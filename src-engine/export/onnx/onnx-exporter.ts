/**
 * The ONNX exporter (IR 8, opset 13), float32: the spec's layers as ONNX nodes over the
 * checkpoint's weights. The input stays NHWC as the studio takes it (a leading Transpose to
 * NCHW for convolutions); conv kernels go HWIO → OIHW; `same` padding becomes explicit pads
 * (the extra one at the end, as TF does); before a flatten the activations go back to NHWC, so
 * the dense kernel's rows keep TF.js's (h, w, c) order; dense layers are Gemm; dropout is
 * dropped. Layers not built yet (embeddings, attention, layer norm) are refused by name.
 */
import { inferModel } from '../../../src-shared/models/shape-inference';
import { type Activation, type LayerSpec, layerName, type ModelSpec, pair } from '../../../src-shared/models/spec';
import type { ModelArtifacts } from '../../compress/quantize';
import { decodeAll } from '../../compress/weight-codec';
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

/** The model as ONNX bytes. */
export function exportOnnx(spec: ModelSpec, artifacts: ModelArtifacts, generatedBy: string): Uint8Array {
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
  const init = (name: string, dims: number[], values: Float32Array | BigInt64Array) => {
    initializers.push({ name, dims, dataType: values instanceof BigInt64Array ? DataType.INT64 : DataType.FLOAT, raw: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return name;
  };
  let x = ONNX_INPUT;
  let n = 0;
  const add = (op: string, inputs: string[], attributes?: OnnxNode['attributes'], out?: string) => {
    const output = out ?? `t${++n}_${op.toLowerCase()}`;
    nodes.push({ op, inputs, outputs: [output], name: `${op}_${n}`, ...(attributes ? { attributes } : {}) });
    return output;
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
  const toNchw = () => {
    if (layout === 'nhwc') x = add('Transpose', [x], { perm: [0, 3, 1, 2] });
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
        const w = init(`${name}.weight`, [k.shape[3]!, k.shape[2]!, kh, kw], hwioToOihw(k.values, k.shape));
        const bias = init(`${name}.bias`, [b.shape[0]!], b.values);
        x = activate(layer.activation, add('Conv', [x, w, bias], { kernel_shape: [kh, kw], strides: [sh, sw], pads: [ph![0], pw![0], ph![1], pw![1]], dilations: [1, 1], group: 1 }));
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
        x = layer.type === 'maxPool2d' ? add('MaxPool', [x], attrs) : add('AveragePool', [x], { ...attrs, count_include_pad: 0 });
        break;
      }
      case 'flatten':
        if (layout === 'nchw') x = add('Transpose', [x], { perm: [0, 2, 3, 1] });
        if (layout !== 'flat') x = add('Flatten', [x], { axis: 1 });
        layout = 'flat';
        break;
      case 'globalAvgPool':
        toNchw();
        x = add('Flatten', [add('GlobalAveragePool', [x])], { axis: 1 });
        layout = 'flat';
        break;
      case 'dense': {
        if (layout !== 'flat') throw new Error(`${name}: a dense layer on a ${layout} tensor (add flatten first)`);
        const k = weight(`${name}/kernel`);
        const b = weight(`${name}/bias`);
        x = activate(layer.activation, add('Gemm', [x, init(`${name}.weight`, k.shape, k.values), init(`${name}.bias`, b.shape, b.values)], { transB: 0 }));
        break;
      }
      case 'batchNorm': {
        // Channels are axis 1 in NCHW and in 2-D alike.
        if (layout === 'nhwc') toNchw();
        const p = (part: string) => init(`${name}.${part}`, weight(`${name}/${part}`).shape, weight(`${name}/${part}`).values);
        x = add('BatchNormalization', [x, p('gamma'), p('beta'), p('moving_mean'), p('moving_variance')], { epsilon: { float: layer.epsilon } });
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

