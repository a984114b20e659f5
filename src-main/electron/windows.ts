/**
 * The studio's windows: creates them with the security baseline, gives each its clientId
 * (`window:<webContents.id>`), and delivers messages once the page has loaded.
 */
import { BrowserWindow, dialog, nativeTheme, shell } from 'electron';
import type { AppLocation } from './app-location';
import { clientIdOf, EVENT_CHANNEL } from './client-id';
import { hardenWebContents } from './security';
import { windowOptions } from './window-options';


interface Managed {
  window: BrowserWindow;
  loaded: boolean;
  /** Messages sent before the page finished loading; delivered on did-finish-load. */
  pending: unknown[];
}

export interface WindowManagerOptions {
  location: AppLocation;
  preloadPath: string;
  /** The window icon (Linux), if any. */
  iconPath?: string;
  /** Called after a window closed, with the clientId it had. */
  onClosed(clientId: string): void;
  /**
   * Whether the app is quitting: its services stop before the windows close, so a page that holds
   * its unload is let go at once (the run left running is marked stopped on the next open).
   */
  isQuitting?(): boolean;
}

/** Creates and tracks studio windows. */
export class WindowManager {
  private readonly windows = new Map<string, Managed>();
  private lastFocused: string | null = null;

  constructor(private readonly opts: WindowManagerOptions) {}

  /** Opens a new studio window and loads the app into it. */
  create(): BrowserWindow {
    const win = new BrowserWindow(
      windowOptions({
        preloadPath: this.opts.preloadPath,
        dark: nativeTheme.shouldUseDarkColors,
        ...(this.opts.iconPath ? { iconPath: this.opts.iconPath } : {}),
      }),
    );
    const contents = win.webContents;
    // webContents is gone by the time 'closed' fires, so remember the id now.
    const clientId = clientIdOf(contents.id);
    const managed: Managed = { window: win, loaded: false, pending: [] };
    this.windows.set(clientId, managed);
    this.lastFocused = clientId;

    hardenWebContents(contents, this.opts.location, (url) => shell.openExternal(url));
    win.once('ready-to-show', () => win.show());
    // The page holds its unload while a run trains or a job runs (beforeunload): ask, and on
    // "Stop and close" let it stop the run with a checkpoint and close itself once that is saved.
    contents.on('will-prevent-unload', (event: { preventDefault(): void }) => {
      // preventDefault here ignores the page's hold: quitting closes the window as it always did.
      if (this.opts.isQuitting?.()) {
        event.preventDefault();
        return;
      }
      // Asynchronous, so the other windows and the services are not frozen while it is open.
      void dialog
        .showMessageBox(win, {
          type: 'question',
          buttons: ['Stop and close', 'Keep working'],
          defaultId: 1,
          cancelId: 1,
          message: 'Work is still running in this window.',
          detail: 'Stop and close stops a training run after its current batch and saves a checkpoint you can resume from, cancels an import, then closes the window.',
        })
        .then(({ response }) => {
          if (response === 0) this.deliver(clientId, { event: 'app:command', payload: { command: 'window.stopAndClose' } });
        });
    });
    win.on('focus', () => {
      this.lastFocused = clientId;
    });
    contents.on('did-finish-load', () => {
      managed.loaded = true;
      const queued = managed.pending.splice(0);
      for (const message of queued) contents.send(EVENT_CHANNEL, message);
    });
    win.on('closed', () => {
      this.windows.delete(clientId);
      if (this.lastFocused === clientId) this.lastFocused = null;
      this.opts.onClosed(clientId);
    });

    win.loadURL(this.opts.location.url).catch((err: unknown) => console.error('[model-studio] failed to load the UI:', err));
    return win;
  }

  /** The window a clientId names, if it is still open. */
  get(clientId: string): BrowserWindow | undefined {
    return this.windows.get(clientId)?.window;
  }

  /** Whether a webContents belongs to one of our windows. */
  has(webContentsId: number): boolean {
    return this.windows.has(clientIdOf(webContentsId));
  }

  /** The clientIds of all open windows. */
  clientIds(): string[] {
    return [...this.windows.keys()];
  }

  /** The window the user is working in: the focused one, else the last focused, else any. */
  current(): { clientId: string; window: BrowserWindow } | undefined {
    for (const [clientId, m] of this.windows) {
      if (m.window.isFocused()) return { clientId, window: m.window };
    }
    const last = this.lastFocused ? this.windows.get(this.lastFocused) : undefined;
    if (last && this.lastFocused) return { clientId: this.lastFocused, window: last.window };
    const first = this.windows.entries().next();
    return first.done ? undefined : { clientId: first.value[0], window: first.value[1].window };
  }

  /** Brings a window to the front, restoring it when minimised. */
  focus(win: BrowserWindow): void {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  /** Sends an event message to one window; held until its page has loaded so none is lost. */
  deliver(clientId: string, message: { event: string; payload: unknown }): void {
    const managed = this.windows.get(clientId);
    if (!managed || managed.window.isDestroyed()) return;
    if (!managed.loaded) {
      managed.pending.push(message);
      return;
    }
    managed.window.webContents.send(EVENT_CHANNEL, message);
  }
}
