import type { IpcMain } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { Result } from '../../../src-shared/errors';
import { CHANNEL_NAMES } from '../../../src-shared/ipc/contract';
import type { Handlers } from '../../../src-main/ipc/dispatch';
import { EventBus } from '../../../src-main/ipc/event-bus';
import { resolveAppLocation } from '../../../src-main/electron/app-location';
import { registerIpcBridge } from '../../../src-main/electron/ipc-bridge';
import { FakeFrame, FakeWebContents } from './fake-electron';

const location = resolveAppLocation({}, '/opt/studio/out');
const APP_URL = 'app://studio/index.html';

function setup() {
  const registered = new Map<string, (event: unknown, payload: unknown) => Promise<Result<unknown>>>();
  const ipcMain = {
    handle: vi.fn((c: string, fn: (e: unknown, p: unknown) => Promise<Result<unknown>>) => void registered.set(c, fn)),
    removeHandler: vi.fn((c: string) => void registered.delete(c)),
  };
  const ours = new FakeWebContents();
  ours.mainFrame = new FakeFrame(APP_URL);
  const deliver = vi.fn();
  const windows = {
    has: (id: number) => id === ours.id,
    clientIds: () => [`window:${ours.id}`, 'window:999'],
    deliver,
  };
  const appInfo = vi.fn(() => ({
    name: 'Model Studio',
    version: '0.1.0',
    platform: 'linux',
    shell: 'electron' as const,
    capabilities: { nativeDialogs: true, nativeMenu: true },
    defaultParentDir: '/home/a/Model Studio',
  }));
  const handlers = { 'app:info': appInfo } as unknown as Handlers;
  const events = new EventBus();
  const dispose = registerIpcBridge({ ipcMain: ipcMain as unknown as IpcMain, handlers, events, windows, location });
  const call = (channel: string, event: unknown, payload: unknown = {}) => registered.get(channel)!(event, payload);
  return { registered, ipcMain, ours, deliver, appInfo, events, dispose, call };
}

describe('registerIpcBridge', () => {
  it('handles every contract channel and removes them all on dispose', () => {
    const { registered, dispose } = setup();
    expect([...registered.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
    dispose();
    expect(registered.size).toBe(0);
  });

  it('dispatches a request from our window’s main frame with that window’s clientId', async () => {
    const { ours, appInfo, call } = setup();
    const result = await call('app:info', { sender: ours, senderFrame: ours.mainFrame });
    expect(result).toMatchObject({ ok: true, value: { shell: 'electron' } });
    expect(appInfo).toHaveBeenCalledWith({}, { clientId: `window:${ours.id}` });
  });

  it('still validates payloads of a trusted sender', async () => {
    const { ours, appInfo, call } = setup();
    const result = await call('app:info', { sender: ours, senderFrame: ours.mainFrame }, { extra: 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(appInfo).not.toHaveBeenCalled();
  });

  it('refuses a subframe, a vanished frame, an unknown window and a foreign page', async () => {
    const { ours, appInfo, call } = setup();
    const stranger = new FakeWebContents();
    stranger.mainFrame = new FakeFrame(APP_URL);
    const bad = [
      { sender: ours, senderFrame: new FakeFrame(APP_URL, ours.mainFrame) },
      { sender: ours, senderFrame: null },
      { sender: stranger, senderFrame: stranger.mainFrame },
      { sender: ours, senderFrame: new FakeFrame('https://evil.example/') },
      { sender: ours, senderFrame: new FakeFrame('file:///opt/studio/out/renderer/index.html') },
    ];
    for (const event of bad) {
      expect(await call('app:info', event)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    expect(appInfo).not.toHaveBeenCalled();
  });

  it('delivers targeted events to one window and broadcasts the rest, until disposed', () => {
    const { ours, deliver, events, dispose } = setup();
    events.emit('app:command', { command: 'view.models' }, { clientId: `window:${ours.id}` });
    expect(deliver).toHaveBeenCalledExactlyOnceWith(`window:${ours.id}`, {
      event: 'app:command',
      payload: { command: 'view.models' },
    });
    deliver.mockClear();
    events.emit('project:changed', null);
    expect(deliver.mock.calls.map((c) => c[0])).toEqual([`window:${ours.id}`, 'window:999']);
    deliver.mockClear();
    dispose();
    events.emit('project:changed', null);
    expect(deliver).not.toHaveBeenCalled();
  });
});
