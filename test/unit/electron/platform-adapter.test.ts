import type { BrowserWindow } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createElectronPlatform } from '../../../src-main/electron/platform-adapter';

function setup(result: { canceled: boolean; filePaths: string[] }) {
  const state = { focused: true };
  const setProgressBar = vi.fn();
  const win = { id: 'the window', setProgressBar, isFocused: () => state.focused } as unknown as BrowserWindow;
  const showOpenDialog = vi.fn(async (..._args: unknown[]) => result);
  const showItemInFolder = vi.fn();
  let next = 0;
  const powerSaveBlocker = { start: vi.fn((_type: string) => ++next), stop: vi.fn((_id: number) => undefined) };
  const shown: { title: string; body: string }[] = [];
  const platform = createElectronPlatform({
    dialog: { showOpenDialog } as never,
    shell: { showItemInFolder },
    documentsDir: '/home/a/Documents',
    windowOf: (clientId) => (clientId === 'window:1' ? win : undefined),
    powerSaveBlocker: powerSaveBlocker as never,
    showNotification: (note) => (shown.push(note), true),
  });
  return { platform, showOpenDialog, showItemInFolder, win, setProgressBar, powerSaveBlocker, shown, state };
}

describe('Electron platform adapter', () => {
  it('shows long work on the taskbar button and keeps the machine awake while training, and only then', async () => {
    const { platform, setProgressBar, powerSaveBlocker } = setup({ canceled: true, filePaths: [] });
    expect(await platform.setActivity('window:1', { kind: 'training', progress: 0.25 })).toBe(true);
    expect(await platform.setActivity('window:1', { kind: 'training', progress: 0.5 })).toBe(true);
    // One blocker for the whole run, however often the progress moves.
    expect(powerSaveBlocker.start).toHaveBeenCalledTimes(1);
    expect(powerSaveBlocker.start).toHaveBeenCalledWith('prevent-app-suspension');
    await platform.setActivity('window:1', { kind: 'export', progress: null });
    expect(powerSaveBlocker.stop).toHaveBeenCalledWith(1);
    await platform.setActivity('window:1', { kind: null, progress: null });
    // 0.25, 0.5, a busy bar for unknown progress (above 1), then none (-1).
    expect(setProgressBar.mock.calls.map((c) => c[0])).toEqual([0.25, 0.5, 2, -1]);
    expect(powerSaveBlocker.start).toHaveBeenCalledTimes(1);
    // A window that is gone: nothing to show it on.
    expect(await platform.setActivity('window:9', { kind: 'compression', progress: 0.1 })).toBe(false);
  });

  it('notifies that a job ended only when its window is not focused', async () => {
    const { platform, shown, state } = setup({ canceled: true, filePaths: [] });
    expect(await platform.notify('window:1', { title: 'Training finished', body: 'Run 2: 98.9%' })).toBe(false);
    state.focused = false;
    expect(await platform.notify('window:1', { title: 'Training finished', body: 'Run 2: 98.9%' })).toBe(true);
    expect(shown).toEqual([{ title: 'Training finished', body: 'Run 2: 98.9%' }]);
  });

  it('shows an item in the OS file manager through shell.showItemInFolder', async () => {
    const { platform, showItemInFolder } = setup({ canceled: true, filePaths: [] });
    expect(await platform.showItemInFolder('/p/D/exports/ex-12345678')).toBe(true);
    expect(showItemInFolder).toHaveBeenCalledWith('/p/D/exports/ex-12345678');
  });

  it('declares native dialogs and menus and suggests Documents/Model Studio', () => {
    const { platform } = setup({ canceled: true, filePaths: [] });
    expect(platform).toMatchObject({ shell: 'electron', nativeDialogs: true, nativeMenu: true });
    expect(platform.defaultParentDir).toBe('/home/a/Documents/Model Studio');
  });

  it('opens a .mstudio file dialog attached to the asking window', async () => {
    const { platform, showOpenDialog, win } = setup({ canceled: false, filePaths: ['/p/D/D.mstudio'] });
    expect(await platform.chooseProjectFile('window:1')).toBe('/p/D/D.mstudio');
    const [parent, options] = showOpenDialog.mock.calls[0]!;
    expect(parent).toBe(win);
    expect(options).toMatchObject({
      filters: [{ name: 'Model Studio Project', extensions: ['mstudio'] }],
      properties: ['openFile'],
    });
  });

  it('chooses a folder (creating one allowed) and returns null when cancelled', async () => {
    const { platform, showOpenDialog } = setup({ canceled: true, filePaths: [] });
    expect(await platform.chooseFolder('window:1', '/home/a')).toBeNull();
    expect(showOpenDialog.mock.calls[0]![1]).toMatchObject({
      defaultPath: '/home/a',
      properties: ['openDirectory', 'createDirectory'],
    });
  });

  it('still shows a dialog when the window is gone', async () => {
    const { platform, showOpenDialog } = setup({ canceled: false, filePaths: ['/x'] });
    expect(await platform.chooseFolder('window:7')).toBe('/x');
    expect(showOpenDialog.mock.calls[0]).toHaveLength(1);
  });
});
