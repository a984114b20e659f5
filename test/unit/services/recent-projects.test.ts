import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_RECENT, RecentProjectsService } from '../../../src-main/services/recent-projects';
import { useTempDirs } from './temp-dir';

const tempDir = useTempDirs();

async function projectFile(dir: string, name: string): Promise<string> {
  const file = join(dir, `${name}.mstudio`);
  await writeFile(file, '{}');
  return file;
}

describe('RecentProjectsService', () => {
  it('lists newest first and moves a reopened project to the top without duplicates', async () => {
    const data = await tempDir();
    const dir = await tempDir();
    const a = await projectFile(dir, 'A');
    const b = await projectFile(dir, 'B');
    const recent = new RecentProjectsService(data);
    await recent.add(a, 'A');
    await recent.add(b, 'B');
    await recent.add(join(dir, 'sub', '..', 'A.mstudio'), 'A again');
    const list = await recent.list();
    expect(list.map((r) => [r.path, r.name])).toEqual([[a, 'A again'], [b, 'B']]);
    expect(list.every((r) => r.exists)).toBe(true);
  });

  it(`keeps at most ${MAX_RECENT} projects and survives a restart`, async () => {
    const data = await tempDir();
    const recent = new RecentProjectsService(join(data, 'not-yet-made'));
    for (let i = 0; i < MAX_RECENT + 3; i++) await recent.add(join(data, `P${i}.mstudio`), `P${i}`);
    const again = await new RecentProjectsService(join(data, 'not-yet-made')).list();
    expect(again).toHaveLength(MAX_RECENT);
    expect(again[0]?.name).toBe(`P${MAX_RECENT + 2}`);
    expect(again.at(-1)?.name).toBe('P3');
  });

  it('marks projects whose file is gone and removes entries on request', async () => {
    const data = await tempDir();
    const dir = await tempDir();
    const a = await projectFile(dir, 'A');
    const recent = new RecentProjectsService(data);
    await recent.add(a, 'A');
    await recent.add(join(dir, 'Gone.mstudio'), 'Gone');
    expect((await recent.list()).map((r) => r.exists)).toEqual([false, true]);
    await recent.remove(join(dir, 'Gone.mstudio'));
    expect((await recent.list()).map((r) => r.name)).toEqual(['A']);
  });

  it('keeps quick successive adds', async () => {
    const data = await tempDir();
    const recent = new RecentProjectsService(data);
    await Promise.all(['A', 'B', 'C'].map((n) => recent.add(join(data, `${n}.mstudio`), n)));
    expect((await recent.list()).map((r) => r.name).sort()).toEqual(['A', 'B', 'C']);
  });

  it('moves a corrupt list aside to .bak and starts empty', async () => {
    const data = await tempDir();
    await mkdir(data, { recursive: true });
    await writeFile(join(data, 'recent-projects.json'), '{ not json');
    const recent = new RecentProjectsService(data);
    await recent.start();
    expect(await recent.list()).toEqual([]);
    expect(await readFile(join(data, 'recent-projects.json.bak'), 'utf8')).toBe('{ not json');
    await recent.add(join(data, 'A.mstudio'), 'A');
    expect((await recent.list()).map((r) => r.name)).toEqual(['A']);
    expect((await readdir(data)).sort()).toEqual(['recent-projects.json', 'recent-projects.json.bak']);
  });

  it('moves aside a list that is JSON but not in the expected shape', async () => {
    const data = await tempDir();
    await writeFile(join(data, 'recent-projects.json'), JSON.stringify({ version: 1, projects: [{ path: 3 }] }));
    expect(await new RecentProjectsService(data).list()).toEqual([]);
    expect(await readdir(data)).toEqual(['recent-projects.json.bak']);
  });
});
