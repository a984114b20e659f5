import { beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { inferModel } from '../../../src-shared/models/shape-inference';
import { parseModelSpec } from '../../../src-shared/models/spec';
import { templateFor } from '../../../src-shared/models/templates';
import { blockLayerNames, buildModel } from '../../../src-engine/model/build-model';
import { MultiHeadAttention } from '../../../src-engine/layers/register-layers';
import { sampleBatch, TEMPLATE_INPUTS, tf } from './tf-setup';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function roundTrip(model: LayersModel): Promise<LayersModel> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('nothing saved');
  // Through JSON, as a checkpoint on disk would be.
  const { modelTopology, weightSpecs, weightData } = saved as tf.io.ModelArtifacts;
  return loadLayersModel(
    tf.io.fromMemory({ modelTopology: JSON.parse(JSON.stringify(modelTopology)), weightSpecs, weightData }),
  );
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe.each(Object.keys(TEMPLATE_INPUTS))('template %s', (name) => {
  const input = TEMPLATE_INPUTS[name]!;
  const spec = templateFor(name, input, 4);

  it('builds with the parameter count shape inference predicts, layer by layer', () => {
    const model = buildModel(spec, { seed: 1 });
    const summary = inferModel(spec);
    expect(model.countParams()).toBe(summary.totals.params);
    for (const row of summary.layers) {
      // A transformerBlock is several tfjs layers named <name>_*; its output layer carries the name itself.
      const own = model.layers.filter((l) => l.name === row.name || l.name.startsWith(`${row.name}_`));
      expect(own.reduce((a, l) => a + l.countParams(), 0), row.name).toBe(row.params);
      expect(model.getLayer(row.name).outputShape, row.name).toEqual([null, ...row.outputShape]);
    }
    expect(model.inputs[0]!.dtype).toBe(input.kind === 'text' ? 'int32' : 'float32');
    expect(model.outputs[0]!.shape).toEqual([null, 4]);
    model.dispose();
  });

  it('saves and loads back with identical predictions', async () => {
    const model = buildModel(spec, { seed: 2 });
    const x = sampleBatch(input, 3);
    const before = model.predict(x) as tf.Tensor;
    const loaded = await roundTrip(model);
    const after = loaded.predict(x) as tf.Tensor;
    expect(maxDiff(before, after)).toBe(0);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    // Probabilities: each row sums to 1.
    for (const s of tf.tidy(() => tf.sum(after, 1)).arraySync() as number[]) expect(s).toBeCloseTo(1, 5);
    tf.dispose([x, before, after]);
    model.dispose();
    loaded.dispose();
  });
});

describe('buildModel', () => {
  it('gives the same weights for the same seed', () => {
    const spec = templateFor('text-transformer', TEMPLATE_INPUTS['text-transformer']!, 2);
    const a = buildModel(spec, { seed: 5 });
    const b = buildModel(spec, { seed: 5 });
    const c = buildModel(spec, { seed: 6 });
    const wa = a.getWeights();
    b.getWeights().forEach((w, i) => expect(maxDiff(w, wa[i]!)).toBe(0));
    expect(c.getWeights().some((w, i) => maxDiff(w, wa[i]!) > 0)).toBe(true);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('names transformer parts readably so attention maps can find them', () => {
    const spec = templateFor('text-transformer', TEMPLATE_INPUTS['text-transformer']!, 2);
    const model = buildModel(spec);
    const attention = model.getLayer(blockLayerNames('transformerBlock_2').attention);
    expect(attention).toBeInstanceOf(MultiHeadAttention);
    expect(model.layers.map((l) => l.name).slice(0, 3)).toEqual(['input', 'tokenEmbedding_1', 'transformerBlock_2_norm1']);
    model.dispose();
  });

  it.each(['cpu', 'wasm'])('clamps token ids outside the vocabulary to its ends on %s, as an ONNX export does', async (backend) => {
    await tf.setBackend(backend);
    try {
      const spec = templateFor('text-transformer', { kind: 'text', seqLength: 4, vocabSize: 10 }, 2);
      const model = buildModel(spec, { seed: 1 });
      const embed = (ids: number[]) => tf.tidy(() => model.getLayer('tokenEmbedding_1').apply(tf.tensor2d(ids, [1, 4], 'int32')) as tf.Tensor);
      // 45 reads the last id's embedding and -3 the first's; tfjs's clipByValue on WASM left 45 as it was and Gather threw.
      expect(maxDiff(embed([45, -3, 9, 0]), embed([9, 0, 9, 0]))).toBe(0);
      model.dispose();
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('counts parameters right for every layer kind', () => {
    const spec = parseModelSpec({
      formatVersion: 1,
      name: 'every layer',
      template: null,
      input: { kind: 'image', height: 20, width: 18, channels: 3 },
      numClasses: 5,
      layers: [
        { type: 'conv2d', filters: 6, kernelSize: [3, 5], strides: 2, padding: 'same', activation: 'gelu' },
        { type: 'batchNorm' },
        { type: 'avgPool2d', poolSize: 3, strides: 1 },
        { type: 'maxPool2d', poolSize: 2, padding: 'same' },
        { type: 'layerNorm' },
        { type: 'conv2d', filters: 4, kernelSize: 1, activation: 'linear' },
        { type: 'globalAvgPool' },
        { type: 'dropout', rate: 0.3 },
        { type: 'dense', units: 7, activation: 'tanh', name: 'hidden' },
        { type: 'dense', units: 5, activation: 'softmax' },
      ],
    });
    const summary = inferModel(spec);
    const model = buildModel(spec);
    expect(summary.error).toBeNull();
    expect(model.countParams()).toBe(summary.totals.params);
    expect(model.getLayer('hidden').outputShape).toEqual([null, 7]);
    expect(model.getLayer('maxPool2d_4').outputShape).toEqual([null, ...summary.layers[3]!.outputShape]);
    model.dispose();
  });

  it('refuses a spec that does not fit, with the shape-inference message', () => {
    const spec = parseModelSpec({
      formatVersion: 1, name: 'bad', template: null, input: { kind: 'image', height: 8, width: 8, channels: 1 }, numClasses: 2,
      layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'dense', units: 2, activation: 'softmax' }],
    });
    expect(() => buildModel(spec)).toThrow('layer 2 (dense): dense after a 3-D output (6x6x2): add flatten or globalAvgPool first');
  });
});
