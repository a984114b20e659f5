/**
 * Structured pruning: whole conv filters, dense units, attention heads and feed-forward units
 * with the smallest L1 or L2 norm are removed, the spec rebuilt smaller (src-shared's plan) and
 * the kept weights sliced into it, so the file and the work really shrink; then fine-tuned.
 * Before fine-tuning the small model computes exactly what the big one computes with the
 * removed channels' readers masked to zero (a test checks it).
 */
import type { PruneRecipe } from '../../src-shared/compression/recipe';
import { consumerOf, requireStructuredPlan, type StructureCut } from '../../src-shared/compression/structured-plan';
import { layerName, type ModelSpec } from '../../src-shared/models/spec';
import { blockLayerNames, buildModel } from '../model/build-model';
import { modelArtifacts } from '../model/artifacts';
import type { ModelArtifacts } from './quantize';
import { decodeAll, encodeWeight } from './weight-codec';

/** A float weight as values and shape. */
export interface Weight {
  shape: number[];
  values: Float32Array;
}

/** The weight with only `keep` (ascending indices) along `axis`. */
export function takeAlong(w: Weight, axis: number, keep: readonly number[]): Weight {
  const shape = w.shape;
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = shape[axis]!;
  const out = new Float32Array(outer * keep.length * inner);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const k of keep) {
      const from = (o * n + k) * inner;
      out.set(w.values.subarray(from, from + inner), at);
      at += inner;
    }
  }
  return { shape: shape.map((s, i) => (i === axis ? keep.length : s)), values: out };
}

/** Per index along `axis`: the sum of |v| (L1) or of v² (L2, squared) over the rest. */
export function normsAlong(w: Weight, axis: number, criterion: 'l1' | 'l2'): Float64Array {
  const outer = w.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = w.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = w.shape[axis]!;
  const sums = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      const from = (o * n + k) * inner;
      let s = 0;
      for (let i = from; i < from + inner; i++) {
        const v = w.values[i]!;
        s += criterion === 'l1' ? Math.abs(v) : v * v;
      }
      sums[k] = sums[k]! + s;
    }
  }
  return sums;
}

/** The `count` groups with the largest scores, in ascending order (ties keep the lower index). */
export function strongest(scores: ArrayLike<number>, count: number): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, count).sort((a, b) => a - b);
}

/** Indices [g·width, (g+1)·width) of the kept groups. */
function expand(groups: readonly number[], width: number): number[] {
  return groups.flatMap((g) => Array.from({ length: width }, (_, i) => g * width + i));
}

/** What was removed: each cut with the indices it kept. */
export interface StructuredCut extends StructureCut {
  kept: number[];
}

/** Slices to apply: weight name -> (axis, kept indices) in order. */
type Slices = Map<string, { axis: number; keep: number[] }[]>;

function addSlice(slices: Slices, name: string, axis: number, keep: number[]): void {
  slices.set(name, [...(slices.get(name) ?? []), { axis, keep }]);
}

