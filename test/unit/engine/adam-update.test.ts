/**
 * Adam in one kernel per variable (WASM, CPU) and the WASM Identity that shares memory: a real
 * run on MNIST digits ends with the same weights and optimizer state, bit for bit, as tfjs's own
 * Adam and copying Identity, the new kernels are the ones that ran, and nothing leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { HyperParams } from '../../../src-shared/runs/hyper-params';
import { ADAM_UPDATE, adamStep, registerAdamUpdate, unregisterAdamUpdate } from '../../../src-engine/kernels/adam-update';
import { registerWasmIdentity, restoreDefaultWasmIdentity } from '../../../src-engine/kernels/wasm-identity';
import { Trainer } from '../../../src-engine/train/trainer';
import type { CheckpointArtifacts } from '../../../src-engine/train/types';
import { ArrayProvider, loadMnistArrays } from '../../../src-main/training/array-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';
import { tinyCnn } from './tiny-cnn';

const spec = tinyCnn({ dropout: false });
const digits = loadMnistArrays('train', 96);

/** Six Adam steps, two epochs of 96 digits, with a cosine schedule (so the rate changes); the last checkpoint. */
async function train(backend: 'cpu' | 'wasm'): Promise<{ artifacts: CheckpointArtifacts; kernels: string[] }> {
  let artifacts: CheckpointArtifacts | null = null;
  const hyper = HyperParams.parse({ epochs: 2, batchSize: 32, optimizer: 'adam', learningRate: 0.01, schedule: { type: 'cosine' }, seed: 3, backend });
  const trainer = new Trainer({
    spec,
    hyper,
    train: new ArrayProvider(digits, hyper.seed),
    validation: null,
    callbacks: { onCheckpoint: async (a) => void (artifacts = a) },
  });
  const profile = await tf.profile(async () => void (await trainer.run()));
  return { artifacts: artifacts!, kernels: profile.kernelNames };
}

const bytes = (a: CheckpointArtifacts) => ({
  weights: Buffer.from(a.weightData),
  optimizer: Buffer.from(a.optimizer!.weightData),
  // Variable names get a suffix per model built in this process (kernel_1, kernel_2, …).
  slots: a.optimizer!.weightSpecs.map((s) => s.name.replace(/_\d+(?=\/[mv]$)/, '')),
});

afterAll(() => {
  registerAdamUpdate();
  registerWasmIdentity();
});

describe('one-pass Adam and the sharing Identity', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`train to the same bits as tfjs's Adam on ${backend}, with the one-pass kernel running, and leak nothing`, async () => {
      await setupNodeBackend(backend, { threads: 1 });
      const before = tf.memory().numTensors;
      const ours = await train(backend);
      expect(tf.memory().numTensors).toBe(before);
      expect(ours.kernels).toContain(ADAM_UPDATE);
      expect(ours.kernels).not.toContain('Sqrt');

      unregisterAdamUpdate();
      restoreDefaultWasmIdentity();
      const stock = await train(backend);
      registerAdamUpdate();
      registerWasmIdentity();
      expect(stock.kernels).not.toContain(ADAM_UPDATE);
      expect(stock.kernels).toContain('Sqrt');

      const a = bytes(ours.artifacts);
      const b = bytes(stock.artifacts);
      expect(a.slots).toEqual(b.slots);
      expect(a.slots).toContain('conv2d_1/kernel/m');
      expect(a.weights.equals(b.weights)).toBe(true);
      expect(a.optimizer.equals(b.optimizer)).toBe(true);
      // And the run did move the weights (a no-op update would also "agree" with itself).
      expect(Math.max(...new Float32Array(ours.artifacts.optimizer!.weightData).slice(1, 50).map(Math.abs))).toBeGreaterThan(0);
    });
  }

  it('a shared clone outlives its source on WASM, and is freed with the last reference', async () => {
    await setupNodeBackend('wasm', { threads: 1 });
    const before = tf.memory();
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers + 1);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
    // A gradient through a saved tensor (mul saves its inputs by cloning them).
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, t)))(y);
    expect(Array.from(await g.data())).toEqual([2, 4, 6, 8]);
    tf.dispose([y, g]);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });

  it('gives tfjs\'s numbers for random moments, where double precision would not', async () => {
    await setupNodeBackend('cpu');
    unregisterAdamUpdate();
    const n = 10_000;
    const random = (seed: number, lo: number, hi: number) => tf.randomUniform([n], lo, hi, 'float32', seed);
    const [w0, g, m0, v0] = [random(1, -1, 1), random(2, -0.1, 0.1), random(3, -0.01, 0.01), random(4, 0, 1e-4)];
    const attrs = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 0.003 };
    const arrays = await Promise.all([w0, g, m0, v0].map((t) => t.data() as Promise<Float32Array>));
    // tfjs's own Adam, from these moments at its fourth step.
    const opt = tf.train.adam(attrs.learningRate, attrs.beta1, attrs.beta2, attrs.epsilon);
    const w = tf.variable(w0, true, 'w');
    await opt.setWeights([
      { name: 'iter', tensor: tf.scalar(3) },
      { name: 'w/m', tensor: m0 },
      { name: 'w/v', tensor: v0 },
    ]);
    opt.applyGradients([{ name: 'w', tensor: g }]);
    registerAdamUpdate();
    const want = await w.data();
    const [, wantM, wantV] = await Promise.all((await opt.getWeights()).map((x) => x.tensor.data()));
    const accBeta1 = await (opt as unknown as { accBeta1: tf.Variable }).accBeta1.data();
    const accBeta2 = await (opt as unknown as { accBeta2: tf.Variable }).accBeta2.data();
    // accBeta is beta^(t+1) after the step; the step itself used beta^t.
    const got = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
    const [pw, pg, pm, pv] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
    adamStep(pw, pg, pm, pv, Math.fround(accBeta1[0]! / Math.fround(0.9)), Math.fround(accBeta2[0]! / Math.fround(0.999)), attrs, ...got);
    expect(Buffer.from(got[0].buffer).equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength))).toBe(true);
    expect(Array.from(got[1])).toEqual(Array.from(wantM!));
    expect(Array.from(got[2])).toEqual(Array.from(wantV!));
    // The same formula in double precision, rounded once, lands elsewhere for some weights.
    const c1 = 1 - Math.fround(accBeta1[0]! / Math.fround(0.9));
    const c2 = 1 - Math.fround(accBeta2[0]! / Math.fround(0.999));
    const differs = Array.from(pw).filter((wi, i) => {
      const mi = pm[i]! * 0.9 + pg[i]! * 0.1;
      const vi = pv[i]! * 0.999 + pg[i]! * pg[i]! * 0.001;
      return Math.fround(wi - (attrs.learningRate * mi) / c1 / (Math.sqrt(vi / c2) + 1e-7)) !== got[0][i];
    }).length;
    expect(differs).toBeGreaterThan(0);
    tf.dispose([w0, g, m0, v0, w]);
    opt.dispose();
  });
});
