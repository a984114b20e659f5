import type { Session } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { handleAppProtocol, resolveAppFile } from '../../../src-main/electron/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/electron/csp';

const root = '/opt/studio/out/renderer';

describe('resolveAppFile', () => {
  it('maps app://studio paths into the renderer folder, / to index.html', () => {
    expect(resolveAppFile('app://studio/', root)).toBe(`${root}/index.html`);
    expect(resolveAppFile('app://studio/assets/index-abc.js?x=1#h', root)).toBe(`${root}/assets/index-abc.js`);
    expect(resolveAppFile('app://studio/assets/my%20file.wasm', root)).toBe(`${root}/assets/my file.wasm`);
  });

  it('never names a file outside the renderer folder or on another host', () => {
    expect(resolveAppFile('app://studio/%2e%2e%2f%2e%2e%2fsecret.txt', root)).toBeNull();
    expect(resolveAppFile('app://studio/..%2f..%2fsecret.txt', root)).toBeNull();
    expect(resolveAppFile('app://studio/../../etc/passwd', root)).toBe(`${root}/etc/passwd`);
    expect(resolveAppFile('app://other/index.html', root)).toBeNull();
    expect(resolveAppFile('file:///etc/passwd', root)).toBeNull();
    expect(resolveAppFile('app://studio/%00x', root)).toBeNull();
  });
});

describe('handleAppProtocol', () => {
  function serve(fetchFile: (url: string) => Promise<Response>) {
    let handler: ((req: { url: string }) => Promise<Response>) | undefined;
    const session = { protocol: { handle: (_s: string, fn: typeof handler) => void (handler = fn) } };
    handleAppProtocol(session as unknown as Session, root, fetchFile);
    return (url: string) => handler!({ url });
  }

  it('serves files with the CSP and the right type for WebAssembly', async () => {
    const fetchFile = vi.fn(async () => new Response(new Uint8Array([0, 97, 115, 109]), { headers: { 'content-type': 'application/octet-stream' } }));
    const res = await serve(fetchFile)('app://studio/assets/tfjs-backend-wasm-simd.wasm');
    expect(fetchFile).toHaveBeenCalledWith(`file://${root}/assets/tfjs-backend-wasm-simd.wasm`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/wasm');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    // Cross-origin isolated, so the ML worker may share memory and run WASM on threads.
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));
  });

  it('answers 404 for escapes and missing files without touching the disk for escapes', async () => {
    const fetchFile = vi.fn(async () => {
      throw new Error('ENOENT');
    });
    const get = serve(fetchFile);
    expect((await get('app://studio/%2e%2e%2f%2e%2e%2fsecret')).status).toBe(404);
    expect(fetchFile).not.toHaveBeenCalled();
    expect((await get('app://studio/missing.js')).status).toBe(404);
  });
});
