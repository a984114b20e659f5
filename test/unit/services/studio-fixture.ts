/** A started studio on temp folders, with a recorder of the events it emits. */
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { StudioError } from '../../../src-shared/errors';
import type { EventName } from '../../../src-shared/ipc/contract';
import { createStudio, type Studio } from '../../../src-main/container';
import type { PlatformAdapter } from '../../../src-main/platform';

/** Headless adapter like the web host's: no dialogs, no menu. */
export function headlessPlatform(defaultParentDir = '/tmp'): PlatformAdapter {
  const unsupported = async (): Promise<never> => {
    throw new StudioError('UNSUPPORTED', 'No native dialogs here; type a path instead.');
  };
  return { shell: 'web', nativeDialogs: false, nativeMenu: false, defaultParentDir, chooseProjectFile: unsupported, chooseFile: unsupported, chooseFolder: unsupported, showItemInFolder: async () => false, setActivity: async () => false, notify: async () => false };
}

export interface RecordedEvent {
  event: EventName;
  payload: unknown;
  clientId: string | undefined;
}

/** Registers stop-on-teardown and returns a function that starts a studio with its data in `root`. */
export function useStudios(): (root: string, platform?: PlatformAdapter) => Promise<{ studio: Studio; seen: RecordedEvent[] }> {
  const running: Studio[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  return async (root, platform = headlessPlatform(root)) => {
    const studio = createStudio({ dataDir: join(root, 'data'), appVersion: '9.8.7', platform });
    const seen: RecordedEvent[] = [];
    studio.events.connect((event, payload, target) => seen.push({ event, payload, clientId: target.clientId }));
    await studio.start();
    running.push(studio);
    return { studio, seen };
  };
}
