import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { resolveAppLocation, type AppLocation } from '../../../src-main/electron/app-location';
import { DOCUMENTATION_URL, isAllowedExternalUrl } from '../../../src-main/electron/external-links';
import { CONTENT_SECURITY_POLICY, hardenSession, hardenWebContents } from '../../../src-main/electron/security';
import { FakeWebContents } from './fake-electron';

const appLocation = resolveAppLocation({}, '/opt/studio/out');
const devLocation = resolveAppLocation({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, '/opt/studio/out');

function hardened(location: AppLocation = appLocation) {
  const contents = new FakeWebContents();
  const openExternal = vi.fn(async () => undefined);
  hardenWebContents(contents as unknown as WebContents, location, openExternal);
  return { contents, openExternal };
}

describe('app location', () => {
  it('serves the built renderer over app:// in production and uses the dev server when electron-vite sets it', () => {
    expect(appLocation).toEqual({ kind: 'app', url: 'app://studio/index.html', rendererDir: '/opt/studio/out/renderer' });
    expect(devLocation).toMatchObject({ kind: 'dev', origin: 'http://localhost:5173' });
  });

  it('does not trust a non-loopback dev server URL', () => {
    expect(resolveAppLocation({ ELECTRON_RENDERER_URL: 'http://evil.example:5173' }, '/o').kind).toBe('app');
  });
});

describe('hardenWebContents', () => {
  it('blocks navigation and redirects away from the app but allows reloading it', () => {
    const { contents } = hardened();
    expect(contents.fire('will-navigate', { url: 'https://evil.example/' })).toBe(true);
    expect(contents.fire('will-navigate', { url: 'file:///etc/passwd' })).toBe(true);
    expect(contents.fire('will-redirect', { url: 'https://evil.example/' })).toBe(true);
    expect(contents.fire('will-navigate', { url: 'app://evil/index.html' })).toBe(true);
    expect(contents.fire('will-navigate', { url: 'file:///opt/studio/out/renderer/index.html' })).toBe(true);
    expect(contents.fire('will-navigate', { url: 'app://studio/index.html#/project' })).toBe(false);
  });

  it('treats the dev server origin as the app in development', () => {
    const { contents } = hardened(devLocation);
    expect(contents.fire('will-navigate', { url: 'http://localhost:5173/' })).toBe(false);
    expect(contents.fire('will-navigate', { url: 'http://localhost:5174/' })).toBe(true);
  });

  it('denies every window.open and opens only allowlisted http(s) links externally', () => {
    const { contents, openExternal } = hardened();
    const open = (url: string) => contents.windowOpenHandler!({ url });
    expect(open(DOCUMENTATION_URL)).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledExactlyOnceWith(DOCUMENTATION_URL);
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'http://localhost:5173/',
      DOCUMENTATION_URL.replace('https://', 'https://user:pw@'),
    ]) {
      expect(open(url)).toEqual({ action: 'deny' });
    }
    expect(openExternal).toHaveBeenCalledOnce();
  });

  it('refuses to attach webviews', () => {
    const { contents } = hardened();
    expect(contents.fire('will-attach-webview')).toBe(true);
  });
});

describe('isAllowedExternalUrl', () => {
  it('accepts only the exact links the app made', () => {
    expect(isAllowedExternalUrl(DOCUMENTATION_URL)).toBe(true);
    expect(isAllowedExternalUrl(`${DOCUMENTATION_URL}x`)).toBe(false);
    expect(isAllowedExternalUrl('not a url')).toBe(false);
    expect(isAllowedExternalUrl(DOCUMENTATION_URL.replace('https:', 'ftp:'))).toBe(false);
  });
});

describe('hardenSession', () => {
  function setup(location: AppLocation) {
    const fake = {
      permissionRequestHandler: null as null | ((...a: unknown[]) => void),
      permissionCheckHandler: null as null | ((...a: unknown[]) => boolean),
      headersReceived: null as null | ((...a: unknown[]) => void),
      setPermissionRequestHandler(fn: (...a: unknown[]) => void) {
        this.permissionRequestHandler = fn;
      },
      setPermissionCheckHandler(fn: (...a: unknown[]) => boolean) {
        this.permissionCheckHandler = fn;
      },
      webRequest: { onHeadersReceived: (fn: (...a: unknown[]) => void) => void (fake.headersReceived = fn) },
    };
    hardenSession(fake as unknown as Session, location);
    return fake;
  }

  function headersFor(location: AppLocation, url: string, responseHeaders: Record<string, string[]> = {}) {
    const fake = setup(location);
    let result: { responseHeaders?: Record<string, string[]> } | undefined;
    fake.headersReceived!({ url, responseHeaders }, (r: typeof result) => (result = r));
    return result!;
  }

  it('sends the strict CSP on the app’s own responses, replacing any other', () => {
    const r = headersFor(devLocation, 'http://localhost:5173/src/main.ts', { 'content-security-policy': ['default-src *'] });
    expect(r.responseHeaders!['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(r.responseHeaders!['content-security-policy']).toBeUndefined();
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
  });

  it('leaves other responses alone', () => {
    expect(headersFor(devLocation, 'https://elsewhere.example/a.js')).toEqual({});
  });

  it('grants only clipboard writes, and only to the app', () => {
    const fake = setup(appLocation);
    const contents = { getURL: () => 'app://studio/index.html' };
    const decide = (permission: string, requestingUrl: string) => {
      let granted: boolean | undefined;
      fake.permissionRequestHandler!(contents, permission, (g: boolean) => (granted = g), { requestingUrl });
      return granted;
    };
    const appUrl = 'app://studio/index.html';
    expect(decide('clipboard-sanitized-write', appUrl)).toBe(true);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem']) {
      expect(decide(p, appUrl)).toBe(false);
    }
    expect(decide('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(decide('clipboard-sanitized-write', 'file:///opt/studio/out/renderer/index.html')).toBe(false);
    expect(fake.permissionCheckHandler!(contents, 'media', 'app://studio', {})).toBe(false);
    expect(fake.permissionCheckHandler!(contents, 'clipboard-sanitized-write', 'app://studio', {})).toBe(true);
  });
});

describe('CSP', () => {
  it('is the same policy as the renderer’s meta tag, so dev, app:// and the web host agree', async () => {
    const { readFileSync } = await import('node:fs');
    const html = readFileSync(new URL('../../../src-renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
  });
});
