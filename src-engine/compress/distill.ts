/**
 * Knowledge distillation through the trainer's loss hook: the student learns from the teacher's
 * softened probabilities and the labels, the teacher running in inference mode on the same
 * (augmented) batches. The models output softmax probabilities, so logits are taken as their
 * logs (equal to the logits up to a constant per sample, which softmax ignores).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { checkStudent } from '../../src-shared/compression/checks';
import type { DistillRecipe } from '../../src-shared/compression/recipe';
import { Backend, HyperParams } from '../../src-shared/runs/hyper-params';
import type { ModelSpec } from '../../src-shared/models/spec';
import type { FeatureStandardization } from '../data/standardization';
import { loadModelFromArtifacts } from '../model/artifacts';
import type { LossContext, TrainerHooks } from '../train/hooks';
import { crossEntropy } from '../train/loss';
import { Trainer } from '../train/trainer';
import type { BatchProvider } from '../train/types';
import { CompressionCancelled } from './cancelled';
import type { StepMetrics } from './step-metrics';
import type { ModelArtifacts } from './quantize';

/** Smallest probability whose log is taken (float32 softmax can round to 0). */
const LOG_FLOOR = 1e-30;

/** softmax(log(p) / T): a distribution softened by temperature T. */
export function soften(probs: tf.Tensor, temperature: number): tf.Tensor {
  return tf.tidy(() => tf.softmax(tf.div(tf.log(tf.clipByValue(probs, LOG_FLOOR, 1)), temperature)));
}

/**
 * Hinton et al.'s loss, mean over the batch: α·T²·KL(p_t^T ‖ p_s^T) + (1−α)·CE(y, p_s), with
 * p^T = softmax(z/T). The T² keeps the soft part's gradients at the hard part's scale.
 */
export function distillationLoss(student: tf.Tensor, teacher: tf.Tensor, labels: tf.Tensor, temperature: number, alpha: number): tf.Scalar {
  return tf.tidy(() => {
    const pt = soften(teacher, temperature);
    const ps = soften(student, temperature);
    const logRatio = tf.sub(tf.log(tf.clipByValue(pt, LOG_FLOOR, 1)), tf.log(tf.clipByValue(ps, LOG_FLOOR, 1)));
    const kl = tf.mean(tf.sum(tf.mul(pt, logRatio), -1));
    const soft = tf.mul(kl, alpha * temperature * temperature);
    return tf.add(soft, tf.mul(crossEntropy(student, labels), 1 - alpha)) as tf.Scalar;
  });
}

/** The loss hook of a distillation: the teacher predicts the same slice in inference mode. */
export class DistillationHooks implements TrainerHooks {
  constructor(
    private readonly teacher: LayersModel,
    private readonly recipe: Pick<DistillRecipe, 'temperature' | 'alpha'>,
  ) {}

  loss(ctx: LossContext): tf.Scalar {
    // predict() is inference mode (dropout off); its weights are not among the trained variables.
    const teacher = this.teacher.predict(ctx.inputs) as tf.Tensor;
    return distillationLoss(ctx.outputs, teacher, ctx.labels, this.recipe.temperature, this.recipe.alpha);
  }
}

/** What distillModel needs. */
export interface DistillJob {
  teacher: ModelArtifacts;
  /** The student's spec (its classes and input those of the teacher). */
  student: ModelSpec;
  teacherSpec: ModelSpec;
  recipe: DistillRecipe;
  train: BatchProvider;
  standardization: FeatureStandardization | null;
  /** Training progress: steps done of all (both students with `compare`), and the batch's loss. */
  onStep?(done: number, total: number, metrics: StepMetrics): void;
  cancelled?(): boolean;
}

/** The distilled student, and with `compare` the same student trained alone. */
export async function distillModel(job: DistillJob): Promise<{ artifacts: ModelArtifacts; alone: ModelArtifacts | null }> {
  checkStudent(job.teacherSpec, job.student);
  if (job.train.count === 0) throw new Error('Distillation trains on the training split, and it has none');
  const d = job.student.training;
  const hyper = HyperParams.parse({
    epochs: job.recipe.epochs,
    batchSize: job.recipe.batchSize ?? d.batchSize,
    optimizer: d.optimizer,
    learningRate: job.recipe.learningRate ?? d.learningRate,
    momentum: d.momentum,
    schedule: d.schedule,
    warmup: d.warmup,
    seed: job.recipe.seed,
    backend: Backend.safeParse(tf.getBackend()).data ?? 'cpu',
  });
  const steps = Math.max(1, Math.ceil(job.train.count / hyper.batchSize)) * hyper.epochs;
  const total = job.recipe.compare ? 2 * steps : steps;
  const train = async (hooks: TrainerHooks | undefined, offset: number): Promise<ModelArtifacts> => {
    let last: ModelArtifacts | null = null;
    const trainer: Trainer = new Trainer({
      spec: job.student,
      hyper,
      train: job.train,
      validation: null,
      standardization: job.standardization,
      ...(hooks ? { hooks } : {}),
      callbacks: {
        onBatch: (r) => {
          job.onStep?.(offset + r.step, total, { loss: r.loss ?? null, accuracy: r.accuracy ?? null, alone: offset > 0 });
          if (job.cancelled?.()) trainer.stop();
        },
        onCheckpoint: async (a) => void (last = { modelTopology: a.modelTopology, weightSpecs: a.weightSpecs, weightData: a.weightData }),
      },
    });
    const result = await trainer.run();
    if (result.status === 'stopped' || job.cancelled?.()) throw new CompressionCancelled();
    if (!last) throw new Error('Training the student ended without a model');
    return last;
  };
  const teacher = await loadModelFromArtifacts(job.teacher);
  let artifacts: ModelArtifacts;
  try {
    artifacts = await train(new DistillationHooks(teacher, job.recipe), 0);
  } finally {
    teacher.dispose();
  }
  const alone = job.recipe.compare ? await train(undefined, steps) : null;
  return { artifacts, alone };
}
