import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src-shared/errors';
import { inferModel } from '../../../src-shared/models/shape-inference';
import { LAYER_TYPES, type LayerSpecInput, type ModelInput, parseModelSpec } from '../../../src-shared/models/spec';
import { listTemplates, templateFor, vitPatchSize } from '../../../src-shared/models/templates';

const mnist: ModelInput = { kind: 'image', height: 28, width: 28, channels: 1 };
const text: ModelInput = { kind: 'text', seqLength: 16, vocabSize: 100 };

function spec(layers: LayerSpecInput[], input: ModelInput = mnist, numClasses = 10) {
  return parseModelSpec({ formatVersion: 1, name: 'm', template: null, input, numClasses, layers });
}

describe('model spec validation', () => {
  it('knows the twelve layer types the editor offers', () => {
    expect(LAYER_TYPES).toEqual([
      'conv2d', 'maxPool2d', 'avgPool2d', 'flatten', 'dense', 'dropout', 'batchNorm', 'layerNorm',
      'globalAvgPool', 'tokenEmbedding', 'patchEmbedding', 'transformerBlock',
    ]);
  });

  it('applies defaults to a minimal spec', () => {
    const s = spec([{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }]);
    expect(s.training).toEqual({
      optimizer: 'adam', learningRate: 0.001, momentum: 0, loss: 'sparseCategoricalCrossentropy', batchSize: 32, epochs: 10,
      schedule: { type: 'constant' }, warmup: 0,
    });
  });

  it.each([
    ['an unknown layer type', [{ type: 'lstm', units: 4 }]],
    ['zero filters', [{ type: 'conv2d', filters: 0, kernelSize: 3 }]],
    ['a bad padding', [{ type: 'conv2d', filters: 4, kernelSize: 3, padding: 'full' }]],
    ['an unknown activation', [{ type: 'dense', units: 4, activation: 'swish' }]],
    ['a dropout rate of 1', [{ type: 'dropout', rate: 1 }]],
    ['a fractional unit count', [{ type: 'dense', units: 2.5 }]],
    ['an unknown key', [{ type: 'flatten', units: 3 }]],
    ['no layers', []],
    ['a duplicate layer name', [{ type: 'flatten', name: 'a' }, { type: 'dense', units: 10, name: 'a' }]],
  ])('rejects %s', (_what, layers) => {
    expect(() => spec(layers as LayerSpecInput[])).toThrow();
  });

  it('rejects a bad optimizer, format version or class count', () => {
    const base = { formatVersion: 1, name: 'm', template: null, input: mnist, numClasses: 10, layers: [{ type: 'flatten' }] };
    expect(() => parseModelSpec({ ...base, training: { optimizer: 'adagrad' } })).toThrow();
    expect(() => parseModelSpec({ ...base, training: { learningRate: -1 } })).toThrow();
    expect(() => parseModelSpec({ ...base, formatVersion: 2 })).toThrow();
    expect(() => parseModelSpec({ ...base, numClasses: 1 })).toThrow();
  });

  it('accepts a dataset InputSpec with its storage dtype', () => {
    const s = spec([{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }], {
      kind: 'image', height: 8, width: 8, channels: 1, dtype: 'uint8',
    } as ModelInput);
    expect(s.input).toEqual({ kind: 'image', height: 8, width: 8, channels: 1 });
  });
});

