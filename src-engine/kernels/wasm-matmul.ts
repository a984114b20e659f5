/**
 * A faster BatchMatMul for the WASM backend. tfjs-backend-wasm 4.22 sends a product through
 * XNNPACK only when it is a single matrix product with no transposed operand; every batched or
 * transposed product (attention's Q K^T and weights V, and every matmul gradient, which transposes
 * one side) falls back to a scalar loop that runs at ~1 GFLOP/s against 7-30 through XNNPACK on
 * the same machine. This kernel wraps the original: it materialises transposes and splits a batch
 * into single products, so each one takes the fast path. Same math, sums in a different order.
 */
import {
  getKernel,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { wasmKernelOverride, type WasmHeapBackend } from './wasm-kernel-override';

const KERNEL = 'BatchMatMul';
const BACKEND = 'wasm';

const product = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/** The broadcast shape of two batch shapes, or null when they do not broadcast. */
function broadcastOuter(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(Math.max(da, db));
  }
  return out;
}

/** Transposes each [r, c] matrix of `src` (batch of them, row-major) into [c, r] in `dst`, in tiles. */
export function transposeMatrices(src: Float32Array, dst: Float32Array, batch: number, r: number, c: number): void {
  const TILE = 32;
  for (let b = 0; b < batch; b++) {
    const base = b * r * c;
    for (let i0 = 0; i0 < r; i0 += TILE) {
      const i1 = Math.min(r, i0 + TILE);
      for (let j0 = 0; j0 < c; j0 += TILE) {
        const j1 = Math.min(c, j0 + TILE);
        for (let i = i0; i < i1; i++) {
          for (let j = j0, s = base + i * c + j0, d = base + j0 * r + i; j < j1; j++, s++, d += r) dst[d] = src[s]!;
        }
      }
    }
  }
}

/** The wrapping kernel around `original` (the backend's own BatchMatMul). */
export function splitBatchMatMul(original: KernelFunc): KernelFunc {
  const fn: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
    const backend = anyBackend as WasmHeapBackend;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = product(outerA);
    const batchB = product(outerB);
    const outer = broadcastOuter(outerA, outerB);
    // What this kernel cannot split (partial broadcasting, other dtypes, shape errors) goes to
    // the original, which does it, or explains the error, as before.
    const splittable = outer !== null && (batchA === batchB || batchA === 1 || batchB === 1);
    if (!splittable || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) {
      return original({ inputs, backend, attrs });
    }
    const temps: TensorInfo[] = [];
    const run = (name: string, ins: NamedTensorInfoMap, at: NamedAttrMap): TensorInfo => {
      const kernel = name === KERNEL ? { kernelFunc: original } : getKernel(name, BACKEND);
      if (!kernel) throw new Error(`wasm backend has no ${name} kernel`);
      const out = kernel.kernelFunc({ inputs: ins, backend, attrs: at }) as TensorInfo;
      temps.push(out);
      return out;
    };
    const as3d = (x: TensorInfo, batch: number): TensorInfo => run('Reshape', { x }, { shape: [batch, ...x.shape.slice(-2)] });
    // Copies made with the heap views, not the Slice and Transpose kernels: on WASM, Slice copies
    // the whole input out of the heap for every slice (readSync), and Transpose moves ~17M
    // elements/s against ~10x that here. Views are taken after each allocation, which may grow
    // (and so detach) the heap.
    const fresh = (shape: number[]): TensorInfo => {
      const out = backend.makeOutput(shape, 'float32');
      temps.push(out);
      return out;
    };
    const matrixAt = (x3: TensorInfo, i: number): TensorInfo => {
      const [, r, c] = x3.shape as [number, number, number];
      const out = fresh([1, r, c]);
      backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x3).subarray(i * r * c, (i + 1) * r * c));
      return out;
    };
    const transposed = (x3: TensorInfo): TensorInfo => {
      const [batch, r, c] = x3.shape as [number, number, number];
      const out = fresh([batch, c, r]);
      transposeMatrices(backend.typedArrayFromHeap(x3), backend.typedArrayFromHeap(out), batch, r, c);
      return out;
    };
    // x [bx, m, k] times y [by, k, n], one single product at a time.
    const products = (x: TensorInfo, y: TensorInfo, bx: number, by: number): TensorInfo => {
      const plain = { transposeA: false, transposeB: false };
      const batch = Math.max(bx, by);
      if (batch === 1) return run(KERNEL, { a: x, b: y }, plain);
      const parts: TensorInfo[] = [];
      for (let i = 0; i < batch; i++) parts.push(run(KERNEL, { a: bx === 1 ? x : matrixAt(x, i), b: by === 1 ? y : matrixAt(y, i) }, plain));
      // Concat takes its inputs as an array, which the kernel API types as a name map.
      return run('Concat', parts as unknown as NamedTensorInfoMap, { axis: 0 });
    };
    try {
      const [ra, ca] = a.shape.slice(-2) as [number, number];
      const [rb, cb] = b.shape.slice(-2) as [number, number];
      const [m, k] = transposeA ? [ca, ra] : [ra, ca];
      const n = transposeB ? rb : cb;
      if ((transposeB ? cb : rb) !== k) return original({ inputs, backend, attrs });
      const batch = Math.max(batchA, batchB);
      const a3 = as3d(a, batchA);
      const b3 = as3d(b, batchB);
      // Two ways, whichever moves fewer elements: op(A) op(B) with the transposed operands
      // copied, or (op(B)^T op(A)^T)^T, which copies the others and the result. XNNPACK also
      // repacks the right operand of every product, so that counts too.
      const sizeA = batchA * m * k;
      const sizeB = batchB * k * n;
      const direct = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0) + sizeB;
      const swapped = (transposeA ? 0 : sizeA) + (transposeB ? 0 : sizeB) + batch * m * n + sizeA;
      const out3 =
        direct <= swapped
          ? products(transposeA ? transposed(a3) : a3, transposeB ? transposed(b3) : b3, batchA, batchB)
          : transposed(products(transposeB ? b3 : transposed(b3), transposeA ? a3 : transposed(a3), batchB, batchA));
      // The result is the one temp handed on; Reshape shares its data, so it stays alive.
      const result = getKernel('Reshape', BACKEND)!.kernelFunc({ inputs: { x: out3 }, backend, attrs: { shape: [...outer!, m, n] } }) as TensorInfo;
      return result;
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  return fn;
}

const override = wasmKernelOverride(KERNEL, splitBatchMatMul);

/** Replaces the WASM BatchMatMul with the splitting one (idempotent; a no-op without the WASM backend). */
export const registerWasmBatchMatMul = override.register;

/** Puts the backend's own BatchMatMul back (for benchmarks that compare the two). */
export const restoreDefaultWasmBatchMatMul = override.restore;
