/**
 * Dataset figures: MNIST sample import end to end, image-folder import rate, and batch delivery
 * throughput (dataset:readShard) through the real web host over a WebSocket and by direct calls.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRng } from '../src-shared/random';
import { startWebHost, type WebHost } from '../src-main/web-host/server';
import { since, type BenchRow, type BenchSuite } from './report';
import { connectWs } from './ws-client';

const SUITE = 'dataset';
const MB = 1e6;

/** Writes `count` 28x28 grayscale PNGs in 10 class folders (a noisy bar whose angle is the class). */
async function writePngFolder(dir: string, count: number): Promise<void> {
  const rng = createRng(1);
  for (let c = 0; c < 10; c++) await mkdir(join(dir, `class-${c}`), { recursive: true });
  const jobs: (() => Promise<unknown>)[] = [];
  for (let i = 0; i < count; i++) {
    const c = i % 10;
    const px = new Uint8Array(28 * 28);
    for (let k = 0; k < px.length; k++) px[k] = Math.floor(rng() * 60);
    const angle = (c / 10) * Math.PI;
    for (let t = -10; t <= 10; t++) {
      const x = Math.round(14 + t * Math.cos(angle));
      const y = Math.round(14 + t * Math.sin(angle));
      if (x >= 0 && x < 28 && y >= 0 && y < 28) px[y * 28 + x] = 255;
    }
    jobs.push(() => sharp(px, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(dir, `class-${c}`, `${i}.png`)));
  }
  // A few files in flight at a time: sharp uses its own threads for each.
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < jobs.length) await jobs[next++]!();
  }));
}

/** Runs a readShard loop and returns MB/s of x+y delivered. */
async function throughput(read: (shard: number) => Promise<{ count: number; x: Uint8Array; y: Uint8Array }>, passes: number): Promise<{ mbps: number; bytes: number }> {
  let bytes = 0;
  const start = performance.now();
  for (let p = 0; p < passes; p++) {
    for (let shard = 0; ; shard++) {
      const s = await read(shard);
      if (s.count === 0) break;
      bytes += s.x.byteLength + s.y.byteLength;
    }
  }
  return { mbps: bytes / MB / (since(start) / 1000), bytes };
}

async function run(log: (line: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const work = await mkdtemp(join(tmpdir(), 'ms-bench-'));
  let host: WebHost | null = null;
  try {
    host = await startWebHost({ dataDir: join(work, 'data'), rendererDir: join(work, 'renderer'), appVersion: 'bench' });
    const { studio } = host;

    log('  MNIST sample import…');
    await studio.projects.create('Bench', work, 'bench');
    let start = performance.now();
    const mnist = await studio.datasets.startImport('bench', { source: { type: 'sample', sample: 'mnist' } }).done;
    rows.push({ suite: SUITE, name: 'MNIST IDX import (sample, end to end)', value: since(start) / 1000, unit: 's', note: '70,000 images: read + split + write + sha256' });

    log('  generating 10,000 PNGs (not timed)…');
    const pngDir = join(work, 'pngs');
    await writePngFolder(pngDir, 10_000);
    log('  image-folder import…');
    start = performance.now();
    const folder = await studio.datasets.startImport('bench', { source: { type: 'images', path: pngDir, image: { width: 28, height: 28, color: 'grayscale' } } }).done;
    rows.push({ suite: SUITE, name: 'image-folder import', value: folder.count / (since(start) / 1000), unit: 'images/s', note: '10,000 PNGs 28x28, 10 classes, decoded with sharp' });
    await studio.projects.close('bench');

    log('  batch delivery…');
    const client = await connectWs(host.origin, host.token);
    const opened = await client.invoke('project:open', { path: join(work, 'Bench') });
    if (!opened.ok) throw new Error(opened.error.message);
    const id = mnist.id;
    const shard = (size: number, order: 'sequential' | 'shuffled', epoch = 0) => ({ id, split: 'train' as const, shardSize: size, order, seed: 1, epoch });
    const viaWs = (size: number, order: 'sequential' | 'shuffled') => async (n: number) => {
      const r = await client.invoke('dataset:readShard', { ...shard(size, order), shard: n });
      if (!r.ok) throw new Error(r.error.message);
      return r.value as { count: number; x: Uint8Array; y: Uint8Array };
    };
    const direct = (size: number, order: 'sequential' | 'shuffled') => (n: number) => studio.datasets.readShard('ws:1', { ...shard(size, order), shard: n });

    start = performance.now();
    await direct(1, 'sequential')(0);
    rows.push({ suite: SUITE, name: 'first shard: load + verify MNIST', value: since(start), unit: 'ms', note: '55 MB x.bin + y.bin + splits, sha256 checked' });
    const whole = 54_000 * 784;
    const cases: [string, ReturnType<typeof viaWs> | ReturnType<typeof direct>, number][] = [
      ['readShard over WebSocket, whole split', viaWs(1 << 20, 'shuffled'), 3],
      ['readShard over WebSocket, 4096-sample shards', viaWs(4096, 'shuffled'), 3],
      ['readShard direct call, whole split', direct(1 << 20, 'shuffled'), 5],
      ['readShard direct call, 4096-sample shards', direct(4096, 'shuffled'), 5],
      ['readShard direct call, 4096 sequential', direct(4096, 'sequential'), 5],
    ];
    for (const [name, read, passes] of cases) {
      const { mbps } = await throughput(read, passes);
      rows.push({ suite: SUITE, name, value: mbps, unit: 'MB/s', note: `MNIST train (54,000 x 784 B = ${(whole / MB).toFixed(0)} MB), ${passes} passes` });
    }
    client.close();
  } finally {
    await host?.close();
    await rm(work, { recursive: true, force: true });
  }
  return rows;
}

/** The dataset suite of `npm run bench`. */
export const datasetSuite: BenchSuite = { name: SUITE, run };
