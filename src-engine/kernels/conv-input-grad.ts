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
import {
  backend_util,
  getKernel,
  type KernelBackend,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { wasmKernelOverride } from './wasm-kernel-override';

const KERNEL = 'Conv2DBackpropInput';
const BACKEND = 'wasm';

interface InputGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** The kernel wrapping `original`, which still serves strides above 1 and NCHW. */
export function convInputGradAsConv(original: KernelFunc): KernelFunc {
  const fn: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
    const backend = anyBackend as KernelBackend;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as InputGradAttrs;
    const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
    if (dataFormat !== 'NHWC' || sh !== 1 || sw !== 1 || dy.dtype !== 'float32') return original({ inputs, backend, attrs });
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
    const temps: TensorInfo[] = [];
    const run = (name: string, ins: NamedTensorInfoMap, at: NamedAttrMap): TensorInfo => {
      const kernel = getKernel(name, BACKEND);
      if (!kernel) throw new Error(`wasm backend has no ${name} kernel`);
      const out = kernel.kernelFunc({ inputs: ins, backend, attrs: at }) as TensorInfo;
      temps.push(out);
      return out;
    };
    try {
      // [kh, kw, ci, co] -> flipped in space, channels swapped: [kh, kw, co, ci].
      const flipped = run('Reverse', { x: filter }, { dims: [0, 1] });
      const swapped = run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
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
