/**
 * The inference server on real exports (a seed-cnn trained briefly on MNIST as ONNX float32,
 * int8 and TF.js; a text transformer on the names sample; an MLP on a CSV): the protocol's
 * endpoints and bodies, infer answers equal to onnxruntime's own and batched answers equal to
 * single ones, classify from a PNG, text and features, every kind of bad input answered 4xx
 * with the server still serving, a full queue answered 503, the token, the Host check.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistArrays } from '../../../src-main/training/array-provider';
import { loadServedModel, type ServedModel } from '../../../src-main/serve/served-model';
import { type RunningServer, SERVE_DEFAULTS, startServer, type ServeOptions } from '../../../src-main/serve/server';
import { runBin } from '../cli/run-bin';

let work: string;
const dirs: Record<'onnx' | 'int8' | 'tfjs' | 'text' | 'mlp', string> = { onnx: '', int8: '', tfjs: '', text: '', mlp: '' };
let server: RunningServer;
let models: ServedModel[];
const log: string[] = [];

const options = (o: Partial<ServeOptions> = {}): ServeOptions => ({ ...SERVE_DEFAULTS, port: 0, token: null, maxDelayMs: 15, appVersion: 'test', log: (l) => log.push(l), ...o });

async function exportOf(project: string, checkpoint: string, ...args: string[]): Promise<string> {
  const r = await runBin(work, ['export', project, '--checkpoint', checkpoint, '--verify', '50', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).dir as string;
}

async function trained(project: string, dataset: string, model: string, ...args: string[]): Promise<string> {
  const r = await runBin(work, ['train', project, '--dataset', dataset, '--model', model, '--epochs', '1', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).checkpointIds[0] as string;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ms-serve-'));
  const project = (await runBin(work, ['new', '.', '--name', 'Serve'])).stdout.trim();
  await runBin(work, ['dataset', 'add', project, '--sample', 'mnist']);
  const names = (await runBin(work, ['dataset', 'add', project, '--sample', 'names'])).stdout.trim();
  // A small tabular set: two measurements and the class they fall in.
  const rows = ['width,height,kind', ...Array.from({ length: 300 }, (_, i) => `${(i % 17) + (i % 3) * 20},${(i % 11) * 2 + (i % 3) * 9},${['small', 'medium', 'large'][i % 3]}`)];
  writeFileSync(join(work, 'sizes.csv'), rows.join('\n'));
  const sizes = (await runBin(work, ['dataset', 'add', project, '--csv', join(work, 'sizes.csv'), '--label', 'kind'])).stdout.trim();
  const cnn = await trained(project, 'MNIST', 'seed-cnn', '--limit', '800');
  dirs.onnx = await exportOf(project, cnn, '--format', 'onnx');
  dirs.int8 = await exportOf(project, cnn, '--format', 'onnx', '--precision', 'int8');
  dirs.tfjs = await exportOf(project, cnn);
  dirs.text = await exportOf(project, await trained(project, names, 'text-transformer', '--limit', '600'), '--format', 'onnx');
  dirs.mlp = await exportOf(project, await trained(project, sizes, 'mlp'), '--format', 'onnx');
  models = [
    await loadServedModel(dirs.onnx, 'digits', { threads: 1 }),
    await loadServedModel(dirs.int8, 'digits-int8', { threads: 1 }),
    await loadServedModel(dirs.tfjs, 'digits-tfjs', { threads: 1 }),
    await loadServedModel(dirs.text, 'names', { threads: 1 }),
    await loadServedModel(dirs.mlp, 'sizes', { threads: 1 }),
  ];
  server = await startServer(models, options());
}, 240_000);
afterAll(async () => {
  await server?.close();
  for (const m of models ?? []) await m.close();
  rmSync(work, { recursive: true, force: true });
});

interface Reply {
  status: number;
  json: any;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One request to the server (node:http, so the Host header can be set). */
