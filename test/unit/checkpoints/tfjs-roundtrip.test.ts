import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointArtifacts } from '../../../src-main/checkpoints/checkpoint-files';
import { DATASET_ID, HYPER, mlpSpec, useTrainingProject } from '../runs/training-fixtures';

const setup = useTrainingProject();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A tiny dense model, trained a few steps so its weights and Adam's moments are not the initial ones. */
async function trainedModel() {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [2], units: 4, activation: 'relu' }), tfl.layers.dense({ units: 2, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tf.tensor1d([0, 1, 1, 0], 'float32');
  await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0 });
  x.dispose();
  y.dispose();
  return model;
}

describe('checkpoints with a real tfjs model', () => {
  it('round-trips through checkpoint:save and loadLayersModel with the same predictions', async () => {
    const { dir, ok } = await setup();
    const run = await ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER });
    const model = await trainedModel();
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const artifacts = saved as unknown as tf.io.ModelArtifacts;
    const optimizer = await tf.io.encodeWeights(await model.optimizer.getWeights());
    const meta = await ok('checkpoint:save', {
      runId: run.id,
      epoch: 2,
      step: 3,
      kind: 'epoch',
      metrics: { loss: 0.6 },
      modelTopology: artifacts.modelTopology as Record<string, unknown>,
      weightSpecs: artifacts.weightSpecs!,
      weightData: new Uint8Array(artifacts.weightData as ArrayBuffer),
      optimizer: { weightSpecs: optimizer.specs },
      optimizerWeightData: new Uint8Array(optimizer.data),
    });

    const probe = tf.tensor2d([[0.2, 0.9], [0.7, 0.1], [1, 1]]);
    const expected = await (model.predict(probe) as tf.Tensor).data();

    // The Node helper the CLI uses: plain tf.io.ModelArtifacts, no IPC.
    const { artifacts: fromDisk, optimizer: optState } = await loadCheckpointArtifacts(dir, meta.id);
    const restored = await tfl.loadLayersModel(tf.io.fromMemory(fromDisk as tf.io.ModelArtifacts));
    expect(Array.from(await (restored.predict(probe) as tf.Tensor).data())).toEqual(Array.from(expected));
    const moments = tf.io.decodeWeights(optState!.weightData, optState!.weightSpecs as tf.io.WeightsManifestEntry[]);
    const original = await model.optimizer.getWeights();
    expect(Object.keys(moments).sort()).toEqual(original.map((w) => w.name).sort());
    for (const w of original) expect(Array.from(await moments[w.name]!.data())).toEqual(Array.from(await w.tensor.data()));

    // What the renderer gets from checkpoint:load loads the same way.
    const viaIpc = await ok('checkpoint:load', { id: meta.id });
    const weightData = viaIpc.weightData as Uint8Array;
    const again = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: viaIpc.modelTopology,
        weightSpecs: viaIpc.weightSpecs,
        weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer,
      }),
    );
    expect(Array.from(await (again.predict(probe) as tf.Tensor).data())).toEqual(Array.from(expected));
  });
});
