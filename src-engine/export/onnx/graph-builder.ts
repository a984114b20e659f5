/**
 * The ONNX graph as the exporter grows it: nodes and initializers, and the helpers every layer
 * emitter shares for the variants: kernels in float, half (Cast back) or int8 per channel
 * (DequantizeLinear), int32 biases under full int8, uint8 QuantizeLinear/DequantizeLinear pairs
 * on activations with calibrated ranges, and the activations themselves.
 */
import type { Activation } from '../../../src-shared/models/spec';
import { quantizeFloat16, quantizeInt8 } from '../../compress/weight-codec';
import { uint8Params } from '../../layers/fake-quant';
import type { ActivationRange } from '../../model/build-model';
import { DataType, type OnnxNode, type OnnxTensor } from './onnx-proto';

export type OnnxPrecision = 'float32' | 'float16' | 'int8' | 'int8-weights';

/** A quantized tensor's grid: its scale and zero point initializers and the scale's value. */
interface Grid {
  scale: string;
  zp: string;
  s: number;
}

const raw = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

/** HWIO (TF.js conv kernels) → OIHW (ONNX). */
export function hwioToOihw(w: Float32Array, [h, wd, i, o]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < h!; y++) for (let x = 0; x < wd!; x++) for (let c = 0; c < i!; c++) for (let k = 0; k < o!; k++) {
    out[((k * i! + c) * h! + y) * wd! + x] = w[((y * wd! + x) * i! + c) * o! + k]!;
  }
  return out;
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private n = 0;
  private readonly grid = new Map<string, Grid>();
  private readonly constants = new Map<string, string>();

  constructor(
    readonly precision: OnnxPrecision,
    private readonly weights: Map<string, { values: Float32Array; spec: { shape: readonly number[] } }>,
  ) {}

  /** A checkpoint weight by its tfjs name (`conv2d_1/kernel`). */
  weight(name: string): { values: Float32Array; shape: number[] } {
    const w = this.weights.get(name);
    if (!w) throw new Error(`The checkpoint has no weight ${name}`);
    return { values: w.values, shape: [...w.spec.shape] };
  }

  init(name: string, dims: number[], values: Float32Array | BigInt64Array): string {
    return this.initAs(name, dims, values instanceof BigInt64Array ? DataType.INT64 : DataType.FLOAT, values);
  }

  initAs(name: string, dims: number[], dataType: number, values: ArrayBufferView): string {
    this.initializers.push({ name, dims, dataType, raw: raw(values) });
    return name;
  }

  /** A float scalar or an int64 vector (shapes, axes), one initializer per distinct value. */
  constant(value: number | bigint[], dataType: 'float' | 'int32' = 'float'): string {
    const key = `${dataType}:${String(value)}:${Array.isArray(value)}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = `const_${this.constants.size + 1}`;
    if (Array.isArray(value)) this.initAs(name, [value.length], DataType.INT64, BigInt64Array.from(value));
    else if (dataType === 'int32') this.initAs(name, [], DataType.INT32, Int32Array.of(value));
    else this.init(name, [], Float32Array.of(value));
    this.constants.set(key, name);
    return name;
  }

  /** Appends a node; its output is a fresh name (or `out`). */
  add(op: string, inputs: string[], attributes?: OnnxNode['attributes'], out?: string): string {
    const output = out ?? `t${++this.n}_${op.toLowerCase()}`;
    this.nodes.push({ op, inputs, outputs: [output], name: `${op}_${this.n}`, ...(attributes ? { attributes } : {}) });
    return output;
  }

  private qdqWith(t: string, q: Grid): string {
    const out = this.add('DequantizeLinear', [this.add('QuantizeLinear', [t, q.scale, q.zp]), q.scale, q.zp]);
    this.grid.set(out, q);
    return out;
  }

  /** t quantized to uint8 with the range, as the studio's StudioFakeQuant does (round half to even, both); only under full int8. */
  qdq(t: string, range: ActivationRange | undefined, label: string): string {
    if (this.precision !== 'int8' || !range) return t;
    const { scale, zeroPoint } = uint8Params(range[0], range[1]);
    return this.qdqWith(t, { scale: this.init(`${label}.scale`, [], Float32Array.of(scale)), zp: this.initAs(`${label}.zero_point`, [], DataType.UINT8, Uint8Array.of(zeroPoint)), s: Math.fround(scale) });
  }

  /** After a node that keeps its input's grid (max pooling, reshapes): the same quantization again. */
  sameGrid(from: string, t: string): string {
    const q = this.grid.get(from);
    return q && this.precision === 'int8' ? this.qdqWith(t, q) : t;
  }

  /** A weight as the variant stores it: float, half (Cast back), or int8 per channel along `axis` (DequantizeLinear). */
  kernel(name: string, dims: number[], values: Float32Array, axis: number): { t: string; scales: Float32Array | null } {
    if (this.precision === 'float16') return { t: this.add('Cast', [this.initAs(name, dims, DataType.FLOAT16, quantizeFloat16(values))], { to: DataType.FLOAT }), scales: null };
    if (this.precision === 'int8' || this.precision === 'int8-weights') {
      const q = quantizeInt8(values, dims, axis);
      const scale = this.init(`${name}.scale`, [dims[axis]!], q.scales);
      const zp = this.initAs(`${name}.zero_point`, [dims[axis]!], DataType.INT8, new Int8Array(dims[axis]!));
      return { t: this.add('DequantizeLinear', [this.initAs(`${name}.q`, dims, DataType.INT8, q.q), scale, zp], { axis }), scales: q.scales };
    }
    return { t: this.init(name, dims, values), scales: null };
  }

  /** A float parameter that is not a kernel (biases of float products, norms' scales): float, or half under float16. */
  param(name: string, dims: number[], values: Float32Array): string {
    if (this.precision === 'float16') return this.add('Cast', [this.initAs(name, dims, DataType.FLOAT16, quantizeFloat16(values))], { to: DataType.FLOAT });
    return this.init(name, dims, values);
  }

  /** A bias: int32 at scale s_input · s_weight[c] when both are quantized (full int8), else as `param`. */
  bias(name: string, values: Float32Array, input: string, weightScales: Float32Array | null): string {
    const sx = this.grid.get(input)?.s;
    if (this.precision === 'int8' && sx !== undefined && weightScales) {
      const scales = Float32Array.from(weightScales, (sw) => Math.fround(sx * sw));
      const q = Int32Array.from(values, (b, c) => Math.round(b / scales[c]!));
      const scale = this.init(`${name}.scale`, [values.length], scales);
      const zp = this.initAs(`${name}.zero_point`, [values.length], DataType.INT32, new Int32Array(values.length));
      return this.add('DequantizeLinear', [this.initAs(`${name}.q`, [values.length], DataType.INT32, q), scale, zp], { axis: 0 });
    }
    return this.param(name, [values.length], values);
  }

  activate(a: Activation, t: string): string {
    switch (a) {
      case 'linear':
        return t;
      case 'relu':
        return this.add('Relu', [t]);
      case 'tanh':
        return this.add('Tanh', [t]);
      case 'sigmoid':
        return this.add('Sigmoid', [t]);
      case 'softmax':
        return this.add('Softmax', [t], { axis: -1 });
      case 'gelu': {
        // Opset 13 has no Gelu: x · ½(1 + erf(x / √2)), as tfjs-layers computes it.
        const erf = this.add('Erf', [this.add('Mul', [t, this.constant(Math.SQRT1_2)])]);
        return this.add('Mul', [this.add('Mul', [t, this.constant(0.5)]), this.add('Add', [erf, this.constant(1)])]);
      }
    }
  }

  /** A dense layer's product over the last axis: Gemm on 2-D input, MatMul then Add on sequences. */
  dense(name: string, x: string, kernelName: string, biasName: string, rank: 2 | 3): string {
    const k = this.weight(kernelName);
    const b = this.weight(biasName);
    const w = this.kernel(`${name}.weight`, k.shape, k.values, 1);
    const bz = this.bias(`${name}.bias`, b.values, x, rank === 2 ? w.scales : null);
    return rank === 2 ? this.add('Gemm', [x, w.t, bz], { transB: 0 }) : this.add('Add', [this.add('MatMul', [x, w.t]), bz]);
  }
}
