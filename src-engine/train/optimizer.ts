/**
 * Optimizers of a run (Adam, SGD with momentum, RMSprop with momentum), setting their learning
 * rate per batch, and their state as weightSpecs + bytes so a checkpoint resumes exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HyperParams } from '../../src-shared/runs/hyper-params';
import type { WeightSpec } from '../../src-shared/checkpoints/checkpoint-meta';
import { ADAM_UPDATE, hasAdamUpdate, type AdamUpdateAttrs } from '../kernels/adam-update';

/** The optimizers the trainer creates. */
export type StudioOptimizer = tf.AdamOptimizer | tf.MomentumOptimizer | tf.RMSPropOptimizer;

/** An optimizer for the run's hyperparameters (momentum applies to SGD and RMSprop). */
export function createOptimizer(hyper: Pick<HyperParams, 'optimizer' | 'learningRate' | 'momentum'>): StudioOptimizer {
  switch (hyper.optimizer) {
    case 'adam':
      return new OnePassAdam(hyper.learningRate);
    case 'sgd':
      return tf.train.momentum(hyper.learningRate, hyper.momentum);
    case 'rmsprop':
      return tf.train.rmsprop(hyper.learningRate, 0.9, hyper.momentum);
  }
}

/** The AdamOptimizer fields the one-pass update reads and keeps as tfjs does (so saved state is the same). */
interface AdamState {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/**
 * tfjs's Adam, with each variable's update made by one kernel (kernels/adam-update.ts) where the
 * backend has it (WASM, CPU): the same numbers, bit for bit, in one pass instead of fourteen.
 * Elsewhere, and for anything unusual, it is tfjs's own applyGradients.
 */
class OnePassAdam extends tf.AdamOptimizer {
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999);
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const list: { name: string; tensor: tf.Tensor | undefined }[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const float32 = ({ name, tensor }: { name: string; tensor: tf.Tensor | undefined }) =>
      (tensor === undefined || tensor === null || tensor.dtype === 'float32') && tf.engine().registeredVariables[name]?.dtype === 'float32';
    if (!hasAdamUpdate(tf.getBackend()) || !list.every(float32)) return super.applyGradients(variableGradients);
    const s = this as unknown as AdamState;
    tf.tidy(() => {
      const attrs: AdamUpdateAttrs = { beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, learningRate: s.learningRate };
      list.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name]!;
        // The moments are made as tfjs makes them, so getWeights and setWeights see the same slots.
        s.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        s.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        if (gradient == null) return;
        const m = s.accumulatedFirstMoment[i]!.variable;
        const v = s.accumulatedSecondMoment[i]!.variable;
        const inputs = { value, gradient, m, v, accBeta1: s.accBeta1, accBeta2: s.accBeta2 };
        const [newValue, newM, newV] = tf.engine().runKernel(ADAM_UPDATE, inputs as unknown as tf.NamedTensorMap, attrs) as tf.Tensor[];
        m.assign(newM!);
        v.assign(newV!);
        value.assign(newValue!);
      });
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    this.incrementIterations();
  }
}

/** Sets the rate the next applyGradients uses. */
export function setLearningRate(opt: StudioOptimizer, lr: number): void {
  const o = opt as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (o.learningRate === lr) return;
  // SGD and momentum keep the negated rate as a scalar tensor, which setLearningRate replaces.
  // (Not `instanceof`: tfjs optimizers answer it by duck typing, so Adam "is" an SGDOptimizer.)
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** The optimizer's state (iteration count first, then its slots) as one buffer. */
export async function saveOptimizerState(opt: StudioOptimizer): Promise<{ weightSpecs: WeightSpec[]; weightData: ArrayBuffer }> {
  const named = await opt.getWeights();
  try {
    const { data, specs } = await tf.io.encodeWeights(named);
    return { weightSpecs: specs as WeightSpec[], weightData: data };
  } finally {
    // The first entry is a fresh scalar holding the iteration count; the rest are live variables.
    named[0]?.tensor.dispose();
  }
}

/** Restores a state saved by saveOptimizerState (iteration count included) into a fresh optimizer. */
export async function restoreOptimizerState(opt: StudioOptimizer, state: { weightSpecs: WeightSpec[]; weightData: ArrayBuffer }): Promise<void> {
  const map = tf.io.decodeWeights(state.weightData, state.weightSpecs as tf.io.WeightsManifestEntry[]);
  const named = state.weightSpecs.map((s) => {
    const tensor = map[s.name];
    if (!tensor) throw new Error(`The optimizer state has no weight "${s.name}"`);
    return { name: s.name, tensor };
  });
  try {
    await opt.setWeights(named);
    if (opt.getClassName() === 'Adam') exactAdamPowers(opt as tf.AdamOptimizer);
  } finally {
    // setWeights makes variables sharing the data (or reads the count), so the decoded tensors go.
    tf.dispose(Object.values(map));
  }
}

/**
 * Adam's bias corrections use beta^(t+1), which a running Adam builds by one float32 multiply per
 * step but setWeights recomputes with pow(); the last bits differ and a resumed run drifts. This
 * repeats the multiplies in float32 (Math.fround), so a resume continues bit for bit.
 */
function exactAdamPowers(opt: tf.AdamOptimizer): void {
  const o = opt as unknown as { beta1: number; beta2: number; accBeta1: tf.Variable; accBeta2: tf.Variable; iterations: number };
  const power = (beta: number) => {
    const b = Math.fround(beta);
    let acc = b;
    for (let i = 0; i < o.iterations; i++) acc = Math.fround(acc * b);
    return acc;
  };
  tf.tidy(() => {
    o.accBeta1.assign(tf.scalar(power(o.beta1)));
    o.accBeta2.assign(tf.scalar(power(o.beta2)));
  });
}

/** Frees an optimizer's state; tfjs's MomentumOptimizer.dispose forgets its learning-rate scalar. */
export function disposeOptimizer(opt: StudioOptimizer): void {
  opt.dispose();
  const c = (opt as unknown as { c?: tf.Tensor }).c;
  if (opt.getClassName() === 'Momentum' && c && !c.isDisposed) c.dispose();
}
