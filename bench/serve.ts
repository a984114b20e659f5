/**
 * Serving under load (`npm run bench -- serve`), loopback only and bounded in time: seed-cnn
 * trained one epoch on 5,000 MNIST digits, exported as ONNX float32 and int8, served by
 * `model-studio serve` in its own process (so the load generator does not share its event
 * loop), with dynamic batching (up to 64 samples; batches form while the model is busy, the
 * default), with batching that also waits 2 ms for company when the model is idle, and without
 * (batch 1).
 * At concurrency 1, 8 and 64, each client sends single-digit infer requests back to back for 3 s
 * over kept-alive connections: requests per second and p50, p95 and p99 latency.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { loadMnistArrays } from '../src-main/training/array-provider';
import { cli, withBenchProject } from './bench-project';
import type { BenchRow, BenchSuite } from './report';

const SUITE = 'serve';
const SECONDS = 3;
const CONCURRENCY = [1, 8, 64];

/** `model-studio serve` in a child process; resolves with its URL and the child. */
function startServe(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve('bin/model-studio.js'), 'serve', ...args, '--port', '0'], { env: process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /Serving \d+ models? at (http:\/\/\S+)/.exec(err);
      if (m) done({ url: m[1]!, child });
    });
    child.on('exit', (code) => fail(new Error(`serve exited with ${code}: ${err}`)));
  });
}

function post(agent: Agent, url: URL, body: Buffer): Promise<number> {
  return new Promise((done, fail) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end(body);
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** c clients sending requests back to back for SECONDS: requests per second and latency quantiles (ms). */
async function load(url: string, body: Buffer, c: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: c });
  const target = new URL(url);
  const latencies: number[] = [];
  let failed = 0;
  // Warm-up: one round of connections and runs.
  await Promise.all(Array.from({ length: c }, () => post(agent, target, body)));
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const status = await post(agent, target, body);
        if (status === 200) latencies.push(performance.now() - t0);
        else failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), p99: quantile(latencies, 0.99), failed };
}

export const serveSuite: BenchSuite = {
  name: SUITE,
  async run(log) {
    const rows: BenchRow[] = [];
    await withBenchProject('serve', async (project) => {
      await cli(['dataset', 'add', project, '--sample', 'mnist']);
      log('serve: training seed-cnn for one epoch on 5,000 digits…');
      const checkpoint = JSON.parse(await cli(['train', project, '--dataset', 'MNIST', '--model', 'seed-cnn', '--epochs', '1', '--limit', '5000', '--json'])).checkpointIds[0] as string;
      const ids: Record<string, string> = {};
      for (const precision of ['float32', 'int8']) ids[precision] = JSON.parse(await cli(['export', project, '--checkpoint', checkpoint, '--format', 'onnx', '--precision', precision, '--verify', '200', '--json'])).exportId;
      const digit = Array.from(loadMnistArrays('test', 1).x, (v) => v / 255);
      const body = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [1, 28, 28, 1], datatype: 'FP32', data: digit }] }));
      const modes = [
        ['batching', ['--max-batch', '64', '--max-delay-ms', '0']],
        ['batching 2 ms wait', ['--max-batch', '64', '--max-delay-ms', '2']],
        ['no batching', ['--max-batch', '1']],
      ] as const;
      for (const [mode, flags] of modes) {
        const { url, child } = await startServe([project, '--export', `${ids.float32}=f32`, '--export', `${ids.int8}=int8`, '--threads', '2', ...flags]);
        try {
          for (const precision of ['float32', 'int8'] as const) {
            for (const c of CONCURRENCY) {
              log(`serve: ${precision}, ${mode}, concurrency ${c}…`);
              const r = await load(`${url}/v2/models/${precision === 'float32' ? 'f32' : 'int8'}/infer`, body, c);
              const name = `seed-cnn ${precision} ${mode} c=${c}`;
              const note = `single-digit infer requests for ${SECONDS} s${r.failed ? `, ${r.failed} not 200` : ''}`;
              rows.push({ suite: SUITE, name: `${name} throughput`, value: r.rps, unit: 'req/s', note });
              for (const q of ['p50', 'p95', 'p99'] as const) rows.push({ suite: SUITE, name: `${name} ${q}`, value: r[q], unit: 'ms', note: 'latency of one request, client side' });
            }
          }
        } finally {
          child.kill('SIGTERM');
          await new Promise((r) => child.once('exit', r));
        }
      }
    });
    return rows;
  },
};
