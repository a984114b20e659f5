/**
 * A Conv2DBackpropFilter kernel for the WASM and CPU backends: tfjs 4.22 has none on WASM (conv
 * training throws) and the CPU one is very slow. The filter gradient is itself a convolution:
 *   dW[kh, kw, ci, co] = sum_{n,i,j} x[n, i*s + kh - padTop, j*s + kw - padLeft, ci] * dy[n, i, j, co]
 * i.e. a conv2d of x^T [ci, H, W, n] with dy^T [Ho, Wo, n, co] as the filter, dilated by the
 * original stride, which every backend runs fast. We register it as the kernel (not as the Conv2D
 * gradient) so both the plain and the fused conv paths use it and the input gradient stays tfjs's own.
 */
import {
  backend_util,
  getKernel,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

/** The backends whose Conv2DBackpropFilter this module replaces (WebGL and WebGPU have good ones). */
export const CONV_GRAD_BACKENDS = ['wasm', 'cpu'] as const;
type GradBackend = (typeof CONV_GRAD_BACKENDS)[number];

const KERNEL = 'Conv2DBackpropFilter';

interface FilterGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** Runs another kernel of the same backend directly, so intermediates never reach the engine. */
function runner(backendName: string, backend: KernelBackend) {
  const temps: TensorInfo[] = [];
  const run = (name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap, keep = false): TensorInfo => {
    const kernel = getKernel(name, backendName);
    if (!kernel) throw new Error(`${backendName} backend has no ${name} kernel`);
    const out = kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
    if (!keep) temps.push(out);
    return out;
  };
  const dispose = () => temps.forEach((t) => backend.disposeData(t.dataId));
  return { run, dispose };
}

function filterGradKernel(backendName: GradBackend): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as FilterGradAttrs;
    const { run, dispose } = runner(backendName, backend as KernelBackend);
    try {
      // Work in NHWC; NCHW inputs (rare in tfjs) are transposed first.
      const xn = dataFormat === 'NCHW' ? run('Transpose', { x }, { perm: [0, 2, 3, 1] }) : x;
      const dyn = dataFormat === 'NCHW' ? run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] }) : dy;
      const info = backend_util.computeConv2DInfo(
        xn.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      const { strideHeight: sh, strideWidth: sw, outHeight: ho, outWidth: wo, inHeight: h, inWidth: w } = info;
      const { filterHeight: kh, filterWidth: kw, padInfo } = info;
      const xt = run('Transpose', { x: xn }, { perm: [3, 1, 2, 0] }); // [ci, H, W, n]
      const dyt = run('Transpose', { x: dyn }, { perm: [1, 2, 0, 3] }); // [Ho, Wo, n, co]
      // Pad the far side just enough that the dilated "filter" dy^T yields kh x kw outputs.
      const bottom = Math.max(0, kh + (ho - 1) * sh - h - padInfo.top);
      const right = Math.max(0, kw + (wo - 1) * sw - w - padInfo.left);
      let grad = run(
        'Conv2D',
        { x: xt, filter: dyt },
        {
          strides: [1, 1],
          pad: [[0, 0], [padInfo.top, bottom], [padInfo.left, right], [0, 0]],
          dataFormat: 'NHWC',
          dilations: [sh, sw],
        },
      ); // [ci, >=kh, >=kw, co]
      const [ci, gh, gw, co] = grad.shape as [number, number, number, number];
      if (gh !== kh || gw !== kw) {
        // Rows past the last window (valid padding, stride not dividing the input) get no gradient.
        grad = run('Slice', { x: grad }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] });
      }
      return run('Transpose', { x: grad }, { perm: [1, 2, 0, 3] }, true); // [kh, kw, ci, co]
    } finally {
      dispose();
    }
  };
}

const ours = new Map<GradBackend, KernelFunc>(CONV_GRAD_BACKENDS.map((b) => [b, filterGradKernel(b)]));
const originals = new Map<GradBackend, KernelConfig | undefined>();

/**
 * Makes WASM and CPU compute conv filter gradients as a convolution. Idempotent; call it again
 * after loading a backend package late, since loading one re-registers that backend's kernels.
 */
export function registerConvFilterGradient(): void {
  for (const backendName of CONV_GRAD_BACKENDS) {
    const kernelFunc = ours.get(backendName)!;
    const current = getKernel(KERNEL, backendName);
    if (current?.kernelFunc === kernelFunc) continue;
    if (!originals.has(backendName)) originals.set(backendName, current);
    // Unregister first: re-registering over an existing kernel logs a warning.
    if (current) unregisterKernel(KERNEL, backendName);
    registerKernel({ kernelName: KERNEL, backendName, kernelFunc });
  }
}

/** Puts back tfjs's own kernels (none on WASM): for benchmarks and tests that compare the two. */
export function restoreDefaultConvFilterGradient(): void {
  for (const backendName of CONV_GRAD_BACKENDS) {
    const current = getKernel(KERNEL, backendName);
    if (!current || current.kernelFunc !== ours.get(backendName)) continue;
    unregisterKernel(KERNEL, backendName);
    const original = originals.get(backendName);
    if (original) registerKernel(original);
  }
}

/** Whether the custom filter gradient is active on a backend. */
export function hasConvFilterGradient(backendName: string): boolean {
  const fn = ours.get(backendName as GradBackend);
  return fn !== undefined && getKernel(KERNEL, backendName)?.kernelFunc === fn;
}
