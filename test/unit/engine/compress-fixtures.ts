/** Small MNIST CNNs trained for one epoch, the parents the compression tests compress. */
import { HyperParams } from '../../../src-shared/runs/hyper-params';
import { type LayerSpecInput, type ModelSpec, parseModelSpec } from '../../../src-shared/models/spec';
import type { ModelArtifacts } from '../../../src-engine/compress/quantize';
import { Trainer } from '../../../src-engine/train/trainer';
import type { BatchProvider } from '../../../src-engine/train/types';

/** A 10-class model of 28x28 grey digits with these layers (training batch 32). */
export function mnistModel(layers: LayerSpecInput[]): ModelSpec {
  return parseModelSpec({
    formatVersion: 1,
    name: 'small',
    template: null,
    input: { kind: 'image', height: 28, width: 28, channels: 1 },
    numClasses: 10,
    layers,
    training: { batchSize: 32 },
  });
}

/** One epoch of Adam on `train` (no validation); the model as its final checkpoint holds it. */
export async function trainOneEpoch(spec: ModelSpec, train: BatchProvider, opts: { seed: number; learningRate: number }): Promise<ModelArtifacts> {
  let last: ModelArtifacts | null = null;
  await new Trainer({
    spec,
    hyper: HyperParams.parse({ epochs: 1, batchSize: 32, optimizer: 'adam', learningRate: opts.learningRate, seed: opts.seed, backend: 'wasm' }),
    train,
    validation: null,
    callbacks: { onCheckpoint: async (a) => void (last = { modelTopology: a.modelTopology, weightSpecs: a.weightSpecs, weightData: a.weightData }) },
  }).run();
  if (!last) throw new Error('Training ended without a checkpoint');
  return last;
}
