/**
 * Serves the handler table over Electron IPC: one `ipcMain.handle` per contract channel, each
 * refusing senders that are not the main frame of one of our windows showing the app, and
 * pushes service events to the windows on one channel.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { Result } from '../../src-shared/errors';
import { CHANNEL_NAMES } from '../../src-shared/ipc/contract';
import { dispatch, type Handlers } from '../ipc/dispatch';
import type { EventBus } from '../ipc/event-bus';
import { isAppPageUrl, type AppLocation } from './app-location';
import { clientIdOf } from './client-id';

/** What the bridge needs to know about our windows. */
export interface BridgeWindows {
  has(webContentsId: number): boolean;
  clientIds(): string[];
  deliver(clientId: string, message: { event: string; payload: unknown }): void;
}

export interface IpcBridgeOptions {
  ipcMain: IpcMain;
  handlers: Handlers;
  events: EventBus;
  windows: BridgeWindows;
  location: AppLocation;
}

/** Why a sender is refused, or null when it is the app's own main frame in one of our windows. */
export function senderProblem(event: IpcMainInvokeEvent, windows: BridgeWindows, location: AppLocation): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  // Only a top-level frame has no parent; iframes never get the API.
  if (frame.parent !== null) return 'the sender is a subframe';
  if (!windows.has(event.sender.id)) return 'the sender is not a studio window';
  if (!isAppPageUrl(frame.url, location)) return 'the sender is not showing the app';
  return null;
}

/** Registers every channel and the event sink; returns the function that removes them. */
export function registerIpcBridge({ ipcMain, handlers, events, windows, location }: IpcBridgeOptions): () => void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<Result<unknown>> => {
      const problem = senderProblem(event, windows, location);
      if (problem) {
        return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: `Request refused: ${problem}.` } };
      }
      return dispatch(handlers, channel, payload, { clientId: clientIdOf(event.sender.id) });
    });
  }
  const disconnect = events.connect((event, payload, target) => {
    const message = { event, payload };
    const targets = target.clientId ? [target.clientId] : windows.clientIds();
    // A target that is not a window (a web-host socket) is simply not ours to deliver.
    for (const clientId of targets) windows.deliver(clientId, message);
  });
  return () => {
    disconnect();
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(channel);
  };
}
