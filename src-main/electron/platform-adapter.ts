/**
 * The Electron PlatformAdapter: native Open and Choose-folder dialogs, attached to the window
 * of the client that asked, Show in folder, and the Documents folder as the default parent for
 * new projects.
 */
import { join } from 'node:path';
import type { BrowserWindow, Dialog, OpenDialogOptions, OpenDialogReturnValue, Shell } from 'electron';
import type { PlatformAdapter } from '../platform';

export const PROJECT_FILE_FILTERS = [{ name: 'Model Studio Project', extensions: ['mstudio'] }];

export interface ElectronPlatformDeps {
  dialog: Pick<Dialog, 'showOpenDialog'>;
  shell: Pick<Shell, 'showItemInFolder'>;
  /** app.getPath('documents'). */
  documentsDir: string;
  /** The window a clientId names, if open. */
  windowOf(clientId: string): BrowserWindow | undefined;
}

/** Builds the PlatformAdapter the services use inside the Electron app. */
export function createElectronPlatform({ dialog, shell, documentsDir, windowOf }: ElectronPlatformDeps): PlatformAdapter {
  async function show(clientId: string, options: OpenDialogOptions): Promise<string | null> {
    const win = windowOf(clientId);
    const result: OpenDialogReturnValue = win
      ? await dialog.showOpenDialog(win, options)
      : await dialog.showOpenDialog(options);
    if (result.canceled) return null;
    return result.filePaths[0] ?? null;
  }
  return {
    shell: 'electron',
    nativeDialogs: true,
    nativeMenu: true,
    defaultParentDir: join(documentsDir, 'Model Studio'),
    chooseProjectFile(clientId) {
      return show(clientId, {
        title: 'Open Project',
        buttonLabel: 'Open',
        filters: PROJECT_FILE_FILTERS,
        properties: ['openFile'],
      });
    },
    chooseFile(clientId, { defaultPath, filters }) {
      return show(clientId, {
        title: 'Choose File',
        buttonLabel: 'Choose',
        ...(defaultPath ? { defaultPath } : {}),
        filters: [...(filters ?? []), { name: 'All Files', extensions: ['*'] }],
        properties: ['openFile'],
      });
    },
    chooseFolder(clientId, defaultPath) {
      return show(clientId, {
        title: 'Choose Folder',
        buttonLabel: 'Choose',
        ...(defaultPath ? { defaultPath } : {}),
        properties: ['openDirectory', 'createDirectory'],
      });
    },
    async showItemInFolder(path) {
      shell.showItemInFolder(path);
      return true;
    },
  };
}
