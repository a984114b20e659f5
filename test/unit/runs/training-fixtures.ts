/** A started studio with a project open and a dataset entry, plus helpers to call channels through dispatch. */
import type { Result } from '../../../src-shared/errors';
import type { Channel, RequestOf } from '../../../src-shared/ipc/contract';
import type { MetricRecordInput } from '../../../src-shared/runs/metrics';
import type { ModelSpecInput } from '../../../src-shared/models/spec';
import type { Studio } from '../../../src-main/container';
import { dispatch } from '../../../src-main/ipc/dispatch';
import { useStudios } from '../services/studio-fixture';
import { useTempDirs } from '../services/temp-dir';

export const CLIENT = 'ws:1';
export const DATASET_ID = 'ds-abcd1234';

/** A small valid MLP spec for two tabular features and two classes. */
export function mlpSpec(overrides: Partial<ModelSpecInput> = {}): ModelSpecInput {
  return {
    formatVersion: 1,
    name: 'Tiny MLP',
    template: 'mlp',
    input: { kind: 'tabular', features: ['a', 'b'] },
    numClasses: 2,
    layers: [
      { type: 'dense', units: 4, activation: 'relu' },
      { type: 'dense', units: 2, activation: 'softmax' },
    ],
    ...overrides,
  };
}

/** The weight specs of mlpSpec's layers (88 bytes of float32). */
export const MLP_WEIGHT_SPECS = [
  { name: 'dense_1/kernel', shape: [2, 4], dtype: 'float32' as const },
  { name: 'dense_1/bias', shape: [4], dtype: 'float32' as const },
  { name: 'dense_2/kernel', shape: [4, 2], dtype: 'float32' as const },
  { name: 'dense_2/bias', shape: [2], dtype: 'float32' as const },
];

/** A checkpoint:save request of mlpSpec at an epoch end, with zero weights. */
export function mlpCheckpoint(runId: string, epoch: number) {
  return {
    runId, epoch, step: epoch + 1, kind: 'epoch' as const, metrics: { loss: 0.5 }, modelTopology: { class_name: 'Sequential' },
    weightSpecs: MLP_WEIGHT_SPECS, weightData: new Uint8Array(88),
  };
}

/** Hyper-parameters of a short CPU run. */
export const HYPER = { epochs: 2, batchSize: 4, optimizer: 'adam', learningRate: 0.01, seed: 7, backend: 'cpu' } as const;

/** A metric record with plausible values. */
export function record(kind: 'batch' | 'epoch', epoch: number, step: number, extra: Partial<MetricRecordInput> = {}): MetricRecordInput {
  return { kind, epoch, step, loss: 1 / (step + 1), accuracy: 0.5, lr: 0.01, samplesPerSec: 100, time: 1_700_000_000_000 + step, ...extra };
}

/** Registers teardown; the returned function starts a studio with a project (and a dataset entry) open for CLIENT. */
export function useTrainingProject() {
  const tempDir = useTempDirs();
  const startStudio = useStudios();
  return async () => {
    const root = await tempDir();
    const { studio, seen } = await startStudio(root);
    const view = await studio.projects.create('P', root, CLIENT);
    // Runs only check that the dataset is in the project; its files do not matter here.
    await studio.projects.update(CLIENT, (m) => {
      m.datasets.push({ id: DATASET_ID, name: 'D', createdAt: new Date().toISOString(), dir: `datasets/${DATASET_ID}`, kind: 'tabular', count: 8 });
    });
    const call = <C extends Channel>(channel: C, payload: RequestOf<C>, clientId = CLIENT): Promise<Result<any>> =>
      dispatch(studio.handlers, channel, payload, { clientId });
    /** The value of a successful call; a failed one throws with its code and message. */
    const ok = async <C extends Channel>(channel: C, payload: RequestOf<C>): Promise<any> => {
      const r = await call(channel, payload);
      if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
      return r.value;
    };
    return { root, dir: view.dir, studio: studio as Studio, seen, call, ok };
  };
}
