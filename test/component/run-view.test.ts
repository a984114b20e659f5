import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import App from '../../src-renderer/App.vue';
import type { RequestOf } from '../../src-shared/ipc/contract';
import { HyperParams } from '../../src-shared/runs/hyper-params';
import { say } from '../../src-shared/messages/message';
import { DEFAULT_SETTINGS } from '../../src-shared/settings/settings';
import type { RunRecord } from '../../src-shared/runs/run-record';
import { mnistManifest } from './dataset-fixtures';
import { fakeStudio, mountWithStudio, projectView, type FakeHandlers } from './fake-studio';
import { checkpointMeta, runRecord, scriptedMl, seedCnnModel } from './training-fixtures';

enableAutoUnmount(afterEach);

function setup(handlers: FakeHandlers = {}, runs: RunRecord[] = [], worker = scriptedMl()) {
  const created: RequestOf<'run:create'>[] = [];
  const studio = fakeStudio({
    'project:current': () => projectView('Lab'),
    'dataset:list': () => [mnistManifest()],
    'model:list': () => [seedCnnModel()],
    'run:list': () => runs,
    'run:create': (req) => {
      created.push(req);
      return runRecord({ hyper: HyperParams.parse(req.hyper) });
    },
    'run:get': (req) => ({ run: runs.find((r) => r.id === req.runId) ?? runRecord(), epochs: [], batches: [], batchTotal: 0 }),
    'run:update': (req) => runRecord({ status: req.status }),
    'run:appendMetrics': (req) => ({ appended: req.records.length, summary: { epochsDone: 0, best: null, last: null } }),
    'checkpoint:list': () => [],
    'checkpoint:save': (req) => checkpointMeta({ runId: req.runId, kind: req.kind, epoch: req.epoch }),
    ...handlers,
  });
  const wrapper = mountWithStudio(App, studio, { ml: worker.ml });
  return { studio, worker, wrapper, created };
}

async function openRuns(w: ReturnType<typeof setup>['wrapper']) {
  await flushPromises();
  await w.find('[data-testid="sidebar-runs"]').trigger('click');
  await flushPromises();
}

const button = (w: ReturnType<typeof setup>['wrapper'], id: string) => w.find(`[data-testid="${id}"]`);

