/**
 * Early stopping across a resume on the CPU backend: a run stopped at a checkpoint and resumed
 * from it stops at the same epoch, with the same best epoch, as the run that never stopped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EarlyStoppingState } from '../../../src-shared/checkpoints/checkpoint-meta';
import { HyperParams } from '../../../src-shared/runs/hyper-params';
import { Trainer } from '../../../src-engine/train/trainer';
import type { CheckpointArtifacts, CheckpointInfo, ResumePoint } from '../../../src-engine/train/types';
import { ArrayProvider, loadMnistArrays } from '../../../src-main/training/array-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';
import { tinyCnn } from './tiny-cnn';

beforeAll(async () => {
  await setupNodeBackend('cpu');
});

const spec = tinyCnn({ dropout: false });
const digits = loadMnistArrays('train', 256);
const heldOut = loadMnistArrays('test', 128);
const PATIENCE = 3;
// No epoch after the first can beat its loss by minDelta, so the run stops after exactly
// PATIENCE more epochs: the stop epoch then depends on the patience count alone.
const hyper = HyperParams.parse({
  epochs: 10, batchSize: 32, optimizer: 'adam', learningRate: 0.01, seed: 5, backend: 'cpu',
  earlyStopping: { patience: PATIENCE, minDelta: 1e6 },
});

/** Trains; `onCheckpoint` sees every checkpoint and may stop the trainer. */
async function train(resume?: ResumePoint, onCheckpoint?: (info: CheckpointInfo, t: Trainer) => void) {
  const checkpoints: (CheckpointInfo & { artifacts: CheckpointArtifacts })[] = [];
  const trainer: Trainer = new Trainer({
    spec,
    hyper,
    train: new ArrayProvider(digits, hyper.seed),
    validation: new ArrayProvider(heldOut, null),
    ...(resume ? { resume } : {}),
    callbacks: {
      onCheckpoint: async (artifacts, info) => {
        checkpoints.push({ ...info, artifacts });
        onCheckpoint?.(info, trainer);
      },
    },
  });
  return { result: await trainer.run(), checkpoints };
}

describe('early stopping across a resume (cpu)', () => {
  it(`stops at the same epoch with the same best validation loss after a Stop and a resume (patience ${PATIENCE})`, async () => {
    const straight = await train();
    expect(straight.result.status).toBe('early-stopped');
    expect(straight.result.last!.epoch).toBe(PATIENCE);

    // Stop pressed while epoch 0's checkpoint is saved: the run ends there, that checkpoint its last (no second, same-state one).
    const first = await train(undefined, (info, t) => {
      if (info.kind === 'epoch' && info.epoch === 0) t.stop();
    });
    expect(first.result.status).toBe('stopped');
    expect(first.checkpoints.map((c) => [c.kind, c.epoch])).toEqual([['epoch', 0]]);
    const stop = first.checkpoints.at(-1)!;
    expect(stop).toMatchObject({ earlyStopping: { wait: 0 } });
    // The state travels in the checkpoint's meta.json, as JSON.
    const stored = EarlyStoppingState.parse(JSON.parse(JSON.stringify(stop.earlyStopping)));

    const resumed = await train({ artifacts: stop.artifacts, nextEpoch: stop.epoch + 1, step: stop.step, earlyStopping: stored });
    expect(resumed.result.status).toBe('early-stopped');
    expect(resumed.result.last!.epoch).toBe(straight.result.last!.epoch);
    expect(resumed.checkpoints.at(-1)).toMatchObject({ kind: 'final', epoch: straight.result.last!.epoch });
    expect(resumed.result.best!.epoch).toBe(straight.result.best!.epoch);
    expect(resumed.result.best!.valLoss).toBeCloseTo(straight.result.best!.valLoss!, 6);
    expect(resumed.checkpoints.at(-1)!.earlyStopping.wait).toBe(PATIENCE);

    // Without the state (a checkpoint from before it was kept) patience starts over: one epoch later.
    const fresh = await train({ artifacts: stop.artifacts, nextEpoch: stop.epoch + 1, step: stop.step });
    expect(fresh.result.last!.epoch).toBe(straight.result.last!.epoch + 1);
  });
});
