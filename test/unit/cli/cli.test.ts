import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BIN = resolve('bin/model-studio.js');

let work: string;

/** Runs the real bin as a user would, in the temp folder, with no stdin. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: work,
    encoding: 'utf8',
    input: '',
    env: { ...process.env, MODEL_STUDIO_DATA_DIR: join(work, 'data') },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'ms-cli-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('model-studio CLI', () => {
  it('creates a project with new and describes it with info', () => {
    const created = cli('new', '.', '--name', 'Digits Lab');
    expect(created.code).toBe(0);
    expect(created.stderr).toBe('');
    const path = created.stdout.trim();
    expect(path).toBe(join(work, 'Digits Lab', 'Digits Lab.mstudio'));
    expect(JSON.parse(readFileSync(path, 'utf8')).name).toBe('Digits Lab');

    const info = cli('info', path);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/^Name:\s+Digits Lab$/m);
    expect(info.stdout).toMatch(/^Format version:\s+1$/m);
    expect(info.stdout).toMatch(/^Datasets:\s+0$/m);
    expect(info.stdout).toMatch(/^Exports:\s+0$/m);
  });

  it('prints the project as JSON with info --json, accepting the project folder too', () => {
    const path = cli('new', work, '--name', 'Json').stdout.trim();
    const info = cli('info', join(work, 'Json'), '--json');
    expect(info.code).toBe(0);
    const view = JSON.parse(info.stdout);
    expect(view.path).toBe(path);
    expect(view.manifest).toMatchObject({ name: 'Json', formatVersion: 1, datasets: [], exports: [] });
  });

  it('lists the names of stored entries', () => {
    const path = cli('new', work, '--name', 'Full').stdout.trim();
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    const at = manifest.createdAt;
    manifest.datasets = [
      { id: 'd1', name: 'MNIST', createdAt: at, dir: 'datasets/d1' },
      { id: 'd2', name: 'Fashion', createdAt: at, dir: 'datasets/d2' },
    ];
    manifest.models = [{ id: 'm1', name: 'Seed CNN', createdAt: at, dir: 'models/m1' }];
    writeFileSync(path, JSON.stringify(manifest));
    const info = cli('info', path);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/^Datasets:\s+2: MNIST, Fashion$/m);
    expect(info.stdout).toMatch(/^Models:\s+1: Seed CNN$/m);
  });

  it('fails with one line on stderr and leaves a corrupt file byte-for-byte unchanged', () => {
    mkdirSync(join(work, 'Broken'));
    const path = join(work, 'Broken', 'Broken.mstudio');
    const bytes = '{"format": "model-studio/project", "formatVersion": 1, "name": ';
    writeFileSync(path, bytes);
    const info = cli('info', path);
    expect(info.code).toBe(1);
    expect(info.stdout).toBe('');
    expect(info.stderr.endsWith('\n')).toBe(true);
    expect(info.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(info.stderr).toMatch(/^model-studio: .*not valid JSON/);
    expect(readFileSync(path, 'utf8')).toBe(bytes);
  });

  it('reports a project from a newer format version as a failure', () => {
    const path = join(work, 'Future.mstudio');
    writeFileSync(path, JSON.stringify({ format: 'model-studio/project', formatVersion: 99 }));
    const info = cli('info', path);
    expect(info.code).toBe(1);
    expect(info.stderr).toMatch(/^model-studio: .*format version 99.*\n$/);
  });

  it('refuses an invalid project name and an existing project folder with exit code 1', () => {
    expect(cli('new', work, '--name', 'a/b')).toMatchObject({ code: 1, stdout: '' });
    expect(cli('new', work, '--name', 'Twice').code).toBe(0);
    const again = cli('new', work, '--name', 'Twice');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^model-studio: .*already exists/);
  });

  it('exits 2 with a reason and a hint for bad usage', () => {
    for (const args of [['frobnicate'], [], ['new', work], ['info'], ['info', 'a', 'b'], ['info', 'x', '--jsn']]) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^model-studio: /);
      expect(lines[1]).toBe("Run 'model-studio --help' for usage.");
    }
  });

  it('prints help and the version', () => {
    const help = cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^\s+new\s/m);
    expect(help.stdout).toMatch(/^\s+info\s/m);
    expect(cli('help', 'info').stdout).toContain('model-studio info <project.mstudio> [--json]');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(cli('--version')).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });
});
