/**
 * The Electron PlatformAdapter: native Open and Choose-folder dialogs, attached to the window
 * of the client that asked, Show in folder, the Documents folder as the default parent for new
 * projects, and the OS side of long work: taskbar/dock progress, a power-save blocker while a run
 * trains, and a system notification when a job ends while its window is not focused.
 */
import { join } from 'node:path';
import type { BrowserWindow, Dialog, OpenDialogOptions, OpenDialogReturnValue, PowerSaveBlocker, Shell } from 'electron';
import type { PlatformAdapter, ShellActivity } from '../platform';

export const PROJECT_FILE_FILTERS = [{ name: 'Model Studio Project', extensions: ['mstudio'] }];

export interface ElectronPlatformDeps {
  dialog: Pick<Dialog, 'showOpenDialog'>;
  shell: Pick<Shell, 'showItemInFolder'>;
  /** app.getPath('documents'). */
  documentsDir: string;
  /** The window a clientId names, if open. */
  windowOf(clientId: string): BrowserWindow | undefined;
  powerSaveBlocker: Pick<PowerSaveBlocker, 'start' | 'stop'>;
  /** Shows a system notification (Electron's Notification), or false where the OS has none. */
  showNotification(note: { title: string; body: string }): boolean;
}

/** Builds the PlatformAdapter the services use inside the Electron app. */
export function createElectronPlatform({ dialog, shell, documentsDir, windowOf, powerSaveBlocker, showNotification }: ElectronPlatformDeps): PlatformAdapter {
  /** The power-save blocker each training window holds. */
  const blockers = new Map<string, number>();
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
    async setActivity(clientId, activity: ShellActivity) {
      const win = windowOf(clientId);
      // A fraction, a busy bar when it is not known (above 1 is indeterminate), or none (-1).
      win?.setProgressBar(activity.kind === null ? -1 : activity.progress === null ? 2 : Math.min(1, Math.max(0, activity.progress)));
      const held = blockers.get(clientId);
      if (activity.kind === 'training' && held === undefined) blockers.set(clientId, powerSaveBlocker.start('prevent-app-suspension'));
      if (activity.kind !== 'training' && held !== undefined) {
        powerSaveBlocker.stop(held);
        blockers.delete(clientId);
      }
      return win !== undefined;
    },
    async notify(clientId, note) {
      const win = windowOf(clientId);
      if (win?.isFocused()) return false;
      return showNotification(note);
    },
  };
}
