/** The leaderboard's network rows: figures from the checkpoint's files, its test evaluation and its run's batches. */
import { describe, expect, it } from 'vitest';
import { leaderboard, trainingSeconds, type LeaderboardDeps } from '../../../src-main/baselines/leaderboard';
import type { CheckpointMeta } from '../../../src-shared/checkpoints/checkpoint-meta';
import type { EvalResult } from '../../../src-shared/evaluations/eval-result';

const batch = (step: number, samplesPerSec: number) => ({ kind: 'batch' as const, epoch: 0, step, loss: 1, accuracy: 0.5, lr: 0.001, samplesPerSec, time: step * 1000 });

describe('training time from a run', () => {
  it('adds each stretch of batches at its own speed, up to the checkpoint', () => {
    // 10 batches of 32 at 320/s (1 s), then 10 at 160/s (2 s); the checkpoint is at step 20.
    const details = { run: { hyper: { batchSize: 32 } }, batches: [batch(30, 100), batch(10, 320), batch(20, 160)] };
    expect(trainingSeconds(details, 20)).toBeCloseTo(3, 10);
    expect(trainingSeconds(details, 30)).toBeCloseTo(3 + (10 * 32) / 100, 10);
    expect(trainingSeconds({ ...details, batches: [] }, 20)).toBeNull();
  });
});

describe('the leaderboard', () => {
  const evaluation = (accuracy: number): EvalResult => ({
    accuracy, loss: 0.3, confusion: [[8, 2], [1, 9]], perClass: [{ precision: 0.9, recall: 0.8, f1: 0.8, support: 10 }, { precision: 0.8, recall: 0.9, f1: 0.9, support: 10 }],
    latencyMsPerSample: 0.25, backend: 'wasm', misclassified: [], createdAt: '2025-01-01T00:00:00.000Z',
  });
  const ck = (id: string, patch: Partial<CheckpointMeta>) => ({ id, name: `Run 1 · ${id}`, runId: 'rn-aaaaaaaa', datasetId: 'ds-1', step: 10, kind: 'epoch', spec: { name: 'mlp' }, createdAt: '2025-01-01T00:00:00.000Z', files: { 'weights.bin': { sha256: 'a'.repeat(64), bytes: 1000 }, 'model.json': { sha256: 'b'.repeat(64), bytes: 24 } }, ...patch }) as unknown as CheckpointMeta;

  it('lists the checkpoints of the dataset that have a test evaluation, with their size on disk and training time', async () => {
    const deps: LeaderboardDeps = {
      baselines: { list: async () => [] },
      checkpoints: {
        list: async () => [ck('ck-aaaaaaa1', {}), ck('ck-aaaaaaa2', { datasetId: 'ds-2' }), ck('ck-aaaaaaa3', {}), ck('ck-aaaaaaa4', { kind: 'compressed' })],
        getEval: async (_c, id) => (id === 'ck-aaaaaaa3' ? null : evaluation(id === 'ck-aaaaaaa4' ? 0.9 : 0.85)),
      },
      runs: { get: async () => ({ run: { hyper: { batchSize: 32 } }, batches: [batch(10, 320)], epochs: [], batchTotal: 1 }) as never },
    };
    const rows = await leaderboard(deps, 'ws:1', 'ds-1');
    expect(rows.map((r) => r.sourceId)).toEqual(['ck-aaaaaaa4', 'ck-aaaaaaa1']);
    expect(rows[1]).toMatchObject({ kind: 'network', model: null, name: 'Run 1 · ck-aaaaaaa1', group: 'mlp', accuracy: 0.85, f1: expect.closeTo(0.85, 12), sizeBytes: 1024, latencyMs: 0.25, trainSeconds: 1, measuredOn: 'wasm', testSamples: 20 });
    // A compressed checkpoint was not trained by its run's batches.
    expect(rows[0]!.trainSeconds).toBeNull();
  });
});
