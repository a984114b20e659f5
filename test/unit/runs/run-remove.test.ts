/**
 * run:remove: a run goes with its metrics, checkpoints and their evaluations; never while it
 * trains; and a removal cut short leaves a project whose manifest points only at files it has.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CLIENT, DATASET_ID, HYPER, mlpCheckpoint, mlpSpec, record, useTrainingProject } from './training-fixtures';

// Lets a test fail chosen renames, as a crash at that moment would stop them.
const renames = vi.hoisted(() => ({ fail: null as null | ((to: string) => boolean) }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    rename: (from: string, to: string) =>
      renames.fail?.(String(to)) ? Promise.reject(Object.assign(new Error('EIO: simulated crash'), { code: 'EIO' })) : real.rename(from, to),
  };
});

const setup = useTrainingProject();

const EVAL = {
  accuracy: 0.75, loss: 0.61, confusion: [[3, 1], [1, 3]],
  perClass: [{ precision: 0.75, recall: 0.75, f1: 0.75, support: 4 }, { precision: 0.75, recall: 0.75, f1: 0.75, support: 4 }],
  latencyMsPerSample: 0.1, backend: 'cpu', misclassified: [], createdAt: '2025-01-02T03:04:05.000Z',
};

/** A project with two ended runs: the first with two checkpoints (one evaluated), the second with one. */
async function withRuns() {
  const ctx = await setup();
  const makeRun = async () => {
    const run = await ctx.ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER });
    await ctx.ok('run:appendMetrics', { runId: run.id, records: [record('batch', 0, 1), record('epoch', 0, 1)] });
    return run;
  };
  const checkpoint = (runId: string, epoch: number) => ctx.ok('checkpoint:save', mlpCheckpoint(runId, epoch));
  const run = await makeRun();
  const cks = [await checkpoint(run.id, 0), await checkpoint(run.id, 1)];
  await ctx.ok('eval:save', { checkpointId: cks[0].id, split: 'test', result: EVAL });
  const other = await makeRun();
  const otherCk = await checkpoint(other.id, 0);
  await ctx.ok('run:update', { runId: run.id, status: 'stopped' });
  await ctx.ok('run:update', { runId: other.id, status: 'completed' });
  const manifest = () => ctx.studio.projects.current(CLIENT)!.manifest;
  const onDisk = async () => JSON.parse(await readFile(ctx.studio.projects.current(CLIENT)!.path, 'utf8'));
  return { ...ctx, run, cks, other, otherCk, manifest, onDisk };
}

