import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMnistArrays } from '../../src-main/training/array-provider';
import { cli, openProjectPath } from './support/cli-project';
import { openStudio, type StudioSession } from './support/studio-page';

/**
 * Try it in the real UI: a seed-cnn checkpoint of the MNIST sample and its ONNX export (made by
 * the CLI). On the checkpoint, a test digit chosen as a PNG file gives predictions and a
 * Grad-CAM map, and drawing on the pad updates them; on the export, the same PNG gives the same
 * top class and probability from onnxruntime in main. A text transformer on the names sample
 * predicts as you type and shows the attention each letter receives.
 */
describe('Try it in the real UI', () => {
  let s: StudioSession;
  beforeEach(async () => {
    s = await openStudio();
  });
  afterEach(async () => {
    await s?.close();
  });

  /** The predictions shown, as "label probability%". */
  const predictions = async () => {
    const bars = s.page.getByTestId('try-prediction');
    const labels = await bars.locator('.label').allTextContents();
    const values = await bars.locator('.value').allTextContents();
    return labels.map((l, i) => `${l.trim()} ${values[i]!.trim()}`);
  };

  it('predicts a chosen digit and a drawn one with a checkpoint, and the same digit with its ONNX export', { timeout: 180_000 }, async () => {
    const { page, workDir } = s;
    const project = cli(workDir, ['new', workDir, '--name', 'Try']).trim();
    cli(workDir, ['dataset', 'add', project, '--sample', 'mnist']);
    const checkpoint = JSON.parse(cli(workDir, ['train', project, '--dataset', 'MNIST', '--model', 'seed-cnn', '--limit', '1000', '--epochs', '1', '--json'])).checkpointIds[0] as string;
    cli(workDir, ['export', project, '--checkpoint', checkpoint, '--format', 'onnx', '--verify', '50']);
    const { x } = loadMnistArrays('test', 1, 3);
    const png = join(workDir, 'digit.png');
    writeFileSync(png, await sharp(Buffer.from(x), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer());
    await openProjectPath(page, project);

    await page.getByTestId('sidebar-runs').click();
    await page.getByTestId('run-item').first().click();
    await page.locator(`[data-testid="checkpoint-item"][data-id="${checkpoint}"] [data-testid="try-button"]`).click();
    const dialog = page.getByTestId('try-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/Give the model an input/);
    await page.getByTestId('try-file').setInputFiles(png);
    await expect.poll(async () => (await predictions()).length, { timeout: 60_000 }).toBe(5);
    const fromCheckpoint = await predictions();
    expect(fromCheckpoint[0]).toMatch(/^\S+ [\d.]+%$/);
    await page.getByTestId('try-gradcam').waitFor();
    expect(await dialog.textContent()).toMatch(/What the model sees \(28×28\)/);

    // Drawing replaces the input: the predictions follow the pen.
    const pad = await page.getByTestId('try-draw').boundingBox();
    await page.mouse.move(pad!.x + 98, pad!.y + 30);
    await page.mouse.down();
    await page.mouse.move(pad!.x + 98, pad!.y + 170, { steps: 12 });
    await page.mouse.up();
    await expect.poll(async () => (await predictions()).join('|'), { timeout: 30_000 }).not.toBe(fromCheckpoint.join('|'));
    await page.getByTestId('try-close').click();

    // The export, run by onnxruntime in main: the same digit, the same answer.
    await page.getByTestId('sidebar-exports').click();
    await page.getByTestId('export-try').click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/Runs the export itself, in onnxruntime-node/);
    await page.getByTestId('try-file').setInputFiles(png);
    await expect.poll(async () => (await predictions()).length, { timeout: 30_000 }).toBe(5);
    const fromExport = await predictions();
    const top = (p: string[]) => p[0]!.split(' ');
    expect(top(fromExport)[0]).toBe(top(fromCheckpoint)[0]);
    expect(Math.abs(parseFloat(top(fromExport)[1]!) - parseFloat(top(fromCheckpoint)[1]!))).toBeLessThanOrEqual(0.01);
    // Not an image: said so, and the dialog stays usable.
    writeFileSync(join(workDir, 'notes.png'), 'not a picture');
    await page.getByTestId('try-file').setInputFiles(join(workDir, 'notes.png'));
    await expect.poll(() => page.getByTestId('try-error').textContent(), { timeout: 10_000 }).toMatch(/not an image the studio reads|cannot be used/);
    expect(s.pageErrors).toEqual([]);
  });

  it('predicts a typed name with a text transformer and shows the attention each letter receives', { timeout: 120_000 }, async () => {
    const { page, workDir } = s;
    const project = cli(workDir, ['new', workDir, '--name', 'Names']).trim();
    const ds = cli(workDir, ['dataset', 'add', project, '--sample', 'names']).trim();
    const checkpoint = JSON.parse(cli(workDir, ['train', project, '--dataset', ds, '--model', 'text-transformer', '--limit', '600', '--epochs', '1', '--json'])).checkpointIds[0] as string;
    await openProjectPath(page, project);
    await page.getByTestId('sidebar-runs').click();
    await page.getByTestId('run-item').first().click();
    await page.locator(`[data-testid="checkpoint-item"][data-id="${checkpoint}"] [data-testid="try-button"]`).click();
    await page.getByTestId('try-text').fill('Margaret');
    await expect.poll(async () => (await predictions()).map((p) => p.split(' ')[0]).sort().join(','), { timeout: 60_000 }).toBe('female,male');
    const letters = await page.locator('[data-testid="try-attention"] .token').allTextContents();
    expect(letters).toEqual(['m', 'a', 'r', 'g', 'a', 'r', 'e', 't']);
    expect(s.pageErrors).toEqual([]);
  });
});
