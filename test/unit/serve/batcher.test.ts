/**
 * The dynamic batcher on its own: requests that arrive together run as one batch up to the
 * batch size and each gets its own rows back; a full queue refuses at once; batching off runs
 * each alone; a failed batch fails its requests and the next batch still runs.
 */
import { describe, expect, it } from 'vitest';
import { Batcher, QueueFull } from '../../../src-main/serve/batcher';

/** A "model" of 2 inputs and 2 outputs per sample: [a + b, a - b], recording each batch's size. */
function fakeModel(delayMs = 5) {
  const batches: number[] = [];
  let fail = false;
  const run = async (x: Float32Array, n: number) => {
    batches.push(n);
    await new Promise((r) => setTimeout(r, delayMs));
    if (fail) throw new Error('runtime failed');
    const out = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      out[i * 2] = x[i * 2]! + x[i * 2 + 1]!;
      out[i * 2 + 1] = x[i * 2]! - x[i * 2 + 1]!;
    }
    return out;
  };
  return { run, batches, failNext: (v: boolean) => (fail = v) };
}

const make = (n: number) => new Float32Array(n);

describe('the dynamic batcher', () => {
  it('runs requests arriving within the delay as one batch and gives each its own rows', async () => {
    const m = fakeModel();
    const b = new Batcher(m.run, 2, 2, make, { maxBatch: 64, maxDelayMs: 20, maxQueue: 1000 });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => b.submit(Float32Array.of(i, 1), 1)));
    expect(m.batches).toEqual([10]);
    answers.forEach((a, i) => expect(Array.from(a)).toEqual([i + 1, i - 1]));
    expect(b.idle).toBe(true);
  });

  it('never puts more than maxBatch samples in one batch, keeps requests whole, and runs a larger request alone', async () => {
    const m = fakeModel();
    const b = new Batcher(m.run, 2, 2, make, { maxBatch: 4, maxDelayMs: 20, maxQueue: 1000 });
    const sizes = [1, 2, 2, 3, 1, 6];
    const answers = await Promise.all(sizes.map((n, i) => b.submit(new Float32Array(n * 2).fill(i), n)));
    expect(m.batches.filter((n) => n > 4)).toEqual([6]);
    expect(m.batches.reduce((a, c) => a + c, 0)).toBe(15);
    expect(m.batches).toContain(6);
    answers.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from({ length: sizes[i]! * 2 }, (_, k) => (k % 2 ? 0 : 2 * i))));
  });

  it('with batching off (maxBatch 1) runs each request alone, in order', async () => {
    const m = fakeModel(1);
    const b = new Batcher(m.run, 2, 2, make, { maxBatch: 1, maxDelayMs: 20, maxQueue: 1000 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => b.submit(Float32Array.of(i, 0), 1)));
    expect(m.batches).toEqual([1, 1, 1, 1, 1]);
  });

  it('refuses at once when the queue is full, and serves again once it drains', async () => {
    const m = fakeModel(30);
    const b = new Batcher(m.run, 2, 2, make, { maxBatch: 2, maxDelayMs: 0, maxQueue: 3 });
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => b.submit(Float32Array.of(1, 1), 1)));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => (r as PromiseRejectedResult).reason instanceof QueueFull)).toBe(true);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(3);
    expect(Array.from(await b.submit(Float32Array.of(2, 1), 1))).toEqual([3, 1]);
  });

  it('fails every request of a failed batch, and runs the next batch', async () => {
    const m = fakeModel();
    const b = new Batcher(m.run, 2, 2, make, { maxBatch: 8, maxDelayMs: 10, maxQueue: 100 });
    m.failNext(true);
    const failed = await Promise.allSettled([b.submit(Float32Array.of(1, 1), 1), b.submit(Float32Array.of(1, 2), 1)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    m.failNext(false);
    expect(Array.from(await b.submit(Float32Array.of(5, 1), 1))).toEqual([6, 4]);
  });
});
