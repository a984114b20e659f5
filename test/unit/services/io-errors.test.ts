import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src-main/ipc/event-bus';
import { errorDataOf, ioFailure } from '../../../src-main/services/io-errors';
import { JobService } from '../../../src-main/services/job-service';
import { useTempDirs } from './temp-dir';

/** An error shaped as Node's fs gives it (a real full disk or denied folder cannot be made here as root). */
const nodeError = (code: string, path: string) => Object.assign(new Error(`${code}: failed, open '${path}'`), { code, path, syscall: 'open' });

describe('file-system failures as a person reads them', () => {
  const tempDir = useTempDirs();

  it('says a file that went missing by key, naming its path, instead of an "Unexpected error"', async () => {
    const gone = join(await tempDir(), 'run.json');
    const err = await readFile(gone).catch((e: unknown) => e);
    expect(errorDataOf(err)).toEqual({
      code: 'IO_ERROR',
      message: `${gone} is missing: it was moved or removed outside Model Studio.`,
      details: { path: gone, code: 'ENOENT' },
      said: { key: 'errors.io.missing', params: { path: gone }, text: `${gone} is missing: it was moved or removed outside Model Studio.` },
    });
  });

  it('says a full disk, a denied or read-only path, too many open files and a busy file', () => {
    const keys = ['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EMFILE', 'EBUSY', 'EIO'].map((code) => ioFailure(nodeError(code, '/p/x.bin'))?.said?.key);
    expect(keys).toEqual(['errors.io.noSpace', 'errors.io.noSpace', 'errors.io.denied', 'errors.io.denied', 'errors.io.readOnly', 'errors.io.tooManyOpen', 'errors.io.busy', 'errors.io.device']);
    expect(ioFailure(nodeError('ENOSPC', '/p/x.bin'))!.message).toBe('The disk is full: /p/x.bin could not be written. Free some space and try again.');
    // The path a caller knows wins over the one in the error (a temp file's, say).
    expect(ioFailure(nodeError('ENOSPC', '/p/.x.bin.tmp'), '/p/x.bin')!.said!.params).toEqual({ path: '/p/x.bin' });
  });

  it('leaves other errors as they were: an unknown cause, or none with no path', () => {
    expect(ioFailure(nodeError('ECONNRESET', '/p'))).toBeNull();
    expect(ioFailure(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }))).toBeNull();
    expect(ioFailure(Object.assign(new Error('spawn python3 ENOENT'), { code: 'ENOENT', path: 'python3', syscall: 'spawn python3' }))).toBeNull();
    expect(errorDataOf(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'Unexpected error: boom' });
  });

  it('keeps the key on a job that fails on the disk, for the app to say in its language', async () => {
    const dir = await tempDir();
    const jobs = new JobService(new EventBus());
    const { id, done } = jobs.startJob('import', 'Import', async () => {
      await writeFile(join(dir, 'ok.txt'), 'x');
      await readFile(join(dir, 'gone.txt'));
    });
    await done.catch(() => undefined);
    expect(jobs.get(id)).toMatchObject({ status: 'failed', error: { code: 'IO_ERROR', said: { key: 'errors.io.missing', params: { path: join(dir, 'gone.txt') } } } });
  });
});
