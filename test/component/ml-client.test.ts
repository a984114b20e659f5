import { describe, expect, it } from 'vitest';
import { createMlClient, type WorkerLike } from '../../src-renderer/ml/ml-client';
import { backendOrder } from '../../src-renderer/ml/backends';
import type { WorkerRequest, WorkerResponse } from '../../src-renderer/ml/protocol';

/** A worker stand-in that answers requests out of order, as a busy worker may. */
function fakeWorker() {
  const target = new EventTarget();
  const posted: WorkerRequest[] = [];
  const transfers: (Transferable[] | undefined)[] = [];
  const worker = {
    postMessage: (msg: WorkerRequest, transfer?: Transferable[]) => {
      posted.push(msg);
      transfers.push(transfer);
    },
    addEventListener: (type: string, fn: EventListener) => target.addEventListener(type, fn),
    terminate: () => {},
  } as unknown as WorkerLike;
  const reply = (data: WorkerResponse) => target.dispatchEvent(new MessageEvent('message', { data }));
  return { worker, posted, transfers, reply };
}

describe('ML worker client', () => {
  it('matches responses to requests by id', async () => {
    const { worker, posted, reply } = fakeWorker();
    const ml = createMlClient(worker);
    const first = ml.request('init', { preferred: 'wasm' });
    const second = ml.request('status', {});
    expect(posted.map((p) => [p.id, p.type])).toEqual([[1, 'init'], [2, 'status']]);

    reply({ kind: 'response', id: 2, ok: true, value: null });
    reply({ kind: 'response', id: 1, ok: false, error: { code: 'ML_ERROR', message: 'no backend' } });
    await expect(second).resolves.toBeNull();
    await expect(first).rejects.toThrow('no backend');
  });

  it('transfers a data feed\'s port with the feed:open request', async () => {
    const { worker, posted, transfers, reply } = fakeWorker();
    const ml = createMlClient(worker);
    const { port1, port2 } = new MessageChannel();
    const plan = { feedId: 'f1' } as never;
    const opened = ml.request('feed:open', { plan, port: port2 }, [port2]);
    expect(posted[0]).toMatchObject({ type: 'feed:open', payload: { plan, port: port2 } });
    expect(transfers[0]).toEqual([port2]);
    reply({ kind: 'response', id: 1, ok: true, value: { feedId: 'f1' } });
    await expect(opened).resolves.toEqual({ feedId: 'f1' });
    port1.close();
  });

  it('passes events to subscribers', () => {
    const { worker, reply } = fakeWorker();
    const ml = createMlClient(worker);
    const logs: string[] = [];
    ml.on('log', (p) => logs.push(p.message));
    reply({ kind: 'event', event: 'log', payload: { level: 'info', message: 'hello' } });
    expect(logs).toEqual(['hello']);
  });

  it('tries a preferred backend first, then the rest in order', () => {
    expect(backendOrder()).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(backendOrder('wasm')).toEqual(['wasm', 'webgpu', 'webgl', 'cpu']);
  });
});
