import { availableParallelism } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStudio, type StudioSession } from './support/studio-page';

/** A new project with a sample, a template model for it, and a one-epoch run of it started on WASM. */
async function startWasmRun(s: StudioSession, o: { project: string; sample: string; template: string; batch: number; limit: number }): Promise<void> {
  const { page } = s;
  await page.getByTestId('new-project-button').click();
  await page.getByTestId('project-name-input').fill(o.project);
  await page.getByTestId('parent-dir-input').fill(s.workDir);
  await page.getByTestId('create-button').click();
  await page.getByTestId('add-dataset-button').click();
  await page.getByTestId(`add-sample-${o.sample}`).click();
  await page.getByTestId('dataset-item').waitFor({ timeout: 90_000 });
  await expect.poll(() => page.getByTestId('job-progress').count(), { timeout: 60_000 }).toBe(0);
  await page.getByTestId('sidebar-models').click();
  await page.getByTestId('new-model-button').click();
  await page.getByTestId(`template-${o.template}`).click();
  await page.getByTestId('model-editor').waitFor();
  await page.getByTestId('model-back').click();
  await page.getByTestId('sidebar-runs').click();
  await page.getByTestId('new-run-button').click();
  await page.getByTestId('run-epochs').fill('1');
  await page.getByTestId('run-batch-size').fill(String(o.batch));
  await page.getByTestId('run-limit').fill(String(o.limit));
  await page.getByTestId('run-backend').selectOption('wasm');
  await page.getByTestId('start-run-button').click();
  await page.getByTestId('run-view').waitFor({ timeout: 60_000 });
}

/**
 * Training on WebAssembly in the real UI: a synchronous backend, where the trainer must give the
 * worker a turn between batches for the view to move and for Pause and Stop to act mid-epoch; and
 * the engine's WASM kernels (matmul, sum) in place of tfjs's: a text-transformer on the spam
 * sample (sequence length 256) at batch 64, which does not fit the WASM memory budget whole, so
 * each batch trains as two slices and the run view says so.
 */
describe('WASM training in the real UI', () => {
  let s: StudioSession;
  beforeEach(async () => {
    s = await openStudio();
  });
  afterEach(async () => {
    await s?.close();
  });

  it('runs WASM on threads: the page is cross-origin isolated and the threaded SIMD build starts with the threads asked for', { timeout: 120_000 }, async () => {
    const { page } = s;
    const url = new URL(page.url());
    url.searchParams.set('backend', 'wasm');
    url.searchParams.set('wasmThreads', '2');
    await page.goto(url.href);
    await expect.poll(() => page.getByTestId('status-backend').textContent(), { timeout: 60_000 }).toContain('Backend: WASM · SIMD · 2 threads');
    expect(await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated)).toBe(true);
    expect(s.pageErrors).toEqual([]);
  });

  it('shows a WASM run live mid-epoch, pauses and stops it after the batch in flight, with one stop checkpoint', { timeout: 300_000 }, async () => {
    const { page } = s;
    await startWasmRun(s, { project: 'Digits', sample: 'mnist', template: 'seed-cnn', batch: 16, limit: 8000 });
    expect(await page.getByTestId('run-backend-used').textContent()).toBe('WASM');
    // The page is cross-origin isolated, so WASM runs its threaded SIMD build: on every core (its
    // pool holds 8) above 2 cores, on 1 thread on 2 or fewer (faster there, see backends.ts).
    const cores = availableParallelism();
    const threads = cores > 2 ? Math.min(8, cores) : 1;
    expect(await page.getByTestId('status-backend').textContent()).toContain(`WASM · SIMD · ${threads} thread${threads === 1 ? '' : 's'}`);

    // One epoch of 500 batches: the counter moves while the epoch is under way (the worker gets a
    // turn between batches; before, it stood still until the epoch ended).
    const batch = async () => Number(/Batch (\d+) of 500/.exec((await page.getByTestId('batch-progress').textContent()) ?? '')?.[1] ?? NaN);
    const status = () => page.getByTestId('run-status').getAttribute('data-status');
    await expect.poll(batch, { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    expect(await batch()).toBeLessThan(500);
    expect(await status()).toBe('running');

    await page.getByTestId('pause-button').click();
    await expect.poll(status, { timeout: 30_000 }).toBe('paused');
    const pausedAt = await batch();
    expect(pausedAt).toBeLessThan(500);
    await page.waitForTimeout(1500);
    expect(await batch()).toBe(pausedAt);
    // Leaving now would lose the run: the page asks first, and staying keeps it as it was.
    const asked = new Promise<string>((done) => page.once('dialog', (d) => void d.dismiss().then(() => done(d.type()))));
    await page.evaluate('setTimeout(() => location.reload(), 0)');
    expect(await asked).toBe('beforeunload');
    expect(await status()).toBe('paused');
    await page.getByTestId('resume-button').click();
    await expect.poll(batch, { timeout: 30_000, interval: 100 }).toBeGreaterThan(pausedAt);

    await page.getByTestId('stop-button').click();
    await expect.poll(status, { timeout: 30_000 }).toBe('stopped');
    expect(await batch()).toBeLessThan(500);
    const checkpoints = page.getByTestId('checkpoint-item');
    await checkpoints.first().waitFor({ timeout: 30_000 });
    expect(await checkpoints.evaluateAll((items) => items.map((i) => i.getAttribute('data-kind')))).toEqual(['stop']);
    expect(await page.getByTestId('run-error').allTextContents()).toEqual([]);
    expect(s.pageErrors).toEqual([]);
  });

  it('trains a text-transformer on spam e-mails on WASM in sliced batches, to a finite loss', { timeout: 300_000 }, async () => {
    const { page } = s;
    await startWasmRun(s, { project: 'Mail', sample: 'spam', template: 'text-transformer', batch: 64, limit: 128 });
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
