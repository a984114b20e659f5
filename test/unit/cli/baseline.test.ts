/**
 * `model-studio baseline` end to end on a CSV, as a user runs it: every model trains on the
 * training split and is scored on the test split, with the figures --json promises.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../src-shared/random';
import { runBin } from './run-bin';

let work: string;
let project: string;
const cli = (args: string[]) => runBin(work, args);

/** Three classes in 4 features: two informative blobs' axes, one noise column, one with missing values. */
function blobsCsv(perClass: number): string {
  const rng = createRng(9);
  const normal = () => Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
  const lines = ['a,b,noise,sparse,label'];
  [[0, 0], [5, 0], [0, 5]].forEach(([cx, cy], c) => {
    for (let i = 0; i < perClass; i++) {
      const sparse = i % 7 === 0 ? '' : (cx! + normal()).toFixed(3);
      lines.push(`${(cx! + normal()).toFixed(3)},${(cy! + normal()).toFixed(3)},${normal().toFixed(3)},${sparse},${['red', 'green', 'blue'][c]}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ms-cli-baseline-'));
  writeFileSync(join(work, 'blobs.csv'), blobsCsv(100));
  expect((await cli(['new', work, '--name', 'Blobs'])).code).toBe(0);
  project = join(work, 'Blobs');
  const add = await cli(['dataset', 'add', project, '--csv', join(work, 'blobs.csv'), '--label', 'label', '--name', 'blobs']);
  expect(add.code, add.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('model-studio baseline', () => {
  it('trains every model on a CSV dataset and scores it on the test split (--json)', { timeout: 120_000 }, async () => {
    const r = await cli(['baseline', project, '--dataset', 'blobs', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { testSamples: number; features: number; results: { model: string; accuracy: number; f1: number; trainSeconds: number; latencyMs: number; sizeBytes: number; trainSamples: number; subsampledTo: number | null }[] };
    expect(out.features).toBe(4);
    expect(out.testSamples).toBe(30);
    expect(out.results.map((m) => m.model)).toEqual(['lr', 'svm', 'svm-linear', 'tree', 'forest', 'knn', 'nb']);
    for (const m of out.results) {
      expect(m.accuracy, m.model).toBeGreaterThan(0.85);
      expect(m.f1, m.model).toBeGreaterThan(0.85);
      expect(m.trainSeconds).toBeGreaterThanOrEqual(0);
      expect(m.latencyMs).toBeGreaterThan(0);
      expect(m.sizeBytes).toBeGreaterThan(0);
      expect(m.trainSamples).toBe(240);
      expect(m.subsampledTo).toBeNull();
    }
  });

  it('runs the models asked for, with a table for people', { timeout: 60_000 }, async () => {
    const r = await cli(['baseline', project, '--dataset', 'blobs', '--models', 'nb,knn']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Baselines on blobs: 4 features, scored on 30 test samples\n/);
    expect(r.stdout.trim().split('\n').slice(2, -1).map((l) => l.trim().split(/\s+/)[0])).toEqual(['nb', 'knn']);
    expect(r.stdout).toMatch(/\n  nb .* varSmoothing=1e-9\n  knn .* k=5\nStored as baselines\/bl-[a-z0-9]{8}\/ \(bl-[a-z0-9]{8}\)\n$/);
  });

  it('stores each run in the project (listed by info), or nothing with --no-save', { timeout: 60_000 }, async () => {
    const before = JSON.parse((await cli(['info', project, '--json'])).stdout) as { manifest: { baselines: { id: string }[] } };
    const saved = JSON.parse((await cli(['baseline', project, '--dataset', 'blobs', '--models', 'nb', '--name', 'NB only', '--json'])).stdout) as { id: string };
    expect(saved.id).toMatch(/^bl-[a-z0-9]{8}$/);
    const after = JSON.parse((await cli(['info', project, '--json'])).stdout) as { manifest: { baselines: { id: string; name: string }[] } };
    expect(after.manifest.baselines.slice(before.manifest.baselines.length)).toEqual([expect.objectContaining({ id: saved.id, name: 'NB only' })]);
    expect(readdirSync(join(project, 'baselines', saved.id)).sort()).toEqual(['baseline.json', 'features.json', 'nb.json']);
    expect((await cli(['info', project])).stdout).toMatch(/Baselines:\s+\d+: .*NB only/);

    const dry = JSON.parse((await cli(['baseline', project, '--dataset', 'blobs', '--models', 'nb', '--no-save', '--json'])).stdout) as { id: null; results: unknown[] };
    expect(dry.id).toBeNull();
    expect(dry.results).toHaveLength(1);
    const last = JSON.parse((await cli(['info', project, '--json'])).stdout) as { manifest: { baselines: unknown[] } };
    expect(last.manifest.baselines).toHaveLength(after.manifest.baselines.length);
  });

  it('takes settings as JSON and searches a grid on the validation split', { timeout: 60_000 }, async () => {
    const set = JSON.parse((await cli(['baseline', project, '--dataset', 'blobs', '--models', 'knn,tree', '--settings', '{"knn":{"k":9},"tree":{"maxDepth":2}}', '--no-save', '--json'])).stdout) as { results: { settings: Record<string, unknown>; search: null }[] };
    expect(set.results.map((r) => r.settings)).toEqual([{ k: 9 }, { maxDepth: 2, minSamples: 1 }]);
    const searched = JSON.parse((await cli(['baseline', project, '--dataset', 'blobs', '--models', 'lr', '--search', '--no-save', '--json'])).stdout) as { results: { settings: { C: number }; search: { settings: { C: number }; valAccuracy: number }[] }[] };
    expect(searched.results[0]!.search.map((s) => s.settings.C)).toEqual([1, 0.1, 10]);
    const bad = await cli(['baseline', project, '--dataset', 'blobs', '--settings', '{"knn":{"k":0}}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--settings: knn\.k /);
  });

  it('refuses an unknown model (exit 2) and an unknown dataset (exit 1), each with one line', async () => {
    const bad = await cli(['baseline', project, '--dataset', 'blobs', '--models', 'lr,deep']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--models takes .*not deep/);
    const missing = await cli(['baseline', project, '--dataset', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^model-studio: Blobs has no dataset "nope"\./)]);
  });
});
