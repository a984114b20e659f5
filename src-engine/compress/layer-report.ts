/**
 * The per-layer part of a compression report: for each spec layer, its parameters, sparsity and
 * stored bytes, how its weights are encoded, the signal-to-noise ratio of its weights against
 * the parent's, and of its output against the parent's output on the same samples.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type LayersModel, model as functionalModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { LayerFigures, WeightEncoding } from '../../src-shared/compression/report';
import type { ModelSpec } from '../../src-shared/models/spec';
import { quantLayerName, type ActivationRange } from '../model/build-model';
import { specLayers, tfjsToSpecLayer, weightLayer } from './layer-map';
import { decodeAll, eachWeight, storedBytes, type WeightSet } from './weight-codec';

/** 10·log10(signal / noise) in dB; null when there is no noise (equal), 0 dB floor for no signal. */
export function sqnrDb(reference: ArrayLike<number>, other: ArrayLike<number>): number | null {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]!;
    const d = r - other[i]!;
    signal += r * r;
    noise += d * d;
  }
  if (noise === 0) return null;
  if (signal === 0) return 0;
  return 10 * Math.log10(signal / noise);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function encodingOf(dtype: string | undefined): WeightEncoding {
  return dtype === 'int8' || dtype === 'uint8' || dtype === 'float16' ? dtype : 'float32';
}

/** Each spec layer's output tensor as the model runs it (after its quantize layer, if any). */
async function layerOutputs(net: LayersModel, names: readonly string[], x: tf.Tensor): Promise<Map<string, Float32Array>> {
  const present = (n: string) => net.layers.some((l) => l.name === n);
  const outs: SymbolicTensor[] = [];
  const kept: string[] = [];
  for (const n of names) {
    const tensorName = present(quantLayerName(n)) ? quantLayerName(n) : n;
    if (!present(tensorName)) continue;
    outs.push(net.getLayer(tensorName).output as SymbolicTensor);
    kept.push(n);
  }
  const probe = functionalModel({ inputs: net.inputs, outputs: outs });
  const ys = tf.tidy(() => {
    const y = probe.predict(x);
    return Array.isArray(y) ? y : [y];
  });
  try {
    const values = await Promise.all(ys.map((y) => y.data() as Promise<Float32Array>));
    return new Map(kept.map((n, i) => [n, values[i]!]));
  } finally {
    tf.dispose(ys);
  }
}

/** The inputs layerReport compares. */
export interface LayerReportInput {
  spec: ModelSpec;
  before: { net: LayersModel; weights: WeightSet };
  after: { net: LayersModel; weights: WeightSet; spec?: ModelSpec };
  /** A batch of evaluation samples as the models take them; null leaves output figures out. */
  samples: tf.Tensor | null;
  activationRanges?: Record<string, ActivationRange> | null;
}

/** One row per spec layer of the compressed model. */
export async function layerReport(r: LayerReportInput): Promise<LayerFigures[]> {
  const spec = r.after.spec ?? r.spec;
  const owner = tfjsToSpecLayer(spec);
  const beforeValues = decodeAll(r.before.weights);
  const afterValues = decodeAll(r.after.weights);
  const stored = new Map<string, { bytes: number; dtype: string | undefined; size: number }[]>();
  for (const { spec: w } of eachWeight(r.after.weights)) {
    const layer = owner.get(weightLayer(w.name));
    if (layer === undefined) continue;
    const list = stored.get(layer) ?? [];
    list.push({ bytes: storedBytes(w), dtype: w.quantization?.dtype, size: w.shape.reduce((a, b) => a * b, 1) });
    stored.set(layer, list);
  }
  const layers = specLayers(spec);
  const names = layers.map((l) => l.name);
  const [outBefore, outAfter] = r.samples
    ? await Promise.all([layerOutputs(r.before.net, names, r.samples), layerOutputs(r.after.net, names, r.samples)])
    : [new Map<string, Float32Array>(), new Map<string, Float32Array>()];
  return layers.map((l) => {
    let params = 0;
    let nonZero = 0;
    const refs: number[] = [];
    const news: number[] = [];
    let comparable = true;
    for (const [name, { values }] of afterValues) {
      if (owner.get(weightLayer(name)) !== l.name) continue;
      params += values.length;
      for (const v of values) if (v !== 0) nonZero++;
      const ref = beforeValues.get(name);
      if (!ref || ref.values.length !== values.length) comparable = false;
      else {
        for (const v of ref.values) refs.push(v);
        for (const v of values) news.push(v);
      }
    }
    const pieces = stored.get(l.name) ?? [];
    const largest = pieces.reduce<(typeof pieces)[number] | null>((a, p) => (a === null || p.size > a.size ? p : a), null);
    const b = outBefore.get(l.name);
    const a = outAfter.get(l.name);
    const sameOutput = b !== undefined && a !== undefined && b.length === a.length;
    const range = r.activationRanges?.[l.name];
    return {
      layer: l.name,
      type: l.spec.type,
      params,
      nonZeroParams: nonZero,
      sparsity: params ? 1 - nonZero / params : 0,
      bytes: pieces.reduce((s, p) => s + p.bytes, 0),
      encoding: encodingOf(largest?.dtype),
      compared: comparable,
      weightSqnrDb: params && comparable ? sqnrDb(refs, news) : null,
      outputMaxDiff: sameOutput ? maxAbsDiff(b, a) : null,
      outputSqnrDb: sameOutput ? sqnrDb(b, a) : null,
      activationRange: range ? [range[0], range[1]] : null,
    };
  });
}