describe('new run dialog', () => {
  it('starts with the model spec\'s training defaults and sends the hyper-parameters it shows', async () => {
    const s = setup();
    await openRuns(s.wrapper);
    await button(s.wrapper, 'new-run-button').trigger('click');
    const value = (id: string) => (button(s.wrapper, id).element as HTMLInputElement).value;
    expect(value('run-model')).toBe('md-seedcnn1');
    expect(value('run-dataset')).toBe('ds-mnist001');
    expect([value('run-epochs'), value('run-batch-size'), value('run-optimizer'), value('run-learning-rate')]).toEqual(['10', '32', 'adam', '0.002']);
    expect([value('run-schedule'), value('run-warmup')]).toEqual(['cosine', '0']);
    expect([value('run-seed'), value('run-backend'), value('run-limit')]).toEqual(['42', 'auto', '']);
    expect(button(s.wrapper, 'run-augment').exists()).toBe(true);

    await button(s.wrapper, 'run-epochs').setValue('2');
    await button(s.wrapper, 'run-limit').setValue('256');
    await button(s.wrapper, 'run-backend').setValue('wasm');
    await s.wrapper.find('#new-run-form').trigger('submit');
    await flushPromises();
    expect(s.created).toHaveLength(1);
    expect(s.created[0]!.hyper).toMatchObject({ epochs: 2, batchSize: 32, optimizer: 'adam', learningRate: 0.002, schedule: { type: 'cosine', minLearningRate: 0 }, limit: 256, seed: 42, backend: 'webgpu' });
    expect(s.worker.requestsOf('backend:use')).toEqual([{ backend: 'wasm' }]);
    const start = s.worker.requestsOf('train:start')[0] as { hyper: { epochs: number }; feeds: { train: string; validation: string | null } };
    expect(start.hyper.epochs).toBe(2);
    expect(start.feeds.validation).not.toBeNull();
    expect(button(s.wrapper, 'run-view').exists()).toBe(true);
    // The worker fell back from WASM to WebGPU here: the run view says so.
    expect(button(s.wrapper, 'backend-fallback').text()).toContain('WASM is not available here; training on WebGPU');
  });

  it('goes to the new run after Train… in the model editor, even when a checkpoint’s evaluation was open in Runs', async () => {
    const earlier = runRecord({ status: 'completed', summary: { epochsDone: 1, best: null, last: null } });
    const s = setup({ 'checkpoint:list': () => [checkpointMeta()], 'eval:get': () => null }, [earlier]);
    await openRuns(s.wrapper);
    await s.wrapper.find('[data-testid="run-item"]').trigger('click');
    await flushPromises();
    await button(s.wrapper, 'evaluate-button').trigger('click');
    await flushPromises();
    expect(button(s.wrapper, 'eval-view').exists()).toBe(true);
    // To the model, Train…, Start: the new run's view, not the evaluation left open before.
    await s.wrapper.find('[data-testid="sidebar-models"]').trigger('click');
    await flushPromises();
    await s.wrapper.find('[data-testid="model-item"]').trigger('click');
    await flushPromises();
    await button(s.wrapper, 'train-model-button').trigger('click');
    await flushPromises();
    expect(button(s.wrapper, 'new-run-dialog').exists()).toBe(true);
    await s.wrapper.find('#new-run-form').trigger('submit');
    await flushPromises();
    expect(s.created).toHaveLength(1);
    expect(button(s.wrapper, 'eval-view').exists()).toBe(false);
    expect(button(s.wrapper, 'run-view').exists()).toBe(true);
  });

  it('says when each batch trains as slices because it does not fit in memory', async () => {
    const worker = scriptedMl({
      'train:start': (p: { runId: string }) => ({ runId: p.runId, backend: 'wasm', samplesPerEpoch: 512, batchesPerEpoch: 2, validationSamples: 0, microBatchSize: 86 }),
    });
    const s = setup({}, [], worker);
    await openRuns(s.wrapper);
    await button(s.wrapper, 'new-run-button').trigger('click');
    await button(s.wrapper, 'run-batch-size').setValue('256');
    await s.wrapper.find('#new-run-form').trigger('submit');
    await flushPromises();
    expect(button(s.wrapper, 'micro-batches').text()).toBe(
      'A batch of 256 does not fit in this backend\'s memory: each one trains as 3 slices of up to 86 samples, with the same result.',
    );
  });

  /** Types `value` into a field of the New Run dialog, submits, and returns what the dialog says. */
  async function refused(field: string, value: string, language?: 'zh-CN') {
    const s = setup(language ? { 'settings:get': () => ({ settings: { ...DEFAULT_SETTINGS, language }, problem: null }) } : {});
    await openRuns(s.wrapper);
    await button(s.wrapper, 'new-run-button').trigger('click');
    await button(s.wrapper, field).setValue(value);
    await s.wrapper.find('#new-run-form').trigger('submit');
    await flushPromises();
    return { problem: button(s.wrapper, 'run-problem').text(), created: s.created };
  }

  it('refuses a batch size of 0 and says why', async () => {
    expect(await refused('run-batch-size', '0')).toEqual({ problem: 'Batch size must be at least 1', created: [] });
  });

  it('says a refused setting in Chinese when the UI is', async () => {
    expect(await refused('run-epochs', '2.5', 'zh-CN')).toEqual({ problem: '训练轮次必须是整数', created: [] });
  });
});

