import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, openProjectPath } from './support/cli-project';
import { openStudio, type StudioSession } from './support/studio-page';

/**
 * Export in the real UI: a seed-cnn checkpoint of the MNIST sample (made by the CLI); Export…
 * on it in its run, uint8 verified on 200 test digits, the job's progress, the export listed as
 * verified by stock TF.js with its figures, an ONNX int8 export (calibrated first) verified and
 * timed by onnxruntime,
 * Show in folder (the web host shows the path), and Remove, which asks first and leaves no folder.
 */
describe('export in the real UI', () => {
  let s: StudioSession;
  beforeEach(async () => {
    s = await openStudio();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('exports a checkpoint to TF.js uint8 from its run and to ONNX, sees them verified, shows where one is, and removes them', { timeout: 180_000 }, async () => {
    const { page, workDir } = s;
    const project = cli(workDir, ['new', workDir, '--name', 'Ship']).trim();
    cli(workDir, ['dataset', 'add', project, '--sample', 'mnist']);
    const parent = JSON.parse(cli(workDir, ['train', project, '--dataset', 'MNIST', '--model', 'seed-cnn', '--limit', '1000', '--epochs', '1', '--json'])).checkpointIds[0] as string;

    await openProjectPath(page, project);
    await page.getByTestId('sidebar-exports').click();
    await expect.poll(() => page.getByTestId('empty-state').textContent()).toMatch(/No exports yet/);

    await page.getByTestId('sidebar-runs').click();
    await page.getByTestId('run-item').first().click();
    await page.locator(`[data-testid="checkpoint-item"][data-id="${parent}"] [data-testid="export-from-button"]`).click();
    await page.getByTestId('export-dialog').waitFor();
    expect(await page.getByTestId('export-checkpoint').inputValue()).toBe(parent);
    await page.getByTestId('export-precision').selectOption('uint8');
    await page.getByTestId('export-verify').fill('200');
    await page.getByTestId('export-start').click();

    const item = page.getByTestId('export-item');
    await item.waitFor({ timeout: 120_000 });
    expect(await item.getAttribute('data-status')).toBe('verified');
    const verification = (await page.getByTestId('export-verification').textContent()) ?? '';
    expect(verification).toMatch(/Verified\s+by TensorFlow\.js 4\.22\.0 \(cpu\), stock loadLayersModel on 200 test samples: top-1 agreement (9\d|100)\.\d\d%/);
    expect(await item.textContent()).toMatch(/TensorFlow\.js · uint8 · \d+(\.\d)? KB · from Run 1 · epoch 1/);
    expect(await page.getByTestId('sidebar-exports').textContent()).toMatch(/1/);

    // An ONNX int8 export from the section (calibrated first): onnxruntime verifies it and times it.
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-format').selectOption('onnx');
    expect(await page.getByTestId('export-precision').locator('option').allTextContents()).toEqual(['float32', 'float16', 'int8 (full integer)', 'int8 weights only']);
    await page.getByTestId('export-precision').selectOption('int8');
    await page.getByTestId('export-verify').fill('200');
    await page.getByTestId('export-start').click();
    await expect.poll(() => item.count(), { timeout: 60_000 }).toBe(2);
    const onnx = page.locator('[data-testid="export-item"]').first();
    expect(await onnx.getAttribute('data-status')).toBe('verified');
    expect(await onnx.textContent()).toMatch(/ONNX · int8 \(full integer\) .* by onnxruntime-node 1\.30\.0 \(CPU\) on 200 test samples: top-1 agreement (99|100)\.\d\d%/);
    expect(await onnx.getByTestId('export-speed').textContent()).toMatch(/onnxruntime: [\d.]+ ms per sample at batch 1, [\d,]+ samples\/s at batch 256/);
    await onnx.getByTestId('export-remove').click();
    await onnx.getByTestId('export-remove').click();
    await expect.poll(() => item.count()).toBe(1);

    await page.getByTestId('export-reveal').click();
    const path = (await page.getByTestId('export-path').textContent())!.trim();
    expect(existsSync(join(path, 'model.json'))).toBe(true);

    await page.getByTestId('export-remove').click();
    expect(await page.getByTestId('export-remove').textContent()).toMatch(/Click again/);
    await page.getByTestId('export-remove').click();
    await item.waitFor({ state: 'detached' });
    expect(existsSync(path)).toBe(false);
    expect(s.pageErrors).toEqual([]);
  });
});
