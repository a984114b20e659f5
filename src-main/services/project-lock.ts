/**
 * The lock file that stops a second window or process from writing a project that is open.
 * A lock left behind by a crashed process on this machine is taken over safely.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { say } from '../../src-shared/messages/message';
import { StudioError } from '../../src-shared/errors';

/** The lock file's name inside a project folder. */
export const LOCK_FILE_NAME = '.mstudio.lock';

/** A corrupt or empty lock younger than this may be one that is still being written. */
const CORRUPT_GRACE_MS = 5_000;

/** What a lock file records about its holder. */
export interface LockInfo {
  pid: number;
  hostname: string;
  createdAt: string;
  token: string;
}

type Holder = { kind: 'live'; info: LockInfo } | { kind: 'stale' } | { kind: 'young-corrupt' } | { kind: 'gone' };

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.hostname === 'string' && typeof v.token === 'string') {
      return { pid: v.pid, hostname: v.hostname, createdAt: String(v.createdAt ?? ''), token: v.token };
    }
  } catch {
    // Falls through: a lock we cannot read is judged by its age.
  }
  return null;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function isCode(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === code;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isCode(err, 'ENOENT')) return null;
    throw err;
  }
}

/** A held project lock; obtain one with `ProjectLock.acquire`. */
export class ProjectLock {
  private released = false;

  private constructor(
    readonly path: string,
    readonly info: LockInfo,
  ) {}

  /** Takes the lock of `projectDir`, or throws PROJECT_LOCKED naming who holds it. */
  static async acquire(projectDir: string): Promise<ProjectLock> {
    const path = join(projectDir, LOCK_FILE_NAME);
    const info: LockInfo = {
      pid: process.pid,
      hostname: osHostname(),
      createdAt: new Date().toISOString(),
      token: randomUUID(),
    };
    // A few rounds: the lock can vanish or change between our reads when others race us.
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await tryCreate(path, info)) return new ProjectLock(path, info);
      const text = await readText(path);
      if (text === null) continue;
      const holder = await judge(path, text);
      if (holder.kind === 'gone') continue;
      if (holder.kind === 'live') throw lockedError(projectDir, holder.info);
      if (holder.kind === 'young-corrupt') {
        throw StudioError.say('PROJECT_LOCKED', say('errors.lockBeingOpened', { path: projectDir }), { lockFile: path });
      }
      if (await takeOverStale(path, text, info)) return new ProjectLock(path, info);
    }
    throw StudioError.say('PROJECT_LOCKED', say('errors.lockContended', { path: projectDir }), { lockFile: path });
  }

  /** Removes the lock file, but only while it still carries our token. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const text = await readText(this.path);
    if (text === null) return;
    if (parseLock(text)?.token === this.info.token) await rm(this.path, { force: true });
  }
}

async function tryCreate(path: string, info: LockInfo): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o644);
  } catch (err) {
    if (isCode(err, 'EEXIST')) return false;
    throw StudioError.say('IO_ERROR', say('errors.paths.cannot.createLock', { path, reason: (err as Error).message }));
  }
  try {
    await handle.writeFile(`${JSON.stringify(info)}\n`);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(path, { force: true });
    throw StudioError.say('IO_ERROR', say('errors.paths.cannot.writeLock', { path, reason: (err as Error).message }));
  }
  await handle.close();
  return true;
}

async function judge(path: string, text: string): Promise<Holder> {
  const info = parseLock(text);
  if (!info) {
    try {
      const age = Date.now() - (await stat(path)).mtimeMs;
      return age > CORRUPT_GRACE_MS ? { kind: 'stale' } : { kind: 'young-corrupt' };
    } catch (err) {
      if (isCode(err, 'ENOENT')) return { kind: 'gone' };
      throw err;
    }
  }
  // A pid on another machine (a shared drive) cannot be checked, so it counts as live.
  if (info.hostname !== osHostname()) return { kind: 'live', info };
  if (info.pid === process.pid) return { kind: 'live', info };
  return pidAlive(info.pid) ? { kind: 'live', info } : { kind: 'stale' };
}

/**
 * Replaces a stale lock. A guard file created with 'wx' lets only one process at a time do this;
 * under it the lock is re-read, so we never replace a lock someone made after we judged it stale.
 */
async function takeOverStale(path: string, staleText: string, info: LockInfo): Promise<boolean> {
  const guard = `${path}.takeover`;
  if (!(await createGuard(guard))) {
    await new Promise((r) => setTimeout(r, 25));
    return false;
  }
  try {
    if ((await readText(path)) !== staleText) return false;
    const aside = `${path}.stale-${process.pid}-${randomBytes(6).toString('hex')}`;
    await rename(path, aside);
    try {
      // A newcomer may create the lock in this instant; then it wins and we report it as locked.
      return await tryCreate(path, info);
    } finally {
      await rm(aside, { force: true });
    }
  } finally {
    await rm(guard, { force: true });
  }
}

async function createGuard(guard: string): Promise<boolean> {
  try {
    await (await open(guard, 'wx')).close();
    return true;
  } catch (err) {
    if (!isCode(err, 'EEXIST')) throw err;
  }
  // A guard left by a process that crashed mid-takeover would block everyone forever.
  const age = await stat(guard).then((st) => Date.now() - st.mtimeMs, () => 0);
  if (age > CORRUPT_GRACE_MS) await rm(guard, { force: true });
  return false;
}

function lockedError(projectDir: string, holder: LockInfo): StudioError {
  const details = { pid: holder.pid, hostname: holder.hostname, since: holder.createdAt };
  if (holder.pid === process.pid && holder.hostname === osHostname()) {
    return StudioError.say('PROJECT_LOCKED', say('errors.lockOpenHere', { path: projectDir }), details);
  }
  return StudioError.say('PROJECT_LOCKED', say('errors.lockOpenElsewhere', { path: projectDir, pid: String(holder.pid), host: holder.hostname }), details);
}
