/** A run's hyper-parameters (`run.json` `hyper`) and the TensorFlow.js backends the studio trains on. */
import { z } from 'zod';
import { LrSchedule, Optimizer } from '../models/spec';

const NonNegInt = z.number().int().min(0);

/** TensorFlow.js backends, in the order the studio prefers them. */
export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

/** tfjs-backend-wasm starts 8 pthread workers; its pool uses no more (the app's worker and the CLI alike). */
export const MAX_WASM_THREADS = 8;
export const Backend = z.enum(BACKENDS);
export type Backend = z.infer<typeof Backend>;

/** Image augmentation at batch time (src-engine/data/augment.ts AugmentOptions). */
export const Augmentation = z.strictObject({
  maxShift: z.number().int().min(0).max(64).optional(),
  maxRotation: z.number().min(0).max(180).optional(),
  flip: z.boolean().optional(),
  noiseStd: z.number().min(0).max(255).optional(),
});

export const HyperParams = z.strictObject({
  epochs: z.number().int().min(1).max(10_000),
  batchSize: z.number().int().min(1).max(65_536),
  optimizer: Optimizer,
  learningRate: z.number().positive().max(10),
  /** SGD and RMSprop momentum; ignored by Adam. */
  momentum: z.number().min(0).max(0.999).default(0),
  schedule: LrSchedule.default({ type: 'constant' }),
  /** Batches of linear warm-up from 0 to the learning rate. */
  warmup: NonNegInt.max(1_000_000).default(0),
  /** Stop when the validation loss has not improved by minDelta for `patience` epochs. */
  earlyStopping: z.strictObject({ patience: z.number().int().min(1).max(1000), minDelta: z.number().min(0).default(0) }).nullable().default(null),
  seed: NonNegInt.max(2 ** 32 - 1),
  backend: Backend,
  augmentation: Augmentation.nullable().default(null),
  /** Train on at most this many training samples (quick runs), or all when null. */
  limit: z.number().int().min(1).nullable().default(null),
});
export type HyperParams = z.infer<typeof HyperParams>;
