/**
 * Each classical baseline against a direct computation or a known result: the softmax
 * regression's gradient against finite differences, naive Bayes against its formula worked by
 * hand, kNN against a brute-force vote, and every model on three well-separated blobs.
 */
import { describe, expect, it } from 'vitest';
import { fitGaussianNb, predictGaussianNb } from '../../../src-main/baselines/gaussian-nb';
import { BASELINE_MODELS, fitModel, MODELS } from '../../../src-main/baselines/models';
import { DEFAULT_BASELINE_SETTINGS } from '../../../src-shared/baselines/settings';
import { fitSoftmax, lossAndGradient, predictSoftmax } from '../../../src-main/baselines/softmax-regression';
import { createRng } from '../../../src-shared/random';

/** Three Gaussian blobs in 2-D around (0,0), (4,0) and (0,4), seeded. */
function blobs(perClass: number, seed: number): { rows: number[][]; labels: number[] } {
  const rng = createRng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
  const centres = [[0, 0], [4, 0], [0, 4]];
  const rows: number[][] = [];
  const labels: number[] = [];
  centres.forEach(([cx, cy], c) => {
    for (let i = 0; i < perClass; i++) {
      rows.push([cx! + 0.6 * normal(), cy! + 0.6 * normal()]);
      labels.push(c);
    }
  });
  return { rows, labels };
}

const accuracy = (p: number[], y: number[]) => p.filter((v, i) => v === y[i]).length / y.length;

describe('softmax regression', () => {
  it('has the gradient its loss has (finite differences)', () => {
    const { rows, labels } = blobs(5, 1);
    const w = Float64Array.from({ length: 3 * 3 }, (_, i) => Math.sin(i + 1) * 0.3);
    const { grad } = lossAndGradient(w, rows, labels, 3, 2, 1);
    for (let i = 0; i < w.length; i++) {
      const up = Float64Array.from(w);
      const down = Float64Array.from(w);
      up[i]! += 1e-6;
      down[i]! -= 1e-6;
      const numeric = (lossAndGradient(up, rows, labels, 3, 2, 1).loss - lossAndGradient(down, rows, labels, 3, 2, 1).loss) / 2e-6;
      expect(grad[i]!).toBeCloseTo(numeric, 6);
    }
  });

  it('separates three blobs and reaches a stationary point of its loss', () => {
    const train = blobs(40, 2);
    const model = fitSoftmax(train.rows, train.labels, 3);
    const test = blobs(40, 3);
    expect(accuracy(predictSoftmax(model, test.rows), test.labels)).toBeGreaterThan(0.97);
    const { grad } = lossAndGradient(Float64Array.from(model.weights), train.rows, train.labels, 3, 2, 1);
    expect(Math.hypot(...grad)).toBeLessThan(1e-3);
  });
});

describe('Gaussian naive Bayes', () => {
  it('fits the means, variances and priors its formula gives, and predicts by the largest log-likelihood', () => {
    const rows = [[1, 5], [3, 5], [10, 5], [12, 5]];
    const model = fitGaussianNb(rows, [0, 0, 1, 1], 2);
    expect(model.means).toEqual([[2, 5], [11, 5]]);
    // Population variances (1), plus 1e-9 of the largest feature variance (21.25); the constant
    // feature gets only that, so it never divides by zero.
    expect(model.variances[0]![0]).toBeCloseTo(1 + 21.25e-9, 12);
    expect(model.variances[0]![1]).toBeCloseTo(21.25e-9, 15);
    expect(model.logPriors).toEqual([Math.log(0.5), Math.log(0.5)]);
    expect(predictGaussianNb(model, [[2.4, 5], [9, 5], [6.4, 5]])).toEqual([0, 1, 0]);
  });
});

describe('k-nearest neighbours', () => {
  it('votes as a brute-force 5-nearest search does', async () => {
    const train = blobs(15, 4);
    const test = blobs(10, 5);
    const fitted = await MODELS.knn.fit(train.rows, train.labels, { seed: 1, classes: 3, settings: { k: 5 } });
    const brute = test.rows.map((x) => {
      const nearest = train.rows.map((r, i) => ({ d: Math.hypot(r[0]! - x[0]!, r[1]! - x[1]!), y: train.labels[i]! })).sort((a, b) => a.d - b.d).slice(0, 5);
      const votes = [0, 1, 2].map((c) => nearest.filter((n) => n.y === c).length);
      return votes.indexOf(Math.max(...votes));
    });
    expect(fitted.predict(test.rows)).toEqual(brute);
  });
});

describe('every baseline', () => {
  it.each(BASELINE_MODELS)('%s separates three blobs and says what it learnt as JSON', async (name) => {
    const train = blobs(40, 6);
    const test = blobs(30, 7);
    const fitted = await fitModel(name, train.rows, train.labels, { seed: 42, classes: 3, settings: DEFAULT_BASELINE_SETTINGS[name] as never });
    expect(accuracy(fitted.predict(test.rows), test.labels)).toBeGreaterThan(0.95);
    expect(JSON.stringify(fitted.toJSON()).length).toBeGreaterThan(10);
  });
});

describe('kNN on wide rows', () => {
  it('finds the same neighbours as a direct search, in blocks of test rows that do not divide evenly', async () => {
    const rng = createRng(21);
    const rows = Array.from({ length: 90 }, () => Array.from({ length: 37 }, () => rng()));
    const labels = rows.map((_, i) => i % 4);
    const test = Array.from({ length: 7 }, () => Array.from({ length: 37 }, () => rng()));
    const fitted = await fitModel('knn', rows, labels, { seed: 1, classes: 4, settings: { k: 3 } });
    const direct = test.map((x) => {
      const nearest = rows.map((r, i) => ({ d: r.reduce((a, v, j) => a + (v - x[j]!) ** 2, 0), y: labels[i]! })).sort((a, b) => a.d - b.d).slice(0, 3);
      const votes = [0, 1, 2, 3].map((c) => nearest.filter((n) => n.y === c).length);
      return votes.indexOf(Math.max(...votes));
    });
    expect(fitted.predict(test)).toEqual(direct);
  });
});
