/**
 * Runs an ONNX export in onnxruntime-node (CPU), an independent runtime: its class
 * probabilities for the verification inputs, and its speed: the median milliseconds of 20
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

export async function runOnnxExport(file: string, inputs: ExportInputs): Promise<OnnxRuntimeOutput> {
  const started = performance.now();
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'] });
  try {
    const [n, ...rest] = inputs.shape as [number, ...number[]];
    const per = rest.reduce((a, b) => a * b, 1);
    const type = inputs.x instanceof Int32Array ? 'int32' : 'float32';
    const run = async (from: number, count: number) => {
      const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor(type, inputs.x.subarray(from * per, (from + count) * per), [count, ...rest]) });
      return out[session.outputNames[0]!]!.data as Float32Array;
    };
    const parts: Float32Array[] = [];
    for (let i = 0; i < n; i += 256) parts.push(await run(i, Math.min(256, n - i)));
    const probs = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      probs.set(p, at);
      at += p.length;
    }
    const ms = performance.now() - started;
    // Speed: batch 1, then batch 256 (the samples repeated when there are fewer).
    await run(0, 1);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await run(i % n, 1);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const big = new (inputs.x.constructor as new (k: number) => Float32Array | Int32Array)(256 * per);
    for (let i = 0; i < 256; i++) big.set(inputs.x.subarray((i % n) * per, ((i % n) + 1) * per), i * per);
    const feed = { [session.inputNames[0]!]: new ort.Tensor(type, big, [256, ...rest]) };
    for (let i = 0; i < 5; i++) await session.run(feed);
    let batches = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < THROUGHPUT_MS || batches < 3) {
      await session.run(feed);
      batches++;
    }
    const throughput = (batches * 256) / ((performance.now() - t0) / 1000);
    return { probs, runtime: `onnxruntime-node ${ort.env.versions?.common ?? ''} (CPU)`.replace('  ', ' '), ms, latencyMs: (times[9]! + times[10]!) / 2, throughput };
  } finally {
    await session.release();
  }
}
