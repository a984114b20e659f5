/**
 * The native menu as a pure template: commands go to the UI as `app:command` events, so the
 * renderer owns what each does and the menu only names them with their accelerators.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand, RecentProject } from '../../src-shared/ipc/contract';
import { DOCUMENTATION_URL, ISSUES_URL } from './external-links';

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Development build: adds Reload and Developer Tools. */
  isDev: boolean;
  appName: string;
  recent: readonly RecentProject[];
  /** Sends a command to the focused window. */
  command(command: AppCommand): void;
  /** Asks the focused window to open a recent project. */
  openRecent(path: string): void;
  newWindow(): void;
  /** Opens an allowlisted link in the browser. */
  openExternal(url: string): void;
}

/** Views in sidebar order, bound to Ctrl/Cmd+1..5. */
export const VIEW_ITEMS: ReadonlyArray<{ label: string; command: AppCommand }> = [
  { label: 'Datasets', command: 'view.datasets' },
  { label: 'Models', command: 'view.models' },
  { label: 'Training Runs', command: 'view.runs' },
  { label: 'Compression', command: 'view.compression' },
  { label: 'Exports', command: 'view.exports' },
];

function recentSubmenu(opts: MenuOptions): MenuItemConstructorOptions[] {
  if (opts.recent.length === 0) return [{ label: 'No Recent Projects', enabled: false }];
  return opts.recent.map((r) => ({
    label: r.name,
    sublabel: r.path,
    toolTip: r.path,
    // A moved or deleted project stays listed (the start screen offers to remove it) but cannot open.
    enabled: r.exists,
    click: () => opts.openRecent(r.path),
  }));
}

/** Builds the application menu template. */
export function buildMenuTemplate(opts: MenuOptions): MenuItemConstructorOptions[] {
  const mac = opts.platform === 'darwin';
  const sep: MenuItemConstructorOptions = { type: 'separator' };
  const template: MenuItemConstructorOptions[] = [];

  if (mac) {
    template.push({
      label: opts.appName,
      submenu: [
        { role: 'about', label: `About ${opts.appName}` },
        sep,
        { role: 'services' },
        sep,
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        sep,
        { role: 'quit' },
      ],
    });
  }

  template.push({
    label: '&File',
    submenu: [
      { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => opts.command('project.new') },
      { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => opts.command('project.open') },
      { label: 'Open Recent', submenu: recentSubmenu(opts) },
      sep,
      { label: 'New Window', accelerator: 'CmdOrCtrl+Shift+N', click: () => opts.newWindow() },
      sep,
      { label: 'Close Project', accelerator: 'CmdOrCtrl+W', click: () => opts.command('project.close') },
      ...(mac ? [] : [sep, { role: 'quit' } as MenuItemConstructorOptions]),
    ],
  });

  template.push({
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      sep,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'delete' },
      sep,
      { role: 'selectAll' },
    ],
  });

  template.push({
    label: '&View',
    submenu: [
      ...VIEW_ITEMS.map(
        (v, i): MenuItemConstructorOptions => ({
          label: v.label,
          accelerator: `CmdOrCtrl+${i + 1}`,
          click: () => opts.command(v.command),
        }),
      ),
      sep,
      ...(opts.isDev
        ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, sep] as MenuItemConstructorOptions[])
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
    ],
  });

  if (mac) template.push({ role: 'windowMenu' });

  template.push({
    label: '&Help',
    role: 'help',
    submenu: [
      { label: 'Documentation', click: () => opts.openExternal(DOCUMENTATION_URL) },
      { label: 'Report an Issue', click: () => opts.openExternal(ISSUES_URL) },
      ...(mac ? [] : [sep, { role: 'about', label: `About ${opts.appName}` } as MenuItemConstructorOptions]),
    ],
  });

  return template;
}
