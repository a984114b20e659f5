import type { BrowserWindow } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createElectronPlatform } from '../../../src-main/electron/platform-adapter';

function setup(result: { canceled: boolean; filePaths: string[] }) {
  const win = { id: 'the window' } as unknown as BrowserWindow;
  const showOpenDialog = vi.fn(async (..._args: unknown[]) => result);
  const showItemInFolder = vi.fn();
  const platform = createElectronPlatform({
    dialog: { showOpenDialog } as never,
    shell: { showItemInFolder },
    documentsDir: '/home/a/Documents',
    windowOf: (clientId) => (clientId === 'window:1' ? win : undefined),
  });
  return { platform, showOpenDialog, showItemInFolder, win };
}

describe('Electron platform adapter', () => {
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
