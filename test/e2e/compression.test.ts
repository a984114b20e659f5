import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, openProjectPath } from './support/cli-project';
import { openStudio, type StudioSession } from './support/studio-page';

/**
 * Compression in the real UI (WASM in headless Chromium, chosen in the form): a project with a seed-cnn checkpoint
 * of the MNIST sample, made by the CLI; in the app, Compress… on that checkpoint in its run,
 * the recipe form, int8 quantization in the ML worker with its progress, the report that opens
 * when it is done, and the new version with its lineage and the size-against-accuracy chart in
 * the Compression section. Then a structured pruning started and cancelled leaves nothing.
 */
describe('compression in the real UI', () => {
  let s: StudioSession;
  beforeEach(async () => {
    s = await openStudio();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('quantizes a checkpoint to int8 in the app and shows its report, its lineage and the trade-off chart', { timeout: 300_000 }, async () => {
    const { page, workDir } = s;
    const project = cli(workDir, ['new', workDir, '--name', 'Squeeze']).trim();
    cli(workDir, ['dataset', 'add', project, '--sample', 'mnist']);
    const trained = JSON.parse(cli(workDir, ['train', project, '--dataset', 'MNIST', '--model', 'seed-cnn', '--limit', '1000', '--epochs', '1', '--json']));
    const parent = trained.checkpointIds[0] as string;

    await openProjectPath(page, project);

    // Before anything is compressed the section says how to start.
    await page.getByTestId('sidebar-compression').click();
    await expect.poll(() => page.getByTestId('empty-state').textContent()).toMatch(/No compressed versions yet/);

    // Compress… on the checkpoint in its run opens the form for it.
    await page.getByTestId('sidebar-runs').click();
    await page.getByTestId('run-item').first().click();
    await page.locator(`[data-testid="checkpoint-item"][data-id="${parent}"] [data-testid="compress-from-button"]`).click();
    const dialog = page.getByTestId('compress-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('compress-checkpoint').inputValue()).toBe(parent);
    expect(await page.getByTestId('compress-scheme').inputValue()).toBe('int8');
    // On WASM (SwiftShader's WebGPU measures ~50 digits/s), on the quick 1,000 test digits.
    await page.getByTestId('compress-backend').selectOption('wasm');
    await page.getByTestId('compress-measure').selectOption({ index: 1 });
    await page.getByTestId('compress-start').click();

    // It runs in the worker, then the report opens with figures measured on those digits.
    const report = page.getByTestId('compression-report-dialog');
    await report.waitFor({ timeout: 180_000 });
    // The dialog opens first and loads the stored report (under load that is seen as "Loading the report…").
    await expect.poll(async () => (await report.textContent()) ?? '', { timeout: 30_000 }).toMatch(/measured on 1,?000 test samples/);
    const text = (await report.textContent()) ?? '';
    expect(text).toMatch(/int8/);
    const smaller = Number(/([\d.]+)× smaller/.exec(text)?.[1]);
    expect(smaller).toBeGreaterThan(3.9);
    await page.getByTestId('compression-report-close').click();

    const version = page.getByTestId('compression-version');
    expect(await version.count()).toBe(1);
    expect(await page.getByTestId('compression-lineage').textContent()).toMatch(/by quantization/);
    expect(await page.getByTestId('chart-point').count()).toBe(2);
    expect(await page.getByTestId('sidebar-compression').textContent()).toMatch(/1/);
    // The Report button opens the same report again.
    await page.getByTestId('compression-report-button').click();
    await report.waitFor();
    await page.keyboard.press('Escape');

    // Structured pruning, cancelled while it fine-tunes: nothing is stored.
    await page.getByTestId('compress-button').click();
    await dialog.waitFor();
    await page.getByTestId('compress-checkpoint').selectOption(parent);
    await page.getByTestId('compress-method-prune').click();
    await page.getByTestId('compress-structured').check();
    await page.getByTestId('compress-backend').selectOption('wasm');
    expect(await page.getByTestId('compress-sparsity').inputValue()).toBe('50');
    expect(await page.getByTestId('compress-structured-preview').textContent()).toMatch(/conv2d_1: 32 → 16 filters/);
    await page.getByTestId('compress-start').click();
    await expect.poll(() => page.getByTestId('compression-phase').textContent(), { timeout: 120_000 }).toMatch(/Fine-tuning: \d/);
    // The fine-tuning draws its live loss as a run does.
    await expect.poll(async () => Number(await page.getByTestId('compression-loss-chart').getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(0);
    await page.getByTestId('compression-cancel').click();
    await page.getByTestId('compression-job').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await version.count()).toBe(1);
    expect(s.pageErrors).toEqual([]);
  });
});
