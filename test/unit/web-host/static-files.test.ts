import { describe, expect, it } from 'vitest';
import { allowConnectTo, mimeTypeOf, rewriteIndexHtml } from '../../../src-main/web-host/static-files';

describe('CSP rewriting for the web host', () => {
  const ws = 'ws://127.0.0.1:4567';

  it('adds exactly the host WebSocket origin to connect-src', () => {
    expect(allowConnectTo("default-src 'self'; connect-src 'self'", ws)).toBe(`default-src 'self'; connect-src 'self' ${ws}`);
  });

  it('adds a connect-src directive when the policy has none', () => {
    expect(allowConnectTo("default-src 'self';", ws)).toBe(`default-src 'self'; connect-src 'self' ${ws}`);
  });

  it('rewrites the meta tag and returns the same policy for the header', () => {
    const html = `<head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; connect-src 'self'"></head>`;
    const out = rewriteIndexHtml(html, ws);
    expect(out.csp).toBe(`default-src 'self'; connect-src 'self' ${ws}`);
    expect(out.html).toBe(`<head><meta http-equiv="Content-Security-Policy" content="${out.csp}"></head>`);
  });

  it('falls back to a strict policy when the page has no CSP meta', () => {
    const out = rewriteIndexHtml('<head></head>', ws);
    expect(out.html).toBe('<head></head>');
    expect(out.csp).toContain("default-src 'self'");
    expect(out.csp).toContain(`connect-src 'self' ${ws}`);
  });
});

describe('MIME types', () => {
  it('names the types browsers insist on', () => {
    expect(mimeTypeOf('a/tfjs-backend-wasm-simd.wasm')).toBe('application/wasm');
    expect(mimeTypeOf('index-abc.js')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeOf('icon.SVG')).toBe('image/svg+xml');
    expect(mimeTypeOf('logo.png')).toBe('image/png');
    expect(mimeTypeOf('blob.bin')).toBe('application/octet-stream');
  });
});
