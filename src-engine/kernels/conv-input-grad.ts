/**
 * A faster Conv2DBackpropInput for the WASM backend. tfjs-backend-wasm 4.22 computes the input
 * gradient of a convolution with a plain loop (~2.6 GFLOP/s here, half of seed-cnn's training
 * step), while its forward Conv2D runs on XNNPACK. For stride 1 the input gradient is a forward
 * convolution ("full" correlation):
 *   dx[n, i, j, ci] = sum_{a,b,co} dy[n, i + a - pt, j + b - pl, co] * w[kh-1-a, kw-1-b, ci, co]
 * i.e. Conv2D of dy with the filter flipped in space and its channel axes swapped, padded by
 * pt = kh-1-padTop before (and what makes the output the input's size after). Other strides and
 * layouts go to the original kernel.
 */
import { backend_util, getKernel, type KernelBackend, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { wasmKernelOverride, type WasmHeapBackend } from './wasm-kernel-override';

const KERNEL = 'Conv2DBackpropInput';
const BACKEND = 'wasm';

interface InputGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** dst[a, b, o, i] = src[kh-1-a, kw-1-b, i, o]: a filter [kh, kw, ci, co] flipped in space, channels swapped. */
export function flipSwapFilter(src: Float32Array, dst: Float32Array, kh: number, kw: number, ci: number, co: number): void {
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const from = ((kh - 1 - a) * kw + (kw - 1 - b)) * ci * co;
      const to = (a * kw + b) * co * ci;
      for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) dst[to + o * ci + i] = src[from + i * co + o]!;
    }
  }
}

/** The kernel wrapping `original`, which still serves strides above 1 and NCHW. */
export function convInputGradAsConv(original: KernelFunc): KernelFunc {
  const fn: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
    const backend = anyBackend as KernelBackend;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as InputGradAttrs;
    const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
    if (dataFormat !== 'NHWC' || sh !== 1 || sw !== 1 || dy.dtype !== 'float32' || filter.dtype !== 'float32') return original({ inputs, backend, attrs });
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      1,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, padInfo } = info;
    const top = kh - 1 - padInfo.top;
    const left = kw - 1 - padInfo.left;
    const bottom = h - oh - top + kh - 1;
    const right = w - ow - left + kw - 1;
    if (top < 0 || left < 0 || bottom < 0 || right < 0) return original({ inputs, backend, attrs });
    const heap = backend as WasmHeapBackend;
    const temps: TensorInfo[] = [];
    try {
      // [kh, kw, ci, co] -> flipped in space, channels swapped: [kh, kw, co, ci], in one pass
      // over the heap (tfjs-wasm's Reverse took 1.2 ms on a 3x3x64x64 filter).
      const [, , ci, co] = filter.shape as [number, number, number, number];
      const swapped = heap.makeOutput([kh, kw, co, ci], 'float32');
      temps.push(swapped);
      flipSwapFilter(heap.typedArrayFromHeap(filter), heap.typedArrayFromHeap(swapped), kh, kw, ci, co);
      const dx = getKernel('Conv2D', BACKEND)!.kernelFunc({
        inputs: { x: dy, filter: swapped },
        backend,
        attrs: { strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1] },
      }) as TensorInfo;
      return dx;
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  return fn;
}

const override = wasmKernelOverride(KERNEL, convInputGradAsConv);

/** Replaces the WASM Conv2DBackpropInput with the convolution one (idempotent; a no-op without WASM). */
export const registerWasmConvInputGradient = override.register;

/** Puts the backend's own kernel back (for benchmarks and tests that compare the two). */
export const restoreDefaultWasmConvInputGradient = override.restore;
