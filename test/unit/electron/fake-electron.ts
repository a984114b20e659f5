/**
 * A hand-written stand-in for the `electron` module (the binary cannot run here). It records
 * what the shell does so tests can assert it and drive the events Electron would emit.
 */
import { vi } from 'vitest';

type Listener = (...args: any[]) => unknown;

/** A minimal EventEmitter that can also fire one event and report whether it was prevented. */
export class Emitter {
  private readonly listeners = new Map<string, Listener[]>();
  on(name: string, fn: Listener): this {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
    return this;
  }
  once(name: string, fn: Listener): this {
    const wrapped: Listener = (...args) => {
      this.removeListener(name, wrapped);
      return fn(...args);
    };
    return this.on(name, wrapped);
  }
  removeListener(name: string, fn: Listener): this {
    this.listeners.set(name, (this.listeners.get(name) ?? []).filter((l) => l !== fn));
    return this;
  }
  listenerCount(name: string): number {
    return this.listeners.get(name)?.length ?? 0;
  }
  emit(name: string, ...args: unknown[]): void {
    for (const fn of [...(this.listeners.get(name) ?? [])]) fn(...args);
  }
  /** Fires an event whose first argument is an Electron-style event object; says if it was prevented. */
  fire(name: string, extra: Record<string, unknown> = {}, ...args: unknown[]): boolean {
    let prevented = false;
    const event = { ...extra, preventDefault: () => void (prevented = true) };
    this.emit(name, event, ...args);
    return prevented;
  }
}

let nextId = 1;

export class FakeFrame {
  constructor(
    public url: string,
    public parent: FakeFrame | null = null,
  ) {}
}

export class FakeWebContents extends Emitter {
  readonly id = nextId++;
  readonly send = vi.fn();
  mainFrame = new FakeFrame('');
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
    this.windowOpenHandler = fn;
  }
  getURL() {
    return this.mainFrame.url;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** Simulates the page finishing its load at a URL. */
  finishLoad(url: string) {
    this.mainFrame.url = url;
    this.emit('did-finish-load');
  }
}

