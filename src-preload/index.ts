/**
 * The preload: exposes exactly one object, `window.studio`, built from the shared IPC contract.
 * The page never sees ipcRenderer, raw send/invoke/on, or the IPC event objects.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { toErrorData, type Result } from '../src-shared/errors';
import { createStudioApi, type StudioTransport } from '../src-shared/ipc/api';
import { isChannel, isEventName } from '../src-shared/ipc/contract';

/** The channel main pushes events on; mirrors EVENT_CHANNEL in src-main/electron/client-id.ts. */
export const EVENT_CHANNEL = 'studio:event';

function isEventMessage(value: unknown): value is { event: string; payload: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { event?: unknown }).event === 'string';
}

/** The IPC transport behind window.studio. */
export const electronTransport: StudioTransport = {
  async invoke(channel, payload): Promise<Result<unknown>> {
    // The API only builds contract channels, but the check keeps this bridge from ever being a raw invoke.
    if (!isChannel(channel)) {
      return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel: ${String(channel)}` } };
    }
    try {
      return (await ipcRenderer.invoke(channel, payload)) as Result<unknown>;
    } catch (err) {
      return { ok: false, error: toErrorData(err) };
    }
  },
  subscribe(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown event: ${String(event)}`);
    const handler = (_e: IpcRendererEvent, message: unknown) => {
      if (isEventMessage(message) && message.event === event) listener(message.payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('studio', createStudioApi(electronTransport));
