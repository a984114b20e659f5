/**
 * The kernels the engine adds so every backend can train the studio's models: the conv filter
 * gradient (WASM, CPU), the gather gradient (WASM) and a matmul that keeps WASM on its fast path.
 * Call once after loading backend packages.
 */
import { registerConvFilterGradient } from './conv-grad';
import { registerWasmSegmentSum } from './segment-sum';
import { registerWasmBatchMatMul } from './wasm-matmul';

/** Registers every training kernel the engine provides (idempotent). */
export function registerTrainingKernels(): void {
  registerConvFilterGradient();
  registerWasmSegmentSum();
  registerWasmBatchMatMul();
}
