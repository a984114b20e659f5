/**
 * Weight quantization as plain array code: int8 symmetric per channel, uint8 affine per tensor
 * (TF.js's own scheme), float16; the decoding of each; and a weights manifest (specs + one
 * buffer) re-encoded tensor by tensor. The worker and the CLI use the same functions.
 */
import type { WeightSpec } from '../../src-shared/checkpoints/checkpoint-meta';

/** int8 codes: symmetric, so 0.0 is exactly 0 and the code range is [-127, 127] (-128 unused). */
export interface Int8Tensor {
  q: Int8Array;
  /** One per index of `axis`: value = q * scale. */
  scales: Float32Array;
  axis: number;
}

/** The size of each dimension, and how many values one step along `axis` skips. */
function strideOf(shape: readonly number[], axis: number): { size: number; inner: number } {
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  return { size: shape[axis] ?? 1, inner };
}

/** The channel (index along `axis`) of each flat position, as a function. */
function channelOf(shape: readonly number[], axis: number): (i: number) => number {
  const { size, inner } = strideOf(shape, axis);
  return (i) => Math.floor(i / inner) % size;
}

/**
 * int8 with one symmetric scale per index of `axis` (the largest |w| of the channel maps to
 * 127). An all-zero channel gets scale 1 so that decoding stays finite.
 */
export function quantizeInt8(values: Float32Array, shape: readonly number[], axis: number): Int8Tensor {
  const channels = shape[axis] ?? 1;
  const ch = channelOf(shape, axis);
  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = ch(i);
    const a = Math.abs(values[i]!);
    if (a > maxAbs[c]!) maxAbs[c] = a;
  }
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) scales[c] = maxAbs[c]! > 0 ? maxAbs[c]! / 127 : 1;
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    q[i] = Math.max(-127, Math.min(127, Math.round(values[i]! / scales[ch(i)]!)));
  }
  return { q, scales, axis };
}

export function dequantizeInt8(t: Int8Tensor, shape: readonly number[]): Float32Array {
  const ch = channelOf(shape, t.axis);
  const out = new Float32Array(t.q.length);
  for (let i = 0; i < out.length; i++) out[i] = t.q[i]! * t.scales[ch(i)]!;
  return out;
}

/** uint8 codes, TF.js's affine scheme: value = q * scale + min. */
export interface Uint8Tensor {
  q: Uint8Array;
  scale: number;
  min: number;
}

/**
 * uint8 affine over the whole tensor. The range is widened to hold 0 and nudged so 0.0 falls
 * exactly on a code (as tfjs-converter does), so zeros (pruned weights, padding) stay exact.
 */
export function quantizeUint8(values: Float32Array): Uint8Tensor {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) return { q: new Uint8Array(values.length), scale: 1, min: lo };
  const scale = (hi - lo) / 255;
  const zero = Math.round(-lo / scale);
  const min = -zero * scale;
  const q = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) q[i] = Math.max(0, Math.min(255, Math.round((values[i]! - min) / scale)));
  return { q, scale, min };
}

export function dequantizeUint8(t: Uint8Tensor): Float32Array {
  const out = new Float32Array(t.q.length);
  for (let i = 0; i < out.length; i++) out[i] = t.q[i]! * t.scale + t.min;
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half-precision bits of a float, rounded to nearest even (overflow to ±Infinity). */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the mantissa with its implicit 1 into place.
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++;
  // A carry into the exponent is right, and one into 0x7c00 is Infinity.
  return sign | half;
}

/** The float a half-precision bit pattern stands for. */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function quantizeFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i]!);
  return out;
}

export function dequantizeFloat16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < out.length; i++) out[i] = fromFloat16Bits(bits[i]!);
  return out;
}

/** How to store one weight. */
export type WeightEncoding = { kind: 'float32' } | { kind: 'float16' } | { kind: 'uint8' } | { kind: 'int8'; axis: number };

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** Bytes one weight takes in the buffer as its spec says it is stored. */
export function storedBytes(spec: WeightSpec): number {
  const n = count(spec.shape);
  const q = spec.quantization?.dtype;
  if (q === 'uint8' || q === 'int8') return n;
  if (q === 'uint16' || q === 'float16') return n * 2;
  const size = DTYPE_BYTES[spec.dtype];
  if (size === undefined) throw new Error(`The weight ${spec.name} has dtype ${spec.dtype}, which a checkpoint cannot hold`);
  return n * size;
}

