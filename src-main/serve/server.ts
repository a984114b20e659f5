/**
 * The inference server: the Open Inference Protocol v2 REST API over node:http for the loaded
 * models, each behind its own dynamic batcher.
 *
 *   GET  /v2                                   server metadata
 *   GET  /v2/health/live, /v2/health/ready     health ({"live": true}, {"ready": true}; 503 while stopping)
 *   POST /v2/repository/index                  the models served: [{name, version, state}]
 *   GET  /v2/models/{name}[/versions/1]        model metadata (inputs and outputs)
 *   GET  /v2/models/{name}[/versions/1]/ready  model readiness
 *   POST /v2/models/{name}[/versions/1]/infer  JSON tensors in, probabilities out
 *   POST /v2/models/{name}[/versions/1]/classify  an image, {"text"} or {"features"} in, top-k labels out
 *   GET  /metrics                              Prometheus text
 *
 * What a real server needs: a body limit (413), the request's own time limit (a client that
 * sends slowly is cut off, 408), a bounded queue (503), an answer time limit (503), a bearer
 * token when one is set (401; health stays open for probes), Host checked when bound to
 * loopback without a token (a web page cannot reach it through DNS rebinding), no CORS headers,
 * one access-log line per request, and a graceful stop: no new requests, those in flight finish.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJsonBounded } from '../../src-shared/json-depth';
import { Batcher, QueueFull } from './batcher';
import { classifyInput, DEFAULT_TOP_K, topPredictions } from './classify';
import { ServerMetrics } from './metrics';
import { inferResponse, modelMetadata, parseInferRequest, ProtocolError } from './oip';
import type { ServedModel } from './served-model';

export interface ServeOptions {
  host: string;
  port: number;
  /** Required on any address but loopback. */
  token: string | null;
  maxBatch: number;
  maxDelayMs: number;
  /** Samples that may wait per model. */
  maxQueue: number;
  maxBodyBytes: number;
  /** How long a client may take to send its request. */
  requestTimeoutMs: number;
  /** How long a request may wait for its answer. */
  answerTimeoutMs: number;
  appVersion: string;
  /** One line per request, and the server's own lines. */
  log: (line: string) => void;
}

export const SERVE_DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  maxBatch: 64,
  maxDelayMs: 0,
  maxQueue: 1024,
  maxBodyBytes: 16 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  answerTimeoutMs: 30_000,
} as const;

