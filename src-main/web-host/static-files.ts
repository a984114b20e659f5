import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** The MIME type served for a file name; unknown types are sent as opaque bytes. */
export function mimeTypeOf(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Adds `origin` to the connect-src directive of a CSP (creating the directive when missing), so
 * the page may open its WebSocket to this host and nowhere else.
 */
export function allowConnectTo(csp: string, origin: string): string {
  const directives = csp.split(';').map((d) => d.trim()).filter(Boolean);
  const i = directives.findIndex((d) => /^connect-src(\s|$)/i.test(d));
  if (i >= 0) directives[i] = `${directives[i]} ${origin}`;
  else directives.push(`connect-src 'self' ${origin}`);
  return directives.join('; ');
}

// Used when the built index.html has no CSP meta (it should): still a strict policy.
const FALLBACK_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const CSP_META = /(<meta\s+http-equiv=["']Content-Security-Policy["']\s+content=)(["'])(.*?)\2/is;

/** index.html with its CSP meta rewritten for this host, and the policy to send as a header. */
export function rewriteIndexHtml(html: string, wsOrigin: string): { html: string; csp: string } {
  const match = CSP_META.exec(html);
  if (!match) return { html, csp: allowConnectTo(FALLBACK_CSP, wsOrigin) };
  const quote = match[2]!;
  const csp = allowConnectTo(match[3]!, wsOrigin);
  return { html: html.replace(CSP_META, (_m, head: string) => `${head}${quote}${csp}${quote}`), csp };
}

/** Serves the built renderer: static files, SPA fallback to index.html, nothing outside the root. */
export interface StaticSite {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Why a raw request path must be refused, or null when it may be looked up. */
function unsafePathProblem(rawPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return 'bad encoding';
  }
  if (decoded.includes('\0')) return 'NUL';
  // Refuse any dot-dot segment, raw or percent-encoded, with either slash: no legitimate asset has one.
  if (decoded.split(/[\\/]/).some((seg) => seg === '..')) return 'traversal';
  if (decoded.includes('\\')) return 'backslash';
  return null;
}

/** Creates the static site for `rootDir`; `wsOrigin` is the WebSocket origin the CSP allows. */
export function createStaticSite(rootDir: string, wsOrigin: string): StaticSite {
  const root = resolve(rootDir);
  let indexCache: { html: string; csp: string } | null = null;

  async function sendIndex(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Read once: the build does not change while the host runs, and every SPA route needs it.
    indexCache ??= rewriteIndexHtml(await readFile(join(root, 'index.html'), 'utf8'), wsOrigin);
    const body = Buffer.from(indexCache.html);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': body.length,
      'Content-Security-Policy': indexCache.csp,
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function sendStatus(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`${text}\n`);
  }

  async function lookup(rawPath: string): Promise<string | null> {
    const file = resolve(root, `.${decodeURIComponent(rawPath)}`);
    if (file !== root && !file.startsWith(root + sep)) return null;
    try {
      const real = await realpath(file);
      const realRoot = await realpath(root);
      // A symlink inside the build must not lead outside it either.
      if (real !== realRoot && !real.startsWith(realRoot + sep)) return null;
      return (await stat(real)).isFile() ? real : null;
    } catch {
      return null;
    }
  }

  return {
    async handle(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return sendStatus(res, 405, 'Method Not Allowed');
      }
      const rawPath = (req.url ?? '/').split(/[?#]/, 1)[0]!;
      if (!rawPath.startsWith('/') || unsafePathProblem(rawPath)) return sendStatus(res, 403, 'Forbidden');
      if (rawPath === '/' || rawPath === '/index.html') return sendIndex(req, res);
      const file = await lookup(rawPath);
      if (file) {
        if (file === join(root, 'index.html')) return sendIndex(req, res);
        const body = await readFile(file);
        res.writeHead(200, {
          'Content-Type': mimeTypeOf(file),
          'Content-Length': body.length,
          // A development host: always revalidate, so a rebuild shows up on reload.
          'Cache-Control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      // Client-side routes (no extension) get the app; a missing asset is a plain 404.
      if (extname(rawPath) === '') return sendIndex(req, res);
      return sendStatus(res, 404, 'Not Found');
    },
  };
}
