/**
 * Dynamic batching for one model: one batch runs at a time, and the requests that arrive while
 * it runs go together into the next, up to `maxBatch` samples. An idle model runs a request at
 * once, unless `maxDelayMs` > 0: then it waits that long for more to join (latency for
 * throughput when requests come in bursts). The queue is bounded: past `maxQueue` waiting samples a request is
 * refused at once (the server answers 503) rather than waiting without end. `maxBatch` 1 turns
 * batching off (each request runs alone, in arrival order).
 */

export interface BatcherOptions {
  maxBatch: number;
  maxDelayMs: number;
  /** Samples that may wait; more are refused. */
  maxQueue: number;
}

/** Thrown when the queue is full. */
export class QueueFull extends Error {
  override readonly name = 'QueueFull';
}

interface Pending<T extends Float32Array | Int32Array> {
  x: T;
  n: number;
  resolve: (probs: Float32Array) => void;
  reject: (err: unknown) => void;
}

export interface BatchStats {
  /** Called with each batch's sample count and how long it ran. */
  onBatch?: (samples: number, ms: number) => void;
}

export class Batcher<T extends Float32Array | Int32Array> {
  private readonly queue: Pending<T>[] = [];
  private queued = 0;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly run: (x: T, n: number) => Promise<Float32Array>,
    private readonly sampleSize: number,
    private readonly outputSize: number,
    private readonly make: (n: number) => T,
    private readonly options: BatcherOptions,
    private readonly stats: BatchStats = {},
  ) {}

  /** Samples waiting (not yet in a running batch). */
  get depth(): number {
    return this.queued;
  }

  /** Whether nothing waits and nothing runs. */
  get idle(): boolean {
    return !this.running && this.queue.length === 0;
  }

  /**
   * The class probabilities of `n` samples; rejects with QueueFull when the queue is full. An
   * abort (the answer took too long, the client went away) takes a request that still waits out
   * of the queue, so it costs nothing; one already in a running batch just has its answer dropped.
   */
  submit(x: T, n: number, signal?: AbortSignal): Promise<Float32Array> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.queued + n > this.options.maxQueue && this.queued > 0) return Promise.reject(new QueueFull(`The queue is full (${this.queued} samples waiting, at most ${this.options.maxQueue}); try again shortly.`));
    return new Promise((resolve, reject) => {
      const entry: Pending<T> = { x, n, resolve, reject };
      const onAbort = () => {
        const at = this.queue.indexOf(entry);
        if (at >= 0) {
          this.queue.splice(at, 1);
          this.queued -= n;
        }
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.resolve = (v) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(v);
      };
      entry.reject = (e) => {
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      };
      this.queue.push(entry);
      this.queued += n;
      this.schedule();
    });
  }

  /** Refuses what still waits (with `reason`) and resolves once the running batch, if any, is done. */
  async drain(reason: Error): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const p of this.queue.splice(0)) p.reject(reason);
    this.queued = 0;
    while (this.running) await new Promise((r) => setTimeout(r, 5));
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    if (this.queued >= this.options.maxBatch || this.options.maxDelayMs <= 0 || this.options.maxBatch <= 1) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.options.maxDelayMs);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running || this.queue.length === 0) return;
    // Whole requests up to maxBatch samples; a request larger than that runs on its own.
    const batch: Pending<T>[] = [this.queue.shift()!];
    let n = batch[0]!.n;
    while (this.queue.length && n + this.queue[0]!.n <= this.options.maxBatch) {
      const next = this.queue.shift()!;
      batch.push(next);
      n += next.n;
    }
    this.queued -= n;
    this.running = true;
    void this.execute(batch, n);
  }

  private async execute(batch: Pending<T>[], n: number): Promise<void> {
    const started = performance.now();
    try {
      let x = batch[0]!.x;
      if (batch.length > 1) {
        x = this.make(n * this.sampleSize);
        let at = 0;
        for (const p of batch) {
          x.set(p.x.subarray(0, p.n * this.sampleSize), at);
          at += p.n * this.sampleSize;
        }
      }
      const probs = await this.run(x, n);
      this.stats.onBatch?.(n, performance.now() - started);
      let at = 0;
      for (const p of batch) {
        p.resolve(probs.slice(at, at + p.n * this.outputSize));
        at += p.n * this.outputSize;
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
