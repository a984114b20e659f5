/**
 * `model-studio export` end to end through the real bin on an MNIST subset and the names
 * sample: exports stock TF.js loads in its own process and agrees with, their files and
 * checksums, the project entry, --out, a model with the studio's own layers shipping its
 * script, and bad input refused with nothing left behind.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from './run-bin';

let work: string;
let project: string;
let cnn: string;

const cli = (args: string[]) => runBin(work, args);
const exportsDir = () => join(work, 'Ship', 'exports');
const folders = () => readdirSync(exportsDir(), { withFileTypes: true }).map((d) => d.name).sort();
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ms-cli-export-'));
  project = (await cli(['new', '.', '--name', 'Ship'])).stdout.trim();
  expect((await cli(['dataset', 'add', project, '--sample', 'mnist'])).code).toBe(0);
  const train = await cli(['train', project, '--dataset', 'MNIST', '--model', 'seed-cnn', '--limit', '1500', '--epochs', '1', '--json']);
  expect(train.code, train.stderr).toBe(0);
  cnn = JSON.parse(train.stdout).checkpointIds[0];
}, 90_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('model-studio export', () => {
  it('writes a float32 TF.js export that stock TF.js agrees with exactly, every file checksummed, listed in the project', async () => {
    const out = await cli(['export', project, '--checkpoint', cnn, '--verify', '300', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout);
    expect(r).toMatchObject({ format: 'tfjs', precision: 'float32', status: 'verified' });
    expect(r.files).toEqual(['README.md', 'export.json', 'group1-shard1of1.bin', 'labels.json', 'model.json', 'preprocessing.json', 'report.json']);
    expect(r.verification).toMatchObject({ samples: 300, split: 'test', agreement: 1, passed: true, runtime: expect.stringMatching(/^TensorFlow\.js 4\.22\.0 \(cpu\), stock loadLayersModel/) });
    expect(r.verification.maxAbsDiff).toBeLessThan(1e-5);
    expect(r.verification.accuracy).toBe(r.verification.studioAccuracy);
    const meta = JSON.parse(await readFile(join(r.dir, 'export.json'), 'utf8'));
    for (const [file, { sha256, bytes }] of Object.entries(meta.files as Record<string, { sha256: string; bytes: number }>)) {
      const data = await readFile(join(r.dir, file));
      expect([sha(data), data.byteLength], file).toEqual([sha256, bytes]);
    }
    // The size is the model's files, as on disk.
    expect(r.sizeBytes).toBe(meta.files['model.json'].bytes + meta.files['group1-shard1of1.bin'].bytes);
    expect(JSON.parse(await readFile(join(r.dir, 'labels.json'), 'utf8'))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => expect.stringContaining(d)));
    expect(JSON.parse(await readFile(join(r.dir, 'preprocessing.json'), 'utf8'))).toMatchObject({ kind: 'image', inputShape: [null, 28, 28, 1], layout: 'NHWC' });
    expect(await readFile(join(r.dir, 'README.md'), 'utf8')).toMatch(/top-1 agreement 100\.00%/);
    const info = JSON.parse((await cli(['info', project, '--json'])).stdout);
    expect(info.manifest.exports).toEqual([expect.objectContaining({ id: r.exportId, checkpointId: cnn, format: 'tfjs', precision: 'float32', status: 'verified', dir: `exports/${r.exportId}` })]);
  }, 60_000);

  it('writes float16 and uint8 exports 2x and 4x smaller that still agree, and copies one with --out', async () => {
    const f32 = (await readFile(join(exportsDir(), folders()[0]!, 'group1-shard1of1.bin'))).byteLength;
    const f16 = JSON.parse((await cli(['export', project, '--checkpoint', cnn, '--precision', 'float16', '--verify', '300', '--json'])).stdout);
    expect(f16.status).toBe('verified');
    expect(f16.verification.maxAbsDiff).toBeLessThan(1e-2);
    const outDir = join(work, 'shipped');
    const u8run = await cli(['export', project, '--checkpoint', cnn, '--precision', 'uint8', '--verify', '300', '--out', outDir, '--json']);
    expect(u8run.code, u8run.stderr).toBe(0);
    const u8 = JSON.parse(u8run.stdout);
    expect(u8.verification.agreement).toBeGreaterThanOrEqual(0.97);
    const bin = async (dir: string) => (await readFile(join(dir, 'group1-shard1of1.bin'))).byteLength;
    expect(f32 / (await bin(f16.dir))).toBeCloseTo(2, 1);
    expect(f32 / (await bin(u8.dir))).toBeGreaterThan(3.9);
    expect(readdirSync(outDir).sort()).toEqual(readdirSync(u8.dir).sort());
    // A folder that is not empty is refused; the export itself stays in the project.
    const taken = join(work, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'keep.txt'), 'mine');
    const before = folders().length;
    const refused = await cli(['export', project, '--checkpoint', cnn, '--verify', '50', '--out', taken]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--out .*taken is not empty/);
    expect(readdirSync(taken)).toEqual(['keep.txt']);
    expect(folders().length).toBe(before + 1);
    expect(readdirSync(work).filter((f) => f.startsWith('.partial-'))).toEqual([]);
  }, 90_000);

  it('ships studio-layers.js with a model that uses the studio’s own layers, and stock TF.js runs it with that file', async () => {
    const ds = (await cli(['dataset', 'add', project, '--sample', 'names'])).stdout.trim();
    const train = await cli(['train', project, '--dataset', ds, '--model', 'text-transformer', '--limit', '600', '--epochs', '1', '--json']);
    expect(train.code, train.stderr).toBe(0);
    const textCheckpoint = JSON.parse(train.stdout).checkpointIds[0] as string;
    const r = JSON.parse((await cli(['export', project, '--checkpoint', textCheckpoint, '--verify', '200', '--json'])).stdout);
    expect(r.status).toBe('verified');
    expect(r.files).toEqual(expect.arrayContaining(['studio-layers.js', 'tokenizer.json']));
    expect(r.verification.agreement).toBe(1);
    expect(await readFile(join(r.dir, 'preprocessing.json'), 'utf8')).toMatch(/"vocabulary": "tokenizer.json"/);
    // The same transformer in ONNX (opset 17: layer norm), padding masked as the studio masks it.
    const onnx = JSON.parse((await cli(['export', project, '--checkpoint', textCheckpoint, '--format', 'onnx', '--verify', '200', '--json'])).stdout);
    expect(onnx).toMatchObject({ status: 'verified', verification: { agreement: 1 } });
    expect(onnx.verification.maxAbsDiff).toBeLessThan(1e-5);
    expect(onnx.files).toEqual(expect.arrayContaining(['model.onnx', 'tokenizer.json']));
    const checked = spawnSync('/usr/bin/python3', ['-c', 'import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(m.opset_import[0].version, m.graph.input[0].type.tensor_type.elem_type)', join(onnx.dir, 'model.onnx')], { encoding: 'utf8' });
    // opset 17, int32 token ids (TensorProto.INT32 = 6)
    expect(checked.stdout.trim(), checked.stderr).toBe('17 6');
  }, 90_000);

  it('writes an ONNX export that onnxruntime agrees with and the ONNX checker passes, timed at batch 1 and 256', async () => {
    const out = await cli(['export', project, '--checkpoint', cnn, '--format', 'onnx', '--verify', '300', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout);
    expect(r).toMatchObject({ format: 'onnx', precision: 'float32', status: 'verified' });
    expect(r.files).toEqual(['README.md', 'export.json', 'labels.json', 'model.onnx', 'preprocessing.json', 'report.json']);
    expect(r.verification).toMatchObject({ agreement: 1, runtime: expect.stringMatching(/^onnxruntime-node 1\.30\.0 \(CPU\)/) });
    expect(r.verification.maxAbsDiff).toBeLessThan(1e-5);
    expect(r.verification.latencyMs).toBeGreaterThan(0);
    expect(r.verification.throughput).toBeGreaterThan(100);
    // float32 is its own sibling: no second timing.
    expect(r.verification.float32Throughput).toBeNull();
    const checked = spawnSync('/usr/bin/python3', ['-c', 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print("ok")', join(r.dir, 'model.onnx')], { encoding: 'utf8' });
    expect(checked.stdout.trim(), checked.stderr).toBe('ok');
    expect(await readFile(join(r.dir, 'README.md'), 'utf8')).toMatch(/session = ort\.InferenceSession\("model\.onnx"\)/);

    // int8 from this float checkpoint: calibrated on training digits first, then integer kernels.
    const q = JSON.parse((await cli(['export', project, '--checkpoint', cnn, '--format', 'onnx', '--precision', 'int8', '--verify', '300', '--triton', '--json'])).stdout);
    // With --triton, a model repository Triton and KServe load, its model the same bytes.
    expect(q.files).toEqual(expect.arrayContaining(['triton/seed-cnn_int8/config.pbtxt', 'triton/seed-cnn_int8/labels.txt', 'triton/seed-cnn_int8/1/model.onnx']));
    expect(await readFile(join(q.dir, 'triton/seed-cnn_int8/1/model.onnx'))).toEqual(await readFile(join(q.dir, 'model.onnx')));
    const config = await readFile(join(q.dir, 'triton/seed-cnn_int8/config.pbtxt'), 'utf8');
    expect(config).toMatch(/platform: "onnxruntime_onnx"[\s\S]*max_batch_size: 256[\s\S]*name: "input"\s+data_type: TYPE_FP32\s+dims: \[ 28, 28, 1 \][\s\S]*dims: \[ 10 \]/);
    const meta = JSON.parse(await readFile(join(q.dir, 'export.json'), 'utf8'));
    expect(meta.files['triton/seed-cnn_int8/1/model.onnx'].sha256).toBe(meta.files['model.onnx'].sha256);
    expect(q.status).toBe('verified');
    // Its float32 sibling is timed in the same run, the same way.
    expect(q.verification.float32Throughput).toBeGreaterThan(100);
    expect(q.verification.float32LatencyMs).toBeGreaterThan(0);
    expect(q.verification.agreement).toBeGreaterThanOrEqual(0.99);
    // This small model (1,500 digits, one epoch) on 300 digits: a few answers move; the bench measures the target on a real model.
    expect(Math.abs(q.verification.accuracy - q.verification.studioAccuracy)).toBeLessThan(0.02);
    expect(q.sizeBytes).toBeLessThan(r.sizeBytes * 0.3);
  }, 90_000);

  it('refuses bad input before any work and leaves no folder', async () => {
    const before = folders();
    for (const args of [['--format', 'keras'], ['--format', 'onnx', '--precision', 'uint8'], ['--format', 'tfjs', '--precision', 'int8'], ['--triton'], ['--precision', 'int8'], ['--verify', '0'], []]) {
      const r = await cli(['export', project, ...(args.length ? ['--checkpoint', cnn] : []), ...args]);
      expect(r.code, args.join(' ')).toBe(2);
    }
    const unknown = await cli(['export', project, '--checkpoint', 'ck-00000000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No checkpoint ck-00000000/);
    expect(folders()).toEqual(before);
  }, 60_000);
});
