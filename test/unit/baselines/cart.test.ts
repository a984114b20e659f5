/** CART and the random forest against hand-worked splits and a brute-force search of the best one. */
import { describe, expect, it } from 'vitest';
import { fitCart, predictCart } from '../../../src-main/baselines/cart';
import { fitForest, predictForest } from '../../../src-main/baselines/random-forest';
import { createRng } from '../../../src-shared/random';

/** Weighted Gini impurity of a split: what CART minimises. */
function splitImpurity(labels: number[], left: boolean[], k: number): number {
  const gini = (ys: number[]) => {
    if (!ys.length) return 0;
    const counts = new Array<number>(k).fill(0);
    ys.forEach((y) => counts[y]!++);
    return 1 - counts.reduce((a, c) => a + (c / ys.length) ** 2, 0);
  };
  const l = labels.filter((_, i) => left[i]);
  const r = labels.filter((_, i) => !left[i]);
  return (l.length * gini(l) + r.length * gini(r)) / labels.length;
}

describe('CART', () => {
  it('splits halfway between the classes and stops when the leaves are pure', () => {
    const model = fitCart([[1], [2], [3], [4]], [0, 0, 1, 1], 2);
    expect(model.feature).toEqual([0, -1, -1]);
    expect(model.threshold[0]).toBe(2.5);
    expect(model.counts).toEqual([2, 0, 0, 2]);
    expect(predictCart(model, [[0], [2.4], [2.6], [9]])).toEqual([0, 0, 1, 1]);
  });

  it('puts at the root the split a brute-force search over every feature and threshold finds best', () => {
    const rng = createRng(3);
    const rows = Array.from({ length: 60 }, () => [rng() * 10, Math.round(rng() * 4), rng()]);
    const labels = rows.map((r) => (r[0]! + 2 * r[1]! + rng() * 3 > 8 ? (r[2]! > 0.5 ? 2 : 1) : 0));
    let best = { impurity: Infinity, feature: -1, threshold: 0 };
    for (let f = 0; f < 3; f++) {
      const values = [...new Set(rows.map((r) => r[f]!))].sort((a, b) => a - b);
      for (let j = 0; j + 1 < values.length; j++) {
        const threshold = (values[j]! + values[j + 1]!) / 2;
        const impurity = splitImpurity(labels, rows.map((r) => r[f]! <= threshold), 3);
        if (impurity < best.impurity - 1e-12) best = { impurity, feature: f, threshold };
      }
    }
    const model = fitCart(rows, labels, 3);
    expect(model.feature[0]).toBe(best.feature);
    expect(model.threshold[0]).toBeCloseTo(best.threshold, 12);
    // Grown until pure, it fits distinct training rows exactly.
    expect(predictCart(model, rows)).toEqual(labels);
  });

  it('keeps to its depth limit and its node size, and stores the tree flat', () => {
    const rng = createRng(4);
    const rows = Array.from({ length: 200 }, () => [rng(), rng()]);
    const labels = rows.map((r) => (r[0]! > 0.5 ? 1 : 0) + (r[1]! > 0.5 ? 2 : 0));
    const stump = fitCart(rows, labels, 4, { maxDepth: 1 });
    expect(stump.feature.filter((f) => f >= 0)).toHaveLength(1);
    expect(stump.counts.reduce((a, b) => a + b, 0)).toBe(200);
    const coarse = fitCart(rows, labels, 4, { minSamples: 150 });
    const full = fitCart(rows, labels, 4);
    const leaves = (m: typeof full) => m.feature.filter((f) => f < 0).length;
    // The root (200 samples) splits; a node of at most 150 does not, so only a few leaves.
    expect(leaves(coarse)).toBeGreaterThanOrEqual(2);
    expect(leaves(coarse)).toBeLessThanOrEqual(4);
    expect(leaves(full)).toBeGreaterThan(leaves(coarse));
    expect(JSON.stringify(full)).not.toMatch(/\{[^}]*\{/);
    expect(predictCart(full, [[0.2, 0.2], [0.8, 0.2], [0.2, 0.8], [0.8, 0.8]])).toEqual([0, 1, 2, 3]);
  });
});

describe('CART where scikit-learn splits', () => {
  it('learns XOR, whose first split lowers no impurity', () => {
    const rows = [[0, 0], [0, 1], [1, 0], [1, 1]];
    const model = fitCart(rows, [0, 1, 1, 0], 2);
    expect(predictCart(model, rows)).toEqual([0, 1, 1, 0]);
  });
});

describe('the random forest', () => {
  it('keeps drawing features at a node until it has tried some that vary there (wide, sparse rows)', () => {
    const rng = createRng(1);
    // One informative column among 99 that are nearly always 0, as TF-IDF columns are.
    const rows = Array.from({ length: 400 }, () => Array.from({ length: 100 }, (_, j) => (j === 0 ? rng() : rng() < 0.97 ? 0 : 1)));
    const labels = rows.map((r) => (r[0]! > 0.5 ? 1 : 0));
    const forest = fitForest(rows, labels, 2, { trees: 50, seed: 3 });
    // Drawing √100 = 10 features once, most trees saw only constant ones at the root and stopped there.
    expect(forest.trees.filter((t) => t.feature.length === 1)).toHaveLength(0);
    expect(predictForest(forest, rows).filter((p, i) => p === labels[i]).length / rows.length).toBeGreaterThan(0.97);
  });

  it('is the same forest for the same seed, and a different one for another', () => {
    const rng = createRng(5);
    const rows = Array.from({ length: 120 }, () => [rng(), rng(), rng(), rng()]);
    const labels = rows.map((r) => (r[0]! + r[1]! > 1 ? 1 : 0));
    const a = fitForest(rows, labels, 2, { trees: 5, seed: 1 });
    expect(fitForest(rows, labels, 2, { trees: 5, seed: 1 })).toEqual(a);
    expect(fitForest(rows, labels, 2, { trees: 5, seed: 2 })).not.toEqual(a);
    expect(a.trees).toHaveLength(5);
    // Bootstrap: each tree's leaves together hold n samples counted with their repeats.
    for (const t of a.trees) expect(t.counts.reduce((x, y) => x + y, 0)).toBe(120);
  });

  it('averages its trees: on a diagonal boundary it beats a single tree on new points', () => {
    const rng = createRng(6);
    const make = (n: number) => {
      const rows = Array.from({ length: n }, () => [rng(), rng(), rng()]);
      return { rows, labels: rows.map((r) => (r[0]! + r[1]! + 0.1 * (rng() - 0.5) > 1 ? 1 : 0)) };
    };
    const train = make(300);
    const test = make(500);
    const acc = (p: number[]) => p.filter((v, i) => v === test.labels[i]).length / p.length;
    const tree = acc(predictCart(fitCart(train.rows, train.labels, 2), test.rows));
    const forest = acc(predictForest(fitForest(train.rows, train.labels, 2, { trees: 50, seed: 7 }), test.rows));
    expect(forest).toBeGreaterThan(tree);
    expect(forest).toBeGreaterThan(0.9);
  });
});
