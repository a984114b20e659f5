/**
 * What differs between the Electron shell and the local web host, as seen by the services:
 * native dialogs and menus. Everything else is the same code in both.
 */
export interface PlatformAdapter {
  shell: 'electron' | 'web';
  /** Native Open/Choose-folder dialogs exist. */
  nativeDialogs: boolean;
  /** A native menu with accelerators exists (the UI then does not bind its own shortcuts). */
  nativeMenu: boolean;
  /** Folder the New Project form suggests. */
  defaultParentDir: string;
  /** Shows an Open dialog for a `.mstudio` file in the client's window; null when cancelled. */
  chooseProjectFile(clientId: string): Promise<string | null>;
  /** Shows an Open dialog for any file (with optional filters); null when cancelled. */
  chooseFile(
    clientId: string,
    opts: { defaultPath?: string; filters?: { name: string; extensions: string[] }[] },
  ): Promise<string | null>;
  /** Shows a Choose-folder dialog in the client's window; null when cancelled. */
  chooseFolder(clientId: string, defaultPath?: string): Promise<string | null>;
  /** Shows a file or folder in the OS file manager; false where the shell cannot (the web host). */
  showItemInFolder(path: string): Promise<boolean>;
}
