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
  /**
   * The long work running in a client's window, for the OS: progress on its taskbar button or
   * dock icon, and the machine kept awake while a run trains. False where the shell cannot.
   */
  setActivity(clientId: string, activity: ShellActivity): Promise<boolean>;
  /** A system notification (a long job ended) when the client's window is not focused; whether one was shown. */
  notify(clientId: string, note: { title: string; body: string }): Promise<boolean>;
}

/** What runs in a window: its kind (null: nothing) and how far it is (0..1; null: unknown). */
export interface ShellActivity {
  kind: 'training' | 'compression' | 'export' | null;
  progress: number | null;
}
