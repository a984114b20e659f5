/**
 * The app's settings (`settings.json` in the app's data folder): the UI language, the colour
 * theme, the backend new runs start on, and the folder new projects go in. Read with this
 * schema like every file the app reads; a file that does not fit is replaced by the defaults
 * (and the person told), never half used.
 */
import { z } from 'zod';

export const SETTINGS_FORMAT_VERSION = 1;

export const Language = z.enum(['system', 'en', 'zh-CN']);
export type Language = z.infer<typeof Language>;

export const Settings = z.strictObject({
  formatVersion: z.literal(SETTINGS_FORMAT_VERSION).default(SETTINGS_FORMAT_VERSION),
  /** `system`: the OS's language when the studio speaks it, else English. */
  language: Language.default('system'),
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** The backend a new run, evaluation or compression starts with (`auto`: the studio's order). */
  defaultBackend: z.enum(['auto', 'webgpu', 'webgl', 'wasm', 'cpu']).default('auto'),
  /** Where new projects go; null: the shell's default (Documents/Model Studio). */
  projectsDir: z.string().min(1).max(4096).nullable().default(null),
});
export type Settings = z.output<typeof Settings>;

/** What a change may set. */
export const SettingsPatch = Settings.omit({ formatVersion: true }).partial();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const DEFAULT_SETTINGS: Settings = Settings.parse({});
