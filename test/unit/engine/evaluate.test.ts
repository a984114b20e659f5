/**
 * The evaluator against hand-computed figures: an identity "model" returns the probability rows
 * it is fed, so the confusion matrix, per-class metrics, loss and mistakes are known exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { input, layers, model as functionalModel, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { EvalResult } from '../../../src-shared/evaluations/eval-result';
import { classMetrics, evaluate, EvaluationCancelled } from '../../../src-engine/evaluate/evaluate';
import { ArrayProvider } from '../../../src-main/training/array-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';

beforeAll(async () => {
  await setupNodeBackend('cpu');
});

function identity(classes: number): LayersModel {
  const inp = input({ shape: [classes] });
  return functionalModel({ inputs: inp, outputs: layers.activation({ activation: 'linear' }).apply(inp) as SymbolicTensor });
}

// Rows are the "probabilities" the model returns; labels the truth.
const rows = [
  [0.8, 0.1, 0.1], // 0 -> 0
  [0.6, 0.3, 0.1], // 0 -> 0
  [0.2, 0.7, 0.1], // 0 -> 1 (mistake, confidence 0.7)
  [0.1, 0.8, 0.1], // 1 -> 1
  [0.5, 0.4, 0.1], // 1 -> 0 (mistake, confidence 0.5)
  [0.1, 0.1, 0.8], // 2 -> 2
  [0.05, 0.9, 0.05], // 2 -> 1 (mistake, confidence 0.9)
];
const labels = [0, 0, 0, 1, 1, 2, 2];

describe('evaluate', () => {
  it('computes the confusion matrix, per-class metrics, loss and the most confident mistakes first', async () => {
    const model = identity(3);
    const provider = new ArrayProvider({ x: Float32Array.from(rows.flat()), y: Int32Array.from(labels), sampleShape: [3] }, null);
    const before = tf.memory().numTensors;
    const result = await evaluate(model, provider, ['a', 'b', 'c'], { batchSize: 3, latencyRuns: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => EvalResult.parse(result)).not.toThrow();
    expect(result.confusion).toEqual([
      [2, 1, 0],
      [1, 1, 0],
      [0, 1, 1],
    ]);
    expect(result.accuracy).toBeCloseTo(4 / 7, 12);
    const expectedLoss = -(Math.log(0.8) + Math.log(0.6) + Math.log(0.2) + Math.log(0.8) + Math.log(0.4) + Math.log(0.8) + Math.log(0.05)) / 7;
    expect(result.loss).toBeCloseTo(expectedLoss, 5);
    // Class 0: precision 2/3, recall 2/3. Class 1: precision 1/3, recall 1/2. Class 2: precision 1, recall 1/2.
    const expected = [
      [2 / 3, 2 / 3, 3],
      [1 / 3, 1 / 2, 2],
      [1, 1 / 2, 2],
    ];
    result.perClass.forEach((m, c) => {
      const [p, r, support] = expected[c]!;
      expect(m.precision).toBeCloseTo(p!, 12);
      expect(m.recall).toBeCloseTo(r!, 12);
      expect(m.f1).toBeCloseTo((2 * p! * r!) / (p! + r!), 12);
      expect(m.support).toBe(support);
    });
    expect(result.misclassified.map((m) => [m.index, m.label, m.predicted])).toEqual([
      [6, 2, 1],
      [2, 0, 1],
      [4, 1, 0],
    ]);
    expect(result.misclassified[0]!.scores.map((s) => +s.toFixed(6))).toEqual([0.05, 0.9, 0.05]);
    expect(result.backend).toBe('cpu');
    expect(result.latencyMsPerSample).toBeGreaterThan(0);
    model.dispose();
  });

  it('keeps only the requested number of mistakes, most confident first', async () => {
    const model = identity(2);
    const n = 50;
    const x = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) x.set([0.5 + i / 200, 0.5 - i / 200], 2 * i);
    const provider = new ArrayProvider({ x, y: new Int32Array(n).fill(1), sampleShape: [2] }, null);
    const result = await evaluate(model, provider, 2, { maxMisclassified: 5, batchSize: 8, latencyRuns: 1 });
    expect(result.accuracy).toBe(0);
    expect(result.misclassified.map((m) => m.index)).toEqual([49, 48, 47, 46, 45]);
    model.dispose();
  });

  it('gives zero precision, recall and F1 to a class never predicted nor present', () => {
    expect(classMetrics([[3, 0], [0, 0]])).toEqual([
      { precision: 1, recall: 1, f1: 1, support: 3 },
      { precision: 0, recall: 0, f1: 0, support: 0 },
    ]);
  });
});

describe('evaluate progress and cancel', () => {
  const provider = () => new ArrayProvider({ x: Float32Array.from(rows.flat()), y: Int32Array.from(labels), sampleShape: [3] }, null);

  it('reports samples done after every batch, up to the total', async () => {
    const seen: [number, number][] = [];
    await evaluate(identity(3), provider(), 3, { batchSize: 3, latencyRuns: 1, onProgress: (done, total) => void seen.push([done, total]) });
    expect(seen).toEqual([[3, 7], [6, 7], [7, 7]]);
  });

  it('stops between batches when cancelled, with nothing left on the backend', async () => {
    const model = identity(3);
    const before = tf.memory().numTensors;
    let batches = 0;
    const run = evaluate(model, provider(), 3, { batchSize: 3, latencyRuns: 1, onProgress: () => void batches++, cancelled: () => batches >= 1 });
    await expect(run).rejects.toBeInstanceOf(EvaluationCancelled);
    expect(batches).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