function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, base = server.url): Promise<Reply> {
  const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers: { ...(data ? { 'content-length': String(data.length) } : {}), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON (metrics)
        }
        resolve({ status: res.statusCode ?? 0, json, text, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

const digits = (n: number, offset = 0) => Float32Array.from(loadMnistArrays('test', n, offset).x, (v) => v / 255);
const inferBody = (x: Float32Array, n: number) => ({ id: 'r1', inputs: [{ name: 'input', shape: [n, 28, 28, 1], datatype: 'FP32', data: Array.from(x) }] });
const stillServing = async () => expect((await call('GET', '/v2/health/ready')).status).toBe(200);

describe('the Open Inference Protocol endpoints', () => {
  it('answers health, server metadata, the repository index and model metadata', async () => {
    expect(await call('GET', '/v2/health/live')).toMatchObject({ status: 200, json: { live: true } });
    expect(await call('GET', '/v2/health/ready')).toMatchObject({ status: 200, json: { ready: true } });
    expect((await call('GET', '/v2')).json).toMatchObject({ name: 'model-studio', extensions: expect.arrayContaining(['model_repository']) });
    const index = await call('POST', '/v2/repository/index', {});
    expect(index.json).toEqual(['digits', 'digits-int8', 'digits-tfjs', 'names', 'sizes'].map((name) => ({ name, version: '1', state: 'READY' })));
    const meta = await call('GET', '/v2/models/digits');
    expect(meta.json).toMatchObject({ name: 'digits', versions: ['1'], platform: 'onnxruntime', inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 28, 28, 1] }], outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 10] }] });
    expect((await call('GET', '/v2/models/names/versions/1')).json.inputs).toEqual([{ name: 'input', datatype: 'INT32', shape: [-1, 16] }]);
    expect((await call('GET', '/v2/models/digits-tfjs')).json.platform).toBe('tensorflowjs');
    expect(await call('GET', '/v2/models/digits/ready')).toMatchObject({ status: 200, json: { name: 'digits', ready: true } });
    // By its export's id too.
    expect((await call('GET', `/v2/models/${models[0]!.meta.id}`)).json.name).toBe('digits');
    expect(log.some((l) => /"GET \/v2\/models\/digits" 200 \d+ [\d.]+ms$/.test(l))).toBe(true);
  });

  it('infers what onnxruntime gives for the same export, in the protocol’s response shape', async () => {
    const x = digits(8);
    const r = await call('POST', '/v2/models/digits/infer', inferBody(x, 8));
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ model_name: 'digits', model_version: '1', id: 'r1', outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [8, 10] }] });
    const session = await ort.InferenceSession.create(join(dirs.onnx, 'model.onnx'));
    const want = (await session.run({ input: new ort.Tensor('float32', x, [8, 28, 28, 1]) })).probabilities!.data as Float32Array;
    expect(r.json.outputs[0].data).toEqual(Array.from(want));
    // Nested data (row-major) is the same request.
    const nested = Array.from({ length: 8 }, (_, i) => Array.from({ length: 28 }, (_, y) => Array.from({ length: 28 }, (_, c) => [x[i * 784 + y * 28 + c]!])));
    expect((await call('POST', '/v2/models/digits/infer', { inputs: [{ name: 'input', shape: [8, 28, 28, 1], datatype: 'FP32', data: nested }] })).json.outputs[0].data).toEqual(Array.from(want));
    // The TF.js export of the same checkpoint agrees.
    const tfjs = (await call('POST', '/v2/models/digits-tfjs/infer', inferBody(x, 8))).json.outputs[0].data as number[];
    expect(Math.max(...tfjs.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-4);
  }, 30_000);

  it('gives each of many concurrent requests, batched together, what it gets alone', async () => {
    const x = digits(24, 100);
    const alone = (await call('POST', '/v2/models/digits-int8/infer', inferBody(x, 24))).json.outputs[0].data as number[];
    const before = (await call('GET', '/metrics')).text;
    const replies = await Promise.all(Array.from({ length: 24 }, (_, i) => call('POST', '/v2/models/digits-int8/infer', inferBody(x.subarray(i * 784, (i + 1) * 784), 1))));
    replies.forEach((r, i) => {
      expect(r.status).toBe(200);
      const got = r.json.outputs[0].data as number[];
      got.forEach((v, k) => expect(Math.abs(v - alone[i * 10 + k]!)).toBeLessThan(1e-6));
    });
    // They ran in fewer batches than requests.
    const count = (text: string) => Number(/model_studio_batch_size_count\{model="digits-int8"\} (\d+)/.exec(text)?.[1] ?? 0);
    expect(count((await call('GET', '/metrics')).text) - count(before)).toBeLessThan(24);
  }, 30_000);

  it('classifies a PNG, a text and feature values with their labels, top-k first', async () => {
    const { x, y } = loadMnistArrays('test', 1, 7);
    const png = await sharp(Buffer.from(x), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
    const r = await call('POST', '/v2/models/digits/classify?top_k=3', png, { 'content-type': 'image/png' });
    expect(r.status).toBe(200);
    expect(r.json.model_name).toBe('digits');
    expect(r.json.predictions).toHaveLength(3);
    const p = r.json.predictions as { label: string; index: number; probability: number }[];
    expect(p[0]!.probability).toBeGreaterThanOrEqual(p[1]!.probability);
    // The same digit through infer: the same top class and probability.
    const inferred = (await call('POST', '/v2/models/digits/infer', inferBody(Float32Array.from(x, (v) => v / 255), 1))).json.outputs[0].data as number[];
    expect(p[0]!.index).toBe(inferred.indexOf(Math.max(...inferred)));
    expect(p[0]!.probability).toBeCloseTo(Math.max(...inferred), 5);
    expect(p[0]!.label).toContain(String(p[0]!.index));
    void y;
    const text = await call('POST', '/v2/models/names/classify', { text: 'Margaret' });
    expect(text.status).toBe(200);
    expect(text.json.predictions.map((q: { label: string }) => q.label).sort()).toEqual(['female', 'male']);
    const byName = await call('POST', '/v2/models/sizes/classify', { features: { width: 45, height: 30 }, top_k: 1 });
    const byList = await call('POST', '/v2/models/sizes/classify', { features: [45, 30], top_k: 1 });
    expect(byName.status).toBe(200);
    expect(byName.json.predictions).toHaveLength(1);
    expect(byName.json.predictions).toEqual(byList.json.predictions);
  }, 30_000);
});