/** The float32 values of a weight from its stored bytes (any scheme above, or plain float32). */
export function decodeWeight(spec: WeightSpec, bytes: Uint8Array): Float32Array {
  const n = count(spec.shape);
  const copy = bytes.slice();
  const q = spec.quantization;
  if (!q) {
    if (spec.dtype !== 'float32') throw new Error(`The weight ${spec.name} is ${spec.dtype}, not float32`);
    return new Float32Array(copy.buffer, 0, n);
  }
  switch (q.dtype) {
    case 'float16':
      return dequantizeFloat16(new Uint16Array(copy.buffer, 0, n));
    case 'uint8':
      return dequantizeUint8({ q: copy, scale: q.scale ?? 1, min: q.min ?? 0 });
    case 'uint16': {
      const codes = new Uint16Array(copy.buffer, 0, n);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = codes[i]! * (q.scale ?? 1) + (q.min ?? 0);
      return out;
    }
    case 'int8':
      if (!q.scales || q.axis === undefined) throw new Error(`The int8 weight ${spec.name} has no scales or axis`);
      if (q.scales.length !== (spec.shape[q.axis] ?? 1)) throw new Error(`The int8 weight ${spec.name} has ${q.scales.length} scales for ${spec.shape[q.axis]} channels`);
      return dequantizeInt8({ q: new Int8Array(copy.buffer, 0, n), scales: Float32Array.from(q.scales), axis: q.axis }, spec.shape);
  }
}

/** A weights manifest: the specs and the one buffer they describe, in order. */
export interface WeightSet {
  specs: WeightSpec[];
  data: Uint8Array;
}

/** Each weight's spec with its bytes in the buffer. */
export function* eachWeight(set: WeightSet): Generator<{ spec: WeightSpec; bytes: Uint8Array }> {
  let offset = 0;
  for (const spec of set.specs) {
    const n = storedBytes(spec);
    if (offset + n > set.data.byteLength) throw new Error(`The weights end before ${spec.name} (${set.data.byteLength} bytes)`);
    yield { spec, bytes: set.data.subarray(offset, offset + n) };
    offset += n;
  }
  if (offset !== set.data.byteLength) throw new Error(`The weights hold ${set.data.byteLength} bytes but their specs describe ${offset}`);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const bytesOf = (a: Float32Array | Uint16Array | Uint8Array | Int8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The weight stored as `encoding` (from its float32 values). */
export function encodeWeight(spec: WeightSpec, values: Float32Array, encoding: WeightEncoding): { spec: WeightSpec; bytes: Uint8Array } {
  const plain: WeightSpec = { name: spec.name, shape: spec.shape, dtype: 'float32', ...(spec.group ? { group: spec.group } : {}) };
  switch (encoding.kind) {
    case 'float32':
      return { spec: plain, bytes: bytesOf(values) };
    case 'float16':
      return { spec: { ...plain, quantization: { dtype: 'float16' } }, bytes: bytesOf(quantizeFloat16(values)) };
    case 'uint8': {
      const t = quantizeUint8(values);
      return { spec: { ...plain, quantization: { dtype: 'uint8', scale: t.scale, min: t.min } }, bytes: t.q };
    }
    case 'int8': {
      const t = quantizeInt8(values, spec.shape, encoding.axis);
      return { spec: { ...plain, quantization: { dtype: 'int8', scales: Array.from(t.scales), axis: t.axis } }, bytes: bytesOf(t.q) };
    }
  }
}

/**
 * Re-encodes every weight: `choose` gives each float32 weight's encoding (null keeps it as it
 * is stored). Non-float weights (int32 and the like) are copied unchanged.
 */
export function encodeWeights(set: WeightSet, choose: (spec: WeightSpec) => WeightEncoding | null): WeightSet {
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const { spec, bytes } of eachWeight(set)) {
    const encoding = spec.dtype === 'float32' ? choose(spec) : null;
    if (!encoding) {
      specs.push(spec);
      parts.push(bytes);
      continue;
    }
    const out = encodeWeight(spec, decodeWeight(spec, bytes), encoding);
    specs.push(out.spec);
    parts.push(out.bytes);
  }
  return { specs, data: concat(parts) };
}

/**
 * The same weights as TF.js's loader can read them: the studio's int8 tensors decoded to
 * float32; TF.js's own schemes (uint8, uint16, float16) and plain weights are left as they are.
 */
export function decodeForTfjs(set: WeightSet): WeightSet {
  if (!set.specs.some((s) => s.quantization?.dtype === 'int8')) return set;
  return encodeWeights(set, (spec) => (spec.quantization?.dtype === 'int8' ? { kind: 'float32' } : null));
}

/** Every weight as float32 values, by name. */
export function decodeAll(set: WeightSet): Map<string, { spec: WeightSpec; values: Float32Array }> {
  const out = new Map<string, { spec: WeightSpec; values: Float32Array }>();
  for (const { spec, bytes } of eachWeight(set)) {
    if (spec.dtype === 'float32') out.set(spec.name, { spec, values: decodeWeight(spec, bytes) });
  }
  return out;
}
