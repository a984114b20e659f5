/**
 * Quick runs and quick evaluations: a BatchProvider that yields only the first `limit` samples
 * of each epoch of another one (for a shuffled feed, a new subset each epoch).
 */
import type { BatchProvider, TrainBatch } from '../train/types';

/** Wraps `inner` so each epoch holds at most `limit` samples; `limit` null or >= count returns it as is. */
export function limitProvider(inner: BatchProvider, limit: number | null): BatchProvider {
  if (limit === null || limit >= inner.count) return inner;
  return {
    count: limit,
    async *epoch(epoch, opts) {
      let left = limit;
      const it = inner.epoch(epoch, opts)[Symbol.asyncIterator]();
      try {
        while (left > 0) {
          const next = await it.next();
          if (next.done) return;
          const b = next.value;
          if (b.size <= left) {
            left -= b.size;
            yield b;
            continue;
          }
          if (opts.dropRemainder) return;
          yield cut(b, left);
          left = 0;
        }
      } finally {
        // Ends the inner generator, so a streamed feed stops asking for shards.
        await it.return?.();
      }
    },
  };
}

function cut(b: TrainBatch, n: number): TrainBatch {
  const per = b.x.length / b.size;
  return { x: b.x.slice(0, n * per), y: b.y.slice(0, n), size: n, shape: [n, ...b.shape.slice(1)] };
}