/** Builds a fresh fake of everything the shell and preload use from `electron`. */
export function createFakeElectron() {
  class BrowserWindow extends Emitter {
    static instances: BrowserWindow[] = [];
    readonly webContents = new FakeWebContents();
    readonly loadURL = vi.fn(async (_url: string) => undefined);
    readonly loadFile = vi.fn(async (_path: string) => undefined);
    readonly show = vi.fn();
    readonly focus = vi.fn();
    readonly restore = vi.fn();
    readonly setProgressBar = vi.fn();
    focused = false;
    minimized = false;
    constructor(public readonly options: Record<string, any>) {
      super();
      BrowserWindow.instances.push(this);
    }
    isFocused() {
      return this.focused;
    }
    isMinimized() {
      return this.minimized;
    }
    isDestroyed() {
      return this.webContents.destroyed;
    }
    /** Simulates the user closing the window. */
    close() {
      this.webContents.destroyed = true;
      this.emit('closed');
    }
  }

  function makeApp() {
    let resolveReady: () => void = () => undefined;
    const readyPromise = new Promise<void>((r) => (resolveReady = r));
    const app = Object.assign(new Emitter(), {
      commandLine: { appendSwitch: vi.fn() },
      gotLock: true,
      requestSingleInstanceLock: vi.fn(() => app.gotLock),
      isPackaged: false,
      /** Records each quit; emits before-quit like Electron and counts it only when not prevented. */
      quitCount: 0,
      quit: vi.fn(() => {
        if (!app.fire('before-quit')) app.quitCount++;
      }),
      exit: vi.fn(),
      whenReady: vi.fn(() => readyPromise),
      getPath: vi.fn((name: string) => `/fake/${name}`),
      getVersion: vi.fn(() => '0.1.0'),
      getAppPath: vi.fn(() => '/fake/app'),
      addRecentDocument: vi.fn(),
      /** Makes whenReady() resolve. */
      becomeReady: () => resolveReady(),
    });
    return app;
  }

  const app = makeApp();
  const ipcMain = {
    handlers: new Map<string, Listener>(),
    handle: vi.fn((channel: string, fn: Listener) => void ipcMain.handlers.set(channel, fn)),
    removeHandler: vi.fn((channel: string) => void ipcMain.handlers.delete(channel)),
  };
  const dialog = { showOpenDialog: vi.fn(), showErrorBox: vi.fn(), showMessageBox: vi.fn(async () => ({ response: 1 })) };
  const shell = { openExternal: vi.fn(async () => undefined) };
  const Menu = {
    current: null as null | { template: any[] },
    buildFromTemplate: vi.fn((template: any[]) => ({ template })),
    setApplicationMenu: vi.fn((menu: { template: any[] }) => void (Menu.current = menu)),
  };
  const nativeTheme = { shouldUseDarkColors: false };

  function makeSession() {
    const self = {
      permissionRequestHandler: null as Listener | null,
      permissionCheckHandler: null as Listener | null,
      headersReceived: null as Listener | null,
      setPermissionRequestHandler(fn: Listener) {
        this.permissionRequestHandler = fn;
      },
      setPermissionCheckHandler(fn: Listener) {
        this.permissionCheckHandler = fn;
      },
      webRequest: {
        onHeadersReceived: (fn: Listener) => void (self.headersReceived = fn),
      },
      protocolHandlers: new Map<string, Listener>(),
      protocol: {
        handle: (scheme: string, fn: Listener) => void self.protocolHandlers.set(scheme, fn),
      },
    };
    return self;
  }
  const session = { defaultSession: makeSession() };

  const contextBridge = {
    exposed: new Map<string, unknown>(),
    exposeInMainWorld: vi.fn((key: string, value: unknown) => void contextBridge.exposed.set(key, value)),
  };
  const rendererEmitter = new Emitter();
  const ipcRenderer = {
    invoke: vi.fn(async (_channel: string, _payload: unknown): Promise<unknown> => ({ ok: true, value: null })),
    on: vi.fn((name: string, fn: Listener) => rendererEmitter.on(name, fn)),
    removeListener: vi.fn((name: string, fn: Listener) => rendererEmitter.removeListener(name, fn)),
    /** Simulates main sending a message to this renderer. */
    deliver: (channel: string, message: unknown) => rendererEmitter.emit(channel, {}, message),
    listenerCount: (name: string) => rendererEmitter.listenerCount(name),
  };
  const protocol = { registerSchemesAsPrivileged: vi.fn() };
  let blockerId = 0;
  const powerSaveBlocker = { start: vi.fn((_type: string) => ++blockerId), stop: vi.fn((_id: number) => undefined) };
  class Notification {
    static shown: { title: string; body: string }[] = [];
    static isSupported = () => true;
    constructor(readonly options: { title: string; body: string }) {}
    show() {
      Notification.shown.push(this.options);
    }
  }
  const net = { fetch: vi.fn(async (_url: string) => new Response('')) };
  /** A utility process that prints `out` and `err`, then exits with `code` (set before it is forked). */
  class UtilityChild extends Emitter {
    readonly stdout = new Emitter();
    readonly stderr = new Emitter();
    readonly kill = vi.fn(() => {
      this.emit('exit', null);
      this.stdout.emit('end');
      this.stderr.emit('end');
    });
  }
  const utilityProcess = {
    script: { out: '', err: '', code: 0 },
    fork: vi.fn((_path: string, _args: string[], _options: Record<string, unknown>) => {
      const child = new UtilityChild();
      const { out, err, code } = utilityProcess.script;
      // As Electron may: the process exits before its last output has been read.
      setTimeout(() => {
        child.emit('exit', code);
        if (out) child.stdout.emit('data', Buffer.from(out));
        if (err) child.stderr.emit('data', Buffer.from(err));
        child.stdout.emit('end');
        child.stderr.emit('end');
      }, 0);
      return child;
    }),
  };
  return { app, BrowserWindow, ipcMain, dialog, shell, Menu, nativeTheme, session, protocol, net, contextBridge, ipcRenderer, powerSaveBlocker, Notification, utilityProcess };
}

/** One fake electron module, as tests see it. */
export type FakeElectron = ReturnType<typeof createFakeElectron>;

const KEY = Symbol.for('model-studio.fake-electron');
const holder = globalThis as unknown as { [KEY]?: FakeElectron };
const current = (): FakeElectron => (holder[KEY] ??= createFakeElectron());

/**
 * The mocked module: each export reads the current fake, so a test can swap in a fresh one.
 * Use as `vi.mock('electron', async () => (await import('./fake-electron')).electronModule)`.
 */
export const electronModule = {} as FakeElectron;
for (const k of Object.keys(current()) as Array<keyof FakeElectron>) {
  Object.defineProperty(electronModule, k, { enumerable: true, get: () => current()[k] });
}

/** Installs a fresh fake and reloads modules, so code that runs at import (the preload) runs again. */
export function freshElectron(): FakeElectron {
  const fake = createFakeElectron();
  holder[KEY] = fake;
  vi.resetModules();
  return fake;
}
