/**
 * The `window.studio` implementation for a plain browser: the same named API as the Electron
 * preload, carried over the web host's token-guarded WebSocket.
 */
import type { Result } from '../../src-shared/errors';
import { createStudioApi, type StudioApi, type StudioTransport } from '../../src-shared/ipc/api';
import { decodeBinaryFrame, encodeBinaryFrame, hasBinaryFields } from '../../src-shared/ipc/binary-frame';
import type { Channel, EventName } from '../../src-shared/ipc/contract';

const TOKEN_KEY = 'model-studio.token';

export type ServerMessage =
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: EventName; payload: unknown };

/** The error every pending or later call resolves to once the socket is gone. */
export const LOST_CONNECTION: Result<never> = {
  ok: false,
  error: { code: 'IO_ERROR', message: 'Lost the connection to the studio host' },
};

/**
 * Reads the access token from `?token=` (then hides it from the address bar) or, after a
 * reload, from sessionStorage; null when the page was opened without one.
 */
export function takeToken(loc: Location = location, storage: Storage = sessionStorage): string | null {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    // The token grants full access to the host; keep it out of history and screenshots.
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY);
}

/** The socket URL of the host's IPC endpoint for the page's own origin. */
export function ipcSocketUrl(token: string, loc: Location = location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ipc?token=${encodeURIComponent(token)}`;
}

/** A server frame: JSON text, or a binary result frame (see src-shared/ipc/binary-frame.ts). */
export function parseFrame(data: unknown): ServerMessage {
  if (data instanceof ArrayBuffer) return decodeBinaryFrame(data) as ServerMessage;
  if (ArrayBuffer.isView(data)) {
    return decodeBinaryFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as ServerMessage;
  }
  return JSON.parse(String(data)) as ServerMessage;
}

/** Connection state callbacks, so the UI can say when the host cannot be reached. */
export interface WebBridgeHooks {
  onOpen?(): void;
  onClose?(): void;
}

/** A transport over one WebSocket; requests sent before the socket opens wait for it. */
export function createSocketTransport(
  socket: WebSocket,
  hooks: WebBridgeHooks = {},
): StudioTransport {
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const opened = new Promise<void>((resolve) => {
    if (socket.readyState === WebSocket.OPEN) resolve();
    else socket.addEventListener('open', () => resolve(), { once: true });
  });

  // Results with byte fields (samples, shards) arrive as one binary frame; read it as an ArrayBuffer.
  socket.binaryType = 'arraybuffer';
  socket.addEventListener('open', () => hooks.onOpen?.());
  socket.addEventListener('message', (ev: MessageEvent) => {
    let msg: ServerMessage;
    try {
      msg = parseFrame(ev.data);
    } catch {
      return; // A frame that is neither JSON nor a binary result frame; ignore it rather than break the UI.
    }
    if (msg.type === 'result') {
      const settle = pending.get(msg.id);
      pending.delete(msg.id);
      settle?.(msg.result);
    } else if (msg.type === 'event') {
      for (const fn of listeners.get(msg.event) ?? []) fn(msg.payload);
    }
  });
  socket.addEventListener('close', () => {
    closed = true;
    for (const settle of pending.values()) settle(LOST_CONNECTION);
    pending.clear();
    hooks.onClose?.();
  });

  return {
    async invoke(channel: Channel, payload: unknown) {
      if (closed) return LOST_CONNECTION;
      const id = nextId++;
      const result = new Promise<Result<unknown>>((resolve) => pending.set(id, resolve));
      await Promise.race([opened, result]);
      if (closed) return LOST_CONNECTION;
      const message = { type: 'invoke', id, channel, payload };
      // Requests carrying bytes (checkpoint weights) go out as one binary frame, never as JSON arrays.
      socket.send(hasBinaryFields(payload) ? encodeBinaryFrame(message, 'payload') : JSON.stringify(message));
      return result;
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

/** Builds the studio API over a WebSocket to the host that served this page. */
export function createWebStudioApi(hooks: WebBridgeHooks = {}): StudioApi {
  const token = takeToken();
  if (!token) {
    // Without a token the host refuses the socket; fail every call with a clear reason.
    queueMicrotask(() => hooks.onClose?.());
    return createStudioApi({
      invoke: async () => LOST_CONNECTION,
      subscribe: () => () => {},
    });
  }
  return createStudioApi(createSocketTransport(new WebSocket(ipcSocketUrl(token)), hooks));
}
