/**
 * The CLI path of early stopping across a resume: the state goes into checkpoint meta.json
 * through the RunRecorder, and `train --resume` (trainHeadless) restores it, so the resumed
 * run stops at the epoch the uninterrupted one did.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SplitConfig } from '../../../src-shared/datasets/schema';
import { HyperParams } from '../../../src-shared/runs/hyper-params';
import { parseModelSpec } from '../../../src-shared/models/spec';
import { Trainer } from '../../../src-engine/train/trainer';
import type { TrainerCallbacks, TrainResult } from '../../../src-engine/train/types';
import { datasetRelDir, newDatasetId, writeDataset } from '../../../src-main/datasets/dataset-files';
import { RunRecorder } from '../../../src-main/runs/run-recorder';
import { trainHeadless } from '../../../src-main/training/headless';
import { openDiskBatchProvider, DiskBatchProvider } from '../../../src-main/training/disk-batch-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';
import { useStudios } from '../services/studio-fixture';
import { useTempDirs } from '../services/temp-dir';

const CLIENT = 'cli';
const tempDir = useTempDirs();
const startStudio = useStudios();
const PATIENCE = 3;

beforeAll(async () => {
  // The backend trainHeadless picks for --backend cpu, for the straight run too.
  await setupNodeBackend('cpu');
});

/** 4x4 gray images, dark for class 0 and bright for class 1, with seeded noise. */
function images(n: number) {
  const pixels = new Uint8Array(n * 16);
  let s = 9;
  for (let i = 0; i < pixels.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    pixels[i] = (Math.floor(i / 16) % 2 ? 150 : 60) + (s % 80);
  }
  return pixels;
}

const spec = parseModelSpec({
  formatVersion: 1, name: 'tiny', template: null, input: { kind: 'image', height: 4, width: 4, channels: 1 }, numClasses: 2,
  layers: [{ type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }],
});
// Only the first epoch can improve by minDelta: the stop epoch depends on the patience count alone.
const hyper = HyperParams.parse({
  epochs: 12, batchSize: 16, optimizer: 'adam', learningRate: 0.01, seed: 3, backend: 'cpu',
  earlyStopping: { patience: PATIENCE, minDelta: 1e6 },
});

async function project() {
  const root = await tempDir();
  const { studio } = await startStudio(root);
  const view = await studio.projects.create('P', root, CLIENT);
  const n = 200;
  const id = newDatasetId();
  const manifest = await writeDataset(view.dir, {
    id, name: 'Shades', createdAt: new Date().toISOString(), sourceType: 'sample', split: SplitConfig.parse({}), startedAt: Date.now(),
    raw: { kind: 'image', classNames: ['dark', 'bright'], labels: Int32Array.from({ length: n }, (_, i) => i % 2), images: { height: 4, width: 4, channels: 1, pixels: images(n) }, skipped: [], warnings: [], description: 'test' },
  });
  await studio.projects.update(CLIENT, (m) => {
    m.datasets.push({ id, name: 'Shades', createdAt: manifest.createdAt, dir: datasetRelDir(id), kind: 'image', count: n });
  });
  return { studio, dir: view.dir, datasetId: id };
}

/** Trains in-process on the providers trainHeadless builds for these settings. */
async function trainDirect(dir: string, datasetId: string, callbacks: (t: () => Trainer) => TrainerCallbacks = () => ({})): Promise<TrainResult> {
  const train = await openDiskBatchProvider(dir, datasetId, 'train', { shuffle: true, seed: hyper.seed, limit: null });
  const validation = new DiskBatchProvider(train.data, 'validation', { shuffle: false, seed: hyper.seed, limit: null });
  const trainer: Trainer = new Trainer({ spec, hyper, train, validation, callbacks: callbacks(() => trainer) });
  return trainer.run();
}

describe('train --resume and early stopping', () => {
  it('restores the checkpoint\'s early-stopping state and stops at the same epoch as a straight run', async () => {
    const { studio, dir, datasetId } = await project();
    const straight = await trainDirect(dir, datasetId);
    expect(straight).toMatchObject({ status: 'early-stopped', last: { epoch: PATIENCE } });

    // A run recorded like the app's and the CLI's, stopped while its first epoch's checkpoint is saved.
    const store = new RunRecorder(studio, CLIENT);
    const run = await store.createRun({ spec, datasetId, hyper });
    const first = await trainDirect(dir, datasetId, (t) => ({
      async onCheckpoint(artifacts, info) {
        const { optimizer, ...model } = artifacts;
        await store.saveCheckpoint(run.id, { epoch: info.epoch, step: info.step, kind: info.kind, earlyStopping: info.earlyStopping }, model, optimizer ?? undefined);
        if (info.epoch === 0) t().stop();
      },
    }));
    await store.updateRun(run.id, 'stopped');
    expect(first.status).toBe('stopped');
    // Stopped during the epoch end: the epoch's checkpoint is the run's last, with no second one of the same state.
    const checkpoints = await studio.checkpoints.list(CLIENT, run.id);
    expect(checkpoints.map((c) => [c.kind, c.epoch])).toEqual([['epoch', 0]]);
    const epoch0 = checkpoints[0]!;
    expect(epoch0.earlyStopping).toMatchObject({ wait: 0, best: { epoch: 0 } });

    const resumed = await trainHeadless(studio, CLIENT, { resume: epoch0.id, backend: 'cpu' });
    expect(resumed.status).toBe('early-stopped');
    expect(resumed.last!.epoch).toBe(straight.last!.epoch);
    expect(resumed.best!.epoch).toBe(straight.best!.epoch);
    expect(resumed.best!.valLoss).toBeCloseTo(straight.best!.valLoss!, 6);
    // The CLI's own checkpoints keep the state too, for a further resume.
    const last = (await studio.checkpoints.list(CLIENT, resumed.runId)).at(-1)!;
    expect(last).toMatchObject({ kind: 'final', epoch: straight.last!.epoch, earlyStopping: { wait: PATIENCE } });
  });
});
