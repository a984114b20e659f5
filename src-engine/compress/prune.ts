/**
 * Magnitude pruning, unstructured (as TF-MOT's prune_low_magnitude): masks that zero the
 * smallest |w| of every prunable weight (per layer, or under one global threshold), a sparsity
 * schedule over the fine-tuning steps, the masks held through the trainer's after-step hook, and
 * the result stripped to plain weights with exact zeros.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs-layers';
import type { PruneRecipe } from '../../src-shared/compression/recipe';
import { HyperParams, Backend } from '../../src-shared/runs/hyper-params';
import type { ModelSpec } from '../../src-shared/models/spec';
import type { FeatureStandardization } from '../data/standardization';
import { loadModelFromArtifacts } from '../model/artifacts';
import type { StepContext, TrainerHooks } from '../train/hooks';
import { Trainer } from '../train/trainer';
import type { BatchProvider } from '../train/types';
import { CompressionCancelled } from './cancelled';
import type { StepMetrics } from './step-metrics';
import { channelAxis } from './layer-map';
import { cutModel, type StructuredCut } from './structured-prune';
import type { ModelArtifacts } from './quantize';
import { decodeWeight, eachWeight, encodeWeight, type WeightSet } from './weight-codec';

/** Whether a weight is pruned: the kernels and embeddings int8 quantizes per channel, not biases or norms. */
export function isPrunable(name: string, shape: readonly number[]): boolean {
  return channelAxis(name, shape) !== null;
}

/** The share of the fine-tuning steps the polynomial schedule ramps over; the rest recovers at the final sparsity. */
export const RAMP_SHARE = 0.7;

/**
 * The sparsity at `step` of `totalSteps`: TF-MOT's PolynomialDecay, s_f + (s_i - s_f)(1 - t/T)^3,
 * with T the first 70% of the steps (the rest fine-tunes at s_f), evaluated at the last mask
 * update: every `frequency` steps, but at least ten times over the ramp. `constant`: s_f throughout.
 */
export function scheduledSparsity(recipe: Pick<PruneRecipe, 'sparsity' | 'initialSparsity' | 'schedule' | 'frequency'>, step: number, totalSteps: number): number {
  const end = Math.max(1, Math.round(totalSteps * RAMP_SHARE));
  if (recipe.schedule === 'constant' || step >= end) return recipe.sparsity;
  const every = Math.max(1, Math.min(recipe.frequency, Math.floor(end / 10)));
  const at = Math.floor(step / every) * every;
  return recipe.sparsity + (recipe.initialSparsity - recipe.sparsity) * (1 - at / end) ** 3;
}

/**
 * Keep-masks (1 keeps, 0 prunes) that zero exactly floor(s·n) of the smallest |w|: per tensor
 * for scope `layer`, or over all tensors together for `global` (ties broken by position).
 */
export function magnitudeMasks(tensors: readonly Float32Array[], sparsity: number, scope: 'layer' | 'global'): Uint8Array[] {
  const masks = tensors.map((t) => new Uint8Array(t.length).fill(1));
  const prune = (entries: { t: number; i: number; a: number }[]) => {
    const k = Math.floor(sparsity * entries.length);
    entries.sort((x, y) => x.a - y.a || x.t - y.t || x.i - y.i);
    for (let j = 0; j < k; j++) masks[entries[j]!.t]![entries[j]!.i] = 0;
  };
  const entriesOf = (t: number) => Array.from(tensors[t]!, (v, i) => ({ t, i, a: Math.abs(v) }));
  if (scope === 'global') prune(tensors.flatMap((_, t) => entriesOf(t)));
  else tensors.forEach((_, t) => prune(entriesOf(t)));
  return masks;
}

/** The weights with the prunable ones masked to the sparsity (plain float32 out). */
export function pruneWeightSet(set: WeightSet, sparsity: number, scope: 'layer' | 'global'): WeightSet {
  const all = [...eachWeight(set)].map(({ spec, bytes }) => ({ spec, values: spec.dtype === 'float32' ? decodeWeight(spec, bytes) : null, bytes }));
  const prunable = all.filter((w) => w.values && isPrunable(w.spec.name, w.spec.shape));
  const masks = magnitudeMasks(prunable.map((w) => w.values!), sparsity, scope);
  prunable.forEach((w, k) => {
    const m = masks[k]!;
    for (let i = 0; i < m.length; i++) if (!m[i]) w.values![i] = 0;
  });
  const parts = all.map((w) => (w.values ? encodeWeight(w.spec, w.values, { kind: 'float32' }) : { spec: w.spec, bytes: w.bytes }));
  const data = new Uint8Array(parts.reduce((n, p) => n + p.bytes.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p.bytes, at);
    at += p.bytes.byteLength;
  }
  return { specs: parts.map((p) => p.spec), data };
}

/**
 * The trainer hooks of a pruning fine-tune: the parent's model is the one trained; after every
 * optimizer step the masks (recomputed on the schedule) are applied, so pruned weights are
 * exactly zero after every step.
 */
export class PruningHooks implements TrainerHooks {
  private weights: LayerVariable[] = [];
  private masks: tf.Tensor[] = [];
  private sparsityNow = -1;
  /** The sparsity the masks were last computed for (for tests and progress). */
  get sparsity(): number {
    return this.sparsityNow;
  }

