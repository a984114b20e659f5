/**
 * A dataset's leaderboard: every stored baseline model (scored on the dataset's split as it is
 * now, with its files intact) and every checkpoint trained on the
 * dataset that has a test evaluation, with the figures each one's files give: test accuracy,
 * macro F1, bytes on disk, latency per sample, and training time (the fit, or the training
 * batches up to the checkpoint from the run's metrics: steps × batch size ÷ samples/s, so pauses
 * and validation are not counted).
 */
import type { LeaderboardRow } from '../../src-shared/ipc/baseline-contract';
import type { CheckpointMeta } from '../../src-shared/checkpoints/checkpoint-meta';
import type { RunDetails } from '../../src-shared/ipc/training-contract';
import type { CheckpointService } from '../checkpoints/checkpoint-service';
import type { RunService } from '../runs/run-service';
import type { BaselineService } from './baseline-service';

export interface LeaderboardDeps {
  baselines: Pick<BaselineService, 'list'>;
  checkpoints: Pick<CheckpointService, 'list' | 'getEval'>;
  runs: Pick<RunService, 'get'>;
}

const macroF1 = (perClass: { f1: number; support: number }[]) => {
  const present = perClass.filter((c) => c.support > 0);
  return present.reduce((a, c) => a + c.f1, 0) / Math.max(1, present.length);
};

/** Seconds of training batches up to `step`, from the run's batch records (null when it has none). */
export function trainingSeconds(details: Pick<RunDetails, 'batches'> & { run: { hyper: { batchSize: number } } }, step: number): number | null {
  let seconds = 0;
  let prev = 0;
  let counted = false;
  for (const r of [...details.batches].sort((a, b) => a.step - b.step)) {
    if (r.step > step) break;
    if (r.samplesPerSec > 0) {
      seconds += ((r.step - prev) * details.run.hyper.batchSize) / r.samplesPerSec;
      counted = true;
    }
    prev = r.step;
  }
  return counted ? seconds : null;
}

async function networkRow(deps: LeaderboardDeps, clientId: string, ck: CheckpointMeta, runs: Map<string, Promise<RunDetails | null>>): Promise<LeaderboardRow | null> {
  const evaluation = await deps.checkpoints.getEval(clientId, ck.id, 'test');
  if (!evaluation) return null;
  if (!runs.has(ck.runId)) runs.set(ck.runId, deps.runs.get(clientId, ck.runId, 100_000).catch(() => null));
  const run = await runs.get(ck.runId)!;
  const testSamples = evaluation.confusion.reduce((a, row) => a + row.reduce((b, v) => b + v, 0), 0);
  return {
    kind: 'network',
    sourceId: ck.id,
    model: null,
    name: ck.name,
    group: ck.spec.name,
    accuracy: evaluation.accuracy,
    f1: macroF1(evaluation.perClass),
    sizeBytes: Object.values(ck.files).reduce((a, f) => a + f.bytes, 0),
    latencyMs: evaluation.latencyMsPerSample,
    // A compressed checkpoint was not trained by its run's batches up to its step.
    trainSeconds: run && ck.kind !== 'compressed' ? trainingSeconds(run, ck.step) : null,
    measuredOn: evaluation.backend,
    testSamples,
    createdAt: ck.createdAt,
  };
}

/** The rows of one dataset, best test accuracy first. */
export async function leaderboard(deps: LeaderboardDeps, clientId: string, datasetId: string): Promise<LeaderboardRow[]> {
  const rows: LeaderboardRow[] = [];
  // A damaged run is not trusted; a stale one was scored on other test samples than the dataset has now.
  for (const { meta, damaged, stale } of await deps.baselines.list(clientId, datasetId)) {
    if (damaged || stale) continue;
    for (const r of meta.results) {
      rows.push({
        kind: 'baseline',
        sourceId: meta.id,
        model: r.model,
        name: r.title,
        group: meta.name,
        accuracy: r.accuracy,
        f1: r.f1,
        sizeBytes: r.sizeBytes,
        latencyMs: r.latencyMs,
        trainSeconds: r.trainSeconds,
        measuredOn: 'Node',
        testSamples: meta.testSamples,
        createdAt: meta.createdAt,
      });
    }
  }
  const runs = new Map<string, Promise<RunDetails | null>>();
  for (const ck of (await deps.checkpoints.list(clientId)).filter((c) => c.datasetId === datasetId)) {
    const row = await networkRow(deps, clientId, ck, runs).catch((err: unknown) => {
      console.error(`Leaving checkpoint ${ck.name} off the leaderboard:`, (err as Error).message);
      return null;
    });
    if (row) rows.push(row);
  }
  return rows.sort((a, b) => b.accuracy - a.accuracy || a.sizeBytes - b.sizeBytes);
}
