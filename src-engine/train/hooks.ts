/**
 * Seams for changing what the trainer does, beside the callbacks that only observe it: a loss
 * override (distillation, regularisers), a step after every optimiser update (pruning masks)
 * and a model override at build time (a student, a model wrapped for quantization-aware
 * training). Like NNI's patch_loss / patch_optimizer_step and TF-MOT's UpdatePruningStep.
 * Without hooks the trainer trains exactly as before. Environment-neutral: no DOM, no Node.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { HyperParams } from '../../src-shared/runs/hyper-params';
import type { ModelSpec } from '../../src-shared/models/spec';

/** What a loss hook sees: one slice of a batch (the whole batch unless it is cut into micro-batches). */
export interface LossContext {
  /** The model's outputs for the slice in training mode: softmax probabilities [slice, classes]. */
  outputs: tf.Tensor;
  /** The slice's int32 labels [slice]. */
  labels: tf.Tensor1D;
  /** The slice's inputs as the model takes them (preprocessed; [slice, ...sampleShape]). */
  inputs: tf.Tensor;
  /** The model being trained. */
  model: LayersModel;
  /** The step this loss is for: the step count after it, as in afterStep and the batch's MetricRecord. */
  step: number;
  training: true;
}

/** What an after-step hook sees. */
export interface StepContext {
  /** The step count after this step (the batch's MetricRecord step). */
  step: number;
  epoch: number;
  /** The variables the optimiser updates, in its order. */
  variables: readonly tf.Variable[];
  model: LayersModel;
}

/** What a model hook sees. */
export interface ModelContext {
  spec: ModelSpec;
  hyper: HyperParams;
  /** The model the trainer built from `spec` (seeded with `hyper.seed`), or restored from the resume artifacts. */
  built: LayersModel;
  /** True when `built` was restored from a checkpoint, which holds the model a model hook returned before. */
  resumed: boolean;
}

export interface TrainerHooks {
  /**
   * The mean loss of a slice, in place of cross-entropy on `outputs`. It runs inside the
   * gradient scope (tf.variableGrads within tf.tidy), so gradients flow through it to the
   * trained variables and whatever it creates is disposed: it may run a teacher on `inputs` in
   * inference mode (its weights get no gradients). Called once per slice of a micro-batched step;
   * the trainer weights each slice by its share of the batch, and accuracy stays computed from
   * `outputs`. The training loss reported to onBatch/onEpoch is this loss. Validation loss, which
   * early stopping and the best checkpoint monitor, stays plain cross-entropy: the task loss
   * (without a validation set they monitor the training loss, so this one).
   */
  loss?(ctx: LossContext): tf.Scalar;
  /**
   * After every optimiser step, before the batch's metrics go to onBatch, e.g. to re-apply
   * pruning masks (`v.assign(tf.mul(v, mask))`). Its synchronous part runs inside tf.tidy, as a
   * tf.tidy callback does: tensors it creates there are disposed when it returns (tf.keep what
   * must outlive the call), assigned variables keep their values. An async hook is awaited, and
   * what it creates after its first await is its own to dispose (wrap that work in tf.tidy).
   */
  afterStep?(ctx: StepContext): void | Promise<void>;
  /**
   * Once, when the run starts, with the model the trainer built or restored; the model it returns
   * is the one trained and checkpointed, its trainable weights the variables the optimiser
   * updates. The trainer disposes it when the run ends. If it is not `built`, the trainer disposes
   * `built` now, unless the returned model holds some of its weights (a model grown from `built`'s
   * layers, or applying `built`): then all of `built`'s weights are freed with the returned model.
   */
  model?(ctx: ModelContext): LayersModel | Promise<LayersModel>;
}
