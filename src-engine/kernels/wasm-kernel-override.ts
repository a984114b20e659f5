/**
 * Replacing one of tfjs-backend-wasm's kernels with a wrapper that handles some inputs itself and
 * hands the rest to the original: registration that is idempotent, keeps the original's setup
 * (its cwrap of the C++ entry point, run when the backend starts), and can be undone for
 * benchmarks and tests that compare the two.
 */
import { getKernel, type KernelBackend, type KernelConfig, type KernelFunc, registerKernel, type TensorInfo, unregisterKernel } from '@tensorflow/tfjs-core';

const BACKEND = 'wasm';

/** The two public BackendWasm methods the overrides use to read and fill tensors on the heap. */
export interface WasmHeapBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  /** A view of the tensor's heap memory: take it after any allocation, which may grow (and detach) the heap. */
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}
/** Marks our wrappers and holds the original underneath. */
const ORIGINAL = Symbol('model-studio wasm kernel override');
type Wrapper = KernelFunc & { [ORIGINAL]?: KernelFunc };

/** The register / restore pair of an override of `kernelName` on WASM. */
export interface WasmKernelOverride {
  /** Puts the wrapper in place (a no-op when it already is, or when WASM is not loaded). */
  register(): void;
  /** Puts the backend's own kernel back. */
  restore(): void;
}

/** An override of the WASM kernel `kernelName` by `wrap(original)`. */
export function wasmKernelOverride(kernelName: string, wrap: (original: KernelFunc) => KernelFunc): WasmKernelOverride {
  const current = () => getKernel(kernelName, BACKEND) as KernelConfig | undefined;
  return {
    register() {
      const config = current();
      if (!config || (config.kernelFunc as Wrapper)[ORIGINAL]) return;
      const wrapper: Wrapper = wrap(config.kernelFunc);
      wrapper[ORIGINAL] = config.kernelFunc;
      unregisterKernel(kernelName, BACKEND);
      registerKernel({ ...config, kernelFunc: wrapper });
    },
    restore() {
      const config = current();
      const original = config && (config.kernelFunc as Wrapper)[ORIGINAL];
      if (!original) return;
      unregisterKernel(kernelName, BACKEND);
      registerKernel({ ...config, kernelFunc: original });
    },
  };
}
