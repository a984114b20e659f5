import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStudio, type StudioSession } from './support/studio-page';

describe('project lifecycle in the real UI', () => {
  let s: StudioSession;
  beforeEach(async () => {
    s = await openStudio();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('creates a project, closes it, and reopens it from the recent list', async () => {
    const { page } = s;
    await page.getByTestId('start-screen').waitFor();
    await page.getByTestId('new-project-button').click();
    await page.getByTestId('project-name-input').fill('Digits Lab');
    await page.getByTestId('parent-dir-input').fill(s.workDir);
    await page.getByTestId('create-button').click();

    await expect.poll(() => page.getByTestId('project-title').textContent()).toContain('Digits Lab');
    const manifest = JSON.parse(await readFile(join(s.workDir, 'Digits Lab', 'Digits Lab.mstudio'), 'utf8'));
    expect(manifest.name).toBe('Digits Lab');

    await page.getByTestId('close-project-button').click();
    await page.getByTestId('start-screen').waitFor();
    const item = page.getByTestId('recent-item').filter({ hasText: 'Digits Lab' });
    await expect.poll(() => item.count()).toBe(1);
    await item.click();
    await expect.poll(() => page.getByTestId('project-title').textContent()).toContain('Digits Lab');
  });

  it('shows what is wrong with a corrupt project file and leaves it unchanged', async () => {
    const { page } = s;
    const dir = join(s.workDir, 'Broken');
    await mkdir(dir);
    const file = join(dir, 'Broken.mstudio');
    const original = Buffer.from('{"format": "model-studio/project", "formatVersion": 1, "name": ', 'utf8');
    await writeFile(file, original);

    await page.getByTestId('start-screen').waitFor();
    await page.getByTestId('open-project-button').click();
    await page.getByTestId('open-path-input').fill(file);
    await page.getByTestId('open-path-submit').click();

    const message = page.getByTestId('error-message');
    await message.waitFor();
    expect(await message.textContent()).toMatch(/not valid JSON/);
    expect(await page.getByTestId('project-view').count()).toBe(0);
    // The error does not cover the start screen's title (it sat on it at the top once).
    const panel = (await page.getByTestId('error-panel').boundingBox())!;
    const title = (await page.getByTestId('start-screen').locator('h1').boundingBox())!;
    const overlaps = panel.x < title.x + title.width && title.x < panel.x + panel.width && panel.y < title.y + title.height && title.y < panel.y + panel.height;
    expect(overlaps).toBe(false);
    expect((await readFile(file)).equals(original)).toBe(true);
  });

  it('names the TensorFlow.js backend in the status bar', async () => {
    const { page } = s;
    await page.getByTestId('new-project-button').click();
    await page.getByTestId('project-name-input').fill('Backend Check');
    await page.getByTestId('parent-dir-input').fill(s.workDir);
    await page.getByTestId('create-button').click();
    await page.getByTestId('project-view').waitFor();
    const status = page.getByTestId('status-backend');
    await expect
      .poll(() => status.textContent(), { timeout: 60_000, interval: 500 })
      .toMatch(/WebGPU|WebGL|WASM|CPU/);
    expect(s.pageErrors.filter((e) => /Content Security Policy|Refused to/.test(e))).toEqual([]);
  });
});
