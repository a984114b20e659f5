import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStudio, type StudioSession } from './support/studio-page';

/**
 * Training on WebAssembly in the real UI, where the engine's WASM kernels (matmul, sum) replace
 * tfjs's: a text-transformer on the spam sample (sequence length 256) at batch 64, which does not
 * fit the WASM memory budget whole, so each batch trains as two slices and the run view says so.
 */
describe('WASM training in the real UI', () => {
  let s: StudioSession;
  beforeEach(async () => {
    s = await openStudio();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('trains a text-transformer on spam e-mails on WASM in sliced batches, to a finite loss', { timeout: 300_000 }, async () => {
    const { page } = s;
    await page.getByTestId('new-project-button').click();
    await page.getByTestId('project-name-input').fill('Mail');
    await page.getByTestId('parent-dir-input').fill(s.workDir);
    await page.getByTestId('create-button').click();
    await page.getByTestId('add-dataset-button').click();
    await page.getByTestId('add-sample-spam').click();
    await page.getByTestId('dataset-item').waitFor({ timeout: 90_000 });
    await expect.poll(() => page.getByTestId('job-progress').count(), { timeout: 60_000 }).toBe(0);

    await page.getByTestId('sidebar-models').click();
    await page.getByTestId('new-model-button').click();
    await page.getByTestId('template-text-transformer').click();
    await page.getByTestId('model-editor').waitFor();
    await page.getByTestId('model-back').click();

    await page.getByTestId('sidebar-runs').click();
    await page.getByTestId('new-run-button').click();
    await page.getByTestId('run-epochs').fill('1');
    await page.getByTestId('run-batch-size').fill('64');
    await page.getByTestId('run-limit').fill('128');
    await page.getByTestId('run-backend').selectOption('wasm');
    await page.getByTestId('start-run-button').click();
    await page.getByTestId('run-view').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('run-backend-used').textContent()).toBe('WASM');
    expect(await page.getByTestId('backend-fallback').count()).toBe(0);
    await expect
      .poll(() => page.getByTestId('micro-batches').textContent(), { timeout: 60_000 })
      .toContain('A batch of 64 does not fit in this backend\'s memory: each one trains as 2 slices of up to 32 samples');

    const status = () => page.getByTestId('run-status').getAttribute('data-status');
    await expect.poll(status, { timeout: 240_000, interval: 500 }).not.toBe('running');
    expect(await page.getByTestId('run-error').allTextContents()).toEqual([]);
    expect(await status()).toBe('completed');
    expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    const checkpoint = page.getByTestId('checkpoint-item').last();
    await checkpoint.waitFor({ timeout: 60_000 });
    const loss = Number.parseFloat((await checkpoint.getAttribute('data-loss')) ?? 'NaN');
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(0);
    expect(s.pageErrors).toEqual([]);
  });
});