export interface RunningServer {
  url: string;
  port: number;
  /** Stops taking requests and lets those in flight finish (up to `graceMs`); the models stay loaded (their owner closes them). */
  close(graceMs?: number): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Whether an address only this machine reaches. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The client closed its connection before its answer. */
class ClientGone extends Error {
  constructor() {
    super('The client closed the connection.');
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startServer(models: ServedModel[], options: ServeOptions): Promise<RunningServer> {
  if (!isLoopback(options.host) && !options.token) throw new Error(`Serving on ${options.host} (not loopback) needs --token: anyone who reaches this machine could use the models.`);
  const metrics = new ServerMetrics();
  const byName = new Map(models.map((m) => [m.name, m]));
  const batchers = new Map(
    models.map((m) => [
      m.name,
      new Batcher<Float32Array | Int32Array>((x, n) => m.run(x, n), m.sampleSize, m.labels.length, (n) => (m.input.datatype === 'INT32' ? new Int32Array(n) : new Float32Array(n)), options, {
        onBatch: (samples, ms) => metrics.batch(m.name, samples, ms / 1000),
      }),
    ]),
  );
  let stopping = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;
  const token = options.token ? Buffer.from(options.token) : null;

  const authorized = (req: IncomingMessage) => {
    if (!token) return true;
    // The scheme is case-insensitive (RFC 7235); the token is compared in constant time.
    const m = /^bearer +(.+)$/i.exec(req.headers.authorization ?? '');
    const given = Buffer.from(m?.[1] ?? '');
    return given.length === token.length && timingSafeEqual(given, token);
  };
  const hostAllowed = (req: IncomingMessage) => {
    if (token || !isLoopback(options.host)) return true;
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    return isLoopback(host);
  };

  // Bodies held in memory at once, over all requests: past this a request is answered 503 at once.
  const bodyBudget = Math.max(64 * 2 ** 20, 4 * options.maxBodyBytes);
  let buffered = 0;
  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > options.maxBodyBytes) return reject(new HttpError(413, `The body is ${declared} bytes; at most ${options.maxBodyBytes} are accepted.`));
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        buffered -= size;
        fn();
      };
      req.on('data', (c: Buffer) => {
        if (done) return;
        size += c.length;
        buffered += c.length;
        if (size > options.maxBodyBytes) finish(() => reject(new HttpError(413, `The body is over ${options.maxBodyBytes} bytes.`)));
        else if (buffered > bodyBudget) finish(() => reject(new HttpError(503, 'The server holds too many request bodies at once; try again shortly.')));
        else chunks.push(c);
      });
      req.on('end', () => finish(() => resolve(Buffer.concat(chunks))));
      req.on('error', (err) => finish(() => reject(err)));
      req.on('close', () => finish(() => reject(new ClientGone())));
    });

  const parseJson = (body: Buffer): unknown => {
    try {
      return parseJsonBounded(body.toString('utf8'), 64);
    } catch (err) {
      throw new HttpError(400, `The body is not valid JSON: ${(err as Error).message}.`);
    }
  };

  /**
   * The model's answer for n samples, or 503 when its queue is full or the answer takes too long.
   * A request that times out, or whose client goes away, leaves the queue (it costs nothing more).
   */
  const predict = async (model: ServedModel, x: Float32Array | Int32Array, n: number, res: ServerResponse) => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new HttpError(503, `${model.name} did not answer within ${options.answerTimeoutMs} ms; the server is overloaded.`)), options.answerTimeoutMs);
    const gone = () => {
      if (!res.writableFinished) abort.abort(new ClientGone());
    };
    res.once('close', gone);
    try {
      return await batchers.get(model.name)!.submit(x, n, abort.signal);
    } catch (err) {
      if (err instanceof QueueFull) throw new HttpError(503, err.message);
      throw err;
    } finally {
      clearTimeout(timer);
      res.off('close', gone);
    }
  };

  type Route = { method: 'GET' | 'POST'; endpoint: string; model: string; run: () => Promise<{ status?: number; body: unknown; type?: string }> };

  const route = (req: IncomingMessage, res: ServerResponse): Route => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/v2/health/live') return { method: 'GET', endpoint: 'health', model: '', run: async () => ({ body: { live: true } }) };
    if (path === '/v2/health/ready') return { method: 'GET', endpoint: 'health', model: '', run: async () => (stopping ? { status: 503, body: { ready: false } } : { body: { ready: true } }) };
    if (path === '/v2') return { method: 'GET', endpoint: 'metadata', model: '', run: async () => ({ body: { name: 'model-studio', version: options.appVersion, extensions: ['model_repository', 'classify'] } }) };
    if (path === '/metrics') {
      return { method: 'GET', endpoint: 'metrics', model: '', run: async () => ({ body: metrics.text(Object.fromEntries([...batchers].map(([n, b]) => [n, b.depth]))), type: 'text/plain; version=0.0.4; charset=utf-8' }) };
    }
    if (path === '/v2/repository/index') {
      return { method: 'POST', endpoint: 'index', model: '', run: async () => ({ body: models.map((m) => ({ name: m.name, version: m.version, state: 'READY' })) }) };
    }
    const m = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(?:\/(ready|infer|classify))?$/.exec(path);
    if (!m) throw new HttpError(404, `There is no ${path} here; see /v2/repository/index for the models and the protocol's paths.`);
    let name: string;
    try {
      name = decodeURIComponent(m[1]!);
    } catch {
      throw new HttpError(400, `${m[1]} is not a valid model name in a URL.`);
    }
    const action = m[3] ?? 'metadata';
    // A model by its name, or by its export's id.
    const model = byName.get(name) ?? models.find((x) => x.meta.id === name);
    const find = () => {
      if (!model) throw new HttpError(404, `There is no model "${name}"; served: ${models.map((x) => x.name).join(', ')}.`);
      if (m[2] !== undefined && m[2] !== model.version) throw new HttpError(404, `${name} has no version ${m[2]}; its version is ${model.version}.`);
      return model;
    };
    /** A route on the model the URL names (404 when it serves none). */
    const on = (method: Route['method'], run: (target: ServedModel) => ReturnType<Route['run']>): Route => ({ method, endpoint: action, model: name, run: () => run(find()) });
    if (action === 'metadata') return on('GET', async (target) => ({ body: modelMetadata(target) }));
    // While stopping, everything but health answers 503 before it gets here.
    if (action === 'ready') return on('GET', async (target) => ({ body: { name: target.name, ready: true } }));
    if (action === 'infer') {
      return on('POST', async (target) => {
        const parsed = parseInferRequest(parseJson(await readBody(req)), target);
        const probs = await predict(target, parsed.x, parsed.n, res);
        return { body: inferResponse(target, parsed.id, probs, parsed.n) };
      });
    }
    return on('POST', async (target) => {
      const body = await readBody(req);
      const { x, topK } = await classifyInput(target, body, String(req.headers['content-type'] ?? ''), () => parseJson(body));
      const k = Number(url.searchParams.get('top_k') ?? topK ?? DEFAULT_TOP_K);
      if (!Number.isInteger(k) || k < 1) throw new HttpError(400, 'top_k is a whole number of at least 1.');
      const probs = await predict(target, x, 1, res);
      return { body: { model_name: target.name, model_version: target.version, predictions: topPredictions(target, probs, k) } };
    });
  };

  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), 'x-content-type-options': 'nosniff', ...(stopping ? { connection: 'close' } : {}) });
    res.end(text);
    return Buffer.byteLength(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    inFlight++;
    let status = 500;
    let bytes = 0;
    let endpoint = 'other';
    let modelName = '';
    try {
      if (!hostAllowed(req)) throw new HttpError(403, `Host ${req.headers.host ?? '(none)'} is not this machine's loopback; the server answers only requests addressed to localhost.`);
      const r = route(req, res);
      endpoint = r.endpoint;
      // Metrics are labelled with served models only (a made-up name in a URL adds no series).
      modelName = (byName.get(r.model) ?? models.find((x) => x.meta.id === r.model))?.name ?? '';
      // While stopping only health answers (ready: false).
      if (stopping && endpoint !== 'health') throw new HttpError(503, 'The server is stopping.');
      if (!authorized(req) && endpoint !== 'health') throw new HttpError(401, 'This server needs "Authorization: Bearer <token>".');
      if (req.method !== r.method) throw new HttpError(405, `${new URL(req.url ?? '/', 'http://localhost').pathname} takes ${r.method}, not ${req.method}.`);
      const out = await r.run();
      status = out.status ?? 200;
      bytes = send(res, status, out.body, out.type);
    } catch (err) {
      // 499: the client went away (nginx's code), not a failure of the server.
      status = err instanceof HttpError || err instanceof ProtocolError ? err.status : err instanceof ClientGone ? 499 : 500;
      const message = status === 500 ? `The server failed: ${(err as Error).message}` : (err as Error).message;
      if (status === 413) {
        // The rest of an oversized body is drained, not kept, and the connection closes after the answer.
        res.setHeader('connection', 'close');
        req.resume();
        res.once('finish', () => setTimeout(() => req.socket.destroy(), 2000).unref());
      }
      if (!res.headersSent && !res.destroyed) bytes = send(res, status, { error: message });
    } finally {
      const ms = performance.now() - started;
      metrics.request(modelName, endpoint, status, ms / 1000);
      options.log(`${new Date().toISOString()} ${req.socket.remoteAddress ?? '-'} "${req.method} ${req.url}" ${status} ${bytes} ${ms.toFixed(1)}ms`);
      inFlight--;
      if (inFlight === 0) drained?.();
    }
  };

  const server = createServer({ requestTimeout: options.requestTimeoutMs, headersTimeout: Math.min(options.requestTimeoutMs, 10_000), connectionsCheckingInterval: Math.min(1000, options.requestTimeoutMs) }, (req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    async close(graceMs = 30_000) {
      if (stopping) return;
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([new Promise<void>((resolve) => (drained = resolve)), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      }
      // What still waits is refused, and no batch is left running on a runtime its owner will release.
      for (const b of batchers.values()) await b.drain(new HttpError(503, 'The server is stopping.'));
      server.closeAllConnections();
      await closed;
    },
  };
}
