/**
 * Activation ranges for full-integer quantization: the float model runs on calibration
 * samples and each spec layer's output (and the input) is watched, taking its min and max, or
 * the values at a percentile (a sample of up to 2^20 values per tensor is kept for that).
 */
import * as tf from '@tensorflow/tfjs-core';
import { type LayersModel, model as functionalModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Calibration } from '../../src-shared/compression/recipe';
import type { ModelInput } from '../../src-shared/models/spec';
import { batchTensor } from '../data/preprocess';
import type { FeatureStandardization } from '../data/standardization';
import type { ActivationRange } from '../model/build-model';
import type { BatchProvider } from '../train/types';
import { yieldToHost } from '../train/yield-to-host';
import { CompressionCancelled } from './cancelled';

const KEEP = 1 << 20;

/** What a range is taken from: running extrema, and a strided sample for percentiles. */
class RangeWatch {
  min = Infinity;
  max = -Infinity;
  private sample: number[] = [];
  private stride = 1;

  constructor(private readonly keepSample: boolean) {}

  add(values: Float32Array | Int32Array | Uint8Array): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
    if (!this.keepSample) return;
    for (let i = 0; i < values.length; i += this.stride) this.sample.push(values[i]!);
    while (this.sample.length > KEEP) {
      this.sample = this.sample.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  range(c: Calibration): ActivationRange {
    if (!Number.isFinite(this.min) || !Number.isFinite(this.max)) throw new Error('A layer gave no finite output on the calibration samples');
    if (c.method === 'minmax' || this.sample.length === 0) return [this.min, this.max];
    const sorted = Float32Array.from(this.sample).sort();
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))]!;
    const tail = 1 - c.percentile / 100;
    return [at(tail), at(1 - tail)];
  }
}

/** Options for calibrate. */
export interface CalibrateOptions {
  input: ModelInput;
  standardization: FeatureStandardization | null;
  /** Spec layer names (tfjs layers of the same name) whose outputs get ranges. */
  layers: readonly string[];
  onProgress?(done: number, total: number): void;
  cancelled?(): boolean;
}

/** The calibrated ranges of the input (float inputs only) and of each named layer's output. */
export async function calibrate(
  net: LayersModel,
  samples: BatchProvider,
  calibration: Calibration,
  opts: CalibrateOptions,
): Promise<{ input?: ActivationRange; layers: Record<string, ActivationRange> }> {
  if (samples.count === 0) throw new Error('There are no calibration samples: the training split is empty');
  const outputs: SymbolicTensor[] = opts.layers.map((n) => net.getLayer(n).output as SymbolicTensor);
  const probe = functionalModel({ inputs: net.inputs, outputs });
  const percentile = calibration.method === 'percentile';
  const watches = opts.layers.map(() => new RangeWatch(percentile));
  const inputWatch = opts.input.kind === 'text' ? null : new RangeWatch(percentile);
  let done = 0;
  for await (const batch of samples.epoch(0, { batchSize: 64 })) {
    const x = batchTensor(opts.input, batch, opts.standardization);
    try {
      const ys = tf.tidy(() => {
        const out = probe.predict(x);
        return Array.isArray(out) ? out : [out];
      });
      try {
        const values = await Promise.all(ys.map((y) => y.data() as Promise<Float32Array>));
        values.forEach((v, i) => watches[i]!.add(v));
        if (inputWatch) inputWatch.add((await x.data()) as Float32Array);
      } finally {
        tf.dispose(ys);
      }
    } finally {
      x.dispose();
    }
    done += batch.size;
    opts.onProgress?.(done, samples.count);
    await yieldToHost();
    if (opts.cancelled?.()) throw new CompressionCancelled();
  }
  const layers: Record<string, ActivationRange> = {};
  opts.layers.forEach((n, i) => (layers[n] = watches[i]!.range(calibration)));
  return { ...(inputWatch ? { input: inputWatch.range(calibration) } : {}), layers };
}
