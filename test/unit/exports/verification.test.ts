/** The comparison an export's verification makes, and the bounds that decide verified or failed. */
import { describe, expect, it } from 'vitest';
import { BOUNDS, compareOutputs } from '../../../src-main/exports/verification';

describe('export verification', () => {
  const studio = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7]);
  const labels = Int32Array.from([0, 1, 1, 1]);

  it('counts top-1 agreement, the largest probability difference and both accuracies', () => {
    const exported = Float32Array.from([0.88, 0.12, 0.2, 0.8, 0.45, 0.55, 0.3, 0.7]);
    const r = compareOutputs(studio, exported, labels, 2);
    expect(r.samples).toBe(4);
    expect(r.agreement).toBe(0.75);
    expect(r.maxAbsDiff).toBeCloseTo(0.15, 6);
    expect(r.studioAccuracy).toBe(0.75);
    expect(r.accuracy).toBe(1);
  });

  it('takes NaN probabilities (weights a runtime misread) as the worst difference, so nothing passes with them', () => {
    const r = compareOutputs(studio, Float32Array.from([NaN, NaN, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7]), labels, 2);
    expect(r.maxAbsDiff).toBe(Number.MAX_VALUE);
    for (const b of Object.values(BOUNDS)) expect(r.maxAbsDiff <= b.maxDiff).toBe(false);
  });

  it('refuses outputs of the wrong size', () => {
    expect(() => compareOutputs(studio, new Float32Array(6), labels, 2)).toThrow(/Expected 4×2 probabilities/);
  });
});
