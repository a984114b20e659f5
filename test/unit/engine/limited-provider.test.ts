import { describe, expect, it } from 'vitest';
import type { BatchProvider, TrainBatch } from '../../../src-engine/train/types';
import { limitProvider } from '../../../src-engine/data/limited-provider';

/** 100 one-feature samples whose value is their index, in batches in order. */
const hundred: BatchProvider = {
  count: 100,
  async *epoch(_epoch, { batchSize }) {
    for (let at = 0; at < 100; at += batchSize) {
      const n = Math.min(batchSize, 100 - at);
      yield { x: Float32Array.from({ length: n }, (_, i) => at + i), y: new Int32Array(n), size: n, shape: [n, 1] } satisfies TrainBatch;
    }
  },
};

async function sizes(p: BatchProvider, batchSize: number, dropRemainder = false) {
  const out: { size: number; last: number }[] = [];
  for await (const b of p.epoch(0, { batchSize, dropRemainder })) out.push({ size: b.size, last: b.x[b.size - 1]! });
  return out;
}

describe('limitProvider (quick runs and quick evaluations)', () => {
  it('yields only the first `limit` samples, cutting the batch that crosses it', async () => {
    const p = limitProvider(hundred, 70);
    expect(p.count).toBe(70);
    expect(await sizes(p, 32)).toEqual([{ size: 32, last: 31 }, { size: 32, last: 63 }, { size: 6, last: 69 }]);
    expect(await sizes(p, 32, true)).toEqual([{ size: 32, last: 31 }, { size: 32, last: 63 }]);
  });

  it('leaves a provider alone without a limit or with one above its size', () => {
    expect(limitProvider(hundred, null)).toBe(hundred);
    expect(limitProvider(hundred, 500)).toBe(hundred);
  });
});