describe('shape inference', () => {
  it('summarises seed-cnn with Keras output shapes, parameters and FLOPs', () => {
    const summary = inferModel(templateFor('seed-cnn', mnist, 10));
    expect(summary.error).toBeNull();
    expect(summary.layers.map((l) => l.outputShape)).toEqual([
      [26, 26, 32], [13, 13, 32], [11, 11, 64], [5, 5, 64], [3, 3, 64], [576], [64], [10],
    ]);
    expect(summary.layers.map((l) => l.params)).toEqual([320, 0, 18496, 0, 36928, 0, 36928, 650]);
    expect(summary.totals.params).toBe(93322);
    // First conv: 26*26 outputs x 32 filters x 9 taps, 2 FLOPs per multiply-add.
    expect(summary.layers[0]!.flops).toBe(2 * 26 * 26 * 32 * 9);
    expect(summary.totals.flops).toBe(summary.layers.reduce((a, l) => a + l.flops, 0));
    expect(summary.warnings).toEqual([]);
  });

  it('stops at a kernel that does not fit and says how to fix it', () => {
    const s = templateFor('seed-cnn', mnist, 10);
    const small = { ...s, input: { kind: 'image' as const, height: 14, width: 14, channels: 1 } };
    const summary = inferModel(small);
    expect(summary.error).toEqual({
      layerIndex: 4,
      message: "layer 5 (conv2d): kernel 3x3 does not fit a 2x2 input; use padding 'same' or a smaller kernel",
      problem: { key: 'model.kernelTooBig', params: { kh: '3', kw: '3', h: '2', w: '2' }, text: "kernel 3x3 does not fit a 2x2 input; use padding 'same' or a smaller kernel" },
    });
    expect(summary.layers).toHaveLength(4);
  });

  it('explains the other layer mistakes a person makes', () => {
    const msg = (layers: LayerSpecInput[], input: ModelInput = mnist) => inferModel(spec(layers, input)).error?.message;
    expect(msg([{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'dense', units: 10 }])).toBe(
      'layer 2 (dense): dense after a 3-D output (26x26x4): add flatten or globalAvgPool first',
    );
    expect(msg([{ type: 'tokenEmbedding', dim: 8 }])).toBe('layer 1 (tokenEmbedding): tokenEmbedding needs text input, this model\'s input is image');
    expect(
      msg([{ type: 'tokenEmbedding', dim: 64 }, { type: 'transformerBlock', heads: 6, dim: 64, ffDim: 32 }], text),
    ).toBe('layer 2 (transformerBlock): transformerBlock dim 64 is not divisible by 6 heads');
    expect(
      msg([{ type: 'tokenEmbedding', dim: 32 }, { type: 'transformerBlock', heads: 4, dim: 64, ffDim: 32 }], text),
    ).toMatch(/dim 64 does not match its input's 32 features/);
    expect(msg([{ type: 'dense', units: 4 }], text)).toMatch(/layer 1 \(dense\): .*start the model with a tokenEmbedding/);
    expect(msg([{ type: 'flatten' }, { type: 'maxPool2d' }])).toMatch(/maxPool2d needs a 3-D/);
    expect(msg([{ type: 'flatten' }, { type: 'transformerBlock', heads: 2, dim: 4, ffDim: 4 }])).toMatch(/needs a sequence/);
    expect(msg([{ type: 'patchEmbedding', patchSize: 32, dim: 8 }])).toMatch(/patch 32x32 does not fit a 28x28 input/);
    expect(msg([{ type: 'flatten' }, { type: 'dense', units: 7, activation: 'softmax' }])).toMatch(
      /layer 2 \(dense\): the model must end with 10 outputs .* ends with 7/,
    );
  });

  it('warns when the classifier has no softmax', () => {
    const summary = inferModel(spec([{ type: 'flatten' }, { type: 'dense', units: 10 }]));
    expect(summary.error).toBeNull();
    expect(summary.warnings[0]!.text).toMatch(/softmax/);
    expect(summary.warnings[0]!.key).toBe('model.noSoftmax');
  });

  it('pools sequences and images to vectors and keeps same-padding sizes', () => {
    const s = inferModel(
      spec([
        { type: 'conv2d', filters: 8, kernelSize: 5, strides: 2, padding: 'same' },
        { type: 'avgPool2d', poolSize: 3, strides: 2, padding: 'same' },
        { type: 'batchNorm' },
        { type: 'globalAvgPool' },
        { type: 'dense', units: 10, activation: 'softmax' },
      ]),
    );
    expect(s.layers.map((l) => l.outputShape)).toEqual([[14, 14, 8], [7, 7, 8], [7, 7, 8], [8], [10]]);
    expect(s.layers[2]!.params).toBe(32);
  });
});

describe('templates', () => {
  it('lists the four templates with the input kinds they fit', () => {
    expect(listTemplates().map((t) => [t.name, t.inputKinds])).toEqual([
      ['seed-cnn', ['image']], ['text-transformer', ['text']], ['vit-tiny', ['image']], ['mlp', ['tabular']],
    ]);
  });

  it('builds seed-cnn exactly as specified', () => {
    const s = templateFor('seed-cnn', mnist, 10);
    expect(s.layers.map((l) => l.type)).toEqual([
      'conv2d', 'maxPool2d', 'conv2d', 'maxPool2d', 'conv2d', 'flatten', 'dense', 'dense',
    ]);
    expect(s.training).toMatchObject({ optimizer: 'adam', learningRate: 0.002, schedule: { type: 'cosine', minLearningRate: 0 }, batchSize: 32, epochs: 10 });
    expect(s.layers[7]).toMatchObject({ units: 10, activation: 'softmax' });
  });

  it('picks vit patch sizes that tile the image', () => {
    expect(vitPatchSize(28, 28)).toBe(7);
    expect(vitPatchSize(32, 32)).toBe(4);
    expect(vitPatchSize(224, 224)).toBe(28);
    expect(templateFor('vit-tiny', mnist, 10).layers[0]).toMatchObject({ type: 'patchEmbedding', patchSize: 7 });
  });

  it('refuses a template that does not fit the input kind or size', () => {
    expect(() => templateFor('seed-cnn', text, 2)).toThrow(/needs image input, but this dataset is text; try text-transformer/);
    expect(() => templateFor('mlp', mnist, 2)).toThrow(StudioError);
    expect(() => templateFor('resnet', mnist, 2)).toThrow(/no model template "resnet"/);
    expect(() => templateFor('seed-cnn', { kind: 'image', height: 8, width: 8, channels: 1 }, 10)).toThrow(
      /does not fit this input: layer 4 \(maxPool2d\)/,
    );
    // By key, the layer's problem nested, for the app to say it in its language.
    const err = (() => {
      try {
        templateFor('seed-cnn', { kind: 'image', height: 8, width: 8, channels: 1 }, 10);
      } catch (e) {
        return e as StudioError;
      }
    })();
    expect(err?.said).toMatchObject({ key: 'errors.templateNoFit', params: { name: 'seed-cnn', problem: { key: 'model.atLayer', params: { n: '4', type: 'maxPool2d', problem: { key: 'model.poolTooBig' } } } } });
  });
});
