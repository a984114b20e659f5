/**
 * The UI thread's end of a data feed: reads a split's shards from main (dataset:readShard) and
 * posts them to the ML worker over a dedicated MessagePort with the ArrayBuffers transferred.
 * A split that fits the memory budget goes whole in one message; a larger one is streamed in
 * shuffled shards, read ahead while the worker consumes, and sent only when the worker asks.
 */
import type { DatasetManifest, SplitName } from '../../src-shared/datasets/schema';
import type { RequestOf, ResponseOf } from '../../src-shared/ipc/contract';
import { toErrorData } from '../../src-shared/errors';
import type { StudioClient } from '../bridge/client';
import {
  dtypeBytes,
  inputLayout,
  sampleSize,
  type FeedPlan,
  type FeedToUi,
  type FeedToWorker,
} from './feed-protocol';
import type { MlClient } from './ml-client';

/** Reads one shard from main; the studio client's dataset.readShard in the app. */
export type ShardReader = (req: RequestOf<'dataset:readShard'>) => Promise<ResponseOf<'dataset:readShard'>>;

/** The most samples readShard serves at once. */
export const MAX_SHARD_SAMPLES = 1 << 20;
/** A split smaller than this goes to the worker whole. */
export const DEFAULT_MEMORY_BUDGET = 256 * 1024 * 1024;
/** Target size of one streamed shard. */
export const DEFAULT_SHARD_BYTES = 16 * 1024 * 1024;

export interface FeedOptions {
  split: SplitName;
  seed?: number;
  /** Shuffle each epoch (training); off for evaluation. Default on. */
  shuffle?: boolean;
  memoryBudget?: number;
  shardBytes?: number;
  feedId?: string;
}

let feeds = 0;

/** Decides whole vs streamed and the shard size for a split of a dataset. */
export function planFeed(manifest: DatasetManifest, opts: FeedOptions): FeedPlan {
  const { dtype, sampleShape } = inputLayout(manifest.input);
  const total = manifest.splits[opts.split].count;
  // Inputs plus the int32 label.
  const bytesPerSample = sampleSize({ sampleShape }) * dtypeBytes(dtype) + 4;
  const whole = total * bytesPerSample <= (opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET) && total <= MAX_SHARD_SAMPLES;
  const perShard = Math.floor((opts.shardBytes ?? DEFAULT_SHARD_BYTES) / bytesPerSample);
  const shardSize = whole ? Math.max(total, 1) : Math.min(Math.max(perShard, 1), MAX_SHARD_SAMPLES);
  return {
    feedId: opts.feedId ?? `feed-${++feeds}`,
    datasetId: manifest.id,
    split: opts.split,
    kind: manifest.kind,
    dtype,
    sampleShape,
    total,
    shardSize,
    shardCount: total === 0 ? 0 : Math.ceil(total / shardSize),
    whole,
    shuffle: opts.shuffle ?? true,
    seed: opts.seed ?? manifest.split.seed,
  };
}

/** The part of a MessagePort the server uses. */
export interface ServerPort {
  postMessage(msg: FeedToWorker, transfer: Transferable[]): void;
  addEventListener(type: 'message', fn: (ev: MessageEvent<FeedToUi>) => void): void;
  start?(): void;
  close(): void;
}

// A buffer that can be transferred without taking bytes that belong to something else.
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer;
  }
  return bytes.slice().buffer;
}

/** Answers the worker's shard requests, reading `prefetch` shards ahead of the last one asked for. */
export class FeedServer {
  private readonly cache = new Map<string, Promise<ResponseOf<'dataset:readShard'>>>();
  private closed = false;
  /** Shards sent so far and their bytes (for throughput figures). */
  readonly sent = { shards: 0, bytes: 0 };

  constructor(
    private readonly port: ServerPort,
    private readonly plan: FeedPlan,
    private readonly read: ShardReader,
    private readonly prefetch = 2,
  ) {
    port.addEventListener('message', (ev) => void this.answer(ev.data));
    port.start?.();
  }

  /** Stops answering and closes the port. */
  close(): void {
    this.closed = true;
    this.cache.clear();
    this.port.close();
  }

  private fetch(epoch: number, shard: number): Promise<ResponseOf<'dataset:readShard'>> {
    const key = `${epoch}:${shard}`;
    let p = this.cache.get(key);
    if (!p) {
      const { plan } = this;
      p = this.read({
        id: plan.datasetId,
        split: plan.split,
        shard,
        shardSize: plan.shardSize,
        // A whole split is shuffled by the worker; streamed shards come shuffled across the split.
        order: plan.shuffle && !plan.whole ? 'shuffled' : 'sequential',
        seed: plan.seed,
        epoch,
      });
      p.catch(() => undefined); // a prefetch nobody asked for yet must not be an unhandled rejection
      this.cache.set(key, p);
    }
    return p;
  }

  private async answer(msg: FeedToUi): Promise<void> {
    if (msg?.type !== 'want' || this.closed) return;
    const { epoch, shard } = msg;
    const pending = this.fetch(epoch, shard);
    if (!this.plan.whole) {
      // Read ahead in the order the worker will ask, into the next epoch if need be.
      for (let i = 1, e = epoch, k = shard; i <= this.prefetch; i++) {
        if (++k >= this.plan.shardCount) (k = 0), e++;
        this.fetch(e, k);
      }
    }
    try {
      const s = await pending;
      this.cache.delete(`${epoch}:${shard}`);
      if (this.closed) return;
      const x = ownBuffer(s.x);
      const y = ownBuffer(s.y);
      this.sent.shards++;
      this.sent.bytes += x.byteLength + y.byteLength;
      this.port.postMessage({ type: 'shard', epoch, shard, count: s.count, x, y }, [x, y]);
    } catch (err) {
      this.cache.delete(`${epoch}:${shard}`);
      const { code, message } = toErrorData(err);
      if (!this.closed) this.port.postMessage({ type: 'error', epoch, shard, code, message }, []);
    }
  }
}

/** An open feed: the worker has a BatchSource under `plan.feedId`. */
export interface DataFeed {
  readonly plan: FeedPlan;
  readonly server: FeedServer;
  close(): Promise<void>;
}

/** Reads shards through the studio client (Electron IPC or the web host's binary frames). */
export function studioShardReader(studio: StudioClient): ShardReader {
  return (req) => studio.call(studio.api.dataset.readShard(req));
}

/** Opens a feed of one split to the ML worker: a new MessageChannel, one port transferred to it. */
export async function openDataFeed(
  ml: MlClient,
  read: ShardReader,
  manifest: DatasetManifest,
  opts: FeedOptions & { prefetch?: number },
): Promise<DataFeed> {
  const plan = planFeed(manifest, opts);
  const channel = new MessageChannel();
  const server = new FeedServer(channel.port1 as unknown as ServerPort, plan, read, opts.prefetch);
  try {
    await ml.request('feed:open', { plan, port: channel.port2 }, [channel.port2]);
  } catch (err) {
    server.close();
    throw err;
  }
  return {
    plan,
    server,
    async close() {
      server.close();
      await ml.request('feed:close', { feedId: plan.feedId }).catch(() => undefined);
    },
  };
}
