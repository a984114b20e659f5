import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src-shared/errors';
import type { ProjectView } from '../../../src-shared/ipc/contract';
import { LOCK_FILE_NAME } from '../../../src-main/services/project-lock';
import { useStudios } from './studio-fixture';
import { useTempDirs } from './temp-dir';

const tempDir = useTempDirs();
const startStudio = useStudios();

async function rejection(p: Promise<unknown>): Promise<StudioError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(StudioError);
  return err as StudioError;
}

async function until(check: () => Promise<boolean>, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ProjectService', () => {
  it('creates a project folder, closes it and opens it again from the file or the folder', async () => {
    const root = await tempDir();
    const { studio, seen } = await startStudio(root);
    const created = await studio.projects.create('Digits', root, 'c1');
    expect(created.path).toBe(join(root, 'Digits', 'Digits.mstudio'));
    expect((await readdir(created.dir)).sort()).toEqual([LOCK_FILE_NAME, 'Digits.mstudio', 'checkpoints', 'datasets', 'exports', 'runs']);
    expect(created.manifest).toMatchObject({ name: 'Digits', formatVersion: 1, savedWith: 'model-studio 9.8.7' });
    expect(studio.projects.current('c1')?.path).toBe(created.path);

    await studio.projects.close('c1');
    expect(studio.projects.current('c1')).toBeNull();
    expect(await readdir(created.dir)).not.toContain(LOCK_FILE_NAME);

    const reopened = await studio.projects.open(created.path, 'c1');
    expect(reopened.manifest).toEqual(created.manifest);
    await studio.projects.close('c1');
    expect((await studio.projects.open(created.dir, 'c1')).path).toBe(created.path);

    const changes = seen.filter((e) => e.event === 'project:changed');
    expect(changes.map((e) => (e.payload as ProjectView | null)?.manifest.name ?? null)).toEqual(['Digits', null, 'Digits', null, 'Digits']);
    expect(changes.every((e) => e.clientId === 'c1')).toBe(true);
    expect((await studio.recent.list()).map((r) => r.path)).toEqual([created.path]);
  });

  it('refuses to create over a non-empty folder or under a missing one', async () => {
    const root = await tempDir();
    const { studio } = await startStudio(root);
    await mkdir(join(root, 'Taken'));
    await writeFile(join(root, 'Taken', 'notes.txt'), 'mine');
    expect((await rejection(studio.projects.create('Taken', root, 'c1'))).code).toBe('PROJECT_EXISTS');
    expect(await readdir(join(root, 'Taken'))).toEqual(['notes.txt']);
    const missing = await rejection(studio.projects.create('X', join(root, 'nope'), 'c1'));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain(join(root, 'nope'));
    expect((await rejection(studio.projects.create('a/b', root, 'c1'))).code).toBe('PROJECT_NAME_INVALID');
  });

  it('autosaves a change shortly after it is made, and on close', async () => {
    const root = await tempDir();
    const { studio, seen } = await startStudio(root);
    const { path } = await studio.projects.create('Auto', root, 'c1');
    const view = await studio.projects.update('c1', (m) => {
      m.models.push({ id: 'm1', name: 'CNN', createdAt: new Date().toISOString(), dir: 'models/m1' });
    });
    expect(view.manifest.models).toHaveLength(1);
    expect(seen.at(-1)).toMatchObject({ event: 'project:changed', clientId: 'c1' });
    await until(async () => JSON.parse(await readFile(path, 'utf8')).models.length === 1);
    const saved = JSON.parse(await readFile(path, 'utf8'));
    expect(saved.updatedAt).toBe(view.manifest.updatedAt);

    await studio.projects.update('c1', (m) => void (m.models[0]!.name = 'Renamed'));
    await studio.projects.close('c1');
    expect(JSON.parse(await readFile(path, 'utf8')).models[0].name).toBe('Renamed');
    expect((await readdir(join(root, 'Auto'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses a change that would make the file invalid and keeps the old state', async () => {
    const root = await tempDir();
    const { studio } = await startStudio(root);
    await studio.projects.create('Guard', root, 'c1');
    const err = await rejection(studio.projects.update('c1', (m) => void m.datasets.push({ id: 'BAD ID', name: 'x', createdAt: 'now', dir: 'd' })));
    expect(err.code).toBe('INTERNAL');
    expect(studio.projects.current('c1')?.manifest.datasets).toEqual([]);
    expect((await rejection(studio.projects.update('nobody', () => undefined))).code).toBe('NO_PROJECT_OPEN');
  });

  describe('a file that fails validation stays byte-for-byte untouched and unlocked', () => {
    async function damaged(root: string, mutate: (doc: Record<string, unknown>) => string): Promise<string> {
      const { studio } = await startStudio(root);
      const { path } = await studio.projects.create('Bad', root, 'maker');
      await studio.projects.close('maker');
      const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      await writeFile(path, mutate(doc));
      return path;
    }

    it.each([
      ['not JSON', 'PROJECT_NOT_JSON', (d: Record<string, unknown>) => JSON.stringify(d).slice(0, 40)],
      ['schema failure', 'PROJECT_INVALID', (d: Record<string, unknown>) => JSON.stringify({ ...d, id: 42 })],
      ['newer version', 'PROJECT_TOO_NEW', (d: Record<string, unknown>) => JSON.stringify({ ...d, formatVersion: 99 })],
      ['"../" entry dir', 'PROJECT_PATH_ESCAPES', (d: Record<string, unknown>) =>
        JSON.stringify({ ...d, runs: [{ id: 'r1', name: 'r', createdAt: '2025-01-01T00:00:00.000Z', dir: '../../etc' }] })],
    ])('%s', async (_label, code, mutate) => {
      const root = await tempDir();
      const path = await damaged(root, mutate);
      const before = await readFile(path);
      const filesBefore = (await readdir(join(root, 'Bad'))).sort();
      const { studio } = await startStudio(root);
      const err = await rejection(studio.projects.open(path, 'c1'));
      expect(err.code).toBe(code);
      expect(err.message).toContain('Bad.mstudio');
      expect((await readFile(path)).equals(before)).toBe(true);
      expect((await readdir(join(root, 'Bad'))).sort()).toEqual(filesBefore);
      expect(filesBefore).not.toContain(LOCK_FILE_NAME);
      expect(studio.projects.current('c1')).toBeNull();
    });

    it('entry dir that is a symlink out of the folder', async () => {
      const root = await tempDir();
      const outside = await tempDir();
      const path = await damaged(root, (d) =>
        JSON.stringify({ ...d, datasets: [{ id: 'd1', name: 'd', createdAt: '2025-01-01T00:00:00.000Z', dir: 'datasets/d1' }] }),
      );
      await symlink(outside, join(root, 'Bad', 'datasets', 'd1'));
      const before = await readFile(path);
      const { studio } = await startStudio(root);
      const err = await rejection(studio.projects.open(path, 'c1'));
      expect(err.code).toBe('PROJECT_PATH_ESCAPES');
      expect(err.message).toContain('datasets.0.dir');
      expect(err.said).toMatchObject({ key: 'errors.paths.entryIsLink', params: { label: { key: 'errors.integrity.projectFile' }, field: 'datasets.0.dir', dir: 'datasets/d1' } });
      expect((await readFile(path)).equals(before)).toBe(true);
      expect(await readdir(join(root, 'Bad'))).not.toContain(LOCK_FILE_NAME);
    });
  });

  it('a failed open keeps the project the window already had', async () => {
    const root = await tempDir();
    const { studio } = await startStudio(root);
    const good = await studio.projects.create('Good', root, 'c1');
    await mkdir(join(root, 'Broken'));
    await writeFile(join(root, 'Broken', 'Broken.mstudio'), 'nope');
    await rejection(studio.projects.open(join(root, 'Broken', 'Broken.mstudio'), 'c1'));
    expect(studio.projects.current('c1')?.path).toBe(good.path);
    const missing = await rejection(studio.projects.open(join(root, 'Nowhere.mstudio'), 'c1'));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain(join(root, 'Nowhere.mstudio'));
  });

  it('opening another project in a window closes and unlocks the previous one', async () => {
    const root = await tempDir();
    const { studio } = await startStudio(root);
    const a = await studio.projects.create('A', root, 'c1');
    const b = await studio.projects.create('B', root, 'c1');
    expect(await readdir(a.dir)).not.toContain(LOCK_FILE_NAME);
    expect(await readdir(b.dir)).toContain(LOCK_FILE_NAME);
    expect((await studio.projects.open(a.path, 'c2')).path).toBe(a.path);
    expect((await studio.recent.list()).map((r) => r.name)).toEqual(['A', 'B']);
  });

  it('refuses the same project in a second window, then allows it once the first disconnects', async () => {
    const root = await tempDir();
    const { studio } = await startStudio(root);
    const { path, dir } = await studio.projects.create('Shared', root, 'window:1');
    await studio.projects.update('window:1', (m) => void (m.savedWith = 'x'));
    const err = await rejection(studio.projects.open(path, 'window:2'));
    expect(err.code).toBe('PROJECT_LOCKED');
    expect(err.message).toContain('already open in another window');

    await studio.clientDisconnected('window:1');
    expect(await readdir(dir)).not.toContain(LOCK_FILE_NAME);
    expect(studio.projects.current('window:1')).toBeNull();
    expect((await studio.projects.open(path, 'window:2')).manifest.savedWith).toBe('model-studio 9.8.7');
  });

  it('a second studio (another process) cannot open a project the first holds', async () => {
    const root = await tempDir();
    const first = await startStudio(root);
    const { path } = await first.studio.projects.create('Held', root, 'c1');
    const second = await startStudio(await tempDir());
    expect((await rejection(second.studio.projects.open(path, 'c1'))).code).toBe('PROJECT_LOCKED');
  });

  it('stop flushes pending changes and releases every lock', async () => {
    const root = await tempDir();
    const { studio } = await startStudio(root);
    const a = await studio.projects.create('A', root, 'c1');
    const b = await studio.projects.create('B', root, 'c2');
    await studio.projects.update('c1', (m) => void m.exports.push({ id: 'e1', name: 'E', createdAt: new Date().toISOString(), dir: 'exports/e1' }));
    await studio.stop();
    expect(JSON.parse(await readFile(a.path, 'utf8')).exports).toHaveLength(1);
    expect(await readdir(a.dir)).not.toContain(LOCK_FILE_NAME);
    expect(await readdir(b.dir)).not.toContain(LOCK_FILE_NAME);
  });
});
