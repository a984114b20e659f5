/**
 * The learning rate at each batch: a schedule over epochs (constant, step, cosine) multiplied by
 * a linear warm-up over the first `warmup` batches of the run. Pure, so the worker, the CLI and
 * resumed runs all compute the same value for the same step.
 */
import type { HyperParams } from '../../src-shared/runs/hyper-params';

/** Where training stands when a batch starts. */
export interface SchedulePoint {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based batch within the epoch. */
  batch: number;
  /** Batches in one epoch (for the cosine decay's fraction of the run). */
  batchesPerEpoch: number;
  /** Batches run before this one, over the whole run (resumes included). */
  step: number;
}

type ScheduleHyper = Pick<HyperParams, 'learningRate' | 'schedule' | 'warmup' | 'epochs'>;

/** The learning rate of the batch at `at`. */
export function learningRateAt(hyper: ScheduleHyper, at: SchedulePoint): number {
  const base = hyper.learningRate;
  const s = hyper.schedule;
  let lr = base;
  if (s.type === 'step') {
    lr = base * s.factor ** Math.floor(at.epoch / s.every);
  } else if (s.type === 'cosine') {
    // Decays smoothly within epochs too: the fraction of the run done when the batch starts.
    const done = Math.min(1, (at.epoch + at.batch / Math.max(1, at.batchesPerEpoch)) / hyper.epochs);
    const min = s.minLearningRate ?? 0;
    lr = min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * done));
  }
  // Warm-up: batch k (from 0) of the first `warmup` runs at (k + 1) / warmup of the rate.
  if (hyper.warmup > 0 && at.step < hyper.warmup) lr *= (at.step + 1) / hyper.warmup;
  return lr;
}
