import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { LaunchContext } from '../../../src-main/electron/lifecycle';
import type { StudioOptions } from '../../../src-main/container';
import { freshElectron, type FakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);

/** The studio the shell gets from the mocked container, with its calls recorded. */
const state = vi.hoisted(() => ({
  log: [] as string[],
  options: null as unknown,
  openProjects: new Map<string, string>(),
  releaseStop: () => undefined as void,
  studio: null as null | { events: import('../../../src-main/ipc/event-bus').EventBus },
}));

vi.mock('../../../src-main/container', async () => {
  const { EventBus } = await import('../../../src-main/ipc/event-bus');
  return {
    createStudio: (options: StudioOptions) => {
      state.options = options;
      const events = new EventBus();
      const studio = {
        events,
        handlers: {
          'recent:list': async () => [],
          'project:current': async (_req: unknown, { clientId }: { clientId: string }) => {
            const path = state.openProjects.get(clientId);
            return path ? { path } : null;
          },
        },
        start: async () => void state.log.push('start'),
        stop: () =>
          new Promise<void>((done) => {
            state.log.push('stop:begin');
            state.releaseStop = () => {
              state.log.push('stop:end');
              done();
            };
          }),
        clientDisconnected: async (clientId: string) => void state.log.push(`disconnected:${clientId}`),
      };
      state.studio = studio;
      return studio;
    },
  };
});

const APP_URL = 'app://studio/index.html';

async function launch(ctx: Partial<LaunchContext> = {}, beforeReady?: (e: FakeElectron) => void) {
  state.log = [];
  state.openProjects.clear();
  const electron = freshElectron();
  const { runApp } = await import('../../../src-main/electron/lifecycle');
  runApp({ platform: 'linux', argv: ['/opt/model-studio'], cwd: '/home/a', env: {}, ...ctx });
  beforeReady?.(electron);
  electron.app.becomeReady();
  await vi.waitFor(() => expect(electron.Menu.current).not.toBeNull());
  return electron;
}

function sentEvents(win: FakeElectron['BrowserWindow']['instances'][number]) {
  return win.webContents.send.mock.calls.map((c) => c[1] as { event: string; payload: unknown });
}

