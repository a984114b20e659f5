import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Result } from '../../src-shared/errors';
import { encodeBinaryFrame, hasBinaryFields } from '../../src-shared/ipc/binary-frame';
import { dispatch, type Handlers } from '../ipc/dispatch';
import type { EventBus } from '../ipc/event-bus';
import { tokenMatches } from './security';

/** Largest accepted incoming frame: requests are small JSON (bulk data only flows out, as binary result frames). */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** The path the renderer's WebSocket bridge connects to. */
export const IPC_PATH = '/ipc';

/** What the bridge needs from the studio. */
export interface BridgeStudio {
  handlers: Handlers;
  events: EventBus;
  clientDisconnected(clientId: string): Promise<void>;
}

/** Server-to-client frames. */
export type ServerFrame =
  | { type: 'result'; id: string | number | null; result: Result<unknown> }
  | { type: 'event'; event: string; payload: unknown };

function badRequest(message: string): Result<unknown> {
  return { ok: false, error: { code: 'BAD_REQUEST', message } };
}

/** The WebSocket side of the web host: authenticates upgrades and serves the handler table. */
export class WsBridge {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly clients = new Map<string, WebSocket>();
  private readonly disconnects = new Set<Promise<void>>();
  private readonly disconnectBus: () => void;
  private nextClient = 1;

  constructor(
    private readonly studio: BridgeStudio,
    private readonly token: string,
    private readonly origin: string,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.disconnectBus = studio.events.connect((event, payload, target) => {
      const frame = JSON.stringify({ type: 'event', event, payload } satisfies ServerFrame);
      for (const [clientId, ws] of this.clients) {
        if (target.clientId !== undefined && target.clientId !== clientId) continue;
        if (ws.readyState === WebSocket.OPEN) ws.send(frame);
      }
    });
  }

  /** Handles an HTTP upgrade: only /ipc with the right token from this host's own page. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const allowed =
      url.pathname === IPC_PATH &&
      tokenMatches(url.searchParams.get('token'), this.token) &&
      // The token alone is not enough: another local web page must not be able to use a leaked one.
      req.headers.origin === this.origin;
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    const clientId = `ws:${this.nextClient++}`;
    this.clients.set(clientId, ws);
    ws.on('message', (data, isBinary) => void this.onMessage(ws, clientId, data, isBinary));
    ws.on('error', (err) => this.log(`${clientId}: ${err.message}`));
    ws.on('close', () => {
      this.clients.delete(clientId);
      // The socket was this client's window: close its project so its lock is released.
      const done = this.studio
        .clientDisconnected(clientId)
        .catch((err: unknown) => this.log(`closing the project of ${clientId} failed: ${String(err)}`))
        .finally(() => this.disconnects.delete(done));
      this.disconnects.add(done);
    });
  }

  private async onMessage(ws: WebSocket, clientId: string, data: RawData, isBinary: boolean): Promise<void> {
    const reply = (id: string | number | null, result: Result<unknown>) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const frame = { type: 'result', id, result } satisfies ServerFrame;
      // Byte fields (dataset samples and shards) go out raw in one binary frame, never as JSON arrays.
      if (result.ok && hasBinaryFields(result.value)) ws.send(encodeBinaryFrame(frame, 'result.value'));
      else ws.send(JSON.stringify(frame));
    };
    if (isBinary) return reply(null, badRequest('Binary frames are not accepted; send JSON text.'));
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return reply(null, badRequest('The frame is not valid JSON.'));
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      return reply(null, badRequest('The frame is not a JSON object.'));
    }
    const { type, id, channel, payload } = frame as Record<string, unknown>;
    const validId = (typeof id === 'string' && id.length <= 100) || (typeof id === 'number' && Number.isFinite(id));
    if (!validId) return reply(null, badRequest('The frame has no valid "id" (a string or a number).'));
    if (type !== 'invoke') return reply(id, badRequest('Unknown frame type; expected "invoke".'));
    reply(id, await dispatch(this.studio.handlers, channel, payload, { clientId }));
  }

  /** Drops every connection and waits until the studio has closed their projects. */
  async close(): Promise<void> {
    this.disconnectBus();
    for (const ws of this.clients.values()) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    // terminate() emits 'close' asynchronously; give those handlers a turn to register.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([...this.disconnects]);
  }
}
