/**
 * The CLI as the package ships it: the bundle `npm run build` makes (out/cli/model-studio.mjs),
 * run by plain Node with no TypeScript loader. Its chunks find package.json, the samples and
 * the TF.js resources from where they sit, and it trains and exports like the sources do.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BUNDLE = resolve('out/cli/model-studio.mjs');

describe('the built CLI bundle', () => {
  let work: string;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BUNDLE, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, MODEL_STUDIO_DATA_DIR: join(work, 'data') } });

  beforeAll(() => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run "npm run build" first (npm test does).`);
    work = mkdtempSync(join(tmpdir(), 'ms-cli-bundle-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('prints the package version', () => {
    const r = run('--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}\n`);
  });

  it('creates a project, imports a sample, trains a model and exports it to ONNX, verified', { timeout: 180_000 }, () => {
    expect(run('new', work, '--name', 'Names').status).toBe(0);
    const project = join(work, 'Names');
    const add = run('dataset', 'add', project, '--sample', 'names', '--json');
    expect(add.status, add.stderr).toBe(0);
    const datasetId = (JSON.parse(add.stdout) as { id: string }).id;
    const train = run('train', project, '--dataset', datasetId, '--model', 'text-transformer', '--epochs', '1', '--limit', '256', '--json');
    expect(train.status, train.stderr).toBe(0);
    const { checkpointIds } = JSON.parse(train.stdout) as { checkpointIds: string[] };
    const exp = run('export', project, '--checkpoint', checkpointIds.at(-1)!, '--format', 'onnx', '--json');
    expect(exp.status, exp.stderr).toBe(0);
    const out = JSON.parse(exp.stdout) as { status: string; verification: { agreement: number; samples: number } };
    expect(out.status).toBe('verified');
    expect(out.verification.samples).toBeGreaterThan(0);
    expect(out.verification.agreement).toBeGreaterThanOrEqual(0.999);
  });

  it('exits 2 for bad usage, as the sources do', () => {
    const r = run('train');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^model-studio: /);
  });
});