describe('bad input', () => {
  const cases: [string, () => Promise<Reply>, number, RegExp][] = [
    ['malformed JSON', () => call('POST', '/v2/models/digits/infer', '{"inputs": [', { 'content-type': 'application/json' }), 400, /not valid JSON/],
    ['JSON nested without end', () => call('POST', '/v2/models/digits/infer', '['.repeat(100_000)), 400, /deeper than/],
    ['a wrong shape', () => call('POST', '/v2/models/digits/infer', { inputs: [{ name: 'input', shape: [1, 28, 28], datatype: 'FP32', data: new Array(784).fill(0) }] }), 400, /has shape \[batch, 28, 28, 1\]/],
    ['too few values for the shape', () => call('POST', '/v2/models/digits/infer', { inputs: [{ name: 'input', shape: [2, 28, 28, 1], datatype: 'FP32', data: new Array(784).fill(0) }] }), 400, /needs 1568 values; the data has 784/],
    ['a wrong datatype', () => call('POST', '/v2/models/digits/infer', { inputs: [{ name: 'input', shape: [1, 28, 28, 1], datatype: 'INT64', data: new Array(784).fill(0) }] }), 400, /is FP32, not INT64/],
    ['a value that is not a number', () => call('POST', '/v2/models/digits/infer', { inputs: [{ name: 'input', shape: [1, 28, 28, 1], datatype: 'FP32', data: ['x', ...new Array(783).fill(0)] }] }), 400, /Value 0 of the data is "x"/],
    ['a wrong input name', () => call('POST', '/v2/models/digits/infer', { inputs: [{ name: 'pixels', shape: [1, 28, 28, 1], datatype: 'FP32', data: new Array(784).fill(0) }] }), 400, /no input "pixels"/],
    ['an unknown model', () => call('POST', '/v2/models/nope/infer', {}), 404, /no model "nope"; served: digits/],
    ['an unknown version', () => call('GET', '/v2/models/digits/versions/7'), 404, /no version 7/],
    ['an unknown path', () => call('GET', '/v1/models'), 404, /no \/v1\/models here/],
    ['the wrong method', () => call('GET', '/v2/models/digits/infer'), 405, /takes POST, not GET/],
    ['a body that is not an image', () => call('POST', '/v2/models/digits/classify', Buffer.from('hello, not a picture'), { 'content-type': 'image/png' }), 400, /not an image the studio reads \(PNG, JPEG, GIF, WebP or BMP\)/],
    ['a GIF that is only its signature', () => call('POST', '/v2/models/digits/classify', Buffer.from('GIF89a not really'), { 'content-type': 'image/gif' }), 400, /cannot be used/],
    ['a malformed escape in a model name', () => call('GET', '/v2/models/%E0%A4'), 400, /not a valid model name/],
    ['a broken PNG', () => call('POST', '/v2/models/digits/classify', Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), { 'content-type': 'image/png' }), 400, /cannot be used/],
    ['text to an image model', () => call('POST', '/v2/models/digits/classify', { text: 'hi' }), 400, /takes an image \(PNG, JPEG, GIF, WebP or BMP/],
    ['an image to a text model', () => call('POST', '/v2/models/names/classify', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), { 'content-type': 'image/png' }), 400, /not an image/],
    ['an unknown feature', () => call('POST', '/v2/models/sizes/classify', { features: { depth: 1 } }), 400, /no feature "depth"/],
    ['a feature that is not a number', () => call('POST', '/v2/models/sizes/classify', { features: [1, 'tall'] }), 400, /height is "tall"/],
  ];
  for (const [what, send, status, message] of cases) {
    it(`answers ${what} with ${status} and a JSON error, and keeps serving`, async () => {
      const r = await send();
      expect(r.status).toBe(status);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.json.error).toMatch(message);
      await stillServing();
    });
  }

  it('answers an oversized body with 413 before reading it, and keeps serving', async () => {
    const small = await startServer(models.slice(0, 1), options({ maxBodyBytes: 10_000 }));
    try {
      const r = await call('POST', '/v2/models/digits/infer', inferBody(digits(8), 8), {}, small.url);
      expect(r.status).toBe(413);
      expect(r.json.error).toMatch(/at most 10000 are accepted/);
      expect((await call('GET', '/v2/health/live', undefined, {}, small.url)).status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('answers an oversized chunked body (no Content-Length) with 413 once it passes the limit', async () => {
    const small = await startServer(models.slice(0, 1), options({ maxBodyBytes: 10_000 }));
    try {
      const url = new URL(small.url);
      const status = await new Promise<string>((resolve) => {
        const req = request({ host: url.hostname, port: url.port, path: '/v2/models/digits/infer', method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(String(res.statusCode));
        });
        req.on('error', (err) => resolve(`error: ${err.message}`));
        for (let i = 0; i < 8; i++) req.write('x'.repeat(2_000));
        req.end();
      });
      expect(status).toBe('413');
      expect((await call('GET', '/v2/health/live', undefined, {}, small.url)).status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('cuts off a client that sends its body too slowly (408), and keeps serving others meanwhile', async () => {
    const slow = await startServer(models.slice(0, 1), options({ requestTimeoutMs: 600 }));
    try {
      const url = new URL(slow.url);
      const cut = await new Promise<string>((resolve) => {
        const req = request({ host: url.hostname, port: url.port, path: '/v2/models/digits/infer', method: 'POST', headers: { 'content-length': '100000' } }, (res) => resolve(String(res.statusCode)));
        req.on('error', (err) => resolve(`error: ${err.message}`));
        req.write('{"inputs": [');
        // …and nothing more: the server must not wait for ever.
      });
      expect(cut).toBe('408');
      expect((await call('POST', '/v2/models/digits/infer', inferBody(digits(1), 1), {}, slow.url)).status).toBe(200);
    } finally {
      await slow.close();
    }
  }, 15_000);

  it('answers 503 when the queue is full, and serves again once it drains', async () => {
    // The real model made slow, so requests pile up faster than it answers.
    const real = models[0]!;
    const slow: ServedModel = {
      ...real,
      run: async (x, n) => {
        await new Promise((r) => setTimeout(r, 100));
        return real.run(x, n);
      },
    };
    const busy = await startServer([slow], options({ maxBatch: 1, maxQueue: 2 }));
    try {
      const body = inferBody(digits(1), 1);
      const replies = await Promise.all(Array.from({ length: 8 }, () => call('POST', '/v2/models/digits/infer', body, {}, busy.url)));
      const full = replies.filter((r) => r.status === 503);
      expect(full.length).toBeGreaterThan(0);
      expect(full[0]!.json.error).toMatch(/queue is full/);
      expect(replies.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect((await call('POST', '/v2/models/digits/infer', inferBody(digits(1), 1), {}, busy.url)).status).toBe(200);
      expect((await call('GET', '/metrics', undefined, {}, busy.url)).text).toMatch(/model_studio_requests_total\{model="digits",endpoint="infer",code="503"\} [1-9]/);
    } finally {
      await busy.close();
    }
  }, 30_000);
});

describe('load', () => {
  it('takes a request that timed out out of the queue, so its work is never done', async () => {
    const real = models[0]!;
    let runs = 0;
    const slow: ServedModel = {
      ...real,
      run: async (x, n) => {
        runs++;
        await new Promise((r) => setTimeout(r, 120));
        return real.run(x, n);
      },
    };
    const busy = await startServer([slow], options({ maxBatch: 1, answerTimeoutMs: 200 }));
    try {
      const body = inferBody(digits(1), 1);
      const replies = await Promise.all(Array.from({ length: 6 }, () => call('POST', '/v2/models/digits/infer', body, {}, busy.url)));
      const late = replies.filter((r) => r.status === 503);
      expect(late.length).toBeGreaterThan(0);
      expect(late[0]!.json.error).toMatch(/did not answer within 200 ms/);
      await new Promise((r) => setTimeout(r, 400));
      // Only the requests still waiting when their answer was due were dropped: fewer runs than requests.
      expect(runs).toBeLessThan(6);
      expect(runs).toBeGreaterThanOrEqual(replies.filter((r) => r.status === 200).length);
    } finally {
      await busy.close();
    }
  });

  it('labels its metrics only with the models it serves', async () => {
    await call('POST', '/v2/models/made-up-name-123/infer', {});
    expect((await call('GET', '/metrics')).text).not.toContain('made-up-name-123');
  });
});

describe('access', () => {
  it('with a token, answers 401 without it or with a wrong one, and serves with it; health stays open', async () => {
    const secured = await startServer(models.slice(0, 1), options({ token: 'a-long-secret-token' }));
    try {
      expect((await call('GET', '/v2/models/digits', undefined, {}, secured.url)).status).toBe(401);
      expect((await call('GET', '/v2/models/digits', undefined, { authorization: 'Bearer wrong' }, secured.url)).status).toBe(401);
      expect((await call('GET', '/metrics', undefined, {}, secured.url)).status).toBe(401);
      expect((await call('GET', '/v2/models/digits', undefined, { authorization: 'Bearer a-long-secret-token' }, secured.url)).status).toBe(200);
      expect((await call('GET', '/v2/health/ready', undefined, {}, secured.url)).status).toBe(200);
    } finally {
      await secured.close();
    }
  });

  it('refuses to start on a non-loopback address without a token', async () => {
    await expect(startServer(models.slice(0, 1), options({ host: '0.0.0.0' }))).rejects.toThrow(/needs --token/);
  });

  it('on loopback without a token, answers only requests addressed to localhost (no DNS rebinding), and sends no CORS headers', async () => {
    const r = await call('GET', '/v2/models/digits', undefined, { host: 'evil.example:8000', origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    const ok = await call('GET', '/v2/models/digits', undefined, { origin: 'http://evil.example' });
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.headers).filter((h) => h.startsWith('access-control'))).toEqual([]);
  });
});
