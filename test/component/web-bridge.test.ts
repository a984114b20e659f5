import { afterEach, describe, expect, it } from 'vitest';
import { createStudioApi } from '../../src-shared/ipc/api';
import { decodeBinaryFrame, encodeBinaryFrame } from '../../src-shared/ipc/binary-frame';
import { createSocketTransport, ipcSocketUrl, takeToken } from '../../src-renderer/bridge/web-bridge';

/** A WebSocket stand-in: records what the page sends and lets the test play the host. */
class FakeSocket extends EventTarget {
  readyState: number = WebSocket.CONNECTING;
  sent: unknown[] = [];
  send(data: string | Uint8Array) {
    this.sent.push(typeof data === 'string' ? JSON.parse(data) : decodeBinaryFrame(data));
  }
  open() {
    this.readyState = WebSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }
  receive(msg: unknown) {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(msg) }));
  }
  receiveBinary(frame: Uint8Array) {
    const data = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength);
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
  close() {
    this.readyState = WebSocket.CLOSED;
    this.dispatchEvent(new Event('close'));
  }
}

function setup() {
  const socket = new FakeSocket();
  const api = createStudioApi(createSocketTransport(socket as unknown as WebSocket));
  return { socket, api };
}

afterEach(() => sessionStorage.clear());

describe('web bridge', () => {
  it('sends invoke messages once the socket opens and resolves with the matching result', async () => {
    const { socket, api } = setup();
    const pending = api.project.open({ path: '/p/A.mstudio' });
    await Promise.resolve();
    expect(socket.sent).toEqual([]);
    socket.open();
    await new Promise((r) => setTimeout(r, 0));
    expect(socket.sent).toEqual([{ type: 'invoke', id: 1, channel: 'project:open', payload: { path: '/p/A.mstudio' } }]);
    socket.receive({ type: 'result', id: 1, result: { ok: false, error: { code: 'NOT_FOUND', message: 'gone' } } });
    await expect(pending).resolves.toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'gone' } });
  });

  it('sends a request carrying bytes as one binary frame with the bytes intact', async () => {
    const { socket, api } = setup();
    socket.open();
    const weightData = Uint8Array.from([0, 1, 254, 255]);
    void api.checkpoint.save({
      runId: 'rn-abc12345',
      epoch: 0,
      step: 10,
      kind: 'epoch',
      metrics: {},
      modelTopology: {},
      weightSpecs: [{ name: 'w', shape: [1], dtype: 'float32' }],
      weightData,
    });
    await new Promise((r) => setTimeout(r, 0));
    const sent = socket.sent[0] as { channel: string; payload: { weightData: Uint8Array; epoch: number } };
    expect(sent.channel).toBe('checkpoint:save');
    expect(sent.payload.epoch).toBe(0);
    expect([...sent.payload.weightData]).toEqual([0, 1, 254, 255]);
  });

  it('decodes a binary result frame into byte fields usable as typed arrays', async () => {
    const { socket, api } = setup();
    socket.open();
    const pending = api.dataset.readShard({ id: 'ds-abc', split: 'train', shard: 0, shardSize: 2, order: 'sequential' });
    await new Promise((r) => setTimeout(r, 0));
    const y = new Uint8Array(new Int32Array([7, 3]).buffer);
    const x = Uint8Array.from([1, 2, 3]);
    socket.receiveBinary(
      encodeBinaryFrame({ type: 'result', id: 1, result: { ok: true, value: { count: 2, total: 9, x, y } } }, 'result.value'),
    );
    const r = await pending;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.count).toBe(2);
    expect(Array.from(r.value.x)).toEqual([1, 2, 3]);
    expect(Array.from(new Int32Array(r.value.y.buffer, r.value.y.byteOffset, 2))).toEqual([7, 3]);
    expect((socket as unknown as { binaryType: string }).binaryType).toBe('arraybuffer');
  });

  it('delivers events to subscribers until they unsubscribe', () => {
    const { socket, api } = setup();
    const seen: unknown[] = [];
    const off = api.addEventListener('app:openRequest', (p) => seen.push(p));
    socket.receive({ type: 'event', event: 'app:openRequest', payload: { path: '/x' } });
    off();
    socket.receive({ type: 'event', event: 'app:openRequest', payload: { path: '/y' } });
    expect(seen).toEqual([{ path: '/x' }]);
  });

  it('fails pending and later calls with IO_ERROR when the socket closes', async () => {
    const { socket, api } = setup();
    socket.open();
    const pending = api.recent.list({});
    await new Promise((r) => setTimeout(r, 0));
    socket.close();
    const lost = { ok: false, error: { code: 'IO_ERROR', message: 'Lost the connection to the studio host' } };
    await expect(pending).resolves.toEqual(lost);
    await expect(api.app.info({})).resolves.toEqual(lost);
  });

  it('takes the token from the URL, hides it, and finds it again after a reload', () => {
    history.replaceState(null, '', '/?token=s3cret&backend=wasm');
    expect(takeToken()).toBe('s3cret');
    expect(location.search).toBe('?backend=wasm');
    expect(takeToken()).toBe('s3cret');
    expect(ipcSocketUrl('s3cret')).toBe(`ws://${location.host}/ipc?token=s3cret`);
  });
});
