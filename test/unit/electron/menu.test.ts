import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { isAllowedExternalUrl } from '../../../src-main/electron/external-links';
import { buildMenuTemplate, type MenuOptions } from '../../../src-main/electron/menu';

function setup(overrides: Partial<MenuOptions> = {}) {
  const opts: MenuOptions = {
    platform: 'linux',
    isDev: false,
    appName: 'Model Studio',
    recent: [],
    command: vi.fn(),
    openRecent: vi.fn(),
    newWindow: vi.fn(),
    openExternal: vi.fn(),
    ...overrides,
  };
  return { opts, template: buildMenuTemplate(opts) };
}

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((i) => [i, ...items(Array.isArray(i.submenu) ? i.submenu : [])]);
}

function find(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions {
  const item = items(template).find((i) => i.label === label);
  if (!item) throw new Error(`no menu item ${label}`);
  return item;
}

function click(item: MenuItemConstructorOptions): void {
  (item.click as () => void)();
}

describe('buildMenuTemplate', () => {
  it('binds the File accelerators and sends the matching app commands', () => {
    const { opts, template } = setup();
    const expected: Array<[string, string, string | null]> = [
      ['New Project…', 'CmdOrCtrl+N', 'project.new'],
      ['Open Project…', 'CmdOrCtrl+O', 'project.open'],
      ['Close Project', 'CmdOrCtrl+W', 'project.close'],
    ];
    for (const [label, accelerator, command] of expected) {
      const item = find(template, label);
      expect(item.accelerator).toBe(accelerator);
      click(item);
      expect(opts.command).toHaveBeenLastCalledWith(command);
    }
    const newWindow = find(template, 'New Window');
    expect(newWindow.accelerator).toBe('CmdOrCtrl+Shift+N');
    click(newWindow);
    expect(opts.newWindow).toHaveBeenCalledOnce();
  });

  it('switches views with Ctrl/Cmd+1..5 in sidebar order', () => {
    const { opts, template } = setup();
    const views = ['Datasets', 'Models', 'Training Runs', 'Compression', 'Exports'];
    const commands = ['view.datasets', 'view.models', 'view.runs', 'view.compression', 'view.exports'];
    views.forEach((label, i) => {
      const item = find(template, label);
      expect(item.accelerator).toBe(`CmdOrCtrl+${i + 1}`);
      click(item);
      expect(opts.command).toHaveBeenLastCalledWith(commands[i]);
    });
  });

  it('lists recent projects, opening the clicked one and disabling missing ones', () => {
    const { opts, template } = setup({
      recent: [
        { path: '/p/Digits/Digits.mstudio', name: 'Digits', openedAt: '2025-01-01T00:00:00.000Z', exists: true },
        { path: '/p/Gone/Gone.mstudio', name: 'Gone', openedAt: '2025-01-01T00:00:00.000Z', exists: false },
      ],
    });
    const submenu = find(template, 'Open Recent').submenu as MenuItemConstructorOptions[];
    expect(submenu.map((i) => i.label)).toEqual(['Digits', 'Gone']);
    expect(submenu[1]!.enabled).toBe(false);
    click(submenu[0]!);
    expect(opts.openRecent).toHaveBeenCalledWith('/p/Digits/Digits.mstudio');
    expect(opts.command).not.toHaveBeenCalled();
  });

  it('shows a disabled placeholder when there are no recent projects', () => {
    const submenu = find(setup().template, 'Open Recent').submenu as MenuItemConstructorOptions[];
    expect(submenu).toEqual([{ label: 'No Recent Projects', enabled: false }]);
  });

  it('offers reload and developer tools only in development', () => {
    const roles = (t: MenuItemConstructorOptions[]) => items(t).map((i) => i.role);
    expect(roles(setup().template)).not.toContain('toggleDevTools');
    expect(roles(setup().template)).not.toContain('reload');
    expect(roles(setup({ isDev: true }).template)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    expect(roles(setup().template)).toContain('togglefullscreen');
  });

  it('opens an allowlisted documentation link from Help', () => {
    const { opts, template } = setup();
    click(find(template, 'Documentation'));
    const url = vi.mocked(opts.openExternal).mock.calls[0]![0];
    expect(url).toMatch(/^https:\/\//);
    expect(isAllowedExternalUrl(url)).toBe(true);
  });

  it('puts Quit in File on Linux and Windows, and in the app menu on macOS', () => {
    const fileOf = (t: MenuItemConstructorOptions[]) => t.find((i) => i.label === '&File')!.submenu as MenuItemConstructorOptions[];
    expect(fileOf(setup().template).some((i) => i.role === 'quit')).toBe(true);
    const mac = setup({ platform: 'darwin' }).template;
    expect(mac[0]!.label).toBe('Model Studio');
    expect((mac[0]!.submenu as MenuItemConstructorOptions[]).some((i) => i.role === 'quit')).toBe(true);
    expect(fileOf(mac).some((i) => i.role === 'quit')).toBe(false);
  });
});
