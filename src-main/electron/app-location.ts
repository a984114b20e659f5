/**
 * Where the renderer is loaded from, and whether a URL belongs to the app. Every security
 * check (navigation, IPC senders, permissions, CSP) asks this one module.
 */
import { join } from 'node:path';
import { APP_INDEX_URL, isAppOriginUrl } from './app-protocol';

/** The renderer's home: the electron-vite dev server in development, else app:// over the built files. */
export type AppLocation =
  | { kind: 'dev'; url: string; origin: string }
  | { kind: 'app'; url: string; rendererDir: string };

/** Picks the dev server when electron-vite set ELECTRON_RENDERER_URL, else the packaged renderer. */
export function resolveAppLocation(env: NodeJS.ProcessEnv, outDir: string): AppLocation {
  const devUrl = env['ELECTRON_RENDERER_URL'];
  if (devUrl) {
    const parsed = new URL(devUrl);
    // Only a loopback http dev server is trusted; anything else falls back to the built files.
    if (parsed.protocol === 'http:' && isLoopback(parsed.hostname)) {
      return { kind: 'dev', url: parsed.href, origin: parsed.origin };
    }
  }
  return { kind: 'app', url: APP_INDEX_URL, rendererDir: join(outDir, 'renderer') };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Whether a page URL is the app itself (its index page, ignoring query and hash). */
export function isAppPageUrl(url: string, location: AppLocation): boolean {
  const u = parse(url);
  if (!u) return false;
  if (location.kind === 'dev') return u.origin === location.origin;
  return isAppOriginUrl(url) && (u.pathname === '/' || u.pathname === '/index.html');
}

/** Whether a resource URL is served by the app (the dev server origin, or app://studio). */
export function isAppResourceUrl(url: string, location: AppLocation): boolean {
  if (location.kind === 'dev') return parse(url)?.origin === location.origin;
  return isAppOriginUrl(url);
}
