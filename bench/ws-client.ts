/** A minimal Node client of the web host's WebSocket: invoke channels, decode binary result frames, wait for events. */
import WebSocket from 'ws';
import type { Result } from '../src-shared/errors';
import { decodeBinaryFrame } from '../src-shared/ipc/binary-frame';

interface Frame {
  type: string;
  id?: unknown;
  result?: Result<unknown>;
  event?: string;
  payload?: unknown;
}

/** A connected client; `invoke` resolves to the Result the host sent. */
export interface WsClient {
  invoke(channel: string, payload?: unknown): Promise<Result<any>>;
  /** Resolves with the first event (past or future) that `match` accepts. */
  waitForEvent(event: string, match: (payload: any) => boolean): Promise<unknown>;
  /** Bytes received in binary frames so far. */
  binaryBytes(): number;
  close(): void;
}

/** Connects to a running web host as its own page would (token + Origin). */
export async function connectWs(origin: string, token: string): Promise<WsClient> {
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/ipc?token=${encodeURIComponent(token)}`, { headers: { Origin: origin } });
  ws.binaryType = 'nodebuffer';
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const pending = new Map<unknown, (r: Result<unknown>) => void>();
  const events: Frame[] = [];
  const waiters: { event: string; match: (p: unknown) => boolean; resolve: (p: unknown) => void }[] = [];
  let binary = 0;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) binary += data.byteLength;
    const frame = (isBinary ? decodeBinaryFrame(data) : JSON.parse(data.toString())) as Frame;
    if (frame.type === 'result') {
      pending.get(frame.id)?.(frame.result!);
      pending.delete(frame.id);
      return;
    }
    events.push(frame);
    for (const w of [...waiters]) {
      if (w.event === frame.event && w.match(frame.payload)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame.payload);
      }
    }
  });
  let next = 1;
  return {
    invoke(channel, payload = {}) {
      const id = next++;
      ws.send(JSON.stringify({ type: 'invoke', id, channel, payload }));
      return new Promise((resolve) => pending.set(id, resolve as (r: Result<unknown>) => void));
    },
    waitForEvent(event, match) {
      const seen = events.find((f) => f.event === event && match(f.payload));
      if (seen) return Promise.resolve(seen.payload);
      return new Promise((resolve) => waiters.push({ event, match, resolve }));
    },
    binaryBytes: () => binary,
    close: () => ws.close(),
  };
}
