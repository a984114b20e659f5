import { beforeAll, describe, expect, it } from 'vitest';
import { input, loadLayersModel, model as functionalModel } from '@tensorflow/tfjs-layers';
import { templateFor } from '../../../src-shared/models/templates';
import { attentionLayerNames, attentionMaps } from '../../../src-engine/evaluate/attention-maps';
import { buildModel } from '../../../src-engine/model/build-model';
import { MultiHeadAttention } from '../../../src-engine/layers/register-layers';
import { sampleBatch, TEMPLATE_INPUTS, tf } from './tf-setup';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const B = 2;
const S = 5;
const D = 8;
const H = 2;

/** softmax(Q K^T / sqrt(dk)) V per head, then the output projection, in plain JS from the layer's weights. */
function direct(layer: MultiHeadAttention, x: number[][][], ids?: number[][]) {
  const [wq, bq, wk, bk, wv, bv, wo, bo] = layer.getWeights().map((w) => w.arraySync()) as [
    number[][], number[], number[][], number[], number[][], number[], number[][], number[],
  ];
  const proj = (v: number[], w: number[][], b: number[]) => b.map((bias, j) => bias + v.reduce((a, vi, i) => a + vi * w[i]![j]!, 0));
  const dk = D / H;
  const outputs: number[][][] = [];
  const weights: number[][][][] = [];
  x.forEach((seq, n) => {
    const q = seq.map((v) => proj(v, wq, bq));
    const k = seq.map((v) => proj(v, wk, bk));
    const v = seq.map((t) => proj(t, wv, bv));
    const context = seq.map(() => new Array<number>(D).fill(0));
    const perHead: number[][][] = [];
    for (let h = 0; h < H; h++) {
      const cols = Array.from({ length: dk }, (_, i) => h * dk + i);
      const rows = q.map((qi) => {
        const scores = k.map((kj, j) =>
          ids && ids[n]![j] === 0 ? -Infinity : cols.reduce((a, c) => a + qi[c]! * kj[c]!, 0) / Math.sqrt(dk),
        );
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const sum = e.reduce((a, b) => a + b, 0);
        return e.map((t) => t / sum);
      });
      rows.forEach((row, i) => cols.forEach((c) => (context[i]![c] = row.reduce((a, p, j) => a + p * v[j]![c]!, 0))));
      perHead.push(rows);
    }
    outputs.push(context.map((c) => proj(c, wo, bo)));
    weights.push(perHead);
  });
  return { outputs, weights };
}

function maxDiff(a: unknown, b: unknown): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(tf.tensor(a as number[]), tf.tensor(b as number[])))).dataSync()[0]!);
}

describe('MultiHeadAttention', () => {
  let x: tf.Tensor;
  let ids: tf.Tensor;
  beforeAll(() => {
    x = tf.randomNormal([B, S, D], 0, 1, 'float32', 11);
    ids = tf.tensor2d([[5, 3, 9, 0, 0], [4, 1, 1, 2, 7]], [B, S], 'int32');
  });

  function layer(seed = 3) {
    const l = new MultiHeadAttention({ heads: H, seed, name: 'attn' });
    l.build([null, S, D]);
    return l;
  }

  it('equals softmax(QK^T / sqrt(dk)) V per head computed directly', () => {
    const l = layer();
    const out = l.apply(x) as tf.Tensor;
    const ref = direct(l, x.arraySync() as number[][][]);
    expect(out.shape).toEqual([B, S, D]);
    expect(maxDiff(out.arraySync(), ref.outputs)).toBeLessThan(1e-5);
    const scores = l.attentionScores(x);
    expect(scores.shape).toEqual([B, H, S, S]);
    expect(maxDiff(scores.arraySync(), ref.weights)).toBeLessThan(1e-5);
  });

  it('has four projections with separate kernels and biases', () => {
    const l = layer();
    expect(l.weights.map((w) => w.originalName.split('/').pop())).toEqual([
      'query_kernel', 'query_bias', 'key_kernel', 'key_bias', 'value_kernel', 'value_bias', 'output_kernel', 'output_bias',
    ]);
    expect(l.countParams()).toBe(4 * (D * D + D));
  });

  it('gives attention rows that sum to 1', () => {
    const sums = tf.sum(layer().attentionScores(x), -1).dataSync();
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
  });

  it('never attends to padding tokens when given the token ids', () => {
    const l = layer();
    const scores = l.attentionScores(x, ids).arraySync() as number[][][][];
    for (const head of scores[0]!) for (const row of head) expect(row[3]! + row[4]!).toBeLessThan(1e-7);
    const out = l.apply([x, ids]) as tf.Tensor;
    const ref = direct(l, x.arraySync() as number[][][], ids.arraySync() as number[][]);
    expect(maxDiff(out.arraySync(), ref.outputs)).toBeLessThan(1e-5);
    // Real tokens' outputs are what the unpadded sequence gives.
    const short = l.apply(tf.slice(x, [0, 0, 0], [1, 3, D])) as tf.Tensor;
    const masked = tf.slice(out, [0, 0, 0], [1, 3, D]);
    expect(maxDiff(short.arraySync(), masked.arraySync())).toBeLessThan(1e-5);
  });

  it('round-trips through a saved model with its config and weights', async () => {
    const inp = input({ shape: [S, D] });
    const m = functionalModel({ inputs: inp, outputs: new MultiHeadAttention({ heads: H, name: 'attn' }).apply(inp) as never });
    let saved: tf.io.ModelArtifacts | null = null;
    await m.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await loadLayersModel(tf.io.fromMemory(saved!));
    const attn = loaded.getLayer('attn') as MultiHeadAttention;
    expect(attn).toBeInstanceOf(MultiHeadAttention);
    expect(attn.heads).toBe(H);
    expect(maxDiff((loaded.predict(x) as tf.Tensor).arraySync(), (m.predict(x) as tf.Tensor).arraySync())).toBe(0);
  });

  it('rejects a dim that the heads do not divide', () => {
    expect(() => new MultiHeadAttention({ heads: 3 }).build([null, S, D])).toThrow(/dim 8 is not divisible by 3 heads/);
  });
});

describe('attentionMaps', () => {
  it.each(['text-transformer', 'vit-tiny'])('gives one map per block of %s, rows summing to 1', (name) => {
    const input = TEMPLATE_INPUTS[name]!;
    const model = buildModel(templateFor(name, input, 3), { seed: 4 });
    const x = sampleBatch(input, 2);
    const before = tf.memory().numTensors;
    const maps = attentionMaps(model, x);
    expect(maps.map((m) => m.layer)).toEqual(attentionLayerNames(model));
    expect(maps).toHaveLength(name === 'vit-tiny' ? 4 : 2);
    const seq = model.getLayer(maps[0]!.layer).outputShape[1] as number;
    for (const { scores } of maps) {
      expect(scores.shape).toEqual([2, 4, seq, seq]);
      for (const s of tf.tidy(() => tf.sum(scores, -1).dataSync())) expect(s).toBeCloseTo(1, 5);
    }
    if (input.kind === 'text') {
      // The test batch pads the last position of every sequence: no query attends to it.
      const last = tf.tidy(() => tf.max(tf.slice(maps[0]!.scores, [0, 0, 0, seq - 1], [2, 4, seq, 1])).dataSync()[0]!);
      expect(last).toBeLessThan(1e-7);
    }
    tf.dispose(maps.map((m) => m.scores));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
