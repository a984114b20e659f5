/**
 * The app's settings on disk: `<data folder>/settings.json`, read bounded and validated (a file
 * that does not fit gives the defaults, with the reason kept for the UI), written atomically.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { say } from '../../src-shared/messages/message';
import { StudioError } from '../../src-shared/errors';
import { parseJsonBounded } from '../../src-shared/json-depth';
import { DEFAULT_SETTINGS, Settings, type SettingsPatch } from '../../src-shared/settings/settings';
import { writeFileAtomic } from './atomic-write';

export const SETTINGS_FILE = 'settings.json';
const MAX_BYTES = 64 * 1024;

export class SettingsService {
  private current: Settings = DEFAULT_SETTINGS;
  /** Why the stored file was not used, or null. */
  private problem: string | null = null;

  constructor(private readonly dataDir: string) {}

  private get file(): string {
    return join(this.dataDir, SETTINGS_FILE);
  }

  async start(): Promise<void> {
    let text: string;
    try {
      const st = await stat(this.file);
      if (!st.isFile() || st.size > MAX_BYTES) throw new Error(st.isFile() ? 'it is larger than 64 KiB' : 'it is not a file');
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.problem = `${SETTINGS_FILE} could not be read (${(err as Error).message}); the defaults are used.`;
      return;
    }
    try {
      const parsed = Settings.safeParse(parseJsonBounded(text));
      if (parsed.success) this.current = parsed.data;
      else this.problem = `${SETTINGS_FILE} is not valid (${parsed.error.issues[0]?.path.join('.') || 'file'}: ${parsed.error.issues[0]?.message}); the defaults are used until the settings are saved.`;
    } catch (err) {
      this.problem = `${SETTINGS_FILE} is not JSON (${(err as Error).message}); the defaults are used until the settings are saved.`;
    }
  }

  get(): { settings: Settings; problem: string | null } {
    return { settings: this.current, problem: this.problem };
  }

  /** Applies a change (checked), saves it, and returns the settings now. */
  async update(patch: SettingsPatch): Promise<Settings> {
    if (patch.projectsDir) {
      if (!isAbsolute(patch.projectsDir)) throw StudioError.say('BAD_REQUEST', say('errors.projectsDirNotAbsolute', { path: patch.projectsDir }));
      const st = await stat(patch.projectsDir).catch(() => null);
      if (!st?.isDirectory()) throw StudioError.say('BAD_REQUEST', say('errors.projectsDirMissing', { path: patch.projectsDir }));
    }
    const next = Settings.parse({ ...this.current, ...patch });
    await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
    this.current = next;
    this.problem = null;
    return next;
  }
}