  constructor(
    private readonly parent: ModelArtifacts,
    private readonly recipe: PruneRecipe,
    private readonly totalSteps: number,
  ) {}

  async model(): Promise<LayersModel> {
    const net = await loadModelFromArtifacts(this.parent);
    this.weights = net.trainableWeights.filter((w) => isPrunable(w.originalName, w.shape as number[]));
    return net;
  }

  async afterStep(ctx: StepContext): Promise<void> {
    const target = scheduledSparsity(this.recipe, ctx.step, this.totalSteps);
    if (target !== this.sparsityNow) await this.updateMasks(target);
    tf.tidy(() => {
      this.weights.forEach((w, i) => (w.read() as tf.Variable).assign(tf.mul(w.read(), this.masks[i]!)));
    });
  }

  private async updateMasks(sparsity: number): Promise<void> {
    const values = await Promise.all(this.weights.map((w) => w.read().data() as Promise<Float32Array>));
    const masks = magnitudeMasks(values, sparsity, this.recipe.scope);
    tf.dispose(this.masks);
    this.masks = masks.map((m, i) => tf.keep(tf.tensor(Float32Array.from(m), this.weights[i]!.shape as number[])));
    this.sparsityNow = sparsity;
  }

  dispose(): void {
    tf.dispose(this.masks);
    this.masks = [];
  }
}

/** What pruneModel needs. */
export interface PruneJob {
  spec: ModelSpec;
  artifacts: ModelArtifacts;
  recipe: PruneRecipe;
  /** The training split, served shuffled with the recipe's seed (and limit). */
  train: BatchProvider | null;
  standardization: FeatureStandardization | null;
  /** Fine-tuning progress: steps done of all, and the batch's loss and accuracy. */
  onStep?(done: number, total: number, metrics: StepMetrics): void;
  cancelled?(): boolean;
}

/** Prunes (and fine-tunes) a model as the recipe says; returns plain weights with exact zeros. */
export async function pruneModel(job: PruneJob): Promise<ModelArtifacts> {
  const { recipe } = job;
  const set = (a: ModelArtifacts): WeightSet => ({ specs: a.weightSpecs, data: new Uint8Array(a.weightData) });
  const strip = (a: ModelArtifacts): ModelArtifacts => {
    const out = pruneWeightSet(set(a), recipe.sparsity, recipe.scope);
    return { modelTopology: a.modelTopology, weightSpecs: out.specs, weightData: out.data.slice().buffer };
  };
  if (recipe.fineTuneEpochs === 0) return strip(job.artifacts);
  const hooks = new PruningHooks(job.artifacts, recipe, fineTuneSteps(job));
  try {
    // The masks already hold the zeros; stripping checks it holds exactly the final sparsity.
    return strip(await fineTune(job, job.spec, hooks));
  } finally {
    hooks.dispose();
  }
}

/** Structured pruning: the smaller spec, its sliced weights fine-tuned as the recipe says, and what was cut. */
export async function structuredPruneModel(job: PruneJob): Promise<{ spec: ModelSpec; artifacts: ModelArtifacts; cuts: StructuredCut[] }> {
  const cut = await cutModel(job.spec, job.artifacts, job.recipe);
  if (job.recipe.fineTuneEpochs === 0) return cut;
  const artifacts = await fineTune(job, cut.spec, { model: () => loadModelFromArtifacts(cut.artifacts) });
  return { ...cut, artifacts };
}

function fineTuneSteps(job: PruneJob): number {
  if (!job.train || job.train.count === 0) throw new Error('Fine-tuning needs training samples, and the training split has none');
  const batchSize = job.recipe.batchSize ?? job.spec.training.batchSize;
  return Math.max(1, Math.ceil(job.train.count / batchSize)) * job.recipe.fineTuneEpochs;
}

/** The recipe's fine-tuning of the model the hooks give (Adam, cosine decay to 0); its last weights. */
async function fineTune(job: PruneJob, spec: ModelSpec, hooks: TrainerHooks): Promise<ModelArtifacts> {
  const { recipe } = job;
  const totalSteps = fineTuneSteps(job);
  const hyper = HyperParams.parse({
    epochs: recipe.fineTuneEpochs,
    batchSize: recipe.batchSize ?? job.spec.training.batchSize,
    optimizer: 'adam',
    learningRate: recipe.learningRate,
    schedule: { type: 'cosine', minLearningRate: 0 },
    seed: recipe.seed,
    backend: Backend.safeParse(tf.getBackend()).data ?? 'cpu',
  });
  let last: ModelArtifacts | null = null;
  const trainer = new Trainer({
    spec,
    hyper,
    train: job.train!,
    validation: null,
    standardization: job.standardization,
    hooks,
    callbacks: {
      onBatch: (r) => {
        job.onStep?.(r.step, totalSteps, { loss: r.loss ?? null, accuracy: r.accuracy ?? null });
        if (job.cancelled?.()) trainer.stop();
      },
      onCheckpoint: async (a) => {
        last = { modelTopology: a.modelTopology, weightSpecs: a.weightSpecs, weightData: a.weightData };
      },
    },
  });
  const result = await trainer.run();
  if (result.status === 'stopped' || job.cancelled?.()) throw new CompressionCancelled();
  if (!last) throw new Error('Fine-tuning ended without a model');
  return last;
}
