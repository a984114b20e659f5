/**
 * Serves the built renderer from `app://studio/` instead of file://. A real origin lets the
 * renderer start module workers and fetch its .wasm files (Chromium refuses both from file://),
 * gives 'self' in the CSP a meaning, and confines what the page can read to the renderer folder.
 */
import { extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Protocol, Session } from 'electron';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../cross-origin-isolation';
import { CONTENT_SECURITY_POLICY } from './csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
/** The page the window loads in production. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Declares the scheme secure and fetchable; Electron requires this before the app is ready. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
    },
  ]);
}

/** Whether a URL is on the app's origin (`app://studio`). */
export function isAppOriginUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The file under rendererDir an app:// URL names, or null when it names nothing we serve. */
export function resolveAppFile(url: string, rendererDir: string): string | null {
  if (!isAppOriginUrl(url)) return null;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const root = normalize(rendererDir + sep);
  const file = normalize(join(root, path));
  // `..` segments are already folded by URL parsing; this also catches encoded separators.
  return file.startsWith(root) ? file : null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Answers app:// requests from the renderer folder, with the CSP on every response. */
export function handleAppProtocol(
  session: Session,
  rendererDir: string,
  fetchFile: (fileUrl: string) => Promise<Response>,
): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(request.url, rendererDir);
    if (!file) return new Response('Not found', { status: 404 });
    let upstream: Response;
    try {
      upstream = await fetchFile(pathToFileURL(file).href);
    } catch {
      return new Response('Not found', { status: 404 });
    }
    const headers = new Headers(upstream.headers);
    const type = TYPES[extname(file).toLowerCase()];
    // .wasm must be application/wasm for streaming compilation; be explicit rather than sniffed.
    if (type) headers.set('Content-Type', type);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION_HEADERS)) headers.set(name, value);
    return new Response(upstream.body, { status: upstream.status, headers });
  });
}
