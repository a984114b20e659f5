import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStudio, type StudioSession } from './support/studio-page';

/** What the page's `?diagnostics` feed measurement returns (src-renderer/ml/diagnostics.ts; DOM-typed, so not imported here). */
interface FeedThroughputReport {
  plan: { whole: boolean; shardCount: number; total: number; dtype: string; sampleShape: number[] };
  epochs: { batches: number; samples: number; bytes: number; ms: number; labelCounts: number[] }[];
  sent: { shards: number; bytes: number };
  mbPerSecond: number;
}
type DiagnosticsWindow = { modelStudioDiagnostics: { feedThroughput(req: object): Promise<FeedThroughputReport> } };

/** The bit of a canvas the test reads (the node tsconfig has no DOM canvas types). */
interface Canvas2d {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

describe('datasets in the real UI', () => {
  let s: StudioSession;
  beforeEach(async () => {
    s = await openStudio();
  });
  afterEach(async () => {
    await s?.close();
  });

  async function addMnist(name: string): Promise<string> {
    const { page } = s;
    await page.getByTestId('new-project-button').click();
    await page.getByTestId('project-name-input').fill(name);
    await page.getByTestId('parent-dir-input').fill(s.workDir);
    await page.getByTestId('create-button').click();
    await page.getByTestId('add-dataset-button').click();
    await page.getByTestId('add-sample-mnist').click();
    const item = page.getByTestId('dataset-item');
    await item.waitFor({ timeout: 90_000 });
    return (await item.getAttribute('data-id'))!;
  }

  it('feeds MNIST to the ML worker whole, and in shuffled shards, covering each epoch once', async () => {
    const { page } = s;
    const id = await addMnist('Feed');
    // Reload with diagnostics on (the token stays in the tab's session); the project reopens from the recent list.
    await page.goto(new URL('/?diagnostics', page.url()).href);
    await page.getByTestId('recent-item').filter({ hasText: 'Feed' }).click();
    await page.getByTestId('dataset-item').waitFor();

    const run = (opts: object) =>
      page.evaluate(
        (req) => (globalThis as unknown as DiagnosticsWindow).modelStudioDiagnostics.feedThroughput(req),
        { datasetId: id, split: 'train', batchSize: 256, ...opts },
      ) as Promise<FeedThroughputReport>;
    const train = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];

    const whole = await run({ epochs: 2 });
    expect(whole.plan).toMatchObject({ whole: true, shardCount: 1, total: 54000, dtype: 'uint8', sampleShape: [28, 28, 1] });
    expect(whole.sent).toEqual({ shards: 1, bytes: 54000 * 788 });
    for (const e of whole.epochs) {
      expect(e).toMatchObject({ samples: 54000, batches: Math.ceil(54000 / 256) });
      expect(e.labelCounts.reduce((a, b) => a + b, 0)).toBe(54000);
      // Stratified: each class keeps ~90% of its 60,000-sample share in train.
      e.labelCounts.forEach((n, c) => expect(Math.abs(n - train[c]! * 0.9)).toBeLessThan(train[c]! * 0.02));
    }

    const streamed = await run({ epochs: 1, memoryBudget: 1 << 20, shardBytes: 4 << 20 });
    expect(streamed.plan).toMatchObject({ whole: false, shardCount: 11 });
    expect(streamed.sent.shards).toBeGreaterThanOrEqual(11);
    expect(streamed.epochs[0]!.labelCounts).toEqual(whole.epochs[0]!.labelCounts);
    const ms = (r: FeedThroughputReport) => r.epochs.map((e) => Math.round(e.ms)).join(', ');
    console.info(`data feed: whole ${whole.mbPerSecond.toFixed(0)} MB/s (epochs ${ms(whole)} ms), streamed ${streamed.mbPerSecond.toFixed(0)} MB/s (${ms(streamed)} ms)`);
    expect(s.pageErrors).toEqual([]);
  });

  it('adds the MNIST sample and shows its histogram, split counts and digit images', async () => {
    const { page } = s;
    await page.getByTestId('new-project-button').click();
    await page.getByTestId('project-name-input').fill('Digits');
    await page.getByTestId('parent-dir-input').fill(s.workDir);
    await page.getByTestId('create-button').click();
    await page.getByTestId('project-view').waitFor();

    await page.getByTestId('add-dataset-button').click();
    await page.getByTestId('add-sample-mnist').click();
    const item = page.getByTestId('dataset-item');
    await item.waitFor({ timeout: 90_000 });
    expect(await item.locator('.count-value').allTextContents()).toEqual(['54,000', '6,000', '10,000']);
    await expect.poll(() => page.getByTestId('job-progress').count()).toBe(0);

    await item.click();
    const view = page.getByTestId('dataset-view');
    await view.waitFor();
    expect(await page.getByTestId('split-count').allTextContents()).toEqual(['54,000', '6,000', '10,000']);

    const bars = page.getByTestId('class-histogram').getByTestId('histogram-bar');
    expect(await bars.count()).toBe(30);
    const counts = await bars.evaluateAll((els) =>
      els.map((el) => ({ split: el.getAttribute('data-split'), cls: el.getAttribute('data-class'), n: Number(el.getAttribute('data-count')) })),
    );
    expect(new Set(counts.map((c) => c.cls)).size).toBe(10);
    const sum = (split: string) => counts.filter((c) => c.split === split).reduce((a, c) => a + c.n, 0);
    expect([sum('train'), sum('validation'), sum('test')]).toEqual([54000, 6000, 10000]);
    // MNIST's own test set: 1,135 ones.
    expect(counts.find((c) => c.split === 'test' && c.cls === '1')?.n).toBe(1135);

    const cells = page.getByTestId('sample-grid').getByTestId('sample-cell');
    await expect.poll(() => cells.count(), { timeout: 30_000 }).toBe(48);
    await expect.poll(() => page.locator('canvas[data-drawn="true"]').count()).toBe(48);
    // Digits are drawn: each canvas has dark background and bright strokes.
    const stats = await page.locator('canvas[data-drawn="true"]').evaluateAll((canvases) =>
      (canvases as unknown as Canvas2d[]).map((c) => {
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let bright = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i]! > 128) bright++;
        return { w: c.width, h: c.height, bright };
      }),
    );
    expect(stats.every((st) => st.w === 28 && st.h === 28 && st.bright > 20 && st.bright < 600)).toBe(true);
    const labels = await cells.evaluateAll((els) => els.map((el) => el.getAttribute('data-label')));
    expect(labels.every((l) => /^[0-9]$/.test(l ?? ''))).toBe(true);
    expect(s.pageErrors).toEqual([]);
  });
});