describe('the shell while a run trains', () => {
  it('tells the shell the run\'s progress (whole percents), then nothing; and asks for a notification when a long run ends', async () => {
    let now = 1_000;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const s = setup({ 'shell:activity': () => ({ applied: true }), 'shell:notify': () => ({ shown: true }) });
      await openRuns(s.wrapper);
      await button(s.wrapper, 'new-run-button').trigger('click');
      await button(s.wrapper, 'run-epochs').setValue('2');
      await s.wrapper.find('#new-run-form').trigger('submit');
      await flushPromises();
      const runId = 'rn-run00001';
      const rec = (batch: number) => ({ kind: 'batch' as const, epoch: 0, batch, step: batch + 1, loss: 1, accuracy: 0.5, lr: 0.001, samplesPerSec: 16, time: 1 });
      // 1688 batches an epoch, 2 epochs: batch 843 is a quarter of the way; 844 rounds the same and sends nothing new.
      s.worker.emit('train:batch', { runId, records: [rec(843)] });
      await flushPromises();
      s.worker.emit('train:batch', { runId, records: [rec(844)] });
      await flushPromises();
      const activity = s.studio.callsTo('shell:activity') as { kind: string | null; progress: number | null }[];
      expect(activity).toContainEqual({ kind: 'training', progress: 0.25 });
      expect(activity.filter((a) => a.kind === 'training' && a.progress === 0.25)).toHaveLength(1);
      expect(s.studio.callsTo('shell:notify')).toEqual([]);

      now += 60_000;
      s.worker.emit('train:status', { runId, status: 'completed', result: { status: 'completed', epochsDone: 2, step: 3376, last: null, best: null } });
      await flushPromises();
      expect((s.studio.callsTo('shell:activity') as { kind: string | null }[]).at(-1)).toEqual({ kind: null, progress: null });
      expect(s.studio.callsTo('shell:notify')).toEqual([{ title: expect.stringMatching(/finished training$/), body: expect.stringMatching(/epochs trained/) }]);
    } finally {
      clock.mockRestore();
    }
  });
});

