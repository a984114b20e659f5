import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../../src-main/web-host/server';
import type { Result } from '../../../src-shared/errors';
import { decodeBinaryFrame, encodeBinaryFrame } from '../../../src-shared/ipc/binary-frame';

let work: string;
let host: WebHost;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ms-web-ck-'));
  host = await startWebHost({ dataDir: join(work, 'data'), rendererDir: join(work, 'renderer'), appVersion: '9.8.7' });
});

afterAll(async () => {
  await host?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A Node client that sends requests with byte fields as binary frames, as the web bridge must. */
async function connect() {
  const ws = new WebSocket(`${host.origin.replace(/^http/, 'ws')}/ipc?token=${encodeURIComponent(host.token)}`, { headers: { Origin: host.origin } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const pending = new Map<unknown, (r: Result<any>) => void>();
  let nullResults: Result<any>[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const frame = (isBinary ? decodeBinaryFrame(data) : JSON.parse(data.toString())) as { type: string; id: unknown; result: Result<any> };
    if (frame.type !== 'result') return;
    if (frame.id === null) nullResults.push(frame.result);
    pending.get(frame.id)?.(frame.result);
    pending.delete(frame.id);
  });
  let next = 1;
  const invoke = (channel: string, payload: Record<string, unknown>): Promise<Result<any>> => {
    const id = next++;
    const message = { type: 'invoke', id, channel, payload };
    const hasBytes = Object.values(payload).some((v) => v instanceof Uint8Array);
    ws.send(hasBytes ? encodeBinaryFrame(message, 'payload') : JSON.stringify(message));
    return new Promise((resolve) => pending.set(id, resolve));
  };
  const sendRaw = async (frame: Uint8Array): Promise<Result<any>> => {
    nullResults = [];
    ws.send(frame);
    for (let i = 0; i < 200 && !nullResults.length; i++) await new Promise((r) => setTimeout(r, 10));
    return nullResults[0]!;
  };
  return { ws, invoke, sendRaw };
}

function value(r: Result<any>): any {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** A frame whose JSON header is `header`, followed by `tail`. */
function rawFrame(header: unknown, tail = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + json.byteLength + tail.byteLength);
  new DataView(out.buffer).setUint32(0, json.byteLength, true);
  out.set(json, 4);
  out.set(tail, 4 + json.byteLength);
  return out;
}

describe('web host: binary request frames', () => {
  it('carries checkpoint:save bytes in, and checkpoint:load bytes out, intact (over 1 MiB)', async () => {
    const client = await connect();
    value(await client.invoke('project:create', { name: 'Ck', parentDir: work }));
    await host.studio.projects.update('ws:1', (m) => {
      m.datasets.push({ id: 'ds-abcd1234', name: 'D', createdAt: new Date().toISOString(), dir: 'datasets/ds-abcd1234' });
    });
    const spec = {
      formatVersion: 1, name: 'M', template: null, input: { kind: 'tabular', features: ['a'] }, numClasses: 2,
      layers: [{ type: 'dense', units: 2, activation: 'softmax' }],
    };
    const run = value(await client.invoke('run:create', { spec, datasetId: 'ds-abcd1234', hyper: { epochs: 1, batchSize: 2, optimizer: 'sgd', learningRate: 0.1, seed: 1, backend: 'cpu' } }));
    // 10,000 metric records are well over the old 1 MiB JSON frame limit.
    const records = Array.from({ length: 10_000 }, (_, step) => ({ kind: 'batch', epoch: 0, batch: step, step, loss: 0.123456789, accuracy: 0.5, lr: 0.1, samplesPerSec: 1234.5678, time: 1_700_000_000_000 + step }));
    expect(value(await client.invoke('run:appendMetrics', { runId: run.id, records })).appended).toBe(10_000);

    const n = 768 * 1024; // 3 MiB of float32 weights
    const weightData = new Uint8Array(n * 4);
    for (let i = 0; i < weightData.length; i++) weightData[i] = (i * 7 + (i >> 11)) & 0xff;
    const optimizerWeightData = Uint8Array.from([1, 2, 3, 4]);
    const meta = value(
      await client.invoke('checkpoint:save', {
        runId: run.id, epoch: 0, step: 5, kind: 'stop', metrics: { loss: 0.5 },
        modelTopology: { class_name: 'Sequential' },
        weightSpecs: [{ name: 'w', shape: [n], dtype: 'float32' }],
        weightData,
        optimizer: { weightSpecs: [{ name: 'iter', shape: [], dtype: 'int32' }] },
        optimizerWeightData,
      }),
    );
    expect(meta.files['weights.bin'].bytes).toBe(weightData.byteLength);
    const loaded = value(await client.invoke('checkpoint:load', { id: meta.id }));
    expect(loaded.weightData).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(loaded.weightData).equals(Buffer.from(weightData))).toBe(true);
    expect(Array.from(loaded.optimizerWeightData)).toEqual([1, 2, 3, 4]);
    expect(loaded.meta.id).toBe(meta.id);
    client.ws.close();
  }, 60_000);

  it('refuses crafted binary frames and keeps the connection', async () => {
    const client = await connect();
    const escape = rawFrame({ type: 'invoke', id: 1, channel: 'app:info', __proto__x: 1, binaryField: '__proto__', binary: [{ key: 'polluted', offset: 0, length: 1 }] }, Uint8Array.of(1));
    expect(await client.sendRaw(escape)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('payload') } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const pastEnd = rawFrame({ type: 'invoke', id: 2, channel: 'app:info', payload: { x: null }, binaryField: 'payload', binary: [{ key: 'x', offset: 0, length: 100 }] }, Uint8Array.of(1, 2));
    expect(await client.sendRaw(pastEnd)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('do not fit') } });
    expect(await client.sendRaw(Uint8Array.of(1, 2))).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(value(await client.invoke('app:info', {})).name).toBe('Model Studio');
    client.ws.close();
  });
});
