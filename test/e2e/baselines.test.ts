import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRng } from '../../src-shared/random';
import { cli, openProjectPath } from './support/cli-project';
import { openStudio, type StudioSession } from './support/studio-page';

/** Four classes of points in 5 features (three informative, two noise), as a CSV. */
function blobsCsv(perClass: number): string {
  const rng = createRng(11);
  const normal = () => Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
  const lines = ['x,y,z,noise1,noise2,kind'];
  [[0, 0, 0], [3, 0, 0], [0, 3, 0], [0, 0, 3]].forEach((c, k) => {
    for (let i = 0; i < perClass; i++) lines.push(`${c.map((v) => (v + normal()).toFixed(3)).join(',')},${normal().toFixed(3)},${normal().toFixed(3)},k${k}`);
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Baselines in the real UI: a tabular dataset with an MLP trained and evaluated by the CLI; the
 * dataset's Baselines panel runs five classical models as a job (progress, then the leaderboard
 * with the network beside them, sortable), a second run (a forest of 1,000 trees set in the
 * hyper-parameters) cancelled leaves nothing, and Remove
 * takes a stored run away with its folder.
 */
describe('baselines in the real UI', () => {
  let s: StudioSession;
  beforeEach(async () => {
    s = await openStudio();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('fits baselines beside an evaluated network, sorts the leaderboard, cancels a run and removes one', { timeout: 180_000 }, async () => {
    const { page, workDir } = s;
    const project = cli(workDir, ['new', workDir, '--name', 'Tab']).trim();
    writeFileSync(join(workDir, 'blobs.csv'), blobsCsv(400));
    cli(workDir, ['dataset', 'add', project, '--csv', join(workDir, 'blobs.csv'), '--label', 'kind', '--name', 'blobs']);
    const checkpoint = JSON.parse(cli(workDir, ['train', project, '--dataset', 'blobs', '--model', 'mlp', '--epochs', '5', '--json'])).checkpointIds.at(-1) as string;
    cli(workDir, ['eval', project, '--checkpoint', checkpoint]);

    await openProjectPath(page, project);
    await page.getByTestId('dataset-item').first().click();
    const panel = page.getByTestId('baselines-panel');
    const rows = panel.getByTestId('leaderboard-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-kind')).toBe('network');

    for (const m of ['svm', 'forest']) await panel.getByTestId(`baseline-model-${m}`).uncheck();
    await panel.getByTestId('baseline-search').check();
    await panel.getByTestId('baseline-run').click();
    await expect.poll(() => rows.count(), { timeout: 120_000 }).toBe(6);
    expect(await panel.getByTestId('job-progress').count()).toBe(0);
    const models = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-model')));
    expect(models.filter((m) => ['lr', 'svm-linear', 'tree', 'knn', 'nb'].includes(m!)).sort()).toEqual(['knn', 'lr', 'nb', 'svm-linear', 'tree']);
    const values = async (key: string) => rows.evaluateAll((rs, k) => rs.map((r) => Number(r.querySelector(`[data-testid="cell-${k}"]`)!.getAttribute('data-value'))), key);
    const accuracies = await values('accuracy');
    expect(accuracies).toEqual([...accuracies].sort((a, b) => b - a));
    expect(Math.max(...accuracies)).toBeGreaterThan(0.8);
    await panel.getByTestId('sort-sizeBytes').click();
    const sizes = await values('sizeBytes');
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(await panel.getByTestId('baseline-run-item').textContent()).toMatch(/Baselines · blobs\s*5 models · \d+ test samples · .* · grid search/);

    // A forest of 1,000 trees (set in the hyper-parameters: several seconds on 1,280 rows),
    // cancelled: the job ends and nothing is stored.
    for (const m of ['lr', 'svm-linear', 'tree', 'knn', 'nb']) await panel.getByTestId(`baseline-model-${m}`).uncheck();
    await panel.getByTestId('baseline-model-forest').check();
    await panel.getByTestId('baseline-search').uncheck();
    await panel.getByTestId('baseline-settings').locator('summary').click();
    await panel.getByTestId('baseline-setting-forest.trees').fill('1000');
    await panel.getByTestId('baseline-run').click();
    await panel.getByTestId('job-cancel').click();
    await expect.poll(() => panel.getByTestId('job-progress').count(), { timeout: 20_000 }).toBe(0);
    expect(await panel.getByTestId('baseline-run-item').count()).toBe(1);
    expect(readdirSync(join(workDir, 'Tab', 'baselines'))).toHaveLength(1);

    const remove = panel.getByTestId('baseline-remove');
    await remove.click();
    await expect.poll(() => remove.textContent()).toMatch(/Click again/);
    await remove.click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(readdirSync(join(workDir, 'Tab', 'baselines'))).toEqual([]);
    expect(s.pageErrors).toEqual([]);
  });
});
