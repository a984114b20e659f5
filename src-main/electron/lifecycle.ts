/**
 * The app's lifecycle: the WebGPU switch, single-instance handling, open requests from the OS,
 * booting the services and windows, and an orderly shutdown that lets the services finish.
 */
import { join, resolve } from 'node:path';
import { app, dialog, ipcMain, Menu, net, Notification, powerSaveBlocker, protocol, session, shell, utilityProcess } from 'electron';
import type { AppCommand } from '../../src-shared/ipc/contract';
import { createStudio, type Studio } from '../container';
import { resolveAppLocation } from './app-location';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { projectPathFromArgv } from './argv';
import { cliArgsOf, runCliMode } from './cli-mode';
import { registerIpcBridge } from './ipc-bridge';
import { buildMenuTemplate } from './menu';
import { createElectronPlatform } from './platform-adapter';
import { hardenSession, openExternalIfAllowed } from './security';
import { clientIdOf } from './client-id';
import { WindowManager } from './windows';
import { useNodeScriptRunner } from '../node-script';
import { utilityScriptRunner } from './utility-script';

/** The process facts the shell depends on, injectable so tests can play any platform. */
export interface LaunchContext {
  platform: NodeJS.Platform;
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** How long quitting waits for the services to flush before giving up on them. */
export const STOP_TIMEOUT_MS = 15_000;

function logError(what: string) {
  return (err: unknown) => console.error(`[model-studio] ${what}:`, err);
}

/** Starts the Electron app; call once from the main entry, before the app is ready. */
export function runApp(ctx: LaunchContext): void {
  // The packaged app cannot run Electron as Node (RunAsNode fuse off): helpers run as utility processes.
  useNodeScriptRunner(utilityScriptRunner((path, args, options) => utilityProcess.fork(path, args, options)));
  // `model-studio train …` from a terminal: the CLI, in this process, with no window.
  const cliArgs = cliArgsOf(ctx.argv, app.isPackaged);
  if (cliArgs) {
    // No window: Chromium needs no display (a server over SSH has none).
    if (ctx.platform === 'linux') app.commandLine.appendSwitch('ozone-platform', 'headless');
    void runCliMode(cliArgs, {
      app,
      stdout: (text) => void process.stdout.write(text),
      stderr: (text) => void process.stderr.write(text),
      drain: () => new Promise((done) => process.stdout.write('', () => process.stderr.write('', () => done()))),
      env: ctx.env,
      cwd: ctx.cwd,
    });
    return;
  }
  // Chromium keeps WebGPU off on Linux unless asked; it must be set before 'ready'.
  if (ctx.platform === 'linux') app.commandLine.appendSwitch('enable-unsafe-webgpu');

  // A second launch hands its file to the first instance (via 'second-instance') and exits.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  registerAppScheme(protocol);

  let studio: Studio | null = null;
  let windows: WindowManager | null = null;
  let disposeBridge: (() => void) | null = null;
  let phase: 'running' | 'stopping' | 'stopped' = 'running';
  const disconnects = new Set<Promise<void>>();
  const earlyOpens: string[] = [];

  const firstPath = projectPathFromArgv(ctx.argv, ctx.cwd);
  if (firstPath) earlyOpens.push(firstPath);

  function requestOpen(path: string): void {
    if (!studio || !windows) {
      earlyOpens.push(path);
      return;
    }
    void routeOpen(studio, windows, resolve(path)).catch(logError('could not route an open request'));
  }

  app.on('open-file', (event, path) => {
    event.preventDefault();
    requestOpen(path);
  });

  app.on('second-instance', (_event, argv, workingDirectory) => {
    const path = projectPathFromArgv(argv, workingDirectory);
    if (path) {
      requestOpen(path);
      return;
    }
    if (!windows) return;
    const current = windows.current();
    if (current) windows.focus(current.window);
    else windows.create();
  });

  app.on('window-all-closed', () => {
    // macOS apps stay alive without windows until the user quits.
    if (ctx.platform !== 'darwin') app.quit();
  });

  app.on('before-quit', (event) => {
    if (!studio || phase === 'stopped') return;
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    void shutdown(studio)
      .catch(logError('stopping the services failed'))
      .finally(() => {
        phase = 'stopped';
        app.quit();
      });
  });

  async function shutdown(s: Studio): Promise<void> {
    disposeBridge?.();
    disposeBridge = null;
    await Promise.allSettled([...disconnects]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((done) => {
      timer = setTimeout(() => {
        console.error('[model-studio] services did not stop in time; quitting anyway');
        done();
      }, STOP_TIMEOUT_MS);
    });
    try {
      await Promise.race([s.stop(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  app
    .whenReady()
    .then(async () => {
      const location = resolveAppLocation(ctx.env, join(app.getAppPath(), 'out'));
      hardenSession(session.defaultSession, location);
      if (location.kind === 'app') {
        handleAppProtocol(session.defaultSession, location.rendererDir, (url) => net.fetch(url));
      }

      const wm = new WindowManager({
        location,
        preloadPath: join(app.getAppPath(), 'out', 'preload', 'index.cjs'),
        ...(ctx.platform === 'linux' ? { iconPath: join(app.getAppPath(), 'resources', 'icon.png') } : {}),
        isQuitting: () => phase !== 'running',
        onClosed: (clientId) => {
          // During shutdown stop() closes every project itself.
          if (phase !== 'running' || !studio) return;
          const p = studio.clientDisconnected(clientId).catch(logError(`closing ${clientId}'s project failed`));
          disconnects.add(p);
          void p.finally(() => disconnects.delete(p));
        },
      });
      const s = createStudio({
        dataDir: app.getPath('userData'),
        appVersion: app.getVersion(),
        platform: createElectronPlatform({
          dialog,
          shell,
          documentsDir: app.getPath('documents'),
          windowOf: (clientId) => wm.get(clientId),
          powerSaveBlocker,
          showNotification: (note) => {
            if (!Notification.isSupported()) return false;
            new Notification(note).show();
            return true;
          },
        }),
      });
      disposeBridge = registerIpcBridge({ ipcMain, handlers: s.handlers, events: s.events, windows: wm, location });

      try {
        await s.start();
      } catch (err) {
        logError('the services failed to start')(err);
        dialog.showErrorBox('Model Studio could not start', err instanceof Error ? err.message : String(err));
        disposeBridge();
        app.exit(1);
        return;
      }
      studio = s;
      windows = wm;

      const refreshMenu = () => void installMenu(s, wm, ctx).catch(logError('could not build the menu'));
      s.events.connect((event, payload) => {
        if (event !== 'project:changed') return;
        const view = payload as { path: string } | null;
        if (view) app.addRecentDocument(view.path);
        refreshMenu();
      });
      refreshMenu();

      const opens = earlyOpens.splice(0);
      if (opens.length === 0) wm.create();
      for (const path of opens) requestOpen(path);

      app.on('activate', () => {
        if (wm.clientIds().length === 0) wm.create();
      });
    })
    .catch(logError('startup failed'));
}

/** Sends a menu command to the window in use; New and Open get a window if there is none. */
function sendCommand(wm: WindowManager, command: AppCommand): void {
  let clientId = wm.current()?.clientId;
  if (!clientId && (command === 'project.new' || command === 'project.open')) {
    clientId = clientIdOf(wm.create().webContents.id);
  }
  if (clientId) wm.deliver(clientId, { event: 'app:command', payload: { command } });
}

async function installMenu(s: Studio, wm: WindowManager, ctx: LaunchContext): Promise<void> {
  const recent = await s.handlers['recent:list']({}, { clientId: 'app:menu' });
  const template = buildMenuTemplate({
    platform: ctx.platform,
    isDev: !app.isPackaged,
    appName: 'Model Studio',
    recent,
    command: (command) => sendCommand(wm, command),
    openRecent: (path) => void routeOpen(s, wm, path).catch(logError('could not open a recent project')),
    newWindow: () => wm.create(),
    openExternal: (url) => openExternalIfAllowed(url, (u) => shell.openExternal(u)),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** The project a window shows, or null; a failing lookup counts as none. */
async function projectOf(s: Studio, clientId: string): Promise<string | null> {
  try {
    const view = await s.handlers['project:current']({}, { clientId });
    return view?.path ?? null;
  } catch {
    return null;
  }
}

/**
 * Decides which window opens a project: the one already showing it (just focused), else the
 * window in use when it has no project open, else a new window. The UI then opens the path.
 */
export async function routeOpen(s: Studio, wm: WindowManager, path: string): Promise<void> {
  for (const clientId of wm.clientIds()) {
    const win = wm.get(clientId);
    if (win && (await projectOf(s, clientId)) === path) {
      wm.focus(win);
      return;
    }
  }
  const current = wm.current();
  let target = current && (await projectOf(s, current.clientId)) === null ? current : undefined;
  if (!target) {
    const window = wm.create();
    target = { clientId: clientIdOf(window.webContents.id), window };
  }
  wm.focus(target.window);
  wm.deliver(target.clientId, { event: 'app:openRequest', payload: { path } });
}
