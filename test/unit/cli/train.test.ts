/**
 * `model-studio train` and `eval` end to end through the real bin: the MNIST sample, a short
 * seed-cnn run that beats chance by far, its checkpoints in the project, an evaluation, Ctrl+C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeWasmThreads } from '../../../src-main/training/wasm-threads';
import { runBin } from './run-bin';

let work: string;
let project: string;
let dataset: string;

const cli = (args: string[], onStderr?: Parameters<typeof runBin>[2]) => runBin(work, args, onStderr);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ms-cli-train-'));
  project = (await cli(['new', '.', '--name', 'Digits'])).stdout.trim();
  const added = await cli(['dataset', 'add', project, '--sample', 'mnist']);
  expect(added.code).toBe(0);
  dataset = added.stdout.trim();
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('model-studio train and eval', () => {
  it('trains seed-cnn on 3,000 digits for one epoch, lists the checkpoint, and evaluates it well above chance', async () => {
    const train = await cli(['train', project, '--dataset', 'MNIST', '--model', 'seed-cnn', '--limit', '3000', '--batch', '16', '--epochs', '1', '--json']);
    expect(train.code, train.stderr).toBe(0);
    const summary = JSON.parse(train.stdout);
    expect(summary).toMatchObject({ status: 'completed', epochsDone: 1, step: 188, backend: 'wasm', datasetId: dataset, model: 'seed-cnn' });
    expect(summary.runId).toMatch(/^rn-[0-9a-z]{8}$/);
    // WASM on one thread per core (the threaded build), said in the progress and the summary.
    const threads = nodeWasmThreads();
    expect(summary.wasmThreads).toBe(threads);
    expect(train.stderr).toContain(`backend wasm (SIMD, ${threads} thread${threads === 1 ? '' : 's'}): run ${summary.runId}`);
    expect(summary.checkpointIds).toHaveLength(1);
    expect(summary.metrics.valAccuracy).toBeGreaterThan(0.85);
    expect(train.stderr).toMatch(/^epoch 1\/1 {2}loss [\d.]+ {2}acc [\d.]+% {2}val_loss [\d.]+ {2}val_acc [\d.]+% {2}\d+ samples\/s {2}ck-/m);

    const info = JSON.parse((await cli(['info', project, '--json'])).stdout);
    const [checkpointId] = summary.checkpointIds;
    expect(info.manifest.checkpoints.map((c: { id: string }) => c.id)).toEqual([checkpointId]);
    expect(info.manifest.runs).toMatchObject([{ id: summary.runId, status: 'completed' }]);
    const metrics = (await readFile(join(work, 'Digits', 'runs', summary.runId, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.filter((r) => r.kind === 'batch')).toHaveLength(188);
    expect(metrics.filter((r) => r.kind === 'epoch')).toHaveLength(1);

    const evaluated = await cli(['eval', project, '--checkpoint', checkpointId, '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const result = JSON.parse(evaluated.stdout);
    expect(result).toMatchObject({ checkpointId, split: 'test', samples: 10_000, backend: 'wasm' });
    expect(result.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(result.confusion).toHaveLength(10);
    const saved = JSON.parse(await readFile(join(work, 'Digits', 'checkpoints', checkpointId, 'eval-test.json'), 'utf8'));
    expect(saved.accuracy).toBe(result.accuracy);

    const text = await cli(['eval', project, '--checkpoint', checkpointId, '--limit', '500']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Accuracy: +\d+\.\d\d%$/m);
    expect(text.stdout).toMatch(/^class +precision +recall +f1 +support$/m);
    expect(text.stdout).toMatch(/^Confusion matrix \(rows: actual, columns: predicted\)$/m);
  }, 90_000);

  it('stops cleanly on Ctrl+C with a stop checkpoint, which a later run resumes with the same settings', async () => {
    let sent = false;
    const args = ['--limit', '2000', '--epochs', '3', '--seed', '7', '--lr', '0.002', '--schedule', 'step:2:0.5', '--warmup', '5', '--json'];
    const stopped = await cli(['train', project, '--dataset', dataset, '--model', 'seed-cnn', ...args], (err, child) => {
      if (sent || !err.includes('Training seed-cnn')) return;
      sent = true;
      // Part-way through the first epoch (about 5 s at ~400 samples/s).
      setTimeout(() => child.kill('SIGINT'), 1500);
    });
    expect(stopped.code, stopped.stderr).toBe(0);
    const summary = JSON.parse(stopped.stdout);
    expect(summary.status).toBe('stopped');
    expect(stopped.stderr).toMatch(/Stopping after this batch/);
    const stopId = summary.checkpointIds.at(-1);
    const meta = JSON.parse(await readFile(join(work, 'Digits', 'checkpoints', stopId, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ kind: 'stop', runId: summary.runId, epoch: 0, step: summary.step });

    const resumed = await cli(['train', project, '--resume', stopId, '--epochs', '1', '--limit', '200', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = JSON.parse(resumed.stdout);
    expect(after).toMatchObject({ status: 'completed', epochsDone: 1, step: summary.step + 7 });
    // The seed, learning rate, schedule and warm-up carry over; what the command gave wins.
    const run = JSON.parse(await readFile(join(work, 'Digits', 'runs', after.runId, 'run.json'), 'utf8'));
    expect(run.hyper).toMatchObject({ seed: 7, learningRate: 0.002, schedule: { type: 'step', every: 2, factor: 0.5 }, warmup: 5, epochs: 1, limit: 200 });
  }, 60_000);

  it('refuses bad usage with exit code 2 and a missing dataset with exit code 1', async () => {
    expect((await cli(['train', project, '--dataset', 'MNIST'])).code).toBe(2);
    expect((await cli(['train', project, '--dataset', 'MNIST', '--model', 'seed-cnn', '--backend', 'tpu'])).code).toBe(2);
    expect((await cli(['eval', project])).code).toBe(2);
    const schedule = await cli(['train', project, '--dataset', 'MNIST', '--model', 'seed-cnn', '--schedule', 'step:0:2']);
    expect(schedule.code).toBe(2);
    expect(schedule.stderr).toMatch(/--schedule takes constant, cosine or step:<every>:<factor>/);
    const missing = await cli(['train', project, '--dataset', 'nope', '--model', 'seed-cnn']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/has no dataset "nope"/);
  }, 30_000);
});
