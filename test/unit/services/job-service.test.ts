import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src-shared/errors';
import { JobSnapshot } from '../../../src-shared/ipc/contract';
import { say } from '../../../src-shared/messages/message';
import { EventBus } from '../../../src-main/ipc/event-bus';
import { JobService } from '../../../src-main/services/job-service';

function setup(opts: { settleTimeoutMs?: number } = {}) {
  const events = new EventBus();
  const updates: { snap: JobSnapshot; clientId: string | undefined }[] = [];
  events.connect((event, payload, target) => {
    if (event === 'job:updated') updates.push({ snap: payload as JobSnapshot, clientId: target.clientId });
  });
  return { jobs: new JobService(events, opts), updates };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job body that runs until its signal aborts, like an import that honours cancel. */
function untilAborted(ctx: { signal: AbortSignal }): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (ctx.signal.aborted) reject(ctx.signal.reason);
    ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
  });
}

describe('JobService', () => {
  it('runs a job to done, reporting progress and its result', async () => {
    const { jobs, updates } = setup();
    const { id, done } = jobs.startJob('import', 'Import MNIST', async (ctx) => {
      ctx.report(0.25, 'reading');
      await sleep(150);
      ctx.report(0.75, 'checking');
      await sleep(150);
      return 42;
    });
    expect(jobs.get(id)).toMatchObject({ status: 'running', kind: 'import', title: 'Import MNIST', endedAt: null });
    expect(await done).toBe(42);
    const final = jobs.get(id);
    expect(final).toMatchObject({ status: 'done', progress: 1, message: 'checking', error: null });
    expect(final.endedAt).not.toBeNull();
    const seen = updates.map((u) => u.snap);
    expect(seen[0]).toMatchObject({ status: 'running', progress: null });
    expect(seen.map((s) => s.progress)).toEqual(expect.arrayContaining([0.25, 0.75]));
    expect(seen.at(-1)).toEqual(final);
  });

  it('keeps a title and lines said by key beside their English, and drops the key for a plain line', async () => {
    const { jobs } = setup();
    let step: (() => void) | null = null;
    const { id, done } = jobs.startJob('dataset:import', say('jobs.importTitle', { name: 'Digits' }), async (ctx) => {
      ctx.report(0.5, say('jobs.decodedOf', { done: 1200, total: 2400 }));
      await new Promise<void>((r) => (step = r));
      ctx.report(0.9, 'plain');
    });
    await sleep(150);
    expect(jobs.get(id)).toMatchObject({
      title: 'Import Digits',
      titleSaid: { key: 'jobs.importTitle', params: { name: 'Digits' } },
      message: 'Decoded 1,200 of 2,400 images',
      messageSaid: { key: 'jobs.decodedOf', params: { done: 1200, total: 2400 } },
    });
    step!();
    await done;
    const final = jobs.get(id);
    expect(final.message).toBe('plain');
    expect(final.messageSaid).toBeUndefined();
    expect(JobSnapshot.parse(final)).toEqual(final);
  });

  it('limits progress events to about ten a second but always sends the final state', async () => {
    const { jobs, updates } = setup();
    const { done } = jobs.startJob('train', 'Train', async (ctx) => {
      for (let i = 1; i <= 1000; i++) ctx.report(i / 1000, `step ${i}`);
      await sleep(30);
      return 'ok';
    });
    await done;
    expect(updates.length).toBeLessThanOrEqual(4);
    expect(updates.at(-1)?.snap).toMatchObject({ status: 'done', message: 'step 1000' });
  });

  it('records a failure with its code and rejects done with the error', async () => {
    const { jobs } = setup();
    const { id, done } = jobs.startJob('export', 'Export', async () => {
      throw new StudioError('IO_ERROR', 'Disk full');
    });
    await expect(done).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(jobs.get(id)).toMatchObject({ status: 'failed', error: { code: 'IO_ERROR', message: 'Disk full' } });
  });

  it('cancel aborts the signal and the job ends cancelled', async () => {
    const { jobs } = setup();
    let aborted = false;
    const { id, done } = jobs.startJob('train', 'Train', (ctx) => {
      ctx.signal.addEventListener('abort', () => (aborted = true));
      return untilAborted(ctx);
    });
    await sleep(10);
    const snap = await jobs.cancel(id);
    expect(aborted).toBe(true);
    expect(snap).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    await expect(done).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await jobs.cancel(id)).status).toBe('cancelled');
  });

  it('a job cancelled before its body starts never runs', async () => {
    const { jobs } = setup();
    let ran = false;
    const { id, done } = jobs.startJob('x', 'X', async () => {
      ran = true;
    });
    expect((await jobs.cancel(id)).status).toBe('cancelled');
    await expect(done).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(ran).toBe(false);
  });

  it('a body that ignores its signal is abandoned as cancelled after a bounded wait', async () => {
    const { jobs } = setup({ settleTimeoutMs: 50 });
    const { id, done } = jobs.startJob('x', 'Stubborn', () => sleep(300).then(() => 'late'));
    await sleep(10);
    expect((await jobs.cancel(id)).status).toBe('cancelled');
    await expect(done).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(jobs.get(id).status).toBe('cancelled');
  });

  it('cancel of an unknown id, or of another window\'s job, is NOT_FOUND', async () => {
    const { jobs } = setup();
    await expect(jobs.cancel('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { id } = jobs.startJob('x', 'X', untilAborted, { clientId: 'w1' });
    await expect(jobs.cancel(id, 'w2')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(jobs.list('w2')).toEqual([]);
    expect(jobs.list('w1').map((j) => j.id)).toEqual([id]);
    await jobs.stop();
  });

  it("sends a window's job events to that window only", async () => {
    const { jobs, updates } = setup();
    await jobs.startJob('x', 'X', async () => 1, { clientId: 'w1' }).done;
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((u) => u.clientId === 'w1')).toBe(true);
  });

  it('lists running and recently ended jobs, keeping the last 50 ended', async () => {
    const { jobs } = setup();
    for (let i = 0; i < 55; i++) await jobs.startJob('x', `Job ${i}`, async () => i).done;
    const { id } = jobs.startJob('x', 'Running', untilAborted);
    const list = jobs.list();
    expect(list).toHaveLength(51);
    expect(list[0]?.id).toBe(id);
    expect(list.at(-1)?.title).toBe('Job 5');
    await jobs.stop();
  });

  it('stop aborts everything running, waits for it, and refuses new jobs', async () => {
    const { jobs } = setup();
    let noticed = 0;
    const body = (ctx: { signal: AbortSignal }) => {
      ctx.signal.addEventListener('abort', () => noticed++);
      return untilAborted(ctx);
    };
    const a = jobs.startJob('a', 'A', body);
    const b = jobs.startJob('b', 'B', body);
    const finished = jobs.startJob('c', 'C', async () => 'c');
    await finished.done;
    await jobs.stop();
    expect(noticed).toBe(2);
    expect(jobs.get(a.id).status).toBe('cancelled');
    expect(jobs.get(b.id).status).toBe('cancelled');
    expect(jobs.get(finished.id).status).toBe('done');
    await expect(a.done).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(() => jobs.startJob('d', 'D', async () => 1)).toThrow(StudioError);
  });
});
