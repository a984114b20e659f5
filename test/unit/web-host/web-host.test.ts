import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../../src-main/web-host/server';

const META_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";
const INDEX_HTML = `<!doctype html><html><head>
<meta http-equiv="Content-Security-Policy" content="${META_CSP}">
<title>Model Studio</title></head><body><div id="app"></div></body></html>`;

let work: string;
let host: WebHost;
let port: number;

interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends the path exactly as given (fetch would normalise `..` away before it leaves). */
function get(path: string, headers: Record<string, string> = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket; resolves once open, rejects with the HTTP status when the upgrade is refused. */
function connect(opts: { token?: string; origin?: string; path?: string } = {}): Promise<WebSocket> {
  const token = opts.token ?? host.token;
  const ws = new WebSocket(`ws://127.0.0.1:${port}${opts.path ?? '/ipc'}?token=${encodeURIComponent(token)}`, {
    headers: { Origin: opts.origin ?? host.origin },
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

type Frame = { type: 'result'; id: unknown; result: any } | { type: 'event'; event: string; payload: any };

/** Collects every frame a socket receives and lets a test wait for one. */
function frames(ws: WebSocket) {
  const seen: Frame[] = [];
  const waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    seen.push(frame);
    for (const w of [...waiters]) if (w.match(frame)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(frame); }
  });
  return {
    next(match: (f: Frame) => boolean): Promise<Frame> {
      const found = seen.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

let nextId = 1;
async function invoke(ws: WebSocket, inbox: ReturnType<typeof frames>, channel: string, payload: unknown) {
  const id = nextId++;
  ws.send(JSON.stringify({ type: 'invoke', id, channel, payload }));
  const frame = await inbox.next((f) => f.type === 'result' && f.id === id);
  return (frame as Extract<Frame, { type: 'result' }>).result;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ms-web-'));
  const rendererDir = join(work, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1);');
  writeFileSync(join(rendererDir, 'assets', 'tfjs.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  writeFileSync(join(rendererDir, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(work, 'secret.txt'), 'outside the renderer');
  mkdirSync(join(work, 'projects'));
  host = await startWebHost({ dataDir: join(work, 'data'), rendererDir, appVersion: '9.8.7', defaultParentDir: join(work, 'projects') });
  port = Number(new URL(host.origin).port);
});

afterAll(async () => {
  await host?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('web host: HTTP', () => {
  it('gives a loopback URL with the token', () => {
    expect(host.origin).toBe(`http://127.0.0.1:${port}`);
    expect(host.url).toBe(`http://127.0.0.1:${port}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves index.html with the CSP rewritten for its own WebSocket, as meta and header', async () => {
    const r = await get('/?token=x');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = r.headers['content-security-policy'] as string;
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${port}`);
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(r.body).toContain(`content="${csp}"`);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('serves assets with their MIME types and falls back to the app for routes', async () => {
    expect((await get('/assets/app.js')).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await get('/assets/style.css')).headers['content-type']).toMatch(/^text\/css/);
    expect((await get('/assets/tfjs.wasm')).headers['content-type']).toBe('application/wasm');
    const route = await get('/projects/recent');
    expect(route.status).toBe(200);
    expect(route.body).toContain('<div id="app">');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('makes the page cross-origin isolated (so WASM can run threads): COOP, COEP and CORP on the page and every asset', async () => {
    for (const path of ['/?token=x', '/assets/app.js', '/assets/tfjs.wasm']) {
      const r = await get(path);
      expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
      expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  it('does not list directories', async () => {
    const r = await get('/assets/');
    expect(r.body).not.toContain('app.js');
  });

  it('refuses paths that climb out of the renderer folder', async () => {
    for (const path of ['/../package.json', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2F..%2Fsecret.txt', '/..%5csecret.txt', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/assets%00.js']) {
      const r = await get(path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.body, path).not.toContain('outside the renderer');
      expect(r.body, path).not.toContain('"devDependencies"');
    }
  });

  it('refuses requests for another host name (DNS rebinding)', async () => {
    expect((await get('/', { Host: `evil.example:${port}` })).status).toBe(421);
  });
});

describe('web host: WebSocket', () => {
  it('refuses a wrong or missing token', async () => {
    await expect(connect({ token: 'wrong' })).rejects.toThrow('HTTP 403');
    await expect(connect({ token: '' })).rejects.toThrow('HTTP 403');
    await expect(connect({ token: `${host.token}x` })).rejects.toThrow('HTTP 403');
  });

  it('refuses another Origin even with the right token', async () => {
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: `http://localhost:${port + 1}` })).rejects.toThrow('HTTP 403');
  });

  it('refuses other paths', async () => {
    await expect(connect({ path: '/socket' })).rejects.toThrow('HTTP 403');
  });

  it('serves the handler table and pushes project events to the client', async () => {
    const ws = await connect();
    const inbox = frames(ws);
    const info = await invoke(ws, inbox, 'app:info', {});
    expect(info).toMatchObject({ ok: true, value: { shell: 'web', version: '9.8.7', capabilities: { nativeDialogs: false, nativeMenu: false } } });
    expect(info.value.defaultParentDir).toBe(join(work, 'projects'));

    const created = await invoke(ws, inbox, 'project:create', { name: 'Socket Project', parentDir: join(work, 'projects') });
    expect(created.ok).toBe(true);
    expect(created.value.manifest.name).toBe('Socket Project');
    const changed = await inbox.next((f) => f.type === 'event' && f.event === 'project:changed' && f.payload !== null);
    expect((changed as any).payload.manifest.name).toBe('Socket Project');

    const dialog = await invoke(ws, inbox, 'dialog:openProject', {});
    expect(dialog).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
    ws.close();
  });

  it('answers bad frames with errors and keeps the connection', async () => {
    const ws = await connect();
    const inbox = frames(ws);
    expect(await invoke(ws, inbox, 'project:create', { name: 42 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await invoke(ws, inbox, 'nope:nothing', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    ws.send('not json');
    expect(await inbox.next((f) => f.type === 'result' && f.id === null)).toMatchObject({ result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    // 200,000 levels deep: refused in words, not INTERNAL.
    ws.send(`{"type":"request","id":"deep","channel":"app:info","payload":{"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`);
    const deep = await inbox.next((f) => f.type === 'result' && f.id === null && JSON.stringify(f).includes('deeper'));
    expect(deep).toMatchObject({ result: { ok: false, error: { code: 'BAD_REQUEST', message: 'The frame is not valid JSON: it nests arrays or objects deeper than 128 levels.' } } });
    ws.send(JSON.stringify({ type: 'hello', id: 'h1' }));
    expect(await inbox.next((f) => f.type === 'result' && f.id === 'h1')).toMatchObject({ result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    expect(await invoke(ws, inbox, 'app:info', {})).toMatchObject({ ok: true });
    ws.close();
  });

  it('releases the project lock when the socket drops', async () => {
    const ws = await connect();
    const inbox = frames(ws);
    const created = await invoke(ws, inbox, 'project:create', { name: 'Dropped', parentDir: join(work, 'projects') });
    expect(created.ok).toBe(true);
    const lock = join(created.value.dir, '.mstudio.lock');
    expect(() => readFileSync(lock)).not.toThrow();
    ws.terminate();
    // A second client can open it once the first one is gone.
    const other = await connect();
    const otherInbox = frames(other);
    let opened;
    for (let i = 0; i < 50; i++) {
      opened = await invoke(other, otherInbox, 'project:open', { path: created.value.path });
      if (opened.ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(opened).toMatchObject({ ok: true, value: { manifest: { name: 'Dropped' } } });
    other.close();
  });
});

describe('web host: options', () => {
  it('refuses to listen on a non-loopback address', async () => {
    for (const h of ['0.0.0.0', '192.168.1.10', '::', 'example.com']) {
      await expect(startWebHost({ dataDir: join(work, 'data2'), rendererDir: join(work, 'renderer'), host: h, appVersion: '1' })).rejects.toThrow(/loopback/);
    }
  });
});
