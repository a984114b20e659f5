import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStudio, type StudioSession } from './support/studio-page';

/**
 * The training path in the real UI on WebGPU (SwiftShader in headless Chromium, ~10-20
 * samples/s): MNIST sample, seed-cnn, a quick run, pause, resume, stop, the stop checkpoint,
 * a quick evaluation with its confusion matrix.
 */
describe('training in the real UI', () => {
  let s: StudioSession;
  beforeEach(async () => {
    s = await openStudio();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('trains seed-cnn on MNIST on WebGPU, pauses, resumes, stops, and evaluates the checkpoint', { timeout: 300_000 }, async () => {
    const { page } = s;
    const started = Date.now();
    await page.getByTestId('new-project-button').click();
    await page.getByTestId('project-name-input').fill('Train');
    await page.getByTestId('parent-dir-input').fill(s.workDir);
    await page.getByTestId('create-button').click();
    await page.getByTestId('add-dataset-button').click();
    await page.getByTestId('add-sample-mnist').click();
    await page.getByTestId('dataset-item').waitFor({ timeout: 90_000 });

    // A seed-cnn for MNIST: the editor shows its layers and parameter total.
    await page.getByTestId('sidebar-models').click();
    await page.getByTestId('new-model-button').click();
    await page.getByTestId('template-seed-cnn').click();
    await page.getByTestId('model-editor').waitFor();
    expect(await page.getByTestId('layer-row').count()).toBe(8);
    expect(await page.getByTestId('model-summary-total').getAttribute('data-params')).toBe('93322');
    await page.getByTestId('model-back').click();
    expect(await page.getByTestId('models-list').getByTestId('model-item').count()).toBe(1);

    // A quick run on WebGPU: 512 samples in batches of 32, one epoch.
    await page.getByTestId('sidebar-runs').click();
    await page.getByTestId('new-run-button').click();
    expect(await page.getByTestId('run-epochs').inputValue()).toBe('10');
    await page.getByTestId('run-epochs').fill('1');
    await page.getByTestId('run-batch-size').fill('32');
    await page.getByTestId('run-limit').fill('512');
    await page.getByTestId('run-backend').selectOption('webgpu');
    await page.getByTestId('start-run-button').click();
    const view = page.getByTestId('run-view');
    await view.waitFor({ timeout: 60_000 });
    const backend = await page.getByTestId('run-backend-used').textContent();
    const fellBack = await page.getByTestId('backend-fallback').count();
    // WebGPU, or (no adapter) another backend with the fallback said out loud.
    expect(backend === 'WebGPU' || fellBack === 1).toBe(true);

    const lossPoints = async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points'));
    await expect.poll(lossPoints, { timeout: 120_000, interval: 500 }).toBeGreaterThan(0);
    expect(await page.getByTestId('accuracy-chart').getAttribute('data-points')).not.toBe('0');
    // The run is a job in main: the status bar counts it.
    await expect.poll(() => page.getByTestId('status-jobs').textContent()).toBe('1 running job');

    await page.getByTestId('pause-button').click();
    await expect.poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('paused');
    const pausedAt = await lossPoints();
    await page.waitForTimeout(1500);
    expect(await lossPoints()).toBe(pausedAt);
    await page.getByTestId('resume-button').click();
    await expect.poll(() => page.getByTestId('run-status').getAttribute('data-status')).toBe('running');
    await expect.poll(lossPoints, { timeout: 60_000, interval: 500 }).toBeGreaterThan(pausedAt);

    await page.getByTestId('stop-button').click();
    await expect.poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('stopped');
    const checkpoint = page.getByTestId('checkpoint-item').first();
    await checkpoint.waitFor({ timeout: 60_000 });
    expect(await checkpoint.getAttribute('data-kind')).toBe('stop');
    expect(await page.getByTestId('stop-button').count()).toBe(0);
    await expect.poll(() => page.getByTestId('status-jobs').textContent()).toBe('No running jobs');

    // A quick evaluation on the test split shows a 10x10 confusion matrix of 1,000 samples.
    await checkpoint.getByTestId('evaluate-button').click();
    await page.getByTestId('eval-view').waitFor();
    await page.getByTestId('eval-quick-button').click();
    const matrix = page.getByTestId('confusion-matrix');
    await matrix.waitFor({ timeout: 150_000 });
    const cells = await matrix.getByTestId('confusion-cell').allTextContents();
    expect(cells).toHaveLength(100);
    expect(cells.reduce((a, c) => a + Number(c), 0)).toBe(1000);
    expect(await page.getByTestId('per-class-table').getByTestId('per-class-row').count()).toBe(10);
    expect(s.pageErrors).toEqual([]);
    console.info(`training e2e: ${((Date.now() - started) / 1000).toFixed(0)} s, backend ${backend}`);
  });
});
