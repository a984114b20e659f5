/**
 * The server's counters in Prometheus's text exposition format (`GET /metrics`): requests by
 * model, endpoint and status code, request latency and batch size histograms, inference time,
 * and each model's queue depth at the time of the scrape.
 */

/** Upper bounds (seconds) of the request latency buckets. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: number[]) {
    this.counts = bounds.map(() => 0);
  }
  observe(v: number): void {
    this.bounds.forEach((b, i) => {
      if (v <= b) this.counts[i]!++;
    });
    this.sum += v;
    this.count++;
  }
  lines(name: string, labels: string): string[] {
    const sep = labels ? `${labels},` : '';
    return [
      ...this.bounds.map((b, i) => `${name}_bucket{${sep}le="${b}"} ${this.counts[i]}`),
      `${name}_bucket{${sep}le="+Inf"} ${this.count}`,
      `${name}_sum${labels ? `{${labels}}` : ''} ${this.sum}`,
      `${name}_count${labels ? `{${labels}}` : ''} ${this.count}`,
    ];
  }
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly batches = new Map<string, Histogram>();
  private readonly inference = new Map<string, Histogram>();

  /** One answered request: its model ('' for none), endpoint, status and seconds. */
  request(model: string, endpoint: string, status: number, seconds: number): void {
    const key = `model="${label(model)}",endpoint="${label(endpoint)}",code="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const lk = `endpoint="${label(endpoint)}"`;
    if (!this.latency.has(lk)) this.latency.set(lk, new Histogram(LATENCY_BUCKETS));
    this.latency.get(lk)!.observe(seconds);
  }

  /** One batch a model ran: its samples and seconds. */
  batch(model: string, samples: number, seconds: number): void {
    const key = `model="${label(model)}"`;
    if (!this.batches.has(key)) this.batches.set(key, new Histogram(BATCH_BUCKETS));
    if (!this.inference.has(key)) this.inference.set(key, new Histogram(LATENCY_BUCKETS));
    this.batches.get(key)!.observe(samples);
    this.inference.get(key)!.observe(seconds);
  }

  /** The exposition text; `queues` gives each model's waiting samples now. */
  text(queues: Record<string, number>): string {
    const out = [
      '# HELP model_studio_requests_total Requests answered, by model, endpoint and status code.',
      '# TYPE model_studio_requests_total counter',
      ...[...this.requests].map(([k, v]) => `model_studio_requests_total{${k}} ${v}`),
      '# HELP model_studio_request_duration_seconds Time from a request\'s arrival to its answer.',
      '# TYPE model_studio_request_duration_seconds histogram',
      ...[...this.latency].flatMap(([k, h]) => h.lines('model_studio_request_duration_seconds', k)),
      '# HELP model_studio_batch_size Samples in each batch a model ran.',
      '# TYPE model_studio_batch_size histogram',
      ...[...this.batches].flatMap(([k, h]) => h.lines('model_studio_batch_size', k)),
      '# HELP model_studio_inference_duration_seconds Time each batch took in the runtime.',
      '# TYPE model_studio_inference_duration_seconds histogram',
      ...[...this.inference].flatMap(([k, h]) => h.lines('model_studio_inference_duration_seconds', k)),
      '# HELP model_studio_queue_depth Samples waiting for a batch, by model.',
      '# TYPE model_studio_queue_depth gauge',
      ...Object.entries(queues).map(([m, d]) => `model_studio_queue_depth{model="${label(m)}"} ${d}`),
    ];
    return `${out.join('\n')}\n`;
  }
}
