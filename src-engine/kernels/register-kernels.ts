/**
 * The kernels the engine adds so every backend can train the studio's models: the conv filter
 * gradient (WASM, CPU), the gather gradient (WASM), and a matmul, a conv input gradient, a
 * leading-axes sum and a max-pool gradient that keep WASM off its slow paths, an Identity that
 * does not copy (WASM), and Adam's update in one pass (WASM, CPU).
 * Call once after loading backend packages.
 */
import { registerAdamUpdate } from './adam-update';
import { registerConvFilterGradient } from './conv-filter-grad';
import { registerWasmConvInputGradient } from './conv-input-grad';
import { registerWasmSegmentSum } from './segment-sum';
import { registerWasmIdentity } from './wasm-identity';
import { registerWasmBatchMatMul } from './wasm-matmul';
import { registerWasmMaxPoolGrad } from './wasm-max-pool-grad';
import { registerWasmSum } from './wasm-sum';

/** Registers every training kernel the engine provides (idempotent). */
export function registerTrainingKernels(): void {
  registerConvFilterGradient();
  registerWasmSegmentSum();
  registerWasmBatchMatMul();
  registerWasmConvInputGradient();
  registerWasmSum();
  registerWasmMaxPoolGrad();
  registerWasmIdentity();
  registerAdamUpdate();
}
