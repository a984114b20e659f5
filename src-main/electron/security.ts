/**
 * The Electron security baseline applied to every window and the app's session: no navigation
 * away from the app, no new windows, no webviews, minimal permissions, and a strict CSP.
 */
import type { Session, Shell, WebContents } from 'electron';
import { isAppPageUrl, isAppResourceUrl, type AppLocation } from './app-location';
import { CONTENT_SECURITY_POLICY } from './csp';
import { isAllowedExternalUrl } from './external-links';

export { CONTENT_SECURITY_POLICY };

/** Permissions the UI may use; WebGPU needs none, copying results to the clipboard needs this one. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

type OpenExternal = Shell['openExternal'];

/** Opens a URL in the user's browser only when the app itself made the link; says whether it did. */
export function openExternalIfAllowed(url: string, openExternal: OpenExternal): boolean {
  if (!isAllowedExternalUrl(url)) return false;
  void openExternal(url).catch(() => undefined);
  return true;
}

/** Locks down one window's web contents: navigation, redirects, window.open and webviews. */
export function hardenWebContents(contents: WebContents, location: AppLocation, openExternal: OpenExternal): void {
  contents.on('will-navigate', (event) => {
    if (!isAppPageUrl(event.url, location)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppPageUrl(event.url, location)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    // A link the app made (target=_blank) goes to the browser; nothing opens inside the app.
    openExternalIfAllowed(url, openExternal);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

/** Whether a permission request comes from the app's own page and is one the UI needs. */
export function isPermissionAllowed(permission: string, requestingUrl: string, location: AppLocation): boolean {
  if (!ALLOWED_PERMISSIONS.has(permission)) return false;
  return isAppResourceUrl(requestingUrl, location);
}

/** Session-wide rules: permission handlers, and the CSP header on dev-server responses (app:// sets its own). */
export function hardenSession(session: Session, location: AppLocation): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    const url = details.requestingUrl || contents.getURL();
    callback(isPermissionAllowed(permission, url, location));
  });
  session.setPermissionCheckHandler((contents, permission, requestingOrigin) => {
    const url = contents?.getURL() || requestingOrigin;
    return isPermissionAllowed(permission, url, location);
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppResourceUrl(details.url, location)) {
      callback({});
      return;
    }
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    }
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
}
