import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Result } from '../../src-shared/errors';
import { decodeBinaryFrame, encodeBinaryFrame, hasBinaryFields } from '../../src-shared/ipc/binary-frame';
import { parseJsonBounded } from '../../src-shared/json-depth';
import { dispatch, type Handlers } from '../ipc/dispatch';
import type { EventBus } from '../ipc/event-bus';
import { tokenMatches } from './security';

/** Largest accepted JSON request frame (run:appendMetrics carries up to 10,000 records). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** Largest accepted binary request frame: an invoke whose payload has byte fields (checkpoint:save). */
export const MAX_BINARY_FRAME_BYTES = 512 * 1024 * 1024;

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Decodes a binary request frame (encodeBinaryFrame(message, 'payload')) after checking its
 * header, so a crafted frame can neither write outside `payload` nor point past its bytes.
 */
export function decodeRequestFrame(data: Uint8Array): Record<string, unknown> {
  if (data.byteLength < 4) throw new Error('The binary frame is too short.');
  const headerLength = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
  if (4 + headerLength > data.byteLength) throw new Error('The binary frame header is longer than the frame.');
  const header = JSON.parse(new TextDecoder().decode(data.subarray(4, 4 + headerLength))) as Record<string, unknown>;
  const payload = header.payload;
  if (header.binaryField !== 'payload' || typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new Error('A binary frame must carry its bytes in "payload".');
  }
  const available = data.byteLength - 4 - headerLength;
  const refs = header.binary;
  const ok =
    Array.isArray(refs) &&
    refs.every((r: { key?: unknown; offset?: unknown; length?: unknown }) => {
      const { key, offset, length } = r ?? {};
      return (
        typeof key === 'string' && !UNSAFE_KEYS.has(key) &&
        Number.isInteger(offset) && Number.isInteger(length) &&
        (offset as number) >= 0 && (length as number) >= 0 && (offset as number) + (length as number) <= available
      );
    });
  if (!ok) throw new Error('The binary frame lists byte fields that do not fit in it.');
  return decodeBinaryFrame(data);
}

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
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BINARY_FRAME_BYTES });
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
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    let frame: unknown;
    if (isBinary) {
      // Requests with byte fields (checkpoint:save) come as one binary frame, like results with them go.
      try {
        frame = decodeRequestFrame(bytes);
      } catch (err) {
        return reply(null, badRequest(`Bad binary frame: ${(err as Error).message}`));
      }
    } else {
      if (bytes.byteLength > MAX_FRAME_BYTES) return reply(null, badRequest(`JSON frames are limited to ${MAX_FRAME_BYTES} bytes.`));
      try {
        frame = parseJsonBounded(bytes.toString('utf8'));
      } catch (err) {
        return reply(null, badRequest(`The frame is not valid JSON: ${(err as Error).message}.`));
      }
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