describe('run view', () => {
  it('shows charts and progress from worker events, and follows the status with its buttons', async () => {
    const s = setup();
    await openRuns(s.wrapper);
    await button(s.wrapper, 'new-run-button').trigger('click');
    await s.wrapper.find('#new-run-form').trigger('submit');
    await flushPromises();
    expect(button(s.wrapper, 'loss-chart').exists()).toBe(true);
    expect(button(s.wrapper, 'accuracy-chart').attributes('data-points')).toBe('0');
    expect(button(s.wrapper, 'run-status').attributes('data-status')).toBe('running');

    const runId = 'rn-run00001';
    const rec = (step: number) => ({ kind: 'batch' as const, epoch: 0, batch: step, step: step + 1, loss: 2 - step / 10, accuracy: 0.1 * step, lr: 0.001, samplesPerSec: 16, time: 1 });
    s.worker.emit('train:batch', { runId, records: [rec(0), rec(1), rec(2)] });
    s.worker.emit('train:memory', { runId, numTensors: 36, numBytes: 2_000_000, numBytesInGPU: 1_258_291 });
    await flushPromises();
    expect(button(s.wrapper, 'loss-chart').attributes('data-points')).toBe('3');
    expect(button(s.wrapper, 'batch-progress').text()).toBe('Batch 3 of 1688');
    expect(button(s.wrapper, 'throughput').text()).toBe('16 samples/s');
    expect(button(s.wrapper, 'memory').text()).toContain('1.2 MB on the GPU');
    expect(button(s.wrapper, 'eta').text()).not.toBe('—');

    // Pause: the worker is asked, its status event turns Pause into Resume, and main records it.
    await button(s.wrapper, 'pause-button').trigger('click');
    expect(s.worker.requestsOf('train:pause')).toEqual([{ runId }]);
    s.worker.emit('train:status', { runId, status: 'paused' });
    await flushPromises();
    expect(button(s.wrapper, 'run-status').attributes('data-status')).toBe('paused');
    expect(button(s.wrapper, 'pause-button').exists()).toBe(false);
    expect(button(s.wrapper, 'stop-button').attributes('disabled')).toBeUndefined();
    expect(s.studio.callsTo('run:update')).toContainEqual(expect.objectContaining({ runId, status: 'paused' }));

    // Space on the focused run view resumes.
    await button(s.wrapper, 'run-view').trigger('keydown', { key: ' ' });
    expect(s.worker.requestsOf('train:resume')).toEqual([{ runId }]);
    s.worker.emit('train:status', { runId, status: 'running' });
    await flushPromises();
    expect(button(s.wrapper, 'pause-button').attributes('disabled')).toBeUndefined();

    // Stop: the stop checkpoint goes to main and is listed; the controls go away.
    await button(s.wrapper, 'stop-button').trigger('click');
    expect(s.worker.requestsOf('train:stop')).toEqual([{ runId }]);
    const weights = new Float32Array([1, 2, 3]).buffer;
    const earlyStopping = { bestLoss: 0.4, best: null, watchLoss: 0.4, wait: 1 };
    s.worker.emit('train:checkpoint', {
      runId, epoch: 0, step: 3, kind: 'stop', metrics: {}, earlyStopping,
      artifacts: { modelTopology: { class_name: 'Functional' }, weightSpecs: [{ name: 'w', shape: [3], dtype: 'float32' }], weightData: weights, optimizer: null },
    });
    s.worker.emit('train:status', { runId, status: 'stopped', result: { status: 'stopped', epochsDone: 0, step: 3, last: null, best: null } });
    await flushPromises();
    const saved = s.studio.callsTo('checkpoint:save') as RequestOf<'checkpoint:save'>[];
    expect(saved).toHaveLength(1);
    expect(saved[0]!.weightData).toEqual(new Uint8Array(new Float32Array([1, 2, 3]).buffer));
    // The trainer's early-stopping state is kept with the checkpoint, for a later resume.
    expect(saved[0]!.earlyStopping).toEqual(earlyStopping);
    expect(s.studio.callsTo('run:appendMetrics').flatMap((r) => (r as RequestOf<'run:appendMetrics'>).records)).toHaveLength(3);
    expect(s.wrapper.findAll('[data-testid="checkpoint-item"]')).toHaveLength(1);
    expect(button(s.wrapper, 'run-status').attributes('data-status')).toBe('stopped');
    expect(button(s.wrapper, 'pause-button').exists()).toBe(false);
    expect(button(s.wrapper, 'stop-button').exists()).toBe(false);
  });

  it('says which backend Automatic picked and which ones this machine lacks', async () => {
    const wasm = { backend: 'wasm' as const, adapter: null, tried: [{ name: 'webgpu' as const, ok: false, error: 'no adapter' }, { name: 'webgl' as const, ok: false, error: 'no context' }, { name: 'wasm' as const, ok: true }] };
    const s = setup({}, [], scriptedMl({ init: () => wasm, status: () => wasm }));
    await openRuns(s.wrapper);
    await button(s.wrapper, 'new-run-button').trigger('click');
    await flushPromises();
    const auto = s.wrapper.find('[data-testid="run-backend"] option[value="auto"]');
    expect(auto.text()).toBe('Automatic (WASM: WebGPU, WebGL not available here)');
  });

  it('takes Space at once when a run opens (no click into the panel first), and shows no time left while paused', async () => {
    const s = setup();
    await openRuns(s.wrapper);
    await button(s.wrapper, 'new-run-button').trigger('click');
    await s.wrapper.find('#new-run-form').trigger('submit');
    await flushPromises();
    const runId = 'rn-run00001';
    s.worker.emit('train:batch', { runId, records: [{ kind: 'batch', epoch: 0, batch: 0, step: 1, loss: 2, accuracy: 0.1, lr: 0.001, samplesPerSec: 16, time: 1 }] });
    await flushPromises();
    expect(document.activeElement).toBe(button(s.wrapper, 'run-view').element);
    document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true }));
    expect(s.worker.requestsOf('train:pause')).toEqual([{ runId }]);
    s.worker.emit('train:status', { runId, status: 'paused' });
    await flushPromises();
    expect(button(s.wrapper, 'eta').text()).toBe('paused');
  });

  it('stops the live run when main asks (its training job was cancelled), and no other run', async () => {
    const s = setup();
    await openRuns(s.wrapper);
    await button(s.wrapper, 'new-run-button').trigger('click');
    await s.wrapper.find('#new-run-form').trigger('submit');
    await flushPromises();
    s.studio.emit('run:stopRequested', { runId: 'rn-other000' });
    await flushPromises();
    expect(s.worker.requestsOf('train:stop')).toEqual([]);
    s.studio.emit('run:stopRequested', { runId: 'rn-run00001' });
    await flushPromises();
    expect(s.worker.requestsOf('train:stop')).toEqual([{ runId: 'rn-run00001' }]);
  });

  it('stops a run main asked to stop while it was still starting, once its worker trains', async () => {
    const s = setup();
    await openRuns(s.wrapper);
    await button(s.wrapper, 'new-run-button').trigger('click');
    // The job of the run being created is cancelled before train:start has answered.
    s.studio.emit('run:stopRequested', { runId: 'rn-run00001' });
    await s.wrapper.find('#new-run-form').trigger('submit');
    await flushPromises();
    expect(s.worker.requestsOf('train:start')).toHaveLength(1);
    expect(s.worker.requestsOf('train:stop')).toEqual([{ runId: 'rn-run00001' }]);
  });

  it('holds the window while a run trains, and on Stop and close stops it, saves its checkpoint, then closes', async () => {
    const s = setup();
    await openRuns(s.wrapper);
    const unload = () => {
      const ev = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(ev);
      return ev.defaultPrevented;
    };
    expect(unload()).toBe(false);
    await button(s.wrapper, 'new-run-button').trigger('click');
    await s.wrapper.find('#new-run-form').trigger('submit');
    await flushPromises();
    expect(unload()).toBe(true);

    const close = vi.spyOn(window, 'close').mockImplementation(() => undefined);
    const runId = 'rn-run00001';
    s.studio.emit('app:command', { command: 'window.stopAndClose' });
    await flushPromises();
    expect(s.worker.requestsOf('train:stop')).toEqual([{ runId }]);
    expect(close).not.toHaveBeenCalled();
    s.worker.emit('train:checkpoint', {
      runId, epoch: 0, step: 3, kind: 'stop', metrics: {}, earlyStopping: { bestLoss: null, best: null, watchLoss: null, wait: 0 },
      artifacts: { modelTopology: { class_name: 'Functional' }, weightSpecs: [{ name: 'w', shape: [1], dtype: 'float32' }], weightData: new Float32Array([1]).buffer, optimizer: null },
    });
    s.worker.emit('train:status', { runId, status: 'stopped', result: { status: 'stopped', epochsDone: 0, step: 3, last: null, best: null } });
    await vi.waitFor(() => expect(close).toHaveBeenCalledTimes(1));
    // The checkpoint reached main before the window went.
    expect(s.studio.callsTo('checkpoint:save')).toHaveLength(1);
    expect(s.studio.callsTo('run:update')).toContainEqual(expect.objectContaining({ runId, status: 'stopped' }));
    expect(unload()).toBe(false);
    close.mockRestore();
  });

  it('opens a past run with its stored metrics and checkpoints', async () => {
    const done = runRecord({ status: 'completed', summary: { epochsDone: 1, best: null, last: null } });
    const s = setup(
      {
        'run:get': () => ({
          run: done,
          epochs: [{ kind: 'epoch', epoch: 0, step: 10, loss: 0.5, accuracy: 0.8, valLoss: 0.4, valAccuracy: 0.85, lr: 0.001, samplesPerSec: 100, time: 1 }],
          batches: Array.from({ length: 10 }, (_, i) => ({ kind: 'batch' as const, epoch: 0, batch: i, step: i + 1, loss: 1 - i / 20, accuracy: 0.5, lr: 0.001, samplesPerSec: 100, time: 1 })),
          batchTotal: 10,
        }),
        'checkpoint:list': () => [checkpointMeta({ kind: 'final', epoch: 9 })],
      },
      [done],
    );
    await openRuns(s.wrapper);
    expect(s.wrapper.findAll('[data-testid="runs-list"] [data-testid="run-item"]')).toHaveLength(1);
    await s.wrapper.find('[data-testid="run-item"]').trigger('click');
    await flushPromises();
    // 10 batch points, and the epoch's training and validation loss.
    expect(button(s.wrapper, 'loss-chart').attributes('data-points')).toBe('12');
    expect(button(s.wrapper, 'run-status').attributes('data-status')).toBe('completed');
    expect(button(s.wrapper, 'pause-button').exists()).toBe(false);
    const item = s.wrapper.find('[data-testid="checkpoint-item"]');
    expect(item.text()).toContain('Final (epoch 10)');
    expect(item.find('[data-testid="evaluate-button"]').exists()).toBe(true);
    await item.find('[data-testid="resume-from-button"]').trigger('click');
    expect(s.wrapper.find('[data-testid="new-run-dialog"]').text()).toContain('Continues from checkpoint');
    // The checkpoint's name already says its epoch: the notice does not say it twice.
    expect(s.wrapper.find('[data-testid="new-run-dialog"]').text()).not.toMatch(/\(epoch \d+\) as a new run/);
    // A run that finished its 10 epochs continues for an 11th.
    expect((button(s.wrapper, 'run-epochs').element as HTMLInputElement).value).toBe('11');
  });

  it('offers a run that ended before its first checkpoint a new start with the same settings', async () => {
    const early = runRecord({
      status: 'stopped',
      hyper: { ...runRecord().hyper, epochs: 7, batchSize: 64, seed: 9, limit: 500 },
      error: 'Interrupted: the app closed or stopped while this run was training, before its first checkpoint. Start it again with the same settings.',
    });
    const s = setup({ 'run:get': () => ({ run: early, epochs: [], batches: [], batchTotal: 0 }) }, [early]);
    await openRuns(s.wrapper);
    await s.wrapper.find('[data-testid="run-item"]').trigger('click');
    await flushPromises();
    expect(button(s.wrapper, 'run-error').text()).toContain('before its first checkpoint');
    await button(s.wrapper, 'run-start-again').trigger('click');
    await flushPromises();
    const dialog = s.wrapper.find('[data-testid="new-run-dialog"]');
    expect(dialog.text()).not.toContain('Continues from checkpoint');
    expect((button(s.wrapper, 'run-epochs').element as HTMLInputElement).value).toBe('7');
    expect((button(s.wrapper, 'run-batch-size').element as HTMLInputElement).value).toBe('64');
    await s.wrapper.find('#new-run-form').trigger('submit');
    await flushPromises();
    expect(s.created).toHaveLength(1);
    expect(s.created[0]).toMatchObject({ modelId: early.modelId, spec: early.spec, hyper: { epochs: 7, batchSize: 64, seed: 9, limit: 500 } });
    expect(s.created[0]!.resumedFrom ?? null).toBeNull();
  });

  it('offers no new start to a run that has a checkpoint to resume from, or that completed', async () => {
    const done = runRecord({ status: 'completed' });
    const s = setup({ 'run:get': () => ({ run: done, epochs: [], batches: [], batchTotal: 0 }), 'checkpoint:list': () => [checkpointMeta({ kind: 'final' })] }, [done]);
    await openRuns(s.wrapper);
    await s.wrapper.find('[data-testid="run-item"]').trigger('click');
    await flushPromises();
    expect(button(s.wrapper, 'run-start-again').exists()).toBe(false);
  });

  it('resumes with the checkpoint\'s early-stopping state, so patience goes on counting', async () => {
    const done = runRecord({ status: 'stopped' });
    const earlyStopping = { bestLoss: 0.3, best: null, watchLoss: 0.3, wait: 2 };
    const meta = checkpointMeta({ kind: 'epoch', epoch: 3, step: 40, earlyStopping });
    const s = setup(
      {
        'checkpoint:list': () => [meta],
        'checkpoint:load': () => ({
          modelTopology: { class_name: 'Sequential' },
          trainingConfig: null,
          weightSpecs: [{ name: 'w', shape: [1], dtype: 'float32' }],
          weightData: new Uint8Array(4),
          optimizer: null,
          optimizerWeightData: null,
          meta,
        }),
      },
      [done],
    );
    await openRuns(s.wrapper);
    await s.wrapper.find('[data-testid="run-item"]').trigger('click');
    await flushPromises();
    await button(s.wrapper, 'resume-from-button').trigger('click');
    await s.wrapper.find('#new-run-form').trigger('submit');
    await flushPromises();
    const start = s.worker.requestsOf('train:start')[0] as { resume: { nextEpoch: number; step: number; earlyStopping: unknown } };
    expect(start.resume).toMatchObject({ nextEpoch: 4, step: 40, earlyStopping });
  });

  it('says why a run failed in Chinese when the UI is, with the runtime\'s own words kept', async () => {
    const failed = runRecord({ status: 'failed', error: say('training.outOfMemory', { backend: 'wasm', batch: 256, slice: 256, raw: 'Aborted()' }) });
    const s = setup({ 'settings:get': () => ({ settings: { ...DEFAULT_SETTINGS, language: 'zh-CN' }, problem: null }), 'run:get': () => ({ run: failed, epochs: [], batches: [], batchTotal: 0 }) }, [failed]);
    await openRuns(s.wrapper);
    await s.wrapper.find('[data-testid="run-item"]').trigger('click');
    await flushPromises();
    expect(button(s.wrapper, 'run-error').text()).toBe('在 wasm 上训练时内存不足（批次大小 256）。请尝试更小的批次大小、更短的序列长度或更小的模型。[Aborted()]');
  });
});
