/** Removing a training run from the runs list and from its view: confirm dialog, store, keyboard. */
import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src-renderer/App.vue';
import { StudioError } from '../../src-shared/errors';
import type { RunRecord } from '../../src-shared/runs/run-record';
import { mnistManifest } from './dataset-fixtures';
import { fakeStudio, mountWithStudio, projectView, type FakeHandlers } from './fake-studio';
import { checkpointMeta, runRecord, scriptedMl, seedCnnModel } from './training-fixtures';

enableAutoUnmount(afterEach);

const done = runRecord({ id: 'rn-done0001', name: 'Run 1', status: 'completed' });
const other = runRecord({ id: 'rn-done0002', name: 'Run 2', status: 'stopped' });

function setup(runs: RunRecord[], handlers: FakeHandlers = {}) {
  let stored = [...runs];
  const studio = fakeStudio({
    'project:current': () => projectView('Lab'),
    'dataset:list': () => [mnistManifest()],
    'model:list': () => [seedCnnModel()],
    'run:list': () => stored,
    'run:get': (req) => ({ run: stored.find((r) => r.id === req.runId)!, epochs: [], batches: [], batchTotal: 0 }),
    'checkpoint:list': (req) => [checkpointMeta({ runId: req.runId ?? done.id, kind: 'final', epoch: 9 })],
    'run:remove': (req) => {
      stored = stored.filter((r) => r.id !== req.id);
      return null;
    },
    ...handlers,
  });
  const wrapper = mountWithStudio(App, studio, { ml: scriptedMl().ml });
  const find = (id: string) => wrapper.find(`[data-testid="${id}"]`);
  const open = async () => {
    await flushPromises();
    await find('sidebar-runs').trigger('click');
    await flushPromises();
  };
  const listed = () => wrapper.findAll('[data-testid="run-item"]').map((b) => b.attributes('data-id'));
  return { studio, wrapper, find, open, listed };
}

describe('removing a run', () => {
  it('asks first from the list: Esc keeps the run, Remove run deletes it and updates the list', async () => {
    const s = setup([done, other]);
    await s.open();
    expect(s.listed()).toEqual([other.id, done.id]);
    const remove = s.wrapper.find(`[data-testid="run-item-remove"][data-id="${done.id}"]`);
    expect(remove.attributes('aria-label')).toBe('Remove Run 1');
    (remove.element as HTMLButtonElement).focus();

    await remove.trigger('click');
    await flushPromises();
    const dialog = s.find('remove-run-dialog');
    expect(dialog.attributes('role')).toBe('dialog');
    expect(dialog.text()).toContain('Remove Run 1?');
    expect(dialog.text()).toContain('all of its checkpoints');
    // Cancel has the focus, so Enter right away keeps the run.
    expect(document.activeElement).toBe(s.find('remove-run-cancel').element);
    await dialog.trigger('keydown', { key: 'Escape' });
    expect(s.find('remove-run-dialog').exists()).toBe(false);
    expect(document.activeElement).toBe(remove.element);
    expect(s.studio.callsTo('run:remove')).toEqual([]);
    expect(s.listed()).toEqual([other.id, done.id]);

    await remove.trigger('click');
    await flushPromises();
    await s.find('remove-run-confirm').trigger('click');
    await flushPromises();
    expect(s.studio.callsTo('run:remove')).toEqual([{ id: done.id }]);
    expect(s.find('remove-run-dialog').exists()).toBe(false);
    expect(s.listed()).toEqual([other.id]);
    expect(s.find('error-panel').exists()).toBe(false);
    // The row it was opened from is gone, so the focus goes to New run.
    expect(document.activeElement).toBe(s.find('new-run-button').element);
  });

  it('removes the open run from its view, which closes and leaves the list', async () => {
    const s = setup([done]);
    await s.open();
    await s.find('run-item').trigger('click');
    await flushPromises();
    expect(s.find('run-view').attributes('data-id')).toBe(done.id);

    (s.find('run-remove').element as HTMLButtonElement).focus();
    await s.find('run-remove').trigger('click');
    await flushPromises();
    // The open run's checkpoints are known, so the dialog says how many go with it.
    expect(s.find('remove-run-checkpoints').text()).toBe('1 checkpoint');
    await s.find('remove-run-confirm').trigger('click');
    await flushPromises();
    expect(s.studio.callsTo('run:remove')).toEqual([{ id: done.id }]);
    expect(s.find('run-view').exists()).toBe(false);
    expect(s.find('empty-state').exists()).toBe(true);
    // The focus lands on New run rather than on nothing.
    expect(document.activeElement).toBe(s.find('new-run-button').element);
  });

  it('offers no Remove for a run that is training', async () => {
    const running = runRecord({ id: 'rn-live0001', name: 'Live', status: 'running' });
    const s = setup([running, done]);
    await s.open();
    const button = (id: string) => s.wrapper.find(`[data-testid="run-item-remove"][data-id="${id}"]`);
    expect(button(running.id).attributes('disabled')).toBeDefined();
    expect(button(running.id).attributes('title')).toBe('Stop the run before removing it.');
    expect(button(done.id).attributes('disabled')).toBeUndefined();
    await s.wrapper.find(`[data-testid="run-item"][data-id="${running.id}"]`).trigger('click');
    await flushPromises();
    expect(s.find('run-remove').attributes('disabled')).toBeDefined();
  });

  it('shows why main refused and keeps the run listed', async () => {
    const s = setup([done], {
      'run:remove': () => {
        throw new StudioError('BUSY', 'Run 1 is training. Stop it before removing it.');
      },
    });
    await s.open();
    await s.find('run-item-remove').trigger('click');
    await flushPromises();
    await s.find('remove-run-confirm').trigger('click');
    await flushPromises();
    expect(s.find('remove-run-dialog').exists()).toBe(false);
    expect(s.find('error-message').text()).toBe('Run 1 is training. Stop it before removing it.');
    expect(s.listed()).toEqual([done.id]);
  });
});
