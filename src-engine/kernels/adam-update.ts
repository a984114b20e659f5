/**
 * Adam's update of one variable as one kernel on WASM and CPU. tfjs's AdamOptimizer spends 14
 * kernels per variable (mul, add, div, square, sqrt on the whole tensor), ~140 per seed-cnn step,
 * each a pass over memory plus the engine's bookkeeping: ~4 ms of a ~35 ms step at batch 32 on
 * two threads. This makes the same float32 operations in the same order in one pass (every
 * result rounded to float32 with Math.fround, which for +, -, ×, ÷ and √ of float32 values gives
 * exactly the float32 result), so the weights and moments are bit for bit tfjs's.
 */
import { getKernel, registerKernel, type KernelFunc, type NamedAttrMap, type TensorInfo, unregisterKernel } from '@tensorflow/tfjs-core';
import type { WasmHeapBackend } from './wasm-kernel-override';

/** The kernel's name: inputs value, gradient, m, v (float32, one shape) and accBeta1, accBeta2 (scalars). */
export const ADAM_UPDATE = 'ModelStudioAdamUpdate';
/** The backends it runs on (GPU backends keep tfjs's Adam, whose kernels they run well). */
const BACKENDS = ['wasm', 'cpu'] as const;

export interface AdamUpdateAttrs extends NamedAttrMap {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

const f = Math.fround;

/**
 * One step of Adam on plain arrays, written into `outValue`, `outM`, `outV` (which may not alias
 * the inputs): tfjs-core 4.22's AdamOptimizer.applyGradients, operation for operation.
 */
export function adamStep(
  value: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, accBeta1: number, accBeta2: number,
  a: AdamUpdateAttrs, outValue: Float32Array, outM: Float32Array, outV: Float32Array,
): void {
  // tfjs makes a float32 scalar of each constant; 1 - beta is taken in double first, as there.
  const b1 = f(a.beta1), b2 = f(a.beta2), ob1 = f(1 - a.beta1), ob2 = f(1 - a.beta2);
  const eps = f(a.epsilon), negLr = f(-a.learningRate);
  const c1 = f(1 - accBeta1), c2 = f(1 - accBeta2);
  for (let i = 0; i < value.length; i++) {
    const gi = g[i]!;
    const mi = f(f(m[i]! * b1) + f(gi * ob1));
    const vi = f(f(v[i]! * b2) + f(f(gi * gi) * ob2));
    outM[i] = mi;
    outV[i] = vi;
    const step = f(f(mi / c1) / f(f(Math.sqrt(f(vi / c2))) + eps));
    outValue[i] = f(step * negLr) + value[i]!;
  }
}

interface AdamInputs {
  value: TensorInfo;
  gradient: TensorInfo;
  m: TensorInfo;
  v: TensorInfo;
  accBeta1: TensorInfo;
  accBeta2: TensorInfo;
}

function checked(inputs: AdamInputs): void {
  const n = (t: TensorInfo) => t.shape.reduce((a, b) => a * b, 1);
  for (const t of [inputs.value, inputs.gradient, inputs.m, inputs.v, inputs.accBeta1, inputs.accBeta2]) {
    if (t.dtype !== 'float32') throw new Error(`${ADAM_UPDATE} takes float32 tensors, got ${t.dtype}`);
  }
  const size = n(inputs.value);
  if (n(inputs.gradient) !== size || n(inputs.m) !== size || n(inputs.v) !== size) throw new Error(`${ADAM_UPDATE}: value, gradient and moments differ in size`);
}

const wasmKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as unknown as AdamInputs;
  checked(t);
  const heap = backend as WasmHeapBackend;
  // Every input on the heap first (reading one may move it there and grow the heap), then the outputs.
  for (const x of [t.value, t.gradient, t.m, t.v, t.accBeta1, t.accBeta2]) heap.typedArrayFromHeap(x);
  const outs = [heap.makeOutput(t.value.shape, 'float32'), heap.makeOutput(t.value.shape, 'float32'), heap.makeOutput(t.value.shape, 'float32')] as const;
  // Views after the allocations, which may grow (and so detach) the heap.
  const view = (x: TensorInfo) => heap.typedArrayFromHeap(x);
  adamStep(view(t.value), view(t.gradient), view(t.m), view(t.v), view(t.accBeta1)[0]!, view(t.accBeta2)[0]!, attrs as AdamUpdateAttrs, view(outs[0]), view(outs[1]), view(outs[2]));
  return [...outs];
};

interface CpuBackend {
  readSync(dataId: object): Float32Array;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

const cpuKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as unknown as AdamInputs;
  checked(t);
  const cpu = backend as unknown as CpuBackend;
  const read = (x: TensorInfo) => cpu.readSync(x.dataId);
  const size = t.value.shape.reduce((a, b) => a * b, 1);
  const out = [new Float32Array(size), new Float32Array(size), new Float32Array(size)] as const;
  adamStep(read(t.value), read(t.gradient), read(t.m), read(t.v), read(t.accBeta1)[0]!, read(t.accBeta2)[0]!, attrs as AdamUpdateAttrs, ...out);
  return out.map((values) => cpu.makeTensorInfo(t.value.shape, 'float32', values));
};

const kernels: Record<(typeof BACKENDS)[number], KernelFunc> = { wasm: wasmKernel, cpu: cpuKernel };

/** Registers the kernel on WASM and CPU (idempotent). */
export function registerAdamUpdate(): void {
  for (const backendName of BACKENDS) {
    const current = getKernel(ADAM_UPDATE, backendName);
    if (current?.kernelFunc === kernels[backendName]) continue;
    if (current) unregisterKernel(ADAM_UPDATE, backendName);
    registerKernel({ kernelName: ADAM_UPDATE, backendName, kernelFunc: kernels[backendName] });
  }
}

/** Takes the kernel away, so Adam runs as tfjs's again (for benchmarks and tests that compare the two). */
export function unregisterAdamUpdate(): void {
  for (const backendName of BACKENDS) if (getKernel(ADAM_UPDATE, backendName)) unregisterKernel(ADAM_UPDATE, backendName);
}

/** Whether the fused update runs on this backend. */
export function hasAdamUpdate(backendName: string): boolean {
  return getKernel(ADAM_UPDATE, backendName) !== undefined;
}
