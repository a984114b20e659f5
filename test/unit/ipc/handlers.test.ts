import { readFile, writeFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../../src-shared/errors';
import { CHANNEL_NAMES, channels, type RequestOf } from '../../../src-shared/ipc/contract';
import { dispatch } from '../../../src-main/ipc/dispatch';
import { headlessPlatform, useStudios } from '../services/studio-fixture';
import { useTempDirs } from '../services/temp-dir';

const tempDir = useTempDirs();
const startStudio = useStudios();

async function studioIn() {
  const root = await tempDir();
  const { studio, seen } = await startStudio(root);
  const call = (channel: unknown, payload: unknown, clientId = 'ws:1') => dispatch(studio.handlers, channel, payload, { clientId });
  return { root, studio, seen, call };
}

function failure(r: Result<unknown>) {
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('expected a failure');
  return r.error;
}

describe('IPC handlers through dispatch', () => {
  it('has a handler for every channel of the contract', async () => {
    const { studio } = await studioIn();
    expect(Object.keys(studio.handlers).sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('answers app:info from the platform adapter', async () => {
    const { root, call } = await studioIn();
    const r = await call('app:info', {});
    expect(r).toEqual({
      ok: true,
      value: {
        name: 'Model Studio', version: '9.8.7', platform: process.platform, shell: 'web',
        capabilities: { nativeDialogs: false, nativeMenu: false }, defaultParentDir: root,
      },
    });
    expect(channels['app:info'].response.safeParse((r as { value: unknown }).value).success).toBe(true);
  });

  it('refuses an unknown channel', async () => {
    const { call } = await studioIn();
    expect(failure(await call('project:delete', {}))).toMatchObject({ code: 'UNKNOWN_CHANNEL', message: 'Unknown channel: project:delete' });
    expect(failure(await call(42, {})).code).toBe('UNKNOWN_CHANNEL');
    expect(failure(await call('__proto__', {})).code).toBe('UNKNOWN_CHANNEL');
  });

  it.each([
    ['missing field', 'project:open', {}, 'path'],
    ['wrong type', 'project:open', { path: 7 }, 'path'],
    ['empty path', 'project:open', { path: '' }, 'path is empty'],
    ['NUL in a path', 'project:open', { path: '/tmp/a\0b.mstudio' }, 'NUL'],
    ['extra field', 'project:close', { force: true }, 'force'],
    ['extra field beside valid ones', 'recent:remove', { path: '/x', also: 1 }, 'also'],
    ['invalid project name', 'project:create', { name: 'a/b', parentDir: '/tmp' }, 'name The name contains "/"'],
    ['reserved project name', 'project:create', { name: 'CON', parentDir: '/tmp' }, 'reserved'],
    ['payload not an object', 'job:cancel', 'abc', 'request'],
    ['id too long', 'job:cancel', { id: 'x'.repeat(101) }, 'id'],
  ])('refuses a bad payload (%s) with a readable BAD_REQUEST', async (_label, channel, payload, mentions) => {
    const { call } = await studioIn();
    const err = failure(await call(channel, payload));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toContain(`Invalid request for ${channel}`);
    expect(err.message).toContain(mentions);
  });

  it('a bad payload never reaches the service', async () => {
    const { root, studio, call } = await studioIn();
    await call('project:create', { name: 'Ok', parentDir: root, extra: true });
    expect(studio.projects.current('ws:1')).toBeNull();
    expect((await studio.recent.list()).length).toBe(0);
  });

  it('carries a service StudioError across as {code, message}', async () => {
    const { root, call } = await studioIn();
    await mkdir(join(root, 'Broken'));
    const file = join(root, 'Broken', 'Broken.mstudio');
    await writeFile(file, '{"format": 1');
    const err = failure(await call('project:open', { path: file }));
    expect(err.code).toBe('PROJECT_NOT_JSON');
    expect(err.message).toContain('Broken.mstudio is not valid JSON');
    expect(await readFile(file, 'utf8')).toBe('{"format": 1');
    expect(failure(await call('job:cancel', { id: 'nope' })).code).toBe('NOT_FOUND');
  });

  it('says a file-system failure by cause, and an id the project does not hold, by key', async () => {
    const { root, studio, call } = await studioIn();
    const gone = join(root, 'gone.json');
    // A handler whose file went away under it: IO_ERROR said by key, not "Unexpected error".
    const handlers = { ...studio.handlers, 'project:current': async () => JSON.parse(await readFile(gone, 'utf8')) };
    const err = failure(await dispatch(handlers, 'project:current', {}, { clientId: 'ws:1' }));
    expect(err).toMatchObject({ code: 'IO_ERROR', said: { key: 'errors.io.missing', params: { path: gone } } });
    expect((await call('project:create', { name: 'Ids', parentDir: root })).ok).toBe(true);
    expect(failure(await call('run:get', { runId: 'rn-nope0000' }))).toMatchObject({ code: 'NOT_FOUND', said: { key: 'errors.noEntry.runs', params: { id: 'rn-nope0000' } } });
  });

  it('runs the project lifecycle per client and pushes project:changed to that client', async () => {
    const { root, call, seen } = await studioIn();
    const created = await call('project:create', { name: 'Web', parentDir: root }, 'ws:1');
    expect(created.ok).toBe(true);
    const path = join(root, 'Web', 'Web.mstudio');
    expect(await call('project:current', {}, 'ws:2')).toEqual({ ok: true, value: null });
    expect(failure(await call('project:open', { path }, 'ws:2')).code).toBe('PROJECT_LOCKED');
    expect(await call('project:close', undefined, 'ws:1')).toEqual({ ok: true, value: null });
    expect((await call('project:open', { path }, 'ws:2')).ok).toBe(true);
    const recent = await call('recent:list', {});
    expect(recent.ok && (recent.value as { path: string; exists: boolean }[]).map((r) => [r.path, r.exists])).toEqual([[path, true]]);
    const removed = await call('recent:remove', { path });
    expect(removed).toEqual({ ok: true, value: [] });
    const targets = seen.filter((e) => e.event === 'project:changed').map((e) => [e.clientId, e.payload === null]);
    expect(targets).toEqual([['ws:1', false], ['ws:1', true], ['ws:2', false]]);
  });

  it('makes the suggested projects folder on the first Create, and refuses any other missing folder saying what to do', async () => {
    const root = await tempDir();
    const suggested = join(root, 'Model Studio');
    const { studio } = await startStudio(root, headlessPlatform(suggested));
    const call = (payload: RequestOf<'project:create'>) => dispatch(studio.handlers, 'project:create', payload, { clientId: 'ws:1' });
    const typo = failure(await call({ name: 'Lab', parentDir: join(root, 'Modle Studio') }));
    expect(typo.code).toBe('NOT_FOUND');
    expect(typo.message).toBe(`The folder ${join(root, 'Modle Studio')} does not exist. Choose a folder that exists, or create it first.`);
    const first = await call({ name: 'Lab', parentDir: suggested });
    expect(first.ok).toBe(true);
    expect((await stat(join(suggested, 'Lab', 'Lab.mstudio'))).isFile()).toBe(true);
  });

  it('passes dialog requests to the platform, and its UNSUPPORTED error back', async () => {
    const { call } = await studioIn();
    expect(failure(await call('dialog:openProject', {})).code).toBe('UNSUPPORTED');
    const root = await tempDir();
    const asked: unknown[] = [];
    const { studio } = await startStudio(root, {
      ...headlessPlatform(root),
      shell: 'electron',
      nativeDialogs: true,
      chooseProjectFile: async (clientId) => (asked.push(['file', clientId]), '/picked/P.mstudio'),
      chooseFile: async (clientId) => (asked.push(['any-file', clientId]), '/picked/data.csv'),
      chooseFolder: async (clientId, defaultPath) => (asked.push(['folder', clientId, defaultPath]), null),
    });
    const ctx = { clientId: 'window:3' };
    expect(await dispatch(studio.handlers, 'dialog:openProject', {}, ctx)).toEqual({ ok: true, value: { path: '/picked/P.mstudio' } });
    expect(await dispatch(studio.handlers, 'dialog:chooseFolder', { defaultPath: '/home' }, ctx)).toEqual({ ok: true, value: { path: null } });
    expect(asked).toEqual([['file', 'window:3'], ['folder', 'window:3', '/home']]);
  });

  it('lists and cancels jobs over IPC', async () => {
    const { studio, call } = await studioIn();
    const { id } = studio.jobs.startJob('import', 'Import', (ctx) => new Promise((_r, reject) => {
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
    }), { clientId: 'ws:1' });
    await new Promise((r) => setTimeout(r, 5));
    const list = await call('job:list', {});
    expect(list.ok && (list.value as { id: string }[]).map((j) => j.id)).toEqual([id]);
    expect(failure(await call('job:cancel', { id }, 'ws:2')).code).toBe('NOT_FOUND');
    const cancelled = await call('job:cancel', { id });
    expect(cancelled.ok && (cancelled.value as { status: string }).status).toBe('cancelled');
  });
});
