import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStudio, type StudioSession } from './support/studio-page';

/** The bit of a canvas the test reads (the node tsconfig has no DOM canvas types). */
interface Canvas2d {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

/** What one drawn attention head looks like: its size and which key columns got any attention. */
interface HeadPixels {
  width: number;
  height: number;
  /** Key positions (columns) with at least one cell above zero, in order. */
  attended: number[];
}

/** The text-transformer template: two encoder blocks of four heads; the names sample: 16 characters. */
const LAYERS = 2;
const HEADS = 4;
const SEQ_LENGTH = 16;
/** The explained name is the first test name at least this long, so its map is not mostly padding. */
const MIN_NAME_LENGTH = 6;

/**
 * The attention model path in the real UI on WebGPU (SwiftShader in headless Chromium): the
 * names sample (characters, 16 per name), a text-transformer, a short run, an evaluation, and
 * the per-head attention maps of one test name.
 */
describe('attention models in the real UI', () => {
  let s: StudioSession;
  beforeEach(async () => {
    s = await openStudio();
  });
  afterEach(async () => {
    await s?.close();
  });

  /** Reads every attention head canvas: a cell with zero attention is the scale's darkest colour. */
  const readHeads = () =>
    s.page.getByTestId('attention-head').locator('canvas[data-drawn="true"]').evaluateAll((canvases) =>
      (canvases as unknown as Canvas2d[]).map((c) => {
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const attended: number[] = [];
        for (let x = 0; x < c.width; x++) {
          for (let y = 0; y < c.height; y++) {
            const j = (y * c.width + x) * 4;
            // heatColor(0) is rgb(68, 1, 84).
            if (data[j] !== 68 || data[j + 1] !== 1 || data[j + 2] !== 84) {
              attended.push(x);
              break;
            }
          }
        }
        return { width: c.width, height: c.height, attended };
      }),
    ) as Promise<HeadPixels[]>;

  it('trains a text-transformer on names on WebGPU, evaluates it and draws each head\'s attention for one name', { timeout: 300_000 }, async () => {
    const { page } = s;
    const started = Date.now();
    await page.getByTestId('new-project-button').click();
    await page.getByTestId('project-name-input').fill('Attention');
    await page.getByTestId('parent-dir-input').fill(s.workDir);
    await page.getByTestId('create-button').click();
    await page.getByTestId('add-dataset-button').click();
    await page.getByTestId('add-sample-names').click();
    const item = page.getByTestId('dataset-item');
    await item.waitFor({ timeout: 90_000 });
    await expect.poll(() => page.getByTestId('job-progress').count(), { timeout: 60_000 }).toBe(0);

    // The name the attention view will explain, as the dataset browser shows the test split.
    await item.click();
    await page.getByTestId('dataset-view').waitFor();
    const testCount = (await page.getByTestId('split-count').allTextContents())[2]!;
    await page.getByTestId('samples-split').selectOption('test');
    await expect.poll(() => page.getByTestId('samples-range').textContent()).toMatch(new RegExp(`^1\\D.* of ${testCount}$`));
    // The range changes with the split at once, the samples once they are read.
    await page.locator('[aria-busy="false"]:has([data-testid="text-snippets"])').waitFor({ timeout: 30_000 });
    const snippets = page.getByTestId('text-snippets').getByTestId('text-snippet');
    await expect.poll(() => snippets.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const names = (await snippets.locator('.text').allTextContents()).map((t) => t.trim());
    // Not sample 0, which the explain panel starts at: the test must pick it.
    const sample = names.findIndex((n, i) => i > 0 && Array.from(n).length >= MIN_NAME_LENGTH);
    expect(sample).toBeGreaterThan(0);
    const name = names[sample]!;
    expect(name).toMatch(/^\S+$/);
    const tokens = Math.min(SEQ_LENGTH, Array.from(name.toLowerCase()).length);
    await page.getByTestId('dataset-back').click();

    await page.getByTestId('sidebar-models').click();
    await page.getByTestId('new-model-button').click();
    await page.getByTestId('template-text-transformer').click();
    await page.getByTestId('model-editor').waitFor();
    await page.getByTestId('model-back').click();
    expect(await page.getByTestId('models-list').getByTestId('model-item').count()).toBe(1);

    // A short run on WebGPU: 256 names in batches of 32, one epoch, to the end.
    await page.getByTestId('sidebar-runs').click();
    await page.getByTestId('new-run-button').click();
    await page.getByTestId('run-epochs').fill('1');
    await page.getByTestId('run-batch-size').fill('32');
    await page.getByTestId('run-limit').fill('256');
    await page.getByTestId('run-backend').selectOption('webgpu');
    await page.getByTestId('start-run-button').click();
    await page.getByTestId('run-view').waitFor({ timeout: 60_000 });
    const trainStarted = Date.now();
    // WebGPU itself: a fallback to another backend fails this test.
    expect(await page.getByTestId('run-backend-used').textContent()).toBe('WebGPU');
    expect(await page.getByTestId('backend-fallback').count()).toBe(0);

    const status = () => page.getByTestId('run-status').getAttribute('data-status');
    await expect.poll(status, { timeout: 180_000, interval: 500 }).not.toBe('running');
    const trainSeconds = (Date.now() - trainStarted) / 1000;
    expect(await page.getByTestId('run-error').allTextContents()).toEqual([]);
    expect(await status()).toBe('completed');
    expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(await page.getByTestId('run-backend-used').textContent()).toBe('WebGPU');

    const checkpoint = page.getByTestId('checkpoint-item').last();
    await checkpoint.waitFor({ timeout: 60_000 });
    const loss = Number.parseFloat((await checkpoint.getAttribute('data-loss')) ?? 'NaN');
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(0);

    // Evaluation on the whole test split: a 2x2 confusion matrix (female, male).
    await checkpoint.getByTestId('evaluate-button').click();
    await page.getByTestId('eval-view').waitFor();
    const evalStarted = Date.now();
    await page.getByTestId('eval-full-button').click();
    const matrix = page.getByTestId('confusion-matrix');
    await matrix.waitFor({ timeout: 120_000 });
    const evalSeconds = (Date.now() - evalStarted) / 1000;
    const cells = await matrix.getByTestId('confusion-cell').allTextContents();
    expect(cells).toHaveLength(4);
    const evaluated = cells.reduce((a, c) => a + Number(c.replace(/,/g, '')), 0);
    expect(evaluated).toBeGreaterThan(0);
    expect(Number((await page.getByTestId('eval-samples').textContent())!.replace(/,/g, ''))).toBe(evaluated);
    expect(await page.getByTestId('eval-stats').textContent()).toContain('WebGPU');

    // The attention maps of the chosen name: its text, and one map per head for each layer.
    await page.getByTestId('explain-index').fill(String(sample));
    await page.getByTestId('explain-button').click();
    await page.getByTestId('attention-view').waitFor({ timeout: 60_000 });
    expect((await page.getByTestId('attention-text').textContent())!.trim()).toBe(name);
    const layers = page.getByTestId('attention-layer').locator('option');
    expect(await layers.count()).toBe(LAYERS);
    for (let l = 0; l < LAYERS; l++) {
      await page.getByTestId('attention-layer').selectOption({ index: l });
      await expect.poll(() => page.getByTestId('attention-head').locator('canvas[data-drawn="true"]').count()).toBe(HEADS);
      const heads = await readHeads();
      // Query x key over the name's own characters: the padding is cropped away, and every character is attended to.
      for (const h of heads) {
        expect(h.width).toBe(tokens);
        expect(h.height).toBe(tokens);
        expect(h.attended).toEqual(Array.from({ length: tokens }, (_, i) => i));
      }
      // The maps' positions are labelled with the name's characters.
      expect(await page.getByTestId('attention-tokens').locator('.token').allTextContents()).toEqual(Array.from(name.toLowerCase()).slice(0, SEQ_LENGTH));
    }
    expect(s.pageErrors).toEqual([]);
    console.info(
      `attention e2e: ${((Date.now() - started) / 1000).toFixed(0)} s in all, training ${trainSeconds.toFixed(1)} s, ` +
        `evaluation of ${evaluated} names ${evalSeconds.toFixed(1)} s, test name #${sample} "${name}" (${tokens} tokens), loss ${loss.toFixed(4)}`,
    );
  });
});
