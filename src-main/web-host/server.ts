/**
 * The local web host: boots the same services as the Electron app and serves the built renderer
 * plus the handler table over a token- and origin-guarded WebSocket, on loopback only. It exists
 * for development and end-to-end tests, so the real UI runs against the real services in Chromium.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStudio, type Studio } from '../container';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../cross-origin-isolation';
import { createWebPlatform } from './platform-adapter';
import { createToken, hostPort, loopbackAddress } from './security';
import { createStaticSite } from './static-files';
import { WsBridge } from './ws-bridge';

/** Options of startWebHost. */
export interface WebHostOptions {
  /** Where the studio keeps its own state (recent projects list). */
  dataDir: string;
  /** The built renderer (electron-vite's output). */
  rendererDir?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A loopback address; anything else is refused. */
  host?: string;
  appVersion: string;
  /** Folder the New Project form suggests; `~/Model Studio` when absent. */
  defaultParentDir?: string;
  /** Receives diagnostics (socket errors); silent when absent. */
  log?: (message: string) => void;
}

/** A running web host. */
export interface WebHost {
  /** The address to open, token included: `http://127.0.0.1:PORT/?token=TOKEN`. */
  url: string;
  /** `http://127.0.0.1:PORT`, the only Origin the WebSocket accepts. */
  origin: string;
  token: string;
  studio: Studio;
  /** Closes every socket, stops the studio (releasing project locks) and the server. */
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  ...CROSS_ORIGIN_ISOLATION_HEADERS,
} as const;

/** Starts the web host; resolves once it listens and the studio has started. */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const requestedHost = opts.host ?? '127.0.0.1';
  const address = loopbackAddress(requestedHost);
  if (!address) {
    throw new Error(`The web host listens on loopback only; "${requestedHost}" is not a loopback address.`);
  }
  const log = opts.log ?? (() => {});
  const studio = createStudio({
    dataDir: opts.dataDir,
    appVersion: opts.appVersion,
    platform: createWebPlatform({ defaultParentDir: opts.defaultParentDir }),
  });
  await studio.start();

  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, address, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await studio.stop();
    throw err;
  }

  const port = (server.address() as AddressInfo).port;
  const authority = hostPort(address, port);
  const origin = `http://${authority}`;
  // Browsers send this Host for this server; anything else is a DNS-rebinding attempt (or a
  // `localhost` URL, which would fail the WebSocket's exact Origin check later anyway).
  const allowedHosts = new Set([authority]);
  const token = createToken();
  const site = createStaticSite(opts.rendererDir ?? 'out/renderer', `ws://${authority}`);
  const bridge = new WsBridge(studio, token, origin, log);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (!allowedHosts.has(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`Misdirected Request: open ${origin}/ instead.\n`);
      return;
    }
    site.handle(req, res).catch((err: unknown) => {
      log(`serving ${req.url ?? ''} failed: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal Server Error\n');
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    bridge.handleUpgrade(req, socket, head);
  });

  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    studio,
    close() {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await bridge.close();
        server.closeAllConnections();
        await studio.stop();
        await serverClosed;
      })();
      return closing;
    },
  };
}
