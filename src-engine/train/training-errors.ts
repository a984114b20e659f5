/**
 * Plain words for the ways training fails that a user can act on. WASM reports running out of
 * its 4 GB heap as "memory access out of bounds" or "Aborted()", and WebGPU a lost device as a
 * failed mapAsync: neither tells the user what to change.
 */

/** Where the failure happened, for the advice. */
export interface TrainingErrorContext {
  backend: string;
  batchSize: number;
  /** Samples per gradient slice (micro-batch.ts). */
  microBatchSize: number;
}

const OUT_OF_MEMORY = /memory access out of bounds|Aborted\(|Cannot enlarge memory|out of memory|Array buffer allocation failed|could not allocate/i;
const DEVICE_LOST = /device (was |is )?lost|external Instance reference no longer exists|GPUDevice|context lost/i;

/** The message a run that failed with `err` shows: advice for the known causes, else the error's own. */
export function describeTrainingError(err: unknown, ctx: TrainingErrorContext): string {
  const raw = err instanceof Error ? err.message : String(err);
  const slice = ctx.microBatchSize < ctx.batchSize ? ` (batches of ${ctx.batchSize} in slices of ${ctx.microBatchSize})` : ` (batches of ${ctx.batchSize})`;
  if (OUT_OF_MEMORY.test(raw)) {
    return `Training ran out of memory on ${ctx.backend}${slice}. Try a smaller batch size, a shorter sequence length or a smaller model. [${raw}]`;
  }
  if (DEVICE_LOST.test(raw)) {
    return `The GPU stopped responding while training on ${ctx.backend}${slice}. Try again with a smaller batch size, or choose another backend. [${raw}]`;
  }
  return raw;
}