/** The cuts' kept indices and the slices they make, from the parent's weights. */
export function planSlices(spec: ModelSpec, cuts: readonly StructureCut[], weights: Map<string, Weight>, criterion: 'l1' | 'l2'): { cuts: StructuredCut[]; slices: Slices } {
  const slices: Slices = new Map();
  const get = (name: string): Weight => {
    const w = weights.get(name);
    if (!w) throw new Error(`The model has no float weight ${name} to prune`);
    return w;
  };
  const out = cuts.map((cut): StructuredCut => {
    const layer = spec.layers[cut.index]!;
    if (cut.kind === 'heads' || cut.kind === 'ffUnits') {
      if (layer.type !== 'transformerBlock') throw new Error(`${cut.layer} is not a transformer block`);
      const n = blockLayerNames(cut.layer);
      if (cut.kind === 'ffUnits') {
        const keep = strongest(normsAlong(get(`${n.feedForward1}/kernel`), 1, criterion), cut.after);
        addSlice(slices, `${n.feedForward1}/kernel`, 1, keep);
        addSlice(slices, `${n.feedForward1}/bias`, 0, keep);
        addSlice(slices, `${n.feedForward2}/kernel`, 0, keep);
        return { ...cut, kept: keep };
      }
      const dk = layer.headDim ?? layer.dim / layer.heads;
      const scores = new Float64Array(layer.heads);
      const add = (name: string, axis: number) => {
        const per = normsAlong(get(name), axis, criterion);
        per.forEach((s, i) => (scores[Math.floor(i / dk)] = scores[Math.floor(i / dk)]! + s));
      };
      for (const part of ['query', 'key', 'value']) add(`${n.attention}/${part}_kernel`, 1);
      add(`${n.attention}/output_kernel`, 0);
      const keepHeads = strongest(scores, cut.after);
      const cols = expand(keepHeads, dk);
      for (const part of ['query', 'key', 'value']) {
        addSlice(slices, `${n.attention}/${part}_kernel`, 1, cols);
        addSlice(slices, `${n.attention}/${part}_bias`, 0, cols);
      }
      addSlice(slices, `${n.attention}/output_kernel`, 0, cols);
      return { ...cut, kept: keepHeads };
    }
    const kernel = `${cut.layer}/kernel`;
    const w = get(kernel);
    const keep = strongest(normsAlong(w, w.shape.length - 1, criterion), cut.after);
    addSlice(slices, kernel, w.shape.length - 1, keep);
    addSlice(slices, `${cut.layer}/bias`, 0, keep);
    const reader = consumerOf(spec, cut.index);
    if ('reason' in reader) throw new Error(`${cut.layer} cannot lose outputs: ${reader.reason}`);
    for (const bn of reader.perChannel) {
      const name = layerName(spec.layers[bn]!, bn);
      for (const part of ['gamma', 'beta', 'moving_mean', 'moving_variance']) if (weights.has(`${name}/${part}`)) addSlice(slices, `${name}/${part}`, 0, keep);
    }
    const readerName = layerName(spec.layers[reader.index]!, reader.index);
    const readerKernel = get(`${readerName}/kernel`);
    // Conv and patch kernels read channels on axis 2 ([h, w, in, out]), dense kernels on axis 0.
    const axis = readerKernel.shape.length === 4 ? 2 : 0;
    const rows = reader.positions === 1 ? keep : Array.from({ length: reader.positions }, (_, p) => keep.map((c) => p * cut.before + c)).flat();
    addSlice(slices, `${readerName}/kernel`, axis, rows);
    return { ...cut, kept: keep };
  });
  return { cuts: out, slices };
}

/** The parent's float weights by name. */
export function floatWeights(a: ModelArtifacts): Map<string, Weight> {
  const decoded = decodeAll({ specs: a.weightSpecs, data: new Uint8Array(a.weightData) });
  return new Map([...decoded].map(([name, { spec, values }]) => [name, { shape: [...spec.shape], values }]));
}

/** The smaller model, its weights sliced from the parent's (no fine-tuning). */
export async function cutModel(spec: ModelSpec, artifacts: ModelArtifacts, recipe: Pick<PruneRecipe, 'sparsity' | 'criterion'>): Promise<{ spec: ModelSpec; artifacts: ModelArtifacts; cuts: StructuredCut[] }> {
  const plan = requireStructuredPlan(spec, recipe.sparsity);
  const weights = floatWeights(artifacts);
  if (weights.size !== artifacts.weightSpecs.length) throw new Error('Structured pruning needs float32 weights; quantize after pruning, not before');
  const { cuts, slices } = planSlices(spec, plan.cuts, weights, recipe.criterion);
  const small = buildModel(plan.spec);
  let shell: Awaited<ReturnType<typeof modelArtifacts>>;
  try {
    shell = await modelArtifacts(small);
  } finally {
    small.dispose();
  }
  const parts = shell.weightSpecs.map((ws) => {
    let w = weights.get(ws.name);
    if (!w) throw new Error(`The parent has no weight ${ws.name}`);
    for (const s of slices.get(ws.name) ?? []) w = takeAlong(w, s.axis, s.keep);
    if (w.shape.join('x') !== ws.shape.join('x')) throw new Error(`${ws.name}: sliced to ${w.shape.join('x')}, the smaller model needs ${ws.shape.join('x')}`);
    return encodeWeight({ ...ws, dtype: 'float32' }, w.values, { kind: 'float32' });
  });
  const data = new Uint8Array(parts.reduce((n, p) => n + p.bytes.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p.bytes, at);
    at += p.bytes.byteLength;
  }
  return { spec: plan.spec, artifacts: { modelTopology: shell.modelTopology, weightSpecs: parts.map((p) => p.spec), weightData: data.buffer }, cuts };
}
