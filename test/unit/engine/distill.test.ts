/**
 * The distillation loss against a direct computation of Hinton et al.'s formula, and its
 * gradient against the closed form α·T·(p_s^T − p_t^T) + (1−α)(p_s − y) per sample; the student
 * checks; and a width-scaled template student.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { templateFor } from '../../../src-shared/models/templates';
import { scaleSpec } from '../../../src-shared/models/width';
import { checkStudent } from '../../../src-shared/compression/checks';
import { StudioError } from '../../../src-shared/errors';
import { distillationLoss } from '../../../src-engine/compress/distill';
import { buildModel } from '../../../src-engine/model/build-model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const softmax = (z: number[], t = 1) => {
  const m = Math.max(...z.map((v) => v / t));
  const e = z.map((v) => Math.exp(v / t - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

const zs = [
  [2.0, -1.0, 0.5, 0.1],
  [-0.3, 0.8, 1.7, -2.2],
  [0.0, 0.0, 3.0, 1.0],
];
const zt = [
  [3.0, -2.0, 0.0, 0.5],
  [0.1, 2.5, 0.7, -1.0],
  [-1.0, 0.2, 4.0, 2.0],
];
const labels = [0, 1, 3];

/** Hinton et al.: mean over samples of α·T²·KL(p_t^T ‖ p_s^T) + (1−α)·(−log p_s[y]). */
function direct(T: number, alpha: number): number {
  let total = 0;
  zs.forEach((z, n) => {
    const ps = softmax(z, T);
    const pt = softmax(zt[n]!, T);
    const kl = pt.reduce((a, p, i) => a + p * Math.log(p / ps[i]!), 0);
    const ce = -Math.log(softmax(z)[labels[n]!]!);
    total += alpha * T * T * kl + (1 - alpha) * ce;
  });
  return total / zs.length;
}

describe('the distillation loss', () => {
  for (const [T, alpha] of [[4, 0.9], [1, 0.5], [2, 0], [8, 1]] as const) {
    it(`matches the formula at T=${T}, α=${alpha}, from the models' probabilities`, async () => {
      const loss = distillationLoss(tf.softmax(tf.tensor2d(zs)), tf.softmax(tf.tensor2d(zt)), tf.tensor1d(labels, 'int32'), T, alpha);
      expect((await loss.data())[0]).toBeCloseTo(direct(T, alpha), 4);
    });
  }

  it('has the closed-form gradient with respect to the student logits', async () => {
    const T = 3;
    const alpha = 0.7;
    const teacher = tf.softmax(tf.tensor2d(zt));
    const y = tf.tensor1d(labels, 'int32');
    const grad = tf.grad((z: tf.Tensor) => distillationLoss(tf.softmax(z), teacher, y, T, alpha))(tf.tensor2d(zs));
    const g = await grad.array();
    zs.forEach((z, n) => {
      const psT = softmax(z, T);
      const ptT = softmax(zt[n]!, T);
      const ps = softmax(z);
      z.forEach((_, i) => {
        const expected = (alpha * T * (psT[i]! - ptT[i]!) + (1 - alpha) * (ps[i]! - (i === labels[n] ? 1 : 0))) / zs.length;
        expect((g as number[][])[n]![i]).toBeCloseTo(expected, 4);
      });
    });
  });
});

describe('students', () => {
  const input = { kind: 'image' as const, height: 28, width: 28, channels: 1 };
  const teacher = templateFor('seed-cnn', input, 10);

  it('a seed-cnn at width 0.45 has at most a quarter of the parameters and keeps one output per class', () => {
    const student = scaleSpec(teacher, 0.45);
    const params = (s: typeof teacher) => buildModel(s).countParams();
    expect(params(student)).toBeLessThanOrEqual(params(teacher) / 4);
    expect(student.layers.at(-1)).toMatchObject({ type: 'dense', units: 10, activation: 'softmax' });
    expect(student.layers[0]).toMatchObject({ type: 'conv2d', filters: 14 });
  });

  it('keeps transformer widths a multiple of the heads', () => {
    const text = templateFor('text-transformer', { kind: 'text', seqLength: 16, vocabSize: 50 }, 2);
    const small = scaleSpec(text, 0.3);
    for (const l of small.layers) if (l.type === 'transformerBlock') expect(l.dim % l.heads).toBe(0);
    expect(() => buildModel(small)).not.toThrow();
  });

  it('refuses a student whose classes or input differ from the teacher', () => {
    expect(() => checkStudent(teacher, templateFor('seed-cnn', input, 3))).toThrow(/3 classes but the teacher has 10/);
    expect(() => checkStudent(teacher, templateFor('seed-cnn', { ...input, height: 32, width: 32 }, 10))).toThrow(/takes/);
    // By key, so the app says it in its language (a BAD_REQUEST main passes on as it is).
    const err = (() => {
      try {
        checkStudent(teacher, templateFor('seed-cnn', input, 3));
      } catch (e) {
        return e as StudioError;
      }
    })();
    expect(err).toBeInstanceOf(StudioError);
    expect(err).toMatchObject({ code: 'BAD_REQUEST', said: { key: 'errors.compress.studentClasses', params: { student: '3', teacher: '10' } } });
  });
});
