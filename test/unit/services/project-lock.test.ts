import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../../src-shared/errors';
import { LOCK_FILE_NAME, ProjectLock } from '../../../src-main/services/project-lock';
import { useTempDirs } from './temp-dir';

const tempDir = useTempDirs();
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill();
});

/** A real process that stays alive until the test ends. */
async function liveChild(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => child.once('spawn', r));
  return child.pid!;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

function lockText(pid: number, host = hostname()): string {
  return JSON.stringify({ pid, hostname: host, createdAt: new Date().toISOString(), token: `t-${pid}` });
}

async function lockError(dir: string): Promise<StudioError> {
  const err = await ProjectLock.acquire(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StudioError);
  return err as StudioError;
}

describe('ProjectLock', () => {
  it('writes a lock file naming this process and removes it on release', async () => {
    const dir = await tempDir();
    const lock = await ProjectLock.acquire(dir);
    const info = JSON.parse(await readFile(join(dir, LOCK_FILE_NAME), 'utf8'));
    expect(info).toMatchObject({ pid: process.pid, hostname: hostname(), token: lock.info.token });
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a second acquire in the same process as "open in another window"', async () => {
    const dir = await tempDir();
    const lock = await ProjectLock.acquire(dir);
    const err = await lockError(dir);
    expect(err.code).toBe('PROJECT_LOCKED');
    expect(err.message).toContain('already open in another window');
    await lock.release();
    await (await ProjectLock.acquire(dir)).release();
  });

  it('refuses a lock held by another live process and names it', async () => {
    const dir = await tempDir();
    const pid = await liveChild();
    const held = lockText(pid);
    await writeFile(join(dir, LOCK_FILE_NAME), held);
    const err = await lockError(dir);
    expect(err.code).toBe('PROJECT_LOCKED');
    expect(err.message).toContain(`pid ${pid}`);
    expect(err.details).toMatchObject({ pid, hostname: hostname() });
    expect(await readFile(join(dir, LOCK_FILE_NAME), 'utf8')).toBe(held);
  });

  it('treats a lock from another machine as live', async () => {
    const dir = await tempDir();
    const pid = await deadPid();
    await writeFile(join(dir, LOCK_FILE_NAME), lockText(pid, 'some-other-host.example'));
    const err = await lockError(dir);
    expect(err.message).toContain('some-other-host.example');
  });

  it('takes over a stale lock left by a dead process, leaving no debris', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, LOCK_FILE_NAME), lockText(await deadPid()));
    const lock = await ProjectLock.acquire(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE_NAME), 'utf8')).token).toBe(lock.info.token);
    expect(await readdir(dir)).toEqual([LOCK_FILE_NAME]);
    await lock.release();
  });

  it('lets exactly one of several racing acquirers take over the same stale lock', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, LOCK_FILE_NAME), lockText(await deadPid()));
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => ProjectLock.acquire(dir)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as StudioError).code).toBe('PROJECT_LOCKED');
    const winner = (won[0] as PromiseFulfilledResult<ProjectLock>).value;
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE_NAME), 'utf8')).token).toBe(winner.info.token);
    expect(await readdir(dir)).toEqual([LOCK_FILE_NAME]);
  });

  it('is not blocked forever by a takeover guard that a crashed process left', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, LOCK_FILE_NAME), lockText(await deadPid()));
    const guard = join(dir, `${LOCK_FILE_NAME}.takeover`);
    await writeFile(guard, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(guard, old, old);
    const lock = await ProjectLock.acquire(dir);
    expect(await readdir(dir)).toEqual([LOCK_FILE_NAME]);
    await lock.release();
  });

  it('treats an old corrupt lock as stale but a fresh one as someone opening the project', async () => {
    const dir = await tempDir();
    const file = join(dir, LOCK_FILE_NAME);
    await writeFile(file, '');
    expect((await lockError(dir)).code).toBe('PROJECT_LOCKED');
    const old = new Date(Date.now() - 60_000);
    await utimes(file, old, old);
    const lock = await ProjectLock.acquire(dir);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('release leaves a lock that is no longer ours', async () => {
    const dir = await tempDir();
    const lock = await ProjectLock.acquire(dir);
    const other = lockText(await liveChild());
    await writeFile(join(dir, LOCK_FILE_NAME), other);
    await lock.release();
    expect(await readFile(join(dir, LOCK_FILE_NAME), 'utf8')).toBe(other);
  });
});
