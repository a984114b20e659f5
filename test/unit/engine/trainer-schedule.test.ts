/** The learning-rate schedule: constant, step and cosine over epochs, with linear warm-up in batches. */
import { describe, expect, it } from 'vitest';
import { learningRateAt } from '../../../src-engine/train/schedule';

const at = (epoch: number, batch = 0, step = 1000) => ({ epoch, batch, batchesPerEpoch: 10, step });

describe('learningRateAt', () => {
  it('keeps a constant rate after the warm-up', () => {
    const h = { learningRate: 0.1, schedule: { type: 'constant' as const }, warmup: 0, epochs: 5 };
    expect([0, 2, 4].map((e) => learningRateAt(h, at(e)))).toEqual([0.1, 0.1, 0.1]);
  });

  it('multiplies by the factor every `every` epochs', () => {
    const h = { learningRate: 0.1, schedule: { type: 'step' as const, every: 2, factor: 0.5 }, warmup: 0, epochs: 6 };
    expect([0, 1, 2, 3, 4, 5].map((e) => learningRateAt(h, at(e)))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
  });

  it('decays along a cosine from the rate to the minimum over the run, within epochs too', () => {
    const h = { learningRate: 0.1, schedule: { type: 'cosine' as const, minLearningRate: 0.01 }, warmup: 0, epochs: 4 };
    expect(learningRateAt(h, at(0))).toBeCloseTo(0.1, 12);
    expect(learningRateAt(h, at(2))).toBeCloseTo(0.055, 12);
    expect(learningRateAt(h, at(1, 5))).toBeCloseTo(0.01 + 0.09 * 0.5 * (1 + Math.cos(Math.PI * 0.375)), 12);
    expect(learningRateAt(h, at(3, 9))).toBeGreaterThan(0.01);
    expect(learningRateAt(h, at(3, 9))).toBeLessThan(0.0115);
  });

  it('warms up linearly over the first batches of the run, on top of the schedule', () => {
    const h = { learningRate: 0.1, schedule: { type: 'step' as const, every: 1, factor: 0.5 }, warmup: 20, epochs: 3 };
    expect(learningRateAt(h, at(0, 0, 0))).toBeCloseTo(0.005, 12);
    expect(learningRateAt(h, at(0, 9, 9))).toBeCloseTo(0.05, 12);
    expect(learningRateAt(h, at(1, 9, 19))).toBeCloseTo(0.05, 12);
    expect(learningRateAt(h, at(1, 5, 15))).toBeCloseTo(0.05 * 0.8, 12);
  });
});