describe('run:remove', () => {
  it('deletes the run folder, its checkpoints with their evaluations, and their manifest entries', async () => {
    const { dir, ok, call, run, cks, other, otherCk, manifest, onDisk } = await withRuns();
    expect(await readdir(join(dir, 'checkpoints', cks[0].id))).toContain('eval-test.json');

    expect(await ok('run:remove', { id: run.id })).toBeNull();
    expect(await readdir(join(dir, 'runs'))).toEqual([other.id]);
    expect(await readdir(join(dir, 'checkpoints'))).toEqual([otherCk.id]);
    expect(manifest().runs.map((e) => e.id)).toEqual([other.id]);
    expect(manifest().checkpoints.map((e) => e.id)).toEqual([otherCk.id]);
    // The project file on disk says the same, without waiting for an autosave.
    const saved = await onDisk();
    expect(saved.runs.map((e: { id: string }) => e.id)).toEqual([other.id]);
    expect(saved.checkpoints.map((e: { id: string }) => e.id)).toEqual([otherCk.id]);

    expect((await ok('run:list', {})).map((r: { id: string }) => r.id)).toEqual([other.id]);
    expect(await ok('checkpoint:list', {})).toMatchObject([{ id: otherCk.id }]);
    expect(await call('run:get', { runId: run.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('eval:get', { checkpointId: cks[0].id, split: 'test' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // The other run and its checkpoint are untouched.
    expect((await ok('checkpoint:load', { id: otherCk.id })).meta.runId).toBe(other.id);
  });

  it('refuses with BUSY while the run is running or paused, and removes it once stopped', async () => {
    const { dir, ok, call, studio } = await setup();
    const manifest = () => studio.projects.current(CLIENT)!.manifest;
    const run = await ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER });
    for (const status of ['running', 'paused'] as const) {
      await ok('run:update', { runId: run.id, status });
      const r = await call('run:remove', { id: run.id });
      expect(r).toMatchObject({ ok: false, error: { code: 'BUSY', message: expect.stringContaining('Stop it before removing it') } });
      expect(await readdir(join(dir, 'runs'))).toEqual([run.id]);
      expect(manifest().runs.map((e) => e.id)).toEqual([run.id]);
    }
    await ok('run:update', { runId: run.id, status: 'stopped' });
    expect(await ok('run:remove', { id: run.id })).toBeNull();
    expect(await readdir(join(dir, 'runs'))).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown run, BAD_REQUEST for a malformed id, NO_PROJECT_OPEN without a project', async () => {
    const { call } = await setup();
    expect(await call('run:remove', { id: 'rn-00000000' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'No run rn-00000000 in this project.' } });
    expect(await call('run:remove', { id: '../runs' } as never)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call('run:remove', { id: 'rn-00000000' }, 'ws:2')).toMatchObject({ ok: false, error: { code: 'NO_PROJECT_OPEN' } });
  });

  it('removes a run whose run.json is damaged', async () => {
    const { dir, ok, run, manifest } = await withRuns();
    await writeFile(join(dir, 'runs', run.id, 'run.json'), '{"half":');
    expect(await ok('run:remove', { id: run.id })).toBeNull();
    expect(manifest().runs.some((e) => e.id === run.id)).toBe(false);
  });

  /** Removes `run` with the renames matching `fail` failing, as a crash there would leave it. */
  async function cutShort(ctx: Awaited<ReturnType<typeof withRuns>>, fail: (to: string) => boolean) {
    renames.fail = fail;
    try {
      expect(await ctx.call('run:remove', { id: ctx.run.id })).toMatchObject({ ok: false, error: { code: 'IO_ERROR' } });
    } finally {
      renames.fail = null;
    }
    // Whatever the manifest on disk lists still has its files.
    const saved = await ctx.onDisk();
    for (const e of [...saved.runs, ...saved.checkpoints]) await expect(readdir(join(ctx.dir, e.dir))).resolves.toBeDefined();
    return saved;
  }

  async function reopen(ctx: Awaited<ReturnType<typeof withRuns>>) {
    const path = ctx.studio.projects.current(CLIENT)!.path;
    await ctx.studio.projects.close(CLIENT);
    await ctx.studio.projects.open(path, CLIENT);
  }

  it('cut short after its checkpoints left the manifest: the next open deletes their folders, the run stays whole', async () => {
    const ctx = await withRuns();
    const saved = await cutShort(ctx, (to) => to.includes('/checkpoints/.removing-'));
    expect(saved.checkpoints.map((e: { id: string }) => e.id)).toEqual([ctx.otherCk.id]);
    expect(saved.runs.map((e: { id: string }) => e.id)).toEqual([ctx.run.id, ctx.other.id]);
    // Unlisted, not yet deleted.
    expect((await readdir(join(ctx.dir, 'checkpoints'))).sort()).toEqual([...ctx.cks.map((c: { id: string }) => c.id), ctx.otherCk.id].sort());

    await reopen(ctx);
    expect(await readdir(join(ctx.dir, 'checkpoints'))).toEqual([ctx.otherCk.id]);
    expect((await ctx.ok('run:list', {})).map((r: { id: string }) => r.id)).toEqual([ctx.run.id, ctx.other.id]);
    // Asking again finishes the job.
    expect(await ctx.ok('run:remove', { id: ctx.run.id })).toBeNull();
    expect(await readdir(join(ctx.dir, 'runs'))).toEqual([ctx.other.id]);
  });

  it('cut short after the run left the manifest: the next open deletes its folder and nothing else', async () => {
    const ctx = await withRuns();
    const saved = await cutShort(ctx, (to) => to.includes('/runs/.removing-'));
    expect(saved.runs.map((e: { id: string }) => e.id)).toEqual([ctx.other.id]);
    expect((await readdir(join(ctx.dir, 'runs'))).filter((n) => !n.startsWith('.')).sort()).toEqual([ctx.run.id, ctx.other.id].sort());

    // And what a crash in the middle of deleting leaves: folders renamed aside, half deleted.
    await mkdir(join(ctx.dir, 'runs', '.removing-rn-gone0001-0000', 'x'), { recursive: true });
    await mkdir(join(ctx.dir, 'checkpoints', '.removing-ck-gone0001-0000'));
    await reopen(ctx);
    expect(await readdir(join(ctx.dir, 'runs'))).toEqual([ctx.other.id]);
    expect(await readdir(join(ctx.dir, 'checkpoints'))).toEqual([ctx.otherCk.id]);
    expect((await ctx.ok('run:list', {})).map((r: { id: string }) => r.id)).toEqual([ctx.other.id]);
  });
});
