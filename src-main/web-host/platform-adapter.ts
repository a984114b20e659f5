import { homedir } from 'node:os';
import { join } from 'node:path';
import { StudioError } from '../../src-shared/errors';
import type { PlatformAdapter } from '../platform';

/** Options for the browser-served (and headless) platform. */
export interface WebPlatformOptions {
  /** Folder the New Project form suggests; `~/Model Studio` when absent. */
  defaultParentDir?: string;
}

/**
 * The platform seen by services when the UI runs in a plain browser (or no UI runs at all, as in
 * the CLI): there are no native dialogs or menus, so the UI asks for typed paths instead.
 */
export function createWebPlatform(opts: WebPlatformOptions = {}): PlatformAdapter {
  const unsupported = (what: string): never => {
    // The UI checks capabilities.nativeDialogs first; this only fires for a misbehaving client.
    throw new StudioError('UNSUPPORTED', `${what} is not available in the web host; type the path instead.`);
  };
  return {
    shell: 'web',
    nativeDialogs: false,
    nativeMenu: false,
    defaultParentDir: opts.defaultParentDir ?? join(homedir(), 'Model Studio'),
    chooseProjectFile: async () => unsupported('The Open Project dialog'),
    chooseFile: async () => unsupported('The Choose File dialog'),
    chooseFolder: async () => unsupported('The Choose Folder dialog'),
    // A browser tab cannot open the file manager (and the host may be another machine's): the UI shows the path.
    showItemInFolder: async () => false,
    // A browser tab has no taskbar progress or power blocker of ours; the page shows its own progress.
    setActivity: async () => false,
    notify: async () => false,
  };
}
