/** The settings file: defaults without one, a damaged one replaced by the defaults with the reason, changes checked and saved atomically. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsService } from '../../../src-main/services/settings-service';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
const temp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'ms-settings-'));
  dirs.push(d);
  return d;
};

describe('the settings service', () => {
  it('starts from the defaults, and saves and reads back a change', async () => {
    const dir = await temp();
    const s = new SettingsService(dir);
    await s.start();
    expect(s.get()).toEqual({ settings: { formatVersion: 1, language: 'system', theme: 'system', defaultBackend: 'auto', projectsDir: null }, problem: null });
    await s.update({ language: 'zh-CN', theme: 'dark', defaultBackend: 'wasm', projectsDir: dir });
    const again = new SettingsService(dir);
    await again.start();
    expect(again.get().settings).toMatchObject({ language: 'zh-CN', theme: 'dark', defaultBackend: 'wasm', projectsDir: dir });
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')).language).toBe('zh-CN');
  });

  it('uses the defaults for a file that does not fit, and says why', async () => {
    const dir = await temp();
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ formatVersion: 1, language: 'klingon' }));
    const s = new SettingsService(dir);
    await s.start();
    expect(s.get().settings.language).toBe('system');
    expect(s.get().problem).toMatch(/settings\.json is not valid \(language: .*\); the defaults are used/);
    await writeFile(join(dir, 'settings.json'), '['.repeat(10_000));
    const deep = new SettingsService(dir);
    await deep.start();
    expect(deep.get().problem).toMatch(/not JSON/);
  });

  it('refuses a projects folder that is not a full path or does not exist, and keeps the settings', async () => {
    const dir = await temp();
    const s = new SettingsService(dir);
    await s.start();
    await expect(s.update({ projectsDir: 'relative/folder' })).rejects.toThrow(/must be a full path/);
    await expect(s.update({ projectsDir: join(dir, 'missing') })).rejects.toThrow(/does not exist or is not a folder/);
    expect(s.get().settings.projectsDir).toBeNull();
  });
});
