/**
 * The kernels the engine adds so every backend can train the studio's models: the conv filter
 * gradient (WASM, CPU) and the gather gradient (WASM). Call once after loading backend packages.
 */
import { registerConvFilterGradient } from './conv-grad';
import { registerWasmSegmentSum } from './segment-sum';

/** Registers every training kernel the engine provides (idempotent). */
export function registerTrainingKernels(): void {
  registerConvFilterGradient();
  registerWasmSegmentSum();
}