describe('Electron app lifecycle', () => {
  it('runs its Node helpers (the TF.js verification) as utility processes, since the package turns RunAsNode off', async () => {
    const electron = await launch();
    const { runNodeScript } = await import('../../../src-main/node-script');
    electron.utilityProcess.script = { out: '{"runtime":"tfjs"}\n', err: 'a warning', code: 0 };
    expect(await runNodeScript('/app/resources/tfjs/verify-export.mjs', ['/exports/ex-1', '/tmp/request.json'])).toEqual({ code: 0, stdout: '{"runtime":"tfjs"}\n', stderr: 'a warning' });
    expect(electron.utilityProcess.fork).toHaveBeenCalledWith('/app/resources/tfjs/verify-export.mjs', ['/exports/ex-1', '/tmp/request.json'], expect.objectContaining({ stdio: 'pipe' }));
    // Cancelling kills it.
    electron.utilityProcess.script = { out: '', err: '', code: 0 };
    const stop = new AbortController();
    stop.abort(new Error('cancelled'));
    await expect(runNodeScript('/app/x.mjs', [], stop.signal)).rejects.toThrow('cancelled');
    const midway = new AbortController();
    const running = runNodeScript('/app/x.mjs', [], midway.signal);
    const child = electron.utilityProcess.fork.mock.results.at(-1)!.value as { kill: { mock: { calls: unknown[] } } };
    midway.abort(new Error('stopped midway'));
    await expect(running).rejects.toThrow('stopped midway');
    expect(child.kill.mock.calls).toHaveLength(1);
  });

  it('runs a CLI command instead of the app when launched as `model-studio --version`: no lock, no window', async () => {
    const electron = freshElectron();
    electron.app.isPackaged = true;
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(((_chunk: unknown, done?: unknown) => {
      if (typeof done === 'function') done();
      return true;
    }) as typeof process.stdout.write);
    try {
      const { runApp } = await import('../../../src-main/electron/lifecycle');
      runApp({ platform: 'linux', argv: ['/opt/model-studio', '--version'], cwd: '/home/a', env: {} });
      await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledWith(0));
      expect(write).toHaveBeenCalledWith('0.1.0\n');
    } finally {
      write.mockRestore();
    }
    expect(electron.app.requestSingleInstanceLock).not.toHaveBeenCalled();
    expect(electron.BrowserWindow.instances).toEqual([]);
    expect(electron.app.commandLine.appendSwitch).toHaveBeenCalledWith('ozone-platform', 'headless');
  });

  it('appends the WebGPU switch on Linux before the app is ready, and not elsewhere', async () => {
    const linux = await launch({ platform: 'linux' });
    expect(linux.app.commandLine.appendSwitch).toHaveBeenCalledWith('enable-unsafe-webgpu');
    expect(linux.app.commandLine.appendSwitch.mock.invocationCallOrder[0]).toBeLessThan(
      linux.app.whenReady.mock.invocationCallOrder[0]!,
    );
    const windows = await launch({ platform: 'win32' });
    expect(windows.app.commandLine.appendSwitch).not.toHaveBeenCalled();
  });

  it('boots the studio with the app’s data dir and version, then opens a window on the app', async () => {
    const electron = await launch();
    expect(state.options).toMatchObject({
      dataDir: '/fake/userData',
      appVersion: '0.1.0',
      platform: { shell: 'electron', defaultParentDir: '/fake/documents/Model Studio' },
    });
    expect(state.log).toEqual(['start']);
    expect(electron.BrowserWindow.instances).toHaveLength(1);
    const win = electron.BrowserWindow.instances[0]!;
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, preload: '/fake/app/out/preload/index.cjs' });
    expect(win.loadURL).toHaveBeenCalledWith('app://studio/index.html');
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    expect(electron.session.defaultSession.protocolHandlers.has('app')).toBe(true);
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
  });

  it('loads the dev server when electron-vite provides one', async () => {
    const electron = await launch({ env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } });
    expect(electron.BrowserWindow.instances[0]!.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(electron.session.defaultSession.protocolHandlers.has('app')).toBe(false);
  });

  it('quits at once when another instance holds the lock', async () => {
    state.log = [];
    const electron = freshElectron();
    electron.app.gotLock = false;
    const { runApp } = await import('../../../src-main/electron/lifecycle');
    runApp({ platform: 'linux', argv: ['/x', '/p/D/D.mstudio'], cwd: '/', env: {} });
    expect(electron.app.quitCount).toBe(1);
    expect(electron.app.whenReady).not.toHaveBeenCalled();
  });

  it('hands a second launch’s project path to the running window', async () => {
    const electron = await launch();
    const win = electron.BrowserWindow.instances[0]!;
    win.webContents.finishLoad(APP_URL);
    win.minimized = true;
    electron.app.fire('second-instance', {}, ['/opt/model-studio', '--flag', 'D/D.mstudio'], '/home/b');
    await vi.waitFor(() =>
      expect(sentEvents(win)).toContainEqual({ event: 'app:openRequest', payload: { path: '/home/b/D/D.mstudio' } }),
    );
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(electron.BrowserWindow.instances).toHaveLength(1);
  });

  it('opens a second window when the current one already shows another project', async () => {
    const electron = await launch();
    const first = electron.BrowserWindow.instances[0]!;
    first.webContents.finishLoad(APP_URL);
    state.openProjects.set(`window:${first.webContents.id}`, '/p/A/A.mstudio');
    electron.app.fire('second-instance', {}, ['/x', '/p/B/B.mstudio'], '/');
    await vi.waitFor(() => expect(electron.BrowserWindow.instances).toHaveLength(2));
    const second = electron.BrowserWindow.instances[1]!;
    // Held until the new page has loaded, so the renderer is listening when it arrives.
    expect(second.webContents.send).not.toHaveBeenCalled();
    second.webContents.finishLoad(APP_URL);
    expect(sentEvents(second)).toEqual([{ event: 'app:openRequest', payload: { path: '/p/B/B.mstudio' } }]);
    expect(sentEvents(first)).toEqual([]);
  });

  it('focuses the window already showing the project instead of opening it twice', async () => {
    const electron = await launch();
    const win = electron.BrowserWindow.instances[0]!;
    win.webContents.finishLoad(APP_URL);
    state.openProjects.set(`window:${win.webContents.id}`, '/p/A/A.mstudio');
    electron.app.fire('second-instance', {}, ['/x', '/p/A/A.mstudio'], '/');
    await vi.waitFor(() => expect(win.focus).toHaveBeenCalled());
    expect(sentEvents(win)).toEqual([]);
    expect(electron.BrowserWindow.instances).toHaveLength(1);
  });

  it('opens the project named on the first command line and macOS open-file before ready', async () => {
    const electron = await launch({ argv: ['/opt/model-studio', 'Digits.mstudio'] }, (e) => {
      expect(e.app.fire('open-file', {}, '/p/E/E.mstudio')).toBe(true);
    });
    await vi.waitFor(() => expect(electron.BrowserWindow.instances.length).toBeGreaterThan(0));
    const win = electron.BrowserWindow.instances[0]!;
    win.webContents.finishLoad(APP_URL);
    await vi.waitFor(() =>
      expect(electron.BrowserWindow.instances.flatMap(sentEvents)).toEqual(
        expect.arrayContaining([
          { event: 'app:openRequest', payload: { path: '/home/a/Digits.mstudio' } },
          { event: 'app:openRequest', payload: { path: '/p/E/E.mstudio' } },
        ]),
      ),
    );
  });

  it('stops the services before quitting, once, even when quit is asked twice', async () => {
    const electron = await launch();
    electron.app.quit();
    electron.app.quit();
    await vi.waitFor(() => expect(state.log).toContain('stop:begin'));
    expect(electron.app.quitCount).toBe(0);
    state.releaseStop();
    await vi.waitFor(() => expect(electron.app.quitCount).toBe(1));
    expect(state.log.filter((l) => l === 'stop:begin')).toHaveLength(1);
    expect(state.log.indexOf('stop:end')).toBeGreaterThan(state.log.indexOf('stop:begin'));
  });

  it('closes a window’s project when it closes, and quits with the last window except on macOS', async () => {
    const electron = await launch();
    const win = electron.BrowserWindow.instances[0]!;
    win.close();
    electron.app.emit('window-all-closed');
    await vi.waitFor(() => expect(state.log).toContain(`disconnected:window:${win.webContents.id}`));
    await vi.waitFor(() => expect(state.log).toContain('stop:begin'));

    const mac = await launch({ platform: 'darwin' });
    mac.BrowserWindow.instances[0]!.close();
    mac.app.emit('window-all-closed');
    expect(mac.app.quit).not.toHaveBeenCalled();
    mac.app.emit('activate');
    expect(mac.BrowserWindow.instances).toHaveLength(2);
  });

  it('sends menu commands to the focused window and opens new windows from the menu', async () => {
    const electron = await launch();
    const win = electron.BrowserWindow.instances[0]!;
    win.webContents.finishLoad(APP_URL);
    const all = (t: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
      t.flatMap((i) => [i, ...all(Array.isArray(i.submenu) ? i.submenu : [])]);
    const item = (label: string) => all(electron.Menu.current!.template).find((i) => i.label === label)!;
    (item('Datasets').click as () => void)();
    expect(sentEvents(win)).toEqual([{ event: 'app:command', payload: { command: 'view.datasets' } }]);
    (item('New Window').click as () => void)();
    expect(electron.BrowserWindow.instances).toHaveLength(2);
  });

  it('asks before a window whose page holds its unload (work running) closes, and on Stop and close tells the page to', async () => {
    const electron = await launch();
    const win = electron.BrowserWindow.instances[0]!;
    win.webContents.finishLoad(APP_URL);
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 1 });
    // Keep working: nothing is sent, and the unload stays held (the event is not prevented).
    expect(win.webContents.fire('will-prevent-unload')).toBe(false);
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalledTimes(1));
    await Promise.resolve();
    expect(sentEvents(win)).toEqual([]);
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0 });
    expect(win.webContents.fire('will-prevent-unload')).toBe(false);
    await vi.waitFor(() => expect(sentEvents(win)).toEqual([{ event: 'app:command', payload: { command: 'window.stopAndClose' } }]));
    const [parent, options] = electron.dialog.showMessageBox.mock.calls[1] as unknown as [unknown, { buttons: string[]; cancelId: number }];
    expect(parent).toBe(win);
    expect(options.buttons).toEqual(['Stop and close', 'Keep working']);
    expect(options.cancelId).toBe(1);
  });

  it('lets a held window go at once when the app quits (its services are already stopping)', async () => {
    const electron = await launch();
    const win = electron.BrowserWindow.instances[0]!;
    win.webContents.finishLoad(APP_URL);
    electron.app.quit();
    expect(win.webContents.fire('will-prevent-unload')).toBe(true);
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('rebuilds the menu and the OS recent documents when a project opens', async () => {
    const electron = await launch();
    const before = electron.Menu.setApplicationMenu.mock.calls.length;
    state.studio!.events.emit(
      'project:changed',
      { path: '/p/D/D.mstudio' } as never,
      { clientId: `window:${electron.BrowserWindow.instances[0]!.webContents.id}` },
    );
    expect(electron.app.addRecentDocument).toHaveBeenCalledWith('/p/D/D.mstudio');
    await vi.waitFor(() => expect(electron.Menu.setApplicationMenu.mock.calls.length).toBe(before + 1));
  });
});
