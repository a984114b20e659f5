import { describe, expect, it } from 'vitest';
import { classCounts, splitDataset } from '../../../src-shared/datasets/split';

/** 1,000 samples in 3 unbalanced classes, interleaved. */
function labels(): Int32Array {
  const out = new Int32Array(1000);
  for (let i = 0; i < out.length; i++) out[i] = i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2;
  return out;
}

const config = { numClasses: 3, seed: 7, validationFraction: 0.1, testFraction: 0.2 };

describe('splitDataset', () => {
  it('divides every class in the asked proportions (within one sample) and uses each sample once', () => {
    const y = labels();
    const split = splitDataset({ labels: y, ...config });
    const all = classCounts(y, Uint32Array.from(y.keys()), 3);
    const test = classCounts(y, split.test, 3);
    const val = classCounts(y, split.validation, 3);
    const train = classCounts(y, split.train, 3);
    all.forEach((n, c) => {
      expect(Math.abs(test[c]! - n * 0.2)).toBeLessThanOrEqual(1);
      expect(Math.abs(val[c]! - n * 0.1)).toBeLessThanOrEqual(1);
      expect(train[c]! + val[c]! + test[c]!).toBe(n);
    });
    const seen = new Set([...split.train, ...split.validation, ...split.test]);
    expect(seen.size).toBe(1000);
    expect(split.train.length + split.validation.length + split.test.length).toBe(1000);
  });

  it('gives the same split for the same seed and another one for another seed', () => {
    const y = labels();
    const a = splitDataset({ labels: y, ...config });
    const b = splitDataset({ labels: y, ...config });
    const c = splitDataset({ labels: y, ...config, seed: 8 });
    expect(Array.from(b.test)).toEqual(Array.from(a.test));
    expect(Array.from(b.validation)).toEqual(Array.from(a.validation));
    expect(Array.from(c.test)).not.toEqual(Array.from(a.test));
  });

  it('puts at least one sample of a small class in each split', () => {
    const y = Int32Array.from([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const split = splitDataset({ labels: y, numClasses: 2, seed: 1, validationFraction: 0.1, testFraction: 0.1 });
    for (const part of [split.train, split.validation, split.test]) expect(classCounts(y, part, 2)[0]).toBeGreaterThanOrEqual(1);
  });

  it('keeps the source test set as the test split and carves validation from the rest', () => {
    const y = labels();
    const split = splitDataset({ labels: y, ...config, testStart: 800 });
    expect(Array.from(split.test)).toEqual(Array.from({ length: 200 }, (_, i) => 800 + i));
    expect(split.validation.length).toBeGreaterThanOrEqual(79);
    expect(split.validation.length).toBeLessThanOrEqual(81);
    expect([...split.validation, ...split.train].every((i) => i < 800)).toBe(true);
    expect(split.train.length + split.validation.length).toBe(800);
  });
});
