import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const TSX = resolve('node_modules/tsx/dist/cli.mjs');
const ENTRY = resolve('src-main/web-host/cli.ts');
let work: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'ms-webcli-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('npm run web entry', () => {
  it('prints the URL, serves the page and stops cleanly on SIGTERM', async () => {
    const rendererDir = join(work, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Model Studio</title>');
    const child = spawn(process.execPath, [TSX, ENTRY, '--port', '0', '--data-dir', join(work, 'data'), '--renderer-dir', rendererDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stdout.on('data', () => {
        const m = /Model Studio web host: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
        if (m) resolveUrl(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Model Studio</title>');
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);

  it('explains how to build the UI when the renderer is missing', () => {
    const r = spawnSync(process.execPath, [TSX, ENTRY, '--renderer-dir', join(work, 'nothing')], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('electron-vite build');
  });

  it('exits 2 for a bad port', () => {
    const r = spawnSync(process.execPath, [TSX, ENTRY, '--port', 'eighty'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--port');
  });
});
