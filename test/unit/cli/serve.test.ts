/**
 * `model-studio serve` through the real bin: a project's verified exports served by name,
 * an export folder served directly, bad usage refused (exit 2), a changed or linked model file
 * refused, and a graceful stop under load:
 * SIGTERM while requests are in flight lets every accepted request finish, then exits 0.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistArrays } from '../../../src-main/training/array-provider';
import { runBin } from './run-bin';

let work: string;
let project: string;
let exportId: string;
let exportDir: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ms-cli-serve-'));
  project = (await runBin(work, ['new', '.', '--name', 'Srv'])).stdout.trim();
  await runBin(work, ['dataset', 'add', project, '--sample', 'mnist']);
  const train = await runBin(work, ['train', project, '--dataset', 'MNIST', '--model', 'seed-cnn', '--limit', '500', '--epochs', '1', '--json']);
  expect(train.code, train.stderr).toBe(0);
  const r = await runBin(work, ['export', project, '--checkpoint', JSON.parse(train.stdout).checkpointIds[0], '--format', 'onnx', '--verify', '30', '--json']);
  expect(r.code, r.stderr).toBe(0);
  ({ exportId, dir: exportDir } = JSON.parse(r.stdout));
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Starts `serve` and resolves with its URL once it prints it; `done` is the finished run. */
function serve(args: string[]) {
  let child!: ChildProcess;
  let announced!: (url: string) => void;
  const url = new Promise<string>((r) => (announced = r));
  const done = runBin(
    work,
    ['serve', ...args, '--port', '0'],
    (text) => {
      const m = /Serving \d+ models? at (http:\/\/\S+)/.exec(text);
      if (m) announced(m[1]!);
    },
    (c) => (child = c),
  );
  void done.then((r) => announced(`exited ${r.code}: ${r.stderr}`));
  return { url, done, child: () => child };
}

const digit = Array.from(loadMnistArrays('test', 1).x, (v) => v / 255);
const infer = (url: string, model: string) =>
  fetch(`${url}/v2/models/${model}/infer`, { method: 'POST', body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 28, 28, 1], datatype: 'FP32', data: digit }] }) });

describe('model-studio serve', () => {
  it('serves a project’s export under the name given, and stops gracefully on SIGTERM with requests in flight', async () => {
    const s = serve([project, '--export', `${exportId}=digits`, '--max-batch', '1']);
    const url = await s.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(((await (await fetch(`${url}/v2/models/digits`)).json()) as { name: string }).name).toBe('digits');
    // 60 requests at once, one at a time through the model: SIGTERM lands while most still wait.
    const pending = Array.from({ length: 60 }, () => infer(url, 'digits').then((r) => r.status, () => 'refused'));
    await new Promise((r) => setTimeout(r, 30));
    s.child().kill('SIGTERM');
    const killed = performance.now();
    const statuses = await Promise.all(pending);
    const run = await s.done;
    // It stops once the requests are answered, not after the 30 s grace (a leftover timer once kept it alive that long).
    expect(performance.now() - killed).toBeLessThan(10_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/SIGTERM: stopping…\nStopped\./);
    // Every request the server had taken was answered; none failed half-way.
    expect(statuses.filter((v) => v === 200).length).toBeGreaterThan(0);
    expect(statuses.every((v) => v === 200 || v === 503 || v === 'refused')).toBe(true);
    const logged = run.stdout.split('\n').filter((l) => l.includes('/infer')).length;
    expect(logged).toBe(statuses.filter((v) => v !== 'refused').length);
  }, 60_000);

  it('serves one export folder directly, by its name', async () => {
    const s = serve([exportDir]);
    const url = await s.url;
    const index = (await (await fetch(`${url}/v2/repository/index`, { method: 'POST' })).json()) as { name: string }[];
    expect(index).toHaveLength(1);
    expect((await infer(url, index[0]!.name)).status).toBe(200);
    s.child().kill('SIGINT');
    expect((await s.done).code).toBe(0);
  }, 30_000);

  it('refuses bad usage before serving: another address without a token, a short token, an unknown export', async () => {
    const open = await runBin(work, ['serve', project, '--host', '0.0.0.0']);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/--host 0\.0\.0\.0 is reachable from other machines: give --token/);
    expect((await runBin(work, ['serve', project, '--token', 'short'])).stderr).toMatch(/at least 16 characters/);
    const unknown = await runBin(work, ['serve', project, '--export', 'ex-nothere1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(new RegExp(`no export ex-nothere1 in this project; its exports: ${exportId}`));
  }, 30_000);

  it('refuses an export whose model was changed, or put behind a link inside the project (last: it breaks the export)', async () => {
    const model = join(exportDir, 'model.onnx');
    const bytes = readFileSync(model);
    writeFileSync(model, Buffer.concat([bytes, Buffer.from([0])]));
    const changed = await runBin(work, ['serve', project, '--export', exportId]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/model\.onnx in .* does not match its checksum in export\.json: it was changed or damaged/);
    const copy = join(work, 'elsewhere.onnx');
    writeFileSync(copy, bytes);
    rmSync(model);
    symlinkSync(copy, model);
    const linked = await runBin(work, ['serve', project, '--export', exportId]);
    expect(linked.code).toBe(1);
    expect(linked.stderr).toMatch(/model\.onnx in the project is a link to .*elsewhere\.onnx: Model Studio does not follow links inside a project/);
  }, 30_000);
});

