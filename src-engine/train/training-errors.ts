/**
 * Plain words for the ways training fails that a user can act on. WASM reports running out of
 * its 4 GB heap as "memory access out of bounds" or "Aborted()", and WebGPU a lost device as a
 * failed mapAsync: neither tells the user what to change.
 */

import { say, type Said } from '../../src-shared/messages/message';

/** Where the failure happened, for the advice. */
export interface TrainingErrorContext {
  backend: string;
  batchSize: number;
  /** Samples per gradient slice (micro-batch.ts). */
  microBatchSize: number;
}

const OUT_OF_MEMORY = /memory access out of bounds|Aborted\(|Cannot enlarge memory|out of memory|Array buffer allocation failed|could not allocate/i;
const DEVICE_LOST = /device (was |is )?lost|external Instance reference no longer exists|GPUDevice|context lost/i;

/** How much of the runtime's words a message keeps (a run record keeps 2,000 characters). */
const RAW_LIMIT = 600;

/**
 * What a run that failed with `err` shows: advice for the known causes, by key (the app says it
 * in its language, the runtime's own words kept at the end), else the error's own words.
 */
export function describeTrainingError(err: unknown, ctx: TrainingErrorContext): Said {
  const raw = err instanceof Error ? err.message : String(err);
  const sliced = ctx.microBatchSize < ctx.batchSize;
  const params = { backend: ctx.backend, batch: ctx.batchSize, ...(sliced ? { slice: ctx.microBatchSize } : {}), raw: raw.slice(0, RAW_LIMIT) };
  if (OUT_OF_MEMORY.test(raw)) return say(sliced ? 'training.outOfMemorySliced' : 'training.outOfMemory', params);
  if (DEVICE_LOST.test(raw)) return say(sliced ? 'training.gpuLostSliced' : 'training.gpuLost', params);
  return raw;
}
