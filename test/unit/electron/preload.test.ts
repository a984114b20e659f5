import { describe, expect, it, vi } from 'vitest';
import type { StudioApi } from '../../../src-shared/ipc/api';
import { CHANNEL_NAMES } from '../../../src-shared/ipc/contract';
import { EVENT_CHANNEL } from '../../../src-main/electron/client-id';
import { freshElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);

async function loadPreload() {
  const electron = freshElectron();
  await import('../../../src-preload/index');
  return { electron, studio: electron.contextBridge.exposed.get('studio') as StudioApi };
}

/** Every function reachable in an object, by dotted path. */
function functionPaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'function') return [prefix];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => functionPaths(v, prefix ? `${prefix}.${k}` : k));
}

describe('preload', () => {
  it('exposes only `studio` to the page', async () => {
    const { electron } = await loadPreload();
    expect([...electron.contextBridge.exposed.keys()]).toEqual(['studio']);
  });

  it('offers one method per contract channel plus addEventListener, and nothing raw', async () => {
    const { studio } = await loadPreload();
    const expected = [...CHANNEL_NAMES.map((c) => c.replace(':', '.')), 'addEventListener'];
    expect(functionPaths(studio).sort()).toEqual(expected.sort());
    for (const raw of ['send', 'invoke', 'on', 'ipcRenderer']) expect(studio).not.toHaveProperty(raw);
  });

  it('calls ipcRenderer.invoke with the contract channel and returns its Result', async () => {
    const { electron, studio } = await loadPreload();
    const view = { ok: true, value: { path: '/p/D/D.mstudio' } };
    electron.ipcRenderer.invoke.mockResolvedValueOnce(view);
    await expect(studio.project.open({ path: '/p/D/D.mstudio' })).resolves.toBe(view);
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('project:open', { path: '/p/D/D.mstudio' });
    await studio.recent.list({});
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('recent:list', {});
  });

  it('turns a failed invoke into an error Result instead of a rejection', async () => {
    const { electron, studio } = await loadPreload();
    electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error('No handler registered'));
    await expect(studio.app.info({})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('delivers only the subscribed event, without the IPC event object, until unsubscribed', async () => {
    const { electron, studio } = await loadPreload();
    const seen = vi.fn();
    const off = studio.addEventListener('app:openRequest', seen);
    electron.ipcRenderer.deliver(EVENT_CHANNEL, { event: 'app:command', payload: { command: 'project.new' } });
    electron.ipcRenderer.deliver(EVENT_CHANNEL, { event: 'app:openRequest', payload: { path: '/p/D/D.mstudio' } });
    expect(seen).toHaveBeenCalledExactlyOnceWith({ path: '/p/D/D.mstudio' });
    off();
    expect(electron.ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(0);
    electron.ipcRenderer.deliver(EVENT_CHANNEL, { event: 'app:openRequest', payload: { path: '/x' } });
    expect(seen).toHaveBeenCalledOnce();
  });

  it('refuses to subscribe to an event the contract does not name', async () => {
    const { studio } = await loadPreload();
    expect(() => studio.addEventListener('evil' as never, () => undefined)).toThrow(/Unknown event/);
  });
});
