/**
 * Runs an ONNX export in onnxruntime-node (CPU), an independent runtime: its class
 * probabilities for the verification inputs, and its speed (and its float32 sibling's, timed the
 * same way in the same run): the median milliseconds of 20
 * single-sample runs after a warm-up, and samples per second at batch 256 over two seconds
 * after five warm-up batches (half a second gave ratios between variants off by a third).
 */
import type { ExportInputs } from './verify-tfjs';

/** How long the batch-256 throughput is timed. */
const THROUGHPUT_MS = 2000;

export interface OnnxRuntimeOutput {
  probs: Float32Array;
  runtime: string;
  ms: number;
  latencyMs: number;
  throughput: number;
}

type Session = Awaited<ReturnType<typeof import('onnxruntime-node').InferenceSession.create>>;

/** Runs `count` samples from `from` of the inputs through a session: their probabilities. */
async function runSamples(ort: typeof import('onnxruntime-node'), session: Session, inputs: ExportInputs, from: number, count: number): Promise<Float32Array> {
  const [, ...rest] = inputs.shape as [number, ...number[]];
  const per = rest.reduce((a, b) => a * b, 1);
  const type = inputs.x instanceof Int32Array ? 'int32' : 'float32';
  const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor(type, inputs.x.subarray(from * per, (from + count) * per), [count, ...rest]) });
  return out[session.outputNames[0]!]!.data as Float32Array;
}

/** A session's speed: median ms per sample at batch 1 (20 runs after a warm-up), samples/s at batch 256 over THROUGHPUT_MS. */
async function speedOf(ort: typeof import('onnxruntime-node'), session: Session, inputs: ExportInputs): Promise<{ latencyMs: number; throughput: number }> {
  const [n, ...rest] = inputs.shape as [number, ...number[]];
  const per = rest.reduce((a, b) => a * b, 1);
  await runSamples(ort, session, inputs, 0, 1);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await runSamples(ort, session, inputs, i % n, 1);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  // Batch 256, the samples repeated when there are fewer.
  const big = new (inputs.x.constructor as new (k: number) => Float32Array | Int32Array)(256 * per);
  for (let i = 0; i < 256; i++) big.set(inputs.x.subarray((i % n) * per, ((i % n) + 1) * per), i * per);
  const feed = { [session.inputNames[0]!]: new ort.Tensor(inputs.x instanceof Int32Array ? 'int32' : 'float32', big, [256, ...rest]) };
  for (let i = 0; i < 5; i++) await session.run(feed);
  let batches = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < THROUGHPUT_MS || batches < 3) {
    await session.run(feed);
    batches++;
  }
  return { latencyMs: (times[9]! + times[10]!) / 2, throughput: (batches * 256) / ((performance.now() - t0) / 1000) };
}

export async function runOnnxExport(file: string, inputs: ExportInputs): Promise<OnnxRuntimeOutput> {
  const started = performance.now();
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'] });
  try {
    const n = inputs.shape[0]!;
    const parts: Float32Array[] = [];
    for (let i = 0; i < n; i += 256) parts.push(await runSamples(ort, session, inputs, i, Math.min(256, n - i)));
    const probs = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      probs.set(p, at);
      at += p.length;
    }
    const ms = performance.now() - started;
    return { probs, runtime: `onnxruntime-node ${ort.env.versions?.common ?? ''} (CPU)`.replace('  ', ' '), ms, ...(await speedOf(ort, session, inputs)) };
  } finally {
    await session.release();
  }
}

/** The speed of another model (the export's float32 sibling) on the same inputs, timed the same way. */
export async function timeOnnxModel(bytes: Uint8Array, inputs: ExportInputs): Promise<{ latencyMs: number; throughput: number }> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  try {
    return await speedOf(ort, session, inputs);
  } finally {
    await session.release();
  }
}
