/**
 * Micro-batches: a batch too big for the backend's memory is trained as several smaller slices
 * whose gradients are summed before one optimiser step, which is the same step (the loss is a mean,
 * each slice weighted by its share). Without it, text-transformer at batch 256 (seq 256) needs
 * ~4 GB of attention activations and crashes the WASM heap, which cannot grow past 4 GB.
 */
import type { Backend } from '../../src-shared/runs/hyper-params';
import { inferModel } from '../../src-shared/models/shape-inference';
import type { ModelSpec } from '../../src-shared/models/spec';

/**
 * Activation memory one batch may use, per backend. WASM's heap stops at 4 GB, shared with the
 * weights, the optimiser state and fragmentation; GPUs are often integrated with shared memory.
 */
export const MEMORY_BUDGET: Record<Backend, number> = {
  wasm: 1 << 30,
  webgpu: 1.5 * (1 << 30),
  webgl: 1 << 30,
  cpu: 2 * (1 << 30),
};

/**
 * Float32 tensors a layer's output costs in training, counting the copies the backward pass keeps
 * (input to the next op, gradient, an intermediate). Measured loosely, erring high.
 */
const TENSORS_PER_OUTPUT = 4;
/** Per attention head and block: scores, scaled, masked, softmax, their gradients. */
const TENSORS_PER_ATTENTION_MAP = 8;

/** Estimated bytes of activations (forward and backward) one sample costs in training. */
export function trainingBytesPerSample(spec: ModelSpec): number {
  const summary = inferModel(spec);
  let floats = 0;
  for (const layer of summary.layers) {
    const size = layer.outputShape.reduce((p, d) => p * d, 1);
    floats += size * TENSORS_PER_OUTPUT;
    const conf = spec.layers[layer.index];
    if (conf?.type === 'transformerBlock') {
      // [seq, dim] in and out: the attention maps are heads x seq x seq.
      const seq = layer.outputShape[0] ?? 1;
      floats += conf.heads * seq * seq * TENSORS_PER_ATTENTION_MAP + size * 6;
    }
  }
  return floats * 4;
}

/**
 * How many samples each slice of a batch holds on a backend: the whole batch when it fits the
 * budget (or the model has batch normalisation, whose statistics depend on the whole batch),
 * else the largest slice that fits, at least 1. Slices are then as even as possible.
 */
export function microBatchSize(spec: ModelSpec, batchSize: number, backend: Backend): number {
  if (spec.layers.some((l) => l.type === 'batchNorm')) return batchSize;
  const fit = Math.max(1, Math.floor(MEMORY_BUDGET[backend] / trainingBytesPerSample(spec)));
  if (fit >= batchSize) return batchSize;
  const slices = Math.ceil(batchSize / fit);
  return Math.ceil(batchSize / slices);
}

/** [start, end) ranges that cut `n` samples into slices of at most `size`. */
export function sliceRanges(n: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < n; start += size) out.push([start, Math.min(n, start + size)]);
  return out;
}
