import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBin } from './run-bin';
import { createStudio } from '../../../src-main/container';
import { createWebPlatform } from '../../../src-main/web-host/platform-adapter';

let work: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'ms-cli-ds-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

const cli = (...args: string[]) => runBin(work, args);

describe('model-studio dataset', () => {
  it('answers an image size out of range as bad usage (exit 2) with the limits, not a schema dump', async () => {
    const project = (await cli('new', '.', '--name', 'Sizes')).stdout.trim();
    for (const size of ['0x0', '100000x100000']) {
      const r = await cli('dataset', 'add', project, '--images', work, '--size', size);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--size takes WxH with sides of 4 to 1024 pixels, e.g. 28x28, not ${size}.`);
      expect(r.stderr).not.toContain('"code"');
    }
  });


  it('lists a damaged dataset with why beside the others, refuses to show it, and removes it with --yes', async () => {
    const project = (await cli('new', '.', '--name', 'Mixed')).stdout.trim();
    const good = (await cli('dataset', 'add', project, '--sample', 'names')).stdout.trim();
    const bad = (await cli('dataset', 'add', project, '--sample', 'names', '--name', 'Broken')).stdout.trim();
    // A manifest its schema rejects, as a NaN written as null once made.
    await writeFile(join(work, 'Mixed', 'datasets', bad, 'dataset.json'), '{"formatVersion": 1, "id": null}');

    const list = await cli('dataset', 'list', project);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${good}\\s+First names\\s+text`, 'm'));
    expect(list.stdout).toContain('Damaged (remove with: model-studio dataset remove <project> <id> --yes):');
    expect(list.stdout).toMatch(new RegExp(`^  ${bad}  Broken: dataset ${bad}: dataset.json is invalid`, 'm'));
    const json = await cli('dataset', 'list', project, '--json');
    expect(JSON.parse(json.stdout).map((m: { id: string }) => m.id)).toEqual([good]);
    expect(json.stderr).toContain(`dataset ${bad} (Broken) is damaged`);
    expect((await cli('dataset', 'show', project, good)).code).toBe(0);
    const show = await cli('dataset', 'show', project, 'Broken');
    expect(show.code).toBe(1);
    expect(show.stderr).toContain(`Remove it with: model-studio dataset remove <project> ${bad} --yes`);

    const unconfirmed = await cli('dataset', 'remove', project, bad);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('add --yes to confirm');
    const removed = await cli('dataset', 'remove', project, bad, '--yes');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(`Removed Broken (${bad}).\n`);
    expect(await readdir(join(work, 'Mixed', 'datasets'))).toEqual([good]);
    expect((await cli('dataset', 'list', project)).stdout).not.toContain('Damaged');
  });


  it('adds the names sample, then lists and shows it', async () => {
    const project = (await cli('new', '.', '--name', 'Names Lab')).stdout.trim();
    const added = await cli('dataset', 'add', project, '--sample', 'names', '--seed', '7');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const id = added.stdout.trim();
    expect(id).toMatch(/^ds-[0-9a-z]{8}$/);
    expect(await readdir(join(work, 'Names Lab', 'datasets'))).toEqual([id]);

    const list = await cli('dataset', 'list', project);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+First names\\s+text\\s+\\d+\\s+2$`, 'm'));

    const show = await cli('dataset', 'show', project, 'First names');
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^Kind:\s+text$/m);
    expect(show.stdout).toMatch(/^Shape:\s+16 int32 tokens \(char level/m);
    expect(show.stdout).toMatch(/^Split:\s+seed 7, validation 0.1, test 0.1$/m);
    expect(show.stdout).toMatch(/^female\s+\d+\s+\d+\s+\d+$/m);
    expect(show.stdout).toMatch(/^male\s+\d+\s+\d+\s+\d+$/m);

    const json = JSON.parse((await cli('dataset', 'show', project, id, '--json')).stdout);
    expect(json).toMatchObject({ id, name: 'First names', kind: 'text', classNames: ['female', 'male'] });
    expect(json.splits.train.count + json.splits.validation.count + json.splits.test.count).toBe(json.count);
    expect(JSON.parse((await cli('info', project, '--json')).stdout).manifest).toMatchObject({
      datasets: [{ id, name: 'First names', kind: 'text', dir: `datasets/${id}` }],
    });
  }, 60_000);

  it('refuses to write into a project open elsewhere, with one clear line and exit 1', async () => {
    const project = (await cli('new', '.', '--name', 'Busy')).stdout.trim();
    const studio = createStudio({ dataDir: join(work, 'app-data'), appVersion: '1.0.0', platform: createWebPlatform() });
    await studio.start();
    try {
      await studio.projects.open(project, 'window:1');
      const added = await cli('dataset', 'add', project, '--sample', 'names');
      expect(added.code).toBe(1);
      expect(added.stdout).toBe('');
      expect(added.stderr).toMatch(/^model-studio: .*is open in another window or process.*\n$/);
      expect(await readdir(join(work, 'Busy', 'datasets'))).toEqual([]);
    } finally {
      await studio.stop();
    }
  }, 60_000);

  it('explains bad usage with exit 2', async () => {
    const project = (await cli('new', '.', '--name', 'Usage')).stdout.trim();
    const both = await cli('dataset', 'add', project, '--sample', 'names', '--text', 'x');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exactly one of --sample');
    expect((await cli('dataset', 'add', project, '--sample', 'cifar')).stderr).toContain('unknown sample "cifar"');
  }, 60_000);
});
