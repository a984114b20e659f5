/**
 * A WASM Identity that shares its input's memory instead of copying it. tfjs calls Identity to
 * clone every tensor a gradient needs later (Engine.saveTensorsForBackwardMode), ~48 times per
 * seed-cnn step, and tfjs-backend-wasm 4.22 copies each one on the heap: 1.5 ms of a ~35 ms step
 * at batch 32. Tensors never change in place, so, as WASM's own Reshape and the CPU backend's
 * Identity do, the output is the input's data with one more reference.
 */
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmKernelOverride } from './wasm-kernel-override';

/** The kernel wrapping `original`, which still serves strings (stored off the heap). */
export function sharingIdentity(original: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original(args);
    (args.backend as KernelBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

const override = wasmKernelOverride('Identity', sharingIdentity);

/** Replaces the WASM Identity with the sharing one (idempotent; a no-op without WASM). */
export const registerWasmIdentity = override.register;

/** Puts the backend's own copying Identity back (for benchmarks and tests that compare the two). */
export const restoreDefaultWasmIdentity = override.restore;
