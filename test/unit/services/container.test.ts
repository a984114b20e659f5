import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStudio } from '../../../src-main/container';
import { LOCK_FILE_NAME } from '../../../src-main/services/project-lock';
import { headlessPlatform, useStudios } from './studio-fixture';
import { useTempDirs } from './temp-dir';

const tempDir = useTempDirs();
const startStudio = useStudios();

const forever = (ctx: { signal: AbortSignal }) =>
  new Promise<never>((_r, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));

describe('createStudio', () => {
  it('creates its data folder on start', async () => {
    const root = await tempDir();
    await startStudio(root);
    expect(await readdir(root)).toEqual(['data']);
  });

  it('fails to start when the data folder cannot be made', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'data'), 'a file, not a folder');
    const studio = createStudio({ dataDir: join(root, 'data'), appVersion: '1.0.0', platform: headlessPlatform(root) });
    await expect(studio.start()).rejects.toThrow();
  });

  it('a disconnecting client loses its jobs and its project, other clients keep theirs', async () => {
    const root = await tempDir();
    const { studio } = await startStudio(root);
    const a = await studio.projects.create('A', root, 'ws:1');
    const b = await studio.projects.create('B', root, 'ws:2');
    const mine = studio.jobs.startJob('x', 'Mine', forever, { clientId: 'ws:1' });
    const theirs = studio.jobs.startJob('x', 'Theirs', forever, { clientId: 'ws:2' });
    const global = studio.jobs.startJob('x', 'Global', forever);
    await new Promise((r) => setTimeout(r, 5));
    await studio.clientDisconnected('ws:1');
    expect(studio.jobs.get(mine.id).status).toBe('cancelled');
    expect(studio.jobs.get(theirs.id).status).toBe('running');
    expect(studio.jobs.get(global.id).status).toBe('running');
    expect(await readdir(a.dir)).not.toContain(LOCK_FILE_NAME);
    expect(studio.projects.current('ws:2')?.path).toBe(b.path);
    await studio.clientDisconnected('never-connected');
  });

  it('stop cancels running jobs, releases locks, and a second stop is harmless', async () => {
    const root = await tempDir();
    const { studio } = await startStudio(root);
    const p = await studio.projects.create('P', root, 'ws:1');
    const job = studio.jobs.startJob('x', 'Running', forever, { clientId: 'ws:1' });
    await new Promise((r) => setTimeout(r, 5));
    await Promise.all([studio.stop(), studio.stop()]);
    expect(studio.jobs.get(job.id).status).toBe('cancelled');
    expect(await readdir(p.dir)).not.toContain(LOCK_FILE_NAME);
    await studio.stop();
  });
});
